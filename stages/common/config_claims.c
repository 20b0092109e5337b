/*
 * config_claims — the claims file: what the report being rebuilt says, and
 * the value of the release that tests each statement.  See config.h and
 * doc/provstat-config.5; emit's claims.c gives the verdicts.
 */
#include "config_load.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "xalloc.h"

/* {"indicator": ..., "geo": ..., "period": ...} of a known indicator. */
static int
cfg_ref(struct cfg *c, const struct config *cfg, const struct cJSON *obj,
        const char *key, struct config_ref *r)
{
	static const char *const keys[] = {"indicator", "geo", "period", NULL};
	const struct cJSON *v = json_get(obj, key);

	if (!v)
		return cfg_fail(c, obj, key, "required key is missing");
	if (cfg_keys(c, v, key, keys) < 0 ||
	    cfg_string(c, v, "indicator", 1, &r->indicator) < 0 ||
	    cfg_string(c, v, "geo", 0, &r->geo) < 0 ||
	    cfg_string(c, v, "period", 0, &r->period) < 0)
		return -1;
	if (!config_indicator(cfg, r->indicator))
		return cfg_fail(c, json_get(v, "indicator"), "indicator",
		                "no indicator '%s' is defined", r->indicator);
	if (!config_indicator(cfg, r->indicator)->unpublished &&
	    (!r->geo || !r->period))
		return cfg_fail(c, v, !r->geo ? "geo" : "period",
		                "required key is missing (only an unpublished "
		                "indicator is named alone)");
	return 0;
}

static int
cfg_claim(struct cfg *c, const struct config *cfg, const struct cJSON *it,
          struct claim_config *k)
{
	static const char *const keys[] = {
	        "id",     "says",      "where", "value",   "qualifier", "test",
	        "equals", "tolerance", "note",  "comment", NULL};
	const struct cJSON *v;

	if (cfg_keys(c, it, "a claim", keys) < 0 ||
	    cfg_string(c, it, "id", 1, &k->id) < 0 ||
	    cfg_string(c, it, "says", 1, &k->says) < 0 ||
	    cfg_string(c, it, "where", 1, &k->where) < 0 ||
	    cfg_string(c, it, "qualifier", 0, &k->qualifier) < 0 ||
	    cfg_string(c, it, "note", 0, &k->note) < 0 ||
	    cfg_ref(c, cfg, it, "test", &k->test) < 0)
		return -1;
	if (!config_valid_id(k->id))
		return cfg_fail(c, json_get(it, "id"), "id",
		                "'%s' is not a valid id", k->id);
	if (!k->qualifier)
		k->qualifier = xstrdup("");
	if ((v = json_get(it, "value"))) {
		if (json_number(v, &k->value) < 0 || !isfinite(k->value))
			return cfg_fail(c, v, "value", "must be a number");
		k->has_value = 1;
	}
	if (json_get(it, "equals")) {
		if (cfg_ref(c, cfg, it, "equals", &k->equals) < 0)
			return -1;
		k->has_equals = 1;
	}
	if (k->has_value && k->has_equals)
		return cfg_fail(c, it, "equals",
		                "give 'value' or 'equals', "
		                "not both");
	if (!k->has_value && !k->has_equals &&
	    !config_indicator(cfg, k->test.indicator)->unpublished)
		return cfg_fail(c, it, "value",
		                "needs 'value' (the figure the report states) "
		                "or 'equals' (a value of the release)");
	v = json_get(it, "tolerance");
	if (v && (json_number(v, &k->tolerance) < 0 || k->tolerance < 0 ||
	          k->tolerance > 1))
		return cfg_fail(c, v, "tolerance",
		                "must be a fraction from 0 to 1 (0.01 is 1%%)");
	return 0;
}

int
config_load_claims(struct config *cfg, struct hash *h, const char *path,
                   const char *display, struct error *err)
{
	static const char *const keys[] = {"version", "report",  "source",
	                                   "claims",  "comment", NULL};
	struct cfg c = {NULL, err};
	const struct cJSON *root, *list, *it;
	char *buf = NULL, *version = NULL;
	size_t len, k;
	int ret = -1;

	if (cfg_read(h, display, path, &buf, &len, err) < 0 ||
	    json_doc_parse(&c.doc, path, buf, len, CONFIG_MAX_BYTES, err) < 0)
		goto out;
	root = json_doc_root(c.doc);
	if (cfg_keys(&c, root, "the claims file", keys) < 0 ||
	    cfg_string(&c, root, "version", 1, &version) < 0 ||
	    cfg_string(&c, root, "report", 1, &cfg->claims_report) < 0 ||
	    cfg_string(&c, root, "source", 0, &cfg->claims_source) < 0)
		goto out;
	if (cfg->claims_source && !config_source(cfg, cfg->claims_source)) {
		cfg_fail(&c, json_get(root, "source"), "source",
		         "no source '%s' is configured", cfg->claims_source);
		goto out;
	}
	list = json_get(root, "claims");
	if (!json_is_array(list)) {
		cfg_fail(&c, list ? list : root, "claims", "must be an array");
		goto out;
	}
	cfg->claims = xcalloc(json_size(list) + 1, sizeof(*cfg->claims));
	for (it = json_child(list); it; it = json_next(it)) {
		struct claim_config *cl = &cfg->claims[cfg->nclaims++];

		if (cfg_claim(&c, cfg, it, cl) < 0)
			goto out;
		for (k = 0; k + 1 < cfg->nclaims; k++)
			if (strcmp(cfg->claims[k].id, cl->id) == 0) {
				cfg_fail(&c, json_get(it, "id"), "id",
				         "duplicate claim '%s'", cl->id);
				goto out;
			}
	}
	ret = 0;
out:
	free(version);
	json_doc_free(c.doc);
	free(buf);
	return ret;
}

static void
ref_free(struct config_ref *r)
{
	free(r->indicator);
	free(r->geo);
	free(r->period);
}

void
config_claims_free(struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nclaims; i++) {
		struct claim_config *k = &cfg->claims[i];

		free(k->id);
		free(k->says);
		free(k->where);
		free(k->qualifier);
		free(k->note);
		ref_free(&k->test);
		ref_free(&k->equals);
	}
	free(cfg->claims);
	free(cfg->claims_report);
	free(cfg->claims_source);
}
