/* xml — see xml.h. */
#include "xml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

#include "strbuf.h"
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

/*
 * libxml2's SAX2 interface, not xmlTextReader: the reader builds a node
 * (and its attribute nodes) for every element and frees it again, and on a
 * 200 MiB message that is a third of normalize's time.  SAX2 hands over
 * the element's local name (interned in the parser's dictionary) and its
 * attributes, and builds nothing.  The reader's safety checks are made here
 * by the handlers: a DOCTYPE stops the parse where it starts (before any
 * entity is declared), an entity reference other than the five predefined
 * ones is an error (there is no getEntity handler, so libxml2 reports it
 * undeclared), elements deeper than XML_MAX_DEPTH and a run of text longer
 * than libxml2's own node limit stop it, and the first error of level >= 2
 * stops it with its place.
 */
struct xml_reader {
	xmlParserCtxtPtr ctxt;
	FILE *fp;
	struct xml_fault fault;
	const struct xml_events *ev;
	void *ctx;
	int depth;
	int stopped; /* by a handler */
	size_t text_run; /* bytes of text since the last tag */
	/* The current element's attributes (local names from the parser's
	 * dictionary; values copied, NUL-terminated, into values). */
	size_t nattr, attr_cap;
	const char **attr_name;
	size_t *attr_value;
	struct strbuf values;
};

static int
xml_read_cb(void *ctx, char *buf, int len)
{
	size_t n = fread(buf, 1, (size_t)len, ctx);

	return ferror((FILE *)ctx) ? -1 : (int)n;
}

static int
xml_reader_place(const struct xml_reader *r)
{
	return r->ctxt && r->ctxt->input ? r->ctxt->input->line : 0;
}

/* Records the handlers' own fault (the first wins) and stops the parse. */
static void
xml_reader_fail(struct xml_reader *r, const char *what)
{
	if (!r->fault.set) {
		r->fault.set = 1;
		error_set(&r->fault.err, "%s:%d: %s", r->fault.name,
		          xml_reader_place(r), what);
	}
	xmlStopParser(r->ctxt);
}

static void
xml_sax_error(void *ctx, xmlErrorPtr e)
{
	struct xml_reader *r = ctx;

	xml_fault_record(&r->fault, e);
	if (r->fault.set)
		xmlStopParser(r->ctxt);
}

/*
 * Copies an attribute value as SAX2 gives it, NUL-terminated.  Without
 * XML_PARSE_NOENT (never set: doc/libraries.md) libxml2 writes every '&' of a
 * value -- from "&amp;", "&#38;" or "&#x26;" -- as the five bytes "&#38;",
 * for a tree builder to decode; any other '&' cannot reach a value (an
 * undeclared entity is an error, and no entity can be declared), so each
 * "&#38;" here is one '&'.
 */
static void
attr_value_add(struct strbuf *sb, const char *v, const char *end)
{
	const char *amp;

	while ((amp = memchr(v, '&', (size_t)(end - v))) != NULL) {
		strbuf_add(sb, v, (size_t)(amp - v) + 1);
		v = amp + 1;
		if (end - v >= 4 && memcmp(v, "#38;", 4) == 0)
			v += 4;
	}
	strbuf_add(sb, v, (size_t)(end - v));
	strbuf_addch(sb, '\0');
}

static void
xml_sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
              const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
              int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	struct xml_reader *r = ctx;
	int i;

	(void)prefix;
	(void)uri;
	(void)nb_namespaces;
	(void)namespaces;
	(void)nb_defaulted;
	if (r->depth > XML_MAX_DEPTH) {
		char what[64];

		snprintf(what, sizeof(what), "nested deeper than %d elements",
		         XML_MAX_DEPTH);
		xml_reader_fail(r, what);
		return;
	}
	r->depth++;
	r->text_run = 0;
	/* attributes: localname, prefix, URI, value, end; five per one.
	 * Namespace declarations are not among them. */
	if ((size_t)nb_attributes > r->attr_cap) {
		r->attr_cap = (size_t)nb_attributes;
		r->attr_name = xreallocarray(r->attr_name, r->attr_cap,
		                             sizeof(*r->attr_name));
		r->attr_value = xreallocarray(r->attr_value, r->attr_cap,
		                              sizeof(*r->attr_value));
	}
	strbuf_reset(&r->values);
	for (i = 0; i < nb_attributes; i++) {
		const xmlChar *const *a = attributes + 5 * i;

		r->attr_name[i] = (const char *)a[0];
		r->attr_value[i] = r->values.len;
		attr_value_add(&r->values, (const char *)a[3],
		               (const char *)a[4]);
	}
	r->nattr = (size_t)nb_attributes;
	if (!r->stopped)
		r->ev->start(r->ctx, r, (const char *)localname);
	r->nattr = 0;
}

static void
xml_sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
            const xmlChar *uri)
{
	struct xml_reader *r = ctx;

	(void)prefix;
	(void)uri;
	r->depth--;
	r->text_run = 0;
	if (!r->stopped)
		r->ev->end(r->ctx, r, (const char *)localname);
}

static void
xml_sax_text(void *ctx, const xmlChar *ch, int len)
{
	struct xml_reader *r = ctx;

	r->text_run += (size_t)len;
	if (r->text_run > XML_MAX_TEXT_LENGTH)
		xml_reader_fail(r, "a text node is longer than libxml2's "
		                   "limit of 10000000 bytes");
	else if (r->ev->text && !r->stopped && len > 0)
		r->ev->text(r->ctx, (const char *)ch, (size_t)len);
}

static void
xml_sax_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                const xmlChar *system_id)
{
	(void)name;
	(void)external_id;
	(void)system_id;
	xml_reader_fail(ctx, "a DOCTYPE is not allowed in a data document");
}

static void
xml_sax_reference(void *ctx, const xmlChar *name)
{
	(void)name;
	xml_reader_fail(ctx, "entity references are not allowed");
}

struct xml_reader *
xml_reader_new(FILE *fp, const char *name)
{
	struct xml_reader *r = xcalloc(1, sizeof(*r));
	xmlSAXHandler sax;

	xml_global_init();
	r->fp = fp;
	r->fault.name = name;
	strbuf_init(&r->values, SIZE_MAX / 2);
	/* Errors that bypass the context's handler (an unsupported or broken
	 * encoding) would go to libxml2's global one, which prints them raw
	 * on stderr and keeps them from the document's problems (found by
	 * replaying the fuzz corpus).  Both go to the reader's fault while it
	 * lives; xml_reader_free() restores the default. */
	xml_errors_begin(&r->fault);
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = xml_sax_start;
	sax.endElementNs = xml_sax_end;
	sax.characters = xml_sax_text;
	sax.cdataBlock = xml_sax_text;
	sax.ignorableWhitespace = xml_sax_text;
	sax.internalSubset = xml_sax_doctype;
	sax.externalSubset = xml_sax_doctype;
	sax.reference = xml_sax_reference;
	sax.serror = xml_sax_error;
	r->ctxt = xmlCreateIOParserCtxt(&sax, r, xml_read_cb, NULL, fp,
	                                XML_CHAR_ENCODING_NONE);
	if (r->ctxt)
		xmlCtxtUseOptions(r->ctxt,
		                  XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	return r;
}

int
xml_reader_run(struct xml_reader *r, const struct xml_events *ev, void *ctx,
               struct error *err)
{
	int rc;

	if (!r->ctxt)
		return error_set(err, "%s: cannot start the XML parser",
		                 r->fault.name);
	r->ev = ev;
	r->ctx = ctx;
	xml_entity_attempted = 0;
	rc = xmlParseDocument(r->ctxt);
	if (r->fault.set) {
		*err = r->fault.err;
		return -1;
	}
	if (xml_entity_attempted)
		return error_set(err,
		                 "%s:%d: an external entity or DTD load "
		                 "was refused",
		                 r->fault.name, xml_reader_place(r));
	if (r->stopped)
		return 0;
	if (rc < 0 || !r->ctxt->wellFormed)
		return error_set(err, "%s:%d: malformed XML", r->fault.name,
		                 xml_reader_place(r));
	return 0;
}

void
xml_reader_stop(struct xml_reader *r)
{
	r->stopped = 1;
	xmlStopParser(r->ctxt);
}

void
xml_reader_each_attr(struct xml_reader *r,
                     void (*fn)(void *ctx, const char *name, const char *value),
                     void *ctx)
{
	size_t i;

	for (i = 0; i < r->nattr; i++)
		fn(ctx, r->attr_name[i], r->values.buf + r->attr_value[i]);
}

const char *
xml_reader_intern(struct xml_reader *r, const char *name)
{
	return r->ctxt ? (const char *)xmlDictLookup(r->ctxt->dict,
	                                             (const xmlChar *)name, -1)
	               : NULL;
}

void
xml_reader_attrs(struct xml_reader *r, const char *const *names,
                 const char **values, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++)
		values[i] = NULL;
	for (k = 0; k < r->nattr; k++)
		for (i = 0; i < n; i++)
			if (!values[i] && r->attr_name[k] == names[i])
				values[i] = r->values.buf + r->attr_value[k];
}

const char *
xml_reader_attr(struct xml_reader *r, const char *name)
{
	const char *v = NULL;

	if ((name = xml_reader_intern(r, name)))
		xml_reader_attrs(r, &name, &v, 1);
	return v;
}

int
xml_reader_line(struct xml_reader *r)
{
	return xml_reader_place(r);
}

/*
 * libxml2 calls the start handler with the input at the tag's '>' (or
 * "/>") and keeps the line and column of that place; the tag's '<' is
 * found by stepping back over it, which cannot hold another '<' (an
 * attribute value spells it &lt;), counting the characters (UTF-8 lead
 * bytes) passed.  On one line, they are fewer than the column; over two,
 * they are more, and the place stands.
 */
void
xml_reader_position(struct xml_reader *r, long *line, long *col)
{
	const xmlParserInput *in = r->ctxt ? r->ctxt->input : NULL;
	const xmlChar *p;
	long back = 0;

	*line = in ? in->line : 0;
	*col = in ? in->col : 0;
	if (!in || !in->cur || !in->base)
		return;
	for (p = in->cur; p > in->base;) {
		p--;
		if ((*p & 0xC0) != 0x80)
			back++;
		if (*p == '<') {
			if (back < *col)
				*col -= back;
			return;
		}
	}
}

int
xml_reader_attr_span(struct xml_reader *r, const char *name, long long *offset,
                     size_t *len)
{
	const xmlParserInput *in = r->ctxt ? r->ctxt->input : NULL;
	const xmlChar *lt, *p, *end;
	size_t n = strlen(name);

	if (!in || !in->cur || !in->base || (in->buf && in->buf->encoder))
		return -1;
	/* The start tag is [lt, cur): the handler runs once its attributes
	 * are read, before its '>'. */
	end = in->cur;
	for (lt = end; lt > in->base && *lt != '<'; lt--)
		;
	if (*lt != '<')
		return -1;
	for (p = lt + 1; p + n < end; p++) {
		const xmlChar *q = p + n, *v;
		xmlChar quote;

		if (memcmp(p, name, n) != 0 ||
		    !(p[-1] == ':' || p[-1] == ' ' || p[-1] == '\t' ||
		      p[-1] == '\n' || p[-1] == '\r'))
			continue;
		while (q < end &&
		       (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
			q++;
		if (q >= end || *q++ != '=')
			continue;
		while (q < end &&
		       (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
			q++;
		if (q >= end || (*q != '"' && *q != '\''))
			continue;
		quote = *q;
		for (v = ++q; q < end && *q != quote; q++)
			;
		if (q >= end)
			return -1;
		*offset = (long long)in->consumed + (long long)(v - in->base);
		*len = (size_t)(q - v);
		return 0;
	}
	return -1;
}

void
xml_reader_free(struct xml_reader *r)
{
	if (!r)
		return;
	if (r->ctxt) {
		if (r->ctxt->myDoc) /* never built; freed if it were */
			xmlFreeDoc(r->ctxt->myDoc);
		xmlFreeParserCtxt(r->ctxt);
	}
	xml_errors_end();
	free(r->attr_name);
	free(r->attr_value);
	strbuf_release(&r->values);
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

/* t with runs of white space folded to one space and trimmed. */
static char *
fold_space(const char *t)
{
	char *out, *o;
	const char *s;
	int space = 0;

	out = xmalloc(strlen(t) + 1);
	o = out;
	for (s = t; *s; s++) {
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
	return out;
}

char *
xml_html_text(const void *node)
{
	xmlChar *t = xmlNodeGetContent((const xmlNode *)node);
	char *out;

	if (!t)
		return xstrdup("");
	out = fold_space((const char *)t);
	xmlFree(t);
	return out;
}

/* Appends the text under n to text, and that of <sup> elements to
 * marks. */
static void
text_walk(const xmlNode *n, struct strbuf *text, struct strbuf *marks,
          int in_sup)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				strbuf_addstr(in_sup ? marks : text,
				              (const char *)n->content);
		} else if (n->type == XML_ELEMENT_NODE) {
			int sup = n->name &&
			          xmlStrcasecmp(n->name, BAD_CAST "sup") == 0;

			if (sup && !in_sup && marks->len)
				strbuf_addch(marks, ' ');
			text_walk(n->children, text, marks, in_sup || sup);
		}
	}
}

char *
xml_html_text_marks(const void *node, char **marks)
{
	struct strbuf text, m;
	char *out;

	strbuf_init(&text, SIZE_MAX / 2);
	strbuf_init(&m, SIZE_MAX / 2);
	text_walk(((const xmlNode *)node)->children, &text, &m, 0);
	out = fold_space(text.len ? text.buf : "");
	*marks = fold_space(m.len ? m.buf : "");
	strbuf_release(&text);
	strbuf_release(&m);
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
