/*
 * xalloc — allocation that never returns NULL.
 *
 * Out-of-memory is the one condition that may end the process outside main()
 * (STYLE.md rule 12): these functions print "provstat: out of memory" and
 * exit(1).  Every size that is a product goes through xreallocarray() or
 * xcalloc(), which check the multiplication for overflow.
 * Memory returned by any of them is freed with free().
 */
#ifndef PROVSTAT_XALLOC_H
#define PROVSTAT_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Resizes ptr to nmemb * size bytes, failing (exit) on overflow. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* p, or the out-of-memory exit when an allocating call (tsearch, ...)
 * returned NULL. */
void *xnonnull(void *p);
/* A newly allocated formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
