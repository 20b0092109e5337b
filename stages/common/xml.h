/*
 * xml — the libxml2 adapter: the only module that includes libxml2's
 * headers.  The rules of HARDENING.md are fixed here, once:
 *
 *   - options XML_PARSE_NONET | XML_PARSE_BIG_LINES, never NOENT, DTDLOAD,
 *     DTDATTR, DTDVALID, XINCLUDE, HUGE or RECOVER;
 *   - a deny-all external entity loader (NONET does not stop file://);
 *   - any DOCTYPE in an XML data document is rejected (no XXE, no billion
 *     laughs, no quadratic blow-up), as is any entity reference;
 *   - every error of level >= 2 fails the document with file, line and
 *     column — after xmlStopParser a "well-formed" document is not trusted;
 *     for HTML, unknown (HTML5) tags are the one tolerated error;
 *   - encoding errors are fatal (libxml2's HTML parser would otherwise fall
 *     back to Latin-1 silently);
 *   - a depth limit and libxml2's own 10 MB text-node limit.
 *
 * Two ways in: xml_reader (streaming, xmlTextReader over a FILE, for big
 * SDMX-ML) and xml_html (a DOM of a bounded HTML page, queried by XPath).
 * Documents are named "src://ID" so that messages name the source.
 */
#ifndef PROVSTAT_XML_H
#define PROVSTAT_XML_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

#define XML_MAX_DEPTH 128

/* ---- streaming XML ---- */

struct xml_reader;

enum xml_node {
	XML_NODE_START, /* an element starts (attributes readable) */
	XML_NODE_END, /* an element ends (also after an empty element) */
	XML_NODE_TEXT,
	XML_NODE_OTHER
};

/* Streams the XML in fp (borrowed); name is what errors call it. */
struct xml_reader *xml_reader_new(FILE *fp, const char *name);
/*
 * Moves to the next node: 1 and *kind, 0 at the end, -1 on any error (err
 * reads "name:line:col: problem").
 */
int xml_reader_next(struct xml_reader *r, enum xml_node *kind,
                    struct error *err);
/* The current element's local name (no prefix); borrowed until next.
 * Names come from the reader's dictionary: a name equal to one returned
 * by xml_reader_intern() is the same pointer. */
const char *xml_reader_name(struct xml_reader *r);
/* The reader's own copy of name, for comparing names by pointer; valid
 * until xml_reader_free(). */
const char *xml_reader_intern(struct xml_reader *r, const char *name);
/* Finds several attributes in one pass: values[i] is set for names[i]
 * (local names), or NULL; values borrowed until the next call. */
void xml_reader_attrs(struct xml_reader *r, const char *const *names,
                      const char **values, size_t n);
/* The value of attribute local name (any namespace), or NULL; borrowed
 * until the next call into the reader. */
const char *xml_reader_attr(struct xml_reader *r, const char *name);
/* Calls fn for every attribute of the current element (local names). */
void xml_reader_each_attr(struct xml_reader *r,
                          void (*fn)(void *ctx, const char *name,
                                     const char *value),
                          void *ctx);
int xml_reader_line(struct xml_reader *r);
int xml_reader_depth(struct xml_reader *r);
void xml_reader_free(struct xml_reader *r);

/* ---- HTML pages ---- */

struct xml_html;
struct xml_nodes; /* the result of an XPath query */

/* Parses a bounded HTML page (len bytes of buf, UTF-8). */
int xml_html_parse(struct xml_html **out, const char *name, const char *buf,
                   size_t len, struct error *err);
void xml_html_free(struct xml_html *h);
/*
 * Evaluates an XPath expression against the document (ctx NULL) or a node
 * of it.  Returns a node set (free with xml_nodes_free()), or NULL with err
 * when the expression is bad or does not give nodes.
 */
struct xml_nodes *xml_html_select(struct xml_html *h, const void *ctx,
                                  const char *xpath, struct error *err);
size_t xml_nodes_count(const struct xml_nodes *n);
/* The i-th node, borrowed from the document. */
const void *xml_nodes_at(const struct xml_nodes *n, size_t i);
void xml_nodes_free(struct xml_nodes *n);
/* A node's text content with runs of white space folded; caller frees. */
char *xml_html_text(const void *node);
/* A node's element name ("td"), or "" for non-elements; borrowed. */
const char *xml_html_name(const void *node);
/* An attribute as a non-negative integer (rowspan, colspan), or dflt. */
long xml_html_int_attr(const void *node, const char *name, long dflt);
/* The XPath of a node in its document ("/html/body/article[2]/p"); caller
 * frees. */
char *xml_html_path(const void *node);
/* The line a node starts on. */
long xml_html_line(const void *node);
/* The element children of a node, in order: first and next. */
const void *xml_html_first_child(const void *node);
const void *xml_html_next(const void *node);

/* Once per process, from main(): installs the deny-all entity loader. */
void xml_global_init(void);

#endif
