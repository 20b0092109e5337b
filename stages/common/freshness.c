/* freshness — see freshness.h. */
#include "freshness.h"

#include <stdlib.h>
#include <string.h>

#include "timefmt.h"
#include "xalloc.h"

/* The problems of the newest rejected parse of a snapshot, or NULL. */
static char *
rejection_of(struct store *st, const char *source_id, const char *sha)
{
	struct store_stmt *s = NULL;
	struct error err;
	char *text = NULL;

	if (store_prepare(st,
	                  "SELECT problems FROM parse WHERE source_id = ?1 AND "
	                  "snapshot_sha256 = ?2 AND status = 'rejected' ORDER "
	                  "BY id DESC LIMIT 1",
	                  &s, &err) < 0)
		return NULL;
	store_bind_text(s, 1, source_id);
	store_bind_text(s, 2, sha);
	if (store_step(s) == STORE_ROW && !store_col_null(s, 0))
		text = store_col_dup(s, 0);
	store_finalize(s);
	return text;
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
	static const char snapshot_sql[] =
	        "SELECT coalesce(s.media_type, ''), coalesce(p.decoding, ''), "
	        "coalesce(CAST(p.decoded_bytes AS TEXT), '') FROM snapshot s "
	        "LEFT JOIN (SELECT decoding, decoded_bytes FROM parse WHERE "
	        "source_id = ?1 AND snapshot_sha256 = ?2 AND "
	        "source_config_hash "
	        "= ?3 AND status = 'loaded' ORDER BY id DESC LIMIT 1) p WHERE "
	        "s.sha256 = ?2";
	static const char last_sql[] =
	        "SELECT retrieved_at, outcome, error, snapshot_sha256 FROM "
	        "fetch "
	        "WHERE source_id = ?1 AND retrieved_at <= ?2 ORDER BY id DESC "
	        "LIMIT 1";
	static const char success_sql[] =
	        "SELECT retrieved_at FROM fetch WHERE source_id = ?1 AND "
	        "retrieved_at <= ?2 AND outcome <> 'failed' ORDER BY id DESC "
	        "LIMIT 1";
	struct store_stmt *s = NULL;
	char *newest_snapshot = NULL;
	time_t t;
	int ret = -1;

	memset(f, 0, sizeof(*f));
	if (store_prepare(st, loaded_sql, &s, err) < 0)
		goto out;
	store_bind_text(s, 1, src->id);
	store_bind_text(s, 2, as_of);
	store_bind_text(s, 3, src->hash);
	if (store_step(s) == STORE_ROW) {
		f->snapshot = store_col_dup(s, 0);
		f->snapshot_since = store_col_dup(s, 1);
	}
	store_finalize(s);
	if (f->snapshot) {
		if (store_prepare(st, snapshot_sql, &s, err) < 0)
			goto out;
		store_bind_text(s, 1, src->id);
		store_bind_text(s, 2, f->snapshot);
		store_bind_text(s, 3, src->hash);
		if (store_step(s) == STORE_ROW) {
			f->media_type = store_col_dup(s, 0);
			f->decoding = store_col_dup(s, 1);
			f->decoded_bytes = store_col_dup(s, 2);
		}
		store_finalize(s);
	}
	if (store_prepare(st, last_sql, &s, err) < 0)
		goto out;
	store_bind_text(s, 1, src->id);
	store_bind_text(s, 2, as_of);
	if (store_step(s) == STORE_ROW) {
		f->last_attempt = store_col_dup(s, 0);
		f->last_outcome = store_col_dup(s, 1);
		f->last_error = store_col_dup(s, 2);
		newest_snapshot = store_col_dup(s, 3);
	}
	store_finalize(s);
	if (store_prepare(st, success_sql, &s, err) < 0)
		goto out;
	store_bind_text(s, 1, src->id);
	store_bind_text(s, 2, as_of);
	if (store_step(s) == STORE_ROW)
		f->last_success = store_col_dup(s, 0);
	store_finalize(s);
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
		char *why = rejection_of(st, src->id, newest_snapshot);

		f->status = "stale";
		/* Its first problem says why: what vanished, for a snapshot
		 * the shrink guard held back. */
		f->reason = xasprintf("the newest document (%.12s) was "
		                      "rejected%s%.*s",
		                      newest_snapshot, why ? ": " : "",
		                      why ? (int)strcspn(why, "\n") : 0,
		                      why ? why : "");
		free(why);
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
	free(f->media_type);
	free(f->decoding);
	free(f->decoded_bytes);
	free(f->last_success);
	free(f->last_attempt);
	free(f->last_outcome);
	free(f->last_error);
	memset(f, 0, sizeof(*f));
}
