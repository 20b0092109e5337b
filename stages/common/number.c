/*
 * number — see number.h.
 *
 * Written by hand: no Debian library parses publication-style numbers with
 * per-source grouping, qualifiers and footnote marks, and strtod() follows
 * the locale and accepts partial input.  The digits themselves are converted
 * by strtod() on a cleaned ASCII copy under the C locale's '.'.
 */
#include "number.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NUMBER_TEXT_MAX 256

struct qualifier_phrase {
	const char *phrase;
	const char *bound; /* NUMBER_BOUND_* */
};

/* Longest phrases first so that "just over" wins over "over". */
static const struct qualifier_phrase number_qualifiers[] = {
        {"more than", NUMBER_BOUND_ABOVE},
        {"greater than", NUMBER_BOUND_ABOVE},
        {"in excess of", NUMBER_BOUND_ABOVE},
        {"just over", NUMBER_BOUND_ABOVE},
        {"just under", NUMBER_BOUND_BELOW},
        {"at least", NUMBER_BOUND_AT_LEAST},
        {"less than", NUMBER_BOUND_BELOW},
        {"fewer than", NUMBER_BOUND_BELOW},
        {"approximately", NUMBER_BOUND_ABOUT},
        {"roughly", NUMBER_BOUND_ABOUT},
        {"around", NUMBER_BOUND_ABOUT},
        {"approx.", NUMBER_BOUND_ABOUT},
        {"almost", NUMBER_BOUND_BELOW},
        {"nearly", NUMBER_BOUND_BELOW},
        {"about", NUMBER_BOUND_ABOUT},
        {"above", NUMBER_BOUND_ABOVE},
        {"under", NUMBER_BOUND_BELOW},
        {"over", NUMBER_BOUND_ABOVE},
        {"some", NUMBER_BOUND_ABOUT},
        {"c.", NUMBER_BOUND_ABOUT},
        {">=", NUMBER_BOUND_AT_LEAST},
        {"\xe2\x89\xa5", NUMBER_BOUND_AT_LEAST}, /* ≥ */
        {">", NUMBER_BOUND_ABOVE},
        {"<", NUMBER_BOUND_BELOW},
        {"~", NUMBER_BOUND_ABOUT},
};

struct scale_word {
	const char *word;
	int scale;
};

static const struct scale_word number_scales[] = {
        {"thousand", 3}, {"million", 6}, {"millions", 6}, {"billion", 9},
        {"bn", 9},       {"mn", 6},      {"m", 6},        {"k", 3},
};

/* NaN: SDMX's missing observation value (as in SDMX-ML and SDMX-CSV). */
static const char *const number_missing[] = {
        "",    ":", "n/a",          "na",           "..",
        "...", "-", "\xe2\x80\x93", "\xe2\x80\x94", "nan",
};

static void rounded_to(struct number *n);

void
number_format_default(struct number_format *f)
{
	memset(f, 0, sizeof(*f));
	f->decimal = '.';
	f->group[0] = ',';
}

/* Length of a space-like character at s (ASCII space, NBSP, NNBSP, thin). */
static size_t
space_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (*u == ' ' || *u == '\t')
		return 1;
	if (u[0] == 0xC2 && u[1] == 0xA0)
		return 2;
	if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xAF || u[2] == 0x89))
		return 3;
	return 0;
}

static const char *
skip_spaces(const char *s)
{
	size_t n;

	while ((n = space_len(s)) > 0)
		s += n;
	return s;
}

/* Length of a superscript digit at s (¹ ² ³ ⁰ ⁴-⁹), else 0. */
static size_t
superscript_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] == 0xC2 && (u[1] == 0xB9 || u[1] == 0xB2 || u[1] == 0xB3))
		return 2;
	if (u[0] == 0xE2 && u[1] == 0x81 &&
	    (u[2] == 0xB0 || (u[2] >= 0xB4 && u[2] <= 0xB9)))
		return 3;
	return 0;
}

/* Case-insensitive prefix match of phrase at s, ending at a word boundary
 * when the phrase ends in a letter. */
static size_t
phrase_at(const char *s, const char *phrase)
{
	size_t n = strlen(phrase);

	if (strncasecmp(s, phrase, n) != 0)
		return 0;
	if (isalpha((unsigned char)phrase[n - 1]) &&
	    isalpha((unsigned char)s[n]))
		return 0;
	return n;
}

const char *
number_bound(const char *qualifier)
{
	size_t i;

	for (i = 0;
	     i < sizeof(number_qualifiers) / sizeof(number_qualifiers[0]); i++)
		if (strcasecmp(qualifier, number_qualifiers[i].phrase) == 0)
			return number_qualifiers[i].bound;
	return NULL;
}

/* "one" to "ten" at *sp: writes the digits into clean and advances. */
static int
number_word(const char **sp, char *clean, size_t cap)
{
	static const char *const words[] = {"one",  "two", "three", "four",
	                                    "five", "six", "seven", "eight",
	                                    "nine", "ten"};
	size_t i, n;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = phrase_at(*sp, words[i]);
		if (n) {
			snprintf(clean, cap, "%zu", i + 1);
			*sp += n;
			return 1;
		}
	}
	return 0;
}

static void
add_flag(struct number *out, char c)
{
	size_t n = strlen(out->flags);

	if (!strchr(out->flags, c) && n + 1 < sizeof(out->flags)) {
		out->flags[n] = c;
		out->flags[n + 1] = '\0';
	}
}

static int
fail(struct error *err, const char *text, const char *why)
{
	return error_set(err, "cannot parse '%.200s' as a number: %s", text,
	                 why);
}

/*
 * Reads the digits at *sp into clean (ASCII, '.' as decimal), checking that
 * grouping marks separate groups of exactly three digits.
 */
static int
read_digits(const struct number_format *f, const char **sp, char *clean,
            size_t cap, int *decimals, const char **why)
{
	const char *s = *sp;
	size_t n = 0;
	int group_len = 0, groups = 0, first_group = 0, in_fraction = 0;
	int digits = 0;

	*decimals = 0;
	for (;;) {
		size_t sl;

		if (isdigit((unsigned char)*s)) {
			if (n + 2 >= cap) {
				*why = "too many digits";
				return -1;
			}
			clean[n++] = *s++;
			digits++;
			if (in_fraction)
				(*decimals)++;
			else
				group_len++;
			continue;
		}
		if (!in_fraction && *s == f->decimal &&
		    isdigit((unsigned char)s[1])) {
			if (groups && group_len != 3) {
				*why = "digit groups must have three digits";
				return -1;
			}
			clean[n++] = '.';
			in_fraction = 1;
			s++;
			continue;
		}
		sl = 0;
		if (!in_fraction && *s && strchr(f->group, *s) &&
		    *s != f->decimal)
			sl = 1;
		else if (!in_fraction && f->group_space)
			sl = space_len(s);
		if (sl && digits > 0 && isdigit((unsigned char)s[sl]) &&
		    isdigit((unsigned char)s[sl + 1]) &&
		    isdigit((unsigned char)s[sl + 2])) {
			if (groups == 0) {
				first_group = group_len;
				if (first_group < 1 || first_group > 3) {
					*why = "digit groups must have three "
					       "digits";
					return -1;
				}
			} else if (group_len != 3) {
				*why = "digit groups must have three digits";
				return -1;
			}
			groups++;
			group_len = 0;
			s += sl;
			continue;
		}
		break;
	}
	if (!digits) {
		*why = "no digits";
		return -1;
	}
	if (groups && !in_fraction && group_len != 3) {
		*why = "digit groups must have three digits";
		return -1;
	}
	clean[n] = '\0';
	*sp = s;
	return 0;
}

int
number_parse(const struct number_format *f, const char *text,
             struct number *out, struct error *err)
{
	char buf[NUMBER_TEXT_MAX], clean[NUMBER_TEXT_MAX + 2];
	const char *s, *why = NULL;
	char *end;
	size_t len, i;
	int neg = 0;
	double v;

	memset(out, 0, sizeof(*out));
	/* Fast path: plain digits, the bulk of machine-made tables. */
	for (len = 0; text[len] >= '0' && text[len] <= '9' && len < 16; len++)
		;
	if (len > 0 && text[len] == '\0') {
		double digits = 0;
		size_t k;

		for (k = 0; k < len; k++)
			digits = digits * 10 + (text[k] - '0');
		out->value = digits;
		return 0;
	}
	len = strlen(text);
	if (len >= sizeof(buf))
		return fail(err, text, "text too long");
	/* Trim surrounding spaces. */
	s = skip_spaces(text);
	memcpy(buf, s, strlen(s) + 1);
	len = strlen(buf);
	while (len > 0) {
		size_t k = 0;

		if (buf[len - 1] == ' ' || buf[len - 1] == '\t' ||
		    buf[len - 1] == '\r' || buf[len - 1] == '\n')
			k = 1;
		else if (len >= 2 && space_len(buf + len - 2) == 2)
			k = 2;
		else if (len >= 3 && space_len(buf + len - 3) == 3)
			k = 3;
		if (!k)
			break;
		len -= k;
		buf[len] = '\0';
	}

	for (i = 0; i < sizeof(number_missing) / sizeof(number_missing[0]);
	     i++) {
		if (strcasecmp(buf, number_missing[i]) == 0) {
			out->missing = 1;
			return 0;
		}
	}
	if (strcasecmp(buf, "c") == 0) {
		out->missing = 1;
		add_flag(out, 'c');
		return 0;
	}

	s = buf;
	for (i = 0;
	     i < sizeof(number_qualifiers) / sizeof(number_qualifiers[0]);
	     i++) {
		size_t n = phrase_at(s, number_qualifiers[i].phrase);

		if (n) {
			size_t k;

			/* The phrase as written, in lower case: the
			 * publisher's words, never a word of ours. */
			snprintf(out->qualifier, sizeof(out->qualifier), "%.*s",
			         (int)n, s);
			for (k = 0; out->qualifier[k]; k++)
				out->qualifier[k] = (char)tolower(
				        (unsigned char)out->qualifier[k]);
			s = skip_spaces(s + n);
			break;
		}
	}

	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	/* "one million": a number word, only before a scale word. */
	if (f->scale_words && number_word(&s, clean, sizeof(clean))) {
		const char *t = skip_spaces(s);

		for (i = 0;
		     i < sizeof(number_scales) / sizeof(number_scales[0]); i++)
			if (phrase_at(t, number_scales[i].word))
				break;
		if (i == sizeof(number_scales) / sizeof(number_scales[0]))
			return fail(err, text,
			            "a number in words needs a scale word "
			            "(\"one million\")");
	} else if (read_digits(f, &s, clean, sizeof(clean), &out->decimals,
	                       &why) < 0) {
		return fail(err, text, why);
	}
	v = strtod(clean, &end);
	if (*end != '\0' || !isfinite(v))
		return fail(err, text, "out of range");
	if (neg)
		v = -v;

	/* Scale word. */
	{
		const char *t = skip_spaces(s);

		for (i = 0;
		     i < sizeof(number_scales) / sizeof(number_scales[0]);
		     i++) {
			size_t n = phrase_at(t, number_scales[i].word);

			if (n && t[n] != '.' && !isalnum((unsigned char)t[n])) {
				if (!f->scale_words)
					return fail(
					        err, text,
					        "scale words are not allowed "
					        "for this source");
				out->scale = number_scales[i].scale;
				s = t + n;
				break;
			}
		}
	}

	if (*s == '%') {
		if (!f->percent)
			return fail(err, text,
			            "percentages are not allowed for this "
			            "source");
		out->percent = 1;
		s++;
	}

	/* Footnote marks: '*', superscript digits, "(x)" flag letters. */
	for (;;) {
		const char *t = skip_spaces(s);
		size_t sl;

		if (*t == '*') {
			add_flag(out, '*');
			s = t + 1;
		} else if ((sl = superscript_len(t)) > 0) {
			add_flag(out, '*');
			s = t + sl;
		} else if (t[0] == '(' && isalpha((unsigned char)t[1]) &&
		           t[2] == ')') {
			add_flag(out, (char)tolower((unsigned char)t[1]));
			s = t + 3;
		} else {
			break;
		}
	}
	if (*skip_spaces(s) != '\0')
		return fail(err, text, "unexpected text after the number");

	if (out->scale != 0) {
		/* "4.1 million": let strtod() round "4.1e6" once, exactly,
		 * instead of multiplying an already rounded 4.1. */
		size_t cl = strlen(clean);

		if (cl + 8 > sizeof(clean))
			return fail(err, text, "number too long");
		snprintf(clean + cl, sizeof(clean) - cl, "e%d", out->scale);
		v = strtod(clean, NULL);
		if (!isfinite(v))
			return fail(err, text, "out of range");
		if (neg)
			v = -v;
	}
	out->value = v;
	if (out->scale != 0)
		rounded_to(out);
	return 0;
}

/* Sets n->precision to "rounded to U" for the last digit n shows. */
static void
rounded_to(struct number *n)
{
	int e = n->scale - n->decimals;
	char unit[24];

	/* A whole number written in full shows its unit by its trailing
	 * zeros; one with a scale word by its last digit ("20 million" is
	 * rounded to a million). */
	if (n->decimals == 0 && n->scale == 0 && n->value != 0) {
		double m = fabs(n->value);

		while (e < 18 && fmod(m, 10) == 0) {
			m /= 10;
			e++;
		}
	}
	if (e > 18 || e < -18)
		return;
	if (e >= 0)
		snprintf(unit, sizeof(unit), "1%.*s", e, "000000000000000000");
	else
		snprintf(unit, sizeof(unit), "0.%.*s1", -e - 1,
		         "000000000000000000");
	snprintf(n->precision, sizeof(n->precision), "%s%s",
	         NUMBER_PRECISION_ROUNDED, unit);
}

int
number_precision(struct number *n, const char *stated)
{
	if (!stated || !*stated)
		return 0;
	stated = skip_spaces(stated);
	if (strncasecmp(stated, "exact", 5) == 0) {
		if (!n->missing)
			snprintf(n->precision, sizeof(n->precision), "%s",
			         NUMBER_PRECISION_EXACT);
		return 0;
	}
	if (strncasecmp(stated, "rounded", 7) == 0) {
		if (!n->missing)
			rounded_to(n);
		return 0;
	}
	return -1;
}

double
number_convert(double v, int decimals, double factor)
{
	double p = 1, r = v * factor;
	int k;
	char buf[64];

	for (k = 0; k <= 15 && p < factor; k++)
		p *= 10;
	if (p != factor || decimals < 0)
		return r;
	if (decimals <= k)
		return round(r);
	snprintf(buf, sizeof(buf), "%.*f", decimals - k, r);
	return strtod(buf, NULL);
}

char *
number_put_int(char *p, long long v)
{
	unsigned long long u =
	        v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	char tmp[24];
	int k = 0;

	do
		tmp[k++] = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	if (v < 0)
		*p++ = '-';
	while (k > 0)
		*p++ = tmp[--k];
	*p = '\0';
	return p;
}

void
number_format_shortest(double v, char out[32])
{
	int prec;

	if (v == 0) {
		snprintf(out, 32, "0");
		return;
	}
	if (fabs(v) < 9007199254740992.0 && v == floor(v)) {
		/* What "%.0f" writes, without printf's floating-point path
		 * (a sixth of emit's time): the integer is exact below 2^53. */
		number_put_int(out, (long long)v);
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(out, 32, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
}
