/*
 * outputs — what emit's modules share: the release's files (files.c, one
 * table the manifest, the Data Package and PROV read), the release data
 * and the cursor that reads indicators.csv back (rows.c), and one module a
 * release file beyond the CSVs, each written from indicators.csv itself so
 * that it can never disagree with it, and so that emit's memory does not
 * grow with the number of values:
 *
 *   jsonstat.c     indicators.json, JSON-stat 2.0 (value and status
 *                  sparse, units, notes, sources, lineage ids in an
 *                  extension)
 *   datapackage.c  datapackage.json, a Frictionless Tabular Data Package
 *                  describing the CSV files with Table Schemas, bytes and
 *                  hashes
 *   provenance.c   provenance.json, W3C PROV-JSON: snapshots, outputs, the
 *                  stages as activities, publishers and provstat as agents
 *   sqlite.c       indicators.sqlite, the values and sources, made with
 *                  VACUUM INTO and checked with integrity_check
 *   conflicts.c    conflicts.csv, every value not chosen by a conflict
 *                  policy, beside the chosen one, with the difference
 *   claims.c       claims.csv, the statements of the report being rebuilt
 *                  beside the values that test them, with a verdict
 *   errors.c       errors.jsonl, documents rejected as of the release, and
 *                  why
 *   report.c       report.html, one self-contained page: no scripts, no
 *                  requests
 *
 * emit.c writes indicators.csv and sources.csv, runs the outputs, hashes
 * each file once as it is written, and publishes the release.  Nothing in
 * the files depends on when they were written: no run timestamps.
 */
#ifndef PROVSTAT_OUTPUTS_H
#define PROVSTAT_OUTPUTS_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "csv_reader.h"
#include "error.h"
#include "hash.h"
#include "store.h"

struct cJSON;

enum {
	COL_INDICATOR,
	COL_GEO,
	COL_PERIOD,
	COL_VALUE,
	COL_UNIT,
	COL_FLAGS,
	COL_QUALIFIER,
	COL_STATUS,
	COL_VINTAGE,
	COL_SOURCE,
	COL_LINEAGE,
	COL_NOTE, /* why unpublished; what a derived value lacks */
	COL_BOUND, /* what the qualifier states: number_bound(), or "" */
	COL_PRECISION, /* "exact", "rounded to U", "from rounded inputs", "" */
	COL_COUNT
};

extern const char *const outputs_columns[COL_COUNT];

/* One row of indicators.csv, as a cursor reads it back. */
struct release_row {
	const char *f[COL_COUNT]; /* as written; borrowed until the next row */
	double value;
	int has_value;
};

/* The distinct indicators, geos and periods of rows, each sorted
 * (strcmp); unpublished rows have no geo or period. */
struct release_distinct {
	char **v[3]; /* indicator, geo, period: owned */
	size_t n[3];
};

/* The rows of one indicator in indicators.csv: where they start and how
 * many (rows are in indicator, geo, period order). */
struct release_span {
	char *indicator;
	long long offset; /* of its first row in the file */
	size_t rows;
	struct release_distinct dd; /* after release_data_finish() */
};

/* sources.csv's columns. */
enum {
	SRC_SOURCE,
	SRC_PUBLISHER,
	SRC_TITLE,
	SRC_GRADE,
	SRC_STATUS,
	SRC_RETRIEVED_AT,
	SRC_SNAPSHOT,
	SRC_URL,
	SRC_CITATION,
	SRC_LICENCE,
	SRC_TRANSCRIPTION, /* what the document transcribes, or "" */
	SRC_MEDIA_TYPE, /* the snapshot's, as served */
	SRC_DECODING, /* what was done to it before parsing (decode.h) */
	SRC_DECODED_BYTES, /* the decoded text's size, or "" */
	SRC_REASON, /* why the status is not fresh, or "" */
	SRC_COUNT
};
extern const char *const release_source_columns[SRC_COUNT];

struct release_source {
	char *f[SRC_COUNT]; /* as written in sources.csv */
};

/* conflicts.csv's and claims.csv's columns. */
enum { CONFLICT_COUNT = 11, CLAIM_COUNT = 15 };
extern const char *const release_claim_columns[CLAIM_COUNT];
extern const char *const release_conflict_columns[CONFLICT_COUNT];

/* A CSV file of the release, as its Data Package resource describes it. */
struct release_table {
	const char *resource;
	const char *const *columns;
	const char *const *types; /* Table Schema types */
	size_t ncols;
	const char *const *key; /* its primary key */
	size_t nkey;
	/* Per column, the values it may hold (NULL-terminated), or NULL. */
	const char *const *const *enums;
	/* Per column, a Table Schema pattern its values match, or NULL. */
	const char *const *patterns;
};

/* Every file of a release, in the manifest's (sorted) order. */
enum release_file_id {
	RELEASE_CLAIMS,
	RELEASE_CONFLICTS,
	RELEASE_DATAPACKAGE,
	RELEASE_ERRORS,
	RELEASE_INDICATORS_CSV,
	RELEASE_INDICATORS_JSON,
	RELEASE_INDICATORS_SQLITE,
	RELEASE_PROVENANCE,
	RELEASE_REPORT,
	RELEASE_SOURCES,
	RELEASE_NFILES
};

struct release_file {
	const char *name;
	const struct release_table *table; /* a CSV, or NULL */
	int prov; /* its place among the files provenance.json describes
	             (1, 2, ...); 0 for provenance.json itself */
};

extern const struct release_file release_files[RELEASE_NFILES];

/* The files provenance.json describes, in its order, into order; returns
 * how many. */
size_t release_files_in_order(size_t order[RELEASE_NFILES]);

struct release_data {
	const struct config *cfg;
	struct store *st;
	const char *dir; /* the release being written */
	const char *as_of;
	/* What the report says the release is as known on: the newest
	 * retrieval of a document in use (from the inputs, so that a release
	 * made again from the same documents, or rebuilt as of its own time,
	 * is the same bytes); the as-of time if there is none. */
	const char *known_on;
	/* The values are not kept in memory (2,073,600 took 630 MiB): each
	 * output reads indicators.csv, written first, through a cursor. */
	char *csv; /* indicators.csv of the release being written */
	size_t nrows;
	struct release_span *spans;
	size_t nspans, spans_alloc;
	struct release_distinct all; /* after release_data_finish() */
	struct release_trees *trees; /* while rows are added */
	struct release_source *sources;
	size_t nsources;
	/* The SHA-256 of each release file (the manifest's), set once the
	 * file is written by release_file_hash(); an output writes only its
	 * own file's, so threads never share one. */
	char (*sha)[HASH_HEX_SIZE];
};

/* Writes a JSON document (pretty, with a final newline) as release file
 * name. */
int release_write_json(const struct release_data *d, const char *name,
                       const struct cJSON *doc, struct error *err);
/* Hashes release file k of d->dir into d->sha[k]. */
int release_file_hash(const struct release_data *d, enum release_file_id k,
                      struct error *err);

void release_data_release(struct release_data *d);

/* Notes the next row written to indicators.csv (at offset): its span
 * (rows of one indicator are written together) and its categories.  The
 * offset is read only for a row that starts a span (so the caller can
 * pass -1 for the others: see release_data_starts_span()). */
void release_data_add_row(struct release_data *d, const char *const *row,
                          long long offset);
/* Does a row of indicator start a span (need its offset)? */
int release_data_starts_span(const struct release_data *d,
                             const char *indicator);
/* After the last row: the distinct values are complete. */
void release_data_finish(struct release_data *d);
/* The span of an indicator, or NULL when it has no rows. */
const struct release_span *release_span_of(const struct release_data *d,
                                           const char *indicator);

/* Reads rows of indicators.csv back: every row, or one span's. */
struct release_cursor {
	FILE *fp;
	struct csv_reader *r;
	const char *path;
	size_t left; /* rows still to read */
	struct release_row row;
};

int release_rows_open(const struct release_data *d,
                      const struct release_span *span, struct release_cursor *c,
                      struct error *err);
/* 1 and c->row, 0 after the last row, -1 with err (the file is not as it
 * was written). */
int release_rows_next(struct release_cursor *c, struct error *err);
void release_rows_close(struct release_cursor *c);
void release_data_distinct_free(struct release_data *d);

int outputs_jsonstat(const struct release_data *d, struct error *err);
int outputs_claims(const struct release_data *d, struct error *err);
int outputs_conflicts(const struct release_data *d, struct error *err);
int outputs_errors(const struct release_data *d, struct error *err);
int outputs_sqlite(const struct release_data *d, struct error *err);

/*
 * indicators.sqlite made from rows handed over as they are written
 * (emit.c does it on a thread of its own): open, rows as often as needed
 * (each row COL_COUNT texts as indicators.csv has them, borrowed for the
 * call), finish (the sources, then the file, checked and fsync'd), close.
 * Every error names indicators.sqlite.
 */
struct store_release;
int sqlite_out_open(struct store_release **out, struct error *err);
int sqlite_out_rows(struct store_release *o,
                    const char *const (*rows)[COL_COUNT], size_t nrows,
                    struct error *err);
int sqlite_out_finish(struct store_release *o, const struct release_data *d,
                      struct error *err);
int outputs_report(const struct release_data *d, struct error *err);
/* After the files above: they are described with their bytes and hashes. */
int outputs_datapackage(const struct release_data *d, struct error *err);
int outputs_provenance(const struct release_data *d, struct error *err);

#endif
