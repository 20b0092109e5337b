/* archive — see archive.h. */
#include "archive.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crash.h"
#include "fileio.h"
#include "xalloc.h"

char *
archive_path(const char *out_dir, const char *sha)
{
	return xasprintf("%s/archive/sha256/%.2s/%s", out_dir, sha, sha + 2);
}

int
archive_clean_tmp(const char *out_dir, struct error *err)
{
	char *dir = xasprintf("%s/archive/tmp", out_dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (!d) {
		free(dir);
		return 0;
	}
	while ((e = readdir(d))) {
		char *p;

		if (e->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (unlink(p) < 0 && errno != ENOENT)
			ret = error_set(err, "cannot remove '%s': %s", p,
			                strerror(errno));
		free(p);
	}
	closedir(d);
	free(dir);
	return ret;
}

int
archive_writer_open(struct archive_writer *w, const char *out_dir,
                    struct error *err)
{
	static unsigned counter;
	char *tmpdir;
	int fd;

	memset(w, 0, sizeof(*w));
	w->archive_dir = xasprintf("%s/archive", out_dir);
	tmpdir = xasprintf("%s/tmp", w->archive_dir);
	if (fileio_mkdirs(tmpdir, 0755, err) < 0) {
		free(tmpdir);
		archive_writer_abort(w);
		return -1;
	}
	w->tmp_path =
	        xasprintf("%s/fetch-%ld-%u", tmpdir, (long)getpid(), counter++);
	free(tmpdir);
	fd = open(w->tmp_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || !(w->fp = fdopen(fd, "w+b"))) {
		error_set(err, "cannot create '%s': %s", w->tmp_path,
		          strerror(errno));
		if (fd >= 0)
			close(fd);
		archive_writer_abort(w);
		return -1;
	}
	w->hash = hash_new();
	return 0;
}

int
archive_writer_write(struct archive_writer *w, const void *data, size_t n,
                     struct error *err)
{
	if (fileio_write(w->fp, data, n, w->tmp_path, err) < 0)
		return -1;
	hash_update(w->hash, data, n);
	w->bytes += (long long)n;
	return 0;
}

int
archive_writer_reset(struct archive_writer *w, struct error *err)
{
	char discard[HASH_HEX_SIZE];

	if (fflush(w->fp) != 0 || ftruncate(fileno(w->fp), 0) < 0 ||
	    fseek(w->fp, 0, SEEK_SET) != 0)
		return error_set(err, "cannot truncate '%s': %s", w->tmp_path,
		                 strerror(errno));
	hash_final_hex(w->hash, discard); /* resets the context */
	w->bytes = 0;
	return 0;
}

int
archive_writer_commit(struct archive_writer *w, char sha[HASH_HEX_SIZE],
                      struct error *err)
{
	char *dest = NULL, *dir = NULL;
	int ret = -1;

	hash_final_hex(w->hash, sha);
	dest = xasprintf("%s/sha256/%.2s/%s", w->archive_dir, sha, sha + 2);
	if (fileio_exists(dest)) {
		ret = 0; /* the same bytes are archived already */
		goto out;
	}
	if (fileio_sync(w->fp, w->tmp_path, err) < 0)
		goto out;
	crash_point("archive.after-sync");
	if (fclose(w->fp) != 0) {
		w->fp = NULL;
		error_set(err, "cannot close '%s': %s", w->tmp_path,
		          strerror(errno));
		goto out;
	}
	w->fp = NULL;
	dir = fileio_dirname(dest);
	if (fileio_mkdirs(dir, 0755, err) < 0)
		goto out;
	chmod(w->tmp_path, 0444);
	if (fileio_rename(w->tmp_path, dest, err) < 0)
		goto out;
	crash_point("archive.after-rename");
	if (fileio_fsync_dir(dir, err) < 0)
		goto out;
	ret = 0;
out:
	free(dest);
	free(dir);
	archive_writer_abort(w);
	return ret;
}

void
archive_writer_abort(struct archive_writer *w)
{
	if (w->fp)
		fclose(w->fp);
	if (w->tmp_path)
		unlink(w->tmp_path);
	hash_free(w->hash);
	free(w->tmp_path);
	free(w->archive_dir);
	memset(w, 0, sizeof(*w));
}
