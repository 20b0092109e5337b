/*
 * archive — the content-addressed store of raw bytes:
 * OUT/archive/sha256/ab/cdef... where abcdef... is the SHA-256 of the file.
 *
 * A document is written to OUT/archive/tmp/ while it is hashed, fsync'd, and
 * renamed to its address; an address that exists already is never touched
 * again (the bytes are the same by construction).  Files are made read-only.
 */
#ifndef PROVSTAT_ARCHIVE_H
#define PROVSTAT_ARCHIVE_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "hash.h"

struct archive_writer {
	char *tmp_path;
	char *archive_dir;
	FILE *fp;
	struct hash *hash;
	long long bytes;
};

/* The path of the document with digest sha under out_dir; caller frees. */
char *archive_path(const char *out_dir, const char *sha);
/* Removes temporary files a crashed run left in OUT/archive/tmp. */
int archive_clean_tmp(const char *out_dir, struct error *err);

/* Starts writing a new document; the writer hashes and counts the bytes. */
int archive_writer_open(struct archive_writer *w, const char *out_dir,
                        struct error *err);
/* Appends bytes; -1 on a write error. */
int archive_writer_write(struct archive_writer *w, const void *data, size_t n,
                         struct error *err);
/* Discards what was written so far and starts again empty (a retry). */
int archive_writer_reset(struct archive_writer *w, struct error *err);
/*
 * Finishes: fsyncs, and moves the file to its address (unless it is there
 * already).  sha receives the digest.  The writer is released either way.
 */
int archive_writer_commit(struct archive_writer *w, char sha[HASH_HEX_SIZE],
                          struct error *err);
/* Discards the document; safe on a released writer. */
void archive_writer_abort(struct archive_writer *w);

#endif
