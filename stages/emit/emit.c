/* emit — see emit.h. */
#include "emit.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "csv_writer.h"
#include "crash.h"
#include "diag.h"
#include "fileio.h"
#include "freshness.h"
#include "handoff.h"
#include "hash.h"
#include "number.h"
#include "outputs.h"
#include "store_release.h"
#include "store_values.h"
#include "strbuf.h"
#include "timefmt.h"
#include "xalloc.h"

#define MANIFEST_MAX (1u << 20)

struct feed;

struct emit {
	struct feed *feed; /* indicators.sqlite's thread, or NULL */
	const struct config *cfg;
	struct store *st;
	const char *out;
	char *tmp; /* the release being written */
	char as_of[TIMEFMT_LEN];
	time_t as_of_t;
	struct emit_result *res;
	struct error *err;
	struct release_data data; /* the rows, for the other formats */
};

/*
 * The release files made from the release data, in order; a crash point
 * after each (PROVSTAT_CRASH, tests only).  indicators.sqlite and
 * report.html are made on threads of their own while the others are
 * written: on 2,073,600 values the SQLite output is a third of emit (a
 * bulk load and a VACUUM), the JSON-stat and the report another third, and
 * none waits for another.  Each reads the release data (not changed while
 * they run) and indicators.csv through its own cursor (indicators.sqlite
 * is fed the rows instead when it can be: struct feed); the SQLite output
 * has its own connection, and none uses the store's.  A failure is the
 * first in this order, whichever thread saw it first.
 */
static const struct {
	int (*write)(const struct release_data *d, struct error *err);
	enum release_file_id file; /* the file it writes, hashed after */
	const char *crash_point;
	int before; /* run first, on the main thread: the report reads it */
	int own_thread;
} outputs[] = {
        {outputs_conflicts, RELEASE_CONFLICTS, "emit.after-conflicts", 1, 0},
        {outputs_claims, RELEASE_CLAIMS, "emit.after-claims", 1, 0},
        {outputs_errors, RELEASE_ERRORS, "emit.after-errors", 0, 0},
        {outputs_jsonstat, RELEASE_INDICATORS_JSON, "emit.after-jsonstat", 0,
         0},
        {outputs_sqlite, RELEASE_INDICATORS_SQLITE, "emit.after-sqlite", 0, 1},
        {outputs_report, RELEASE_REPORT, "emit.after-report", 0, 1},
        {outputs_datapackage, RELEASE_DATAPACKAGE, "emit.after-datapackage", 0,
         0},
        {outputs_provenance, RELEASE_PROVENANCE, "emit.after-provenance", 0, 0},
};

#define NOUTPUTS (sizeof(outputs) / sizeof(outputs[0]))

/* The index of an output in outputs. */
static size_t
output_index(int (*write)(const struct release_data *, struct error *))
{
	size_t i;

	for (i = 0; i < NOUTPUTS && outputs[i].write != write; i++)
		;
	return i;
}

/* What follows output i once its file is written, on the thread that
 * wrote it: its crash point, and the file's digest. */
static int
output_after(size_t i, const struct release_data *d, struct error *err)
{
	crash_point(outputs[i].crash_point);
	return release_file_hash(d, outputs[i].file, err);
}

/*
 * indicators.sqlite is made on a thread of its own from the rows of
 * indicators.csv as they are written (on 2,073,600 values its bulk load
 * and VACUUM are a third of emit, and would wait for the whole CSV): the rows
 * go over FEED_ROWS at a time, copied into one of two batches while the
 * other is handed over (handoff.h, as normalize's writer does).  The thread
 * has its own scratch database and touches no other connection; it reads
 * the release data's sources only after the last batch (feed_end()), and
 * hashes the file it made for the manifest.  If it cannot be started,
 * indicators.sqlite is made from indicators.csv with the other outputs.
 */
#define FEED_ROWS 4096

struct feed_batch {
	size_t n;
	size_t (*off)[COL_COUNT]; /* FEED_ROWS rows' texts, in arena */
	struct strbuf arena;
};

struct feed {
	pthread_t thread;
	int started;
	struct handoff ho; /* end 1: every row is there, and the sources; -1:
	                      give up */
	struct feed_batch batch[2];
	struct feed_batch *fill; /* the main thread's */
	const char *(*rows)[COL_COUNT]; /* the thread's, FEED_ROWS */
	const struct release_data *d;
	int rc; /* the thread's: 0, or -1 with err */
	struct error err;
};

static int
feed_batch_write(struct feed *f, struct store_release *o,
                 const struct feed_batch *b)
{
	size_t r;
	int k;

	for (r = 0; r < b->n; r++)
		for (k = 0; k < COL_COUNT; k++)
			f->rows[r][k] = b->arena.buf + b->off[r][k];
	return sqlite_out_rows(o, (const char *const(*)[COL_COUNT])f->rows,
	                       b->n, &f->err);
}

static void *
feed_main(void *arg)
{
	struct feed *f = arg;
	struct store_release *o = NULL;
	int failed = sqlite_out_open(&o, &f->err) < 0, end = 0;
	const struct feed_batch *b;

	while ((b = handoff_take(&f->ho, &end))) {
		if (!failed)
			failed = feed_batch_write(f, o, b) < 0;
		handoff_done(&f->ho);
	}
	if (!failed && end > 0)
		failed = sqlite_out_finish(o, f->d, &f->err) < 0 ||
		         output_after(output_index(outputs_sqlite), f->d,
		                      &f->err) < 0;
	store_release_close(o);
	f->rc = failed || end < 0 ? -1 : 0;
	return NULL;
}

static int feed_join(struct feed *f, struct error *err);

/* Starts the thread; f->started unset (and nothing kept) if it cannot. */
static void
feed_start(struct feed *f, const struct release_data *d)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->d = d;
	for (i = 0; i < 2; i++) {
		f->batch[i].off = xcalloc(FEED_ROWS, sizeof(*f->batch[i].off));
		strbuf_init(&f->batch[i].arena, SIZE_MAX / 2);
	}
	f->rows = xcalloc(FEED_ROWS, sizeof(*f->rows));
	f->fill = &f->batch[0];
	handoff_init(&f->ho);
	f->started = pthread_create(&f->thread, NULL, feed_main, f) == 0;
	if (!f->started)
		feed_join(f, NULL); /* frees it */
}

/* Hands the filled batch over (once the thread has done the last). */
static void
feed_hand(struct feed *f)
{
	handoff_put(&f->ho, f->fill);
	f->fill = f->fill == &f->batch[0] ? &f->batch[1] : &f->batch[0];
	f->fill->n = 0;
	strbuf_reset(&f->fill->arena);
}

static void
feed_add(struct feed *f, const char *const *row)
{
	struct feed_batch *b = f->fill;
	int k;

	for (k = 0; k < COL_COUNT; k++)
		b->off[b->n][k] = strbuf_put_str(&b->arena, row[k]);
	if (++b->n == FEED_ROWS)
		feed_hand(f);
}

/* how 1: every row is there, and the sources; -1: give up (the thread
 * ends soon, failed). */
static void
feed_end(struct feed *f, int how)
{
	if (how > 0 && f->fill->n)
		feed_hand(f);
	handoff_end(&f->ho, how);
}

/* Waits for the thread and frees the feed; its result, 0 or -1 (*err). */
static int
feed_join(struct feed *f, struct error *err)
{
	int i, rc = 0;

	if (f->started) {
		pthread_join(f->thread, NULL);
		f->started = 0;
		rc = f->rc;
		if (rc < 0)
			*err = f->err;
	}
	for (i = 0; i < 2; i++) {
		free(f->batch[i].off);
		strbuf_release(&f->batch[i].arena);
		f->batch[i].off = NULL;
	}
	free(f->rows);
	f->rows = NULL;
	handoff_destroy(&f->ho);
	return rc;
}

/* Writes one row of indicators.csv and notes it for the other outputs.
 * Its offset only where a span starts: ftello() is a system call (lseek),
 * and one a row would be a fifth of writing the file. */
static void
put_row(struct emit *e, FILE *fp, const char *const *row)
{
	long long offset =
	        release_data_starts_span(&e->data, row[COL_INDICATOR])
	                ? (long long)ftello(fp)
	                : -1;

	release_data_add_row(&e->data, row, offset);
	csv_writer_row(fp, row, COL_COUNT);
	if (e->feed)
		feed_add(e->feed, row);
}

static void
keep_source(struct emit *e, const char *const *row)
{
	struct release_data *d = &e->data;
	int k;

	d->sources =
	        xreallocarray(d->sources, d->nsources + 1, sizeof(*d->sources));
	for (k = 0; k < SRC_COUNT; k++)
		d->sources[d->nsources].f[k] = xstrdup(row[k]);
	d->nsources++;
}

/* Writes the row of an unpublished indicator: no value, the reason. */
static void
write_unpublished(struct emit *e, FILE *fp, const struct indicator_config *ic)
{
	const char *row[COL_COUNT];
	int k;

	for (k = 0; k < COL_COUNT; k++)
		row[k] = "";
	row[COL_INDICATOR] = ic->id;
	row[COL_UNIT] = ic->unit;
	row[COL_STATUS] = "unpublished";
	row[COL_NOTE] = ic->reason;
	put_row(e, fp, row);
}

/* Unpublished indicators in id order, written where they sort. */
static void
flush_unpublished(struct emit *e, FILE *fp, const char *before, size_t *next,
                  const struct indicator_config **list, size_t n)
{
	while (*next < n && (!before || strcmp(list[*next]->id, before) < 0))
		write_unpublished(e, fp, list[(*next)++]);
}

static int
cmp_indicator(const void *a, const void *b)
{
	return strcmp((*(const struct indicator_config *const *)a)->id,
	              (*(const struct indicator_config *const *)b)->id);
}

/* The previous value's indicator, geo and period. */
struct prev_key {
	struct strbuf f[3];
};

/* Is row's key the previous value's?  Then remembers row's. */
static int
same_key(struct prev_key *p, const char *const *row)
{
	int same = 1, k;

	for (k = 0; k < 3; k++)
		if (strcmp(p->f[k].buf, row[k]) != 0)
			same = 0;
	if (same)
		return 1;
	for (k = 0; k < 3; k++) {
		strbuf_reset(&p->f[k]);
		strbuf_addstr(&p->f[k], row[k]);
	}
	return 0;
}

/* The newest retrieved_at in sources.csv, or "" if no source has one. */
static const char *
newest_retrieval(const struct release_data *d)
{
	const char *newest = "";
	size_t i;

	for (i = 0; i < d->nsources; i++)
		if (strcmp(d->sources[i].f[SRC_RETRIEVED_AT], newest) > 0)
			newest = d->sources[i].f[SRC_RETRIEVED_AT];
	return newest;
}

static int
write_indicators(struct emit *e)
{
	struct atomic_file af = {NULL, NULL, NULL, NULL};
	const struct indicator_config **unpub = NULL;
	struct store_values *c = NULL;
	struct store_value v;
	char *path = xasprintf("%s/indicators.csv", e->tmp);
	struct prev_key prev;
	size_t nunpub = 0, next = 0, nvalues = 0, i;
	int rc, ret = -1, j;

	for (j = 0; j < 3; j++)
		strbuf_init(&prev.f[j], 1u << 20);

	unpub = xcalloc(e->cfg->nindicators + 1, sizeof(*unpub));
	for (i = 0; i < e->cfg->nindicators; i++)
		if (e->cfg->indicators[i].unpublished)
			unpub[nunpub++] = &e->cfg->indicators[i];
	qsort(unpub, nunpub, sizeof(*unpub), cmp_indicator);
	if (store_values_open(e->st, e->as_of, &c, e->err) < 0 ||
	    atomic_file_open(&af, path, e->err) < 0)
		goto out;
	csv_writer_row(af.fp, outputs_columns, COL_COUNT);
	while ((rc = store_values_next(c, &v, e->err)) == 1) {
		const char *row[COL_COUNT];
		char num[32] = "";

		/* The value as a number, formatted here: asked for text,
		 * SQLite would format it too (a tenth of this pass). */
		if (v.has_value)
			number_format_shortest(v.value, num);
		row[COL_INDICATOR] = v.indicator;
		row[COL_GEO] = v.geo;
		row[COL_PERIOD] = v.period;
		row[COL_VALUE] = num;
		row[COL_UNIT] = v.unit;
		row[COL_FLAGS] = v.flags;
		row[COL_QUALIFIER] = v.qualifier;
		row[COL_STATUS] = v.status;
		row[COL_VINTAGE] = v.known_from;
		row[COL_SOURCE] = v.source_id;
		row[COL_LINEAGE] = v.key;
		row[COL_NOTE] = v.note;
		row[COL_BOUND] = number_bound(v.qualifier)
		                         ? number_bound(v.qualifier)
		                         : "";
		row[COL_PRECISION] = v.precision;
		flush_unpublished(e, af.fp, row[COL_INDICATOR], &next, unpub,
		                  nunpub);
		/* Validation: one value per indicator, geo and period (rows
		 * come in that order). */
		if (same_key(&prev, row) && nvalues) {
			error_set(e->err,
			          "validation: %s %s %s appears twice in the "
			          "release",
			          row[0], row[1], row[2]);
			goto out;
		}
		nvalues++;
		if (!*row[COL_LINEAGE]) {
			error_set(e->err,
			          "validation: %s %s %s has no lineage id",
			          row[0], row[1], row[2]);
			goto out;
		}
		put_row(e, af.fp, row);
		e->res->values++;
	}
	if (rc < 0)
		goto out;
	flush_unpublished(e, af.fp, NULL, &next, unpub, nunpub);
	e->res->unpublished = nunpub;
	if (atomic_file_commit(&af, e->err) < 0)
		goto out;
	ret = 0;
out:
	atomic_file_abort(&af);
	store_values_close(c);
	for (j = 0; j < 3; j++)
		strbuf_release(&prev.f[j]);
	free(unpub);
	free(path);
	return ret;
}

/*
 * A source's state as of e->as_of (freshness.h).  Only the first retrieval
 * of the snapshot in use goes into the release: re-checking an unchanged
 * document must not change the release.
 */
static int
write_sources(struct emit *e)
{
	struct atomic_file af = {NULL, NULL, NULL, NULL};
	char *path = xasprintf("%s/sources.csv", e->tmp);
	time_t now = timefmt_now();
	size_t i;
	int ret = -1;

	if (atomic_file_open(&af, path, e->err) < 0)
		goto out;
	csv_writer_row(af.fp, release_source_columns, SRC_COUNT);
	for (i = 0; i < e->cfg->nsources; i++) {
		const struct source_config *src = &e->cfg->sources[i];
		struct freshness f;
		const char *row[SRC_COUNT];
		char *transcription;

		if (freshness_of(e->st, src, e->as_of, now, &f, e->err) < 0)
			goto out;
		if (strcmp(f.status, "fresh") != 0)
			e->res->stale++;
		row[SRC_SOURCE] = src->id;
		row[SRC_PUBLISHER] = src->publisher;
		row[SRC_TITLE] = src->title;
		row[SRC_GRADE] = src->grade;
		row[SRC_STATUS] = f.status;
		row[SRC_RETRIEVED_AT] =
		        f.snapshot_since ? f.snapshot_since : "";
		row[SRC_SNAPSHOT] = f.snapshot ? f.snapshot : "";
		row[SRC_URL] = src->url;
		row[SRC_CITATION] = src->citation;
		row[SRC_LICENCE] = src->licence;
		row[SRC_TRANSCRIPTION] = transcription =
		        config_transcription(src);
		row[SRC_MEDIA_TYPE] = f.media_type ? f.media_type : "";
		row[SRC_DECODING] = f.decoding ? f.decoding : "";
		row[SRC_DECODED_BYTES] = f.decoded_bytes ? f.decoded_bytes : "";
		row[SRC_REASON] = f.reason ? f.reason : "";
		csv_writer_row(af.fp, row, SRC_COUNT);
		keep_source(e, row);
		freshness_release(&f);
		free(transcription);
	}
	if (atomic_file_commit(&af, e->err) < 0)
		goto out;
	ret = 0;
out:
	atomic_file_abort(&af);
	free(path);
	return ret;
}

/* Writes MANIFEST.sha256 (sha256sum -c format) and returns its digest. */
static int
write_manifest(struct emit *e, char digest[HASH_HEX_SIZE])
{
	char *text = NULL, *path = NULL;
	size_t i, len = 0;
	int ret = -1;

	for (i = 0; i < RELEASE_NFILES; i++) {
		char *line = xasprintf("%s  %s\n", e->data.sha[i],
		                       release_files[i].name);

		text = xrealloc(text, len + strlen(line) + 1);
		memcpy(text + len, line, strlen(line) + 1);
		len += strlen(line);
		free(line);
	}
	path = xasprintf("%s/MANIFEST.sha256", e->tmp);
	if (atomic_file_write(path, text, len, e->err) < 0)
		goto out;
	hash_hex(text, len, digest);
	ret = 0;
out:
	free(text);
	free(path);
	return ret;
}

/* The digest of the current release's manifest, or "" when none. */
static void
current_manifest(const char *out, char digest[HASH_HEX_SIZE])
{
	char *path = xasprintf("%s/current/MANIFEST.sha256", out);
	char *text = NULL;
	size_t len;

	digest[0] = '\0';
	if (fileio_read(path, MANIFEST_MAX, &text, &len, NULL) == 0)
		hash_hex(text, len, digest);
	free(text);
	free(path);
}

/* Removes what a crashed emit left: temporary releases and links. */
static int
clean_leftovers(const char *out, struct error *err)
{
	char *dir = xasprintf("%s/releases", out);
	DIR *d;
	struct dirent *ent;
	int ret = 0;

	if ((d = opendir(dir))) {
		while ((ent = readdir(d))) {
			if (strncmp(ent->d_name, ".tmp-", 5) == 0) {
				char *p = xasprintf("%s/%s", dir, ent->d_name);

				if (fileio_remove_tree(p, err) < 0)
					ret = -1;
				free(p);
			}
		}
		closedir(d);
	}
	free(dir);
	if ((d = opendir(out))) {
		while ((ent = readdir(d))) {
			if (strncmp(ent->d_name, "current.tmp-", 12) == 0) {
				char *p = xasprintf("%s/%s", out, ent->d_name);

				unlink(p);
				free(p);
			}
		}
		closedir(d);
	}
	return ret;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keeps the newest cfg->keep_releases releases (names sort by time). */
static int
prune(struct emit *e)
{
	char *dir = xasprintf("%s/releases", e->out);
	char **names = NULL;
	size_t n = 0, i;
	DIR *d = opendir(dir);
	struct dirent *ent;
	int ret = 0;

	if (!d) {
		free(dir);
		return 0;
	}
	while ((ent = readdir(d))) {
		if (ent->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(ent->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n; i++) {
		if (n - i > (size_t)e->cfg->keep_releases &&
		    strcmp(names[i], e->res->release_id) != 0) {
			char *p = xasprintf("%s/%s", dir, names[i]);

			if (fileio_remove_tree(p, e->err) < 0)
				ret = -1;
			else
				e->res->pruned++;
			free(p);
		}
		free(names[i]);
	}
	free(names);
	free(dir);
	return ret;
}

/* Whether the release directory dir has the manifest whose digest is given. */
static int
release_matches(const char *dir, const char *digest)
{
	char *path = xasprintf("%s/MANIFEST.sha256", dir);
	char *text = NULL, got[HASH_HEX_SIZE];
	size_t len;
	int same = 0;

	if (fileio_read(path, MANIFEST_MAX, &text, &len, NULL) == 0) {
		hash_hex(text, len, got);
		same = strcmp(got, digest) == 0;
	}
	free(text);
	free(path);
	return same;
}

/* Renames the finished release into place and points current at it. */
static int
publish(struct emit *e, const char *digest)
{
	char stamp[20];
	char *rel_dir = NULL, *final = NULL, *link_tmp = NULL, *target = NULL;
	char *current = NULL;
	struct tm tm;
	int ret = -1;

	/* A release is named for the time it is "as of" (now, unless
	 * --as-of): so verify can rebuild it exactly. */
	gmtime_r(&e->as_of_t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(e->res->release_id, sizeof(e->res->release_id), "%s-%.12s",
	         stamp, digest);
	rel_dir = xasprintf("%s/releases", e->out);
	final = xasprintf("%s/%s", rel_dir, e->res->release_id);
	if (fileio_exists(final)) {
		/* A run that crashed before switching current left this very
		 * release: it was complete and fsync'd before its rename, and
		 * its name carries the manifest's hash.  Use it. */
		if (!release_matches(final, digest)) {
			error_set(e->err,
			          "release '%s' exists with other contents",
			          final);
			goto out;
		}
		diag_info("completing release %s left by an interrupted run",
		          e->res->release_id);
	} else {
		if (fileio_fsync_dir(e->tmp, e->err) < 0)
			goto out;
		crash_point("emit.after-files");
		if (fileio_rename(e->tmp, final, e->err) < 0)
			goto out;
		crash_point("emit.before-release-sync");
		if (fileio_fsync_dir(rel_dir, e->err) < 0)
			goto out;
	}
	crash_point("emit.after-rename");
	/* current -> releases/<id>, switched with one rename. */
	link_tmp = xasprintf("%s/current.tmp-%ld", e->out, (long)getpid());
	target = xasprintf("releases/%s", e->res->release_id);
	current = xasprintf("%s/current", e->out);
	unlink(link_tmp);
	crash_point("emit.before-link");
	if (symlink(target, link_tmp) < 0) {
		error_set(e->err, "cannot create link '%s': %s", link_tmp,
		          strerror(errno));
		goto out;
	}
	crash_point("emit.before-switch");
	if (fileio_rename(link_tmp, current, e->err) < 0) {
		unlink(link_tmp);
		goto out;
	}
	crash_point("emit.before-switch-sync");
	if (fileio_fsync_dir(e->out, e->err) < 0)
		goto out;
	crash_point("emit.after-switch");
	ret = 0;
out:
	free(rel_dir);
	free(final);
	free(link_tmp);
	free(target);
	free(current);
	return ret;
}

/* What each output did: 0, or -1 with its error. */
struct output_result {
	const struct release_data *d;
	size_t i;
	int rc;
	struct error err;
};

static void
output_run(struct output_result *r)
{
	r->rc = outputs[r->i].write(r->d, &r->err);
	if (r->rc == 0)
		r->rc = output_after(r->i, r->d, &r->err);
}

static void *
output_thread(void *arg)
{
	output_run(arg);
	return NULL;
}

/*
 * Writes every output, each file hashed into d->sha as soon as it is
 * written; on failure *err is the first output's error, in order.
 */
static int
write_outputs(const struct release_data *d, struct feed *feed,
              struct error *err)
{
	struct output_result r[NOUTPUTS];
	pthread_t thread[NOUTPUTS];
	int started[NOUTPUTS] = {0}, fed[NOUTPUTS] = {0};
	size_t i;
	int failed = 0;

	for (i = 0; i < NOUTPUTS; i++) {
		r[i].d = d;
		r[i].i = i;
		r[i].rc = 1; /* not run */
		error_clear(&r[i].err);
	}
	/* conflicts.csv and claims.csv before the threads start: report.html
	 * reads them. */
	for (i = 0; i < NOUTPUTS && !failed; i++)
		if (outputs[i].before) {
			output_run(&r[i]);
			failed = r[i].rc < 0;
		}
	for (i = 0; i < NOUTPUTS; i++) {
		/* indicators.sqlite: being made from the fed rows (its thread
		 * is joined below even after a failure), or on a thread now */
		if (i == output_index(outputs_sqlite) && feed->started)
			fed[i] = 1;
		else if (!failed && !outputs[i].before &&
		         outputs[i].own_thread &&
		         pthread_create(&thread[i], NULL, output_thread,
		                        &r[i]) == 0)
			started[i] = 1;
	}
	for (i = 0; i < NOUTPUTS && !failed; i++)
		if (!outputs[i].before && !started[i] && !fed[i]) {
			output_run(&r[i]);
			failed = r[i].rc < 0;
		}
	for (i = 0; i < NOUTPUTS; i++) {
		if (started[i])
			pthread_join(thread[i], NULL);
		if (fed[i])
			r[i].rc = feed_join(feed, &r[i].err);
	}
	for (i = 0; i < NOUTPUTS; i++)
		if (r[i].rc < 0) {
			*err = r[i].err;
			return -1;
		}
	return 0;
}

int
emit_run(const struct config *cfg, struct store *st, const char *out_dir,
         const struct emit_options *opt, struct emit_result *res,
         struct error *err)
{
	struct emit e;
	char digest[HASH_HEX_SIZE], cur[HASH_HEX_SIZE];
	char sha[RELEASE_NFILES][HASH_HEX_SIZE]; /* of each release file */
	struct feed feed;
	char *rel_dir = NULL, *msg = NULL;
	int64_t run_id;
	time_t t;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	memset(&e, 0, sizeof(e));
	e.cfg = cfg;
	e.st = st;
	e.out = out_dir;
	e.res = res;
	e.err = err;
	if (opt->as_of) {
		if (timefmt_parse(opt->as_of, 1, &t, err) < 0)
			return error_prefix(err, "--as-of");
	} else {
		t = timefmt_now();
	}
	timefmt_format(t, e.as_of);
	e.as_of_t = t;
	if (store_run_start(st, "emit", cfg->hash, &run_id, err) < 0)
		return -1;
	rel_dir = xasprintf("%s/releases", out_dir);
	if (fileio_mkdirs(rel_dir, 0755, err) < 0 ||
	    clean_leftovers(out_dir, err) < 0)
		goto out;
	e.tmp = xasprintf("%s/.tmp-%ld", rel_dir, (long)getpid());
	if (fileio_mkdirs(e.tmp, 0755, err) < 0)
		goto out;
	crash_point("emit.after-tmpdir");
	e.data.cfg = cfg;
	e.data.st = st;
	e.data.dir = e.tmp;
	e.data.as_of = e.as_of;
	e.data.csv = xasprintf("%s/indicators.csv", e.tmp);
	e.data.sha = sha;
	feed_start(&feed, &e.data);
	if (feed.started)
		e.feed = &feed;
	if (write_indicators(&e) < 0 ||
	    release_file_hash(&e.data, RELEASE_INDICATORS_CSV, err) < 0)
		goto out;
	crash_point("emit.after-indicators");
	release_data_finish(&e.data);
	if (write_sources(&e) < 0 ||
	    release_file_hash(&e.data, RELEASE_SOURCES, err) < 0)
		goto out;
	if (e.feed)
		feed_end(e.feed, 1);
	/* Not the as-of time: a rebuild as of the release's own time (verify)
	 * must say what the release says. */
	e.data.known_on = newest_retrieval(&e.data);
	if (!*e.data.known_on)
		e.data.known_on = e.as_of;
	crash_point("emit.after-sources");
	e.feed = NULL; /* write_outputs() joins it */
	if (write_outputs(&e.data, &feed, err) < 0)
		goto out;
	if (write_manifest(&e, digest) < 0)
		goto out;
	crash_point("emit.after-manifest");
	current_manifest(out_dir, cur);
	if (strcmp(cur, digest) == 0) {
		res->nothing_new = 1;
		ret = 0;
		goto out;
	}
	if (publish(&e, digest) < 0)
		goto out;
	crash_point("emit.before-prune");
	if (prune(&e) < 0)
		diag_warn("%s", err->msg); /* the release is published */
	crash_point("emit.after-prune");
	ret = 0;
out:
	if (e.feed) { /* failed before the outputs: stop it first */
		struct error ignored;

		feed_end(e.feed, -1);
		feed_join(e.feed, &ignored);
	}
	if (e.tmp && fileio_exists(e.tmp)) {
		struct error ignored;

		fileio_remove_tree(e.tmp, &ignored);
	}
	msg = res->nothing_new
	              ? xstrdup("identical to the current release")
	              : xasprintf("release %s: %zu values, %zu sources not "
	                          "fresh",
	                          res->release_id, res->values, res->stale);
	store_run_finish(st, run_id,
	                 ret < 0            ? "failed"
	                 : res->nothing_new ? "nothing-new"
	                                    : "ok",
	                 NULL, ret < 0 ? err->msg : msg, NULL);
	free(msg);
	free(e.tmp);
	free(rel_dir);
	release_data_release(&e.data);
	return ret;
}
