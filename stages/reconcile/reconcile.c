/* reconcile — see reconcile.h.  It writes values with queries of its own. */
/* tdestroy(), a GNU extension of <search.h>. */
#define _GNU_SOURCE
#include "reconcile.h"

#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binds.h"
#include "crash.h"
#include "conflict.h"
#include "derive.h"
#include "diag.h"
#include "geo.h"
#include "hash.h"
#include "json.h"
#include "number.h"
#include "period.h"
#include "store_parse.h"
#include "strbuf.h"
#include "xalloc.h"

#define MAX_REPORTED 50

/* One step of a source's timeline: a snapshot that became current. */
struct step {
	char *time;
	char *snapshot; /* its sha256 */
	int64_t parse_id;
};

struct timeline {
	struct step *steps;
	size_t n;
};

/* An open vintage while the sorted rows stream past.  Its texts share
 * one allocation (texts): eight copies and eight frees a value were 33
 * million calls to malloc and free on 2,073,600 values; now two a value. */
struct vintage {
	int open;
	const char *indicator, *geo, *period, *unit, *flags, *qualifier;
	int has_value;
	double value;
	int64_t obs_id, lineage_id;
	const char *snapshot, *locator;
	char *texts; /* owns the texts above */
	char *inputs; /* "12,15": the observations summed, or NULL */
	size_t first_seq, last_seq;
};

/*
 * Values go to the store VALUE_BATCH at a time, in one multi-row INSERT
 * (a statement per value was a third of reconcile).  Their ids are given
 * here, so that a summed value's inputs can name it.  OR ROLLBACK, with
 * value's foreign keys deferred (store.c, migration 4): no constraint can
 * fail the statement alone, so SQLite keeps no journal of the pages it
 * changes (2.8 GB of temporary file on 2,073,600 values).  Any failure
 * fails the run, whose transaction is rolled back anyway.
 */
#define VALUE_BATCH 64
#define VALUE_COLS 15
#define VALUE_INSERT                                                           \
	"INSERT OR ROLLBACK INTO value (id, key, indicator, geo, period, "     \
	"known_from, known_to, value, unit, flags, qualifier, status, "        \
	"source_id, lineage_id, observation_id)"

struct pending_value {
	struct vintage v; /* owned until written */
	int64_t id;
	char key[HASH_HEX_SIZE];
	const char *known_from, *known_to, *source_id;
};

/* Mapped observations go to m MAP_BATCH at a time, likewise; their texts
 * wait in an arena. */
#define MAP_BATCH 64
#define MAP_COLS 11

struct mapped {
	int64_t seq, obs_id, lineage_id;
	const char *indicator, *geo, *unit; /* the config's, the geo table's */
	int has_value;
	double value;
	size_t period, flags, qualifier, locator; /* offsets in the arena */
};

/* A mapped observation on its way to the vintages, its texts borrowed
 * (from the config, the geo table, a statement's current row or the
 * reader's buffers). */
struct row {
	int64_t seq, obs_id, lineage_id;
	const char *indicator, *geo, *period, *unit, *flags, *qualifier,
	        *locator;
	int has_value;
	double value;
};

struct rc {
	const struct config *cfg;
	struct store *st;
	struct geo_table *geo;
	struct reconcile_result *res;
	struct error *err;
	struct store_stmt *ins_m; /* MAP_BATCH rows */
	struct binds *ins_m_binds, *ins_value_binds;
	struct mapped *mapped; /* MAP_BATCH */
	size_t nmapped;
	struct strbuf arena;
	struct store_stmt *ins_value; /* VALUE_BATCH rows */
	struct store_stmt *ins_input;
	int64_t *lineage_of; /* per crosswalk entry, 0 until made */
	struct pending_value *pending; /* VALUE_BATCH, waiting for the INSERT */
	size_t npending;
	int64_t last_value_id;
};

static void
timeline_release(struct timeline *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->steps[i].time);
		free(t->steps[i].snapshot);
	}
	free(t->steps);
	t->steps = NULL;
	t->n = 0;
}

__attribute__((format(printf, 2, 3))) static void
problem(struct rc *r, const char *fmt, ...)
{
	char buf[ERROR_MSG_MAX];
	va_list ap;

	if (r->res->problems++ >= MAX_REPORTED)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_error("%s", buf);
}

static int
db_fail(struct rc *r, const char *what)
{
	return error_set(r->err, "store: %s: %s", what, store_errmsg(r->st));
}

/* The timeline being read, and the fingerprint it is folded into. */
struct timeline_in {
	const struct source_config *src;
	struct timeline *t;
	struct hash *fp;
};

static int
timeline_step(void *arg, const char *time, int64_t pid, const char *sha)
{
	struct timeline_in *in = arg;
	struct timeline *t = in->t;
	char line[128];

	if (t->n && t->steps[t->n - 1].parse_id == pid)
		return 0; /* same snapshot again: not a new step */
	t->steps = xreallocarray(t->steps, t->n + 1, sizeof(*t->steps));
	t->steps[t->n].time = xstrdup(time);
	t->steps[t->n].parse_id = pid;
	t->steps[t->n].snapshot = xstrdup(sha);
	t->n++;
	snprintf(line, sizeof(line), "%s %s %lld\n", in->src->id, time,
	         (long long)pid);
	hash_update(in->fp, line, strlen(line));
	return 0;
}

/* The timeline of one source, folded into the input fingerprint. */
static int
load_timeline(struct rc *r, const struct source_config *src, struct timeline *t,
              struct hash *fp)
{
	struct timeline_in in = {src, t, fp};

	memset(t, 0, sizeof(*t));
	return store_parse_timeline(r->st, src->id, src->hash, timeline_step,
	                            &in, r->err);
}

/* The lineage row of a crosswalk entry: the recipe every value made through
 * that entry shares. */
static int
lineage_for(struct rc *r, size_t xw, const struct indicator_config *ind,
            int64_t *out)
{
	const struct crosswalk_entry *x = &r->cfg->crosswalk[xw];
	struct cJSON *root, *o;
	char *text;
	int rc;

	if (r->lineage_of[xw]) {
		*out = r->lineage_of[xw];
		return 0;
	}
	root = json_new_object();
	o = json_new_object();
	json_add_string(o, "source", x->source);
	json_add_string(o, "measure", x->measure);
	json_add_string(o, "indicator", x->indicator);
	json_add_string(o, "valid_from", x->valid_from);
	json_add_string(o, "valid_to", x->valid_to);
	json_add_string(o, "indicators_version", r->cfg->indicators_version);
	json_add_item(root, "crosswalk", o);
	o = json_new_object();
	json_add_string(o, "aliases_version", geo_table_version(r->geo));
	json_add_string(o, "tables_sha256", geo_table_hash(r->geo));
	json_add_item(root, "geo", o);
	o = json_new_object();
	if (x->convert_from) {
		json_add_string(o, "rule", "declared conversion");
		json_add_string(o, "from", x->convert_from);
		json_add_number(o, "factor", x->factor);
		json_add_string(o, "note",
		                "values in the unit 'from' are multiplied by "
		                "the factor; values in the indicator's unit "
		                "are kept as published");
	} else {
		json_add_string(o, "rule", "as published");
	}
	json_add_string(o, "unit", ind->unit);
	json_add_item(root, "unit", o);
	o = json_new_object();
	json_add_string(o, "rule", "canonical period");
	json_add_item(root, "period", o);
	o = json_new_object();
	if (ind->conflict.declared) {
		static const char *const rules[] = {
		        "prefer the first source present",
		        "an exact value over a rounded or qualified one",
		        "the value known most recently"};
		struct cJSON *a = json_new_array();
		size_t k;

		json_add_string(o, "rule", rules[ind->conflict.rule]);
		for (k = 0; k < ind->conflict.nprefer; k++)
			json_add_string(a, NULL, ind->conflict.prefer[k]);
		json_add_item(o, "prefer", a);
		json_add_number(o, "tolerance", ind->conflict.tolerance);
		json_add_string(o, "exceed",
		                ind->conflict.fail ? "fail" : "flag");
	} else {
		json_add_string(o, "rule", "single source");
	}
	json_add_item(root, "conflict", o);
	o = json_new_object();
	json_add_string(o, "rule",
	                config_source(r->cfg, x->source)->duplicates_sum
	                        ? "sum rows naming the same geo and period"
	                        : "refuse rows naming the same geo and period");
	json_add_item(root, "duplicates", o);
	text = json_print(root, 0);
	json_delete(root);
	rc = store_lineage(r->st, text, &r->lineage_of[xw], r->err);
	free(text);
	*out = r->lineage_of[xw];
	return rc;
}

/* The crosswalk entry for (source, measure) valid for a period, or -1;
 * *any_period 1 if that answer holds for every period (no entry of the
 * measure before it, nor it, is bounded in time). */
static long
find_crosswalk(const struct config *cfg, const char *source,
               const char *measure, const char *period, int *any_period)
{
	size_t i;

	*any_period = 1;
	for (i = 0; i < cfg->ncrosswalk; i++) {
		const struct crosswalk_entry *x = &cfg->crosswalk[i];

		if (strcmp(x->source, source) || strcmp(x->measure, measure))
			continue;
		if (x->valid_from || x->valid_to)
			*any_period = 0;
		if (x->valid_from && strcmp(period, x->valid_from) < 0)
			continue;
		if (x->valid_to &&
		    strncmp(period, x->valid_to, strlen(x->valid_to)) > 0)
			continue;
		return (long)i;
	}
	return -1;
}

/* Inserts the mapped rows that wait into m. */
static int
map_flush(struct rc *r)
{
	struct store_stmt *s = r->ins_m;
	struct binds *memo = r->ins_m_binds;
	const char *a = r->arena.buf;
	size_t i;
	int rc;

	if (r->nmapped == 0)
		return 0;
	if (r->nmapped < MAP_BATCH) {
		if (store_prepare_insert(r->st, "INSERT INTO m", MAP_COLS,
		                         r->nmapped, &s, r->err) < 0)
			return -1;
		memo = NULL;
	}
	store_reset(s);
	for (i = 0; i < r->nmapped; i++) {
		const struct mapped *m = &r->mapped[i];
		int b = (int)i * MAP_COLS;

		store_bind_int(s, b + 1, m->seq);
		/* the config's and the geo table's */
		binds_lasting(s, memo, b + 2, m->indicator);
		binds_lasting(s, memo, b + 3, m->geo);
		binds_text(s, memo, b + 4, a + m->period);
		if (m->has_value)
			store_bind_double(s, b + 5, m->value);
		else
			store_bind_null(s, b + 5);
		binds_lasting(s, memo, b + 6, m->unit);
		binds_text(s, memo, b + 7, a + m->flags);
		binds_text(s, memo, b + 8, a + m->qualifier);
		store_bind_int(s, b + 9, m->obs_id);
		binds_int(s, memo, b + 10, m->lineage_id);
		binds_text(s, memo, b + 11, a + m->locator);
	}
	rc = store_step(s);
	if (s != r->ins_m)
		store_finalize(s);
	if (rc != STORE_DONE)
		return db_fail(r, "cannot stage mapped observations");
	r->nmapped = 0;
	strbuf_reset(&r->arena);
	return 0;
}

/*
 * The last measure's crosswalk entry and the last spelling's geography:
 * consecutive observations mostly share both, and a scan of the crosswalk,
 * a scan of the indicators and a search of the geo table for every
 * observation were a tenth of reconcile.
 */
struct map_memo {
	char *measure; /* NULL: none yet */
	long xw;
	int any_period; /* xw holds for every period */
	const struct indicator_config *ind;
	char *raw_geo;
	struct geo_match gm;
};

static long
memo_crosswalk(struct map_memo *mm, const struct config *cfg,
               const char *source, const char *measure, const char *period)
{
	if (mm->measure && mm->any_period && strcmp(mm->measure, measure) == 0)
		return mm->xw;
	free(mm->measure);
	mm->measure = xstrdup(measure);
	mm->xw = find_crosswalk(cfg, source, measure, period, &mm->any_period);
	mm->ind = mm->xw < 0 ? NULL
	                     : config_indicator(
	                               cfg, cfg->crosswalk[mm->xw].indicator);
	return mm->xw;
}

static struct geo_match
memo_geo(struct map_memo *mm, const struct geo_table *geo, const char *raw)
{
	if (!mm->raw_geo || strcmp(mm->raw_geo, raw) != 0) {
		free(mm->raw_geo);
		mm->raw_geo = xstrdup(raw);
		mm->gm = geo_lookup(geo, raw);
	}
	return mm->gm;
}

/* A step's observations in id order (map_row() reads its columns).  The
 * table observation, not the view obs: its locator text for line and
 * column is spelt by store_locator() (SQLite's concatenation was 0.4 s on
 * 2,073,600 rows). */
#define OBS_SELECT                                                             \
	"SELECT id, measure, raw_geo, raw_period, value, unit, flags, "        \
	"qualifier, locator, decimals, line, col FROM observation WHERE id "   \
	"BETWEEN (SELECT first_observation FROM parse WHERE id = ?1) AND "     \
	"(SELECT last_observation FROM parse WHERE id = ?1) ORDER BY id"

enum { ROW_SKIPPED, ROW_MAPPED, ROW_PROBLEM };

/*
 * Maps the observation s is on (OBS_SELECT) into *out, its texts borrowed
 * from s, *per and at.  ROW_MAPPED; ROW_SKIPPED if the geo crosswalk
 * excludes it (counted); ROW_PROBLEM if it cannot be mapped (reported and
 * counted only if report); -1 if the store fails.
 */
static int
map_row(struct rc *r, const struct source_config *src, struct map_memo *mm,
        struct store_stmt *s, size_t seq, int report, struct row *out,
        struct period *per, char at[STORE_LOCATOR_MAX])
{
	const char *measure = store_col_text(s, 1);
	const char *raw_geo = store_col_text(s, 2);
	const char *raw_period = store_col_text(s, 3);
	const char *unit = store_col_text(s, 5);
	const char *loc = store_col_text(s, 8);
	const struct indicator_config *ind;
	const struct crosswalk_entry *x;
	struct geo_match gm;
	struct error perr;
	long xw;
	int convert;

	loc = store_locator(loc, store_col_int(s, 10), store_col_int(s, 11),
	                    at);
	if (period_parse(raw_period, per, &perr) < 0) {
		if (report)
			problem(r, "%s: %s: %s", src->id, loc, perr.msg);
		return ROW_PROBLEM;
	}
	xw = memo_crosswalk(mm, r->cfg, src->id, measure, per->canonical);
	if (xw < 0) {
		if (report)
			problem(r,
			        "%s: %s: measure '%s' (period %s) maps to no "
			        "indicator in the crosswalk",
			        src->id, loc, measure, per->canonical);
		return ROW_PROBLEM;
	}
	ind = mm->ind;
	gm = memo_geo(mm, r->geo, raw_geo);
	if (gm.rule == GEO_EXCLUDED) {
		r->res->excluded++;
		return ROW_SKIPPED;
	}
	if (gm.rule == GEO_UNMAPPED) {
		if (report)
			problem(r,
			        "%s: %s: unmapped geo '%s' (add it to the "
			        "aliases or the exclusions)",
			        src->id, loc, raw_geo);
		return ROW_PROBLEM;
	}
	x = &r->cfg->crosswalk[xw];
	convert = strcmp(unit, ind->unit) != 0;
	if (convert &&
	    (!x->convert_from || strcmp(unit, x->convert_from) != 0)) {
		if (report)
			problem(r,
			        "%s: %s: unit '%s' is not the unit of '%s' "
			        "('%s'), and no conversion is declared",
			        src->id, loc, unit, ind->id, ind->unit);
		return ROW_PROBLEM;
	}
	if (lineage_for(r, (size_t)xw, ind, &out->lineage_id) < 0)
		return -1;
	out->seq = (int64_t)seq;
	out->indicator = ind->id;
	out->geo = gm.code;
	out->period = per->canonical;
	out->has_value = !store_col_null(s, 4);
	out->value = store_col_double(s, 4);
	if (convert && out->has_value)
		out->value = number_convert(out->value, store_col_int(s, 9),
		                            x->factor);
	out->unit = ind->unit;
	out->flags = store_col_text(s, 6);
	out->qualifier = store_col_text(s, 7);
	out->obs_id = store_col_int(s, 0);
	out->locator = loc;
	return ROW_MAPPED;
}

static void
memo_init(struct map_memo *mm)
{
	memset(mm, 0, sizeof(*mm));
	mm->xw = -1;
	mm->gm.rule = GEO_UNMAPPED;
}

static void
memo_release(struct map_memo *mm)
{
	free(mm->measure);
	free(mm->raw_geo);
}

/* Maps the observations of one timeline step into the temp table m. */
static int
map_step(struct rc *r, const struct source_config *src, size_t seq,
         int64_t parse_id)
{
	struct store_stmt *s = NULL;
	struct map_memo mm;
	int rc, ret = -1;

	memo_init(&mm);
	if (store_prepare(r->st, OBS_SELECT, &s, r->err) < 0)
		return -1;
	store_bind_int(s, 1, parse_id);
	while ((rc = store_step(s)) == STORE_ROW) {
		char at[STORE_LOCATOR_MAX];
		struct period per;
		struct row row;
		struct mapped *m;
		int how = map_row(r, src, &mm, s, seq, 1, &row, &per, at);

		if (how < 0)
			goto out;
		if (how != ROW_MAPPED)
			continue;
		m = &r->mapped[r->nmapped++];
		m->seq = row.seq;
		m->indicator = row.indicator;
		m->geo = row.geo;
		m->period = strbuf_put_str(&r->arena, row.period);
		m->has_value = row.has_value;
		m->value = row.value;
		m->unit = row.unit;
		m->flags = strbuf_put_str(&r->arena, row.flags);
		m->qualifier = strbuf_put_str(&r->arena, row.qualifier);
		m->obs_id = row.obs_id;
		m->lineage_id = row.lineage_id;
		m->locator = strbuf_put_str(&r->arena, row.locator);
		if (r->nmapped == MAP_BATCH && map_flush(r) < 0)
			goto out;
	}
	if (rc != STORE_DONE) {
		db_fail(r, "cannot read observations");
		goto out;
	}
	if (map_flush(r) < 0)
		goto out;
	ret = 0;
out:
	store_finalize(s);
	memo_release(&mm);
	return ret;
}

static void
vintage_clear(struct vintage *v)
{
	free(v->texts);
	free(v->inputs);
	memset(v, 0, sizeof(*v));
}

/* Records every observation of a summed value (ids "12,15"). */
static int
record_inputs(struct rc *r, int64_t value_id, const char *ids)
{
	const char *p = ids;
	char *end;

	/* ids is SQLite's group_concat of integers: "12,15". */
	for (; *p; p = *end == ',' ? end + 1 : end) {
		long long id = strtoll(p, &end, 10);

		if (end == p)
			break;
		store_reset(r->ins_input);
		store_bind_int(r->ins_input, 1, value_id);
		store_bind_int(r->ins_input, 2, id);
		if (store_step(r->ins_input) != STORE_DONE)
			return db_fail(r, "cannot record a value's inputs");
	}
	return 0;
}

/* Inserts the pending values. */
static int
values_flush(struct rc *r)
{
	struct store_stmt *s = r->ins_value;
	struct binds *memo = r->ins_value_binds;
	size_t i;
	int rc;

	if (r->npending == 0)
		return 0;
	if (r->npending < VALUE_BATCH) {
		if (store_prepare_insert(r->st, VALUE_INSERT, VALUE_COLS,
		                         r->npending, &s, r->err) < 0)
			return -1;
		memo = NULL;
	}
	store_reset(s);
	for (i = 0; i < r->npending; i++) {
		const struct pending_value *p = &r->pending[i];
		const struct vintage *v = &p->v;
		int b = (int)i * VALUE_COLS;

		store_bind_int(s, b + 1, p->id);
		store_bind_text(s, b + 2, p->key);
		store_bind_text(s, b + 3, v->indicator);
		store_bind_text(s, b + 4, v->geo);
		store_bind_text(s, b + 5, v->period);
		binds_text(s, memo, b + 6, p->known_from);
		binds_text(s, memo, b + 7, p->known_to);
		if (v->has_value)
			store_bind_double(s, b + 8, v->value);
		else
			store_bind_null(s, b + 8);
		binds_text(s, memo, b + 9, v->unit);
		binds_text(s, memo, b + 10, v->flags);
		binds_text(s, memo, b + 11, v->qualifier);
		binds_lasting(s, memo, b + 12,
		              v->has_value ? "published" : "not available");
		binds_lasting(s, memo, b + 13, p->source_id); /* the config's */
		binds_int(s, memo, b + 14, v->lineage_id);
		store_bind_int(s, b + 15, v->obs_id);
	}
	rc = store_step(s);
	if (s != r->ins_value)
		store_finalize(s);
	if (rc != STORE_DONE)
		return db_fail(r, "cannot write values");
	for (i = 0; i < r->npending; i++)
		vintage_clear(&r->pending[i].v);
	r->npending = 0;
	return 0;
}

/* The text a value's key hashes: its KEY_FIELDS fields joined by U+001F,
 * cut at cap - 1 bytes as snprintf would (once per value: snprintf was
 * half a second of 2,073,600).  Returns its length. */
#define KEY_FIELDS 7
static size_t
key_source(char *buf, size_t cap, const char *const field[KEY_FIELDS])
{
	size_t len = 0, n;
	int i;

	for (i = 0; i < KEY_FIELDS && len < cap - 1; i++) {
		if (i)
			buf[len++] = '\037';
		n = strlen(field[i]);
		if (n > cap - 1 - len)
			n = cap - 1 - len;
		memcpy(buf + len, field[i], n);
		len += n;
	}
	buf[len] = '\0';
	return len;
}

/* Queues the vintage (taking its strings), superseded at step end_seq (or
 * current if past the timeline's end). */
static int
vintage_write(struct rc *r, const char *source_id, const struct timeline *t,
              struct vintage *v, size_t end_seq)
{
	struct pending_value *p = &r->pending[r->npending++];
	char keysrc[2048];
	size_t n;

	p->v = *v;
	memset(v, 0, sizeof(*v));
	p->id = ++r->last_value_id;
	p->source_id = source_id;
	p->known_from = t->steps[p->v.first_seq].time;
	p->known_to = end_seq < t->n ? t->steps[end_seq].time : NULL;
	n = key_source(keysrc, sizeof(keysrc),
	               (const char *const[]){p->v.indicator, p->v.geo,
	                                     p->v.period, p->known_from,
	                                     source_id, p->v.snapshot,
	                                     p->v.locator});
	hash_hex(keysrc, n, p->key);
	p->key[RECONCILE_KEY_LEN] = '\0';
	if (++r->res->values == 2)
		crash_point("reconcile.mid-values");
	if (!p->known_to)
		r->res->current++;
	/* A sum's inputs name it: it must be in the table first. */
	if (p->v.inputs) {
		int64_t id = p->id;
		char *inputs = xstrdup(p->v.inputs);
		int rc =
		        values_flush(r) < 0 || record_inputs(r, id, inputs) < 0;

		free(inputs);
		return rc ? -1 : 0;
	}
	return r->npending == VALUE_BATCH ? values_flush(r) : 0;
}

/* Reports keys that one snapshot gives twice. */
static int
check_duplicates(struct rc *r, const struct source_config *src)
{
	struct store_stmt *s = NULL;
	int rc;

	if (store_prepare(
	            r->st,
	            "SELECT m.indicator, m.geo, m.period, "
	            "group_concat(o.locator || ' (''' || o.raw_geo || "
	            "''')', '; ') FROM m JOIN obs o ON o.id = "
	            "m.obs_id GROUP BY m.seq, m.indicator, m.geo, m.period "
	            "HAVING count(*) > 1",
	            &s, r->err) < 0)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW)
		problem(r,
		        "%s: %s %s %s is given more than once, and no rule "
		        "combines them: %s",
		        src->id, store_col_text(s, 0), store_col_text(s, 1),
		        store_col_text(s, 2), store_col_text(s, 3));
	store_finalize(s);
	return rc == STORE_DONE ? 0 : db_fail(r, "cannot check duplicates");
}

/*
 * The rows of m that one snapshot (seq) gives for one key, as they stream
 * past in key order: summed here (refused later unless the source declares
 * "duplicates": "sum"); a sum with a missing part is missing.  Done in C
 * over a plain ORDER BY, not by SQLite's GROUP BY: its eight aggregates a
 * row were half of reconcile's time.  Buffers are kept from group to group.
 */
enum {
	G_INDICATOR,
	G_GEO,
	G_PERIOD,
	G_UNIT,
	G_FLAGS,
	G_QUALIFIER,
	G_LOCATOR,
	G_TEXTS
};

/* m's columns, in the SELECT's order. */
enum {
	M_SEQ,
	M_INDICATOR,
	M_GEO,
	M_PERIOD,
	M_VALUE,
	M_UNIT,
	M_FLAGS,
	M_QUALIFIER,
	M_OBS,
	M_LINEAGE,
	M_LOCATOR
};

struct group {
	int open;
	size_t seq, count;
	char *text[G_TEXTS];
	size_t cap[G_TEXTS];
	int has_value;
	double value;
	int64_t obs_id, lineage_id; /* the first observation; the least */
	struct strbuf inputs; /* "12,15": every observation's id */
};

static void
group_set(struct group *g, int k, const char *v)
{
	size_t len = strlen(v) + 1;

	if (len > g->cap[k]) {
		g->cap[k] = len < 64 ? 64 : len;
		g->text[k] = xrealloc(g->text[k], g->cap[k]);
	}
	memcpy(g->text[k], v, len);
}

/* Does the row continue the group (same snapshot and key)? */
static int
group_has(const struct group *g, const struct row *row)
{
	return g->open && (size_t)row->seq == g->seq &&
	       strcmp(g->text[G_PERIOD], row->period) == 0 &&
	       strcmp(g->text[G_GEO], row->geo) == 0 &&
	       strcmp(g->text[G_INDICATOR], row->indicator) == 0;
}

/* An observation's id onto the group's inputs (once per observation,
 * hence not printf). */
static void
group_add_id(struct group *g, int64_t id)
{
	char digits[24];

	strbuf_add(&g->inputs, digits,
	           (size_t)(number_put_int(digits, id) - digits));
}

static void
group_start(struct group *g, const struct row *row)
{
	const char *text[G_TEXTS];
	int k;

	text[G_INDICATOR] = row->indicator;
	text[G_GEO] = row->geo;
	text[G_PERIOD] = row->period;
	text[G_UNIT] = row->unit;
	text[G_FLAGS] = row->flags;
	text[G_QUALIFIER] = row->qualifier;
	text[G_LOCATOR] = row->locator;
	for (k = 0; k < G_TEXTS; k++)
		group_set(g, k, text[k]);
	g->open = 1;
	g->seq = (size_t)row->seq;
	g->count = 1;
	g->has_value = row->has_value;
	g->value = row->value;
	g->obs_id = row->obs_id;
	g->lineage_id = row->lineage_id;
	strbuf_reset(&g->inputs);
	group_add_id(g, g->obs_id);
}

/* Another row of the group: the sum, the greatest flags and qualifier
 * (as SQL's max()), the least lineage, every observation's id. */
static void
group_add(struct group *g, const struct row *row)
{
	g->count++;
	if (!row->has_value)
		g->has_value = 0;
	else
		g->value += row->value;
	if (strcmp(row->flags, g->text[G_FLAGS]) > 0)
		group_set(g, G_FLAGS, row->flags);
	if (strcmp(row->qualifier, g->text[G_QUALIFIER]) > 0)
		group_set(g, G_QUALIFIER, row->qualifier);
	if (row->lineage_id < g->lineage_id)
		g->lineage_id = row->lineage_id;
	strbuf_addch(&g->inputs, ',');
	group_add_id(g, row->obs_id);
}

static void
group_release(struct group *g)
{
	int k;

	for (k = 0; k < G_TEXTS; k++)
		free(g->text[k]);
	strbuf_release(&g->inputs);
}

/* The vintage's texts: the group's, and the snapshot, in one allocation.
 * A sum's locator is its first observation's. */
static void
vintage_texts(struct vintage *v, const struct group *g, const char *snapshot)
{
	static const int order[] = {G_INDICATOR, G_GEO,   G_PERIOD,
	                            G_UNIT,      G_FLAGS, G_QUALIFIER,
	                            G_LOCATOR,   G_TEXTS /* snapshot */};
	const char **field[] = {&v->indicator, &v->geo,     &v->period,
	                        &v->unit,      &v->flags,   &v->qualifier,
	                        &v->locator,   &v->snapshot};
	size_t len[8], total = 0, k;
	char *p;

	for (k = 0; k < 8; k++) {
		const char *text =
		        order[k] == G_TEXTS ? snapshot : g->text[order[k]];

		len[k] = strlen(text) + 1;
		total += len[k];
	}
	v->texts = p = xmalloc(total);
	for (k = 0; k < 8; k++) {
		memcpy(p, order[k] == G_TEXTS ? snapshot : g->text[order[k]],
		       len[k]);
		*field[k] = p;
		p += len[k];
	}
}

/* The group's value: the open vintage goes on (unchanged in this
 * snapshot), or is written and the group opens the next one. */
static int
vintage_step(struct rc *r, const struct source_config *src,
             const struct timeline *t, struct vintage *v, const struct group *g,
             size_t *dups)
{
	int same_key = v->open && !strcmp(g->text[G_INDICATOR], v->indicator) &&
	               !strcmp(g->text[G_GEO], v->geo) &&
	               !strcmp(g->text[G_PERIOD], v->period);

	if (same_key && g->seq == v->last_seq + 1 &&
	    g->has_value == v->has_value &&
	    (!g->has_value || g->value == v->value) &&
	    !strcmp(g->text[G_UNIT], v->unit) &&
	    !strcmp(g->text[G_FLAGS], v->flags) &&
	    !strcmp(g->text[G_QUALIFIER], v->qualifier)) {
		v->last_seq = g->seq; /* unchanged in this snapshot */
		return 0;
	}
	if (v->open) {
		/* Changed at seq, or dropped after last_seq. */
		size_t end = same_key && g->seq == v->last_seq + 1
		                     ? g->seq
		                     : v->last_seq + 1;

		if (vintage_write(r, src->id, t, v, end) < 0)
			return -1;
	}
	v->open = 1;
	vintage_texts(v, g, t->steps[g->seq].snapshot);
	v->has_value = g->has_value;
	v->value = g->value;
	v->obs_id = g->obs_id;
	v->lineage_id = g->lineage_id;
	v->inputs = NULL;
	if (g->count > 1) {
		v->inputs = xstrdup(g->inputs.buf);
		(*dups)++;
	}
	v->first_seq = v->last_seq = g->seq;
	return 0;
}

/* One source's rows in key order becoming vintages. */
struct vintages {
	const struct source_config *src;
	const struct timeline *t;
	struct vintage v;
	struct group g;
	size_t dups; /* keys one snapshot gives more than once */
};

static void
vintages_init(struct vintages *w, const struct source_config *src,
              const struct timeline *t)
{
	memset(w, 0, sizeof(*w));
	w->src = src;
	w->t = t;
	strbuf_init(&w->g.inputs, SIZE_MAX / 2);
}

static void
vintages_release(struct vintages *w)
{
	vintage_clear(&w->v);
	group_release(&w->g);
}

/* The next row in key order (its texts are copied). */
static int
vintages_add(struct rc *r, struct vintages *w, const struct row *row)
{
	if (group_has(&w->g, row)) {
		group_add(&w->g, row);
		return 0;
	}
	if (w->g.open &&
	    vintage_step(r, w->src, w->t, &w->v, &w->g, &w->dups) < 0)
		return -1;
	group_start(&w->g, row);
	return 0;
}

/* After the last row: the open group and vintage are written. */
static int
vintages_end(struct rc *r, struct vintages *w)
{
	if (w->g.open &&
	    vintage_step(r, w->src, w->t, &w->v, &w->g, &w->dups) < 0)
		return -1;
	w->g.open = 0;
	if (w->v.open &&
	    vintage_write(r, w->src->id, w->t, &w->v, w->v.last_seq + 1) < 0)
		return -1;
	return values_flush(r);
}

/* Streams m in key order into the vintages; w->dups counts the keys one
 * snapshot gives more than once (the caller reports them unless the
 * source sums them). */
static int
write_vintages(struct rc *r, struct vintages *w)
{
	struct store_stmt *s = NULL;
	int rc, ret = -1;

	/* m carries each row's locator, so this reads nothing else (a join
	 * to the observations cost a random read each). */
	if (store_prepare(r->st,
	                  "SELECT seq, indicator, geo, period, value, unit, "
	                  "flags, qualifier, obs_id, lineage_id, locator FROM "
	                  "m ORDER BY indicator, geo, period, seq, obs_id",
	                  &s, r->err) < 0)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW) {
		struct row row;

		row.seq = store_col_int(s, M_SEQ);
		row.indicator = store_col_str(s, M_INDICATOR);
		row.geo = store_col_str(s, M_GEO);
		row.period = store_col_str(s, M_PERIOD);
		row.has_value = !store_col_null(s, M_VALUE);
		row.value = store_col_double(s, M_VALUE);
		row.unit = store_col_str(s, M_UNIT);
		row.flags = store_col_str(s, M_FLAGS);
		row.qualifier = store_col_str(s, M_QUALIFIER);
		row.obs_id = store_col_int(s, M_OBS);
		row.lineage_id = store_col_int(s, M_LINEAGE);
		row.locator = store_col_str(s, M_LOCATOR);
		if (vintages_add(r, w, &row) < 0)
			goto out;
	}
	if (rc != STORE_DONE) {
		db_fail(r, "cannot read mapped observations");
		goto out;
	}
	ret = vintages_end(r, w);
out:
	store_finalize(s);
	return ret;
}

/*
 * The short way, without m.  A publisher's table mostly gives each series
 * (indicator and geo, once mapped) in one run of rows, its periods rising
 * or falling: a tidy CSV, an SDMX-ML series, a row of a Eurostat table.
 * The vintages need only each key's rows together, in step order; so the
 * observations are read in id order and checked, with no table m and no
 * sort.  A source with one step may give its series in any order: its
 * values are written in that order, and everything after reads them by
 * key.  Several steps are merged as they are read, which needs every step
 * in key order.  On the 2,073,600 observations of `make bench` (one step,
 * its series in the order of iso-codes' alpha-3 codes): 5.2-5.7 s for
 * 7.5-7.9 s, and 34 MiB for 42; the values are the same, the release
 * byte for byte.
 *
 * Anything else gives up: a series in two runs, periods out of order, a
 * row that cannot be mapped (the way through m reports every problem, in
 * order), a key one snapshot gives twice that the source does not sum
 * (check_duplicates() reads m), more than STREAMS_MAX steps.  The caller
 * then deletes the values written and takes the way through m.  Giving up
 * late costs a second pass; a table in another order gives up early.
 */
#define STREAMS_MAX 8

enum { STREAM_DONE, STREAM_GAVE_UP };
enum { NEXT_END, NEXT_ROW, NEXT_GIVE_UP };

struct stream {
	struct store_stmt *s;
	size_t seq;
	int alone; /* the source's one step: series in any order */
	struct map_memo mm;
	struct row row; /* the current row, until the next */
	struct period per; /* its period */
	char at[STORE_LOCATOR_MAX]; /* its locator */
	int started, done;
	void *series; /* alone: the series met (tsearch of struct series) */
	int dir; /* alone: the run's periods rising (1), falling (-1), or 0 */
};

struct series {
	const char *indicator, *geo; /* the config's, the geo table's */
};

static int
series_cmp(const void *a, const void *b)
{
	const struct series *x = a, *y = b;
	int c = strcmp(x->indicator, y->indicator);

	return c ? c : strcmp(x->geo, y->geo);
}

/* Is this the first run of the row's series? */
static int
series_first(struct stream *x, const struct row *row)
{
	struct series *n = xmalloc(sizeof(*n));
	struct series **found;

	n->indicator = row->indicator;
	n->geo = row->geo;
	found = xnonnull(tsearch(n, &x->series, series_cmp));
	if (*found == n)
		return 1;
	free(n);
	return 0;
}

/* Key order: SQLite's ORDER BY indicator, geo, period (BINARY: memcmp). */
static int
key_cmp(const struct row *a, const struct row *b)
{
	int c = a->indicator == b->indicator
	                ? 0
	                : strcmp(a->indicator, b->indicator);

	if (c == 0)
		c = a->geo == b->geo ? 0 : strcmp(a->geo, b->geo);
	return c ? c : strcmp(a->period, b->period);
}

/* May row follow last, the stream's previous row? */
static int
stream_follows(struct stream *x, const struct row *row, const struct row *last)
{
	int c;

	if (!x->started)
		return !x->alone || series_first(x, row);
	if (!x->alone)
		return key_cmp(row, last) >= 0;
	if ((row->indicator == last->indicator ||
	     strcmp(row->indicator, last->indicator) == 0) &&
	    (row->geo == last->geo || strcmp(row->geo, last->geo) == 0)) {
		c = strcmp(row->period, last->period);
		c = (c > 0) - (c < 0);
		if (c == 0)
			return 1; /* a duplicate, next to its twin */
		if (x->dir == 0)
			x->dir = c;
		return c == x->dir;
	}
	x->dir = 0;
	return series_first(x, row);
}

/* The stream's next mapped row (excluded ones are skipped, and counted). */
static int
stream_next(struct rc *r, const struct source_config *src, struct stream *x)
{
	struct row last = x->row;
	char period[PERIOD_MAX];
	int rc;

	memcpy(period, x->per.canonical, sizeof(period));
	last.period = period;
	while ((rc = store_step(x->s)) == STORE_ROW) {
		int how = map_row(r, src, &x->mm, x->s, x->seq, 0, &x->row,
		                  &x->per, x->at);

		if (how < 0)
			return -1;
		if (how == ROW_SKIPPED)
			continue;
		if (how == ROW_PROBLEM || !stream_follows(x, &x->row, &last))
			return NEXT_GIVE_UP;
		x->started = 1;
		return NEXT_ROW;
	}
	x->done = 1;
	return rc == STORE_DONE ? NEXT_END
	                        : db_fail(r, "cannot read observations");
}

/* The source's vintages by the short way: STREAM_DONE, STREAM_GAVE_UP
 * (values may have been written), or -1. */
static int
stream_vintages(struct rc *r, struct vintages *w)
{
	struct stream x[STREAMS_MAX];
	size_t n = w->t->n, k;
	int ret = -1;

	if (n > STREAMS_MAX)
		return STREAM_GAVE_UP;
	memset(x, 0, sizeof(x));
	for (k = 0; k < n; k++) {
		x[k].seq = k;
		x[k].alone = n == 1;
		memo_init(&x[k].mm);
		if (store_prepare(r->st, OBS_SELECT, &x[k].s, r->err) < 0)
			goto out;
		store_bind_int(x[k].s, 1, w->t->steps[k].parse_id);
	}
	for (k = 0; k < n; k++) {
		int how = stream_next(r, w->src, &x[k]);

		if (how != NEXT_ROW && how != NEXT_END) {
			ret = how < 0 ? -1 : STREAM_GAVE_UP;
			goto out;
		}
	}
	for (;;) {
		struct stream *least = NULL;
		int how;

		/* Equal keys: the earlier step first, as in m's order. */
		for (k = 0; k < n; k++)
			if (!x[k].done &&
			    (!least || key_cmp(&x[k].row, &least->row) < 0))
				least = &x[k];
		if (!least)
			break;
		if (!w->src->duplicates_sum && group_has(&w->g, &least->row)) {
			ret = STREAM_GAVE_UP;
			goto out;
		}
		if (vintages_add(r, w, &least->row) < 0)
			goto out;
		how = stream_next(r, w->src, least);
		if (how != NEXT_ROW && how != NEXT_END) {
			ret = how < 0 ? -1 : STREAM_GAVE_UP;
			goto out;
		}
	}
	ret = vintages_end(r, w) < 0 ? -1 : STREAM_DONE;
out:
	for (k = 0; k < n; k++) {
		store_finalize(x[k].s);
		memo_release(&x[k].mm);
		tdestroy(x[k].series, free);
	}
	return ret;
}

/* Takes back the values from id after on (and the inputs of sums among
 * them), written or waiting. */
static int
values_unwrite(struct rc *r, int64_t after)
{
	static const char *const sql[] = {
	        "DELETE FROM value_input WHERE value_id > ?1",
	        "DELETE FROM value WHERE id > ?1"};
	size_t i;

	for (i = 0; i < r->npending; i++)
		vintage_clear(&r->pending[i].v);
	r->npending = 0;
	r->last_value_id = after;
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		struct store_stmt *s = NULL;
		int rc;

		if (store_prepare(r->st, sql[i], &s, r->err) < 0)
			return -1;
		store_bind_int(s, 1, after);
		rc = store_step(s);
		store_finalize(s);
		if (rc != STORE_DONE)
			return db_fail(r, "cannot take values back");
	}
	return 0;
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
	if (values_unwrite(r, last_id) < 0)
		return -1;
	*r->res = before;
	vintages_init(&w, src, t);
	for (k = 0; k < t->n; k++)
		if (map_step(r, src, k, t->steps[k].parse_id) < 0)
			goto out;
	if (write_vintages(r, &w) < 0 ||
	    (w.dups && !src->duplicates_sum && check_duplicates(r, src) < 0) ||
	    store_exec(r->st, "DELETE FROM m", r->err) < 0)
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
		problem(r,
		        "%s %s %s is given by both '%s' and '%s', and no "
		        "conflict policy is declared",
		        store_col_text(s, 0), store_col_text(s, 1),
		        store_col_text(s, 2), store_col_text(s, 3),
		        store_col_text(s, 4));
	store_finalize(s);
	return rc == STORE_DONE ? 0 : db_fail(r, "cannot check conflicts");
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
	if (store_exec(r->st,
	               "CREATE TEMP TABLE IF NOT EXISTS m (seq INTEGER, "
	               "indicator TEXT, geo TEXT, period TEXT, value REAL, "
	               "unit TEXT, flags TEXT, qualifier TEXT, obs_id INTEGER, "
	               "lineage_id INTEGER, locator TEXT); DELETE FROM m;",
	               r->err) < 0)
		return -1;
	if (store_prepare_insert(r->st, "INSERT INTO m", MAP_COLS, MAP_BATCH,
	                         &r->ins_m, r->err) < 0 ||
	    store_prepare_insert(r->st, VALUE_INSERT, VALUE_COLS, VALUE_BATCH,
	                         &r->ins_value, r->err) < 0 ||
	    store_prepare(r->st,
	                  "INSERT INTO value_input (value_id, observation_id) "
	                  "VALUES (?, ?)",
	                  &r->ins_input, r->err) < 0)
		return -1;
	r->ins_m_binds = binds_new(MAP_BATCH * MAP_COLS);
	r->ins_value_binds = binds_new(VALUE_BATCH * VALUE_COLS);
	return 0;
}

static void
finalize_all(struct rc *r)
{
	store_finalize(r->ins_m);
	store_finalize(r->ins_value);
	store_finalize(r->ins_input);
	r->ins_m = r->ins_value = NULL;
	r->ins_input = NULL;
	binds_free(r->ins_m_binds);
	binds_free(r->ins_value_binds);
	r->ins_m_binds = r->ins_value_binds = NULL;
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
		if (load_timeline(&r, &cfg->sources[i], &tl[i], fp) < 0)
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
	r.pending = xcalloc(VALUE_BATCH, sizeof(*r.pending));
	r.mapped = xcalloc(MAP_BATCH, sizeof(*r.mapped));
	strbuf_init(&r.arena, SIZE_MAX / 2);
	/* Foreign keys unchecked until COMMIT: every key a value, its inputs
	 * and its lineage hold was read from the store or inserted by this
	 * transaction, and checking the value's three (its source, lineage
	 * and observation) cost a cursor and a seek each per value: 7.7-8.2 s
	 * for 8.9-9.2 s on 2,073,600.  The unit tests check every key after
	 * each run (check_reconcile.c). */
	if (store_begin_load(st, err) < 0)
		goto out;
	began = 1;
	crash_point("reconcile.after-begin");
	/* Every value is written again, and value's indexes are built once
	 * they are in: on 2,073,600 values 4.8-5.6 s for 5.2-5.8 s with
	 * value_by_key kept as they went in. */
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
		crash_point("reconcile.after-derive");
	}
	if (res->problems) {
		if (res->problems > MAX_REPORTED)
			diag_error("... and %zu more problems",
			           res->problems - MAX_REPORTED);
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
