/* errors — errors.jsonl: see outputs.h. */
#include "outputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "json.h"
#include "store_parse.h"
#include "strbuf.h"
#include "xalloc.h"

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
