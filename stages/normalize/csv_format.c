/* csv_format — see csv_format.h. */
#include "csv_format.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "format.h"
#include "wide.h"
#include "xalloc.h"

struct csv_map {
	long index[FIELD_COUNT]; /* header column of each field, or -1 */
	long *filter_index; /* header column of each filter */
	regex_t *skip;
	size_t nskip;
	regex_t footer;
	int has_footer;
	struct wide_cols wide; /* a wide table's period columns, or none */
	/* sdmx-csv: the dimensions neither mapped nor filtered */
	struct dim_watch *watch;
	long *watch_col;
	size_t nwatch;
};

static void
csv_map_release(struct csv_map *m)
{
	size_t i;

	wide_release(&m->wide);
	for (i = 0; i < m->nwatch; i++)
		dim_watch_release(&m->watch[i]);
	free(m->watch);
	free(m->watch_col);
	for (i = 0; i < m->nskip; i++)
		regfree(&m->skip[i]);
	free(m->skip);
	if (m->has_footer)
		regfree(&m->footer);
	free(m->filter_index);
}

/* The column names, from one header record or several. */
struct csv_header {
	char **name;
	size_t n;
	long line; /* of the first header record */
	long rows; /* header records read so far */
};

static void
csv_header_release(struct csv_header *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->name[i]);
	free(h->name);
	memset(h, 0, sizeof(*h));
}

/* Adds one header record: a column's name joins its cells with spaces; a
 * blank cell of an upper row (not the last) takes the last non-blank cell
 * on its left, as a spreadsheet writes merged cells ("2019", "", "" over
 * "reports", "rate", "rank"). */
static int
header_add(struct csv_header *h, const struct csv_record *rec, int upper,
           struct problems *probs)
{
	const char *carry = NULL;
	size_t i;

	if (h->rows++ == 0) {
		h->n = rec->nfields;
		h->line = rec->line;
		h->name = xcalloc(h->n + 1, sizeof(*h->name));
	} else if (rec->nfields != h->n) {
		problems_add(probs,
		             "line %ld: %zu fields in a header row where the "
		             "first (line %ld) has %zu",
		             rec->line, rec->nfields, h->line, h->n);
		return -1;
	}
	for (i = 0; i < h->n; i++) {
		const char *cell = rec->fields[i].text;
		char *joined;

		if (*cell)
			carry = cell;
		else if (upper && carry)
			cell = carry;
		if (!*cell)
			continue;
		joined = h->name[i] ? xasprintf("%s %s", h->name[i], cell)
		                    : xstrdup(cell);
		free(h->name[i]);
		h->name[i] = joined;
	}
	if (h->rows == 1)
		for (i = 0; i < h->n; i++)
			if (!h->name[i])
				h->name[i] = xstrdup("");
	return 0;
}

static long
header_index(const struct csv_header *hdr, const char *name)
{
	size_t i;

	for (i = 0; i < hdr->n; i++)
		if (hdr->name[i] && strcmp(hdr->name[i], name) == 0)
			return (long)i;
	return -1;
}

/* SDMX-CSV's dimensions are the columns after the structure's own and
 * before the period and the value (SDMX-CSV 1.0 and 2.0 write
 * dimensions, then measures, then attributes): those neither mapped nor
 * filtered are watched (observation.h). */
static void
watch_dimensions(const struct source_config *src, const struct csv_header *hdr,
                 struct csv_map *m)
{
	static const char *const structure[] = {
	        "DATAFLOW",       "STRUCTURE", "STRUCTURE_ID",
	        "STRUCTURE_NAME", "ACTION",    "LAST UPDATE"};
	long c, end = m->index[FIELD_PERIOD];

	if (m->index[FIELD_VALUE] >= 0 && m->index[FIELD_VALUE] < end)
		end = m->index[FIELD_VALUE];
	size_t i;
	int f, used;

	if (end < 0)
		return;
	m->watch = xcalloc(hdr->n + 1, sizeof(*m->watch));
	m->watch_col = xcalloc(hdr->n + 1, sizeof(*m->watch_col));
	for (c = 0; c < end; c++) {
		used = 0;
		for (i = 0; i < sizeof(structure) / sizeof(structure[0]); i++)
			used |= strcmp(hdr->name[c], structure[i]) == 0;
		for (f = 0; f < FIELD_COUNT; f++)
			used |= m->index[f] == c;
		for (i = 0; i < src->nfilter; i++)
			used |= strcmp(hdr->name[c], src->filter[i].name) == 0;
		if (used)
			continue;
		dim_watch_init(&m->watch[m->nwatch], hdr->name[c]);
		m->watch_col[m->nwatch++] = c;
	}
}

/* Finds the header column of each mapped field and filter. */
static int
map_header(const struct source_config *src, const struct csv_header *hdr,
           struct csv_map *m, struct problems *probs)
{
	size_t i;
	int f, bad = 0;

	for (f = 0; f < FIELD_COUNT; f++) {
		m->index[f] = -1;
		if (!src->column[f])
			continue;
		m->index[f] = header_index(hdr, src->column[f]);
		if (m->index[f] < 0 &&
		    !(f == FIELD_FLAGS && src->flags_optional)) {
			problems_add(probs,
			             "line %ld: no column '%s' (for %s) in the "
			             "header",
			             hdr->line, src->column[f],
			             config_field_names[f]);
			bad = 1;
		}
	}
	if (src->wide.columns) {
		char where[32];

		snprintf(where, sizeof(where), "line %ld", hdr->line);
		if (wide_find(src, hdr->name, hdr->n, where, &m->wide, probs) <
		    0)
			bad = 1;
	}
	if (src->spec->id == FORMAT_SDMX_CSV)
		watch_dimensions(src, hdr, m);
	m->filter_index = xcalloc(src->nfilter + 1, sizeof(long));
	for (i = 0; i < src->nfilter; i++) {
		m->filter_index[i] = header_index(hdr, src->filter[i].name);
		if (m->filter_index[i] < 0) {
			problems_add(
			        probs,
			        "line %ld: no column '%s' (for the filter) "
			        "in the header",
			        hdr->line, src->filter[i].name);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

static void
compile_patterns(const struct source_config *src, struct csv_map *m)
{
	size_t i;

	/* config_load() compiled each one already: they cannot fail. */
	m->skip = xcalloc(src->csv.nskip + 1, sizeof(*m->skip));
	for (i = 0; i < src->csv.nskip; i++)
		if (regcomp(&m->skip[m->nskip], src->csv.skip[i],
		            REG_EXTENDED | REG_NOSUB) == 0)
			m->nskip++;
	if (src->csv.footer &&
	    regcomp(&m->footer, src->csv.footer, REG_EXTENDED | REG_NOSUB) == 0)
		m->has_footer = 1;
}

static int
skipped(const struct csv_map *m, const char *first)
{
	size_t i;

	for (i = 0; i < m->nskip; i++)
		if (regexec(&m->skip[i], first, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

static int
passes_filters(const struct source_config *src, const struct csv_map *m,
               const struct csv_record *rec)
{
	size_t i;

	for (i = 0; i < src->nfilter; i++)
		if (strcmp(rec->fields[m->filter_index[i]].text,
		           src->filter[i].value) != 0)
			return 0;
	return 1;
}

int
csv_format_parse(const struct source_config *src, struct parse_input *in,
                 const struct obs_sink *sink, struct problems *probs,
                 struct error *err)
{
	struct csv_reader_options o;
	struct csv_reader *r;
	struct csv_record rec;
	struct csv_map m;
	struct csv_header hdr;
	struct error rerr;
	size_t header_fields = 0;
	long records = 0, last_header;
	int rc, ret = -1, ended = 0;

	memset(&m, 0, sizeof(m));
	memset(&hdr, 0, sizeof(hdr));
	last_header = src->csv.header_row + src->csv.header_rows - 1;
	compile_patterns(src, &m);
	csv_reader_options_init(&o);
	o.delimiter = src->csv.delimiter;
	o.quote = src->csv.quote;
	o.comment = src->csv.comment;
	r = csv_reader_new(in->fp, &o);
	error_clear(&rerr);
	while (!ended && (rc = csv_reader_next(r, &rec, &rerr)) == 1) {
		struct observation obs;
		const char *field[FIELD_COUNT];
		const struct csv_field *vf;
		size_t k;
		int f;

		records++;
		if (records < src->csv.header_row)
			continue;
		if (records <= last_header) {
			if (header_add(&hdr, &rec, records < last_header,
			               probs) < 0) {
				ret = 0; /* reported; nothing else to read */
				goto out;
			}
			if (records < last_header)
				continue;
			header_fields = hdr.n;
			if (map_header(src, &hdr, &m, probs) < 0) {
				ret = 0;
				goto out;
			}
			continue;
		}
		if (m.has_footer &&
		    regexec(&m.footer, rec.fields[0].text, 0, NULL, 0) == 0) {
			ended = 1;
			break;
		}
		if (skipped(&m, rec.fields[0].text))
			continue;
		if (rec.nfields != header_fields) {
			problems_add(
			        probs,
			        "line %ld: %zu fields where the header has "
			        "%zu",
			        rec.line, rec.nfields, header_fields);
			continue;
		}
		if (!passes_filters(src, &m, &rec))
			continue;
		for (k = 0; k < m.nwatch; k++)
			dim_watch_see(&m.watch[k],
			              rec.fields[m.watch_col[k]].text,
			              rec.line);
		for (f = 0; f < FIELD_COUNT; f++)
			field[f] = m.index[f] >= 0 ? rec.fields[m.index[f]].text
			                           : src->constant[f];
		/* A wide table's row is an observation a period column. */
		for (k = 0; k < (m.wide.n ? m.wide.n : 1); k++) {
			if (m.wide.n) {
				field[FIELD_PERIOD] = m.wide.period[k];
				vf = &rec.fields[m.wide.col[k]];
				field[FIELD_VALUE] = vf->text;
			} else {
				vf = &rec.fields[m.index[FIELD_VALUE]];
			}
			memset(&obs, 0, sizeof(obs));
			obs.line = vf->line;
			obs.col = vf->col;
			obs.byte_offset = vf->offset;
			obs.byte_length = vf->raw_len;
			if (observation_fill(&obs, src, field, probs) < 0)
				continue;
			if (sink->add(sink->ctx, &obs, err) < 0)
				goto out;
		}
	}
	if (!ended && rc < 0)
		problems_add(probs, "%s", rerr.msg);
	else if (records < last_header)
		problems_add(probs,
		             "no header row (the document has %ld "
		             "records)",
		             records);
	else if (src->csv.footer && !ended)
		problems_add(probs,
		             "no footer line matching '%s': the table "
		             "may be truncated",
		             src->csv.footer);
	for (size_t k = 0; k < m.nwatch; k++) {
		char where[48];

		snprintf(where, sizeof(where), "line %ld (the header)",
		         hdr.line);
		dim_watch_report(&m.watch[k], where, probs);
	}
	ret = 0;
out:
	csv_reader_free(r);
	csv_map_release(&m);
	csv_header_release(&hdr);
	return ret;
}
