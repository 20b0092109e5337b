/* csv_format — see csv_format.h. */
#include "csv_format.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "xalloc.h"

struct csv_map {
	long index[FIELD_COUNT]; /* header column of each field, or -1 */
	long *filter_index; /* header column of each filter */
	regex_t *skip;
	size_t nskip;
	regex_t footer;
	int has_footer;
};

static void
csv_map_release(struct csv_map *m)
{
	size_t i;

	for (i = 0; i < m->nskip; i++)
		regfree(&m->skip[i]);
	free(m->skip);
	if (m->has_footer)
		regfree(&m->footer);
	free(m->filter_index);
}

static long
header_index(const struct csv_record *hdr, const char *name)
{
	size_t i;

	for (i = 0; i < hdr->nfields; i++)
		if (strcmp(hdr->fields[i].text, name) == 0)
			return (long)i;
	return -1;
}

/* Finds the header column of each mapped field and filter. */
static int
map_header(const struct source_config *src, const struct csv_record *hdr,
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
	struct error rerr;
	size_t header_fields = 0;
	long records = 0;
	int rc, ret = -1, ended = 0;

	memset(&m, 0, sizeof(m));
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
		int f;

		records++;
		if (records < src->csv.header_row)
			continue;
		if (records == src->csv.header_row) {
			header_fields = rec.nfields;
			if (map_header(src, &rec, &m, probs) < 0) {
				ret = 0; /* reported; nothing else to read */
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
		for (f = 0; f < FIELD_COUNT; f++)
			field[f] = m.index[f] >= 0 ? rec.fields[m.index[f]].text
			                           : src->constant[f];
		vf = &rec.fields[m.index[FIELD_VALUE]];
		memset(&obs, 0, sizeof(obs));
		obs.line = vf->line;
		obs.col = vf->col;
		obs.byte_offset = in->transformed ? -1 : vf->offset;
		obs.byte_length = vf->raw_len;
		if (observation_fill(&obs, src, field, probs) < 0)
			continue;
		if (sink->add(sink->ctx, &obs, err) < 0)
			goto out;
	}
	if (!ended && rc < 0)
		problems_add(probs, "%s", rerr.msg);
	else if (records < src->csv.header_row)
		problems_add(probs,
		             "no header row (the document has %ld "
		             "records)",
		             records);
	else if (src->csv.footer && !ended)
		problems_add(probs,
		             "no footer line matching '%s': the table "
		             "may be truncated",
		             src->csv.footer);
	ret = 0;
out:
	csv_reader_free(r);
	csv_map_release(&m);
	return ret;
}
