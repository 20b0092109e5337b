/* Tests for json: the cJSON adapter and the rules cJSON does not apply. */
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "testutil.h"

static const struct {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen */
	const char *msg;
} bad[] = {
        {"duplicate key", "{\n  \"a\": 1,\n  \"a\": 2\n}", 0,
         "doc:3:3: duplicate key 'a'"},
        {"nested duplicate key", "{\"x\": {\"k\": 1, \"k\": 1}}", 0,
         "doc:1:16: duplicate key 'k'"},
        {"nul escape", "{\"a\": \"x\\u0000y\"}", 0,
         "doc:1:9: string contains '\\u0000', which would truncate it"},
        {"integer beyond 2^53", "[9007199254740993]", 0,
         "doc:1:2: integer beyond 2^53 cannot be kept exactly"},
        {"negative integer beyond 2^53", "[-9007199254740993]", 0,
         "doc:1:2: integer beyond 2^53 cannot be kept exactly"},
        {"huge integer", "[100000000000000000000001]", 0,
         "doc:1:2: integer beyond 2^53 cannot be kept exactly"},
        {"non-finite", "[1e400]", 0, "doc:1:2: number is not finite"},
        {"leading zero", "[0123]", 0, "doc:1:2: number with a leading zero"},
        {"trailing data", "{} x", 0,
         "doc:1:4: trailing data after the JSON "
         "value"},
        {"second document", "{}\n{}", 0,
         "doc:2:1: trailing data after the JSON value"},
        {"invalid utf-8", "[\"a\xff\"]", 0, "doc:1:4: invalid UTF-8"},
        {"overlong utf-8", "[\"\xc0\xaf\"]", 0, "doc:1:3: invalid UTF-8"},
        {"surrogate in utf-8", "[\"\xed\xa0\x80\"]", 0,
         "doc:1:3: invalid UTF-8"},
        {"nul byte", "[1,\0 2]", 7, "doc:1:4: NUL byte in JSON text"},
        /* cJSON skips these as whitespace (found by fuzzing). */
        {"escape as space", "{\"a\":\x1b\"b\"}", 0,
         "doc:1:6: control character 0x1b in JSON text"},
        {"raw tab is whitespace, raw BEL is not", "[1,\t\a2]", 0,
         "doc:1:5: control character 0x07 in JSON text"},
        {"control character in a string", "[\"a\x01\"]", 0,
         "doc:1:4: control character 0x01 in JSON text"},
        {"syntax error", "{\n\"a\": [1, 2,,]\n}", 0, "doc:2:"},
        {"unclosed", "{\"a\": 1", 0, "doc:1:"},
};

START_TEST(test_json_rejects_what_cjson_accepts_silently)
{
	struct json_doc *doc = NULL;
	struct error err;
	size_t len = bad[_i].len ? bad[_i].len : strlen(bad[_i].in);

	ck_assert_msg(json_doc_parse(&doc, "doc", bad[_i].in, len, 1 << 20,
	                             &err) == -1,
	              "%s: accepted", bad[_i].name);
	ck_assert_ptr_null(doc);
	ck_assert_msg(strncmp(err.msg, bad[_i].msg, strlen(bad[_i].msg)) == 0,
	              "%s: '%s'", bad[_i].name, err.msg);
}
END_TEST

START_TEST(test_json_caps_size_before_parsing)
{
	struct json_doc *doc = NULL;
	struct error err;

	ck_assert_int_eq(json_doc_parse(&doc, "big", "[1, 2, 3]", 9, 8, &err),
	                 -1);
	ck_assert_str_eq(err.msg, "big: document of 9 bytes is over the limit "
	                          "of 8 bytes");
}
END_TEST

START_TEST(test_json_reports_where_each_node_starts)
{
	static const char text[] = "{\n"
	                           "  \"id\": \"x\",\n"
	                           "  \"n\": [10, {\"k\": \"K\xc3\xb6ln\"}],\n"
	                           "  \"big\": 9007199254740992\n"
	                           "}";
	struct json_doc *doc = NULL;
	struct error err;
	const struct cJSON *root, *n, *k;
	int line, col;
	double d;

	ck_assert_msg(json_doc_parse(&doc, "t", text, sizeof(text) - 1, 4096,
	                             &err) == 0,
	              "%s", err.msg);
	root = json_doc_root(doc);
	json_doc_where(doc, json_get(root, "id"), &line, &col);
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(col, 9);
	n = json_get(root, "n");
	ck_assert_int_eq(json_size(n), 2);
	k = json_get(json_next(json_child(n)), "k");
	json_doc_where(doc, k, &line, &col);
	ck_assert_int_eq(line, 3);
	ck_assert_int_eq(col, 19);
	ck_assert_str_eq(json_string(k), "K\xc3\xb6ln");
	ck_assert_int_eq(json_number(json_get(root, "big"), &d), 0);
	ck_assert(d == 9007199254740992.0);
	ck_assert_int_eq(json_number(json_get(root, "id"), &d), -1);
	ck_assert_ptr_null(json_get(root, "missing"));
	json_doc_free(doc);
}
END_TEST

/* A UTF-8 byte-order mark is skipped (RFC 8259 section 8.1), and byte
 * offsets still count from the file's first byte; a BOM elsewhere is not
 * whitespace. */
START_TEST(test_json_skips_a_byte_order_mark)
{
	static const char text[] = "\xef\xbb\xbf{\"v\": 12}";
	static const char inner[] = "{\"v\": \xef\xbb\xbf"
	                            "12}";
	struct json_doc *doc = NULL;
	struct error err;
	size_t off, len;

	ck_assert_msg(json_doc_parse(&doc, "t", text, sizeof(text) - 1, 4096,
	                             &err) == 0,
	              "%s", err.msg);
	ck_assert_int_eq(json_doc_span(doc, json_get(json_doc_root(doc), "v"),
	                               &off, &len),
	                 0);
	ck_assert_uint_eq(off, 9);
	ck_assert_uint_eq(len, 2);
	json_doc_free(doc);
	ck_assert_int_eq(
	        json_doc_parse(&doc, "t", inner, sizeof(inner) - 1, 4096, &err),
	        -1);
}
END_TEST

START_TEST(test_json_accepts_deep_but_legal_nesting)
{
	char buf[400];
	struct json_doc *doc = NULL;
	struct error err;
	int i;

	for (i = 0; i < 190; i++)
		buf[i] = '[';
	for (i = 0; i < 190; i++)
		buf[190 + i] = ']';
	ck_assert_int_eq(json_doc_parse(&doc, "deep", buf, 380, 4096, &err), 0);
	json_doc_free(doc);
}
END_TEST

START_TEST(test_json_builds_and_prints_documents)
{
	struct cJSON *o = json_new_object(), *a = json_new_array();
	char *s;

	json_add_string(o, "s", "quote \" and \\");
	json_add_string(o, "null", NULL);
	json_add_number(o, "n", 16987361);
	json_add_bool(o, "b", 1);
	json_add_number(a, NULL, 0.5);
	json_add_item(o, "a", a);
	s = json_print(o, 0);
	ck_assert_str_eq(s, "{\"s\":\"quote \\\" and \\\\\",\"null\":null,"
	                    "\"n\":16987361,\"b\":true,\"a\":[0.5]}");
	free(s);
	json_delete(o);
}
END_TEST

Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_json_rejects_what_cjson_accepts_silently,
	                    0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_json_caps_size_before_parsing);
	tcase_add_test(tc, test_json_reports_where_each_node_starts);
	tcase_add_test(tc, test_json_skips_a_byte_order_mark);
	tcase_add_test(tc, test_json_accepts_deep_but_legal_nesting);
	tcase_add_test(tc, test_json_builds_and_prints_documents);
	suite_add_tcase(s, tc);
	return s;
}
