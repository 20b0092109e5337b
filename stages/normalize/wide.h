/*
 * wide — the columns of a wide table ("wide" in a source: one column a
 * year or a quarter, the commonest shape of a published table): which
 * header columns are periods, and the period each names.  csv_format and
 * html_format read every such cell of a row as one observation, with the
 * cell's own locator.
 */
#ifndef PROVSTAT_WIDE_H
#define PROVSTAT_WIDE_H

#include <stddef.h>

#include "observation.h"

struct wide_cols {
	size_t n;
	long *col; /* header column of each */
	char **period; /* its period text */
};

/*
 * Finds the columns of names[0..n) that src->wide.columns matches, with
 * their periods (src->wide.period rewritten, or the whole name).  None is
 * a problem (at where, "line 3" or the table) and returns -1.
 */
int wide_find(const struct source_config *src, char *const *names, size_t n,
              const char *where, struct wide_cols *w, struct problems *probs);
void wide_release(struct wide_cols *w);

/* Rewrites "\1".."\9" in format with the groups of a regmatch_t array
 * (nmatch of them) over text; caller frees. */
char *wide_substitute(const char *format, const char *text, const void *matches,
                      size_t nmatch);

#endif
