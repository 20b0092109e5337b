/* atomic_file — see atomic_file.h. */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crash.h"
#include "fileio.h"
#include "xalloc.h"

/* The stream's buffer: stdio's own is a page (st_blksize), a write(2)
 * for every 4 KiB of a release's hundreds of MB (and glibc's setvbuf()
 * ignores the size unless it is given the buffer). */
#define ATOMIC_FILE_BUF (256 * 1024)

int
atomic_file_open(struct atomic_file *af, const char *path, struct error *err)
{
	int fd;

	af->path = xstrdup(path);
	af->tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
	af->fp = NULL;
	af->buf = NULL;
	fd = open(af->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || !(af->fp = fdopen(fd, "wb"))) {
		error_set(err, "cannot create '%s': %s", af->tmp,
		          strerror(errno));
		if (fd >= 0)
			close(fd);
		atomic_file_abort(af);
		return -1;
	}
	af->buf = xmalloc(ATOMIC_FILE_BUF);
	setvbuf(af->fp, af->buf, _IOFBF, ATOMIC_FILE_BUF);
	/* One thread writes a file: no lock around every fputc() and fputs()
	 * (glibc takes one in each once a process has a second thread, and
	 * emit's JSON-stat, written field by field, took a third longer). */
	__fsetlocking(af->fp, FSETLOCKING_BYCALLER);
	return 0;
}

FILE *
atomic_file_fp(struct atomic_file *af)
{
	return af->fp;
}

int
atomic_file_commit(struct atomic_file *af, struct error *err)
{
	char *dir = NULL;
	int ret = -1;

	if (fileio_sync(af->fp, af->tmp, err) < 0)
		goto out;
	crash_point("atomic.after-sync");
	if (fclose(af->fp) != 0) {
		af->fp = NULL;
		error_set(err, "cannot close '%s': %s", af->tmp,
		          strerror(errno));
		goto out;
	}
	af->fp = NULL;
	if (fileio_rename(af->tmp, af->path, err) < 0)
		goto out;
	crash_point("atomic.after-rename");
	free(af->tmp);
	af->tmp = NULL;
	dir = fileio_dirname(af->path);
	if (fileio_fsync_dir(dir, err) < 0)
		goto out;
	ret = 0;
out:
	free(dir);
	atomic_file_abort(af);
	return ret;
}

void
atomic_file_abort(struct atomic_file *af)
{
	if (af->fp)
		fclose(af->fp);
	if (af->tmp)
		unlink(af->tmp);
	free(af->tmp);
	free(af->path);
	free(af->buf); /* after fclose() */
	af->buf = NULL;
	af->fp = NULL;
	af->tmp = NULL;
	af->path = NULL;
}

int
atomic_file_write(const char *path, const void *data, size_t n,
                  struct error *err)
{
	struct atomic_file af;

	if (atomic_file_open(&af, path, err) < 0)
		return -1;
	if (fileio_write(af.fp, data, n, af.tmp, err) < 0) {
		atomic_file_abort(&af);
		return -1;
	}
	return atomic_file_commit(&af, err);
}
