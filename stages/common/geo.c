/* geo — see geo.h. */
#include "geo.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "json.h"
#include "xalloc.h"

#define GEO_FILE_MAX (8u << 20)

struct geo_entry {
	char *key; /* normalized spelling */
	const char *code; /* points into codes */
	const char *reason;
	enum geo_rule rule;
};

struct geo_code {
	char *code;
	char *name;
};

struct geo_table {
	struct geo_entry *e;
	size_t n, alloc;
	struct geo_code *codes;
	size_t ncodes, codes_alloc;
	char *version;
	char hash[HASH_HEX_SIZE];
	char **reasons;
	size_t nreasons;
};

const char *
geo_rule_name(enum geo_rule rule)
{
	static const char *const names[] = {"unmapped", "iso code", "iso name",
	                                    "alias", "excluded"};

	return names[rule];
}

/* Lowercases ASCII letters and folds runs of spaces; trims. */
static char *
geo_normalize(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	int space = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = 1;
			continue;
		}
		if (space && o > out)
			*o++ = ' ';
		space = 0;
		*o++ = (char)tolower((unsigned char)*s);
	}
	*o = '\0';
	return out;
}

static const char *
geo_intern_code(struct geo_table *t, const char *code, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncodes; i++) {
		if (strcmp(t->codes[i].code, code) == 0) {
			if (name && !t->codes[i].name)
				t->codes[i].name = xstrdup(name);
			return t->codes[i].code;
		}
	}
	if (t->ncodes == t->codes_alloc) {
		t->codes_alloc = t->codes_alloc ? t->codes_alloc * 2 : 256;
		t->codes = xreallocarray(t->codes, t->codes_alloc,
		                         sizeof(*t->codes));
	}
	t->codes[t->ncodes].code = xstrdup(code);
	t->codes[t->ncodes].name = name ? xstrdup(name) : NULL;
	return t->codes[t->ncodes++].code;
}

static void
geo_add(struct geo_table *t, const char *spelling, const char *code,
        const char *reason, enum geo_rule rule)
{
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 1024;
		t->e = xreallocarray(t->e, t->alloc, sizeof(*t->e));
	}
	t->e[t->n].key = geo_normalize(spelling);
	t->e[t->n].code = code;
	t->e[t->n].reason = reason;
	t->e[t->n].rule = rule;
	t->n++;
}

/* Sort by key, then by priority (alias first) so duplicates can be dropped. */
static int
geo_cmp(const void *a, const void *b)
{
	const struct geo_entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	int px = x->rule == GEO_ALIAS || x->rule == GEO_EXCLUDED ? 0 : 1;
	int py = y->rule == GEO_ALIAS || y->rule == GEO_EXCLUDED ? 0 : 1;

	if (c)
		return c;
	if (px != py)
		return px - py;
	return (int)x->rule - (int)y->rule;
}

static int
geo_load_iso(struct geo_table *t, const char *path, struct hash *h,
             struct error *err)
{
	struct json_doc *doc = NULL;
	const struct cJSON *list, *it;
	char *buf = NULL;
	size_t len;
	int ret = -1;

	if (fileio_read(path, GEO_FILE_MAX, &buf, &len, err) < 0)
		return -1;
	hash_update(h, buf, len);
	if (json_doc_parse(&doc, path, buf, len, GEO_FILE_MAX, err) < 0)
		goto out;
	list = json_get(json_doc_root(doc), "3166-1");
	if (!json_is_array(list)) {
		error_set(err,
		          "%s: no '3166-1' list (not iso-codes' "
		          "iso_3166-1.json?)",
		          path);
		goto out;
	}
	for (it = json_child(list); it; it = json_next(it)) {
		const char *a2 = json_string(json_get(it, "alpha_2"));
		const char *a3 = json_string(json_get(it, "alpha_3"));
		const char *names[3];
		const char *code;
		int i;

		if (!a2 || strlen(a2) != 2)
			continue;
		names[0] = json_string(json_get(it, "name"));
		names[1] = json_string(json_get(it, "official_name"));
		names[2] = json_string(json_get(it, "common_name"));
		code = geo_intern_code(t, a2, names[2] ? names[2] : names[0]);
		geo_add(t, a2, code, NULL, GEO_ISO_CODE);
		if (a3)
			geo_add(t, a3, code, NULL, GEO_ISO_CODE);
		for (i = 0; i < 3; i++)
			if (names[i])
				geo_add(t, names[i], code, NULL, GEO_ISO_NAME);
	}
	ret = 0;
out:
	json_doc_free(doc);
	free(buf);
	return ret;
}

static int
geo_load_aliases(struct geo_table *t, const char *path, struct hash *h,
                 struct error *err)
{
	struct json_doc *doc = NULL;
	const struct cJSON *root, *m;
	char *buf = NULL;
	size_t len;
	int line, col, ret = -1;

	if (fileio_read(path, GEO_FILE_MAX, &buf, &len, err) < 0)
		return -1;
	hash_update(h, buf, len);
	if (json_doc_parse(&doc, path, buf, len, GEO_FILE_MAX, err) < 0)
		goto out;
	root = json_doc_root(doc);
	for (m = json_child(root); m; m = json_next(m)) {
		const char *k = json_key(m);

		if (strcmp(k, "version") && strcmp(k, "comment") &&
		    strcmp(k, "codes") && strcmp(k, "aliases") &&
		    strcmp(k, "exclude")) {
			json_doc_where_key(doc, m, &line, &col);
			error_set(err, "%s:%d:%d: '%s': unknown key", path,
			          line, col, k);
			goto out;
		}
	}
	if (!json_string(json_get(root, "version"))) {
		error_set(err, "%s: 'version': required string is missing",
		          path);
		goto out;
	}
	t->version = xstrdup(json_string(json_get(root, "version")));
	/* Extra codes: {"XK": "Kosovo", "EU27_2020": "..."} */
	for (m = json_child(json_get(root, "codes")); m; m = json_next(m)) {
		if (!json_string(m)) {
			json_doc_where_key(doc, m, &line, &col);
			error_set(err, "%s:%d:%d: '%s': must be a name", path,
			          line, col, json_key(m));
			goto out;
		}
		geo_add(t, json_key(m),
		        geo_intern_code(t, json_key(m), json_string(m)), NULL,
		        GEO_ALIAS);
	}
	for (m = json_child(json_get(root, "aliases")); m; m = json_next(m)) {
		const char *code = json_string(m);
		size_t i;

		json_doc_where_key(doc, m, &line, &col);
		if (!code) {
			error_set(err, "%s:%d:%d: '%s': must be a code", path,
			          line, col, json_key(m));
			goto out;
		}
		for (i = 0; i < t->ncodes; i++)
			if (strcmp(t->codes[i].code, code) == 0)
				break;
		if (i == t->ncodes) {
			error_set(err,
			          "%s:%d:%d: '%s': '%s' is neither an ISO "
			          "3166-1 alpha-2 code nor declared in 'codes'",
			          path, line, col, json_key(m), code);
			goto out;
		}
		geo_add(t, json_key(m), t->codes[i].code, NULL, GEO_ALIAS);
	}
	for (m = json_child(json_get(root, "exclude")); m; m = json_next(m)) {
		if (!json_string(m) || !*json_string(m)) {
			json_doc_where_key(doc, m, &line, &col);
			error_set(err, "%s:%d:%d: '%s': needs a reason", path,
			          line, col, json_key(m));
			goto out;
		}
		t->reasons = xreallocarray(t->reasons, t->nreasons + 1,
		                           sizeof(*t->reasons));
		t->reasons[t->nreasons] = xstrdup(json_string(m));
		geo_add(t, json_key(m), NULL, t->reasons[t->nreasons],
		        GEO_EXCLUDED);
		t->nreasons++;
	}
	ret = 0;
out:
	json_doc_free(doc);
	free(buf);
	return ret;
}

int
geo_table_load(struct geo_table **out, const char *iso_codes_path,
               const char *aliases_path, struct error *err)
{
	struct geo_table *t = xcalloc(1, sizeof(*t));
	struct hash *h = hash_new();
	size_t i, j;

	*out = NULL;
	if (geo_load_iso(t, iso_codes_path, h, err) < 0 ||
	    geo_load_aliases(t, aliases_path, h, err) < 0) {
		hash_free(h);
		geo_table_free(t);
		return -1;
	}
	hash_final_hex(h, t->hash);
	hash_free(h);
	qsort(t->e, t->n, sizeof(*t->e), geo_cmp);
	/* Keep the first (highest priority) entry of each spelling. */
	for (i = 0, j = 0; i < t->n; i++) {
		if (j > 0 && strcmp(t->e[j - 1].key, t->e[i].key) == 0) {
			free(t->e[i].key);
			continue;
		}
		t->e[j++] = t->e[i];
	}
	t->n = j;
	*out = t;
	return 0;
}

void
geo_table_free(struct geo_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		free(t->e[i].key);
	free(t->e);
	for (i = 0; i < t->ncodes; i++) {
		free(t->codes[i].code);
		free(t->codes[i].name);
	}
	free(t->codes);
	for (i = 0; i < t->nreasons; i++)
		free(t->reasons[i]);
	free(t->reasons);
	free(t->version);
	free(t);
}

static int
geo_key_cmp(const void *key, const void *entry)
{
	return strcmp(key, ((const struct geo_entry *)entry)->key);
}

struct geo_match
geo_lookup(const struct geo_table *t, const char *raw)
{
	struct geo_match m = {GEO_UNMAPPED, NULL, NULL};
	char *k = geo_normalize(raw);
	const struct geo_entry *e;

	e = bsearch(k, t->e, t->n, sizeof(*t->e), geo_key_cmp);
	free(k);
	if (e) {
		m.rule = e->rule;
		m.code = e->code;
		m.reason = e->reason;
	}
	return m;
}

const char *
geo_table_version(const struct geo_table *t)
{
	return t->version;
}

const char *
geo_table_hash(const struct geo_table *t)
{
	return t->hash;
}

const char *
geo_name(const struct geo_table *t, const char *code)
{
	size_t i;

	for (i = 0; i < t->ncodes; i++)
		if (strcmp(t->codes[i].code, code) == 0)
			return t->codes[i].name;
	return NULL;
}
