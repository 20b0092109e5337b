/* rebuild — see rebuild.h. */
#include "rebuild.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive.h"
#include "atomic_file.h"
#include "cli.h"
#include "diag.h"
#include "fileio.h"
#include "hash.h"
#include "store.h"
#include "timefmt.h"
#include "xalloc.h"

static int
dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return errno == ENOENT;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

#define FETCH_COLUMNS                                                          \
	"id, run_id, source_id, url, effective_url, redirects, http_status, "  \
	"etag, last_modified, content_type, retrieved_at, outcome, error, "    \
	"snapshot_sha256, bytes, duration_ms, attempts"
#define PARSE_COLUMNS                                                          \
	"id, run_id, source_id, snapshot_sha256, source_config_hash, status, " \
	"observations, first_observation, last_observation, problems, "        \
	"parsed_at"

/* Whether anything was fetched by as_of; if not, err says when the first
 * fetch was.  1, 0, or -1 on a store failure. */
static int
fetched_by(struct store *st, const char *as_of, struct error *err)
{
	struct store_stmt *s = NULL;
	int rc, n = -1;

	if (store_prepare(st,
	                  "SELECT count(*) FILTER (WHERE retrieved_at <= ?1), "
	                  "min(retrieved_at) FROM old.fetch",
	                  &s, err) < 0)
		return -1;
	store_bind_text(s, 1, as_of);
	if ((rc = store_step(s)) == STORE_ROW) {
		n = store_col_int(s, 0) > 0;
		if (!n && store_col_null(s, 1))
			error_set(err, "nothing to rebuild: the store has no "
			               "fetch at all");
		else if (!n)
			error_set(
			        err,
			        "nothing to rebuild as of %s: nothing had been "
			        "fetched yet (the store's first fetch is at "
			        "%s)",
			        as_of, store_col_text(s, 1));
	} else {
		store_fail(st, err, "cannot read fetches");
	}
	store_finalize(s);
	return n;
}

/* Copies the rows known by as_of from the old store into the new one. */
static int
copy_rows(struct store *st, const char *from_store, const char *as_of,
          struct error *err)
{
	static const char *const sql[] = {
	        "INSERT INTO main.source SELECT * FROM old.source",
	        "INSERT INTO main.run SELECT * FROM old.run WHERE id IN "
	        "(SELECT run_id FROM old.fetch WHERE retrieved_at <= ?1)",
	        "INSERT INTO main.snapshot SELECT * FROM old.snapshot WHERE "
	        "sha256 IN (SELECT snapshot_sha256 FROM old.fetch WHERE "
	        "retrieved_at <= ?1)",
	        /* fetch and parse by the columns every schema since 2 has:
	         * 6 added not_before and decoding, which a rebuild, offline
	         * and parsing again, does not need. */
	        "INSERT INTO main.fetch (" FETCH_COLUMNS
	        ") SELECT " FETCH_COLUMNS
	        " FROM old.fetch WHERE retrieved_at <= ?1 "
	        "ORDER BY id",
	        /* Documents that were rejected stay rejected: their records
	         * (and runs) come along, so normalize does not read them as
	         * new; the sources they belong to show as stale. */
	        "INSERT INTO main.run SELECT * FROM old.run WHERE id IN "
	        "(SELECT "
	        "run_id FROM old.parse WHERE status = 'rejected' AND "
	        "snapshot_sha256 IN (SELECT sha256 FROM main.snapshot)) AND id "
	        "NOT IN (SELECT id FROM main.run)",
	        "INSERT INTO main.parse (" PARSE_COLUMNS
	        ") SELECT " PARSE_COLUMNS
	        " FROM old.parse WHERE status = 'rejected' AND "
	        "snapshot_sha256 IN (SELECT sha256 FROM main.snapshot)",
	};
	struct store_stmt *s = NULL;
	size_t i;
	int version = 0;

	if (store_prepare(st, "ATTACH DATABASE ?1 AS old", &s, err) < 0)
		return -1;
	store_bind_text(s, 1, from_store);
	if (store_step(s) != STORE_DONE) {
		store_finalize(s);
		return error_set(err, "cannot open '%s': %s", from_store,
		                 store_errmsg(st));
	}
	store_finalize(s);
	if (store_prepare(st, "PRAGMA old.user_version", &s, err) < 0)
		return -1;
	if (store_step(s) == STORE_ROW)
		version = store_col_int(s, 0);
	store_finalize(s);
	/* Migrations 3 to 5 changed only the value tables and their indexes,
	 * which a rebuild computes again, and the declaration of a key of
	 * observation, which it does not copy; 6 added columns the copy
	 * names none of: a store of version 2 to 6 gives what is copied. */
	if (version < 2 || version > STORE_SCHEMA_VERSION)
		return error_set(err,
		                 "'%s' is not a provstat store of schema "
		                 "version 2 to %d",
		                 from_store, STORE_SCHEMA_VERSION);
	if (fetched_by(st, as_of, err) != 1)
		return -1;
	if (store_begin(st, err) < 0)
		return -1;
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		if (store_prepare(st, sql[i], &s, err) < 0)
			goto fail;
		if (strstr(sql[i], "?1"))
			store_bind_text(s, 1, as_of);
		if (store_step(s) != STORE_DONE) {
			error_set(err, "store: cannot copy rows: %s",
			          store_errmsg(st));
			store_finalize(s);
			goto fail;
		}
		store_finalize(s);
	}
	if (store_commit(st, err) < 0)
		goto fail;
	return store_exec(st, "DETACH DATABASE old", err);
fail:
	store_rollback(st);
	return -1;
}

/* Links (or copies) each snapshot into the new archive, re-hashing it. */
static int
link_archive(struct store *st, const char *from, const char *to,
             struct error *err)
{
	struct store_stmt *s = NULL;
	int rc, ret = -1;

	if (store_prepare(st, "SELECT sha256 FROM snapshot ORDER BY sha256", &s,
	                  err) < 0)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *sha = store_col_text(s, 0);
		char *src = archive_path(from, sha),
		     *dst = archive_path(to, sha);
		char *dir = fileio_dirname(dst), got[HASH_HEX_SIZE];
		int ok = hash_file_hex(src, got, err) == 0;

		if (ok && strcmp(got, sha) != 0) {
			error_set(err,
			          "archived file '%s' no longer matches "
			          "its sha256",
			          src);
			ok = 0;
		}
		if (ok)
			ok = fileio_mkdirs(dir, 0755, err) == 0;
		if (ok && link(src, dst) < 0) {
			char *bytes = NULL;
			size_t len;

			/* Another file system: copy. */
			ok = fileio_read(src, (size_t)1 << 40, &bytes, &len,
			                 err) == 0 &&
			     atomic_file_write(dst, bytes, len, err) == 0;
			free(bytes);
		}
		free(src);
		free(dst);
		free(dir);
		if (!ok)
			goto out;
	}
	ret = rc == STORE_DONE ? 0
	                       : error_set(err, "store: cannot list snapshots");
out:
	store_finalize(s);
	return ret;
}

/* check: normalize and reconcile only, the directory removed after. */
static int
rebuild_into(const char *from, const char *as_of, const struct chain_options *o,
             int check, struct error *err)
{
	const char *emit_extra[2] = {"--as-of", NULL};
	char *from_store = xasprintf("%s/store.sqlite", from);
	char *to_store = xasprintf("%s/store.sqlite", o->out);
	char stamp[TIMEFMT_LEN];
	struct store *st = NULL;
	time_t t;
	int ret = EXIT_FAIL, rc, created = 0, ours = 0;

	if (timefmt_parse(as_of, 1, &t, err) < 0) {
		error_prefix(err, "--as-of");
		goto out;
	}
	timefmt_format(t, stamp);
	if (!fileio_exists(from_store)) {
		error_set(err,
		          "no store in '%s' (run 'provstat run' first, or "
		          "name it with --from)",
		          from);
		goto out;
	}
	if (!dir_is_empty(o->out)) {
		error_set(err,
		          "'%s' is not empty; rebuild into a new directory",
		          o->out);
		goto out;
	}
	/* Everything the rebuild writes is dated as of the date itself. */
	if (setenv("PROVSTAT_NOW", stamp, 1) < 0) {
		error_set(err, "cannot pin the clock: %s", strerror(errno));
		goto out;
	}
	/* From here on what is in out is the rebuild's own. */
	ours = 1;
	created = !fileio_exists(o->out);
	if (fileio_mkdirs(o->out, 0755, err) < 0 ||
	    store_open(&st, to_store, err) < 0 ||
	    copy_rows(st, from_store, stamp, err) < 0 ||
	    link_archive(st, from, o->out, err) < 0)
		goto out;
	store_close(st);
	st = NULL;
	emit_extra[1] = stamp;
	if (check) {
		/* Every stage that reads the documents, each reporting all
		 * its problems: reconcile maps what normalize could load. */
		rc = chain_stage("normalize", o, NULL, 0, err);
		ret = chain_stage("reconcile", o, NULL, 0, err);
		ret = (rc == EXIT_OK || rc == EXIT_PARTIAL) && ret == EXIT_OK
		              ? EXIT_OK
		              : EXIT_FAIL;
		goto out;
	}
	rc = chain_stage("normalize", o, NULL, 0, err);
	if ((rc != EXIT_OK && rc != EXIT_PARTIAL) ||
	    chain_stage("reconcile", o, NULL, 0, err) != EXIT_OK)
		goto out;
	rc = chain_stage("emit", o, emit_extra, 2, err);
	ret = rc == EXIT_OK || rc == EXIT_PARTIAL ? rc : EXIT_FAIL;
out:
	store_close(st);
	/* A failed rebuild leaves nothing behind: the directory as it was
	 * (absent, or empty: it had to be). */
	if ((ret == EXIT_FAIL || check) && ours) {
		struct error rerr;

		if (fileio_remove_tree(o->out, &rerr) < 0 ||
		    (!created && fileio_mkdirs(o->out, 0755, &rerr) < 0))
			diag_error("%s", rerr.msg);
	}
	free(from_store);
	free(to_store);
	return ret;
}

int
rebuild_run(const char *from, const char *as_of, const struct chain_options *o,
            struct error *err)
{
	return rebuild_into(from, as_of, o, 0, err);
}

int
rebuild_check(const char *from, const struct chain_options *o,
              struct error *err)
{
	char now[TIMEFMT_LEN];

	timefmt_format(timefmt_now(), now);
	return rebuild_into(from, now, o, 1, err);
}
