/*
 * testutil — helpers shared by the check suites: scratch directories and
 * files.  Every suite declares its Suite constructor here so that one runner
 * (check_main.c) links them all.
 */
#ifndef PROVSTAT_TESTUTIL_H
#define PROVSTAT_TESTUTIL_H

#include <check.h>
#include <stddef.h>

/* A new empty directory under $TMPDIR; caller frees (and may remove). */
char *tu_tmpdir(void);
/* Writes text to dir/name (creating parent directories); returns the
 * path, which the caller frees. */
char *tu_write(const char *dir, const char *name, const char *text);
/* The whole file, NUL-terminated; caller frees.  Fails the test if the
 * file cannot be read. */
char *tu_read(const char *path);
/* Sends stderr to the file path until tu_stderr_end(); returns the saved
 * descriptor to pass it. */
int tu_stderr_to(const char *path);
/* Restores stderr; returns what was written to path (caller frees). */
char *tu_stderr_end(int saved, const char *path);
/* Removes a tree. */
void tu_rmrf(const char *path);
/* Runs argv (NULL-terminated, found on PATH) without a shell; returns its
 * exit status, or -1 if it could not run or was killed. */
int tu_run(const char *const *argv);

/* The pipeline suites' scratch configuration: dir/provstat.json naming
 * sources/, indicators.json and geo/aliases.json (which the suite writes). */
void tu_write_config(const char *dir);
/* dir/sources/ID.json: a CSV source of dir/sample/ID.csv (country, year,
 * reports), measure "m" in unit; extra ("" or members ending in ", ") goes
 * in before its columns. */
void tu_write_csv_source(const char *dir, const char *id, const char *unit,
                         const char *extra);
struct config;
struct store;
/* Loads dir/provstat.json, opens dir/out/store.sqlite and fetches every
 * source (file: URLs); fails the test on any error. */
void tu_fetch(const char *dir, struct config **cfg, struct store **st);
/* The one integer a query of st gives; fails the test otherwise. */
long long tu_scalar(struct store *st, const char *sql);
/* 1 if s is a SHA-256 as provstat writes it: 64 lowercase hex digits. */
int tu_is_sha256_hex(const char *s);
/* Closes what tu_fetch() opened and removes dir (all may be NULL). */
void tu_pipeline_end(char **dir, struct config **cfg, struct store **st);

/* Counts the pages that INSERTs into table on st's connection write to a
 * statement journal from now on: a journal of the pages one statement
 * changes, kept when a constraint could fail that statement alone.  Every
 * journal goes to a file at once and its writes are counted.  Call
 * tu_journals_watch() before anything opens a store (SQLite is shut down
 * and set up again); tu_journals_end(), every connection closed, restores
 * SQLite's settings. */
void tu_journals_watch(void);
void tu_journals_of(struct store *st, const char *table);
int tu_journals(void); /* so far */
void tu_journals_end(void);

Suite *atomic_file_suite(void);
Suite *config_suite(void);
Suite *csv_reader_suite(void);
Suite *decode_suite(void);
Suite *geo_suite(void);
Suite *store_binds_suite(void);
Suite *handoff_suite(void);
Suite *hash_suite(void);
Suite *json_suite(void);
Suite *normalize_suite(void);
Suite *number_suite(void);
Suite *period_suite(void);
Suite *reconcile_suite(void);
Suite *store_suite(void);
Suite *strbuf_suite(void);

#endif

#ifdef PROVSTAT_TESTUTIL_FORMATS
#include "normalize/observation.h"

/*
 * Runs a format parser over text with a sink that records each observation
 * as "measure|geo|period|raw|value|flags|qualifier|locator|offset+len\n"
 * (value "NA" when missing).  Problems go to probs; returns the lines.
 */
char *tu_parse(format_parse_fn parse, const struct source_config *src,
               const char *text, size_t len, struct problems *probs);
/* Checks every "offset+len" of got (tu_parse()'s lines): its bytes of doc
 * are in the line's raw text. */
void tu_check_spans(const char *doc, size_t len, const char *got);
/* The same over a file (formats that need a real file descriptor). */
char *tu_parse_file(format_parse_fn parse, const struct source_config *src,
                    const char *path, struct problems *probs);
/* Parses doc and fails unless its first problem reads want. */
void tu_expect_problem(format_parse_fn parse, const struct source_config *src,
                       const char *doc, const char *want);
/* A source config with defaults for format, to be adjusted by tests. */
void tu_source(struct source_config *s, const char *format);
/* Frees what tu_source() and the tests' xstrdup()s left in s. */
void tu_source_release(struct source_config *s);

Suite *csv_format_suite(void);
Suite *tsv_format_suite(void);
Suite *json_format_suite(void);
Suite *jsonstat_format_suite(void);
Suite *sdmx_format_suite(void);
Suite *html_format_suite(void);
Suite *pdf_format_suite(void);
#endif
