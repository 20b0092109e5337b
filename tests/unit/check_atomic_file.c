/* Tests for atomic_file: readers see the old bytes or the new ones. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/atomic_file.h"
#include "common/xalloc.h"
#include "testutil.h"

static size_t
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

START_TEST(test_atomic_file_replaces_content)
{
	char *dir = tu_tmpdir();
	char *path = tu_write(dir, "f.csv", "old\n");
	struct error err;
	char *text;

	ck_assert_int_eq(atomic_file_write(path, "new\n", 4, &err), 0);
	text = tu_read(path);
	ck_assert_str_eq(text, "new\n");
	ck_assert_int_eq(count_entries(dir), 1); /* no temporary left */
	free(text);
	tu_rmrf(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_atomic_file_abort_keeps_old_content)
{
	char *dir = tu_tmpdir();
	char *path = tu_write(dir, "f.csv", "old\n");
	struct atomic_file af;
	struct error err;
	char *text;

	ck_assert_int_eq(atomic_file_open(&af, path, &err), 0);
	fputs("half-writ", atomic_file_fp(&af));
	/* the reader still sees the old bytes while writing */
	text = tu_read(path);
	ck_assert_str_eq(text, "old\n");
	free(text);
	atomic_file_abort(&af);
	atomic_file_abort(&af); /* twice is harmless */
	text = tu_read(path);
	ck_assert_str_eq(text, "old\n");
	ck_assert_int_eq(count_entries(dir), 1);
	free(text);
	tu_rmrf(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_atomic_file_failed_rename_names_the_file)
{
	char *dir = tu_tmpdir();
	char *target = xasprintf("%s/taken", dir);
	char *inner = tu_write(dir, "taken/inner", "x");
	struct error err;

	/* A non-empty directory where the file should go: rename fails. */
	ck_assert_int_eq(atomic_file_write(target, "new", 3, &err), -1);
	ck_assert_msg(strstr(err.msg, "cannot rename") == err.msg, "%s",
	              err.msg);
	ck_assert(strstr(err.msg, target) != NULL);
	ck_assert_int_eq(count_entries(dir), 1); /* temporary removed */
	tu_rmrf(dir);
	free(inner);
	free(target);
	free(dir);
}
END_TEST

START_TEST(test_atomic_file_open_fails_in_a_missing_directory)
{
	struct atomic_file af;
	struct error err;

	ck_assert_int_eq(atomic_file_open(&af, "/nonexistent-dir/x/f", &err),
	                 -1);
	ck_assert(strstr(err.msg, "cannot create '/nonexistent-dir/x/f.tmp-") ==
	          err.msg);
}
END_TEST

Suite *
atomic_file_suite(void)
{
	Suite *s = suite_create("atomic_file");
	TCase *tc = tcase_create("write");

	tcase_add_test(tc, test_atomic_file_replaces_content);
	tcase_add_test(tc, test_atomic_file_abort_keeps_old_content);
	tcase_add_test(tc, test_atomic_file_failed_rename_names_the_file);
	tcase_add_test(tc, test_atomic_file_open_fails_in_a_missing_directory);
	suite_add_tcase(s, tc);
	return s;
}
