/*
 * number — numbers as publishers write them, parsed by per-source rules.
 *
 * One parser for every format.  The decimal mark and the grouping marks are a
 * source's setting, never the process locale.  The text must be consumed
 * completely: "12,5a" is an error, never 12.  Understood around the digits:
 * a qualifier before ("over", "more than", "at least", "almost", "nearly",
 * "just over", "roughly", "about", "~", ">", "<"), a scale word after
 * ("thousand", "million", "bn"), a percent sign where the source allows it,
 * footnote marks ("1 500*", "12,345¹", "123 (p)") and missing or confidential
 * markers (":", "n/a", "..", "-", "c", SDMX's "NaN", empty).
 */
#ifndef PROVSTAT_NUMBER_H
#define PROVSTAT_NUMBER_H

#include "error.h"

#define NUMBER_GROUP_MAX 4
#define NUMBER_FLAGS_MAX 16
#define NUMBER_QUALIFIER_MAX 16
#define NUMBER_PRECISION_MAX 32

struct number_format {
	char decimal; /* '.' or ',' */
	/* ASCII grouping marks, e.g. "," or "." or "'"; "" for none */
	char group[NUMBER_GROUP_MAX + 1];
	int group_space; /* space, U+00A0 and U+202F group digits */
	int percent; /* a trailing '%' is allowed (value stays as written) */
	int scale_words; /* "thousand", "million", "billion"/"bn" allowed */
};

struct number {
	double value; /* scaled: "8.8 million" is 8800000 */
	int missing; /* a missing or confidential marker, value is 0 */
	int percent; /* written with '%' */
	int scale; /* power of ten from a scale word (6 for "million") */
	int decimals; /* digits written after the decimal mark */
	char flags[NUMBER_FLAGS_MAX]; /* "c", footnote "*", "(p)" -> "p" */
	/* The qualifier as written ("more than", "roughly", "~"), in lower
	 * case; "" when none.  number_bound() says what it means. */
	char qualifier[NUMBER_QUALIFIER_MAX];
	/* "" when nothing says it; NUMBER_PRECISION_EXACT; or "rounded to
	 * 100000", set by number_parse() for a figure written with a scale
	 * word ("8.8 million" states no digit below 100,000) and by
	 * number_precision() from what a document or source declares. */
	char precision[NUMBER_PRECISION_MAX];
};

/* The usual English convention: decimal '.', group ','. */
void number_format_default(struct number_format *f);

/*
 * Parses text under the rules of f into *out.  On failure err reads
 * "cannot parse 'TEXT' as a number" with the reason.
 */
int number_parse(const struct number_format *f, const char *text,
                 struct number *out, struct error *err);

/* What a qualifier says of the true value against the figure. */
#define NUMBER_BOUND_ABOVE "more than" /* over, just over, >, ... */
#define NUMBER_BOUND_AT_LEAST "at least" /* at least, >=, ≥ */
#define NUMBER_BOUND_BELOW "less than" /* almost, nearly, under, <, ... */
#define NUMBER_BOUND_ABOUT "about" /* roughly, approximately, ~, ... */

/*
 * The bound a qualifier phrase states ("just over" -> "more than",
 * "almost" -> "less than", "~" -> "about"; case ignored), or NULL if the
 * phrase is not a qualifier number_parse() knows.
 */
const char *number_bound(const char *qualifier);

#define NUMBER_PRECISION_EXACT "exact"
#define NUMBER_PRECISION_ROUNDED "rounded to " /* followed by the unit */
/* A derived value with a rounded input (derive.c). */
#define NUMBER_PRECISION_FROM_ROUNDED "from rounded inputs"

/*
 * Applies a stated precision to n, a parsed figure: text starting with
 * "exact" (any case) makes it NUMBER_PRECISION_EXACT; text starting with
 * "rounded" makes it "rounded to U", U the last digit the figure shows
 * (10^(scale - decimals); for a whole number written in full, its trailing
 * zeros: "260,400" is rounded to 100).  NULL or "" keeps what number_parse()
 * found.  Returns -1 for any other text, leaving n as it was.
 */
int number_precision(struct number *n, const char *stated);

/*
 * v, written with `decimals` digits after the decimal mark, times factor (a
 * declared unit conversion).  For a power-of-ten factor the result is the
 * decimal the text meant: 1.005 thousand is 1005, where the plain product
 * of doubles is 1004.9999999999999.
 */
double number_convert(double v, int decimals, double factor);

/*
 * Formats v in the shortest form that reads back to the same double
 * ("%.17g" narrowed), without exponent for integers below 2^53; out must hold
 * 32 bytes.  Deterministic on every machine (C locale).
 */
void number_format_shortest(double v, char out[32]);

/*
 * Writes v in decimal at p, NUL-terminated; returns the end (the NUL), where
 * more text may follow.  p must hold 21 bytes.  For integers written once a
 * row (locators, keys), where snprintf's cost showed.
 */
char *number_put_int(char *p, long long v);

#endif
