/* Tests for store: schema identity, migrations and the safe settings. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/store.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "testutil.h"

static char *dir;
static char *path;

static void
setup(void)
{
	dir = tu_tmpdir();
	path = xasprintf("%s/store.sqlite", dir);
}

static void
teardown(void)
{
	tu_rmrf(dir);
	free(path);
	free(dir);
}

static int
pragma(struct store *st, const char *name)
{
	char *sql = xasprintf("PRAGMA %s", name);
	int v = (int)tu_scalar(st, sql);

	free(sql);
	return v;
}

START_TEST(test_store_creates_the_schema_with_identity)
{
	struct store *st = NULL;
	struct error err;

	ck_assert_msg(store_open(&st, path, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(pragma(st, "application_id"), STORE_APPLICATION_ID);
	ck_assert_int_eq(pragma(st, "user_version"), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(pragma(st, "foreign_keys"), 1);
	store_close(st);
	/* Reopening migrates nothing and keeps the data. */
	ck_assert_int_eq(store_open(&st, path, &err), 0);
	ck_assert_int_eq(pragma(st, "user_version"), STORE_SCHEMA_VERSION);
	store_close(st);
	ck_assert_int_eq(store_open_readonly(&st, path, &err), 0);
	ck_assert_int_eq(store_exec(st, "DELETE FROM run", &err), -1);
	store_close(st);
}
END_TEST

/* A new store has 32 KiB pages; temporary tables keep 16 KiB ones (a
 * temporary database takes the page size of the last page_size pragma,
 * and reconcile's table of mapped observations took 8 MiB more in 32). */
START_TEST(test_store_pages_and_temporary_pages)
{
	struct store *st = NULL;
	struct error err;
	int pass;

	for (pass = 0; pass < 2; pass++) { /* new, then reopened */
		ck_assert_msg(store_open(&st, path, &err) == 0, "%s", err.msg);
		ck_assert_int_eq(
		        store_exec(st,
		                   "CREATE TEMP TABLE t (x BLOB);"
		                   "INSERT INTO t VALUES (zeroblob(9000))",
		                   &err),
		        0);
		ck_assert_int_eq(pragma(st, "page_size"), 32768);
		ck_assert_int_eq(pragma(st, "temp.page_size"), 16384);
		store_close(st);
	}
}
END_TEST

START_TEST(test_store_enforces_strict_types_and_no_dqs)
{
	struct store *st = NULL;
	struct error err;

	ck_assert_int_eq(store_open(&st, path, &err), 0);
	ck_assert_int_eq(
	        store_exec(st,
	                   "INSERT INTO snapshot VALUES ('"
	                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
	                   "934ca495991b7852b855', '1,500', NULL, 'x')",
	                   &err),
	        -1);
	ck_assert_msg(strstr(err.msg, "cannot store TEXT value in INTEGER "
	                              "column") != NULL,
	              "%s", err.msg);
	/* A double-quoted word is an identifier, never a string. */
	ck_assert_int_eq(
	        store_exec(st, "SELECT \"no_such_column\" FROM run", &err), -1);
	ck_assert(strstr(err.msg, "no such column") != NULL);
	/* Foreign keys hold. */
	ck_assert_int_eq(
	        store_exec(st,
	                   "INSERT INTO fetch (run_id, source_id, url, "
	                   "retrieved_at, outcome) VALUES (99, 'x', 'u', "
	                   "'t', 'failed')",
	                   &err),
	        -1);
	ck_assert(strstr(err.msg, "FOREIGN KEY") != NULL);
	store_close(st);
}
END_TEST

START_TEST(test_store_refuses_a_foreign_database)
{
	sqlite3 *db;
	struct store *st = NULL;
	struct error err;
	char *want = xasprintf("store '%s': not a provstat store (it holds "
	                       "other tables)",
	                       path);

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(
	        sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL),
	        SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(store_open(&st, path, &err), -1);
	ck_assert_ptr_null(st);
	ck_assert_str_eq(err.msg, want);
	free(want);
}
END_TEST

START_TEST(test_store_refuses_a_newer_schema)
{
	struct store *st = NULL;
	struct error err;
	sqlite3 *db;

	ck_assert_int_eq(store_open(&st, path, &err), 0);
	store_close(st);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(
	        sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL),
	        SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(store_open(&st, path, &err), -1);
	ck_assert_msg(strstr(err.msg, "schema version 99 is newer than this "
	                              "provstat") != NULL,
	              "%s", err.msg);
}
END_TEST

START_TEST(test_store_records_runs_and_their_inputs)
{
	struct store *st = NULL;
	struct error err;
	int64_t id1, id2;
	char *last = NULL;

	ck_assert_int_eq(store_open(&st, path, &err), 0);
	ck_assert_int_eq(store_last_input(st, "reconcile", &last, &err), 0);
	ck_assert_ptr_null(last);
	ck_assert_int_eq(store_run_start(st, "reconcile", "cfg", &id1, &err),
	                 0);
	ck_assert_int_eq(store_run_finish(st, id1, "ok", "in-1", "m", &err), 0);
	ck_assert_int_eq(store_run_start(st, "reconcile", "cfg", &id2, &err),
	                 0);
	ck_assert_int_eq(store_run_finish(st, id2, "failed", "in-2", "m", &err),
	                 0);
	ck_assert_int_eq(store_last_input(st, "reconcile", &last, &err), 0);
	ck_assert_str_eq(last, "in-1"); /* failed runs do not count */
	free(last);
	ck_assert_int_eq(store_run_finish(st, id2, "bogus", NULL, NULL, &err),
	                 -1);
	store_close(st);
}
END_TEST

START_TEST(test_store_rolls_back_a_failed_transaction)
{
	struct store *st = NULL;
	struct error err;
	struct store_stmt *s = NULL;

	ck_assert_int_eq(store_open(&st, path, &err), 0);
	ck_assert_int_eq(store_begin(st, &err), 0);
	ck_assert_int_eq(store_exec(st,
	                            "INSERT INTO source VALUES ('a', 'p', 't', "
	                            "'u', 'csv', 'l', 'c', 'publisher', 'h')",
	                            &err),
	                 0);
	store_rollback(st);
	store_rollback(st); /* harmless outside a transaction */
	ck_assert_int_eq(
	        store_prepare(st, "SELECT count(*) FROM source", &s, &err), 0);
	ck_assert_int_eq(store_step(s), STORE_ROW);
	ck_assert_int_eq(store_col_int(s, 0), 0);
	store_finalize(s);
	store_close(st);
}
END_TEST

/* The sql of a schema object. */
static char *
schema_sql(struct store *st, const char *name)
{
	struct store_stmt *s = NULL;
	struct error err;
	char *sql;

	ck_assert_int_eq(store_prepare(st,
	                               "SELECT sql FROM sqlite_schema WHERE "
	                               "name = ?",
	                               &s, &err),
	                 0);
	store_bind_text(s, 1, name);
	ck_assert_int_eq(store_step(s), STORE_ROW);
	sql = xstrdup(store_col_text(s, 0));
	store_finalize(s);
	return sql;
}

START_TEST(test_store_migration_4_keeps_observations_and_defers_keys)
{
	struct store *st = NULL;
	struct error err;
	char *sql;

	/* A store of schema 3 with a parse, two observations and a value. */
	ck_assert_msg(store_open_version(&st, path, 3, &err) == 0, "%s",
	              err.msg);
	ck_assert_int_eq(pragma(st, "user_version"), 3);
	ck_assert_msg(
	        store_exec(
	                st,
	                "INSERT INTO run VALUES (1, 'normalize', 't', 't', "
	                "'ok', 'v', 'c', 'in', NULL);"
	                "INSERT INTO run VALUES (2, 'reconcile', 't', 't', "
	                "'ok', 'v', 'c', 'in', NULL);"
	                "INSERT INTO source VALUES ('a', 'p', 't', 'u', "
	                "'csv', 'l', 'c', 'publisher', 'h');"
	                "INSERT INTO snapshot VALUES ('"
	                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
	                "934ca495991b7852b855', 0, NULL, 't');"
	                "INSERT INTO parse (id, run_id, source_id, "
	                "snapshot_sha256, source_config_hash, status, "
	                "observations, parsed_at) VALUES (7, 1, 'a', "
	                "'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
	                "934ca495991b7852b855', 'h', 'loaded', 2, 't');"
	                "INSERT INTO observation (id, parse_id, measure, "
	                "raw_geo, raw_period, raw_value, value, unit, "
	                "locator) VALUES (40, 7, 'm', 'FR', '2020', '1 500', "
	                "1500, 'u', 'row 2'), (45, 7, 'm', 'DE', '2020', "
	                "'12', 12, 'u', 'x');"
	                "UPDATE observation SET locator = NULL, line = 3, "
	                "col = 4 WHERE id = 45;"
	                "INSERT INTO lineage VALUES (1, 'x', 'r');"
	                "INSERT INTO value (key, indicator, geo, period, "
	                "known_from, value, unit, status, source_id, "
	                "lineage_id, observation_id) VALUES ('k', 'i', 'FR', "
	                "'2020', 't', 1500, 'u', 'published', 'a', 1, 40);",
	                &err) == 0,
	        "%s", err.msg);
	store_close(st);

	ck_assert_msg(store_open_version(&st, path, 4, &err) == 0, "%s",
	              err.msg);
	ck_assert_int_eq(pragma(st, "user_version"), 4);
	/* The observations, ids and all, and the view over them. */
	ck_assert_int_eq(tu_scalar(st,
	                           "SELECT count(*) FROM obs WHERE "
	                           "(id = 40 AND raw_value = '1 500' AND "
	                           "value = 1500 AND locator = 'row 2') OR "
	                           "(id = 45 AND locator = 'line 3, column 4' "
	                           "AND parse_id = 7)"),
	                 2);
	/* Values are derived again: reconcile is due. */
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM value"), 0);
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM run WHERE stage = "
	                               "'reconcile' AND input_hash IS NULL"),
	                 1);
	sql = schema_sql(st, "observation");
	ck_assert_msg(strstr(sql, "REFERENCES parse(id)    DEFERRABLE "
	                          "INITIALLY DEFERRED"),
	              "%s", sql);
	free(sql);
	sql = schema_sql(st, "value");
	ck_assert_msg(strstr(sql, "REFERENCES observation(id)    DEFERRABLE "
	                          "INITIALLY DEFERRED"),
	              "%s", sql);
	free(sql);
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM "
	                               "pragma_foreign_key_check"),
	                 0);
	/* A deferred key still holds: at COMMIT. */
	ck_assert_int_eq(store_begin(st, &err), 0);
	ck_assert_int_eq(store_exec(st,
	                            "INSERT INTO observation (parse_id, "
	                            "measure, raw_geo, raw_period, raw_value, "
	                            "unit, locator) VALUES (99, 'm', 'FR', "
	                            "'2021', '1', 'u', 'x')",
	                            &err),
	                 0);
	ck_assert_int_eq(store_commit(st, &err), -1);
	ck_assert_msg(strstr(err.msg, "FOREIGN KEY"), "%s", err.msg);
	store_rollback(st);
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM observation"), 2);
	store_close(st);
}
END_TEST

/* Source a, a lineage row, and the head of an INSERT of values. */
#define VALUES_OF_A                                                            \
	"INSERT INTO source VALUES ('a', 'p', 't', 'u', 'csv', 'l', 'c', "     \
	"'publisher', 'h');"                                                   \
	"INSERT INTO lineage VALUES (1, 'x', 'r');"                            \
	"INSERT INTO value (key, indicator, geo, period, known_from, value, "  \
	"unit, status, source_id, lineage_id) VALUES "

/* Migration 5 indexes the values not chosen, keeping every value; the
 * index serves the search for them (emit's conflicts.csv). */
START_TEST(test_store_migration_5_indexes_values_not_chosen)
{
	struct store *st = NULL;
	struct error err;
	struct store_stmt *s = NULL;
	struct strbuf plan;

	ck_assert_msg(store_open_version(&st, path, 4, &err) == 0, "%s",
	              err.msg);
	ck_assert_msg(
	        store_exec(st,
	                   VALUES_OF_A
	                   "('k1', 'i', 'FR', '2020', 't', "
	                   "1, 'u', 'published', 'a', 1), ('k2', 'i', 'FR', "
	                   "'2020', 't', 2, 'u', '" STORE_NOT_CHOSEN
	                   "', 'a', 1);",
	                   &err) == 0,
	        "%s", err.msg);
	store_close(st);
	ck_assert_msg(store_open_version(&st, path, 5, &err) == 0, "%s",
	              err.msg);
	ck_assert_int_eq(pragma(st, "user_version"), 5);
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM value"), 2);
	ck_assert_int_eq(
	        tu_scalar(st,
	                  "SELECT count(*) FROM value INDEXED BY "
	                  "value_not_chosen WHERE status = '" STORE_NOT_CHOSEN
	                  "'"),
	        1);
	strbuf_init(&plan, SIZE_MAX / 2);
	ck_assert_int_eq(store_prepare(st,
	                               "EXPLAIN QUERY PLAN SELECT key FROM "
	                               "value WHERE status = '" STORE_NOT_CHOSEN
	                               "' ORDER BY indicator, geo, period, "
	                               "source_id",
	                               &s, &err),
	                 0);
	while (store_step(s) == STORE_ROW)
		strbuf_addf(&plan, "%s\n", store_col_text(s, 3));
	store_finalize(s);
	ck_assert_msg(strstr(plan.buf, "USING INDEX value_not_chosen"), "%s",
	              plan.buf);
	strbuf_release(&plan);
	store_close(st);
}
END_TEST

/* Migration 6 gives observations and values a precision: a figure loaded
 * with a scale word gets the unit of its last digit, as normalize now sets
 * it; others state none; values keep their rows, and reconcile is due. */
START_TEST(test_store_migration_6_adds_precision)
{
	struct store *st = NULL;
	struct error err;

	ck_assert_msg(store_open_version(&st, path, 5, &err) == 0, "%s",
	              err.msg);
	ck_assert_msg(
	        store_exec(st,
	                   "INSERT INTO run VALUES (1, 'normalize', 't', 't', "
	                   "'ok', 'v', 'c', 'in', NULL);"
	                   "INSERT INTO run VALUES (2, 'reconcile', 't', 't', "
	                   "'ok', 'v', 'c', 'in', NULL);"
	                   "INSERT INTO source VALUES ('a', 'p', 't', 'u', "
	                   "'csv', 'l', 'c', 'publisher', 'h');"
	                   "INSERT INTO snapshot VALUES ('"
	                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
	                   "934ca495991b7852b855', 0, NULL, 't');"
	                   "INSERT INTO parse (id, run_id, source_id, "
	                   "snapshot_sha256, source_config_hash, status, "
	                   "observations, parsed_at) VALUES (7, 1, 'a', "
	                   "'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b"
	                   "934ca495991b7852b855', 'h', 'loaded', 3, 't');"
	                   "INSERT INTO observation (id, parse_id, measure, "
	                   "raw_geo, raw_period, raw_value, value, unit, "
	                   "scale, decimals, locator) VALUES (1, 7, 'm', "
	                   "'GB', '2020', 'at least 8.8 million', 8800000, "
	                   "'u', 6, 1, 'p'), (2, 7, 'm', 'FR', '2020', "
	                   "'2 million', 2000000, 'u', 6, 0, 'p'), (3, 7, "
	                   "'m', 'DE', '2020', '260,400', 260400, 'u', 0, 0, "
	                   "'p');"
	                   "INSERT INTO lineage VALUES (1, 'x', 'r');"
	                   "INSERT INTO value (key, indicator, geo, period, "
	                   "known_from, value, unit, status, source_id, "
	                   "lineage_id, observation_id) VALUES ('k', 'i', "
	                   "'GB', '2020', 't', 8800000, 'u', 'published', "
	                   "'a', 1, 1);",
	                   &err) == 0,
	        "%s", err.msg);
	store_close(st);
	ck_assert_msg(store_open_version(&st, path, 6, &err) == 0, "%s",
	              err.msg);
	ck_assert_int_eq(pragma(st, "user_version"), 6);
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM obs WHERE "
	                               "(id = 1 AND precision = 'rounded to "
	                               "100000') OR (id = 2 AND precision = "
	                               "'rounded to 1000000') OR (id = 3 AND "
	                               "precision = '')"),
	                 3);
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM value WHERE "
	                               "precision = ''"),
	                 1);
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM run WHERE stage = "
	                               "'reconcile' AND input_hash IS NULL"),
	                 1);
	store_close(st);
}
END_TEST

/* The definitions of the value tables and their indexes, one text. */
static char *
value_schema(struct store *st)
{
	struct store_stmt *s = NULL;
	struct error err;
	struct strbuf sb;

	strbuf_init(&sb, SIZE_MAX / 2);
	ck_assert_int_eq(store_prepare(st,
	                               "SELECT type, name, sql FROM "
	                               "sqlite_schema WHERE tbl_name IN "
	                               "('value', 'value_input', "
	                               "'derived_input') ORDER BY name",
	                               &s, &err),
	                 0);
	while (store_step(s) == STORE_ROW)
		strbuf_addf(&sb, "%s %s %s\n", store_col_text(s, 0),
		            store_col_text(s, 1), store_col_text(s, 2));
	store_finalize(s);
	return strbuf_detach(&sb, NULL);
}

START_TEST(test_store_values_reset_empties_and_keeps_the_schema)
{
	struct store *st = NULL;
	struct error err;
	char *fresh, *again, *indexes;

	ck_assert_int_eq(store_open(&st, path, &err), 0);
	fresh = value_schema(st);
	ck_assert_msg(strstr(fresh, "index value_key ") &&
	                      strstr(fresh, "table derived_input "),
	              "%s", fresh);
	ck_assert_msg(
	        store_exec(st,
	                   VALUES_OF_A
	                   "('k', 'i', 'FR', '2020', 't', "
	                   "1, 'u', 'published', 'a', 1);"
	                   "INSERT INTO derived_input VALUES (1, 1, 'x');",
	                   &err) == 0,
	        "%s", err.msg);
	/* As reconcile does: reset, values, then value's indexes. */
	ck_assert_int_eq(store_begin(st, &err), 0);
	ck_assert_msg(store_values_reset(st, &indexes, &err) == 0, "%s",
	              err.msg);
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM value"), 0);
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM derived_input"),
	                 0);
	/* The partial index is there at once; the full ones are not. */
	ck_assert_int_eq(tu_scalar(st, "SELECT group_concat(name) = "
	                               "'value_not_chosen' FROM sqlite_schema "
	                               "WHERE type = 'index' AND tbl_name = "
	                               "'value'"),
	                 1);
	ck_assert_msg(strstr(indexes, "value_key") &&
	                      strstr(indexes, "value_by_key") &&
	                      !strstr(indexes, "value_not_chosen"),
	              "%s", indexes);
	ck_assert_msg(store_exec(st, indexes, &err) == 0, "%s", err.msg);
	free(indexes);
	ck_assert_msg(store_commit(st, &err) == 0, "%s", err.msg);
	again = value_schema(st);
	ck_assert_str_eq(again, fresh);
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM lineage"), 1);
	free(fresh);
	free(again);
	store_close(st);
}
END_TEST

/* store_locator() spells what the view obs gives, for C code that reads
 * the table (reconcile) or has not stored the row yet (normalize). */
/* The text a query of st gives first is want. */
static void
expect_text(struct store *st, const char *sql, const char *want)
{
	struct store_stmt *s = NULL;
	struct error err;

	ck_assert_msg(store_prepare(st, sql, &s, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(store_step(s), STORE_ROW);
	ck_assert_str_eq(store_col_text(s, 0), want);
	store_finalize(s);
}

/* The journal mode of st's connection (lowercase, as SQLite says it). */
static void
expect_journal_mode(struct store *st, const char *mode)
{
	expect_text(st, "PRAGMA journal_mode", mode);
}

/* Size of base + suffix, -1 if it does not exist. */
static long long
file_size(const char *base, const char *suffix)
{
	char *p = xasprintf("%s%s", base, suffix);
	struct stat sb;
	long long size = stat(p, &sb) == 0 ? (long long)sb.st_size : -1;

	free(p);
	return size;
}

/* Inserts n runs (their ids from first) in st's open transaction. */
static void
insert_runs(struct store *st, int first, int n)
{
	struct error err;
	char *sql = xasprintf(
	        "WITH RECURSIVE i(k) AS (SELECT %d UNION ALL SELECT k + 1 "
	        "FROM i WHERE k < %d) INSERT INTO run (id, stage, started_at, "
	        "status, tool_version, config_hash) SELECT k, 'normalize', "
	        "'2026-01-01T00:00:00Z', 'ok', printf('%%400d', k), 'h' FROM i",
	        first, first + n - 1);

	ck_assert_msg(store_exec(st, sql, &err) == 0, "%s", err.msg);
	free(sql);
}

/* A load's transaction has a rollback journal, whose pages are written once
 * (a WAL's twice); the store is in WAL mode again after it, committed or
 * rolled back, and no journal file is left. */
START_TEST(test_store_load_writes_through_a_rollback_journal)
{
	struct store *st = NULL;
	struct error err;

	ck_assert_int_eq(store_open(&st, path, &err), 0);
	expect_journal_mode(st, "wal");
	ck_assert_int_eq(store_begin_load(st, &err), 0);
	expect_journal_mode(st, "truncate");
	insert_runs(st, 1, 2000);
	ck_assert_int_eq(store_commit(st, &err), 0);
	expect_journal_mode(st, "wal");
	ck_assert_int_eq(file_size(path, "-journal"), -1);
	ck_assert_int_eq(store_begin_load(st, &err), 0);
	insert_runs(st, 3000, 10);
	store_rollback(st);
	expect_journal_mode(st, "wal");
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM run"), 2000);
	/* A plain write transaction keeps WAL. */
	ck_assert_int_eq(store_begin(st, &err), 0);
	expect_journal_mode(st, "wal");
	store_rollback(st);
	store_close(st);
	ck_assert_int_eq(file_size(path, "-journal"), -1);
	ck_assert_int_eq(file_size(path, "-wal"), -1);
}
END_TEST

/* Leaving WAL needs the only connection: beside a reader the load runs in
 * WAL, at once (SQLite refuses without waiting for busy_timeout), and the
 * reader reads the last commit meanwhile. */
START_TEST(test_store_load_beside_a_reader_stays_in_wal)
{
	struct store *st = NULL, *reader = NULL;
	struct error err;

	ck_assert_int_eq(store_open(&st, path, &err), 0);
	ck_assert_int_eq(store_open_readonly(&reader, path, &err), 0);
	ck_assert_int_eq(tu_scalar(reader, "SELECT count(*) FROM run"), 0);
	ck_assert_int_eq(store_begin_load(st, &err), 0);
	expect_journal_mode(st, "wal");
	insert_runs(st, 1, 50);
	ck_assert_int_eq(tu_scalar(reader, "SELECT count(*) FROM run"), 0);
	ck_assert_int_eq(store_commit(st, &err), 0);
	ck_assert_int_eq(tu_scalar(reader, "SELECT count(*) FROM run"), 50);
	store_close(reader);
	/* The reader gone, the next load has its journal. */
	ck_assert_int_eq(store_begin_load(st, &err), 0);
	expect_journal_mode(st, "truncate");
	store_rollback(st);
	expect_journal_mode(st, "wal");
	store_close(st);
}
END_TEST

/* Copies the file from + suffix to to + suffix, byte for byte. */
static void
copy_file(const char *from, const char *to, const char *suffix)
{
	char *a = xasprintf("%s%s", from, suffix);
	char *b = xasprintf("%s%s", to, suffix);
	FILE *in = fopen(a, "rb"), *out = fopen(b, "wb");
	char buf[8192];
	size_t n;

	ck_assert(in && out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	ck_assert(!ferror(in));
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
	free(a);
	free(b);
}

/* A load killed midway leaves a hot journal: a read-only open cannot roll
 * it back and says what to do; the next read-write open does, and the store
 * is as it was before the load, in WAL mode.  The killed process is the
 * files as they are in the middle of the load, copied: what a kill leaves
 * on disk (a forked child killed under valgrind still reports its heap). */
START_TEST(test_store_load_killed_midway_is_rolled_back)
{
	struct store *st = NULL;
	struct error err;
	char *image = xasprintf("%s/killed.sqlite", dir);

	ck_assert_int_eq(store_open(&st, path, &err), 0);
	ck_assert_int_eq(store_begin(st, &err), 0);
	insert_runs(st, 1, 100);
	ck_assert_int_eq(store_commit(st, &err), 0);
	/* Enough to spill pages into the database file. */
	ck_assert_int_eq(store_exec(st, "PRAGMA cache_size = 10", &err), 0);
	ck_assert_int_eq(store_begin_load(st, &err), 0);
	ck_assert_int_eq(store_exec(st, "DELETE FROM run", &err), 0);
	insert_runs(st, 1, 5000);
	ck_assert_int_gt(file_size(path, "-journal"), 0);
	copy_file(path, image, "");
	copy_file(path, image, "-journal");
	store_rollback(st);
	store_close(st);

	ck_assert_int_eq(store_open_readonly(&st, image, &err), -1);
	ck_assert_msg(strstr(err.msg, "a load was interrupted") &&
	                      strstr(err.msg, "provstat run"),
	              "%s", err.msg);
	ck_assert_int_eq(store_open(&st, image, &err), 0);
	ck_assert_int_eq(tu_scalar(st, "SELECT count(*) FROM run"), 100);
	ck_assert_int_eq(tu_scalar(st, "SELECT max(id) FROM run"), 100);
	expect_journal_mode(st, "wal");
	store_close(st);
	ck_assert_int_eq(store_open_readonly(&st, image, &err), 0);
	expect_text(st, "PRAGMA integrity_check", "ok");
	store_close(st);
	free(image);
}
END_TEST

START_TEST(test_store_locator_spells_the_view)
{
	struct store *st = NULL;
	struct store_stmt *s = NULL;
	struct error err;
	char buf[STORE_LOCATOR_MAX];

	ck_assert_int_eq(store_open(&st, path, &err), 0);
	ck_assert_int_eq(store_begin(st, &err), 0);
	/* parse 1 does not exist: the key is deferred, and this rolls back. */
	ck_assert_msg(store_exec(st,
	                         "INSERT INTO observation (id, parse_id, "
	                         "measure, raw_geo, raw_period, raw_value, "
	                         "unit, locator, line, col) VALUES (1, 1, 'm', "
	                         "'g', 'p', 'v', 'u', NULL, 1234567, 89), (2, "
	                         "1, 'm', 'g', 'p', 'v', 'u', '/value/3', 0, "
	                         "1)",
	                         &err) == 0,
	              "%s", err.msg);
	ck_assert_int_eq(store_prepare(st,
	                               "SELECT locator FROM obs ORDER BY id",
	                               &s, &err),
	                 0);
	ck_assert_int_eq(store_step(s), STORE_ROW);
	ck_assert_str_eq(store_locator(NULL, 1234567, 89, buf),
	                 store_col_text(s, 0));
	ck_assert_str_eq(store_locator("", -1, 0, buf), "line -1, column 0");
	ck_assert_int_eq(store_step(s), STORE_ROW);
	ck_assert_str_eq(store_locator("/value/3", 0, 1, buf),
	                 store_col_text(s, 0));
	store_finalize(s);
	store_rollback(st);
	store_close(st);
}
END_TEST

Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("schema");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_store_creates_the_schema_with_identity);
	tcase_add_test(tc, test_store_pages_and_temporary_pages);
	tcase_add_test(tc, test_store_enforces_strict_types_and_no_dqs);
	tcase_add_test(tc, test_store_refuses_a_foreign_database);
	tcase_add_test(tc, test_store_refuses_a_newer_schema);
	tcase_add_test(tc, test_store_records_runs_and_their_inputs);
	tcase_add_test(tc, test_store_rolls_back_a_failed_transaction);
	tcase_add_test(
	        tc, test_store_migration_4_keeps_observations_and_defers_keys);
	tcase_add_test(tc, test_store_migration_5_indexes_values_not_chosen);
	tcase_add_test(tc, test_store_migration_6_adds_precision);
	tcase_add_test(tc,
	               test_store_values_reset_empties_and_keeps_the_schema);
	tcase_add_test(tc, test_store_locator_spells_the_view);
	tcase_add_test(tc, test_store_load_writes_through_a_rollback_journal);
	tcase_add_test(tc, test_store_load_beside_a_reader_stays_in_wal);
	tcase_add_test(tc, test_store_load_killed_midway_is_rolled_back);
	suite_add_tcase(s, tc);
	return s;
}
