/* Tests for json_format: records by JSON pointer, fields by name. */
#define PROVSTAT_TESTUTIL_FORMATS
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "normalize/json_format.h"
#include "testutil.h"

static void
rec_source(struct source_config *s)
{
	tu_source(s, "json");
	s->records = xstrdup("/data/rows");
	s->column[FIELD_GEO] = xstrdup("country");
	s->column[FIELD_PERIOD] = xstrdup("year");
	s->column[FIELD_VALUE] = xstrdup("/counts/reports");
	s->constant[FIELD_MEASURE] = xstrdup("m");
	s->constant[FIELD_UNIT] = xstrdup("reports");
}

static char *
run(struct source_config *s, const char *text, struct problems *p)
{
	memset(p, 0, sizeof(*p));
	char *got = tu_parse(json_format_parse, s, text, strlen(text), p);

	tu_check_spans(text, strlen(text), got);
	return got;
}

START_TEST(test_json_format_reads_records_with_exact_literals)
{
	struct source_config s;
	struct problems p;
	char *got;

	rec_source(&s);
	got = run(&s,
	          "{\"data\": {\"rows\": [\n"
	          "  {\"country\": \"Malta\", \"year\": 2021, \"counts\": "
	          "{\"reports\": 750.50}},\n"
	          "  {\"country\": \"Cyprus\", \"year\": \"2021\", \"counts\": "
	          "{\"reports\": \"2,657\"}},\n"
	          "  {\"country\": \"Latvia\", \"year\": 2021, \"counts\": "
	          "{\"reports\": null}}\n"
	          "]}}",
	          &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_str_eq(got, "m|Malta|2021|750.50|750.5|||/data/rows/0/counts/"
	                      "reports|79+6\n"
	                      "m|Cyprus|2021|2,657|2657|||/data/rows/1/counts/"
	                      "reports|151+7\n"
	                      "m|Latvia|2021||NA|||/data/rows/2/counts/reports|"
	                      "222+4\n");
	free(got);
	tu_source_release(&s);
}
END_TEST

static const struct {
	const char *doc;
	const char *problem;
} bad[] = {
        {"{\"data\": {\"rows\": {}}}",
         "src://t: '/data/rows' is not an array of records"},
        {"{\"data\": {\"rows\": [1]}}",
         "/data/rows/0: a record must be an object"},
        {"{\"data\": {\"rows\": [{\"country\": \"MT\", \"year\": 2021}]}}",
         "/data/rows/0: field '/counts/reports' (for value) is missing"},
        {"{\"data\": {\"rows\": [{\"country\": [], \"year\": 2021, "
         "\"counts\": {\"reports\": 1}}]}}",
         "/data/rows/0: field 'country' (for geo) is not a string or number"},
        {"{\"data\": {\"rows\": [{\"country\": \"MT\", \"country\": \"CY\"}]}}",
         "src://t:1:38: duplicate key 'country'"},
        {"{\"data\": {\"rows\": [{\"n\": 9007199254740993}]}}",
         "src://t:1:26: integer beyond 2^53 cannot be kept exactly"},
        {"{\"data\": {\"rows\": [{\"n\": 1e400}]}}",
         "src://t:1:26: number is not finite"},
        {"{\"data\": {\"rows\": [{\"country\": \"M\\u0000T\"}]}}",
         "src://t:1:34: string contains '\\u0000', which would truncate it"},
        {"{\"data\": 1} {}",
         "src://t:1:13: trailing data after the JSON value"},
};

START_TEST(test_json_format_reports_problems_with_their_place)
{
	struct source_config s;

	rec_source(&s);
	tu_expect_problem(json_format_parse, &s, bad[_i].doc, bad[_i].problem);
	tu_source_release(&s);
}
END_TEST

START_TEST(test_json_format_caps_the_document)
{
	struct source_config s;
	struct problems p;
	char *got;

	rec_source(&s);
	s.max_bytes = 10;
	got = run(&s, "{\"data\": {\"rows\": []}}", &p);
	ck_assert_int_eq(p.total, 1);
	ck_assert_str_eq(p.msg[0], "'src://t': larger than the limit of 10 "
	                           "bytes");
	problems_release(&p);
	free(got);
	tu_source_release(&s);
}
END_TEST

Suite *
json_format_suite(void)
{
	Suite *s = suite_create("json_format");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_json_format_reads_records_with_exact_literals);
	tcase_add_loop_test(tc,
	                    test_json_format_reports_problems_with_their_place,
	                    0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_json_format_caps_the_document);
	suite_add_tcase(s, tc);
	return s;
}
