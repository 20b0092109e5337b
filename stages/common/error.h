/*
 * error — the one way a module reports a failure to its caller.
 *
 * Modules never print and never exit (STYLE.md rule 9).  A function that can
 * fail takes a `struct error *` as its last parameter, fills it with one
 * message, and returns -1.  Only main() prints the message and chooses the
 * exit code.  Messages follow the house rules: lowercase, the problem first,
 * the subject in single quotes, no final period.
 */
#ifndef PROVSTAT_ERROR_H
#define PROVSTAT_ERROR_H

#include <stddef.h>

#define ERROR_MSG_MAX 1024

struct error {
	char msg[ERROR_MSG_MAX];
};

/* Clears err so that err->msg is the empty string. */
void error_clear(struct error *err);

/*
 * Sets err to the formatted message (truncated to ERROR_MSG_MAX - 1 bytes).
 * err may be NULL, in which case nothing is recorded.  Always returns -1 so
 * that callers can write `return error_set(err, ...);`.
 */
int error_set(struct error *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/*
 * Puts the formatted context before the message already in err, separated by
 * ": " (for example a file name before a parser's "line 3: ...").  Returns -1.
 */
int error_prefix(struct error *err, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif
