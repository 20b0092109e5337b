/* conflicts — conflicts.csv: see outputs.h. */
#include "outputs.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "csv_writer.h"
#include "number.h"
#include "store_values.h"
#include "strbuf.h"
#include "xalloc.h"

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
	const char *row[CONFLICT_COUNT];
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
	csv_writer_row(o->fp, row, CONFLICT_COUNT);
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
	csv_writer_row(af.fp, release_conflict_columns, CONFLICT_COUNT);
	if (store_values_conflicts(d->st, d->as_of, conflict_row, &o, err) < 0)
		goto out;
	ret = atomic_file_commit(&af, err);
out:
	atomic_file_abort(&af); /* no-op after a commit */
	free(path);
	return ret;
}
