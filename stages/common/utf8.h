/*
 * utf8 — validation of UTF-8 text (no overlongs, no surrogates, nothing
 * above U+10FFFF), shared by the JSON and XML/HTML adapters.
 */
#ifndef PROVSTAT_UTF8_H
#define PROVSTAT_UTF8_H

#include <stddef.h>

/* The offset of the first byte that is not valid UTF-8, or len. */
size_t utf8_first_invalid(const void *data, size_t len);

#endif
