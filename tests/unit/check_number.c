/* Tests for number: numbers as publishers write them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/number.h"
#include "testutil.h"

enum fmt { EN, EU, SPACE, PCT, SCALE };

static void
make_format(enum fmt f, struct number_format *nf)
{
	number_format_default(nf);
	switch (f) {
	case EN:
		break;
	case EU:
		nf->decimal = ',';
		strcpy(nf->group, ".");
		break;
	case SPACE:
		strcpy(nf->group, "");
		nf->group_space = 1;
		break;
	case PCT:
		nf->percent = 1;
		break;
	case SCALE:
		nf->scale_words = 1;
		break;
	}
}

static const struct {
	enum fmt fmt;
	const char *text;
	double value;
	const char *qualifier;
	const char *flags;
	int missing;
	int decimals;
} good[] = {
        {EN, "1,500", 1500, "", "", 0, 0},
        {EN, "  16,987,361 ", 16987361, "", "", 0, 0},
        {EN, "0", 0, "", "", 0, 0},
        {EN, "-12.5", -12.5, "", "", 0, 1},
        {EN, "12,345.67", 12345.67, "", "", 0, 2},
        {EN, "over 19,000", 19000, "over", "", 0, 0},
        {EN, "Over 19,000", 19000, "over", "", 0, 0},
        {EN, "more than 4,100,000", 4100000, "more than", "", 0, 0},
        {SCALE, "over 4.1 million", 4100000, "over", "", 0, 1},
        {SCALE, "1.7 billion", 1700000000, "", "", 0, 1},
        {EN, "almost 17,400", 17400, "almost", "", 0, 0},
        {EN, "nearly 17,400", 17400, "nearly", "", 0, 0},
        {EN, "just over 983,000", 983000, "just over", "", 0, 0},
        {EN, "at least 8", 8, "at least", "", 0, 0},
        {EN, "roughly 1,000,000", 1000000, "roughly", "", 0, 0},
        {EN, "about 3", 3, "about", "", 0, 0},
        {EN, "~50", 50, "~", "", 0, 0},
        {EN, "> 10", 10, ">", "", 0, 0},
        {EN, "<5", 5, "<", "", 0, 0},
        {EN, "12,345\xc2\xb9", 12345, "", "*", 0, 0},
        {EN, "1,500*", 1500, "", "*", 0, 0},
        {EN, "123 (p)", 123, "", "p", 0, 0},
        {EN, ":", 0, "", "", 1, 0},
        {EN, "n/a", 0, "", "", 1, 0},
        {EN, "..", 0, "", "", 1, 0},
        /* SDMX's missing value (SDMX-ML 2.1 section 3: NaN); any case. */
        {EN, "NaN", 0, "", "", 1, 0},
        {EN, "nan", 0, "", "", 1, 0},
        {EN, "-", 0, "", "", 1, 0},
        {EN, "", 0, "", "", 1, 0},
        {EN, "c", 0, "", "c", 1, 0},
        {EU, "1.234,5", 1234.5, "", "", 0, 1},
        {EU, "60.359.546", 60359546, "", "", 0, 0},
        {SPACE, "1 500", 1500, "", "", 0, 0},
        {SPACE,
         "1\xc2\xa0"
         "500",
         1500, "", "", 0, 0},
        {SPACE,
         "1\xe2\x80\xaf"
         "500",
         1500, "", "", 0, 0},
        {SPACE, "1 500*", 1500, "", "*", 0, 0},
        {PCT, "106%", 106, "", "", 0, 0},
        {PCT, "+26%", 26, "", "", 0, 0},
        {SCALE, "8.8 million", 8800000, "", "", 0, 1},
        {SCALE, "at least 8.8 million", 8800000, "at least", "", 0, 1},
        {SCALE, "2 million", 2000000, "", "", 0, 0},
        {SCALE, "1.5bn", 1500000000, "", "", 0, 1},
        {SCALE, "over one million", 1000000, "over", "", 0, 0},
        {SCALE, "two million", 2000000, "", "", 0, 0},
};

static const struct {
	enum fmt fmt;
	const char *text;
	const char *why;
} bad[] = {
        {EN, "12,5a", "unexpected text"},
        {EN, "12,5", "unexpected text"},
        {EN, "1,5000", "three digits"},
        {EN, "1234,567", "three digits"},
        {EN, "12%", "percentages are not allowed"},
        {EN, "8.8 million", "scale words are not allowed"},
        {EN, "abc", "no digits"},
        {EN, "over", "no digits"},
        {EN, "1 500", "unexpected text"},
        {EN, "1.2.3", "unexpected text"},
        {EN, "=1+2", "no digits"},
        {EN, "1e400", "unexpected text"},
        {EN, "--5", "no digits"},
        {EN, "one million", "no digits"},
        {SCALE, "one", "a number in words needs a scale word"},
        {SCALE, "one apple", "a number in words needs a scale word"},
        {EU, "1,234.5", "unexpected text"},
};

START_TEST(test_number_parses_publication_forms)
{
	struct number_format nf;
	struct number n;
	struct error err;

	make_format(good[_i].fmt, &nf);
	ck_assert_msg(number_parse(&nf, good[_i].text, &n, &err) == 0,
	              "'%s': %s", good[_i].text, err.msg);
	ck_assert_msg(n.value == good[_i].value, "'%s' gave %.17g",
	              good[_i].text, n.value);
	ck_assert_str_eq(n.qualifier, good[_i].qualifier);
	ck_assert_str_eq(n.flags, good[_i].flags);
	ck_assert_int_eq(n.missing, good[_i].missing);
	ck_assert_int_eq(n.decimals, good[_i].decimals);
}
END_TEST

START_TEST(test_number_rejects_what_is_not_fully_consumed)
{
	struct number_format nf;
	struct number n;
	struct error err;

	make_format(bad[_i].fmt, &nf);
	ck_assert_msg(number_parse(&nf, bad[_i].text, &n, &err) == -1,
	              "'%s' was accepted as %g", bad[_i].text, n.value);
	ck_assert_msg(strstr(err.msg, bad[_i].why) != NULL,
	              "'%s': message '%s' lacks '%s'", bad[_i].text, err.msg,
	              bad[_i].why);
	ck_assert_msg(strstr(err.msg, "cannot parse '") == err.msg,
	              "message does not start with the subject: %s", err.msg);
}
END_TEST

START_TEST(test_number_shortest_format_round_trips)
{
	static const double v[] = {
	        0,    1,        16987361, 0.1,  1.0 / 3,
	        1e-7, 59816673, 261.25,   -4.5, 9007199254740991.0};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		number_format_shortest(v[i], buf);
		ck_assert_msg(strtod(buf, NULL) == v[i], "%s", buf);
	}
	number_format_shortest(16987361, buf);
	ck_assert_str_eq(buf, "16987361");
	number_format_shortest(0.1, buf);
	ck_assert_str_eq(buf, "0.1");
	number_format_shortest(261.25, buf);
	ck_assert_str_eq(buf, "261.25");
}
END_TEST

/* Integers take a path of their own; it must write what "%.0f" does. */
START_TEST(test_number_shortest_format_of_integers_is_printf_s)
{
	static const double v[] = {-0.0,
	                           1,
	                           -1,
	                           9,
	                           10,
	                           -10,
	                           100,
	                           1046349,
	                           -29397681,
	                           9007199254740991.0,
	                           -9007199254740991.0,
	                           9007199254740992.0,
	                           1e20};
	char buf[32], want[64];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		number_format_shortest(v[i], buf);
		snprintf(want, sizeof(want), "%.0f", v[i]);
		ck_assert_msg(strcmp(buf, v[i] == 0 ? "0" : want) == 0 ||
		                      strtod(buf, NULL) == v[i],
		              "%s: got %s", want, buf);
		if (fabs(v[i]) < 9007199254740992.0)
			ck_assert_str_eq(buf, v[i] == 0 ? "0" : want);
	}
}
END_TEST

/* The words stay the publisher's; what they state is a bound of four. */
START_TEST(test_number_bound_of_qualifiers)
{
	ck_assert_str_eq(number_bound("more than"), "more than");
	ck_assert_str_eq(number_bound("just over"), "more than");
	ck_assert_str_eq(number_bound("Nearly"), "less than");
	ck_assert_str_eq(number_bound("almost"), "less than");
	ck_assert_str_eq(number_bound("at least"), "at least");
	ck_assert_str_eq(number_bound("roughly"), "about");
	ck_assert_str_eq(number_bound("~"), "about");
	ck_assert_ptr_null(number_bound("exactly"));
	ck_assert_ptr_null(number_bound("from qualified inputs"));
}
END_TEST

/* A figure with a scale word is rounded to its last digit; a stated
 * precision sets it, "rounded" to the unit the written figure shows; any
 * other statement is refused and changes nothing. */
START_TEST(test_number_precision_of_figures)
{
	static const struct {
		const char *text, *stated, *want;
	} cases[] = {
	        {"at least 8.8 million", NULL, "rounded to 100000"},
	        {"2 million", "", "rounded to 1000000"},
	        {"20 million", NULL, "rounded to 1000000"},
	        {"one million", NULL, "rounded to 1000000"},
	        {"0.25 million", NULL, "rounded to 10000"},
	        {"260,400", NULL, ""},
	        {"260,400", "rounded (press release, 6 January 2020)",
	         "rounded to 100"},
	        {"over 19,000", "Rounded", "rounded to 1000"},
	        {"44.5", "rounded", "rounded to 0.1"},
	        {"7", "rounded", "rounded to 1"},
	        {"153,383", "exact (Annual Report 2020)", "exact"},
	        {"8.8 million", "exact", "exact"},
	        {":", "rounded", ""},
	};
	struct number_format nf;
	struct number n;
	struct error err;
	size_t i;

	number_format_default(&nf);
	nf.scale_words = 1;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(number_parse(&nf, cases[i].text, &n, &err) == 0,
		              "%s: %s", cases[i].text, err.msg);
		ck_assert_int_eq(number_precision(&n, cases[i].stated), 0);
		ck_assert_msg(strcmp(n.precision, cases[i].want) == 0,
		              "%s / %s: got '%s'", cases[i].text,
		              cases[i].stated ? cases[i].stated : "(none)",
		              n.precision);
	}
	ck_assert_int_eq(number_parse(&nf, "4.1 million", &n, &err), 0);
	ck_assert_int_eq(number_precision(&n, "93,962 URLs"), -1);
	ck_assert_str_eq(n.precision, "rounded to 100000");
}
END_TEST

START_TEST(test_number_convert_is_exact_for_powers_of_ten)
{
	static const struct {
		double v;
		int decimals;
		double factor, want;
	} cases[] = {
	        {1.978, 3, 1000, 1978}, /* plain: 1977.9999999999998 */
	        {8.8, 1, 1e6, 8800000},
	        {0.1, 1, 10, 1},
	        {1.23456, 5, 100, 123.456},
	        {14, 0, 1000, 14000},
	        {2.5, 1, 2, 5},
	        {1.1, 1, 3, 3.3000000000000003},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(number_convert(cases[i].v, cases[i].decimals,
		                             cases[i].factor) == cases[i].want,
		              "case %zu: %.17g", i,
		              number_convert(cases[i].v, cases[i].decimals,
		                             cases[i].factor));
	/* Without the rule the product is off: the test is meaningful. */
	ck_assert(1.005 * 1000 != 1005);
}
END_TEST

Suite *
number_suite(void)
{
	Suite *s = suite_create("number");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_number_parses_publication_forms, 0,
	                    sizeof(good) / sizeof(good[0]));
	tcase_add_loop_test(tc, test_number_rejects_what_is_not_fully_consumed,
	                    0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_number_shortest_format_round_trips);
	tcase_add_test(tc, test_number_shortest_format_of_integers_is_printf_s);
	tcase_add_test(tc, test_number_convert_is_exact_for_powers_of_ten);
	tcase_add_test(tc, test_number_bound_of_qualifiers);
	tcase_add_test(tc, test_number_precision_of_figures);
	suite_add_tcase(s, tc);
	return s;
}
