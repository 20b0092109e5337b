/* Tests for strbuf: growth under a hard cap. */
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "testutil.h"

START_TEST(test_strbuf_appends_and_detaches)
{
	struct strbuf sb;
	char *s;
	size_t len;

	strbuf_init(&sb, 1000);
	ck_assert_str_eq(sb.buf, "");
	ck_assert_int_eq(strbuf_addstr(&sb, "ab"), 0);
	ck_assert_int_eq(strbuf_addch(&sb, 'c'), 0);
	ck_assert_int_eq(strbuf_addf(&sb, "-%d", 42), 0);
	ck_assert_str_eq(sb.buf, "abc-42");
	s = strbuf_detach(&sb, &len);
	ck_assert_int_eq(len, 6);
	ck_assert_str_eq(s, "abc-42");
	ck_assert_int_eq(sb.len, 0);
	free(s);
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_strbuf_refuses_to_pass_its_cap)
{
	struct strbuf sb;

	strbuf_init(&sb, 5);
	ck_assert_int_eq(strbuf_addstr(&sb, "12345"), 0);
	ck_assert_int_eq(strbuf_addch(&sb, '6'), -1);
	ck_assert_int_eq(strbuf_addf(&sb, "%s", "x"), -1);
	ck_assert_str_eq(sb.buf, "12345"); /* unchanged by the failures */
	strbuf_reset(&sb);
	ck_assert_int_eq(strbuf_add(&sb, "abcdef", 6), -1);
	ck_assert_int_eq(sb.len, 0);
	strbuf_release(&sb);
}
END_TEST

Suite *
strbuf_suite(void)
{
	Suite *s = suite_create("strbuf");
	TCase *tc = tcase_create("grow");

	tcase_add_test(tc, test_strbuf_appends_and_detaches);
	tcase_add_test(tc, test_strbuf_refuses_to_pass_its_cap);
	suite_add_tcase(s, tc);
	return s;
}
