/*
 * Tests for reconcile's rules, in process: a scratch configuration and its
 * documents go through fetch (file: URLs), normalize and reconcile, and
 * each test reads the values and the problems reconcile reported.  Running
 * here, the rules' code is also under valgrind (make memcheck).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/diag.h"
#include "common/number.h"
#include "common/store.h"
#include "common/xalloc.h"
#include "normalize/normalize.h"
#include "reconcile/reconcile.h"
#include "testutil.h"

static char *dir;
static struct store *st;
static struct config *cfg;
static struct reconcile_result res;

static const char aliases_json[] =
        "{\"version\": \"t\", \"codes\": {\"EU2\": \"two members, for the "
        "tests\"}, \"aliases\": {\"Romania/Rumania\": \"RO\"}, \"exclude\": "
        "{\"No Country Listed\": \"not a geography\"}}\n";

static void
document(const char *id, const char *rows)
{
	char *name = xasprintf("sample/%s.csv", id);
	char *text = xasprintf("country,year,reports\n%s", rows);

	free(tu_write(dir, name, text));
	free(text);
	free(name);
}

/* indicators.json: r (from the sources), its EU2 sum and its change; extra
 * goes into r, crosswalk after a's entry. */
static void
indicators(const char *extra, const char *crosswalk)
{
	char *text = xasprintf(
	        "{\"version\": \"t\", \"indicators\": ["
	        "{\"id\": \"r\", \"title\": \"R\", \"unit\": \"reports\", "
	        "\"definition\": \"D\"%s},"
	        "{\"id\": \"eu\", \"title\": \"EU\", \"unit\": \"reports\", "
	        "\"definition\": \"D\", \"derived\": {\"op\": \"sum\", \"of\": "
	        "\"r\", \"geo\": \"EU2\", \"members\": [\"CZ\", \"RO\"]}},"
	        "{\"id\": \"chg\", \"title\": \"C\", \"unit\": \"%%\", "
	        "\"definition\": \"D\", \"derived\": {\"op\": \"change\", "
	        "\"of\": \"r\", \"periods\": [[\"2019\", \"2020\"]], \"as\": "
	        "\"percent\"}}],"
	        "\"crosswalk\": [{\"source\": \"a\", \"measure\": \"m\", "
	        "\"indicator\": \"r\"}%s]}\n",
	        extra, crosswalk);

	free(tu_write(dir, "indicators.json", text));
	free(text);
}

static void
setup(void)
{
	dir = tu_tmpdir();
	tu_write_config(dir);
	free(tu_write(dir, "geo/aliases.json", aliases_json));
	tu_write_csv_source(dir, "a", "reports", "");
	indicators("", "");
	memset(&res, 0, sizeof(res));
	diag_init("check");
}

static void
teardown(void)
{
	tu_pipeline_end(&dir, &cfg, &st);
}

/* fetch, normalize and reconcile; returns what they wrote on stderr.  With
 * table, reconcile's statement journals for INSERTs into it are counted
 * (tu_journals_watch() first). */
static char *
run_counting(const char *table)
{
	struct normalize_result nr;
	struct error err;
	char *out = xasprintf("%s/out", dir);
	char *log = xasprintf("%s/log", dir), *text;
	int saved = tu_stderr_to(log);

	tu_fetch(dir, &cfg, &st);
	ck_assert_msg(normalize_run(cfg, st, out, &nr, &err) == 0, "%s",
	              err.msg);
	if (table)
		tu_journals_of(st, table);
	reconcile_run(cfg, st, &res, &err);
	/* Reconcile writes with foreign keys unchecked (store_begin_load):
	 * every key holds, and the check is on again. */
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM "
	                               "pragma_foreign_key_check"),
	                 0);
	ck_assert_int_eq(tu_scalar(st, "PRAGMA foreign_keys"), 1);
	free(out);
	text = tu_stderr_end(saved, log);
	free(log);
	return text;
}

static char *
run(void)
{
	return run_counting(NULL);
}

/* "value status flags" of the value current for (indicator, geo, period),
 * or "none". */
static char *
current(const char *ind, const char *geo, const char *period)
{
	sqlite3_stmt *s = NULL;
	struct error err;
	char num[32] = "NA", *out;

	ck_assert_int_eq(
	        store_prepare(st,
	                      "SELECT value, status, flags FROM value WHERE "
	                      "indicator = ? AND geo = ? AND period = ? AND "
	                      "known_to IS NULL AND status <> 'not chosen'",
	                      &s, &err),
	        0);
	sqlite3_bind_text(s, 1, ind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, geo, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, period, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return xstrdup("none");
	}
	if (sqlite3_column_type(s, 0) != SQLITE_NULL)
		number_format_shortest(sqlite3_column_double(s, 0), num);
	out = xasprintf("%s %s %s", num, sqlite3_column_text(s, 1),
	                sqlite3_column_text(s, 2));
	sqlite3_finalize(s);
	return out;
}

static void
expect_value(const char *ind, const char *geo, const char *period,
             const char *want)
{
	char *got = current(ind, geo, period);

	ck_assert_msg(strcmp(got, want) == 0, "%s %s %s: got '%s', want '%s'",
	              ind, geo, period, got, want);
	free(got);
}

START_TEST(test_reconcile_maps_names_sums_and_changes)
{
	char *log;

	document("a", "Czech Republic,2019,10\nRomania/Rumania,2019,5\n"
	              "No Country Listed,2019,7\nCzech Republic,2020,15\n");
	log = run();
	ck_assert_msg(res.problems == 0, "%s", log);
	ck_assert_uint_eq(res.excluded, 1);
	expect_value("r", "CZ", "2019", "10 published ");
	expect_value("r", "RO", "2019", "5 published ");
	expect_value("eu", "EU2", "2019", "15 derived ");
	/* RO 2020 is missing: the sum says so rather than give CZ alone. */
	expect_value("eu", "EU2", "2020", "15 incomplete ");
	expect_value("chg", "CZ", "2020", "50 derived ");
	free(log);
}
END_TEST

START_TEST(test_reconcile_writes_values_without_a_statement_journal)
{
	char *log;

	/* The values' multi-row INSERT: OR ROLLBACK, keys deferred, so
	 * SQLite keeps no journal of its pages (store.c, migration 4). */
	tu_journals_watch();
	document("a", "Czech Republic,2019,10\nRomania/Rumania,2019,5\n"
	              "Czech Republic,2020,15\nRomania/Rumania,2020,6\n");
	log = run_counting("value");
	ck_assert_int_eq(tu_journals(), 0);
	ck_assert_msg(res.problems == 0, "%s", log);
	expect_value("r", "RO", "2020", "6 published ");
	expect_value("eu", "EU2", "2020", "21 derived ");
	free(log);
	tu_pipeline_end(&dir, &cfg, &st);
	tu_journals_end();
}
END_TEST

START_TEST(test_reconcile_maps_a_measure_by_period)
{
	char *log;

	/* One measure, two indicators by period: consecutive rows of the
	 * same measure and geography must each find the entry of their own
	 * period (reconcile remembers the last measure's entry). */
	free(tu_write(dir, "indicators.json",
	              "{\"version\": \"t\", \"indicators\": ["
	              "{\"id\": \"r\", \"title\": \"R\", \"unit\": "
	              "\"reports\", \"definition\": \"D\"},"
	              "{\"id\": \"r2\", \"title\": \"R2\", \"unit\": "
	              "\"reports\", \"definition\": \"D\"}],"
	              "\"crosswalk\": ["
	              "{\"source\": \"a\", \"measure\": \"m\", "
	              "\"indicator\": \"r\", \"valid_to\": \"2019\"},"
	              "{\"source\": \"a\", \"measure\": \"m\", "
	              "\"indicator\": \"r2\", \"valid_from\": \"2020\"}]}\n"));
	document("a", "Czech Republic,2019,10\nCzech Republic,2020,15\n"
	              "Czech Republic,2018,7\nRomania,2021,3\n");
	log = run();
	ck_assert_msg(res.problems == 0, "%s", log);
	expect_value("r", "CZ", "2019", "10 published ");
	expect_value("r", "CZ", "2018", "7 published ");
	expect_value("r2", "CZ", "2020", "15 published ");
	expect_value("r2", "RO", "2021", "3 published ");
	expect_value("r", "CZ", "2020", "none");
	expect_value("r2", "CZ", "2019", "none");
	free(log);
}
END_TEST

START_TEST(test_reconcile_refuses_an_unmapped_name)
{
	char *log;

	document("a", "Czech Republic,2019,10\nAtlantis,2019,1\n");
	log = run();
	ck_assert_uint_eq(res.problems, 1);
	ck_assert_msg(strstr(log, "a: line 3, column 15: unmapped geo "
	                          "'Atlantis' (add it to the aliases or the "
	                          "exclusions)"),
	              "%s", log);
	expect_value("r", "CZ", "2019", "none"); /* nothing changed */
	free(log);
}
END_TEST

START_TEST(test_reconcile_refuses_a_unit_without_a_conversion)
{
	char *log;

	tu_write_csv_source(dir, "b", "thousand reports", "");
	document("a", "Czech Republic,2019,10\n");
	document("b", "Malta,2019,1.005\n");
	indicators("", ", {\"source\": \"b\", \"measure\": \"m\", "
	               "\"indicator\": \"r\"}");
	log = run();
	ck_assert_uint_eq(res.problems, 1);
	ck_assert_msg(strstr(log,
	                     "b: line 2, column 12: unit 'thousand "
	                     "reports' is not the unit of 'r' ('reports'), "
	                     "and no conversion is declared"),
	              "%s", log);
	free(log);
}
END_TEST

START_TEST(test_reconcile_converts_a_declared_unit_exactly)
{
	char *log;

	tu_write_csv_source(dir, "b", "thousand reports", "");
	document("a", "Czech Republic,2019,10\n");
	document("b", "Malta,2019,1.005\n");
	indicators("", ", {\"source\": \"b\", \"measure\": \"m\", "
	               "\"indicator\": \"r\", \"convert\": {\"from\": "
	               "\"thousand reports\", \"factor\": 1000}}");
	log = run();
	ck_assert_msg(res.problems == 0, "%s", log);
	expect_value("r", "MT", "2019", "1005 published ");
	free(log);
}
END_TEST

START_TEST(test_reconcile_refuses_a_key_given_twice)
{
	char *log;

	document("a", "Czech Republic,2019,10\nCzech Republic,2019,11\n");
	log = run();
	ck_assert_uint_eq(res.problems, 1);
	ck_assert_msg(strstr(log, "a: r CZ 2019 is given more than once, and "
	                          "no rule combines them: line 2, column 21 "
	                          "('Czech Republic'); line 3, column 21 "
	                          "('Czech Republic')"),
	              "%s", log);
	free(log);
}
END_TEST

/* A source that declares "duplicates": "sum": one value per snapshot and
 * key, qualified if a part is, missing if a part is, made from every row
 * (value_input) and located at its first. */
START_TEST(test_reconcile_sums_duplicates_by_rule)
{
	sqlite3_stmt *s = NULL;
	struct error err;
	char *log;

	tu_write_csv_source(dir, "a", "reports", "\"duplicates\": \"sum\", ");
	document("a", "Czech Republic,2019,10\nRomania,2019,4\n"
	              "Czech Republic,2019,over 5\nCzech Republic,2020,:\n"
	              "Czech Republic,2020,7\n");
	log = run();
	ck_assert_msg(res.problems == 0, "%s", log);
	ck_assert_int_eq(store_prepare(st,
	                               "SELECT v.value, v.qualifier, "
	                               "(SELECT count(*) FROM value_input i "
	                               "WHERE i.value_id = v.id), o.line FROM "
	                               "value v JOIN observation o ON o.id = "
	                               "v.observation_id WHERE v.indicator = "
	                               "'r' AND v.geo = 'CZ' ORDER BY "
	                               "v.period",
	                               &s, &err),
	                 0);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	ck_assert_double_eq(sqlite3_column_double(s, 0), 15);
	ck_assert_str_eq((const char *)sqlite3_column_text(s, 1), "over");
	ck_assert_int_eq(sqlite3_column_int(s, 2), 2);
	ck_assert_int_eq(sqlite3_column_int(s, 3), 2);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_type(s, 0), SQLITE_NULL);
	ck_assert_int_eq(sqlite3_column_int(s, 2), 2);
	ck_assert_int_eq(sqlite3_column_int(s, 3), 5);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	expect_value("r", "RO", "2019", "4 published ");
	free(log);
}
END_TEST

START_TEST(test_reconcile_fails_a_conflict_above_tolerance)
{
	char *log;

	tu_write_csv_source(dir, "b", "reports", "");
	document("a", "Czech Republic,2019,100\n");
	document("b", "Czech Republic,2019,103\n");
	indicators(", \"conflict\": {\"prefer\": [\"a\", \"b\"], "
	           "\"tolerance\": 0.01, \"exceed\": \"fail\"}",
	           ", {\"source\": \"b\", \"measure\": \"m\", "
	           "\"indicator\": \"r\"}");
	log = run();
	ck_assert_uint_eq(res.problems, 1);
	ck_assert_msg(strstr(log, "r CZ 2019: 'a' gives 100 and 'b' gives "
	                          "103, a difference above the tolerance of "
	                          "1%"),
	              "%s", log);
	free(log);
}
END_TEST

START_TEST(test_reconcile_needs_a_policy_for_two_sources)
{
	char *log;

	tu_write_csv_source(dir, "b", "reports", "");
	document("a", "Czech Republic,2019,100\n");
	document("b", "Czech Republic,2019,100\n");
	indicators("", ", {\"source\": \"b\", \"measure\": \"m\", "
	               "\"indicator\": \"r\"}");
	log = run();
	ck_assert_uint_eq(res.problems, 1);
	ck_assert_msg(strstr(log, "r CZ 2019 is given by both 'a' and 'b', "
	                          "and no conflict policy is declared"),
	              "%s", log);
	free(log);
}
END_TEST

START_TEST(test_reconcile_gives_no_change_across_a_break)
{
	char *log;

	document("a", "Czech Republic,2019,10\nCzech Republic,2020,15\n");
	indicators(", \"breaks\": [{\"period\": \"2020\", \"reason\": "
	           "\"counted in another unit from 2020\"}]",
	           "");
	log = run();
	ck_assert_msg(res.problems == 0, "%s", log);
	expect_value("chg", "CZ", "2020", "NA not comparable ");
	free(log);
}
END_TEST

Suite *
reconcile_suite(void)
{
	Suite *s = suite_create("reconcile");
	TCase *tc = tcase_create("rules");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_reconcile_maps_names_sums_and_changes);
	tcase_add_test(tc, test_reconcile_maps_a_measure_by_period);
	tcase_add_test(
	        tc, test_reconcile_writes_values_without_a_statement_journal);
	tcase_add_test(tc, test_reconcile_refuses_an_unmapped_name);
	tcase_add_test(tc, test_reconcile_refuses_a_unit_without_a_conversion);
	tcase_add_test(tc, test_reconcile_converts_a_declared_unit_exactly);
	tcase_add_test(tc, test_reconcile_refuses_a_key_given_twice);
	tcase_add_test(tc, test_reconcile_sums_duplicates_by_rule);
	tcase_add_test(tc, test_reconcile_fails_a_conflict_above_tolerance);
	tcase_add_test(tc, test_reconcile_needs_a_policy_for_two_sources);
	tcase_add_test(tc, test_reconcile_gives_no_change_across_a_break);
	suite_add_tcase(s, tc);
	return s;
}
