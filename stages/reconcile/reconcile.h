/*
 * reconcile — turns observations into canonical indicator values, and
 * records in the lineage every rule it applied.
 *
 * Rules (all data in config/):
 *   - the indicator crosswalk: (source, measure) -> indicator, optionally
 *     limited to periods valid_from..valid_to;
 *   - the geo crosswalk (geo.h): every spelling maps to a code or is
 *     excluded with a reason; anything else is an error listing every
 *     unmapped spelling with its source and locator;
 *   - periods in canonical form (period.h);
 *   - units: an observation's unit must be its indicator's unit, or the
 *     unit its crosswalk entry converts from ("convert": the value is
 *     multiplied by the entry's factor, and the lineage says so); any
 *     other unit is an error, never a merge.
 *
 * Vintages: a source's successful fetches form a timeline of snapshots.  A
 * value becomes known (known_from) at the fetch that first brought it and is
 * superseded (known_to) at the fetch that changed or dropped it; nothing is
 * overwritten, so "as of" any date is a simple filter.
 *
 * Derived indicators (derive.h) are computed last, from the values.
 *
 * The value table is derived data: it is rebuilt in one transaction from the
 * observations and the config, so the result depends on nothing else.  When
 * neither has changed since the last run, nothing is done.
 */
#ifndef PROVSTAT_RECONCILE_H
#define PROVSTAT_RECONCILE_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "store.h"

#define RECONCILE_KEY_LEN 12 /* hex digits of a value's key */

struct reconcile_result {
	int nothing_new;
	size_t values; /* vintages written */
	size_t current; /* of which still current */
	size_t derived; /* of the vintages, derived ones (derive.h) */
	size_t derived_current; /* of those, still current */
	size_t not_chosen; /* current values a conflict policy did not
	                      choose: conflicts.csv, not indicators.csv */
	size_t excluded; /* observations excluded by the geo crosswalk */
	size_t problems; /* unmapped codes, unit clashes, duplicates... */
	size_t streamed; /* sources whose rows came in key order (no sort) */
};

/* Returns -1 on failure; problems are reported through diag and counted. */
int reconcile_run(const struct config *cfg, struct store *st,
                  struct reconcile_result *res, struct error *err);

#endif
