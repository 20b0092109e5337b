/* verify — see verify.h. */
#include "verify.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "cli.h"
#include "diag.h"
#include "fileio.h"
#include "hash.h"
#include "rebuild.h"
#include "store.h"
#include "xalloc.h"

static int
rehash_archive(const char *out, struct verify_result *res, struct error *err)
{
	char *path = xasprintf("%s/store.sqlite", out);
	struct store *st = NULL;
	struct store_stmt *s = NULL;
	int rc = -1;

	if (store_open_readonly(&st, path, err) < 0 ||
	    store_prepare(st, "SELECT sha256 FROM snapshot ORDER BY sha256", &s,
	                  err) < 0)
		goto out;
	while (store_step(s) == STORE_ROW) {
		const char *sha = store_col_text(s, 0);
		char *file = archive_path(out, sha), got[HASH_HEX_SIZE];
		struct error herr;

		res->documents++;
		if (hash_file_hex(file, got, &herr) < 0) {
			diag_error("archive: %s", herr.msg);
			res->bad_documents++;
		} else if (strcmp(got, sha) != 0) {
			diag_error("archive: '%s' no longer matches its sha256 "
			           "(now %.12s)",
			           file, got);
			res->bad_documents++;
		}
		free(file);
	}
	rc = 0;
out:
	store_finalize(s);
	store_close(st);
	free(path);
	return rc;
}

/* Byte-compares two files; 1 if equal. */
static int
same_bytes(const char *a, const char *b)
{
	char ha[HASH_HEX_SIZE], hb[HASH_HEX_SIZE];
	struct error e;

	return hash_file_hex(a, ha, &e) == 0 && hash_file_hex(b, hb, &e) == 0 &&
	       strcmp(ha, hb) == 0;
}

static int
compare_dirs(const char *want, const char *got, struct verify_result *res)
{
	DIR *d = opendir(want);
	struct dirent *e;
	size_t n_want = 0, n_got = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char *a, *b;

		if (e->d_name[0] == '.')
			continue;
		n_want++;
		a = xasprintf("%s/%s", want, e->d_name);
		b = xasprintf("%s/%s", got, e->d_name);
		res->files++;
		if (!fileio_exists(b)) {
			diag_error("verify: the rebuild has no %s", e->d_name);
			res->differences++;
		} else if (!same_bytes(a, b)) {
			diag_error("verify: %s differs from its rebuild",
			           e->d_name);
			res->differences++;
		}
		free(a);
		free(b);
	}
	closedir(d);
	if ((d = opendir(got))) {
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				n_got++;
		closedir(d);
	}
	if (n_got != n_want) {
		diag_error("verify: the rebuild has %zu files, the release %zu",
		           n_got, n_want);
		res->differences++;
	}
	return 0;
}

int
verify_run(const struct chain_options *o, struct verify_result *res,
           struct error *err)
{
	struct chain_options ro = *o;
	char link[PATH_MAX], as_of[32], *current = NULL, *tmp = NULL;
	char *rebuilt = NULL, *want = NULL;
	const char *base = getenv("TMPDIR");
	ssize_t n;
	int y, mo, d, h, mi, s, rc, ret = -1;

	memset(res, 0, sizeof(*res));
	current = xasprintf("%s/current", o->out);
	n = readlink(current, link, sizeof(link) - 1);
	if (n < 0) {
		error_set(err, "no current release in '%s': %s", o->out,
		          strerror(errno));
		goto out;
	}
	link[n] = '\0';
	snprintf(res->release, sizeof(res->release), "%s",
	         strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	/* releases/20210601T120000Z-<hash>: the time it is "as of". */
	if (sscanf(res->release, "%4d%2d%2dT%2d%2d%2dZ-", &y, &mo, &d, &h, &mi,
	           &s) != 6) {
		error_set(err, "'%s' is not a release name", res->release);
		goto out;
	}
	snprintf(as_of, sizeof(as_of), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo,
	         d, h, mi, s);
	if (rehash_archive(o->out, res, err) < 0)
		goto out;
	tmp = xasprintf("%s/provstat-verify-XXXXXX",
	                base && *base ? base : "/tmp");
	if (!mkdtemp(tmp)) {
		error_set(err, "cannot create '%s': %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	rebuilt = xasprintf("%s/state", tmp);
	ro.out = rebuilt;
	rc = rebuild_run(o->out, as_of, &ro, err);
	if (rc != EXIT_OK && rc != EXIT_PARTIAL) {
		error_prefix(err, "rebuild as of %s", as_of);
		goto out;
	}
	free(current);
	current = xasprintf("%s/current", rebuilt);
	want = xasprintf("%s/%s", o->out, link);
	if (compare_dirs(want, current, res) < 0) {
		error_set(err, "cannot read '%s'", want);
		goto out;
	}
	ret = res->differences || res->bad_documents ? 1 : 0;
out:
	if (tmp) {
		struct error ignored;

		fileio_remove_tree(tmp, &ignored);
	}
	free(tmp);
	free(rebuilt);
	free(current);
	free(want);
	return ret;
}
