/* csv_writer — see csv_writer.h. */
#include "csv_writer.h"

#include <string.h>

static void
csv_writer_field(FILE *fp, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

int
csv_writer_row(FILE *fp, const char *const *fields, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', fp);
		csv_writer_field(fp, fields[i]);
	}
	fputc('\n', fp);
	return ferror(fp) ? -1 : 0;
}
