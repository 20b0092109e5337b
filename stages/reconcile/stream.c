/* stream — the short way to a source's vintages; see rc.h.  tdestroy() is
 * a GNU extension of <search.h>. */
#define _GNU_SOURCE
#include "rc.h"

#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/*
 * The short way, without m.  A publisher's table mostly gives each series
 * (indicator and geo, once mapped) in one run of rows, its periods rising
 * or falling: a tidy CSV, an SDMX-ML series, a row of a Eurostat table.
 * The vintages need only each key's rows together, in step order; so the
 * observations are read in id order and checked, with no table m and no
 * sort.  A source with one step may give its series in any order: its
 * values are written in that order, and everything after reads them by
 * key.  Several steps are merged as they are read, which needs every step
 * in key order.  The values are the same either way, the release byte
 * for byte.  It is kept because reconcile's goal in `make bench` (1.25x
 * the SQLite floor of its contract) is missed by far more without it: on
 * the benchmark's 2,073,600 observations the way through m alone takes
 * 1.4x the time and 1.2x the memory.
 *
 * Anything else gives up: a series in two runs, periods out of order, a
 * row that cannot be mapped (the way through m reports every problem, in
 * order), a key one snapshot gives twice that the source does not sum
 * (vintages_check_duplicates() reads m), more than STREAMS_MAX steps.  The
 * caller then deletes the values written and takes the way through m.  Giving
 * up late costs a second pass; a table in another order gives up early.
 */
#define STREAMS_MAX 8

enum { NEXT_END, NEXT_ROW, NEXT_GIVE_UP };

struct stream {
	struct store_stmt *s;
	size_t seq;
	int alone; /* the source's one step: series in any order */
	struct map_memo mm;
	struct store_mapped row; /* the current row, until the next */
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
series_first(struct stream *x, const struct store_mapped *row)
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
key_cmp(const struct store_mapped *a, const struct store_mapped *b)
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
stream_follows(struct stream *x, const struct store_mapped *row,
               const struct store_mapped *last)
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
	struct store_mapped last = x->row;
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
	                        : rc_db_fail(r, "cannot read observations");
}

int
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
		map_memo_init(&x[k].mm);
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
		if (!w->src->duplicates_sum &&
		    vintages_in_group(w, &least->row)) {
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
		map_memo_release(&x[k].mm);
		tdestroy(x[k].series, free);
	}
	return ret;
}
