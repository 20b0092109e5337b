/* timefmt — see timefmt.h. */
#include "timefmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's algorithm); timegm() is not POSIX. */
static long long
days_from_civil(int y, unsigned m, unsigned d)
{
	int era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (long long)era * 146097 + (long long)doe - 719468;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30,
	                         31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

int
timefmt_parse(const char *s, int end_of_day, time_t *out, struct error *err)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	size_t len = strlen(s);

	if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 &&
	    n == 10) {
		if (end_of_day) {
			h = 23;
			mi = 59;
			sec = 59;
		}
	} else if (len == 20 &&
	           sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi,
	                  &sec, &n) == 6 &&
	           n == 20) {
		/* full timestamp */
	} else {
		return error_set(err,
		                 "'%s': not a date (YYYY-MM-DD) or UTC time "
		                 "(YYYY-MM-DDTHH:MM:SSZ)",
		                 s);
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60)
		return error_set(err, "'%s': no such date or time", s);
	*out = (time_t)(days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	                h * 3600 + mi * 60 + sec);
	return 0;
}

time_t
timefmt_now(void)
{
	const char *pin = getenv("PROVSTAT_NOW");
	time_t t;

	if (pin && *pin && timefmt_parse(pin, 0, &t, NULL) == 0)
		return t;
	return time(NULL);
}

void
timefmt_format(time_t t, char out[TIMEFMT_LEN])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, TIMEFMT_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

long long
timefmt_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
