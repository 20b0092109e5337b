/*
 * strbuf — a growable byte buffer with a hard cap (after git's strbuf and
 * curl's dynbuf).
 *
 * The buffer is always NUL-terminated after strbuf_init().  Every append
 * checks the cap and fails (-1, buffer unchanged) rather than grow past it,
 * so no input can make a buffer unbounded.  The strbuf owns its memory until
 * strbuf_release() or strbuf_detach().
 */
#ifndef PROVSTAT_STRBUF_H
#define PROVSTAT_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t max; /* the most bytes len may reach */
};

/* Initialises an empty buffer that may hold at most max_bytes bytes. */
void strbuf_init(struct strbuf *sb, size_t max_bytes);
/* Frees the memory; the buffer may be initialised again. */
void strbuf_release(struct strbuf *sb);
/* Empties the buffer, keeping its memory. */
void strbuf_reset(struct strbuf *sb);
/* Hands the NUL-terminated memory to the caller (free() it); resets sb. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* Appends n bytes; -1 if the cap would be passed (nothing appended). */
int strbuf_add(struct strbuf *sb, const void *data, size_t n);
int strbuf_addch(struct strbuf *sb, int c);
int strbuf_addstr(struct strbuf *sb, const char *s);
/* Appends s (NULL: "") with its NUL, for a buffer of many strings (an
 * arena); returns the offset it starts at.  The caller's cap must hold. */
size_t strbuf_put_str(struct strbuf *sb, const char *s);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
