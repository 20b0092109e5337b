/*
 * trace — answers "where did this number come from?" for one value: the
 * value, the rules applied (crosswalk entry and version, geo mapping, unit,
 * conflict rule), the observation (source, raw text, locator), the archived
 * snapshot (re-hashed now, so the answer proves the bytes are unchanged),
 * the exact bytes at the locator and the line around them, and the fetch
 * that brought it.
 */
#ifndef PROVSTAT_TRACE_H
#define PROVSTAT_TRACE_H

#include <stdio.h>

#include "config.h"
#include "error.h"
#include "store.h"

struct trace_query {
	const char *key; /* a lineage id (or a unique prefix of 6+) ... */
	const char *indicator; /* ... or indicator, geo and period */
	const char *geo;
	const char *period;
	const char *as_of; /* for the second form; NULL = now */
	int json;
	int prov; /* W3C PROV-JSON of the value instead */
	/* How many levels of a derived value's inputs are traced: -1 all,
	 * 0 none (the inputs are listed, not traced). */
	long depth;
};

/* Writes the trace to fp.  Returns -1 with err when there is no such value
 * or the archive does not match the store. */
int trace_run(const struct config *cfg, struct store *st, const char *out_dir,
              const struct trace_query *q, FILE *fp, struct error *err);

#endif
