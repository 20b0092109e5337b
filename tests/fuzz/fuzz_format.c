/*
 * fuzz_format — one document format's parser, fed arbitrary bytes.
 *
 * Built once per source of tests/fuzz/config/sources/ (FUZZ_SOURCE names
 * it): the source's format and options decide which parser runs and how,
 * exactly as in provstat-normalize.  The sink reads every string of every
 * observation, so that the sanitizers see a bad pointer the moment a parser
 * hands one out.  "pdf" sources get the text layer (pdf_text_parse()):
 * pdftotext itself runs in its own process and is not ours to fuzz.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/error.h"
#include "common/format.h"
#include "fuzz.h"
#include "normalize/normalize.h"
#include "normalize/pdf_format.h"

static struct config *cfg;
static const struct source_config *src;
static format_parse_fn parse;

static size_t
len(const char *s)
{
	return s ? strlen(s) : 0;
}

static int
touch(void *ctx, const struct observation *o, struct error *err)
{
	size_t *total = ctx;

	(void)err;
	fuzz_observations++;
	*total += len(o->measure) + len(o->raw_geo) + len(o->raw_period) +
	          len(o->raw_value) + len(o->unit) + len(o->num.flags) +
	          len(o->num.qualifier) + strlen(o->locator);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct error err;

	(void)argc;
	(void)argv;
	if (config_load(&cfg, FUZZ_CONFIG, &err) < 0)
		fuzz_die(FUZZ_CONFIG, err.msg);
	if (!(src = config_source(cfg, FUZZ_SOURCE)))
		fuzz_die(FUZZ_SOURCE, "no such source in the fuzz config");
	parse = normalize_parser(src->spec);
	/* A PDF's text layer, without running pdftotext. */
	if (src->spec->id == FORMAT_PDF)
		parse = NULL;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total = 0;
	struct obs_sink sink = {touch, &total};
	struct problems probs;
	struct parse_input in;
	struct error err;
	char *copy;

	memset(&probs, 0, sizeof(probs));
	error_clear(&err);
	/* A private, NUL-terminated copy: parsers may not rely on either. */
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	if (!parse) {
		pdf_text_parse(src, copy, &sink, &probs, &err);
	} else {
		/* glibc refuses a zero-length fmemopen(); /dev/null is empty.
		 */
		in.fp = size ? fmemopen(copy, size, "rb")
		             : fopen("/dev/null", "rb");
		in.max_bytes = src->max_bytes;
		if (in.fp) {
			parse(src, &in, &sink, &probs, &err);
			fclose(in.fp);
		}
	}
	problems_release(&probs);
	free(copy);
	return 0;
}
