/*
 * files — the release's files and the columns of its CSV files, as one
 * table that emit's manifest, the Data Package (datapackage.c), the PROV
 * document (provenance.c), sources.csv and indicators.sqlite all read.
 */
#include "outputs.h"

#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "hash.h"
#include "number.h"
#include "json.h"
#include "xalloc.h"

const char *const outputs_columns[COL_COUNT] = {
        "indicator",  "geo",       "period", "value",    "unit",
        "flags",      "qualifier", "status", "vintage",  "source",
        "lineage_id", "note",      "bound",  "precision"};

static const char *const indicator_types[COL_COUNT] = {
        "string", "string",   "string", "number", "string", "string", "string",
        "string", "datetime", "string", "string", "string", "string", "string"};
/* A value's status: reconcile's (derive.h), and emit's for an indicator
 * without public data. */
static const char *const statuses[] = {
        "published",      "not available", "derived", "incomplete",
        "not comparable", "unpublished",   NULL};
/* What a qualifier states (number.h). */
static const char *const bounds[] = {NUMBER_BOUND_ABOVE, NUMBER_BOUND_AT_LEAST,
                                     NUMBER_BOUND_BELOW, NUMBER_BOUND_ABOUT,
                                     NULL};
static const char *const *const indicator_enums[COL_COUNT] = {
        [COL_STATUS] = statuses, [COL_BOUND] = bounds};
/* A precision (number.h); "" is a missing value, as everywhere. */
static const char *const indicator_patterns[COL_COUNT] = {
        [COL_PRECISION] = NUMBER_PRECISION_EXACT
        "|" NUMBER_PRECISION_ROUNDED "[0-9]+(\\.[0-9]+)?"
        "|" NUMBER_PRECISION_FROM_ROUNDED};
/* Unpublished indicators have one row with an empty geo and period, so
 * the key stays unique. */
static const char *const indicator_key[] = {"indicator", "geo", "period"};

const char *const release_source_columns[SRC_COUNT] = {"source",
                                                       "publisher",
                                                       "title",
                                                       "grade",
                                                       "status",
                                                       "retrieved_at",
                                                       "snapshot_sha256",
                                                       "url",
                                                       "citation",
                                                       "licence",
                                                       "transcription_of",
                                                       "media_type",
                                                       "decoding",
                                                       "decoded_bytes",
                                                       "status_reason"};
static const char *const source_types[SRC_COUNT] = {
        "string",   "string", "string", "string",  "string",
        "datetime", "string", "string", "string",  "string",
        "string",   "string", "string", "integer", "string"};
static const char *const source_key[] = {"source"};

const char *const release_conflict_columns[CONFLICT_COUNT] = {
        "indicator",        "geo",          "period",
        "chosen_source",    "chosen_value", "other_source",
        "other_value",      "difference",   "relative_difference",
        "within_tolerance", "rule"};
static const char *const conflict_types[CONFLICT_COUNT] = {
        "string", "string", "string", "string",  "number", "string",
        "number", "number", "number", "boolean", "string"};
static const char *const conflict_key[] = {"indicator", "geo", "period",
                                           "other_source"};

const char *const release_claim_columns[CLAIM_COUNT] = {"claim",
                                                        "says",
                                                        "where",
                                                        "claimed",
                                                        "claimed_qualifier",
                                                        "indicator",
                                                        "geo",
                                                        "period",
                                                        "release_value",
                                                        "release_qualifier",
                                                        "release_status",
                                                        "lineage_id",
                                                        "verdict",
                                                        "note",
                                                        "release_precision"};
static const char *const claim_types[CLAIM_COUNT] = {
        "string", "string", "string", "number", "string",
        "string", "string", "string", "number", "string",
        "string", "string", "string", "string", "string"};
static const char *const claim_key[] = {"claim"};

static const struct release_table indicators_table = {
        .resource = "indicators",
        .columns = outputs_columns,
        .types = indicator_types,
        .ncols = COL_COUNT,
        .key = indicator_key,
        .nkey = 3,
        .enums = indicator_enums,
        .patterns = indicator_patterns};
static const struct release_table sources_table = {
        .resource = "sources",
        .columns = release_source_columns,
        .types = source_types,
        .ncols = SRC_COUNT,
        .key = source_key,
        .nkey = 1};
static const struct release_table claims_table = {.resource = "claims",
                                                  .columns =
                                                          release_claim_columns,
                                                  .types = claim_types,
                                                  .ncols = CLAIM_COUNT,
                                                  .key = claim_key,
                                                  .nkey = 1};
static const struct release_table conflicts_table = {
        .resource = "conflicts",
        .columns = release_conflict_columns,
        .types = conflict_types,
        .ncols = CONFLICT_COUNT,
        .key = conflict_key,
        .nkey = 4};

/* prov: the order of provenance.json's release entities and of the Data
 * Package's resources, which is the order emit writes them in. */
const struct release_file release_files[RELEASE_NFILES] = {
        [RELEASE_CLAIMS] = {"claims.csv", &claims_table, 4},
        [RELEASE_CONFLICTS] = {"conflicts.csv", &conflicts_table, 3},
        [RELEASE_DATAPACKAGE] = {"datapackage.json", NULL, 9},
        [RELEASE_ERRORS] = {"errors.jsonl", NULL, 5},
        [RELEASE_INDICATORS_CSV] = {"indicators.csv", &indicators_table, 1},
        [RELEASE_INDICATORS_JSON] = {"indicators.json", NULL, 6},
        [RELEASE_INDICATORS_SQLITE] = {"indicators.sqlite", NULL, 7},
        [RELEASE_PROVENANCE] = {"provenance.json", NULL, 0},
        [RELEASE_REPORT] = {"report.html", NULL, 8},
        [RELEASE_SOURCES] = {"sources.csv", &sources_table, 2},
};

size_t
release_files_in_order(size_t order[RELEASE_NFILES])
{
	size_t n = 0, k;
	int p;

	for (p = 1; p <= RELEASE_NFILES; p++)
		for (k = 0; k < RELEASE_NFILES; k++)
			if (release_files[k].prov == p)
				order[n++] = k;
	return n;
}

int
release_file_hash(const struct release_data *d, enum release_file_id k,
                  struct error *err)
{
	char *path = xasprintf("%s/%s", d->dir, release_files[k].name);
	int rc = hash_file_hex(path, d->sha[k], err);

	free(path);
	return rc;
}

/* Writes a JSON document (pretty, with a final newline) into the release. */
int
release_write_json(const struct release_data *d, const char *name,
                   const struct cJSON *doc, struct error *err)
{
	char *text = json_print(doc, 1),
	     *path = xasprintf("%s/%s", d->dir, name);
	char *with_nl = xasprintf("%s\n", text);
	int rc = atomic_file_write(path, with_nl, strlen(with_nl), err);

	free(with_nl);
	free(text);
	free(path);
	return rc;
}
