/*
 * Tests for binds: a parameter is bound again when what it should hold
 * changes, whatever it held before, and not otherwise.  A two-row INSERT
 * into an in-memory table runs with one set of values after another; each
 * run's rows are read back.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "common/binds.h"
#include "testutil.h"

static sqlite3 *db;
static sqlite3_stmt *ins, *sel;

static void
setup(void)
{
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t (i, n, a, b)", NULL,
	                              NULL, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(
	        sqlite3_prepare_v2(db,
	                           "INSERT INTO t VALUES (?, ?, ?, ?), "
	                           "(?, ?, ?, ?)",
	                           -1, &ins, NULL),
	        SQLITE_OK);
	ck_assert_int_eq(
	        sqlite3_prepare_v2(db,
	                           "SELECT group_concat(quote(i) || ' ' || "
	                           "quote(n) || ' ' || quote(a) || ' ' || "
	                           "quote(b), ' | ') FROM (SELECT * FROM t "
	                           "ORDER BY rowid); ",
	                           -1, &sel, NULL),
	        SQLITE_OK);
}

static void
teardown(void)
{
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	sqlite3_close(db);
}

/* One row's values: i an integer (or NULL when null), n NULL or an
 * integer, a text from an arena, b lasting text. */
struct row {
	long long i;
	int null;
	const char *a, *b;
};

/* Runs the INSERT with two rows through memo m; returns the table's rows
 * (then empties it). */
static const char *
run(struct binds *m, const struct row r[2])
{
	static char got[512];
	char arena[2][16]; /* refilled: text the memo must not trust */
	int k;

	sqlite3_reset(ins);
	for (k = 0; k < 2; k++) {
		int c = k * 4;

		binds_int(ins, m, c + 1, r[k].i);
		if (r[k].null)
			binds_null(ins, m, c + 2);
		else
			binds_int(ins, m, c + 2, r[k].i * 10);
		snprintf(arena[k], sizeof(arena[k]), "%s", r[k].a);
		binds_text(ins, m, c + 3, arena[k]);
		binds_lasting(ins, m, c + 4, r[k].b);
	}
	ck_assert_int_eq(sqlite3_step(ins), SQLITE_DONE);
	sqlite3_reset(sel);
	ck_assert_int_eq(sqlite3_step(sel), SQLITE_ROW);
	snprintf(got, sizeof(got), "%s", sqlite3_column_text(sel, 0));
	ck_assert_int_eq(sqlite3_exec(db, "DELETE FROM t", NULL, NULL, NULL),
	                 SQLITE_OK);
	return got;
}

START_TEST(test_binds_rebinds_what_changes)
{
	static const char one[] = "one", two[] = "two";
	struct binds *m = binds_new(8);

	ck_assert_str_eq(
	        run(m, (struct row[]){{1, 0, "", one}, {2, 1, "x", one}}),
	        "1 10 '' 'one' | 2 NULL 'x' 'one'");
	/* The same again: nothing to bind but the arena's text. */
	ck_assert_str_eq(
	        run(m, (struct row[]){{1, 0, "", one}, {2, 1, "x", one}}),
	        "1 10 '' 'one' | 2 NULL 'x' 'one'");
	/* Each kind changes to another: int to NULL, NULL to int, empty to
	 * text and back, one lasting text to another; and the arena's text
	 * at the same place changes (bound again, or SQLite would keep its
	 * old length). */
	ck_assert_str_eq(
	        run(m, (struct row[]){{1, 1, "y", two}, {3, 0, "vw", one}}),
	        "1 NULL 'y' 'two' | 3 30 'vw' 'one'");
	ck_assert_str_eq(
	        run(m, (struct row[]){{4, 0, "", one}, {3, 0, "", two}}),
	        "4 40 '' 'one' | 3 30 '' 'two'");
	binds_free(m);
	/* Without a memo, everything is bound. */
	ck_assert_str_eq(
	        run(NULL, (struct row[]){{5, 1, "", two}, {6, 0, "w", one}}),
	        "5 NULL '' 'two' | 6 60 'w' 'one'");
}
END_TEST

START_TEST(test_binds_text_null_binds_null)
{
	struct binds *m = binds_new(8);
	int k;

	for (k = 0; k < 4; k++) {
		sqlite3_reset(ins);
		if (k < 3)
			binds_text(ins, m, 3, k == 1 ? NULL : k ? "u" : "t");
		else
			binds_null(ins, m, 3); /* after text */
		binds_text(ins, m, 7, k == 1 ? "" : NULL);
		ck_assert_int_eq(sqlite3_step(ins), SQLITE_DONE);
	}
	sqlite3_reset(sel);
	ck_assert_int_eq(sqlite3_step(sel), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(sel, 0),
	                 "NULL NULL 't' NULL | NULL NULL NULL NULL | "
	                 "NULL NULL NULL NULL | NULL NULL '' NULL | "
	                 "NULL NULL 'u' NULL | NULL NULL NULL NULL | "
	                 "NULL NULL NULL NULL | NULL NULL NULL NULL");
	binds_free(m);
}
END_TEST

Suite *
binds_suite(void)
{
	Suite *s = suite_create("binds");
	TCase *tc = tcase_create("memo");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_binds_rebinds_what_changes);
	tcase_add_test(tc, test_binds_text_null_binds_null);
	suite_add_tcase(s, tc);
	return s;
}
