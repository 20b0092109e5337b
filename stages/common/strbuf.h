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
#include <string.h>

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
int strbuf_add_slow(struct strbuf *sb, const void *data, size_t n);

/* The appends are inline: parsers call them a few times for every field of
 * every row, and the common case (room in the memory already there) is a
 * comparison and a copy. */
static inline int
strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	if (n < sb->alloc - sb->len && n <= sb->max - sb->len) {
		memcpy(sb->buf + sb->len, data, n);
		sb->len += n;
		sb->buf[sb->len] = '\0';
		return 0;
	}
	return strbuf_add_slow(sb, data, n);
}

static inline int
strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	return strbuf_add(sb, &ch, 1);
}

static inline int
strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

/* Appends s (NULL: "") with its NUL, for a buffer of many strings (an
 * arena); returns the offset it starts at.  The caller's cap must hold. */
static inline size_t
strbuf_put_str(struct strbuf *sb, const char *s)
{
	size_t off = sb->len;

	if (!s)
		s = "";
	strbuf_add(sb, s, strlen(s) + 1);
	return off;
}
int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
