/*
 * store_values — the values as known at a time: the rows of value that
 * were valid then and chosen (STORE_CHOSEN_AT), as emit publishes them and
 * trace looks them up, and the values a conflict policy did not choose,
 * beside the one it chose.  reconcile writes the table (store.h:
 * store_values_reset()); these read it.
 *
 * A row's strings are borrowed until the cursor moves or closes.
 */
#ifndef PROVSTAT_STORE_VALUES_H
#define PROVSTAT_STORE_VALUES_H

#include "error.h"

struct store;

/* A value as the release publishes it; "" for what the row has not. */
struct store_value {
	const char *indicator, *geo, *period;
	int has_value;
	double value;
	const char *unit, *flags, *qualifier, *status;
	const char *known_from; /* its vintage */
	const char *source_id;
	const char *key; /* its lineage id */
	const char *note;
	const char *precision;
};

struct store_values;

/* A cursor over the values chosen at as_of, by indicator, geo and period
 * (the order of the index value_by_key: no sort). */
int store_values_open(struct store *st, const char *as_of,
                      struct store_values **out, struct error *err);
/* The next value: 1, 0 at the end, -1 on failure. */
int store_values_next(struct store_values *c, struct store_value *v,
                      struct error *err);
void store_values_close(struct store_values *c);

/*
 * The value of indicator, geo and period chosen at as_of: its lineage id
 * in *key (caller frees) and whether it is derived (made from values,
 * not from an observation).  Returns 1, 0 when there is none, -1 on
 * failure.
 */
int store_value_find(struct store *st, const char *indicator, const char *geo,
                     const char *period, const char *as_of, char **key,
                     int *derived, struct error *err);
/* The same for the value whose lineage id starts with prefix, at any
 * time; 2 when the prefix names several. */
int store_value_find_key(struct store *st, const char *prefix, char **key,
                         int *derived, struct error *err);

/* Whether every observed value the value with lineage id key rests on
 * (itself, or the inputs of a derived value, down to observations) comes
 * from source: 1 yes, 0 no (or no such value), -1 on failure. */
int store_value_only_from(struct store *st, const char *key, const char *source,
                          struct error *err);

/* A value not chosen at a time, and the value chosen in its place. */
struct store_conflict {
	const char *indicator, *geo, *period;
	const char *chosen_source;
	int has_chosen;
	double chosen;
	const char *other_source;
	int has_other;
	double other;
};
typedef int (*store_conflict_fn)(void *arg, const struct store_conflict *c);
/* Calls fn for every value not chosen at as_of, by indicator, geo, period
 * and source; a nonzero return of fn stops and is returned. */
int store_values_conflicts(struct store *st, const char *as_of,
                           store_conflict_fn fn, void *arg, struct error *err);

#endif
