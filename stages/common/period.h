/*
 * period — the periods publishers write, in one canonical form.
 *
 *   year          "2019"                       -> "2019"
 *   quarter       "2020-Q1" "2020Q1" "Q1 2020" -> "2020-Q1"
 *   month         "2020-03" "March 2020" "Mar 2020" -> "2020-03"
 *   month range   "March-May 2020" "Dec 2019-Feb 2020" (hyphen, en dash or
 *                 "to")                        -> "2020-03/2020-05"
 *   ISO week      "2020-W07" "2020W07"         -> "2020-W07"
 *   instant       "2020-01-01" "1 January 2020" -> "2020-01-01"
 *
 * Canonical forms sort in time order within a type.
 */
#ifndef PROVSTAT_PERIOD_H
#define PROVSTAT_PERIOD_H

#include "error.h"

#define PERIOD_MAX 24

enum period_type {
	PERIOD_YEAR,
	PERIOD_QUARTER,
	PERIOD_MONTH,
	PERIOD_MONTH_RANGE,
	PERIOD_WEEK,
	PERIOD_INSTANT
};

struct period {
	enum period_type type;
	char canonical[PERIOD_MAX];
};

/* Parses text; err reads "cannot parse 'TEXT' as a period". */
int period_parse(const char *text, struct period *out, struct error *err);
const char *period_type_name(enum period_type t);

/* The canonical period delta steps after (or, negative, before) a
 * canonical year, quarter or month: ("2020-Q1", -1) -> "2019-Q4".
 * Returns -1 for other types or a year outside 1..9999. */
int period_step(const char *canonical, int delta, char out[PERIOD_MAX]);

#endif
