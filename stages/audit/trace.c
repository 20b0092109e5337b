/* trace — see trace.h.  It walks lineage with queries of its own. */
#include "trace.h"

#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "bytes.h"
#include "geo.h"
#include "hash.h"
#include "json.h"
#include "prov.h"
#include "number.h"
#include "store_values.h"
#include "timefmt.h"
#include "xalloc.h"

enum {
	C_KEY,
	C_INDICATOR,
	C_GEO,
	C_PERIOD,
	C_VALUE,
	C_UNIT,
	C_FLAGS,
	C_QUALIFIER,
	C_STATUS,
	C_KNOWN_FROM,
	C_KNOWN_TO,
	C_SOURCE,
	C_RECIPE,
	C_RECIPE_SHA,
	C_MEASURE,
	C_RAW_GEO,
	C_RAW_PERIOD,
	C_RAW_VALUE,
	C_LOCATOR,
	C_LINE,
	C_COL,
	C_OFFSET,
	C_LENGTH,
	C_SNAPSHOT,
	C_SNAP_BYTES,
	C_PUBLISHER,
	C_TITLE,
	C_CITATION,
	C_GRADE,
	C_PRECISION,
	C_DECODING,
	C_COUNT
};

#define TRACE_SELECT                                                           \
	"SELECT v.key, v.indicator, v.geo, v.period, v.value, v.unit, "        \
	"v.flags, v.qualifier, v.status, v.known_from, v.known_to, "           \
	"v.source_id, l.recipe, l.recipe_sha256, o.measure, o.raw_geo, "       \
	"o.raw_period, o.raw_value, o.locator, o.line, o.col, o.byte_offset, " \
	"o.byte_length, p.snapshot_sha256, s.bytes, src.publisher, "           \
	"src.title, src.citation, src.grade, v.precision, p.decoding FROM "    \
	"value v "                                                             \
	"JOIN lineage l ON l.id = v.lineage_id "                               \
	"JOIN obs o ON o.id = v.observation_id "                               \
	"JOIN parse p ON p.id = o.parse_id "                                   \
	"JOIN snapshot s ON s.sha256 = p.snapshot_sha256 "                     \
	"JOIN source src ON src.id = v.source_id "

struct fetch_row {
	char *url, *effective_url, *retrieved_at, *etag, *last_modified,
	        *content_type, *outcome;
	long status;
};

static void
fetch_row_release(struct fetch_row *f)
{
	free(f->url);
	free(f->effective_url);
	free(f->retrieved_at);
	free(f->etag);
	free(f->last_modified);
	free(f->content_type);
	free(f->outcome);
	memset(f, 0, sizeof(*f));
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* The observations of a value made from several (value_input). */
struct inputs {
	char **geo, **raw, **locator;
	size_t n;
};

static void
inputs_release(struct inputs *in)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		free(in->geo[i]);
		free(in->raw[i]);
		free(in->locator[i]);
	}
	free(in->geo);
	free(in->raw);
	free(in->locator);
	memset(in, 0, sizeof(*in));
}

static int
load_inputs(struct store *st, const char *key, struct inputs *in,
            struct error *err)
{
	struct store_stmt *s = NULL;
	int rc;

	if (store_prepare(
	            st,
	            "SELECT o.raw_geo, o.raw_value, o.locator FROM "
	            "value_input i JOIN value v ON v.id = i.value_id "
	            "JOIN obs o ON o.id = i.observation_id WHERE v.key = ? "
	            "ORDER BY o.id",
	            &s, err) < 0)
		return -1;
	store_bind_text(s, 1, key);
	while ((rc = store_step(s)) == STORE_ROW) {
		in->geo = xreallocarray(in->geo, in->n + 1, sizeof(char *));
		in->raw = xreallocarray(in->raw, in->n + 1, sizeof(char *));
		in->locator =
		        xreallocarray(in->locator, in->n + 1, sizeof(char *));
		in->geo[in->n] = xstrdup(store_col_text(s, 0));
		in->raw[in->n] = xstrdup(store_col_text(s, 1));
		in->locator[in->n] = xstrdup(store_col_text(s, 2));
		in->n++;
	}
	store_finalize(s);
	return rc == STORE_DONE ? 0
	                        : error_set(err, "store: cannot read a value's "
	                                         "inputs");
}

static int
load_fetch(struct store *st, const char *source, const char *sha,
           const char *known_from, struct fetch_row *f, struct error *err)
{
	struct store_stmt *s = NULL;

	memset(f, 0, sizeof(*f));
	if (store_prepare(
	            st,
	            "SELECT url, effective_url, retrieved_at, http_status, "
	            "etag, last_modified, content_type, outcome FROM fetch "
	            "WHERE source_id = ? AND snapshot_sha256 = ? AND "
	            "retrieved_at >= ? ORDER BY id LIMIT 1",
	            &s, err) < 0)
		return -1;
	store_bind_text(s, 1, source);
	store_bind_text(s, 2, sha);
	store_bind_text(s, 3, known_from);
	if (store_step(s) == STORE_ROW) {
		f->url = dup_or_null(store_col_text(s, 0));
		f->effective_url = dup_or_null(store_col_text(s, 1));
		f->retrieved_at = dup_or_null(store_col_text(s, 2));
		f->status = (long)store_col_int(s, 3);
		f->etag = dup_or_null(store_col_text(s, 4));
		f->last_modified = dup_or_null(store_col_text(s, 5));
		f->content_type = dup_or_null(store_col_text(s, 6));
		f->outcome = dup_or_null(store_col_text(s, 7));
	}
	store_finalize(s);
	return 0;
}

/* Prints a PROV-JSON document and frees it. */
static void
print_prov_doc(FILE *fp, struct prov_doc *doc)
{
	struct cJSON *root = prov_doc_finish(doc);
	char *text = json_print(root, 1);

	fprintf(fp, "%s\n", text);
	free(text);
	json_delete(root);
}

/* PROV-JSON of one value: the value, its observation, the snapshot, the
 * fetch, reconcile, the publisher and provstat. */
static void
print_prov(FILE *fp, struct store_stmt *s, const struct fetch_row *f)
{
	struct prov_doc doc;
	struct cJSON *o;
	char *value_id = xasprintf("value:%s", store_col_text(s, C_KEY));
	char *snap_id = xasprintf("sha256:%s", store_col_text(s, C_SNAPSHOT));
	char *fetch_id =
	        xasprintf("provstat:fetch-%s", store_col_text(s, C_SOURCE));

	prov_doc_init(&doc, "value", "https://provstat.invalid/value/");
	o = prov_node(&doc, PROV_ENTITY, value_id);
	json_add_string(o, "prov:type", "provstat:Value");
	json_add_string(o, "provstat:indicator",
	                store_col_text(s, C_INDICATOR));
	json_add_string(o, "provstat:geo", store_col_text(s, C_GEO));
	json_add_string(o, "provstat:period", store_col_text(s, C_PERIOD));
	if (!store_col_null(s, C_VALUE))
		json_add_number(o, "prov:value", store_col_double(s, C_VALUE));
	json_add_string(o, "provstat:unit", store_col_text(s, C_UNIT));
	json_add_string(o, "provstat:raw_text", store_col_text(s, C_RAW_VALUE));
	json_add_string(o, "provstat:locator", store_col_text(s, C_LOCATOR));
	json_add_string(o, "provstat:recipe_sha256",
	                store_col_text(s, C_RECIPE_SHA));
	o = prov_node(&doc, PROV_ENTITY, snap_id);
	json_add_string(o, "prov:type", "provstat:Snapshot");
	json_add_number(o, "provstat:bytes",
	                (double)store_col_int(s, C_SNAP_BYTES));
	json_add_string(o, "provstat:citation", store_col_text(s, C_CITATION));
	json_add_string(o, "provstat:evidence_grade",
	                store_col_text(s, C_GRADE));
	o = prov_node(&doc, PROV_ACTIVITY, fetch_id);
	if (f->url)
		json_add_string(o, "provstat:url", f->url);
	if (f->retrieved_at)
		json_add_string(o, "prov:startTime", f->retrieved_at);
	o = prov_node(&doc, PROV_ACTIVITY, "provstat:reconcile");
	json_add_string(o, "prov:label", "provstat reconcile");
	o = prov_node(&doc, PROV_AGENT, "provstat:publisher");
	json_add_string(o, "prov:type", "prov:Organization");
	json_add_string(o, "prov:label", store_col_text(s, C_PUBLISHER));
	o = prov_node(&doc, PROV_AGENT, "provstat:provstat");
	json_add_string(o, "prov:type", "prov:SoftwareAgent");
	prov_relate(&doc, PROV_GENERATED, snap_id, fetch_id);
	prov_relate(&doc, PROV_GENERATED, value_id, "provstat:reconcile");
	prov_relate(&doc, PROV_USED, "provstat:reconcile", snap_id);
	prov_relate(&doc, PROV_ATTRIBUTED, snap_id, "provstat:publisher");
	prov_relate(&doc, PROV_DERIVED, value_id, snap_id);
	print_prov_doc(fp, &doc);
	free(value_id);
	free(snap_id);
	free(fetch_id);
}

static const char *
str_at(const struct cJSON *obj, const char *a, const char *b)
{
	const char *v = json_string(json_get(json_get(obj, a), b));

	return v ? v : "-";
}

/* The recipe as one line per rule. */
static void
print_rules(FILE *fp, const char *recipe, const char *sha)
{
	struct cJSON *r = json_parse_own(recipe);

	if (!r) {
		fprintf(fp, "rules      %s\n", recipe);
		return;
	}
	fprintf(fp, "rules      recipe %.12s\n", sha);
	fprintf(fp, "  crosswalk  %s/%s -> %s (indicators version %s",
	        str_at(r, "crosswalk", "source"),
	        str_at(r, "crosswalk", "measure"),
	        str_at(r, "crosswalk", "indicator"),
	        str_at(r, "crosswalk", "indicators_version"));
	if (json_string(json_get(json_get(r, "crosswalk"), "valid_from")))
		fprintf(fp, ", from %s", str_at(r, "crosswalk", "valid_from"));
	if (json_string(json_get(json_get(r, "crosswalk"), "valid_to")))
		fprintf(fp, ", to %s", str_at(r, "crosswalk", "valid_to"));
	fprintf(fp, ")\n");
	fprintf(fp, "  geo table  aliases version %s, tables sha256 %.12s\n",
	        str_at(r, "geo", "aliases_version"),
	        str_at(r, "geo", "tables_sha256"));
	fprintf(fp, "  unit       %s (%s)\n", str_at(r, "unit", "rule"),
	        str_at(r, "unit", "unit"));
	fprintf(fp, "  period     %s\n", str_at(r, "period", "rule"));
	fprintf(fp, "  conflict   %s\n", str_at(r, "conflict", "rule"));
	fprintf(fp, "  duplicates %s\n", str_at(r, "duplicates", "rule"));
	json_delete(r);
}

static void
print_human(FILE *fp, struct store_stmt *s, const char *value_text,
            const struct geo_match *gm, const char *archive,
            const struct bytes_at *b, const struct fetch_row *f,
            const struct inputs *inputs, const struct source_config *src)
{
	const char *q = store_col_text(s, C_QUALIFIER),
	           *fl = store_col_text(s, C_FLAGS),
	           *pr = store_col_text(s, C_PRECISION);

	fprintf(fp, "value      %s %s %s = %s%s%s %s%s%s%s\n",
	        store_col_text(s, C_INDICATOR), store_col_text(s, C_GEO),
	        store_col_text(s, C_PERIOD), q && *q ? q : "",
	        q && *q ? " " : "", value_text, store_col_text(s, C_UNIT),
	        *pr ? " (" : "", pr, *pr ? ")" : "");
	fprintf(fp, "lineage    %s  status %s%s%s\n", store_col_text(s, C_KEY),
	        store_col_text(s, C_STATUS), fl && *fl ? "  flags " : "",
	        fl && *fl ? fl : "");
	fprintf(fp, "vintage    known from %s%s%s\n",
	        store_col_text(s, C_KNOWN_FROM),
	        store_col_text(s, C_KNOWN_TO) ? " until " : " (current)",
	        store_col_text(s, C_KNOWN_TO) ? store_col_text(s, C_KNOWN_TO)
	                                      : "");
	print_rules(fp, store_col_text(s, C_RECIPE),
	            store_col_text(s, C_RECIPE_SHA));
	fprintf(fp, "geo        '%s' -> %s (%s)\n",
	        store_col_text(s, C_RAW_GEO), store_col_text(s, C_GEO),
	        geo_rule_name(gm->rule));
	fprintf(fp, "period     '%s' -> %s\n", store_col_text(s, C_RAW_PERIOD),
	        store_col_text(s, C_PERIOD));
	fprintf(fp, "measure    '%s'\n", store_col_text(s, C_MEASURE));
	fprintf(fp, "source     %s: %s, \"%s\" (evidence grade %s)\n",
	        store_col_text(s, C_SOURCE), store_col_text(s, C_PUBLISHER),
	        store_col_text(s, C_TITLE), store_col_text(s, C_GRADE));
	fprintf(fp, "citation   %s\n", store_col_text(s, C_CITATION));
	if (src && src->transcribed_from.title) {
		char *tr = config_transcription(src);

		fprintf(fp,
		        "transcript this document is provstat's transcription "
		        "of %s\n",
		        tr);
		free(tr);
	}
	fprintf(fp, "snapshot   sha256 %s (%lld bytes; re-hashed now: %s)\n",
	        store_col_text(s, C_SNAPSHOT),
	        (long long)store_col_int(s, C_SNAP_BYTES),
	        strcmp(b->actual, store_col_text(s, C_SNAPSHOT)) == 0
	                ? "matches"
	                : "DIFFERS");
	fprintf(fp, "file       %s\n", archive);
	if (b->off < 0)
		/* A value the reader could not place exactly. */
		fprintf(fp,
		        "locator    %s (no byte range: the locator says "
		        "where)\n",
		        store_col_text(s, C_LOCATOR));
	else
		fprintf(fp, "locator    %s (bytes %lld..%lld%s)\n",
		        store_col_text(s, C_LOCATOR), b->off, b->off + b->len,
		        b->text ? " of the text below" : "");
	if (b->text)
		fprintf(fp, "text       %s\n", b->text);
	fprintf(fp, "raw text   '%s'\n", store_col_text(s, C_RAW_VALUE));
	if (b->raw)
		fprintf(fp, "bytes      %s\n", b->raw);
	if (b->line)
		fprintf(fp, "context    %s\n", b->line);
	if (inputs) {
		size_t i;

		fprintf(fp,
		        "inputs     %zu observations, summed by the source's "
		        "duplicates rule:\n",
		        inputs->n);
		for (i = 0; i < inputs->n; i++)
			fprintf(fp, "             '%s' = '%s' at %s\n",
			        inputs->geo[i], inputs->raw[i],
			        inputs->locator[i]);
	}
	if (f->url) {
		fprintf(fp, "fetch      %s at %s, outcome %s", f->url,
		        f->retrieved_at, f->outcome);
		if (f->status)
			fprintf(fp, ", HTTP %ld", f->status);
		if (f->etag)
			fprintf(fp, ", ETag %s", f->etag);
		if (f->last_modified)
			fprintf(fp, ", Last-Modified %s", f->last_modified);
		fputc('\n', fp);
	}
}

static void
print_json(FILE *fp, struct store_stmt *s, const struct geo_match *gm,
           const char *archive, const struct bytes_at *b,
           const struct fetch_row *f, const struct inputs *inputs,
           const struct source_config *src)
{
	struct cJSON *root = json_new_object(), *o;
	struct cJSON *recipe;
	char *text;
	const char *r = store_col_text(s, C_RECIPE);

	json_add_string(root, "lineage_id", store_col_text(s, C_KEY));
	json_add_string(root, "indicator", store_col_text(s, C_INDICATOR));
	json_add_string(root, "geo", store_col_text(s, C_GEO));
	json_add_string(root, "period", store_col_text(s, C_PERIOD));
	if (store_col_null(s, C_VALUE))
		json_add_string(root, "value", NULL);
	else
		json_add_number(root, "value", store_col_double(s, C_VALUE));
	json_add_string(root, "unit", store_col_text(s, C_UNIT));
	json_add_string(root, "flags", store_col_text(s, C_FLAGS));
	json_add_string(root, "qualifier", store_col_text(s, C_QUALIFIER));
	json_add_string(root, "precision", store_col_text(s, C_PRECISION));
	json_add_string(root, "status", store_col_text(s, C_STATUS));
	json_add_string(root, "known_from", store_col_text(s, C_KNOWN_FROM));
	json_add_string(root, "known_to", store_col_text(s, C_KNOWN_TO));
	o = json_new_object();
	json_add_string(o, "sha256", store_col_text(s, C_RECIPE_SHA));
	recipe = json_parse_own(r);
	if (recipe)
		json_add_item(o, "recipe", recipe);
	else
		json_add_string(o, "recipe", r);
	json_add_item(root, "rules", o);
	o = json_new_object();
	json_add_string(o, "raw", store_col_text(s, C_RAW_GEO));
	json_add_string(o, "code", store_col_text(s, C_GEO));
	json_add_string(o, "rule", geo_rule_name(gm->rule));
	json_add_item(root, "geo_mapping", o);
	o = json_new_object();
	json_add_string(o, "source", store_col_text(s, C_SOURCE));
	json_add_string(o, "publisher", store_col_text(s, C_PUBLISHER));
	json_add_string(o, "title", store_col_text(s, C_TITLE));
	json_add_string(o, "citation", store_col_text(s, C_CITATION));
	json_add_string(o, "grade", store_col_text(s, C_GRADE));
	json_add_string(o, "measure", store_col_text(s, C_MEASURE));
	json_add_string(o, "raw_period", store_col_text(s, C_RAW_PERIOD));
	json_add_string(o, "raw_text", store_col_text(s, C_RAW_VALUE));
	json_add_string(o, "locator", store_col_text(s, C_LOCATOR));
	json_add_number(o, "line", (double)store_col_int(s, C_LINE));
	json_add_number(o, "column", (double)store_col_int(s, C_COL));
	/* In the archived file, or in the text b->text names. */
	if (b->off < 0) {
		json_add_string(o, "byte_offset", NULL);
		json_add_string(o, "byte_length", NULL);
	} else {
		json_add_number(o, "byte_offset", (double)b->off);
		json_add_number(o, "byte_length", (double)b->len);
	}
	json_add_string(o, "decoding", store_col_text(s, C_DECODING));
	json_add_string(o, "text", b->text);
	json_add_string(o, "bytes", b->raw);
	json_add_string(o, "context", b->line);
	if (src && src->transcribed_from.title) {
		struct cJSON *tr = json_new_object();

		json_add_string(tr, "title", src->transcribed_from.title);
		json_add_string(tr, "url", src->transcribed_from.url);
		json_add_string(tr, "where", src->transcribed_from.where);
		json_add_string(tr, "seen", src->transcribed_from.seen);
		json_add_item(o, "transcribed_from", tr);
	}
	json_add_item(root, "observation", o);
	o = json_new_object();
	json_add_string(o, "sha256", store_col_text(s, C_SNAPSHOT));
	json_add_number(o, "bytes", (double)store_col_int(s, C_SNAP_BYTES));
	json_add_string(o, "file", archive);
	json_add_bool(o, "verified",
	              strcmp(b->actual, store_col_text(s, C_SNAPSHOT)) == 0);
	json_add_item(root, "snapshot", o);
	o = json_new_object();
	json_add_string(o, "url", f->url);
	json_add_string(o, "effective_url", f->effective_url);
	json_add_string(o, "retrieved_at", f->retrieved_at);
	if (f->status)
		json_add_number(o, "http_status", (double)f->status);
	json_add_string(o, "etag", f->etag);
	json_add_string(o, "last_modified", f->last_modified);
	json_add_string(o, "outcome", f->outcome);
	json_add_item(root, "fetch", o);
	if (inputs) {
		struct cJSON *arr = json_new_array();
		size_t i;

		for (i = 0; i < inputs->n; i++) {
			o = json_new_object();
			json_add_string(o, "raw_geo", inputs->geo[i]);
			json_add_string(o, "raw_text", inputs->raw[i]);
			json_add_string(o, "locator", inputs->locator[i]);
			json_add_item(arr, NULL, o);
		}
		json_add_item(root, "inputs", arr);
	}
	text = json_print(root, 1);
	fprintf(fp, "%s\n", text);
	free(text);
	json_delete(root);
}

static int
valid_key_prefix(const char *k)
{
	size_t n = strlen(k), i;

	if (n < 6 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)k[i]) ||
		    isupper((unsigned char)k[i]))
			return 0;
	return 1;
}

/* A value made from an observation (key: its whole lineage id): the bytes
 * it came from. */
static int
trace_observed(const struct config *cfg, struct store *st, const char *out_dir,
               const char *key, const struct trace_query *q, FILE *fp,
               struct error *err)
{
	struct store_stmt *s = NULL;
	struct geo_table *geo = NULL;
	struct fetch_row f;
	struct bytes_at b;
	struct inputs in;
	struct geo_match gm;
	char *archive = NULL;
	char value_text[32] = "(not available)";
	int ret = -1;

	memset(&f, 0, sizeof(f));
	memset(&b, 0, sizeof(b));
	memset(&in, 0, sizeof(in));
	if (store_prepare(st, TRACE_SELECT "WHERE v.key = ?1", &s, err) < 0)
		goto out;
	store_bind_text(s, 1, key);
	if (store_step(s) != STORE_ROW) {
		error_set(err, "no value with lineage id '%s'", key);
		goto out;
	}
	if (!store_col_null(s, C_VALUE))
		number_format_shortest(store_col_double(s, C_VALUE),
		                       value_text);
	archive = archive_path(out_dir, store_col_text(s, C_SNAPSHOT));
	{
		const struct source_config *src =
		        config_source(cfg, store_col_text(s, C_SOURCE));
		struct bytes_query bq = {
		        .path = archive,
		        .off = store_col_null(s, C_OFFSET)
		                       ? -1
		                       : store_col_int(s, C_OFFSET),
		        .len = store_col_int(s, C_LENGTH),
		        .locator = store_col_text(s, C_LOCATOR),
		        .decoding = store_col_text(s, C_DECODING),
		        .encoding = src ? src->csv.encoding : NULL,
		        .max_bytes =
		                src ? src->max_bytes : CONFIG_DEFAULT_MAX_BYTES,
		        .pdf_timeout_s = src ? src->pdf.timeout_s : 60};

		if (bytes_read(&bq, &b, err) < 0)
			goto out;
	}
	if (geo_table_load(&geo, cfg->iso_codes_path, cfg->geo_aliases_path,
	                   err) < 0)
		goto out;
	gm = geo_lookup(geo, store_col_text(s, C_RAW_GEO));
	if (load_fetch(st, store_col_text(s, C_SOURCE),
	               store_col_text(s, C_SNAPSHOT),
	               store_col_text(s, C_KNOWN_FROM), &f, err) < 0)
		goto out;
	if (load_inputs(st, store_col_text(s, C_KEY), &in, err) < 0)
		goto out;
	if (q->prov)
		print_prov(fp, s, &f);
	else if (q->json)
		print_json(fp, s, &gm, archive, &b, &f, in.n ? &in : NULL,
		           config_source(cfg, store_col_text(s, C_SOURCE)));
	else
		print_human(fp, s, value_text, &gm, archive, &b, &f,
		            in.n ? &in : NULL,
		            config_source(cfg, store_col_text(s, C_SOURCE)));
	if (strcmp(b.actual, store_col_text(s, C_SNAPSHOT)) != 0) {
		error_set(err,
		          "archived file '%s' no longer matches its sha256: "
		          "the archive was modified",
		          archive);
		goto out;
	}
	ret = 0;
out:
	store_finalize(s);
	geo_table_free(geo);
	fetch_row_release(&f);
	inputs_release(&in);
	bytes_release(&b);
	free(archive);
	return ret;
}

/* ----------------------------------------------------- derived values */

struct input_ref {
	char *role, *key, *label;
};

/* The inputs of a derived value, by role and key. */
static int
load_derived_inputs(struct store *st, const char *key, struct input_ref **out,
                    size_t *n, struct error *err)
{
	struct store_stmt *s = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_prepare(
	            st,
	            "SELECT d.role, i.key, i.indicator || ' ' || i.geo || "
	            "' ' || i.period, i.value FROM derived_input d JOIN value "
	            "v "
	            "ON v.id = d.value_id JOIN value i ON i.id = "
	            "d.input_id WHERE v.key = ? ORDER BY d.role, "
	            "i.indicator, i.geo, i.period",
	            &s, err) < 0)
		return -1;
	store_bind_text(s, 1, key);
	while ((rc = store_step(s)) == STORE_ROW) {
		*out = xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[*n].role = xstrdup(store_col_text(s, 0));
		(*out)[*n].key = xstrdup(store_col_text(s, 1));
		char num[32] = "(not available)";

		if (!store_col_null(s, 3))
			number_format_shortest(store_col_double(s, 3), num);
		(*out)[*n].label =
		        xasprintf("%s = %s", store_col_text(s, 2), num);
		(*n)++;
	}
	store_finalize(s);
	if (rc != STORE_DONE)
		return error_set(err, "store: cannot read a value's inputs");
	return 0;
}

static void
input_refs_free(struct input_ref *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(in[i].role);
		free(in[i].key);
		free(in[i].label);
	}
	free(in);
}

/* The trace of one input, as a JSON node (json or prov form). */
static struct cJSON *
input_doc(const struct config *cfg, struct store *st, const char *out_dir,
          const char *key, const struct trace_query *q, struct error *err)
{
	struct trace_query sub = *q;
	struct cJSON *doc = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (!mem)
		return error_set(err, "out of memory"), NULL;
	sub.key = key;
	sub.depth = q->depth > 0 ? q->depth - 1 : q->depth;
	sub.indicator = sub.geo = sub.period = sub.as_of = NULL;
	if (trace_run(cfg, st, out_dir, &sub, mem, err) < 0) {
		fclose(mem);
		free(buf);
		return NULL;
	}
	fclose(mem);
	doc = json_parse_own(buf);
	free(buf);
	if (!doc)
		error_set(err, "trace of %s is not JSON", key);
	return doc;
}

static void
add_value_fields(struct cJSON *o, struct store_stmt *s, int prov)
{
	json_add_string(o, prov ? "provstat:indicator" : "indicator",
	                store_col_text(s, 1));
	json_add_string(o, prov ? "provstat:geo" : "geo", store_col_text(s, 2));
	json_add_string(o, prov ? "provstat:period" : "period",
	                store_col_text(s, 3));
	if (!store_col_null(s, 4))
		json_add_number(o, prov ? "prov:value" : "value",
		                store_col_double(s, 4));
	else if (!prov)
		json_add_string(o, "value", NULL);
	json_add_string(o, prov ? "provstat:unit" : "unit",
	                store_col_text(s, 5));
	json_add_string(o, prov ? "provstat:status" : "status",
	                store_col_text(s, 8));
	if (*store_col_text(s, 7))
		json_add_string(o, prov ? "provstat:qualifier" : "qualifier",
		                store_col_text(s, 7));
	if (*store_col_text(s, 13))
		json_add_string(o, prov ? "provstat:precision" : "precision",
		                store_col_text(s, 13));
	json_add_string(o, prov ? "provstat:recipe_sha256" : "recipe_sha256",
	                store_col_text(s, 12));
}

static int
print_derived_prov(const struct config *cfg, struct store *st,
                   const char *out_dir, struct store_stmt *s,
                   const struct input_ref *in, size_t nin,
                   const struct trace_query *q, FILE *fp, struct error *err)
{
	struct prov_doc doc;
	struct cJSON *o;
	char *value_id = xasprintf("value:%s", store_col_text(s, 0));
	size_t i;

	prov_doc_init(&doc, "value", "https://provstat.invalid/value/");
	o = prov_node(&doc, PROV_ENTITY, value_id);
	json_add_string(o, "prov:type", "provstat:Value");
	add_value_fields(o, s, 1);
	o = prov_node(&doc, PROV_ACTIVITY, "provstat:reconcile");
	json_add_string(o, "prov:label", "provstat reconcile");
	prov_relate(&doc, PROV_GENERATED, value_id, "provstat:reconcile");
	for (i = 0; i < nin; i++) {
		char *in_id = xasprintf("value:%s", in[i].key);
		struct cJSON *input;

		if (q->depth == 0) { /* named, not traced */
			prov_node(&doc, PROV_ENTITY, in_id);
			prov_relate(&doc, PROV_USED, "provstat:reconcile",
			            in_id);
			prov_relate(&doc, PROV_DERIVED, value_id, in_id);
			free(in_id);
			continue;
		}
		input = input_doc(cfg, st, out_dir, in[i].key, q, err);
		if (!input) {
			free(in_id);
			prov_doc_release(&doc);
			free(value_id);
			return -1;
		}
		prov_doc_merge(&doc, input);
		json_delete(input);
		prov_relate(&doc, PROV_USED, "provstat:reconcile", in_id);
		prov_relate(&doc, PROV_DERIVED, value_id, in_id);
		free(in_id);
	}
	print_prov_doc(fp, &doc);
	free(value_id);
	return 0;
}

static int
print_derived_json(const struct config *cfg, struct store *st,
                   const char *out_dir, struct store_stmt *s,
                   const struct input_ref *in, size_t nin,
                   const struct trace_query *q, FILE *fp, struct error *err)
{
	struct cJSON *root = json_new_object(), *arr = json_new_array(), *r;
	char *text;
	size_t i;
	int ret = -1;

	json_add_string(root, "lineage_id", store_col_text(s, 0));
	add_value_fields(root, s, 0);
	json_add_string(root, "known_from", store_col_text(s, 9));
	json_add_string(root, "known_to", store_col_text(s, 10));
	r = json_parse_own(store_col_text(s, 11));
	if (r)
		json_add_item(root, "rules", r);
	for (i = 0; i < nin; i++) {
		struct cJSON *o = json_new_object();
		struct cJSON *doc = NULL;

		json_add_string(o, "role", in[i].role);
		json_add_string(o, "lineage_id", in[i].key);
		json_add_item(arr, NULL, o);
		if (q->depth == 0) /* listed, not traced */
			continue;
		if (!(doc = input_doc(cfg, st, out_dir, in[i].key, q, err)))
			goto out;
		json_add_item(o, "trace", doc);
	}
	ret = 0;
out:
	json_add_item(root, "inputs", arr);
	if (ret == 0) {
		text = json_print(root, 1);
		fprintf(fp, "%s\n", text);
		free(text);
	}
	json_delete(root);
	return ret;
}

/* The summary line of a derived value's trace: how many values it rests
 * on, down to how many observations in how many documents. */
static void
print_summary(struct store *st, const char *key, FILE *fp)
{
	static const char sql[] =
	        "WITH RECURSIVE t(id) AS (SELECT d.input_id FROM derived_input "
	        "d JOIN value v ON v.id = d.value_id WHERE v.key = ?1 UNION "
	        "SELECT d.input_id FROM derived_input d JOIN t ON d.value_id "
	        "= t.id) SELECT count(*), count(v.observation_id), count("
	        "DISTINCT p.snapshot_sha256) FROM t JOIN value v ON v.id = "
	        "t.id "
	        "LEFT JOIN observation o ON o.id = v.observation_id LEFT JOIN "
	        "parse p ON p.id = o.parse_id";
	struct store_stmt *s = NULL;
	struct error err;

	if (store_prepare(st, sql, &s, &err) < 0)
		return;
	store_bind_text(s, 1, key);
	if (store_step(s) == STORE_ROW)
		fprintf(fp,
		        "summary    derived from %lld values, down to %lld "
		        "observations in %lld documents\n",
		        (long long)store_col_int(s, 0),
		        (long long)store_col_int(s, 1),
		        (long long)store_col_int(s, 2));
	store_finalize(s);
}

static int
print_derived_human(const struct config *cfg, struct store *st,
                    const char *out_dir, struct store_stmt *s,
                    const struct input_ref *in, size_t nin,
                    const struct trace_query *q, FILE *fp, struct error *err)
{
	char value_text[32] = "(not available)";
	size_t i;

	if (!store_col_null(s, 4))
		number_format_shortest(store_col_double(s, 4), value_text);
	print_summary(st, store_col_text(s, 0), fp);
	fprintf(fp, "value      %s %s %s = %s%s%s %s%s%s%s\n",
	        store_col_text(s, 1), store_col_text(s, 2),
	        store_col_text(s, 3),
	        *store_col_text(s, 7) ? store_col_text(s, 7) : "",
	        *store_col_text(s, 7) ? " " : "", value_text,
	        store_col_text(s, 5), *store_col_text(s, 13) ? " (" : "",
	        store_col_text(s, 13), *store_col_text(s, 13) ? ")" : "");
	fprintf(fp, "lineage    %s  status %s%s%s\n", store_col_text(s, 0),
	        store_col_text(s, 8), *store_col_text(s, 6) ? "  flags " : "",
	        store_col_text(s, 6));
	fprintf(fp, "vintage    known from %s%s%s\n", store_col_text(s, 9),
	        store_col_text(s, 10) ? " to " : " (current)",
	        store_col_text(s, 10) ? store_col_text(s, 10) : "");
	fprintf(fp, "rules      recipe %.12s\n", store_col_text(s, 12));
	fprintf(fp, "  derived  %s\n", store_col_text(s, 11));
	fprintf(fp, "inputs     %zu values\n", nin);
	for (i = 0; i < nin; i++)
		fprintf(fp, "  %-8s %s %s\n", in[i].role, in[i].key,
		        in[i].label);
	if (q->depth == 0 && nin) {
		fprintf(fp, "           (not traced further: give an input's "
		            "lineage id, or a larger --depth)\n");
		return 0;
	}
	for (i = 0; i < nin; i++) {
		struct trace_query sub = *q;

		sub.depth = q->depth > 0 ? q->depth - 1 : q->depth;

		fprintf(fp, "\n--- input %zu of %zu (%s): %s\n", i + 1, nin,
		        in[i].role, in[i].key);
		sub.key = in[i].key;
		sub.indicator = sub.geo = sub.period = sub.as_of = NULL;
		if (trace_run(cfg, st, out_dir, &sub, fp, err) < 0)
			return -1;
	}
	return 0;
}

/* A derived value: its rule, then the trace of every input value, down to
 * the bytes of each. */
static int
trace_derived(const struct config *cfg, struct store *st, const char *out_dir,
              const char *key, const struct trace_query *q, FILE *fp,
              struct error *err)
{
	struct store_stmt *s = NULL;
	struct input_ref *in = NULL;
	size_t nin = 0;
	int ret = -1;

	if (store_prepare(
	            st,
	            "SELECT v.key, v.indicator, v.geo, v.period, v.value, "
	            "v.unit, v.flags, v.qualifier, v.status, "
	            "v.known_from, v.known_to, l.recipe, "
	            "l.recipe_sha256, v.precision FROM value v JOIN lineage l "
	            "ON "
	            "l.id = v.lineage_id WHERE v.key = ?",
	            &s, err) < 0)
		return -1;
	store_bind_text(s, 1, key);
	if (store_step(s) != STORE_ROW) {
		error_set(err, "no value with lineage id '%s'", key);
		goto out;
	}
	if (load_derived_inputs(st, key, &in, &nin, err) < 0)
		goto out;
	if (q->prov)
		ret = print_derived_prov(cfg, st, out_dir, s, in, nin, q, fp,
		                         err);
	else if (q->json)
		ret = print_derived_json(cfg, st, out_dir, s, in, nin, q, fp,
		                         err);
	else
		ret = print_derived_human(cfg, st, out_dir, s, in, nin, q, fp,
		                          err);
out:
	input_refs_free(in, nin);
	store_finalize(s);
	return ret;
}

int
trace_run(const struct config *cfg, struct store *st, const char *out_dir,
          const struct trace_query *q, FILE *fp, struct error *err)
{
	char *key = NULL;
	char as_of[TIMEFMT_LEN];
	int derived = 0, rc, ret = -1;
	time_t t;

	if (q->key) {
		if (!valid_key_prefix(q->key))
			return error_set(err,
			                 "'%s': a lineage id is 6 to 12 "
			                 "lowercase hex digits",
			                 q->key);
		rc = store_value_find_key(st, q->key, &key, &derived, err);
	} else {
		if (q->as_of) {
			if (timefmt_parse(q->as_of, 1, &t, err) < 0)
				goto out;
		} else {
			t = timefmt_now();
		}
		timefmt_format(t, as_of);
		rc = store_value_find(st, q->indicator, q->geo, q->period,
		                      as_of, &key, &derived, err);
	}
	if (rc < 0)
		goto out;
	if (rc == 0) {
		if (q->key)
			error_set(err, "no value with lineage id '%s'", q->key);
		else
			error_set(err, "no value for %s %s %s", q->indicator,
			          q->geo, q->period);
		goto out;
	}
	if (rc == 2) {
		error_set(err, "lineage id prefix '%s' is ambiguous", q->key);
		goto out;
	}
	if (derived)
		ret = trace_derived(cfg, st, out_dir, key, q, fp, err);
	else
		ret = trace_observed(cfg, st, out_dir, key, q, fp, err);
out:
	free(key);
	return ret;
}
