/* config — see config.h. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config_load.h"
#include "fileio.h"
#include "hash.h"
#include "json.h"
#include "xalloc.h"

const char *const config_field_names[FIELD_COUNT] = {
        "measure", "geo", "period", "value", "unit", "flags", "precision"};

int
config_field_optional(enum config_field f)
{
	return f == FIELD_FLAGS || f == FIELD_PRECISION;
}

int
config_valid_id(const char *id)
{
	size_t i, n = strlen(id);

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = id[i];
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		         (i > 0 && (ch == '.' || ch == '_' || ch == '-'));

		if (!ok)
			return 0;
	}
	return 1;
}

int
config_load(struct config **out, const char *path, struct error *err)
{
	static const char *const keys[] = {
	        "provstat", "name",    "sources_dir", "indicators", "claims",
	        "geo",      "release", "fetch",       "comment",    NULL};
	static const char *const geo_keys[] = {"iso_codes", "aliases", NULL};
	static const char *const rel_keys[] = {"keep", NULL};
	static const char *const fetch_keys[] = {"timeout_s",
	                                         "connect_timeout_s",
	                                         "low_speed_bytes",
	                                         "low_speed_time_s",
	                                         "proxy",
	                                         "jobs",
	                                         "max_per_host",
	                                         "retries",
	                                         "retry_base_ms",
	                                         "retry_max_s",
	                                         NULL};
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	struct hash *h = hash_new();
	struct cfg c = {NULL, err};
	const struct cJSON *root, *v;
	char *buf = NULL, *sources_rel = NULL, *ind_rel = NULL, *tmp = NULL;
	char *sources_dir = NULL, *ind_path = NULL;
	char *claims_rel = NULL, *claims_path = NULL;
	size_t len;
	long schema = 0;
	int ret = -1;

	*out = NULL;
	cfg->path = xstrdup(path);
	cfg->dir = fileio_dirname(path);
	if (cfg_read(h, "provstat.json", path, &buf, &len, err) < 0 ||
	    json_doc_parse(&c.doc, path, buf, len, CONFIG_MAX_BYTES, err) < 0)
		goto out;
	root = json_doc_root(c.doc);
	if (cfg_keys(&c, root, "provstat.json", keys) < 0 ||
	    cfg_long(&c, root, "provstat", 1, 1, &schema) < 0)
		goto out;
	if (schema != 1) {
		cfg_fail(&c, root, "provstat",
		         "required key is missing (the config format version, "
		         "1)");
		goto out;
	}
	if (cfg_string(&c, root, "sources_dir", 1, &sources_rel) < 0 ||
	    cfg_string(&c, root, "indicators", 1, &ind_rel) < 0 ||
	    cfg_string(&c, root, "claims", 0, &claims_rel) < 0)
		goto out;

	cfg->keep_releases = 10;
	if ((v = json_get(root, "release")) &&
	    (cfg_keys(&c, v, "'release'", rel_keys) < 0 ||
	     cfg_long(&c, v, "keep", 1, 100000, &cfg->keep_releases) < 0))
		goto out;

	cfg->fetch.timeout_s = 300;
	cfg->fetch.connect_timeout_s = 30;
	cfg->fetch.low_speed_bytes = 100;
	cfg->fetch.low_speed_time_s = 60;
	cfg->fetch.jobs = 8;
	cfg->fetch.max_per_host = 4;
	cfg->fetch.retries = 3;
	cfg->fetch.retry_base_ms = 1000;
	cfg->fetch.retry_max_s = 60;
	if ((v = json_get(root, "fetch"))) {
		if (cfg_keys(&c, v, "'fetch'", fetch_keys) < 0 ||
		    cfg_long(&c, v, "timeout_s", 1, 86400,
		             &cfg->fetch.timeout_s) < 0 ||
		    cfg_long(&c, v, "connect_timeout_s", 1, 3600,
		             &cfg->fetch.connect_timeout_s) < 0 ||
		    cfg_long(&c, v, "low_speed_bytes", 0, LONG_MAX,
		             &cfg->fetch.low_speed_bytes) < 0 ||
		    cfg_long(&c, v, "low_speed_time_s", 0, 86400,
		             &cfg->fetch.low_speed_time_s) < 0 ||
		    cfg_string(&c, v, "proxy", 0, &cfg->fetch.proxy) < 0 ||
		    cfg_long(&c, v, "jobs", 1, 256, &cfg->fetch.jobs) < 0 ||
		    cfg_long(&c, v, "max_per_host", 1, 256,
		             &cfg->fetch.max_per_host) < 0 ||
		    cfg_long(&c, v, "retries", 0, 20, &cfg->fetch.retries) <
		            0 ||
		    cfg_long(&c, v, "retry_base_ms", 1, 600000,
		             &cfg->fetch.retry_base_ms) < 0 ||
		    cfg_long(&c, v, "retry_max_s", 1, 3600,
		             &cfg->fetch.retry_max_s) < 0)
			goto out;
	}
	if (!cfg->fetch.proxy)
		cfg->fetch.proxy = xstrdup("");

	v = json_get(root, "geo");
	if (!v) {
		cfg_fail(&c, root, "geo", "required key is missing");
		goto out;
	}
	if (cfg_keys(&c, v, "'geo'", geo_keys) < 0 ||
	    cfg_string(&c, v, "iso_codes", 1, &tmp) < 0)
		goto out;
	cfg->iso_codes_path = fileio_join(cfg->dir, tmp);
	free(tmp);
	tmp = NULL;
	if (cfg_string(&c, v, "aliases", 1, &tmp) < 0)
		goto out;
	cfg->geo_aliases_path = fileio_join(cfg->dir, tmp);
	free(tmp);
	tmp = NULL;
	json_doc_free(c.doc);
	c.doc = NULL;

	/* The geo tables are data the result depends on: hash them too. */
	free(buf);
	buf = NULL;
	if (cfg_read(h, "geo/aliases", cfg->geo_aliases_path, &buf, &len, err) <
	    0)
		goto out;
	free(buf);
	buf = NULL;

	sources_dir = fileio_join(cfg->dir, sources_rel);
	if (config_load_sources(cfg, h, sources_dir, sources_rel, err) < 0)
		goto out;
	ind_path = fileio_join(cfg->dir, ind_rel);
	if (config_load_indicators(cfg, h, ind_path, ind_rel, err) < 0)
		goto out;
	if (claims_rel) {
		claims_path = fileio_join(cfg->dir, claims_rel);
		if (config_load_claims(cfg, h, claims_path, claims_rel, err) <
		    0)
			goto out;
	}
	hash_final_hex(h, cfg->hash);
	*out = cfg;
	cfg = NULL;
	ret = 0;
out:
	json_doc_free(c.doc);
	hash_free(h);
	free(buf);
	free(tmp);
	free(sources_rel);
	free(ind_rel);
	free(sources_dir);
	free(ind_path);
	free(claims_rel);
	free(claims_path);
	config_free(cfg);
	return ret;
}

void
config_free(struct config *cfg)
{
	if (!cfg)
		return;
	config_sources_free(cfg);
	config_indicators_free(cfg);
	config_claims_free(cfg);
	free(cfg->iso_codes_path);
	free(cfg->geo_aliases_path);
	free(cfg->fetch.proxy);
	free(cfg->path);
	free(cfg->dir);
	free(cfg);
}

const struct source_config *
config_source(const struct config *cfg, const char *id)
{
	size_t i;

	for (i = 0; i < cfg->nsources; i++)
		if (strcmp(cfg->sources[i].id, id) == 0)
			return &cfg->sources[i];
	return NULL;
}

const struct indicator_config *
config_indicator(const struct config *cfg, const char *id)
{
	size_t i;

	for (i = 0; i < cfg->nindicators; i++)
		if (strcmp(cfg->indicators[i].id, id) == 0)
			return &cfg->indicators[i];
	return NULL;
}