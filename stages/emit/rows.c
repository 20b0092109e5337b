/* rows — the release's values read back from indicators.csv (outputs.h).
 *
 * indicators.csv is written first, from the store, and every other file
 * that lists values (indicators.json, indicators.sqlite, report.html) reads
 * it back through a cursor: what they say is what the CSV says, and emit's
 * memory does not grow with the number of values.  A row's value is the
 * CSV's shortest-form text read by strtod(), which gives back the same
 * double (number_format_shortest() guarantees the round trip).  The
 * distinct indicators, geos and periods, of the release and of each
 * indicator's span, are gathered as the rows are written. */
/* twalk_r() and tdestroy(), GNU extensions of <search.h> (glibc 2.30). */
#define _GNU_SOURCE
#include "outputs.h"

#include <search.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

const struct release_span *
release_span_of(const struct release_data *d, const char *indicator)
{
	size_t i;

	for (i = 0; i < d->nspans; i++)
		if (strcmp(d->spans[i].indicator, indicator) == 0)
			return &d->spans[i];
	return NULL;
}

int
release_rows_open(const struct release_data *d, const struct release_span *span,
                  struct release_cursor *c, struct error *err)
{
	struct csv_reader_options o;
	struct csv_record rec;

	memset(c, 0, sizeof(*c));
	c->path = d->csv;
	c->fp = fopen(d->csv, "rb");
	if (!c->fp)
		return error_set(err, "cannot read back '%s'", d->csv);
	csv_reader_options_init(&o);
	if (span) {
		if (fseeko(c->fp, (off_t)span->offset, SEEK_SET) != 0) {
			release_rows_close(c);
			return error_set(err, "cannot seek in '%s'", d->csv);
		}
		c->r = csv_reader_new(c->fp, &o);
		c->left = span->rows;
		return 0;
	}
	c->r = csv_reader_new(c->fp, &o);
	c->left = d->nrows;
	/* The header. */
	if (csv_reader_next(c->r, &rec, err) != 1) {
		release_rows_close(c);
		return error_prefix(err, "'%s'", d->csv);
	}
	return 0;
}

int
release_rows_next(struct release_cursor *c, struct error *err)
{
	struct csv_record rec;
	const char *v;
	char *end;
	int rc, k;

	if (c->left == 0)
		return 0;
	rc = csv_reader_next(c->r, &rec, err);
	if (rc < 0)
		return error_prefix(err, "'%s'", c->path);
	if (rc == 0 || rec.nfields != COL_COUNT)
		return error_set(err,
		                 "'%s' line %ld: not the row written there",
		                 c->path, rc ? rec.line : 0L);
	for (k = 0; k < COL_COUNT; k++)
		c->row.f[k] = rec.fields[k].text;
	v = c->row.f[COL_VALUE];
	c->row.has_value = *v != '\0';
	c->row.value = c->row.has_value ? strtod(v, &end) : 0;
	if (c->row.has_value && *end)
		return error_set(err,
		                 "'%s' line %ld: value '%s' is not a number",
		                 c->path, rec.line, v);
	c->left--;
	return 1;
}

void
release_rows_close(struct release_cursor *c)
{
	csv_reader_free(c->r);
	if (c->fp)
		fclose(c->fp);
	c->r = NULL;
	c->fp = NULL;
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(a, b);
}

struct cat_list {
	char **v;
	size_t n;
};

static void
cat_visit(const void *node, VISIT which, void *ctx)
{
	struct cat_list *l = ctx;

	if (which == postorder || which == leaf)
		l->v[l->n++] = *(char *const *)node;
}

/*
 * The distinct values of one column as they stream past, in a search tree
 * (tsearch).  The rows are in indicator, geo, period order, so a value is
 * mostly the previous row's, or the one that followed the previous row's
 * value last time (an indicator's geos each run through the same periods
 * in order): each costs one strcmp, where the tree costs a dozen for every
 * period.  Sorting every row's value instead would be a fifth of emit.
 */
struct distinct_tree {
	void *root;
	const char *prev;
	size_t n;
};

/* A value in a tree: its text, and the value that followed it last. */
struct distinct_value {
	const char *next; /* of the same tree, or NULL */
	char text[];
};

static struct distinct_value *
value_of(const char *text)
{
	return (struct distinct_value *)(void *)(text -
	                                         offsetof(struct distinct_value,
	                                                  text));
}

static void
value_free(void *text)
{
	free(value_of(text));
}

static void
tree_add(struct distinct_tree *t, const char *v)
{
	struct distinct_value *copy;
	const char *found;
	char **hit;
	size_t len;

	if (t->prev) {
		if (strcmp(t->prev, v) == 0)
			return;
		found = value_of(t->prev)->next;
		if (found && strcmp(found, v) == 0) {
			t->prev = found;
			return;
		}
	}
	/* Seen before (most are): no copy made and freed. */
	if ((hit = tfind(v, &t->root, cmp_key))) {
		found = *hit;
	} else {
		len = strlen(v) + 1;
		copy = xmalloc(sizeof(*copy) + len);
		copy->next = NULL;
		memcpy(copy->text, v, len);
		xnonnull(tsearch(copy->text, &t->root, cmp_key));
		t->n++;
		found = copy->text;
	}
	if (t->prev)
		value_of(t->prev)->next = found;
	t->prev = found;
}

/* The tree's values, sorted, into dd->v[k] (which owns copies). */
static void
tree_flatten(struct distinct_tree *t, struct release_distinct *dd, int k)
{
	struct cat_list l = {NULL, 0};
	size_t i;

	l.v = xcalloc(t->n + 1, sizeof(*l.v));
	twalk_r(t->root, cat_visit, &l);
	for (i = 0; i < l.n; i++)
		l.v[i] = xstrdup(l.v[i]);
	tdestroy(t->root, value_free);
	dd->v[k] = l.v;
	dd->n[k] = l.n;
	memset(t, 0, sizeof(*t));
}

static void
distinct_release(struct release_distinct *dd)
{
	size_t i;
	int k;

	for (k = 0; k < 3; k++) {
		for (i = 0; i < dd->n[k]; i++)
			free(dd->v[k][i]);
		free(dd->v[k]);
		dd->v[k] = NULL;
		dd->n[k] = 0;
	}
}

/* The distinct values of the release, and of the span being written. */
struct release_trees {
	struct distinct_tree all[3], span[3];
};

/* The span's trees into its distinct values. */
static void
span_close(struct release_data *d)
{
	int k;

	for (k = 0; k < 3; k++)
		tree_flatten(&d->trees->span[k], &d->spans[d->nspans - 1].dd,
		             k);
}

int
release_data_starts_span(const struct release_data *d, const char *indicator)
{
	return d->nspans == 0 ||
	       strcmp(d->spans[d->nspans - 1].indicator, indicator) != 0;
}

void
release_data_add_row(struct release_data *d, const char *const *row,
                     long long offset)
{
	static const int cols[3] = {COL_INDICATOR, COL_GEO, COL_PERIOD};
	struct release_span *sp = d->nspans ? &d->spans[d->nspans - 1] : NULL;
	int unpublished = strcmp(row[COL_STATUS], "unpublished") == 0, k;

	if (!d->trees)
		d->trees = xcalloc(1, sizeof(*d->trees));
	d->nrows++;
	if (sp && strcmp(sp->indicator, row[COL_INDICATOR]) == 0) {
		sp->rows++;
	} else {
		if (sp)
			span_close(d);
		if (d->nspans == d->spans_alloc) {
			d->spans_alloc =
			        d->spans_alloc ? d->spans_alloc * 2 : 16;
			d->spans = xreallocarray(d->spans, d->spans_alloc,
			                         sizeof(*d->spans));
		}
		sp = &d->spans[d->nspans++];
		memset(sp, 0, sizeof(*sp));
		sp->indicator = xstrdup(row[COL_INDICATOR]);
		sp->offset = offset;
		sp->rows = 1;
	}
	for (k = 0; k < 3; k++) {
		if (k > 0 && unpublished)
			continue; /* it has no geo or period */
		tree_add(&d->trees->all[k], row[cols[k]]);
		tree_add(&d->trees->span[k], row[cols[k]]);
	}
}

void
release_data_finish(struct release_data *d)
{
	int k;

	if (!d->trees)
		return;
	if (d->nspans)
		span_close(d);
	for (k = 0; k < 3; k++)
		tree_flatten(&d->trees->all[k], &d->all, k);
	free(d->trees);
	d->trees = NULL;
}

void
release_data_distinct_free(struct release_data *d)
{
	size_t i;
	int k;

	if (d->trees) { /* a failure before release_data_finish() */
		for (k = 0; k < 3; k++) {
			tdestroy(d->trees->all[k].root, value_free);
			tdestroy(d->trees->span[k].root, value_free);
		}
		free(d->trees);
		d->trees = NULL;
	}
	distinct_release(&d->all);
	for (i = 0; i < d->nspans; i++)
		distinct_release(&d->spans[i].dd);
}

void
release_data_release(struct release_data *d)
{
	size_t i;
	int k;

	release_data_distinct_free(d);
	for (i = 0; i < d->nspans; i++)
		free(d->spans[i].indicator);
	free(d->spans);
	free(d->csv);
	for (i = 0; i < d->nsources; i++)
		for (k = 0; k < SRC_COUNT; k++)
			free(d->sources[i].f[k]);
	free(d->sources);
	d->spans = NULL;
	d->csv = NULL;
	d->sources = NULL;
	d->nrows = d->nsources = d->nspans = d->spans_alloc = 0;
}
