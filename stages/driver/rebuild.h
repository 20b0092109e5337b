/*
 * rebuild — `provstat rebuild --as-of DATE --out DIR`: the release as it
 * would have been built with what was known on DATE, offline.
 *
 * DIR gets a new store holding only the fetches made by DATE (and their
 * runs, sources and snapshots), and the archived documents those fetches
 * brought, linked (or copied) from the state directory and re-hashed on the
 * way.  normalize, reconcile and emit --as-of DATE then run on DIR with the
 * clock pinned to DATE, so that repeating a rebuild gives byte-identical
 * files.  Nothing in the state directory is written.
 */
#ifndef PROVSTAT_REBUILD_H
#define PROVSTAT_REBUILD_H

#include "chain.h"
#include "error.h"

/* from: the state directory; o->out: the new one (absent or empty). */
int rebuild_run(const char *from, const char *as_of,
                const struct chain_options *o, struct error *err);

/*
 * config check's dry run: the same copy of what from holds now, into
 * o->out (absent or empty), then normalize and reconcile under the
 * configuration being checked, each reporting every problem of every
 * source; o->out is removed after.  EXIT_OK when both found none.
 */
int rebuild_check(const char *from, const struct chain_options *o,
                  struct error *err);

#endif
