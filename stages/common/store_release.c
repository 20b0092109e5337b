/* store_release — see store_release.h. */
#include "store_release.h"

#include <stdlib.h>
#include <string.h>

#include "store_binds.h"
#include "crash.h"
#include "fileio.h"
#include "store.h"
#include "store_sqlite.h"
#include "xalloc.h"

/* Rows in one INSERT: past 64 the statement's preparation costs more than
 * the statements it saves. */
#define RELEASE_BATCH 64

struct store_release {
	sqlite3 *db;
	char *label;
	struct store_stmt *ins; /* RELEASE_BATCH rows (or the last few) */
	char *ins_table;
	int ins_cols;
	size_t ins_rows;
	struct store_binds *memo; /* ins's, with RELEASE_BATCH rows */
};

static int
release_fail(struct store_release *o, struct error *err)
{
	return error_set(err, "%s: %s", o->label, sqlite3_errmsg(o->db));
}

static int
release_exec(struct store_release *o, const char *sql, struct error *err)
{
	return store_sqlite_exec(o->db, o->label, sql, err);
}
static int
release_prepare(struct store_release *o, const char *sql, struct store_stmt **s,
                struct error *err)
{
	sqlite3_stmt *p = NULL;

	*s = NULL;
	if (sqlite3_prepare_v2(o->db, sql, -1, &p, NULL) != SQLITE_OK)
		return release_fail(o, err);
	*s = (struct store_stmt *)p;
	return 0;
}

int
store_release_open(struct store_release **out, const char *label,
                   const char *ddl, struct error *err)
{
	struct store_release *o = xcalloc(1, sizeof(*o));

	*out = o;
	o->label = xstrdup(label);
	error_clear(err);
	/* A private temporary database (""), used by one thread (no
	 * mutexes); with SQLITE_OPEN_MEMORY, VACUUM INTO would write
	 * through the in-memory VFS, not to disk. */
	if (sqlite3_open_v2("", &o->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK)
		return release_fail(o, err);
	/* A scratch database: VACUUM INTO makes the file, so no journal
	 * (it does not change the file's bytes). */
	if (release_exec(o, ddl, err) < 0 ||
	    release_exec(o, "PRAGMA journal_mode = OFF; BEGIN", err) < 0)
		return -1;
	return 0;
}

/* Makes o->ins the INSERT of n rows into table. */
static int
release_statement(struct store_release *o, const char *table, int ncols,
                  size_t n, struct error *err)
{
	char *head, *sql;
	int rc;

	if (o->ins && o->ins_rows == n && o->ins_cols == ncols &&
	    strcmp(o->ins_table, table) == 0)
		return 0;
	store_finalize(o->ins);
	o->ins = NULL;
	store_binds_free(o->memo);
	o->memo = NULL;
	free(o->ins_table);
	o->ins_table = xstrdup(table);
	head = xasprintf("INSERT INTO %s", table);
	sql = store_insert_sql(head, ncols, n);
	rc = release_prepare(o, sql, &o->ins, err);
	free(sql);
	free(head);
	if (rc < 0)
		return -1;
	o->ins_cols = ncols;
	o->ins_rows = n;
	if (n == RELEASE_BATCH)
		o->memo = store_binds_new(RELEASE_BATCH * (size_t)ncols);
	return 0;
}

int
store_release_insert(struct store_release *o, const char *table, int ncols,
                     int real_col, const char *const *cells, size_t nrows,
                     struct error *err)
{
	size_t i, n, r;
	int k;

	for (i = 0; i < nrows; i += n) {
		n = nrows - i < RELEASE_BATCH ? nrows - i : RELEASE_BATCH;
		if (release_statement(o, table, ncols, n, err) < 0)
			return -1;
		for (r = 0; r < n; r++) {
			const char *const *f = cells + (i + r) * (size_t)ncols;
			int b = (int)r * ncols + 1;
			char *end;

			for (k = 0; k < ncols; k++)
				if (k != real_col)
					store_binds_text(o->ins, o->memo, b + k,
					                 f[k]);
			if (real_col < 0)
				continue;
			if (!f[real_col] || !*f[real_col]) {
				store_bind_null(o->ins, b + real_col);
				continue;
			}
			store_bind_double(o->ins, b + real_col,
			                  strtod(f[real_col], &end));
			if (*end)
				return error_set(
				        err, "%s: value '%s' is not a number",
				        o->label, f[real_col]);
		}
		if (store_step(o->ins) != STORE_DONE)
			return release_fail(o, err);
		store_reset(o->ins);
	}
	return 0;
}

int
store_release_finish(struct store_release *o, const char *path,
                     struct error *err)
{
	sqlite3 *chk = NULL;
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (release_exec(o, "COMMIT", err) < 0)
		goto out;
	/* VACUUM INTO writes a compact copy; it does not fsync. */
	if (sqlite3_prepare_v2(o->db, "VACUUM INTO ?", -1, &s, NULL) !=
	            SQLITE_OK ||
	    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE) {
		release_fail(o, err);
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	crash_point("emit.after-vacuum"); /* a copy not yet fsync'd */
	if (sqlite3_open_v2(path, &chk,
	                    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(chk, "PRAGMA integrity_check", -1, &s, NULL) !=
	            SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(s, 0), "ok") != 0) {
		error_set(err, "'%s' fails integrity_check", path);
		goto out;
	}
	if (fileio_fsync_file(path, err) < 0)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	sqlite3_close(chk);
	return rc;
}

void
store_release_close(struct store_release *o)
{
	if (!o)
		return;
	store_finalize(o->ins);
	store_binds_free(o->memo);
	free(o->ins_table);
	sqlite3_close(o->db);
	free(o->label);
	free(o);
}
