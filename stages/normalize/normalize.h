/*
 * normalize — turns every archived snapshot not yet read under its source's
 * current config into observations.
 *
 * Each snapshot loads in one transaction or not at all: a document with any
 * problem loads nothing, and every problem is reported with the source and
 * the place ("ncmec-by-country: line 14 col 22: cannot parse '12,5a' as a
 * number: ...").  Re-running with nothing new does nothing.
 */
#ifndef PROVSTAT_NORMALIZE_H
#define PROVSTAT_NORMALIZE_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "observation.h"
#include "store.h"

struct normalize_result {
	size_t snapshots; /* loaded */
	size_t observations;
	size_t rejected; /* snapshots rejected by this run */
	size_t stale; /* sources whose newest snapshot was rejected before */
	size_t suspicious; /* snapshots held back by the shrink guard */
};

/*
 * Returns -1 when the run cannot go on (store failure).  A snapshot rejected
 * now is counted in res->rejected and its problems reported through diag; a
 * source whose newest snapshot was rejected by an earlier run keeps its last
 * loaded one, is counted in res->stale and reported once per run.
 */
int normalize_run(const struct config *cfg, struct store *st,
                  const char *out_dir, struct normalize_result *res,
                  struct error *err);

/* The parser of a format of format.h's table; never NULL for a row of it. */
format_parse_fn normalize_parser(const struct format_spec *spec);

#endif
