/*
 * fileio — reading whole files with a cap, directories, durability.
 *
 * Every write provstat makes to the archive or a release goes through this
 * module or atomic_file, so that durability (fsync of files and of the
 * directories that name them) is decided in one place.
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
