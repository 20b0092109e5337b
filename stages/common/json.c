/*
 * json — see json.h.
 *
 * The position scan below is written by hand because cJSON has no notion of
 * positions.  It runs only over text cJSON has already accepted, so it needs
 * no error recovery of its own beyond the extra rules it enforces.
 */
#include "json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fileio.h"
#include "number.h"
#include "utf8.h"
#include "xalloc.h"

/* cJSON reports allocation failure as NULL: out of memory (xalloc.h). */
static void
json_oom(void)
{
	fputs("provstat: out of memory (json)\n", stderr);
	exit(1);
}

struct json_pos {
	const cJSON *node;
	int line; /* where the value starts */
	int col;
	int key_line; /* where its key starts (object members), else 0 */
	int key_col;
	size_t offset; /* bytes of the value in the text */
	size_t length;
};

struct json_doc {
	char *name;
	char *text; /* a copy of the document, for literal spans */
	size_t text_len;
	cJSON *root;
	struct json_pos *pos;
	size_t npos;
	size_t pos_alloc;
};

struct json_scan {
	const char *base;
	const char *p;
	const char *end;
	const char *line_start;
	int line;
	struct json_doc *doc;
	struct error *err;
};

static int
json_scan_col(const struct json_scan *s, const char *at)
{
	/* Columns count characters, not bytes: skip UTF-8 continuations. */
	int col = 1;
	const char *q;

	for (q = s->line_start; q < at; q++)
		if (((unsigned char)*q & 0xC0) != 0x80)
			col++;
	return col;
}

static int
json_scan_fail(struct json_scan *s, const char *at, const char *msg)
{
	return error_set(s->err, "%s:%d:%d: %s", s->doc->name, s->line,
	                 json_scan_col(s, at), msg);
}

static void
json_scan_ws(struct json_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	                         *s->p == '\n' || *s->p == '\r')) {
		if (*s->p == '\n') {
			s->line++;
			s->line_start = s->p + 1;
		}
		s->p++;
	}
}

static size_t
json_record(struct json_scan *s, const cJSON *node, int key_line, int key_col)
{
	struct json_doc *d = s->doc;

	if (d->npos == d->pos_alloc) {
		d->pos_alloc = d->pos_alloc ? d->pos_alloc * 2 : 64;
		d->pos = xreallocarray(d->pos, d->pos_alloc, sizeof(*d->pos));
	}
	d->pos[d->npos].node = node;
	d->pos[d->npos].line = s->line;
	d->pos[d->npos].col = json_scan_col(s, s->p);
	d->pos[d->npos].key_line = key_line;
	d->pos[d->npos].key_col = key_col;
	d->pos[d->npos].offset = (size_t)(s->p - s->base);
	d->pos[d->npos].length = 0;
	return d->npos++;
}

static int
json_scan_string(struct json_scan *s)
{
	const char *start = s->p;

	s->p++; /* opening quote */
	while (s->p < s->end && *s->p != '"') {
		if (*s->p == '\\') {
			if (s->end - s->p >= 6 &&
			    memcmp(s->p, "\\u0000", 6) == 0)
				return json_scan_fail(s, s->p,
				                      "string contains "
				                      "'\\u0000', which would "
				                      "truncate it");
			s->p++;
		}
		s->p++;
	}
	(void)start;
	s->p++; /* closing quote */
	return 0;
}

struct json_member {
	const char *key;
	size_t index;
	const cJSON *node;
};

static int
json_cmp_member(const void *a, const void *b)
{
	const struct json_member *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Duplicate keys are an error (cJSON keeps both and the first wins on
 * lookup); the message points at the later occurrence's key. */
static int
json_check_duplicates(struct json_scan *s, const cJSON *obj)
{
	const cJSON *c;
	struct json_member *m;
	size_t n = 0, i, k;
	int ret = 0;

	for (c = obj->child; c; c = c->next)
		n++;
	if (n < 2)
		return 0;
	m = xreallocarray(NULL, n, sizeof(*m));
	n = 0;
	for (c = obj->child; c; c = c->next, n++) {
		m[n].key = c->string;
		m[n].index = n;
		m[n].node = c;
	}
	qsort(m, n, sizeof(*m), json_cmp_member);
	for (i = 1; i < n; i++) {
		if (strcmp(m[i - 1].key, m[i].key) != 0)
			continue;
		/* Positions are still in scan order: search back. */
		for (k = s->doc->npos; k-- > 0;)
			if (s->doc->pos[k].node == m[i].node)
				break;
		ret = error_set(s->err, "%s:%d:%d: duplicate key '%.200s'",
		                s->doc->name, s->doc->pos[k].key_line,
		                s->doc->pos[k].key_col, m[i].key);
		break;
	}
	free(m);
	return ret;
}

static int
json_scan_number(struct json_scan *s, const cJSON *node)
{
	const char *start = s->p, *digits;
	int integer = 1;

	if (*s->p == '-')
		s->p++;
	digits = s->p;
	if (s->end - digits >= 2 && digits[0] == '0' && digits[1] >= '0' &&
	    digits[1] <= '9')
		return json_scan_fail(s, start, "number with a leading zero");
	while (s->p < s->end && strchr("0123456789+-.eE", *s->p)) {
		if (*s->p == '.' || *s->p == 'e' || *s->p == 'E')
			integer = 0;
		s->p++;
	}
	if (!isfinite(node->valuedouble))
		return json_scan_fail(s, start, "number is not finite");
	if (integer && fabs(node->valuedouble) >= 9007199254740992.0) {
		/* Exact only if the double prints back as the literal. */
		char exact[64];
		size_t len = (size_t)(s->p - digits);

		snprintf(exact, sizeof(exact), "%.0f", fabs(node->valuedouble));
		if (strlen(exact) != len || memcmp(exact, digits, len) != 0)
			return json_scan_fail(s, start,
			                      "integer beyond 2^53 cannot be "
			                      "kept exactly");
	}
	return 0;
}

static int json_scan_inner(struct json_scan *s, const cJSON *node);

static int
json_scan_value(struct json_scan *s, const cJSON *node, int key_line,
                int key_col)
{
	size_t me;
	int rc;

	json_scan_ws(s);
	me = json_record(s, node, key_line, key_col);
	rc = json_scan_inner(s, node);
	/* The array may have moved while the children were recorded. */
	s->doc->pos[me].length =
	        (size_t)(s->p - s->base) - s->doc->pos[me].offset;
	return rc;
}

static int
json_scan_inner(struct json_scan *s, const cJSON *node)
{
	const cJSON *child;
	int kl, kc;

	switch (*s->p) {
	case '{':
		s->p++;
		child = node->child;
		for (;;) {
			json_scan_ws(s);
			if (*s->p == '}')
				break;
			if (*s->p == ',') {
				s->p++;
				continue;
			}
			kl = s->line;
			kc = json_scan_col(s, s->p);
			if (json_scan_string(s) < 0)
				return -1;
			json_scan_ws(s);
			s->p++; /* ':' */
			if (json_scan_value(s, child, kl, kc) < 0)
				return -1;
			child = child->next;
		}
		s->p++;
		return json_check_duplicates(s, node);
	case '[':
		s->p++;
		child = node->child;
		for (;;) {
			json_scan_ws(s);
			if (*s->p == ']')
				break;
			if (*s->p == ',') {
				s->p++;
				continue;
			}
			if (json_scan_value(s, child, 0, 0) < 0)
				return -1;
			child = child->next;
		}
		s->p++;
		return 0;
	case '"':
		return json_scan_string(s);
	case 't':
	case 'n':
		s->p += 4;
		return 0;
	case 'f':
		s->p += 5;
		return 0;
	default:
		return json_scan_number(s, node);
	}
}

static void
json_line_col(const char *buf, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static int
json_pos_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct json_pos *)a)->node;
	uintptr_t y = (uintptr_t)((const struct json_pos *)b)->node;

	return x < y ? -1 : x > y;
}

int
json_doc_parse(struct json_doc **out, const char *name, const char *buf,
               size_t len, size_t max_bytes, struct error *err)
{
	struct json_doc *doc = NULL;
	struct json_scan s;
	const char *end = NULL;
	size_t bad;
	int line, col;

	*out = NULL;
	if (len > max_bytes)
		return error_set(
		        err,
		        "%s: document of %zu bytes is over the limit of "
		        "%zu bytes",
		        name, len, max_bytes);
	bad = utf8_first_invalid(buf, len);
	if (bad < len) {
		json_line_col(buf, bad, &line, &col);
		return error_set(err, "%s:%d:%d: invalid UTF-8", name, line,
		                 col);
	}
	if (memchr(buf, '\0', len)) {
		json_line_col(
		        buf,
		        (size_t)((const char *)memchr(buf, '\0', len) - buf),
		        &line, &col);
		return error_set(err, "%s:%d:%d: NUL byte in JSON text", name,
		                 line, col);
	}
	/* JSON has no raw control characters but its four whitespace ones
	 * (RFC 8259; in strings they must be escaped).  cJSON skips any byte
	 * below 0x21 as whitespace, and its tree and our scan of the text
	 * must agree on where every value is (found by fuzzing). */
	for (bad = 0; bad < len; bad++)
		if ((unsigned char)buf[bad] < 0x20 && buf[bad] != '\t' &&
		    buf[bad] != '\n' && buf[bad] != '\r') {
			json_line_col(buf, bad, &line, &col);
			return error_set(err,
			                 "%s:%d:%d: control character 0x%02x "
			                 "in JSON text",
			                 name, line, col,
			                 (unsigned char)buf[bad]);
		}
	doc = xcalloc(1, sizeof(*doc));
	doc->name = xstrdup(name);
	doc->text = xmalloc(len + 1);
	memcpy(doc->text, buf, len);
	doc->text[len] = '\0';
	doc->text_len = len;
	doc->root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!doc->root) {
		size_t off = end && end >= buf && end <= buf + len
		                     ? (size_t)(end - buf)
		                     : 0;

		json_line_col(buf, off, &line, &col);
		error_set(err, "%s:%d:%d: invalid JSON", name, line, col);
		goto fail;
	}
	memset(&s, 0, sizeof(s));
	s.base = buf;
	s.p = buf;
	/* A UTF-8 byte-order mark, which cJSON skips too (RFC 8259 lets a
	 * parser ignore it); offsets still count from the file's first byte. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		s.p = buf + 3;
	s.end = buf + len;
	s.line_start = buf;
	s.line = 1;
	s.doc = doc;
	s.err = err;
	if (json_scan_value(&s, doc->root, 0, 0) < 0)
		goto fail;
	json_scan_ws(&s);
	if (s.p < s.end) {
		json_scan_fail(&s, s.p, "trailing data after the JSON value");
		goto fail;
	}
	qsort(doc->pos, doc->npos, sizeof(*doc->pos), json_pos_cmp);
	*out = doc;
	return 0;
fail:
	json_doc_free(doc);
	return -1;
}

void
json_doc_free(struct json_doc *doc)
{
	if (!doc)
		return;
	cJSON_Delete(doc->root);
	free(doc->pos);
	free(doc->name);
	free(doc->text);
	free(doc);
}

const struct cJSON *
json_doc_root(const struct json_doc *doc)
{
	return doc->root;
}

const char *
json_doc_name(const struct json_doc *doc)
{
	return doc->name;
}

static const struct json_pos *
json_doc_find(const struct json_doc *doc, const struct cJSON *node)
{
	struct json_pos key;

	if (!doc || !node)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.node = node;
	return bsearch(&key, doc->pos, doc->npos, sizeof(*doc->pos),
	               json_pos_cmp);
}

void
json_doc_where(const struct json_doc *doc, const struct cJSON *node, int *line,
               int *col)
{
	const struct json_pos *hit = json_doc_find(doc, node);

	*line = hit ? hit->line : 0;
	*col = hit ? hit->col : 0;
}

char *
json_doc_literal(const struct json_doc *doc, const struct cJSON *node)
{
	size_t off, len;

	if (json_doc_span(doc, node, &off, &len) < 0 ||
	    off + len > doc->text_len)
		return NULL;
	return xstrndup(doc->text + off, len);
}

int
json_doc_span(const struct json_doc *doc, const struct cJSON *node,
              size_t *offset, size_t *length)
{
	const struct json_pos *hit = json_doc_find(doc, node);

	if (!hit)
		return -1;
	*offset = hit->offset;
	*length = hit->length;
	return 0;
}

void
json_doc_where_key(const struct json_doc *doc, const struct cJSON *node,
                   int *line, int *col)
{
	const struct json_pos *hit = json_doc_find(doc, node);

	if (hit && hit->key_line) {
		*line = hit->key_line;
		*col = hit->key_col;
	} else {
		json_doc_where(doc, node, line, col);
	}
}

int
json_is_object(const struct cJSON *node)
{
	return node && cJSON_IsObject(node);
}

int
json_is_array(const struct cJSON *node)
{
	return node && cJSON_IsArray(node);
}

int
json_is_string(const struct cJSON *node)
{
	return node && cJSON_IsString(node);
}

int
json_is_number(const struct cJSON *node)
{
	return node && cJSON_IsNumber(node);
}

int
json_is_null(const struct cJSON *node)
{
	return node && cJSON_IsNull(node);
}

int
json_is_true(const struct cJSON *node)
{
	return node && cJSON_IsTrue(node);
}

const struct cJSON *
json_pointer(const struct cJSON *root, const char *ptr)
{
	const cJSON *cur = root;
	char token[1024];

	if (*ptr && *ptr != '/')
		return NULL;
	while (cur && *ptr == '/') {
		size_t n = 0;

		ptr++;
		while (*ptr && *ptr != '/') {
			char ch = *ptr++;

			if (ch == '~') {
				if (*ptr == '0')
					ch = '~';
				else if (*ptr == '1')
					ch = '/';
				else
					return NULL;
				ptr++;
			}
			if (n + 1 >= sizeof(token))
				return NULL;
			token[n++] = ch;
		}
		token[n] = '\0';
		if (cJSON_IsArray(cur)) {
			char *end;
			long i;

			if (!n || (token[0] == '0' && n > 1))
				return NULL;
			i = strtol(token, &end, 10);
			if (*end || i < 0)
				return NULL;
			cur = cJSON_GetArrayItem(cur,
			                         (int)(i > INT32_MAX ? -1 : i));
		} else if (cJSON_IsObject(cur)) {
			cur = cJSON_GetObjectItemCaseSensitive(cur, token);
		} else {
			return NULL;
		}
	}
	return cur;
}

const struct cJSON *
json_get(const struct cJSON *obj, const char *key)
{
	if (!json_is_object(obj))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

const char *
json_string(const struct cJSON *node)
{
	return json_is_string(node) ? node->valuestring : NULL;
}

int
json_number(const struct cJSON *node, double *out)
{
	if (!json_is_number(node))
		return -1;
	*out = node->valuedouble;
	return 0;
}

size_t
json_size(const struct cJSON *node)
{
	const cJSON *c;
	size_t n = 0;

	if (!node)
		return 0;
	for (c = node->child; c; c = c->next)
		n++;
	return n;
}

const struct cJSON *
json_child(const struct cJSON *node)
{
	return node && (cJSON_IsObject(node) || cJSON_IsArray(node))
	               ? node->child
	               : NULL;
}

const struct cJSON *
json_next(const struct cJSON *node)
{
	return node ? node->next : NULL;
}

const char *
json_key(const struct cJSON *node)
{
	return node ? node->string : NULL;
}

struct cJSON *
json_parse_own(const char *text)
{
	return cJSON_Parse(text);
}

struct cJSON *
json_dup(const struct cJSON *node)
{
	cJSON *o = cJSON_Duplicate(node, 1);

	if (!o)
		json_oom();
	return o;
}

struct cJSON *
json_new_object(void)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		json_oom();
	return o;
}

struct cJSON *
json_new_array(void)
{
	cJSON *a = cJSON_CreateArray();

	if (!a)
		json_oom();
	return a;
}

void
json_add_item(struct cJSON *parent, const char *key, struct cJSON *item)
{
	if (!item)
		json_oom();
	if (key)
		cJSON_AddItemToObject(parent, key, item);
	else
		cJSON_AddItemToArray(parent, item);
}

void
json_add_string(struct cJSON *parent, const char *key, const char *s)
{
	json_add_item(parent, key,
	              s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

/* cJSON prints doubles with 15 significant digits unless that is "close
 * enough", which loses the last bits of computed values (31.974420463629098
 * became 31.9744204636291); numbers are written as the shortest text that
 * reads back as the same double, the form indicators.csv uses. */
void
json_add_number(struct cJSON *parent, const char *key, double v)
{
	char buf[32];

	if (!isfinite(v)) {
		json_add_item(parent, key, cJSON_CreateNull());
		return;
	}
	number_format_shortest(v, buf);
	json_add_item(parent, key, cJSON_CreateRaw(buf));
}

void
json_add_bool(struct cJSON *parent, const char *key, int v)
{
	json_add_item(parent, key, cJSON_CreateBool(v));
}

char *
json_print(const struct cJSON *node, int pretty)
{
	char *s = pretty ? cJSON_Print(node) : cJSON_PrintUnformatted(node);

	if (!s)
		json_oom();
	return s;
}

void
json_delete(struct cJSON *node)
{
	cJSON_Delete(node);
}
