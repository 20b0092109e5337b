/*
 * config_source — the sources directory: one file a source, read and
 * checked through its format's row of format.c.  See config.h for what a
 * source holds and doc/provstat-config.5 for its keys.
 */
#include "config_load.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "format.h"
#include "hash.h"
#include "json.h"
#include "strbuf.h"
#include "xalloc.h"

static const char *const config_encodings[] = {"utf-8", "latin-1", "utf-16"};
static const char *const config_grades[] = {"publisher", "press", "report",
                                            "unpublished"};

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

/* "wide": {"columns": ERE, "period": "\\1"}: the period and the value
 * come from the columns it names, for a csv source or an html table. */
static int
cfg_wide(struct cfg *c, const struct cJSON *obj, struct source_config *s)
{
	static const char *const keys[] = {"columns", "period", NULL};
	int f;

	if (cfg_keys(c, obj, "'wide'", keys) < 0 ||
	    cfg_regex(c, obj, "columns", &s->wide.columns) < 0 ||
	    cfg_string(c, obj, "period", 0, &s->wide.period) < 0)
		return -1;
	if (!s->wide.columns)
		return cfg_fail(c, obj, "wide",
		                "needs 'columns', a pattern of "
		                "the header names that are "
		                "periods");
	if (s->spec->id != FORMAT_CSV &&
	    !(s->spec->id == FORMAT_HTML && s->html.table))
		return cfg_fail(c, obj, "wide",
		                "only for a csv source or an html table");
	for (f = FIELD_PERIOD; f <= FIELD_VALUE; f++)
		if (s->column[f] || s->constant[f])
			return cfg_fail(
			        c, obj, config_field_names[f],
			        "comes from the wide columns; do not map "
			        "it");
	return 0;
}

static int
cfg_fields(struct cfg *c, const struct cJSON *obj, const char *what, char **out)
{
	static const char *const keys[] = {"measure",   "geo",  "period",
	                                   "value",     "unit", "flags",
	                                   "precision", NULL};
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
cfg_checks(struct cfg *c, const struct cJSON *obj, struct check_options *k)
{
	static const char *const keys[] = {"rows_sum_to_total", "min_rows",
	                                   "max_rows",          "keys",
	                                   "max_drop",          NULL};
	const struct cJSON *v, *it;

	k->max_drop = 0.5;
	if (!obj)
		return 0;
	if ((v = json_get(obj, "max_drop")) &&
	    (json_number(v, &k->max_drop) < 0 || k->max_drop < 0 ||
	     k->max_drop > 1))
		return cfg_fail(c, v, "max_drop",
		                "must be a fraction from 0 to 1 (1: no guard)");
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

static int
cfg_source(struct cfg *c, const char *file, const char *buf, size_t len,
           struct source_config *s)
{
	static const char *const keys[] = {"id",
	                                   "publisher",
	                                   "title",
	                                   "url",
	                                   "format",
	                                   "licence",
	                                   "citation",
	                                   "grade",
	                                   "max_age_days",
	                                   "max_bytes",
	                                   "number",
	                                   "csv",
	                                   "columns",
	                                   "constant",
	                                   "filter",
	                                   "records",
	                                   "dataset",
	                                   "pdf",
	                                   "html",
	                                   "checks",
	                                   "duplicates",
	                                   "transcribed_from",
	                                   "wide",
	                                   "comment",
	                                   NULL};
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
	if (!(s->spec = format_find(s->format))) {
		cfg_fail(c, json_get(root, "format"), "format",
		         "unknown format '%s'", s->format);
		goto out;
	}
	if (!cfg_in_list(s->grade, config_grades,
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
		    !cfg_in_list(s->csv.encoding, config_encodings,
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
	    cfg_checks(c, json_get(root, "checks"), &s->checks) < 0 ||
	    format_apply(c, root, s) < 0)
		goto out;
	if ((v = json_get(root, "transcribed_from"))) {
		static const char *const tkeys[] = {"title", "url", "where",
		                                    "seen", NULL};

		if (cfg_keys(c, v, "'transcribed_from'", tkeys) < 0 ||
		    cfg_string(c, v, "title", 1, &s->transcribed_from.title) <
		            0 ||
		    cfg_string(c, v, "url", 0, &s->transcribed_from.url) < 0 ||
		    cfg_string(c, v, "where", 0, &s->transcribed_from.where) <
		            0 ||
		    cfg_string(c, v, "seen", 0, &s->transcribed_from.seen) < 0)
			goto out;
		if (s->transcribed_from.url &&
		    strncmp(s->transcribed_from.url, "https://", 8) != 0 &&
		    strncmp(s->transcribed_from.url, "http://", 7) != 0) {
			cfg_fail(c, json_get(v, "url"), "url",
			         "the original's address must be an http(s) "
			         "URL");
			goto out;
		}
		/* The grade the release shows says what the document is:
		 * the publisher's figures, seen through a transcription. */
		{
			char *g = xasprintf("transcription of %s", s->grade);

			free(s->grade);
			s->grade = g;
		}
	}
	if ((v = json_get(root, "wide")) && cfg_wide(c, v, s) < 0)
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
		if (!s->column[i] && !s->constant[i] &&
		    format_requires(s, (enum config_field)i)) {
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
source_free(struct source_config *s)
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
	free(s->transcribed_from.title);
	free(s->transcribed_from.url);
	free(s->transcribed_from.where);
	free(s->transcribed_from.seen);
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
	free(s->wide.columns);
	free(s->wide.period);
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
cmp_name(const void *a, const void *b)
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
int
config_load_sources(struct config *cfg, struct hash *h, const char *sources_dir,
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
	qsort(names, n, sizeof(*names), cmp_name);
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
void
config_sources_free(struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nsources; i++)
		source_free(&cfg->sources[i]);
	free(cfg->sources);
}

char *
config_transcription(const struct source_config *src)
{
	struct strbuf sb;

	strbuf_init(&sb, 1u << 16);
	if (src->transcribed_from.title) {
		strbuf_addstr(&sb, src->transcribed_from.title);
		if (src->transcribed_from.where)
			strbuf_addf(&sb, ", %s", src->transcribed_from.where);
		if (src->transcribed_from.seen)
			strbuf_addf(&sb, ", seen %s",
			            src->transcribed_from.seen);
		if (src->transcribed_from.url)
			strbuf_addf(&sb, ", %s", src->transcribed_from.url);
	}
	return strbuf_detach(&sb, NULL);
}
