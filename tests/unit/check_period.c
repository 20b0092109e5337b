/* Tests for period: every way the sources write a period. */
#include <string.h>

#include "common/period.h"
#include "testutil.h"

static const struct {
	const char *text;
	const char *canonical;
	enum period_type type;
} good[] = {
        {"2019", "2019", PERIOD_YEAR},
        {" 2020 ", "2020", PERIOD_YEAR},
        {"1900", "1900", PERIOD_YEAR}, /* the first and last years */
        {"2999-12", "2999-12", PERIOD_MONTH},
        {"2010M10 ", "2010-10", PERIOD_MONTH},
        {"2020-Q1", "2020-Q1", PERIOD_QUARTER},
        {"2020Q1", "2020-Q1", PERIOD_QUARTER},
        {"2020q4", "2020-Q4", PERIOD_QUARTER},
        {"Q1 2020", "2020-Q1", PERIOD_QUARTER},
        {"2020-03", "2020-03", PERIOD_MONTH},
        {"2020M03", "2020-03", PERIOD_MONTH},
        {"March 2020", "2020-03", PERIOD_MONTH},
        {"Mar 2020", "2020-03", PERIOD_MONTH},
        {"Sept 2021", "2021-09", PERIOD_MONTH},
        {"March-May 2020", "2020-03/2020-05", PERIOD_MONTH_RANGE},
        {"March\xe2\x80\x93May 2020", "2020-03/2020-05", PERIOD_MONTH_RANGE},
        {"Dec 2019\xe2\x80\x93"
         "Feb 2020",
         "2019-12/2020-02", PERIOD_MONTH_RANGE},
        {"December 2019 to February 2020", "2019-12/2020-02",
         PERIOD_MONTH_RANGE},
        {"2020-W07", "2020-W07", PERIOD_WEEK},
        {"2020W53", "2020-W53", PERIOD_WEEK},
        {"2020-01-01", "2020-01-01", PERIOD_INSTANT},
        {"1 January 2020", "2020-01-01", PERIOD_INSTANT},
        {"29 February 2020", "2020-02-29", PERIOD_INSTANT},
        /* Canonical forms read back as themselves (found by fuzzing). */
        {"2020-03/2020-05", "2020-03/2020-05", PERIOD_MONTH_RANGE},
        {"2019-12/2020-02", "2019-12/2020-02", PERIOD_MONTH_RANGE},
};

static const char *const bad[] = {
        "",
        "20",
        "20201",
        "2020-Q5",
        "2020-13",
        "Q0 2020",
        "Foo 2020",
        "May-March 2020",
        "2020-W54",
        "1800",
        "March",
        "2019 and 2020",
        "Feb 2020-Dec 2019",
        "2020-02-30x",
        "2020-",
        "2020-02-30",
        "2021-02-29",
        "31 April 2020",
        "2020-05/2020-03",
        "2020-03/2020-03",
        "2020-03/2020-5",
        "2020-03/",
        /* Found by fuzzing: read past the end. */
        "2020-02/2022",
        "2020-02/2022-01-05",
};

START_TEST(test_period_parses_the_forms_publishers_use)
{
	struct period p;
	struct error err;

	ck_assert_msg(period_parse(good[_i].text, &p, &err) == 0, "'%s': %s",
	              good[_i].text, err.msg);
	ck_assert_str_eq(p.canonical, good[_i].canonical);
	ck_assert_int_eq(p.type, good[_i].type);
}
END_TEST

START_TEST(test_period_rejects_malformed_periods)
{
	struct period p;
	struct error err;

	ck_assert_msg(period_parse(bad[_i], &p, &err) == -1,
	              "'%s' was accepted as %s", bad[_i], p.canonical);
	ck_assert_msg(strstr(err.msg, "as a period") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(test_period_step)
{
	static const struct {
		const char *in;
		int delta;
		const char *out;
	} cases[] = {
	        {"2020-Q1", -1, "2019-Q4"},  {"2020-Q1", -16, "2016-Q1"},
	        {"2019-Q4", 1, "2020-Q1"},   {"2020-01", -1, "2019-12"},
	        {"2020-03", -12, "2019-03"}, {"2020", -4, "2016"},
	        {"2020", 0, "2020"},
	};
	static const char *const unstepped[] = {
	        "2020-03/2020-05", "2020-W01", "2020-01-01", "0001", "2020-Q5",
	        "20201",           ""};
	char out[PERIOD_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(period_step(cases[i].in, cases[i].delta, out),
		                 0);
		ck_assert_str_eq(out, cases[i].out);
	}
	for (i = 0; i < sizeof(unstepped) / sizeof(unstepped[0]); i++)
		ck_assert_msg(period_step(unstepped[i], -1, out) == -1,
		              "'%s' stepped", bad[i]);
}
END_TEST

Suite *
period_suite(void)
{
	Suite *s = suite_create("period");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_period_step);
	tcase_add_loop_test(tc, test_period_parses_the_forms_publishers_use, 0,
	                    sizeof(good) / sizeof(good[0]));
	tcase_add_loop_test(tc, test_period_rejects_malformed_periods, 0,
	                    sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, tc);
	return s;
}
