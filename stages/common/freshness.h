/*
 * freshness — how current a source is, as of a time: the one rule behind
 * sources.csv and `provstat status`.
 *
 *   failed  no document of the source was ever loaded;
 *   stale   the newest attempt failed, or the newest document was
 *           rejected, or the last success is older than max_age_days;
 *   fresh   otherwise.
 */
#ifndef PROVSTAT_FRESHNESS_H
#define PROVSTAT_FRESHNESS_H

#include <time.h>

#include "config.h"
#include "error.h"
#include "store.h"

struct freshness {
	const char *status; /* "fresh", "stale" or "failed" (static) */
	char *reason; /* why not fresh, or NULL */
	char *snapshot; /* the loaded snapshot in use, or NULL */
	char *snapshot_since; /* its first retrieval in its current run */
	/* The snapshot's media type as served ("" when the server gave
	 * none) and what its parse decoded ("gzip"; "" for nothing), or
	 * NULL without a snapshot. */
	char *media_type, *decoding;
	char *decoded_bytes; /* the decoded text's size, "" when not decoded */
	char *last_success; /* newest successful fetch, or NULL */
	char *last_attempt; /* newest fetch of any outcome, or NULL */
	char *last_outcome;
	char *last_error;
};

/* The state of src as of the UTC time as_of (fetches after it ignored);
 * ages are measured at now. */
int freshness_of(struct store *st, const struct source_config *src,
                 const char *as_of, time_t now, struct freshness *f,
                 struct error *err);
void freshness_release(struct freshness *f);

#endif
