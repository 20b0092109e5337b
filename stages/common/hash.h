/*
 * hash — SHA-256, the identity of every archived byte.  The adapter for
 * OpenSSL's libcrypto: no other module includes an OpenSSL header.
 *
 * Digests are handled as 64 lowercase hex characters plus NUL.
 */
#ifndef PROVSTAT_HASH_H
#define PROVSTAT_HASH_H

#include <stddef.h>

#include "error.h"

#define HASH_HEX_SIZE 65

struct hash;

/* A new SHA-256 context; caller frees with hash_free(). */
struct hash *hash_new(void);
void hash_update(struct hash *h, const void *data, size_t n);
/* Writes the digest of everything updated so far; the context is reset. */
void hash_final_hex(struct hash *h, char out[HASH_HEX_SIZE]);
void hash_free(struct hash *h);

/* The digest of one buffer. */
void hash_hex(const void *data, size_t n, char out[HASH_HEX_SIZE]);
/* The digest of a file's bytes, read in blocks. */
int hash_file_hex(const char *path, char out[HASH_HEX_SIZE], struct error *err);

#endif
