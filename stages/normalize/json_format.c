/* json_format — see json_format.h. */
#include "json_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "json.h"
#include "xalloc.h"

struct json_doc *
json_format_load(const struct source_config *src, struct parse_input *in,
                 struct problems *probs)
{
	struct json_doc *doc = NULL;
	struct error jerr;
	char *name = xasprintf("src://%s", src->id), *buf = NULL;
	size_t len;

	error_clear(&jerr);
	if (fileio_read_stream(in->fp, name, src->max_bytes, &buf, &len,
	                       &jerr) < 0 ||
	    json_doc_parse(&doc, name, buf, len, src->max_bytes, &jerr) < 0)
		problems_add(probs, "%s", jerr.msg);
	free(buf);
	free(name);
	return doc;
}

char *
json_format_text(const struct json_doc *doc, const struct cJSON *node)
{
	if (json_is_string(node))
		return xstrdup(json_string(node));
	if (json_is_number(node))
		return json_doc_literal(doc, node);
	if (json_is_null(node))
		return xstrdup("");
	return NULL;
}

/* The JSON pointer of a record's field: records/i/field, with a plain key
 * escaped per RFC 6901 ('~' -> "~0", '/' -> "~1"). */
static void
pointer_of(char *out, size_t cap, const char *records, size_t i,
           const char *field)
{
	size_t n = (size_t)snprintf(out, cap, "%s/%zu", records, i);
	const char *f;

	if (n >= cap)
		return;
	if (field[0] == '/') {
		snprintf(out + n, cap - n, "%s", field);
		return;
	}
	out[n++] = '/';
	for (f = field; *f && n + 3 < cap; f++) {
		if (*f == '~' || *f == '/') {
			out[n++] = '~';
			out[n++] = *f == '~' ? '0' : '1';
		} else {
			out[n++] = *f;
		}
	}
	out[n] = '\0';
}

static const struct cJSON *
field_node(const struct cJSON *rec, const char *name)
{
	return name[0] == '/' ? json_pointer(rec, name) : json_get(rec, name);
}

int
json_format_parse(const struct source_config *src, struct parse_input *in,
                  const struct obs_sink *sink, struct problems *probs,
                  struct error *err)
{
	struct json_doc *doc = json_format_load(src, in, probs);
	const struct cJSON *list, *rec;
	size_t i;
	int ret = -1;

	if (!doc)
		return 0;
	list = json_pointer(json_doc_root(doc), src->records);
	if (!json_is_array(list)) {
		problems_add(probs, "src://%s: '%s' is not an array of records",
		             src->id, src->records);
		ret = 0;
		goto out;
	}
	for (rec = json_child(list), i = 0; rec; rec = json_next(rec), i++) {
		char *text[FIELD_COUNT] = {NULL};
		const char *field[FIELD_COUNT];
		const struct cJSON *vnode = NULL;
		struct observation obs;
		size_t off, len, k;
		int f, ok = 1, line, col;

		if (!json_is_object(rec)) {
			problems_add(probs,
			             "%s/%zu: a record must be an object",
			             src->records, i);
			continue;
		}
		for (k = 0; ok && k < src->nfilter; k++) {
			char *t = json_format_text(
			        doc, field_node(rec, src->filter[k].name));

			ok = t && strcmp(t, src->filter[k].value) == 0;
			free(t);
		}
		if (!ok)
			continue;
		for (f = 0; f < FIELD_COUNT; f++) {
			const struct cJSON *n;

			field[f] = src->constant[f];
			if (!src->column[f])
				continue;
			n = field_node(rec, src->column[f]);
			if (!n && f == FIELD_FLAGS)
				continue;
			text[f] = n ? json_format_text(doc, n) : NULL;
			if (!text[f]) {
				problems_add(
				        probs,
				        "%s/%zu: field '%s' (for %s) is %s",
				        src->records, i, src->column[f],
				        config_field_names[f],
				        n ? "not a string or number"
				          : "missing");
				ok = 0;
				break;
			}
			field[f] = text[f];
			if (f == FIELD_VALUE)
				vnode = n;
		}
		if (ok) {
			memset(&obs, 0, sizeof(obs));
			json_doc_where(doc, vnode, &line, &col);
			obs.line = line;
			obs.col = col;
			obs.byte_offset = -1;
			if (json_doc_span(doc, vnode, &off, &len) == 0) {
				obs.byte_offset = (long long)off;
				obs.byte_length = len;
			}
			pointer_of(obs.locator, sizeof(obs.locator),
			           src->records, i, src->column[FIELD_VALUE]);
			if (observation_fill(&obs, src, field, probs) == 0 &&
			    sink->add(sink->ctx, &obs, err) < 0) {
				for (f = 0; f < FIELD_COUNT; f++)
					free(text[f]);
				goto out;
			}
		}
		for (f = 0; f < FIELD_COUNT; f++)
			free(text[f]);
	}
	ret = 0;
out:
	json_doc_free(doc);
	return ret;
}
