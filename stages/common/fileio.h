/*
 * fileio — reading whole files with a cap, directories, durability, and the
 * one layer every write of the archive and of a release goes through.
 *
 * Every write, fsync and rename provstat makes to the archive or a release
 * goes through fileio_write(), fileio_sync(), fileio_rename() and
 * fileio_fsync_dir() (atomic_file and archive use them), so that durability
 * and error messages ("cannot fsync 'PATH': Input/output error") are
 * decided in one place, and so that one test hook can fail any of them:
 *
 *   PROVSTAT_FAULT=OP:ERRNO[:MATCH]
 *
 * makes every OP (write, fsync or rename) on a path containing MATCH (any
 * path when omitted; a MATCH ending in '$' must end the path) fail with
 * ERRNO (ENOSPC or EIO) as if the kernel had said so.  For rename either
 * name may match.  Unset (always, in
 * production) it costs one getenv() per operation.  SQLite's own writes to
 * the store are not covered: SQLite has its own journal for those.
 */
#ifndef PROVSTAT_FILEIO_H
#define PROVSTAT_FILEIO_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"

/*
 * Reads the whole file at path into a new NUL-terminated buffer (*out, freed
 * with free()); *len excludes the NUL.  Fails if the file is larger than
 * max_bytes, naming the file.
 */
int fileio_read(const char *path, size_t max_bytes, char **out, size_t *len,
                struct error *err);
/* Reads an open stream to its end, like fileio_read(); name is what errors
 * call it. */
int fileio_read_stream(FILE *fp, const char *name, size_t max_bytes, char **out,
                       size_t *len, struct error *err);
/* Creates path and any missing parents (like mkdir -p). */
int fileio_mkdirs(const char *path, mode_t mode, struct error *err);
/* fwrite()s n bytes to fp, the file at path; the message names path. */
int fileio_write(FILE *fp, const void *data, size_t n, const char *path,
                 struct error *err);
/* Flushes fp's buffer (a "write" to the hook) and fsyncs it. */
int fileio_sync(FILE *fp, const char *path, struct error *err);
/* fsyncs the file at path (one written by another library: SQLite). */
int fileio_fsync_file(const char *path, struct error *err);
/* rename(2), with the message naming both paths. */
int fileio_rename(const char *from, const char *to, struct error *err);
/* fsyncs a directory so that a rename or create in it is durable. */
int fileio_fsync_dir(const char *dir, struct error *err);
/* Removes a file or a directory tree; a missing path is not an error. */
int fileio_remove_tree(const char *path, struct error *err);
/* 1 if path exists (any type), 0 if not. */
int fileio_exists(const char *path);
/* The directory part of path, newly allocated ("." when there is none). */
char *fileio_dirname(const char *path);
/*
 * Joins dir and rel unless rel is absolute; newly allocated.  Used to resolve
 * paths in a config file against the config file's directory.
 */
char *fileio_join(const char *dir, const char *rel);

#endif
