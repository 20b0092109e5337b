/* chart — the charts of report.html: see report.h. */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"
#include "xalloc.h"

/*
 * Charts, in inline SVG.  A cross-section (one period) is a bar a
 * geography; a time series a line a geography over every period, at most
 * CHART_LINES of them (beyond, the ones with the highest values in the
 * latest period, and the page says so), on a time axis of every year,
 * quarter or month from the first to the last: a period without a value
 * is a gap in the line, and the page names those gaps.  Both have a value
 * axis with its ticks and the unit, full labels, and every point's hover
 * text: geo, period, qualifier, value, precision, status and lineage id.
 */
#define CHART_BARS 60 /* geographies a bar chart shows; beyond, none */
#define CHART_LINES 8
#define CHART_PERIODS 400 /* periods a line chart shows; beyond, none */

static const char *const chart_colour[CHART_LINES] = {
        "#1f4e79", "#c55a11", "#548235", "#7030a0",
        "#bf9000", "#2e75b6", "#7f7f7f", "#c00000"};

/* One value of the chart: its texts
 * ("qualifier\0status\0lineage\0precision\0") at
 * text in the chart's arena. */
struct point {
	size_t g, p; /* positions among the geographies and periods */
	double value;
	size_t text;
};

/* The values of one span, in one pass (a chart never reads it twice). */
struct chart_data {
	struct point *pts;
	size_t n, cap;
	struct strbuf arena;
	char **geos, **pers;
	int dec;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Where row r is among the chart's geographies and periods: 1, or 0 when
 * it has no value (no point) or is not among them. */
static int
chart_locate(const struct chart_data *cd, const struct release_row *r,
             size_t ng, size_t np, size_t *g, size_t *p)
{
	const char *geo = r->f[COL_GEO], *per = r->f[COL_PERIOD];
	char **hg = bsearch(&geo, cd->geos, ng, sizeof(char *), cmp_str);
	char **hp = bsearch(&per, cd->pers, np, sizeof(char *), cmp_str);

	if (!r->has_value || !hg || !hp)
		return 0;
	*g = (size_t)(hg - cd->geos);
	*p = (size_t)(hp - cd->pers);
	return 1;
}

/* The span's values (rows without one have no point), of the geographies
 * keep marks (NULL: all). */
static int
chart_points(const struct release_data *d, const struct release_span *span,
             struct chart_data *cd, size_t ng, size_t np,
             const unsigned char *keep, struct error *err)
{
	struct release_cursor c;
	int rc;

	if (release_rows_open(d, span, &c, err) < 0)
		return -1;
	while ((rc = release_rows_next(&c, err)) == 1) {
		struct point *pt;
		size_t g, p;

		if (!chart_locate(cd, &c.row, ng, np, &g, &p) ||
		    (keep && !keep[g]))
			continue;
		if (cd->n == cd->cap) {
			cd->cap = cd->cap ? 2 * cd->cap : 256;
			cd->pts = xreallocarray(cd->pts, cd->cap,
			                        sizeof(*cd->pts));
		}
		pt = &cd->pts[cd->n++];
		pt->g = g;
		pt->p = p;
		pt->value = c.row.value;
		pt->text = strbuf_put_str(&cd->arena, c.row.f[COL_QUALIFIER]);
		strbuf_put_str(&cd->arena, c.row.f[COL_STATUS]);
		strbuf_put_str(&cd->arena, c.row.f[COL_LINEAGE]);
		strbuf_put_str(&cd->arena, c.row.f[COL_PRECISION]);
	}
	release_rows_close(&c);
	return rc < 0 ? -1 : 0;
}

/* A step of 1, 2 or 5 times a power of ten, about a quarter of span. */
static double
nice_step(double span)
{
	double raw = span / 4, p = pow(10, floor(log10(raw))), f = raw / p;

	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/* The value axis from lo to hi (lo <= 0 <= hi), ticks and grid lines at
 * x0..x1, the unit above it; y(v) maps values to the drawing. */
struct axis {
	double lo, hi, step;
	int top, bottom; /* y of hi and lo */
};

static int
axis_y(const struct axis *a, double v)
{
	return a->bottom -
	       (int)((v - a->lo) / (a->hi - a->lo) * (a->bottom - a->top));
}

static void
axis_draw(struct strbuf *sb, const struct axis *a, int x0, int x1, int dec,
          const char *unit)
{
	double v;
	char num[48];

	for (v = a->lo; v <= a->hi + a->step / 2; v += a->step) {
		int y = axis_y(a, v);

		report_grouped(fabs(v) < a->step / 1e6 ? 0 : v,
		               dec < 0 ? -1 : dec, num);
		strbuf_addf(sb,
		            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		            "class=\"g\"/><text x=\"%d\" y=\"%d\" class=\"t\" "
		            "text-anchor=\"end\">%s</text>\n",
		            x0, y, x1, y, x0 - 4, y + 3, num);
	}
	strbuf_addf(sb, "<text x=\"%d\" y=\"%d\" class=\"t\">", x0, a->top - 8);
	report_esc(sb, unit);
	strbuf_addstr(sb, "</text>\n");
}

/* The axis of the points of the geographies keep marks (NULL: all). */
static void
axis_fit(struct axis *a, const struct point *pts, size_t n,
         const unsigned char *keep)
{
	size_t i;

	a->lo = 0;
	a->hi = 0;
	for (i = 0; i < n; i++) {
		if (keep && !keep[pts[i].g])
			continue;
		if (pts[i].value < a->lo)
			a->lo = pts[i].value;
		if (pts[i].value > a->hi)
			a->hi = pts[i].value;
	}
	if (a->hi == a->lo)
		a->hi = a->lo + 1;
	a->step = nice_step(a->hi - a->lo);
	a->lo = floor(a->lo / a->step) * a->step;
	a->hi = ceil(a->hi / a->step) * a->step;
}

/* A point's hover text: "FR 2020: over 1,000, rounded to 1000, derived
 * (lineage ...)". */
static void
point_title(struct strbuf *sb, const struct chart_data *cd,
            const struct point *pt)
{
	const char *q = cd->arena.buf + pt->text, *st = q + strlen(q) + 1;
	const char *lineage = st + strlen(st) + 1;
	const char *precision = lineage + strlen(lineage) + 1;
	char num[48];

	report_grouped(pt->value, cd->dec, num);
	strbuf_addstr(sb, "<title>");
	report_esc(sb, cd->geos[pt->g]);
	strbuf_addch(sb, ' ');
	report_esc(sb, cd->pers[pt->p]);
	strbuf_addstr(sb, ": ");
	if (*q) {
		report_esc(sb, q);
		strbuf_addch(sb, ' ');
	}
	strbuf_addstr(sb, num);
	if (*precision) {
		strbuf_addstr(sb, ", ");
		report_esc(sb, precision);
	}
	if (strcmp(st, "published") != 0) {
		strbuf_addstr(sb, ", ");
		report_esc(sb, st);
	}
	strbuf_addstr(sb, " (lineage ");
	report_esc(sb, lineage);
	strbuf_addstr(sb, ")</title>");
}

/* One period: a bar a geography, labels in full on the left. */
static void
chart_bars(struct strbuf *sb, const struct chart_data *cd, size_t ng,
           const char *unit)
{
	const struct point *pts = cd->pts;
	const char *period = cd->pers[0];
	char **geos = cd->geos;
	size_t n = cd->n;
	int dec = cd->dec;
	struct axis a;
	int x0 = 90, x1 = 860, w, row = 18, h = (int)ng * row + 50;
	size_t i;

	axis_fit(&a, pts, n, NULL);
	/* Values run along x here: the axis's "y" is x. */
	a.top = x1;
	a.bottom = x0;
	w = x1 + 40;
	strbuf_addf(
	        sb,
	        "<figure class=\"scroll\"><svg "
	        "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	        "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s by "
	        "geography\">\n",
	        w, h, w, h, period);
	{
		double v;
		char num[48];

		for (v = a.lo; v <= a.hi + a.step / 2; v += a.step) {
			int x = axis_y(&a, v);

			report_grouped(fabs(v) < a.step / 1e6 ? 0 : v, dec,
			               num);
			strbuf_addf(sb,
			            "<line x1=\"%d\" y1=\"24\" x2=\"%d\" "
			            "y2=\"%d\" class=\"g\"/><text x=\"%d\" "
			            "y=\"%d\" class=\"t\" "
			            "text-anchor=\"middle\">%s</text>\n",
			            x, x, h - 18, x, h - 6, num);
		}
	}
	strbuf_addf(sb, "<text x=\"%d\" y=\"14\" class=\"t\">", x0);
	report_esc(sb, unit);
	strbuf_addf(sb, ", %s</text>\n", period);
	for (i = 0; i < ng; i++) {
		strbuf_addf(sb,
		            "<text x=\"%d\" y=\"%d\" class=\"t\" "
		            "text-anchor=\"end\">",
		            x0 - 6, 24 + (int)i * row + 13);
		report_esc(sb, geos[i]);
		strbuf_addstr(sb, "</text>\n");
	}
	for (i = 0; i < n; i++) {
		int zero = axis_y(&a, 0), x = axis_y(&a, pts[i].value);
		int y = 24 + (int)pts[i].g * row + 2;

		strbuf_addf(
		        sb,
		        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		        "class=\"b1\">",
		        x < zero ? x : zero, y, x < zero ? zero - x : x - zero,
		        row - 4);
		point_title(sb, cd, &pts[i]);
		strbuf_addstr(sb, "</rect>\n");
	}
	strbuf_addstr(sb, "</svg></figure>\n");
}

/* Every period: a line a geography (of those in shown, CHART_LINES at
 * most), broken where a period has no value. */
static void
chart_lines(struct strbuf *sb, const struct chart_data *cd, const size_t *shown,
            size_t nshown, const unsigned char *keep, size_t np,
            const char *unit)
{
	const struct point *pts = cd->pts;
	char **geos = cd->geos, **pers = cd->pers;
	size_t n = cd->n;
	int dec = cd->dec;
	struct axis a;
	int x0 = 80, step = np > 1 ? 800 / (int)(np - 1) : 0, x1, w, h = 300;
	size_t every = np / 12 + 1, i, k, p;

	if (step > 200)
		step = 200;
	if (step < 2)
		step = 2;
	x1 = x0 + step * (int)(np - 1);
	w = x1 + 140; /* the legend, on the right */
	axis_fit(&a, pts, n, keep);
	a.top = 30;
	a.bottom = h - 60;
	strbuf_addf(
	        sb,
	        "<figure class=\"scroll\"><svg "
	        "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	        "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s to "
	        "%s by geography\">\n",
	        w, h, w, h, pers[0], pers[np - 1]);
	axis_draw(sb, &a, x0, x1, dec, unit);
	for (p = 0; p < np; p += every) {
		strbuf_addf(sb,
		            "<text x=\"%d\" y=\"%d\" class=\"t\" "
		            "text-anchor=\"middle\">",
		            x0 + step * (int)p, a.bottom + 14);
		report_esc(sb, pers[p]);
		strbuf_addstr(sb, "</text>\n");
	}
	for (k = 0; k < nshown; k++) {
		const char *colour = chart_colour[k];
		long last = -2; /* the previous point's period, for breaks */

		for (i = 0; i < n; i++) {
			int x, y;

			if (pts[i].g != shown[k])
				continue;
			x = x0 + step * (int)pts[i].p;
			y = axis_y(&a, pts[i].value);
			if ((long)pts[i].p != last + 1) {
				if (last >= 0)
					strbuf_addstr(sb, "\"/>\n");
				strbuf_addf(sb,
				            "<polyline fill=\"none\" "
				            "stroke=\"%s\" points=\"",
				            colour);
			}
			strbuf_addf(sb, "%d,%d ", x, y);
			last = (long)pts[i].p;
		}
		if (last >= 0)
			strbuf_addstr(sb, "\"/>\n");
		for (i = 0; i < n; i++) {
			if (pts[i].g != shown[k])
				continue;
			strbuf_addf(sb,
			            "<circle cx=\"%d\" cy=\"%d\" r=\"3\" "
			            "fill=\"%s\">",
			            x0 + step * (int)pts[i].p,
			            axis_y(&a, pts[i].value), colour);
			point_title(sb, cd, &pts[i]);
			strbuf_addstr(sb, "</circle>\n");
		}
		strbuf_addf(
		        sb,
		        "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		        "fill=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"t\">",
		        x1 + 24, a.top + (int)k * 16, colour, x1 + 38,
		        a.top + (int)k * 16 + 9);
		report_esc(sb, geos[shown[k]]);
		strbuf_addstr(sb, "</text>\n");
	}
	strbuf_addstr(sb, "</svg></figure>\n");
}

/*
 * The geographies a line chart draws when there are more than
 * CHART_LINES: those with the highest values in the latest period that has
 * one (ties by name).  Marks them in keep; *latest is that period.
 */
static size_t
chart_pick(const struct chart_data *cd, size_t ng, unsigned char *keep,
           size_t *shown, size_t *latest)
{
	double *at = xcalloc(ng, sizeof(*at));
	unsigned char *has = xcalloc(ng, 1);
	size_t i, g, k, m = 0;

	*latest = 0;
	for (i = 0; i < cd->n; i++)
		if (cd->pts[i].p > *latest)
			*latest = cd->pts[i].p;
	for (i = 0; i < cd->n; i++)
		if (cd->pts[i].p == *latest) {
			has[cd->pts[i].g] = 1;
			at[cd->pts[i].g] = cd->pts[i].value;
		}
	for (g = 0; g < ng; g++) {
		if (!has[g])
			continue;
		/* into shown[0..m), highest first */
		for (k = m; k > 0 && at[shown[k - 1]] < at[g]; k--)
			if (k < CHART_LINES)
				shown[k] = shown[k - 1];
		if (k < CHART_LINES) {
			shown[k] = g;
			if (m < CHART_LINES)
				m++;
		}
	}
	for (k = 0; k < m; k++)
		keep[shown[k]] = 1;
	free(at);
	free(has);
	return m;
}

/* chart_pick() for a span too large to keep every point of: one pass
 * that keeps each geography's latest value (memory grows with the
 * geographies, not the values). */
static int
chart_pick_stream(const struct release_data *d, const struct release_span *span,
                  struct chart_data *cd, size_t ng, size_t np,
                  unsigned char *keep, size_t *shown, size_t *nshown,
                  size_t *latest, struct error *err)
{
	struct chart_data last;
	size_t *at = xcalloc(ng, sizeof(*at)), g;
	struct release_cursor c;
	int rc;

	/* A point a geography: its latest, at[g] - 1 in last.pts. */
	memset(&last, 0, sizeof(last));
	last.pts = xcalloc(ng ? ng : 1, sizeof(*last.pts));
	*nshown = 0;
	if (release_rows_open(d, span, &c, err) < 0) {
		rc = -1;
		goto out;
	}
	while ((rc = release_rows_next(&c, err)) == 1) {
		struct point *pt;
		size_t p;
		int fresh;

		if (!chart_locate(cd, &c.row, ng, np, &g, &p))
			continue;
		fresh = !at[g];
		if (fresh)
			at[g] = ++last.n;
		pt = &last.pts[at[g] - 1];
		if (fresh || p >= pt->p) {
			pt->g = g;
			pt->p = p;
			pt->value = c.row.value;
		}
	}
	release_rows_close(&c);
	if (rc < 0)
		goto out;
	*nshown = chart_pick(&last, ng, keep, shown, latest);
	rc = 0;
out:
	free(last.pts);
	free(at);
	return rc;
}

/*
 * The time axis of a line chart: every period from pers[0] to pers[np - 1]
 * when they are all years, quarters or months (pers is sorted, and so are
 * canonical periods of one type), at most CHART_PERIODS.  Returns its
 * length with the periods in *axis (the caller frees the array and its
 * strings), or 0 to keep pers.
 */
static size_t
time_axis(char **pers, size_t np, char ***axis)
{
	char **a = xcalloc(CHART_PERIODS + 1, sizeof(*a));
	char next[PERIOD_MAX];
	size_t n = 1, i, k = 0;

	a[0] = xstrdup(pers[0]);
	while (strcmp(a[n - 1], pers[np - 1]) < 0) {
		if (n == CHART_PERIODS || period_step(a[n - 1], 1, next) < 0)
			goto none;
		a[n++] = xstrdup(next);
	}
	/* Each of the span's periods is on it. */
	for (i = 0; i < np; i++) {
		while (k < n && strcmp(a[k], pers[i]) < 0)
			k++;
		if (k == n || strcmp(a[k], pers[i]) != 0)
			goto none;
	}
	*axis = a;
	return n;
none:
	for (i = 0; i < n; i++)
		free(a[i]);
	free(a);
	return 0;
}

/* Puts the points on the axis, and says which of its periods none has. */
static void
to_axis(struct strbuf *sb, struct chart_data *cd, char **pers, size_t np,
        char **axis, size_t na)
{
	unsigned char *has = xcalloc(na, 1);
	size_t *at = xcalloc(np, sizeof(*at)), i, k = 0, gaps = 0;

	for (i = 0; i < np; i++) {
		while (strcmp(axis[k], pers[i]) != 0)
			k++;
		at[i] = k;
	}
	for (i = 0; i < cd->n; i++) {
		cd->pts[i].p = at[cd->pts[i].p];
		has[cd->pts[i].p] = 1;
	}
	for (k = 0; k < na; k++) {
		if (has[k])
			continue;
		strbuf_addstr(sb, gaps++ ? ", "
		                         : "<p class=\"note\">No value "
		                           "for ");
		report_esc(sb, axis[k]);
	}
	if (gaps)
		strbuf_addstr(sb, ": the lines have gaps there.</p>\n");
	cd->pers = axis;
	free(at);
	free(has);
}

/* Spans of more cells than this are read twice for a line chart of
 * CHART_LINES geographies (chart_pick_stream()), not kept whole. */
#define CHART_ONE_PASS 20000

/* The chart of an indicator's span, and what it leaves out. */
int
chart_write(struct strbuf *sb, const struct release_data *d,
            const struct release_span *span, const struct indicator_config *ic,
            char **geos, size_t ng, char **pers, size_t np, int dec,
            struct error *err)
{
	struct chart_data cd;
	unsigned char *keep = NULL;
	size_t i, shown[CHART_LINES], nshown = 0, latest = 0, na = 0;
	char **axis = NULL;
	int rc = 0;

	if ((np == 1 && ng > CHART_BARS) || np > CHART_PERIODS) {
		strbuf_addf(sb,
		            "<p class=\"note\">No chart: more than %d %s; the "
		            "table and the data files have the values.</p>\n",
		            np == 1 ? CHART_BARS : CHART_PERIODS,
		            np == 1 ? "geographies" : "periods");
		return 0;
	}
	memset(&cd, 0, sizeof(cd));
	cd.geos = geos;
	cd.pers = pers;
	cd.dec = dec;
	strbuf_init(&cd.arena, SIZE_MAX / 2);
	if (np > 1 && ng > CHART_LINES) {
		keep = xcalloc(ng, 1);
		if (ng * np > CHART_ONE_PASS &&
		    chart_pick_stream(d, span, &cd, ng, np, keep, shown,
		                      &nshown, &latest, err) < 0) {
			rc = -1;
			goto out;
		}
	}
	if (chart_points(d, span, &cd, ng, np,
	                 ng * np > CHART_ONE_PASS ? keep : NULL, err) < 0) {
		rc = -1;
		goto out;
	}
	if (cd.n == 0)
		goto out;
	if (np == 1) {
		chart_bars(sb, &cd, ng, ic->unit);
		goto out;
	}
	if (ng > CHART_LINES) {
		if (ng * np <= CHART_ONE_PASS)
			nshown = chart_pick(&cd, ng, keep, shown, &latest);
		strbuf_addf(sb,
		            "<p class=\"note\">The chart shows the %zu "
		            "geographies with the highest values in ",
		            nshown);
		report_esc(sb, pers[latest]);
		strbuf_addstr(sb, "; the table has every one.</p>\n");
	} else {
		for (i = 0; i < ng; i++)
			shown[nshown++] = i;
	}
	if ((na = time_axis(pers, np, &axis)) > 0)
		to_axis(sb, &cd, pers, np, axis, na);
	chart_lines(sb, &cd, shown, nshown, keep, na ? na : np, ic->unit);
out:
	for (i = 0; i < na; i++)
		free(axis[i]);
	free(axis);
	free(cd.pts);
	strbuf_release(&cd.arena);
	free(keep);
	return rc;
}
