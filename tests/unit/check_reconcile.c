/*
 * Tests for reconcile's rules, in process: a scratch configuration and its
 * documents go through fetch (file: URLs), normalize and reconcile, and
 * each test reads the values and the problems reconcile reported.  Running
 * here, the rules' code is also under valgrind (make memcheck).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/diag.h"
#include "common/number.h"
#include "common/store.h"
#include "common/strbuf.h"
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
	struct store_stmt *s = NULL;
	struct error err;
	char num[32] = "NA", *out;

	ck_assert_int_eq(
	        store_prepare(st,
	                      "SELECT value, status, flags FROM value WHERE "
	                      "indicator = ? AND geo = ? AND period = ? AND "
	                      "known_to IS NULL AND status <> 'not chosen'",
	                      &s, &err),
	        0);
	store_bind_text(s, 1, ind);
	store_bind_text(s, 2, geo);
	store_bind_text(s, 3, period);
	if (store_step(s) != STORE_ROW) {
		store_finalize(s);
		return xstrdup("none");
	}
	if (!store_col_null(s, 0))
		number_format_shortest(store_col_double(s, 0), num);
	out = xasprintf("%s %s %s", num, store_col_text(s, 1),
	                store_col_text(s, 2));
	store_finalize(s);
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

/* A key given again after other series, or after other periods of its
 * series: refused all the same. */
START_TEST(test_reconcile_refuses_a_key_given_twice_apart)
{
	static const char *const docs[] = {
	        "Czech Republic,2019,10\nRomania,2019,5\n"
	        "Czech Republic,2019,11\n",
	        "Czech Republic,2019,10\nCzech Republic,2020,12\n"
	        "Czech Republic,2019,11\n"};
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char *log;

		if (i) {
			tu_pipeline_end(&dir, &cfg, &st);
			setup();
		}
		document("a", docs[i]);
		log = run();
		ck_assert_msg(res.problems == 1, "%zu: %s", i, log);
		ck_assert_msg(strstr(log, "a: r CZ 2019 is given more than "
		                          "once"),
		              "%zu: %s", i, log);
		ck_assert_uint_eq(res.streamed, 0);
		free(log);
	}
}
END_TEST

/* A source that declares "duplicates": "sum": one value per snapshot and
 * key, qualified if a part is, missing if a part is, made from every row
 * (value_input) and located at its first. */
START_TEST(test_reconcile_sums_duplicates_by_rule)
{
	struct store_stmt *s = NULL;
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
	ck_assert_int_eq(store_step(s), STORE_ROW);
	ck_assert_double_eq(store_col_double(s, 0), 15);
	ck_assert_str_eq(store_col_text(s, 1), "over");
	ck_assert_int_eq(store_col_int(s, 2), 2);
	ck_assert_int_eq(store_col_int(s, 3), 2);
	ck_assert_int_eq(store_step(s), STORE_ROW);
	ck_assert(store_col_null(s, 0));
	ck_assert_int_eq(store_col_int(s, 2), 2);
	ck_assert_int_eq(store_col_int(s, 3), 5);
	ck_assert_int_eq(store_step(s), STORE_DONE);
	store_finalize(s);
	expect_value("r", "RO", "2019", "4 published ");
	free(log);
}
END_TEST

/* Another snapshot of the sources: the store and config are opened again
 * and the pipeline runs on them. */
static char *
run_again(void)
{
	store_close(st);
	config_free(cfg);
	st = NULL;
	cfg = NULL;
	return run();
}

/* "geo period value known_to-is-null" of every value of r, in key and
 * vintage order. */
static char *
vintages_of_r(void)
{
	struct store_stmt *s = NULL;
	struct error err;
	struct strbuf b;

	strbuf_init(&b, SIZE_MAX / 2);
	ck_assert_int_eq(store_prepare(st,
	                               "SELECT geo, period, value, known_to "
	                               "IS NULL FROM value WHERE indicator = "
	                               "'r' ORDER BY geo, period, known_from, "
	                               "known_to IS NULL",
	                               &s, &err),
	                 0);
	while (store_step(s) == STORE_ROW)
		strbuf_addf(&b, "%s %s %g %lld\n", store_col_text(s, 0),
		            store_col_text(s, 1), store_col_double(s, 2),
		            store_col_int(s, 3));
	store_finalize(s);
	return b.buf;
}

/* Values have ids 1..n: none left behind by a stream that gave up. */
static void
expect_ids_dense(void)
{
	ck_assert_int_eq(tu_scalar(st, "SELECT max(id) FROM value"),
	                 tu_scalar(st, "SELECT count(*) FROM value"));
}

/* One snapshot whose series come in any order, each in one run with its
 * periods rising or falling: read as they come, with no sort. */
START_TEST(test_reconcile_streams_series_in_any_order)
{
	char *log;

	document("a", "Romania,2020,6\nRomania,2019,5\n"
	              "No Country Listed,2019,7\nCzech Republic,2019,10\n"
	              "Czech Republic,2020,15\n");
	log = run();
	ck_assert_msg(res.problems == 0, "%s", log);
	ck_assert_uint_eq(res.streamed, 1);
	ck_assert_uint_eq(res.excluded, 1);
	expect_value("r", "RO", "2020", "6 published ");
	expect_value("r", "CZ", "2019", "10 published ");
	expect_value("eu", "EU2", "2019", "15 derived ");
	expect_value("eu", "EU2", "2020", "21 derived ");
	expect_value("chg", "CZ", "2020", "50 derived ");
	expect_ids_dense();
	free(log);
}
END_TEST

/* first, Czech Republic 1901-1999 (more than a batch of values), Romania,
 * and Czech Republic again: a series in two runs, found late. */
static void
document_giving_up_late(const char *first)
{
	struct strbuf rows;
	int y;

	strbuf_init(&rows, SIZE_MAX / 2);
	strbuf_addstr(&rows, first);
	for (y = 1901; y < 2000; y++)
		strbuf_addf(&rows, "Czech Republic,%d,%d\n", y, y - 1000);
	strbuf_addstr(&rows, "Romania,2019,5\nCzech Republic,2019,10\n");
	document("a", rows.buf);
	strbuf_release(&rows);
}

/* A series in two runs gives up late, after values went to the store: they
 * are taken back and written again through the sort, ids and all. */
START_TEST(test_reconcile_gives_up_a_series_in_two_runs)
{
	char *log;

	document_giving_up_late("Czech Republic,1900,900\n");
	log = run();
	ck_assert_msg(res.problems == 0, "%s", log);
	ck_assert_uint_eq(res.streamed, 0);
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM value WHERE "
	                               "indicator = 'r'"),
	                 102);
	expect_value("r", "CZ", "1900", "900 published ");
	expect_value("r", "CZ", "2019", "10 published ");
	expect_value("eu", "EU2", "2019", "15 derived ");
	expect_ids_dense();
	free(log);
}
END_TEST

/* Summed rows written by the stream, then taken back with their inputs. */
START_TEST(test_reconcile_gives_up_after_a_sum)
{
	char *log;

	tu_write_csv_source(dir, "a", "reports", "\"duplicates\": \"sum\", ");
	document_giving_up_late(
	        "Czech Republic,1900,1\nCzech Republic,1900,2\n");
	log = run();
	ck_assert_msg(res.problems == 0, "%s", log);
	ck_assert_uint_eq(res.streamed, 0);
	expect_value("r", "CZ", "1900", "3 published ");
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM value_input"), 2);
	expect_ids_dense();
	free(log);
}
END_TEST

/* Snapshots in key order are merged as they are read; one out of key order
 * sends them all through the sort; the vintages are the same either way. */
START_TEST(test_reconcile_merges_snapshots_in_key_order)
{
	char *log, *got;

	document("a", "Czech Republic,2019,10\nRomania,2019,5\n");
	log = run();
	ck_assert_msg(res.problems == 0, "%s", log);
	ck_assert_uint_eq(res.streamed, 1);
	free(log);
	document("a", "Czech Republic,2019,11\nRomania,2019,5\n"
	              "Romania,2020,7\n");
	log = run_again();
	ck_assert_msg(res.problems == 0, "%s", log);
	ck_assert_uint_eq(res.streamed, 1);
	got = vintages_of_r();
	ck_assert_str_eq(got, "CZ 2019 10 0\nCZ 2019 11 1\nRO 2019 5 1\n"
	                      "RO 2020 7 1\n");
	free(got);
	free(log);
	document("a", "Romania,2019,6\nCzech Republic,2019,11\n");
	log = run_again();
	ck_assert_msg(res.problems == 0, "%s", log);
	ck_assert_uint_eq(res.streamed, 0);
	got = vintages_of_r();
	ck_assert_str_eq(got, "CZ 2019 10 0\nCZ 2019 11 1\nRO 2019 5 0\n"
	                      "RO 2019 6 1\nRO 2020 7 0\n");
	free(got);
	expect_ids_dense();
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
	tcase_add_test(tc, test_reconcile_refuses_a_key_given_twice_apart);
	tcase_add_test(tc, test_reconcile_sums_duplicates_by_rule);
	tcase_add_test(tc, test_reconcile_streams_series_in_any_order);
	tcase_add_test(tc, test_reconcile_gives_up_a_series_in_two_runs);
	tcase_add_test(tc, test_reconcile_gives_up_after_a_sum);
	tcase_add_test(tc, test_reconcile_merges_snapshots_in_key_order);
	tcase_add_test(tc, test_reconcile_fails_a_conflict_above_tolerance);
	tcase_add_test(tc, test_reconcile_needs_a_policy_for_two_sources);
	tcase_add_test(tc, test_reconcile_gives_no_change_across_a_break);
	suite_add_tcase(s, tc);
	return s;
}
