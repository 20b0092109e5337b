/* pdf_format — see pdf_format.h. */
#include "pdf_format.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdftext.h"
#include "xalloc.h"

#define PDF_MAX_ROWS_PER_PAGE 4096
#define PDF_COLUMN_SLACK 3 /* characters a wrapped name may drift */

struct pdf_row {
	char *name;
	char *value;
	long page, line, col;
	size_t offset; /* of the value's text in pdftotext's output */
};

struct pdf {
	const struct source_config *src;
	const char *text; /* pdftotext's output: byte offsets count from it */
	const char *version; /* pdftotext's */
	struct problems *probs;
	regex_t row, total;
	regex_t *skip;
	size_t nskip;
	int has_total;
	struct pdf_row rows[PDF_MAX_ROWS_PER_PAGE];
	size_t nrows; /* on this page */
	size_t prev_first, prev_end; /* rows of the previous line */
	double sum;

	char *total_text;
	long total_page, total_line;
};

/* Characters (not bytes) from line to at: the column in the layout. */
static long
columns(const char *line, const char *at)
{
	long n = 0;

	for (; line < at; line++)
		if (((unsigned char)*line & 0xC0) != 0x80)
			n++;
	return n;
}

static char *
trim_copy(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

/* Appends a leftover word run to the row above it, if one is there. */
static void
continue_name(struct pdf *p, const char *line, const char *from, const char *to)
{
	char *words = trim_copy(from, (size_t)(to - from));
	const char *start = from;
	size_t i;

	while (start < to && (*start == ' ' || *start == '\t'))
		start++;
	if (!*words) {
		free(words);
		return;
	}
	for (i = p->prev_first; i < p->prev_end; i++) {
		long c = columns(line, start);

		if (labs(c - p->rows[i].col) <= PDF_COLUMN_SLACK) {
			char *n = xasprintf("%s %s", p->rows[i].name, words);

			free(p->rows[i].name);
			p->rows[i].name = n;
			break;
		}
	}
	free(words);
}

static void
scan_line(struct pdf *p, const char *line, long page, long lineno)
{
	regmatch_t m[10];
	const char *at = line, *gap = line;
	size_t first = p->nrows;
	size_t i;

	for (i = 0; i < p->nskip; i++)
		if (regexec(&p->skip[i], line, 0, NULL, 0) == 0)
			goto done;
	if (p->has_total && regexec(&p->total, line, 10, m, 0) == 0) {
		int g = p->src->pdf.total_group;

		if (m[g].rm_so >= 0) {
			free(p->total_text);
			p->total_text =
			        trim_copy(line + m[g].rm_so,
			                  (size_t)(m[g].rm_eo - m[g].rm_so));
			p->total_page = page;
			p->total_line = lineno;
		}
		goto done;
	}
	while (*at &&
	       regexec(&p->row, at, 10, m, at == line ? 0 : REG_NOTBOL) == 0) {
		int gg = p->src->pdf.geo_group, gv = p->src->pdf.value_group;
		struct pdf_row *r;

		if (m[0].rm_eo == 0 || m[gg].rm_so < 0 || m[gv].rm_so < 0)
			break;
		continue_name(p, line, gap, at + m[0].rm_so);
		if (p->nrows == PDF_MAX_ROWS_PER_PAGE) {
			problems_add(p->probs, "page %ld: more than %d rows",
			             page, PDF_MAX_ROWS_PER_PAGE);
			break;
		}
		r = &p->rows[p->nrows++];
		r->name = trim_copy(at + m[gg].rm_so,
		                    (size_t)(m[gg].rm_eo - m[gg].rm_so));
		r->value = trim_copy(at + m[gv].rm_so,
		                     (size_t)(m[gv].rm_eo - m[gv].rm_so));
		r->offset = (size_t)(at + m[gv].rm_so - p->text);
		while (p->text[r->offset] == ' ' || p->text[r->offset] == '\t')
			r->offset++;
		r->page = page;
		r->line = lineno;
		r->col = columns(line, at + m[gg].rm_so);
		at += m[0].rm_eo;
		gap = at;
	}
	continue_name(p, line, gap, line + strlen(line));
done:
	p->prev_first = first;
	p->prev_end = p->nrows;
}

/* Hands the page's rows to the sink and forgets them. */
static int
flush_page(struct pdf *p, const struct obs_sink *sink, struct error *err)
{
	const struct source_config *src = p->src;
	size_t i;
	int ret = 0;

	for (i = 0; i < p->nrows; i++) {
		struct pdf_row *r = &p->rows[i];
		const char *field[FIELD_COUNT];
		struct observation obs;
		int f;

		for (f = 0; f < FIELD_COUNT; f++)
			field[f] = src->constant[f];
		field[FIELD_GEO] = r->name;
		field[FIELD_VALUE] = r->value;
		memset(&obs, 0, sizeof(obs));
		obs.line = r->line;
		obs.col = r->col + 1;
		/* The range is one in pdftotext's text, not in the archived
		 * PDF: byte_offset stays -1, and the locator says it. */
		obs.byte_offset = -1;
		snprintf(obs.locator, sizeof(obs.locator),
		         "page %ld, line %ld, pdftotext %s text bytes %zu+%zu",
		         r->page, r->line, p->version, r->offset,
		         strlen(r->value));
		if (ret == 0 &&
		    observation_fill(&obs, src, field, p->probs) == 0) {
			/* A missing value ("-") adds nothing to the total. */
			if (!obs.num.missing)
				p->sum += obs.num.value;
			if (sink->add(sink->ctx, &obs, err) < 0)
				ret = -1;
		}
		free(r->name);
		free(r->value);
	}
	p->nrows = 0;
	p->prev_first = p->prev_end = 0;
	return ret;
}

static int
compile_all(struct pdf *p)
{
	const struct pdf_options *o = &p->src->pdf;
	size_t i;

	/* config_load() compiled each pattern once already. */
	if (regcomp(&p->row, o->row, REG_EXTENDED) != 0)
		return -1;
	p->has_total =
	        o->total && regcomp(&p->total, o->total, REG_EXTENDED) == 0;
	p->skip = xcalloc(o->nskip + 1, sizeof(*p->skip));
	for (i = 0; i < o->nskip; i++)
		if (regcomp(&p->skip[p->nskip], o->skip[i],
		            REG_EXTENDED | REG_NOSUB) == 0)
			p->nskip++;
	return 0;
}

/* Whether pdfinfo's report says "Encrypted: yes ...". */
static int
pdf_encrypted(const char *info)
{
	const char *l = info;

	while (l && *l) {
		if (strncmp(l, "Encrypted:", 10) == 0) {
			l += 10;
			while (*l == ' ' || *l == '\t')
				l++;
			return strncmp(l, "yes", 3) == 0;
		}
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	return 0;
}

int
pdf_text_parse(const struct source_config *src, char *text,
               const struct obs_sink *sink, struct problems *probs,
               struct error *err)
{
	struct pdf *p = xcalloc(1, sizeof(*p));
	char *page, *next;
	long pageno = 1;
	size_t i;
	int ret = -1;

	p->src = src;
	p->probs = probs;
	p->text = text;
	p->version = pdftext_version();
	if (compile_all(p) < 0) {
		problems_add(probs, "bad row pattern");
		free(p);
		return 0;
	}
	/* Pages end in form feeds; lines in newlines. */
	for (page = text; page && *page; page = next, pageno++) {
		char *line, *line_next;
		long lineno = 1;

		next = strchr(page, '\f');
		if (next)
			*next++ = '\0';
		for (line = page; line && *line; line = line_next, lineno++) {
			line_next = strchr(line, '\n');
			if (line_next)
				*line_next++ = '\0';
			scan_line(p, line, pageno, lineno);
		}
		if (flush_page(p, sink, err) < 0)
			goto out;
	}
	if (src->checks.rows_sum_to_total) {
		struct number total;
		struct error nerr;
		char sum[32];

		number_format_shortest(p->sum, sum);
		if (!p->total_text)
			problems_add(probs,
			             "no total line matching '%s' in "
			             "the document",
			             src->pdf.total);
		else if (number_parse(&src->number, p->total_text, &total,
		                      &nerr) < 0)
			problems_add(probs, "page %ld, line %ld: total: %s",
			             p->total_page, p->total_line, nerr.msg);
		else if (total.value != p->sum)
			problems_add(probs,
			             "the rows sum to %s, but the document's "
			             "total (page %ld, line %ld) says %s",
			             sum, p->total_page, p->total_line,
			             p->total_text);
	}
	ret = 0;
out:
	for (i = 0; i < p->nrows; i++) {
		free(p->rows[i].name);
		free(p->rows[i].value);
	}
	regfree(&p->row);
	if (p->has_total)
		regfree(&p->total);
	for (i = 0; i < p->nskip; i++)
		regfree(&p->skip[i]);
	free(p->skip);
	free(p->total_text);
	free(p);
	return ret;
}

int
pdf_format_parse(const struct source_config *src, struct parse_input *in,
                 const struct obs_sink *sink, struct problems *probs,
                 struct error *err)
{
	static const char *const info_args[] = {"/dev/fd/3", NULL};
	struct error terr;
	char magic[5] = {0}, *info = NULL, *text = NULL;
	size_t len;
	int ret = 0, fd = fileno(in->fp);

	error_clear(&terr);
	if ((len = fread(magic, 1, 5, in->fp)) != 5 ||
	    memcmp(magic, "%PDF-", 5) != 0) {
		char shown[24];
		size_t i, k = 0;

		for (i = 0; i < len; i++)
			k += (size_t)snprintf(
			        shown + k, sizeof(shown) - k,
			        magic[i] >= 0x20 && magic[i] < 0x7f ? "%c"
			                                            : "\\x%02x",
			        (unsigned char)magic[i]);
		shown[k] = '\0';
		problems_add(probs,
		             "byte 0: not a PDF: it starts with '%s', not "
		             "'%%PDF-'",
		             shown);
	} else if (pdf_run_tool("pdfinfo", info_args, fd, src->pdf.timeout_s,
	                        1u << 20, &info, &len, &terr) < 0)
		problems_add(probs, "byte 0 (the %%PDF- header): %s", terr.msg);
	else if (pdf_encrypted(info))
		problems_add(probs,
		             "the PDF's trailer (pdfinfo: \"Encrypted: "
		             "yes\"): it is encrypted; provstat reads only "
		             "unencrypted documents");
	else if (pdftext_extract(fd, src->pdf.timeout_s,
	                         src->max_bytes < PDF_TEXT_MAX ? PDF_TEXT_MAX
	                                                       : src->max_bytes,
	                         &text, &len, &terr) < 0)
		problems_add(probs, "%s", terr.msg);
	else
		ret = pdf_text_parse(src, text, sink, probs, err);
	free(info);
	free(text);
	return ret;
}
