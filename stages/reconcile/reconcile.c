/* reconcile — see reconcile.h, and rc.h for its modules. */
#include "rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"
#include "conflict.h"
#include "derive.h"
#include "diag.h"
#include "xalloc.h"

void
rc_problem(struct rc *r, const char *fmt, ...)
{
	char buf[ERROR_MSG_MAX];
	va_list ap;

	if (r->res->problems++ >= RC_MAX_REPORTED)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_error("%s", buf);
}

int
rc_db_fail(struct rc *r, const char *what)
{
	return error_set(r->err, "store: %s: %s", what, store_errmsg(r->st));
}

/* The values of one source: by the short way if its rows allow, else
 * through m. */
static int
source_values(struct rc *r, const struct source_config *src,
              const struct timeline *t)
{
	struct reconcile_result before = *r->res;
	int64_t last_id = r->last_value_id;
	struct vintages w;
	size_t k;
	int how, ret = -1;

	vintages_init(&w, src, t);
	how = stream_vintages(r, &w);
	vintages_release(&w);
	if (how == STREAM_DONE)
		r->res->streamed++;
	if (how != STREAM_GAVE_UP)
		return how < 0 ? -1 : 0;
	if (vintages_unwrite(r, last_id) < 0)
		return -1;
	*r->res = before;
	vintages_init(&w, src, t);
	for (k = 0; k < t->n; k++)
		if (map_step(r, src, k, t->steps[k].parse_id) < 0)
			goto out;
	if (vintages_from_m(r, &w) < 0 ||
	    (w.dups && !src->duplicates_sum &&
	     vintages_check_duplicates(r, src) < 0) ||
	    store_write_unstage(r->w, r->err) < 0)
		goto out;
	ret = 0;
out:
	vintages_release(&w);
	return ret;
}

/* Two sources giving the same indicator, geo and period at the same time
 * need a conflict policy; none is declared yet, so it is a problem. */
static int
check_cross_source(struct rc *r)
{
	struct store_stmt *s = NULL;
	int rc;

	if (store_prepare(
	            r->st,
	            "SELECT a.indicator, a.geo, a.period, a.source_id, "
	            "b.source_id FROM value a JOIN value b ON "
	            "a.indicator = b.indicator AND a.geo = b.geo AND "
	            "a.period = b.period AND a.source_id < b.source_id "
	            "AND a.status <> '" CONFLICT_NOT_CHOSEN
	            "' AND b.status <> '" CONFLICT_NOT_CHOSEN "' "
	            "AND (b.known_to IS NULL OR a.known_from < b.known_to) "
	            "AND (a.known_to IS NULL OR b.known_from < a.known_to)",
	            &s, r->err) < 0)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW)
		rc_problem(r,
		           "%s %s %s is given by both '%s' and '%s', and no "
		           "conflict policy is declared",
		           store_col_text(s, 0), store_col_text(s, 1),
		           store_col_text(s, 2), store_col_text(s, 3),
		           store_col_text(s, 4));
	store_finalize(s);
	return rc == STORE_DONE ? 0 : rc_db_fail(r, "cannot check conflicts");
}

/* How many sources have a loaded snapshot on their timeline. */
static size_t
sources_with_values(const struct config *cfg, const struct timeline *tl)
{
	size_t i, n = 0;

	for (i = 0; i < cfg->nsources; i++)
		if (tl[i].n)
			n++;
	return n;
}

static int
prepare_all(struct rc *r)
{
	/* Two threads for SQLite's sorts (the mapped observations in key
	 * order, then the index of value keys): a sixth of reconcile on
	 * 2,073,600 observations was sorting.  The sorter's memory per thread
	 * is bounded by the cache size: 22 -> 30 MiB at that size, and not
	 * growing with it (33 MiB at 8,294,400). */
	if (store_exec(r->st, "PRAGMA threads = 2", r->err) < 0)
		return -1;
	return store_write_open(r->st, &r->w, r->err);
}

static void
finalize_all(struct rc *r)
{
	store_write_close(r->w);
	r->w = NULL;
}

/* The current values a conflict policy did not choose (the partial index
 * value_not_chosen holds them). */
static int
count_not_chosen(struct store *st, size_t *n, struct error *err)
{
	struct store_stmt *s = NULL;
	int rc;

	*n = 0;
	if (store_prepare(st,
	                  "SELECT count(*) FROM value WHERE status = "
	                  "'" STORE_NOT_CHOSEN "' AND known_to IS NULL",
	                  &s, err) < 0)
		return -1;
	if ((rc = store_step(s)) == STORE_ROW)
		*n = (size_t)store_col_int(s, 0);
	store_finalize(s);
	return rc == STORE_ROW ? 0 : store_fail(st, err, "cannot count values");
}

int
reconcile_run(const struct config *cfg, struct store *st,
              struct reconcile_result *res, struct error *err)
{
	struct rc r;
	struct timeline *tl = NULL;
	struct hash *fp = hash_new();
	char input[HASH_HEX_SIZE];
	char *last = NULL, *msg = NULL, *indexes = NULL;
	int64_t run_id;
	size_t i;
	int ret = -1, began = 0;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.cfg = cfg;
	r.st = st;
	r.res = res;
	r.err = err;
	if (store_run_start(st, "reconcile", cfg->hash, &run_id, err) < 0) {
		hash_free(fp);
		return -1;
	}
	if (geo_table_load(&r.geo, cfg->iso_codes_path, cfg->geo_aliases_path,
	                   err) < 0)
		goto out;
	hash_update(fp, cfg->hash, strlen(cfg->hash));
	hash_update(fp, geo_table_hash(r.geo), 64);
	tl = xcalloc(cfg->nsources ? cfg->nsources : 1, sizeof(*tl));
	for (i = 0; i < cfg->nsources; i++)
		if (timeline_load(&r, &cfg->sources[i], &tl[i], fp) < 0)
			goto out;
	hash_final_hex(fp, input);
	if (store_last_input(st, "reconcile", &last, err) < 0)
		goto out;
	if (last && strcmp(last, input) == 0) {
		res->nothing_new = 1;
		ret = 0;
		goto out;
	}

	r.lineage_of = xcalloc(cfg->ncrosswalk + 1, sizeof(*r.lineage_of));
	r.pending = xcalloc(STORE_WRITE_BATCH, sizeof(*r.pending));
	r.mapped = xcalloc(STORE_WRITE_BATCH, sizeof(*r.mapped));
	strbuf_init(&r.arena, SIZE_MAX / 2);
	/* Foreign keys unchecked until COMMIT: every key a value, its inputs
	 * and its lineage hold was read from the store or inserted by this
	 * transaction, and checking the value's three (its source, lineage
	 * and observation) costs a cursor and a seek each per value, about a
	 * seventh of reconcile on the benchmark's 2,073,600.  The unit tests
	 * check every key after each run (check_reconcile.c). */
	if (store_begin_load(st, err) < 0)
		goto out;
	began = 1;
	crash_point("reconcile.after-begin");
	/* Every value is written again, and value's indexes are built once
	 * they are in: keeping value_by_key up to date as they go in makes
	 * reconcile of the benchmark's 2,073,600 values about 8% slower. */
	if (store_values_reset(st, &indexes, err) < 0 || prepare_all(&r) < 0)
		goto out;
	crash_point("reconcile.after-clear"); /* old values deleted */
	for (i = 0; i < cfg->nsources; i++)
		if (tl[i].n && source_values(&r, &cfg->sources[i], &tl[i]) < 0)
			goto out;
	if (store_exec(st, indexes, err) < 0)
		goto out;
	crash_point("reconcile.after-values");
	/* With values from one source at most, no two can meet (the check
	 * joins every value to the others: 1.5 s on 2,073,600). */
	if (conflict_resolve(cfg, st, &res->problems, err) < 0 ||
	    (sources_with_values(cfg, tl) > 1 && check_cross_source(&r) < 0))
		goto out;
	crash_point("reconcile.after-conflicts");
	if (!res->problems) {
		struct derive_result dr;

		if (derive_run(cfg, st, &dr, err) < 0)
			goto out;
		res->values += dr.values;
		res->current += dr.current;
		res->problems += dr.problems;
		res->derived = dr.values;
		res->derived_current = dr.current;
		crash_point("reconcile.after-derive");
		if (count_not_chosen(st, &res->not_chosen, err) < 0)
			goto out;
	}
	if (res->problems) {
		if (res->problems > RC_MAX_REPORTED)
			diag_error("... and %zu more problems",
			           res->problems - RC_MAX_REPORTED);
		error_set(err,
		          "%zu problem%s in the observations; no values "
		          "changed",
		          res->problems, res->problems == 1 ? "" : "s");
		goto out;
	}
	finalize_all(&r);
	crash_point("reconcile.before-commit");
	if (store_commit(st, err) < 0)
		goto out;
	began = 0;
	crash_point("reconcile.after-commit");
	ret = 0;
out:
	finalize_all(&r);
	if (began)
		store_rollback(st);
	msg = xasprintf("%zu values (%zu current), %zu excluded", res->values,
	                res->current, res->excluded);
	store_run_finish(st, run_id,
	                 ret < 0            ? "failed"
	                 : res->nothing_new ? "nothing-new"
	                                    : "ok",
	                 ret < 0 ? NULL : input, ret < 0 ? err->msg : msg,
	                 NULL);
	free(msg);
	free(indexes);
	free(last);
	for (i = 0; tl && i < cfg->nsources; i++)
		timeline_release(&tl[i]);
	free(tl);
	free(r.lineage_of);
	for (i = 0; i < r.npending; i++)
		vintage_clear(&r.pending[i].v);
	free(r.pending);
	free(r.mapped);
	strbuf_release(&r.arena);
	geo_table_free(r.geo);
	hash_free(fp);
	return ret;
}
