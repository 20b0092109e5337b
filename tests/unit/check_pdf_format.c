/* Tests for pdf_format: NCMEC's real PDFs, and documents that are not
 * what they claim or whose reader misbehaves. */
#define PROVSTAT_TESTUTIL_FORMATS
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fileio.h"
#include "common/xalloc.h"
#include "normalize/csv_format.h"
#include "normalize/pdf_format.h"
#include "testutil.h"

#define NCMEC "../shared/data/ncmec/"

static void
ncmec_pdf_source(struct source_config *s, const char *year)
{
	tu_source(s, "pdf");
	s->max_bytes = 64u << 20;
	s->pdf.row = xstrdup("([^ ]+( [^ ]+)*) {2,}([0-9][0-9,]*)");
	s->pdf.geo_group = 1;
	s->pdf.value_group = 3;
	s->pdf.total = xstrdup("^ *(TOTAL|Total:) +([0-9][0-9,]*) *$");
	s->pdf.total_group = 2;
	s->pdf.skip = xcalloc(4, sizeof(char *));
	s->pdf.skip[0] = xstrdup("Copyright");
	s->pdf.skip[1] = xstrdup("^ *Country");
	s->pdf.skip[2] = xstrdup("Reports *$");
	s->pdf.nskip = 3;
	s->pdf.timeout_s = 60;
	s->checks.rows_sum_to_total = 1;
	s->constant[FIELD_MEASURE] = xstrdup("reports_by_country");
	s->constant[FIELD_PERIOD] = xstrdup(year);
	s->constant[FIELD_UNIT] = xstrdup("reports");
}

static void
pdf_release(struct source_config *s)
{
	size_t i;

	free(s->pdf.row);
	free(s->pdf.total);
	for (i = 0; i < s->pdf.nskip; i++)
		free(s->pdf.skip[i]);
	free(s->pdf.skip);
	tu_source_release(s);
}

/* Parses a file (the format needs a real file descriptor). */
static char *
parse_file(struct source_config *s, const char *path, struct problems *p)
{
	memset(p, 0, sizeof(*p));
	return tu_parse_file(pdf_format_parse, s, path, p);
}

/* "geo|year|value" for the EU and UK rows of the project's transcription. */
static char *
transcription_rows(const char *year)
{
	struct source_config s;
	struct problems p;
	char *csv = tu_read("config/sample/ncmec-reports-by-country-2019-"
	                    "2021.csv");
	char *got, *line, *out = xstrdup("");

	tu_source(&s, "csv");
	s.csv.comment = '#';
	s.column[FIELD_GEO] = xstrdup("country");
	s.column[FIELD_PERIOD] = xstrdup("year");
	s.column[FIELD_VALUE] = xstrdup("reports");
	s.constant[FIELD_MEASURE] = xstrdup("m");
	s.constant[FIELD_UNIT] = xstrdup("reports");
	memset(&p, 0, sizeof(p));
	got = tu_parse(csv_format_parse, &s, csv, strlen(csv), &p);
	ck_assert_int_eq(p.total, 0);
	for (line = got; *line;) {
		char *nl = strchr(line, '\n'), *f[9], *n;
		int k;

		*nl = '\0';
		f[0] = line;
		for (k = 1; k < 9; k++) {
			f[k] = strchr(f[k - 1], '|');
			*f[k]++ = '\0';
		}
		if (strcmp(f[2], year) == 0) {
			n = xasprintf("%s%s|%s\n", out, f[1], f[4]);
			free(out);
			out = n;
		}
		line = nl + 1;
	}
	free(got);
	free(csv);
	tu_source_release(&s);
	return out;
}

START_TEST(test_pdf_reads_ncmec_rows_that_sum_to_the_total)
{
	static const struct {
		const char *year;
		size_t rows;
	} docs[] = {{"2019", 242}, {"2020", 242}, {"2021", 245}};
	size_t i;

	if (!fileio_exists(NCMEC)) {
		fprintf(stderr, "skip: " NCMEC " is absent\n");
		return;
	}
	for (i = 0; i < 3; i++) {
		struct source_config s;
		struct problems p;
		char *path = xasprintf(NCMEC "ncmec-by-country-%s.pdf",
		                       docs[i].year);
		char *got, *want, *line, *nl;
		size_t n = 0;

		ncmec_pdf_source(&s, docs[i].year);
		got = parse_file(&s, path, &p);
		/* rows_sum_to_total ran: no problem means the sum matched. */
		ck_assert_msg(p.total == 0, "%s: %s", path,
		              p.kept ? p.msg[0] : "");
		for (line = got; (nl = strchr(line, '\n')); line = nl + 1)
			n++;
		ck_assert_int_eq(n, docs[i].rows);
		/* Every EU and UK row equals the project's transcription. */
		want = transcription_rows(docs[i].year);
		for (line = want; (nl = strchr(line, '\n')); line = nl + 1) {
			char *bar = strchr(line, '|'), *needle;

			*nl = '\0';
			*bar = '\0';
			needle = xasprintf("reports_by_country|%s|%s|", line,
			                   docs[i].year);
			ck_assert_msg(strstr(got, needle) != NULL,
			              "%s: no row for '%s'", path, line);
			free(needle);
		}
		free(want);
		ck_assert_msg(strstr(got, "|Congo, The Democratic Republic of "
		                          "the|") != NULL,
		              "%s: the wrapped name was not joined", path);
		free(got);
		free(path);
		pdf_release(&s);
	}
}
END_TEST

START_TEST(test_pdf_values_match_the_transcription_exactly)
{
	static const char *const years[] = {"2019", "2020", "2021"};
	size_t i;

	if (!fileio_exists(NCMEC)) {
		fprintf(stderr, "skip: " NCMEC " is absent\n");
		return;
	}
	for (i = 0; i < 3; i++) {
		struct source_config s;
		struct problems p;
		char *path =
		        xasprintf(NCMEC "ncmec-by-country-%s.pdf", years[i]);
		char *got = NULL, *want, *line, *nl;

		ncmec_pdf_source(&s, years[i]);
		got = parse_file(&s, path, &p);
		want = transcription_rows(years[i]);
		for (line = want; (nl = strchr(line, '\n')); line = nl + 1) {
			char *bar, *needle;

			*nl = '\0';
			bar = strchr(line, '|');
			*bar = '\0';
			/* measure|geo|period|raw|VALUE| */
			needle = xasprintf("|%s|%s|", line, years[i]);
			{
				char *at = strstr(got, needle), *v;

				ck_assert_msg(at != NULL, "%s: %s", path, line);
				v = strchr(at + strlen(needle), '|') + 1;
				ck_assert_msg(strncmp(v, bar + 1,
				                      strlen(bar + 1)) == 0 &&
				                      v[strlen(bar + 1)] == '|',
				              "%s: %s is %.12s, the "
				              "transcription says %s",
				              path, line, v, bar + 1);
			}
			free(needle);
		}
		free(want);
		free(got);
		free(path);
		pdf_release(&s);
	}
}
END_TEST

START_TEST(test_pdf_refuses_what_is_not_a_pdf)
{
	struct source_config s;
	struct problems p;
	char *dir = tu_tmpdir();
	char *path = tu_write(dir, "x.pdf", "<html>not a pdf</html>\n"), *got;

	ncmec_pdf_source(&s, "2020");
	got = parse_file(&s, path, &p);
	ck_assert_int_eq(p.total, 1);
	ck_assert_str_eq(
	        p.msg[0],
	        "byte 0: not a PDF: it starts with '<html', not '%PDF-'");
	problems_release(&p);
	free(got);
	free(path);
	path = tu_write(dir, "y.pdf", "%PDF-1.4\ngarbage\n");
	got = parse_file(&s, path, &p);
	ck_assert_int_eq(p.total, 1);
	ck_assert_msg(strstr(p.msg[0], "not a readable PDF") != NULL, "%s",
	              p.msg[0]);
	problems_release(&p);
	free(got);
	free(path);
	pdf_release(&s);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

START_TEST(test_pdf_refuses_an_encrypted_pdf)
{
	struct source_config s;
	struct problems p;
	char *dir, *out, *got;

	if (!fileio_exists(NCMEC) || !fileio_exists("/usr/bin/qpdf")) {
		fprintf(stderr, "skip: " NCMEC " or qpdf is absent\n");
		return;
	}
	dir = tu_tmpdir();
	out = xasprintf("%s/enc.pdf", dir);
	/* An owner password only: readable, but encrypted. */
	{
		/* An owner password only: readable, but encrypted. */
		const char *argv[] = {"qpdf",
		                      "--encrypt",
		                      "",
		                      "owner",
		                      "256",
		                      "--",
		                      NCMEC "ncmec-by-country-2020.pdf",
		                      out,
		                      NULL};

		ck_assert_int_eq(tu_run(argv), 0);
	}
	ncmec_pdf_source(&s, "2020");
	got = parse_file(&s, out, &p);
	ck_assert_int_eq(p.total, 1);
	ck_assert_str_eq(
	        p.msg[0],
	        "the PDF's trailer (pdfinfo: \"Encrypted: yes\"): it is "
	        "encrypted; provstat reads only unencrypted documents");
	problems_release(&p);
	free(got);
	pdf_release(&s);
	free(out);
	tu_rmrf(dir);
	free(dir);
}
END_TEST

/* Fake poppler tools on PATH: one hangs, one crashes. */
static void
fake_tools(const char *dir, const char *text_body)
{
	char *info = tu_write(dir, "pdfinfo",
	                      "#!/bin/sh\necho 'Encrypted:      "
	                      "no'\n");
	char *text = tu_write(dir, "pdftotext", text_body);

	chmod(info, 0755);
	chmod(text, 0755);
	free(info);
	free(text);
}

START_TEST(test_pdf_stops_a_reader_that_hangs_or_crashes)
{
	static const char *const bodies[] = {"#!/bin/sh\nexec sleep 30\n",
	                                     "#!/bin/sh\nkill -SEGV $$\n"};
	static const char *const want[] = {
	        "pdftotext: took longer than 1 s; stopped",
	        "pdftotext crashed (signal 11)"};
	const char *old = getenv("PATH");
	char *saved = xstrdup(old ? old : "/usr/bin:/bin");
	size_t i;

	for (i = 0; i < 2; i++) {
		struct source_config s;
		struct problems p;
		char *dir = tu_tmpdir(), *path, *got, *newpath;

		fake_tools(dir, bodies[i]);
		newpath = xasprintf("%s:%s", dir, saved);
		setenv("PATH", newpath, 1);
		path = tu_write(dir, "doc.pdf", "%PDF-1.4\n");
		ncmec_pdf_source(&s, "2020");
		s.pdf.timeout_s = 1;
		got = parse_file(&s, path, &p);
		setenv("PATH", saved, 1);
		ck_assert_int_eq(p.total, 1);
		ck_assert_str_eq(p.msg[0], want[i]);
		problems_release(&p);
		free(got);
		free(path);
		free(newpath);
		pdf_release(&s);
		tu_rmrf(dir);
		free(dir);
	}
	free(saved);
}
END_TEST

Suite *
pdf_format_suite(void)
{
	Suite *s = suite_create("pdf_format");
	TCase *tc = tcase_create("parse");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pdf_reads_ncmec_rows_that_sum_to_the_total);
	tcase_add_test(tc, test_pdf_values_match_the_transcription_exactly);
	tcase_add_test(tc, test_pdf_refuses_what_is_not_a_pdf);
	tcase_add_test(tc, test_pdf_refuses_an_encrypted_pdf);
	tcase_add_test(tc, test_pdf_stops_a_reader_that_hangs_or_crashes);
	suite_add_tcase(s, tc);
	return s;
}
