/*
 * store_parse — the parse table: one row per snapshot read under one
 * source configuration, "loaded" (its observations are in, the id range
 * first..last_observation) or "rejected" (with its problems, one a line).
 * normalize writes it; reconcile, emit and the freshness report read it.
 *
 * Strings passed in are borrowed for the call; strings handed to a
 * callback are borrowed until it returns.
 */
#ifndef PROVSTAT_STORE_PARSE_H
#define PROVSTAT_STORE_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct store;

/* What a parse row records of the reading. */
struct store_parse {
	int64_t run_id;
	const char *source_id;
	const char *snapshot_sha256;
	const char *config_hash; /* the source configuration's */
	const char *parsed_at; /* timefmt's UTC time */
	/* What was done to the snapshot's bytes before parsing (decode.h):
	 * byte offsets are the decoded text's; "" or NULL for nothing. */
	const char *decoding;
	long long decoded_bytes; /* the decoded text's size, or -1 */
};

/* Records a "loaded" parse of no observations yet, inside the caller's
 * transaction; *id is its row. */
int store_parse_begin(struct store *st, const struct store_parse *p,
                      int64_t *id, struct error *err);
/* Records parse id's n observations, ids first..last. */
int store_parse_loaded(struct store *st, int64_t id, long n, int64_t first,
                       int64_t last, struct error *err);
/* Records a rejected parse with its problems, in a transaction of its
 * own. */
int store_parse_rejected(struct store *st, const struct store_parse *p,
                         const char *problems, struct error *err);

/* The prefix of the problem the shrink guard records (normalize.c). */
#define STORE_SUSPICIOUS "suspicious: "

/*
 * A person accepts the snapshot of source the shrink guard held back most
 * recently: it is recorded as accepted (the guard lets it through) and its
 * rejected parse is forgotten, so that the next normalize reads it.
 * Returns 1 with its hash in *sha (caller frees), 0 when none is held
 * back, -1 on failure.
 */
int store_parse_accept(struct store *st, const char *source_id, const char *now,
                       char **sha, struct error *err);

/* The snapshots fetched for source that no parse under config_hash has
 * read, oldest first: *shas (n of them) the caller frees, each and all. */
int store_parse_unread(struct store *st, const char *source_id,
                       const char *config_hash, char ***shas, size_t *n,
                       struct error *err);

/* A rejected parse. */
struct store_rejection {
	const char *snapshot_sha256;
	const char *parsed_at;
	int64_t run_id;
	const char *problems;
};
typedef int (*store_rejection_fn)(void *arg, const struct store_rejection *r);

/* Calls fn for the rejected parse of source's newest fetched snapshot, if
 * it was rejected under config_hash.  Returns what fn returned, 0 when
 * there is none, -1 on failure. */
int store_parse_newest_rejected(struct store *st, const char *source_id,
                                const char *config_hash, store_rejection_fn fn,
                                void *arg, struct error *err);
/* Calls fn for every parse of source rejected under config_hash whose
 * snapshot was fetched by as_of, by snapshot hash; a nonzero return of fn
 * stops and is returned. */
int store_parse_rejections(struct store *st, const char *source_id,
                           const char *config_hash, const char *as_of,
                           store_rejection_fn fn, void *arg, struct error *err);

/* One step of a source's timeline: a fetch that brought a snapshot loaded
 * under config_hash. */
typedef int (*store_timeline_fn)(void *arg, const char *retrieved_at,
                                 int64_t parse_id, const char *sha256);
/* Calls fn for each such fetch of source, oldest first (a snapshot
 * fetched again comes again); a nonzero return of fn stops and is
 * returned. */
int store_parse_timeline(struct store *st, const char *source_id,
                         const char *config_hash, store_timeline_fn fn,
                         void *arg, struct error *err);

#endif
