/*
 * pdftext — poppler's pdftotext and pdfinfo, run as subprocesses: the text
 * layer normalize reads a PDF source by, and that trace extracts again to
 * show a PDF value's bytes.
 *
 * Run rather than linked (libpoppler-glib): a PDF parser is a large attack
 * surface, and in its own process, with a time limit, an output cap and no
 * access to provstat's memory, a hang or a crash in it is a clear error
 * about one document instead of a dead pipeline.  `-layout` keeps the
 * columns the row patterns rely on; a PDF value's byte range is one in
 * that text, and the version of pdftotext that made it is part of its
 * locator, since another version may lay a page out otherwise.
 */
#ifndef PROVSTAT_PDFTEXT_H
#define PROVSTAT_PDFTEXT_H

#include <stddef.h>

#include "error.h"

/*
 * Runs prog (pdftotext or pdfinfo) with args on the document open as fd
 * (seen by the tool as /dev/fd/3), capturing at most max bytes of its
 * standard output within timeout_s.  Returns 0 with *out (NUL-terminated;
 * caller frees), or -1 with err.
 */
int pdf_run_tool(const char *prog, const char *const *args, int fd,
                 long timeout_s, size_t max, char **out, size_t *len,
                 struct error *err);

/* pdftotext -layout -enc UTF-8 of the document open as fd. */
int pdftext_extract(int fd, long timeout_s, size_t max, char **out, size_t *len,
                    struct error *err);

/* pdftotext's version ("22.12.0"), asked once a process; "unknown" when
 * it does not say. */
const char *pdftext_version(void);

#endif
