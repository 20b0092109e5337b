/*
 * config_indicators — the indicators file: the indicators in file order,
 * each with its derived operation, conflict rule, range and series breaks,
 * and the crosswalk from the sources' measures to them.  See config.h and
 * doc/provstat-config.5.
 */
#include "config_load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "json.h"
#include "strbuf.h"
#include "xalloc.h"

static int
cfg_earlier_indicator(struct cfg *c, const struct config *cfg,
                      const struct cJSON *obj, const char *key, size_t before,
                      char **out)
{
	size_t i;

	if (cfg_string(c, obj, key, 1, out) < 0)
		return -1;
	for (i = 0; i < before; i++)
		if (strcmp(cfg->indicators[i].id, *out) == 0)
			return 0;
	return cfg_fail(c, json_get(obj, key), key,
	                "'%s' must be an indicator defined above this one",
	                *out);
}

/* The position of an indicator already read (cfg_earlier_indicator()
 * checked it is there). */
static size_t
index_of(const struct config *cfg, const char *id)
{
	size_t i;

	for (i = 0; i < cfg->nindicators; i++)
		if (strcmp(cfg->indicators[i].id, id) == 0)
			return i;
	return 0;
}

/* What each derived operation reads besides "op" and "of"; the
 * operation's input indicator is d->of, self the indicator's position. */
struct derived_reader {
	struct cfg *c;
	const struct config *cfg;
	const struct cJSON *obj;
	size_t self;
};

static int
read_sum(const struct derived_reader *r, struct derived_config *d)
{
	return cfg_string(r->c, r->obj, "geo", 1, &d->geo) < 0 ||
	                       cfg_strings(r->c, r->obj, "members", &d->members,
	                                   &d->nmembers) < 0
	               ? -1
	               : 0;
}

static int
read_change(const struct derived_reader *r, struct derived_config *d)
{
	static const char *const as[] = {"absolute", "percent", "ratio"};
	const struct cJSON *v = json_get(r->obj, "periods"), *it;
	char *s = NULL;
	size_t i;

	if (!json_is_array(v) || json_size(v) == 0)
		return cfg_fail(
		        r->c, v ? v : r->obj, "periods",
		        "must be a non-empty array of [from, to] pairs");
	d->from = xcalloc(json_size(v) + 1, sizeof(*d->from));
	d->to = xcalloc(json_size(v) + 1, sizeof(*d->to));
	for (it = json_child(v); it; it = json_next(it)) {
		const struct cJSON *a = json_child(it);
		const struct cJSON *b = a ? json_next(a) : NULL;

		if (!json_is_array(it) || json_size(it) != 2 ||
		    !json_is_string(a) || !json_is_string(b) ||
		    !*json_string(a) || !*json_string(b))
			return cfg_fail(r->c, it, "periods",
			                "each must be a pair [\"from\", "
			                "\"to\"] of periods");
		d->from[d->npairs] = xstrdup(json_string(a));
		d->to[d->npairs++] = xstrdup(json_string(b));
	}
	if (cfg_string(r->c, r->obj, "as", 1, &s) < 0)
		return -1;
	for (i = 0; i < sizeof(as) / sizeof(as[0]); i++)
		if (strcmp(s, as[i]) == 0)
			break;
	free(s);
	if (i == sizeof(as) / sizeof(as[0]))
		return cfg_fail(r->c, json_get(r->obj, "as"), "as",
		                "must be \"percent\", \"ratio\" or "
		                "\"absolute\"");
	d->as = (enum change_as)i;
	return 0;
}

static int
read_rate(const struct derived_reader *r, struct derived_config *d)
{
	const struct cJSON *v = json_get(r->obj, "per");
	const struct config *cfg = r->cfg;
	size_t i, n;

	if (!v || json_number(v, &d->per) < 0 || !(d->per > 0))
		return cfg_fail(r->c, v ? v : r->obj, "per",
		                "must be a positive number (100000)");
	if (cfg_earlier_indicator(r->c, cfg, r->obj, "population", r->self,
	                          &d->population) < 0)
		return -1;
	if (!cfg->indicators[index_of(cfg, d->population)].stock)
		return cfg_fail(r->c, json_get(r->obj, "population"),
		                "population",
		                "'%s' must be declared \"kind\": \"stock\" (a "
		                "rate divides a flow by a stock)",
		                d->population);
	if (cfg->indicators[index_of(cfg, d->of)].stock)
		return cfg_fail(r->c, json_get(r->obj, "of"), "of",
		                "'%s' is a stock; a rate divides a flow by a "
		                "stock",
		                d->of);
	if (cfg_string(r->c, r->obj, "population_snapshot", 1,
	               &d->population_snapshot) < 0)
		return -1;
	n = strlen(d->population_snapshot);
	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", d->population_snapshot[i]))
			break;
	if (i < n || n < 12 || n > 64)
		return cfg_fail(r->c, json_get(r->obj, "population_snapshot"),
		                "population_snapshot",
		                "must be 12 to 64 lowercase hex digits of the "
		                "pinned document's sha256");
	return 0;
}

static int
read_difference(const struct derived_reader *r, struct derived_config *d)
{
	return cfg_earlier_indicator(r->c, r->cfg, r->obj, "minus", r->self,
	                             &d->minus);
}

static int
read_highest(const struct derived_reader *r, struct derived_config *d)
{
	d->last = 0;
	if (cfg_long(r->c, r->obj, "last", 2, 1200, &d->last) < 0)
		return -1;
	if (d->last == 0)
		return cfg_fail(r->c, r->obj, "last",
		                "required key is missing");
	return 0;
}

static int
read_aggregate(const struct derived_reader *r, struct derived_config *d)
{
	char *to = NULL;
	int quarter;

	if (cfg_string(r->c, r->obj, "to", 1, &to) < 0)
		return -1;
	d->to_year = strcmp(to, "year") == 0;
	quarter = strcmp(to, "quarter") == 0;
	free(to);
	if (!d->to_year && !quarter)
		return cfg_fail(r->c, json_get(r->obj, "to"), "to",
		                "must be \"quarter\" or \"year\"");
	if (r->cfg->indicators[index_of(r->cfg, d->of)].stock)
		return cfg_fail(r->c, json_get(r->obj, "of"), "of",
		                "'%s' is a stock: summing its periods means "
		                "nothing",
		                d->of);
	return 0;
}

/* The derived operations: the name "op" gives and the reader of the rest
 * of the object.  reconcile/derive.c has each one's computation and
 * lineage, in a table of the same order. */
static const struct {
	const char *name;
	int (*read)(const struct derived_reader *r, struct derived_config *d);
} derived_ops[DERIVED_COUNT] = {
        [DERIVED_NONE] = {"", NULL},
        [DERIVED_SUM] = {"sum", read_sum},
        [DERIVED_CHANGE] = {"change", read_change},
        [DERIVED_RATE] = {"rate", read_rate},
        [DERIVED_DIFFERENCE] = {"difference", read_difference},
        [DERIVED_HIGHEST] = {"highest", read_highest},
        [DERIVED_AGGREGATE] = {"aggregate", read_aggregate},
};

const char *
config_derived_name(enum derived_op op)
{
	return derived_ops[op].name;
}

static int
cfg_derived(struct cfg *c, const struct config *cfg, const struct cJSON *obj,
            size_t self, struct derived_config *d)
{
	static const char *const keys[] = {
	        "op",      "of",         "geo",
	        "members", "periods",    "as",
	        "per",     "population", "population_snapshot",
	        "minus",   "last",       "to",
	        "comment", NULL};
	struct derived_reader r = {c, cfg, obj, self};
	struct strbuf names;
	char *op = NULL;
	int i, ret = -1;

	if (cfg_keys(c, obj, "'derived'", keys) < 0 ||
	    cfg_string(c, obj, "op", 1, &op) < 0 ||
	    cfg_earlier_indicator(c, cfg, obj, "of", self, &d->of) < 0)
		goto out;
	for (i = DERIVED_NONE + 1; i < DERIVED_COUNT; i++)
		if (strcmp(op, derived_ops[i].name) == 0)
			break;
	if (i < DERIVED_COUNT) {
		d->op = (enum derived_op)i;
		ret = derived_ops[i].read(&r, d);
		goto out;
	}
	strbuf_init(&names, 1u << 10);
	for (i = DERIVED_NONE + 1; i < DERIVED_COUNT; i++)
		strbuf_addf(&names, "%s\"%s\"",
		            i == DERIVED_NONE + 1   ? ""
		            : i + 1 < DERIVED_COUNT ? ", "
		                                    : " or ",
		            derived_ops[i].name);
	cfg_fail(c, json_get(obj, "op"), "op", "must be %s", names.buf);
	strbuf_release(&names);
out:
	free(op);
	return ret;
}

static int
cfg_conflict(struct cfg *c, const struct config *cfg, const struct cJSON *obj,
             struct conflict_policy *p)
{
	static const char *const keys[] = {"rule",   "prefer",  "tolerance",
	                                   "exceed", "comment", NULL};
	static const char *const rules[] = {"prefer", "exact-over-rounded",
	                                    "newest"};
	const struct cJSON *v;
	char *exceed = NULL, *rule = NULL;
	size_t i, k;

	p->declared = 1;
	if (cfg_keys(c, obj, "'conflict'", keys) < 0 ||
	    cfg_string(c, obj, "rule", 0, &rule) < 0)
		return -1;
	p->rule = CONFLICT_PREFER;
	for (i = 0; rule && i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rule, rules[i]) == 0)
			break;
	if (rule && i == sizeof(rules) / sizeof(rules[0])) {
		free(rule);
		return cfg_fail(c, json_get(obj, "rule"), "rule",
		                "must be \"prefer\", \"exact-over-rounded\" or "
		                "\"newest\"");
	}
	if (rule)
		p->rule = (enum conflict_rule)i;
	free(rule);
	/* Required for "prefer"; the tie-break for the other rules. */
	if ((p->rule == CONFLICT_PREFER || json_get(obj, "prefer")) &&
	    cfg_strings(c, obj, "prefer", &p->prefer, &p->nprefer) < 0)
		return -1;
	for (i = 0; i < p->nprefer; i++) {
		if (!config_source(cfg, p->prefer[i]))
			return cfg_fail(c, json_get(obj, "prefer"), "prefer",
			                "no source '%s' is configured",
			                p->prefer[i]);
		for (k = 0; k < i; k++)
			if (strcmp(p->prefer[k], p->prefer[i]) == 0)
				return cfg_fail(
				        c, json_get(obj, "prefer"), "prefer",
				        "'%s' is listed twice", p->prefer[i]);
	}
	v = json_get(obj, "tolerance");
	if (v && (json_number(v, &p->tolerance) < 0 || p->tolerance < 0 ||
	          p->tolerance > 1))
		return cfg_fail(c, v, "tolerance",
		                "must be a fraction from 0 to 1 (0.01 is 1%%)");
	if (cfg_string(c, obj, "exceed", 0, &exceed) < 0)
		return -1;
	if (exceed && strcmp(exceed, "fail") && strcmp(exceed, "flag")) {
		free(exceed);
		return cfg_fail(c, json_get(obj, "exceed"), "exceed",
		                "must be \"flag\" or \"fail\"");
	}
	p->fail = exceed && !strcmp(exceed, "fail");
	free(exceed);
	return 0;
}

/* "convert": {"from": "thousand persons", "factor": 1000}: a crosswalk
 * entry's declared unit conversion. */
static int
cfg_convert(struct cfg *c, const struct cJSON *obj, struct crosswalk_entry *x)
{
	static const char *const keys[] = {"from", "factor", "comment", NULL};
	const struct cJSON *v;

	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return cfg_fail(c, obj, "convert",
		                "must be an object: {\"from\": unit, "
		                "\"factor\": number}");
	if (cfg_keys(c, obj, "'convert'", keys) < 0 ||
	    cfg_string(c, obj, "from", 1, &x->convert_from) < 0)
		return -1;
	v = json_get(obj, "factor");
	if (!v || json_number(v, &x->factor) < 0 || !(x->factor > 0) ||
	    !isfinite(x->factor))
		return cfg_fail(c, v ? v : obj, "factor",
		                "must be a positive number (1000 turns "
		                "thousands into units)");
	return 0;
}

/* "breaks": [{"period": "2020", "reason": "..."}]: a series break, such as
 * a change of unit, before which values are not comparable with after. */
static int
cfg_breaks(struct cfg *c, const struct cJSON *v, struct indicator_config *ind)
{
	static const char *const keys[] = {"period", "reason", "comment", NULL};
	const struct cJSON *it;
	size_t n = json_size(v);

	if (!json_is_array(v))
		return cfg_fail(c, v, "breaks",
		                "must be an array of {\"period\", \"reason\"}");
	ind->break_period = xcalloc(n + 1, sizeof(*ind->break_period));
	ind->break_reason = xcalloc(n + 1, sizeof(*ind->break_reason));
	for (it = json_child(v); it; it = json_next(it)) {
		size_t k = ind->nbreaks;

		if (cfg_keys(c, it, "a break", keys) < 0 ||
		    cfg_string(c, it, "period", 1, &ind->break_period[k]) < 0 ||
		    cfg_string(c, it, "reason", 1, &ind->break_reason[k]) < 0) {
			ind->nbreaks = k + 1; /* free what was read */
			return -1;
		}
		ind->nbreaks++;
	}
	return 0;
}

/* "range": [min, max], the magnitudes an indicator's values can have. */
static int
cfg_range(struct cfg *c, const struct cJSON *v, struct indicator_config *ind)
{
	const struct cJSON *a = json_child(v), *b = a ? json_next(a) : NULL;

	if (!json_is_array(v) || json_size(v) != 2 ||
	    json_number(a, &ind->range_min) < 0 ||
	    json_number(b, &ind->range_max) < 0 ||
	    !(ind->range_min <= ind->range_max))
		return cfg_fail(c, v, "range",
		                "must be [min, max], two numbers with min <= "
		                "max");
	ind->has_range = 1;
	return 0;
}

/* normalize checks a source's values against the ranges of the indicators
 * it maps to, so the ranges are part of what a parse of it depends on. */
static void
fold_ranges_into_source_hashes(struct config *cfg)
{
	size_t i, k;

	for (i = 0; i < cfg->nsources; i++) {
		struct source_config *src = &cfg->sources[i];
		struct strbuf sb;

		strbuf_init(&sb, 1u << 20);
		for (k = 0; k < cfg->ncrosswalk; k++) {
			const struct crosswalk_entry *x = &cfg->crosswalk[k];
			const struct indicator_config *ind =
			        config_indicator(cfg, x->indicator);

			if (strcmp(x->source, src->id) != 0 || !ind->has_range)
				continue;
			strbuf_addf(&sb, "range %s %s %.17g %.17g\n",
			            x->measure, ind->id, ind->range_min,
			            ind->range_max);
			/* The range is checked after the conversion. */
			if (x->convert_from)
				strbuf_addf(&sb, "convert %s %.17g\n",
				            x->convert_from, x->factor);
		}
		if (sb.len) {
			strbuf_addstr(&sb, src->hash);
			hash_hex(sb.buf, sb.len, src->hash);
		}
		strbuf_release(&sb);
	}
}

int
config_load_indicators(struct config *cfg, struct hash *h, const char *path,
                       const char *display, struct error *err)
{
	static const char *const keys[] = {"version", "indicators", "crosswalk",
	                                   "comment", NULL};
	static const char *const ind_keys[] = {
	        "id",     "title",  "unit",     "definition", "scope_note",
	        "status", "reason", "derived",  "range",      "conflict",
	        "breaks", "kind",   "decimals", "comment",    NULL};
	static const char *const xw_keys[] = {
	        "source",   "measure", "indicator", "valid_from",
	        "valid_to", "convert", "comment",   NULL};
	struct cfg c = {NULL, err};
	const struct cJSON *root, *list, *it;
	char *buf = NULL;
	size_t len, i;
	int ret = -1;

	if (cfg_read(h, display, path, &buf, &len, err) < 0 ||
	    json_doc_parse(&c.doc, path, buf, len, CONFIG_MAX_BYTES, err) < 0)
		goto out;
	root = json_doc_root(c.doc);
	if (cfg_keys(&c, root, "the indicators file", keys) < 0 ||
	    cfg_string(&c, root, "version", 1, &cfg->indicators_version) < 0)
		goto out;
	list = json_get(root, "indicators");
	if (!json_is_array(list)) {
		cfg_fail(&c, list ? list : root, "indicators",
		         "must be an array");
		goto out;
	}
	cfg->indicators =
	        xcalloc(json_size(list) + 1, sizeof(*cfg->indicators));
	for (it = json_child(list); it; it = json_next(it)) {
		struct indicator_config *ind =
		        &cfg->indicators[cfg->nindicators++];

		if (cfg_keys(&c, it, "an indicator", ind_keys) < 0 ||
		    cfg_string(&c, it, "id", 1, &ind->id) < 0 ||
		    cfg_string(&c, it, "title", 1, &ind->title) < 0 ||
		    cfg_string(&c, it, "unit", 1, &ind->unit) < 0 ||
		    cfg_string(&c, it, "definition", 1, &ind->definition) < 0 ||
		    cfg_string(&c, it, "scope_note", 0, &ind->scope_note) < 0 ||
		    cfg_string(&c, it, "reason", 0, &ind->reason) < 0)
			goto out;
		{
			const struct cJSON *st = json_get(it, "status");
			const char *sv = json_string(st);

			if (st && (!sv || (strcmp(sv, "published") &&
			                   strcmp(sv, "unpublished")))) {
				cfg_fail(&c, st, "status",
				         "must be \"published\" or "
				         "\"unpublished\"");
				goto out;
			}
			ind->unpublished = sv && !strcmp(sv, "unpublished");
			if (ind->unpublished && !ind->reason) {
				cfg_fail(&c, it, "reason",
				         "an unpublished indicator needs a "
				         "reason");
				goto out;
			}
		}
		{
			char *kind = NULL;

			if (cfg_string(&c, it, "kind", 0, &kind) < 0)
				goto out;
			ind->stock = kind && strcmp(kind, "stock") == 0;
			if (kind && !ind->stock && strcmp(kind, "flow") != 0) {
				free(kind);
				cfg_fail(&c, json_get(it, "kind"), "kind",
				         "must be \"flow\" or \"stock\"");
				goto out;
			}
			free(kind);
		}
		if (json_get(it, "derived") &&
		    cfg_derived(&c, cfg, json_get(it, "derived"),
		                cfg->nindicators - 1, &ind->derived) < 0)
			goto out;
		if (json_get(it, "range") &&
		    cfg_range(&c, json_get(it, "range"), ind) < 0)
			goto out;
		{
			long dec = -1;

			if (cfg_long(&c, it, "decimals", 0, 15, &dec) < 0)
				goto out;
			ind->decimals = (int)dec;
		}
		if (json_get(it, "breaks") &&
		    cfg_breaks(&c, json_get(it, "breaks"), ind) < 0)
			goto out;
		if (json_get(it, "conflict") &&
		    cfg_conflict(&c, cfg, json_get(it, "conflict"),
		                 &ind->conflict) < 0)
			goto out;
		if (ind->derived.op != DERIVED_NONE && ind->unpublished) {
			cfg_fail(&c, json_get(it, "status"), "status",
			         "a derived indicator cannot be unpublished");
			goto out;
		}
		if (!config_valid_id(ind->id)) {
			cfg_fail(&c, json_get(it, "id"), "id",
			         "'%s' is not a valid id", ind->id);
			goto out;
		}
		for (i = 0; i + 1 < cfg->nindicators; i++) {
			if (strcmp(cfg->indicators[i].id, ind->id) == 0) {
				cfg_fail(&c, json_get(it, "id"), "id",
				         "duplicate indicator '%s'", ind->id);
				goto out;
			}
		}
	}
	list = json_get(root, "crosswalk");
	if (!json_is_array(list)) {
		cfg_fail(&c, list ? list : root, "crosswalk",
		         "must be an array");
		goto out;
	}
	cfg->crosswalk = xcalloc(json_size(list) + 1, sizeof(*cfg->crosswalk));
	for (it = json_child(list); it; it = json_next(it)) {
		struct crosswalk_entry *x = &cfg->crosswalk[cfg->ncrosswalk++];

		if (cfg_keys(&c, it, "a crosswalk entry", xw_keys) < 0 ||
		    cfg_string(&c, it, "source", 1, &x->source) < 0 ||
		    cfg_string(&c, it, "measure", 1, &x->measure) < 0 ||
		    cfg_string(&c, it, "indicator", 1, &x->indicator) < 0 ||
		    cfg_string(&c, it, "valid_from", 0, &x->valid_from) < 0 ||
		    cfg_string(&c, it, "valid_to", 0, &x->valid_to) < 0 ||
		    cfg_convert(&c, json_get(it, "convert"), x) < 0)
			goto out;
		if (!config_indicator(cfg, x->indicator)) {
			cfg_fail(&c, json_get(it, "indicator"), "indicator",
			         "no indicator '%s' is defined", x->indicator);
			goto out;
		}
		if (config_indicator(cfg, x->indicator)->derived.op !=
		    DERIVED_NONE) {
			cfg_fail(&c, json_get(it, "indicator"), "indicator",
			         "'%s' is derived; no source maps to it",
			         x->indicator);
			goto out;
		}
		if (!config_source(cfg, x->source)) {
			cfg_fail(&c, json_get(it, "source"), "source",
			         "no source '%s' is configured", x->source);
			goto out;
		}
	}
	fold_ranges_into_source_hashes(cfg);
	ret = 0;
out:
	json_doc_free(c.doc);
	free(buf);
	return ret;
}

static void
derived_free(struct derived_config *d)
{
	size_t i;

	free(d->of);
	free(d->geo);
	for (i = 0; i < d->nmembers; i++)
		free(d->members[i]);
	free(d->members);
	for (i = 0; i < d->npairs; i++) {
		free(d->from[i]);
		free(d->to[i]);
	}
	free(d->from);
	free(d->to);
	free(d->population);
	free(d->population_snapshot);
	free(d->minus);
}

void
config_indicators_free(struct config *cfg)
{
	size_t i, k;

	for (i = 0; i < cfg->nindicators; i++) {
		free(cfg->indicators[i].id);
		free(cfg->indicators[i].title);
		free(cfg->indicators[i].unit);
		free(cfg->indicators[i].definition);
		free(cfg->indicators[i].scope_note);
		free(cfg->indicators[i].reason);
		derived_free(&cfg->indicators[i].derived);
		for (k = 0; k < cfg->indicators[i].conflict.nprefer; k++)
			free(cfg->indicators[i].conflict.prefer[k]);
		for (k = 0; k < cfg->indicators[i].nbreaks; k++) {
			free(cfg->indicators[i].break_period[k]);
			free(cfg->indicators[i].break_reason[k]);
		}
		free(cfg->indicators[i].break_period);
		free(cfg->indicators[i].break_reason);
		free(cfg->indicators[i].conflict.prefer);
	}
	free(cfg->indicators);
	for (i = 0; i < cfg->ncrosswalk; i++) {
		free(cfg->crosswalk[i].source);
		free(cfg->crosswalk[i].measure);
		free(cfg->crosswalk[i].indicator);
		free(cfg->crosswalk[i].valid_from);
		free(cfg->crosswalk[i].valid_to);
		free(cfg->crosswalk[i].convert_from);
	}
	free(cfg->crosswalk);
	free(cfg->indicators_version);
}
