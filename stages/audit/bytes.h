/*
 * bytes — the bytes a value's locator names, read again from its archived
 * snapshot: as archived; in the text decode.h makes of it when the parse
 * recorded a decoding (gzip, Latin-1 or UTF-16 to UTF-8), decoding it
 * again now; or, for a PDF, in pdftotext's text, extracting it again now
 * with the pdftotext installed (the locator names the version that made
 * the range).  trace prints them and the line around them.
 */
#ifndef PROVSTAT_BYTES_H
#define PROVSTAT_BYTES_H

#include <stddef.h>

#include "error.h"
#include "hash.h"

struct bytes_at {
	char *raw; /* the bytes at the locator, or NULL */
	char *line; /* the whole line around them, or NULL */
	char actual[HASH_HEX_SIZE]; /* the archive file's digest now */
	/* What the range counts in when it is not the archived file ("the
	 * gzip-decoded text, decoded again now"), or NULL. */
	char *text;
	long long off, len; /* the range; off -1 when there is none */
};

/* What to read for one value: the observation's columns and its source's
 * decoding settings. */
struct bytes_query {
	const char *path; /* the archived snapshot */
	long long off, len; /* off -1: the locator has no archive range */
	const char *locator;
	const char *decoding; /* the parse's record, "" for none */
	const char *encoding; /* the source's (config), NULL for UTF-8 */
	size_t max_bytes; /* the source's cap */
	long pdf_timeout_s;
};

/* Fills b (zeroed by the caller).  -1 only when the archived file cannot
 * be read or hashed; a range that cannot be read again is said in b->text. */
int bytes_read(const struct bytes_query *q, struct bytes_at *b,
               struct error *err);
void bytes_release(struct bytes_at *b);
/* Forgets the text kept for the next value of the same snapshot (decoded,
 * or pdftotext's): once a trace is done. */
void bytes_cache_release(void);

#endif
