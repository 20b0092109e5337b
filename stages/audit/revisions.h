/*
 * revisions — what changed in the store, and when: every value a later
 * vintage replaced or withdrew, oldest change first.  Publishers revise
 * figures without keeping history; this is the history provstat kept.
 *
 *   ~ ncmec_reports_by_country CZ 2019: 14448 -> 14500 at 2022-01-15T08:00:00Z
 * (ncmec-sample)
 *   - eurostat_population GB 2021: 67081000 withdrawn at ...
 * (eurostat-population)
 *
 * Parts of a value that a conflict policy split at the moments a preferred
 * source came or went are not revisions and are not listed.
 */
#ifndef PROVSTAT_REVISIONS_H
#define PROVSTAT_REVISIONS_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "store.h"

/* indicator NULL: all.  Writes one line per revision; *n counts them. */
int revisions_run(struct store *st, const char *indicator, FILE *fp, size_t *n,
                  struct error *err);

#endif
