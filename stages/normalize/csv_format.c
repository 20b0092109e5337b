/* csv_format — see csv_format.h. */
#include "csv_format.h"

#include <stdio.h>
#include <string.h>

#include "csv_reader.h"

/* Finds the header column of each mapped field. */
static int
map_header(const struct source_config *src, const struct csv_record *hdr,
           long index[FIELD_COUNT], struct problems *probs)
{
	int f, bad = 0;
	size_t i;

	for (f = 0; f < FIELD_COUNT; f++) {
		index[f] = -1;
		if (!src->column[f])
			continue;
		for (i = 0; i < hdr->nfields; i++)
			if (strcmp(hdr->fields[i].text, src->column[f]) == 0)
				break;
		if (i == hdr->nfields) {
			problems_add(probs,
			             "line %ld: no column '%s' (for %s) in the "
			             "header",
			             hdr->line, src->column[f],
			             config_field_names[f]);
			bad = 1;
		} else {
			index[f] = (long)i;
		}
	}
	return bad ? -1 : 0;
}

int
csv_format_parse(const struct source_config *src, FILE *fp,
                 const struct obs_sink *sink, struct problems *probs,
                 struct error *err)
{
	struct csv_reader_options o;
	struct csv_reader *r;
	struct csv_record rec;
	struct error rerr;
	long index[FIELD_COUNT];
	size_t header_fields = 0;
	long records = 0;
	int rc, ret = -1;

	csv_reader_options_init(&o);
	o.delimiter = src->csv.delimiter;
	o.quote = src->csv.quote;
	o.comment = src->csv.comment;
	r = csv_reader_new(fp, &o);
	error_clear(&rerr);
	while ((rc = csv_reader_next(r, &rec, &rerr)) == 1) {
		struct observation obs;
		const char *field[FIELD_COUNT];
		const struct csv_field *vf;
		struct error nerr;
		int f;

		records++;
		if (records < src->csv.header_row)
			continue;
		if (records == src->csv.header_row) {
			header_fields = rec.nfields;
			if (map_header(src, &rec, index, probs) < 0) {
				ret = 0; /* reported; nothing else to read */
				goto out;
			}
			continue;
		}
		if (rec.nfields != header_fields) {
			problems_add(
			        probs,
			        "line %ld: %zu fields where the header has "
			        "%zu",
			        rec.line, rec.nfields, header_fields);
			continue;
		}
		for (f = 0; f < FIELD_COUNT; f++)
			field[f] = index[f] >= 0 ? rec.fields[index[f]].text
			                         : src->constant[f];
		vf = &rec.fields[index[FIELD_VALUE]];
		memset(&obs, 0, sizeof(obs));
		obs.measure = field[FIELD_MEASURE];
		obs.raw_geo = field[FIELD_GEO];
		obs.raw_period = field[FIELD_PERIOD];
		obs.raw_value = vf->text;
		obs.unit = field[FIELD_UNIT];
		obs.line = vf->line;
		obs.col = vf->col;
		obs.byte_offset = vf->offset;
		obs.byte_length = vf->raw_len;
		snprintf(obs.locator, sizeof(obs.locator),
		         "line %ld, column %ld", vf->line, vf->col);
		error_clear(&nerr);
		if (number_parse(&src->number, vf->text, &obs.num, &nerr) < 0) {
			problems_add(probs, "line %ld col %ld: %s", vf->line,
			             vf->col, nerr.msg);
			continue;
		}
		for (f = 0; f < FIELD_COUNT; f++) {
			if (f != FIELD_VALUE && !*field[f]) {
				problems_add(probs, "line %ld: empty %s",
				             rec.line, config_field_names[f]);
				break;
			}
		}
		if (f < FIELD_COUNT)
			continue;
		if (sink->add(sink->ctx, &obs, err) < 0)
			goto out;
	}
	if (rc < 0) {
		problems_add(probs, "%s", rerr.msg);
	} else if (records < src->csv.header_row) {
		problems_add(probs,
		             "no header row (the document has %ld "
		             "records)",
		             records);
	}
	ret = 0;
out:
	csv_reader_free(r);
	return ret;
}
