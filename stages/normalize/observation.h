/*
 * observation — what a format parser hands to normalize: one value a source
 * published, with its raw text and the place it came from, and the list of
 * problems a document had.
 *
 * Parsers never stop at the first bad cell: they record every problem (up to
 * PROBLEMS_KEEP messages, counting all) so that a user fixes a document in
 * one pass.  A document with any problem loads nothing.
 */
#ifndef PROVSTAT_OBSERVATION_H
#define PROVSTAT_OBSERVATION_H

#include <stddef.h>

#include "error.h"
#include "number.h"

#define PROBLEMS_KEEP 20

struct observation {
	const char *measure;
	const char *raw_geo;
	const char *raw_period;
	const char *raw_value;
	const char *unit;
	struct number num;
	char locator[96]; /* "line 12, column 25" */
	long line;
	long col;
	long long byte_offset; /* -1 when unknown */
	size_t byte_length;
};

/* Receives observations; returns -1 (with err) to stop the parser. */
struct obs_sink {
	int (*add)(void *ctx, const struct observation *o, struct error *err);
	void *ctx;
};

struct problems {
	char *msg[PROBLEMS_KEEP];
	size_t kept;
	size_t total;
};

void problems_add(struct problems *p, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void problems_release(struct problems *p);

#endif
