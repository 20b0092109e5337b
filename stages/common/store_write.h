/*
 * store_write — reconcile's writer: the values (value, and value_input for
 * the observations a summed value adds up) and the scratch table of mapped
 * observations that a source's rows wait in when they must be sorted.
 *
 * Values go STORE_WRITE_BATCH at a time in one multi-row INSERT (a
 * statement per value would be a third of reconcile), with the parameters that
 * repeat their neighbours' not bound again (store_binds.h).  The caller gives
 * the ids, so that a summed value's inputs can name it.  The INSERT is OR
 * ROLLBACK, with value's foreign keys deferred (store.c, migration 4): no
 * constraint can fail the statement alone, so SQLite keeps no journal of
 * the pages it changes (2.8 GB of temporary file on 2,073,600 values
 * otherwise).  Any failure fails the run, whose transaction the caller
 * rolls back.
 *
 * Texts are borrowed for the call, except those marked lasting: they must
 * stay valid and unchanged while the writer is open (the config's strings,
 * the geo table's, constants), and are bound once for as long as they
 * repeat.
 */
#ifndef PROVSTAT_STORE_WRITE_H
#define PROVSTAT_STORE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define STORE_WRITE_BATCH 64

struct store;
struct store_write;

struct store_write_value {
	int64_t id;
	const char *key, *indicator, *geo, *period;
	const char *known_from, *known_to; /* known_to NULL: current */
	int has_value;
	double value;
	const char *unit, *flags, *qualifier, *precision;
	const char *status, *source_id; /* lasting */
	int64_t lineage_id, observation_id;
};

/* A mapped observation: an observation read through the crosswalks, at
 * step seq of its source's timeline. */
struct store_mapped {
	int64_t seq, obs_id, lineage_id;
	const char *indicator, *geo, *unit; /* lasting when staged */
	const char *period, *flags, *qualifier, *locator, *precision;
	int has_value;
	double value;
};

/* Creates (or empties) the scratch table and prepares the INSERTs. */
int store_write_open(struct store *st, struct store_write **out,
                     struct error *err);
void store_write_close(struct store_write *w);

/* Inserts v[0..n), n <= STORE_WRITE_BATCH. */
int store_write_values(struct store_write *w, const struct store_write_value *v,
                       size_t n, struct error *err);
/* Records the observations ids ("12,15") that value value_id sums. */
int store_write_inputs(struct store_write *w, int64_t value_id, const char *ids,
                       struct error *err);
/* Deletes the values whose id is above after, and their inputs. */
int store_write_unwrite(struct store_write *w, int64_t after,
                        struct error *err);

/* Stages rows[0..n), n <= STORE_WRITE_BATCH, in the scratch table. */
int store_write_stage(struct store_write *w, const struct store_mapped *rows,
                      size_t n, struct error *err);
/* Calls fn for every staged row in key order (indicator, geo, period,
 * then seq and observation), its texts borrowed for the call; stops at
 * fn's first non-zero return, and returns it (-1 on a store failure). */
int store_write_staged(struct store_write *w,
                       int (*fn)(void *arg, const struct store_mapped *row),
                       void *arg, struct error *err);
/* Calls fn for every key one step gives more than once, with where each
 * of its observations is ("line 4 ('Italy'); line 9 ('Italia')"). */
int store_write_duplicates(struct store_write *w,
                           void (*fn)(void *arg, const char *indicator,
                                      const char *geo, const char *period,
                                      const char *places),
                           void *arg, struct error *err);
/* Empties the scratch table. */
int store_write_unstage(struct store_write *w, struct error *err);

#endif
