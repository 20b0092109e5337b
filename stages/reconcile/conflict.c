/* conflict — see conflict.h.  It chooses with queries of its own. */
#include "conflict.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "hash.h"
#include "number.h"
#include "xalloc.h"

#define KEY_LEN 12 /* as RECONCILE_KEY_LEN */

struct row {
	int64_t id;
	char *key, *geo, *period, *from, *to; /* to NULL: current */
	char *source;
	size_t listed; /* the source's place in prefer; nprefer if unlisted */
	int rounded; /* qualified ("over"), or of a rounded precision:
	                stated so, or written with a scale word ("8.8
	                million"; number.h) */
	size_t rank; /* under the policy: lower is chosen */
};

struct cf {
	struct store *st;
	struct error *err;
	size_t *problems;
	struct store_stmt *update, *copy, *copy_inputs;
};

__attribute__((format(printf, 2, 3))) static void
problem(struct cf *c, const char *fmt, ...)
{
	char buf[ERROR_MSG_MAX];
	va_list ap;

	(*c->problems)++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_error("%s", buf);
}

static int
db_fail(struct cf *c, const char *what)
{
	return error_set(c->err, "store: %s: %s", what, store_errmsg(c->st));
}

static void
rows_free(struct row *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].key);
		free(r[i].geo);
		free(r[i].period);
		free(r[i].from);
		free(r[i].to);
		free(r[i].source);
	}
	free(r);
}

/* Time order with NULL (open) last. */
static int
time_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

static int
cmp_time_ptr(const void *a, const void *b)
{
	return time_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* Is r valid at time t? */
static int
valid_at(const struct row *r, const char *t)
{
	return strcmp(r->from, t) <= 0 && (!r->to || strcmp(r->to, t) > 0);
}

static int
overlaps(const struct row *a, const struct row *b)
{
	return time_cmp(a->from, b->to) < 0 && time_cmp(b->from, a->to) < 0;
}

/* Writes one part [from, to) of row r: the first part updates r itself
 * (keeping its lineage id), the others are copies with their own ids. */
static int
write_part(struct cf *c, const struct row *r, const char *from, const char *to,
           int not_chosen)
{
	struct store_stmt *s;
	char key[HASH_HEX_SIZE];

	if (strcmp(from, r->from) == 0) {
		s = c->update;
		store_reset(s);
		if (to)
			store_bind_text(s, 1, to);
		else
			store_bind_null(s, 1);
		store_bind_int(s, 2, not_chosen);
		store_bind_int(s, 3, r->id);
		return store_step(s) == STORE_DONE
		               ? 0
		               : db_fail(c, "cannot split a value");
	}
	{
		char *src =
		        xasprintf("%s\037%s\037%d", r->key, from, not_chosen);

		hash_hex(src, strlen(src), key);
		free(src);
		key[KEY_LEN] = '\0';
	}
	s = c->copy;
	store_reset(s);
	store_bind_copy(s, 1, key, -1);
	store_bind_text(s, 2, from);
	if (to)
		store_bind_text(s, 3, to);
	else
		store_bind_null(s, 3);
	store_bind_int(s, 4, not_chosen);
	store_bind_int(s, 5, r->id);
	if (store_step(s) != STORE_DONE)
		return db_fail(c, "cannot split a value");
	s = c->copy_inputs;
	store_reset(s);
	store_bind_int(s, 1, store_last_id(c->st));
	store_bind_int(s, 2, r->id);
	return store_step(s) == STORE_DONE
	               ? 0
	               : db_fail(c, "cannot copy a value's inputs");
}

/* Splits row r of a group at the moments its preferred rivals start and
 * end; the parts a rival covers are not chosen. */
static int
split_row(struct cf *c, const struct row *g, size_t n, const struct row *r)
{
	const char **t = xcalloc(2 * n + 2, sizeof(*t));
	const char **pfrom = xcalloc(2 * n + 2, sizeof(*pfrom));
	int *pcov = xcalloc(2 * n + 2, sizeof(*pcov));
	size_t nt = 0, np = 0, i, k;
	int ret = -1;

	t[nt++] = r->from;
	for (i = 0; i < n; i++) {
		if (g[i].rank >= r->rank || !overlaps(&g[i], r))
			continue;
		if (time_cmp(g[i].from, r->from) > 0)
			t[nt++] = g[i].from;
		if (g[i].to && time_cmp(g[i].to, r->to) < 0)
			t[nt++] = g[i].to;
	}
	qsort(t, nt, sizeof(*t), cmp_time_ptr);
	/* Parts: maximal runs of moments with the same cover. */
	for (k = 0; k < nt; k++) {
		int covered = 0;

		if (k > 0 && strcmp(t[k], t[k - 1]) == 0)
			continue;
		for (i = 0; i < n && !covered; i++)
			covered = g[i].rank < r->rank && valid_at(&g[i], t[k]);
		if (np > 0 && pcov[np - 1] == covered)
			continue;
		pfrom[np] = t[k];
		pcov[np++] = covered;
	}
	/* The copies first: they read the row before its update. */
	for (k = np; k-- > 0;)
		if (write_part(c, r, pfrom[k],
		               k + 1 < np ? pfrom[k + 1] : r->to, pcov[k]) < 0)
			goto out;
	ret = 0;
out:
	free(t);
	free(pfrom);
	free(pcov);
	return ret;
}

/* Newest first: known_from descending, then the prefer order. */
static int
cmp_newest(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a;
	const struct row *y = *(const struct row *const *)b;
	int c = strcmp(y->from, x->from);

	return c ? c : (x->listed > y->listed) - (x->listed < y->listed);
}

/* Ranks the rows of a group under the indicator's rule. */
static void
rank_group(const struct indicator_config *ind, struct row *g, size_t n)
{
	const struct conflict_policy *p = &ind->conflict;
	struct row **by;
	size_t i;

	switch (p->rule) {
	case CONFLICT_PREFER:
		for (i = 0; i < n; i++)
			g[i].rank = g[i].listed;
		break;
	case CONFLICT_EXACT:
		for (i = 0; i < n; i++)
			g[i].rank = (size_t)g[i].rounded * (p->nprefer + 1) +
			            g[i].listed;
		break;
	case CONFLICT_NEWEST:
		by = xcalloc(n, sizeof(*by));
		for (i = 0; i < n; i++)
			by[i] = &g[i];
		qsort(by, n, sizeof(*by), cmp_newest);
		/* Rows known at the same moment from equally listed
		 * sources share a rank: nothing tells them apart. */
		for (i = 0; i < n; i++)
			by[i]->rank =
			        i > 0 && cmp_newest(&by[i], &by[i - 1]) == 0
			                ? by[i - 1]->rank
			                : i;
		free(by);
		break;
	}
}

/* One group: the values of one geo and period from every source. */
static int
resolve_group(struct cf *c, const struct indicator_config *ind, struct row *g,
              size_t n)
{
	size_t i, k;

	rank_group(ind, g, n);
	for (i = 0; i < n; i++) {
		int rival = 0, tie = -1;

		for (k = 0; k < n; k++)
			if (strcmp(g[k].source, g[i].source) != 0 &&
			    overlaps(&g[k], &g[i])) {
				rival = 1;
				if (g[k].rank == g[i].rank && tie < 0)
					tie = (int)k;
			}
		if (!rival)
			continue;
		if (ind->conflict.rule == CONFLICT_PREFER &&
		    g[i].listed == ind->conflict.nprefer) {
			problem(c,
			        "%s %s %s is given by '%s', which the "
			        "indicator's conflict policy does not list",
			        ind->id, g[i].geo, g[i].period, g[i].source);
			continue;
		}
		if (tie >= 0) {
			if (strcmp(g[i].source, g[tie].source) < 0)
				problem(c,
				        "%s %s %s: '%s' and '%s' rank the same "
				        "under the conflict rule; list them in "
				        "'prefer' to break the tie",
				        ind->id, g[i].geo, g[i].period,
				        g[i].source, g[tie].source);
			continue;
		}
		for (k = 0; k < n; k++)
			if (g[k].rank < g[i].rank && overlaps(&g[k], &g[i]))
				break;
		if (k < n && split_row(c, g, n, &g[i]) < 0)
			return -1;
	}
	return 0;
}

static int
resolve_indicator(struct cf *c, const struct indicator_config *ind)
{
	struct store_stmt *s = NULL;
	struct row *rows = NULL;
	size_t n = 0, i, start;
	int rc, ret = -1;

	if (store_prepare(c->st,
	                  "SELECT v.id, v.key, v.geo, v.period, v.known_from, "
	                  "v.known_to, v.source_id, v.qualifier <> '' OR "
	                  "v.precision GLOB 'rounded*' FROM value v WHERE "
	                  "v.indicator = ? AND "
	                  "v.source_id IS NOT NULL ORDER BY v.geo, v.period, "
	                  "v.known_from, v.source_id",
	                  &s, c->err) < 0)
		return -1;
	store_bind_text(s, 1, ind->id);
	while ((rc = store_step(s)) == STORE_ROW) {
		struct row *r;

		rows = xreallocarray(rows, n + 1, sizeof(*rows));
		r = &rows[n++];
		r->id = store_col_int(s, 0);
		r->key = store_col_dup(s, 1);
		r->geo = store_col_dup(s, 2);
		r->period = store_col_dup(s, 3);
		r->from = store_col_dup(s, 4);
		r->to = store_col_dup(s, 5);
		r->source = store_col_dup(s, 6);
		r->rounded = store_col_int(s, 7);
		for (r->listed = 0; r->listed < ind->conflict.nprefer;
		     r->listed++)
			if (!strcmp(ind->conflict.prefer[r->listed], r->source))
				break;
	}
	store_finalize(s);
	if (rc != STORE_DONE) {
		db_fail(c, "cannot read values");
		goto out;
	}
	for (start = 0, i = 1; i <= n; i++) {
		if (i < n && !strcmp(rows[i].geo, rows[start].geo) &&
		    !strcmp(rows[i].period, rows[start].period))
			continue;
		if (i - start > 1 &&
		    resolve_group(c, ind, rows + start, i - start) < 0)
			goto out;
		start = i;
	}
	ret = 0;
out:
	rows_free(rows, n);
	return ret;
}

/* A policy that says "exceed": "fail" stops the run on a difference above
 * its tolerance. */
static int
check_tolerance(struct cf *c, const struct indicator_config *ind)
{
	struct store_stmt *s = NULL;
	int rc;

	if (store_prepare(
	            c->st,
	            "SELECT l.geo, l.period, l.source_id, l.value, "
	            "c.source_id, c.value FROM value l JOIN value c ON "
	            "c.indicator = l.indicator AND c.geo = l.geo AND "
	            "c.period = l.period AND c.status <> '" CONFLICT_NOT_CHOSEN
	            "' AND c.known_from < coalesce(l.known_to, '~') AND "
	            "l.known_from < coalesce(c.known_to, '~') WHERE "
	            "l.indicator = ?1 AND l.status = '" CONFLICT_NOT_CHOSEN
	            "' AND (l.value IS NULL) + (c.value IS NULL) < 2 AND "
	            "(l.value IS NULL OR c.value IS NULL OR abs(l.value - "
	            "c.value) > ?2 * abs(c.value)) ORDER BY l.geo, l.period",
	            &s, c->err) < 0)
		return -1;
	store_bind_text(s, 1, ind->id);
	store_bind_double(s, 2, ind->conflict.tolerance);
	while ((rc = store_step(s)) == STORE_ROW) {
		char lv[32] = "no value", cv[32] = "no value";

		if (!store_col_null(s, 3))
			number_format_shortest(store_col_double(s, 3), lv);
		if (!store_col_null(s, 5))
			number_format_shortest(store_col_double(s, 5), cv);
		problem(c,
		        "%s %s %s: '%s' gives %s and '%s' gives %s, a "
		        "difference above the tolerance of %g%%",
		        ind->id, store_col_text(s, 0), store_col_text(s, 1),
		        store_col_text(s, 4), cv, store_col_text(s, 2), lv,
		        ind->conflict.tolerance * 100);
	}
	store_finalize(s);
	return rc == STORE_DONE ? 0 : db_fail(c, "cannot check tolerances");
}

int
conflict_resolve(const struct config *cfg, struct store *st, size_t *problems,
                 struct error *err)
{
	struct cf c = {st, err, problems, NULL, NULL, NULL};
	size_t i;
	int ret = -1;

	if (store_prepare(st,
	                  "UPDATE value SET known_to = ?1, status = CASE WHEN "
	                  "?2 THEN '" CONFLICT_NOT_CHOSEN
	                  "' ELSE status END WHERE id = ?3",
	                  &c.update, err) < 0 ||
	    store_prepare(st,
	                  "INSERT INTO value (key, indicator, geo, period, "
	                  "known_from, known_to, value, unit, flags, "
	                  "qualifier, status, source_id, lineage_id, "
	                  "observation_id, precision) SELECT ?1, indicator, "
	                  "geo, period, ?2, ?3, value, unit, flags, "
	                  "qualifier, CASE WHEN ?4 THEN '" CONFLICT_NOT_CHOSEN
	                  "' ELSE status END, source_id, lineage_id, "
	                  "observation_id, precision FROM value WHERE id = ?5",
	                  &c.copy, err) < 0 ||
	    store_prepare(st,
	                  "INSERT INTO value_input (value_id, observation_id) "
	                  "SELECT ?1, observation_id FROM value_input WHERE "
	                  "value_id = ?2",
	                  &c.copy_inputs, err) < 0)
		goto out;
	for (i = 0; i < cfg->nindicators; i++) {
		const struct indicator_config *ind = &cfg->indicators[i];

		if (!ind->conflict.declared)
			continue;
		if (resolve_indicator(&c, ind) < 0)
			goto out;
		if (ind->conflict.fail && check_tolerance(&c, ind) < 0)
			goto out;
	}
	ret = 0;
out:
	store_finalize(c.update);
	store_finalize(c.copy);
	store_finalize(c.copy_inputs);
	return ret;
}
