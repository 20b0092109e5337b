/*
 * store_load — the observations of one parse, into the observation table:
 * normalize's loader.
 *
 * Rows go STORE_LOAD_BATCH at a time, in one multi-row INSERT (a statement
 * per row costs a statement's setup and teardown, and its foreign-key
 * bookkeeping, per observation: a fifth of normalize's time), with the
 * parameters that repeat their neighbours' not bound again (store_binds.h). The
 * INSERT is OR ROLLBACK and observation's key to parse is deferred (store.c,
 * migration 4): no constraint can fail the statement alone, so SQLite keeps
 * no journal of the pages it changes (600 MB of temporary file on
 * 2,073,600 rows otherwise).  A failure rejects the snapshot, whose
 * transaction (store_begin_load()) the caller rolls back.
 *
 * A loader may be used from another thread than the one that opened it, so
 * long as one thread at a time uses the store's connection.
 */
#ifndef PROVSTAT_STORE_LOAD_H
#define PROVSTAT_STORE_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define STORE_LOAD_BATCH 64

struct store;
struct store_load;

/* One observation; its texts are borrowed for the call. */
struct store_load_row {
	const char *measure, *raw_geo, *raw_period, *raw_value;
	int has_value;
	double value;
	const char *unit;
	int scale, decimals;
	const char *flags, *qualifier;
	const char *locator; /* NULL: line and col say where */
	long long line, col; /* line 0: none */
	long long byte_offset, byte_length; /* offset -1: none */
	const char *precision; /* "", "exact", "rounded to U" (number.h) */
};

/* A loader of the observations of parse parse_id (store_parse_begin()). */
int store_load_open(struct store *st, int64_t parse_id, struct store_load **out,
                    struct error *err);
/* Inserts rows[0..n), n <= STORE_LOAD_BATCH. */
int store_load_rows(struct store_load *l, const struct store_load_row *rows,
                    size_t n, struct error *err);
/* The ids the rows took so far, first to last; 0 and 0 when none.  One
 * INSERT's rows take consecutive ids (the write lock is ours), and so do
 * the INSERTs of one transaction. */
void store_load_ids(const struct store_load *l, int64_t *first, int64_t *last);
void store_load_close(struct store_load *l);

#endif
