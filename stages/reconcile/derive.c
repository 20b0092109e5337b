/* derive — see derive.h.  Each operation is a row of ops[]: a query of
 * its own (or, for "highest", a computation in C) and its lineage recipe. */
#include "derive.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflict.h"
#include "derive_sql.h"
#include "diag.h"
#include "hash.h"
#include "json.h"
#include "number.h"
#include "period.h"
#include "strbuf.h"
#include "xalloc.h"

#define KEY_LEN 12 /* as RECONCILE_KEY_LEN */

struct dv {
	const struct config *cfg;
	struct store *st;
	struct derive_result *res;
	struct error *err;
	struct store_stmt *ins_value;
	struct store_stmt *ins_input;
};

/* One result: the derived value of a geo and period at one moment. */
struct result {
	int open;
	size_t first, last; /* moments (indexes into times) */
	char *geo, *period, *status, *qualifier, *flags, *inputs, *note;
	char *precision;
	int has_value;
	double value;
};

__attribute__((format(printf, 2, 3))) static void
problem(struct dv *d, const char *fmt, ...)
{
	char buf[ERROR_MSG_MAX];
	va_list ap;

	d->res->problems++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_error("%s", buf);
}

static int
db_fail(struct dv *d, const char *what)
{
	return error_set(d->err, "store: %s: %s", what, store_errmsg(d->st));
}

/* The inputs' flag letters, each once, sorted: "pbp" -> "bp". */
static char *
merge_flags(const char *in)
{
	char seen[256] = {0};
	char *out = xmalloc(strlen(in) + 1), *o = out;
	int c;

	for (; *in; in++)
		seen[(unsigned char)*in] = 1;
	for (c = 1; c < 256; c++)
		if (seen[c])
			*o++ = (char)c;
	*o = '\0';
	return out;
}

static void
result_clear(struct result *r)
{
	free(r->geo);
	free(r->period);
	free(r->status);
	free(r->qualifier);
	free(r->precision);
	free(r->flags);
	free(r->inputs);
	free(r->note);
	memset(r, 0, sizeof(*r));
}

/* Resolves the pinned population document: its full sha256 and when it was
 * first fetched.  Returns 1 if found, 0 if reported as a problem. */
static int
resolve_pin(struct dv *d, const struct indicator_config *ind, char **sha,
            char **time)
{
	const struct derived_config *x = &ind->derived;
	struct store_stmt *s = NULL;
	int n, ret = -1;

	if (store_prepare(
	            d->st,
	            "SELECT count(DISTINCT f.snapshot_sha256), "
	            "min(f.snapshot_sha256), min(f.retrieved_at) FROM fetch f "
	            "WHERE substr(f.snapshot_sha256, 1, length(?1)) = ?1 AND "
	            "f.outcome <> 'failed' AND f.source_id IN (SELECT "
	            "source_id FROM value WHERE indicator = ?2)",
	            &s, d->err) < 0)
		return -1;
	store_bind_text(s, 1, x->population_snapshot);
	store_bind_text(s, 2, x->population);
	if (store_step(s) != STORE_ROW) {
		db_fail(d, "cannot look up a pinned document");
		goto out;
	}
	n = store_col_int(s, 0);
	if (n != 1) {
		problem(d,
		        "%s: the pinned population document %s %s; rates are "
		        "not computed",
		        ind->id, x->population_snapshot,
		        n == 0 ? "is not among the fetched documents of '"
		                 "population' sources"
		               : "matches several documents (give more "
		                 "digits)");
		ret = 0;
		goto out;
	}
	*sha = xstrdup(store_col_str(s, 1));
	*time = xstrdup(store_col_str(s, 2));
	ret = 1;
out:
	store_finalize(s);
	return ret;
}

/* Does a series break of the indicator lie in (from, to]?  Canonical
 * periods compare as text within a type, and a year sorts before its
 * quarters and months ("2020" <= "2020-Q1"). */
static int
crosses_break(const struct config *cfg, const char *id, const char *from,
              const char *to)
{
	const struct indicator_config *ind = config_indicator(cfg, id);
	size_t i;

	for (i = 0; ind && i < ind->nbreaks; i++)
		if (strcmp(from, ind->break_period[i]) < 0 &&
		    strcmp(ind->break_period[i], to) <= 0)
			return 1;
	return 0;
}

/* One valid value of the input, for the window search. */
struct wv {
	int64_t id;
	char *geo, *period, *qualifier, *flags;
	int has_value, rounded; /* rounded: ROUNDED() holds */
	double value;
};

static int
cmp_wv(const void *a, const void *b)
{
	const struct wv *x = a, *y = b;
	int c = strcmp(x->geo, y->geo);

	return c ? c : strcmp(x->period, y->period);
}

static const struct wv *
find_wv(const struct wv *v, size_t n, const char *geo, const char *period)
{
	struct wv key;

	memset(&key, 0, sizeof(key));
	key.geo = (char *)geo;
	key.period = (char *)period;
	return bsearch(&key, v, n, sizeof(*v), cmp_wv);
}

static void
wv_clear(struct wv *v, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		free(v[k].geo);
		free(v[k].period);
		free(v[k].qualifier);
		free(v[k].flags);
	}
}

/* The window of v[k]: the highest value, its inputs and flags, whether
 * any is qualified or rounded, and the periods without a value. */
static int
highest_row(struct dv *d, struct store_stmt *ins, size_t moment, long last,
            const struct wv *v, size_t nv, size_t k)
{
	struct strbuf inputs, missing, flags;
	char p[PERIOD_MAX];
	int qualified = 0, rounded = 0, have = 0, nmiss = 0, rc;
	double best = 0;
	long back;
	char *note = NULL;

	strbuf_init(&inputs, 1u << 20);
	strbuf_init(&missing, 1u << 16);
	strbuf_init(&flags, 1u << 16);
	for (back = 0; back < last; back++) {
		const struct wv *w = NULL;

		if (period_step(v[k].period, (int)-back, p) == 0)
			w = find_wv(v, nv, v[k].geo, p);
		if (!w || !w->has_value) {
			if (nmiss++ < 24)
				strbuf_addf(&missing, "%s%s",
				            nmiss > 1 ? ", " : "", p);
			continue;
		}
		if (!have || w->value > best)
			best = w->value;
		have = 1;
		qualified |= *w->qualifier != '\0';
		rounded |= w->rounded;
		strbuf_addstr(&flags, w->flags);
		strbuf_addf(&inputs, "%s%lld:window", inputs.len ? "," : "",
		            (long long)w->id);
	}
	if (nmiss > 24)
		strbuf_addf(&missing, " and %d more", nmiss - 24);
	if (nmiss)
		note = xasprintf("%d of the last %ld periods have no value: %s",
		                 nmiss, last, missing.buf);
	store_reset(ins);
	store_bind_int(ins, 1, moment);
	store_bind_text(ins, 2, v[k].geo);
	store_bind_text(ins, 3, v[k].period);
	store_bind_double(ins, 4, best);
	store_bind_text(ins, 5, nmiss ? "incomplete" : "derived");
	store_bind_text(ins, 6, qualified ? DERIVE_QUALIFIER : "");
	store_bind_text(ins, 7, flags.buf);
	store_bind_text(ins, 8, inputs.buf);
	store_bind_text(ins, 9, note ? note : "");
	store_bind_text(ins, 10, rounded ? NUMBER_PRECISION_FROM_ROUNDED : "");
	rc = store_step(ins);
	free(note);
	strbuf_release(&inputs);
	strbuf_release(&missing);
	strbuf_release(&flags);
	return rc == STORE_DONE ? 0
	                        : db_fail(d, "cannot compute a derived value");
}

/* "highest": for each value, the highest of the values of the last N
 * periods (its own included); periods without a value make it
 * incomplete, and the note lists them. */
static int
compute_highest(struct dv *d, const struct indicator_config *ind, char **times,
                size_t n)
{
	const struct derived_config *x = &ind->derived;
	struct store_stmt *q = NULL, *ins = NULL;
	struct wv *v = NULL;
	size_t nv = 0, i, k;
	int rc, ret = -1;

	if (store_prepare(
	            d->st,
	            "SELECT id, geo, period, value, qualifier, flags, " ROUNDED(
	                    "") " FROM value WHERE indicator = ?1 "
	                        "AND " STORE_CHOSEN_AT("", "?2"),
	            &q, d->err) < 0 ||
	    store_prepare(d->st,
	                  "INSERT INTO dres (i, geo, period, value, status, "
	                  "qualifier, flags, inputs, note, precision) VALUES "
	                  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                  &ins, d->err) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		wv_clear(v, nv);
		nv = 0;
		store_reset(q);
		store_bind_text(q, 1, x->of);
		store_bind_text(q, 2, times[i]);
		while ((rc = store_step(q)) == STORE_ROW) {
			v = xreallocarray(v, nv + 1, sizeof(*v));
			v[nv].id = store_col_int(q, 0);
			v[nv].geo = xstrdup(store_col_str(q, 1));
			v[nv].period = xstrdup(store_col_str(q, 2));
			v[nv].has_value = !store_col_null(q, 3);
			v[nv].value = store_col_double(q, 3);
			v[nv].qualifier = xstrdup(store_col_str(q, 4));
			v[nv].flags = xstrdup(store_col_str(q, 5));
			v[nv].rounded = (int)store_col_int(q, 6);
			nv++;
		}
		if (rc != STORE_DONE) {
			db_fail(d, "cannot read values");
			goto out;
		}
		qsort(v, nv, sizeof(*v), cmp_wv);
		for (k = 0; k < nv; k++) {
			char p[PERIOD_MAX];

			/* Only values of years, quarters and months. */
			if (!v[k].has_value ||
			    period_step(v[k].period, 0, p) < 0)
				continue;
			if (highest_row(d, ins, i, x->last, v, nv, k) < 0)
				goto out;
		}
	}
	ret = 0;
out:
	wv_clear(v, nv);
	free(v);
	store_finalize(q);
	store_finalize(ins);
	return ret;
}

/* The parameters ?4... of each operation's query, for pass k of a
 * moment (only "change" makes more than one: a pass a period pair). */
static void
bind_sum(struct store_stmt *s, const struct dv *d,
         const struct derived_config *x, size_t k, const char *pin_time)
{
	(void)d;
	(void)k;
	(void)pin_time;
	store_bind_text(s, 4, x->geo);
	store_bind_int(s, 5, (int64_t)x->nmembers);
}

static void
bind_change(struct store_stmt *s, const struct dv *d,
            const struct derived_config *x, size_t k, const char *pin_time)
{
	(void)pin_time;
	store_bind_text(s, 4, x->from[k]);
	store_bind_text(s, 5, x->to[k]);
	store_bind_int(s, 6, (int)x->as);
	store_bind_int(s, 7,
	               crosses_break(d->cfg, x->of, x->from[k], x->to[k]));
}

static void
bind_rate(struct store_stmt *s, const struct dv *d,
          const struct derived_config *x, size_t k, const char *pin_time)
{
	(void)d;
	(void)k;
	store_bind_text(s, 4, x->population);
	store_bind_text(s, 5, pin_time);
	store_bind_double(s, 6, x->per);
}

static void
bind_difference(struct store_stmt *s, const struct dv *d,
                const struct derived_config *x, size_t k, const char *pin_time)
{
	(void)d;
	(void)k;
	(void)pin_time;
	store_bind_text(s, 4, x->minus);
}

static void
bind_aggregate(struct store_stmt *s, const struct dv *d,
               const struct derived_config *x, size_t k, const char *pin_time)
{
	(void)d;
	(void)k;
	(void)pin_time;
	store_bind_int(s, 4, x->to_year ? 4 : 3);
	store_bind_int(s, 5, x->to_year);
}

static size_t
passes_change(const struct derived_config *x)
{
	return x->npairs;
}

/* The indicator besides "of" whose changes are moments, or NULL. */
static const char *
other_none(const struct derived_config *x)
{
	(void)x;
	return NULL;
}

static const char *
other_rate(const struct derived_config *x)
{
	return x->population;
}

static const char *
other_difference(const struct derived_config *x)
{
	return x->minus;
}

/* The members of a sum, for SUM_SQL's dmember. */
static int
prepare_sum(struct dv *d, const struct derived_config *x)
{
	struct store_stmt *s = NULL;
	size_t i;
	int ret = -1;

	if (store_prepare(d->st, "INSERT OR IGNORE INTO dmember VALUES (?)", &s,
	                  d->err) < 0)
		return -1;
	for (i = 0; i < x->nmembers; i++) {
		store_reset(s);
		store_bind_text(s, 1, x->members[i]);
		if (store_step(s) != STORE_DONE) {
			db_fail(d, "cannot list a sum's members");
			goto out;
		}
	}
	ret = 0;
out:
	store_finalize(s);
	return ret;
}

/* The parts of a lineage recipe that are each operation's own. */
static void
recipe_sum(struct cJSON *o, const struct dv *d, const struct derived_config *x,
           const char *pin_sha, const char *pin_time)
{
	struct cJSON *a = json_new_array();
	size_t i;

	(void)d;
	(void)pin_sha;
	(void)pin_time;
	json_add_string(o, "geo", x->geo);
	for (i = 0; i < x->nmembers; i++)
		json_add_string(a, NULL, x->members[i]);
	json_add_item(o, "members", a);
	json_add_string(o, "completeness",
	                "every member, else status incomplete");
}

static void
recipe_change(struct cJSON *o, const struct dv *d,
              const struct derived_config *x, const char *pin_sha,
              const char *pin_time)
{
	static const char *const as[] = {"absolute", "percent", "ratio"};
	const struct indicator_config *of = config_indicator(d->cfg, x->of);
	struct cJSON *a = json_new_array();
	size_t i;

	(void)pin_sha;
	(void)pin_time;
	for (i = 0; i < x->npairs; i++) {
		struct cJSON *pair = json_new_array();

		json_add_string(pair, NULL, x->from[i]);
		json_add_string(pair, NULL, x->to[i]);
		json_add_item(a, NULL, pair);
	}
	json_add_item(o, "periods", a);
	json_add_string(o, "as", as[x->as]);
	a = json_new_array();
	for (i = 0; of && i < of->nbreaks; i++) {
		struct cJSON *b = json_new_object();

		json_add_string(b, "period", of->break_period[i]);
		json_add_string(b, "reason", of->break_reason[i]);
		json_add_item(a, NULL, b);
	}
	json_add_item(o, "breaks_not_crossed", a);
}

static void
recipe_rate(struct cJSON *o, const struct dv *d, const struct derived_config *x,
            const char *pin_sha, const char *pin_time)
{
	(void)d;
	json_add_number(o, "per", x->per);
	json_add_string(o, "population", x->population);
	json_add_string(o, "population_snapshot_sha256", pin_sha);
	json_add_string(o, "population_known_at", pin_time);
}

static void
recipe_difference(struct cJSON *o, const struct dv *d,
                  const struct derived_config *x, const char *pin_sha,
                  const char *pin_time)
{
	(void)d;
	(void)pin_sha;
	(void)pin_time;
	json_add_string(o, "minus", x->minus);
}

static void
recipe_highest(struct cJSON *o, const struct dv *d,
               const struct derived_config *x, const char *pin_sha,
               const char *pin_time)
{
	(void)d;
	(void)pin_sha;
	(void)pin_time;
	json_add_number(o, "last", (double)x->last);
	json_add_string(o, "completeness",
	                "every period of the window, else status "
	                "incomplete and the missing periods in the note");
}

static void
recipe_aggregate(struct cJSON *o, const struct dv *d,
                 const struct derived_config *x, const char *pin_sha,
                 const char *pin_time)
{
	(void)d;
	(void)pin_sha;
	(void)pin_time;
	json_add_string(o, "to", x->to_year ? "year" : "quarter");
	json_add_string(o, "rule",
	                x->to_year ? "sum of the 4 quarters, only when all "
	                             "are present"
	                           : "sum of the 3 months, only when all are "
	                             "present");
}

/*
 * Each derived operation, in the order of enum derived_op (config reads
 * its keys, config_indicators.c): its query into dres, or its computation
 * in C; what the query needs first; whether it reads a pinned document;
 * its passes per moment (NULL: one); its parameters; the other input whose
 * changes are moments; its recipe.  Adding an operation: its id in config.h,
 * its reader in config_indicators.c, its row here.
 */
static const struct op {
	const char *sql;
	int (*compute)(struct dv *d, const struct indicator_config *ind,
	               char **times, size_t n);
	int (*prepare)(struct dv *d, const struct derived_config *x);
	int pinned; /* reads a pinned document first (resolve_pin()) */
	size_t (*passes)(const struct derived_config *x);
	void (*bind)(struct store_stmt *s, const struct dv *d,
	             const struct derived_config *x, size_t k,
	             const char *pin_time);
	const char *(*other)(const struct derived_config *x);
	void (*recipe)(struct cJSON *o, const struct dv *d,
	               const struct derived_config *x, const char *pin_sha,
	               const char *pin_time);
} ops[DERIVED_COUNT] = {
        [DERIVED_SUM] = {.sql = SUM_SQL,
                         .prepare = prepare_sum,
                         .bind = bind_sum,
                         .other = other_none,
                         .recipe = recipe_sum},
        [DERIVED_CHANGE] = {.sql = CHANGE_SQL,
                            .passes = passes_change,
                            .bind = bind_change,
                            .other = other_none,
                            .recipe = recipe_change},
        [DERIVED_RATE] = {.sql = RATE_SQL,
                          .pinned = 1,
                          .bind = bind_rate,
                          .other = other_rate,
                          .recipe = recipe_rate},
        [DERIVED_DIFFERENCE] = {.sql = DIFFERENCE_SQL,
                                .bind = bind_difference,
                                .other = other_difference,
                                .recipe = recipe_difference},
        [DERIVED_HIGHEST] = {.compute = compute_highest,
                             .other = other_none,
                             .recipe = recipe_highest},
        [DERIVED_AGGREGATE] = {.sql = AGGREGATE_SQL,
                               .bind = bind_aggregate,
                               .other = other_none,
                               .recipe = recipe_aggregate},
};

/* The lineage row of a derived indicator's recipe. */
static int
lineage(struct dv *d, const struct indicator_config *ind, const char *pin_sha,
        const char *pin_time, int64_t *out)
{
	const struct derived_config *x = &ind->derived;
	struct cJSON *root = json_new_object(), *o = json_new_object();
	char *text;
	int ret;

	json_add_string(o, "indicator", ind->id);
	json_add_string(o, "op", config_derived_name(x->op));
	json_add_string(o, "of", x->of);
	ops[x->op].recipe(o, d, x, pin_sha, pin_time);
	json_add_string(o, "unit", ind->unit);
	json_add_string(o, "qualifiers",
	                "a qualified input qualifies the result");
	json_add_string(o, "precisions",
	                "a rounded input makes the "
	                "result " NUMBER_PRECISION_FROM_ROUNDED);
	json_add_string(o, "indicators_version", d->cfg->indicators_version);
	json_add_item(root, "derived", o);
	text = json_print(root, 0);
	json_delete(root);
	ret = store_lineage(d->st, text, out, d->err);
	free(text);
	return ret;
}

/* The moments at which an input changed, in order. */
static int
moments(struct dv *d, const struct indicator_config *ind, const char *pin_time,
        char ***times, size_t *n)
{
	struct store_stmt *s = NULL;
	int rc;

	*times = NULL;
	*n = 0;
	if (store_prepare(d->st,
	                  "SELECT t FROM (SELECT known_from AS t FROM value "
	                  "WHERE indicator IN (?1, ?2) UNION SELECT known_to "
	                  "FROM value WHERE indicator IN (?1, ?2) AND known_to "
	                  "IS NOT NULL UNION SELECT ?3 WHERE ?3 IS NOT NULL) "
	                  "ORDER BY t",
	                  &s, d->err) < 0)
		return -1;
	store_bind_text(s, 1, ind->derived.of);
	store_bind_text(s, 2, ops[ind->derived.op].other(&ind->derived));
	store_bind_text(s, 3, pin_time);
	while ((rc = store_step(s)) == STORE_ROW) {
		*times = xreallocarray(*times, *n + 1, sizeof(**times));
		(*times)[(*n)++] = xstrdup(store_col_str(s, 0));
	}
	store_finalize(s);
	return rc == STORE_DONE ? 0 : db_fail(d, "cannot list input moments");
}

/* Computes the results at every moment into dres. */
static int
compute(struct dv *d, const struct indicator_config *ind, const char *pin_time,
        char **times, size_t n)
{
	const struct derived_config *x = &ind->derived;
	const struct op *op = &ops[x->op];
	struct store_stmt *s = NULL;
	size_t i, k, npass = op->passes ? op->passes(x) : 1;
	int ret = -1;

	if (store_exec(d->st, "DELETE FROM dres; DELETE FROM dmember", d->err) <
	    0)
		return -1;
	if (op->compute)
		return op->compute(d, ind, times, n);
	if ((op->prepare && op->prepare(d, x) < 0) ||
	    store_prepare(d->st, op->sql, &s, d->err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		for (k = 0; k < npass; k++) {
			store_reset(s);
			store_bind_int(s, 1, (int64_t)i);
			store_bind_text(s, 2, times[i]);
			store_bind_text(s, 3, x->of);
			op->bind(s, d, x, k, pin_time);
			if (store_step(s) != STORE_DONE) {
				db_fail(d, "cannot compute a derived value");
				goto out;
			}
		}
	}
	ret = 0;
out:
	store_finalize(s);
	return ret;
}

/* Writes one derived vintage and its inputs; known_to NULL if current. */
static int
write_value(struct dv *d, const struct indicator_config *ind, int64_t lin,
            struct result *r, const char *known_from, const char *known_to)
{
	struct store_stmt *s = d->ins_value;
	char key[HASH_HEX_SIZE];
	char *keysrc =
	        xasprintf("%s\037%s\037%s\037%s\037derived\037%s", ind->id,
	                  r->geo, r->period, known_from, r->inputs);
	const char *p;
	int64_t id;

	hash_hex(keysrc, strlen(keysrc), key);
	free(keysrc);
	key[KEY_LEN] = '\0';
	store_reset(s);
	store_bind_copy(s, 1, key, -1);
	store_bind_text(s, 2, ind->id);
	store_bind_text(s, 3, r->geo);
	store_bind_text(s, 4, r->period);
	store_bind_text(s, 5, known_from);
	if (known_to)
		store_bind_text(s, 6, known_to);
	else
		store_bind_null(s, 6);
	if (r->has_value)
		store_bind_double(s, 7, r->value);
	else
		store_bind_null(s, 7);
	store_bind_text(s, 8, ind->unit);
	store_bind_text(s, 9, r->flags);
	store_bind_text(s, 10, r->qualifier);
	store_bind_text(s, 11, r->status);
	store_bind_int(s, 12, lin);
	store_bind_text(s, 13, r->note);
	store_bind_text(s, 14, r->precision);
	if (store_step(s) != STORE_DONE)
		return db_fail(d, "cannot write a derived value");
	id = store_last_id(d->st);
	/* inputs: "12:from,15:to" */
	for (p = r->inputs; *p;) {
		char *end;
		long long in = strtoll(p, &end, 10);
		const char *role = end + (*end == ':');
		size_t rl = strcspn(role, ",");

		if (end == p)
			break;
		store_reset(d->ins_input);
		store_bind_int(d->ins_input, 1, id);
		store_bind_int(d->ins_input, 2, in);
		store_bind_copy(d->ins_input, 3, role, (int)rl);
		if (store_step(d->ins_input) != STORE_DONE)
			return db_fail(d, "cannot record a derived value's "
			                  "inputs");
		p = role + rl + (role[rl] == ',');
	}
	d->res->values++;
	if (!known_to)
		d->res->current++;
	return 0;
}

static int
same_result(const struct result *r, struct store_stmt *s)
{
	int has = !store_col_null(s, 3);
	char *fl;
	int same;

	if (has != r->has_value || (has && store_col_double(s, 3) != r->value))
		return 0;
	fl = merge_flags(store_col_text(s, 6));
	same = !strcmp(fl, r->flags) &&
	       !strcmp(store_col_text(s, 4), r->status) &&
	       !strcmp(store_col_text(s, 5), r->qualifier) &&
	       !strcmp(store_col_text(s, 7), r->inputs) &&
	       !strcmp(store_col_text(s, 8), r->note) &&
	       !strcmp(store_col_text(s, 9), r->precision);
	free(fl);
	return same;
}

/* Streams dres by key and moment; a result lasts while it is unchanged. */
static int
write_vintages(struct dv *d, const struct indicator_config *ind, int64_t lin,
               char **times, size_t n)
{
	struct store_stmt *s = NULL;
	struct result r;
	int rc, ret = -1;

	memset(&r, 0, sizeof(r));
	if (store_prepare(d->st,
	                  "SELECT i, geo, period, value, status, qualifier, "
	                  "flags, inputs, note, precision FROM dres ORDER BY "
	                  "geo, period, i",
	                  &s, d->err) < 0)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		size_t i = (size_t)store_col_int(s, 0);
		int same_key = r.open && !strcmp(store_col_text(s, 1), r.geo) &&
		               !strcmp(store_col_text(s, 2), r.period);

		if (same_key && i == r.last + 1 && same_result(&r, s)) {
			r.last = i;
			continue;
		}
		if (r.open) {
			size_t end = r.last + 1;

			if (write_value(d, ind, lin, &r, times[r.first],
			                end < n ? times[end] : NULL) < 0)
				goto out;
			result_clear(&r);
		}
		r.open = 1;
		r.first = r.last = i;
		r.geo = xstrdup(store_col_str(s, 1));
		r.period = xstrdup(store_col_str(s, 2));
		r.has_value = !store_col_null(s, 3);
		r.value = store_col_double(s, 3);
		r.status = xstrdup(store_col_str(s, 4));
		r.qualifier = xstrdup(store_col_str(s, 5));
		r.flags = merge_flags(store_col_text(s, 6));
		r.inputs = xstrdup(store_col_str(s, 7));
		r.note = xstrdup(store_col_str(s, 8));
		r.precision = xstrdup(store_col_str(s, 9));
	}
	if (rc != STORE_DONE) {
		db_fail(d, "cannot read derived results");
		goto out;
	}
	if (r.open &&
	    write_value(d, ind, lin, &r, times[r.first],
	                r.last + 1 < n ? times[r.last + 1] : NULL) < 0)
		goto out;
	ret = 0;
out:
	result_clear(&r);
	store_finalize(s);
	return ret;
}

static int
derive_one(struct dv *d, const struct indicator_config *ind)
{
	char *pin_sha = NULL, *pin_time = NULL;
	char **times = NULL;
	size_t n = 0, i;
	int64_t lin;
	int ret = -1;

	/* Every operation config reads has a complete row. */
	assert(ops[ind->derived.op].recipe && ops[ind->derived.op].other &&
	       (ops[ind->derived.op].sql
	                ? ops[ind->derived.op].bind != NULL
	                : ops[ind->derived.op].compute != NULL));
	if (ops[ind->derived.op].pinned) {
		int found = resolve_pin(d, ind, &pin_sha, &pin_time);

		if (found <= 0)
			return found;
	}
	if (lineage(d, ind, pin_sha, pin_time, &lin) < 0 ||
	    moments(d, ind, pin_time, &times, &n) < 0 ||
	    compute(d, ind, pin_time, times, n) < 0 ||
	    write_vintages(d, ind, lin, times, n) < 0)
		goto out;
	ret = 0;
out:
	for (i = 0; i < n; i++)
		free(times[i]);
	free(times);
	free(pin_sha);
	free(pin_time);
	return ret;
}

int
derive_run(const struct config *cfg, struct store *st,
           struct derive_result *res, struct error *err)
{
	struct dv d;
	size_t i;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	memset(&d, 0, sizeof(d));
	d.cfg = cfg;
	d.st = st;
	d.res = res;
	d.err = err;
	if (store_exec(st,
	               "CREATE TEMP TABLE IF NOT EXISTS dres (i INTEGER, geo "
	               "TEXT, period TEXT, value REAL, status TEXT, qualifier "
	               "TEXT, flags TEXT, inputs TEXT, note TEXT NOT NULL "
	               "DEFAULT '', precision TEXT NOT NULL DEFAULT '');"
	               "CREATE TEMP TABLE IF NOT EXISTS dmember (geo TEXT "
	               "PRIMARY KEY)",
	               err) < 0 ||
	    store_prepare(st,
	                  "INSERT INTO value (key, indicator, geo, period, "
	                  "known_from, known_to, value, unit, flags, "
	                  "qualifier, status, source_id, lineage_id, "
	                  "observation_id, note, precision) VALUES (?, ?, ?, "
	                  "?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL, ?, ?)",
	                  &d.ins_value, err) < 0 ||
	    store_prepare(st,
	                  "INSERT INTO derived_input (value_id, input_id, "
	                  "role) VALUES (?, ?, ?)",
	                  &d.ins_input, err) < 0)
		goto out;
	for (i = 0; i < cfg->nindicators; i++)
		if (cfg->indicators[i].derived.op != DERIVED_NONE &&
		    derive_one(&d, &cfg->indicators[i]) < 0)
			goto out;
	ret = 0;
out:
	store_finalize(d.ins_value);
	store_finalize(d.ins_input);
	return ret;
}
