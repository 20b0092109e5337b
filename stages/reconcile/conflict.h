/*
 * conflict — chooses between sources that give the same indicator, geo and
 * period at the same time, by the indicator's declared policy:
 *
 *   "conflict": {"prefer": ["src-a", "src-b"], "tolerance": 0.01,
 *                "exceed": "flag" | "fail"}
 *
 * The most preferred source present wins.  Nothing is thrown away: a value
 * of a less preferred source is split at the moments a preferred value
 * starts or ends, and the parts that overlap one get status "not chosen";
 * the parts where it is alone stay as they were.  emit lists every value
 * not chosen beside the chosen one in conflicts.csv, with the difference;
 * a difference above the tolerance (relative to the chosen value) is
 * flagged there, or is a problem that stops the run when the policy says
 * "exceed": "fail".
 *
 * Runs inside reconcile's transaction, after the published values are
 * written and before derived values are computed (they use chosen values
 * only).  Two sources for an indicator without a policy remain a problem.
 */
#ifndef PROVSTAT_CONFLICT_H
#define PROVSTAT_CONFLICT_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "store.h"

#define CONFLICT_NOT_CHOSEN STORE_NOT_CHOSEN

/* Returns -1 on a store failure; problems are reported through diag and
 * added to *problems. */
int conflict_resolve(const struct config *cfg, struct store *st,
                     size_t *problems, struct error *err);

#endif
