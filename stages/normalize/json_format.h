/*
 * json_format — the "json" format: an array of records, selected by a JSON
 * pointer ("records": "/data/items"), whose fields the config maps by name
 * (or by a pointer relative to the record, when the name starts with '/').
 *
 * Values may be JSON numbers or strings ("1,500" is parsed by the source's
 * number rules); the raw text kept is the literal as written.  Locators are
 * JSON pointers with line, column and the exact byte span.
 */
#ifndef PROVSTAT_JSON_FORMAT_H
#define PROVSTAT_JSON_FORMAT_H

#include "json.h"
#include "observation.h"

int json_format_parse(const struct source_config *src, struct parse_input *in,
                      const struct obs_sink *sink, struct problems *probs,
                      struct error *err);

/* Reads in as a JSON document named "src://ID" (capped, hardened); on a bad
 * document records the problem and returns NULL. */
struct json_doc *json_format_load(const struct source_config *src,
                                  struct parse_input *in,
                                  struct problems *probs);

/* The text of a scalar node as the document wrote it: a string's value, a
 * number's literal, "" for null; newly allocated.  NULL for other kinds. */
char *json_format_text(const struct json_doc *doc, const struct cJSON *node);

#endif
