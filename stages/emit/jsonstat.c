/* jsonstat — indicators.json, JSON-stat 2.0: see outputs.h. */
#include "outputs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "json.h"
#include "number.h"
#include "xalloc.h"

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

/* Whether a row's status is written: every row but a plain published
 * value (the extension says an absent status means that). */
static int
status_said(const struct release_row *r)
{
	return strcmp(r->f[COL_STATUS], "published") != 0 || *r->f[COL_FLAGS] ||
	       *r->f[COL_QUALIFIER] || *r->f[COL_PRECISION];
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

	char key[32], *p;

	if (w->m == M_STATUS && !status_said(r))
		return;

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
		const char *q = r->f[COL_QUALIFIER], *fl = r->f[COL_FLAGS];
		const char *pr = r->f[COL_PRECISION];
		char *st = xasprintf("%s%s%s%s%s%s%s", r->f[COL_STATUS],
		                     *q ? "; qualifier: " : "", q,
		                     *pr ? "; precision: " : "", pr,
		                     *fl ? "; flags: " : "", fl);

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
 * over the 2,073,600 rows of indicators.csv each would cost a second).
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
	/* What "status" holds, for a client that has only this file. */
	fputs(",\n\t\t\"status_meaning\":\t\"each value's status: "
	      "published, derived, incomplete, not available or not "
	      "comparable, then its qualifier, precision and flags; absent: "
	      "published, with none of them\"\n\t}\n}\n",
	      fp);
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
			/* Only a declared precision: JSON-stat clients
			 * round to it. */
			if (ic && ic->decimals >= 0)
				json_add_number(u, "decimals", ic->decimals);
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
