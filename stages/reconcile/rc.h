/*
 * rc — what reconcile's modules share; private to stages/reconcile.
 *
 * reconcile.c runs the stage: per source, its timeline (timeline.c) of the
 * snapshots that became current, its observations mapped through the
 * crosswalks (map.c) and turned into vintages (vintages.c), by the short
 * way when the rows allow (stream.c) or else through the temporary table
 * m; then conflicts (conflict.c) and derived values (derive.c).
 *
 * A row has three forms on its way: struct store_mapped (texts borrowed, as
 * map_row() gives it and the scratch table m gives it back), struct mapped
 * (waiting for m, texts in an arena) and struct vintage (a value over a
 * run of steps, texts owned), queued as a struct pending_value until its
 * multi-row INSERT.
 */
#ifndef PROVSTAT_RC_H
#define PROVSTAT_RC_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "geo.h"
#include "hash.h"
#include "period.h"
#include "reconcile.h"
#include "store.h"
#include "store_write.h"
#include "strbuf.h"

#define RC_MAX_REPORTED 50 /* problems printed; the rest are counted */

/* One step of a source's timeline: a snapshot that became current. */
struct step {
	char *time;
	char *snapshot; /* its sha256 */
	int64_t parse_id;
};

struct timeline {
	struct step *steps;
	size_t n;
};

/* An open vintage while the sorted rows stream past.  Its texts share
 * one allocation (texts): two calls to malloc and free a value, where a
 * copy a text would be sixteen (33 million on the benchmark's 2,073,600
 * values). */
struct vintage {
	int open;
	const char *indicator, *geo, *period, *unit, *flags, *qualifier;
	const char *precision;
	int has_value;
	double value;
	int64_t obs_id, lineage_id;
	const char *snapshot, *locator;
	char *texts; /* owns the texts above */
	char *inputs; /* "12,15": the observations summed, or NULL */
	size_t first_seq, last_seq;
};

/* A vintage waiting for its INSERT (store_write.h), STORE_WRITE_BATCH at
 * a time; its id is given here, so that a summed value's inputs can name
 * it. */
struct pending_value {
	struct vintage v; /* owned until written */
	int64_t id;
	char key[HASH_HEX_SIZE];
	const char *known_from, *known_to, *source_id;
};

/* Mapped observations wait for the scratch table STORE_WRITE_BATCH at a
 * time, likewise, their texts in an arena. */

struct mapped {
	int64_t seq, obs_id, lineage_id;
	const char *indicator, *geo, *unit; /* the config's, the geo table's */
	int has_value;
	double value;
	size_t period, flags, qualifier, locator,
	        precision; /* offsets in the arena */
};

struct rc {
	const struct config *cfg;
	struct store *st;
	struct geo_table *geo;
	struct reconcile_result *res;
	struct error *err;
	struct store_write *w; /* the values, and the scratch table m */
	struct mapped *mapped; /* STORE_WRITE_BATCH, waiting for m */
	size_t nmapped;
	struct strbuf arena;
	int64_t *lineage_of; /* per crosswalk entry, 0 until made */
	struct pending_value *pending; /* STORE_WRITE_BATCH, waiting */
	size_t npending;
	int64_t last_value_id;
};

/*
 * The last measure's crosswalk entry and the last spelling's geography:
 * consecutive observations mostly share both, and a scan of the crosswalk,
 * a scan of the indicators and a search of the geo table for every
 * observation would be a tenth of reconcile.
 */
struct map_memo {
	char *measure; /* NULL: none yet */
	long xw;
	int any_period; /* xw holds for every period */
	const struct indicator_config *ind;
	char *raw_geo;
	struct geo_match gm;
	/* A rounded figure's precision in the indicator's unit, when a
	 * conversion scaled it (the row borrows it until the next). */
	char precision[NUMBER_PRECISION_MAX];
};

/* A step's observations in id order (map_row() reads its columns).  The
 * table observation, not the view obs: its locator text for line and
 * column is spelt by store_locator() (SQLite's concatenation costs 0.4 s
 * on the benchmark's 2,073,600 rows). */
#define OBS_SELECT                                                             \
	"SELECT id, measure, raw_geo, raw_period, value, unit, flags, "        \
	"qualifier, locator, decimals, line, col, precision FROM observation " \
	"WHERE id "                                                            \
	"BETWEEN (SELECT first_observation FROM parse WHERE id = ?1) AND "     \
	"(SELECT last_observation FROM parse WHERE id = ?1) ORDER BY id"

enum { ROW_SKIPPED, ROW_MAPPED, ROW_PROBLEM };

/*
 * The rows of m that one snapshot (seq) gives for one key, as they stream
 * past in key order: summed here (refused later unless the source declares
 * "duplicates": "sum"); a sum with a missing part is missing.  Done in C
 * over a plain ORDER BY, not by SQLite's GROUP BY: its eight aggregates a
 * row would be half of reconcile's time.  Buffers are kept from group to group.
 */
enum {
	G_INDICATOR,
	G_GEO,
	G_PERIOD,
	G_UNIT,
	G_FLAGS,
	G_QUALIFIER,
	G_LOCATOR,
	G_PRECISION,
	G_TEXTS
};

struct group {
	int open;
	size_t seq, count;
	char *text[G_TEXTS];
	size_t cap[G_TEXTS];
	int has_value;
	double value;
	int64_t obs_id, lineage_id; /* the first observation; the least */
	struct strbuf inputs; /* "12,15": every observation's id */
};

/* One source's rows in key order becoming vintages. */
struct vintages {
	const struct source_config *src;
	const struct timeline *t;
	struct vintage v;
	struct group g;
	size_t dups; /* keys one snapshot gives more than once */
};

/* reconcile.c: a problem in the observations, printed (the first
 * RC_MAX_REPORTED) and counted; a store failure into r->err (returns -1). */
__attribute__((format(printf, 2, 3))) void rc_problem(struct rc *r,
                                                      const char *fmt, ...);
int rc_db_fail(struct rc *r, const char *what);

/* timeline.c: the steps of one source, folded into the input
 * fingerprint fp. */
int timeline_load(struct rc *r, const struct source_config *src,
                  struct timeline *t, struct hash *fp);
void timeline_release(struct timeline *t);

/* map.c */
void map_memo_init(struct map_memo *mm);
void map_memo_release(struct map_memo *mm);
/*
 * Maps the observation s is on (OBS_SELECT) into *out, its texts borrowed
 * from s, *per and at.  ROW_MAPPED; ROW_SKIPPED if the geo crosswalk
 * excludes it (counted); ROW_PROBLEM if it cannot be mapped (reported and
 * counted only if report); -1 if the store fails.
 */
int map_row(struct rc *r, const struct source_config *src, struct map_memo *mm,
            struct store_stmt *s, size_t seq, int report,
            struct store_mapped *out, struct period *per,
            char at[STORE_LOCATOR_MAX]);
/* Maps the observations of one timeline step into the temp table m. */
int map_step(struct rc *r, const struct source_config *src, size_t seq,
             int64_t parse_id);

/* vintages.c */
void vintage_clear(struct vintage *v);
void vintages_init(struct vintages *w, const struct source_config *src,
                   const struct timeline *t);
void vintages_release(struct vintages *w);
/* Does the row continue the open group (same snapshot and key)? */
int vintages_in_group(const struct vintages *w, const struct store_mapped *row);
/* The next row in key order (its texts are copied). */
int vintages_add(struct rc *r, struct vintages *w,
                 const struct store_mapped *row);
/* After the last row: the open group and vintage are written. */
int vintages_end(struct rc *r, struct vintages *w);
/* Streams m in key order into the vintages; w->dups counts the keys one
 * snapshot gives more than once (the caller reports them unless the
 * source sums them: vintages_check_duplicates()). */
int vintages_from_m(struct rc *r, struct vintages *w);
int vintages_check_duplicates(struct rc *r, const struct source_config *src);
/* Takes back the values from id after on (and the inputs of sums among
 * them), written or waiting. */
int vintages_unwrite(struct rc *r, int64_t after);

/* stream.c: the source's vintages by the short way: STREAM_DONE,
 * STREAM_GAVE_UP (values may have been written), or -1. */
enum { STREAM_DONE, STREAM_GAVE_UP };
int stream_vintages(struct rc *r, struct vintages *w);

#endif
