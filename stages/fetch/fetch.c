/* fetch — see fetch.h.  A store friend: it runs its own queries. */
#include "fetch.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "archive.h"
#include "crash.h"
#include "diag.h"
#include "http.h"
#include "timefmt.h"
#include "xalloc.h"

struct previous {
	char *sha;
	char *etag;
	char *last_modified;
};

static void
previous_release(struct previous *p)
{
	free(p->sha);
	free(p->etag);
	free(p->last_modified);
	memset(p, 0, sizeof(*p));
}

static char *
column_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? xstrdup((const char *)t) : NULL;
}

static void
bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static int
upsert_source(struct store *st, const struct source_config *src,
              struct error *err)
{
	sqlite3_stmt *s = NULL;
	int ret = -1;

	if (store_prepare(st,
	                  "INSERT INTO source (id, publisher, title, url, "
	                  "format, licence, citation, grade, config_hash) "
	                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
	                  "ON CONFLICT (id) DO UPDATE SET "
	                  "publisher = excluded.publisher, title = "
	                  "excluded.title, url = excluded.url, format = "
	                  "excluded.format, licence = excluded.licence, "
	                  "citation = excluded.citation, grade = "
	                  "excluded.grade, config_hash = excluded.config_hash",
	                  &s, err) < 0)
		return -1;
	bind_opt(s, 1, src->id);
	bind_opt(s, 2, src->publisher);
	bind_opt(s, 3, src->title);
	bind_opt(s, 4, src->url);
	bind_opt(s, 5, src->format);
	bind_opt(s, 6, src->licence);
	bind_opt(s, 7, src->citation);
	bind_opt(s, 8, src->grade);
	bind_opt(s, 9, src->hash);
	if (sqlite3_step(s) != SQLITE_DONE) {
		error_set(err, "store: cannot record source '%s': %s", src->id,
		          sqlite3_errmsg(store_db(st)));
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(s);
	return ret;
}

static int
load_previous(struct store *st, const char *source_id, struct previous *p,
              struct error *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	memset(p, 0, sizeof(*p));
	if (store_prepare(st,
	                  "SELECT snapshot_sha256, etag, last_modified FROM "
	                  "fetch WHERE source_id = ? AND outcome <> 'failed' "
	                  "ORDER BY id DESC LIMIT 1",
	                  &s, err) < 0)
		return -1;
	sqlite3_bind_text(s, 1, source_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		p->sha = column_dup(s, 0);
		p->etag = column_dup(s, 1);
		p->last_modified = column_dup(s, 2);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return error_set(err, "store: cannot read fetches of '%s'",
		                 source_id);
	return 0;
}

struct attempt {
	const struct source_config *src;
	int64_t run_id;
	const char *outcome;
	const char *error;
	const char *sha;
	const char *retrieved_at;
	const struct http_response *resp;
};

static int
record_attempt(struct store *st, const struct attempt *a, struct error *err)
{
	sqlite3_stmt *s = NULL;
	int ret = -1;

	if (store_prepare(st,
	                  "INSERT INTO fetch (run_id, source_id, url, "
	                  "effective_url, redirects, http_status, etag, "
	                  "last_modified, content_type, retrieved_at, outcome, "
	                  "error, snapshot_sha256, bytes, duration_ms, "
	                  "attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                  "?, ?, ?, ?, 1)",
	                  &s, err) < 0)
		return -1;
	sqlite3_bind_int64(s, 1, a->run_id);
	bind_opt(s, 2, a->src->id);
	bind_opt(s, 3, a->src->fetch_url);
	bind_opt(s, 4, a->resp->effective_url);
	sqlite3_bind_int64(s, 5, a->resp->redirects);
	if (a->resp->status)
		sqlite3_bind_int64(s, 6, a->resp->status);
	bind_opt(s, 7, a->resp->etag);
	bind_opt(s, 8, a->resp->last_modified);
	bind_opt(s, 9, a->resp->content_type);
	bind_opt(s, 10, a->retrieved_at);
	bind_opt(s, 11, a->outcome);
	bind_opt(s, 12, a->error);
	bind_opt(s, 13, a->sha);
	sqlite3_bind_int64(s, 14, a->resp->bytes);
	sqlite3_bind_int64(s, 15, a->resp->duration_ms);
	if (sqlite3_step(s) != SQLITE_DONE) {
		error_set(err, "store: cannot record fetch of '%s': %s",
		          a->src->id, sqlite3_errmsg(store_db(st)));
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(s);
	return ret;
}

static int
record_snapshot(struct store *st, const char *sha, long long bytes,
                const char *media_type, const char *now, struct error *err)
{
	sqlite3_stmt *s = NULL;
	int ret = -1;

	if (store_prepare(st,
	                  "INSERT INTO snapshot (sha256, bytes, media_type, "
	                  "first_seen) VALUES (?, ?, ?, ?) "
	                  "ON CONFLICT (sha256) DO NOTHING",
	                  &s, err) < 0)
		return -1;
	sqlite3_bind_text(s, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, bytes);
	bind_opt(s, 3, media_type);
	bind_opt(s, 4, now);
	if (sqlite3_step(s) != SQLITE_DONE) {
		error_set(err, "store: cannot record snapshot: %s",
		          sqlite3_errmsg(store_db(st)));
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(s);
	return ret;
}

static int
sink_archive(void *ctx, const void *data, size_t n)
{
	struct archive_writer *w = ctx;

	return archive_writer_write(w, data, n, NULL);
}

/* Fetches one source; returns -1 only for store or archive failures. */
static int
fetch_one(const struct config *cfg, struct store *st, const char *out_dir,
          int64_t run_id, const struct source_config *src,
          struct fetch_result *res, struct error *err)
{
	struct archive_writer w;
	struct http_request req;
	struct http_response resp;
	struct previous prev;
	struct attempt a;
	struct error ferr;
	char sha[HASH_HEX_SIZE], now[TIMEFMT_LEN];
	int ret = -1, ok;

	memset(&resp, 0, sizeof(resp));
	if (load_previous(st, src->id, &prev, err) < 0)
		return -1;
	if (archive_writer_open(&w, out_dir, err) < 0) {
		previous_release(&prev);
		return -1;
	}
	memset(&req, 0, sizeof(req));
	req.url = src->fetch_url;
	req.allow_file = src->is_file;
	req.max_bytes = src->max_bytes;
	req.timeout_s = cfg->fetch.timeout_s;
	req.connect_timeout_s = cfg->fetch.connect_timeout_s;
	req.low_speed_bytes = cfg->fetch.low_speed_bytes;
	req.low_speed_time_s = cfg->fetch.low_speed_time_s;
	req.proxy = cfg->fetch.proxy;
	/* Validators only when the snapshot they describe is archived. */
	if (prev.sha) {
		req.etag = prev.etag;
		req.last_modified = prev.last_modified;
	}
	req.on_data = sink_archive;
	req.ctx = &w;

	error_clear(&ferr);
	ok = http_get(&req, &resp, &ferr) == 0;
	timefmt_format(timefmt_now(), now);
	memset(&a, 0, sizeof(a));
	a.src = src;
	a.run_id = run_id;
	a.retrieved_at = now;
	a.resp = &resp;
	if (ok && !resp.not_modified && resp.bytes == 0) {
		ok = 0;
		error_set(&ferr, "'%s': empty body", src->fetch_url);
	}
	if (!ok) {
		archive_writer_abort(&w);
		a.outcome = "failed";
		a.error = ferr.msg;
		diag_error("%s: %s%s", src->id, ferr.msg,
		           prev.sha ? " (keeping the last good snapshot)" : "");
		res->failed++;
	} else if (resp.not_modified) {
		archive_writer_abort(&w);
		a.outcome = "not-modified";
		a.sha = prev.sha;
		res->not_modified++;
	} else {
		if (archive_writer_commit(&w, sha, err) < 0)
			goto out;
		crash_point("fetch.after-archive");
		a.sha = sha;
		if (prev.sha && strcmp(prev.sha, sha) == 0) {
			a.outcome = "unchanged";
			res->unchanged++;
		} else {
			a.outcome = "new";
			res->new_snapshots++;
		}
	}
	if (store_begin(st, err) < 0)
		goto out;
	if ((a.sha && strcmp(a.outcome, "new") == 0 &&
	     record_snapshot(st, a.sha, resp.bytes, resp.content_type, now,
	                     err) < 0) ||
	    record_attempt(st, &a, err) < 0 || store_commit(st, err) < 0) {
		store_rollback(st);
		goto out;
	}
	crash_point("fetch.after-record");
	diag_verbose("%s: %s (%lld bytes)", src->id, a.outcome, resp.bytes);
	ret = 0;
out:
	http_response_release(&resp);
	previous_release(&prev);
	return ret;
}

int
fetch_run(const struct config *cfg, struct store *st, const char *out_dir,
          const struct fetch_options *opt, struct fetch_result *res,
          struct error *err)
{
	int64_t run_id;
	size_t i, matched = 0;
	char *msg = NULL;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (archive_clean_tmp(out_dir, err) < 0 ||
	    store_run_start(st, "fetch", cfg->hash, &run_id, err) < 0)
		return -1;
	for (i = 0; i < cfg->nsources; i++) {
		const struct source_config *src = &cfg->sources[i];
		struct previous prev;

		if (opt->only && strcmp(opt->only, src->id) != 0)
			continue;
		matched++;
		if (upsert_source(st, src, err) < 0)
			goto out;
		if (opt->offline) {
			if (load_previous(st, src->id, &prev, err) < 0)
				goto out;
			if (!prev.sha) {
				diag_error(
				        "%s: offline, and nothing is archived "
				        "for this source",
				        src->id);
				res->failed++;
			} else {
				res->offline++;
			}
			previous_release(&prev);
			continue;
		}
		if (fetch_one(cfg, st, out_dir, run_id, src, res, err) < 0)
			goto out;
	}
	if (opt->only && !matched) {
		error_set(err, "no source '%s' is configured", opt->only);
		goto out;
	}
	ret = 0;
out:
	msg = xasprintf("%zu new, %zu unchanged, %zu not modified, %zu failed, "
	                "%zu offline",
	                res->new_snapshots, res->unchanged, res->not_modified,
	                res->failed, res->offline);
	store_run_finish(st, run_id,
	                 ret < 0       ? "failed"
	                 : res->failed ? "partial"
	                               : "ok",
	                 NULL, ret < 0 ? err->msg : msg, NULL);
	free(msg);
	return ret;
}
