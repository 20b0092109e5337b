/* Tests for decode: gzip, Latin-1 and UTF-16 to UTF-8, under a cap. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/fileio.h"
#include "common/xalloc.h"
#include "common/decode.h"
#include "testutil.h"

static char *dir;

static void
setup(void)
{
	dir = tu_tmpdir();
}

static void
teardown(void)
{
	tu_rmrf(dir);
	free(dir);
}

static char *
write_bytes(const char *name, const void *data, size_t n)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fwrite(data, 1, n, fp), n);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

/* gzip-compresses data (the test's own use of zlib, not the adapter's). */
static char *
write_gzip(const char *name, const void *data, size_t n, size_t *gz_len)
{
	z_stream z;
	size_t cap = compressBound((uLong)n) + 64;
	unsigned char *out = xmalloc(cap);
	char *path;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
	                              Z_DEFAULT_STRATEGY),
	                 Z_OK);
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*gz_len = cap - z.avail_out;
	deflateEnd(&z);
	path = write_bytes(name, out, *gz_len);
	free(out);
	return path;
}

static char *
decoded_text(const char *path, const char *encoding, size_t cap,
             struct error *err, char *decoding)
{
	struct decoded d;
	char *text = NULL;
	size_t len;

	if (decode_open(path, encoding, cap, &d, err) < 0)
		return NULL;
	snprintf(decoding, DECODE_NAME_MAX, "%s", d.decoding);
	ck_assert_int_eq(fileio_read_stream(d.fp, path, cap, &text, &len, err),
	                 0);
	decode_close(&d);
	return text;
}

START_TEST(test_decode_passes_utf8_through_untouched)
{
	char *path = write_bytes("u", "K\xc3\xb6ln,1\n", 8);
	struct error err;
	char tr[DECODE_NAME_MAX] = "?";
	char *t = decoded_text(path, "utf-8", 100, &err, tr);

	ck_assert_str_eq(t, "K\xc3\xb6ln,1\n");
	ck_assert_str_eq(tr, ""); /* offsets point into the archive */
	free(t);
	free(path);
}
END_TEST

START_TEST(test_decode_converts_latin1_and_utf16)
{
	static const unsigned char utf16[] = {0xFF, 0xFE, 'K', 0, 0xF6, 0,
	                                      'l',  0,    'n', 0, '\n', 0};
	char *l1 = write_bytes("l", "K\xf6ln\n", 5);
	char *u16 = write_bytes("w", utf16, sizeof(utf16));
	struct error err;
	char tr[DECODE_NAME_MAX] = "?";
	char *t = decoded_text(l1, "latin-1", 100, &err, tr);

	ck_assert_str_eq(t, "K\xc3\xb6ln\n");
	ck_assert_str_eq(tr, "latin-1 to UTF-8");
	free(t);
	t = decoded_text(u16, "utf-16", 100, &err, tr);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t, "K\xc3\xb6ln\n");
	ck_assert_str_eq(tr, "UTF-16 to UTF-8");
	free(t);
	free(l1);
	free(u16);
}
END_TEST

START_TEST(test_decode_rejects_broken_utf16)
{
	static const unsigned char odd[] = {0xFF, 0xFE, 'K', 0, 'x'};
	char *p = write_bytes("odd", odd, sizeof(odd));
	struct error err;
	char tr[DECODE_NAME_MAX] = "?";

	ck_assert_ptr_null(decoded_text(p, "utf-16", 100, &err, tr));
	ck_assert_msg(strstr(err.msg, "ends inside a UTF-16 character") != NULL,
	              "%s", err.msg);
	free(p);
}
END_TEST

START_TEST(test_decode_inflates_gzip_recognised_by_magic)
{
	static const char csv[] = "country,year,reports\nMalta,2021,750\n";
	size_t gz;
	char *p = write_gzip("g", csv, sizeof(csv) - 1, &gz);
	struct error err;
	char tr[DECODE_NAME_MAX] = "?";
	char *t = decoded_text(p, NULL, 1000, &err, tr);

	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t, csv);
	ck_assert_str_eq(tr, "gzip");
	free(t);
	free(p);
}
END_TEST

START_TEST(test_decode_stops_a_gzip_bomb_at_the_cap)
{
	size_t n = 64u << 20, gz; /* 64 MiB of zeros, about 64 KiB packed */
	char *zeros = xcalloc(1, n);
	char *p = write_gzip("bomb", zeros, n, &gz);
	struct error err;
	char tr[DECODE_NAME_MAX] = "?";

	free(zeros);
	ck_assert(gz < 200000);
	ck_assert_ptr_null(decoded_text(p, NULL, 1u << 20, &err, tr));
	ck_assert_msg(strstr(err.msg, "decompressed document is larger than "
	                              "the limit of 1048576 bytes") != NULL,
	              "%s", err.msg);
	free(p);
}
END_TEST

START_TEST(test_decode_rejects_truncated_gzip)
{
	static const char csv[] = "country,year,reports\nMalta,2021,750\n";
	size_t gz;
	char *p = write_gzip("t", csv, sizeof(csv) - 1, &gz), *cut;
	char *bytes = tu_read(p);
	struct error err;
	char tr[DECODE_NAME_MAX] = "?";

	cut = write_bytes("cut", bytes, gz / 2);
	ck_assert_ptr_null(decoded_text(cut, NULL, 1000, &err, tr));
	ck_assert_msg(strstr(err.msg, "gzip data is truncated") != NULL, "%s",
	              err.msg);
	free(bytes);
	free(cut);
	free(p);
}
END_TEST

Suite *
decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("decode");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_decode_passes_utf8_through_untouched);
	tcase_add_test(tc, test_decode_converts_latin1_and_utf16);
	tcase_add_test(tc, test_decode_rejects_broken_utf16);
	tcase_add_test(tc, test_decode_inflates_gzip_recognised_by_magic);
	tcase_add_test(tc, test_decode_stops_a_gzip_bomb_at_the_cap);
	tcase_add_test(tc, test_decode_rejects_truncated_gzip);
	suite_add_tcase(s, tc);
	return s;
}
