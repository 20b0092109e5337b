/* Tests for geo: the country crosswalk. */
#include <stdlib.h>
#include <string.h>

#include "common/geo.h"
#include "common/xalloc.h"
#include "testutil.h"

#define ISO "/usr/share/iso-codes/json/iso_3166-1.json"

static char *dir;
static struct geo_table *geo;

static const char aliases[] =
        "{\n"
        "  \"version\": \"v1\",\n"
        "  \"codes\": {\"XK\": \"Kosovo\", \"EU27_2020\": \"EU\"},\n"
        "  \"aliases\": {\"Romania/Rumania\": \"RO\", \"EL\": \"GR\", "
        "\"UK\": \"GB\", \"Kosovo\": \"XK\", \"Georgia\": \"GE\"},\n"
        "  \"exclude\": {\"No Country Listed\": \"not a geography\"}\n"
        "}\n";

static void
setup(void)
{
	char *path;
	struct error err;

	dir = tu_tmpdir();
	path = tu_write(dir, "aliases.json", aliases);
	ck_assert_msg(geo_table_load(&geo, ISO, path, &err) == 0, "%s",
	              err.msg);
	free(path);
}

static void
teardown(void)
{
	geo_table_free(geo);
	tu_rmrf(dir);
	free(dir);
}

static const struct {
	const char *raw;
	enum geo_rule rule;
	const char *code;
} cases[] = {
        {"Austria", GEO_ISO_NAME, "AT"},
        {"  united   KINGDOM ", GEO_ISO_NAME, "GB"},
        {"Czech Republic", GEO_ISO_NAME, "CZ"},
        {"Czechia", GEO_ISO_NAME, "CZ"},
        {"FR", GEO_ISO_CODE, "FR"},
        {"fra", GEO_ISO_CODE, "FR"},
        {"Romania/Rumania", GEO_ALIAS, "RO"},
        {"EL", GEO_ALIAS, "GR"},
        {"UK", GEO_ALIAS, "GB"},
        {"Kosovo", GEO_ALIAS, "XK"},
        {"EU27_2020", GEO_ALIAS, "EU27_2020"},
        {"Georgia", GEO_ALIAS, "GE"},
        {"No Country Listed", GEO_EXCLUDED, NULL},
        {"Atlantis", GEO_UNMAPPED, NULL},
        {"", GEO_UNMAPPED, NULL},
        {"Austria'; DROP TABLE value; --", GEO_UNMAPPED, NULL},
};

START_TEST(test_geo_maps_every_spelling_or_says_it_cannot)
{
	struct geo_match m = geo_lookup(geo, cases[_i].raw);

	ck_assert_msg(m.rule == cases[_i].rule, "'%s': rule %s", cases[_i].raw,
	              geo_rule_name(m.rule));
	if (cases[_i].code)
		ck_assert_str_eq(m.code, cases[_i].code);
	else
		ck_assert_ptr_null(m.code);
	if (m.rule == GEO_EXCLUDED)
		ck_assert_str_eq(m.reason, "not a geography");
}
END_TEST

START_TEST(test_geo_table_has_identity)
{
	ck_assert_str_eq(geo_table_version(geo), "v1");
	ck_assert(tu_is_sha256_hex(geo_table_hash(geo)));
	ck_assert_str_eq(geo_name(geo, "XK"), "Kosovo");
	ck_assert_ptr_nonnull(geo_name(geo, "FR"));
}
END_TEST

static const struct {
	const char *text;
	const char *msg;
} bad[] = {
        {"{\"version\": \"v\", \"aliases\": {\"Mars\": \"MR1\"}}",
         "aliases.json:1:30: 'Mars': 'MR1' is neither an ISO 3166-1 alpha-2 "
         "code nor declared in 'codes'"},
        {"{\"version\": \"v\", \"exclude\": {\"X\": \"\"}}",
         "aliases.json:1:30: 'X': needs a reason"},
        {"{\"aliases\": {}}",
         "aliases.json: 'version': required string is missing"},
        {"{\"version\": \"v\", \"alias\": {}}",
         "aliases.json:1:18: 'alias': unknown key"},
};

START_TEST(test_geo_rejects_bad_alias_files)
{
	struct geo_table *t = NULL;
	struct error err;
	char *path = tu_write(dir, "aliases.json", bad[_i].text);
	char *want = xasprintf("%s/%s", dir, bad[_i].msg);

	ck_assert_int_eq(geo_table_load(&t, ISO, path, &err), -1);
	ck_assert_ptr_null(t);
	ck_assert_msg(strcmp(err.msg, want) == 0, "got '%s'", err.msg);
	free(want);
	free(path);
}
END_TEST

Suite *
geo_suite(void)
{
	Suite *s = suite_create("geo");
	TCase *tc = tcase_create("crosswalk");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_geo_maps_every_spelling_or_says_it_cannot,
	                    0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_geo_table_has_identity);
	tcase_add_loop_test(tc, test_geo_rejects_bad_alias_files, 0,
	                    sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, tc);
	return s;
}
