/*
 * store_binds — the parameters of a prepared statement, bound again only
 * when they change; private to the store's writers (store_load,
 * store_write, store_release).
 *
 * store_reset() keeps a statement's bindings.  The rows of a multi-row
 * INSERT mostly repeat their neighbours' parse, scale, empty flags, NULL
 * locator, source and lineage, and binding those again row after row is a
 * tenth of normalize's loader when it is not memoised (valgrind, 2,073,600
 * rows).  A memo covers one statement and remembers what each parameter holds:
 * an integer, NULL, the empty string (bound as the module's own), or text the
 * caller says outlives the statement's use (a config's or the geo table's
 * strings), by its address.  Other text (an arena refilled between
 * executions) is bound every time, and so remembered as nothing.  A NULL
 * memo binds everything.
 */
#ifndef PROVSTAT_STORE_BINDS_H
#define PROVSTAT_STORE_BINDS_H

#include <stddef.h>

struct error;
struct store;
struct store_stmt;
struct store_binds;

/* A memo of nparams parameters, each remembered as nothing. */
struct store_binds *store_binds_new(size_t nparams);
void store_binds_free(struct store_binds *b);

/* Parameter i (from 1) of s. */
void store_binds_int(struct store_stmt *s, struct store_binds *b, int i,
                     long long v);
void store_binds_null(struct store_stmt *s, struct store_binds *b, int i);
/* text: valid until s next runs (NULL binds NULL). */
void store_binds_text(struct store_stmt *s, struct store_binds *b, int i,
                      const char *text);
/* text: valid and unchanged for as long as s is used with b. */
void store_binds_lasting(struct store_stmt *s, struct store_binds *b, int i,
                         const char *text);

/*
 * A multi-row INSERT of n rows (HEAD, cols parameters a row) whose full
 * batch of batch rows is prepared once as full, with its memo: *s and *b
 * are those when n is batch, else a statement of n rows prepared now and
 * no memo.  store_binds_batch_run() runs *s and finalizes it if it is not
 * full; what names the failure.
 */
int store_binds_batch(struct store *st, struct store_stmt *full,
                      struct store_binds *memo, size_t batch, const char *head,
                      int cols, size_t n, struct store_stmt **s,
                      struct store_binds **b, struct error *err);
int store_binds_batch_run(struct store *st, struct store_stmt *s,
                          struct store_stmt *full, const char *what,
                          struct error *err);

#endif
