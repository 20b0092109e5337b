/*
 * jsonstat_format — the "json-stat" format: a JSON-stat 2.0 dataset, or a
 * bundle or collection holding datasets (pick one with "dataset" when there
 * are several).  Any number of dimensions; "value" and "status" dense
 * (arrays, status also a single string) or sparse (objects keyed by the
 * row-major index); category.index as an array or an object.  Cells at
 * the positions extension."positions-with-no-data" lists (Eurostat) are no
 * observations.
 *
 * geo, period, measure and unit may name dimensions.  Every other dimension
 * must have one category or be fixed by a "filter", otherwise cells that
 * differ only in it would be merged.  Locators read
 * "/value/17 (geo=DE, time=2020)" with the cell's line, column and bytes.
 */
#ifndef PROVSTAT_JSONSTAT_FORMAT_H
#define PROVSTAT_JSONSTAT_FORMAT_H

#include "observation.h"

#define JSONSTAT_MAX_CELLS 100000000ul

int jsonstat_format_parse(const struct source_config *src,
                          struct parse_input *in, const struct obs_sink *sink,
                          struct problems *probs, struct error *err);

#endif
