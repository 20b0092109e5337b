/*
 * period — see period.h.  Written by hand: periods as publishers word them
 * ("Dec 2019–Feb 2020") are no standard format any library parses.
 */
#include "period.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const month_names[12] = {
        "january", "february", "march",     "april",   "may",      "june",
        "july",    "august",   "september", "october", "november", "december"};

const char *
period_type_name(enum period_type t)
{
	static const char *const names[] = {
	        "year", "quarter", "month", "month range", "week", "instant"};

	return names[t];
}

/* Reads a month name or its 3-letter abbreviation ("Sept" too); returns the
 * month 1..12 and advances *sp, or 0. */
static int
read_month(const char **sp)
{
	const char *s = *sp;
	size_t n = 0;
	int i;

	while (isalpha((unsigned char)s[n]))
		n++;
	if (n < 3)
		return 0;
	for (i = 0; i < 12; i++) {
		size_t full = strlen(month_names[i]);

		if ((n == full || n == 3 || (i == 8 && n == 4)) && n <= full &&
		    strncasecmp(s, month_names[i], n) == 0) {
			*sp = s + n;
			if (**sp == '.')
				(*sp)++;
			return i + 1;
		}
	}
	return 0;
}

static int
read_int(const char **sp, int digits_min, int digits_max, int *out)
{
	const char *s = *sp;
	int n = 0, v = 0;

	while (isdigit((unsigned char)s[n]) && n < digits_max) {
		v = v * 10 + (s[n] - '0');
		n++;
	}
	if (n < digits_min || isdigit((unsigned char)s[n]))
		return -1;
	*sp = s + n;
	*out = v;
	return 0;
}

static const char *
skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* A range separator: '-', en dash, em dash, or "to", with spaces. */
static const char *
read_range_sep(const char *s)
{
	s = skip_ws(s);
	if (*s == '-' || *s == '/')
		return skip_ws(s + 1);
	if (strncmp(s, "\xe2\x80\x93", 3) == 0 ||
	    strncmp(s, "\xe2\x80\x94", 3) == 0)
		return skip_ws(s + 3);
	if (strncasecmp(s, "to ", 3) == 0)
		return skip_ws(s + 3);
	return NULL;
}

static int
valid_year(int y)
{
	return y >= 1900 && y <= 2999;
}

/* The "YYYY-MM" that ends a canonical month range, and nothing after. */
static int
range_end(const char *t, int *y, int *m)
{
	return read_int(&t, 4, 4, y) == 0 && valid_year(*y) && *t == '-' &&
	       (t++, read_int(&t, 2, 2, m) == 0) && *m >= 1 && *m <= 12 &&
	       *skip_ws(t) == '\0';
}

static int
days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
	                           31, 31, 30, 31, 30, 31};

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* "YYYY", or "YYYY-MM" when m > 0 (y a valid_year, m a month): the forms
 * nearly every observation takes, written without snprintf, which reconcile
 * called for each of them. */
static void
put_year_month(char *out, int y, int m)
{
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	if (m <= 0) {
		out[4] = '\0';
		return;
	}
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '\0';
}

int
period_parse(const char *text, struct period *out, struct error *err)
{
	const char *s = skip_ws(text), *t;
	int y, y2, m, m2, q, w, d;

	memset(out, 0, sizeof(*out));
	t = s;
	/* Leading digits: year forms and ISO forms. */
	if (read_int(&t, 4, 4, &y) == 0 && valid_year(y)) {
		if (*skip_ws(t) == '\0') {
			out->type = PERIOD_YEAR;
			put_year_month(out->canonical, y, 0);
			return 0;
		}
		if ((t[0] == '-' && (t[1] == 'Q' || t[1] == 'q')) ||
		    t[0] == 'Q' || t[0] == 'q') {
			t += t[0] == '-' ? 2 : 1;
			if (read_int(&t, 1, 1, &q) == 0 && q >= 1 && q <= 4 &&
			    *skip_ws(t) == '\0') {
				out->type = PERIOD_QUARTER;
				snprintf(out->canonical, PERIOD_MAX, "%04d-Q%d",
				         y, q);
				return 0;
			}
		} else if ((t[0] == '-' && (t[1] == 'W' || t[1] == 'w')) ||
		           t[0] == 'W' || t[0] == 'w') {
			t += t[0] == '-' ? 2 : 1;
			if (read_int(&t, 2, 2, &w) == 0 && w >= 1 && w <= 53 &&
			    *skip_ws(t) == '\0') {
				out->type = PERIOD_WEEK;
				snprintf(out->canonical, PERIOD_MAX,
				         "%04d-W%02d", y, w);
				return 0;
			}
		} else if (t[0] == '-' || t[0] == 'M') {
			t++;
			if (read_int(&t, 2, 2, &m) == 0 && m >= 1 && m <= 12) {
				if (*skip_ws(t) == '\0') {
					out->type = PERIOD_MONTH;
					put_year_month(out->canonical, y, m);
					return 0;
				}
				/* The canonical month range, "2020-03/2020-05".
				 */
				if (*t == '/' && range_end(t + 1, &y2, &m2) &&
				    (y2 > y || (y2 == y && m2 > m))) {
					out->type = PERIOD_MONTH_RANGE;
					snprintf(out->canonical, PERIOD_MAX,
					         "%04d-%02d/%04d-%02d", y, m,
					         y2, m2);
					return 0;
				}
				if (*t == '-' &&
				    (t++, read_int(&t, 2, 2, &d) == 0) &&
				    d >= 1 && d <= days_in_month(y, m) &&
				    *skip_ws(t) == '\0') {
					out->type = PERIOD_INSTANT;
					snprintf(out->canonical, PERIOD_MAX,
					         "%04d-%02d-%02d", y, m, d);
					return 0;
				}
			}
		}
		goto fail;
	}
	/* "Q1 2020" */
	t = s;
	if ((*t == 'Q' || *t == 'q') && (t++, read_int(&t, 1, 1, &q) == 0) &&
	    q >= 1 && q <= 4) {
		t = skip_ws(t);
		if (read_int(&t, 4, 4, &y) == 0 && valid_year(y) &&
		    *skip_ws(t) == '\0') {
			out->type = PERIOD_QUARTER;
			snprintf(out->canonical, PERIOD_MAX, "%04d-Q%d", y, q);
			return 0;
		}
		goto fail;
	}
	/* "1 January 2020" */
	t = s;
	if (read_int(&t, 1, 2, &d) == 0 && d >= 1 && d <= 31) {
		t = skip_ws(t);
		if ((m = read_month(&t)) &&
		    (t = skip_ws(t), read_int(&t, 4, 4, &y) == 0) &&
		    valid_year(y) && d <= days_in_month(y, m) &&
		    *skip_ws(t) == '\0') {
			out->type = PERIOD_INSTANT;
			snprintf(out->canonical, PERIOD_MAX, "%04d-%02d-%02d",
			         y, m, d);
			return 0;
		}
		goto fail;
	}
	/* "March 2020", "March-May 2020", "Dec 2019-Feb 2020" */
	t = s;
	if ((m = read_month(&t))) {
		const char *after_m = t, *r;

		t = skip_ws(t);
		if (read_int(&t, 4, 4, &y) == 0) {
			if (!valid_year(y))
				goto fail;
			if (*skip_ws(t) == '\0') {
				out->type = PERIOD_MONTH;
				snprintf(out->canonical, PERIOD_MAX,
				         "%04d-%02d", y, m);
				return 0;
			}
			/* "Dec 2019-Feb 2020" */
			if ((r = read_range_sep(t)) && (m2 = read_month(&r)) &&
			    (r = skip_ws(r), read_int(&r, 4, 4, &y2) == 0) &&
			    valid_year(y2) && *skip_ws(r) == '\0' &&
			    (y2 > y || (y2 == y && m2 > m))) {
				out->type = PERIOD_MONTH_RANGE;
				snprintf(out->canonical, PERIOD_MAX,
				         "%04d-%02d/%04d-%02d", y, m, y2, m2);
				return 0;
			}
			goto fail;
		}
		/* "March-May 2020" */
		if ((r = read_range_sep(after_m)) && (m2 = read_month(&r)) &&
		    (r = skip_ws(r), read_int(&r, 4, 4, &y) == 0) &&
		    valid_year(y) && *skip_ws(r) == '\0' && m2 > m) {
			out->type = PERIOD_MONTH_RANGE;
			snprintf(out->canonical, PERIOD_MAX,
			         "%04d-%02d/%04d-%02d", y, m, y, m2);
			return 0;
		}
	}
fail:
	return error_set(err, "cannot parse '%.100s' as a period", text);
}

int
period_step(const char *canonical, int delta, char out[PERIOD_MAX])
{
	int y, sub, n = 0;
	long k;

	if (sscanf(canonical, "%4d-Q%1d%n", &y, &sub, &n) == 2 &&
	    canonical[n] == '\0' && n == 7 && sub >= 1 && sub <= 4) {
		k = (long)y * 4 + (sub - 1) + delta;
		if (k < 4 || k >= 10000L * 4)
			return -1;
		snprintf(out, PERIOD_MAX, "%04ld-Q%ld", k / 4, k % 4 + 1);
		return 0;
	}
	if (sscanf(canonical, "%4d-%2d%n", &y, &sub, &n) == 2 &&
	    canonical[n] == '\0' && n == 7 && sub >= 1 && sub <= 12) {
		k = (long)y * 12 + (sub - 1) + delta;
		if (k < 12 || k >= 10000L * 12)
			return -1;
		snprintf(out, PERIOD_MAX, "%04ld-%02ld", k / 12, k % 12 + 1);
		return 0;
	}
	if (sscanf(canonical, "%4d%n", &y, &n) == 1 && canonical[n] == '\0' &&
	    n == 4) {
		k = (long)y + delta;
		if (k < 1 || k > 9999)
			return -1;
		snprintf(out, PERIOD_MAX, "%04ld", k);
		return 0;
	}
	return -1;
}
