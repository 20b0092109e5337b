/*
 * pdf_format — the "pdf" format: a text table in a PDF, such as NCMEC's
 * CyberTipline reports by country.
 *
 * The text layer comes from poppler's `pdftotext -layout`, run as a
 * subprocess rather than linked (libpoppler-glib): a PDF parser is a large
 * attack surface, and in its own process, with a time limit, an output cap
 * and no access to provstat's memory, a hang or a crash in it is a clear
 * error about one document instead of a dead pipeline; -layout also keeps
 * the columns that the row patterns rely on.  A file that is not a PDF or is
 * encrypted is refused before that (pdfinfo).
 *
 * Each line is matched against the row pattern repeatedly, so two-column
 * pages give two rows per line; words left over under a row of the line
 * above continue its name ("Congo, The Democratic" / "Republic of the");
 * lines matching a skip pattern are ignored; the total pattern finds the
 * document's own total, which rows_sum_to_total checks exactly.  Locators
 * read "page 3, line 14".
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

/*
 * Runs prog (pdftotext or pdfinfo) with args on the document open as fd,
 * capturing at most max bytes of its standard output within timeout_s.
 * Returns 0 with *out (caller frees), or -1 with err.
 */
int pdf_run_tool(const char *prog, const char *const *args, int fd,
                 long timeout_s, size_t max, char **out, size_t *len,
                 struct error *err);

#endif
