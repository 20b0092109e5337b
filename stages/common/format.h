/*
 * format — the document formats a source can declare, as one table.
 *
 * A row says everything the configuration needs to know of a format: its
 * name, the source key that holds its own options and the reader of that
 * key, the columns it names by convention, the fields it finds itself (so
 * that no source has to map them, and none may), and whether an HTML page
 * served in its place is an error page.  config reads every source through
 * its format's row (format_apply()); fetch asks the row whether a body is
 * plausible; normalize picks the format's parser by its id, in a switch the
 * compiler checks is complete (normalize_parser()); and the fuzz targets
 * are the sources of tests/fuzz/config/sources/, which a unit test checks
 * cover every row.
 *
 * Adding a format: its id below, its row in format.c, its parser in
 * stages/normalize/ and the parser's case in normalize_parser().
 */
#ifndef PROVSTAT_FORMAT_H
#define PROVSTAT_FORMAT_H

#include "config.h"

struct cJSON;
struct cfg;

enum format_id {
	FORMAT_CSV,
	FORMAT_SDMX_CSV,
	FORMAT_EUROSTAT_TSV,
	FORMAT_JSON,
	FORMAT_JSON_STAT,
	FORMAT_SDMX_ML,
	FORMAT_PDF,
	FORMAT_HTML,
	FORMAT_COUNT
};

#define FORMAT_FIELD(f) (1u << (f))

struct format_spec {
	enum format_id id;
	const char *name; /* as a source's "format" names it */
	/* The source key only this format takes, and its reader: it reads
	 * that key (absent or not) and checks the rest of the source fits
	 * the format.  NULL: the format has no options of its own. */
	const char *option;
	int (*read)(struct cfg *c, const struct cJSON *root,
	            struct source_config *s);
	/* Column (or dimension) names by convention, for the fields a source
	 * maps neither to a column nor to a constant.  A flags column named
	 * so may be missing from a document: no flags. */
	const char *column[FIELD_COUNT];
	/* FORMAT_FIELD()s the format finds itself; 'columns' may not name
	 * them, and how says how it finds them ("places values itself"). */
	unsigned places;
	const char *how;
	unsigned optional; /* FORMAT_FIELD()s a source may leave unmapped */
	/* Whether this source's options find field f (an HTML pattern's
	 * groups); NULL: only places and optional decide. */
	int (*finds)(const struct source_config *s, enum config_field f);
	int has_total; /* the document states its total: rows_sum_to_total */
	int data; /* a data format: an HTML page served for it is an error */
};

/* The rows, in the order of enum format_id. */
extern const struct format_spec format_table[FORMAT_COUNT];

/* The format of this name, or NULL. */
const struct format_spec *format_find(const char *name);

/* Reads the format's options of the source s (whose s->spec is set) from
 * root, refuses the options of other formats, sets the format's default
 * columns and checks the fields it places.  Private to config: c is the
 * reader of config_load.h. */
int format_apply(struct cfg *c, const struct cJSON *root,
                 struct source_config *s);

/* Whether source s must map field f to a column or a constant. */
int format_requires(const struct source_config *s, enum config_field f);

#endif
