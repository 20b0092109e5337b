/*
 * csv_reader — see csv_reader.h.
 *
 * Written by hand: Debian has no maintained C CSV library that reports byte
 * offsets and positions per field (libcsv reports neither), and locators are
 * the point of provstat.  The reader is a byte-at-a-time state machine over a
 * 64 KiB buffer.
 */
#include "csv_reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"
#include "xalloc.h"

#define CSV_BUF 65536

struct csv_reader {
	FILE *fp;
	struct csv_reader_options o;
	unsigned char buf[CSV_BUF];
	size_t pos, len;
	int eof;
	int started; /* BOM check done */
	long long offset; /* of the next byte */
	long line, col; /* of the next byte */
	struct strbuf text; /* field texts, NUL-separated */
	unsigned char stop[256]; /* 1: a byte that ends a run of field text */
	int high; /* the field being read has a byte above 0x7F */
	struct csv_field *fields;
	size_t *starts; /* offsets of field texts in text */
	size_t nfields, fields_alloc;
};

void
csv_reader_options_init(struct csv_reader_options *o)
{
	memset(o, 0, sizeof(*o));
	o->delimiter = ',';
	o->quote = '"';
}

struct csv_reader *
csv_reader_new(FILE *fp, const struct csv_reader_options *o)
{
	struct csv_reader *r = xcalloc(1, sizeof(*r));

	r->fp = fp;
	r->o = *o;
	if (!r->o.max_field_bytes)
		r->o.max_field_bytes = 1u << 20;
	if (!r->o.max_fields)
		r->o.max_fields = 10000;
	r->line = 1;
	r->col = 1;
	r->stop[(unsigned char)r->o.delimiter] = 1;
	r->stop[(unsigned char)r->o.quote] = 1;
	r->stop['\n'] = r->stop['\r'] = r->stop[0] = 1;
	/* A record holds at most max_fields fields of max_field_bytes. */
	strbuf_init(&r->text, r->o.max_field_bytes * 4 + r->o.max_fields);
	return r;
}

void
csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	strbuf_release(&r->text);
	free(r->fields);
	free(r->starts);
	free(r);
}

/* The next byte without consuming it, or -1 at the end, -2 on error. */
static int
csv_peek(struct csv_reader *r)
{
	if (r->pos == r->len) {
		if (r->eof)
			return -1;
		r->len = fread(r->buf, 1, sizeof(r->buf), r->fp);
		r->pos = 0;
		if (r->len == 0) {
			r->eof = 1;
			return ferror(r->fp) ? -2 : -1;
		}
	}
	return r->buf[r->pos];
}

static void
csv_advance(struct csv_reader *r)
{
	unsigned char c = r->buf[r->pos++];

	r->offset++;
	if (c == '\n') {
		r->line++;
		r->col = 1;
	} else if ((c & 0xC0) != 0x80) {
		r->col++;
	}
}

/* Consumes a line end at the current position (CRLF, LF or CR). */
static void
csv_eat_newline(struct csv_reader *r)
{
	int c = csv_peek(r);

	if (c == '\r') {
		csv_advance(r);
		if (csv_peek(r) == '\n') {
			csv_advance(r);
		} else {
			/* A lone CR ends a line too. */
			r->line++;
			r->col = 1;
		}
	} else if (c == '\n') {
		csv_advance(r);
	}
}

static int
csv_fail(struct csv_reader *r, long line, long col, struct error *err,
         const char *what)
{
	(void)r;
	return error_set(err, "line %ld col %ld: %s", line, col, what);
}

static int
csv_add_byte(struct csv_reader *r, size_t field_start, int c, struct error *err)
{
	const struct csv_field *f = &r->fields[r->nfields - 1];

	if (c & 0x80)
		r->high = 1;
	if (r->text.len - field_start >= r->o.max_field_bytes ||
	    strbuf_addch(&r->text, c) < 0)
		return error_set(err,
		                 "line %ld col %ld: field is longer than the "
		                 "limit of %zu bytes",
		                 f->line, f->col, r->o.max_field_bytes);
	return 0;
}

static int
csv_new_field(struct csv_reader *r, struct error *err)
{
	struct csv_field *f;

	if (r->nfields == r->o.max_fields)
		return csv_fail(r, r->line, r->col, err,
		                "record has more fields than the limit");
	if (r->nfields == r->fields_alloc) {
		r->fields_alloc = r->fields_alloc ? r->fields_alloc * 2 : 16;
		r->fields = xreallocarray(r->fields, r->fields_alloc,
		                          sizeof(*r->fields));
		r->starts = xreallocarray(r->starts, r->fields_alloc,
		                          sizeof(*r->starts));
	}
	f = &r->fields[r->nfields];
	memset(f, 0, sizeof(*f));
	f->line = r->line;
	f->col = r->col;
	f->offset = r->offset;
	r->starts[r->nfields] = r->text.len;
	r->nfields++;
	return 0;
}

static int
csv_end_field(struct csv_reader *r, struct error *err)
{
	struct csv_field *f = &r->fields[r->nfields - 1];

	f->raw_len = (size_t)(r->offset - f->offset);
	f->len = r->text.len - r->starts[r->nfields - 1];
	if (strbuf_addch(&r->text, '\0') < 0)
		return csv_fail(r, r->line, r->col, err,
		                "record is longer than the limit");
	return 0;
}

/*
 * Appends the run of ordinary bytes at the current position (up to a
 * delimiter, quote, line end, NUL or the end of the buffer) in one step:
 * the hot loop of unquoted fields.  One table lookup a byte; characters
 * (for columns) are counted apart only if the run is not all ASCII.
 */
static int
csv_take_run(struct csv_reader *r, size_t field_start, struct error *err)
{
	const unsigned char *b = r->buf;
	size_t i = r->pos, n, k;
	unsigned char high = 0;
	long chars;

	while (i < r->len && !r->stop[b[i]])
		high |= b[i++];
	n = i - r->pos;
	chars = (long)n;
	if (high & 0x80) {
		r->high = 1;
		for (chars = 0, k = r->pos; k < i; k++)
			if ((b[k] & 0xC0) != 0x80)
				chars++;
	}
	if (r->text.len - field_start + n > r->o.max_field_bytes ||
	    strbuf_add(&r->text, b + r->pos, n) < 0) {
		const struct csv_field *f = &r->fields[r->nfields - 1];

		return error_set(err,
		                 "line %ld col %ld: field is longer than the "
		                 "limit of %zu bytes",
		                 f->line, f->col, r->o.max_field_bytes);
	}
	r->pos = i;
	r->offset += (long long)n;
	r->col += chars;
	return 0;
}

/* Skips a whole line (a comment); the line end is consumed too. */
static void
csv_skip_line(struct csv_reader *r)
{
	int c;

	while ((c = csv_peek(r)) >= 0 && c != '\n' && c != '\r')
		csv_advance(r);
	csv_eat_newline(r);
}

static int
csv_read_field(struct csv_reader *r, struct error *err)
{
	struct csv_field *f;
	size_t start;
	long fline, fcol;
	int c;

	if (csv_new_field(r, err) < 0)
		return -1;
	f = &r->fields[r->nfields - 1];
	start = r->text.len;
	fline = r->line;
	fcol = r->col;
	r->high = 0;
	c = csv_peek(r);
	if (c == r->o.quote) {
		long qline = r->line, qcol = r->col;

		csv_advance(r);
		for (;;) {
			c = csv_peek(r);
			if (c == -2)
				return -2;
			if (c == -1)
				return csv_fail(r, qline, qcol, err,
				                "quoted field is not closed");
			if (c == 0)
				return csv_fail(r, r->line, r->col, err,
				                "NUL byte in field");
			csv_advance(r);
			if (c == r->o.quote) {
				if (csv_peek(r) != r->o.quote)
					break;
				csv_advance(r);
			}
			if (csv_add_byte(r, start, c, err) < 0)
				return -1;
		}
		c = csv_peek(r);
		if (c >= 0 && c != r->o.delimiter && c != '\n' && c != '\r')
			return csv_fail(r, r->line, r->col, err,
			                "unexpected character after a closing "
			                "quote");
	} else {
		while ((c = csv_peek(r)) >= 0 && c != r->o.delimiter &&
		       c != '\n' && c != '\r') {
			if (c == 0)
				return csv_fail(r, r->line, r->col, err,
				                "NUL byte in field");
			if (c == r->o.quote)
				return csv_fail(
				        r, r->line, r->col, err,
				        "quote inside an unquoted field");
			if (csv_take_run(r, start, err) < 0)
				return -1;
		}
		if (c == -2)
			return -2;
	}
	(void)f;
	/* Documents are UTF-8 once decoded: a stray byte is an error here,
	 * not a mojibake name in the store and in every message after.  (A
	 * field of ASCII bytes alone is valid UTF-8.) */
	if (r->high &&
	    utf8_first_invalid(r->text.buf + start, r->text.len - start) !=
	            r->text.len - start)
		return csv_fail(r, fline, fcol, err,
		                "invalid UTF-8 in field (is the encoding "
		                "declared?)");
	return csv_end_field(r, err);
}

int
csv_reader_next(struct csv_reader *r, struct csv_record *rec, struct error *err)
{
	size_t i;
	int c, rc;

	if (!r->started) {
		r->started = 1;
		if (csv_peek(r) == 0xEF && r->len - r->pos >= 3 &&
		    r->buf[r->pos + 1] == 0xBB && r->buf[r->pos + 2] == 0xBF) {
			r->pos += 3;
			r->offset += 3;
		}
	}
	strbuf_reset(&r->text);
	r->nfields = 0;
	/* Skip empty lines and comment lines. */
	for (;;) {
		c = csv_peek(r);
		if (c == -2)
			goto read_error;
		if (c == -1)
			return 0;
		if (c == '\n' || c == '\r')
			csv_eat_newline(r);
		else if (r->o.comment && c == r->o.comment)
			csv_skip_line(r);
		else
			break;
	}
	rec->line = r->line;
	for (;;) {
		rc = csv_read_field(r, err);
		if (rc == -2)
			goto read_error;
		if (rc < 0)
			return -1;
		c = csv_peek(r);
		if (c == r->o.delimiter) {
			csv_advance(r);
			continue;
		}
		csv_eat_newline(r);
		break;
	}
	for (i = 0; i < r->nfields; i++)
		r->fields[i].text = r->text.buf + r->starts[i];
	rec->fields = r->fields;
	rec->nfields = r->nfields;
	return 1;
read_error:
	return error_set(err, "line %ld: read error: %s", r->line,
	                 strerror(errno));
}
