/* config — see config.h. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "hash.h"
#include "json.h"
#include "strbuf.h"
#include "xalloc.h"

const char *const config_field_names[FIELD_COUNT] = {
        "measure", "geo", "period", "value", "unit", "flags"};

static const char *const config_formats[] = {"csv",  "eurostat-tsv", "sdmx-csv",
                                             "json", "json-stat",    "sdmx-ml",
                                             "pdf",  "html"};
static const char *const config_encodings[] = {"utf-8", "latin-1", "utf-16"};
static const char *const config_grades[] = {"publisher", "press", "report",
                                            "unpublished"};

/* The document being read and where errors go. */
struct cfg {
	struct json_doc *doc;
	struct error *err;
};

__attribute__((format(printf, 4, 5))) static int
cfg_fail(struct cfg *c, const struct cJSON *node, const char *key,
         const char *fmt, ...)
{
	char msg[ERROR_MSG_MAX];
	int line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_doc_where(c->doc, node, &line, &col);
	if (key)
		return error_set(c->err, "%s:%d:%d: '%s': %s",
		                 json_doc_name(c->doc), line, col, key, msg);
	return error_set(c->err, "%s:%d:%d: %s", json_doc_name(c->doc), line,
	                 col, msg);
}

static int
in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Every member of obj must be one of the allowed keys (NULL-terminated). */
static int
cfg_keys(struct cfg *c, const struct cJSON *obj, const char *what,
         const char *const *allowed)
{
	const struct cJSON *m;

	if (!json_is_object(obj))
		return cfg_fail(c, obj, NULL, "%s must be an object", what);
	for (m = json_child(obj); m; m = json_next(m)) {
		const char *const *a;

		for (a = allowed; *a; a++)
			if (strcmp(*a, json_key(m)) == 0)
				break;
		if (!*a) {
			int line, col;

			json_doc_where_key(c->doc, m, &line, &col);
			return error_set(c->err,
			                 "%s:%d:%d: '%s': unknown key in %s",
			                 json_doc_name(c->doc), line, col,
			                 json_key(m), what);
		}
	}
	return 0;
}

static int
cfg_string(struct cfg *c, const struct cJSON *obj, const char *key,
           int required, char **out)
{
	const struct cJSON *v = json_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return cfg_fail(c, obj, key, "required key is missing");
		return 0;
	}
	if (!json_is_string(v))
		return cfg_fail(c, v, key, "must be a string");
	if (required && !*json_string(v))
		return cfg_fail(c, v, key, "must not be empty");
	*out = xstrdup(json_string(v));
	return 0;
}

static int
cfg_long(struct cfg *c, const struct cJSON *obj, const char *key, long min,
         long max, long *out)
{
	const struct cJSON *v = json_get(obj, key);
	double d;

	if (!v)
		return 0; /* keep the default in *out */
	if (json_number(v, &d) < 0 || d != (double)(long)d)
		return cfg_fail(c, v, key, "must be a whole number");
	if (d < (double)min || d > (double)max)
		return cfg_fail(c, v, key, "must be between %ld and %ld", min,
		                max);
	*out = (long)d;
	return 0;
}

/* A one-character ASCII string such as a delimiter. */
static int
cfg_char(struct cfg *c, const struct cJSON *obj, const char *key,
         int allow_none, char *out)
{
	const struct cJSON *v = json_get(obj, key);
	const char *s;

	if (!v)
		return 0;
	s = json_string(v);
	if (!s)
		return cfg_fail(c, v, key, "must be a string");
	if (allow_none && !*s) {
		*out = 0;
		return 0;
	}
	if (strlen(s) != 1 || (unsigned char)s[0] >= 0x80 || s[0] == '\n' ||
	    s[0] == '\r')
		return cfg_fail(c, v, key, "must be one ASCII character");
	*out = s[0];
	return 0;
}

int
config_valid_id(const char *id)
{
	size_t i, n = strlen(id);

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = id[i];
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		         (i > 0 && (ch == '.' || ch == '_' || ch == '-'));

		if (!ok)
			return 0;
	}
	return 1;
}

/* A file:// URL for an absolute path, percent-encoding all but unreserved
 * characters and '/'. */
static char *
file_url(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(7 + 3 * strlen(path) + 1), *o = out;

	memcpy(o, "file://", 7);
	o += 7;
	for (; *path; path++) {
		unsigned char ch = (unsigned char)*path;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~/", ch)) {
			*o++ = (char)ch;
		} else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o = '\0';
	return out;
}

/* Turns a config URL into the one fetch uses; file: paths are resolved
 * against dir.  Credentials in URLs are refused: they would end up in the
 * store, the logs and the release. */
static int
cfg_url(struct cfg *c, const struct cJSON *node, const char *dir,
        struct source_config *s)
{
	const char *u = s->url, *rest, *at, *slash;

	if (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0) {
		rest = strstr(u, "://") + 3;
		slash = strchr(rest, '/');
		at = strchr(rest, '@');
		if (at && (!slash || at < slash))
			return cfg_fail(c, node, "url",
			                "credentials in URLs are not allowed");
		if (!*rest || rest == slash)
			return cfg_fail(c, node, "url", "URL has no host");
		s->fetch_url = xstrdup(u);
		return 0;
	}
	if (strncmp(u, "file:", 5) == 0) {
		const char *path = u + 5;
		char *joined, *real;

		if (strncmp(path, "//", 2) == 0) {
			if (strncmp(path, "///", 3) != 0)
				return cfg_fail(
				        c, node, "url",
				        "file URLs must be local "
				        "(file:///path or file:relative)");
			path += 2;
		}
		if (!*path)
			return cfg_fail(c, node, "url", "file URL has no path");
		/* The directory must exist; the document need not (a missing
		 * document is a failed fetch, not a config error). */
		real = realpath(dir, NULL);
		if (!real)
			return cfg_fail(c, node, "url",
			                "cannot resolve '%s': %s", dir,
			                strerror(errno));
		joined = path[0] == '/' ? xstrdup(path)
		                        : xasprintf("%s/%s", real, path);
		s->fetch_url = file_url(joined);
		s->is_file = 1;
		free(joined);
		free(real);
		return 0;
	}
	return cfg_fail(c, node, "url",
	                "unsupported URL scheme in '%s' (https, http or file)",
	                u);
}

static int
cfg_number_format(struct cfg *c, const struct cJSON *obj,
                  struct number_format *f)
{
	static const char *const keys[] = {"decimal",     "group",
	                                   "group_space", "percent",
	                                   "scale_words", NULL};
	const struct cJSON *v;
	const char *g;

	number_format_default(f);
	if (!obj)
		return 0;
	if (cfg_keys(c, obj, "'number'", keys) < 0 ||
	    cfg_char(c, obj, "decimal", 0, &f->decimal) < 0)
		return -1;
	if ((v = json_get(obj, "group"))) {
		if (!(g = json_string(v)) || strlen(g) > NUMBER_GROUP_MAX)
			return cfg_fail(c, v, "group",
			                "must be a string of at most %d marks",
			                NUMBER_GROUP_MAX);
		if (strchr(g, f->decimal))
			return cfg_fail(c, v, "group",
			                "the decimal mark cannot also group "
			                "digits");
		snprintf(f->group, sizeof(f->group), "%s", g);
	}
	if ((v = json_get(obj, "group_space")))
		f->group_space = json_is_true(v);
	if ((v = json_get(obj, "percent")))
		f->percent = json_is_true(v);
	if ((v = json_get(obj, "scale_words")))
		f->scale_words = json_is_true(v);
	return 0;
}

static int
cfg_fields(struct cfg *c, const struct cJSON *obj, const char *what, char **out)
{
	static const char *const keys[] = {
	        "measure", "geo", "period", "value", "unit", "flags", NULL};
	int i;

	if (!obj)
		return 0;
	if (cfg_keys(c, obj, what, keys) < 0)
		return -1;
	for (i = 0; i < FIELD_COUNT; i++)
		if (cfg_string(c, obj, config_field_names[i], 0, &out[i]) < 0)
			return -1;
	return 0;
}

/* A POSIX extended regular expression, compiled once to check it. */
static int
cfg_regex_node(struct cfg *c, const struct cJSON *v, const char *key,
               char **out)
{
	regex_t re;
	char msg[256];
	int rc;

	if (!json_is_string(v))
		return cfg_fail(c, v, key,
		                "must be a regular expression "
		                "string");
	rc = regcomp(&re, json_string(v), REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &re, msg, sizeof(msg));
		return cfg_fail(c, v, key, "bad regular expression: %s", msg);
	}
	regfree(&re);
	*out = xstrdup(json_string(v));
	return 0;
}

static int
cfg_regex(struct cfg *c, const struct cJSON *obj, const char *key, char **out)
{
	const struct cJSON *v = json_get(obj, key);

	*out = NULL;
	return v ? cfg_regex_node(c, v, key, out) : 0;
}

static int
cfg_regex_list(struct cfg *c, const struct cJSON *obj, const char *key,
               char ***out, size_t *n)
{
	const struct cJSON *v = json_get(obj, key), *it;

	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return cfg_fail(c, v, key,
		                "must be an array of regular "
		                "expressions");
	*out = xcalloc(json_size(v) + 1, sizeof(**out));
	for (it = json_child(v); it; it = json_next(it))
		if (cfg_regex_node(c, it, key, &(*out)[(*n)++]) < 0)
			return -1;
	return 0;
}

/* "filter": {"indic_de": "JAN", "sex": "T"} */
static int
cfg_filter(struct cfg *c, const struct cJSON *obj, struct source_config *s)
{
	const struct cJSON *m;

	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return cfg_fail(c, obj, "filter", "must be an object");
	s->filter = xcalloc(json_size(obj) + 1, sizeof(*s->filter));
	for (m = json_child(obj); m; m = json_next(m)) {
		if (!json_is_string(m))
			return cfg_fail(c, m, json_key(m),
			                "a filter value must be a string");
		s->filter[s->nfilter].name = xstrdup(json_key(m));
		s->filter[s->nfilter].value = xstrdup(json_string(m));
		s->nfilter++;
	}
	return 0;
}

static int
cfg_group(struct cfg *c, const struct cJSON *obj, const char *key, int *out)
{
	long v = *out;

	if (cfg_long(c, obj, key, 0, 9, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

static int
cfg_pdf(struct cfg *c, const struct cJSON *obj, struct pdf_options *p)
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
cfg_html(struct cfg *c, const struct cJSON *obj, struct html_options *h)
{
	static const char *const keys[] = {
	        "table",        "select",         "pattern",       "groups",
	        "period_xpath", "period_pattern", "period_format", NULL};
	static const char *const group_keys[] = {"measure",   "geo",  "period",
	                                         "value",     "unit", "flags",
	                                         "qualifier", NULL};
	const struct cJSON *g;
	int f;

	if (!obj)
		return 0;
	if (cfg_keys(c, obj, "'html'", keys) < 0 ||
	    cfg_string(c, obj, "table", 0, &h->table) < 0 ||
	    cfg_string(c, obj, "select", 0, &h->select) < 0 ||
	    cfg_regex(c, obj, "pattern", &h->pattern) < 0 ||
	    cfg_string(c, obj, "period_xpath", 0, &h->period_xpath) < 0 ||
	    cfg_regex(c, obj, "period_pattern", &h->period_pattern) < 0 ||
	    cfg_string(c, obj, "period_format", 0, &h->period_format) < 0)
		return -1;
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
cfg_checks(struct cfg *c, const struct cJSON *obj, struct check_options *k)
{
	static const char *const keys[] = {"rows_sum_to_total", "min_rows",
	                                   "max_rows", "keys", NULL};
	const struct cJSON *v, *it;

	if (!obj)
		return 0;
	if (cfg_keys(c, obj, "'checks'", keys) < 0 ||
	    cfg_long(c, obj, "min_rows", 0, LONG_MAX, &k->min_rows) < 0 ||
	    cfg_long(c, obj, "max_rows", 0, LONG_MAX, &k->max_rows) < 0)
		return -1;
	k->rows_sum_to_total = json_is_true(json_get(obj, "rows_sum_to_total"));
	if ((v = json_get(obj, "keys"))) {
		if (!json_is_array(v))
			return cfg_fail(c, v, "keys",
			                "must be an array of "
			                "strings");
		k->keys = xcalloc(json_size(v) + 1, sizeof(*k->keys));
		for (it = json_child(v); it; it = json_next(it)) {
			if (!json_is_string(it))
				return cfg_fail(c, it, "keys",
				                "must be an array of strings");
			k->keys[k->nkeys++] = xstrdup(json_string(it));
		}
	}
	return 0;
}

/* Where a format fixes a field itself, or names it by convention. */
static int
format_defaults(struct cfg *c, const struct cJSON *root,
                struct source_config *s)
{
	const char *f = s->format;

	if (strcmp(f, "sdmx-ml") == 0) {
		if (!s->column[FIELD_PERIOD] && !s->constant[FIELD_PERIOD])
			s->column[FIELD_PERIOD] = xstrdup("TIME_PERIOD");
		if (!s->column[FIELD_VALUE])
			s->column[FIELD_VALUE] = xstrdup("OBS_VALUE");
		if (!s->column[FIELD_FLAGS]) {
			s->column[FIELD_FLAGS] = xstrdup("OBS_STATUS");
			s->flags_optional = 1;
		}
	}
	if (strcmp(f, "pdf") == 0) {
		if (!s->pdf.row)
			return cfg_fail(c, root, "pdf",
			                "format 'pdf' needs 'pdf': {'row': "
			                "...}");
		if (s->column[FIELD_GEO] || s->column[FIELD_VALUE])
			return cfg_fail(c, json_get(root, "columns"), "columns",
			                "format 'pdf' takes geo and value from "
			                "the row pattern");
		if (s->checks.rows_sum_to_total && !s->pdf.total)
			return cfg_fail(c, json_get(root, "checks"),
			                "rows_sum_to_total",
			                "needs 'pdf': {'total': ...}");
	}
	if (strcmp(f, "pdf") != 0 &&
	    (json_get(root, "pdf") || (s->checks.rows_sum_to_total)))
		return cfg_fail(
		        c, json_get(root, "pdf") ? json_get(root, "pdf") : root,
		        json_get(root, "pdf") ? "pdf" : "checks",
		        "only for format 'pdf'");
	if (strcmp(f, "html") == 0 && !s->html.table && !s->html.select)
		return cfg_fail(c, root, "html",
		                "format 'html' needs 'html': {'table': ...} or "
		                "{'select': ..., 'pattern': ...}");
	if (strcmp(f, "html") != 0 && json_get(root, "html"))
		return cfg_fail(c, json_get(root, "html"), "html",
		                "only for format 'html'");
	if (strcmp(f, "sdmx-csv") == 0) {
		if (!s->column[FIELD_PERIOD] && !s->constant[FIELD_PERIOD])
			s->column[FIELD_PERIOD] = xstrdup("TIME_PERIOD");
		if (!s->column[FIELD_VALUE])
			s->column[FIELD_VALUE] = xstrdup("OBS_VALUE");
		if (!s->column[FIELD_FLAGS]) {
			s->column[FIELD_FLAGS] = xstrdup("OBS_FLAG");
			s->flags_optional = 1;
		}
	}
	if ((strcmp(f, "eurostat-tsv") == 0 || strcmp(f, "json-stat") == 0) &&
	    s->column[FIELD_VALUE])
		return cfg_fail(c, json_get(root, "columns"), "value",
		                "format '%s' places values itself", f);
	if (strcmp(f, "json") == 0 && !s->records)
		return cfg_fail(c, root, "records",
		                "format 'json' needs a JSON pointer to the "
		                "records");
	if (strcmp(f, "json") != 0 && s->records)
		return cfg_fail(c, json_get(root, "records"), "records",
		                "only for format 'json'");
	if (strcmp(f, "json-stat") != 0 && s->dataset)
		return cfg_fail(c, json_get(root, "dataset"), "dataset",
		                "only for format 'json-stat'");
	return 0;
}

/* "records": a JSON pointer ("/data/rows", "" for the root) or a simple
 * path ("data.rows", "data.0.rows"), kept as the pointer it means: the
 * locators of the records are pointers. */
static int
cfg_records(struct cfg *c, const struct cJSON *root, char **out)
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

/* Whether a field must be mapped for this source's format. */
static int
field_required(const struct source_config *s, int field)
{
	if (field == FIELD_FLAGS)
		return 0;
	if (strcmp(s->format, "pdf") == 0 &&
	    (field == FIELD_GEO || field == FIELD_VALUE))
		return 0;
	if (strcmp(s->format, "html") == 0 &&
	    (s->html.group[field] > 0 ||
	     (field == FIELD_PERIOD && s->html.period_xpath)))
		return 0;
	if (field == FIELD_VALUE)
		return strcmp(s->format, "eurostat-tsv") != 0 &&
		       strcmp(s->format, "json-stat") != 0;
	/* eurostat-tsv: the period defaults to the time axis. */
	if (field == FIELD_PERIOD)
		return strcmp(s->format, "eurostat-tsv") != 0;
	return 1;
}

static int
cfg_source(struct cfg *c, const char *file, const char *buf, size_t len,
           struct source_config *s)
{
	static const char *const keys[] = {
	        "id",           "publisher", "title",    "url",
	        "format",       "licence",   "citation", "grade",
	        "max_age_days", "max_bytes", "number",   "csv",
	        "columns",      "constant",  "filter",   "records",
	        "dataset",      "pdf",       "html",     "checks",
	        "duplicates",   "comment",   NULL};
	static const char *const csv_keys[] = {
	        "delimiter", "quote", "comment", "header_row", "header_rows",
	        "encoding",  "skip",  "footer",  NULL};
	const struct cJSON *root = json_doc_root(c->doc), *v;
	char *dir = NULL;
	long max_bytes = (long)CONFIG_DEFAULT_MAX_BYTES;
	int i, ret = -1;

	s->file = xstrdup(file);
	hash_hex(buf, len, s->hash);
	if (cfg_keys(c, root, "a source", keys) < 0 ||
	    cfg_string(c, root, "id", 1, &s->id) < 0)
		goto out;
	if (!config_valid_id(s->id)) {
		cfg_fail(c, json_get(root, "id"), "id",
		         "'%s' is not a valid id (lowercase letters, digits, "
		         "'.', '_', '-'; at most 64)",
		         s->id);
		goto out;
	}
	if (cfg_string(c, root, "publisher", 1, &s->publisher) < 0 ||
	    cfg_string(c, root, "title", 1, &s->title) < 0 ||
	    cfg_string(c, root, "url", 1, &s->url) < 0 ||
	    cfg_string(c, root, "format", 1, &s->format) < 0 ||
	    cfg_string(c, root, "licence", 1, &s->licence) < 0 ||
	    cfg_string(c, root, "citation", 1, &s->citation) < 0 ||
	    cfg_string(c, root, "grade", 1, &s->grade) < 0)
		goto out;
	if (!in_list(s->format, config_formats,
	             sizeof(config_formats) / sizeof(config_formats[0]))) {
		cfg_fail(c, json_get(root, "format"), "format",
		         "unknown format '%s'", s->format);
		goto out;
	}
	if (!in_list(s->grade, config_grades,
	             sizeof(config_grades) / sizeof(config_grades[0]))) {
		cfg_fail(c, json_get(root, "grade"), "grade",
		         "unknown evidence grade '%s' (publisher, press, "
		         "report, unpublished)",
		         s->grade);
		goto out;
	}
	if (cfg_long(c, root, "max_age_days", 0, 36500, &s->max_age_days) < 0 ||
	    cfg_long(c, root, "max_bytes", 1, LONG_MAX, &max_bytes) < 0)
		goto out;
	s->max_bytes = (size_t)max_bytes;
	dir = fileio_dirname(file);
	if (cfg_url(c, json_get(root, "url"), dir, s) < 0)
		goto out;
	if (cfg_number_format(c, json_get(root, "number"), &s->number) < 0)
		goto out;

	s->csv.delimiter = ',';
	s->csv.quote = '"';
	s->csv.comment = 0;
	s->csv.header_row = 1;
	s->csv.header_rows = 1;
	if ((v = json_get(root, "csv"))) {
		if (cfg_keys(c, v, "'csv'", csv_keys) < 0 ||
		    cfg_char(c, v, "delimiter", 0, &s->csv.delimiter) < 0 ||
		    cfg_char(c, v, "quote", 0, &s->csv.quote) < 0 ||
		    cfg_char(c, v, "comment", 1, &s->csv.comment) < 0 ||
		    cfg_long(c, v, "header_row", 1, 1000, &s->csv.header_row) <
		            0 ||
		    cfg_long(c, v, "header_rows", 1, 10, &s->csv.header_rows) <
		            0 ||
		    cfg_string(c, v, "encoding", 0, &s->csv.encoding) < 0 ||
		    cfg_regex(c, v, "footer", &s->csv.footer) < 0 ||
		    cfg_regex_list(c, v, "skip", &s->csv.skip, &s->csv.nskip) <
		            0)
			goto out;
		if (s->csv.encoding &&
		    !in_list(s->csv.encoding, config_encodings,
		             sizeof(config_encodings) /
		                     sizeof(config_encodings[0]))) {
			cfg_fail(c, json_get(v, "encoding"), "encoding",
			         "unknown encoding '%s' (utf-8, latin-1, "
			         "utf-16)",
			         s->csv.encoding);
			goto out;
		}
	}
	if (!s->csv.encoding)
		s->csv.encoding = xstrdup("utf-8");
	if (cfg_fields(c, json_get(root, "columns"), "'columns'", s->column) <
	            0 ||
	    cfg_fields(c, json_get(root, "constant"), "'constant'",
	               s->constant) < 0 ||
	    cfg_filter(c, json_get(root, "filter"), s) < 0 ||
	    cfg_records(c, root, &s->records) < 0 ||
	    cfg_string(c, root, "dataset", 0, &s->dataset) < 0 ||
	    cfg_pdf(c, json_get(root, "pdf"), &s->pdf) < 0 ||
	    cfg_html(c, json_get(root, "html"), &s->html) < 0 ||
	    cfg_checks(c, json_get(root, "checks"), &s->checks) < 0)
		goto out;
	if (format_defaults(c, root, s) < 0)
		goto out;
	if ((v = json_get(root, "duplicates"))) {
		const char *d = json_string(v);

		if (!d || (strcmp(d, "sum") && strcmp(d, "error"))) {
			cfg_fail(c, v, "duplicates",
			         "must be \"error\" or \"sum\"");
			goto out;
		}
		s->duplicates_sum = strcmp(d, "sum") == 0;
	}
	for (i = 0; i < FIELD_COUNT; i++) {
		const char *name = config_field_names[i];

		if (s->column[i] && s->constant[i]) {
			cfg_fail(c, json_get(json_get(root, "constant"), name),
			         name, "given both as a column and a constant");
			goto out;
		}
		if (!s->column[i] && !s->constant[i] && field_required(s, i)) {
			cfg_fail(c, root, name,
			         "needs a column in 'columns' or a value in "
			         "'constant'");
			goto out;
		}
	}
	if (s->constant[FIELD_VALUE] || s->constant[FIELD_FLAGS]) {
		cfg_fail(c, root, s->constant[FIELD_VALUE] ? "value" : "flags",
		         "must come from the document, not 'constant'");
		goto out;
	}
	ret = 0;
out:
	free(dir);
	return ret;
}

static void
source_release(struct source_config *s)
{
	size_t k;
	int i;

	free(s->id);
	free(s->publisher);
	free(s->title);
	free(s->url);
	free(s->fetch_url);
	free(s->format);
	free(s->licence);
	free(s->citation);
	free(s->grade);
	free(s->file);
	for (i = 0; i < FIELD_COUNT; i++) {
		free(s->column[i]);
		free(s->constant[i]);
	}
	for (k = 0; k < s->nfilter; k++) {
		free(s->filter[k].name);
		free(s->filter[k].value);
	}
	free(s->filter);
	free(s->records);
	free(s->dataset);
	free(s->pdf.row);
	free(s->pdf.total);
	for (k = 0; k < s->pdf.nskip; k++)
		free(s->pdf.skip[k]);
	free(s->pdf.skip);
	free(s->html.table);
	free(s->html.select);
	free(s->html.pattern);
	free(s->html.period_xpath);
	free(s->html.period_pattern);
	free(s->html.period_format);
	for (k = 0; k < s->checks.nkeys; k++)
		free(s->checks.keys[k]);
	free(s->checks.keys);
	free(s->csv.encoding);
	free(s->csv.footer);
	for (k = 0; k < s->csv.nskip; k++)
		free(s->csv.skip[k]);
	free(s->csv.skip);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_source(const void *a, const void *b)
{
	return strcmp(((const struct source_config *)a)->id,
	              ((const struct source_config *)b)->id);
}

/* Reads one config file and folds its name and bytes into the config hash. */
static int
cfg_read(struct hash *h, const char *display, const char *path, char **buf,
         size_t *len, struct error *err)
{
	if (fileio_read(path, CONFIG_MAX_BYTES, buf, len, err) < 0)
		return -1;
	hash_update(h, display, strlen(display) + 1);
	hash_update(h, *buf, *len);
	hash_update(h, "", 1);
	return 0;
}

static int
load_sources(struct config *cfg, struct hash *h, const char *sources_dir,
             const char *rel_dir, struct error *err)
{
	DIR *d = NULL;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, alloc = 0, i, j;
	int ret = -1;

	d = opendir(sources_dir);
	if (!d)
		return error_set(err, "cannot open sources directory '%s': %s",
		                 sources_dir, strerror(errno));
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.' || len < 6 ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			names = xreallocarray(names, alloc, sizeof(*names));
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	cfg->sources = xcalloc(n ? n : 1, sizeof(*cfg->sources));
	for (i = 0; i < n; i++) {
		char *path = fileio_join(sources_dir, names[i]);
		char *display = xasprintf("%s/%s", rel_dir, names[i]);
		char *buf = NULL;
		size_t len;
		struct cfg c = {NULL, err};
		int r;

		r = cfg_read(h, display, path, &buf, &len, err);
		if (r == 0)
			r = json_doc_parse(&c.doc, path, buf, len,
			                   CONFIG_MAX_BYTES, err);
		if (r == 0)
			r = cfg_source(&c, path, buf, len,
			               &cfg->sources[cfg->nsources]);
		cfg->nsources++;
		json_doc_free(c.doc);
		free(buf);
		free(display);
		free(path);
		if (r < 0)
			goto out;
	}
	qsort(cfg->sources, cfg->nsources, sizeof(*cfg->sources), cmp_source);
	for (j = 1; j < cfg->nsources; j++) {
		if (strcmp(cfg->sources[j - 1].id, cfg->sources[j].id) == 0) {
			error_set(err,
			          "%s: duplicate source id '%s' (also in %s)",
			          cfg->sources[j].file, cfg->sources[j].id,
			          cfg->sources[j - 1].file);
			goto out;
		}
	}
	ret = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

/* A non-empty array of non-empty strings. */
static int
cfg_strings(struct cfg *c, const struct cJSON *obj, const char *key,
            char ***out, size_t *n)
{
	const struct cJSON *v = json_get(obj, key), *it;

	if (!json_is_array(v) || json_size(v) == 0)
		return cfg_fail(c, v ? v : obj, key,
		                "must be a non-empty array of strings");
	*out = xcalloc(json_size(v) + 1, sizeof(**out));
	for (it = json_child(v); it; it = json_next(it)) {
		if (!json_is_string(it) || !*json_string(it))
			return cfg_fail(c, it, key,
			                "must be a non-empty array of strings");
		(*out)[(*n)++] = xstrdup(json_string(it));
	}
	return 0;
}

/* An indicator defined before position `before` (derived inputs must be,
 * so that reconcile computes them in file order). */
static int
cfg_earlier_indicator(struct cfg *c, const struct config *cfg,
                      const struct cJSON *obj, const char *key, size_t before,
                      char **out)
{
	size_t i;

	if (cfg_string(c, obj, key, 1, out) < 0)
		return -1;
	for (i = 0; i < before; i++)
		if (strcmp(cfg->indicators[i].id, *out) == 0)
			return 0;
	return cfg_fail(c, json_get(obj, key), key,
	                "'%s' must be an indicator defined above this one",
	                *out);
}

/* The position of an indicator already read (cfg_earlier_indicator()
 * checked it is there). */
static size_t
index_of(const struct config *cfg, const char *id)
{
	size_t i;

	for (i = 0; i < cfg->nindicators; i++)
		if (strcmp(cfg->indicators[i].id, id) == 0)
			return i;
	return 0;
}

static int
cfg_derived(struct cfg *c, const struct config *cfg, const struct cJSON *obj,
            size_t self, struct derived_config *d)
{
	static const char *const keys[] = {
	        "op",      "of",         "geo",
	        "members", "periods",    "as",
	        "per",     "population", "population_snapshot",
	        "minus",   "last",       "to",
	        "comment", NULL};
	const struct cJSON *v;
	char *op = NULL;
	int ret = -1;

	if (cfg_keys(c, obj, "'derived'", keys) < 0 ||
	    cfg_string(c, obj, "op", 1, &op) < 0 ||
	    cfg_earlier_indicator(c, cfg, obj, "of", self, &d->of) < 0)
		goto out;
	if (strcmp(op, "sum") == 0) {
		d->op = DERIVED_SUM;
		if (cfg_string(c, obj, "geo", 1, &d->geo) < 0 ||
		    cfg_strings(c, obj, "members", &d->members, &d->nmembers) <
		            0)
			goto out;
	} else if (strcmp(op, "change") == 0) {
		const struct cJSON *it;
		char *as = NULL;

		d->op = DERIVED_CHANGE;
		v = json_get(obj, "periods");
		if (!json_is_array(v) || json_size(v) == 0) {
			cfg_fail(c, v ? v : obj, "periods",
			         "must be a non-empty array of [from, to] "
			         "pairs");
			goto out;
		}
		d->from = xcalloc(json_size(v) + 1, sizeof(*d->from));
		d->to = xcalloc(json_size(v) + 1, sizeof(*d->to));
		for (it = json_child(v); it; it = json_next(it)) {
			const struct cJSON *a = json_child(it);
			const struct cJSON *b = a ? json_next(a) : NULL;

			if (!json_is_array(it) || json_size(it) != 2 ||
			    !json_is_string(a) || !json_is_string(b) ||
			    !*json_string(a) || !*json_string(b)) {
				cfg_fail(c, it, "periods",
				         "each must be a pair [\"from\", "
				         "\"to\"] of periods");
				goto out;
			}
			d->from[d->npairs] = xstrdup(json_string(a));
			d->to[d->npairs++] = xstrdup(json_string(b));
		}
		if (cfg_string(c, obj, "as", 1, &as) < 0)
			goto out;
		if (strcmp(as, "percent") == 0)
			d->as = CHANGE_PERCENT;
		else if (strcmp(as, "ratio") == 0)
			d->as = CHANGE_RATIO;
		else if (strcmp(as, "absolute") == 0)
			d->as = CHANGE_ABSOLUTE;
		else {
			free(as);
			cfg_fail(c, json_get(obj, "as"), "as",
			         "must be \"percent\", \"ratio\" or "
			         "\"absolute\"");
			goto out;
		}
		free(as);
	} else if (strcmp(op, "rate") == 0) {
		size_t i, n;

		d->op = DERIVED_RATE;
		v = json_get(obj, "per");
		if (!v || json_number(v, &d->per) < 0 || !(d->per > 0)) {
			cfg_fail(c, v ? v : obj, "per",
			         "must be a positive number (100000)");
			goto out;
		}
		if (cfg_earlier_indicator(c, cfg, obj, "population", self,
		                          &d->population) < 0)
			goto out;
		if (!cfg->indicators[index_of(cfg, d->population)].stock) {
			cfg_fail(c, json_get(obj, "population"), "population",
			         "'%s' must be declared \"kind\": \"stock\" "
			         "(a rate divides a flow by a stock)",
			         d->population);
			goto out;
		}
		if (cfg->indicators[index_of(cfg, d->of)].stock) {
			cfg_fail(c, json_get(obj, "of"), "of",
			         "'%s' is a stock; a rate divides a flow by a "
			         "stock",
			         d->of);
			goto out;
		}
		if (cfg_string(c, obj, "population_snapshot", 1,
		               &d->population_snapshot) < 0)
			goto out;
		n = strlen(d->population_snapshot);
		for (i = 0; i < n; i++)
			if (!strchr("0123456789abcdef",
			            d->population_snapshot[i]))
				break;
		if (i < n || n < 12 || n > 64) {
			cfg_fail(c, json_get(obj, "population_snapshot"),
			         "population_snapshot",
			         "must be 12 to 64 lowercase hex digits of the "
			         "pinned document's sha256");
			goto out;
		}
	} else if (strcmp(op, "aggregate") == 0) {
		char *to = NULL;

		d->op = DERIVED_AGGREGATE;
		if (cfg_string(c, obj, "to", 1, &to) < 0)
			goto out;
		d->to_year = strcmp(to, "year") == 0;
		if (!d->to_year && strcmp(to, "quarter") != 0) {
			free(to);
			cfg_fail(c, json_get(obj, "to"), "to",
			         "must be \"quarter\" or \"year\"");
			goto out;
		}
		free(to);
		if (cfg->indicators[index_of(cfg, d->of)].stock) {
			cfg_fail(c, json_get(obj, "of"), "of",
			         "'%s' is a stock: summing its periods means "
			         "nothing",
			         d->of);
			goto out;
		}
	} else if (strcmp(op, "highest") == 0) {
		d->op = DERIVED_HIGHEST;
		d->last = 0;
		if (cfg_long(c, obj, "last", 2, 1200, &d->last) < 0)
			goto out;
		if (d->last == 0) {
			cfg_fail(c, obj, "last", "required key is missing");
			goto out;
		}
	} else if (strcmp(op, "difference") == 0) {
		d->op = DERIVED_DIFFERENCE;
		if (cfg_earlier_indicator(c, cfg, obj, "minus", self,
		                          &d->minus) < 0)
			goto out;
	} else {
		cfg_fail(c, json_get(obj, "op"), "op",
		         "must be \"sum\", \"change\", \"rate\", "
		         "\"difference\", \"highest\" or \"aggregate\"");
		goto out;
	}
	ret = 0;
out:
	free(op);
	return ret;
}

static int
cfg_conflict(struct cfg *c, const struct config *cfg, const struct cJSON *obj,
             struct conflict_policy *p)
{
	static const char *const keys[] = {"rule",   "prefer",  "tolerance",
	                                   "exceed", "comment", NULL};
	static const char *const rules[] = {"prefer", "exact-over-rounded",
	                                    "newest"};
	const struct cJSON *v;
	char *exceed = NULL, *rule = NULL;
	size_t i, k;

	p->declared = 1;
	if (cfg_keys(c, obj, "'conflict'", keys) < 0 ||
	    cfg_string(c, obj, "rule", 0, &rule) < 0)
		return -1;
	p->rule = CONFLICT_PREFER;
	for (i = 0; rule && i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rule, rules[i]) == 0)
			break;
	if (rule && i == sizeof(rules) / sizeof(rules[0])) {
		free(rule);
		return cfg_fail(c, json_get(obj, "rule"), "rule",
		                "must be \"prefer\", \"exact-over-rounded\" or "
		                "\"newest\"");
	}
	if (rule)
		p->rule = (enum conflict_rule)i;
	free(rule);
	/* Required for "prefer"; the tie-break for the other rules. */
	if ((p->rule == CONFLICT_PREFER || json_get(obj, "prefer")) &&
	    cfg_strings(c, obj, "prefer", &p->prefer, &p->nprefer) < 0)
		return -1;
	for (i = 0; i < p->nprefer; i++) {
		if (!config_source(cfg, p->prefer[i]))
			return cfg_fail(c, json_get(obj, "prefer"), "prefer",
			                "no source '%s' is configured",
			                p->prefer[i]);
		for (k = 0; k < i; k++)
			if (strcmp(p->prefer[k], p->prefer[i]) == 0)
				return cfg_fail(
				        c, json_get(obj, "prefer"), "prefer",
				        "'%s' is listed twice", p->prefer[i]);
	}
	v = json_get(obj, "tolerance");
	if (v && (json_number(v, &p->tolerance) < 0 || p->tolerance < 0 ||
	          p->tolerance > 1))
		return cfg_fail(c, v, "tolerance",
		                "must be a fraction from 0 to 1 (0.01 is 1%%)");
	if (cfg_string(c, obj, "exceed", 0, &exceed) < 0)
		return -1;
	if (exceed && strcmp(exceed, "fail") && strcmp(exceed, "flag")) {
		free(exceed);
		return cfg_fail(c, json_get(obj, "exceed"), "exceed",
		                "must be \"flag\" or \"fail\"");
	}
	p->fail = exceed && !strcmp(exceed, "fail");
	free(exceed);
	return 0;
}

/* "convert": {"from": "thousand persons", "factor": 1000}: a crosswalk
 * entry's declared unit conversion. */
static int
cfg_convert(struct cfg *c, const struct cJSON *obj, struct crosswalk_entry *x)
{
	static const char *const keys[] = {"from", "factor", "comment", NULL};
	const struct cJSON *v;

	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return cfg_fail(c, obj, "convert",
		                "must be an object: {\"from\": unit, "
		                "\"factor\": number}");
	if (cfg_keys(c, obj, "'convert'", keys) < 0 ||
	    cfg_string(c, obj, "from", 1, &x->convert_from) < 0)
		return -1;
	v = json_get(obj, "factor");
	if (!v || json_number(v, &x->factor) < 0 || !(x->factor > 0) ||
	    !isfinite(x->factor))
		return cfg_fail(c, v ? v : obj, "factor",
		                "must be a positive number (1000 turns "
		                "thousands into units)");
	return 0;
}

/* "breaks": [{"period": "2020", "reason": "..."}]: a series break, such as
 * a change of unit, before which values are not comparable with after. */
static int
cfg_breaks(struct cfg *c, const struct cJSON *v, struct indicator_config *ind)
{
	static const char *const keys[] = {"period", "reason", "comment", NULL};
	const struct cJSON *it;
	size_t n = json_size(v);

	if (!json_is_array(v))
		return cfg_fail(c, v, "breaks",
		                "must be an array of {\"period\", \"reason\"}");
	ind->break_period = xcalloc(n + 1, sizeof(*ind->break_period));
	ind->break_reason = xcalloc(n + 1, sizeof(*ind->break_reason));
	for (it = json_child(v); it; it = json_next(it)) {
		size_t k = ind->nbreaks;

		if (cfg_keys(c, it, "a break", keys) < 0 ||
		    cfg_string(c, it, "period", 1, &ind->break_period[k]) < 0 ||
		    cfg_string(c, it, "reason", 1, &ind->break_reason[k]) < 0) {
			ind->nbreaks = k + 1; /* free what was read */
			return -1;
		}
		ind->nbreaks++;
	}
	return 0;
}

/* "range": [min, max], the magnitudes an indicator's values can have. */
static int
cfg_range(struct cfg *c, const struct cJSON *v, struct indicator_config *ind)
{
	const struct cJSON *a = json_child(v), *b = a ? json_next(a) : NULL;

	if (!json_is_array(v) || json_size(v) != 2 ||
	    json_number(a, &ind->range_min) < 0 ||
	    json_number(b, &ind->range_max) < 0 ||
	    !(ind->range_min <= ind->range_max))
		return cfg_fail(c, v, "range",
		                "must be [min, max], two numbers with min <= "
		                "max");
	ind->has_range = 1;
	return 0;
}

/* normalize checks a source's values against the ranges of the indicators
 * it maps to, so the ranges are part of what a parse of it depends on. */
static void
fold_ranges_into_source_hashes(struct config *cfg)
{
	size_t i, k;

	for (i = 0; i < cfg->nsources; i++) {
		struct source_config *src = &cfg->sources[i];
		struct strbuf sb;

		strbuf_init(&sb, 1u << 20);
		for (k = 0; k < cfg->ncrosswalk; k++) {
			const struct crosswalk_entry *x = &cfg->crosswalk[k];
			const struct indicator_config *ind =
			        config_indicator(cfg, x->indicator);

			if (strcmp(x->source, src->id) != 0 || !ind->has_range)
				continue;
			strbuf_addf(&sb, "range %s %s %.17g %.17g\n",
			            x->measure, ind->id, ind->range_min,
			            ind->range_max);
			/* The range is checked after the conversion. */
			if (x->convert_from)
				strbuf_addf(&sb, "convert %s %.17g\n",
				            x->convert_from, x->factor);
		}
		if (sb.len) {
			strbuf_addstr(&sb, src->hash);
			hash_hex(sb.buf, sb.len, src->hash);
		}
		strbuf_release(&sb);
	}
}

static int
load_indicators(struct config *cfg, struct hash *h, const char *path,
                const char *display, struct error *err)
{
	static const char *const keys[] = {"version", "indicators", "crosswalk",
	                                   "comment", NULL};
	static const char *const ind_keys[] = {
	        "id",     "title",  "unit",    "definition", "scope_note",
	        "status", "reason", "derived", "range",      "conflict",
	        "breaks", "kind",   "comment", NULL};
	static const char *const xw_keys[] = {
	        "source",   "measure", "indicator", "valid_from",
	        "valid_to", "convert", "comment",   NULL};
	struct cfg c = {NULL, err};
	const struct cJSON *root, *list, *it;
	char *buf = NULL;
	size_t len, i;
	int ret = -1;

	if (cfg_read(h, display, path, &buf, &len, err) < 0 ||
	    json_doc_parse(&c.doc, path, buf, len, CONFIG_MAX_BYTES, err) < 0)
		goto out;
	root = json_doc_root(c.doc);
	if (cfg_keys(&c, root, "the indicators file", keys) < 0 ||
	    cfg_string(&c, root, "version", 1, &cfg->indicators_version) < 0)
		goto out;
	list = json_get(root, "indicators");
	if (!json_is_array(list)) {
		cfg_fail(&c, list ? list : root, "indicators",
		         "must be an array");
		goto out;
	}
	cfg->indicators =
	        xcalloc(json_size(list) + 1, sizeof(*cfg->indicators));
	for (it = json_child(list); it; it = json_next(it)) {
		struct indicator_config *ind =
		        &cfg->indicators[cfg->nindicators++];

		if (cfg_keys(&c, it, "an indicator", ind_keys) < 0 ||
		    cfg_string(&c, it, "id", 1, &ind->id) < 0 ||
		    cfg_string(&c, it, "title", 1, &ind->title) < 0 ||
		    cfg_string(&c, it, "unit", 1, &ind->unit) < 0 ||
		    cfg_string(&c, it, "definition", 1, &ind->definition) < 0 ||
		    cfg_string(&c, it, "scope_note", 0, &ind->scope_note) < 0 ||
		    cfg_string(&c, it, "reason", 0, &ind->reason) < 0)
			goto out;
		{
			const struct cJSON *st = json_get(it, "status");
			const char *sv = json_string(st);

			if (st && (!sv || (strcmp(sv, "published") &&
			                   strcmp(sv, "unpublished")))) {
				cfg_fail(&c, st, "status",
				         "must be \"published\" or "
				         "\"unpublished\"");
				goto out;
			}
			ind->unpublished = sv && !strcmp(sv, "unpublished");
			if (ind->unpublished && !ind->reason) {
				cfg_fail(&c, it, "reason",
				         "an unpublished indicator needs a "
				         "reason");
				goto out;
			}
		}
		{
			char *kind = NULL;

			if (cfg_string(&c, it, "kind", 0, &kind) < 0)
				goto out;
			ind->stock = kind && strcmp(kind, "stock") == 0;
			if (kind && !ind->stock && strcmp(kind, "flow") != 0) {
				free(kind);
				cfg_fail(&c, json_get(it, "kind"), "kind",
				         "must be \"flow\" or \"stock\"");
				goto out;
			}
			free(kind);
		}
		if (json_get(it, "derived") &&
		    cfg_derived(&c, cfg, json_get(it, "derived"),
		                cfg->nindicators - 1, &ind->derived) < 0)
			goto out;
		if (json_get(it, "range") &&
		    cfg_range(&c, json_get(it, "range"), ind) < 0)
			goto out;
		if (json_get(it, "breaks") &&
		    cfg_breaks(&c, json_get(it, "breaks"), ind) < 0)
			goto out;
		if (json_get(it, "conflict") &&
		    cfg_conflict(&c, cfg, json_get(it, "conflict"),
		                 &ind->conflict) < 0)
			goto out;
		if (ind->derived.op != DERIVED_NONE && ind->unpublished) {
			cfg_fail(&c, json_get(it, "status"), "status",
			         "a derived indicator cannot be unpublished");
			goto out;
		}
		if (!config_valid_id(ind->id)) {
			cfg_fail(&c, json_get(it, "id"), "id",
			         "'%s' is not a valid id", ind->id);
			goto out;
		}
		for (i = 0; i + 1 < cfg->nindicators; i++) {
			if (strcmp(cfg->indicators[i].id, ind->id) == 0) {
				cfg_fail(&c, json_get(it, "id"), "id",
				         "duplicate indicator '%s'", ind->id);
				goto out;
			}
		}
	}
	list = json_get(root, "crosswalk");
	if (!json_is_array(list)) {
		cfg_fail(&c, list ? list : root, "crosswalk",
		         "must be an array");
		goto out;
	}
	cfg->crosswalk = xcalloc(json_size(list) + 1, sizeof(*cfg->crosswalk));
	for (it = json_child(list); it; it = json_next(it)) {
		struct crosswalk_entry *x = &cfg->crosswalk[cfg->ncrosswalk++];

		if (cfg_keys(&c, it, "a crosswalk entry", xw_keys) < 0 ||
		    cfg_string(&c, it, "source", 1, &x->source) < 0 ||
		    cfg_string(&c, it, "measure", 1, &x->measure) < 0 ||
		    cfg_string(&c, it, "indicator", 1, &x->indicator) < 0 ||
		    cfg_string(&c, it, "valid_from", 0, &x->valid_from) < 0 ||
		    cfg_string(&c, it, "valid_to", 0, &x->valid_to) < 0 ||
		    cfg_convert(&c, json_get(it, "convert"), x) < 0)
			goto out;
		if (!config_indicator(cfg, x->indicator)) {
			cfg_fail(&c, json_get(it, "indicator"), "indicator",
			         "no indicator '%s' is defined", x->indicator);
			goto out;
		}
		if (config_indicator(cfg, x->indicator)->derived.op !=
		    DERIVED_NONE) {
			cfg_fail(&c, json_get(it, "indicator"), "indicator",
			         "'%s' is derived; no source maps to it",
			         x->indicator);
			goto out;
		}
		if (!config_source(cfg, x->source)) {
			cfg_fail(&c, json_get(it, "source"), "source",
			         "no source '%s' is configured", x->source);
			goto out;
		}
	}
	fold_ranges_into_source_hashes(cfg);
	ret = 0;
out:
	json_doc_free(c.doc);
	free(buf);
	return ret;
}

static void
derived_free(struct derived_config *d)
{
	size_t i;

	free(d->of);
	free(d->geo);
	for (i = 0; i < d->nmembers; i++)
		free(d->members[i]);
	free(d->members);
	for (i = 0; i < d->npairs; i++) {
		free(d->from[i]);
		free(d->to[i]);
	}
	free(d->from);
	free(d->to);
	free(d->population);
	free(d->population_snapshot);
	free(d->minus);
}

int
config_load(struct config **out, const char *path, struct error *err)
{
	static const char *const keys[] = {
	        "provstat", "name",  "sources_dir", "indicators", "geo",
	        "release",  "fetch", "comment",     NULL};
	static const char *const geo_keys[] = {"iso_codes", "aliases", NULL};
	static const char *const rel_keys[] = {"keep", NULL};
	static const char *const fetch_keys[] = {"timeout_s",
	                                         "connect_timeout_s",
	                                         "low_speed_bytes",
	                                         "low_speed_time_s",
	                                         "proxy",
	                                         "jobs",
	                                         "max_per_host",
	                                         "retries",
	                                         "retry_base_ms",
	                                         "retry_max_s",
	                                         NULL};
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	struct hash *h = hash_new();
	struct cfg c = {NULL, err};
	const struct cJSON *root, *v;
	char *buf = NULL, *sources_rel = NULL, *ind_rel = NULL, *tmp = NULL;
	char *sources_dir = NULL, *ind_path = NULL;
	size_t len;
	long schema = 0;
	int ret = -1;

	*out = NULL;
	cfg->path = xstrdup(path);
	cfg->dir = fileio_dirname(path);
	if (cfg_read(h, "provstat.json", path, &buf, &len, err) < 0 ||
	    json_doc_parse(&c.doc, path, buf, len, CONFIG_MAX_BYTES, err) < 0)
		goto out;
	root = json_doc_root(c.doc);
	if (cfg_keys(&c, root, "provstat.json", keys) < 0 ||
	    cfg_long(&c, root, "provstat", 1, 1, &schema) < 0)
		goto out;
	if (schema != 1) {
		cfg_fail(&c, root, "provstat",
		         "required key is missing (the config format version, "
		         "1)");
		goto out;
	}
	if (cfg_string(&c, root, "sources_dir", 1, &sources_rel) < 0 ||
	    cfg_string(&c, root, "indicators", 1, &ind_rel) < 0)
		goto out;

	cfg->keep_releases = 10;
	if ((v = json_get(root, "release")) &&
	    (cfg_keys(&c, v, "'release'", rel_keys) < 0 ||
	     cfg_long(&c, v, "keep", 1, 100000, &cfg->keep_releases) < 0))
		goto out;

	cfg->fetch.timeout_s = 300;
	cfg->fetch.connect_timeout_s = 30;
	cfg->fetch.low_speed_bytes = 100;
	cfg->fetch.low_speed_time_s = 60;
	cfg->fetch.jobs = 8;
	cfg->fetch.max_per_host = 4;
	cfg->fetch.retries = 3;
	cfg->fetch.retry_base_ms = 1000;
	cfg->fetch.retry_max_s = 60;
	if ((v = json_get(root, "fetch"))) {
		if (cfg_keys(&c, v, "'fetch'", fetch_keys) < 0 ||
		    cfg_long(&c, v, "timeout_s", 1, 86400,
		             &cfg->fetch.timeout_s) < 0 ||
		    cfg_long(&c, v, "connect_timeout_s", 1, 3600,
		             &cfg->fetch.connect_timeout_s) < 0 ||
		    cfg_long(&c, v, "low_speed_bytes", 0, LONG_MAX,
		             &cfg->fetch.low_speed_bytes) < 0 ||
		    cfg_long(&c, v, "low_speed_time_s", 0, 86400,
		             &cfg->fetch.low_speed_time_s) < 0 ||
		    cfg_string(&c, v, "proxy", 0, &cfg->fetch.proxy) < 0 ||
		    cfg_long(&c, v, "jobs", 1, 256, &cfg->fetch.jobs) < 0 ||
		    cfg_long(&c, v, "max_per_host", 1, 256,
		             &cfg->fetch.max_per_host) < 0 ||
		    cfg_long(&c, v, "retries", 0, 20, &cfg->fetch.retries) <
		            0 ||
		    cfg_long(&c, v, "retry_base_ms", 1, 600000,
		             &cfg->fetch.retry_base_ms) < 0 ||
		    cfg_long(&c, v, "retry_max_s", 1, 3600,
		             &cfg->fetch.retry_max_s) < 0)
			goto out;
	}
	if (!cfg->fetch.proxy)
		cfg->fetch.proxy = xstrdup("");

	v = json_get(root, "geo");
	if (!v) {
		cfg_fail(&c, root, "geo", "required key is missing");
		goto out;
	}
	if (cfg_keys(&c, v, "'geo'", geo_keys) < 0 ||
	    cfg_string(&c, v, "iso_codes", 1, &tmp) < 0)
		goto out;
	cfg->iso_codes_path = fileio_join(cfg->dir, tmp);
	free(tmp);
	tmp = NULL;
	if (cfg_string(&c, v, "aliases", 1, &tmp) < 0)
		goto out;
	cfg->geo_aliases_path = fileio_join(cfg->dir, tmp);
	free(tmp);
	tmp = NULL;
	json_doc_free(c.doc);
	c.doc = NULL;

	/* The geo tables are data the result depends on: hash them too. */
	free(buf);
	buf = NULL;
	if (cfg_read(h, "geo/aliases", cfg->geo_aliases_path, &buf, &len, err) <
	    0)
		goto out;
	free(buf);
	buf = NULL;

	sources_dir = fileio_join(cfg->dir, sources_rel);
	if (load_sources(cfg, h, sources_dir, sources_rel, err) < 0)
		goto out;
	ind_path = fileio_join(cfg->dir, ind_rel);
	if (load_indicators(cfg, h, ind_path, ind_rel, err) < 0)
		goto out;
	hash_final_hex(h, cfg->hash);
	*out = cfg;
	cfg = NULL;
	ret = 0;
out:
	json_doc_free(c.doc);
	hash_free(h);
	free(buf);
	free(tmp);
	free(sources_rel);
	free(ind_rel);
	free(sources_dir);
	free(ind_path);
	config_free(cfg);
	return ret;
}

void
config_free(struct config *cfg)
{
	size_t i, k;

	if (!cfg)
		return;
	for (i = 0; i < cfg->nsources; i++)
		source_release(&cfg->sources[i]);
	free(cfg->sources);
	for (i = 0; i < cfg->nindicators; i++) {
		free(cfg->indicators[i].id);
		free(cfg->indicators[i].title);
		free(cfg->indicators[i].unit);
		free(cfg->indicators[i].definition);
		free(cfg->indicators[i].scope_note);
		free(cfg->indicators[i].reason);
		derived_free(&cfg->indicators[i].derived);
		for (k = 0; k < cfg->indicators[i].conflict.nprefer; k++)
			free(cfg->indicators[i].conflict.prefer[k]);
		for (k = 0; k < cfg->indicators[i].nbreaks; k++) {
			free(cfg->indicators[i].break_period[k]);
			free(cfg->indicators[i].break_reason[k]);
		}
		free(cfg->indicators[i].break_period);
		free(cfg->indicators[i].break_reason);
		free(cfg->indicators[i].conflict.prefer);
	}
	free(cfg->indicators);
	for (i = 0; i < cfg->ncrosswalk; i++) {
		free(cfg->crosswalk[i].source);
		free(cfg->crosswalk[i].measure);
		free(cfg->crosswalk[i].indicator);
		free(cfg->crosswalk[i].valid_from);
		free(cfg->crosswalk[i].valid_to);
		free(cfg->crosswalk[i].convert_from);
	}
	free(cfg->crosswalk);
	free(cfg->indicators_version);
	free(cfg->iso_codes_path);
	free(cfg->geo_aliases_path);
	free(cfg->fetch.proxy);
	free(cfg->path);
	free(cfg->dir);
	free(cfg);
}

const struct source_config *
config_source(const struct config *cfg, const char *id)
{
	size_t i;

	for (i = 0; i < cfg->nsources; i++)
		if (strcmp(cfg->sources[i].id, id) == 0)
			return &cfg->sources[i];
	return NULL;
}

const struct indicator_config *
config_indicator(const struct config *cfg, const char *id)
{
	size_t i;

	for (i = 0; i < cfg->nindicators; i++)
		if (strcmp(cfg->indicators[i].id, id) == 0)
			return &cfg->indicators[i];
	return NULL;
}
