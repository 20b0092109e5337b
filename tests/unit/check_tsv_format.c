/* Tests for tsv_format: Eurostat's TSV, synthetic and real. */
#define PROVSTAT_TESTUTIL_FORMATS
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/xalloc.h"
#include "normalize/tsv_format.h"
#include "testutil.h"

static void
pop_source(struct source_config *s)
{
	tu_source(s, "eurostat-tsv");
	s->column[FIELD_GEO] = xstrdup("geo");
	s->constant[FIELD_MEASURE] = xstrdup("population");
	s->constant[FIELD_UNIT] = xstrdup("persons");
	s->filter = xcalloc(1, sizeof(*s->filter));
	s->filter[0].name = xstrdup("indic_de");
	s->filter[0].value = xstrdup("JAN");
	s->nfilter = 1;
}

static char *
run(struct source_config *s, const char *text, struct problems *p)
{
	memset(p, 0, sizeof(*p));
	char *got = tu_parse(tsv_format_parse, s, text, strlen(text), p);

	tu_check_spans(text, strlen(text), got);
	return got;
}

START_TEST(test_tsv_format_reads_values_flags_and_missing)
{
	struct source_config s;
	struct problems p;
	char *got;

	pop_source(&s);
	got = run(&s,
	          "indic_de,geo\\time\t2019 \t2020 \n"
	          "JAN,IT\t59816673 b\t59641488 \n"
	          "DEATH,IT\t1 \t2 \n"
	          "JAN,EU28\t513093556 bp\t: \n"
	          "JAN,FR\t: c\t67320216 p\n",
	          &p);
	ck_assert_int_eq(p.total, 0);
	ck_assert_str_eq(got,
	                 "population|IT|2019|59816673 b|59816673|b||line 2, "
	                 "column 8|37+10\n"
	                 "population|IT|2020|59641488 |59641488|||line 2, "
	                 "column 19|48+9\n"
	                 "population|EU28|2019|513093556 bp|513093556|bp||line "
	                 "4, column 10|82+12\n"
	                 "population|EU28|2020|: |NA|||line 4, column 23|95+2\n"
	                 "population|FR|2019|: c|NA|c||line 5, column 8|105+3\n"
	                 "population|FR|2020|67320216 p|67320216|p||line 5, "
	                 "column 12|109+10\n");
	free(got);
	tu_source_release(&s);
}
END_TEST

static const struct {
	const char *doc;
	const char *problem;
} bad[] = {
        {"indic_de,geo\t2019\nJAN,IT\t1\n",
         "line 1: the first header cell 'indic_de,geo' is not "
         "'dimensions\\time'"},
        /* An unmapped dimension with one category names nothing that
         * differs; with several it is refused, its categories listed. */
        {"unit,indic_de,geo\\time\t2019\nNR,JAN,IT\t1\nTHS,JAN,IT\t2\n",
         "line 1 (the header): dimension 'unit' is neither mapped nor "
         "filtered and has several categories ('NR', 'THS'; the second at "
         "line 3): rows differing in it would be merged"},
        {"indic_de,geo\\time\t2019\t2020\nJAN,IT\t1\n",
         "line 2: 2 cells where the header has 3"},
        {"indic_de,geo\\time\t2019\nJAN\t1\n",
         "line 2: 'JAN' does not give the 2 dimensions of the header"},
        {"indic_de,geo\\time\t2019\nJAN,IT\t1x2 b\n",
         "line 2, column 8: cannot parse '1x2' as a number: unexpected text "
         "after the number"},
        {"indic_de,geo\\time\t2019\nJAN,IT\t12 b!\n",
         "line 2, column 8: flags 'b!' are not letters"},
        {"", "the document is empty"},
        /* 33 dimensions (found by fuzzing: the 32 split ones leaked). */
        {"a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,"
         "geo\\time\t2019\nJAN,IT\t1\n",
         "line 1: more than 32 dimensions"},
};

/* An unmapped dimension with one category ("unit" is NR on every row)
 * is accepted; its rows that a filter leaves out do not count. */
START_TEST(test_tsv_format_accepts_a_single_category_dimension)
{
	struct source_config s;
	struct problems p;
	char *got;

	pop_source(&s);
	got = run(&s,
	          "unit,indic_de,geo\\time\t2019\n"
	          "NR,JAN,IT\t1\n"
	          "NR,JAN,FR\t2\n"
	          "THS,DEATH,FR\t3\n",
	          &p);
	ck_assert_msg(p.total == 0, "%s", p.total ? p.msg[0] : "");
	ck_assert_msg(strstr(got, "population|IT|2019|1|1|") &&
	                      strstr(got, "population|FR|2019|2|2|"),
	              "%s", got);
	free(got);
	tu_source_release(&s);
}
END_TEST

START_TEST(test_tsv_format_reports_problems_with_their_place)
{
	struct source_config s;

	pop_source(&s);
	tu_expect_problem(tsv_format_parse, &s, bad[_i].doc, bad[_i].problem);
	tu_source_release(&s);
}
END_TEST

/* The real Eurostat snapshots in ../shared/data (absent in a user's clone). */
START_TEST(test_tsv_format_loads_both_real_eurostat_vintages)
{
	static const struct {
		const char *file;
		const char *it_2019;
		const char *fr_2019;
	} v[] = {
	        {"../shared/data/eurostat/tps00001-vintage-2019.tsv",
	         "population|IT|2019|60359546 |60359546|||",
	         "population|FR|2019|67012883 p|67012883|p||"},
	        {"../shared/data/eurostat/tps00001-vintage-2021.tsv",
	         "population|IT|2019|59816673 b|59816673|b||",
	         "population|FR|2019|67177636 p|67177636|p||"},
	};
	size_t i;

	if (!fileio_exists("../shared/data/eurostat")) {
		fprintf(stderr, "skip: ../shared/data/eurostat is absent\n");
		return;
	}
	for (i = 0; i < 2; i++) {
		struct source_config s;
		struct problems p;
		struct error err;
		char *text, *got, *line;
		size_t len, n = 0;

		pop_source(&s);
		ck_assert_int_eq(
		        fileio_read(v[i].file, 1u << 20, &text, &len, &err), 0);
		memset(&p, 0, sizeof(p));
		got = tu_parse(tsv_format_parse, &s, text, len, &p);
		ck_assert_msg(p.total == 0, "%s: %s", v[i].file,
		              p.kept ? p.msg[0] : "");
		for (line = got; (line = strchr(line, '\n')); line++)
			n++;
		/* 30 geographies (EU members, EU27_2020, EU28, UK) x 12 years
		 */
		ck_assert_int_eq(n, 360);
		ck_assert_msg(strstr(got, v[i].it_2019) != NULL, "%s",
		              v[i].file);
		ck_assert_msg(strstr(got, v[i].fr_2019) != NULL, "%s",
		              v[i].file);
		free(got);
		free(text);
		tu_source_release(&s);
	}
}
END_TEST

Suite *
tsv_format_suite(void)
{
	Suite *s = suite_create("tsv_format");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_tsv_format_reads_values_flags_and_missing);
	tcase_add_test(tc, test_tsv_format_accepts_a_single_category_dimension);
	tcase_add_loop_test(tc,
	                    test_tsv_format_reports_problems_with_their_place,
	                    0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_tsv_format_loads_both_real_eurostat_vintages);
	suite_add_tcase(s, tc);
	return s;
}
