/* map — observations through the crosswalks, the geo table and the declared
 * unit conversions, with the lineage recipe of each crosswalk entry; see
 * rc.h. */
#include "rc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "number.h"
#include "xalloc.h"

/* The lineage row of a crosswalk entry: the recipe every value made through
 * that entry shares. */
static int
lineage_for(struct rc *r, size_t xw, const struct indicator_config *ind,
            int64_t *out)
{
	const struct crosswalk_entry *x = &r->cfg->crosswalk[xw];
	struct cJSON *root, *o;
	char *text;
	int rc;

	if (r->lineage_of[xw]) {
		*out = r->lineage_of[xw];
		return 0;
	}
	root = json_new_object();
	o = json_new_object();
	json_add_string(o, "source", x->source);
	json_add_string(o, "measure", x->measure);
	json_add_string(o, "indicator", x->indicator);
	json_add_string(o, "valid_from", x->valid_from);
	json_add_string(o, "valid_to", x->valid_to);
	json_add_string(o, "indicators_version", r->cfg->indicators_version);
	json_add_item(root, "crosswalk", o);
	o = json_new_object();
	json_add_string(o, "aliases_version", geo_table_version(r->geo));
	json_add_string(o, "tables_sha256", geo_table_hash(r->geo));
	json_add_item(root, "geo", o);
	o = json_new_object();
	if (x->convert_from) {
		json_add_string(o, "rule", "declared conversion");
		json_add_string(o, "from", x->convert_from);
		json_add_number(o, "factor", x->factor);
		json_add_string(o, "note",
		                "values in the unit 'from' are multiplied by "
		                "the factor; values in the indicator's unit "
		                "are kept as published");
	} else {
		json_add_string(o, "rule", "as published");
	}
	json_add_string(o, "unit", ind->unit);
	json_add_item(root, "unit", o);
	o = json_new_object();
	json_add_string(o, "rule", "canonical period");
	json_add_item(root, "period", o);
	o = json_new_object();
	if (ind->conflict.declared) {
		static const char *const rules[] = {
		        "prefer the first source present",
		        "an exact value over a rounded or qualified one",
		        "the value known most recently"};
		struct cJSON *a = json_new_array();
		size_t k;

		json_add_string(o, "rule", rules[ind->conflict.rule]);
		for (k = 0; k < ind->conflict.nprefer; k++)
			json_add_string(a, NULL, ind->conflict.prefer[k]);
		json_add_item(o, "prefer", a);
		json_add_number(o, "tolerance", ind->conflict.tolerance);
		json_add_string(o, "exceed",
		                ind->conflict.fail ? "fail" : "flag");
	} else {
		json_add_string(o, "rule", "single source");
	}
	json_add_item(root, "conflict", o);
	o = json_new_object();
	json_add_string(o, "rule",
	                config_source(r->cfg, x->source)->duplicates_sum
	                        ? "sum rows naming the same geo and period"
	                        : "refuse rows naming the same geo and period");
	json_add_item(root, "duplicates", o);
	text = json_print(root, 0);
	json_delete(root);
	rc = store_lineage(r->st, text, &r->lineage_of[xw], r->err);
	free(text);
	*out = r->lineage_of[xw];
	return rc;
}

/* The crosswalk entry for (source, measure) valid for a period, or -1;
 * *any_period 1 if that answer holds for every period (no entry of the
 * measure before it, nor it, is bounded in time). */
static long
find_crosswalk(const struct config *cfg, const char *source,
               const char *measure, const char *period, int *any_period)
{
	size_t i;

	*any_period = 1;
	for (i = 0; i < cfg->ncrosswalk; i++) {
		const struct crosswalk_entry *x = &cfg->crosswalk[i];

		if (strcmp(x->source, source) || strcmp(x->measure, measure))
			continue;
		if (x->valid_from || x->valid_to)
			*any_period = 0;
		if (x->valid_from && strcmp(period, x->valid_from) < 0)
			continue;
		if (x->valid_to &&
		    strncmp(period, x->valid_to, strlen(x->valid_to)) > 0)
			continue;
		return (long)i;
	}
	return -1;
}

/* Inserts the mapped rows that wait into m. */
static int
map_flush(struct rc *r)
{
	struct store_mapped rows[STORE_WRITE_BATCH];
	const char *a = r->arena.buf;
	size_t i;

	for (i = 0; i < r->nmapped; i++) {
		const struct mapped *m = &r->mapped[i];

		rows[i].seq = m->seq;
		rows[i].obs_id = m->obs_id;
		rows[i].lineage_id = m->lineage_id;
		rows[i].indicator = m->indicator;
		rows[i].geo = m->geo;
		rows[i].unit = m->unit;
		rows[i].period = a + m->period;
		rows[i].flags = a + m->flags;
		rows[i].qualifier = a + m->qualifier;
		rows[i].locator = a + m->locator;
		rows[i].precision = a + m->precision;
		rows[i].has_value = m->has_value;
		rows[i].value = m->value;
	}
	if (store_write_stage(r->w, rows, r->nmapped, r->err) < 0)
		return -1;
	r->nmapped = 0;
	strbuf_reset(&r->arena);
	return 0;
}

static long
memo_crosswalk(struct map_memo *mm, const struct config *cfg,
               const char *source, const char *measure, const char *period)
{
	if (mm->measure && mm->any_period && strcmp(mm->measure, measure) == 0)
		return mm->xw;
	free(mm->measure);
	mm->measure = xstrdup(measure);
	mm->xw = find_crosswalk(cfg, source, measure, period, &mm->any_period);
	mm->ind = mm->xw < 0 ? NULL
	                     : config_indicator(
	                               cfg, cfg->crosswalk[mm->xw].indicator);
	return mm->xw;
}

static struct geo_match
memo_geo(struct map_memo *mm, const struct geo_table *geo, const char *raw)
{
	if (!mm->raw_geo || strcmp(mm->raw_geo, raw) != 0) {
		free(mm->raw_geo);
		mm->raw_geo = xstrdup(raw);
		mm->gm = geo_lookup(geo, raw);
	}
	return mm->gm;
}

/* "rounded to 100" in thousands is "rounded to 100000" in units. */
static const char *
scaled_precision(struct map_memo *mm, const char *precision, double factor)
{
	char unit[32];
	double u = strtod(precision + strlen(NUMBER_PRECISION_ROUNDED), NULL);

	number_format_shortest(number_convert(u, 18, factor), unit);
	snprintf(mm->precision, sizeof(mm->precision), "%s%s",
	         NUMBER_PRECISION_ROUNDED, unit);
	return mm->precision;
}

int
map_row(struct rc *r, const struct source_config *src, struct map_memo *mm,
        struct store_stmt *s, size_t seq, int report, struct store_mapped *out,
        struct period *per, char at[STORE_LOCATOR_MAX])
{
	const char *measure = store_col_text(s, 1);
	const char *raw_geo = store_col_text(s, 2);
	const char *raw_period = store_col_text(s, 3);
	const char *unit = store_col_text(s, 5);
	const char *loc = store_col_text(s, 8);
	const struct indicator_config *ind;
	const struct crosswalk_entry *x;
	struct geo_match gm;
	struct error perr;
	long xw;
	int convert;

	loc = store_locator(loc, store_col_int(s, 10), store_col_int(s, 11),
	                    at);
	if (period_parse(raw_period, per, &perr) < 0) {
		if (report)
			rc_problem(r, "%s: %s: %s", src->id, loc, perr.msg);
		return ROW_PROBLEM;
	}
	xw = memo_crosswalk(mm, r->cfg, src->id, measure, per->canonical);
	if (xw < 0) {
		if (report)
			rc_problem(
			        r,
			        "%s: %s: measure '%s' (period %s) maps to no "
			        "indicator in the crosswalk",
			        src->id, loc, measure, per->canonical);
		return ROW_PROBLEM;
	}
	ind = mm->ind;
	gm = memo_geo(mm, r->geo, raw_geo);
	if (gm.rule == GEO_EXCLUDED) {
		r->res->excluded++;
		return ROW_SKIPPED;
	}
	if (gm.rule == GEO_UNMAPPED) {
		if (report)
			rc_problem(r,
			           "%s: %s: unmapped geo '%s' (add it to the "
			           "aliases or the exclusions)",
			           src->id, loc, raw_geo);
		return ROW_PROBLEM;
	}
	x = &r->cfg->crosswalk[xw];
	convert = strcmp(unit, ind->unit) != 0;
	if (convert &&
	    (!x->convert_from || strcmp(unit, x->convert_from) != 0)) {
		if (report)
			rc_problem(r,
			           "%s: %s: unit '%s' is not the unit of '%s' "
			           "('%s'), and no conversion is declared",
			           src->id, loc, unit, ind->id, ind->unit);
		return ROW_PROBLEM;
	}
	if (lineage_for(r, (size_t)xw, ind, &out->lineage_id) < 0)
		return -1;
	out->seq = (int64_t)seq;
	out->indicator = ind->id;
	out->geo = gm.code;
	out->period = per->canonical;
	out->has_value = !store_col_null(s, 4);
	out->value = store_col_double(s, 4);
	if (convert && out->has_value)
		out->value = number_convert(out->value, store_col_int(s, 9),
		                            x->factor);
	out->unit = ind->unit;
	out->flags = store_col_text(s, 6);
	out->qualifier = store_col_text(s, 7);
	out->precision = store_col_text(s, 12);
	if (convert && strncmp(out->precision, NUMBER_PRECISION_ROUNDED,
	                       strlen(NUMBER_PRECISION_ROUNDED)) == 0)
		out->precision =
		        scaled_precision(mm, out->precision, x->factor);
	out->obs_id = store_col_int(s, 0);
	out->locator = loc;
	return ROW_MAPPED;
}

void
map_memo_init(struct map_memo *mm)
{
	memset(mm, 0, sizeof(*mm));
	mm->xw = -1;
	mm->gm.rule = GEO_UNMAPPED;
}

void
map_memo_release(struct map_memo *mm)
{
	free(mm->measure);
	free(mm->raw_geo);
}

int
map_step(struct rc *r, const struct source_config *src, size_t seq,
         int64_t parse_id)
{
	struct store_stmt *s = NULL;
	struct map_memo mm;
	int rc, ret = -1;

	map_memo_init(&mm);
	if (store_prepare(r->st, OBS_SELECT, &s, r->err) < 0)
		return -1;
	store_bind_int(s, 1, parse_id);
	while ((rc = store_step(s)) == STORE_ROW) {
		char at[STORE_LOCATOR_MAX];
		struct period per;
		struct store_mapped row;
		struct mapped *m;
		int how = map_row(r, src, &mm, s, seq, 1, &row, &per, at);

		if (how < 0)
			goto out;
		if (how != ROW_MAPPED)
			continue;
		m = &r->mapped[r->nmapped++];
		m->seq = row.seq;
		m->indicator = row.indicator;
		m->geo = row.geo;
		m->period = strbuf_put_str(&r->arena, row.period);
		m->has_value = row.has_value;
		m->value = row.value;
		m->unit = row.unit;
		m->flags = strbuf_put_str(&r->arena, row.flags);
		m->qualifier = strbuf_put_str(&r->arena, row.qualifier);
		m->obs_id = row.obs_id;
		m->lineage_id = row.lineage_id;
		m->locator = strbuf_put_str(&r->arena, row.locator);
		m->precision = strbuf_put_str(&r->arena, row.precision);
		if (r->nmapped == STORE_WRITE_BATCH && map_flush(r) < 0)
			goto out;
	}
	if (rc != STORE_DONE) {
		rc_db_fail(r, "cannot read observations");
		goto out;
	}
	if (map_flush(r) < 0)
		goto out;
	ret = 0;
out:
	store_finalize(s);
	map_memo_release(&mm);
	return ret;
}
