/* fetch — see fetch.h.  It records sources, snapshots and fetches with
 * queries of its own. */
#include "fetch.h"

#include <stdlib.h>
#include <strings.h>
#include <unistd.h>
#include <time.h>
#include <stdio.h>
#include <string.h>

#include "archive.h"
#include "crash.h"
#include "diag.h"
#include "format.h"
#include "http.h"
#include "timefmt.h"
#include "xalloc.h"

struct previous {
	char *sha;
	char *etag;
	char *last_modified;
	/* The latest fetch's "not before": the publisher asked not to be
	 * asked again before this UTC time (a Retry-After beyond the run's
	 * wait), or NULL. */
	char *not_before;
};

static void
previous_release(struct previous *p)
{
	free(p->sha);
	free(p->etag);
	free(p->not_before);
	free(p->last_modified);
	memset(p, 0, sizeof(*p));
}

static void
bind_opt(struct store_stmt *s, int i, const char *v)
{
	if (v)
		store_bind_copy(s, i, v, -1);
	else
		store_bind_null(s, i);
}

static int
upsert_source(struct store *st, const struct source_config *src,
              struct error *err)
{
	struct store_stmt *s = NULL;
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
	if (store_step(s) != STORE_DONE) {
		error_set(err, "store: cannot record source '%s': %s", src->id,
		          store_errmsg(st));
		goto out;
	}
	ret = 0;
out:
	store_finalize(s);
	return ret;
}

static int
load_previous(struct store *st, const char *source_id, struct previous *p,
              struct error *err)
{
	struct store_stmt *s = NULL;
	int rc;

	memset(p, 0, sizeof(*p));
	if (store_prepare(st,
	                  "SELECT snapshot_sha256, etag, last_modified FROM "
	                  "fetch WHERE source_id = ? AND outcome <> 'failed' "
	                  "ORDER BY id DESC LIMIT 1",
	                  &s, err) < 0)
		return -1;
	store_bind_text(s, 1, source_id);
	rc = store_step(s);
	if (rc == STORE_ROW) {
		p->sha = store_col_dup(s, 0);
		p->etag = store_col_dup(s, 1);
		p->last_modified = store_col_dup(s, 2);
	}
	store_finalize(s);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return error_set(err, "store: cannot read fetches of '%s'",
		                 source_id);
	if (store_prepare(st,
	                  "SELECT not_before FROM fetch WHERE source_id = ? "
	                  "ORDER BY id DESC LIMIT 1",
	                  &s, err) < 0)
		return -1;
	store_bind_text(s, 1, source_id);
	if ((rc = store_step(s)) == STORE_ROW && !store_col_null(s, 0))
		p->not_before = store_col_dup(s, 0);
	store_finalize(s);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return error_set(err, "store: cannot read fetches of '%s'",
		                 source_id);
	return 0;
}

struct attempt {
	const struct source_config *src;
	int64_t run_id;
	int attempt;
	const char *outcome;
	const char *error;
	const char *sha;
	const char *retrieved_at;
	const char *not_before; /* NULL: the publisher set no pause */
	const struct http_response *resp;
};

static int
record_attempt(struct store *st, const struct attempt *a, struct error *err)
{
	struct store_stmt *s = NULL;
	int ret = -1;

	if (store_prepare(st,
	                  "INSERT INTO fetch (run_id, source_id, url, "
	                  "effective_url, redirects, http_status, etag, "
	                  "last_modified, content_type, retrieved_at, outcome, "
	                  "error, snapshot_sha256, bytes, duration_ms, "
	                  "attempts, not_before) VALUES (?, ?, ?, ?, ?, ?, ?, "
	                  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                  &s, err) < 0)
		return -1;
	store_bind_int(s, 1, a->run_id);
	bind_opt(s, 2, a->src->id);
	bind_opt(s, 3, a->src->fetch_url);
	bind_opt(s, 4, a->resp->effective_url);
	store_bind_int(s, 5, a->resp->redirects);
	if (a->resp->status)
		store_bind_int(s, 6, a->resp->status);
	bind_opt(s, 7, a->resp->etag);
	bind_opt(s, 8, a->resp->last_modified);
	bind_opt(s, 9, a->resp->content_type);
	bind_opt(s, 10, a->retrieved_at);
	bind_opt(s, 11, a->outcome);
	bind_opt(s, 12, a->error);
	bind_opt(s, 13, a->sha);
	store_bind_int(s, 14, a->resp->bytes);
	store_bind_int(s, 15, a->resp->duration_ms);
	store_bind_int(s, 16, a->attempt);
	bind_opt(s, 17, a->not_before);
	if (store_step(s) != STORE_DONE) {
		error_set(err, "store: cannot record fetch of '%s': %s",
		          a->src->id, store_errmsg(st));
		goto out;
	}
	ret = 0;
out:
	store_finalize(s);
	return ret;
}

static int
record_snapshot(struct store *st, const char *sha, long long bytes,
                const char *media_type, const char *now, struct error *err)
{
	struct store_stmt *s = NULL;
	int ret = -1;

	if (store_prepare(st,
	                  "INSERT INTO snapshot (sha256, bytes, media_type, "
	                  "first_seen) VALUES (?, ?, ?, ?) "
	                  "ON CONFLICT (sha256) DO NOTHING",
	                  &s, err) < 0)
		return -1;
	store_bind_text(s, 1, sha);
	store_bind_int(s, 2, bytes);
	bind_opt(s, 3, media_type);
	bind_opt(s, 4, now);
	if (store_step(s) != STORE_DONE) {
		error_set(err, "store: cannot record snapshot: %s",
		          store_errmsg(st));
		goto out;
	}
	ret = 0;
out:
	store_finalize(s);
	return ret;
}

/* One source being fetched, across its attempts. */
struct job {
	const struct source_config *src;
	struct previous prev;
	long long prev_bytes; /* of the previous snapshot, 0 if none */
	struct archive_writer w;
	int open; /* w holds a temporary file */
	int w_failed; /* writing to the archive failed: w_err says why */
	struct error w_err;
	int attempt;
	int done;
	long long ready_ms; /* monotonic time of the next attempt */
};

/* The body goes to the archive; a failure there (a full disk, an I/O
 * error) is ours, not the source's, and stops the run (see settle()). */
static int
sink_archive(void *ctx, const void *data, size_t n)
{
	struct job *j = ctx;

	if (archive_writer_write(&j->w, data, n, &j->w_err) < 0) {
		j->w_failed = 1;
		return -1;
	}
	crash_point("fetch.mid-download"); /* part of a body written */
	return 0;
}

/* A 200 is not new data when it is empty, an HTML page where data was
 * declared, or far smaller than the last good copy. */
static int
sane_body(const struct job *j, const struct http_response *resp,
          struct error *err)
{
	const char *ct = resp->content_type ? resp->content_type : "";

	if (resp->bytes == 0)
		return error_set(err, "'%s': empty body", j->src->fetch_url);
	if (j->src->spec->data && strncasecmp(ct, "text/html", 9) == 0)
		return error_set(err,
		                 "'%s': an HTML page (%s) where format '%s' "
		                 "was declared",
		                 j->src->fetch_url, ct, j->src->format);
	if (j->prev_bytes > 4096 && resp->bytes * 10 < j->prev_bytes)
		return error_set(err,
		                 "'%s': body of %lld bytes is far smaller than "
		                 "the last good copy (%lld bytes)",
		                 j->src->fetch_url, resp->bytes, j->prev_bytes);
	return 0;
}

static long long
snapshot_bytes(struct store *st, const char *sha)
{
	struct store_stmt *s = NULL;
	long long n = 0;

	if (!sha || store_prepare(st,
	                          "SELECT bytes FROM snapshot WHERE "
	                          "sha256 = ?",
	                          &s, NULL) < 0)
		return 0;
	store_bind_text(s, 1, sha);
	if (store_step(s) == STORE_ROW)
		n = store_col_int(s, 0);
	store_finalize(s);
	return n;
}

static void
fill_request(const struct config *cfg, struct job *j, struct http_request *r)
{
	memset(r, 0, sizeof(*r));
	r->url = j->src->fetch_url;
	r->allow_file = j->src->is_file;
	r->max_bytes = j->src->max_bytes;
	r->timeout_s = cfg->fetch.timeout_s;
	r->connect_timeout_s = cfg->fetch.connect_timeout_s;
	r->low_speed_bytes = cfg->fetch.low_speed_bytes;
	r->low_speed_time_s = cfg->fetch.low_speed_time_s;
	r->proxy = cfg->fetch.proxy;
	/* Validators only when the snapshot they describe is archived. */
	if (j->prev.sha) {
		r->etag = j->prev.etag;
		r->last_modified = j->prev.last_modified;
	}
	r->on_data = sink_archive;
	r->ctx = j;
}

/* Records one attempt's outcome inside the caller's transaction; returns
 * -1 only for store or archive failures. */
static int
settle(const struct config *cfg, struct store *st, int64_t run_id,
       struct job *j, struct http_transfer *t, struct fetch_result *res,
       struct error *err)
{
	struct attempt a;
	char sha[HASH_HEX_SIZE], now[TIMEFMT_LEN], not_before[TIMEFMT_LEN];
	char *deferred = NULL;
	int ok = !t->failed, rc;

	if (j->w_failed)
		return error_set(err, "%s: %s", j->src->id, j->w_err.msg);
	timefmt_format(timefmt_now(), now);
	memset(&a, 0, sizeof(a));
	a.src = j->src;
	a.run_id = run_id;
	a.retrieved_at = now;
	a.resp = &t->resp;
	a.attempt = j->attempt;
	if (ok && !t->resp.not_modified && sane_body(j, &t->resp, &t->err) < 0)
		ok = 0; /* not new data, and not worth retrying */
	if (!ok) {
		a.outcome = "failed";
		a.error = t->err.msg;
		if (t->failed && t->transient &&
		    t->resp.retry_after_s > cfg->fetch.retry_max_s) {
			/* The publisher asks for a longer pause than a run
			 * waits: never asked earlier than it allowed, the
			 * source waits for a later run, keeping its last good
			 * snapshot. */
			timefmt_format(timefmt_now() + t->resp.retry_after_s,
			               not_before);
			deferred =
			        xasprintf("%s; the server asks to be asked "
			                  "again in %ld s, beyond "
			                  "fetch.retry_max_s (%ld s): deferred "
			                  "to a run after %s",
			                  t->err.msg, t->resp.retry_after_s,
			                  cfg->fetch.retry_max_s, not_before);
			a.error = deferred;
			a.not_before = not_before;
			j->done = 1;
			res->failed++;
			diag_error("%s: %s%s", j->src->id, deferred,
			           j->prev.sha ? " (keeping the last good "
			                         "snapshot)"
			                       : "");
		} else if (!(t->failed && t->transient) ||
		           j->attempt > cfg->fetch.retries) {
			j->done = 1;
			res->failed++;
			diag_error("%s: %s%s", j->src->id, t->err.msg,
			           j->prev.sha ? " (keeping the last good "
			                         "snapshot)"
			                       : "");
		} else {
			long d = cfg->fetch.retry_base_ms << (j->attempt - 1);

			/* Exponential backoff with jitter; Retry-After (within
			 * retry_max_s, above) takes its place. */
			d += rand() % (d / 4 + 1);
			if (d > cfg->fetch.retry_max_s * 1000)
				d = cfg->fetch.retry_max_s * 1000;
			if (t->resp.retry_after_s >= 0)
				d = t->resp.retry_after_s * 1000;
			j->ready_ms = timefmt_mono_ms() + d;
			res->retries++;
			diag_verbose("%s: %s; retrying in %.1f s", j->src->id,
			             t->err.msg, d / 1000.0);
		}
	} else if (t->resp.not_modified) {
		a.outcome = "not-modified";
		a.sha = j->prev.sha;
		res->not_modified++;
		j->done = 1;
	} else {
		if (archive_writer_commit(&j->w, sha, err) < 0)
			return -1;
		j->open = 0;
		crash_point("fetch.after-archive");
		a.sha = sha;
		if (j->prev.sha && strcmp(j->prev.sha, sha) == 0) {
			a.outcome = "unchanged";
			res->unchanged++;
		} else {
			a.outcome = "new";
			res->new_snapshots++;
		}
		j->done = 1;
	}
	/* The caller holds the round's transaction. */
	rc = (a.sha && strcmp(a.outcome, "new") == 0 &&
	      record_snapshot(st, a.sha, t->resp.bytes, t->resp.content_type,
	                      now, err) < 0) ||
	     record_attempt(st, &a, err) < 0;
	free(deferred);
	if (rc)
		return -1;
	crash_point("fetch.after-record");
	diag_verbose("%s: attempt %d: %s (%lld bytes)", j->src->id, j->attempt,
	             a.outcome, t->resp.bytes);
	return 0;
}

/*
 * Whether the publisher asked not to be asked again yet (an earlier
 * run's Retry-After beyond its wait): then the source is not fetched,
 * keeps its last good snapshot, and the attempt it did not make is
 * recorded with the time it waits for.  err->msg set: a store failure.
 */
static int
deferred_by_publisher(struct store *st, int64_t run_id,
                      const struct source_config *src,
                      const struct previous *prev, struct fetch_result *res,
                      struct error *err)
{
	char now[TIMEFMT_LEN];
	struct http_response none;
	struct attempt a;
	char *why;

	timefmt_format(timefmt_now(), now);
	error_clear(err);
	if (!prev->not_before || strcmp(prev->not_before, now) <= 0)
		return 0;
	why = xasprintf("deferred: the server asked not to be asked again "
	                "before %s (Retry-After)",
	                prev->not_before);
	memset(&none, 0, sizeof(none));
	memset(&a, 0, sizeof(a));
	a.src = src;
	a.run_id = run_id;
	a.outcome = "failed";
	a.error = why;
	a.retrieved_at = now;
	a.not_before = prev->not_before;
	a.resp = &none;
	if (record_attempt(st, &a, err) == 0) {
		res->failed++;
		diag_error("%s: %s%s", src->id, why,
		           prev->sha ? " (keeping the last good snapshot)"
		                     : "");
	}
	free(why);
	return 1;
}

struct progress {
	int tty;
};

static void
show_progress(void *ctx, size_t done, size_t total,
              const struct http_transfer *last)
{
	struct progress *p = ctx;

	(void)last;
	if (p->tty)
		fprintf(stderr, "\r%s: %zu/%zu transfers done", diag_prog(),
		        done, total);
	if (p->tty && done == total)
		fputc('\n', stderr);
}

int
fetch_run(const struct config *cfg, struct store *st, const char *out_dir,
          const struct fetch_options *opt, struct fetch_result *res,
          struct error *err)
{
	struct progress prog = {isatty(2) && diag_level() >= DIAG_INFO};
	struct job *jobs = NULL;
	struct http_transfer *t = NULL;
	size_t njobs = 0, i, matched = 0;
	size_t *pending = NULL;
	int64_t run_id;
	char *msg = NULL;
	int ret = -1, began = 0;

	memset(res, 0, sizeof(*res));
	if (archive_clean_tmp(out_dir, err) < 0 ||
	    store_run_start(st, "fetch", cfg->hash, &run_id, err) < 0)
		return -1;
	srand((unsigned)timefmt_now() ^ (unsigned)getpid());
	jobs = xcalloc(cfg->nsources + 1, sizeof(*jobs));
	/* The sources are recorded in one transaction: one commit each was
	 * one fdatasync each, a quarter of a second for 100 sources before
	 * the first request went out. */
	if (store_begin(st, err) < 0)
		goto out;
	began = 1;
	for (i = 0; i < cfg->nsources; i++) {
		const struct source_config *src = &cfg->sources[i];
		struct previous prev;

		if (opt->only && strcmp(opt->only, src->id) != 0)
			continue;
		matched++;
		if (upsert_source(st, src, err) < 0 ||
		    load_previous(st, src->id, &prev, err) < 0)
			goto out;
		if (!opt->offline &&
		    deferred_by_publisher(st, run_id, src, &prev, res, err)) {
			previous_release(&prev);
			if (err->msg[0])
				goto out;
			continue;
		}
		if (opt->offline) {
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
		jobs[njobs].src = src;
		jobs[njobs].prev = prev;
		jobs[njobs].prev_bytes = snapshot_bytes(st, prev.sha);
		njobs++;
	}
	if (opt->only && !matched) {
		error_set(err, "no source '%s' is configured", opt->only);
		goto out;
	}
	if (store_commit(st, err) < 0)
		goto out;
	began = 0;
	t = xcalloc(njobs + 1, sizeof(*t));
	pending = xcalloc(njobs + 1, sizeof(*pending));
	for (;;) {
		size_t np = 0, waiting = 0;
		long long now_ms = timefmt_mono_ms(), next_ms = 0;

		/* A round takes every source whose own wait is over; one that
		 * waits longer holds up none of the others. */
		for (i = 0; i < njobs; i++) {
			struct job *j = &jobs[i];

			if (j->done)
				continue;
			if (j->ready_ms > now_ms) {
				if (!waiting++ || j->ready_ms < next_ms)
					next_ms = j->ready_ms;
				continue;
			}
			/* A new attempt starts empty: partial bytes go. */
			if (!j->open) {
				if (archive_writer_open(&j->w, out_dir, err) <
				    0)
					goto out;
				j->open = 1;
			} else if (archive_writer_reset(&j->w, err) < 0) {
				goto out;
			}
			j->attempt++;
			memset(&t[np], 0, sizeof(t[np]));
			fill_request(cfg, j, &t[np].req);
			pending[np++] = i;
		}
		if (np == 0 && !waiting)
			break;
		if (np == 0) {
			long long d = next_ms - now_ms;
			struct timespec ts = {(time_t)(d / 1000),
			                      (long)(d % 1000) * 1000000};

			nanosleep(&ts, NULL);
			continue;
		}
		if (http_perform(t, np,
		                 opt->jobs > 0 ? opt->jobs : cfg->fetch.jobs,
		                 cfg->fetch.max_per_host, show_progress, &prog,
		                 err) < 0)
			goto out;
		/* One transaction (one fsync) records the whole round; the
		 * documents themselves were fsync'd into the archive first. */
		if (store_begin(st, err) < 0)
			goto out;
		for (i = 0; i < np; i++) {
			struct job *j = &jobs[pending[i]];
			int rc = settle(cfg, st, run_id, j, &t[i], res, err);

			http_transfer_release(&t[i]);
			if (rc < 0) {
				store_rollback(st);
				goto out;
			}
			if (j->done && j->open) {
				archive_writer_abort(&j->w);
				j->open = 0;
			}
		}
		crash_point("fetch.before-commit");
		if (store_commit(st, err) < 0) {
			store_rollback(st);
			goto out;
		}
		crash_point("fetch.after-commit");
	}
	ret = 0;
out:
	if (began)
		store_rollback(st);
	for (i = 0; i < njobs; i++) {
		if (jobs[i].open)
			archive_writer_abort(&jobs[i].w);
		previous_release(&jobs[i].prev);
	}
	free(jobs);
	free(t);
	free(pending);
	msg = xasprintf("%zu new, %zu unchanged, %zu not modified, %zu failed, "
	                "%zu retries, %zu offline",
	                res->new_snapshots, res->unchanged, res->not_modified,
	                res->failed, res->retries, res->offline);
	store_run_finish(st, run_id,
	                 ret < 0       ? "failed"
	                 : res->failed ? "partial"
	                               : "ok",
	                 NULL, ret < 0 ? err->msg : msg, NULL);
	free(msg);
	return ret;
}
