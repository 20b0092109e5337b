/*
 * csv_reader — a streaming RFC 4180 reader that remembers where every field
 * came from.
 *
 * Quoted fields may hold delimiters, doubled quotes and newlines; CRLF, LF
 * and CR end records; a UTF-8 byte-order mark is skipped; a last record
 * without a newline is read.  Empty lines and (if configured) comment lines
 * are skipped.  Memory is bounded by the caps: a field or a record over its
 * cap is an error, never a reallocation without end.
 *
 * Every field carries its line and column (1-based, columns in characters)
 * and the byte range it occupies in the input, quotes included, so that an
 * auditor can cut the exact bytes out of the archived document.
 *
 * Ownership: a record and its fields are borrowed from the reader until the
 * next csv_reader_next() or csv_reader_free().  The FILE is borrowed.
 */
#ifndef PROVSTAT_CSV_READER_H
#define PROVSTAT_CSV_READER_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

struct csv_reader;

struct csv_reader_options {
	char delimiter; /* ',' */
	char quote; /* '"' */
	char comment; /* 0, or a character that starts a comment line */
	size_t max_field_bytes; /* 0: 1 MiB */
	size_t max_fields; /* 0: 10000 */
};

struct csv_field {
	const char *text; /* unquoted, NUL-terminated */
	size_t len;
	long line;
	long col;
	long long offset; /* first byte in the input (the quote if quoted) */
	size_t raw_len; /* bytes in the input, quotes included */
};

struct csv_record {
	const struct csv_field *fields;
	size_t nfields;
	long line; /* where the record starts */
};

/* Sets the defaults: ',' '"', no comment, default caps. */
void csv_reader_options_init(struct csv_reader_options *o);

/* A reader over fp; caller frees with csv_reader_free(). */
struct csv_reader *csv_reader_new(FILE *fp, const struct csv_reader_options *o);
/*
 * Reads the next record into *rec.  Returns 1 for a record, 0 at the end of
 * the input, -1 on a malformed input or read error, with err reading
 * "line L col C: problem".
 */
int csv_reader_next(struct csv_reader *r, struct csv_record *rec,
                    struct error *err);
void csv_reader_free(struct csv_reader *r);

#endif
