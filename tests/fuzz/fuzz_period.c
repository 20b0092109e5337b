/*
 * fuzz_period — the period parser.
 *
 * Beyond "no crash": a parsed period's canonical text parses again to
 * itself with the same type (canonical forms are fixed points), and stepping
 * a year, quarter or month forward and back returns to it.
 */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/period.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct period p, again;
	struct error err;
	char *text, fwd[PERIOD_MAX], back[PERIOD_MAX];

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (period_parse(text, &p, &err) == 0) {
		if (period_parse(p.canonical, &again, &err) < 0 ||
		    strcmp(again.canonical, p.canonical) != 0 ||
		    again.type != p.type)
			fuzz_die(text, "canonical form is not a fixed point");
		if (period_step(p.canonical, 1, fwd) == 0 &&
		    period_step(fwd, -1, back) == 0 &&
		    strcmp(back, p.canonical) != 0)
			fuzz_die(text, "a step forward and back moves");
		period_type_name(p.type);
	}
	free(text);
	return 0;
}
