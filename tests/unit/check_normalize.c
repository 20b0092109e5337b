/*
 * Tests for normalize's loader, in process: documents large enough that
 * the writer thread takes several batches (normalize.c, LOAD_CHUNK rows a
 * hand-over) go through fetch and normalize, and each test reads what the
 * store holds afterwards.  The writer's failure is made real by capping the
 * store's size (PRAGMA max_page_count): SQLite refuses an INSERT on the
 * writer thread, and the parser must see it, stop, and leave nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/diag.h"
#include "common/store.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "normalize/normalize.h"
#include "testutil.h"

static char *dir;
static struct store *st;
static struct config *cfg;
static struct normalize_result nres;

/* Rows 1..rows of "G<i mod 50>,<year>,<i>"; row bad (if not 0) holds a
 * value that is not a number. */
static void
document(long rows, long bad)
{
	struct strbuf sb;
	long i;

	strbuf_init(&sb, SIZE_MAX / 2);
	strbuf_addstr(&sb, "country,year,reports\n");
	for (i = 1; i <= rows; i++) {
		if (i == bad)
			strbuf_addf(&sb, "G%ld,%ld,12x\n", i % 50, 1000 + i);
		else
			strbuf_addf(&sb, "G%ld,%ld,%ld\n", i % 50, 1000 + i, i);
	}
	free(tu_write(dir, "sample/a.csv", sb.buf));
	strbuf_release(&sb);
}

static void
setup(void)
{
	dir = tu_tmpdir();
	tu_write_config(dir);
	free(tu_write(dir, "geo/aliases.json", "{\"version\": \"t\"}\n"));
	free(tu_write(dir, "indicators.json",
	              "{\"version\": \"t\", \"indicators\": [], "
	              "\"crosswalk\": []}\n"));
	tu_write_csv_source(dir, "a", "reports", "");
	memset(&nres, 0, sizeof(nres));
	diag_init("check");
}

static void
teardown(void)
{
	tu_pipeline_end(&dir, &cfg, &st);
}

/* Loads the config, opens the store and fetches the document. */
static void
fetch(void)
{
	tu_fetch(dir, &cfg, &st);
}

/* Normalizes; returns its result, *log what it printed, err its error. */
static int
normalize(char **log, struct error *err)
{
	char *out = xasprintf("%s/out", dir);
	char *path = xasprintf("%s/log", dir);
	int saved = tu_stderr_to(path), rc;

	error_clear(err);
	rc = normalize_run(cfg, st, out, &nres, err);
	*log = tu_stderr_end(saved, path);
	free(path);
	free(out);
	return rc;
}

/* One integer the query gives. */
static long long
query(const char *sql)
{
	return tu_scalar(st, sql);
}

static void
expect_intact(void)
{
	struct store_stmt *s = NULL;
	struct error err;

	ck_assert_int_eq(store_prepare(st, "PRAGMA integrity_check", &s, &err),
	                 0);
	ck_assert_int_eq(store_step(s), STORE_ROW);
	ck_assert_str_eq(store_col_text(s, 0), "ok");
	store_finalize(s);
}

START_TEST(test_normalize_loads_every_row_in_order)
{
	/* Three full hand-overs, then a batch and a few rows. */
	const long rows = 3 * 4096 + 64 + 7;
	struct error err;
	char *log;

	document(rows, 0);
	fetch();
	ck_assert_msg(normalize(&log, &err) == 0, "%s %s", err.msg, log);
	ck_assert_uint_eq(nres.observations, (size_t)rows);
	ck_assert_int_eq(query("SELECT count(*) FROM observation"), rows);
	/* The ids are the parse's range, each row at its place. */
	ck_assert_int_eq(
	        query("SELECT count(*) FROM observation o JOIN parse p "
	              "ON o.parse_id = p.id WHERE o.id BETWEEN "
	              "p.first_observation AND p.last_observation"),
	        rows);
	ck_assert_int_eq(query("SELECT count(*) FROM observation WHERE value "
	                       "<> line - 1 OR raw_period <> 999 + line"),
	                 0);
	ck_assert_int_eq(query("SELECT sum(value) FROM observation"),
	                 rows * (rows + 1) / 2);
	ck_assert_int_eq(query("SELECT max(id) - min(id) + 1 FROM observation"),
	                 rows);
	expect_intact();
	free(log);
}
END_TEST

START_TEST(test_normalize_binds_each_rows_own_fields)
{
	/* The loader binds a parameter again only when its integer, NULL or
	 * empty string changes: rows whose decimals and flags come and go,
	 * across batches and hand-overs, keep their own. */
	const long rows = 2 * 4096 + 64 + 3;
	struct strbuf sb;
	struct error err;
	char *log;
	long i;

	strbuf_init(&sb, SIZE_MAX / 2);
	strbuf_addstr(&sb, "country,year,reports,status\n");
	for (i = 1; i <= rows; i++)
		strbuf_addf(&sb, "G%ld,%ld,%ld%s,%s\n", i % 50, 1000 + i, i,
		            i % 7 == 0 ? ".5" : "", i % 5 == 0 ? "p" : "");
	free(tu_write(dir, "sample/a.csv", sb.buf));
	strbuf_release(&sb);
	free(tu_write(dir, "sources/a.json",
	              "{\"id\": \"a\", \"publisher\": \"P\", \"title\": "
	              "\"T\", \"url\": \"file:../sample/a.csv\", "
	              "\"format\": \"csv\", \"licence\": \"L\", "
	              "\"citation\": \"C\", \"grade\": \"publisher\", "
	              "\"max_age_days\": 0, \"columns\": {\"geo\": "
	              "\"country\", \"period\": \"year\", \"value\": "
	              "\"reports\", \"flags\": \"status\"}, \"constant\": "
	              "{\"measure\": \"m\", \"unit\": \"reports\"}}\n"));
	fetch();
	ck_assert_msg(normalize(&log, &err) == 0, "%s %s", err.msg, log);
	ck_assert_int_eq(query("SELECT count(*) FROM observation"), rows);
	ck_assert_int_eq(query("SELECT count(*) FROM observation WHERE "
	                       "decimals = 1 AND raw_value LIKE '%.5'"),
	                 rows / 7);
	ck_assert_int_eq(query("SELECT count(*) FROM observation WHERE "
	                       "decimals <> ((line - 1) % 7 = 0) OR flags <> "
	                       "iif((line - 1) % 5 = 0, 'p', '') OR value <> "
	                       "line - 1 + iif((line - 1) % 7 = 0, 0.5, 0) "
	                       "OR col <> 8 + length((line - 1) % 50) OR "
	                       "locator IS NOT "
	                       "NULL OR scale <> 0 OR unit <> 'reports' OR "
	                       "parse_id <> 1"),
	                 0);
	expect_intact();
	free(log);
}
END_TEST

START_TEST(test_normalize_rejects_a_late_bad_row_and_keeps_nothing)
{
	struct error err;
	char *log;

	/* The bad row comes after two hand-overs to the writer. */
	document(3 * 4096, 2 * 4096 + 100);
	fetch();
	ck_assert_msg(normalize(&log, &err) == 0, "%s %s", err.msg, log);
	ck_assert_uint_eq(nres.rejected, 1);
	ck_assert_msg(strstr(log, "line 8293") && strstr(log, "'12x'"), "%s",
	              log);
	ck_assert_int_eq(query("SELECT count(*) FROM observation"), 0);
	ck_assert_int_eq(query("SELECT count(*) FROM parse WHERE status = "
	                       "'rejected'"),
	                 1);
	expect_intact();
	free(log);
}
END_TEST

START_TEST(test_normalize_stops_when_the_writer_fails)
{
	struct error err;
	char *log, sql[64];
	long long pages;

	/* The bad row near the end is never read: the writer's failure
	 * stops the parse at the next hand-over. */
	document(40000, 39000);
	fetch();
	/* Room for a few of the writer's batches, not for all of them. */
	pages = query("PRAGMA page_count");
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", pages + 40);
	ck_assert_int_eq(query(sql), pages + 40);
	ck_assert_int_eq(normalize(&log, &err), -1);
	ck_assert_msg(strstr(err.msg, "cannot insert observations") &&
	                      strstr(err.msg, "full"),
	              "%s", err.msg);
	ck_assert_int_eq(query("SELECT count(*) FROM observation"), 0);
	ck_assert_msg(!strstr(log, "12x"), "%s", log);
	ck_assert_int_eq(query("SELECT count(*) FROM parse"), 0);
	expect_intact();
	free(log);
	/* With room again, the same snapshot is read again, to the end. */
	ck_assert_int_gt(query("PRAGMA max_page_count = 1000000000"), pages);
	ck_assert_msg(normalize(&log, &err) == 0, "%s %s", err.msg, log);
	ck_assert_uint_eq(nres.rejected, 1);
	ck_assert_msg(strstr(log, "line 39001") && strstr(log, "'12x'"), "%s",
	              log);
	free(log);
}
END_TEST

START_TEST(test_normalize_loads_without_a_statement_journal)
{
	struct error err;
	char *log;

	/* A multi-row INSERT that a constraint could abort alone keeps a
	 * journal of every page it changes: with the key to parse deferred
	 * and OR ROLLBACK, none (store.c, migration 4). */
	tu_journals_watch();
	document(3 * 4096 + 5, 0);
	fetch();
	tu_journals_of(st, "observation");
	ck_assert_msg(normalize(&log, &err) == 0, "%s %s", err.msg, log);
	ck_assert_int_eq(tu_journals(), 0);
	ck_assert_int_eq(query("SELECT count(*) FROM observation"),
	                 3 * 4096 + 5);
	free(log);
	/* The key still holds, checked at COMMIT. */
	ck_assert_int_eq(store_begin(st, &err), 0);
	ck_assert_int_eq(store_exec(st,
	                            "UPDATE observation SET parse_id = 99 "
	                            "WHERE id = 7",
	                            &err),
	                 0);
	ck_assert_int_eq(store_commit(st, &err), -1);
	ck_assert_msg(strstr(err.msg, "FOREIGN KEY"), "%s", err.msg);
	store_rollback(st);
	tu_pipeline_end(&dir, &cfg, &st);
	tu_journals_end();
}
END_TEST

Suite *
normalize_suite(void)
{
	Suite *s = suite_create("normalize");
	TCase *tc = tcase_create("loader");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_normalize_loads_every_row_in_order);
	tcase_add_test(tc, test_normalize_binds_each_rows_own_fields);
	tcase_add_test(tc,
	               test_normalize_rejects_a_late_bad_row_and_keeps_nothing);
	tcase_add_test(tc, test_normalize_stops_when_the_writer_fails);
	tcase_add_test(tc, test_normalize_loads_without_a_statement_journal);
	suite_add_tcase(s, tc);
	return s;
}
