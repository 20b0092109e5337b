/*
 * json — the cJSON adapter: the only module that includes <cjson/cJSON.h>.
 *
 * Parsing applies the rules of doc/libraries.md that cJSON 1.7.15 does not: the
 * input is capped before parsing; invalid UTF-8, trailing data, duplicate
 * keys, "\u0000" in strings, integers beyond 2^53, numbers with leading zeros
 * and non-finite numbers are errors.  cJSON keeps no positions, so after it
 * accepts a document this module walks the text alongside the tree once and
 * records where every node starts; errors then name "name:line:col".
 *
 * Ownership: a struct json_doc owns its tree; every node pointer obtained
 * from it is borrowed until json_doc_free().  Nodes built with json_new_*()
 * belong to the caller until added to a parent, then to the parent; the root
 * is freed with json_delete().
 */
#ifndef PROVSTAT_JSON_H
#define PROVSTAT_JSON_H

#include <stddef.h>

#include "error.h"

struct cJSON;
struct json_doc;

/*
 * Parses len bytes of buf (need not be NUL-terminated).  name is what errors
 * call the document (a file path or "src://id").  On failure err reads
 * "name:line:col: problem".
 */
int json_doc_parse(struct json_doc **out, const char *name, const char *buf,
                   size_t len, size_t max_bytes, struct error *err);
void json_doc_free(struct json_doc *doc);
const struct cJSON *json_doc_root(const struct json_doc *doc);
const char *json_doc_name(const struct json_doc *doc);
/* Where node starts in the text (1-based); 0, 0 if node is not in doc. */
void json_doc_where(const struct json_doc *doc, const struct cJSON *node,
                    int *line, int *col);

/* The bytes of node's value in the text (for exact locators); -1 if node
 * is not in doc. */
int json_doc_span(const struct json_doc *doc, const struct cJSON *node,
                  size_t *offset, size_t *length);
/* The bytes of node's value as written ("1.50", "\"x\""); caller frees;
 * NULL if node is not in doc. */
char *json_doc_literal(const struct json_doc *doc, const struct cJSON *node);
/* Where the key of an object member starts (else as json_doc_where()). */
void json_doc_where_key(const struct json_doc *doc, const struct cJSON *node,
                        int *line, int *col);

/* Node queries; all accept NULL and then answer 0 / NULL. */
int json_is_object(const struct cJSON *node);
int json_is_array(const struct cJSON *node);
int json_is_string(const struct cJSON *node);
int json_is_number(const struct cJSON *node);
int json_is_null(const struct cJSON *node);
int json_is_true(const struct cJSON *node);
/*
 * Resolves an RFC 6901 JSON pointer ("/data/0/value", "~1" for '/', "~0"
 * for '~') from root; NULL if it leads nowhere.  "" is root itself.
 */
const struct cJSON *json_pointer(const struct cJSON *root, const char *ptr);
/* Member key of an object, case-sensitive. */
const struct cJSON *json_get(const struct cJSON *obj, const char *key);
/* The string of a string node, else NULL. */
const char *json_string(const struct cJSON *node);
/* The number of a number node: 0 and *out set, else -1. */
int json_number(const struct cJSON *node, double *out);
size_t json_size(const struct cJSON *node);
/* First child of an object or array, and the sibling after node. */
const struct cJSON *json_child(const struct cJSON *node);
const struct cJSON *json_next(const struct cJSON *node);
/* The key of an object member. */
const char *json_key(const struct cJSON *node);

/*
 * Parses JSON that provstat itself wrote (a lineage recipe) into a detached
 * node the caller owns (json_delete(), or add it to a parent); NULL if the
 * text is not JSON.  Not for untrusted input: use json_doc_parse().
 */
struct cJSON *json_parse_own(const char *text);
/* A deep copy the caller owns. */
struct cJSON *json_dup(const struct cJSON *node);

/* Building documents for output. */
struct cJSON *json_new_object(void);
struct cJSON *json_new_array(void);
/* Adds to an object under key, or appends to an array when key is NULL.
 * A NULL string adds JSON null. */
void json_add_string(struct cJSON *parent, const char *key, const char *s);
void json_add_number(struct cJSON *parent, const char *key, double v);
void json_add_bool(struct cJSON *parent, const char *key, int v);
void json_add_item(struct cJSON *parent, const char *key, struct cJSON *item);
/* Prints compactly (pretty = 0) or indented; caller frees with free(). */
char *json_print(const struct cJSON *node, int pretty);
void json_delete(struct cJSON *node);

#endif
