/* config_load — see config_load.h. */
#include "config_load.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "xalloc.h"

int
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

int
cfg_in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Every member of obj must be one of the allowed keys (NULL-terminated). */
int
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

int
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

int
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
int
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

int
cfg_regex(struct cfg *c, const struct cJSON *obj, const char *key, char **out)
{
	const struct cJSON *v = json_get(obj, key);

	*out = NULL;
	return v ? cfg_regex_node(c, v, key, out) : 0;
}

int
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
int
cfg_group(struct cfg *c, const struct cJSON *obj, const char *key, int *out)
{
	long v = *out;

	if (cfg_long(c, obj, key, 0, 9, &v) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

int
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

int
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
