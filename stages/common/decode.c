/* decode — see decode.h. */
#include "decode.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "xalloc.h"

#define DECODE_CHUNK 65536
#define DECODE_BUF (256 * 1024)

/* Inflates a gzip stream from in into a temporary file, capped. */
static int
decode_gunzip(FILE *in, size_t max_bytes, FILE **out, struct error *err)
{
	unsigned char ibuf[DECODE_CHUNK], obuf[DECODE_CHUNK];
	z_stream z;
	FILE *tmp = tmpfile();
	size_t total = 0;
	int rc = Z_OK, ret = -1;

	if (!tmp)
		return error_set(err, "cannot create a temporary file: %s",
		                 strerror(errno));
	memset(&z, 0, sizeof(z));
	/* 16 + MAX_WBITS: gzip format only. */
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		fclose(tmp);
		return error_set(err, "cannot start gzip decoding");
	}
	while (rc != Z_STREAM_END) {
		z.avail_in = (uInt)fread(ibuf, 1, sizeof(ibuf), in);
		if (z.avail_in == 0) {
			error_set(err, "gzip data is truncated");
			goto out;
		}
		z.next_in = ibuf;
		while (z.avail_in > 0 && rc != Z_STREAM_END) {
			size_t got;

			z.next_out = obuf;
			z.avail_out = sizeof(obuf);
			rc = inflate(&z, Z_NO_FLUSH);
			if (rc != Z_OK && rc != Z_STREAM_END) {
				error_set(err, "gzip data is corrupt: %s",
				          z.msg ? z.msg : "inflate failed");
				goto out;
			}
			got = sizeof(obuf) - z.avail_out;
			total += got;
			if (total > max_bytes) {
				error_set(err,
				          "decompressed document is larger "
				          "than the limit of %zu bytes",
				          max_bytes);
				goto out;
			}
			if (got && fwrite(obuf, 1, got, tmp) != got) {
				error_set(err,
				          "cannot write a temporary file: "
				          "%s",
				          strerror(errno));
				goto out;
			}
		}
	}
	if (fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0) {
		error_set(err, "cannot rewind a temporary file");
		goto out;
	}
	*out = tmp;
	tmp = NULL;
	ret = 0;
out:
	inflateEnd(&z);
	if (tmp)
		fclose(tmp);
	return ret;
}

/* Converts in (encoding from) to UTF-8 in a temporary file, capped. */
static int
decode_iconv(FILE *in, const char *from, size_t max_bytes, FILE **out,
             struct error *err)
{
	char ibuf[DECODE_CHUNK], obuf[DECODE_CHUNK * 4];
	size_t ilen = 0, total = 0;
	iconv_t cd = iconv_open("UTF-8", from);
	FILE *tmp = NULL;
	int eof = 0, ret = -1;
	long long consumed = 0;

	if (cd == (iconv_t)-1)
		return error_set(err, "cannot convert from %s", from);
	tmp = tmpfile();
	if (!tmp) {
		error_set(err, "cannot create a temporary file: %s",
		          strerror(errno));
		goto out;
	}
	while (!eof || ilen > 0) {
		char *ip = ibuf, *op = obuf;
		size_t oleft = sizeof(obuf), n, before;

		if (!eof) {
			n = fread(ibuf + ilen, 1, sizeof(ibuf) - ilen, in);
			if (n == 0)
				eof = 1;
			ilen += n;
		}
		if (ilen == 0)
			break;
		before = ilen;
		if (iconv(cd, &ip, &ilen, &op, &oleft) == (size_t)-1 &&
		    errno != E2BIG && !(errno == EINVAL && !eof)) {
			if (errno == EINVAL)
				error_set(err,
				          "the document ends inside a %s "
				          "character",
				          from);
			else
				error_set(err, "byte %lld: not valid %s text",
				          consumed + (long long)(before - ilen),
				          from);
			goto out;
		}
		consumed += (long long)(before - ilen);
		memmove(ibuf, ip, ilen);
		n = sizeof(obuf) - oleft;
		total += n;
		if (total > max_bytes) {
			error_set(err,
			          "converted document is larger than the "
			          "limit of %zu bytes",
			          max_bytes);
			goto out;
		}
		if (n && fwrite(obuf, 1, n, tmp) != n) {
			error_set(err, "cannot write a temporary file: %s",
			          strerror(errno));
			goto out;
		}
		if (eof && ilen > 0 && before == ilen) {
			error_set(err,
			          "the document ends inside a %s "
			          "character",
			          from);
			goto out;
		}
	}
	if (fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0) {
		error_set(err, "cannot rewind a temporary file");
		goto out;
	}
	*out = tmp;
	tmp = NULL;
	ret = 0;
out:
	iconv_close(cd);
	if (tmp)
		fclose(tmp);
	return ret;
}

int
decode_open(const char *path, const char *encoding, size_t max_bytes,
            struct decoded *d, struct error *err)
{
	unsigned char magic[2] = {0, 0};
	FILE *fp = fopen(path, "rb"), *plain = NULL;
	size_t n;

	d->fp = NULL;
	d->decoding[0] = '\0';
	d->decoded_bytes = -1;
	d->buf = NULL;
	if (!fp)
		return error_set(err, "cannot open '%s': %s", path,
		                 strerror(errno));
	/* stdio reads a page (st_blksize) at a time, and the parsers ask for
	 * less (libxml2 4000 bytes): 51,000 read(2) calls for a 200 MiB
	 * SDMX-ML message, 830 with this buffer (glibc's setvbuf() ignores
	 * the size unless it is given the buffer). */
	d->buf = xmalloc(DECODE_BUF);
	setvbuf(fp, d->buf, _IOFBF, DECODE_BUF);
	n = fread(magic, 1, 2, fp);
	rewind(fp);
	if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		if (decode_gunzip(fp, max_bytes, &plain, err) < 0) {
			fclose(fp);
			decode_close(d);
			return error_prefix(err, "'%s'", path);
		}
		fclose(fp);
		fp = plain;
		snprintf(d->decoding, sizeof(d->decoding), "gzip");
	}
	if (encoding && strcmp(encoding, "utf-8") != 0) {
		const char *from = strcmp(encoding, "latin-1") == 0
		                           ? "ISO-8859-1"
		                           : "UTF-16";

		plain = NULL;
		if (decode_iconv(fp, from, max_bytes, &plain, err) < 0) {
			fclose(fp);
			decode_close(d);
			return error_prefix(err, "'%s'", path);
		}
		fclose(fp);
		fp = plain;
		snprintf(d->decoding + strlen(d->decoding),
		         sizeof(d->decoding) - strlen(d->decoding),
		         "%s%s to UTF-8", d->decoding[0] ? ", then " : "",
		         strcmp(encoding, "latin-1") == 0 ? "latin-1"
		                                          : "UTF-16");
	}
	/* The decoded text is a temporary file: its size is its end. */
	if (d->decoding[0] && fseeko(fp, 0, SEEK_END) == 0) {
		d->decoded_bytes = (long long)ftello(fp);
		rewind(fp);
	}
	d->fp = fp;
	return 0;
}

void
decode_close(struct decoded *d)
{
	if (d->fp)
		fclose(d->fp);
	free(d->buf); /* after fclose(): it may be the stream's buffer */
	d->fp = NULL;
	d->buf = NULL;
}
