/* diff — see diff.h. */
#include "diff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "xalloc.h"

/* indicators.csv columns used here. */
enum {
	D_IND,
	D_GEO,
	D_PER,
	D_VAL,
	D_UNIT,
	D_FLAGS,
	D_QUAL,
	D_STATUS,
	D_VINTAGE,
	D_SOURCE,
	D_LINEAGE,
	D_NOTE, /* absent in releases made before it existed */
	D_BOUND, /* likewise */
	D_PRECISION, /* likewise */
	D_NCOL
};

struct side {
	FILE *fp;
	struct csv_reader *r;
	char *f[D_NCOL];
	int has; /* a row is loaded */
	const char *name;
};

static void
side_clear(struct side *s)
{
	int i;

	for (i = 0; i < D_NCOL; i++) {
		free(s->f[i]);
		s->f[i] = NULL;
	}
	s->has = 0;
}

/* Loads the next data row; -1 on a malformed file. */
static int
side_next(struct side *s, struct error *err)
{
	struct csv_record rec;
	int rc, i;

	side_clear(s);
	rc = csv_reader_next(s->r, &rec, err);
	if (rc < 0)
		return error_prefix(err, "%s", s->name);
	if (rc == 0)
		return 0;
	if (rec.nfields < D_NOTE || rec.nfields > D_NCOL)
		return error_set(err, "%s: line %ld: %zu fields, not %d to %d",
		                 s->name, rec.line, rec.nfields, D_NOTE,
		                 D_NCOL);
	for (i = 0; i < D_NCOL; i++)
		s->f[i] = xstrdup((size_t)i < rec.nfields ? rec.fields[i].text
		                                          : "");
	s->has = 1;
	return 0;
}

static int
side_open(struct side *s, const char *dir, struct error *err)
{
	struct csv_reader_options o;
	char *path = xasprintf("%s/indicators.csv", dir);

	memset(s, 0, sizeof(*s));
	s->name = dir;
	s->fp = fopen(path, "rb");
	if (!s->fp) {
		error_set(err, "cannot open '%s': %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	csv_reader_options_init(&o);
	s->r = csv_reader_new(s->fp, &o);
	/* skip the header, then load the first row */
	if (side_next(s, err) < 0)
		return -1;
	return side_next(s, err);
}

static void
side_close(struct side *s)
{
	side_clear(s);
	csv_reader_free(s->r);
	if (s->fp)
		fclose(s->fp);
}

static int
key_cmp(const struct side *a, const struct side *b)
{
	int i, c;

	for (i = D_IND; i <= D_PER; i++)
		if ((c = strcmp(a->f[i], b->f[i])))
			return c;
	return 0;
}

int
diff_run(const char *a, const char *b, FILE *fp, struct diff_result *res,
         struct error *err)
{
	struct side x, y;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	memset(&y, 0, sizeof(y));
	if (side_open(&x, a, err) < 0 || side_open(&y, b, err) < 0)
		goto out;
	while (x.has || y.has) {
		int c = !x.has ? 1 : !y.has ? -1 : key_cmp(&x, &y);

		if (c < 0) {
			fprintf(fp, "- %s %s %s %s (vintage %s)\n", x.f[D_IND],
			        x.f[D_GEO], x.f[D_PER], x.f[D_VAL],
			        x.f[D_VINTAGE]);
			res->removed++;
			if (side_next(&x, err) < 0)
				goto out;
		} else if (c > 0) {
			fprintf(fp, "+ %s %s %s %s (vintage %s)\n", y.f[D_IND],
			        y.f[D_GEO], y.f[D_PER], y.f[D_VAL],
			        y.f[D_VINTAGE]);
			res->added++;
			if (side_next(&y, err) < 0)
				goto out;
		} else {
			if (strcmp(x.f[D_VAL], y.f[D_VAL]) ||
			    strcmp(x.f[D_FLAGS], y.f[D_FLAGS]) ||
			    strcmp(x.f[D_QUAL], y.f[D_QUAL]) ||
			    strcmp(x.f[D_UNIT], y.f[D_UNIT]) ||
			    strcmp(x.f[D_PRECISION], y.f[D_PRECISION])) {
				const char *px = *x.f[D_PRECISION]
				                         ? x.f[D_PRECISION]
				                         : "not stated";
				const char *py = *y.f[D_PRECISION]
				                         ? y.f[D_PRECISION]
				                         : "not stated";
				char *pr = strcmp(px, py)
				                   ? xasprintf("; precision %s "
				                               "-> %s",
				                               px, py)
				                   : xstrdup("");

				fprintf(fp,
				        "~ %s %s %s %s%s%s -> %s%s%s (vintage "
				        "%s -> %s%s)\n",
				        x.f[D_IND], x.f[D_GEO], x.f[D_PER],
				        x.f[D_QUAL], *x.f[D_QUAL] ? " " : "",
				        x.f[D_VAL], y.f[D_QUAL],
				        *y.f[D_QUAL] ? " " : "", y.f[D_VAL],
				        x.f[D_VINTAGE], y.f[D_VINTAGE], pr);
				free(pr);
				res->changed++;
			} else {
				res->same++;
			}
			if (side_next(&x, err) < 0 || side_next(&y, err) < 0)
				goto out;
		}
	}
	ret = 0;
out:
	side_close(&x);
	side_close(&y);
	return ret;
}
