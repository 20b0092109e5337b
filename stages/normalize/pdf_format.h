/*
 * pdf_format — the "pdf" format: a text table in a PDF, such as NCMEC's
 * CyberTipline reports by country.
 *
 * The text layer comes from poppler's `pdftotext -layout`, run as a
 * subprocess (pdftext.h says why).  A file that is not a PDF or is
 * encrypted is refused before that (pdfinfo).
 *
 * Each line is matched against the row pattern repeatedly, so two-column
 * pages give two rows per line; words left over under a row of the line
 * above continue its name ("Congo, The Democratic" / "Republic of the");
 * lines matching a skip pattern are ignored; the total pattern finds the
 * document's own total, which rows_sum_to_total checks exactly.  Locators
 * read "page 3, line 14, pdftotext 22.12.0 text bytes 1234+6": the value's
 * bytes in the text that version of pdftotext gives (trace extracts it
 * again to show them).
 */
#ifndef PROVSTAT_PDF_FORMAT_H
#define PROVSTAT_PDF_FORMAT_H

#include "observation.h"

#define PDF_TEXT_MAX ((size_t)64 << 20)

int pdf_format_parse(const struct source_config *src, struct parse_input *in,
                     const struct obs_sink *sink, struct problems *probs,
                     struct error *err);

/*
 * The text layer's part of pdf_format_parse(): text is pdftotext -layout's
 * output (NUL-terminated, changed in place).  Separate so that the fuzz
 * target can reach it without a PDF.
 */
int pdf_text_parse(const struct source_config *src, char *text,
                   const struct obs_sink *sink, struct problems *probs,
                   struct error *err);

#endif
