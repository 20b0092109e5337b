/*
 * config — loads and validates the whole configuration: provstat.json, every
 * source file in its sources directory, and the indicators file.
 *
 * Mapping is data, not code: a source file declares where its document is,
 * what it is (citation, licence, evidence grade) and how its cells map to
 * observations.  Every key is documented in doc/provstat-config.5.  Unknown
 * keys are errors (a misspelt key must not be silently ignored), and every
 * error names the place: "config/sources/iwf.json:12:5: 'format': unknown
 * format 'xlsx'".
 *
 * The readers are config.c (provstat.json), config_source.c (the sources,
 * through format.c's table of formats) and config_indicators.c.
 *
 * Ownership: config_load() returns a struct config that owns every string in
 * it; free it with config_free().
 */
#ifndef PROVSTAT_CONFIG_H
#define PROVSTAT_CONFIG_H

#include <stddef.h>

#include "error.h"
#include "hash.h"
#include "number.h"

struct format_spec;

#define CONFIG_MAX_BYTES (4u << 20) /* a config file larger is an error */
#define CONFIG_DEFAULT_MAX_BYTES ((size_t)256 << 20)

/* What an observation is made of; each comes from a column or a constant. */
enum config_field {
	FIELD_MEASURE,
	FIELD_GEO,
	FIELD_PERIOD,
	FIELD_VALUE,
	FIELD_UNIT,
	FIELD_FLAGS, /* optional: a column or dimension of status flags */
	/* optional: "exact" or "rounded ..." as a document or the source
	 * states it (number_precision()) */
	FIELD_PRECISION,
	FIELD_COUNT
};

extern const char *const config_field_names[FIELD_COUNT];
/* Whether an observation may lack field f: flags and precision, which
 * say nothing when absent. */
int config_field_optional(enum config_field f);

struct csv_options {
	char delimiter; /* default ',' */
	char quote; /* default '"' */
	char comment; /* lines starting with it are skipped; 0 = none */
	long header_row; /* 1-based line of the header among non-comment
	                    records; default 1 */
	long header_rows; /* records the header spans from there; default 1.
	                     A column's name joins its cells with spaces, a
	                     blank cell of an upper row taking the last cell
	                     on its left (merged cells are written so) */
	char *encoding; /* "utf-8" (default), "latin-1" or "utf-16" */
	char **skip; /* POSIX EREs: records whose first field matches */
	size_t nskip;
	char *footer; /* POSIX ERE: a first field that ends the table */
};

/* "pdf": rows of a text table, read from pdftotext -layout output. */
struct pdf_options {
	char *row; /* ERE for one (name, number) pair; applied repeatedly
	              along a line, so two-column pages work */
	int geo_group, value_group; /* its groups */
	char *total; /* ERE of the document's own total line */
	int total_group;
	char **skip; /* EREs: lines that are not rows */
	size_t nskip;
	long timeout_s; /* for pdftotext; default 60 */
};

/* "html": numbers in a table, or in prose. */
struct html_options {
	char *table; /* XPath of a table: header row mapped like csv */
	char *select; /* XPath of the blocks that hold prose */
	char *pattern; /* ERE run over each block's text */
	int group[FIELD_COUNT]; /* pattern groups of the fields, 0 = none */
	int qualifier_group;
	char *period_xpath; /* XPath (from the document) of the period text */
	char *period_pattern; /* ERE over that text ... */
	char *period_format; /* ... rewritten with \1..\9, e.g. "\2-Q\1" */
	long header_rows; /* a table's header rows, composed (default 1) */
};

/* A wide table: every header column whose name matches columns (an ERE)
 * is a period, its cells that period's values (csv and html tables). */
struct wide_options {
	char *columns;
	char *period; /* the period from the name, with \1..\9; NULL: all */
};

/* Checks a source declares; a failed check fails the snapshot. */
struct check_options {
	int rows_sum_to_total; /* pdf: the rows add up to the total line */
	long min_rows, max_rows; /* observations per snapshot; 0 = no limit */
	/* A new snapshot with fewer observations than (1 - max_drop) times
	 * the last loaded one's is suspicious (default 0.5; 1: never). */
	double max_drop;
	char **keys; /* raw geo spellings that must be present */
	size_t nkeys;
};

/* A dimension or column that must hold one value for a row to count. */
struct config_filter {
	char *name;
	char *value;
};

struct source_config {
	char *id;
	char *publisher;
	char *title;
	char *url; /* as written */
	char *fetch_url; /* file: URLs made absolute (file:///...) */
	int is_file; /* a local file: source */
	char *format; /* its name ... */
	const struct format_spec *spec; /* ... and its row of format.h */
	char *licence;
	char *citation;
	/* publisher | press | report | unpublished, as declared; with
	 * transcribed_from, "transcription of " and the declared one */
	char *grade;
	/* "transcribed_from": the document is provstat's transcription of
	 * the publisher's (title required; url, where and seen may be
	 * NULL: not every original has a known address). */
	struct {
		char *title, *url, *where, *seen;
	} transcribed_from;
	char *file; /* the config file this came from */
	char hash[HASH_HEX_SIZE]; /* SHA-256 of that file's bytes, and of the
	                             ranges of the indicators it maps to */
	long max_age_days; /* 0: no limit */
	size_t max_bytes; /* download and document cap */
	struct number_format number;
	struct csv_options csv;
	char *column[FIELD_COUNT]; /* header names, or NULL */
	char *constant[FIELD_COUNT]; /* fixed values, or NULL */
	int flags_optional; /* FIELD_FLAGS is a format default: may be absent */
	int duplicates_sum; /* "duplicates": "sum" adds rows that map to the
	                       same indicator, geo and period; else an error */
	struct config_filter *filter;
	size_t nfilter;
	char *records; /* json: JSON pointer to the array of records */
	char *dataset; /* json-stat: which dataset of a bundle/collection */
	struct pdf_options pdf;
	struct html_options html;
	struct wide_options wide;
	struct check_options checks;
};

enum derived_op {
	DERIVED_NONE,
	DERIVED_SUM,
	DERIVED_CHANGE,
	DERIVED_RATE,
	DERIVED_DIFFERENCE,
	DERIVED_HIGHEST,
	DERIVED_AGGREGATE,
	DERIVED_COUNT
};

enum change_as { CHANGE_ABSOLUTE, CHANGE_PERCENT, CHANGE_RATIO };

/* "derived": how reconcile computes an indicator from indicators defined
 * before it in indicators.json. */
struct derived_config {
	enum derived_op op;
	char *of; /* the input indicator */
	char *geo; /* sum: the geo the sum is given for ("EU27_2020") */
	char **members; /* sum: the geos it adds; all must be present */
	size_t nmembers;
	char **from, **to; /* change: period pairs, value given at "to" */
	size_t npairs;
	enum change_as as; /* change: "absolute", "percent" or "ratio" */
	char *minus; /* difference: of - minus, same geo and period */
	long last; /* highest: over this many periods up to each one */
	int to_year; /* aggregate: sum into years, else into quarters */
	double per; /* rate: value per this many of the population */
	char *population; /* rate: the population indicator */
	char *population_snapshot; /* rate: sha256 (prefix) of the pinned
	                              population vintage's document */
};

/* "conflict": how reconcile chooses when several sources give the same
 * indicator, geo and period at the same time. */
enum conflict_rule {
	CONFLICT_PREFER, /* the first source of prefer that gives a value */
	CONFLICT_EXACT, /* an exact value over a rounded or qualified one */
	CONFLICT_NEWEST /* the value known most recently */
};

struct conflict_policy {
	int declared; /* the indicator has a "conflict" object */
	enum conflict_rule rule;
	char **prefer; /* source ids, most preferred first (for the exact and
	                  newest rules: the tie-break) */
	size_t nprefer;
	double tolerance; /* relative: |other - chosen| <= tolerance*|chosen| */
	int fail; /* "exceed": "fail" stops the run; else the row is flagged */
};

struct indicator_config {
	char *id;
	char *title;
	char *unit;
	char *definition;
	char *scope_note; /* may be NULL */
	int unpublished; /* "status": "unpublished": no public data */
	char *reason; /* why, for an unpublished indicator */
	struct derived_config derived; /* op DERIVED_NONE: from sources */
	struct conflict_policy conflict;
	char **break_period; /* "breaks": the series is not comparable across */
	char **break_reason; /* the start of these periods, for these reasons */
	size_t nbreaks;
	int stock; /* "kind": "stock" (a level at an instant, a population)
	              rather than "flow" (a count over a period, the default) */
	int has_range; /* "range": [min, max]: values outside are slips */
	double range_min, range_max;
	int decimals; /* "decimals": digits shown after the point (the
	                 report, JSON-stat's unit); -1: as published */
};

struct crosswalk_entry {
	char *source; /* source id */
	char *measure; /* the source's measure code */
	char *indicator; /* canonical indicator id */
	char *valid_from; /* first period it applies to, or NULL */
	char *valid_to; /* last period it applies to, or NULL */
	/* A declared conversion: values in unit convert_from are multiplied
	 * by factor into the indicator's unit ("thousand persons" x 1000);
	 * convert_from NULL: none, and other units are refused. */
	char *convert_from;
	double factor;
};

/* A value of the release, named by its indicator, geo and period. */
struct config_ref {
	char *indicator, *geo, *period;
};

/* "claims": a statement of the report being rebuilt, and the value of the
 * release that tests it. */
struct claim_config {
	char *id;
	char *says; /* the report's words */
	char *where; /* the place in the report */
	int has_value; /* "value": the figure the report states ... */
	double value;
	char *qualifier; /* ... with its own qualifier ("more than"), or "" */
	struct config_ref test; /* the release's value that tests it */
	int has_equals; /* "equals": or another value it must equal */
	struct config_ref equals;
	double tolerance; /* relative; 0 = exact */
	char *note; /* may be NULL */
};

struct fetch_config {
	long timeout_s;
	long connect_timeout_s;
	long low_speed_bytes; /* abort below this rate ... */
	long low_speed_time_s; /* ... for this long */
	char *proxy; /* "" = no proxy, never the environment's */
	long jobs; /* transfers at once (--jobs overrides); default 8 */
	long max_per_host; /* connections to one host; default 4 */
	long retries; /* more attempts after a transient failure; 3 */
	long retry_base_ms; /* first backoff, doubled each time; 1000 */
	long retry_max_s; /* the longest single wait; 60 */
};

struct config {
	char *path; /* provstat.json as given */
	char *dir; /* its directory */
	char hash[HASH_HEX_SIZE]; /* of every config file, names and bytes */
	char *indicators_version;
	char *iso_codes_path;
	char *geo_aliases_path;
	long keep_releases;
	struct fetch_config fetch;
	struct source_config *sources; /* sorted by id */
	size_t nsources;
	struct indicator_config *indicators;
	size_t nindicators;
	struct crosswalk_entry *crosswalk;
	size_t ncrosswalk;
	/* The claims file (provstat.json "claims"; none when absent). */
	char *claims_report; /* what the claims are from */
	char *claims_source; /* the source id of that report, or NULL */
	struct claim_config *claims;
	size_t nclaims;
};

/* Loads and validates the configuration rooted at path. */
int config_load(struct config **out, const char *path, struct error *err);
void config_free(struct config *cfg);
/* The source with this id, or NULL. */
const struct source_config *config_source(const struct config *cfg,
                                          const char *id);
const struct indicator_config *config_indicator(const struct config *cfg,
                                                const char *id);
/* The name of a derived operation, as "op" gives it ("sum"). */
const char *config_derived_name(enum derived_op op);
/* What a source's document transcribes, as one line: "title, where, seen
 * DATE, URL", the parts it has; "" for an original.  Caller frees. */
char *config_transcription(const struct source_config *src);
/* 1 if id is a valid source or indicator id: [a-z0-9][a-z0-9._-]{0,63}. */
int config_valid_id(const char *id);

#endif
