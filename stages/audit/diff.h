/*
 * diff — what changed between two releases: values added, removed and
 * changed (with their vintages), from the releases' indicators.csv files,
 * which are sorted by indicator, geo and period, so one merge pass does.
 */
#ifndef PROVSTAT_DIFF_H
#define PROVSTAT_DIFF_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

struct diff_result {
	size_t added, removed, changed, same;
};

/* a and b are release directories.  Writes one line per difference. */
int diff_run(const char *a, const char *b, FILE *fp, struct diff_result *res,
             struct error *err);

#endif
