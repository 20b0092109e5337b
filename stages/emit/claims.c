/*
 * claims — claims.csv: each statement of the report being rebuilt (the
 * config's claims file) beside the release's value that tests it, and a
 * verdict.  See outputs.h.
 *
 * The verdicts, in the order they are decided:
 *   cannot be checked: unpublished      the indicator has no public data;
 *   cannot be checked: not in the release
 *   cannot be checked: <status>         the value is not available, or
 *                                       not comparable;
 *   cannot be checked: the report's own figure
 *                                       every observation it rests on is
 *                                       the report's (claims "source"):
 *                                       checking it against itself proves
 *                                       nothing;
 *   differs by D (R%)                   beyond the claim's tolerance;
 *   qualified                           within it, but the report's
 *                                       qualifier states another bound
 *                                       than the value's ("more than"
 *                                       against "about"), or
 *                                       the value is incomplete;
 *   confirmed                           within it, with the same
 *                                       qualifier (or none), complete.
 */
#include "outputs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "csv_writer.h"
#include "number.h"
#include "store_values.h"
#include "xalloc.h"

/* A row of indicators.csv, copied. */
struct found {
	int has_value;
	double value;
	char *text, *qualifier, *status, *lineage, *precision;
};

static void
found_release(struct found *f)
{
	free(f->text);
	free(f->qualifier);
	free(f->status);
	free(f->lineage);
	free(f->precision);
	memset(f, 0, sizeof(*f));
}

/* The row of r in indicators.csv: 1, 0 when there is none, -1. */
static int
find_row(const struct release_data *d, const struct config_ref *r,
         struct found *out, struct error *err)
{
	const struct release_span *span = release_span_of(d, r->indicator);
	struct release_cursor c;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!span)
		return 0;
	if (release_rows_open(d, span, &c, err) < 0)
		return -1;
	while ((rc = release_rows_next(&c, err)) == 1) {
		if (strcmp(c.row.f[COL_GEO], r->geo ? r->geo : "") != 0 ||
		    strcmp(c.row.f[COL_PERIOD], r->period ? r->period : "") !=
		            0)
			continue;
		out->has_value = c.row.has_value;
		out->value = c.row.value;
		out->text = xstrdup(c.row.f[COL_VALUE]);
		out->qualifier = xstrdup(c.row.f[COL_QUALIFIER]);
		out->status = xstrdup(c.row.f[COL_STATUS]);
		out->lineage = xstrdup(c.row.f[COL_LINEAGE]);
		out->precision = xstrdup(c.row.f[COL_PRECISION]);
		break;
	}
	release_rows_close(&c);
	return rc;
}

/* The verdict on claim k, whose test value is t (found if have_t) and
 * whose claimed figure is claimed (the equals value's, if it has one). */
static char *
verdict(const struct release_data *d, const struct claim_config *k, int have_t,
        const struct found *t, int have_claimed, double claimed,
        const char *claimed_q, struct error *err)
{
	const struct indicator_config *ind =
	        config_indicator(d->cfg, k->test.indicator);
	const char *cb, *tb;
	double diff;
	int own;

	if (ind->unpublished)
		return xstrdup("cannot be checked: unpublished");
	if (!have_t)
		return xstrdup("cannot be checked: not in the release");
	if (!t->has_value || !have_claimed)
		return xasprintf("cannot be checked: %s",
		                 !t->has_value
		                         ? t->status
		                         : "the value it equals has none");
	if (d->cfg->claims_source) {
		own = store_value_only_from(d->st, t->lineage,
		                            d->cfg->claims_source, err);
		if (own < 0)
			return NULL;
		if (own)
			return xstrdup("cannot be checked: the report's own "
			               "figure");
	}
	diff = t->value - claimed;
	if (fabs(diff) > k->tolerance * fabs(t->value)) {
		char dtext[32], rtext[32] = "";

		/* As the indicator's values are shown (report.c). */
		if (ind->decimals >= 0 || ind->derived.op != DERIVED_NONE)
			snprintf(dtext, sizeof(dtext), "%.*f",
			         ind->decimals >= 0 ? ind->decimals : 2,
			         fabs(diff));
		else
			number_format_shortest(fabs(diff), dtext);
		if (claimed != 0)
			snprintf(rtext, sizeof(rtext), " (%+.1f%%)",
			         diff / fabs(claimed) * 100);
		return xasprintf("differs by %s%s%s", diff > 0 ? "+" : "-",
		                 dtext, rtext);
	}
	/* The same bound in other words ("over" and "more than") is the
	 * same claim. */
	cb = number_bound(claimed_q);
	tb = number_bound(t->qualifier);
	if ((cb && tb ? strcmp(cb, tb) : strcmp(claimed_q, t->qualifier)) !=
	            0 ||
	    strcmp(t->status, "incomplete") == 0)
		return xstrdup("qualified");
	return xstrdup("confirmed");
}

static int
claim_row(const struct release_data *d, FILE *fp, const struct claim_config *k,
          struct error *err)
{
	struct found t, e;
	int have_t, have_e = 0, have_claimed = k->has_value, rc = -1;
	double claimed = k->value;
	const char *claimed_q = k->qualifier;
	char ctext[32] = "";
	char *v = NULL;
	const char *row[CLAIM_COUNT];

	memset(&e, 0, sizeof(e));
	if ((have_t = find_row(d, &k->test, &t, err)) < 0)
		return -1;
	if (k->has_equals) {
		if ((have_e = find_row(d, &k->equals, &e, err)) < 0)
			goto out;
		have_claimed = have_e && e.has_value;
		claimed = e.value;
		claimed_q = have_e ? e.qualifier : "";
	}
	if (!(v = verdict(d, k, have_t, &t, have_claimed, claimed, claimed_q,
	                  err)))
		goto out;
	if (have_claimed)
		number_format_shortest(claimed, ctext);
	row[0] = k->id;
	row[1] = k->says;
	row[2] = k->where;
	row[3] = ctext;
	row[4] = claimed_q;
	row[5] = k->test.indicator;
	row[6] = k->test.geo ? k->test.geo : "";
	row[7] = k->test.period ? k->test.period : "";
	row[8] = have_t ? t.text : "";
	row[9] = have_t ? t.qualifier : "";
	row[10] = have_t ? t.status : "";
	row[11] = have_t ? t.lineage : "";
	row[12] = v;
	row[13] = k->note ? k->note : "";
	row[14] = have_t ? t.precision : "";
	csv_writer_row(fp, row, CLAIM_COUNT);
	rc = 0;
out:
	free(v);
	found_release(&t);
	found_release(&e);
	return rc;
}

int
outputs_claims(const struct release_data *d, struct error *err)
{
	char *path =
	        xasprintf("%s/%s", d->dir, release_files[RELEASE_CLAIMS].name);
	struct atomic_file af = {NULL, NULL, NULL, NULL};
	size_t i;
	int ret = -1;

	if (atomic_file_open(&af, path, err) < 0)
		goto out;
	csv_writer_row(af.fp, release_claim_columns, CLAIM_COUNT);
	for (i = 0; i < d->cfg->nclaims; i++)
		if (claim_row(d, af.fp, &d->cfg->claims[i], err) < 0)
			goto out;
	ret = atomic_file_commit(&af, err);
out:
	atomic_file_abort(&af);
	free(path);
	return ret;
}
