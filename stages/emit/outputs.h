/*
 * outputs — the release files beyond the CSVs, written from the same rows
 * so that they can never disagree:
 *
 *   indicators.json     JSON-stat 2.0 (value and status sparse, units,
 *                       notes, sources, lineage ids in an extension)
 *   datapackage.json    a Frictionless Tabular Data Package describing the
 *                       CSV files with Table Schemas, bytes and hashes
 *   provenance.json     W3C PROV-JSON: snapshots, outputs, the stages as
 *                       activities, publishers and provstat as agents
 *   indicators.sqlite   the values and sources, made with VACUUM INTO
 *                       and checked with integrity_check
 *   conflicts.csv       every value not chosen by a conflict policy,
 *                       beside the chosen one, with the difference
 *   errors.jsonl        documents rejected as of the release, and why
 *   report.html         one self-contained page: no scripts, no requests
 *
 * Nothing in them depends on when they were written: no run timestamps.
 */
#ifndef PROVSTAT_OUTPUTS_H
#define PROVSTAT_OUTPUTS_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "store.h"

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
	COL_COUNT
};

extern const char *const outputs_columns[COL_COUNT];

struct release_row {
	char *f[COL_COUNT]; /* as written in indicators.csv; one block, f[0] */
	double value;
	int has_value;
};

struct release_source {
	char *f[10]; /* as written in sources.csv */
};

struct release_data {
	const struct config *cfg;
	struct store *st;
	const char *dir; /* the release being written */
	const char *as_of;
	struct release_row *rows;
	size_t nrows, rows_alloc;
	struct release_source *sources;
	size_t nsources;
};

void release_data_release(struct release_data *d);
/* The distinct values of column col among rows [lo, hi), sorted (strcmp);
 * unpublished rows have no geo or period.  Caller frees the array (the
 * strings are the rows'). */
char **outputs_distinct(const struct release_data *d, size_t lo, size_t hi,
                        int col, size_t *n);

int outputs_jsonstat(const struct release_data *d, struct error *err);
int outputs_conflicts(const struct release_data *d, struct error *err);
int outputs_errors(const struct release_data *d, struct error *err);
int outputs_sqlite(const struct release_data *d, struct error *err);
int outputs_report(const struct release_data *d, struct error *err);
/* After the files above: they are described with their bytes and hashes. */
int outputs_datapackage(const struct release_data *d, struct error *err);
int outputs_provenance(const struct release_data *d, struct error *err);

#endif
