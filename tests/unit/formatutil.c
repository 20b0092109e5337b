/* Helpers for the format suites: see testutil.h.  memmem() is a GNU
 * extension. */
#define _GNU_SOURCE
#define PROVSTAT_TESTUTIL_FORMATS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/format.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "testutil.h"

static int
capture(void *ctx, const struct observation *o, struct error *err)
{
	struct strbuf *sb = ctx;
	char num[32], where[96];

	(void)err;
	if (o->locator[0])
		snprintf(where, sizeof(where), "%s", o->locator);
	else
		snprintf(where, sizeof(where), "line %ld, column %ld", o->line,
		         o->col);
	if (o->num.missing)
		snprintf(num, sizeof(num), "NA");
	else
		number_format_shortest(o->num.value, num);
	/* The precision only when there is one, before the byte range:
	 * "...|rounded to 100|87+7". */
	strbuf_addf(sb, "%s|%s|%s|%s|%s|%s|%s|%s|%s%s%lld+%zu\n", o->measure,
	            o->raw_geo, o->raw_period, o->raw_value, num, o->num.flags,
	            o->num.qualifier, where, o->num.precision,
	            *o->num.precision ? "|" : "", o->byte_offset,
	            o->byte_offset < 0 ? 0 : o->byte_length);
	return 0;
}

static char *
tu_parse_fp(format_parse_fn parse, const struct source_config *src, FILE *fp,
            struct problems *probs)
{
	struct strbuf sb;
	struct obs_sink sink = {capture, &sb};
	struct parse_input in;
	struct error err;

	strbuf_init(&sb, 1u << 20);
	in.fp = fp;
	in.max_bytes = src->max_bytes;
	ck_assert_int_eq(parse(src, &in, &sink, probs, &err), 0);
	fclose(fp);
	return strbuf_detach(&sb, NULL);
}

char *
tu_parse_file(format_parse_fn parse, const struct source_config *src,
              const char *path, struct problems *probs)
{
	FILE *fp = fopen(path, "rb");

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	return tu_parse_fp(parse, src, fp, probs);
}

char *
tu_parse(format_parse_fn parse, const struct source_config *src,
         const char *text, size_t len, struct problems *probs)
{
	struct strbuf sb;
	struct obs_sink sink = {capture, &sb};
	struct parse_input in;
	struct error err;
	FILE *fp = fmemopen((void *)text, len, "rb");

	ck_assert_ptr_nonnull(fp);
	strbuf_init(&sb, 1u << 20);
	in.fp = fp;
	in.max_bytes = src->max_bytes;
	ck_assert_int_eq(parse(src, &in, &sink, probs, &err), 0);
	fclose(fp);
	return strbuf_detach(&sb, NULL);
}

void
tu_expect_problem(format_parse_fn parse, const struct source_config *src,
                  const char *doc, const char *want)
{
	struct problems p;
	char *got;

	memset(&p, 0, sizeof(p));
	got = tu_parse(parse, src, doc, strlen(doc), &p);
	ck_assert_msg(p.total >= 1, "no problem for '%.60s'", doc);
	ck_assert_msg(strcmp(p.msg[0], want) == 0, "got  '%s'\nwant '%s'",
	              p.msg[0], want);
	problems_release(&p);
	free(got);
}

void
tu_source(struct source_config *s, const char *format)
{
	memset(s, 0, sizeof(*s));
	s->id = xstrdup("t");
	s->format = xstrdup(format);
	s->spec = format_find(format);
	s->max_bytes = 1u << 20;
	number_format_default(&s->number);
	s->csv.delimiter = ',';
	s->csv.quote = '"';
	s->csv.header_row = 1;
	s->csv.header_rows = 1;
	s->csv.encoding = xstrdup("utf-8");
	s->checks.max_drop = 0.5; /* as config_load() sets it */
}

void
tu_source_release(struct source_config *s)
{
	size_t i;

	free(s->id);
	free(s->format);
	free(s->csv.encoding);
	free(s->csv.footer);
	for (i = 0; i < s->csv.nskip; i++)
		free(s->csv.skip[i]);
	free(s->csv.skip);
	for (i = 0; i < FIELD_COUNT; i++) {
		free(s->column[i]);
		free(s->constant[i]);
	}
	for (i = 0; i < s->nfilter; i++) {
		free(s->filter[i].name);
		free(s->filter[i].value);
	}
	free(s->filter);
	free(s->records);
	free(s->dataset);
	free(s->wide.columns);
	free(s->wide.period);
}

void
tu_check_spans(const char *doc, size_t len, const char *got)
{
	char *copy = xstrdup(got), *line, *save = NULL;

	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[4], *span = strrchr(line, '|'), *q = line;
		long long off, n;
		int k;

		for (k = 0; k < 4; k++) {
			f[k] = q;
			q = strchr(q, '|');
			ck_assert_ptr_nonnull(q);
			*q++ = '\0';
		}
		ck_assert_int_eq(sscanf(span + 1, "%lld+%lld", &off, &n), 2);
		if (off < 0)
			continue;
		/* The raw text holds the bytes: "over 19,000" the "19,000"
		 * the range covers; a quoted field's range has its quotes. */
		ck_assert(n >= 0 && off + n <= (long long)len);
		/* An empty cell: an empty range, at a field's start. */
		if (n == 0) {
			ck_assert(!*f[3]);
			continue;
		}
		if (n >= 2 && doc[off] == '"' && doc[off + n - 1] == '"') {
			off++;
			n -= 2;
		}
		/* A JSON null is its literal, with no raw text. */
		if (!*f[3] && n == 4 && memcmp(doc + off, "null", 4) == 0)
			continue;
		ck_assert_msg(memmem(f[3], strlen(f[3]), doc + off,
		                     (size_t)n) != NULL,
		              "bytes %lld+%lld ('%.*s') are not in '%s'", off,
		              n, (int)(off + n <= (long long)len ? n : 0),
		              doc + (off < (long long)len ? off : 0), f[3]);
	}
	free(copy);
}
