/*
 * store_stmt — the statement functions of store.h that need only the
 * statement, not the store's connection.  struct store_stmt is never
 * defined: a pointer to one is SQLite's sqlite3_stmt, converted back here
 * (store_prepare() in store.c makes them).
 */
#include "store.h"

#include "store_sqlite.h"
#include "xalloc.h"

static sqlite3_stmt *
stmt(struct store_stmt *s)
{
	return (sqlite3_stmt *)s;
}

void
store_finalize(struct store_stmt *s)
{
	sqlite3_finalize(stmt(s));
}

void
store_reset(struct store_stmt *s)
{
	sqlite3_reset(stmt(s));
}

int
store_step(struct store_stmt *s)
{
	int rc = sqlite3_step(stmt(s));

	/* The two codes are SQLite's own (store.h spells them so that a
	 * result passes through unchanged); checked when this compiles. */
	_Static_assert(STORE_ROW == SQLITE_ROW && STORE_DONE == SQLITE_DONE,
	               "STORE_ROW and STORE_DONE are SQLite's codes");
	return rc;
}

void
store_bind_int(struct store_stmt *s, int i, long long v)
{
	sqlite3_bind_int64(stmt(s), i, v);
}

void
store_bind_double(struct store_stmt *s, int i, double v)
{
	sqlite3_bind_double(stmt(s), i, v);
}

void
store_bind_null(struct store_stmt *s, int i)
{
	sqlite3_bind_null(stmt(s), i);
}

void
store_bind_text(struct store_stmt *s, int i, const char *text)
{
	sqlite3_bind_text(stmt(s), i, text, -1, SQLITE_STATIC);
}

void
store_bind_copy(struct store_stmt *s, int i, const char *text, int len)
{
	sqlite3_bind_text(stmt(s), i, text, len, SQLITE_TRANSIENT);
}

long long
store_col_int(struct store_stmt *s, int i)
{
	return sqlite3_column_int64(stmt(s), i);
}

double
store_col_double(struct store_stmt *s, int i)
{
	return sqlite3_column_double(stmt(s), i);
}

const char *
store_col_text(struct store_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(stmt(s), i);
}

const char *
store_col_str(struct store_stmt *s, int i)
{
	const char *t = store_col_text(s, i);

	return t ? t : "";
}

char *
store_col_dup(struct store_stmt *s, int i)
{
	const char *t = store_col_text(s, i);

	return t ? xstrdup(t) : NULL;
}

int
store_col_null(struct store_stmt *s, int i)
{
	return sqlite3_column_type(stmt(s), i) == SQLITE_NULL;
}

int
store_threadsafe(void)
{
	return sqlite3_threadsafe() != 0;
}
