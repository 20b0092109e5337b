/* freshness — see freshness.h. */
#include "freshness.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "timefmt.h"
#include "xalloc.h"

static char *
dup_col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

int
freshness_of(struct store *st, const struct source_config *src,
             const char *as_of, time_t now, struct freshness *f,
             struct error *err)
{
	/* The newest loaded snapshot, and when its current run began: the
	 * first fetch of it after the last fetch of any other document. */
	static const char loaded_sql[] =
	        "SELECT f.snapshot_sha256, (SELECT min(g.retrieved_at) FROM "
	        "fetch g WHERE g.source_id = f.source_id AND g.snapshot_sha256 "
	        "= f.snapshot_sha256 AND g.id > coalesce((SELECT max(h.id) "
	        "FROM "
	        "fetch h WHERE h.source_id = f.source_id AND h.outcome <> "
	        "'failed' AND h.snapshot_sha256 <> f.snapshot_sha256 AND h.id "
	        "< "
	        "f.id), 0)) FROM fetch f WHERE f.source_id = ?1 AND f.outcome "
	        "<> 'failed' AND f.retrieved_at <= ?2 AND EXISTS (SELECT 1 "
	        "FROM "
	        "parse p WHERE p.source_id = f.source_id AND p.snapshot_sha256 "
	        "= "
	        "f.snapshot_sha256 AND p.source_config_hash = ?3 AND p.status "
	        "= "
	        "'loaded') ORDER BY f.id DESC LIMIT 1";
	static const char last_sql[] =
	        "SELECT retrieved_at, outcome, error, snapshot_sha256 FROM "
	        "fetch "
	        "WHERE source_id = ?1 AND retrieved_at <= ?2 ORDER BY id DESC "
	        "LIMIT 1";
	static const char success_sql[] =
	        "SELECT retrieved_at FROM fetch WHERE source_id = ?1 AND "
	        "retrieved_at <= ?2 AND outcome <> 'failed' ORDER BY id DESC "
	        "LIMIT 1";
	sqlite3_stmt *s = NULL;
	char *newest_snapshot = NULL;
	time_t t;
	int ret = -1;

	memset(f, 0, sizeof(*f));
	if (store_prepare(st, loaded_sql, &s, err) < 0)
		goto out;
	sqlite3_bind_text(s, 1, src->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, as_of, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, src->hash, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		f->snapshot = dup_col(s, 0);
		f->snapshot_since = dup_col(s, 1);
	}
	sqlite3_finalize(s);
	if (store_prepare(st, last_sql, &s, err) < 0)
		goto out;
	sqlite3_bind_text(s, 1, src->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, as_of, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		f->last_attempt = dup_col(s, 0);
		f->last_outcome = dup_col(s, 1);
		f->last_error = dup_col(s, 2);
		newest_snapshot = dup_col(s, 3);
	}
	sqlite3_finalize(s);
	if (store_prepare(st, success_sql, &s, err) < 0)
		goto out;
	sqlite3_bind_text(s, 1, src->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, as_of, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		f->last_success = dup_col(s, 0);
	sqlite3_finalize(s);
	s = NULL;

	f->status = "fresh";
	if (!f->snapshot) {
		f->status = "failed";
		f->reason = xstrdup(f->last_attempt ? "no document could be "
		                                      "loaded yet"
		                                    : "never fetched");
	} else if (f->last_outcome && strcmp(f->last_outcome, "failed") == 0) {
		f->status = "stale";
		f->reason = xasprintf("the last attempt failed: %s",
		                      f->last_error ? f->last_error : "?");
	} else if (newest_snapshot &&
	           strcmp(newest_snapshot, f->snapshot) != 0) {
		f->status = "stale";
		f->reason = xasprintf("the newest document (%.12s) was "
		                      "rejected",
		                      newest_snapshot);
	} else if (src->max_age_days && f->last_success &&
	           timefmt_parse(f->last_success, 0, &t, NULL) == 0 &&
	           (double)(now - t) > src->max_age_days * 86400.0) {
		f->status = "stale";
		f->reason = xasprintf("last success %s is older than %ld days",
		                      f->last_success, src->max_age_days);
	}
	ret = 0;
out:
	free(newest_snapshot);
	return ret;
}

void
freshness_release(struct freshness *f)
{
	free(f->reason);
	free(f->snapshot);
	free(f->snapshot_since);
	free(f->last_success);
	free(f->last_attempt);
	free(f->last_outcome);
	free(f->last_error);
	memset(f, 0, sizeof(*f));
}
