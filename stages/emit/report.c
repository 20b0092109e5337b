/* report — report.html, declared in outputs.h, its charts in chart.c.
 * Plain HTML with inline CSS and SVG: no scripts, no fonts, no requests to
 * anywhere. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "csv_reader.h"
#include "number.h"
#include "outputs.h"
#include "report.h"
#include "strbuf.h"
#include "version.h"
#include "xalloc.h"

void
report_esc(struct strbuf *sb, const char *s)
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
void
report_grouped(double v, int dec, char out[48])
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
		report_esc(sb, pers[p]);
		strbuf_addstr(sb, "</th>");
	}
	strbuf_addstr(sb, "</tr>\n");
	for (g = 0; g < ng && have >= 0; g++) {
		strbuf_addstr(sb, "<tr><td>");
		report_esc(sb, geos[g]);
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
				report_grouped(r->value, dec, num);
			strbuf_addstr(sb, "<td class=\"n\">");
			if (r && r->has_value && *r->f[COL_QUALIFIER]) {
				report_esc(sb, r->f[COL_QUALIFIER]);
				strbuf_addch(sb, ' ');
			}
			strbuf_addstr(sb, num);
			/* The precision, as the document or its source
			 * says it ("rounded to 100", "exact"). */
			if (r && *r->f[COL_PRECISION]) {
				strbuf_addstr(sb, " <span class=\"pr\">");
				report_esc(sb, r->f[COL_PRECISION]);
				strbuf_addstr(sb, "</span>");
			}
			/* A status other than published, spelled out: no
			 * value's cell is a bare dash. */
			if (r && strcmp(r->f[COL_STATUS], "published") != 0) {
				strbuf_addstr(sb,
				              r->has_value ? " <em>" : "<em>");
				report_esc(sb, r->f[COL_STATUS]);
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
	report_esc(sb, ic->title);
	strbuf_addstr(sb, "</h2>\n<p>");
	report_esc(sb, ic->definition);
	strbuf_addstr(sb, "</p>\n");
	if (ic->scope_note) {
		strbuf_addstr(sb, "<p class=\"note\">");
		report_esc(sb, ic->scope_note);
		strbuf_addstr(sb, "</p>\n");
	}
	if (ic->unpublished) {
		strbuf_addstr(sb, "<p class=\"status\">Unpublished: ");
		report_esc(sb, ic->reason ? ic->reason : "no public data.");
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
	report_esc(sb, ic->unit);
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
	if (chart_write(sb, d, span, ic, geos, ng, pers, np, shown_decimals(ic),
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
	report_esc(sb, d->cfg->claims_report);
	strbuf_addstr(sb, ", checked against the published figures of this "
	                  "release.</p>\n<div "
	                  "class=\"scroll\"><table>\n<tr><th>the report says"
	                  "</th><th>where</th><th>the published figures "
	                  "give</th><th>verdict</th></tr>\n");
	while ((rc = csv_back_next(&b, &rec, CLAIM_COUNT, err)) == 1) {
		const struct csv_field *f = rec.fields;

		strbuf_addstr(sb, "<tr><td>&ldquo;");
		report_esc(sb, f[1].text);
		strbuf_addstr(sb, "&rdquo;</td><td>");
		report_esc(sb, f[2].text);
		strbuf_addstr(sb, "</td><td>");
		if (*f[8].text) {
			/* release_qualifier, release_value, the value's
			 * status and lineage id */
			if (*f[9].text) {
				report_esc(sb, f[9].text);
				strbuf_addch(sb, ' ');
			}
			{
				const struct indicator_config *ic =
				        config_indicator(d->cfg, f[5].text);
				char shown[48];

				report_grouped(strtod(f[8].text, NULL),
				               ic ? shown_decimals(ic) : -1,
				               shown);
				strbuf_addstr(sb, shown);
			}
			strbuf_addstr(sb, " (");
			report_esc(sb, f[5].text);
			strbuf_addch(sb, ' ');
			report_esc(sb, f[6].text);
			strbuf_addch(sb, ' ');
			report_esc(sb, f[7].text);
			strbuf_addstr(sb, ", ");
			report_esc(sb, f[10].text);
			if (*f[14].text) {
				strbuf_addstr(sb, ", ");
				report_esc(sb, f[14].text);
			}
			strbuf_addstr(sb, ") <small>");
			report_esc(sb, f[11].text);
			strbuf_addstr(sb, "</small>");
		} else {
			strbuf_addstr(sb, "no value");
		}
		strbuf_addstr(sb, "</td><td><b>");
		report_esc(sb, f[12].text);
		strbuf_addstr(sb, "</b>");
		if (*f[13].text) {
			strbuf_addstr(sb, "<br><span class=\"note\">");
			report_esc(sb, f[13].text);
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
				report_esc(sb, heads[k]);
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
					report_grouped(
					        v, ic ? shown_decimals(ic) : -1,
					        shown);
				strbuf_addstr(sb, shown);
			} else if (k == 9)
				strbuf_addstr(sb, strcmp(rec.fields[k].text,
				                         "true") == 0
				                          ? "yes"
				                          : "<b>no</b>");
			else if (*rec.fields[k].text)
				report_esc(sb, rec.fields[k].text);
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
	        ".pr{color:#555;font-size:90%}\n"
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
			report_esc(&sb, d->sources[i].f[k]);
			/* Why a source is not fresh: a failed fetch, or what
			 * its held-back document lacks. */
			if (k == SRC_STATUS && *d->sources[i].f[SRC_REASON]) {
				strbuf_addstr(&sb, "<br><small>");
				report_esc(&sb, d->sources[i].f[SRC_REASON]);
				strbuf_addstr(&sb, "</small>");
			}
			strbuf_addstr(&sb, "</td>");
		}
		strbuf_addf(&sb, "<td><small>%.12s</small></td><td>",
		            d->sources[i].f[SRC_SNAPSHOT]);
		report_esc(&sb, d->sources[i].f[SRC_TRANSCRIPTION]);
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
