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

#include <stdio.h>

#include "config.h"
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
	char locator[96]; /* "/value/3 (...)"; empty when line and col say it */
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

/* What a format parser reads: the document as UTF-8 (see decode.h). */
struct parse_input {
	FILE *fp;
	size_t max_bytes; /* the source's document cap */
};

/* A format: reads in, hands observations to sink, records problems.
 * Returns -1 only when the sink failed (err); problems are not errors. */
typedef int (*format_parse_fn)(const struct source_config *src,
                               struct parse_input *in,
                               const struct obs_sink *sink,
                               struct problems *probs, struct error *err);

/*
 * Completes o from the field texts a format found (field[FIELD_VALUE] is
 * the raw value text, field[FIELD_FLAGS] may be NULL): parses the value by
 * src's number rules and adds the flag letters.  On a bad value or an empty
 * field records a problem at o->locator and returns -1.
 */
int observation_fill(struct observation *o, const struct source_config *src,
                     const char *const field[FIELD_COUNT],
                     struct problems *probs);
/*
 * One rule for a dimension a source neither maps nor filters, in every
 * dimensional format: with one category it names nothing that differs
 * and is accepted; with several, rows differing only in it would be
 * merged, so it is refused, its categories listed.  A watch sees each
 * row's category and reports at the end.
 */
#define DIM_WATCH_LIST 8 /* categories a problem lists */
struct dim_watch {
	char *name;
	char *seen[DIM_WATCH_LIST];
	size_t nseen, more; /* more: beyond the list */
	long line; /* where the second category first appeared */
};

void dim_watch_init(struct dim_watch *w, const char *name);
void dim_watch_see(struct dim_watch *w, const char *category, long line);
/* Adds the problem when the dimension had several categories. */
void dim_watch_report(const struct dim_watch *w, const char *where,
                      struct problems *probs);
void dim_watch_release(struct dim_watch *w);

/* 1 if a row whose dimension or column name holds value passes src's
 * filters (a name no filter mentions always passes). */
int source_filter_pass(const struct source_config *src, const char *name,
                       const char *value);

#endif
