/*
 * csv_format — the "csv" and "sdmx-csv" formats: a delimited table with a
 * header row whose columns the source config maps to observation fields by
 * name, never by position.  sdmx-csv is the same reader with SDMX's column
 * names as defaults (TIME_PERIOD, OBS_VALUE, OBS_FLAG); SDMX-CSV 1.0
 * (DATAFLOW, ...) and 2.0 (STRUCTURE, STRUCTURE_ID, ...) both work because
 * nothing is read by position.
 *
 * Options (source config "csv"): delimiter, quote, comment, header_row,
 * encoding, skip (records whose first field matches a regex), footer (a
 * first field that ends the table, such as a "Total" line).  Every record
 * must have as many fields as the header; "filter" keeps only rows whose
 * named columns hold the given values.
 */
#ifndef PROVSTAT_CSV_FORMAT_H
#define PROVSTAT_CSV_FORMAT_H

#include "observation.h"

int csv_format_parse(const struct source_config *src, struct parse_input *in,
                     const struct obs_sink *sink, struct problems *probs,
                     struct error *err);

#endif
