/*
 * derive — indicators computed from other indicators (config "derived").
 *
 *   sum     the members' values for each period, given for one geo
 *           ("EU27_2020"); with a member missing the sum is given with
 *           status "incomplete", never as if complete;
 *   change  between two periods of each geo, absolute, percent or ratio,
 *           given at the later period; across a series break of its input
 *           (a change of unit) no value, status "not comparable", and the
 *           lineage names the break and why;
 *   rate    per N of a population indicator, with the population taken
 *           from one pinned document (its sha256): the values current
 *           when that document was first fetched;
 *   difference  one indicator minus another, same geo and period (a
 *           report's own figure beside provstat's computation);
 *   aggregate  months into quarters, or quarters into years, by sum, only
 *           when every part is present (else "incomplete", no value); a
 *           stock is never aggregated, and a rate must divide a flow by a
 *           stock (config "kind");
 *   highest for each value, the highest of the last N periods up to it
 *           (years, quarters or months); with periods missing it is
 *           "incomplete" and its note lists them.
 *
 * Values a conflict policy did not choose are never inputs.
 *
 * Derived values are vintaged like published ones: a derived value is
 * recomputed at every moment one of its inputs changed, and a new vintage
 * starts only when the result changes, so --as-of works unchanged.  Each
 * derived value lists its input values (derived_input), and its lineage
 * recipe names the rule and the pinned population document.  Anything
 * computed from a qualified value ("over 19,000") is qualified too, and
 * the inputs' flags carry over.
 *
 * Runs inside reconcile's transaction, after the published values are
 * written; derived indicators are computed in indicators.json order, so
 * one may use another defined above it.
 */
#ifndef PROVSTAT_DERIVE_H
#define PROVSTAT_DERIVE_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "store.h"

#define DERIVE_QUALIFIER "from qualified inputs"

struct derive_result {
	size_t values; /* vintages written */
	size_t current; /* of which still current */
	size_t problems; /* reported through diag */
};

/* Returns -1 on a store failure; problems are counted, not fatal here. */
int derive_run(const struct config *cfg, struct store *st,
               struct derive_result *res, struct error *err);

#endif
