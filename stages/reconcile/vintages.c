/* vintages — mapped rows in key order into values, each over the run of
 * steps it holds unchanged, written STORE_WRITE_BATCH at a time; see rc.h. */
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

/* Inserts the pending values. */
static int
values_flush(struct rc *r)
{
	struct store_write_value rows[STORE_WRITE_BATCH];
	size_t i;

	for (i = 0; i < r->npending; i++) {
		const struct pending_value *p = &r->pending[i];
		const struct vintage *v = &p->v;
		struct store_write_value *o = &rows[i];

		o->id = p->id;
		o->key = p->key;
		o->indicator = v->indicator;
		o->geo = v->geo;
		o->period = v->period;
		o->known_from = p->known_from;
		o->known_to = p->known_to;
		o->has_value = v->has_value;
		o->value = v->value;
		o->unit = v->unit;
		o->flags = v->flags;
		o->qualifier = v->qualifier;
		o->precision = v->precision;
		o->status = v->has_value ? "published" : "not available";
		o->source_id = p->source_id; /* the config's */
		o->lineage_id = v->lineage_id;
		o->observation_id = v->obs_id;
	}
	if (store_write_values(r->w, rows, r->npending, r->err) < 0)
		return -1;
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
		int rc = values_flush(r) < 0 ||
		         store_write_inputs(r->w, id, inputs, r->err) < 0;

		free(inputs);
		return rc ? -1 : 0;
	}
	return r->npending == STORE_WRITE_BATCH ? values_flush(r) : 0;
}

struct dup_report {
	struct rc *r;
	const struct source_config *src;
};

static void
report_duplicate(void *arg, const char *indicator, const char *geo,
                 const char *period, const char *places)
{
	struct dup_report *d = arg;

	rc_problem(d->r,
	           "%s: %s %s %s is given more than once, and no rule "
	           "combines them: %s",
	           d->src->id, indicator, geo, period, places);
}

/* Reports keys that one snapshot gives twice. */
int
vintages_check_duplicates(struct rc *r, const struct source_config *src)
{
	struct dup_report d = {r, src};

	return store_write_duplicates(r->w, report_duplicate, &d, r->err);
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
group_has(const struct group *g, const struct store_mapped *row)
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
group_start(struct group *g, const struct store_mapped *row)
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
	text[G_PRECISION] = row->precision;
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
 * (as SQL's max()), the coarsest precision ("" when one part states
 * none), the least lineage, every observation's id. */
static void
group_add(struct group *g, const struct store_mapped *row)
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
	if (!*row->precision)
		group_set(g, G_PRECISION, "");
	else if (*g->text[G_PRECISION] &&
	         strcmp(row->precision, g->text[G_PRECISION]) > 0)
		group_set(g, G_PRECISION, row->precision);
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
	static const int order[] = {
	        G_INDICATOR, G_GEO,     G_PERIOD,    G_UNIT, G_FLAGS,
	        G_QUALIFIER, G_LOCATOR, G_PRECISION, G_TEXTS /* snapshot */};
	const char **field[] = {&v->indicator, &v->geo,       &v->period,
	                        &v->unit,      &v->flags,     &v->qualifier,
	                        &v->locator,   &v->precision, &v->snapshot};
	size_t len[9], total = 0, k;
	char *p;

	for (k = 0; k < 9; k++) {
		const char *text =
		        order[k] == G_TEXTS ? snapshot : g->text[order[k]];

		len[k] = strlen(text) + 1;
		total += len[k];
	}
	v->texts = p = xmalloc(total);
	for (k = 0; k < 9; k++) {
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
	    !strcmp(g->text[G_QUALIFIER], v->qualifier) &&
	    !strcmp(g->text[G_PRECISION], v->precision)) {
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
vintages_add(struct rc *r, struct vintages *w, const struct store_mapped *row)
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

struct from_m {
	struct rc *r;
	struct vintages *w;
};

static int
add_staged(void *arg, const struct store_mapped *row)
{
	struct from_m *f = arg;

	return vintages_add(f->r, f->w, row) < 0 ? -1 : 0;
}

int
vintages_from_m(struct rc *r, struct vintages *w)
{
	struct from_m f = {r, w};

	if (store_write_staged(r->w, add_staged, &f, r->err) < 0)
		return -1;
	return vintages_end(r, w);
}

int
vintages_unwrite(struct rc *r, int64_t after)
{
	size_t i;

	for (i = 0; i < r->npending; i++)
		vintage_clear(&r->pending[i].v);
	r->npending = 0;
	r->last_value_id = after;
	return store_write_unwrite(r->w, after, r->err);
}

int
vintages_in_group(const struct vintages *w, const struct store_mapped *row)
{
	return group_has(&w->g, row);
}
