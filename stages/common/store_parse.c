/* store_parse — see store_parse.h. */
#include "store_parse.h"

#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "xalloc.h"

/* Runs s once, to its end. */
static int
run_once(struct store *st, struct store_stmt *s, const char *what,
         struct error *err)
{
	if (store_step(s) != STORE_DONE)
		return store_fail(st, err, what);
	return 0;
}

static int
insert(struct store *st, const struct store_parse *p, const char *status,
       const char *problems, struct error *err)
{
	struct store_stmt *s = NULL;
	int rc;

	if (store_prepare(
	            st,
	            "INSERT INTO parse (run_id, source_id, "
	            "snapshot_sha256, source_config_hash, status, "
	            "observations, problems, parsed_at, decoding, "
	            "decoded_bytes) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
	            &s, err) < 0)
		return -1;
	store_bind_int(s, 1, p->run_id);
	store_bind_text(s, 2, p->source_id);
	store_bind_text(s, 3, p->snapshot_sha256);
	store_bind_text(s, 4, p->config_hash);
	store_bind_text(s, 5, status);
	store_bind_text(s, 6, problems);
	store_bind_text(s, 7, p->parsed_at);
	store_bind_text(s, 8, p->decoding ? p->decoding : "");
	if (p->decoding && *p->decoding && p->decoded_bytes >= 0)
		store_bind_int(s, 9, p->decoded_bytes);
	else
		store_bind_null(s, 9);
	rc = run_once(st, s, "cannot record parse", err);
	store_finalize(s);
	return rc;
}

int
store_parse_begin(struct store *st, const struct store_parse *p, int64_t *id,
                  struct error *err)
{
	if (insert(st, p, "loaded", NULL, err) < 0)
		return -1;
	*id = store_last_id(st);
	return 0;
}

int
store_parse_loaded(struct store *st, int64_t id, long n, int64_t first,
                   int64_t last, struct error *err)
{
	struct store_stmt *s = NULL;
	int rc;

	if (store_prepare(st,
	                  "UPDATE parse SET observations = ?, "
	                  "first_observation = ?, last_observation = ? WHERE "
	                  "id = ?",
	                  &s, err) < 0)
		return -1;
	store_bind_int(s, 1, n);
	store_bind_int(s, 2, first);
	store_bind_int(s, 3, last);
	store_bind_int(s, 4, id);
	rc = run_once(st, s, "cannot record parse", err);
	store_finalize(s);
	return rc;
}

int
store_parse_rejected(struct store *st, const struct store_parse *p,
                     const char *problems, struct error *err)
{
	if (store_begin(st, err) < 0)
		return -1;
	if (insert(st, p, "rejected", problems, err) < 0 ||
	    store_commit(st, err) < 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
store_parse_unread(struct store *st, const char *source_id,
                   const char *config_hash, char ***shas, size_t *n,
                   struct error *err)
{
	struct store_stmt *s = NULL;
	int rc;

	*shas = NULL;
	*n = 0;
	if (store_prepare(st,
	                  "SELECT f.snapshot_sha256 FROM fetch f "
	                  "WHERE f.source_id = ?1 AND f.outcome <> 'failed' "
	                  "AND NOT EXISTS (SELECT 1 FROM parse p WHERE "
	                  "p.source_id = f.source_id AND p.snapshot_sha256 = "
	                  "f.snapshot_sha256 AND p.source_config_hash = ?2) "
	                  "GROUP BY f.snapshot_sha256 ORDER BY min(f.id)",
	                  &s, err) < 0)
		return -1;
	store_bind_text(s, 1, source_id);
	store_bind_text(s, 2, config_hash);
	while ((rc = store_step(s)) == STORE_ROW) {
		*shas = xreallocarray(*shas, *n + 1, sizeof(**shas));
		(*shas)[(*n)++] = xstrdup(store_col_str(s, 0));
	}
	if (rc != STORE_DONE)
		store_fail(st, err, "cannot list snapshots");
	store_finalize(s);
	return rc == STORE_DONE ? 0 : -1;
}

/* Calls fn for each row of s (sha, parsed_at, run_id, problems). */
static int
each_rejection(struct store *st, struct store_stmt *s, store_rejection_fn fn,
               void *arg, struct error *err)
{
	int rc, ret = 0;

	while (ret == 0 && (rc = store_step(s)) == STORE_ROW) {
		struct store_rejection r;

		r.snapshot_sha256 = store_col_str(s, 0);
		r.parsed_at = store_col_str(s, 1);
		r.run_id = store_col_int(s, 2);
		r.problems = store_col_str(s, 3);
		ret = fn(arg, &r);
	}
	if (ret == 0 && rc != STORE_DONE)
		ret = store_fail(st, err, "cannot read parses");
	store_finalize(s);
	return ret;
}

int
store_parse_newest_rejected(struct store *st, const char *source_id,
                            const char *config_hash, store_rejection_fn fn,
                            void *arg, struct error *err)
{
	struct store_stmt *s = NULL;

	if (store_prepare(
	            st,
	            "SELECT p.snapshot_sha256, p.parsed_at, p.run_id, "
	            "p.problems FROM parse p WHERE p.source_id = ?1 AND "
	            "p.source_config_hash = ?2 AND p.status = 'rejected' "
	            "AND p.snapshot_sha256 = (SELECT snapshot_sha256 FROM "
	            "fetch WHERE source_id = ?1 AND outcome <> 'failed' "
	            "ORDER BY id DESC LIMIT 1)",
	            &s, err) < 0)
		return -1;
	store_bind_text(s, 1, source_id);
	store_bind_text(s, 2, config_hash);
	return each_rejection(st, s, fn, arg, err);
}

int
store_parse_rejections(struct store *st, const char *source_id,
                       const char *config_hash, const char *as_of,
                       store_rejection_fn fn, void *arg, struct error *err)
{
	struct store_stmt *s = NULL;

	if (store_prepare(st,
	                  "SELECT p.snapshot_sha256, p.parsed_at, p.run_id, "
	                  "p.problems FROM parse p WHERE p.source_id = ?1 AND "
	                  "p.source_config_hash = ?2 AND p.status = "
	                  "'rejected' AND EXISTS (SELECT 1 FROM fetch f "
	                  "WHERE f.source_id = p.source_id AND "
	                  "f.snapshot_sha256 = p.snapshot_sha256 AND "
	                  "f.retrieved_at <= ?3) ORDER BY p.snapshot_sha256",
	                  &s, err) < 0)
		return -1;
	store_bind_text(s, 1, source_id);
	store_bind_text(s, 2, config_hash);
	store_bind_text(s, 3, as_of);
	return each_rejection(st, s, fn, arg, err);
}

int
store_parse_timeline(struct store *st, const char *source_id,
                     const char *config_hash, store_timeline_fn fn, void *arg,
                     struct error *err)
{
	struct store_stmt *s = NULL;
	int rc, ret = 0;

	if (store_prepare(st,
	                  "SELECT f.retrieved_at, p.id, p.snapshot_sha256 FROM "
	                  "fetch f JOIN parse p ON p.source_id = f.source_id "
	                  "AND p.snapshot_sha256 = f.snapshot_sha256 AND "
	                  "p.source_config_hash = ?2 AND p.status = 'loaded' "
	                  "WHERE f.source_id = ?1 AND f.outcome <> 'failed' "
	                  "ORDER BY f.id",
	                  &s, err) < 0)
		return -1;
	store_bind_text(s, 1, source_id);
	store_bind_text(s, 2, config_hash);
	while (ret == 0 && (rc = store_step(s)) == STORE_ROW)
		ret = fn(arg, store_col_str(s, 0), store_col_int(s, 1),
		         store_col_str(s, 2));
	if (ret == 0 && rc != STORE_DONE)
		ret = store_fail(st, err, "cannot read the fetch timeline");
	store_finalize(s);
	return ret;
}

int
store_parse_accept(struct store *st, const char *source_id, const char *now,
                   char **sha, struct error *err)
{
	static const char *const sql[] = {
	        "INSERT OR IGNORE INTO accepted (source_id, snapshot_sha256, "
	        "accepted_at) VALUES (?1, ?2, ?3)",
	        "DELETE FROM parse WHERE source_id = ?1 AND snapshot_sha256 = "
	        "?2 AND status = 'rejected'"};
	struct store_stmt *s = NULL;
	size_t i;
	int rc;

	*sha = NULL;
	if (store_begin(st, err) < 0)
		return -1;
	if (store_prepare(st,
	                  "SELECT snapshot_sha256 FROM parse WHERE source_id = "
	                  "?1 AND status = 'rejected' AND substr(problems, 1, "
	                  "?2) = ?3 ORDER BY id DESC LIMIT 1",
	                  &s, err) < 0)
		goto fail;
	store_bind_text(s, 1, source_id);
	store_bind_int(s, 2, (int64_t)strlen(STORE_SUSPICIOUS));
	store_bind_text(s, 3, STORE_SUSPICIOUS);
	rc = store_step(s);
	if (rc == STORE_ROW)
		*sha = store_col_dup(s, 0);
	store_finalize(s);
	if (rc != STORE_ROW && rc != STORE_DONE) {
		store_fail(st, err, "cannot read parses");
		goto fail;
	}
	if (!*sha) {
		store_rollback(st);
		return 0;
	}
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		if (store_prepare(st, sql[i], &s, err) < 0)
			goto fail;
		store_bind_text(s, 1, source_id);
		store_bind_text(s, 2, *sha);
		if (strstr(sql[i], "?3"))
			store_bind_text(s, 3, now);
		rc = run_once(st, s, "cannot record the acceptance", err);
		store_finalize(s);
		if (rc < 0)
			goto fail;
	}
	if (store_commit(st, err) < 0)
		goto fail;
	return 1;
fail:
	store_rollback(st);
	free(*sha);
	*sha = NULL;
	return -1;
}
