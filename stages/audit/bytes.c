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

/* A range in the decoded text: decodes the snapshot again as its parse
 * did. */
static int
read_decoded(const struct bytes_query *q, struct bytes_at *b)
{
	struct decoded d;
	struct error derr;

	memset(&d, 0, sizeof(d));
	if (decode_open(q->path, q->encoding, q->max_bytes, &d, &derr) < 0) {
		b->text = xasprintf("the %s text, which cannot be made again "
		                    "now: %s",
		                    q->decoding, derr.msg);
		return 0;
	}
	if (strcmp(d.decoding, q->decoding) != 0)
		b->text = xasprintf("the %s text; decoded now it is the %s "
		                    "text (the source's encoding changed), so "
		                    "these bytes may not be the parsed ones",
		                    q->decoding,
		                    d.decoding[0] ? d.decoding : "undecoded");
	else
		b->text =
		        xasprintf("the %s text of the snapshot (decoded again "
		                  "now)",
		                  q->decoding);
	if (read_range(d.fp, "the decoded snapshot", q->off, q->len, b, &derr) <
	    0) {
		free(b->text);
		b->text = xasprintf("the %s text: %s", q->decoding, derr.msg);
	}
	decode_close(&d);
	return 0;
}

/* A PDF value: "... pdftotext V text bytes O+N" in its locator. */
static void
read_pdf_text(const struct bytes_query *q, struct bytes_at *b)
{
	const char *at = strstr(q->locator, "pdftotext ");
	char version[32];
	long long off, len;
	char *text = NULL;
	size_t tlen;
	struct error perr;
	FILE *fp;
	int fd;

	if (!at ||
	    sscanf(at, "pdftotext %31s text bytes %lld+%lld", version, &off,
	           &len) != 3 ||
	    off < 0 || len < 0)
		return;
	b->off = off;
	b->len = len;
	fd = open(q->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pdftext_extract(fd, q->pdf_timeout_s, PDF_TEXT_CAP, &text,
	                              &tlen, &perr) < 0) {
		b->text =
		        xasprintf("pdftotext %s's text, which cannot be made "
		                  "again now: %s",
		                  version, fd < 0 ? strerror(errno) : perr.msg);
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	b->text = strcmp(version, pdftext_version()) == 0
	                  ? xasprintf("pdftotext %s's -layout text of the "
	                              "snapshot (extracted again now)",
	                              version)
	                  : xasprintf("pdftotext %s's -layout text; extracted "
	                              "again now with pdftotext %s, whose "
	                              "text may differ",
	                              version, pdftext_version());
	fp = fmemopen(text, tlen ? tlen : 1, "r");
	if (fp) {
		if (read_range(fp, "pdftotext's text", off, len, b, &perr) <
		    0) {
			free(b->text);
			b->text = xasprintf("pdftotext %s's text: %s", version,
			                    perr.msg);
		}
		fclose(fp);
	}
	free(text);
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
