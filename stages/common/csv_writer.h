/*
 * csv_writer — RFC 4180 output: fields quoted only when they hold the
 * delimiter, a quote, CR or LF; rows end in LF.  Deterministic by design.
 */
#ifndef PROVSTAT_CSV_WRITER_H
#define PROVSTAT_CSV_WRITER_H

#include <stddef.h>
#include <stdio.h>

/* Writes one row of n fields (a NULL field is written empty).  Returns -1
 * if the stream is in error (the caller reports it at close). */
int csv_writer_row(FILE *fp, const char *const *fields, size_t n);

#endif
