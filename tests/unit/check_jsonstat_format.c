/* Tests for jsonstat_format, and the same numbers through three formats. */
#define PROVSTAT_TESTUTIL_FORMATS
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "normalize/csv_format.h"
#include "normalize/jsonstat_format.h"
#include "normalize/tsv_format.h"
#include "testutil.h"

static void
js_source(struct source_config *s)
{
	tu_source(s, "json-stat");
	s->column[FIELD_GEO] = xstrdup("geo");
	s->column[FIELD_PERIOD] = xstrdup("time");
	s->constant[FIELD_MEASURE] = xstrdup("population");
	s->constant[FIELD_UNIT] = xstrdup("persons");
}

static char *
run(struct source_config *s, const char *text, struct problems *p)
{
	memset(p, 0, sizeof(*p));
	char *got = tu_parse(jsonstat_format_parse, s, text, strlen(text), p);

	tu_check_spans(text, strlen(text), got);
	return got;
}

/* Dense values, status as an array, index as an object and as an array,
 * a single-category dimension given only by its label. */
static const char dense[] =
        "{\"version\": \"2.0\", \"class\": \"dataset\",\n"
        " \"id\": [\"sex\", \"geo\", \"time\"], \"size\": [1, 2, 2],\n"
        " \"dimension\": {\n"
        "  \"sex\": {\"category\": {\"label\": {\"T\": \"Total\"}}},\n"
        "  \"geo\": {\"category\": {\"index\": {\"FR\": 1, \"IT\": 0}}},\n"
        "  \"time\": {\"category\": {\"index\": [\"2019\", \"2020\"]}}},\n"
        " \"value\": [59816673, 59641488, 67177636, null],\n"
        " \"status\": [\"b\", null, \"p\", null]}";

START_TEST(test_jsonstat_reads_a_dense_dataset)
{
	struct source_config s;
	struct problems p;
	char *got;

	js_source(&s);
	got = run(&s, dense, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_str_eq(
	        got, "population|IT|2019|59816673|59816673|b||/value/0 "
	             "(sex=T, geo=IT, time=2019)|274+8\n"
	             "population|IT|2020|59641488|59641488|||/value/1 "
	             "(sex=T, geo=IT, time=2020)|284+8\n"
	             "population|FR|2019|67177636|67177636|p||/value/2 "
	             "(sex=T, geo=FR, time=2019)|294+8\n"
	             "population|FR|2020|null|NA|||/value/3 (sex=T, geo=FR, "
	             "time=2020)|304+4\n");
	free(got);
	tu_source_release(&s);
}
END_TEST

/* Eurostat declares the positions no cell has data for: those cells are
 * no observations (FR 2020 above was a missing one). */
START_TEST(test_jsonstat_skips_positions_with_no_data)
{
	static const char doc[] =
	        "{\"version\": \"2.0\", \"class\": \"dataset\",\n"
	        " \"id\": [\"geo\", \"time\"], \"size\": [2, 2],\n"
	        " \"dimension\": {\"geo\": {\"category\": {\"index\": "
	        "[\"FR\", \"IT\"]}},\n"
	        "  \"time\": {\"category\": {\"index\": [\"2019\", "
	        "\"2020\"]}}},\n"
	        " \"value\": [67177636, null, 59816673, null],\n"
	        " \"extension\": {\"positions-with-no-data\": {\"time\": [1], "
	        "\"geo\": []}}}";
	struct source_config s;
	struct problems p;
	char *got, *bad;

	js_source(&s);
	got = run(&s, doc, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_str_eq(got, "population|FR|2019|67177636|67177636|||/value/0 "
	                      "(geo=FR, time=2019)|205+8\n"
	                      "population|IT|2019|59816673|59816673|||/value/2 "
	                      "(geo=IT, time=2019)|221+8\n");
	free(got);
	/* A value where the extension says there is none. */
	bad = xstrdup(doc);
	memcpy(strstr(bad, "null"), "1234", 4);
	tu_expect_problem(
	        jsonstat_format_parse, &s, bad,
	        "src://t:5:22: a value where 'positions-with-no-data' "
	        "says there is none");
	free(bad);
	tu_expect_problem(jsonstat_format_parse, &s,
	                  "{\"id\": [\"geo\", \"time\"], \"size\": [1, 1], "
	                  "\"dimension\": {\"geo\": {\"category\": {\"index\": "
	                  "[\"FR\"]}}, \"time\": {\"category\": {\"index\": "
	                  "[\"2020\"]}}}, \"value\": [1], \"extension\": "
	                  "{\"positions-with-no-data\": {\"geo\": [1]}}}",
	                  "src://t:1:202: a position with no data must be a "
	                  "category position of its dimension");
	tu_expect_problem(jsonstat_format_parse, &s,
	                  "{\"id\": [\"geo\", \"time\"], \"size\": [1, 1], "
	                  "\"dimension\": {\"geo\": {\"category\": {\"index\": "
	                  "[\"FR\"]}}, \"time\": {\"category\": {\"index\": "
	                  "[\"2020\"]}}}, \"value\": [1], \"extension\": "
	                  "{\"positions-with-no-data\": {\"sex\": [0]}}}",
	                  "src://t:1:201: 'positions-with-no-data' names a "
	                  "dimension the dataset does not have");
	tu_source_release(&s);
}
END_TEST

/* Sparse values and status inside a collection of two datasets. */
static const char collection[] =
        "{\"version\": \"2.0\", \"class\": \"collection\", \"link\": "
        "{\"item\": [\n"
        " {\"class\": \"dataset\", \"label\": \"other\", \"id\": [\"geo\"], "
        "\"size\": [1],\n"
        "  \"dimension\": {\"geo\": {\"category\": {\"index\": [\"DE\"]}}}, "
        "\"value\": [1]},\n"
        " {\"class\": \"dataset\", \"label\": \"population\",\n"
        "  \"id\": [\"geo\", \"time\"], \"size\": [2, 3],\n"
        "  \"dimension\": {\"geo\": {\"category\": {\"index\": [\"DE\", "
        "\"FR\"]}},\n"
        "   \"time\": {\"category\": {\"index\": [\"2019\", \"2020\", "
        "\"2021\"]}}},\n"
        "  \"value\": {\"5\": 67439599, \"0\": 83019213},\n"
        "  \"status\": {\"5\": \"p\"}}]}}";

START_TEST(test_jsonstat_reads_sparse_values_in_a_collection)
{
	struct source_config s;
	struct problems p;
	char *got;

	js_source(&s);
	got = run(&s, collection, &p);
	ck_assert_int_eq(p.total, 1);
	ck_assert_str_eq(p.msg[0], "src://t:1:1: 2 datasets; name one with "
	                           "'dataset'");
	problems_release(&p);
	free(got);
	s.dataset = xstrdup("population");
	got = run(&s, collection, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_msg(strstr(got, "population|FR|2021|67439599|67439599|p||"
	                          "/value/5 (geo=FR, time=2021)") != NULL,
	              "%s", got);
	ck_assert_msg(strstr(got, "population|DE|2019|83019213|83019213|||"
	                          "/value/0 (geo=DE, time=2019)") != NULL,
	              "%s", got);
	free(got);
	tu_source_release(&s);
}
END_TEST

static const struct {
	const char *doc;
	const char *problem;
} bad[] = {
        {"{\"id\": [\"geo\", \"time\", \"sex\"], \"size\": [1, 1, 2], "
         "\"dimension\": {\"geo\": {\"category\": {\"index\": [\"DE\"]}}, "
         "\"time\": {\"category\": {\"index\": [\"2020\"]}}, \"sex\": "
         "{\"category\": {\"index\": [\"F\", \"M\"]}}}, \"value\": [1, 2]}",
         "src://t: dimension 'sex' is neither mapped nor filtered and has "
         "several categories ('F', 'M'): rows differing in it would be "
         "merged"},
        {"{\"id\": [\"geo\", \"time\"], \"size\": [1, 2], \"dimension\": "
         "{\"geo\": {\"category\": {\"index\": [\"DE\"]}}, \"time\": "
         "{\"category\": {\"index\": [\"2019\", \"2020\"]}}}, \"value\": [1]}",
         "src://t:1:156: value array does not match the product of the sizes"},
        {"{\"id\": [\"geo\", \"time\"], \"size\": [1, 1], \"dimension\": "
         "{\"geo\": {\"category\": {\"index\": [\"DE\"]}}, \"time\": "
         "{\"category\": {\"index\": [\"2020\"]}}}, \"value\": {\"7\": 1}}",
         "src://t:1:154: value key is not a cell index"},
        {"{\"id\": [\"geo\", \"time\"], \"size\": [1, 2], \"dimension\": "
         "{\"geo\": {\"category\": {\"index\": [\"DE\"]}}, \"time\": "
         "{\"category\": {\"index\": {\"2019\": 0, \"2020\": 0}}}}, "
         "\"value\": [1, 2]}",
         "src://t:1:146: category position out of range or repeated"},
        {"{\"id\": [\"geo\"], \"size\": [1e9], \"dimension\": {}, \"value\": "
         "[]}",
         "src://t:1:26: a dimension id must be a string and its size a "
         "positive integer"},
        /* Beyond size_t: the cast came before the range check (fuzzing). */
        {"{\"id\": [\"geo\"], \"size\": [8.9e50], \"dimension\": {}, "
         "\"value\": []}",
         "src://t:1:26: a dimension id must be a string and its size a "
         "positive integer"},
        {"{\"class\": \"collection\"}",
         "src://t:1:1: no JSON-stat dataset (the root is not one, and no "
         "member or link item has \"class\": \"dataset\")"},
        {"[1, 2", "src://t:1:5: invalid JSON"},
};

START_TEST(test_jsonstat_reports_problems_with_their_place)
{
	struct source_config s;

	js_source(&s);
	tu_expect_problem(jsonstat_format_parse, &s, bad[_i].doc,
	                  bad[_i].problem);
	tu_source_release(&s);
}
END_TEST

/* geo|period|value|flags of every line, sorted, for comparison. */
static char *
essence(const char *lines)
{
	char *copy = xstrdup(lines), *line, *save = NULL, *out = xstrdup("");
	char *rows[64];
	size_t n = 0, i;

	for (line = copy; line && *line && n < 64; n++) {
		char *nl = strchr(line, '\n'), *f[9];
		size_t k;

		*nl = '\0';
		f[0] = line;
		for (k = 1; k < 9; k++) {
			f[k] = strchr(f[k - 1], '|');
			*f[k]++ = '\0';
		}
		rows[n] = xasprintf("%s|%s|%s|%s", f[1], f[2], f[4], f[5]);
		line = nl + 1;
	}
	(void)save;
	for (i = 0; i < n; i++) {
		size_t j;

		for (j = i + 1; j < n; j++) {
			if (strcmp(rows[j], rows[i]) < 0) {
				char *t = rows[i];

				rows[i] = rows[j];
				rows[j] = t;
			}
		}
	}
	for (i = 0; i < n; i++) {
		char *t = xasprintf("%s%s\n", out, rows[i]);

		free(out);
		free(rows[i]);
		out = t;
	}
	free(copy);
	return out;
}

START_TEST(test_the_same_numbers_through_three_formats)
{
	static const char tsv[] = "indic_de,geo\\time\t2019 \t2020 \n"
	                          "JAN,FR\t67177636 p\t67320216 p\n"
	                          "JAN,IT\t59816673 b\t59641488 \n"
	                          "JAN,UK\t66647112 \t: \n";
	static const char sdmx[] =
	        "DATAFLOW,LAST UPDATE,freq,indic_de,geo,TIME_PERIOD,OBS_VALUE,"
	        "OBS_FLAG\n"
	        "ESTAT:TPS00001(1.0),17/03/21,A,JAN,FR,2019,67177636,p\n"
	        "ESTAT:TPS00001(1.0),17/03/21,A,JAN,FR,2020,67320216,p\n"
	        "ESTAT:TPS00001(1.0),17/03/21,A,JAN,IT,2019,59816673,b\n"
	        "ESTAT:TPS00001(1.0),17/03/21,A,JAN,IT,2020,59641488,\n"
	        "ESTAT:TPS00001(1.0),17/03/21,A,JAN,UK,2019,66647112,\n"
	        "ESTAT:TPS00001(1.0),17/03/21,A,JAN,UK,2020,:,\n";
	static const char js[] =
	        "{\"version\": \"2.0\", \"class\": \"dataset\", \"id\": "
	        "[\"indic_de\", \"geo\", \"time\"], \"size\": [1, 3, 2], "
	        "\"dimension\": {\"indic_de\": {\"category\": {\"index\": "
	        "[\"JAN\"]}}, \"geo\": {\"category\": {\"index\": [\"FR\", "
	        "\"IT\", \"UK\"]}}, \"time\": {\"category\": {\"index\": "
	        "[\"2019\", \"2020\"]}}}, \"value\": {\"0\": 67177636, \"1\": "
	        "67320216, \"2\": 59816673, \"3\": 59641488, \"4\": 66647112, "
	        "\"5\": null}, \"status\": {\"0\": \"p\", \"1\": \"p\", \"2\": "
	        "\"b\"}}";
	struct source_config a, b, c;
	struct problems p;
	char *r1, *r2, *r3, *e1, *e2, *e3;

	tu_source(&a, "eurostat-tsv");
	a.column[FIELD_GEO] = xstrdup("geo");
	a.constant[FIELD_MEASURE] = xstrdup("population");
	a.constant[FIELD_UNIT] = xstrdup("persons");
	a.filter = xcalloc(1, sizeof(*a.filter));
	a.filter[0].name = xstrdup("indic_de");
	a.filter[0].value = xstrdup("JAN");
	a.nfilter = 1;
	tu_source(&b, "sdmx-csv");
	b.column[FIELD_GEO] = xstrdup("geo");
	b.column[FIELD_PERIOD] = xstrdup("TIME_PERIOD");
	b.column[FIELD_VALUE] = xstrdup("OBS_VALUE");
	b.column[FIELD_FLAGS] = xstrdup("OBS_FLAG");
	b.constant[FIELD_MEASURE] = xstrdup("population");
	b.constant[FIELD_UNIT] = xstrdup("persons");
	js_source(&c);

	memset(&p, 0, sizeof(p));
	r1 = tu_parse(tsv_format_parse, &a, tsv, strlen(tsv), &p);
	r2 = tu_parse(csv_format_parse, &b, sdmx, strlen(sdmx), &p);
	r3 = tu_parse(jsonstat_format_parse, &c, js, strlen(js), &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	e1 = essence(r1);
	e2 = essence(r2);
	e3 = essence(r3);
	ck_assert_str_eq(e1, "FR|2019|67177636|p\nFR|2020|67320216|p\n"
	                     "IT|2019|59816673|b\nIT|2020|59641488|\n"
	                     "UK|2019|66647112|\nUK|2020|NA|\n");
	ck_assert_str_eq(e2, e1);
	ck_assert_str_eq(e3, e1);
	free(r1);
	free(r2);
	free(r3);
	free(e1);
	free(e2);
	free(e3);
	tu_source_release(&a);
	tu_source_release(&b);
	tu_source_release(&c);
}
END_TEST

Suite *
jsonstat_format_suite(void)
{
	Suite *s = suite_create("jsonstat_format");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_jsonstat_reads_a_dense_dataset);
	tcase_add_test(tc, test_jsonstat_skips_positions_with_no_data);
	tcase_add_test(tc, test_jsonstat_reads_sparse_values_in_a_collection);
	tcase_add_loop_test(tc, test_jsonstat_reports_problems_with_their_place,
	                    0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_the_same_numbers_through_three_formats);
	suite_add_tcase(s, tc);
	return s;
}
