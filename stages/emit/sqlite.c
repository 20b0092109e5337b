/* sqlite — indicators.sqlite: see outputs.h. */
#include "outputs.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_release.h"
#include "strbuf.h"
#include "xalloc.h"

/* The rows of indicators.sqlite go in this many at a time. */
#define SQLITE_ROWS 64

/* indicators.sqlite's tables: the release rows, and the sources with
 * sources.csv's columns. */
static const char INDICATORS_DDL[] =
        "CREATE TABLE indicators (indicator TEXT NOT NULL, geo TEXT NOT "
        "NULL, period TEXT NOT NULL, value REAL, unit TEXT, flags TEXT, "
        "qualifier TEXT, status TEXT, vintage TEXT, source TEXT, "
        "lineage_id TEXT, note TEXT, bound TEXT, precision TEXT, PRIMARY KEY "
        "(indicator, geo, period)) STRICT, WITHOUT ROWID;";

int
sqlite_out_open(struct store_release **out, struct error *err)
{
	struct strbuf ddl;
	int k, rc;

	strbuf_init(&ddl, 1u << 12);
	strbuf_addstr(&ddl, INDICATORS_DDL);
	strbuf_addstr(&ddl, "CREATE TABLE sources (");
	for (k = 0; k < SRC_COUNT; k++)
		strbuf_addf(&ddl, "%s%s TEXT%s", k ? ", " : "",
		            release_source_columns[k],
		            k == SRC_SOURCE ? " PRIMARY KEY" : "");
	strbuf_addstr(&ddl, ") STRICT;");
	rc = store_release_open(out, "indicators.sqlite", ddl.buf, err);
	strbuf_release(&ddl);
	return rc;
}

int
sqlite_out_rows(struct store_release *o, const char *const (*rows)[COL_COUNT],
                size_t nrows, struct error *err)
{
	return store_release_insert(o, "indicators", COL_COUNT, COL_VALUE,
	                            rows[0], nrows, err);
}

int
sqlite_out_finish(struct store_release *o, const struct release_data *d,
                  struct error *err)
{
	char *path = xasprintf("%s/indicators.sqlite", d->dir);
	size_t i;
	int rc = 0;

	for (i = 0; i < d->nsources && rc == 0; i++)
		rc = store_release_insert(o, "sources", SRC_COUNT, -1,
		                          (const char *const *)d->sources[i].f,
		                          1, err);
	if (rc == 0)
		rc = store_release_finish(o, path, err);
	free(path);
	return rc;
}

/* indicators.sqlite from indicators.csv (when it cannot be fed the rows
 * as they are written: emit.c). */
int
outputs_sqlite(const struct release_data *d, struct error *err)
{
	struct store_release *o = NULL;
	struct release_cursor c;
	struct strbuf arena;
	size_t off[SQLITE_ROWS][COL_COUNT];
	const char *rows[SQLITE_ROWS][COL_COUNT];
	size_t i, n, r;
	int k, rc = -1, opened = 0;

	strbuf_init(&arena, SIZE_MAX / 2);
	if (sqlite_out_open(&o, err) < 0 ||
	    release_rows_open(d, NULL, &c, err) < 0)
		goto out;
	opened = 1;
	for (i = 0; i < d->nrows; i += n) {
		n = d->nrows - i < SQLITE_ROWS ? d->nrows - i : SQLITE_ROWS;
		/* The cursor's row is gone at the next: the batch's texts
		 * are copied into one arena first. */
		strbuf_reset(&arena);
		for (r = 0; r < n; r++) {
			if (release_rows_next(&c, err) != 1) {
				if (!err->msg[0])
					error_set(err, "'%s' ends early",
					          d->csv);
				goto out;
			}
			for (k = 0; k < COL_COUNT; k++)
				off[r][k] = strbuf_put_str(&arena, c.row.f[k]);
		}
		for (r = 0; r < n; r++)
			for (k = 0; k < COL_COUNT; k++)
				rows[r][k] = arena.buf + off[r][k];
		if (sqlite_out_rows(o, (const char *const(*)[COL_COUNT])rows, n,
		                    err) < 0)
			goto out;
	}
	rc = sqlite_out_finish(o, d, err);
out:
	if (opened)
		release_rows_close(&c);
	strbuf_release(&arena);
	store_release_close(o);
	return rc;
}
