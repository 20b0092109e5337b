/*
 * store_sqlite — what the store's modules (store*.c) share of SQLite
 * itself; no other module includes this header.
 */
#ifndef PROVSTAT_STORE_SQLITE_H
#define PROVSTAT_STORE_SQLITE_H

#include <sqlite3.h>

#include "error.h"

/* Runs SQL without results on db; a failure's message starts "LABEL: ". */
int store_sqlite_exec(sqlite3 *db, const char *label, const char *sql,
                      struct error *err);

#endif
