/*
 * csv_format — the "csv" format: a delimited table with a header row whose
 * columns the source config maps to observation fields by name (never by
 * position).  Every record must have as many fields as the header.
 */
#ifndef PROVSTAT_CSV_FORMAT_H
#define PROVSTAT_CSV_FORMAT_H

#include <stdio.h>

#include "config.h"
#include "observation.h"

/*
 * Reads the document in fp under src's mapping and hands each observation to
 * sink.  Problems are recorded in probs; returns -1 when the document cannot
 * be read further (malformed CSV, or the sink failed with err), else 0.
 */
int csv_format_parse(const struct source_config *src, FILE *fp,
                     const struct obs_sink *sink, struct problems *probs,
                     struct error *err);

#endif
