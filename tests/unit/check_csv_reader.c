/* Tests for csv_reader: RFC 4180, positions, and hostile input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv_reader.h"
#include "common/xalloc.h"
#include "testutil.h"

/* Reads all of text; returns the records joined as "a|b;c|d;" and fails
 * the test on a reader error. */
static char *
read_all(const char *text, size_t len, char comment)
{
	struct csv_reader_options o;
	struct csv_reader *r;
	struct csv_record rec;
	struct error err;
	FILE *fp = fmemopen((void *)text, len, "rb");
	char *out = xstrdup("");
	int rc;
	size_t i;

	ck_assert_ptr_nonnull(fp);
	csv_reader_options_init(&o);
	o.comment = comment;
	r = csv_reader_new(fp, &o);
	while ((rc = csv_reader_next(r, &rec, &err)) == 1) {
		for (i = 0; i < rec.nfields; i++) {
			char *n = xasprintf("%s%s%s", out, i ? "|" : "",
			                    rec.fields[i].text);
			free(out);
			out = n;
		}
		{
			char *n = xasprintf("%s;", out);
			free(out);
			out = n;
		}
	}
	ck_assert_msg(rc == 0, "reader error: %s", err.msg);
	csv_reader_free(r);
	fclose(fp);
	return out;
}

static const struct {
	const char *name;
	const char *in;
	const char *out;
} good[] = {
        {"simple", "a,b\n1,2\n", "a|b;1|2;"},
        {"no final newline", "a,b\n1,2", "a|b;1|2;"},
        {"crlf", "a,b\r\n1,2\r\n", "a|b;1|2;"},
        {"lone cr", "a,b\r1,2\r", "a|b;1|2;"},
        {"quoted delimiter", "\"1,500\",x\n", "1,500|x;"},
        {"doubled quote", "\"say \"\"hi\"\"\",x\n", "say \"hi\"|x;"},
        {"newline in quotes", "\"two\nlines\",x\n", "two\nlines|x;"},
        {"crlf in quotes", "\"two\r\nlines\",x\r\n", "two\r\nlines|x;"},
        {"empty fields", ",,\n", "||;"},
        {"empty quoted", "\"\",x\n", "|x;"},
        {"bom",
         "\xef\xbb\xbf"
         "a,b\n",
         "a|b;"},
        {"blank lines skipped", "\n\na\n\n\nb\n", "a;b;"},
        {"utf-8 text", "K\xc3\xb6ln,1\n", "K\xc3\xb6ln|1;"},
        {"formula-like cell kept as text", "=1+2,@x\n", "=1+2|@x;"},
};

START_TEST(test_csv_reader_reads_rfc4180)
{
	char *got = read_all(good[_i].in, strlen(good[_i].in), 0);

	ck_assert_msg(strcmp(got, good[_i].out) == 0, "%s: got '%s'",
	              good[_i].name, got);
	free(got);
}
END_TEST

START_TEST(test_csv_reader_skips_comment_lines)
{
	char *got = read_all("# citation\na,b\n# more\n1,2\n", 26, '#');

	ck_assert_str_eq(got, "a|b;1|2;");
	free(got);
}
END_TEST

static const struct {
	const char *name;
	const char *in;
	size_t len;
	const char *msg;
} bad[] = {
        {"unterminated quote", "a,\"open\n1,2\n", 0,
         "line 1 col 3: quoted field is not closed"},
        {"text after closing quote", "\"a\"x,1\n", 0,
         "line 1 col 4: unexpected character after a closing quote"},
        {"quote inside unquoted field", "ab\"c,1\n", 0,
         "line 1 col 3: quote inside an unquoted field"},
        {"nul byte",
         "a,b\x00"
         "c\n",
         6, "line 1 col 4: NUL byte in field"},
        {"nul in quoted field", "\"a\x00\"\n", 5,
         "line 1 col 3: NUL byte in field"},
        {"invalid utf-8", "a,Austr\xffia\n", 0,
         "line 1 col 3: invalid UTF-8 in field (is the encoding declared?)"},
        {"overlong utf-8 in quoted field", "\"\xc0\xaf\",1\n", 0,
         "line 1 col 1: invalid UTF-8 in field (is the encoding declared?)"},
        {"utf-16 surrogate as utf-8", "x,\xed\xa0\x80\n", 0,
         "line 1 col 3: invalid UTF-8 in field (is the encoding declared?)"},
};

START_TEST(test_csv_reader_rejects_malformed_input)
{
	struct csv_reader_options o;
	struct csv_reader *r;
	struct csv_record rec;
	struct error err;
	size_t len = bad[_i].len ? bad[_i].len : strlen(bad[_i].in);
	FILE *fp = fmemopen((void *)bad[_i].in, len, "rb");
	int rc;

	csv_reader_options_init(&o);
	r = csv_reader_new(fp, &o);
	while ((rc = csv_reader_next(r, &rec, &err)) == 1)
		;
	ck_assert_msg(rc == -1, "%s: accepted", bad[_i].name);
	ck_assert_msg(strcmp(err.msg, bad[_i].msg) == 0, "%s: '%s'",
	              bad[_i].name, err.msg);
	csv_reader_free(r);
	fclose(fp);
}
END_TEST

START_TEST(test_csv_reader_records_positions_and_byte_ranges)
{
	static const char text[] = "name,value\r\n"
	                           "\"K\xc3\xb6ln, DE\",\"1,500\"\r\n"
	                           "x,\"multi\nline\"\n"
	                           "y,7\n"
	                           "Z\xc3\xbcrich \xe2\x82\xac,8";
	struct csv_reader_options o;
	struct csv_reader *r;
	struct csv_record rec;
	struct error err;
	FILE *fp = fmemopen((void *)text, sizeof(text) - 1, "rb");

	csv_reader_options_init(&o);
	r = csv_reader_new(fp, &o);
	ck_assert_int_eq(csv_reader_next(r, &rec, &err), 1);
	ck_assert_int_eq(csv_reader_next(r, &rec, &err), 1);
	ck_assert_int_eq(rec.line, 2);
	ck_assert_int_eq(rec.fields[1].line, 2);
	/* "Köln, DE" is 10 characters with its quotes (ö is one). */
	ck_assert_int_eq(rec.fields[1].col, 12);
	ck_assert_int_eq(rec.fields[1].offset, 24);
	ck_assert_int_eq(rec.fields[1].raw_len, 7);
	ck_assert(memcmp(text + rec.fields[1].offset, "\"1,500\"", 7) == 0);
	ck_assert_str_eq(rec.fields[1].text, "1,500");
	ck_assert_int_eq(csv_reader_next(r, &rec, &err), 1);
	ck_assert_int_eq(rec.line, 3);
	ck_assert_str_eq(rec.fields[1].text, "multi\nline");
	ck_assert_int_eq(csv_reader_next(r, &rec, &err), 1);
	ck_assert_int_eq(rec.line, 5); /* after the embedded newline */
	ck_assert_int_eq(rec.fields[1].col, 3);
	ck_assert(memcmp(text + rec.fields[1].offset, "7", 1) == 0);
	/* Unquoted: "Zürich €" is 8 characters, 11 bytes. */
	ck_assert_int_eq(csv_reader_next(r, &rec, &err), 1);
	ck_assert_str_eq(rec.fields[0].text, "Z\xc3\xbcrich \xe2\x82\xac");
	ck_assert_int_eq(rec.fields[1].col, 10);
	ck_assert_int_eq(rec.fields[1].offset, rec.fields[0].offset + 12);
	ck_assert_int_eq(csv_reader_next(r, &rec, &err), 0);
	csv_reader_free(r);
	fclose(fp);
}
END_TEST

START_TEST(test_csv_reader_caps_field_size)
{
	struct csv_reader_options o;
	struct csv_reader *r;
	struct csv_record rec;
	struct error err;
	size_t n = 5000, i;
	char *big = xmalloc(n + 1);
	FILE *fp;

	for (i = 0; i < n; i++)
		big[i] = 'x';
	big[n] = '\0';
	fp = fmemopen(big, n, "rb");
	csv_reader_options_init(&o);
	o.max_field_bytes = 1000;
	r = csv_reader_new(fp, &o);
	ck_assert_int_eq(csv_reader_next(r, &rec, &err), -1);
	ck_assert_str_eq(err.msg, "line 1 col 1: field is longer than the "
	                          "limit of 1000 bytes");
	csv_reader_free(r);
	fclose(fp);
	free(big);
}
END_TEST

START_TEST(test_csv_reader_caps_field_count)
{
	struct csv_reader_options o;
	struct csv_reader *r;
	struct csv_record rec;
	struct error err;
	static const char text[] = "a,b,c,d,e,f\n";
	FILE *fp = fmemopen((void *)text, sizeof(text) - 1, "rb");

	csv_reader_options_init(&o);
	o.max_fields = 4;
	r = csv_reader_new(fp, &o);
	ck_assert_int_eq(csv_reader_next(r, &rec, &err), -1);
	ck_assert(strstr(err.msg, "more fields than the limit") != NULL);
	csv_reader_free(r);
	fclose(fp);
}
END_TEST

Suite *
csv_reader_suite(void)
{
	Suite *s = suite_create("csv_reader");
	TCase *tc = tcase_create("read");

	tcase_add_loop_test(tc, test_csv_reader_reads_rfc4180, 0,
	                    sizeof(good) / sizeof(good[0]));
	tcase_add_test(tc, test_csv_reader_skips_comment_lines);
	tcase_add_loop_test(tc, test_csv_reader_rejects_malformed_input, 0,
	                    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_csv_reader_records_positions_and_byte_ranges);
	tcase_add_test(tc, test_csv_reader_caps_field_size);
	tcase_add_test(tc, test_csv_reader_caps_field_count);
	suite_add_tcase(s, tc);
	return s;
}
