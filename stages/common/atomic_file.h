/*
 * atomic_file — write a file so that readers see the old bytes or the new
 * ones, never a mixture (after git's lockfile.h).
 *
 * atomic_file_open() creates "<path>.tmp-<pid>" beside path; the caller writes
 * through atomic_file_fp(); atomic_file_commit() flushes, fsyncs, closes
 * (checking every step), renames over path and fsyncs the directory.  Any
 * failure, or atomic_file_abort(), removes the temporary file and leaves path
 * as it was.  Every error names the file and the operation.
 */
#ifndef PROVSTAT_ATOMIC_FILE_H
#define PROVSTAT_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

struct atomic_file {
	char *path;
	char *tmp;
	FILE *fp;
	char *buf; /* fp's buffer */
};

int atomic_file_open(struct atomic_file *af, const char *path,
                     struct error *err);
FILE *atomic_file_fp(struct atomic_file *af);
int atomic_file_commit(struct atomic_file *af, struct error *err);
/* Discards the temporary file; safe on a committed or zeroed handle. */
void atomic_file_abort(struct atomic_file *af);

/* Writes data as the whole new content of path, atomically. */
int atomic_file_write(const char *path, const void *data, size_t n,
                      struct error *err);

#endif
