/* diag — see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *diag_name = "provstat";
static int diag_cur = DIAG_INFO;
static int diag_json;

static const char *const diag_level_names[] = {"error", "warning", "info",
                                               "verbose", "debug"};

void
diag_init(const char *prog)
{
	const char *slash = strrchr(prog, '/');

	diag_name = slash ? slash + 1 : prog;
}

void
diag_set_level(int level)
{
	if (level < DIAG_ERROR)
		level = DIAG_ERROR;
	if (level > DIAG_DEBUG)
		level = DIAG_DEBUG;
	diag_cur = level;
}

int
diag_level(void)
{
	return diag_cur;
}

void
diag_set_json(int on)
{
	diag_json = on;
}

int
diag_is_json(void)
{
	return diag_json;
}

const char *
diag_prog(void)
{
	return diag_name;
}

/* Writes s as a JSON string body (without quotes). */
static void
diag_json_escape(FILE *fp, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
}

void
diag_log(int level, const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (level < DIAG_ERROR || level > DIAG_DEBUG)
		level = DIAG_ERROR;
	if (diag_json) {
		fputs("{\"prog\":\"", stderr);
		diag_json_escape(stderr, diag_name);
		fprintf(stderr, "\",\"level\":\"%s\",\"msg\":\"",
		        diag_level_names[level]);
		diag_json_escape(stderr, msg);
		fputs("\"}\n", stderr);
	} else if (level == DIAG_WARN) {
		fprintf(stderr, "%s: warning: %s\n", diag_name, msg);
	} else {
		fprintf(stderr, "%s: %s\n", diag_name, msg);
	}
}
