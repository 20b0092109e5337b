/* Tests for hash: SHA-256 through libcrypto. */
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "testutil.h"

START_TEST(test_hash_matches_known_vectors)
{
	char out[HASH_HEX_SIZE];

	hash_hex("", 0, out);
	ck_assert_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b93"
	                      "4ca495991b7852b855");
	hash_hex("abc", 3, out);
	ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a"
	                      "9cb410ff61f20015ad");
}
END_TEST

START_TEST(test_hash_streams_like_one_shot)
{
	struct hash *h = hash_new();
	char a[HASH_HEX_SIZE], b[HASH_HEX_SIZE];

	hash_update(h, "ab", 2);
	hash_update(h, "", 0);
	hash_update(h, "c", 1);
	hash_final_hex(h, a);
	hash_hex("abc", 3, b);
	ck_assert_str_eq(a, b);
	/* final resets: the context is reusable */
	hash_update(h, "abc", 3);
	hash_final_hex(h, a);
	ck_assert_str_eq(a, b);
	hash_free(h);
	hash_free(NULL);
}
END_TEST

START_TEST(test_hash_file_reads_the_bytes)
{
	char *dir = tu_tmpdir();
	char *path = tu_write(dir, "f", "abc");
	char out[HASH_HEX_SIZE];
	struct error err;

	ck_assert_int_eq(hash_file_hex(path, out, &err), 0);
	ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a"
	                      "9cb410ff61f20015ad");
	tu_rmrf(dir);
	ck_assert_int_eq(hash_file_hex(path, out, &err), -1);
	ck_assert(strstr(err.msg, "cannot open") != NULL);
	free(path);
	free(dir);
}
END_TEST

Suite *
hash_suite(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("sha256");

	tcase_add_test(tc, test_hash_matches_known_vectors);
	tcase_add_test(tc, test_hash_streams_like_one_shot);
	tcase_add_test(tc, test_hash_file_reads_the_bytes);
	suite_add_tcase(s, tc);
	return s;
}
