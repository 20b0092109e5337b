/* html_format — see html_format.h.  memmem() is a GNU extension. */
#define _GNU_SOURCE
#include "html_format.h"

#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "strbuf.h"
#include "wide.h"
#include "xalloc.h"
#include "xml.h"

struct html {
	const struct source_config *src;
	struct problems *probs;
	const struct obs_sink *sink;
	struct error *err;
	struct xml_html *doc;
	char *name;
	/* The document's bytes, for the byte ranges of the values: found
	 * after the line of their element, each after the one before. */
	const char *buf;
	size_t len;
	long line_no; /* a line already found, and where it starts */
	size_t line_off;
	size_t cursor; /* the end of the last range found */
	char *period; /* from period_xpath, or NULL */
};

/* How far after its line or the last range a value's bytes are sought. */
#define LOCATE_WINDOW (64u << 10)

/*
 * The value's byte range, from its text as written (the cell's text, or a
 * pattern's value group): its first occurrence from the start of the line
 * the element begins on, and not before the last range found (cells and
 * matches come in document order).  Not found (an entity in the number,
 * text split by markup): offset -1, and the trace shows the line.
 */
static void
locate(struct html *h, long line, const char *text, struct observation *obs)
{
	size_t n = strlen(text), from, span;
	const char *hit;

	obs->byte_offset = -1;
	if (!h->buf || n == 0 || line <= 0)
		return;
	if (line < h->line_no) {
		h->line_no = 1;
		h->line_off = 0;
	}
	while (h->line_no < line) {
		const char *nl = memchr(h->buf + h->line_off, '\n',
		                        h->len - h->line_off);

		if (!nl)
			return;
		h->line_off = (size_t)(nl - h->buf) + 1;
		h->line_no++;
	}
	from = h->line_off > h->cursor ? h->line_off : h->cursor;
	span = h->len - from < LOCATE_WINDOW ? h->len - from : LOCATE_WINDOW;
	hit = memmem(h->buf + from, span, text, n);
	if (!hit)
		return;
	obs->byte_offset = (long long)(hit - h->buf);
	obs->byte_length = n;
	h->cursor = (size_t)(hit - h->buf) + n;
}

/*
 * The period text period_xpath finds from ctx (NULL: the document),
 * matched and rewritten by period_pattern and period_format; NULL with a
 * problem when it finds nothing or does not match.  Caller frees.
 */
static char *
period_from(struct html *h, const void *ctx)
{
	const struct html_options *o = &h->src->html;
	struct xml_nodes *n;
	struct error xerr;
	char *text, *out;
	regex_t re;
	regmatch_t m[10];

	n = xml_html_select(h->doc, ctx, o->period_xpath, &xerr);
	if (!n) {
		problems_add(h->probs, "%s", xerr.msg);
		return NULL;
	}
	if (xml_nodes_count(n) == 0) {
		char *where = ctx ? xml_html_path(ctx) : xstrdup("the page");

		problems_add(h->probs,
		             "%s: %s: period_xpath '%s' selects nothing",
		             h->name, where, o->period_xpath);
		free(where);
		xml_nodes_free(n);
		return NULL;
	}
	text = xml_html_text(xml_nodes_at(n, 0));
	xml_nodes_free(n);
	if (!o->period_pattern)
		return text;
	if (regcomp(&re, o->period_pattern, REG_EXTENDED) != 0 ||
	    regexec(&re, text, 10, m, 0) != 0) {
		problems_add(h->probs,
		             "%s: period text '%.100s' does not match '%s'",
		             h->name, text, o->period_pattern);
		regfree(&re);
		free(text);
		return NULL;
	}
	out = o->period_format ? wide_substitute(o->period_format, text, m, 10)
	                       : xstrndup(text + m[0].rm_so,
	                                  (size_t)(m[0].rm_eo - m[0].rm_so));
	regfree(&re);
	free(text);
	return out;
}

/* A period_xpath starting with '/' is the page's, found once; any other
 * is each block's (or the table's), relative to it. */
static int
period_relative(const struct html *h)
{
	return h->src->html.period_xpath && h->src->html.period_xpath[0] != '/';
}

static int
find_period(struct html *h)
{
	if (!h->src->html.period_xpath || period_relative(h))
		return 0;
	h->period = period_from(h, NULL);
	return h->period ? 0 : -1;
}

/* star: the value's cell had a footnote mark that is not a letter ("1",
 * "*", a dagger), which is the flag '*' as number.h gives one. */
static int
emit(struct html *h, struct observation *obs, const char *field[FIELD_COUNT],
     int star)
{
	size_t n;

	if (observation_fill(obs, h->src, field, h->probs) < 0)
		return 0;
	n = strlen(obs->num.flags);
	if (star && !strchr(obs->num.flags, '*') &&
	    n + 1 < sizeof(obs->num.flags)) {
		obs->num.flags[n] = '*';
		obs->num.flags[n + 1] = '\0';
	}
	return h->sink->add(h->sink->ctx, obs, h->err);
}

/*
 * A table cell's footnote marks (<sup>a</sup>, <sup>1</sup>) as flags:
 * its letters join the flags column's text (given, or NULL) in *out
 * (caller frees); returns whether another mark is there.
 */
static int
mark_flags(const char *marks, const char *flags, char **out)
{
	struct strbuf sb;
	const char *m;
	int star = 0;

	strbuf_init(&sb, SIZE_MAX / 2);
	strbuf_addstr(&sb, flags ? flags : "");
	for (m = marks; *m; m++) {
		if ((*m >= 'a' && *m <= 'z') || (*m >= 'A' && *m <= 'Z'))
			strbuf_addch(&sb, *m);
		else if (*m != ' ' && *m != ',')
			star = 1;
	}
	*out = strbuf_detach(&sb, NULL);
	return star;
}

/* ---- prose ---- */

static int
prose(struct html *h)
{
	const struct source_config *src = h->src;
	const struct html_options *o = &src->html;
	struct xml_nodes *blocks;
	struct error xerr;
	regex_t re;
	size_t b;
	int ret = 0, found = 0;

	blocks = xml_html_select(h->doc, NULL, o->select, &xerr);
	if (!blocks) {
		problems_add(h->probs, "%s", xerr.msg);
		return 0;
	}
	if (regcomp(&re, o->pattern, REG_EXTENDED) != 0) {
		xml_nodes_free(blocks);
		return 0;
	}
	for (b = 0; b < xml_nodes_count(blocks) && ret == 0; b++) {
		const void *node = xml_nodes_at(blocks, b);
		char *text, *path, *bperiod = NULL;
		const char *at;
		regmatch_t m[10];
		int k = 0;

		/* A page of several articles: each block its own period. */
		if (period_relative(h) && !(bperiod = period_from(h, node))) {
			found++; /* reported: not "no match" as well */
			continue;
		}
		text = xml_html_text(node);
		path = xml_html_path(node);
		at = text;

		while (ret == 0 &&
		       regexec(&re, at, 10, m, at == text ? 0 : REG_NOTBOL) ==
		               0 &&
		       m[0].rm_eo > 0) {
			char *piece[FIELD_COUNT] = {NULL}, *raw = NULL;
			const char *field[FIELD_COUNT];
			struct observation obs;
			int f;

			k++;
			for (f = 0; f < FIELD_COUNT; f++) {
				int g = o->group[f];

				field[f] = src->constant[f];
				if (g > 0 && m[g].rm_so >= 0) {
					piece[f] =
					        xstrndup(at + m[g].rm_so,
					                 (size_t)(m[g].rm_eo -
					                          m[g].rm_so));
					field[f] = piece[f];
				}
			}
			if (!field[FIELD_PERIOD])
				field[FIELD_PERIOD] =
				        bperiod ? bperiod : h->period;
			/* The qualifier travels with the value: "over 19,000".
			 */
			if (o->qualifier_group > 0 &&
			    m[o->qualifier_group].rm_so >= 0 &&
			    m[o->qualifier_group].rm_eo >
			            m[o->qualifier_group].rm_so &&
			    field[FIELD_VALUE]) {
				raw = xasprintf(
				        "%.*s %s",
				        (int)(m[o->qualifier_group].rm_eo -
				              m[o->qualifier_group].rm_so),
				        at + m[o->qualifier_group].rm_so,
				        field[FIELD_VALUE]);
				field[FIELD_VALUE] = raw;
			}
			memset(&obs, 0, sizeof(obs));
			obs.line = xml_html_line(node);
			if (o->group[FIELD_VALUE] > 0 &&
			    m[o->group[FIELD_VALUE]].rm_so >= 0) {
				char *v = xstrndup(
				        at + m[o->group[FIELD_VALUE]].rm_so,
				        (size_t)(m[o->group[FIELD_VALUE]]
				                         .rm_eo -
				                 m[o->group[FIELD_VALUE]]
				                         .rm_so));

				locate(h, obs.line, v, &obs);
				free(v);
			} else {
				obs.byte_offset = -1;
			}
			{
				const char *q = at + m[0].rm_so;
				int qn = (int)(m[0].rm_eo - m[0].rm_so);

				while (qn > 0 && *q == ' ') {
					q++;
					qn--;
				}
				snprintf(obs.locator, sizeof(obs.locator),
				         "%s, match %d: \"%.*s\"", path, k,
				         qn > 48 ? 48 : qn, q);
			}
			if (!field[FIELD_VALUE])
				problems_add(h->probs, "%s: no value group",
				             obs.locator);
			else
				ret = emit(h, &obs, field, 0);
			found++;
			for (f = 0; f < FIELD_COUNT; f++)
				free(piece[f]);
			free(raw);
			at += m[0].rm_eo;
		}
		free(text);
		free(path);
		free(bperiod);
	}
	if (ret == 0 && !found)
		problems_add(h->probs,
		             "%s: the pattern matches nothing in '%s' (%zu "
		             "blocks)",
		             h->name, o->select, xml_nodes_count(blocks));
	regfree(&re);
	xml_nodes_free(blocks);
	return ret;
}

/* ---- tables ---- */

struct grid {
	const void **cell; /* rows x cols, the source cell of each slot */
	size_t rows, cols;
};

/* Lays the table out as a grid, expanding rowspan and colspan. */
static int
build_grid(struct html *h, const void *table, struct grid *g)
{
	struct xml_nodes *trs;
	struct error xerr;
	size_t r, cap_cols = 64;

	trs = xml_html_select(h->doc, table,
	                      "./tr | ./thead/tr | ./tbody/tr | "
	                      "./tfoot/tr",
	                      &xerr);
	if (!trs) {
		problems_add(h->probs, "%s", xerr.msg);
		return -1;
	}
	g->rows = xml_nodes_count(trs);
	g->cols = cap_cols;
	if (g->rows == 0 || g->rows > HTML_MAX_GRID_CELLS / cap_cols) {
		problems_add(h->probs, "%s: the table has %zu rows", h->name,
		             g->rows);
		xml_nodes_free(trs);
		return -1;
	}
	g->cell = xcalloc(g->rows * g->cols, sizeof(*g->cell));
	for (r = 0; r < g->rows; r++) {
		const void *td;
		size_t c = 0;

		for (td = xml_html_first_child(xml_nodes_at(trs, r)); td;
		     td = xml_html_next(td)) {
			long rs, cs, i, j;

			if (strcmp(xml_html_name(td), "td") &&
			    strcmp(xml_html_name(td), "th"))
				continue;
			while (c < g->cols && g->cell[r * g->cols + c])
				c++; /* taken by a rowspan from above */
			rs = xml_html_int_attr(td, "rowspan", 1);
			cs = xml_html_int_attr(td, "colspan", 1);
			if (rs < 1)
				rs = 1;
			if (cs < 1)
				cs = 1;
			for (i = 0; i < rs && r + (size_t)i < g->rows; i++)
				for (j = 0; j < cs && c + (size_t)j < g->cols;
				     j++)
					g->cell[(r + (size_t)i) * g->cols + c +
					        (size_t)j] = td;
			c += (size_t)cs;
			if (c > g->cols) {
				problems_add(
				        h->probs,
				        "%s: a table row is wider than %zu "
				        "cells",
				        h->name, g->cols);
				xml_nodes_free(trs);
				return -1;
			}
		}
	}
	xml_nodes_free(trs);
	return 0;
}

/*
 * Column c's name: the texts of its cells in the hrows header rows,
 * joined by spaces, a cell spanning several rows once ("Year" over "2019"
 * and "2020", colspan 2, names "Year 2019" and "Year 2020").
 */
static char *
header_name(const struct grid *g, size_t hrows, size_t c)
{
	struct strbuf sb;
	size_t r;

	strbuf_init(&sb, SIZE_MAX / 2);
	for (r = 0; r < hrows; r++) {
		const void *cell = g->cell[r * g->cols + c];
		char *t;

		if (!cell || (r > 0 && cell == g->cell[(r - 1) * g->cols + c]))
			continue;
		t = xml_html_text(cell);
		if (*t)
			strbuf_addf(&sb, "%s%s", sb.len ? " " : "", t);
		free(t);
	}
	return strbuf_detach(&sb, NULL);
}

/* The observation of row r whose value is in column vcol; period: a wide
 * table's, or NULL for the mapped column's.  Returns emit()'s result, 0
 * for a row the filters leave out. */
static int
table_cell(struct html *h, const struct grid *g, size_t r, long vcol,
           const char *period, const long *idx, const long *fidx)
{
	const struct source_config *src = h->src;
	char *text[FIELD_COUNT] = {NULL}, *marks = NULL, *flags = NULL;
	const char *field[FIELD_COUNT];
	const void *vcell = g->cell[r * g->cols + (size_t)vcol];
	struct observation obs;
	size_t i;
	int f, pass = 1, star, ret;

	for (i = 0; i < src->nfilter && pass; i++) {
		const void *fc = g->cell[r * g->cols + (size_t)fidx[i]];
		char *ft = fc ? xml_html_text(fc) : xstrdup("");

		pass = strcmp(ft, src->filter[i].value) == 0;
		free(ft);
	}
	if (!pass || !vcell)
		return 0;
	for (f = 0; f < FIELD_COUNT; f++) {
		const void *cell =
		        idx[f] >= 0 ? g->cell[r * g->cols + (size_t)idx[f]]
		                    : NULL;

		field[f] = src->constant[f];
		if (idx[f] >= 0 && f != FIELD_VALUE) {
			text[f] = cell ? xml_html_text(cell) : xstrdup("");
			field[f] = text[f];
		}
	}
	text[FIELD_VALUE] = xml_html_text_marks(vcell, &marks);
	field[FIELD_VALUE] = text[FIELD_VALUE];
	if (period)
		field[FIELD_PERIOD] = period;
	star = mark_flags(marks, field[FIELD_FLAGS], &flags);
	if (*marks)
		field[FIELD_FLAGS] = flags;
	if (!field[FIELD_PERIOD])
		field[FIELD_PERIOD] = h->period;
	memset(&obs, 0, sizeof(obs));
	obs.line = xml_html_line(vcell);
	locate(h, obs.line, field[FIELD_VALUE], &obs);
	{
		char *path = xml_html_path(vcell);

		snprintf(obs.locator, sizeof(obs.locator),
		         "%s (table row %zu, line %ld)", path, r + 1, obs.line);
		free(path);
	}
	ret = emit(h, &obs, field, star);
	for (f = 0; f < FIELD_COUNT; f++)
		free(text[f]);
	free(marks);
	free(flags);
	return ret;
}

static int
table(struct html *h)
{
	const struct source_config *src = h->src;
	struct xml_nodes *t;
	struct error xerr;
	struct grid g = {NULL, 0, 0};
	struct wide_cols wide = {0, NULL, NULL};
	char **header = NULL;
	long idx[FIELD_COUNT], *fidx = NULL;
	size_t r, c, i, k;
	size_t hrows =
	        src->html.header_rows > 1 ? (size_t)src->html.header_rows : 1;
	int f, ret = 0;

	t = xml_html_select(h->doc, NULL, src->html.table, &xerr);
	if (!t) {
		problems_add(h->probs, "%s", xerr.msg);
		return 0;
	}
	if (xml_nodes_count(t) != 1) {
		problems_add(h->probs,
		             "%s: table '%s' selects %zu nodes, not 1", h->name,
		             src->html.table, xml_nodes_count(t));
		goto out;
	}
	/* A relative period_xpath: the table's own period. */
	if (period_relative(h) &&
	    !(h->period = period_from(h, xml_nodes_at(t, 0))))
		goto out;
	if (build_grid(h, xml_nodes_at(t, 0), &g) < 0)
		goto out;
	if (g.rows < hrows) {
		problems_add(h->probs,
		             "%s: table '%s' has %zu rows, fewer than its %zu "
		             "header rows",
		             h->name, src->html.table, g.rows, hrows);
		goto out;
	}
	header = xcalloc(g.cols + 1, sizeof(*header));
	for (c = 0; c < g.cols; c++)
		header[c] = header_name(&g, hrows, c);
	if (src->wide.columns &&
	    wide_find(src, header, g.cols, h->name, &wide, h->probs) < 0)
		goto out;
	for (f = 0; f < FIELD_COUNT; f++) {
		idx[f] = -1;
		if (!src->column[f])
			continue;
		for (c = 0; c < g.cols; c++)
			if (strcmp(header[c], src->column[f]) == 0)
				idx[f] = (long)c;
		if (idx[f] < 0 && !(f == FIELD_FLAGS && src->flags_optional)) {
			problems_add(h->probs,
			             "%s: no column '%s' (for %s) in the table "
			             "header",
			             h->name, src->column[f],
			             config_field_names[f]);
			goto out;
		}
	}
	fidx = xcalloc(src->nfilter + 1, sizeof(*fidx));
	for (i = 0; i < src->nfilter; i++) {
		fidx[i] = -1;
		for (c = 0; c < g.cols; c++)
			if (strcmp(header[c], src->filter[i].name) == 0)
				fidx[i] = (long)c;
		if (fidx[i] < 0) {
			problems_add(h->probs,
			             "%s: no column '%s' for the filter",
			             h->name, src->filter[i].name);
			goto out;
		}
	}
	for (r = hrows; r < g.rows && ret == 0; r++) {
		for (k = 0; k < (wide.n ? wide.n : 1) && ret == 0; k++)
			ret = table_cell(
			        h, &g, r,
			        wide.n ? wide.col[k] : idx[FIELD_VALUE],
			        wide.n ? wide.period[k] : NULL, idx, fidx);
	}
out:
	wide_release(&wide);
	for (c = 0; header && c < g.cols; c++)
		free(header[c]);
	free(header);
	free(fidx);
	free(g.cell);
	xml_nodes_free(t);
	return ret;
}

int
html_format_parse(const struct source_config *src, struct parse_input *in,
                  const struct obs_sink *sink, struct problems *probs,
                  struct error *err)
{
	struct html h;
	struct error xerr;
	char *buf = NULL;
	size_t len;
	int ret = 0;

	memset(&h, 0, sizeof(h));
	h.src = src;
	h.probs = probs;
	h.sink = sink;
	h.err = err;
	h.name = xasprintf("src://%s", src->id);
	error_clear(&xerr);
	if (fileio_read_stream(in->fp, h.name, src->max_bytes, &buf, &len,
	                       &xerr) < 0 ||
	    xml_html_parse(&h.doc, h.name, buf, len, &xerr) < 0) {
		problems_add(probs, "%s", xerr.msg);
		goto out;
	}
	h.buf = buf;
	h.len = len;
	h.line_no = 1;
	if (find_period(&h) < 0)
		goto out;
	ret = src->html.table ? table(&h) : prose(&h);
out:
	xml_html_free(h.doc);
	free(h.period);
	free(h.name);
	free(buf);
	return ret;
}
