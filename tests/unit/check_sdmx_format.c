/* Tests for sdmx_format: the ECB corpus in eight encodings, Eurostat
 * messages, groups, and hostile XML. */
#define PROVSTAT_TESTUTIL_FORMATS
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "normalize/sdmx_format.h"
#include "testutil.h"

#define CORPUS "../shared/data/sdmx/"

/* An SDMX-ML source of geo, TIME_PERIOD and OBS_VALUE; tests add the
 * rest. */
static void
sdmx_source(struct source_config *s, const char *geo)
{
	tu_source(s, "sdmx-ml");
	s->column[FIELD_GEO] = xstrdup(geo);
	s->column[FIELD_PERIOD] = xstrdup("TIME_PERIOD");
	s->column[FIELD_VALUE] = xstrdup("OBS_VALUE");
}

static void
exr_source(struct source_config *s)
{
	sdmx_source(s, "CURRENCY");
	s->column[FIELD_MEASURE] =
	        xstrdup("FREQ+CURRENCY_DENOM+EXR_TYPE+EXR_VAR");
	s->column[FIELD_FLAGS] = xstrdup("OBS_STATUS");
	s->flags_optional = 1;
	s->constant[FIELD_UNIT] = xstrdup("rate");
}

static char *
run(struct source_config *s, const char *text, size_t len, struct problems *p)
{
	char *got;

	memset(p, 0, sizeof(*p));
	got = tu_parse(sdmx_format_parse, s, text, len, p);
	tu_check_spans(text, len, got);
	return got;
}

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sink's lines cut to "measure|geo|period|raw|flags", sorted. */
static char *
project(const char *lines)
{
	char *copy = xstrdup(lines), *line = copy, *rows[256];
	struct strbuf sb;
	size_t n = 0, i;

	while (*line && n < 256) {
		char *nl = strchr(line, '\n'), *f[9];
		int k;

		*nl = '\0';
		f[0] = line;
		for (k = 1; k < 9; k++) {
			f[k] = strchr(f[k - 1], '|');
			*f[k]++ = '\0';
		}
		rows[n++] = xasprintf("%s|%s|%s|%s|%s", f[0], f[1], f[2], f[3],
		                      f[5]);
		line = nl + 1;
	}
	qsort(rows, n, sizeof(*rows), cmp_line);
	strbuf_init(&sb, 1u << 20);
	for (i = 0; i < n; i++) {
		strbuf_addf(&sb, "%s\n", rows[i]);
		free(rows[i]);
	}
	free(copy);
	return strbuf_detach(&sb, NULL);
}

/* The corpus' own listing of the twelve rows, in the same shape. */
static char *
expected_rows(void)
{
	char *text = tu_read(CORPUS "expected/ng-flat-xml.txt");
	char *line = strchr(text, '\n') + 1, *rows[64];
	struct strbuf sb;
	size_t n = 0, i;

	while (*line && n < 64) {
		char fq[8], cur[8], den[8], ty[8], var[8], per[16], val[32];
		char *nl = strchr(line, '\n');

		*nl = '\0';
		ck_assert_int_eq(sscanf(line, "%7s %7s %7s %7s %7s %15s %31s",
		                        fq, cur, den, ty, var, per, val),
		                 7);
		rows[n++] = xasprintf("%s.%s.%s.%s|%s|%s|%s|A", fq, den, ty,
		                      var, cur, per, val);
		line = nl + 1;
	}
	qsort(rows, n, sizeof(*rows), cmp_line);
	strbuf_init(&sb, 1u << 20);
	for (i = 0; i < n; i++) {
		strbuf_addf(&sb, "%s\n", rows[i]);
		free(rows[i]);
	}
	free(text);
	return strbuf_detach(&sb, NULL);
}

START_TEST(test_sdmx_reads_the_ecb_corpus_in_eight_encodings)
{
	static const char *const files[] = {
	        "ng-flat.xml",  "ng-flat-ss.xml",  "ng-ts.xml", "ng-ts-ss.xml",
	        "ng-ts-gf.xml", "ng-ts-gf-ss.xml", "ng-xs.xml", "ng-xs-ss.xml"};
	char *want;
	size_t i;

	if (!fileio_exists(CORPUS)) {
		fprintf(stderr, "skip: " CORPUS " is absent\n");
		return;
	}
	want = expected_rows();
	ck_assert_int_eq(strlen(want) > 0, 1);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct source_config s;
		struct problems p;
		struct error err;
		char *path = xasprintf(CORPUS "ECB_EXR/%s", files[i]);
		char *text, *got, *rows;
		size_t len;

		ck_assert_int_eq(fileio_read(path, 1u << 20, &text, &len, &err),
		                 0);
		exr_source(&s);
		got = run(&s, text, len, &p);
		ck_assert_msg(p.total == 0, "%s: %s", files[i],
		              p.kept ? p.msg[0] : "");
		rows = project(got);
		ck_assert_msg(strcmp(rows, want) == 0, "%s gave\n%swant\n%s",
		              files[i], rows, want);
		free(rows);
		free(got);
		free(text);
		free(path);
		tu_source_release(&s);
	}
	free(want);
}
END_TEST

START_TEST(test_sdmx_loads_the_eurostat_messages)
{
	struct source_config s;
	struct problems p;
	struct error err;
	char *text, *got;
	size_t len;

	if (!fileio_exists(CORPUS)) {
		fprintf(stderr, "skip: " CORPUS " is absent\n");
		return;
	}
	sdmx_source(&s, "geo");
	s.column[FIELD_MEASURE] = xstrdup("na_item+unit");
	s.constant[FIELD_UNIT] = xstrdup("MEUR");
	ck_assert_int_eq(fileio_read(CORPUS "ESTAT/NAMA_10_GDP-ss.xml",
	                             1u << 20, &text, &len, &err),
	                 0);
	got = run(&s, text, len, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_str_eq(
	        got, "B1GQ.CP_MEUR|LU|2012|46526.2|46526.2|||line 18, column 7"
	             "|1133+7\n"
	             "B1GQ.CP_MEUR|LU|2013|49094.5|49094.5|||line 19, column 7"
	             "|1185+7\n"
	             "B1GQ.CP_MEUR|LU|2014|51791.3|51791.3|||line 20, column 7"
	             "|1237+7\n"
	             "B1GQ.CP_MEUR|LU|2015|54142.3|54142.3|||line 21, column 7"
	             "|1289+7\n");
	free(got);
	free(text);
	tu_source_release(&s);

	/* Cross-section with explicit measures (xsi:type on Obs). */
	sdmx_source(&s, "COUNTRY");
	s.column[FIELD_MEASURE] = xstrdup("type");
	s.column[FIELD_UNIT] = xstrdup("UNIT_MEASURE");
	s.column[FIELD_FLAGS] = xstrdup("OBS_STATUS");
	ck_assert_int_eq(fileio_read(CORPUS "ESTAT/demography-xs.xml", 1u << 20,
	                             &text, &len, &err),
	                 0);
	got = run(&s, text, len, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	/* An Obs without OBS_VALUE (status M) is a missing value. */
	ck_assert_msg(strstr(got, "demo:DEATHST|BE|2009||NA|M||") != NULL, "%s",
	              got);
	ck_assert_msg(strstr(got, "demo:LBIRTHST|BE|2008|124991|124991|P||") !=
	                      NULL,
	              "%s", got);
	free(got);
	free(text);
	tu_source_release(&s);
}
END_TEST

START_TEST(test_sdmx_applies_group_and_dataset_attributes)
{
	static const char doc[] =
	        "<m:GenericData xmlns:m=\"urn:m\" xmlns:g=\"urn:g\">\n"
	        "<m:Header><m:Structure "
	        "dimensionAtObservation=\"TIME_PERIOD\"/>"
	        "</m:Header>\n"
	        "<m:DataSet>\n"
	        "<g:Attributes><g:Value id=\"UNIT_MEASURE\" value=\"PERS\"/>"
	        "</g:Attributes>\n"
	        "<g:Group><g:GroupKey><g:Value id=\"GEO\" value=\"FR\"/>"
	        "</g:GroupKey><g:Attributes><g:Value id=\"UNIT_MULT\" "
	        "value=\"3\"/></g:Attributes></g:Group>\n"
	        "<g:Series><g:SeriesKey><g:Value id=\"GEO\" value=\"FR\"/>"
	        "</g:SeriesKey>\n"
	        "<g:Obs><g:ObsDimension value=\"2020\"/><g:ObsValue "
	        "value=\"67320\"/></g:Obs></g:Series>\n"
	        "<g:Series><g:SeriesKey><g:Value id=\"GEO\" value=\"IT\"/>"
	        "</g:SeriesKey>\n"
	        "<g:Obs><g:ObsDimension value=\"2020\"/><g:ObsValue "
	        "value=\"59641488\"/></g:Obs></g:Series>\n"
	        "</m:DataSet></m:GenericData>\n";
	struct source_config s;
	struct problems p;
	char *got;

	sdmx_source(&s, "GEO");
	s.constant[FIELD_MEASURE] = xstrdup("population");
	s.column[FIELD_UNIT] = xstrdup("UNIT_MEASURE");
	got = run(&s, doc, sizeof(doc) - 1, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	/* The group's UNIT_MULT applies to FR only; the unit from the data
	 * set to both. */
	ck_assert_str_eq(
	        got, "population|FR|2020|67320|67320000|||line 7, column 1"
	             "|467+5\n"
	             "population|IT|2020|59641488|59641488|||line 9, column 1"
	             "|619+8\n");
	free(got);
	tu_source_release(&s);
}
END_TEST

/* SDMX 2.1 section 3A: in a flat or cross-sectional message a group's key
 * dimension may sit at the observation (an ObsKey value, the observation
 * dimension of a cross-section); the group applies to the observations
 * whose key matches it, and to no other.  Generic: the FR group's
 * UNIT_MULT and unit, never IT's; structure-specific: each currency its
 * own group's UNIT_MULT, not the first group's. */
START_TEST(test_sdmx_matches_groups_on_observation_level_keys)
{
	static const char generic[] =
	        "<m:GenericData xmlns:m=\"urn:m\" xmlns:g=\"urn:g\">\n"
	        "<m:Header><m:Structure "
	        "dimensionAtObservation=\"AllDimensions\"/>"
	        "</m:Header><m:DataSet>\n"
	        "<g:Group><g:GroupKey><g:Value id=\"GEO\" value=\"FR\"/>"
	        "</g:GroupKey><g:Attributes><g:Value id=\"UNIT_MULT\" "
	        "value=\"3\"/><g:Value id=\"UNIT_MEASURE\" value=\"K\"/>"
	        "</g:Attributes></g:Group>\n"
	        "<g:Group><g:GroupKey><g:Value id=\"GEO\" value=\"IT\"/>"
	        "</g:GroupKey><g:Attributes><g:Value id=\"UNIT_MEASURE\" "
	        "value=\"P\"/></g:Attributes></g:Group>\n"
	        "<g:Obs><g:ObsKey><g:Value id=\"GEO\" value=\"FR\"/><g:Value "
	        "id=\"TIME_PERIOD\" value=\"2020\"/></g:ObsKey><g:ObsValue "
	        "value=\"67\"/></g:Obs>\n"
	        "<g:Obs><g:ObsKey><g:Value id=\"GEO\" value=\"IT\"/><g:Value "
	        "id=\"TIME_PERIOD\" value=\"2020\"/></g:ObsKey><g:ObsValue "
	        "value=\"59\"/></g:Obs>\n"
	        "</m:DataSet></m:GenericData>\n";
	static const char specific[] =
	        "<m:StructureSpecificData xmlns:m=\"urn:m\">\n"
	        "<m:Header><m:Structure dimensionAtObservation=\"GEO\"/>"
	        "</m:Header><m:DataSet>\n"
	        "<Group GEO=\"FR\" UNIT_MULT=\"3\" UNIT_MEASURE=\"K\"/>\n"
	        "<Group GEO=\"IT\" UNIT_MULT=\"0\" UNIT_MEASURE=\"P\"/>\n"
	        "<Series TIME_PERIOD=\"2020\">\n"
	        "<Obs GEO=\"FR\" OBS_VALUE=\"67\"/>\n"
	        "<Obs GEO=\"IT\" OBS_VALUE=\"59\"/>\n"
	        "<Obs GEO=\"DE\" OBS_VALUE=\"83\"/>\n"
	        "</Series></m:DataSet></m:StructureSpecificData>\n";
	struct source_config s;
	struct problems p;
	char *got;

	sdmx_source(&s, "GEO");
	s.constant[FIELD_MEASURE] = xstrdup("m");
	s.column[FIELD_UNIT] = xstrdup("UNIT_MEASURE");
	got = run(&s, generic, sizeof(generic) - 1, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_msg(strstr(got, "m|FR|2020|67|67000|") &&
	                      strstr(got, "m|IT|2020|59|59|"),
	              "%s", got);
	free(got);
	got = run(&s, specific, sizeof(specific) - 1, &p);
	/* DE has no group: no unit, which is a problem at its place. */
	ck_assert_int_eq(p.total, 1);
	ck_assert_msg(strstr(p.msg[0], "line 8, column 1") &&
	                      strstr(p.msg[0], "no 'UNIT_MEASURE'"),
	              "%s", p.msg[0]);
	ck_assert_msg(strstr(got, "m|FR|2020|67|67000|") &&
	                      strstr(got, "m|IT|2020|59|59|") &&
	                      !strstr(got, "|DE|"),
	              "%s", got);
	problems_release(&p);
	free(got);
	tu_source_release(&s);
}
END_TEST

/* SDMX-ML 3.0: a component written as elements (<Comp id><Value>...),
 * at observation, series, group or Atts level, several values joined;
 * Atts of a partial key apply like a group's. */
START_TEST(test_sdmx_reads_3_0_comp_elements_and_atts)
{
	static const char doc[] =
	        "<m:StructureSpecificData xmlns:m=\"urn:m\">\n"
	        "<m:DataSet>\n"
	        "<Atts GEO=\"FR\"><Comp id=\"UNIT_MEASURE\"><Value>PERS</Value>"
	        "</Comp></Atts>\n"
	        "<Series GEO=\"FR\">\n"
	        "<Obs TIME_PERIOD=\"2019\" OBS_VALUE=\"1\"><Comp "
	        "id=\"OBS_STATUS\"><Value>p</Value><Value>e</Value></Comp>"
	        "</Obs>\n"
	        "<Obs TIME_PERIOD=\"2020\" OBS_VALUE=\"2\"/>\n"
	        "</Series>\n"
	        "<Series GEO=\"IT\"><Comp id=\"UNIT_MEASURE\"><Value>NR</Value>"
	        "</Comp>\n"
	        "<Obs TIME_PERIOD=\"2020\" OBS_VALUE=\"3\"/>\n"
	        "</Series></m:DataSet></m:StructureSpecificData>\n";
	struct source_config s;
	struct problems p;
	char *got;

	sdmx_source(&s, "GEO");
	s.constant[FIELD_MEASURE] = xstrdup("m");
	s.column[FIELD_UNIT] = xstrdup("UNIT_MEASURE");
	s.column[FIELD_FLAGS] = xstrdup("OBS_STATUS");
	got = run(&s, doc, sizeof(doc) - 1, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_msg(strstr(got, "m|FR|2019|1|1|pe|") &&
	                      strstr(got, "m|FR|2020|2|2||") &&
	                      strstr(got, "m|IT|2020|3|3||"),
	              "%s", got);
	free(got);
	tu_source_release(&s);
}
END_TEST

/* The rule of every dimensional format: a key dimension neither mapped
 * nor filtered is accepted with one category (SEX is T in both series) and
 * refused with several, listed (AGE), since rows differing in it would be
 * merged. */
START_TEST(test_sdmx_refuses_an_unmapped_dimension_of_several_categories)
{
	static const char doc[] =
	        "<m:GenericData xmlns:m=\"urn:m\" xmlns:g=\"urn:g\">"
	        "<m:DataSet>\n"
	        "<g:Series><g:SeriesKey><g:Value id=\"GEO\" value=\"FR\"/>"
	        "<g:Value id=\"SEX\" value=\"T\"/><g:Value id=\"AGE\" "
	        "value=\"TOTAL\"/></g:SeriesKey>\n"
	        "<g:Obs><g:ObsDimension value=\"2020\"/><g:ObsValue "
	        "value=\"1\"/></g:Obs></g:Series>\n"
	        "<g:Series><g:SeriesKey><g:Value id=\"GEO\" value=\"FR\"/>"
	        "<g:Value id=\"SEX\" value=\"T\"/><g:Value id=\"AGE\" "
	        "value=\"Y_LT5\"/></g:SeriesKey>\n"
	        "<g:Obs><g:ObsDimension value=\"2020\"/><g:ObsValue "
	        "value=\"2\"/></g:Obs></g:Series>\n"
	        "</m:DataSet></m:GenericData>\n";
	struct source_config s;
	struct problems p;
	char *got;

	sdmx_source(&s, "GEO");
	s.constant[FIELD_MEASURE] = xstrdup("m");
	s.constant[FIELD_UNIT] = xstrdup("u");
	got = run(&s, doc, sizeof(doc) - 1, &p);
	ck_assert_int_eq(p.total, 1);
	ck_assert_str_eq(p.msg[0],
	                 "src://t: dimension 'AGE' is neither mapped nor "
	                 "filtered and has several categories ('TOTAL', "
	                 "'Y_LT5'; the second at line 5): rows differing in it "
	                 "would be merged");
	problems_release(&p);
	free(got);
	s.filter = xcalloc(1, sizeof(*s.filter));
	s.filter[0].name = xstrdup("AGE");
	s.filter[0].value = xstrdup("TOTAL");
	s.nfilter = 1;
	got = run(&s, doc, sizeof(doc) - 1, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_msg(strstr(got, "m|FR|2020|1|1|") && !strstr(got, "|2|2|"),
	              "%s", got);
	free(got);
	tu_source_release(&s);
}
END_TEST

/* More ids than the parser remembers (16), one longer than it keeps (31
 * bytes), a value that outgrows its buffer and a joined field whose text
 * gets shorter: every observation must still read its own series'
 * values (the parser keeps a series' values for its observations). */
START_TEST(test_sdmx_reads_many_and_long_ids)
{
	static const char *const geo[3] = {"FR", "IT", "DE"};
	static const char *const last[3] = {
	        "S", "A-VALUE-LONGER-THAN-THE-32-BYTES-FIRST-KEPT", "T"};
	const char *longid = "A_DIMENSION_WHOSE_ID_IS_LONGER_THAN_32";
	struct source_config s;
	struct problems p;
	struct strbuf doc;
	char *got, *spec;
	int k, i;

	strbuf_init(&doc, SIZE_MAX / 2);
	strbuf_addstr(&doc, "<m:GenericData xmlns:m=\"urn:m\" "
	                    "xmlns:g=\"urn:g\"><m:DataSet>\n");
	for (k = 0; k < 3; k++) {
		strbuf_addstr(&doc, "<g:Series><g:SeriesKey>");
		for (i = 0; i < 18; i++)
			strbuf_addf(&doc,
			            "<g:Value id=\"D%02d\" value=\"%s%d\"/>", i,
			            i ? "v" : geo[k], i ? i : 0);
		strbuf_addf(&doc, "<g:Value id=\"%s\" value=\"%s\"/>", longid,
		            last[k]);
		strbuf_addstr(&doc, "</g:SeriesKey>\n<g:Obs><g:ObsDimension "
		                    "value=\"2020\"/><g:ObsValue value=\"1\"/>"
		                    "</g:Obs></g:Series>\n");
	}
	strbuf_addstr(&doc, "</m:DataSet></m:GenericData>\n");
	sdmx_source(&s, "D00");
	spec = xasprintf("D17+%s", longid);
	s.column[FIELD_MEASURE] = spec;
	s.constant[FIELD_UNIT] = xstrdup("u");
	got = run(&s, doc.buf, doc.len, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_str_eq(
	        got,
	        "v17.S|FR0|2020|1|1|||line 3, column 1|766+1\n"
	        "v17.A-VALUE-LONGER-THAN-THE-32-BYTES-FIRST-KEPT|IT0|2020|1|1|"
	        "||line 5, column 1|1539+1\n"
	        "v17.T|DE0|2020|1|1|||line 7, column 1|2270+1\n");
	free(got);
	strbuf_release(&doc);
	tu_source_release(&s);
}
END_TEST

/* Out of the schema's order, a series attribute after an observation
 * applies from there on, as it always did: what the parser keeps of a
 * series for its observations is renewed by any change to it. */
START_TEST(test_sdmx_reads_an_attribute_set_between_observations)
{
	static const char doc[] =
	        "<m:GenericData xmlns:m=\"urn:m\" xmlns:g=\"urn:g\">"
	        "<m:DataSet>\n"
	        "<g:Series><g:SeriesKey><g:Value id=\"GEO\" value=\"FR\"/>"
	        "</g:SeriesKey><g:Attributes><g:Value id=\"KIND\" "
	        "value=\"A\"/></g:Attributes>\n"
	        "<g:Obs><g:ObsDimension value=\"2019\"/><g:ObsValue "
	        "value=\"1\"/></g:Obs>\n"
	        "<g:Attributes><g:Value id=\"KIND\" "
	        "value=\"A-UNIT-NAME-LONGER-THAN-THIRTY-TWO-BYTES\"/>"
	        "</g:Attributes>\n"
	        "<g:Obs><g:ObsDimension value=\"2020\"/><g:ObsValue "
	        "value=\"2\"/></g:Obs></g:Series>\n"
	        "</m:DataSet></m:GenericData>\n";
	struct source_config s;
	struct problems p;
	char *got;

	sdmx_source(&s, "GEO");
	s.constant[FIELD_UNIT] = xstrdup("u");
	s.column[FIELD_MEASURE] = xstrdup("KIND");
	got = run(&s, doc, sizeof(doc) - 1, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_msg(strstr(got, "A|FR|2019|1|1|") &&
	                      strstr(got, "A-UNIT-NAME-LONGER-THAN-THIRTY-TWO-"
	                                  "BYTES|FR|2020|2|2|"),
	              "%s", got);
	free(got);
	tu_source_release(&s);
}
END_TEST

/* A named flags attribute an observation lacks means no flag (SDMX
 * attributes are conditional); NaN is SDMX's missing value, with its
 * status; a missing dimension is still a problem at its place. */
START_TEST(test_sdmx_named_flags_are_optional_and_nan_is_missing)
{
	static const char doc[] =
	        "<m:StructureSpecificData xmlns:m=\"urn:m\"><m:DataSet>\n"
	        "<Series GEO=\"FR\">\n"
	        "<Obs TIME_PERIOD=\"2019\" OBS_VALUE=\"1\" OBS_FLAG=\"p\"/>\n"
	        "<Obs TIME_PERIOD=\"2020\" OBS_VALUE=\"2\"/>\n"
	        "<Obs TIME_PERIOD=\"2021\" OBS_VALUE=\"NaN\" OBS_FLAG=\"m\"/>\n"
	        "</Series></m:DataSet></m:StructureSpecificData>\n";
	static const char no_geo[] =
	        "<m:StructureSpecificData xmlns:m=\"urn:m\"><m:DataSet>\n"
	        "<Series><Obs TIME_PERIOD=\"2019\" OBS_VALUE=\"1\"/>"
	        "</Series></m:DataSet></m:StructureSpecificData>\n";
	struct source_config s;
	struct problems p;
	char *got;

	sdmx_source(&s, "GEO");
	s.constant[FIELD_MEASURE] = xstrdup("m");
	s.constant[FIELD_UNIT] = xstrdup("u");
	free(s.column[FIELD_FLAGS]);
	s.column[FIELD_FLAGS] = xstrdup("OBS_FLAG");
	got = run(&s, doc, sizeof(doc) - 1, &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	ck_assert_msg(strstr(got, "m|FR|2019|1|1|p|") &&
	                      strstr(got, "m|FR|2020|2|2||") &&
	                      strstr(got, "m|FR|2021|NaN|NA|m|"),
	              "%s", got);
	free(got);
	got = run(&s, no_geo, sizeof(no_geo) - 1, &p);
	ck_assert_int_eq(p.total, 1);
	ck_assert_msg(strstr(p.msg[0], "line 2, column") &&
	                      strstr(p.msg[0], "no 'GEO' (for geo)"),
	              "%s", p.msg[0]);
	problems_release(&p);
	free(got);
	tu_source_release(&s);
}
END_TEST

static char *
repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit), i;
	char *out = xmalloc(len * n + 1);

	for (i = 0; i < n; i++)
		memcpy(out + i * len, unit, len);
	out[len * n] = '\0';
	return out;
}

/* The observations of doc, of GEO, measure "m" and unit "u", with no
 * problem. */
static char *
run_geo(const char *doc)
{
	struct source_config s;
	struct problems p;
	char *got;

	sdmx_source(&s, "GEO");
	s.constant[FIELD_MEASURE] = xstrdup("m");
	s.constant[FIELD_UNIT] = xstrdup("u");
	got = run(&s, doc, strlen(doc), &p);
	ck_assert_msg(p.total == 0, "%s", p.kept ? p.msg[0] : "");
	tu_source_release(&s);
	return got;
}

/* An observation is located where its element's '<' is, as an editor
 * counts: a message on one line gives each its column, characters (not
 * bytes) counted; a tag over two lines gives where it ends. */
START_TEST(test_sdmx_locates_each_observation_by_line_and_column)
{
	static const char doc[] =
	        "<S:StructureSpecificData xmlns:S=\"urn:m\"><S:DataSet>"
	        "<Series GEO=\"FR\"><Obs TIME_PERIOD=\"2019\" "
	        "OBS_VALUE=\"1\"/><Obs TIME_PERIOD=\"2020\" OBS_VALUE=\"2\" "
	        "NOTE=\"\xc3\xa9t\xc3\xa9\"/><Obs TIME_PERIOD=\"2021\" "
	        "OBS_VALUE=\"3\"/></Series>\n"
	        "  <Series GEO=\"IT\"><Obs\nTIME_PERIOD=\"2020\" "
	        "OBS_VALUE=\"4\"/></Series></S:DataSet>"
	        "</S:StructureSpecificData>\n";
	char *got = run_geo(doc);

	/* 2021's '<' is byte 161 of its line and character 159: "été"
	 * takes two bytes more than characters.  IT's tag ends at "/>". */
	ck_assert_str_eq(got, "m|FR|2019|1|1|||line 1, column 70|104+1\n"
	                      "m|FR|2020|2|2|||line 1, column 109|143+1\n"
	                      "m|FR|2021|3|3|||line 1, column 159|195+1\n"
	                      "m|IT|2020|4|4|||line 3, column 33|263+1\n");
	free(got);
}
END_TEST

/* A locator's line is the document's, past 65,535 too: the streaming
 * reader before SAX2 took it from libxml2's node, which kept 65,535 for
 * every later line.  Predefined entities and character references in a
 * value are read as the characters they stand for. */
START_TEST(test_sdmx_locates_lines_past_65535)
{
	char *blank = repeat("\n", 70000);
	char *doc = xasprintf(
	        "<m:GenericData xmlns:m=\"urn:m\" xmlns:g=\"urn:g\">"
	        "<m:DataSet>%s<g:Series><g:SeriesKey><g:Value id=\"GEO\" "
	        "value=\"F&amp;R&#x41;&#38;&amp;#38;\"/></g:SeriesKey>\n"
	        "<g:Obs><g:ObsDimension value=\"2020\"/><g:ObsValue "
	        "value=\"1\"/></g:Obs></g:Series></m:DataSet>"
	        "</m:GenericData>\n",
	        blank);
	char *got = run_geo(doc);

	ck_assert_str_eq(got, "m|F&RA&&#38;|2020|1|1|||line 70002, column 1"
	                      "|70207+1\n");
	free(got);
	free(doc);
	free(blank);
}
END_TEST

/* Each hostile document and the start of the message it must give. */
START_TEST(test_sdmx_refuses_hostile_xml)
{
	char *deep_open = repeat("<a>", 300), *deep_close = repeat("</a>", 300);
	char *big = repeat("x", 11u << 20);
	char *docs[10];
	const char *want[10];
	size_t i, n = 0;

	docs[n] = xstrdup("<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY x "
	                  "SYSTEM \"file:///etc/passwd\">]>\n<d>&x;</d>");
	want[n++] = "a DOCTYPE is not allowed in a data document";
	docs[n] = xstrdup("<!DOCTYPE d [<!ENTITY x SYSTEM "
	                  "\"http://127.0.0.1:9/x\">]><d>&x;</d>");
	want[n++] = "a DOCTYPE is not allowed in a data document";
	docs[n] = xstrdup(
	        "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
	        "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
	        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"
	        "&lol2;&lol2;&lol2;\">]><lolz>&lol3;</lolz>");
	/* libxml2 stops this one itself (amplification); refused either way */
	want[n++] = ":1:";
	{
		char *ent = repeat("A", 100000), *refs = repeat("&a;", 20000);

		docs[n] =
		        xasprintf("<!DOCTYPE d [<!ENTITY a \"%s\">]><d>%s</d>",
		                  ent, refs);
		want[n++] = "a DOCTYPE is not allowed in a data document";
		free(ent);
		free(refs);
	}
	docs[n] = xasprintf("<GenericData>%s%s</GenericData>", deep_open,
	                    deep_close);
	want[n++] = ":1: nested deeper than 128 elements";
	docs[n] = xasprintf("<GenericData>%s</GenericData>", big);
	want[n++] = ":1:";
	docs[n] = xstrdup("<GenericData a=\"\xff\"/>");
	want[n++] = ":1:";
	docs[n] = xstrdup("<GenericData><e></GenericData></e>");
	want[n++] = ":1:";
	docs[n] = xstrdup("not xml at all");
	want[n++] = ":1:";
	docs[n] = xstrdup("<GenericData/><e/>");
	want[n++] = ":1:";
	for (i = 0; i < n; i++) {
		struct source_config s;
		struct problems p;
		char *got;

		exr_source(&s);
		got = run(&s, docs[i], strlen(docs[i]), &p);
		ck_assert_msg(p.total >= 1, "hostile document %zu accepted", i);
		ck_assert_msg(strncmp(p.msg[0], "src://t:", 8) == 0 &&
		                      strstr(p.msg[0], want[i]) != NULL,
		              "document %zu: '%s'", i, p.msg[0]);
		ck_assert_str_eq(got, "");
		problems_release(&p);
		free(got);
		free(docs[i]);
		tu_source_release(&s);
	}
	free(deep_open);
	free(deep_close);
	free(big);
}
END_TEST

/* Broken encodings: libxml2 reports some of these through its global error
 * handler, which printed them raw on stderr instead of the document's
 * problems (found by replaying the fuzz corpus). */
START_TEST(test_sdmx_reports_encoding_errors_as_problems)
{
	static const struct {
		const char *doc;
		size_t len;
		const char *want;
	} cases[] = {
	        {"\0\0<\0", 4, "src://t:1:1: encoding not supported UCS4"},
	        {"<?xml version=\"1.0\" encoding=\"UTF-7\"?>\n<GenericData "
	         "a=\"\xa0\"/>",
	         0, "src://t: input conversion failed due to input error"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct source_config s;
		struct problems p;
		char *got, *log, *dir = tu_tmpdir();
		char *path = xasprintf("%s/stderr", dir);
		int saved;

		exr_source(&s);
		saved = tu_stderr_to(path);
		got = run(&s, cases[i].doc,
		          cases[i].len ? cases[i].len : strlen(cases[i].doc),
		          &p);
		log = tu_stderr_end(saved, path);
		ck_assert_msg(p.total >= 1 &&
		                      strncmp(p.msg[0], cases[i].want,
		                              strlen(cases[i].want)) == 0,
		              "case %zu: '%s'", i, p.total ? p.msg[0] : "");
		ck_assert_msg(!*log, "case %zu printed: %s", i, log);
		problems_release(&p);
		free(got);
		free(log);
		free(path);
		tu_rmrf(dir);
		free(dir);
		tu_source_release(&s);
	}
}
END_TEST

Suite *
sdmx_format_suite(void)
{
	Suite *s = suite_create("sdmx_format");
	TCase *tc = tcase_create("parse");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sdmx_reads_the_ecb_corpus_in_eight_encodings);
	tcase_add_test(tc, test_sdmx_loads_the_eurostat_messages);
	tcase_add_test(tc, test_sdmx_applies_group_and_dataset_attributes);
	tcase_add_test(tc, test_sdmx_matches_groups_on_observation_level_keys);
	tcase_add_test(tc, test_sdmx_reads_3_0_comp_elements_and_atts);
	tcase_add_test(
	        tc,
	        test_sdmx_refuses_an_unmapped_dimension_of_several_categories);
	tcase_add_test(tc, test_sdmx_locates_lines_past_65535);
	tcase_add_test(tc,
	               test_sdmx_locates_each_observation_by_line_and_column);
	tcase_add_test(tc, test_sdmx_reads_many_and_long_ids);
	tcase_add_test(tc,
	               test_sdmx_reads_an_attribute_set_between_observations);
	tcase_add_test(tc, test_sdmx_refuses_hostile_xml);
	tcase_add_test(tc, test_sdmx_reports_encoding_errors_as_problems);
	tcase_add_test(tc,
	               test_sdmx_named_flags_are_optional_and_nan_is_missing);
	suite_add_tcase(s, tc);
	return s;
}
