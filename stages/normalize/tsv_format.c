/* tsv_format — see tsv_format.h. */
#include "tsv_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "xalloc.h"

#define TSV_MAX_DIMS 32

struct tsv_head {
	char *dims[TSV_MAX_DIMS];
	size_t ndims;
	char *time_label;
	char **periods; /* per column; [0] unused */
	size_t ncols;
	long dim_of[FIELD_COUNT]; /* dimension of each field, or -1 */
	/* A dimension neither mapped nor filtered: its categories. */
	struct dim_watch watch[TSV_MAX_DIMS];
	unsigned char unmapped[TSV_MAX_DIMS];
	long line;
};

static void
tsv_head_release(struct tsv_head *h)
{
	size_t i;

	for (i = 0; i < h->ndims; i++) {
		free(h->dims[i]);
		if (h->unmapped[i])
			dim_watch_release(&h->watch[i]);
	}
	for (i = 0; i < h->ncols; i++)
		free(h->periods[i]);
	free(h->periods);
	free(h->time_label);
}

/* Copies s without leading and trailing blanks. */
static char *
trimmed(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

/* Splits "a,b,c" into at most max parts; returns the count or -1. */
static long
split_commas(const char *s, char **out, size_t max)
{
	size_t n = 0;
	const char *p = s;

	for (;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (n == max) { /* too many: give back what was split */
			while (n > 0)
				free(out[--n]);
			return -1;
		}
		out[n] = xstrndup(p, len);
		{
			char *t = trimmed(out[n]);

			free(out[n]);
			out[n] = t;
		}
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	return (long)n;
}

static int
read_header(const struct source_config *src, const struct csv_record *rec,
            struct tsv_head *h, struct problems *probs)
{
	const char *first = rec->fields[0].text;
	const char *bs = strchr(first, '\\');
	char *dims;
	long n;
	size_t i, k;
	int f, bad = 0;

	if (!bs) {
		problems_add(probs,
		             "line %ld: the first header cell '%.80s' is not "
		             "'dimensions\\time'",
		             rec->line, first);
		return -1;
	}
	dims = xstrndup(first, (size_t)(bs - first));
	n = split_commas(dims, h->dims, TSV_MAX_DIMS);
	free(dims);
	if (n < 0) {
		problems_add(probs, "line %ld: more than %d dimensions",
		             rec->line, TSV_MAX_DIMS);
		return -1;
	}
	h->ndims = (size_t)n;
	h->time_label = trimmed(bs + 1);
	h->ncols = rec->nfields;
	h->periods = xcalloc(h->ncols, sizeof(*h->periods));
	for (i = 1; i < h->ncols; i++)
		h->periods[i] = trimmed(rec->fields[i].text);
	for (f = 0; f < FIELD_COUNT; f++) {
		h->dim_of[f] = -1;
		if (!src->column[f] || f == FIELD_PERIOD)
			continue;
		for (i = 0; i < h->ndims; i++)
			if (strcmp(h->dims[i], src->column[f]) == 0)
				h->dim_of[f] = (long)i;
		if (h->dim_of[f] < 0) {
			problems_add(probs,
			             "line %ld: no dimension '%s' (for %s) in "
			             "the header",
			             rec->line, src->column[f],
			             config_field_names[f]);
			bad = 1;
		}
	}
	if (src->column[FIELD_PERIOD] &&
	    strcmp(src->column[FIELD_PERIOD], h->time_label) != 0) {
		problems_add(probs, "line %ld: the time axis is '%s', not '%s'",
		             rec->line, h->time_label,
		             src->column[FIELD_PERIOD]);
		bad = 1;
	}
	/* Every dimension mapped or filtered. */
	for (i = 0; i < h->ndims; i++) {
		int used = 0;

		for (f = 0; f < FIELD_COUNT; f++)
			if (h->dim_of[f] == (long)i)
				used = 1;
		for (k = 0; k < src->nfilter; k++)
			if (strcmp(src->filter[k].name, h->dims[i]) == 0)
				used = 1;
		if (!used) {
			h->unmapped[i] = 1;
			dim_watch_init(&h->watch[i], h->dims[i]);
		}
	}
	for (k = 0; k < src->nfilter; k++) {
		for (i = 0; i < h->ndims; i++)
			if (strcmp(src->filter[k].name, h->dims[i]) == 0)
				break;
		if (i == h->ndims) {
			problems_add(probs,
			             "line %ld: no dimension '%s' (for the "
			             "filter) in the header",
			             rec->line, src->filter[k].name);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

int
tsv_format_parse(const struct source_config *src, struct parse_input *in,
                 const struct obs_sink *sink, struct problems *probs,
                 struct error *err)
{
	struct csv_reader_options o;
	struct csv_reader *r;
	struct csv_record rec;
	struct tsv_head h;
	struct error rerr;
	char *vals[TSV_MAX_DIMS];
	long nvals = 0;
	int rc, ret = -1, have_header = 0;

	memset(&h, 0, sizeof(h));
	csv_reader_options_init(&o);
	o.delimiter = '\t';
	r = csv_reader_new(in->fp, &o);
	error_clear(&rerr);
	while ((rc = csv_reader_next(r, &rec, &rerr)) == 1) {
		size_t i, c;
		int pass = 1;

		if (!have_header) {
			have_header = 1;
			if (read_header(src, &rec, &h, probs) < 0) {
				ret = 0;
				goto out;
			}
			continue;
		}
		if (rec.nfields != h.ncols) {
			problems_add(probs,
			             "line %ld: %zu cells where the header has "
			             "%zu",
			             rec.line, rec.nfields, h.ncols);
			continue;
		}
		nvals = split_commas(rec.fields[0].text, vals, TSV_MAX_DIMS);
		if (nvals != (long)h.ndims) {
			problems_add(probs,
			             "line %ld: '%.80s' does not give the %zu "
			             "dimensions of the header",
			             rec.line, rec.fields[0].text, h.ndims);
			for (i = 0; nvals > 0 && i < (size_t)nvals; i++)
				free(vals[i]);
			continue;
		}
		for (i = 0; i < h.ndims; i++)
			if (!source_filter_pass(src, h.dims[i], vals[i]))
				pass = 0;
		for (i = 0; pass && i < h.ndims; i++)
			if (h.unmapped[i])
				dim_watch_see(&h.watch[i], vals[i], rec.line);
		for (c = 1; pass && c < h.ncols; c++) {
			const struct csv_field *cell = &rec.fields[c];
			const char *field[FIELD_COUNT];
			struct observation obs;
			char *text = trimmed(cell->text), *sp;
			int f;

			/* "value flags": split at the first blank. */
			sp = strchr(text, ' ');
			if (sp)
				*sp = '\0';
			for (f = 0; f < FIELD_COUNT; f++)
				field[f] = h.dim_of[f] >= 0 ? vals[h.dim_of[f]]
				                            : src->constant[f];
			field[FIELD_PERIOD] = h.periods[c];
			field[FIELD_VALUE] = text;
			field[FIELD_FLAGS] = sp ? sp + 1 : NULL;
			memset(&obs, 0, sizeof(obs));
			obs.line = cell->line;
			obs.col = cell->col;
			obs.byte_offset = cell->offset;
			obs.byte_length = cell->raw_len;
			if (observation_fill(&obs, src, field, probs) == 0) {
				obs.raw_value = cell->text;
				if (sink->add(sink->ctx, &obs, err) < 0) {
					free(text);
					for (i = 0; i < h.ndims; i++)
						free(vals[i]);
					goto out;
				}
			}
			free(text);
		}
		for (i = 0; i < h.ndims; i++)
			free(vals[i]);
	}
	if (rc < 0)
		problems_add(probs, "%s", rerr.msg);
	else if (!have_header)
		problems_add(probs, "the document is empty");
	for (size_t i = 0; i < h.ndims; i++)
		if (h.unmapped[i])
			dim_watch_report(&h.watch[i], "line 1 (the header)",
			                 probs);
	ret = 0;
out:
	csv_reader_free(r);
	tsv_head_release(&h);
	return ret;
}
