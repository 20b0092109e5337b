/*
 * tsv_format — the "eurostat-tsv" format: Eurostat's bulk TSV.
 *
 * The first header cell names the dimensions and the time axis
 * ("indic_de,geo\time" or "freq,unit,geo\TIME_PERIOD"); the other header
 * cells are periods.  Each row starts with the dimension values ("JAN,AT"),
 * then one cell per period: "value flags" ("11000638 b", "514345371 ep") or
 * ":" for missing (": c" confidential).  Trailing spaces are ignored.
 *
 * geo, measure and unit may name dimensions; the period is the time axis.
 * Every dimension must be mapped or fixed by a "filter": otherwise rows
 * that differ only in it would be merged silently.
 */
#ifndef PROVSTAT_TSV_FORMAT_H
#define PROVSTAT_TSV_FORMAT_H

#include "observation.h"

int tsv_format_parse(const struct source_config *src, struct parse_input *in,
                     const struct obs_sink *sink, struct problems *probs,
                     struct error *err);

#endif
