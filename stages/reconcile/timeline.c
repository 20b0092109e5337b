/* timeline — a source's snapshots in the order they became current; see
 * rc.h.  The parse table's timeline query is store_parse_timeline(). */
#include "rc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_parse.h"
#include "xalloc.h"

void
timeline_release(struct timeline *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->steps[i].time);
		free(t->steps[i].snapshot);
	}
	free(t->steps);
	t->steps = NULL;
	t->n = 0;
}

/* The timeline being read, and the fingerprint it is folded into. */
struct timeline_in {
	const struct source_config *src;
	struct timeline *t;
	struct hash *fp;
};

static int
timeline_step(void *arg, const char *time, int64_t pid, const char *sha)
{
	struct timeline_in *in = arg;
	struct timeline *t = in->t;
	char line[128];

	if (t->n && t->steps[t->n - 1].parse_id == pid)
		return 0; /* same snapshot again: not a new step */
	t->steps = xreallocarray(t->steps, t->n + 1, sizeof(*t->steps));
	t->steps[t->n].time = xstrdup(time);
	t->steps[t->n].parse_id = pid;
	t->steps[t->n].snapshot = xstrdup(sha);
	t->n++;
	snprintf(line, sizeof(line), "%s %s %lld\n", in->src->id, time,
	         (long long)pid);
	hash_update(in->fp, line, strlen(line));
	return 0;
}

int
timeline_load(struct rc *r, const struct source_config *src, struct timeline *t,
              struct hash *fp)
{
	struct timeline_in in = {src, t, fp};

	memset(t, 0, sizeof(*t));
	return store_parse_timeline(r->st, src->id, src->hash, timeline_step,
	                            &in, r->err);
}
