/*
 * fetch — brings every configured source's document into the archive and
 * records every attempt in the store.
 *
 * For each source: a conditional GET from the last good fetch's validators;
 * the body streams into the archive while it is hashed; "changed" is decided
 * by the SHA-256 alone (outcome new or unchanged), a 304 is "not-modified"
 * (never an empty document).  A source that fails keeps its last good
 * snapshot and never stops the others.
 */
#ifndef PROVSTAT_FETCH_H
#define PROVSTAT_FETCH_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "store.h"

struct fetch_options {
	int offline; /* use the archive only; no transfer at all */
	const char *only; /* one source id, or NULL for all */
	long jobs; /* transfers at once; 0 = the config's fetch.jobs */
};

struct fetch_result {
	size_t new_snapshots;
	size_t unchanged;
	size_t not_modified;
	size_t failed; /* sources whose last attempt failed (stale) */
	size_t retries; /* transient failures tried again */
	size_t offline; /* sources left to their archived snapshot */
};

/*
 * Fetches the sources.  Returns -1 only when the run itself cannot go on
 * (the store or the archive failed); a source's failure is counted in
 * res->failed and reported through diag.
 */
int fetch_run(const struct config *cfg, struct store *st, const char *out_dir,
              const struct fetch_options *opt, struct fetch_result *res,
              struct error *err);

#endif
