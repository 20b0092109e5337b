/* vintages — mapped rows in key order into values, each over the run of
 * steps it holds unchanged, written VALUE_BATCH at a time; see rc.h. */
#include "rc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"
#include "number.h"
#include "xalloc.h"

void
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
			return rc_db_fail(r, "cannot record a value's inputs");
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
		return rc_db_fail(r, "cannot write values");
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
int
vintages_check_duplicates(struct rc *r, const struct source_config *src)
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
		rc_problem(r,
		           "%s: %s %s %s is given more than once, and no rule "
		           "combines them: %s",
		           src->id, store_col_text(s, 0), store_col_text(s, 1),
		           store_col_text(s, 2), store_col_text(s, 3));
	store_finalize(s);
	return rc == STORE_DONE ? 0 : rc_db_fail(r, "cannot check duplicates");
}

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

void
vintages_init(struct vintages *w, const struct source_config *src,
              const struct timeline *t)
{
	memset(w, 0, sizeof(*w));
	w->src = src;
	w->t = t;
	strbuf_init(&w->g.inputs, SIZE_MAX / 2);
}

void
vintages_release(struct vintages *w)
{
	vintage_clear(&w->v);
	group_release(&w->g);
}

int
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

int
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

int
vintages_from_m(struct rc *r, struct vintages *w)
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
		rc_db_fail(r, "cannot read mapped observations");
		goto out;
	}
	ret = vintages_end(r, w);
out:
	store_finalize(s);
	return ret;
}

int
vintages_unwrite(struct rc *r, int64_t after)
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
			return rc_db_fail(r, "cannot take values back");
	}
	return 0;
}

int
vintages_in_group(const struct vintages *w, const struct row *row)
{
	return group_has(&w->g, row);
}
