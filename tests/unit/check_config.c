/* Tests for config: a valid configuration loads; every error names the
 * file, the line and column, and the key. */
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/format.h"
#include "common/xalloc.h"
#include "normalize/normalize.h"
#include "testutil.h"

static char *dir;

static const char provstat_json[] =
        "{\n"
        "  \"provstat\": 1,\n"
        "  \"sources_dir\": \"sources\",\n"
        "  \"indicators\": \"indicators.json\",\n"
        "  \"geo\": {\"iso_codes\": "
        "\"/usr/share/iso-codes/json/iso_3166-1.json\", \"aliases\": "
        "\"geo/aliases.json\"}\n"
        "}\n";

static const char source_json[] =
        "{\n"
        "  \"id\": \"src-a\",\n"
        "  \"publisher\": \"P\",\n"
        "  \"title\": \"T\",\n"
        "  \"url\": \"file:../doc.csv\",\n"
        "  \"format\": \"csv\",\n"
        "  \"licence\": \"L\",\n"
        "  \"citation\": \"C\",\n"
        "  \"grade\": \"publisher\",\n"
        "  \"columns\": {\"geo\": \"country\", \"period\": \"year\", "
        "\"value\": \"n\"},\n"
        "  \"constant\": {\"measure\": \"m\", \"unit\": \"reports\"}\n"
        "}\n";

static const char indicators_json[] =
        "{\n"
        "  \"version\": \"1\",\n"
        "  \"indicators\": [{\"id\": \"ind\", \"title\": \"T\", \"unit\": "
        "\"reports\", \"definition\": \"D\"}],\n"
        "  \"crosswalk\": [{\"source\": \"src-a\", \"measure\": \"m\", "
        "\"indicator\": \"ind\"}]\n"
        "}\n";

static void
setup(void)
{
	dir = tu_tmpdir();
	free(tu_write(dir, "provstat.json", provstat_json));
	free(tu_write(dir, "sources/a.json", source_json));
	free(tu_write(dir, "indicators.json", indicators_json));
	free(tu_write(dir, "geo/aliases.json", "{\"version\": \"1\"}"));
	free(tu_write(dir, "doc.csv", "country,year,n\n"));
}

static void
teardown(void)
{
	tu_rmrf(dir);
	free(dir);
}

/* Replaces the first occurrence of from with to in dir/name. */
static void
edit(const char *name, const char *from, const char *to)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *text = tu_read(path), *at = strstr(text, from), *out;

	ck_assert_msg(at != NULL, "'%s' not in %s", from, name);
	out = xasprintf("%.*s%s%s", (int)(at - text), text, to,
	                at + strlen(from));
	free(tu_write(dir, name, out));
	free(out);
	free(text);
	free(path);
}

/* Loads and expects failure with "<dir>/<msg>". */
static void
expect_error(const char *msg)
{
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	char *want = xasprintf("%s/%s", dir, msg);

	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_ptr_null(cfg);
	ck_assert_msg(strcmp(err.msg, want) == 0, "got  '%s'\nwant '%s'",
	              err.msg, want);
	free(want);
	free(path);
}

START_TEST(test_config_loads_a_valid_configuration)
{
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	const struct source_config *s;

	ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cfg->nsources, 1);
	s = config_source(cfg, "src-a");
	ck_assert_ptr_nonnull(s);
	ck_assert(s->is_file);
	ck_assert(strncmp(s->fetch_url, "file:///", 8) == 0);
	ck_assert(strstr(s->fetch_url, "/doc.csv") != NULL);
	ck_assert_str_eq(s->column[FIELD_GEO], "country");
	ck_assert_str_eq(s->constant[FIELD_UNIT], "reports");
	ck_assert_int_eq(s->csv.delimiter, ',');
	ck_assert_int_eq(s->number.decimal, '.');
	ck_assert_int_eq(cfg->keep_releases, 10);
	ck_assert_int_eq(cfg->ncrosswalk, 1);
	ck_assert(tu_is_sha256_hex(cfg->hash));
	ck_assert(tu_is_sha256_hex(s->hash));
	ck_assert_ptr_nonnull(config_indicator(cfg, "ind"));
	ck_assert_ptr_null(config_indicator(cfg, "nope"));
	config_free(cfg);
	free(path);
}
END_TEST

START_TEST(test_config_rejects_unknown_format)
{
	edit("sources/a.json", "\"csv\"", "\"xlsx\"");
	expect_error("sources/a.json:6:13: 'format': unknown format 'xlsx'");
}
END_TEST

START_TEST(test_config_rejects_unknown_key)
{
	edit("sources/a.json", "\"title\"", "\"titel\"");
	expect_error("sources/a.json:4:3: 'titel': unknown key in a source");
}
END_TEST

START_TEST(test_config_rejects_missing_key)
{
	edit("sources/a.json", "\"citation\": \"C\",", "");
	expect_error("sources/a.json:1:1: 'citation': required key is missing");
}
END_TEST

START_TEST(test_config_rejects_path_traversal_in_ids)
{
	edit("sources/a.json", "\"src-a\"", "\"../../etc\"");
	expect_error("sources/a.json:2:9: 'id': '../../etc' is not a valid id "
	             "(lowercase letters, digits, '.', '_', '-'; at most 64)");
}
END_TEST

START_TEST(test_config_rejects_duplicate_source_ids)
{
	char *a = xasprintf("%s/sources/a.json", dir);
	char *b = xasprintf("%s/sources/b.json", dir);
	char *want =
	        xasprintf("%s: duplicate source id 'src-a' (also in %s)", b, a);
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);

	free(tu_write(dir, "sources/b.json", source_json));
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_str_eq(err.msg, want);
	free(a);
	free(b);
	free(want);
	free(path);
}
END_TEST

START_TEST(test_config_rejects_credentials_in_urls)
{
	edit("sources/a.json", "file:../doc.csv",
	     "https://user:secret@example.org/x.csv");
	expect_error("sources/a.json:5:10: 'url': credentials in URLs are not "
	             "allowed");
}
END_TEST

START_TEST(test_config_rejects_unsupported_schemes)
{
	edit("sources/a.json", "file:../doc.csv", "gopher://example.org/x");
	expect_error("sources/a.json:5:10: 'url': unsupported URL scheme in "
	             "'gopher://example.org/x' (https, http or file)");
}
END_TEST

START_TEST(test_config_rejects_remote_file_urls)
{
	edit("sources/a.json", "file:../doc.csv", "file://host/doc.csv");
	expect_error("sources/a.json:5:10: 'url': file URLs must be local "
	             "(file:///path or file:relative)");
}
END_TEST

START_TEST(test_config_rejects_unknown_grade)
{
	edit("sources/a.json", "\"publisher\",\n  \"columns\"",
	     "\"rumour\",\n  \"columns\"");
	expect_error("sources/a.json:9:12: 'grade': unknown evidence grade "
	             "'rumour' (publisher, press, report, unpublished)");
}
END_TEST

START_TEST(test_config_rejects_unmapped_field)
{
	edit("sources/a.json", "\"unit\": \"reports\"", "\"x\": \"y\"");
	expect_error("sources/a.json:11:32: 'x': unknown key in 'constant'");
}
END_TEST

START_TEST(test_config_rejects_crosswalk_to_unknown_indicator)
{
	edit("indicators.json", "\"indicator\": \"ind\"",
	     "\"indicator\": \"gone\"");
	expect_error("indicators.json:4:66: 'indicator': no indicator 'gone' "
	             "is defined");
}
END_TEST

/* Derived indicators: each bad declaration and the message it gets. */
static const struct {
	const char *derived;
	const char *msg;
} bad_derived[] = {
        {"{\"op\": \"mean\", \"of\": \"ind\"}",
         "'op': must be \"sum\", \"change\", \"rate\", \"difference\", "
         "\"highest\" or \"aggregate\""},
        {"{\"op\": \"sum\", \"of\": \"later\", \"geo\": \"EU\", "
         "\"members\": [\"AT\"]}",
         "'of': 'later' must be an indicator defined above this one"},
        {"{\"op\": \"sum\", \"of\": \"d\", \"geo\": \"EU\", "
         "\"members\": [\"AT\"]}",
         "'of': 'd' must be an indicator defined above this one"},
        {"{\"op\": \"sum\", \"of\": \"ind\", \"geo\": \"EU\", "
         "\"members\": []}",
         "'members': must be a non-empty array of strings"},
        {"{\"op\": \"sum\", \"of\": \"ind\", \"members\": [\"AT\"]}",
         "'geo': required key is missing"},
        {"{\"op\": \"change\", \"of\": \"ind\", \"periods\": "
         "[[\"2019\"]], \"as\": \"percent\"}",
         "'periods': each must be a pair [\"from\", \"to\"] of periods"},
        {"{\"op\": \"change\", \"of\": \"ind\", \"periods\": "
         "[[\"2019\", \"2020\"]], \"as\": \"share\"}",
         "'as': must be \"percent\", \"ratio\" or \"absolute\""},
        {"{\"op\": \"rate\", \"of\": \"ind\", \"per\": 0, "
         "\"population\": \"popn\", \"population_snapshot\": "
         "\"0123456789ab\"}",
         "'per': must be a positive number (100000)"},
        {"{\"op\": \"rate\", \"of\": \"ind\", \"per\": 100000, "
         "\"population\": \"popn\", \"population_snapshot\": \"abc\"}",
         "'population_snapshot': must be 12 to 64 lowercase hex digits of "
         "the pinned document's sha256"},
        {"{\"op\": \"rate\", \"of\": \"ind\", \"per\": 100000, "
         "\"population\": \"popn\", \"population_snapshot\": "
         "\"0123456789AB\"}",
         "'population_snapshot': must be 12 to 64 lowercase hex digits of "
         "the pinned document's sha256"},
        {"{\"op\": \"sum\", \"of\": \"ind\", \"geo\": \"EU\", "
         "\"members\": [\"AT\"], \"weights\": [1]}",
         "'weights': unknown key in 'derived'"},
        {"{\"op\": \"rate\", \"of\": \"ind\", \"per\": 100000, "
         "\"population\": \"ind\", \"population_snapshot\": "
         "\"0123456789ab\"}",
         "'population': 'ind' must be declared \"kind\": \"stock\" (a rate "
         "divides a flow by a stock)"},
        {"{\"op\": \"rate\", \"of\": \"popn\", \"per\": 100000, "
         "\"population\": \"popn\", \"population_snapshot\": "
         "\"0123456789ab\"}",
         "'of': 'popn' is a stock; a rate divides a flow by a stock"},
        {"{\"op\": \"aggregate\", \"of\": \"popn\", \"to\": \"quarter\"}",
         "'of': 'popn' is a stock: summing its periods means nothing"},
        {"{\"op\": \"aggregate\", \"of\": \"ind\", \"to\": \"week\"}",
         "'to': must be \"quarter\" or \"year\""},
        {"{\"op\": \"highest\", \"of\": \"ind\"}",
         "'last': required key is missing"},
        {"{\"op\": \"highest\", \"of\": \"ind\", \"last\": 1}",
         "'last': must be between 2 and 1200"},
};

START_TEST(test_config_rejects_bad_derived_indicators)
{
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	char *ind = xasprintf("\"definition\": \"D\"}, {\"id\": \"popn\", "
	                      "\"title\": \"P\", \"unit\": \"persons\", "
	                      "\"kind\": \"stock\", \"definition\": \"D\"}, "
	                      "{\"id\": \"d\", "
	                      "\"title\": \"T\", \"unit\": \"u\", "
	                      "\"definition\": \"D\", \"derived\": %s}, "
	                      "{\"id\": \"later\", \"title\": \"T\", "
	                      "\"unit\": \"u\", \"definition\": \"D\"}]",
	                      bad_derived[_i].derived);

	edit("indicators.json", "\"definition\": \"D\"}]", ind);
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_msg(strstr(err.msg, bad_derived[_i].msg) != NULL,
	              "got  '%s'\nwant '...%s'", err.msg, bad_derived[_i].msg);
	ck_assert_msg(strstr(err.msg, "indicators.json:") != NULL,
	              "no position in '%s'", err.msg);
	free(ind);
	free(path);
}
END_TEST

START_TEST(test_config_reads_derived_indicators)
{
	struct config *cfg = NULL;
	struct error err;
	const struct indicator_config *d;
	char *path = xasprintf("%s/provstat.json", dir);

	edit("indicators.json", "\"definition\": \"D\"}]",
	     "\"definition\": \"D\"}, {\"id\": \"chg\", \"title\": "
	     "\"T\", \"unit\": \"percent\", \"definition\": \"D\", "
	     "\"derived\": {\"op\": \"change\", \"of\": \"ind\", "
	     "\"periods\": [[\"2019\", \"2020\"], [\"2020\", \"2021\"]], "
	     "\"as\": \"percent\"}}]");
	ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s", err.msg);
	d = config_indicator(cfg, "chg");
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->derived.op, DERIVED_CHANGE);
	ck_assert_str_eq(d->derived.of, "ind");
	ck_assert_uint_eq(d->derived.npairs, 2);
	ck_assert_str_eq(d->derived.from[1], "2020");
	ck_assert_str_eq(d->derived.to[1], "2021");
	ck_assert_int_eq(d->derived.as, CHANGE_PERCENT);
	ck_assert_int_eq(config_indicator(cfg, "ind")->derived.op,
	                 DERIVED_NONE);
	config_free(cfg);
	free(path);
}
END_TEST

START_TEST(test_config_rejects_crosswalk_to_derived_indicator)
{
	edit("indicators.json", "\"definition\": \"D\"}]",
	     "\"definition\": \"D\"}, {\"id\": \"s\", \"title\": \"T\", "
	     "\"unit\": \"u\", \"definition\": \"D\", \"derived\": "
	     "{\"op\": \"sum\", \"of\": \"ind\", \"geo\": \"EU\", "
	     "\"members\": [\"AT\"]}}]");
	edit("indicators.json", "\"indicator\": \"ind\"",
	     "\"indicator\": \"s\"");
	expect_error("indicators.json:4:66: 'indicator': 's' is derived; no "
	             "source maps to it");
}
END_TEST

START_TEST(test_config_reads_and_checks_conversions)
{
	static const struct {
		const char *convert, *msg;
	} bad[] = {
	        {"{\"from\": \"thousand\"}",
	         "'factor': must be a positive number"},
	        {"{\"from\": \"thousand\", \"factor\": 0}",
	         "'factor': must be a positive number"},
	        {"{\"from\": \"thousand\", \"factor\": \"1000\"}",
	         "'factor': must be a positive number"},
	        {"{\"factor\": 1000}", "'from': required key is missing"},
	        {"1000", "'convert': must be an object"},
	        {"{\"from\": \"k\", \"factor\": 1000, \"offset\": 1}",
	         "'offset': unknown key in 'convert'"},
	};
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	char *with = xasprintf("\"indicator\": \"ind\", \"convert\": %s",
	                       _i < 6 ? bad[_i].convert
	                              : "{\"from\": \"thousand reports\", "
	                                "\"factor\": 1000}");

	edit("indicators.json", "\"indicator\": \"ind\"", with);
	if (_i < 6) {
		ck_assert_int_eq(config_load(&cfg, path, &err), -1);
		ck_assert_msg(strstr(err.msg, bad[_i].msg) != NULL,
		              "got  '%s'\nwant '...%s'", err.msg, bad[_i].msg);
	} else {
		ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s",
		              err.msg);
		ck_assert_str_eq(cfg->crosswalk[0].convert_from,
		                 "thousand reports");
		ck_assert(cfg->crosswalk[0].factor == 1000);
		config_free(cfg);
	}
	free(with);
	free(path);
}
END_TEST

START_TEST(test_config_reads_records_as_pointer_or_path)
{
	static const struct {
		const char *records, *pointer, *msg;
	} cases[] = {
	        {"/data/rows", "/data/rows", NULL},
	        {"", "", NULL},
	        {"data.rows", "/data/rows", NULL},
	        {"data.0.rows", "/data/0/rows", NULL},
	        {"a~b.c/d", "/a~0b/c~1d", NULL},
	        {".data", NULL, "'records': must be a JSON pointer"},
	        {"data..rows", NULL, "'records': must be a JSON pointer"},
	        {"data.", NULL, "'records': must be a JSON pointer"},
	};
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	char *with = xasprintf("\"format\": \"json\",\n  \"records\": \"%s\",",
	                       cases[_i].records);

	edit("sources/a.json", "\"format\": \"csv\",", with);
	if (!cases[_i].msg) {
		ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s",
		              err.msg);
		ck_assert_str_eq(config_source(cfg, "src-a")->records,
		                 cases[_i].pointer);
		config_free(cfg);
	} else {
		ck_assert_int_eq(config_load(&cfg, path, &err), -1);
		ck_assert_msg(strstr(err.msg, cases[_i].msg) != NULL, "%s",
		              err.msg);
	}
	free(with);
	free(path);
}
END_TEST

START_TEST(test_config_rejects_bad_ranges)
{
	static const char *const bad[] = {"[5, 1]", "[1]", "[\"1\", 2]",
	                                  "{\"min\": 1}"};
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	char *with =
	        xasprintf("\"definition\": \"D\", \"range\": %s}]", bad[_i]);

	edit("indicators.json", "\"definition\": \"D\"}]", with);
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_msg(strstr(err.msg, "'range': must be [min, max], two "
	                              "numbers with min <= max") != NULL,
	              "%s: got '%s'", bad[_i], err.msg);
	free(with);
	free(path);
}
END_TEST

/* A range is part of what a parse of the source depends on. */
START_TEST(test_config_range_changes_the_source_hash)
{
	struct config *a = NULL, *b = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);

	ck_assert_int_eq(config_load(&a, path, &err), 0);
	edit("indicators.json", "\"definition\": \"D\"}]",
	     "\"definition\": \"D\", \"range\": [0, 100]}]");
	ck_assert_msg(config_load(&b, path, &err) == 0, "%s", err.msg);
	ck_assert_str_ne(a->sources[0].hash, b->sources[0].hash);
	ck_assert_int_eq(config_indicator(b, "ind")->has_range, 1);
	ck_assert(config_indicator(b, "ind")->range_max == 100);
	config_free(a);
	config_free(b);
	free(path);
}
END_TEST

static const struct {
	const char *conflict;
	const char *msg;
} bad_conflict[] = {
        {"{\"prefer\": [\"src-a\", \"gone\"]}",
         "'prefer': no source 'gone' is configured"},
        {"{\"prefer\": [\"src-a\", \"src-a\"]}",
         "'prefer': 'src-a' is listed twice"},
        {"{\"prefer\": []}", "'prefer': must be a non-empty array of strings"},
        {"{\"prefer\": [\"src-a\"], \"tolerance\": 5}",
         "'tolerance': must be a fraction from 0 to 1 (0.01 is 1%)"},
        {"{\"prefer\": [\"src-a\"], \"tolerance\": -0.1}",
         "'tolerance': must be a fraction from 0 to 1 (0.01 is 1%)"},
        {"{\"prefer\": [\"src-a\"], \"exceed\": \"warn\"}",
         "'exceed': must be \"flag\" or \"fail\""},
        {"{\"prefer\": [\"src-a\"], \"priority\": 1}",
         "'priority': unknown key in 'conflict'"},
        {"{\"rule\": \"prefer\"}",
         "'prefer': must be a non-empty array of strings"},
        {"{\"tolerance\": 0.1}",
         "'prefer': must be a non-empty array of strings"},
        {"{\"rule\": \"latest\"}",
         "'rule': must be \"prefer\", \"exact-over-rounded\" or "
         "\"newest\""},
        {"{\"rule\": \"newest\", \"prefer\": []}",
         "'prefer': must be a non-empty array of strings"},
};

START_TEST(test_config_reads_conflict_rules)
{
	static const struct {
		const char *conflict;
		enum conflict_rule rule;
		size_t nprefer;
	} good[] = {
	        {"{\"prefer\": [\"src-a\"]}", CONFLICT_PREFER, 1},
	        {"{\"rule\": \"exact-over-rounded\"}", CONFLICT_EXACT, 0},
	        {"{\"rule\": \"newest\", \"prefer\": [\"src-a\"]}",
	         CONFLICT_NEWEST, 1},
	};
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	char *with = xasprintf("\"definition\": \"D\", \"conflict\": %s}]",
	                       good[_i].conflict);
	const struct indicator_config *ind;

	edit("indicators.json", "\"definition\": \"D\"}]", with);
	ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s", err.msg);
	ind = config_indicator(cfg, "ind");
	ck_assert(ind->conflict.declared);
	ck_assert_int_eq(ind->conflict.rule, good[_i].rule);
	ck_assert_uint_eq(ind->conflict.nprefer, good[_i].nprefer);
	config_free(cfg);
	free(with);
	free(path);
}
END_TEST

START_TEST(test_config_rejects_bad_conflict_policies)
{
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	char *with = xasprintf("\"definition\": \"D\", \"conflict\": %s}]",
	                       bad_conflict[_i].conflict);

	edit("indicators.json", "\"definition\": \"D\"}]", with);
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_msg(strstr(err.msg, bad_conflict[_i].msg) != NULL,
	              "got  '%s'\nwant '...%s'", err.msg, bad_conflict[_i].msg);
	free(with);
	free(path);
}
END_TEST

/* The claims file: each claim tests one value of a known indicator. */
static const struct {
	const char *claim; /* the one claim, or NULL for the source key */
	const char *msg; /* NULL: loads */
} claim_cases[] = {
        {"{\"id\": \"c1\", \"says\": \"+5%\", \"where\": \"p\", \"value\": 5, "
         "\"test\": {\"indicator\": \"ind\", \"geo\": \"FR\", \"period\": "
         "\"2020\"}, \"tolerance\": 0.01}",
         NULL},
        {"{\"id\": \"c1\", \"says\": \"s\", \"where\": \"p\", \"value\": 5, "
         "\"test\": {\"indicator\": \"nope\", \"geo\": \"FR\", \"period\": "
         "\"2020\"}}",
         "'indicator': no indicator 'nope' is defined"},
        {"{\"id\": \"c1\", \"says\": \"s\", \"where\": \"p\", \"test\": "
         "{\"indicator\": \"ind\", \"geo\": \"FR\", \"period\": \"2020\"}}",
         "'value': needs 'value' (the figure the report states) or 'equals' "
         "(a value of the release)"},
        {"{\"id\": \"c1\", \"says\": \"s\", \"where\": \"p\", \"value\": 1, "
         "\"equals\": {\"indicator\": \"ind\", \"geo\": \"FR\", \"period\": "
         "\"2019\"}, \"test\": {\"indicator\": \"ind\", \"geo\": \"FR\", "
         "\"period\": \"2020\"}}",
         "'equals': give 'value' or 'equals', not both"},
        {"{\"id\": \"c1\", \"says\": \"s\", \"where\": \"p\", \"value\": 1, "
         "\"test\": {\"indicator\": \"ind\"}}",
         "'geo': required key is missing (only an unpublished indicator is "
         "named alone)"},
        {"{\"id\": \"c1\", \"says\": \"s\", \"where\": \"p\", \"value\": 1, "
         "\"tolerance\": 2, \"test\": {\"indicator\": \"ind\", \"geo\": "
         "\"FR\", \"period\": \"2020\"}}",
         "'tolerance': must be a fraction from 0 to 1 (0.01 is 1%)"},
        {"{\"id\": \"c1\", \"where\": \"p\", \"value\": 1, \"test\": "
         "{\"indicator\": \"ind\", \"geo\": \"FR\", \"period\": \"2020\"}}",
         "'says': required key is missing"},
        {"{\"id\": \"c1\", \"says\": \"s\", \"where\": \"p\", \"value\": 1, "
         "\"test\": {\"indicator\": \"ind\", \"geo\": \"FR\", \"period\": "
         "\"2020\"}}, {\"id\": \"c1\", \"says\": \"s\", \"where\": \"p\", "
         "\"value\": 1, \"test\": {\"indicator\": \"ind\", \"geo\": \"FR\", "
         "\"period\": \"2020\"}}",
         "'id': duplicate claim 'c1'"},
        {NULL, "'source': no source 'nope' is configured"},
};

START_TEST(test_config_reads_and_checks_claims)
{
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	char *text = xasprintf(
	        "{\"version\": \"1\", \"report\": \"R\", \"source\": \"%s\", "
	        "\"claims\": [%s]}",
	        claim_cases[_i].claim ? "src-a" : "nope",
	        claim_cases[_i].claim ? claim_cases[_i].claim : "");
	int rc;

	free(tu_write(dir, "claims.json", text));
	edit("provstat.json", "\"indicators.json\",",
	     "\"indicators.json\", \"claims\": \"claims.json\",");
	rc = config_load(&cfg, path, &err);
	if (!claim_cases[_i].msg) {
		ck_assert_msg(rc == 0, "%s", err.msg);
		ck_assert_uint_eq(cfg->nclaims, 1);
		ck_assert_str_eq(cfg->claims[0].test.period, "2020");
		ck_assert(cfg->claims[0].has_value);
		ck_assert_str_eq(cfg->claims[0].qualifier, "");
		ck_assert_str_eq(cfg->claims_source, "src-a");
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(strstr(err.msg, "claims.json:") &&
		                      strstr(err.msg, claim_cases[_i].msg),
		              "got  '%s'\nwant '...%s'", err.msg,
		              claim_cases[_i].msg);
	}
	config_free(cfg);
	free(text);
	free(path);
}
END_TEST

/* "transcribed_from": a title, and an original's address only as a URL. */
START_TEST(test_config_reads_and_checks_transcriptions)
{
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	const struct source_config *s;

	edit("sources/a.json", "\"grade\": \"publisher\",",
	     "\"grade\": \"publisher\", \"transcribed_from\": {\"title\": "
	     "\"T\", \"url\": \"https://example.org/t.pdf\", \"where\": "
	     "\"p. 3\"},");
	ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s", err.msg);
	s = config_source(cfg, "src-a");
	ck_assert_str_eq(s->transcribed_from.title, "T");
	ck_assert_str_eq(s->transcribed_from.where, "p. 3");
	ck_assert_ptr_null(s->transcribed_from.seen);
	config_free(cfg);
	cfg = NULL;
	edit("sources/a.json", "https://example.org/t.pdf", "file:../t.pdf");
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_msg(strstr(err.msg, "'url': the original's address must be "
	                              "an http(s) URL"),
	              "%s", err.msg);
	edit("sources/a.json", "\"title\": \"T\", ", "");
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_msg(strstr(err.msg, "'title': required key is missing"), "%s",
	              err.msg);
	free(path);
}
END_TEST

/* "wide": the period and value come from its columns, for csv or an html
 * table only, never mapped as well; the grade of a transcription says
 * so. */
START_TEST(test_config_reads_and_checks_wide_tables)
{
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	const struct source_config *s;

	edit("sources/a.json", "\"period\": \"year\", \"value\": \"n\"", "");
	edit("sources/a.json", "\"country\", ", "\"country\"");
	edit("sources/a.json", "\"grade\": \"publisher\",",
	     "\"grade\": \"publisher\", \"wide\": {\"columns\": "
	     "\"^([0-9]{4}) reports$\", \"period\": \"\\\\1\"}, "
	     "\"transcribed_from\": {\"title\": \"T\"},");
	ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s", err.msg);
	s = config_source(cfg, "src-a");
	ck_assert_str_eq(s->wide.columns, "^([0-9]{4}) reports$");
	ck_assert_str_eq(s->wide.period, "\\1");
	ck_assert_str_eq(s->grade, "transcription of publisher");
	config_free(cfg);
	cfg = NULL;
	edit("sources/a.json", "\"country\"}",
	     "\"country\", \"value\": \"n\"}");
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_msg(strstr(err.msg, "'value': comes from the wide columns; "
	                              "do not map it"),
	              "%s", err.msg);
	edit("sources/a.json", ", \"value\": \"n\"}", "}");
	edit("sources/a.json", "\"columns\": \"^([0-9]{4}) reports$\", ", "");
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_msg(strstr(err.msg, "'wide': needs 'columns'"), "%s",
	              err.msg);
	edit("sources/a.json", "\"wide\": {",
	     "\"wide\": {\"columns\": \"(\", ");
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_msg(strstr(err.msg, "'columns'"), "%s", err.msg);
	free(path);
}
END_TEST

/* "decimals": the digits shown; -1 when not declared. */
START_TEST(test_config_reads_and_checks_decimals)
{
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);

	ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(config_indicator(cfg, "ind")->decimals, -1);
	config_free(cfg);
	cfg = NULL;
	edit("indicators.json", "\"definition\": \"D\"}]",
	     "\"definition\": \"D\", \"decimals\": 2}]");
	ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(config_indicator(cfg, "ind")->decimals, 2);
	config_free(cfg);
	cfg = NULL;
	edit("indicators.json", "\"decimals\": 2", "\"decimals\": 16");
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_msg(strstr(err.msg, "'decimals': must be between 0 and 15"),
	              "%s", err.msg);
	edit("indicators.json", "\"decimals\": 16", "\"decimals\": 1.5");
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_msg(strstr(err.msg, "'decimals': must be a whole number"),
	              "%s", err.msg);
	free(path);
}
END_TEST

START_TEST(test_config_reads_and_checks_breaks)
{
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);

	edit("indicators.json", "\"definition\": \"D\"}]",
	     "\"definition\": \"D\", \"breaks\": [{\"period\": \"2020\", "
	     "\"reason\": \"reports became content URLs\"}]}]");
	ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(config_indicator(cfg, "ind")->nbreaks, 1);
	ck_assert_str_eq(config_indicator(cfg, "ind")->break_period[0], "2020");
	config_free(cfg);
	cfg = NULL;
	edit("indicators.json", ", \"reason\": \"reports became content URLs\"",
	     "");
	ck_assert_int_eq(config_load(&cfg, path, &err), -1);
	ck_assert_msg(strstr(err.msg, "'reason': required key is missing"),
	              "%s", err.msg);
	free(path);
}
END_TEST

START_TEST(test_config_rejects_wrong_types)
{
	edit("provstat.json", "\"provstat\": 1", "\"provstat\": \"1\"");
	expect_error("provstat.json:2:15: 'provstat': must be a whole number");
}
END_TEST

START_TEST(test_config_rejects_invalid_json_with_position)
{
	edit("indicators.json", "\"version\": \"1\",", "\"version\": \"1\",,");
	/* cJSON reports the place it gave up, one past the stray comma. */
	expect_error("indicators.json:2:19: invalid JSON");
}
END_TEST

/* Each format's row of format.c, as a source meets it: the options only
 * it takes, what it needs, and the fields it places itself. */
static const struct {
	const char *format; /* replaces "csv", with any extra keys */
	const char *columns; /* replaces the columns object, or NULL */
	const char *msg; /* NULL: loads */
} format_cases[] = {
        {"\"csv\", \"pdf\": {\"row\": \"x\"}", NULL,
         "'pdf': only for format 'pdf'"},
        {"\"csv\", \"dataset\": \"d\"", NULL,
         "'dataset': only for format 'json-stat'"},
        {"\"csv\", \"records\": \"/r\"", NULL,
         "'records': only for format 'json'"},
        {"\"json-stat\", \"html\": {\"table\": \"//table\"}", NULL,
         "'html': only for format 'html'"},
        {"\"csv\", \"checks\": {\"rows_sum_to_total\": true}", NULL,
         "'rows_sum_to_total': only for a format whose document states its "
         "total (pdf)"},
        {"\"pdf\"", "{\"period\": \"year\"}",
         "'pdf': format 'pdf' needs 'pdf': {'row': ...}"},
        {"\"pdf\", \"pdf\": {\"row\": \"(a) (1)\"}", NULL,
         "'geo': format 'pdf' takes geo and value from the row pattern"},
        {"\"pdf\", \"pdf\": {\"row\": \"(a) (1)\"}, \"checks\": "
         "{\"rows_sum_to_total\": true}",
         "{\"period\": \"year\"}",
         "'rows_sum_to_total': needs 'pdf': "
         "{'total': ...}"},
        {"\"pdf\", \"pdf\": {\"row\": \"(a) (1)\"}", "{\"period\": \"year\"}",
         NULL},
        {"\"eurostat-tsv\"", NULL,
         "'value': format 'eurostat-tsv' places values itself"},
        {"\"eurostat-tsv\"", "{\"geo\": \"geo\"}", NULL},
        {"\"json-stat\"", "{\"geo\": \"geo\", \"period\": \"time\"}", NULL},
        {"\"json-stat\"", "{\"geo\": \"geo\"}",
         "'period': needs a column in 'columns' or a value in 'constant'"},
        {"\"json\"", NULL,
         "'records': format 'json' needs a JSON pointer to the records"},
        {"\"html\"", NULL,
         "'html': format 'html' needs 'html': {'table': ...} or "
         "{'select': ..., 'pattern': ...}"},
        /* A prose pattern's groups map the fields they hold. */
        {"\"html\", \"html\": {\"select\": \"//p\", \"pattern\": \"(a) "
         "(1)\", \"groups\": {\"geo\": 1, \"value\": 2}}",
         "{\"period\": \"year\"}", NULL},
        {"\"html\", \"html\": {\"select\": \"//p\", \"pattern\": \"(a) "
         "(1)\", \"groups\": {\"geo\": 1}}",
         "{\"period\": \"year\"}",
         "'value': needs a column in 'columns' or a value in 'constant'"},
        {"\"sdmx-ml\"", "{\"geo\": \"REF_AREA\"}", NULL},
};

START_TEST(test_config_checks_sources_against_their_format)
{
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	char *with = xasprintf("\"format\": %s,", format_cases[_i].format);
	int rc;

	edit("sources/a.json", "\"format\": \"csv\",", with);
	if (format_cases[_i].columns)
		edit("sources/a.json",
		     "{\"geo\": \"country\", \"period\": \"year\", \"value\": "
		     "\"n\"}",
		     format_cases[_i].columns);
	rc = config_load(&cfg, path, &err);
	if (!format_cases[_i].msg) {
		ck_assert_msg(rc == 0, "%s", err.msg);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(strstr(err.msg, "sources/a.json:") &&
		                      strstr(err.msg, format_cases[_i].msg),
		              "got  '%s'\nwant '...%s'", err.msg,
		              format_cases[_i].msg);
	}
	config_free(cfg);
	free(with);
	free(path);
}
END_TEST

/* SDMX's columns by convention; the flags column so named may be absent. */
START_TEST(test_config_gives_sdmx_sources_their_column_names)
{
	static const char *const flags[] = {"OBS_STATUS", "OBS_FLAG"};
	struct config *cfg = NULL;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	const struct source_config *s;

	edit("sources/a.json", "\"format\": \"csv\",",
	     _i == 0 ? "\"format\": \"sdmx-ml\","
	             : "\"format\": \"sdmx-csv\",");
	edit("sources/a.json",
	     "{\"geo\": \"country\", \"period\": \"year\", \"value\": \"n\"}",
	     "{\"geo\": \"REF_AREA\"}");
	ck_assert_msg(config_load(&cfg, path, &err) == 0, "%s", err.msg);
	s = config_source(cfg, "src-a");
	ck_assert_ptr_eq(s->spec, format_find(s->format));
	ck_assert_str_eq(s->column[FIELD_PERIOD], "TIME_PERIOD");
	ck_assert_str_eq(s->column[FIELD_VALUE], "OBS_VALUE");
	ck_assert_str_eq(s->column[FIELD_FLAGS], flags[_i]);
	ck_assert(s->flags_optional);
	config_free(cfg);
	free(path);
}
END_TEST

/* Every row of the table has a parser and a fuzz target (a source of
 * tests/fuzz/config/sources/ in that format), and names are unique. */
START_TEST(test_format_table_is_complete)
{
	struct config *cfg = NULL;
	struct error err;
	size_t i, k;

	ck_assert_msg(
	        config_load(&cfg, "tests/fuzz/config/provstat.json", &err) == 0,
	        "%s", err.msg);
	for (i = 0; i < FORMAT_COUNT; i++) {
		const struct format_spec *f = &format_table[i];

		ck_assert_int_eq(f->id, (int)i);
		ck_assert_ptr_eq(format_find(f->name), f);
		ck_assert(normalize_parser(f) != NULL);
		ck_assert_msg(!f->places || f->how, "%s", f->name);
		ck_assert_msg(!f->option == !f->read, "%s", f->name);
		for (k = 0; k < cfg->nsources; k++)
			if (cfg->sources[k].spec == f)
				break;
		ck_assert_msg(k < cfg->nsources,
		              "no fuzz source of format '%s'", f->name);
	}
	ck_assert_ptr_null(format_find("xlsx"));
	config_free(cfg);
}
END_TEST

Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_loads_a_valid_configuration);
	tcase_add_test(tc, test_config_rejects_unknown_format);
	tcase_add_test(tc, test_config_rejects_unknown_key);
	tcase_add_test(tc, test_config_rejects_missing_key);
	tcase_add_test(tc, test_config_rejects_path_traversal_in_ids);
	tcase_add_test(tc, test_config_rejects_duplicate_source_ids);
	tcase_add_test(tc, test_config_rejects_credentials_in_urls);
	tcase_add_test(tc, test_config_rejects_unsupported_schemes);
	tcase_add_test(tc, test_config_rejects_remote_file_urls);
	tcase_add_test(tc, test_config_rejects_unknown_grade);
	tcase_add_test(tc, test_config_rejects_unmapped_field);
	tcase_add_test(tc, test_config_rejects_crosswalk_to_unknown_indicator);
	tcase_add_test(tc, test_config_rejects_wrong_types);
	tcase_add_loop_test(
	        tc, test_config_rejects_bad_derived_indicators, 0,
	        (int)(sizeof(bad_derived) / sizeof(bad_derived[0])));
	tcase_add_test(tc, test_config_reads_derived_indicators);
	tcase_add_loop_test(tc, test_config_rejects_bad_ranges, 0, 4);
	tcase_add_test(tc, test_config_range_changes_the_source_hash);
	tcase_add_test(tc, test_config_reads_and_checks_breaks);
	tcase_add_test(tc, test_config_reads_and_checks_decimals);
	tcase_add_test(tc, test_config_reads_and_checks_transcriptions);
	tcase_add_test(tc, test_config_reads_and_checks_wide_tables);
	tcase_add_loop_test(tc, test_config_reads_and_checks_claims, 0,
	                    sizeof(claim_cases) / sizeof(claim_cases[0]));
	tcase_add_loop_test(tc, test_config_reads_conflict_rules, 0, 3);
	tcase_add_loop_test(
	        tc, test_config_rejects_bad_conflict_policies, 0,
	        (int)(sizeof(bad_conflict) / sizeof(bad_conflict[0])));
	tcase_add_test(tc, test_config_rejects_crosswalk_to_derived_indicator);
	tcase_add_loop_test(tc, test_config_reads_and_checks_conversions, 0, 7);
	tcase_add_loop_test(tc, test_config_reads_records_as_pointer_or_path, 0,
	                    8);
	tcase_add_test(tc, test_config_rejects_invalid_json_with_position);
	tcase_add_loop_test(tc, test_config_checks_sources_against_their_format,
	                    0, sizeof(format_cases) / sizeof(format_cases[0]));
	tcase_add_loop_test(
	        tc, test_config_gives_sdmx_sources_their_column_names, 0, 2);
	tcase_add_test(tc, test_format_table_is_complete);
	suite_add_tcase(s, tc);
	return s;
}
