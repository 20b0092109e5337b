/*
 * Tests for binds: a parameter is bound again when what it should hold
 * changes, whatever it held before, and not otherwise.  A two-row INSERT
 * into an in-memory table runs with one set of values after another; each
 * run's rows are read back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/store_binds.h"
#include "common/store.h"
#include "common/xalloc.h"
#include "testutil.h"

static char *dir;
static struct store *st;
static struct store_stmt *ins, *sel;

static void
setup(void)
{
	struct error err;
	char *path;

	dir = tu_tmpdir();
	path = xasprintf("%s/store.sqlite", dir);
	ck_assert_int_eq(store_open(&st, path, &err), 0);
	free(path);
	ck_assert_int_eq(
	        store_exec(st, "CREATE TEMP TABLE t (i, n, a, b)", &err), 0);
	ck_assert_int_eq(store_prepare(st,
	                               "INSERT INTO t VALUES (?, ?, ?, ?), "
	                               "(?, ?, ?, ?)",
	                               &ins, &err),
	                 0);
	ck_assert_int_eq(store_prepare(st,
	                               "SELECT group_concat(quote(i) || ' ' || "
	                               "quote(n) || ' ' || quote(a) || ' ' || "
	                               "quote(b), ' | ') FROM (SELECT * FROM t "
	                               "ORDER BY rowid); ",
	                               &sel, &err),
	                 0);
}

static void
teardown(void)
{
	store_finalize(ins);
	store_finalize(sel);
	store_close(st);
	tu_rmrf(dir);
	free(dir);
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
run(struct store_binds *m, const struct row r[2])
{
	static char got[512];
	struct error err;
	char arena[2][16]; /* refilled: text the memo must not trust */
	int k;

	store_reset(ins);
	for (k = 0; k < 2; k++) {
		int c = k * 4;

		store_binds_int(ins, m, c + 1, r[k].i);
		if (r[k].null)
			store_binds_null(ins, m, c + 2);
		else
			store_binds_int(ins, m, c + 2, r[k].i * 10);
		snprintf(arena[k], sizeof(arena[k]), "%s", r[k].a);
		store_binds_text(ins, m, c + 3, arena[k]);
		store_binds_lasting(ins, m, c + 4, r[k].b);
	}
	ck_assert_int_eq(store_step(ins), STORE_DONE);
	store_reset(sel);
	ck_assert_int_eq(store_step(sel), STORE_ROW);
	snprintf(got, sizeof(got), "%s", store_col_text(sel, 0));
	ck_assert_int_eq(store_exec(st, "DELETE FROM t", &err), 0);
	return got;
}

START_TEST(test_binds_rebinds_what_changes)
{
	static const char one[] = "one", two[] = "two";
	struct store_binds *m = store_binds_new(8);

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
	store_binds_free(m);
	/* Without a memo, everything is bound. */
	ck_assert_str_eq(
	        run(NULL, (struct row[]){{5, 1, "", two}, {6, 0, "w", one}}),
	        "5 NULL '' 'two' | 6 60 'w' 'one'");
}
END_TEST

START_TEST(test_binds_text_null_binds_null)
{
	struct store_binds *m = store_binds_new(8);
	int k;

	for (k = 0; k < 4; k++) {
		store_reset(ins);
		if (k < 3)
			store_binds_text(ins, m, 3,
			                 k == 1 ? NULL
			                 : k    ? "u"
			                        : "t");
		else
			store_binds_null(ins, m, 3); /* after text */
		store_binds_text(ins, m, 7, k == 1 ? "" : NULL);
		ck_assert_int_eq(store_step(ins), STORE_DONE);
	}
	store_reset(sel);
	ck_assert_int_eq(store_step(sel), STORE_ROW);
	ck_assert_str_eq(store_col_text(sel, 0),
	                 "NULL NULL 't' NULL | NULL NULL NULL NULL | "
	                 "NULL NULL NULL NULL | NULL NULL '' NULL | "
	                 "NULL NULL 'u' NULL | NULL NULL NULL NULL | "
	                 "NULL NULL NULL NULL | NULL NULL NULL NULL");
	store_binds_free(m);
}
END_TEST

Suite *
store_binds_suite(void)
{
	Suite *s = suite_create("binds");
	TCase *tc = tcase_create("memo");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_binds_rebinds_what_changes);
	tcase_add_test(tc, test_binds_text_null_binds_null);
	suite_add_tcase(s, tc);
	return s;
}
