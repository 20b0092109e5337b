/*
 * store_release — a release's own SQLite database (indicators.sqlite): a
 * scratch database that rows are inserted into, then written compactly
 * to its file with VACUUM INTO, fsync'd and integrity-checked.  A part of
 * the store's adapter, so that SQLite has one.
 *
 * Ownership: store_release_open() returns a handle the caller closes with
 * store_release_close(); cells are borrowed for the call.
 */
#ifndef PROVSTAT_STORE_RELEASE_H
#define PROVSTAT_STORE_RELEASE_H

#include <stddef.h>

#include "error.h"

struct store_release;

/* Opens a private scratch database, runs ddl (the CREATE TABLEs) and
 * begins the transaction the rows go in.  Messages name label (the file's
 * name).  *out is set even on failure, for store_release_close(). */
int store_release_open(struct store_release **out, const char *label,
                       const char *ddl, struct error *err);
/*
 * Inserts nrows rows of ncols cells (row after row) into table.  Cells
 * are text (NULL binds NULL); column real_col (or none, -1) is a number:
 * empty is NULL, anything else must parse whole as a double.  Many rows go
 * in one multi-row INSERT, and a text cell that repeats the one above it
 * is not bound again when it is empty or NULL.
 */
int store_release_insert(struct store_release *o, const char *table, int ncols,
                         int real_col, const char *const *cells, size_t nrows,
                         struct error *err);
/* Commits, writes the database to path (VACUUM INTO, which does not
 * fsync: this does), and checks the file with integrity_check. */
int store_release_finish(struct store_release *o, const char *path,
                         struct error *err);
void store_release_close(struct store_release *o);

#endif
