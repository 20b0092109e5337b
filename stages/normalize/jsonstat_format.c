/* jsonstat_format — see jsonstat_format.h. */
#include "jsonstat_format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_format.h"
#include "xalloc.h"

#define JS_MAX_DIMS 32

struct js_dim {
	const char *id;
	size_t size;
	const char **code; /* code of each category position */
	long want; /* filtered category, or -1 */
	unsigned char *nodata; /* positions declared with no data, or NULL */
};

struct js {
	const struct source_config *src;
	struct json_doc *doc;
	const struct cJSON *ds;
	struct js_dim dim[JS_MAX_DIMS];
	size_t ndims;
	size_t ncells;
	long dim_of[FIELD_COUNT];
	const struct cJSON *status; /* string, array or object, or NULL */
	const struct cJSON **status_at; /* dense/sparse status by index */
	struct problems *probs;
	struct parse_input *in;
};

static int
is_dataset(const struct cJSON *n)
{
	const char *cls = json_string(json_get(n, "class"));

	return json_is_object(n) && json_get(n, "value") &&
	       (!cls || strcmp(cls, "dataset") == 0);
}

/* Finds the dataset: the root, an item of a collection, a bundle member. */
static const struct cJSON *
find_dataset(struct js *j)
{
	const struct cJSON *root = json_doc_root(j->doc), *it, *found = NULL;
	const struct cJSON *items;
	size_t n = 0;
	int line, col;

	if (is_dataset(root))
		return root;
	items = json_get(json_get(root, "link"), "item");
	it = json_is_array(items) ? json_child(items) : json_child(root);
	for (; it; it = json_next(it)) {
		const char *label = json_string(json_get(it, "label"));
		const char *key = json_key(it);

		if (!is_dataset(it))
			continue;
		if (j->src->dataset &&
		    !(key && strcmp(key, j->src->dataset) == 0) &&
		    !(label && strcmp(label, j->src->dataset) == 0))
			continue;
		found = it;
		n++;
	}
	if (n == 1)
		return found;
	/* The root decided it: name where it starts. */
	json_doc_where(j->doc, root, &line, &col);
	if (n == 0)
		problems_add(j->probs,
		             "src://%s:%d:%d: no JSON-stat dataset%s%s%s (the "
		             "root is not one, and no member or link item has "
		             "\"class\": \"dataset\")",
		             j->src->id, line, col,
		             j->src->dataset ? " named '" : "",
		             j->src->dataset ? j->src->dataset : "",
		             j->src->dataset ? "'" : "");
	else
		problems_add(j->probs,
		             "src://%s:%d:%d: %zu datasets; name one with "
		             "'dataset'",
		             j->src->id, line, col, n);
	return NULL;
}

static int
fail(struct js *j, const struct cJSON *at, const char *what)
{
	int line, col;

	json_doc_where(j->doc, at, &line, &col);
	problems_add(j->probs, "src://%s:%d:%d: %s", j->src->id, line, col,
	             what);
	return -1;
}

/* Reads id, size and the category positions of every dimension. */
static int
read_dims(struct js *j)
{
	const struct cJSON *ds = j->ds, *dims = json_get(ds, "dimension");
	const struct cJSON *ids = json_get(ds, "id"),
	                   *sizes = json_get(ds, "size");
	const struct cJSON *idn, *szn;
	size_t d;

	if (!ids) { /* JSON-stat 1.0 keeps them inside "dimension" */
		ids = json_get(dims, "id");
		sizes = json_get(dims, "size");
	}
	if (!json_is_array(ids) || !json_is_array(sizes) ||
	    json_size(ids) != json_size(sizes) || json_size(ids) == 0)
		return fail(j, ds,
		            "'id' and 'size' must be arrays of one "
		            "length");
	if (json_size(ids) > JS_MAX_DIMS)
		return fail(j, ids, "too many dimensions");
	j->ncells = 1;
	for (idn = json_child(ids), szn = json_child(sizes), d = 0; idn;
	     idn = json_next(idn), szn = json_next(szn), d++) {
		struct js_dim *dm = &j->dim[d];
		const struct cJSON *cat, *index, *c;
		double sz;

		dm->id = json_string(idn);
		/* The range first: casting a double beyond size_t is undefined
		 * (found by fuzzing). */
		if (!dm->id || json_number(szn, &sz) < 0 || sz < 1 ||
		    sz > (double)JSONSTAT_MAX_CELLS || sz != (double)(size_t)sz)
			return fail(j, szn,
			            "a dimension id must be a string "
			            "and its size a positive integer");
		dm->size = (size_t)sz;
		if (j->ncells > JSONSTAT_MAX_CELLS / dm->size)
			return fail(j, sizes, "more cells than the limit");
		j->ncells *= dm->size;
		dm->want = -1;
		dm->code = xcalloc(dm->size, sizeof(*dm->code));
		j->ndims = d + 1;
		cat = json_get(json_get(dims, dm->id), "category");
		index = json_get(cat, "index");
		if (!index && dm->size == 1) {
			/* a single category may give only its label */
			c = json_child(json_get(cat, "label"));
			dm->code[0] = c ? json_key(c) : "";
			continue;
		}
		if (json_is_array(index)) {
			size_t k = 0;

			if (json_size(index) != dm->size)
				return fail(j, index,
				            "category index does not "
				            "match the size");
			for (c = json_child(index); c; c = json_next(c))
				if (!(dm->code[k++] = json_string(c)))
					return fail(j, c,
					            "category codes must "
					            "be strings");
		} else if (json_is_object(index)) {
			for (c = json_child(index); c; c = json_next(c)) {
				double pos;

				if (json_number(c, &pos) < 0 || pos < 0 ||
				    pos >= (double)dm->size ||
				    pos != (double)(size_t)pos ||
				    dm->code[(size_t)pos])
					return fail(j, c,
					            "category position "
					            "out of range or "
					            "repeated");
				dm->code[(size_t)pos] = json_key(c);
			}
			for (sz = 0; sz < (double)dm->size; sz++)
				if (!dm->code[(size_t)sz])
					return fail(j, index,
					            "category positions have "
					            "gaps");
		} else {
			return fail(j, dims,
			            "a dimension has no category "
			            "index");
		}
	}
	return 0;
}

/* Maps fields and filters to dimensions; every other one must be fixed. */
static int
map_dims(struct js *j)
{
	const struct source_config *src = j->src;
	size_t d, k;
	int f, bad = 0;

	for (f = 0; f < FIELD_COUNT; f++) {
		j->dim_of[f] = -1;
		if (!src->column[f])
			continue;
		for (d = 0; d < j->ndims; d++)
			if (strcmp(j->dim[d].id, src->column[f]) == 0)
				j->dim_of[f] = (long)d;
		if (j->dim_of[f] < 0 &&
		    !(f == FIELD_FLAGS && src->flags_optional)) {
			problems_add(j->probs,
			             "src://%s: no dimension '%s' (for %s)",
			             src->id, src->column[f],
			             config_field_names[f]);
			bad = 1;
		}
	}
	for (k = 0; k < src->nfilter; k++) {
		for (d = 0; d < j->ndims; d++)
			if (strcmp(j->dim[d].id, src->filter[k].name) == 0)
				break;
		if (d == j->ndims) {
			problems_add(j->probs,
			             "src://%s: no dimension '%s' for the "
			             "filter",
			             src->id, src->filter[k].name);
			bad = 1;
			continue;
		}
		for (j->dim[d].want = 0;
		     (size_t)j->dim[d].want < j->dim[d].size; j->dim[d].want++)
			if (strcmp(j->dim[d].code[j->dim[d].want],
			           src->filter[k].value) == 0)
				break;
		if ((size_t)j->dim[d].want == j->dim[d].size) {
			problems_add(j->probs,
			             "src://%s: dimension '%s' has no category "
			             "'%s' (filter)",
			             src->id, j->dim[d].id,
			             src->filter[k].value);
			bad = 1;
		}
	}
	for (d = 0; d < j->ndims; d++) {
		int used = j->dim[d].want >= 0 || j->dim[d].size == 1;

		for (f = 0; f < FIELD_COUNT; f++)
			if (j->dim_of[f] == (long)d)
				used = 1;
		if (!used) {
			/* The rule of every dimensional format (observation.h:
			 * dim_watch), here from the dimension's own list. */
			struct dim_watch w;
			char where[128];
			size_t c;

			dim_watch_init(&w, j->dim[d].id);
			for (c = 0; c < j->dim[d].size; c++)
				dim_watch_see(&w, j->dim[d].code[c], 0);
			snprintf(where, sizeof(where), "src://%s", src->id);
			dim_watch_report(&w, where, j->probs);
			dim_watch_release(&w);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

/* Parses a sparse key: a decimal index below ncells. */
static int
sparse_index(const char *key, size_t ncells, size_t *out)
{
	char *end;
	unsigned long long v;

	if (!*key || (key[0] == '0' && key[1]) || key[0] < '0' || key[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(key, &end, 10);
	if (errno || *end || v >= ncells)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* Status of cell i: a flag string or NULL. */
static const char *
status_of(struct js *j, size_t i)
{
	if (json_is_string(j->status))
		return json_string(j->status);
	if (j->status_at)
		return json_string(j->status_at[i]);
	return NULL;
}

static int
index_status(struct js *j)
{
	const struct cJSON *c;
	size_t i = 0;

	j->status = json_get(j->ds, "status");
	if (!j->status || json_is_string(j->status) || json_is_null(j->status))
		return 0;
	j->status_at = xcalloc(j->ncells, sizeof(*j->status_at));
	if (json_is_array(j->status)) {
		if (json_size(j->status) != j->ncells)
			return fail(j, j->status,
			            "status array does not "
			            "match the cells");
		for (c = json_child(j->status); c; c = json_next(c))
			j->status_at[i++] = c;
	} else if (json_is_object(j->status)) {
		for (c = json_child(j->status); c; c = json_next(c)) {
			if (sparse_index(json_key(c), j->ncells, &i) < 0)
				return fail(j, c,
				            "status key is not a cell "
				            "index");
			j->status_at[i] = c;
		}
	} else {
		return fail(j, j->status,
		            "status must be a string, array or "
		            "object");
	}
	return 0;
}

/*
 * extension."positions-with-no-data" (Eurostat's JSON-stat): for some
 * dimensions, the category positions no cell has data for.  Such cells are
 * not observations at all, not missing ones; a value there contradicts
 * the declaration.
 */
static int
read_no_data(struct js *j)
{
	const struct cJSON *nd = json_get(json_get(j->ds, "extension"),
	                                  "positions-with-no-data");
	const struct cJSON *list, *p;
	size_t d;

	if (!nd)
		return 0;
	if (!json_is_object(nd))
		return fail(j, nd,
		            "'positions-with-no-data' must be an object of "
		            "dimension ids");
	for (list = json_child(nd); list; list = json_next(list)) {
		for (d = 0; d < j->ndims; d++)
			if (strcmp(j->dim[d].id, json_key(list)) == 0)
				break;
		if (d == j->ndims)
			return fail(
			        j, list,
			        "'positions-with-no-data' names a dimension "
			        "the dataset does not have");
		if (!json_is_array(list))
			return fail(
			        j, list,
			        "'positions-with-no-data' must list category "
			        "positions");
		if (!j->dim[d].nodata)
			j->dim[d].nodata = xcalloc(j->dim[d].size, 1);
		for (p = json_child(list); p; p = json_next(p)) {
			double x;

			if (json_number(p, &x) < 0 || x < 0 ||
			    x >= (double)j->dim[d].size ||
			    x != (double)(size_t)x)
				return fail(
				        j, p,
				        "a position with no data must be a "
				        "category position of its dimension");
			j->dim[d].nodata[(size_t)x] = 1;
		}
	}
	return 0;
}

/* Hands one cell to the sink; 0 also when the cell is filtered out. */
static int
cell(struct js *j, size_t i, const struct cJSON *v, const struct obs_sink *sink,
     struct error *err)
{
	const struct source_config *src = j->src;
	const char *field[FIELD_COUNT];
	size_t pos[JS_MAX_DIMS], rest = i, d, off, len;
	struct observation obs;
	char *text = NULL, *raw = NULL;
	int f, n, line, col, ret = 0;

	for (d = j->ndims; d-- > 0;) {
		pos[d] = rest % j->dim[d].size;
		rest /= j->dim[d].size;
		if (j->dim[d].want >= 0 && (long)pos[d] != j->dim[d].want)
			return 0;
	}
	for (d = 0; d < j->ndims; d++)
		if (j->dim[d].nodata && j->dim[d].nodata[pos[d]]) {
			if (!json_is_null(v))
				fail(j, v,
				     "a value where 'positions-with-no-data' "
				     "says there is none");
			return 0;
		}
	text = json_format_text(j->doc, v);
	if (!text) {
		fail(j, v, "a value must be a number, a string or null");
		return 0;
	}
	raw = json_is_null(v) ? xstrdup("null") : json_doc_literal(j->doc, v);
	for (f = 0; f < FIELD_COUNT; f++)
		field[f] =
		        j->dim_of[f] >= 0
		                ? j->dim[j->dim_of[f]].code[pos[j->dim_of[f]]]
		                : src->constant[f];
	field[FIELD_VALUE] = text;
	field[FIELD_FLAGS] = status_of(j, i);
	memset(&obs, 0, sizeof(obs));
	json_doc_where(j->doc, v, &line, &col);
	obs.line = line;
	obs.col = col;
	obs.byte_offset = -1;
	if (json_doc_span(j->doc, v, &off, &len) == 0) {
		obs.byte_offset = (long long)off;
		obs.byte_length = len;
	}
	n = snprintf(obs.locator, sizeof(obs.locator), "/value/%zu (", i);
	for (d = 0; d < j->ndims && n > 0 && (size_t)n < sizeof(obs.locator);
	     d++)
		n += snprintf(obs.locator + n, sizeof(obs.locator) - (size_t)n,
		              "%s%s=%s", d ? ", " : "", j->dim[d].id,
		              j->dim[d].code[pos[d]]);
	if (n > 0 && (size_t)n < sizeof(obs.locator) - 1) {
		obs.locator[n] = ')';
		obs.locator[n + 1] = '\0';
	}
	if (observation_fill(&obs, src, field, j->probs) == 0) {
		obs.raw_value = raw;
		ret = sink->add(sink->ctx, &obs, err);
	}
	free(text);
	free(raw);
	return ret;
}

int
jsonstat_format_parse(const struct source_config *src, struct parse_input *in,
                      const struct obs_sink *sink, struct problems *probs,
                      struct error *err)
{
	struct js j;
	const struct cJSON *values, *v;
	size_t i, d;
	int ret = -1;

	memset(&j, 0, sizeof(j));
	j.src = src;
	j.probs = probs;
	j.in = in;
	j.doc = json_format_load(src, in, probs);
	if (!j.doc)
		return 0;
	ret = 0;
	if (!(j.ds = find_dataset(&j)) || read_dims(&j) < 0 ||
	    map_dims(&j) < 0 || index_status(&j) < 0 || read_no_data(&j) < 0)
		goto out;
	values = json_get(j.ds, "value");
	if (json_is_array(values)) {
		if (json_size(values) != j.ncells) {
			fail(&j, values,
			     "value array does not match the "
			     "product of the sizes");
			goto out;
		}
		for (v = json_child(values), i = 0; v; v = json_next(v), i++)
			if ((ret = cell(&j, i, v, sink, err)) < 0)
				goto out;
	} else if (json_is_object(values)) {
		for (v = json_child(values); v; v = json_next(v)) {
			if (sparse_index(json_key(v), j.ncells, &i) < 0) {
				fail(&j, v, "value key is not a cell index");
				continue;
			}
			if ((ret = cell(&j, i, v, sink, err)) < 0)
				goto out;
		}
	} else {
		fail(&j, j.ds, "'value' must be an array or an object");
	}
out:
	for (d = 0; d < j.ndims; d++) {
		free(j.dim[d].code);
		free(j.dim[d].nodata);
	}
	free(j.status_at);
	json_doc_free(j.doc);
	return ret;
}
