/*
 * format — see format.h.  The readers of each format's own options are
 * here, beside the format's row; the options they fill are documented in
 * config.h and doc/provstat-config.5.
 */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#include "config_load.h"
#include "json.h"
#include "strbuf.h"
#include "xalloc.h"

static int
pdf_options(struct cfg *c, const struct cJSON *obj, struct pdf_options *p)
{
	static const char *const keys[] = {
	        "row",         "geo_group", "value_group", "total",
	        "total_group", "skip",      "timeout_s",   NULL};

	p->geo_group = 1;
	p->value_group = 2;
	p->total_group = 1;
	p->timeout_s = 60;
	if (!obj)
		return 0;
	return cfg_keys(c, obj, "'pdf'", keys) < 0 ||
	                       cfg_regex(c, obj, "row", &p->row) < 0 ||
	                       cfg_group(c, obj, "geo_group", &p->geo_group) <
	                               0 ||
	                       cfg_group(c, obj, "value_group",
	                                 &p->value_group) < 0 ||
	                       cfg_regex(c, obj, "total", &p->total) < 0 ||
	                       cfg_group(c, obj, "total_group",
	                                 &p->total_group) < 0 ||
	                       cfg_regex_list(c, obj, "skip", &p->skip,
	                                      &p->nskip) < 0 ||
	                       cfg_long(c, obj, "timeout_s", 1, 3600,
	                                &p->timeout_s) < 0
	               ? -1
	               : 0;
}

static int
html_options(struct cfg *c, const struct cJSON *obj, struct html_options *h)
{
	static const char *const keys[] = {
	        "table",         "select",       "pattern",
	        "groups",        "period_xpath", "period_pattern",
	        "period_format", "header_rows",  NULL};
	static const char *const group_keys[] = {
	        "measure", "geo",       "period",    "value", "unit",
	        "flags",   "precision", "qualifier", NULL};
	const struct cJSON *g;
	int f;

	h->header_rows = 1;
	if (!obj)
		return 0;
	if (cfg_keys(c, obj, "'html'", keys) < 0 ||
	    cfg_string(c, obj, "table", 0, &h->table) < 0 ||
	    cfg_string(c, obj, "select", 0, &h->select) < 0 ||
	    cfg_regex(c, obj, "pattern", &h->pattern) < 0 ||
	    cfg_string(c, obj, "period_xpath", 0, &h->period_xpath) < 0 ||
	    cfg_regex(c, obj, "period_pattern", &h->period_pattern) < 0 ||
	    cfg_string(c, obj, "period_format", 0, &h->period_format) < 0 ||
	    cfg_long(c, obj, "header_rows", 1, 16, &h->header_rows) < 0)
		return -1;
	if (h->header_rows > 1 && !h->table)
		return cfg_fail(c, obj, "header_rows", "only for a 'table'");
	if (!h->table == !h->select)
		return cfg_fail(c, obj, "html",
		                "give either 'table' or 'select' with "
		                "'pattern'");
	if (h->select && !h->pattern)
		return cfg_fail(c, obj, "pattern",
		                "'select' needs a 'pattern' to find numbers");
	if ((g = json_get(obj, "groups"))) {
		if (cfg_keys(c, g, "'groups'", group_keys) < 0)
			return -1;
		for (f = 0; f < FIELD_COUNT; f++)
			if (cfg_group(c, g, config_field_names[f],
			              &h->group[f]) < 0)
				return -1;
		if (cfg_group(c, g, "qualifier", &h->qualifier_group) < 0)
			return -1;
	}
	if (h->period_pattern && !h->period_xpath)
		return cfg_fail(c, obj, "period_pattern",
		                "needs 'period_xpath'");
	return 0;
}

static int
json_records(struct cfg *c, const struct cJSON *root, char **out)
{
	struct strbuf sb;
	const char *p;
	char *path = NULL;

	if (cfg_string(c, root, "records", 0, &path) < 0)
		return -1;
	if (!path || path[0] == '/' || path[0] == '\0') {
		*out = path;
		return 0;
	}
	strbuf_init(&sb, 1u << 16);
	strbuf_addch(&sb, '/');
	for (p = path; *p; p++) {
		if (*p == '.') {
			if (p == path || p[1] == '.' || p[1] == '\0') {
				strbuf_release(&sb);
				free(path);
				return cfg_fail(
				        c, json_get(root, "records"), "records",
				        "must be a JSON pointer (\"/data\") "
				        "or a path of keys (\"data.rows\")");
			}
			strbuf_addch(&sb, '/');
		} else if (*p == '~') { /* RFC 6901 escapes */
			strbuf_addstr(&sb, "~0");
		} else if (*p == '/') {
			strbuf_addstr(&sb, "~1");
		} else {
			strbuf_addch(&sb, *p);
		}
	}
	free(path);
	*out = strbuf_detach(&sb, NULL);
	return 0;
}

static int
read_pdf(struct cfg *c, const struct cJSON *root, struct source_config *s)
{
	if (pdf_options(c, json_get(root, "pdf"), &s->pdf) < 0)
		return -1;
	if (!s->pdf.row)
		return cfg_fail(c, root, "pdf",
		                "format 'pdf' needs 'pdf': {'row': ...}");
	if (s->checks.rows_sum_to_total && !s->pdf.total)
		return cfg_fail(c, json_get(root, "checks"),
		                "rows_sum_to_total",
		                "needs 'pdf': {'total': ...}");
	return 0;
}

static int
read_html(struct cfg *c, const struct cJSON *root, struct source_config *s)
{
	if (html_options(c, json_get(root, "html"), &s->html) < 0)
		return -1;
	if (!s->html.table && !s->html.select)
		return cfg_fail(c, root, "html",
		                "format 'html' needs 'html': {'table': ...} or "
		                "{'select': ..., 'pattern': ...}");
	return 0;
}

/* A prose pattern's groups give fields, and the period may come from the
 * page (period_xpath). */
static int
html_finds(const struct source_config *s, enum config_field f)
{
	return s->html.group[f] > 0 ||
	       (f == FIELD_PERIOD && s->html.period_xpath);
}

static int
read_json(struct cfg *c, const struct cJSON *root, struct source_config *s)
{
	if (json_records(c, root, &s->records) < 0)
		return -1;
	if (!s->records)
		return cfg_fail(c, root, "records",
		                "format 'json' needs a JSON pointer to the "
		                "records");
	return 0;
}

static int
read_jsonstat(struct cfg *c, const struct cJSON *root, struct source_config *s)
{
	return cfg_string(c, root, "dataset", 0, &s->dataset);
}

#define VALUE FORMAT_FIELD(FIELD_VALUE)
#define SDMX_COLUMNS(flags)                                                    \
	{                                                                      \
		[FIELD_PERIOD] = "TIME_PERIOD", [FIELD_VALUE] = "OBS_VALUE",   \
		[FIELD_FLAGS] = (flags)                                        \
	}

const struct format_spec format_table[FORMAT_COUNT] = {
        [FORMAT_CSV] = {.id = FORMAT_CSV, .name = "csv", .data = 1},
        [FORMAT_SDMX_CSV] = {.id = FORMAT_SDMX_CSV,
                             .name = "sdmx-csv",
                             .column = SDMX_COLUMNS("OBS_FLAG"),
                             .data = 1},
        /* The period defaults to the time axis. */
        [FORMAT_EUROSTAT_TSV] = {.id = FORMAT_EUROSTAT_TSV,
                                 .name = "eurostat-tsv",
                                 .places = VALUE,
                                 .how = "places values itself",
                                 .optional = FORMAT_FIELD(FIELD_PERIOD),
                                 .data = 1},
        [FORMAT_JSON] = {.id = FORMAT_JSON,
                         .name = "json",
                         .option = "records",
                         .read = read_json,
                         .data = 1},
        [FORMAT_JSON_STAT] = {.id = FORMAT_JSON_STAT,
                              .name = "json-stat",
                              .option = "dataset",
                              .read = read_jsonstat,
                              .places = VALUE,
                              .how = "places values itself",
                              .data = 1},
        [FORMAT_SDMX_ML] = {.id = FORMAT_SDMX_ML,
                            .name = "sdmx-ml",
                            .column = SDMX_COLUMNS("OBS_STATUS"),
                            .data = 1},
        [FORMAT_PDF] = {.id = FORMAT_PDF,
                        .name = "pdf",
                        .option = "pdf",
                        .read = read_pdf,
                        .places = FORMAT_FIELD(FIELD_GEO) | VALUE,
                        .how = "takes geo and value from the row pattern",
                        .has_total = 1},
        [FORMAT_HTML] = {.id = FORMAT_HTML,
                         .name = "html",
                         .option = "html",
                         .read = read_html,
                         .finds = html_finds},
};

const struct format_spec *
format_find(const char *name)
{
	size_t i;

	for (i = 0; i < FORMAT_COUNT; i++)
		if (strcmp(format_table[i].name, name) == 0)
			return &format_table[i];
	return NULL;
}

int
format_apply(struct cfg *c, const struct cJSON *root, struct source_config *s)
{
	const struct format_spec *f = s->spec;
	const struct cJSON *v;
	size_t i;

	for (i = 0; i < FORMAT_COUNT; i++) {
		const char *key = format_table[i].option;

		if (key && &format_table[i] != f && (v = json_get(root, key)))
			return cfg_fail(c, v, key, "only for format '%s'",
			                format_table[i].name);
	}
	if (s->checks.rows_sum_to_total && !f->has_total)
		return cfg_fail(c, json_get(root, "checks"),
		                "rows_sum_to_total",
		                "only for a format whose document states its "
		                "total (pdf)");
	if (f->read && f->read(c, root, s) < 0)
		return -1;
	for (i = 0; i < FIELD_COUNT; i++) {
		if ((f->places & FORMAT_FIELD(i)) && s->column[i])
			return cfg_fail(c, json_get(root, "columns"),
			                config_field_names[i], "format '%s' %s",
			                f->name, f->how);
		if (f->column[i] && !s->column[i] && !s->constant[i]) {
			s->column[i] = xstrdup(f->column[i]);
			if (i == FIELD_FLAGS)
				s->flags_optional = 1;
		}
	}
	return 0;
}

int
format_requires(const struct source_config *s, enum config_field f)
{
	const struct format_spec *fs = s->spec;

	if (s->wide.columns && (f == FIELD_PERIOD || f == FIELD_VALUE))
		return 0;
	if (config_field_optional(f) ||
	    (fs->places | fs->optional) & FORMAT_FIELD(f))
		return 0;
	return !(fs->finds && fs->finds(s, f));
}
