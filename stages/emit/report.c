/* report — report.html, declared in outputs.h.  Plain HTML with inline
 * CSS and SVG: no scripts, no fonts, no requests to anywhere. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "csv_reader.h"
#include "number.h"
#include "outputs.h"
#include "strbuf.h"
#include "version.h"
#include "xalloc.h"

static void
esc(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		/* The run up to the next character to escape, at once. */
		size_t n = strcspn(s, "<>&\"");

		strbuf_add(sb, s, n);
		s += n;
		if (!*s)
			break;
		switch (*s) {
		case '<':
			strbuf_addstr(sb, "&lt;");
			break;
		case '>':
			strbuf_addstr(sb, "&gt;");
			break;
		case '&':
			strbuf_addstr(sb, "&amp;");
			break;
		default: /* '"' */
			strbuf_addstr(sb, "&quot;");
		}
	}
}

/* v for a reader: dec digits after the point (dec < 0: the shortest
 * form that reads back, as the data files have it), the whole digits in
 * groups of three ("16,987,361.5"). */
static void
grouped(double v, int dec, char out[48])
{
	char raw[48];
	const char *p = raw, *point;
	size_t n, i, o = 0;

	if (dec >= 0)
		snprintf(raw, sizeof(raw), "%.*f", dec, v);
	else
		number_format_shortest(v, raw);
	if (strchr(raw, 'e') || strlen(raw) > 30) {
		snprintf(out, 48, "%s", raw);
		return;
	}
	if (*p == '-') {
		/* No "-0.0": a value that rounds to zero shows as zero. */
		if (strspn(p + 1, "0.") != strlen(p + 1))
			out[o++] = '-';
		p++;
	}
	point = strchr(p, '.');
	n = point ? (size_t)(point - p) : strlen(p);
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = p[i];
	}
	snprintf(out + o, 48 - o, "%s", p + n);
}

/* The digits after the point an indicator's values are shown with. */
static int
shown_decimals(const struct indicator_config *ic)
{
	if (ic->decimals >= 0)
		return ic->decimals;
	return ic->derived.op != DERIVED_NONE ? 2 : -1;
}

/*
 * Charts, in inline SVG.  A cross-section (one period) is a bar a
 * geography; a time series a line a geography over every period, at most
 * CHART_LINES of them (beyond, the ones with the highest values in the
 * latest period, and the page says so).  Both have a value axis with its
 * ticks and the unit, full labels, and every point's hover text: geo,
 * period, qualifier, value, status and lineage id.
 */
#define CHART_BARS 60 /* geographies a bar chart shows; beyond, none */
#define CHART_LINES 8
#define CHART_PERIODS 400 /* periods a line chart shows; beyond, none */

static const char *const chart_colour[CHART_LINES] = {
        "#1f4e79", "#c55a11", "#548235", "#7030a0",
        "#bf9000", "#2e75b6", "#7f7f7f", "#c00000"};

/* One value of the chart: its texts ("qualifier\0status\0lineage\0") at
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
		const char *geo = c.row.f[COL_GEO], *per = c.row.f[COL_PERIOD];
		char **hg =
		        bsearch(&geo, cd->geos, ng, sizeof(char *), cmp_str);
		char **hp =
		        bsearch(&per, cd->pers, np, sizeof(char *), cmp_str);
		struct point *pt;

		if (!c.row.has_value || !hg || !hp ||
		    (keep && !keep[hg - cd->geos]))
			continue;
		if (cd->n == cd->cap) {
			cd->cap = cd->cap ? 2 * cd->cap : 256;
			cd->pts = xreallocarray(cd->pts, cd->cap,
			                        sizeof(*cd->pts));
		}
		pt = &cd->pts[cd->n++];
		pt->g = (size_t)(hg - cd->geos);
		pt->p = (size_t)(hp - cd->pers);
		pt->value = c.row.value;
		pt->text = strbuf_put_str(&cd->arena, c.row.f[COL_QUALIFIER]);
		strbuf_put_str(&cd->arena, c.row.f[COL_STATUS]);
		strbuf_put_str(&cd->arena, c.row.f[COL_LINEAGE]);
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

		grouped(fabs(v) < a->step / 1e6 ? 0 : v, dec < 0 ? -1 : dec,
		        num);
		strbuf_addf(sb,
		            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		            "class=\"g\"/><text x=\"%d\" y=\"%d\" class=\"t\" "
		            "text-anchor=\"end\">%s</text>\n",
		            x0, y, x1, y, x0 - 4, y + 3, num);
	}
	strbuf_addf(sb, "<text x=\"%d\" y=\"%d\" class=\"t\">", x0, a->top - 8);
	esc(sb, unit);
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

/* A point's hover text: "FR 2020: over 1,000 derived (lineage ...)". */
static void
point_title(struct strbuf *sb, const struct chart_data *cd,
            const struct point *pt)
{
	const char *q = cd->arena.buf + pt->text, *st = q + strlen(q) + 1;
	const char *lineage = st + strlen(st) + 1;
	char num[48];

	grouped(pt->value, cd->dec, num);
	strbuf_addstr(sb, "<title>");
	esc(sb, cd->geos[pt->g]);
	strbuf_addch(sb, ' ');
	esc(sb, cd->pers[pt->p]);
	strbuf_addstr(sb, ": ");
	if (*q) {
		esc(sb, q);
		strbuf_addch(sb, ' ');
	}
	strbuf_addstr(sb, num);
	if (strcmp(st, "published") != 0) {
		strbuf_addch(sb, ' ');
		esc(sb, st);
	}
	strbuf_addstr(sb, " (lineage ");
	esc(sb, lineage);
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

			grouped(fabs(v) < a.step / 1e6 ? 0 : v, dec, num);
			strbuf_addf(sb,
			            "<line x1=\"%d\" y1=\"24\" x2=\"%d\" "
			            "y2=\"%d\" class=\"g\"/><text x=\"%d\" "
			            "y=\"%d\" class=\"t\" "
			            "text-anchor=\"middle\">%s</text>\n",
			            x, x, h - 18, x, h - 6, num);
		}
	}
	strbuf_addf(sb, "<text x=\"%d\" y=\"14\" class=\"t\">", x0);
	esc(sb, unit);
	strbuf_addf(sb, ", %s</text>\n", period);
	for (i = 0; i < ng; i++) {
		strbuf_addf(sb,
		            "<text x=\"%d\" y=\"%d\" class=\"t\" "
		            "text-anchor=\"end\">",
		            x0 - 6, 24 + (int)i * row + 13);
		esc(sb, geos[i]);
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
		esc(sb, pers[p]);
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
		esc(sb, geos[shown[k]]);
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
		const char *geo = c.row.f[COL_GEO], *per = c.row.f[COL_PERIOD];
		char **hg =
		        bsearch(&geo, cd->geos, ng, sizeof(char *), cmp_str);
		char **hp =
		        bsearch(&per, cd->pers, np, sizeof(char *), cmp_str);
		struct point *pt;
		int fresh;

		if (!c.row.has_value || !hg || !hp)
			continue;
		g = (size_t)(hg - cd->geos);
		fresh = !at[g];
		if (fresh)
			at[g] = ++last.n;
		pt = &last.pts[at[g] - 1];
		if (fresh || (size_t)(hp - cd->pers) >= pt->p) {
			pt->g = g;
			pt->p = (size_t)(hp - cd->pers);
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

/* Spans of more cells than this are read twice for a line chart of
 * CHART_LINES geographies (chart_pick_stream()), not kept whole. */
#define CHART_ONE_PASS 20000

/* The chart of an indicator's span, and what it leaves out. */
static int
chart(struct strbuf *sb, const struct release_data *d,
      const struct release_span *span, const struct indicator_config *ic,
      char **geos, size_t ng, char **pers, size_t np, int dec,
      struct error *err)
{
	struct chart_data cd;
	unsigned char *keep = NULL;
	size_t i, shown[CHART_LINES], nshown = 0, latest = 0;
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
		esc(sb, pers[latest]);
		strbuf_addstr(sb, "; the table has every one.</p>\n");
	} else {
		for (i = 0; i < ng; i++)
			shown[nshown++] = i;
	}
	chart_lines(sb, &cd, shown, nshown, keep, np, ic->unit);
out:
	free(cd.pts);
	strbuf_release(&cd.arena);
	free(keep);
	return rc;
}

/* An indicator's table shows at most this many cells (geographies by
 * periods): beyond, the latest periods of the first geographies. */
#define REPORT_TABLE_CELLS 2400

/* Writes out what sb holds once it is large: the page is not kept whole
 * (2,073,600 values made a 110 MB page). */
static void
spill(struct strbuf *sb, FILE *fp)
{
	if (sb->len < (1u << 20))
		return;
	fwrite(sb->buf, 1, sb->len, fp);
	strbuf_reset(sb);
}

/* The table of an indicator: every geo by every period, the rows read in
 * their order.  The cells in geo, period order are the rows' order: the
 * next row either fills this cell or a later one. */
static int
table(struct strbuf *sb, FILE *fp, const struct release_data *d,
      const struct release_span *span, char **geos, size_t ng, char **pers,
      size_t np, int dec, struct error *err)
{
	struct release_cursor c;
	size_t g, p;
	int have;

	if (release_rows_open(d, span, &c, err) < 0)
		return -1;
	have = release_rows_next(&c, err);
	strbuf_addstr(sb, "<div class=\"scroll\"><table>\n<tr><th>geo</th>");
	for (p = 0; p < np; p++) {
		strbuf_addstr(sb, "<th>");
		esc(sb, pers[p]);
		strbuf_addstr(sb, "</th>");
	}
	strbuf_addstr(sb, "</tr>\n");
	for (g = 0; g < ng && have >= 0; g++) {
		strbuf_addstr(sb, "<tr><td>");
		esc(sb, geos[g]);
		strbuf_addstr(sb, "</td>");
		for (p = 0; p < np && have >= 0; p++) {
			const struct release_row *r = NULL;
			char num[48] = "";
			int cmp;

			/* Rows of periods the table leaves out come first
			 * (rows are in geo, period order). */
			while (have == 1 &&
			       ((cmp = strcmp(c.row.f[COL_GEO], geos[g])) < 0 ||
			        (cmp == 0 &&
			         strcmp(c.row.f[COL_PERIOD], pers[p]) < 0)))
				have = release_rows_next(&c, err);
			if (have == 1 &&
			    strcmp(c.row.f[COL_GEO], geos[g]) == 0 &&
			    strcmp(c.row.f[COL_PERIOD], pers[p]) == 0)
				r = &c.row;
			if (r && r->has_value)
				grouped(r->value, dec, num);
			strbuf_addstr(sb, "<td class=\"n\">");
			if (r && r->has_value && *r->f[COL_QUALIFIER]) {
				esc(sb, r->f[COL_QUALIFIER]);
				strbuf_addch(sb, ' ');
			}
			strbuf_addstr(sb, num);
			/* A status other than published, spelled out: no
			 * value's cell is a bare dash. */
			if (r && strcmp(r->f[COL_STATUS], "published") != 0) {
				strbuf_addstr(sb,
				              r->has_value ? " <em>" : "<em>");
				esc(sb, r->f[COL_STATUS]);
				strbuf_addstr(sb, "</em>");
			}
			if (r) { /* not strbuf_addf: once a value */
				strbuf_addstr(sb, " <small>");
				strbuf_addstr(sb, r->f[COL_LINEAGE]);
				strbuf_addstr(sb, "</small>");
			}
			strbuf_addstr(sb, "</td>");
			if (r)
				have = release_rows_next(&c, err);
		}
		strbuf_addstr(sb, "</tr>\n");
		spill(sb, fp);
	}
	strbuf_addstr(sb, "</table></div>\n");
	release_rows_close(&c);
	return have < 0 ? -1 : 0;
}

static int
indicator_section(struct strbuf *sb, FILE *fp, const struct release_data *d,
                  const struct indicator_config *ic, struct error *err)
{
	const struct release_span *span = release_span_of(d, ic->id);
	char **geos = span ? span->dd.v[1] : NULL;
	char **pers = span ? span->dd.v[2] : NULL;
	size_t ng = span ? span->dd.n[1] : 0, np = span ? span->dd.n[2] : 0;
	size_t shown_g = ng, shown_p = np;
	int rc = 0;

	strbuf_addstr(sb, "<section>\n<h2>");
	esc(sb, ic->title);
	strbuf_addstr(sb, "</h2>\n<p>");
	esc(sb, ic->definition);
	strbuf_addstr(sb, "</p>\n");
	if (ic->scope_note) {
		strbuf_addstr(sb, "<p class=\"note\">");
		esc(sb, ic->scope_note);
		strbuf_addstr(sb, "</p>\n");
	}
	if (ic->unpublished) {
		strbuf_addstr(sb, "<p class=\"status\">Unpublished: ");
		esc(sb, ic->reason ? ic->reason : "no public data.");
		strbuf_addstr(sb, "</p>\n</section>\n");
		goto out;
	}
	if (ng == 0) {
		strbuf_addstr(sb, "<p class=\"status\">No values yet: not "
		                  "fetched, or every source failed.</p>\n"
		                  "</section>\n");
		goto out;
	}
	strbuf_addf(sb,
	            "<p class=\"status\">%zu value%s over %zu geograph%s and "
	            "%zu period%s, unit: ",
	            span->rows, span->rows == 1 ? "" : "s", ng,
	            ng == 1 ? "y" : "ies", np, np == 1 ? "" : "s");
	esc(sb, ic->unit);
	strbuf_addstr(sb, ".");
	/* The page stays readable at any size: the latest periods, and the
	 * first geographies, that fit REPORT_TABLE_CELLS. */
	if (ng * np > REPORT_TABLE_CELLS) {
		shown_g = ng < REPORT_TABLE_CELLS ? ng : REPORT_TABLE_CELLS;
		shown_p = REPORT_TABLE_CELLS / shown_g;
		if (shown_p < 1)
			shown_p = 1;
		strbuf_addf(sb, " The table shows the latest %zu period%s",
		            shown_p, shown_p == 1 ? "" : "s");
		if (shown_g < ng)
			strbuf_addf(sb, " of the first %zu geographies",
			            shown_g);
		strbuf_addstr(sb, "; indicators.csv has every value.");
	}
	strbuf_addstr(sb, "</p>\n");
	if (chart(sb, d, span, ic, geos, ng, pers, np, shown_decimals(ic),
	          err) < 0) {
		rc = -1;
		goto out;
	}
	rc = table(sb, fp, d, span, geos, shown_g, pers + (np - shown_p),
	           shown_p, shown_decimals(ic), err);
	strbuf_addstr(sb, "</section>\n");
out:
	return rc;
}

/* A CSV file of the release being written, read back (its header read). */
struct csv_back {
	char *path;
	FILE *fp;
	struct csv_reader *r;
};

static int
csv_back_open(struct csv_back *b, const struct release_data *d,
              enum release_file_id k, struct error *err)
{
	struct csv_reader_options o;
	struct csv_record rec;

	memset(b, 0, sizeof(*b));
	b->path = xasprintf("%s/%s", d->dir, release_files[k].name);
	if (!(b->fp = fopen(b->path, "rb")))
		return error_set(err, "cannot read back '%s'", b->path);
	csv_reader_options_init(&o);
	b->r = csv_reader_new(b->fp, &o);
	return csv_reader_next(b->r, &rec, err) == 1
	               ? 0
	               : error_prefix(err, "'%s'", b->path);
}

/* The next row: 1, 0 at the end, -1 (a row not of nfields fields). */
static int
csv_back_next(struct csv_back *b, struct csv_record *rec, size_t nfields,
              struct error *err)
{
	int rc = csv_reader_next(b->r, rec, err);

	if (rc == 1 && rec->nfields != nfields)
		return error_set(err, "'%s' line %ld: %zu fields", b->path,
		                 rec->line, rec->nfields);
	return rc;
}

static void
csv_back_close(struct csv_back *b)
{
	csv_reader_free(b->r);
	if (b->fp)
		fclose(b->fp);
	free(b->path);
}

/*
 * "What the report says", from claims.csv (written before the report):
 * each statement of the report being rebuilt, what the published figures
 * give, and the verdict.
 */
static int
claims_section(struct strbuf *sb, const struct release_data *d,
               struct error *err)
{
	struct csv_back b;
	struct csv_record rec;
	int rc;

	if (csv_back_open(&b, d, RELEASE_CLAIMS, err) < 0) {
		csv_back_close(&b);
		return -1;
	}
	strbuf_addstr(sb, "<section>\n<h2>What the report says</h2>\n<p>");
	esc(sb, d->cfg->claims_report);
	strbuf_addstr(sb, ", checked against the published figures of this "
	                  "release.</p>\n<div "
	                  "class=\"scroll\"><table>\n<tr><th>the report says"
	                  "</th><th>where</th><th>the published figures "
	                  "give</th><th>verdict</th></tr>\n");
	while ((rc = csv_back_next(&b, &rec, CLAIM_COUNT, err)) == 1) {
		const struct csv_field *f = rec.fields;

		strbuf_addstr(sb, "<tr><td>&ldquo;");
		esc(sb, f[1].text);
		strbuf_addstr(sb, "&rdquo;</td><td>");
		esc(sb, f[2].text);
		strbuf_addstr(sb, "</td><td>");
		if (*f[8].text) {
			/* release_qualifier, release_value, the value's
			 * status and lineage id */
			if (*f[9].text) {
				esc(sb, f[9].text);
				strbuf_addch(sb, ' ');
			}
			{
				const struct indicator_config *ic =
				        config_indicator(d->cfg, f[5].text);
				char shown[48];

				grouped(strtod(f[8].text, NULL),
				        ic ? shown_decimals(ic) : -1, shown);
				strbuf_addstr(sb, shown);
			}
			strbuf_addstr(sb, " (");
			esc(sb, f[5].text);
			strbuf_addch(sb, ' ');
			esc(sb, f[6].text);
			strbuf_addch(sb, ' ');
			esc(sb, f[7].text);
			strbuf_addstr(sb, ", ");
			esc(sb, f[10].text);
			strbuf_addstr(sb, ") <small>");
			esc(sb, f[11].text);
			strbuf_addstr(sb, "</small>");
		} else {
			strbuf_addstr(sb, "no value");
		}
		strbuf_addstr(sb, "</td><td><b>");
		esc(sb, f[12].text);
		strbuf_addstr(sb, "</b>");
		if (*f[13].text) {
			strbuf_addstr(sb, "<br><span class=\"note\">");
			esc(sb, f[13].text);
			strbuf_addstr(sb, "</span>");
		}
		strbuf_addstr(sb, "</td></tr>\n");
	}
	strbuf_addstr(sb, "</table></div>\n</section>\n");
	csv_back_close(&b);
	return rc < 0 ? -1 : 0;
}

/* The conflicts section shows at most this many rows of conflicts.csv. */
#define REPORT_CONFLICTS_MAX 100

/*
 * "Conflicts and revisions", from conflicts.csv itself (written before the
 * report: emit.c): every value a conflict policy did not choose, beside the
 * chosen one, the difference and whether it is within the tolerance.
 */
static int
conflicts_section(struct strbuf *sb, const struct release_data *d,
                  struct error *err)
{
	static const char *const heads[] = {"indicator", "geo",
	                                    "period",    "chosen",
	                                    "value",     "not chosen",
	                                    "value",     "difference",
	                                    "relative",  "within tolerance",
	                                    "rule"};
	struct csv_back b;
	struct csv_record rec;
	const struct indicator_config *ic;
	size_t n = 0, outside = 0, k;
	int rc;

	if (csv_back_open(&b, d, RELEASE_CONFLICTS, err) < 0) {
		csv_back_close(&b);
		return -1;
	}
	strbuf_addstr(sb, "<section>\n<h2>Conflicts and revisions</h2>\n");
	while ((rc = csv_back_next(&b, &rec, CONFLICT_COUNT, err)) == 1) {
		if (strcmp(rec.fields[9].text, "true") != 0)
			outside++;
		if (n++ == 0) {
			strbuf_addstr(sb,
			              "<div class=\"scroll\"><table>\n<tr>");
			for (k = 0; k < CONFLICT_COUNT; k++) {
				strbuf_addstr(sb, "<th>");
				esc(sb, heads[k]);
				strbuf_addstr(sb, "</th>");
			}
			strbuf_addstr(sb, "</tr>\n");
		}
		if (n > REPORT_CONFLICTS_MAX)
			continue;
		ic = config_indicator(d->cfg, rec.fields[0].text);
		strbuf_addstr(sb, "<tr>");
		for (k = 0; k < CONFLICT_COUNT; k++) {
			int num = k == 4 || k == 6 || k == 7 || k == 8;
			const char *text = rec.fields[k].text;
			char shown[48];

			strbuf_addstr(sb, num ? "<td class=\"n\">" : "<td>");
			if (num && *text) {
				double v = strtod(text, NULL);

				/* The difference relative to the chosen value,
				 * in percent; values as the indicator shows
				 * them. */
				if (k == 8)
					snprintf(shown, sizeof(shown), "%.2f%%",
					         v * 100);
				else
					grouped(v, ic ? shown_decimals(ic) : -1,
					        shown);
				strbuf_addstr(sb, shown);
			} else if (k == 9)
				strbuf_addstr(sb, strcmp(rec.fields[k].text,
				                         "true") == 0
				                          ? "yes"
				                          : "<b>no</b>");
			else if (*rec.fields[k].text)
				esc(sb, rec.fields[k].text);
			else
				strbuf_addstr(sb, "(none)");
			strbuf_addstr(sb, "</td>");
		}
		strbuf_addstr(sb, "</tr>\n");
	}
	if (rc == 0) {
		if (n == 0)
			strbuf_addstr(
			        sb, "<p>None: as of this release no indicator, "
			            "geography and period has more than one "
			            "value.</p>\n");
		else
			strbuf_addf(sb,
			            "</table></div>\n<p>%zu value%s not "
			            "chosen, %zu of "
			            "them outside their policy's "
			            "tolerance%s.</p>\n",
			            n, n == 1 ? "" : "s", outside,
			            n > REPORT_CONFLICTS_MAX
			                    ? "; the first rows are shown, "
			                      "conflicts.csv has them all"
			                    : "");
	}
	strbuf_addstr(sb, "</section>\n");
	csv_back_close(&b);
	return rc < 0 ? -1 : 0;
}

int
outputs_report(const struct release_data *d, struct error *err)
{
	struct atomic_file af = {NULL, NULL, NULL, NULL};
	struct strbuf sb;
	char *path = xasprintf("%s/report.html", d->dir);
	FILE *fp;
	size_t i;
	int k, rc = -1;

	if (atomic_file_open(&af, path, err) < 0) {
		free(path);
		return -1;
	}
	fp = atomic_file_fp(&af);
	/* A table row at a time, at least; spill() keeps it small. */
	strbuf_init(&sb, 256u << 20);
	strbuf_addstr(
	        &sb,
	        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
	        "charset=\"utf-8\">\n<title>provstat release</title>\n<style>\n"
	        "body{font:15px/1.45 sans-serif;max-width:70em;margin:2em "
	        "auto;padding:0 1em;color:#222}\n"
	        "table{border-collapse:collapse;margin:1em 0}\n"
	        ".scroll{overflow-x:auto;max-width:100%}\n"
	        "svg{max-width:100%;height:auto}\n"
	        "td{overflow-wrap:anywhere}\n"
	        "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}\n"
	        "td.n{text-align:right;white-space:nowrap}\n"
	        "small{color:#777;font-family:monospace}\n"
	        ".note{color:#555;font-style:italic}\n"
	        ".b1{fill:#1f4e79}.g{stroke:#ddd}.t{font-size:10px}\n"
	        "</style>\n</head>\n<body>\n"
	        "<h1>Indicators rebuilt from published statistics</h1>\n");
	strbuf_addf(&sb,
	            "<p>As known on %s. Every number shows its lineage id: "
	            "<code>provstat trace ID</code> gives the rules, the "
	            "document and the bytes it came from.</p>\n",
	            d->known_on);
	if (d->cfg->nclaims && claims_section(&sb, d, err) < 0)
		goto out;
	for (i = 0; i < d->cfg->nindicators; i++)
		if (indicator_section(&sb, fp, d, &d->cfg->indicators[i], err) <
		    0)
			goto out;
	strbuf_addstr(&sb, "<section>\n<h2>Sources</h2>\n<div "
	                   "class=\"scroll\"><table>\n<tr>"
	                   "<th>source</th><th>publisher</th><th>title</th>"
	                   "<th>evidence</th><th>status</th><th>retrieved</th>"
	                   "<th>snapshot</th><th>transcription of</th></tr>\n");
	for (i = 0; i < d->nsources; i++) {
		strbuf_addstr(&sb, "<tr>");
		/* source, publisher, title, grade, status, retrieved_at */
		for (k = SRC_SOURCE; k <= SRC_RETRIEVED_AT; k++) {
			strbuf_addstr(&sb, "<td>");
			esc(&sb, d->sources[i].f[k]);
			strbuf_addstr(&sb, "</td>");
		}
		strbuf_addf(&sb, "<td><small>%.12s</small></td><td>",
		            d->sources[i].f[SRC_SNAPSHOT]);
		esc(&sb, d->sources[i].f[SRC_TRANSCRIPTION]);
		strbuf_addstr(&sb, "</td></tr>\n");
	}
	strbuf_addstr(&sb, "</table></div>\n</section>\n");
	if (conflicts_section(&sb, d, err) < 0)
		goto out;
	strbuf_addf(&sb,
	            "<footer><p>provstat %s</p></footer>\n</body>\n</html>\n",
	            version_number());
	fwrite(sb.buf, 1, sb.len, fp);
	rc = atomic_file_commit(&af, err);
out:
	atomic_file_abort(&af);
	strbuf_release(&sb);
	free(path);
	return rc;
}
