/*
 * timefmt — the clock and the one timestamp format of the store.
 *
 * Every time provstat records is UTC in the form 2020-06-19T08:00:00Z, so
 * that times compare as strings.  The clock can be pinned for tests and for
 * reproducible runs with the environment variable PROVSTAT_NOW (same form, or
 * a date 2020-06-19 meaning midnight UTC).
 */
#ifndef PROVSTAT_TIMEFMT_H
#define PROVSTAT_TIMEFMT_H

#include <time.h>

#include "error.h"

#define TIMEFMT_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */

/* Seconds since the epoch: PROVSTAT_NOW when set and valid, else the clock. */
time_t timefmt_now(void);
/* Milliseconds of the monotonic clock: for waits and deadlines, which
 * neither PROVSTAT_NOW nor a change of the system clock may move. */
long long timefmt_mono_ms(void);
/* Formats t into out (TIMEFMT_LEN bytes). */
void timefmt_format(time_t t, char out[TIMEFMT_LEN]);
/*
 * Parses "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SSZ".  A date given
 * alone with end_of_day set means 23:59:59 that day, which is what
 * "--as-of 2021-03-01" should mean: everything known on that date.
 */
int timefmt_parse(const char *s, int end_of_day, time_t *out,
                  struct error *err);

#endif
