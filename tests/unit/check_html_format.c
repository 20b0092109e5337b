/* Tests for html_format: tables, prose, periods, hostile pages. */
#define PROVSTAT_TESTUTIL_FORMATS
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "normalize/html_format.h"
#include "testutil.h"

static char *
run(struct source_config *s, const char *text, struct problems *p)
{
	char *got;

	memset(p, 0, sizeof(*p));
	got = tu_parse(html_format_parse, s, text, strlen(text), p);
	tu_check_spans(text, strlen(text), got);
	return got;
}

static void
insafe_source(struct source_config *s)
{
	tu_source(s, "html");
	s->html.select = xstrdup("//article/p");
	s->html.pattern = xstrdup("(almost|over|nearly|just over)? ?"
	                          "([0-9][0-9,]*) contacts");
	s->html.qualifier_group = 1;
	s->html.group[FIELD_VALUE] = 2;
	s->html.period_xpath = xstrdup("//h1");
	s->html.period_pattern = xstrdup("Quarter ([1-4]),? ([0-9]{4})");
	s->html.period_format = xstrdup("\\2-Q\\1");
	s->constant[FIELD_MEASURE] = xstrdup("contacts");
	s->constant[FIELD_GEO] = xstrdup("EU");
	s->constant[FIELD_UNIT] = xstrdup("contacts");
}

static void
html_release(struct source_config *s)
{
	free(s->html.select);
	free(s->html.pattern);
	free(s->html.period_xpath);
	free(s->html.period_pattern);
	free(s->html.period_format);
	free(s->html.table);
	tu_source_release(s);
}

START_TEST(test_html_reads_numbers_in_prose_with_qualifiers)
{
	static const char page[] =
	        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	        "<title>t</title></head><body><main>\n"
	        "<article><h1>Latest helpline trends: Quarter 2, 2020</h1>\n"
	        "<p>Helplines received over 19,000 contacts, a 25 per cent "
	        "increase.</p>\n"
	        "<p>In all, almost 17,400 contacts and 12 contacts more.</p>\n"
	        "</article></main></body></html>\n";
	struct source_config s;
	struct problems p;
	char *got;

	insafe_source(&s);
	got = run(&s, page, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_str_eq(got,
	                 "contacts|EU|2020-Q2|over 19,000|19000||over|"
	                 "/html/body/main/article/p[1], match 1: \"over 19,000 "
	                 "contacts\"|171+6\n"
	                 "contacts|EU|2020-Q2|almost 17,400|17400||almost|"
	                 "/html/body/main/article/p[2], match 1: \"almost "
	                 "17,400 contacts\"|234+6\n"
	                 "contacts|EU|2020-Q2|12|12|||/html/body/main/article/"
	                 "p[2], match 2: \"12 contacts\"|254+2\n");
	free(got);
	html_release(&s);
}
END_TEST

/* A page of several articles, one a quarter: a relative period_xpath is
 * each block's; an article without a heading is a problem at its place,
 * never another article's period. */
START_TEST(test_html_reads_a_period_per_block)
{
	static const char page[] =
	        "<html><body>\n"
	        "<article><h2>Quarter 1, 2020</h2><p class=\"f\">14,925 "
	        "contacts</p></article>\n"
	        "<article><h2>Quarter 2, 2020</h2><p class=\"f\">over 19,000 "
	        "contacts</p></article>\n"
	        "</body></html>\n";
	static const char bad[] =
	        "<html><body>\n"
	        "<article><h2>Quarter 1, 2020</h2><p class=\"f\">14,925 "
	        "contacts</p></article>\n"
	        "<article><p class=\"f\">12 contacts</p></article>\n"
	        "</body></html>\n";
	struct source_config s;
	struct problems p;
	char *got;

	insafe_source(&s);
	free(s.html.select);
	free(s.html.period_xpath);
	s.html.select = xstrdup("//article/p[@class='f']");
	s.html.period_xpath = xstrdup("ancestor::article/h2");
	got = run(&s, page, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_msg(strstr(got, "contacts|EU|2020-Q1|14,925|14925|") &&
	                      strstr(got, "contacts|EU|2020-Q2|over 19,000|"
	                                  "19000||over|"),
	              "%s", got);
	free(got);
	got = run(&s, bad, &p);
	ck_assert_int_eq(p.total, 1);
	ck_assert_str_eq(p.msg[0], "src://t: /html/body/article[2]/p: "
	                           "period_xpath 'ancestor::article/h2' "
	                           "selects nothing");
	problems_release(&p);
	free(got);
	html_release(&s);
}
END_TEST

START_TEST(test_html_expands_rowspan_and_colspan)
{
	static const char page[] =
	        "<html><body><table id=\"f\">\n"
	        "<tr><th>Measure</th><th>Year</th><th>Reports</th></tr>\n"
	        "<tr><td rowspan=\"2\">assessed</td><td>2019</td>"
	        "<td>260,400</td></tr>\n"
	        "<tr><td>2020</td><td>299,619</td></tr>\n"
	        "<tr><td colspan=\"2\">confirmed "
	        "2020</td><td>153,383</td></tr>\n"
	        "</table></body></html>\n";
	struct source_config s;
	struct problems p;
	char *got;

	tu_source(&s, "html");
	s.html.table = xstrdup("//table[@id='f']");
	s.column[FIELD_MEASURE] = xstrdup("Measure");
	s.column[FIELD_PERIOD] = xstrdup("Year");
	s.column[FIELD_VALUE] = xstrdup("Reports");
	s.constant[FIELD_GEO] = xstrdup("GB");
	s.constant[FIELD_UNIT] = xstrdup("reports");
	got = run(&s, page, &p);
	/* The colspan row gives "confirmed 2020" as its period: a problem. */
	ck_assert_int_eq(p.total, 0);
	ck_assert_str_eq(got,
	                 "assessed|GB|2019|260,400|260400|||/html/body/table/"
	                 "tr[2]/td[3] (table row 2, line 3)|132+7\n"
	                 "assessed|GB|2020|299,619|299619|||/html/body/table/"
	                 "tr[3]/td[2] (table row 3, line 4)|171+7\n"
	                 "confirmed 2020|GB|confirmed 2020|153,383|153383|||"
	                 "/html/body/table/tr[4]/td[2] (table row 4, line 5)|"
	                 "232+7\n");
	free(got);
	html_release(&s);
}
END_TEST

/* The document's own Precision column: read as it says, "rounded" to the
 * unit the figure shows; a cell that says something else is a problem at
 * its place, and nothing loads. */
START_TEST(test_html_reads_a_precision_column)
{
	static const char page[] =
	        "<html><body><table id=\"f\">\n"
	        "<tr><th>Year</th><th>Value</th><th>Precision</th></tr>\n"
	        "<tr><td>2019</td><td>260,400</td><td>rounded (press "
	        "release)</td></tr>\n"
	        "<tr><td>2020</td><td>299,619</td><td>exact (Annual Report "
	        "2020)</td></tr>\n"
	        "<tr><td>2021</td><td>71%</td><td></td></tr>\n"
	        "</table></body></html>\n";
	static const char bad[] =
	        "<html><body><table id=\"f\">\n"
	        "<tr><th>Year</th><th>Value</th><th>Precision</th></tr>\n"
	        "<tr><td>2019</td><td>71%</td><td>93,962 URLs</td></tr>\n"
	        "</table></body></html>\n";
	struct source_config s;
	struct problems p;
	char *got;

	tu_source(&s, "html");
	s.number.percent = 1;
	s.html.table = xstrdup("//table[@id='f']");
	s.column[FIELD_PERIOD] = xstrdup("Year");
	s.column[FIELD_VALUE] = xstrdup("Value");
	s.column[FIELD_PRECISION] = xstrdup("Precision");
	s.constant[FIELD_MEASURE] = xstrdup("assessed");
	s.constant[FIELD_GEO] = xstrdup("GB");
	s.constant[FIELD_UNIT] = xstrdup("reports");
	got = run(&s, page, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_str_eq(got,
	                 "assessed|GB|2019|260,400|260400|||/html/body/table/"
	                 "tr[2]/td[2] (table row 2, line 3)|rounded to 100|"
	                 "103+7\n"
	                 "assessed|GB|2020|299,619|299619|||/html/body/table/"
	                 "tr[3]/td[2] (table row 3, line 4)|exact|174+7\n"
	                 "assessed|GB|2021|71%|71|||/html/body/table/tr[4]/"
	                 "td[2] (table row 4, line 5)|248+3\n");
	free(got);
	tu_expect_problem(html_format_parse, &s, bad,
	                  "/html/body/table/tr[2]/td[2] (table row 2, line 3): "
	                  "precision '93,962 URLs' is neither \"exact...\" nor "
	                  "\"rounded...\"");
	html_release(&s);
}
END_TEST

/* A footnote mark in a cell is never part of its number: a letter in
 * <sup> is that flag, another mark the flag '*'; the range is the
 * figure's. */
START_TEST(test_html_splits_footnote_marks_from_numbers)
{
	static const char page[] =
	        "<html><body><table id=\"f\">\n"
	        "<tr><th>Year</th><th>Value</th></tr>\n"
	        "<tr><td>2019</td><td>260,400 <sup>a</sup></td></tr>\n"
	        "<tr><td>2020</td><td>299,619<sup>1</sup></td></tr>\n"
	        "<tr><td>2021</td><td>12</td></tr>\n"
	        "</table></body></html>\n";
	struct source_config s;
	struct problems p;
	char *got;

	tu_source(&s, "html");
	s.html.table = xstrdup("//table[@id='f']");
	s.column[FIELD_PERIOD] = xstrdup("Year");
	s.column[FIELD_VALUE] = xstrdup("Value");
	s.constant[FIELD_MEASURE] = xstrdup("m");
	s.constant[FIELD_GEO] = xstrdup("GB");
	s.constant[FIELD_UNIT] = xstrdup("u");
	got = run(&s, page, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_str_eq(got,
	                 "m|GB|2019|260,400|260400|a||/html/body/table/tr[2]/"
	                 "td[2] (table row 2, line 3)|85+7\n"
	                 "m|GB|2020|299,619|299619|*||/html/body/table/tr[3]/"
	                 "td[2] (table row 3, line 4)|137+7\n"
	                 "m|GB|2021|12|12|||/html/body/table/tr[4]/td[2] "
	                 "(table row 4, line 5)|188+2\n");
	free(got);
	html_release(&s);
}
END_TEST

/* Two header rows: "Year" spans the year columns, "Country" both rows;
 * the names compose ("Year 2019"), and a wide table reads each year's
 * cell with its own place.  Or one column is addressed by its composed
 * name. */
START_TEST(test_html_composes_header_rows_and_reads_wide)
{
	static const char page[] =
	        "<html><body><table id=\"f\">\n"
	        "<tr><th rowspan=\"2\">Country</th><th colspan=\"2\">Year</th>"
	        "</tr>\n"
	        "<tr><th>2019</th><th>2020</th></tr>\n"
	        "<tr><td>Malta</td><td>1,200</td><td>750</td></tr>\n"
	        "</table></body></html>\n";
	struct source_config s;
	struct problems p;
	char *got;

	tu_source(&s, "html");
	s.html.table = xstrdup("//table[@id='f']");
	s.html.header_rows = 2;
	s.column[FIELD_GEO] = xstrdup("Country");
	s.wide.columns = xstrdup("^Year ([0-9]{4})$");
	s.wide.period = xstrdup("\\1");
	s.constant[FIELD_MEASURE] = xstrdup("m");
	s.constant[FIELD_UNIT] = xstrdup("u");
	got = run(&s, page, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_str_eq(got,
	                 "m|Malta|2019|1,200|1200|||/html/body/table/tr[3]/"
	                 "td[2] (table row 3, line 4)|148+5\n"
	                 "m|Malta|2020|750|750|||/html/body/table/tr[3]/td[3] "
	                 "(table row 3, line 4)|162+3\n");
	free(got);
	free(s.wide.columns);
	free(s.wide.period);
	s.wide.columns = s.wide.period = NULL;
	s.column[FIELD_VALUE] = xstrdup("Year 2020");
	s.constant[FIELD_PERIOD] = xstrdup("2020");
	got = run(&s, page, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_str_eq(got, "m|Malta|2020|750|750|||/html/body/table/tr[3]/"
	                      "td[3] (table row 3, line 4)|162+3\n");
	free(got);
	html_release(&s);
}
END_TEST

static char *
repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit), i;
	char *out = xmalloc(len * n + 1);

	for (i = 0; i < n; i++)
		memcpy(out + i * len, unit, len);
	out[len * n] = '\0';
	return out;
}

START_TEST(test_html_refuses_hostile_pages)
{
	char *open = repeat("<div>", 300), *close = repeat("</div>", 300);
	char *docs[6];
	const char *want[6];
	size_t i, n = 0;

	docs[n] = xasprintf("<html><body>%s<p>1 contacts</p>%s</body></html>",
	                    open, close);
	want[n++] = "Excessive depth";
	docs[n] = xstrdup(
	        "<html><body><article><h1>Quarter 1, 2020</h1>"
	        "<p>K\xf6ln 14,925 contacts</p></article></body></html>");
	want[n++] = "invalid UTF-8";
	docs[n] = xstrdup("<html><body><article><h1>Quarter 1, 2020</h1>"
	                  "<p>14,925 contacts</b></p></article></body></html>");
	want[n++] = "Unexpected end tag";
	docs[n] = xstrdup("<html><body><article><h1>no quarter here</h1>"
	                  "<p>14,925 contacts</p></article></body></html>");
	want[n++] = "does not match";
	docs[n] = xstrdup("<html><body><article><h1>Quarter 1, 2020</h1>"
	                  "<p>nothing to see</p></article></body></html>");
	want[n++] = "the pattern matches nothing";
	docs[n] = xstrdup("<html><body><article><h1>Quarter 1, 2020</h1>"
	                  "<p>1,2345 contacts</p></article></body></html>");
	want[n++] = "cannot parse '1,2345' as a number";
	for (i = 0; i < n; i++) {
		struct source_config s;
		struct problems p;
		char *got;

		insafe_source(&s);
		got = run(&s, docs[i], &p);
		ck_assert_msg(p.total >= 1, "hostile page %zu accepted", i);
		ck_assert_msg(strstr(p.msg[0], want[i]) != NULL,
		              "page %zu: '%s'", i, p.msg[0]);
		problems_release(&p);
		free(got);
		free(docs[i]);
		html_release(&s);
	}
	free(open);
	free(close);
}
END_TEST

Suite *
html_format_suite(void)
{
	Suite *s = suite_create("html_format");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_html_reads_numbers_in_prose_with_qualifiers);
	tcase_add_test(tc, test_html_reads_a_period_per_block);
	tcase_add_test(tc, test_html_expands_rowspan_and_colspan);
	tcase_add_test(tc, test_html_reads_a_precision_column);
	tcase_add_test(tc, test_html_splits_footnote_marks_from_numbers);
	tcase_add_test(tc, test_html_composes_header_rows_and_reads_wide);
	tcase_add_test(tc, test_html_refuses_hostile_pages);
	suite_add_tcase(s, tc);
	return s;
}
