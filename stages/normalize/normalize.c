/* normalize — see normalize.h.  It loads observations with a query of its
 * own; parse rows go through store_parse. */
#include "normalize.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "crash.h"
#include "atomic_file.h"
#include "csv_format.h"
#include "decode.h"
#include "json_format.h"
#include "jsonstat_format.h"
#include "html_format.h"
#include "pdf_format.h"
#include "sdmx_format.h"
#include "tsv_format.h"
#include "diag.h"
#include "format.h"
#include "handoff.h"
#include "json.h"
#include "number.h"
#include "observation.h"
#include "store_load.h"
#include "store_parse.h"
#include "strbuf.h"
#include "timefmt.h"
#include "xalloc.h"

/* A measure of the source, and the indicator whose range it must keep. */
struct range_rule {
	const char *measure;
	const struct indicator_config *ind;
	const struct crosswalk_entry *x; /* its declared conversion */
};

/*
 * Observations go to the store (store_load.h) in chunks of LOAD_CHUNK
 * rows, their texts in one arena.  While the parser fills one chunk, a
 * writer thread inserts the previous one: parsing and SQLite's work
 * overlap (on 2,073,600 CSV rows SQLite and the kernel's writes are three
 * quarters of the time, the parser the rest; on SDMX-ML the other way
 * round).  The hand-over is a mutex and a condition variable around one
 * slot: the store's connection is used by one thread at a time, the
 * writer's between hand-overs and the parser's only once the writer is
 * idle or gone (loader_drain).  The thread starts with the first full
 * chunk, so a document of fewer rows has none, and never outlives its
 * snapshot's transaction.
 */
#define LOAD_CHUNK (64 * STORE_LOAD_BATCH) /* rows per hand-over */
#define LOAD_TEXTS                                                             \
	9 /* measure, geo, period, raw value, unit, flags,                     \
	     qualifier, locator, precision */

struct pending {
	size_t text[LOAD_TEXTS]; /* offsets in the arena; locator: SIZE_MAX
	                            when line and column say it */
	int has_value;
	double value;
	int scale, decimals;
	long long line, col; /* line 0: none */
	long long byte_offset, byte_length; /* offset -1: none */
};

struct batch {
	struct pending *rows; /* LOAD_CHUNK */
	size_t n;
	struct strbuf arena;
};

struct loader {
	struct store *st;
	struct store_load *sl;
	int64_t parse_id;
	long n; /* observations added */
	const struct check_options *checks;
	unsigned char *key_seen; /* per checks->keys */
	struct problems *probs;
	struct range_rule *ranges; /* of the indicators the source maps to */
	size_t nranges;
	struct batch batch[2];
	struct batch *fill; /* the parser's */
	/* The writer thread, and the batch handed to it.  failed and werr
	 * are the writer's, read by the parser once the writer is idle. */
	int threaded;
	pthread_t writer;
	struct handoff ho;
	int failed;
	struct error werr; /* the writer's failure */
};

/* Inserts the rows of b (by whichever thread owns the connection now). */
static int
batch_write(struct loader *l, const struct batch *b, struct error *err)
{
	struct store_load_row rows[STORE_LOAD_BATCH];
	const char *a = b->arena.buf;
	size_t r, n, k;

	for (r = 0; r < b->n; r += n) {
		n = b->n - r < STORE_LOAD_BATCH ? b->n - r : STORE_LOAD_BATCH;
		for (k = 0; k < n; k++) {
			const struct pending *p = &b->rows[r + k];
			struct store_load_row *o = &rows[k];

			o->measure = a + p->text[0];
			o->raw_geo = a + p->text[1];
			o->raw_period = a + p->text[2];
			o->raw_value = a + p->text[3];
			o->has_value = p->has_value;
			o->value = p->value;
			o->unit = a + p->text[4];
			o->scale = p->scale;
			o->decimals = p->decimals;
			o->flags = a + p->text[5];
			o->qualifier = a + p->text[6];
			o->locator = p->text[7] != (size_t)-1 ? a + p->text[7]
			                                      : NULL;
			o->line = p->line;
			o->col = p->col;
			o->byte_offset = p->byte_offset;
			o->byte_length = p->byte_length;
			o->precision = a + p->text[8];
		}
		if (store_load_rows(l->sl, rows, n, err) < 0)
			return -1;
	}
	if (b->n)
		crash_point("normalize.mid-load");
	return 0;
}

static void *
writer_main(void *arg)
{
	struct loader *l = arg;
	struct batch *b;

	while ((b = handoff_take(&l->ho, NULL))) {
		struct error e;

		if (!l->failed && batch_write(l, b, &e) < 0) {
			l->werr = e;
			l->failed = 1;
		}
		handoff_done(&l->ho);
	}
	return NULL;
}

/* Waits until the writer is idle; returns its failure, if any. */
static int
writer_wait(struct loader *l, struct error *err)
{
	handoff_idle(&l->ho);
	if (l->failed && err)
		*err = l->werr;
	return l->failed ? -1 : 0;
}

/*
 * Ends the writer thread once it is idle (its last batch written or
 * abandoned after a failure): from here the connection is the parser's
 * again.  Every way out of a snapshot passes here before the transaction
 * ends.  Returns the writer's failure, if any.
 */
static int
loader_drain(struct loader *l, struct error *err)
{
	int rc;

	if (!l->threaded)
		return 0;
	rc = writer_wait(l, err);
	handoff_end(&l->ho, 1);
	pthread_join(l->writer, NULL);
	l->threaded = 0;
	return rc;
}

/* The parser's batch is full: hands it to the writer and takes the other.
 * Without a thread (it could not start, or SQLite is built single-threaded)
 * the batch is written here. */
static int
loader_flush(struct loader *l, struct error *err)
{
	struct batch *b = l->fill;

	if (!l->threaded && !l->failed && store_threadsafe() &&
	    pthread_create(&l->writer, NULL, writer_main, l) == 0)
		l->threaded = 1;
	if (!l->threaded) {
		if (batch_write(l, b, err) < 0)
			return -1;
		b->n = 0;
		strbuf_reset(&b->arena);
		return 0;
	}
	if (writer_wait(l, err) < 0)
		return -1;
	handoff_put(&l->ho, b);
	l->fill = b == &l->batch[0] ? &l->batch[1] : &l->batch[0];
	l->fill->n = 0;
	strbuf_reset(&l->fill->arena);
	return 0;
}

/* The document's end: the writer's batches, then the last rows. */
static int
loader_finish(struct loader *l, struct error *err)
{
	if (loader_drain(l, err) < 0 || batch_write(l, l->fill, err) < 0)
		return -1;
	l->fill->n = 0;
	return 0;
}

/* A value far outside its indicator's declared range is a thousand or
 * million slip (or a misread column): the document is rejected. */
static void
check_range(struct loader *l, const struct observation *o)
{
	size_t i;

	for (i = 0; i < l->nranges; i++) {
		const struct indicator_config *ind = l->ranges[i].ind;
		const struct crosswalk_entry *x = l->ranges[i].x;
		char v[32], lo[32], hi[32], at[STORE_LOCATOR_MAX];
		double value = o->num.value;

		/* The range is in the indicator's unit. */
		if (x->convert_from && o->unit &&
		    strcmp(o->unit, x->convert_from) == 0)
			value = number_convert(value, o->num.decimals,
			                       x->factor);
		if (strcmp(o->measure, l->ranges[i].measure) != 0 ||
		    (value >= ind->range_min && value <= ind->range_max))
			continue;
		number_format_shortest(value, v);
		number_format_shortest(ind->range_min, lo);
		number_format_shortest(ind->range_max, hi);
		problems_add(l->probs,
		             "%s: '%s' %s reads as %s, outside the range %s "
		             "to %s declared for %s (a thousand or million "
		             "slip?)",
		             store_locator(o->locator, o->line, o->col, at),
		             o->raw_value, o->raw_geo, v, lo, hi, ind->id);
	}
}

/* The range rules of a source: its crosswalk entries to ranged
 * indicators. */
static size_t
range_rules(const struct config *cfg, const struct source_config *src,
            struct range_rule **out)
{
	size_t k, n = 0;

	*out = xcalloc(cfg->ncrosswalk + 1, sizeof(**out));
	for (k = 0; k < cfg->ncrosswalk; k++) {
		const struct crosswalk_entry *x = &cfg->crosswalk[k];
		const struct indicator_config *ind =
		        config_indicator(cfg, x->indicator);

		if (strcmp(x->source, src->id) == 0 && ind && ind->has_range) {
			(*out)[n].measure = x->measure;
			(*out)[n].x = x;
			(*out)[n++].ind = ind;
		}
	}
	return n;
}

static int
loader_add(void *ctx, const struct observation *o, struct error *err)
{
	struct loader *l = ctx;
	struct batch *b = l->fill;
	struct pending *p = &b->rows[b->n++];
	struct strbuf *a = &b->arena;
	size_t i;

	p->text[0] = strbuf_put_str(a, o->measure);
	p->text[1] = strbuf_put_str(a, o->raw_geo);
	p->text[2] = strbuf_put_str(a, o->raw_period);
	p->text[3] = strbuf_put_str(a, o->raw_value);
	p->text[4] = strbuf_put_str(a, o->unit);
	p->text[5] = strbuf_put_str(a, o->num.flags);
	p->text[6] = strbuf_put_str(a, o->num.qualifier);
	p->text[7] = o->locator[0] ? strbuf_put_str(a, o->locator) : (size_t)-1;
	p->text[8] = strbuf_put_str(a, o->num.precision);
	p->has_value = !o->num.missing;
	p->value = o->num.value;
	p->scale = o->num.scale;
	p->decimals = o->num.decimals;
	p->line = o->line > 0 ? o->line : 0;
	p->col = o->col;
	p->byte_offset = o->byte_offset;
	p->byte_length = (long long)o->byte_length;
	l->n++;
	if (b->n == LOAD_CHUNK && loader_flush(l, err) < 0)
		return -1;
	if (!o->num.missing)
		check_range(l, o);
	for (i = 0; i < l->checks->nkeys; i++)
		if (!l->key_seen[i] &&
		    strcmp(o->raw_geo, l->checks->keys[i]) == 0)
			l->key_seen[i] = 1;
	return 0;
}

/* The checks a source declares on a whole document. */
static void
run_checks(const struct loader *l, struct problems *probs)
{
	const struct check_options *c = l->checks;
	size_t i;

	if (c->min_rows && l->n < c->min_rows)
		problems_add(probs,
		             "check: %ld observations, fewer than the "
		             "%ld expected",
		             l->n, c->min_rows);
	if (c->max_rows && l->n > c->max_rows)
		problems_add(probs,
		             "check: %ld observations, more than the "
		             "%ld expected",
		             l->n, c->max_rows);
	for (i = 0; i < c->nkeys; i++)
		if (!l->key_seen[i])
			problems_add(probs,
			             "check: expected key '%s' is not "
			             "in the document",
			             c->keys[i]);
}

/* The keys of the last loaded snapshot (observation ids pfirst..plast)
 * that the new one (first..last) lacks: how many, and the first few. */
static int
vanished(struct store *st, int64_t pfirst, int64_t plast, int64_t first,
         int64_t last, struct strbuf *list, long *count, struct error *err)
{
	static const char sql[] =
	        "SELECT measure, raw_geo, raw_period, count(*) OVER () FROM "
	        "(SELECT measure, raw_geo, raw_period FROM observation WHERE "
	        "id BETWEEN ?1 AND ?2 EXCEPT SELECT measure, raw_geo, "
	        "raw_period FROM observation WHERE id BETWEEN ?3 AND ?4) "
	        "LIMIT 5";
	struct store_stmt *s = NULL;
	int rc;

	*count = 0;
	if (store_prepare(st, sql, &s, err) < 0)
		return -1;
	store_bind_int(s, 1, pfirst);
	store_bind_int(s, 2, plast);
	store_bind_int(s, 3, first);
	store_bind_int(s, 4, last);
	while ((rc = store_step(s)) == STORE_ROW) {
		strbuf_addf(list, "%s'%s' %s %s", list->len ? ", " : "",
		            store_col_text(s, 1), store_col_text(s, 2),
		            store_col_text(s, 0));
		*count = (long)store_col_int(s, 3);
	}
	store_finalize(s);
	return rc == STORE_DONE
	               ? 0
	               : store_fail(st, err, "cannot compare snapshots");
}

/*
 * The disappearance guard: a snapshot with far fewer observations than
 * its source's last loaded one (a drop beyond checks.max_drop) looks like
 * a half-written export as much as a publisher withdrawing figures, so it
 * is held back, the last loaded data staying in use, until a person
 * accepts it (provstat accept).  Returns 1 with the problem in probs, 0,
 * or -1 on a store failure.
 */
static int
shrink_guard(struct store *st, const struct source_config *src, const char *sha,
             long n, int64_t first, int64_t last, struct problems *probs,
             struct error *err)
{
	static const char accepted_sql[] =
	        "SELECT 1 FROM accepted WHERE source_id = ?1 AND "
	        "snapshot_sha256 = ?2";
	static const char last_sql[] =
	        "SELECT observations, snapshot_sha256, parsed_at, "
	        "first_observation, last_observation FROM parse WHERE "
	        "source_id = ?1 AND status = 'loaded' AND snapshot_sha256 <> "
	        "?2 ORDER BY id DESC LIMIT 1";
	struct store_stmt *s = NULL;
	struct strbuf list;
	long prev = 0, gone = 0;
	int64_t pfirst = 0, plast = 0;
	char *prev_sha = NULL, *prev_at = NULL;
	int rc, ret = 0;

	if (src->checks.max_drop >= 1)
		return 0;
	if (store_prepare(st, accepted_sql, &s, err) < 0)
		return -1;
	store_bind_text(s, 1, src->id);
	store_bind_text(s, 2, sha);
	rc = store_step(s);
	store_finalize(s);
	if (rc == STORE_ROW)
		return 0; /* a person accepted it */
	if (store_prepare(st, last_sql, &s, err) < 0)
		return -1;
	store_bind_text(s, 1, src->id);
	store_bind_text(s, 2, sha);
	if (store_step(s) == STORE_ROW) {
		prev = (long)store_col_int(s, 0);
		prev_sha = store_col_dup(s, 1);
		prev_at = store_col_dup(s, 2);
		pfirst = store_col_int(s, 3);
		plast = store_col_int(s, 4);
	}
	store_finalize(s);
	if (prev == 0 || (double)n >= (double)prev * (1 - src->checks.max_drop))
		goto out;
	strbuf_init(&list, 1u << 16);
	if (vanished(st, pfirst, plast, first, last, &list, &gone, err) < 0) {
		strbuf_release(&list);
		ret = -1;
		goto out;
	}
	problems_add(probs,
	             STORE_SUSPICIOUS
	             "%ld observations where the last loaded "
	             "snapshot (%.12s, parsed %s) had %ld, a drop of %.0f%%, "
	             "beyond checks.max_drop (%.0f%%); %ld of its keys are "
	             "gone (%s%s); held back, the last loaded data stays in "
	             "use: if the publisher really withdrew them, run "
	             "'provstat accept %s'",
	             n, prev_sha, prev_at, prev,
	             100.0 * (double)(prev - n) / (double)prev,
	             100.0 * src->checks.max_drop, gone,
	             list.len ? list.buf : "none", gone > 5 ? ", ..." : "",
	             src->id);
	strbuf_release(&list);
	ret = 1;
out:
	free(prev_sha);
	free(prev_at);
	return ret;
}

format_parse_fn
normalize_parser(const struct format_spec *spec)
{
	/* No default: the compiler names a format left out. */
	switch (spec->id) {
	case FORMAT_CSV:
	case FORMAT_SDMX_CSV:
		return csv_format_parse;
	case FORMAT_EUROSTAT_TSV:
		return tsv_format_parse;
	case FORMAT_JSON:
		return json_format_parse;
	case FORMAT_JSON_STAT:
		return jsonstat_format_parse;
	case FORMAT_SDMX_ML:
		return sdmx_format_parse;
	case FORMAT_PDF:
		return pdf_format_parse;
	case FORMAT_HTML:
		return html_format_parse;
	case FORMAT_COUNT:
		break;
	}
	return NULL;
}

/* Prints the problems and adds them to the run's errors.jsonl. */
static void
report_problems(const struct source_config *src, const char *sha,
                const struct problems *p, struct strbuf *log)
{
	size_t i;

	for (i = 0; i < p->kept; i++) {
		struct cJSON *o = json_new_object();
		char *line;

		diag_error("%s: %s", src->id, p->msg[i]);
		json_add_string(o, "stage", "normalize");
		json_add_string(o, "source", src->id);
		json_add_string(o, "snapshot", sha);
		json_add_string(o, "problem", p->msg[i]);
		line = json_print(o, 0);
		strbuf_addf(log, "%s\n", line);
		free(line);
		json_delete(o);
	}
	if (p->total > p->kept)
		diag_error("%s: ... and %zu more problems", src->id,
		           p->total - p->kept);
	diag_error("%s: snapshot %.12s of '%s' rejected (%zu problem%s); "
	           "nothing loaded",
	           src->id, sha, src->url, p->total, p->total == 1 ? "" : "s");
}

/*
 * Records that a snapshot was rejected under this config, with its first
 * problems, so that it is not read again and the source shows as stale
 * until a newer document (or a fixed config) loads.
 */
static int
record_rejection(struct store *st, int64_t run_id,
                 const struct source_config *src, const char *sha,
                 const char *now, const struct problems *p, struct error *err)
{
	struct store_parse row = {run_id, src->id, sha, src->hash,
	                          now,    NULL,    -1};
	struct strbuf text;
	size_t i;
	int ret;

	strbuf_init(&text, 64 * 1024);
	for (i = 0; i < p->kept; i++)
		if (strbuf_addf(&text, "%s%s", i ? "\n" : "", p->msg[i]) < 0)
			break;
	ret = store_parse_rejected(st, &row, text.buf, err);
	strbuf_release(&text);
	return ret;
}

/* Loads one snapshot.  Returns 1 loaded, 0 rejected, -1 store failure. */
static int
load_snapshot(const struct config *cfg, struct store *st, int64_t run_id,
              const char *out_dir, const struct source_config *src,
              const char *sha, struct normalize_result *res, struct strbuf *log,
              struct error *err)
{
	struct loader l;
	struct obs_sink sink = {loader_add, &l};
	struct problems probs;
	struct store_parse row;
	char *path = archive_path(out_dir, sha);
	char now[TIMEFMT_LEN];
	struct parse_input in = {NULL, 0};
	struct decoded dec = {NULL, "", -1, NULL};
	int64_t first, last;
	int suspicious = 0;
	struct error derr;
	format_parse_fn parse = normalize_parser(src->spec);
	size_t i;
	int ret = -1;

	memset(&probs, 0, sizeof(probs));
	memset(&l, 0, sizeof(l));
	l.st = st;
	l.checks = &src->checks;
	/* The texts of LOAD_CHUNK rows, each no longer than the document. */
	for (i = 0; i < 2; i++) {
		l.batch[i].rows = xcalloc(LOAD_CHUNK, sizeof(struct pending));
		strbuf_init(&l.batch[i].arena, SIZE_MAX / 2);
	}
	l.fill = &l.batch[0];
	handoff_init(&l.ho);
	l.probs = &probs;
	l.nranges = range_rules(cfg, src, &l.ranges);
	timefmt_format(timefmt_now(), now);
	error_clear(&derr);
	if (decode_open(path, src->csv.encoding, src->max_bytes, &dec, &derr) <
	    0) {
		problems_add(&probs, "%s", derr.msg);
		report_problems(src, sha, &probs, log);
		res->rejected++;
		ret = record_rejection(st, run_id, src, sha, now, &probs, err) <
		                      0
		              ? -1
		              : 0;
		goto out;
	}
	in.fp = dec.fp;
	in.max_bytes = src->max_bytes;
	if (store_begin_load(st, err) < 0)
		goto out;
	crash_point("normalize.after-begin");
	row.run_id = run_id;
	row.source_id = src->id;
	row.snapshot_sha256 = sha;
	row.config_hash = src->hash;
	row.parsed_at = now;
	row.decoding = dec.decoding;
	row.decoded_bytes = dec.decoded_bytes;
	if (store_parse_begin(st, &row, &l.parse_id, err) < 0)
		goto rollback;
	if (store_load_open(st, l.parse_id, &l.sl, err) < 0)
		goto rollback;
	l.key_seen = xcalloc(src->checks.nkeys + 1, 1);
	if (parse(src, &in, &sink, &probs, err) < 0 ||
	    (probs.total == 0 ? loader_finish(&l, err)
	                      : loader_drain(&l, err)) < 0)
		goto rollback;
	crash_point("normalize.after-parse");
	if (probs.total == 0)
		run_checks(&l, &probs);
	if (probs.total == 0 && l.n == 0)
		problems_add(&probs, "the document holds no observations");
	if (probs.total == 0) {
		store_load_ids(l.sl, &first, &last);
		if ((suspicious = shrink_guard(st, src, sha, l.n, first, last,
		                               &probs, err)) < 0)
			goto rollback;
	}
	if (probs.total > 0) {
		store_rollback(st);
		report_problems(src, sha, &probs, log);
		if (suspicious)
			res->suspicious++;
		else
			res->rejected++;
		ret = record_rejection(st, run_id, src, sha, now, &probs, err) <
		                      0
		              ? -1
		              : 0;
		goto out;
	}
	store_load_ids(l.sl, &first, &last);
	if (store_parse_loaded(st, l.parse_id, l.n, first, last, err) < 0)
		goto rollback;
	crash_point("normalize.before-commit");
	if (store_commit(st, err) < 0)
		goto rollback;
	crash_point("normalize.after-commit");
	res->snapshots++;
	res->observations += (size_t)l.n;
	diag_verbose("%s: %ld observations from snapshot %.12s", src->id, l.n,
	             sha);
	ret = 1;
	goto out;
rollback:
	loader_drain(&l, NULL);
	store_rollback(st);
out:
	loader_drain(&l, NULL);
	handoff_destroy(&l.ho);
	store_load_close(l.sl);
	for (i = 0; i < 2; i++) {
		free(l.batch[i].rows);
		strbuf_release(&l.batch[i].arena);
	}
	free(l.key_seen);
	free(l.ranges);
	problems_release(&probs);
	decode_close(&dec);
	free(path);
	return ret;
}

/* Warns when a source's newest snapshot was rejected by an earlier run: its
 * values stay those of the last loaded snapshot. */
struct stale {
	int64_t run_id;
	const struct source_config *src;
	struct normalize_result *res;
};

static int
warn_stale(void *arg, const struct store_rejection *r)
{
	const struct stale *w = arg;
	const char *nl = strchr(r->problems, '\n');

	if (r->run_id == w->run_id)
		return 0;
	diag_warn("%s: the newest snapshot %.12s was rejected on %s (%.*s); "
	          "the last loaded snapshot stays in use",
	          w->src->id, r->snapshot_sha256, r->parsed_at,
	          nl ? (int)(nl - r->problems) : 200, r->problems);
	w->res->stale++;
	return 0;
}

static int
check_stale(struct store *st, int64_t run_id, const struct source_config *src,
            struct normalize_result *res, struct error *err)
{
	struct stale w = {run_id, src, res};

	return store_parse_newest_rejected(st, src->id, src->hash, warn_stale,
	                                   &w, err);
}

int
normalize_run(const struct config *cfg, struct store *st, const char *out_dir,
              struct normalize_result *res, struct error *err)
{
	int64_t run_id;
	size_t i;
	char *msg;
	struct strbuf log;
	char *log_path;
	int rc_log;
	int ret = -1;

	strbuf_init(&log, 64u << 20);

	memset(res, 0, sizeof(*res));
	if (store_run_start(st, "normalize", cfg->hash, &run_id, err) < 0)
		return -1;
	for (i = 0; i < cfg->nsources; i++) {
		const struct source_config *src = &cfg->sources[i];
		char **shas = NULL;
		size_t n = 0, k;
		int rc;

		/* Its snapshots not yet read under its current config. */
		rc = store_parse_unread(st, src->id, src->hash, &shas, &n, err);
		for (k = 0; k < n && rc == 0; k++)
			if (load_snapshot(cfg, st, run_id, out_dir, src,
			                  shas[k], res, &log, err) < 0)
				rc = -1;
		for (k = 0; k < n; k++)
			free(shas[k]);
		free(shas);
		if (rc < 0 || check_stale(st, run_id, src, res, err) < 0)
			goto out;
	}
	/* The run's problems, for programs: one JSON object per line. */
	crash_point("normalize.before-errors");
	log_path = xasprintf("%s/errors.jsonl", out_dir);
	rc_log = atomic_file_write(log_path, log.buf, log.len, err);
	free(log_path);
	if (rc_log < 0)
		goto out;
	crash_point("normalize.after-errors");
	ret = 0;
out:
	strbuf_release(&log);
	msg = xasprintf("%zu snapshots, %zu observations, %zu rejected",
	                res->snapshots, res->observations, res->rejected);
	store_run_finish(st, run_id,
	                 ret < 0 || res->rejected ? "failed"
	                 : res->snapshots         ? "ok"
	                                          : "nothing-new",
	                 NULL, ret < 0 ? err->msg : msg, NULL);
	free(msg);
	return ret;
}
