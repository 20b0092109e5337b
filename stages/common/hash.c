/* hash — see hash.h. */
#include "hash.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "xalloc.h"

struct hash {
	EVP_MD_CTX *ctx;
};

static void
hash_die(void)
{
	/* EVP only fails for lack of memory with a built-in digest. */
	fputs("provstat: out of memory (sha256)\n", stderr);
	exit(1);
}

/* SHA-256, fetched from the provider once: EVP_sha256() makes every
 * EVP_DigestInit_ex() fetch it again (OpenSSL 3), which showed up as 5% of
 * reconcile's time.  Kept for the life of the process. */
static const EVP_MD *
sha256(void)
{
	static EVP_MD *md;

	if (!md && !(md = EVP_MD_fetch(NULL, "SHA256", NULL)))
		hash_die();
	return md;
}

struct hash *
hash_new(void)
{
	struct hash *h = xmalloc(sizeof(*h));

	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, sha256(), NULL) != 1)
		hash_die();
	return h;
}

void
hash_update(struct hash *h, const void *data, size_t n)
{
	if (n && EVP_DigestUpdate(h->ctx, data, n) != 1)
		hash_die();
}

void
hash_final_hex(struct hash *h, char out[HASH_HEX_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (EVP_DigestFinal_ex(h->ctx, md, &len) != 1 || len != 32 ||
	    EVP_DigestInit_ex(h->ctx, sha256(), NULL) != 1)
		hash_die();
	for (i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

void
hash_free(struct hash *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void
hash_hex(const void *data, size_t n, char out[HASH_HEX_SIZE])
{
	static struct hash *h; /* one context, reused: see sha256() */

	if (!h)
		h = hash_new();
	hash_update(h, data, n);
	hash_final_hex(h, out);
}

int
hash_file_hex(const char *path, char out[HASH_HEX_SIZE], struct error *err)
{
	unsigned char buf[65536];
	struct hash *h = NULL;
	FILE *fp;
	size_t n;
	int ret = -1;

	fp = fopen(path, "rb");
	if (!fp)
		return error_set(err, "cannot open '%s': %s", path,
		                 strerror(errno));
	h = hash_new();
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		hash_update(h, buf, n);
	if (ferror(fp)) {
		error_set(err, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	hash_final_hex(h, out);
	ret = 0;
out:
	hash_free(h);
	fclose(fp);
	return ret;
}
