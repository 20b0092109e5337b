/*
 * decode — hands parsers the document as UTF-8 text, whatever was archived.
 *
 * The archive keeps the bytes as received.  Here a gzip body (recognised by
 * its magic bytes, with or without a Content-Encoding header) is inflated
 * with zlib, and a Latin-1 or UTF-16 (with byte-order mark) document is
 * converted with iconv, each into a temporary file capped at max_bytes, so
 * that memory does not grow with the document and a gzip bomb stops at the
 * cap.  The only module that includes <zlib.h> and <iconv.h>.
 */
#ifndef PROVSTAT_DECODE_H
#define PROVSTAT_DECODE_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

/* The longest decoding text: "gzip, then latin-1 to UTF-8". */
#define DECODE_NAME_MAX 48

struct decoded {
	FILE *fp; /* UTF-8 text, positioned at the start (seekable) */
	/* What was done to the archived bytes: "" for nothing (byte offsets
	 * are the archive's), else "gzip", "latin-1 to UTF-8", "UTF-16 to
	 * UTF-8" or "gzip, then " one of those: byte offsets are then the
	 * decoded text's, and trace decodes the snapshot again to read
	 * them. */
	char decoding[DECODE_NAME_MAX];
	long long decoded_bytes; /* the decoded text's size; -1: not decoded */
	char *buf; /* the archived file's stream buffer */
};

/*
 * Opens the archived file at path for parsing as encoding ("utf-8",
 * "latin-1", "utf-16"; NULL means utf-8).  The caller closes d->fp.
 */
int decode_open(const char *path, const char *encoding, size_t max_bytes,
                struct decoded *d, struct error *err);
/* Closes what decode_open() opened; safe on a zeroed or closed one. */
void decode_close(struct decoded *d);

#endif
