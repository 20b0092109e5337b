/* Tests for csv_format: csv and sdmx-csv, mapped by name. */
#define PROVSTAT_TESTUTIL_FORMATS
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "normalize/csv_format.h"
#include "testutil.h"

static char *
run(struct source_config *s, const char *text, struct problems *p)
{
	memset(p, 0, sizeof(*p));
	char *got = tu_parse(csv_format_parse, s, text, strlen(text), p);

	tu_check_spans(text, strlen(text), got);
	return got;
}

static void
ncmec_source(struct source_config *s)
{
	tu_source(s, "csv");
	s->column[FIELD_GEO] = xstrdup("country");
	s->column[FIELD_PERIOD] = xstrdup("year");
	s->column[FIELD_VALUE] = xstrdup("reports");
	s->constant[FIELD_MEASURE] = xstrdup("m");
	s->constant[FIELD_UNIT] = xstrdup("reports");
}

START_TEST(test_csv_format_maps_columns_by_name)
{
	struct source_config s;
	struct problems p;
	char *got;

	ncmec_source(&s);
	got = run(&s,
	          "year,reports,country\n"
	          "2019,\"14,448\",Czech Republic\n"
	          "2020,\"over 19,000\",\"Congo, The Democratic Republic of "
	          "the\"\n",
	          &p);
	ck_assert_int_eq(p.total, 0);
	ck_assert_str_eq(got,
	                 "m|Czech Republic|2019|14,448|14448|||line 2, column "
	                 "6|26+8\n"
	                 "m|Congo, The Democratic Republic of the|2020|over "
	                 "19,000|19000||over|line 3, column 6|55+13\n");
	free(got);
	tu_source_release(&s);
}
END_TEST

START_TEST(test_sdmx_csv_reads_both_versions_by_column_name)
{
	static const char *const docs[] = {
	        /* SDMX-CSV 1.0 */
	        "DATAFLOW,LAST UPDATE,freq,unit,age,sex,geo,TIME_PERIOD,"
	        "OBS_VALUE,OBS_FLAG\n"
	        "ESTAT:DEMO_PJAN(1.0),01/01/21,A,NR,TOTAL,T,DE,2020,83166711,\n"
	        "ESTAT:DEMO_PJAN(1.0),01/01/21,A,NR,TOTAL,F,DE,2020,42000000,\n"
	        "ESTAT:DEMO_PJAN(1.0),01/01/"
	        "21,A,NR,TOTAL,T,FR,2020,67320216,p\n",
	        /* SDMX-CSV 2.0: other columns, another order */
	        "STRUCTURE,STRUCTURE_ID,ACTION,geo,sex,age,unit,freq,OBS_FLAG,"
	        "OBS_VALUE,TIME_PERIOD,CONF_STATUS\n"
	        "dataflow,ESTAT:DEMO_PJAN(1.0),I,DE,T,TOTAL,NR,A,,83166711,"
	        "2020,F\n"
	        "dataflow,ESTAT:DEMO_PJAN(1.0),I,DE,F,TOTAL,NR,A,,42000000,"
	        "2020,F\n"
	        "dataflow,ESTAT:DEMO_PJAN(1.0),I,FR,T,TOTAL,NR,A,p,67320216,"
	        "2020,F\n",
	};
	size_t i;

	for (i = 0; i < 2; i++) {
		struct source_config s;
		struct problems p;
		char *got;
		char *line2;

		tu_source(&s, "sdmx-csv");
		s.column[FIELD_GEO] = xstrdup("geo");
		s.column[FIELD_PERIOD] = xstrdup("TIME_PERIOD");
		s.column[FIELD_VALUE] = xstrdup("OBS_VALUE");
		s.column[FIELD_FLAGS] = xstrdup("OBS_FLAG");
		s.constant[FIELD_MEASURE] = xstrdup("population");
		s.constant[FIELD_UNIT] = xstrdup("persons");
		s.filter = xcalloc(2, sizeof(*s.filter));
		s.filter[0].name = xstrdup("sex");
		s.filter[0].value = xstrdup("T");
		s.filter[1].name = xstrdup("age");
		s.filter[1].value = xstrdup("TOTAL");
		s.nfilter = 2;
		got = run(&s, docs[i], &p);
		ck_assert_int_eq(p.total, 0);
		ck_assert_msg(strncmp(got,
		                      "population|DE|2020|83166711|83166711||",
		                      38) == 0,
		              "%s", got);
		line2 = strchr(got, '\n') + 1;
		ck_assert_msg(strncmp(line2,
		                      "population|FR|2020|67320216|67320216|p|",
		                      39) == 0,
		              "%s", got);
		/* the sex=F row is filtered out: two observations */
		ck_assert_str_eq(strchr(line2, '\n'), "\n");
		free(got);
		/* Without the sex filter, its two categories would be
		 * merged: refused, listed. */
		free(s.filter[0].name);
		free(s.filter[0].value);
		s.filter[0] = s.filter[1];
		s.nfilter = 1;
		got = run(&s, docs[i], &p);
		ck_assert_int_eq(p.total, 1);
		ck_assert_str_eq(p.msg[0],
		                 "line 1 (the header): dimension 'sex' is "
		                 "neither mapped nor filtered and has several "
		                 "categories ('T', 'F'; the second at line 3): "
		                 "rows differing in it would be merged");
		problems_release(&p);
		free(got);
		tu_source_release(&s);
	}
}
END_TEST

START_TEST(test_csv_format_stops_at_the_footer_and_skips_notes)
{
	struct source_config s;
	struct problems p;
	char *got;

	ncmec_source(&s);
	s.csv.footer = xstrdup("^Total");
	s.csv.skip = xcalloc(1, sizeof(char *));
	s.csv.skip[0] = xstrdup("^Note");
	s.csv.nskip = 1;
	got = run(&s,
	          "country,year,reports\n"
	          "Malta,2021,750\n"
	          "Note: provisional,,\n"
	          "Total,2021,750\n"
	          "garbage after the table\n",
	          &p);
	ck_assert_int_eq(p.total, 0);
	ck_assert_str_eq(got,
	                 "m|Malta|2021|750|750|||line 2, column 12|32+3\n");
	free(got);
	got = run(&s, "country,year,reports\nMalta,2021,750\n", &p);
	ck_assert_int_eq(p.total, 1);
	ck_assert_str_eq(p.msg[0], "no footer line matching '^Total': the "
	                           "table may be truncated");
	problems_release(&p);
	free(got);
	tu_source_release(&s);
}
END_TEST

static const struct {
	const char *doc;
	const char *problem;
} bad[] = {
        {"country,year,count\nMalta,2021,750\n",
         "line 1: no column 'reports' (for value) in the header"},
        {"country,year,reports\nMalta,2021,750,1\n",
         "line 2: 4 fields where the header has 3"},
        {"country,year,reports\nMalta,2021,\"7,50\"\n",
         "line 2, column 12: cannot parse '7,50' as a number: unexpected "
         "text after the number"},
        {"country,year,reports\n,2021,750\n", "line 2, column 7: empty geo"},
        {"country,year,reports\nMalta,2021,\"750\n",
         "line 2 col 12: quoted field is not closed"},
        {"", "no header row (the document has 0 records)"},
        {"country,year,reports\nMalta,2021,=HYPERLINK(\"x\")\n",
         "line 2 col 23: quote inside an unquoted field"},
};

START_TEST(test_csv_format_reports_problems_with_their_place)
{
	struct source_config s;

	ncmec_source(&s);
	tu_expect_problem(csv_format_parse, &s, bad[_i].doc, bad[_i].problem);
	tu_source_release(&s);
}
END_TEST

/* A wide table: a column a year, each cell one observation with its own
 * place; the period rewritten from the name; an empty cell is a missing
 * value; no matching column is a problem at the header. */
START_TEST(test_csv_format_reads_a_wide_table)
{
	struct source_config s;
	struct problems p;
	char *got;

	ncmec_source(&s);
	free(s.column[FIELD_PERIOD]);
	free(s.column[FIELD_VALUE]);
	s.column[FIELD_PERIOD] = s.column[FIELD_VALUE] = NULL;
	s.wide.columns = xstrdup("^Reports ([0-9]{4})$");
	s.wide.period = xstrdup("\\1");
	got = run(&s,
	          "country,Reports 2019,Reports 2020,rank\n"
	          "Czech Republic,\"14,448\",\"11,044\",3\n"
	          "Malta,,750,9\n",
	          &p);
	ck_assert_msg(p.total == 0, "%s", p.total ? p.msg[0] : "");
	ck_assert_str_eq(got,
	                 "m|Czech Republic|2019|14,448|14448|||line 2, column "
	                 "16|54+8\n"
	                 "m|Czech Republic|2020|11,044|11044|||line 2, column "
	                 "25|63+8\n"
	                 "m|Malta|2019||NA|||line 3, column 7|80+0\n"
	                 "m|Malta|2020|750|750|||line 3, column 8|81+3\n");
	free(got);
	got = run(&s, "country,2019,2020\nMalta,1,2\n", &p);
	ck_assert_int_eq(p.total, 1);
	ck_assert_str_eq(p.msg[0], "line 1: no header column matches the "
	                           "'wide' pattern '^Reports ([0-9]{4})$'");
	problems_release(&p);
	free(got);
	tu_source_release(&s);
}
END_TEST

START_TEST(test_csv_format_joins_multi_row_headers)
{
	struct source_config s;
	struct problems p;
	char *got;

	ncmec_source(&s);
	s.csv.header_rows = 2;
	free(s.column[FIELD_PERIOD]);
	s.column[FIELD_PERIOD] = NULL;
	s.constant[FIELD_PERIOD] = xstrdup("2020");
	free(s.column[FIELD_VALUE]);
	s.column[FIELD_VALUE] = xstrdup("2020 reports");
	/* The upper row's "2019" and "2020" were merged over two cells each:
	 * a spreadsheet writes the blank after them. */
	got = run(&s,
	          "country,2019,,2020,\n"
	          ",reports,rank,reports,rank\n"
	          "Czech Republic,\"14,448\",3,\"11,044\",4\n",
	          &p);
	ck_assert_msg(p.total == 0, "%s", p.total ? p.msg[0] : "");
	ck_assert_str_eq(got, "m|Czech Republic|2020|11,044|11044|||line 3, "
	                      "column 27|73+8\n");
	free(got);
	/* No "2019 reports" column once the header is one row. */
	s.csv.header_rows = 1;
	got = run(&s, "country,2019,,2020,\n,reports,rank,reports,rank\n", &p);
	ck_assert_str_eq(p.msg[0],
	                 "line 1: no column '2020 reports' (for value) in the "
	                 "header");
	problems_release(&p);
	free(got);
	/* Header rows must agree on their width. */
	s.csv.header_rows = 2;
	got = run(&s, "country,2020\n,reports,rank\nCZ,1,2\n", &p);
	ck_assert_str_eq(p.msg[0], "line 2: 3 fields in a header row where the "
	                           "first (line 1) has 2");
	problems_release(&p);
	free(got);
	/* A document that ends inside the header has none. */
	got = run(&s, "country,2020\n", &p);
	ck_assert_str_eq(p.msg[0],
	                 "no header row (the document has 1 records)");
	problems_release(&p);
	free(got);
	tu_source_release(&s);
}
END_TEST

Suite *
csv_format_suite(void)
{
	Suite *s = suite_create("csv_format");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_csv_format_maps_columns_by_name);
	tcase_add_test(tc, test_sdmx_csv_reads_both_versions_by_column_name);
	tcase_add_test(tc, test_csv_format_stops_at_the_footer_and_skips_notes);
	tcase_add_test(tc, test_csv_format_joins_multi_row_headers);
	tcase_add_test(tc, test_csv_format_reads_a_wide_table);
	tcase_add_loop_test(tc,
	                    test_csv_format_reports_problems_with_their_place,
	                    0, sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, tc);
	return s;
}
