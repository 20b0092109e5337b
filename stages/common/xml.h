/*
 * xml — the libxml2 adapter: the only module that includes libxml2's
 * headers.  The rules of doc/libraries.md are fixed here, once:
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
 * Two ways in: xml_reader (streaming, SAX2 over a FILE, for big SDMX-ML)
 * and xml_html (a DOM of a bounded HTML page, queried by XPath).
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

/* What a stream reports: each element's start (its attributes readable
 * through r until the handler returns) and its end (also after an empty
 * element).  name is the local name (no prefix), from the parser's
 * dictionary: equal to a name xml_reader_intern() returned, it is the same
 * pointer.  Text is reported to text, when it is set, in pieces (len
 * bytes, not NUL-terminated, entities decoded); comments and processing
 * instructions are not reported. */
struct xml_events {
	void (*start)(void *ctx, struct xml_reader *r, const char *name);
	void (*end)(void *ctx, struct xml_reader *r, const char *name);
	void (*text)(void *ctx, const char *text, size_t len);
};

/* A stream of the XML in fp (borrowed); name is what errors call it. */
struct xml_reader *xml_reader_new(FILE *fp, const char *name);
/*
 * Reads the whole document through ev: 0 at its end or when a handler
 * called xml_reader_stop(), -1 on any error (err reads "name:line:col:
 * problem" or "name:line: problem").
 */
int xml_reader_run(struct xml_reader *r, const struct xml_events *ev, void *ctx,
                   struct error *err);
/* From a handler: no more events; xml_reader_run() returns 0. */
void xml_reader_stop(struct xml_reader *r);
/* The parser's own copy of name, for comparing names by pointer (every
 * element and attribute name the handlers get is one); valid until
 * xml_reader_free().  NULL if the parser could not start. */
const char *xml_reader_intern(struct xml_reader *r, const char *name);
/* In a start handler: several attributes in one pass: values[i] is set for
 * names[i] (local names, interned: compared by pointer), or NULL; borrowed
 * until the handler returns. */
void xml_reader_attrs(struct xml_reader *r, const char *const *names,
                      const char **values, size_t n);
/* In a start handler: the value of attribute local name (any namespace),
 * or NULL. */
const char *xml_reader_attr(struct xml_reader *r, const char *name);
/* In a start handler: fn for every attribute (local names; namespace
 * declarations are not attributes). */
void xml_reader_each_attr(struct xml_reader *r,
                          void (*fn)(void *ctx, const char *name,
                                     const char *value),
                          void *ctx);
/* The line the parser is on (in a start handler: the element's). */
int xml_reader_line(struct xml_reader *r);
/*
 * In a start handler: where the element's start tag begins, its '<', as an
 * editor counts (line and column from 1, a column a character); for a tag
 * that spans lines, where it ends.
 */
void xml_reader_position(struct xml_reader *r, long *line, long *col);
/*
 * In a start handler: where the raw value of attribute name (its local
 * name, any prefix) lies in the document, its first byte and length,
 * quotes excluded, entity references as written.  -1 when the parser
 * converted the document from another encoding (its offsets are not the
 * document's) or the start tag holds no such attribute.
 */
int xml_reader_attr_span(struct xml_reader *r, const char *name,
                         long long *offset, size_t *len);
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
/* The same without the text of its <sup> elements, which goes to *marks
 * (folded, one space between two; "" when none; caller frees): a
 * footnote mark is never part of the figure it marks. */
char *xml_html_text_marks(const void *node, char **marks);
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
