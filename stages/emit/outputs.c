/* outputs — see outputs.h. */
/* twalk_r() and tdestroy(), GNU extensions of <search.h> (glibc 2.30). */
#define _GNU_SOURCE
#include "outputs.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <search.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "csv_writer.h"
#include "crash.h"
#include "fileio.h"
#include "hash.h"
#include "json.h"
#include "prov.h"
#include "number.h"
#include "store_parse.h"
#include "store_release.h"
#include "store_values.h"
#include "strbuf.h"
#include "version.h"
#include "xalloc.h"

const char *const outputs_columns[COL_COUNT] = {
        "indicator", "geo",    "period",  "value",  "unit",       "flags",
        "qualifier", "status", "vintage", "source", "lineage_id", "note"};

static const char *const conflict_columns[] = {
        "indicator",        "geo",          "period",
        "chosen_source",    "chosen_value", "other_source",
        "other_value",      "difference",   "relative_difference",
        "within_tolerance", "rule"};
#define CONFLICT_COLS (sizeof(conflict_columns) / sizeof(conflict_columns[0]))

void
release_data_release(struct release_data *d)
{
	size_t i;
	int k;

	release_data_distinct_free(d);
	for (i = 0; i < d->nspans; i++)
		free(d->spans[i].indicator);
	free(d->spans);
	free(d->csv);
	for (i = 0; i < d->nsources; i++)
		for (k = 0; k < 10; k++)
			free(d->sources[i].f[k]);
	free(d->sources);
	d->spans = NULL;
	d->csv = NULL;
	d->sources = NULL;
	d->nrows = d->nsources = d->nspans = d->spans_alloc = 0;
}

/* Writes a JSON document (pretty, with a final newline) into the release. */
static int
write_json(const struct release_data *d, const char *name,
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

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An unpublished indicator's row: it has no geo, period or value. */
static int
row_unpublished(const struct release_row *r)
{
	return strcmp(r->f[COL_STATUS], "unpublished") == 0;
}

/* The cube: the categories of the three dimensions, and where a row is. */
struct cube {
	const struct release_distinct *dd;
	size_t last[3];
};

/* The position of v among the categories; last caches the previous
 * answer (consecutive rows mostly share their indicator and geo, and their
 * periods follow each other in order). */
static size_t
position(char **cats, size_t n, const char *v, size_t *last)
{
	char **hit;

	if (*last < n && strcmp(cats[*last], v) == 0)
		return *last;
	if (*last + 1 < n && strcmp(cats[*last + 1], v) == 0)
		return ++*last;
	hit = bsearch(&v, cats, n, sizeof(*cats), cmp_str);
	*last = hit ? (size_t)(hit - cats) : 0;
	return *last;
}

/* A string as cJSON prints it: most need no escaping and go out as they
 * are; the rest are escaped by cJSON itself. */
static void
put_string(FILE *fp, const char *s)
{
	const char *p;
	struct cJSON *a;
	char *text;

	for (p = s; *p; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
			break;
	if (!*p) {
		putc('"', fp);
		fputs(s, fp);
		putc('"', fp);
		return;
	}
	a = json_new_array();
	json_add_string(a, NULL, s);
	text = json_print(a, 0); /* ["..."] */
	fprintf(fp, "%.*s", (int)strlen(text) - 2, text + 1);
	free(text);
	json_delete(a);
}

/* Which member of a row a streamed object holds. */
enum member { M_VALUE, M_STATUS, M_LINEAGE, M_VINTAGE };

/* The position of a row in the cube (row-major). */
static size_t
cube_index(struct cube *c, const struct release_row *r)
{
	static const int cols[3] = {COL_INDICATOR, COL_GEO, COL_PERIOD};
	size_t idx = 0;
	int k;

	for (k = 0; k < 3; k++)
		idx = idx * c->dd->n[k] + position(c->dd->v[k], c->dd->n[k],
		                                   r->f[cols[k]], &c->last[k]);
	return idx;
}

/* One member object of indicators.json ("value", "status", ...), keyed by
 * each row's index in the cube, written as cJSON prints (tabs, depth). */
struct member_writer {
	FILE *fp;
	const char *name;
	enum member m;
	int depth, first;
};

static void
member_entry(struct member_writer *w, const struct release_row *r, size_t idx)
{
	FILE *fp = w->fp;

	if (w->m == M_STATUS && !*r->f[COL_FLAGS] && !*r->f[COL_QUALIFIER])
		return;
	char key[32], *p;

	if (w->first)
		fprintf(fp, "%.*s\"%s\":\t{\n", w->depth, "\t\t\t\t", w->name);
	else
		fputs(",\n", fp);
	fwrite("\t\t\t\t\t", 1, (size_t)w->depth + 1, fp);
	/* "idx":<tab>, without printf: three members of a million rows. */
	key[0] = '"';
	p = number_put_int(key + 1, (long long)idx);
	memcpy(p, "\":\t", 3);
	fwrite(key, 1, (size_t)(p + 3 - key), fp);
	w->first = 0;
	switch (w->m) {
	case M_VALUE:
		/* The CSV's text is the shortest form already. */
		fputs(r->has_value ? r->f[COL_VALUE] : "null", fp);
		break;
	case M_STATUS: {
		char *st = xasprintf(
		        "%s%s%s", r->f[COL_FLAGS],
		        *r->f[COL_FLAGS] && *r->f[COL_QUALIFIER] ? " " : "",
		        r->f[COL_QUALIFIER]);

		put_string(fp, st);
		free(st);
		break;
	}
	case M_LINEAGE:
		put_string(fp, r->f[COL_LINEAGE]);
		break;
	case M_VINTAGE:
		put_string(fp, r->f[COL_VINTAGE]);
		break;
	}
}

static void
member_end(struct member_writer *w)
{
	if (w->first) /* no entry: the opening is still to write */
		fprintf(w->fp, "%.*s\"%s\":\t{\n%.*s}", w->depth, "\t\t\t\t",
		        w->name, w->depth, "\t\t\t\t");
	else
		fprintf(w->fp, "\n%.*s}", w->depth, "\t\t\t\t");
}

/* An anonymous scratch file in the release being written (not $TMPDIR or
 * /tmp: the release's own file system is the one known to have room and
 * to be writable); gone when closed. */
static FILE *
scratch_file(const char *dir, struct error *err)
{
	char *path = xasprintf("%s/.scratch-XXXXXX", dir);
	int fd = mkstemp(path);
	FILE *fp = NULL;

	if (fd < 0) {
		error_set(err, "cannot make a scratch file in '%s': %s", dir,
		          strerror(errno));
	} else {
		unlink(path);
		fp = fdopen(fd, "w+");
		if (fp) /* this thread's alone: see atomic_file.c */
			__fsetlocking(fp, FSETLOCKING_BYCALLER);
		if (!fp) {
			error_set(err, "cannot open a scratch file: %s",
			          strerror(errno));
			close(fd);
		}
	}
	free(path);
	return fp;
}

/* Appends what tmp holds to fp. */
static int
append_file(FILE *fp, FILE *tmp)
{
	char buf[65536];
	size_t n;

	if (fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0)
		if (fwrite(buf, 1, n, fp) != n)
			return -1;
	return ferror(tmp) ? -1 : 0;
}

/*
 * The four members, in one pass over the rows: "value" goes straight into
 * the file, the other three into scratch files appended after it (a pass
 * over the 2,073,600 rows of indicators.csv each cost a second).
 */
static int
put_members(FILE *fp, const struct release_data *d, struct cube *cube,
            struct error *err)
{
	struct member_writer w[4] = {{fp, "value", M_VALUE, 1, 1},
	                             {NULL, "status", M_STATUS, 1, 1},
	                             {NULL, "lineage_id", M_LINEAGE, 2, 1},
	                             {NULL, "vintage", M_VINTAGE, 2, 1}};
	struct release_cursor c;
	int rc = -1, k;

	for (k = 1; k < 4; k++)
		if (!(w[k].fp = scratch_file(d->dir, err)))
			goto out;
	if (release_rows_open(d, NULL, &c, err) < 0)
		goto out;
	while ((rc = release_rows_next(&c, err)) == 1) {
		size_t idx;

		if (row_unpublished(&c.row))
			continue; /* the indicator's note says why */
		idx = cube_index(cube, &c.row);
		for (k = 0; k < 4; k++)
			member_entry(&w[k], &c.row, idx);
	}
	release_rows_close(&c);
	if (rc < 0)
		goto out;
	rc = -1;
	member_end(&w[0]);
	fputs(",\n", fp);
	member_end(&w[1]);
	if (append_file(fp, w[1].fp) < 0)
		goto io;
	fputs(",\n\t\"extension\":\t{\n", fp);
	member_end(&w[2]);
	if (append_file(fp, w[2].fp) < 0)
		goto io;
	fputs(",\n", fp);
	member_end(&w[3]);
	if (append_file(fp, w[3].fp) < 0)
		goto io;
	fputs("\n\t}\n}\n", fp);
	rc = 0;
	goto out;
io:
	error_set(err, "indicators.json: cannot copy a scratch file: %s",
	          strerror(errno));
out:
	for (k = 1; k < 4; k++)
		if (w[k].fp)
			fclose(w[k].fp);
	return rc;
}

/*
 * Writes indicators.json: root (the dimensions, printed by cJSON) and then
 * the members with one entry per row, streamed.  Built as cJSON objects
 * they took more memory than the rows themselves; the text is the same.
 */
static int
write_jsonstat(const struct release_data *d, const struct cJSON *root,
               struct cube *cube, struct error *err)
{
	char *path = xasprintf("%s/indicators.json", d->dir);
	char *head = json_print(root, 1);
	struct atomic_file af = {NULL, NULL, NULL, NULL};
	size_t n;
	FILE *fp;
	int rc = -1;

	if (atomic_file_open(&af, path, err) < 0)
		goto out;
	fp = atomic_file_fp(&af);
	/* head ends "\n}": the members continue the object. */
	n = strlen(head);
	fprintf(fp, "%.*s,\n", (int)(n - 2), head);
	if (put_members(fp, d, cube, err) < 0)
		goto out;
	rc = atomic_file_commit(&af, err);
out:
	atomic_file_abort(&af);
	free(head);
	free(path);
	return rc;
}

int
outputs_jsonstat(const struct release_data *d, struct error *err)
{
	struct cJSON *root, *o, *dim, *cat, *arr, *lab;
	struct cube cube;
	char **cat_ind, **cat_geo, **cat_per;
	size_t ni, ng, np, i;
	int rc;

	memset(&cube, 0, sizeof(cube));
	cube.dd = &d->all;
	cat_ind = d->all.v[0];
	cat_geo = d->all.v[1];
	cat_per = d->all.v[2];
	ni = d->all.n[0];
	ng = d->all.n[1];
	np = d->all.n[2];
	root = json_new_object();
	json_add_string(root, "version", "2.0");
	json_add_string(root, "class", "dataset");
	json_add_string(root, "label", "provstat release");
	json_add_string(root, "source", "provstat; see sources.csv");
	arr = json_new_array();
	json_add_string(arr, NULL, "indicator");
	json_add_string(arr, NULL, "geo");
	json_add_string(arr, NULL, "period");
	json_add_item(root, "id", arr);
	arr = json_new_array();
	json_add_number(arr, NULL, (double)(ni ? ni : 1));
	json_add_number(arr, NULL, (double)(ng ? ng : 1));
	json_add_number(arr, NULL, (double)(np ? np : 1));
	json_add_item(root, "size", arr);
	o = json_new_object();
	arr = json_new_array();
	json_add_string(arr, NULL, "geo");
	json_add_item(o, "geo", arr);
	arr = json_new_array();
	json_add_string(arr, NULL, "period");
	json_add_item(o, "time", arr);
	arr = json_new_array();
	json_add_string(arr, NULL, "indicator");
	json_add_item(o, "metric", arr);
	json_add_item(root, "role", o);

	dim = json_new_object();
	/* indicator: labels, units and scope notes from the config */
	o = json_new_object();
	cat = json_new_object();
	arr = json_new_array();
	lab = json_new_object();
	{
		struct cJSON *unit = json_new_object(),
		             *note = json_new_object();

		for (i = 0; i < ni; i++) {
			const struct indicator_config *ic =
			        config_indicator(d->cfg, cat_ind[i]);
			struct cJSON *u = json_new_object();

			json_add_string(arr, NULL, cat_ind[i]);
			json_add_string(lab, cat_ind[i],
			                ic ? ic->title : cat_ind[i]);
			json_add_string(u, "label", ic ? ic->unit : "");
			json_add_number(u, "decimals", 0);
			json_add_item(unit, cat_ind[i], u);
			if (ic && (ic->scope_note || ic->unpublished)) {
				struct cJSON *n = json_new_array();

				if (ic->unpublished) {
					char *s = xasprintf(
					        "Unpublished: %s",
					        ic->reason ? ic->reason : "");

					json_add_string(n, NULL, s);
					free(s);
				}
				if (ic->scope_note)
					json_add_string(n, NULL,
					                ic->scope_note);
				json_add_item(note, cat_ind[i], n);
			}
		}
		if (ni == 0)
			json_add_string(arr, NULL, "none");
		json_add_item(cat, "index", arr);
		json_add_item(cat, "label", lab);
		json_add_item(cat, "unit", unit);
		json_add_item(cat, "note", note);
	}
	json_add_string(o, "label", "indicator");
	json_add_item(o, "category", cat);
	json_add_item(dim, "indicator", o);
	/* geo and period */
	{
		char **cats[2] = {cat_geo, cat_per};
		size_t ns[2] = {ng, np};
		const char *names[2] = {"geo", "period"};
		int k;

		for (k = 0; k < 2; k++) {
			o = json_new_object();
			cat = json_new_object();
			arr = json_new_array();
			for (i = 0; i < ns[k]; i++)
				json_add_string(arr, NULL, cats[k][i]);
			if (ns[k] == 0)
				json_add_string(arr, NULL, "none");
			json_add_item(cat, "index", arr);
			json_add_string(o, "label", names[k]);
			json_add_item(o, "category", cat);
			json_add_item(dim, names[k], o);
		}
	}
	json_add_item(root, "dimension", dim);
	rc = write_jsonstat(d, root, &cube, err);
	json_delete(root);
	return rc;
}

/* The policy of an indicator, as one line for conflicts.csv. */
static char *
policy_text(const struct indicator_config *ind)
{
	struct strbuf sb;
	size_t k;

	strbuf_init(&sb, 1u << 16);
	if (ind && ind->conflict.rule == CONFLICT_EXACT)
		strbuf_addstr(&sb, "exact over rounded");
	else if (ind && ind->conflict.rule == CONFLICT_NEWEST)
		strbuf_addstr(&sb, "newest");
	if (ind && ind->conflict.rule != CONFLICT_PREFER &&
	    ind->conflict.nprefer)
		strbuf_addstr(&sb, ", then ");
	if (!ind || ind->conflict.nprefer)
		strbuf_addstr(&sb, "prefer ");
	for (k = 0; ind && k < ind->conflict.nprefer; k++)
		strbuf_addf(&sb, "%s%s", k ? " > " : "",
		            ind->conflict.prefer[k]);
	if (ind)
		strbuf_addf(&sb, "; tolerance %g%%; %s",
		            ind->conflict.tolerance * 100,
		            ind->conflict.fail ? "fail above" : "flag above");
	return strbuf_detach(&sb, NULL);
}

/* conflicts.csv being written. */
struct conflicts_out {
	const struct release_data *d;
	FILE *fp;
};

static int
conflict_row(void *arg, const struct store_conflict *c)
{
	const struct conflicts_out *o = arg;
	const struct indicator_config *ind =
	        config_indicator(o->d->cfg, c->indicator);
	char cnum[32] = "", onum[32] = "", diff[32] = "", rel[32] = "";
	const char *row[CONFLICT_COLS];
	char *rule = policy_text(ind);
	int within = c->has_chosen == c->has_other;

	if (c->has_chosen)
		number_format_shortest(c->chosen, cnum);
	if (c->has_other)
		number_format_shortest(c->other, onum);
	if (c->has_chosen && c->has_other) {
		number_format_shortest(c->other - c->chosen, diff);
		if (c->chosen != 0)
			number_format_shortest(
			        (c->other - c->chosen) / fabs(c->chosen), rel);
		within = fabs(c->other - c->chosen) <=
		         (ind ? ind->conflict.tolerance : 0) * fabs(c->chosen);
	}
	row[0] = c->indicator;
	row[1] = c->geo;
	row[2] = c->period;
	row[3] = c->chosen_source;
	row[4] = cnum;
	row[5] = c->other_source;
	row[6] = onum;
	row[7] = diff;
	row[8] = rel;
	row[9] = within ? "true" : "false";
	row[10] = rule;
	csv_writer_row(o->fp, row, CONFLICT_COLS);
	free(rule);
	return 0;
}

/* Every value not chosen at as_of, beside the value chosen for it. */
int
outputs_conflicts(const struct release_data *d, struct error *err)
{
	char *path = xasprintf("%s/conflicts.csv", d->dir);
	struct atomic_file af = {NULL, NULL, NULL, NULL};
	struct conflicts_out o = {d, NULL};
	int ret = -1;

	if (atomic_file_open(&af, path, err) < 0)
		goto out;
	o.fp = af.fp;
	csv_writer_row(af.fp, conflict_columns, CONFLICT_COLS);
	if (store_values_conflicts(d->st, d->as_of, conflict_row, &o, err) < 0)
		goto out;
	ret = atomic_file_commit(&af, err);
out:
	atomic_file_abort(&af); /* no-op after a commit */
	free(path);
	return ret;
}

/* One rejected parse's problems, a line of errors.jsonl each. */
struct errors_out {
	const char *source;
	struct strbuf *sb;
};

static int
errors_add(void *arg, const struct store_rejection *r)
{
	const struct errors_out *e = arg;
	const char *p = r->problems;

	while (*p) {
		const char *nl = strchr(p, '\n');
		char *one = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		struct cJSON *o = json_new_object();
		char *line;

		json_add_string(o, "source", e->source);
		json_add_string(o, "snapshot", r->snapshot_sha256);
		json_add_string(o, "problem", one);
		line = json_print(o, 0);
		strbuf_addf(e->sb, "%s\n", line);
		free(line);
		free(one);
		json_delete(o);
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

int
outputs_errors(const struct release_data *d, struct error *err)
{
	struct strbuf sb;
	char *path = xasprintf("%s/errors.jsonl", d->dir);
	size_t i;
	int rc = -1;

	strbuf_init(&sb, 64u << 20);
	for (i = 0; i < d->cfg->nsources; i++) {
		const struct source_config *src = &d->cfg->sources[i];
		struct errors_out e = {src->id, &sb};

		if (store_parse_rejections(d->st, src->id, src->hash, d->as_of,
		                           errors_add, &e, err) < 0)
			goto out;
	}
	rc = atomic_file_write(path, sb.buf, sb.len, err);
out:
	strbuf_release(&sb);
	free(path);
	return rc;
}

/* The rows of indicators.sqlite go in this many at a time. */
#define SQLITE_ROWS 64

/* indicators.sqlite's tables: the release rows and the sources. */
static const char SQLITE_DDL[] =
        "CREATE TABLE indicators (indicator TEXT NOT NULL, geo TEXT NOT "
        "NULL, period TEXT NOT NULL, value REAL, unit TEXT, flags TEXT, "
        "qualifier TEXT, status TEXT, vintage TEXT, source TEXT, "
        "lineage_id TEXT, note TEXT, PRIMARY KEY (indicator, geo, "
        "period)) STRICT, WITHOUT ROWID;"
        "CREATE TABLE sources (source TEXT PRIMARY KEY, publisher TEXT, "
        "title TEXT, grade TEXT, status TEXT, retrieved_at TEXT, "
        "snapshot_sha256 TEXT, url TEXT, citation TEXT, licence TEXT) "
        "STRICT;";

int
sqlite_out_open(struct store_release **out, struct error *err)
{
	return store_release_open(out, "indicators.sqlite", SQLITE_DDL, err);
}

int
sqlite_out_rows(struct store_release *o, const char *const (*rows)[COL_COUNT],
                size_t nrows, struct error *err)
{
	return store_release_insert(o, "indicators", COL_COUNT, COL_VALUE,
	                            rows[0], nrows, err);
}

int
sqlite_out_finish(struct store_release *o, const struct release_data *d,
                  struct error *err)
{
	char *path = xasprintf("%s/indicators.sqlite", d->dir);
	size_t i;
	int rc = 0;

	for (i = 0; i < d->nsources && rc == 0; i++)
		rc = store_release_insert(
		        o, "sources", RELEASE_SOURCE_FIELDS, -1,
		        (const char *const *)d->sources[i].f, 1, err);
	if (rc == 0)
		rc = store_release_finish(o, path, err);
	free(path);
	return rc;
}

/* indicators.sqlite from indicators.csv (when it cannot be fed the rows
 * as they are written: emit.c). */
int
outputs_sqlite(const struct release_data *d, struct error *err)
{
	struct store_release *o = NULL;
	struct release_cursor c;
	struct strbuf arena;
	size_t off[SQLITE_ROWS][COL_COUNT];
	const char *rows[SQLITE_ROWS][COL_COUNT];
	size_t i, n, r;
	int k, rc = -1, opened = 0;

	strbuf_init(&arena, SIZE_MAX / 2);
	if (sqlite_out_open(&o, err) < 0 ||
	    release_rows_open(d, NULL, &c, err) < 0)
		goto out;
	opened = 1;
	for (i = 0; i < d->nrows; i += n) {
		n = d->nrows - i < SQLITE_ROWS ? d->nrows - i : SQLITE_ROWS;
		/* The cursor's row is gone at the next: the batch's texts
		 * are copied into one arena first. */
		strbuf_reset(&arena);
		for (r = 0; r < n; r++) {
			if (release_rows_next(&c, err) != 1) {
				if (!err->msg[0])
					error_set(err, "'%s' ends early",
					          d->csv);
				goto out;
			}
			for (k = 0; k < COL_COUNT; k++)
				off[r][k] = strbuf_put_str(&arena, c.row.f[k]);
		}
		for (r = 0; r < n; r++)
			for (k = 0; k < COL_COUNT; k++)
				rows[r][k] = arena.buf + off[r][k];
		if (sqlite_out_rows(o, (const char *const(*)[COL_COUNT])rows, n,
		                    err) < 0)
			goto out;
	}
	rc = sqlite_out_finish(o, d, err);
out:
	if (opened)
		release_rows_close(&c);
	strbuf_release(&arena);
	store_release_close(o);
	return rc;
}

/* A Table Schema field. */
static struct cJSON *
field(const char *name, const char *type)
{
	struct cJSON *f = json_new_object();

	json_add_string(f, "name", name);
	json_add_string(f, "type", type);
	return f;
}

static int
add_resource(const struct release_data *d, struct cJSON *resources,
             const char *name, const char *file, const char *const *cols,
             const char *const *types, size_t n, const char *const *key,
             size_t nkey, struct error *err)
{
	struct cJSON *r = json_new_object(), *schema = json_new_object();
	struct cJSON *fields = json_new_array(), *pk = json_new_array();
	struct cJSON *missing = json_new_array();
	char *path = xasprintf("%s/%s", d->dir, file), *hx;
	char sha[HASH_HEX_SIZE];
	struct stat sb;
	size_t len, i;

	/* Hashed as it is read: the file can be most of the release. */
	if (hash_file_hex(path, sha, err) < 0 ||
	    (stat(path, &sb) != 0 &&
	     error_set(err, "cannot stat '%s': %s", path, strerror(errno)))) {
		free(path);
		json_delete(r);
		json_delete(schema);
		json_delete(fields);
		json_delete(pk);
		json_delete(missing);
		return -1;
	}
	len = (size_t)sb.st_size;
	json_add_string(r, "name", name);
	json_add_string(r, "path", file);
	json_add_string(r, "profile", "tabular-data-resource");
	json_add_string(r, "format", "csv");
	json_add_string(r, "mediatype", "text/csv");
	json_add_string(r, "encoding", "utf-8");
	json_add_number(r, "bytes", (double)len);
	hx = xasprintf("sha256:%s", sha);
	json_add_string(r, "hash", hx);
	free(hx);
	for (i = 0; i < n; i++)
		json_add_item(fields, NULL, field(cols[i], types[i]));
	json_add_item(schema, "fields", fields);
	for (i = 0; i < nkey; i++)
		json_add_string(pk, NULL, key[i]);
	json_add_item(schema, "primaryKey", pk);
	json_add_string(missing, NULL, "");
	json_add_item(schema, "missingValues", missing);
	json_add_item(r, "schema", schema);
	json_add_item(resources, NULL, r);
	free(path);
	return 0;
}

int
outputs_datapackage(const struct release_data *d, struct error *err)
{
	static const char *const ind_types[COL_COUNT] = {
	        "string", "string", "string",   "number", "string", "string",
	        "string", "string", "datetime", "string", "string", "string"};
	static const char *const src_cols[10] = {
	        "source",   "publisher",    "title",           "grade",
	        "status",   "retrieved_at", "snapshot_sha256", "url",
	        "citation", "licence"};
	static const char *const src_types[10] = {
	        "string",   "string", "string", "string", "string",
	        "datetime", "string", "string", "string", "string"};
	static const char *const conf_types[CONFLICT_COLS] = {
	        "string", "string", "string", "string",  "number", "string",
	        "number", "number", "number", "boolean", "string"};
	/* Unpublished indicators have one row with an empty geo and period,
	 * so the key stays unique. */
	static const char *const ind_key[] = {"indicator", "geo", "period"};
	static const char *const src_key[] = {"source"};
	static const char *const conf_key[] = {"indicator", "geo", "period",
	                                       "other_source"};
	struct cJSON *root = json_new_object(), *resources = json_new_array();
	struct cJSON *sources = json_new_array(), *licenses = json_new_array();
	struct cJSON *o;
	size_t i;
	int rc = -1;

	json_add_string(root, "profile", "tabular-data-package");
	json_add_string(root, "name", "provstat-release");
	json_add_string(root, "title",
	                "Indicators rebuilt from published "
	                "statistics, with provenance");
	if (add_resource(d, resources, "indicators", "indicators.csv",
	                 outputs_columns, ind_types, COL_COUNT, ind_key, 3,
	                 err) < 0 ||
	    add_resource(d, resources, "sources", "sources.csv", src_cols,
	                 src_types, 10, src_key, 1, err) < 0 ||
	    add_resource(d, resources, "conflicts", "conflicts.csv",
	                 conflict_columns, conf_types, CONFLICT_COLS, conf_key,
	                 4, err) < 0)
		goto out;
	json_add_item(root, "resources", resources);
	resources = NULL;
	for (i = 0; i < d->cfg->nsources; i++) {
		const struct source_config *s = &d->cfg->sources[i];
		char *title = xasprintf("%s: %s", s->publisher, s->title);

		o = json_new_object();
		json_add_string(o, "title", title);
		json_add_string(o, "path", s->url);
		json_add_item(sources, NULL, o);
		free(title);
	}
	json_add_item(root, "sources", sources);
	sources = NULL;
	/* The figures are cited from their publishers, each under its own
	 * terms (sources.csv, column licence). */
	o = json_new_object();
	json_add_string(o, "name", "other-at");
	json_add_string(o, "title",
	                "figures cited from their publishers; "
	                "see sources.csv");
	json_add_item(licenses, NULL, o);
	json_add_item(root, "licenses", licenses);
	licenses = NULL;
	rc = write_json(d, "datapackage.json", root, err);
out:
	json_delete(resources);
	json_delete(sources);
	json_delete(licenses);
	json_delete(root);
	return rc;
}

static char *
qname_of(const char *s)
{
	char *q = xstrdup(s), *p;

	for (p = q; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		      *p == '_'))
			*p = '_';
	return q;
}

int
outputs_provenance(const struct release_data *d, struct error *err)
{
	static const char *const outputs[] = {
	        "indicators.csv", "sources.csv",     "conflicts.csv",
	        "errors.jsonl",   "indicators.json", "indicators.sqlite",
	        "report.html",    "datapackage.json"};
	struct cJSON *root = json_new_object(), *prefix = json_new_object();
	struct cJSON *entity = json_new_object(), *activity = json_new_object();
	struct cJSON *agent = json_new_object(), *gen = json_new_object();
	struct cJSON *used = json_new_object(), *attr = json_new_object();
	struct cJSON *derived = json_new_object(), *assoc = json_new_object();
	struct cJSON *o;
	size_t i, j;
	int n = 0, rc;

	json_add_string(prefix, "provstat", "https://provstat.invalid/ns#");
	json_add_string(prefix, "sha256", "urn:sha256:");
	json_add_string(prefix, "release", "https://provstat.invalid/release/");
	o = json_new_object();
	json_add_string(o, "prov:type", "prov:SoftwareAgent");
	json_add_string(o, "prov:label", "provstat");
	json_add_string(o, "provstat:version", version_number());
	json_add_item(agent, "provstat:provstat", o);
	o = json_new_object();
	json_add_string(o, "prov:label", "provstat emit");
	json_add_item(activity, "provstat:emit", o);
	prov_relation(assoc, &n, "prov:activity", "provstat:emit", "prov:agent",
	              "provstat:provstat");
	for (i = 0; i < d->nsources; i++) {
		const struct release_source *s = &d->sources[i];
		char *pub = qname_of(s->f[1]), *src = qname_of(s->f[0]);
		char *agent_id = xasprintf("provstat:publisher-%s", pub);
		char *act_id = xasprintf("provstat:fetch-%s", src);

		if (!json_get(agent, agent_id)) {
			o = json_new_object();
			json_add_string(o, "prov:type", "prov:Organization");
			json_add_string(o, "prov:label", s->f[1]);
			json_add_item(agent, agent_id, o);
		}
		o = json_new_object();
		json_add_string(o, "prov:label", s->f[2]);
		json_add_string(o, "provstat:url", s->f[7]);
		json_add_string(o, "provstat:status", s->f[4]);
		if (*s->f[5])
			json_add_string(o, "prov:startTime", s->f[5]);
		json_add_item(activity, act_id, o);
		prov_relation(assoc, &n, "prov:activity", act_id, "prov:agent",
		              "provstat:provstat");
		if (*s->f[6]) {
			char *ent = xasprintf("sha256:%s", s->f[6]);

			o = json_new_object();
			json_add_string(o, "prov:type", "provstat:Snapshot");
			json_add_string(o, "provstat:source", s->f[0]);
			json_add_string(o, "provstat:evidence_grade", s->f[3]);
			json_add_string(o, "provstat:citation", s->f[8]);
			json_add_item(entity, ent, o);
			prov_relation(gen, &n, "prov:entity", ent,
			              "prov:activity", act_id);
			prov_relation(attr, &n, "prov:entity", ent,
			              "prov:agent", agent_id);
			prov_relation(used, &n, "prov:activity",
			              "provstat:emit", "prov:entity", ent);
			for (j = 0; j < sizeof(outputs) / sizeof(outputs[0]);
			     j++) {
				char *out = xasprintf("release:%s", outputs[j]);

				prov_relation(derived, &n,
				              "prov:generatedEntity", out,
				              "prov:usedEntity", ent);
				free(out);
			}
			free(ent);
		}
		free(pub);
		free(src);
		free(agent_id);
		free(act_id);
	}
	for (j = 0; j < sizeof(outputs) / sizeof(outputs[0]); j++) {
		char *out = xasprintf("release:%s", outputs[j]);

		o = json_new_object();
		json_add_string(o, "prov:type", "provstat:ReleaseFile");
		json_add_item(entity, out, o);
		prov_relation(gen, &n, "prov:entity", out, "prov:activity",
		              "provstat:emit");
		free(out);
	}
	json_add_item(root, "prefix", prefix);
	json_add_item(root, "entity", entity);
	json_add_item(root, "activity", activity);
	json_add_item(root, "agent", agent);
	json_add_item(root, "wasGeneratedBy", gen);
	json_add_item(root, "used", used);
	json_add_item(root, "wasAttributedTo", attr);
	json_add_item(root, "wasDerivedFrom", derived);
	json_add_item(root, "wasAssociatedWith", assoc);
	rc = write_json(d, "provenance.json", root, err);
	json_delete(root);
	return rc;
}
