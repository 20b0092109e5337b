/*
 * store — the SQLite database every stage reads and writes: the adapter for
 * sqlite3.  Only the store's modules (store*.c) include <sqlite3.h>: this
 * one (opening, transactions, statements, runs, lineage), store_stmt (a
 * statement's binds, steps and columns), store_parse (the parse table),
 * store_values (values as known at a time) and store_release (a release's
 * own indicators.sqlite).  Stages run the
 * queries of their own algorithms through the statements below.
 *
 * Opening applies the safe settings of doc/libraries.md once, here: WAL,
 * busy_timeout, SQLITE_DBCONFIG_DEFENSIVE, no double-quoted strings,
 * foreign_keys, STRICT tables; application_id and user_version identify the
 * schema, and store_open() migrates an older schema forward in one
 * transaction (a newer one is refused).  Every write transaction starts with
 * BEGIN IMMEDIATE.  A bulk load (store_begin_load()) runs with a rollback
 * journal instead of the WAL, which writes each of its pages once, and the
 * store is in WAL mode again when it ends.
 *
 * Tables (see SCHEMA in store.c for the columns):
 *   run          one row per stage run
 *   source       the configured sources as last seen
 *   snapshot     archived documents, by SHA-256 (bytes in the archive)
 *   fetch        one row per fetch attempt
 *   parse        one row per snapshot read under one source config:
 *                loaded (its observations are in) or rejected (problems)
 *   observation  what a source said, raw text and locator; a parse's
 *                observations are the id range first..last_observation
 *   obs          a view of observation with every locator spelt out
 *   lineage      deduplicated recipes (rules applied)
 *   value        canonical indicator values, bitemporal
 *   value_input  all the observations of a value made from several
 */
#ifndef PROVSTAT_STORE_H
#define PROVSTAT_STORE_H

#include <stdint.h>

#include "error.h"

struct store;

#define STORE_APPLICATION_ID 0x70727374 /* "prst" */
#define STORE_SCHEMA_VERSION 6

/* The status of a value a conflict policy did not choose. */
#define STORE_NOT_CHOSEN "not chosen"
/* SQL: the value row (alias prefix a: "v." or "") is valid at the time in
 * parameter t and was chosen: the one condition every reader of values
 * at a time uses. */
#define STORE_CHOSEN_AT(a, t)                                                  \
	"(" a "known_from <= " t " AND (" a "known_to IS NULL OR " a           \
	"known_to > " t ") AND " a "status <> '" STORE_NOT_CHOSEN "')"

/*
 * A locator as the view obs gives it: the text one when there is one (not
 * NULL or empty), else "line L, column C" written into buf.  For C code
 * that reads the table observation or has not stored a row yet.
 */
#define STORE_LOCATOR_MAX 64
const char *store_locator(const char *locator, long long line, long long col,
                          char buf[STORE_LOCATOR_MAX]);

/*
 * The id of the lineage row of recipe (a JSON document), made if it is new:
 * lineage is deduplicated by the recipe's SHA-256.
 */
int store_lineage(struct store *st, const char *recipe, int64_t *id,
                  struct error *err);

/* Opens (creating and migrating) the store at path; caller closes. */
int store_open(struct store **out, const char *path, struct error *err);
/* The same, migrating no further than schema version (tests of migrations
 * open an older schema with it). */
int store_open_version(struct store **out, const char *path, int version,
                       struct error *err);
/* Opens an existing store read-only (query_only); no migration. */
int store_open_readonly(struct store **out, const char *path,
                        struct error *err);
void store_close(struct store *st);

/*
 * Statements.  A stage runs the queries of its own algorithm (a derived
 * operation's INSERT ... SELECT, the trace's walk) through these, so that
 * the SQL stands beside the code it serves; the tables several stages
 * share have modules of their own (store_parse.h, store_values.h).
 * struct store_stmt is a prepared statement of the store's connection.
 */
struct store_stmt;

#define STORE_ROW 100 /* store_step(): a result row is ready */
#define STORE_DONE 101 /* store_step(): the statement has finished */

/* Runs SQL without results; err names the statement's failure. */
int store_exec(struct store *st, const char *sql, struct error *err);
/* Prepares one statement; caller frees it with store_finalize(). */
int store_prepare(struct store *st, const char *sql, struct store_stmt **out,
                  struct error *err);
/* "HEAD VALUES (?, ...), ..., (?, ...)": rows rows of cols placeholders, a
 * multi-row INSERT (one statement for many rows: a statement per row costs
 * its setup, teardown and constraint bookkeeping per row).  Caller frees. */
char *store_insert_sql(const char *head, int cols, size_t rows);
/* Prepares that INSERT; caller finalizes. */
int store_prepare_insert(struct store *st, const char *head, int cols,
                         size_t rows, struct store_stmt **out,
                         struct error *err);
/* Frees s (NULL is fine). */
void store_finalize(struct store_stmt *s);
/* Makes s ready to run again; its bindings stay. */
void store_reset(struct store_stmt *s);
/*
 * Runs s one step: STORE_ROW, STORE_DONE, or another code for a failure,
 * whose message store_errmsg() gives (or store_fail() records).
 */
int store_step(struct store_stmt *s);
/* The message of the connection's last failure, borrowed until its next
 * call. */
const char *store_errmsg(struct store *st);
/* error_set(err, "store 'PATH': WHAT: <the last failure>"); returns -1. */
int store_fail(struct store *st, struct error *err, const char *what);
/* The rowid of the connection's last INSERT. */
int64_t store_last_id(struct store *st);

/* Parameter i (from 1) of s.  store_bind_text() borrows text until s is
 * finalized or i bound again (NULL binds NULL); store_bind_copy() copies
 * len bytes of it (len -1: up to its NUL). */
void store_bind_int(struct store_stmt *s, int i, long long v);
void store_bind_double(struct store_stmt *s, int i, double v);
void store_bind_null(struct store_stmt *s, int i);
void store_bind_text(struct store_stmt *s, int i, const char *text);
void store_bind_copy(struct store_stmt *s, int i, const char *text, int len);

/* Column i (from 0) of the current row.  store_col_text() is NULL for a
 * NULL and borrowed until s is stepped, reset or finalized. */
long long store_col_int(struct store_stmt *s, int i);
double store_col_double(struct store_stmt *s, int i);
const char *store_col_text(struct store_stmt *s, int i);
/* The same text, "" for a NULL. */
const char *store_col_str(struct store_stmt *s, int i);
/* A copy of it (NULL for a NULL); caller frees. */
char *store_col_dup(struct store_stmt *s, int i);
int store_col_null(struct store_stmt *s, int i);

/* 1 if SQLite was built to let a connection move between threads (one
 * thread using it at a time), which normalize's writer thread needs. */
int store_threadsafe(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK (rollback never fails loudly). */
int store_begin(struct store *st, struct error *err);
/*
 * BEGIN IMMEDIATE for a bulk load whose rows' references the caller makes
 * itself (normalize: every observation's parse is the row the same
 * transaction inserted first; reconcile: every key a value holds was read
 * from the store or inserted by the same transaction): foreign keys are
 * not checked until the transaction ends, by COMMIT or ROLLBACK, which turn
 * them on again.  The tests check the keys instead (check_reconcile.c).
 * The transaction has a rollback journal when st is the store's only
 * connection (readers wait for it; see store.c), and WAL otherwise.
 */
int store_begin_load(struct store *st, struct error *err);
int store_commit(struct store *st, struct error *err);
void store_rollback(struct store *st);

/* Records the start of a stage run; *run_id is its id. */
int store_run_start(struct store *st, const char *stage,
                    const char *config_hash, int64_t *run_id,
                    struct error *err);
/*
 * Records how the run ended.  status is one of "ok", "nothing-new",
 * "partial", "failed"; input_hash (may be NULL) fingerprints what the stage
 * consumed, so that the next run can tell whether anything is new.
 */
int store_run_finish(struct store *st, int64_t run_id, const char *status,
                     const char *input_hash, const char *message,
                     struct error *err);
/*
 * Empties the value tables (value, value_input, derived_input) for
 * reconcile, which derives every value again, inside its transaction: they
 * are dropped and created again as the newest schema has them, without the
 * full indexes of value (value_by_key, value_key).  *indexes (caller
 * frees) receives their CREATE INDEX statements, for reconcile to run once
 * its values are in: built from the rows at once, an index is a sort,
 * where kept as the rows go in it is a seek for each.  A partial index
 * (value_not_chosen) is made at once: most rows are not in it, and built
 * later it would read them all.
 */
int store_values_reset(struct store *st, char **indexes, struct error *err);

/*
 * The input_hash of the newest run of stage that ended "ok" or
 * "nothing-new", newly allocated in *out (NULL if there is none).
 */
int store_last_input(struct store *st, const char *stage, char **out,
                     struct error *err);

#endif
