/*
 * html_format — the "html" format: figures on web pages.
 *
 * Tables: "table" selects one table by XPath; its first row is the header
 * and is mapped by name like csv; rowspan and colspan are expanded into a
 * grid, so a cell spanning rows repeats in each.  Prose: "select" picks the
 * blocks whose text holds the figures (the Insafe articles' paragraphs);
 * "pattern", a POSIX ERE, is run over each block's text as often as it
 * matches, and its numbered groups give the value (with any qualifier such
 * as "over" or "almost") and optionally geo, measure, period.  The period
 * may come from elsewhere on the page: "period_xpath" with a pattern and a
 * format ("Quarter 1, 2020" -> "\2-Q\1").
 *
 * Locators name the node's XPath and line, and for prose the matched text.
 */
#ifndef PROVSTAT_HTML_FORMAT_H
#define PROVSTAT_HTML_FORMAT_H

#include "observation.h"

#define HTML_MAX_GRID_CELLS 1000000u

int html_format_parse(const struct source_config *src, struct parse_input *in,
                      const struct obs_sink *sink, struct problems *probs,
                      struct error *err);

#endif
