/*
 * geo — the country crosswalk: every spelling a source uses, to ISO 3166-1
 * alpha-2 (or a declared extra code such as XK or EU27_2020).
 *
 * The base table is Debian's iso-codes (iso_3166-1.json: alpha-2, alpha-3,
 * name, official and common names); the alias file adds the spellings
 * publishers use ("Romania/Rumania", "Czech Republic", Eurostat's "EL" and
 * "UK"), declares extra codes, and lists names to exclude with a reason
 * ("No Country Listed").  Matching ignores ASCII case and repeated spaces.
 * An alias wins over an iso-codes name or code with the same spelling.
 *
 * A struct geo_table owns its memory; geo_lookup()'s strings are borrowed
 * from it until geo_table_free().
 */
#ifndef PROVSTAT_GEO_H
#define PROVSTAT_GEO_H

#include "error.h"
#include "hash.h"

struct geo_table;

enum geo_rule {
	GEO_UNMAPPED = 0,
	GEO_ISO_CODE, /* an alpha-2 or alpha-3 code */
	GEO_ISO_NAME, /* an iso-codes name */
	GEO_ALIAS, /* the alias file */
	GEO_EXCLUDED /* excluded on purpose, with a reason */
};

struct geo_match {
	enum geo_rule rule;
	const char *code; /* the canonical code, NULL unless mapped */
	const char *reason; /* for GEO_EXCLUDED */
};

/* Loads iso-codes' JSON and the alias file. */
int geo_table_load(struct geo_table **out, const char *iso_codes_path,
                   const char *aliases_path, struct error *err);
void geo_table_free(struct geo_table *t);
/* Looks up one spelling. */
struct geo_match geo_lookup(const struct geo_table *t, const char *raw);
/* The alias file's version string. */
const char *geo_table_version(const struct geo_table *t);
/* SHA-256 over both tables' bytes: the crosswalk's identity in lineage. */
const char *geo_table_hash(const struct geo_table *t);
/* The English name of a code, or NULL. */
const char *geo_name(const struct geo_table *t, const char *code);
const char *geo_rule_name(enum geo_rule rule);

#endif
