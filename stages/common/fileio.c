/* fileio — see fileio.h. */
#define _XOPEN_SOURCE 700
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

int
fileio_read_stream(FILE *fp, const char *name, size_t max_bytes, char **out,
                   size_t *len, struct error *err)
{
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	for (;;) {
		if (n == cap) {
			if (cap > max_bytes)
				goto too_big;
			cap = cap ? cap * 2 : 65536;
			if (cap > max_bytes + 1)
				cap = max_bytes + 1;
			buf = xrealloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		return error_set(err, "cannot read '%s': %s", name,
		                 strerror(errno));
	}
	if (n > max_bytes)
		goto too_big;
	if (!buf)
		buf = xmalloc(1);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
too_big:
	free(buf);
	return error_set(err, "'%s': larger than the limit of %zu bytes", name,
	                 max_bytes);
}

int
fileio_read(const char *path, size_t max_bytes, char **out, size_t *len,
            struct error *err)
{
	FILE *fp = fopen(path, "rb");
	int ret;

	if (!fp)
		return error_set(err, "cannot open '%s': %s", path,
		                 strerror(errno));
	ret = fileio_read_stream(fp, path, max_bytes, out, len, err);
	fclose(fp);
	return ret;
}

int
fileio_mkdirs(const char *path, mode_t mode, struct error *err)
{
	char *p = xstrdup(path), *s;
	int ret = -1;

	for (s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				error_set(err,
				          "cannot create directory '%s': %s", p,
				          strerror(errno));
				goto out;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	ret = 0;
out:
	free(p);
	return ret;
}

/* The errno the PROVSTAT_FAULT hook wants for op on path, or 0. */
static int
fault(const char *op, const char *path)
{
	const char *spec = getenv("PROVSTAT_FAULT"), *p;
	size_t oplen = strlen(op), n;
	int e;

	if (!spec || strncmp(spec, op, oplen) != 0 || spec[oplen] != ':')
		return 0;
	p = spec + oplen + 1;
	if (strncmp(p, "ENOSPC", 6) == 0) {
		e = ENOSPC;
		p += 6;
	} else if (strncmp(p, "EIO", 3) == 0) {
		e = EIO;
		p += 3;
	} else {
		return 0;
	}
	if (*p == '\0')
		return e;
	if (*p++ != ':')
		return 0;
	n = strlen(p);
	if (n > 0 && p[n - 1] == '$') { /* anchored at the path's end */
		size_t plen = strlen(path);

		return plen >= n - 1 && strncmp(path + plen - (n - 1), p,
		                                n - 1) == 0
		               ? e
		               : 0;
	}
	return strstr(path, p) ? e : 0;
}

int
fileio_write(FILE *fp, const void *data, size_t n, const char *path,
             struct error *err)
{
	int e = fault("write", path);

	if (!e && (n == 0 || fwrite(data, 1, n, fp) == n))
		return 0;
	return error_set(err, "cannot write '%s': %s", path,
	                 strerror(e ? e : errno));
}

int
fileio_sync(FILE *fp, const char *path, struct error *err)
{
	int e = fault("write", path);

	if (e || fflush(fp) != 0 || ferror(fp))
		return error_set(err, "cannot write '%s': %s", path,
		                 strerror(e ? e : errno));
	if ((e = fault("fsync", path)) || fsync(fileno(fp)) < 0)
		return error_set(err, "cannot fsync '%s': %s", path,
		                 strerror(e ? e : errno));
	return 0;
}

int
fileio_fsync_file(const char *path, struct error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e = fault("fsync", path);

	if (fd < 0 || e || fsync(fd) < 0) {
		error_set(err, "cannot fsync '%s': %s", path,
		          strerror(e ? e : errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
fileio_rename(const char *from, const char *to, struct error *err)
{
	int e = fault("rename", from);

	if (!e)
		e = fault("rename", to);
	if (!e && rename(from, to) == 0)
		return 0;
	return error_set(err, "cannot rename '%s' to '%s': %s", from, to,
	                 strerror(e ? e : errno));
}

int
fileio_fsync_dir(const char *dir, struct error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), e;

	if (fd < 0)
		return error_set(err, "cannot open directory '%s': %s", dir,
		                 strerror(errno));
	if ((e = fault("fsync", dir)) || fsync(fd) < 0) {
		error_set(err, "cannot fsync directory '%s': %s", dir,
		          strerror(e ? e : errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int
fileio_remove_tree(const char *path, struct error *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0
		                       : error_set(err, "cannot stat '%s': %s",
		                                   path, strerror(errno));
	if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return error_set(err, "cannot remove '%s': %s", path,
		                 strerror(errno));
	return 0;
}

int
fileio_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

char *
fileio_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

char *
fileio_join(const char *dir, const char *rel)
{
	if (rel[0] == '/' || !dir || !*dir || strcmp(dir, ".") == 0)
		return xstrdup(rel);
	return xasprintf("%s/%s", dir, rel);
}
