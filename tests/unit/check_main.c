/* The one unit-test runner: every module's suite. */
#include <stdlib.h>

#define PROVSTAT_TESTUTIL_FORMATS
#include "testutil.h"

int
main(void)
{
	SRunner *sr = srunner_create(atomic_file_suite());
	int failed;

	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, csv_format_suite());
	srunner_add_suite(sr, tsv_format_suite());
	srunner_add_suite(sr, json_format_suite());
	srunner_add_suite(sr, jsonstat_format_suite());
	srunner_add_suite(sr, sdmx_format_suite());
	srunner_add_suite(sr, html_format_suite());
	srunner_add_suite(sr, pdf_format_suite());
	srunner_add_suite(sr, csv_reader_suite());
	srunner_add_suite(sr, decode_suite());
	srunner_add_suite(sr, store_binds_suite());
	srunner_add_suite(sr, geo_suite());
	srunner_add_suite(sr, handoff_suite());
	srunner_add_suite(sr, hash_suite());
	srunner_add_suite(sr, json_suite());
	srunner_add_suite(sr, normalize_suite());
	srunner_add_suite(sr, number_suite());
	srunner_add_suite(sr, period_suite());
	srunner_add_suite(sr, reconcile_suite());
	srunner_add_suite(sr, store_suite());
	srunner_add_suite(sr, strbuf_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
