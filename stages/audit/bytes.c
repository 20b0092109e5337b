/* bytes — see bytes.h. */
#include "bytes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "pdftext.h"
#include "xalloc.h"

#define BYTES_MAX 4096
#define PDF_TEXT_CAP ((size_t)64 << 20)

/* Reads [off, off + len) of fp and the line around it into b. */
static int
read_range(FILE *fp, const char *name, long long off, long long len,
           struct bytes_at *b, struct error *err)
{
	long long start;
	char buf[BYTES_MAX + 1];
	size_t n, i, rel, lo, hi;

	if (len > BYTES_MAX)
		len = BYTES_MAX;
	if (fseeko(fp, (off_t)off, SEEK_SET) != 0 ||
	    (n = fread(buf, 1, (size_t)len, fp)) != (size_t)len)
		return error_set(err,
		                 "%s: cannot read %lld bytes at offset %lld",
		                 name, len, off);
	b->raw = xstrndup(buf, n);
	/* The line around: back to the previous newline (at most a page). */
	start = off > BYTES_MAX / 2 ? off - BYTES_MAX / 2 : 0;
	if (fseeko(fp, (off_t)start, SEEK_SET) != 0)
		return 0;
	n = fread(buf, 1, BYTES_MAX, fp);
	buf[n] = '\0';
	rel = (size_t)(off - start);
	lo = hi = rel;
	while (lo > 0 && buf[lo - 1] != '\n' && buf[lo - 1] != '\f')
		lo--;
	while (hi < n && buf[hi] != '\n' && buf[hi] != '\r' && buf[hi] != '\f')
		hi++;
	b->line = xstrndup(buf + lo, hi - lo);
	for (i = 0; b->line[i]; i++)
		if ((unsigned char)b->line[i] < 0x20 && b->line[i] != '\t')
			b->line[i] = ' ';
	return 0;
}

/*
 * The text last made again from a snapshot, kept for the next value read
 * from it: a derived value's inputs mostly share one document, and
 * decoding it, or running pdftotext on it, once an input was most of such
 * a trace.  One entry: the decoded text (open) or pdftotext's text.
 */
static struct {
	char *path; /* NULL: empty */
	char *encoding; /* decoded: the encoding it was decoded as */
	int pdf;
	struct decoded d; /* decoded: its open text */
	char *text; /* pdf: the text */
	size_t len;
} cache;

void
bytes_cache_release(void)
{
	if (cache.path && !cache.pdf)
		decode_close(&cache.d);
	free(cache.path);
	free(cache.encoding);
	free(cache.text);
	memset(&cache, 0, sizeof(cache));
}

static int
cache_has(const char *path, int pdf, const char *encoding)
{
	return cache.path && cache.pdf == pdf && !strcmp(cache.path, path) &&
	       (pdf || !strcmp(cache.encoding, encoding ? encoding : ""));
}

/* The snapshot at q->path decoded as q->encoding, from the cache or made
 * now; NULL with derr. */
static struct decoded *
decoded_of(const struct bytes_query *q, struct error *derr)
{
	if (cache_has(q->path, 0, q->encoding))
		return &cache.d;
	bytes_cache_release();
	if (decode_open(q->path, q->encoding, q->max_bytes, &cache.d, derr) <
	    0) {
		memset(&cache, 0, sizeof(cache));
		return NULL;
	}
	cache.path = xstrdup(q->path);
	cache.encoding = xstrdup(q->encoding ? q->encoding : "");
	return &cache.d;
}

/* A range in the decoded text: decodes the snapshot again as its parse
 * did. */
static int
read_decoded(const struct bytes_query *q, struct bytes_at *b)
{
	struct decoded *d;
	struct error derr;

	if (!(d = decoded_of(q, &derr))) {
		b->text = xasprintf("the %s text, which cannot be made again "
		                    "now: %s",
		                    q->decoding, derr.msg);
		return 0;
	}
	if (strcmp(d->decoding, q->decoding) != 0)
		b->text = xasprintf("the %s text; decoded now it is the %s "
		                    "text (the source's encoding changed), so "
		                    "these bytes may not be the parsed ones",
		                    q->decoding,
		                    d->decoding[0] ? d->decoding : "undecoded");
	else
		b->text =
		        xasprintf("the %s text of the snapshot (decoded again "
		                  "now)",
		                  q->decoding);
	if (read_range(d->fp, "the decoded snapshot", q->off, q->len, b,
	               &derr) < 0) {
		free(b->text);
		b->text = xasprintf("the %s text: %s", q->decoding, derr.msg);
	}
	return 0;
}

/* pdftotext's text of the PDF at path, from the cache or made now. */
static int
pdf_text_of(const struct bytes_query *q, struct error *perr)
{
	char *text = NULL;
	size_t len;
	int fd, rc;

	if (cache_has(q->path, 1, NULL))
		return 0;
	if ((fd = open(q->path, O_RDONLY | O_CLOEXEC)) < 0)
		return error_set(perr, "%s", strerror(errno));
	rc = pdftext_extract(fd, q->pdf_timeout_s, PDF_TEXT_CAP, &text, &len,
	                     perr);
	close(fd);
	if (rc < 0)
		return -1;
	bytes_cache_release();
	cache.path = xstrdup(q->path);
	cache.pdf = 1;
	cache.text = text;
	cache.len = len;
	return 0;
}

/* A PDF value: "... pdftotext V text bytes O+N" in its locator. */
static void
read_pdf_text(const struct bytes_query *q, struct bytes_at *b)
{
	const char *at = strstr(q->locator, "pdftotext ");
	char version[32];
	long long off, len;
	struct error perr;
	FILE *fp;

	if (!at ||
	    sscanf(at, "pdftotext %31s text bytes %lld+%lld", version, &off,
	           &len) != 3 ||
	    off < 0 || len < 0)
		return;
	b->off = off;
	b->len = len;
	if (pdf_text_of(q, &perr) < 0) {
		b->text = xasprintf("pdftotext %s's text, which cannot be made "
		                    "again now: %s",
		                    version, perr.msg);
		return;
	}
	b->text = strcmp(version, pdftext_version()) == 0
	                  ? xasprintf("pdftotext %s's -layout text of the "
	                              "snapshot (extracted again now)",
	                              version)
	                  : xasprintf("pdftotext %s's -layout text; extracted "
	                              "again now with pdftotext %s, whose "
	                              "text may differ",
	                              version, pdftext_version());
	fp = fmemopen(cache.text, cache.len ? cache.len : 1, "r");
	if (fp) {
		if (read_range(fp, "pdftotext's text", off, len, b, &perr) <
		    0) {
			free(b->text);
			b->text = xasprintf("pdftotext %s's text: %s", version,
			                    perr.msg);
		}
		fclose(fp);
	}
}

int
bytes_read(const struct bytes_query *q, struct bytes_at *b, struct error *err)
{
	FILE *fp;
	int rc;

	b->off = q->off;
	b->len = q->len;
	if (hash_file_hex(q->path, b->actual, err) < 0)
		return -1;
	if (q->off < 0) {
		read_pdf_text(q, b);
		return 0;
	}
	if (q->decoding && *q->decoding)
		return read_decoded(q, b);
	fp = fopen(q->path, "rb");
	if (!fp)
		return error_set(err, "cannot open '%s': %s", q->path,
		                 strerror(errno));
	rc = read_range(fp, q->path, q->off, q->len, b, err);
	fclose(fp);
	return rc;
}

void
bytes_release(struct bytes_at *b)
{
	free(b->raw);
	free(b->line);
	free(b->text);
}
