/* xml — see xml.h. */
#include "xml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xpath.h>

#include "utf8.h"
#include "xalloc.h"

/* libxml2's error code for an unknown HTML tag (HTML5 elements in 2.9). */
#define XML_HTML_UNKNOWN_TAG_CODE 801

static int xml_entity_attempted;

/* Deny every external entity, DTD or XInclude load, and remember it. */
static xmlParserInputPtr
xml_deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	xml_entity_attempted = 1;
	return NULL;
}

void
xml_global_init(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	xmlInitParser();
	xmlSetExternalEntityLoader(xml_deny_loader);
}

/* The first error of level >= 2, with its place. */
struct xml_fault {
	const char *name;
	int html;
	int set;
	struct error err;
};

static void
xml_fault_record(struct xml_fault *f, const xmlError *e)
{
	if (f->set || !e || e->level < XML_ERR_ERROR)
		return;
	if (f->html && e->code == XML_HTML_UNKNOWN_TAG_CODE)
		return;
	f->set = 1;
	if (e->line > 0)
		error_set(&f->err, "%s:%d:%d: %s", f->name, e->line, e->int2,
		          e->message ? e->message : "XML error");
	else /* an encoder's error has no place in the text */
		error_set(&f->err, "%s: %s", f->name,
		          e->message ? e->message : "XML error");
	/* libxml2's messages end in a newline, and some have one inside. */
	{
		size_t n = strlen(f->err.msg), i;

		while (n > 0 &&
		       (f->err.msg[n - 1] == '\n' || f->err.msg[n - 1] == ' '))
			f->err.msg[--n] = '\0';
		for (i = 0; i < n; i++)
			if (f->err.msg[i] == '\n')
				f->err.msg[i] = ';';
	}
}

static void
xml_on_error(void *ctx, xmlErrorPtr e)
{
	xml_fault_record(ctx, e);
}

/* libxml2's unstructured messages ("xmlParseChunk: encoder error") repeat
 * an error the structured handler has recorded with its place; printed,
 * they would break the "prog: message" lines of stderr. */
static void
xml_generic_silent(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

/* Routes every libxml2 error of this thread to f until xml_errors_end(). */
static void
xml_errors_begin(struct xml_fault *f)
{
	xmlSetStructuredErrorFunc(f, xml_on_error);
	xmlSetGenericErrorFunc(NULL, xml_generic_silent);
}

static void
xml_errors_end(void)
{
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetGenericErrorFunc(NULL, NULL);
}

/* ---- streaming ---- */

struct xml_reader {
	xmlTextReaderPtr r;
	FILE *fp;
	struct xml_fault fault;
	int pending_end; /* an empty element: report its end next */
	char *name_copy;
};

static int
xml_read_cb(void *ctx, char *buf, int len)
{
	size_t n = fread(buf, 1, (size_t)len, ctx);

	return ferror((FILE *)ctx) ? -1 : (int)n;
}

struct xml_reader *
xml_reader_new(FILE *fp, const char *name)
{
	struct xml_reader *r = xcalloc(1, sizeof(*r));

	xml_global_init();
	r->fp = fp;
	r->fault.name = name;
	/* Some errors (an unsupported or broken encoding) bypass the
	 * reader's handler for libxml2's global one, which would print them
	 * raw on stderr and keep them from the document's problems (found by
	 * replaying the fuzz corpus).  Both go to the reader's fault while it
	 * lives; xml_reader_free() restores the default. */
	xml_errors_begin(&r->fault);
	/* NOBLANKS: data documents have no meaningful blank text, and the
	 * reader would otherwise stop at every run of indentation. */
	r->r = xmlReaderForIO(xml_read_cb, NULL, fp, name, NULL,
	                      XML_PARSE_NONET | XML_PARSE_BIG_LINES |
	                              XML_PARSE_NOBLANKS | XML_PARSE_COMPACT);
	if (r->r)
		xmlTextReaderSetStructuredErrorHandler(r->r, xml_on_error,
		                                       &r->fault);
	return r;
}

int
xml_reader_next(struct xml_reader *r, enum xml_node *kind, struct error *err)
{
	int rc, type;

	if (!r->r)
		return error_set(err, "%s: cannot start the XML reader",
		                 r->fault.name);
	if (r->pending_end) {
		r->pending_end = 0;
		*kind = XML_NODE_END;
		return 1;
	}
	xml_entity_attempted = 0;
	rc = xmlTextReaderRead(r->r);
	if (r->fault.set) {
		*err = r->fault.err;
		return -1;
	}
	if (xml_entity_attempted)
		return error_set(err,
		                 "%s:%d: an external entity or DTD load "
		                 "was refused",
		                 r->fault.name, xml_reader_line(r));
	if (rc < 0)
		return error_set(err, "%s:%d: malformed XML", r->fault.name,
		                 xml_reader_line(r));
	if (rc == 0)
		return 0;
	if (xmlTextReaderDepth(r->r) > XML_MAX_DEPTH)
		return error_set(err, "%s:%d: nested deeper than %d elements",
		                 r->fault.name, xml_reader_line(r),
		                 XML_MAX_DEPTH);
	type = xmlTextReaderNodeType(r->r);
	switch (type) {
	case XML_READER_TYPE_DOCUMENT_TYPE:
		return error_set(err,
		                 "%s:%d: a DOCTYPE is not allowed in a data "
		                 "document",
		                 r->fault.name, xml_reader_line(r));
	case XML_READER_TYPE_ENTITY_REFERENCE:
	case XML_READER_TYPE_ENTITY:
		return error_set(err,
		                 "%s:%d: entity references are not allowed",
		                 r->fault.name, xml_reader_line(r));
	case XML_READER_TYPE_ELEMENT:
		*kind = XML_NODE_START;
		r->pending_end = xmlTextReaderIsEmptyElement(r->r) == 1;
		return 1;
	case XML_READER_TYPE_END_ELEMENT:
		*kind = XML_NODE_END;
		return 1;
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
		*kind = XML_NODE_TEXT;
		return 1;
	default:
		*kind = XML_NODE_OTHER;
		return 1;
	}
}

const char *
xml_reader_name(struct xml_reader *r)
{
	const xmlChar *n = xmlTextReaderConstLocalName(r->r);

	return n ? (const char *)n : "";
}

void
xml_reader_each_attr(struct xml_reader *r,
                     void (*fn)(void *ctx, const char *name, const char *value),
                     void *ctx)
{
	if (xmlTextReaderMoveToFirstAttribute(r->r) != 1)
		return;
	do {
		const xmlChar *n = xmlTextReaderConstLocalName(r->r);
		const xmlChar *v = xmlTextReaderConstValue(r->r);

		/* Namespace declarations are not data. */
		if (xmlTextReaderIsNamespaceDecl(r->r) == 1)
			continue;
		if (n && v)
			fn(ctx, (const char *)n, (const char *)v);
	} while (xmlTextReaderMoveToNextAttribute(r->r) == 1);
	xmlTextReaderMoveToElement(r->r);
}

const char *
xml_reader_intern(struct xml_reader *r, const char *name)
{
	const xmlChar *s =
	        r->r ? xmlTextReaderConstString(r->r, (const xmlChar *)name)
	             : NULL;

	return s ? (const char *)s : name;
}

void
xml_reader_attrs(struct xml_reader *r, const char *const *names,
                 const char **values, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		values[i] = NULL;
	if (xmlTextReaderMoveToFirstAttribute(r->r) != 1)
		return;
	do {
		const char *an =
		        (const char *)xmlTextReaderConstLocalName(r->r);

		for (i = 0; an && i < n; i++)
			if (!values[i] && strcmp(an, names[i]) == 0)
				values[i] =
				        (const char *)xmlTextReaderConstValue(
				                r->r);
	} while (xmlTextReaderMoveToNextAttribute(r->r) == 1);
	xmlTextReaderMoveToElement(r->r);
}

struct attr_find {
	const char *name;
	const char *value;
};

static void
attr_match(void *ctx, const char *name, const char *value)
{
	struct attr_find *f = ctx;

	if (!f->value && strcmp(name, f->name) == 0)
		f->value = value;
}

const char *
xml_reader_attr(struct xml_reader *r, const char *name)
{
	struct attr_find f = {name, NULL};

	xml_reader_each_attr(r, attr_match, &f);
	return f.value;
}

int
xml_reader_line(struct xml_reader *r)
{
	xmlNodePtr n;

	if (!r->r)
		return 0;
	/* The node's own line; the parser's position runs ahead. */
	n = xmlTextReaderCurrentNode(r->r);
	if (n && xmlGetLineNo(n) > 0)
		return (int)xmlGetLineNo(n);
	return xmlTextReaderGetParserLineNumber(r->r);
}

int
xml_reader_depth(struct xml_reader *r)
{
	return xmlTextReaderDepth(r->r);
}

void
xml_reader_free(struct xml_reader *r)
{
	if (!r)
		return;
	if (r->r)
		xmlFreeTextReader(r->r);
	xml_errors_end();
	free(r->name_copy);
	free(r);
}

/* ---- HTML ---- */

struct xml_html {
	htmlDocPtr doc;
	xmlXPathContextPtr xp;
	char *name;
};

struct xml_nodes {
	xmlXPathObjectPtr obj;
};

int
xml_html_parse(struct xml_html **out, const char *name, const char *buf,
               size_t len, struct error *err)
{
	struct xml_fault fault;
	struct xml_html *h;
	size_t bad;

	*out = NULL;
	xml_global_init();
	/* libxml2 2.9 would fall back to Latin-1 after one bad byte. */
	bad = utf8_first_invalid(buf, len);
	if (bad < len) {
		size_t i;
		int line = 1;

		for (i = 0; i < bad; i++)
			if (buf[i] == '\n')
				line++;
		return error_set(err, "%s:%d: invalid UTF-8 (byte %zu)", name,
		                 line, bad);
	}
	if (len > INT32_MAX)
		return error_set(err, "%s: too large", name);
	memset(&fault, 0, sizeof(fault));
	fault.name = name;
	fault.html = 1;
	xml_errors_begin(&fault);
	xml_entity_attempted = 0;
	h = xcalloc(1, sizeof(*h));
	h->name = xstrdup(name);
	h->doc = htmlReadMemory(buf, (int)len, name, "UTF-8",
	                        HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED);
	xml_errors_end();
	if (fault.set) {
		*err = fault.err;
		goto fail;
	}
	if (xml_entity_attempted) {
		error_set(err, "%s: an external entity load was refused", name);
		goto fail;
	}
	if (!h->doc) {
		error_set(err, "%s: not an HTML document", name);
		goto fail;
	}
	h->xp = xmlXPathNewContext(h->doc);
	if (!h->xp) {
		error_set(err, "%s: cannot query the document", name);
		goto fail;
	}
	*out = h;
	return 0;
fail:
	xml_html_free(h);
	return -1;
}

void
xml_html_free(struct xml_html *h)
{
	if (!h)
		return;
	if (h->xp)
		xmlXPathFreeContext(h->xp);
	if (h->doc)
		xmlFreeDoc(h->doc);
	free(h->name);
	free(h);
}

struct xml_nodes *
xml_html_select(struct xml_html *h, const void *ctx, const char *xpath,
                struct error *err)
{
	struct xml_fault fault;
	xmlXPathObjectPtr obj;
	struct xml_nodes *n;

	memset(&fault, 0, sizeof(fault));
	fault.name = h->name;
	xml_errors_begin(&fault);
	if (ctx)
		obj = xmlXPathNodeEval((xmlNodePtr)ctx, (const xmlChar *)xpath,
		                       h->xp);
	else
		obj = xmlXPathEvalExpression((const xmlChar *)xpath, h->xp);
	xml_errors_end();
	if (!obj) {
		error_set(err, "%s: bad XPath expression '%s'", h->name, xpath);
		return NULL;
	}
	if (obj->type != XPATH_NODESET) {
		xmlXPathFreeObject(obj);
		error_set(err, "%s: XPath '%s' does not select nodes", h->name,
		          xpath);
		return NULL;
	}
	n = xcalloc(1, sizeof(*n));
	n->obj = obj;
	return n;
}

size_t
xml_nodes_count(const struct xml_nodes *n)
{
	return n && n->obj->nodesetval ? (size_t)n->obj->nodesetval->nodeNr : 0;
}

const void *
xml_nodes_at(const struct xml_nodes *n, size_t i)
{
	return i < xml_nodes_count(n) ? n->obj->nodesetval->nodeTab[i] : NULL;
}

void
xml_nodes_free(struct xml_nodes *n)
{
	if (!n)
		return;
	xmlXPathFreeObject(n->obj);
	free(n);
}

char *
xml_html_text(const void *node)
{
	xmlChar *t = xmlNodeGetContent((const xmlNode *)node);
	char *out, *o;
	const char *s;
	int space = 0;

	if (!t)
		return xstrdup("");
	out = xmalloc(strlen((const char *)t) + 1);
	o = out;
	for (s = (const char *)t; *s; s++) {
		unsigned char c = (unsigned char)*s;

		/* Fold white space, NBSP included, to one space. */
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = 1;
			continue;
		}
		if (space && o > out)
			*o++ = ' ';
		space = 0;
		*o++ = *s;
	}
	*o = '\0';
	xmlFree(t);
	return out;
}

const char *
xml_html_name(const void *node)
{
	const xmlNode *n = node;

	return n && n->type == XML_ELEMENT_NODE && n->name
	               ? (const char *)n->name
	               : "";
}

long
xml_html_int_attr(const void *node, const char *name, long dflt)
{
	xmlChar *v = xmlGetProp((const xmlNode *)node, (const xmlChar *)name);
	char *end;
	long n = dflt;

	if (v) {
		n = strtol((const char *)v, &end, 10);
		if (*end || n < 0)
			n = dflt;
		xmlFree(v);
	}
	return n;
}

char *
xml_html_path(const void *node)
{
	xmlChar *p = xmlGetNodePath((const xmlNode *)node);
	char *out = xstrdup(p ? (const char *)p : "?");

	xmlFree(p);
	return out;
}

long
xml_html_line(const void *node)
{
	return xmlGetLineNo((const xmlNode *)node);
}

const void *
xml_html_first_child(const void *node)
{
	const xmlNode *c = node ? ((const xmlNode *)node)->children : NULL;

	while (c && c->type != XML_ELEMENT_NODE)
		c = c->next;
	return c;
}

const void *
xml_html_next(const void *node)
{
	const xmlNode *c = node ? ((const xmlNode *)node)->next : NULL;

	while (c && c->type != XML_ELEMENT_NODE)
		c = c->next;
	return c;
}
