/*
 * config_load — what the readers of the configuration share; private to
 * config*.c and format.c.
 *
 * A reader holds the JSON document it reads in a struct cfg.  The cfg_*
 * helpers read one key each and, on a bad value, leave an error that names
 * the file, line and column of that value ("sources/a.json:6:13: 'format':
 * unknown format 'xlsx'") and return -1.  A key that is absent keeps the
 * default the caller put in *out, unless the helper says otherwise.
 *
 * The configuration is read by three modules: config.c (provstat.json),
 * config_source.c (each file of the sources directory, with format.c for
 * the options of its format) and config_indicators.c (indicators, derived
 * operations, conflict rules and the crosswalk).
 */
#ifndef PROVSTAT_CONFIG_LOAD_H
#define PROVSTAT_CONFIG_LOAD_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "hash.h"
#include "json.h"

/* The document being read and where errors go. */
struct cfg {
	struct json_doc *doc;
	struct error *err;
};

/* Sets the error at node's place, naming key if not NULL; returns -1. */
__attribute__((format(printf, 4, 5))) int cfg_fail(struct cfg *c,
                                                   const struct cJSON *node,
                                                   const char *key,
                                                   const char *fmt, ...);
/* 1 if s is one of the n strings of list. */
int cfg_in_list(const char *s, const char *const *list, size_t n);
/* obj must be an object whose every key is in allowed (NULL-terminated);
 * what names it in the error ("'csv'"). */
int cfg_keys(struct cfg *c, const struct cJSON *obj, const char *what,
             const char *const *allowed);
/* A string; *out is NULL when absent (an error if required, as is an empty
 * string).  The caller frees *out. */
int cfg_string(struct cfg *c, const struct cJSON *obj, const char *key,
               int required, char **out);
/* A whole number from min to max. */
int cfg_long(struct cfg *c, const struct cJSON *obj, const char *key, long min,
             long max, long *out);
/* One ASCII character; "" gives 0 when allow_none. */
int cfg_char(struct cfg *c, const struct cJSON *obj, const char *key,
             int allow_none, char *out);
/* A regex group number, 0 to 9. */
int cfg_group(struct cfg *c, const struct cJSON *obj, const char *key,
              int *out);
/* A POSIX ERE, compiled once to check it; *out NULL when absent. */
int cfg_regex(struct cfg *c, const struct cJSON *obj, const char *key,
              char **out);
/* An array of EREs into a NULL-terminated *out of *n. */
int cfg_regex_list(struct cfg *c, const struct cJSON *obj, const char *key,
                   char ***out, size_t *n);
/* A required non-empty array of non-empty strings. */
int cfg_strings(struct cfg *c, const struct cJSON *obj, const char *key,
                char ***out, size_t *n);
/* Reads one config file (at most CONFIG_MAX_BYTES) into *buf (caller
 * frees) and folds its display name and bytes into the config hash h. */
int cfg_read(struct hash *h, const char *display, const char *path, char **buf,
             size_t *len, struct error *err);

/* Every "*.json" of sources_dir (rel_dir as the config names it) into
 * cfg->sources, sorted by id; duplicate ids are an error. */
int config_load_sources(struct config *cfg, struct hash *h,
                        const char *sources_dir, const char *rel_dir,
                        struct error *err);
void config_sources_free(struct config *cfg);

/* The indicators file (path; display as the config names it): the
 * indicators in file order and the crosswalk.  Needs cfg->sources. */
int config_load_indicators(struct config *cfg, struct hash *h, const char *path,
                           const char *display, struct error *err);
void config_indicators_free(struct config *cfg);

/* The claims file (path; display as the config names it).  Needs the
 * indicators and the sources. */
int config_load_claims(struct config *cfg, struct hash *h, const char *path,
                       const char *display, struct error *err);
void config_claims_free(struct config *cfg);

#endif
