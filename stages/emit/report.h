/*
 * report — what report.html's two modules share: report.c writes the page,
 * chart.c its charts.
 */
#ifndef PROVSTAT_REPORT_H
#define PROVSTAT_REPORT_H

#include "outputs.h"
#include "strbuf.h"

/* s with <, >, & and " escaped, onto sb. */
void report_esc(struct strbuf *sb, const char *s);
/* v for a reader: dec digits after the point (dec < 0: the shortest form
 * that reads back), the whole digits in groups of three. */
void report_grouped(double v, int dec, char out[48]);

/*
 * The chart of an indicator's span (geos and pers its sorted categories,
 * values shown with dec digits), onto sb, or a sentence saying why there
 * is none.  Returns -1 with err when the span cannot be read back.
 */
int chart_write(struct strbuf *sb, const struct release_data *d,
                const struct release_span *span,
                const struct indicator_config *ic, char **geos, size_t ng,
                char **pers, size_t np, int dec, struct error *err);

#endif
