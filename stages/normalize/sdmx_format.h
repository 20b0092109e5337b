/*
 * sdmx_format — the "sdmx-ml" format: SDMX-ML 2.1 GenericData and
 * StructureSpecificData (and their TimeSeries variants), streamed through
 * libxml2's SAX2 handlers (xml.h) so memory does not grow with the
 * document.  Not xmlTextReader, the usual streaming choice: the reader
 * builds a node for every element (a third of the time on a large
 * message), reports a DOCTYPE only after parsing it, and gave every line
 * past 65,535 as 65,535.
 *
 * Whatever dimensionAtObservation says (TIME_PERIOD, another dimension, or
 * AllDimensions), every key value and attribute of the data set, a group,
 * the series and the observation is gathered under its id; a field then
 * names the id it comes from, looked up from the observation outwards.
 * Defaults: period TIME_PERIOD, value OBS_VALUE, flags OBS_STATUS.  A name
 * "A+B+C" joins several ids with '.', the SDMX series-key convention.
 * UNIT_MULT scales the value (x 10^UNIT_MULT).  Group attributes apply to
 * the series whose key matches the group's.
 *
 * An observation's locator is the line and column of its element's '<'
 * (stored as numbers, shown "line L, column C"): exact even in a message
 * on one line, as APIs often send, and small in the store.
 */
#ifndef PROVSTAT_SDMX_FORMAT_H
#define PROVSTAT_SDMX_FORMAT_H

#include "observation.h"

int sdmx_format_parse(const struct source_config *src, struct parse_input *in,
                      const struct obs_sink *sink, struct problems *probs,
                      struct error *err);

#endif
