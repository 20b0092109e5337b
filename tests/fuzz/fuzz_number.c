/*
 * fuzz_number — the number parser (qualifiers, flags, marks, scale words).
 *
 * The first byte picks the source's number options; the rest is the text.
 * Beyond "no crash", two properties are checked: a parsed value written by
 * number_format_shortest() reads back to the same double, and its canonical
 * qualifier is one number_bound() knows (or none).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/number.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const groups[] = {"", ",", ".", "'"};
	struct number_format f;
	struct number n;
	struct error err;
	char *text, shortest[32];

	if (size < 1)
		return 0;
	number_format_default(&f);
	f.decimal = (data[0] & 1) ? ',' : '.';
	snprintf(f.group, sizeof(f.group), "%s", groups[(data[0] >> 1) & 3]);
	if (f.group[0] == f.decimal)
		f.group[0] = '\0';
	f.group_space = (data[0] >> 3) & 1;
	f.percent = (data[0] >> 4) & 1;
	f.scale_words = (data[0] >> 5) & 1;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (number_parse(&f, text, &n, &err) == 0 && !n.missing) {
		if (!isfinite(n.value))
			fuzz_die(text, "parsed to a value that is not finite");
		number_format_shortest(n.value, shortest);
		if (strtod(shortest, NULL) != n.value)
			fuzz_die(text, "shortest form does not read back");
		if (n.qualifier[0] && !number_bound(n.qualifier))
			fuzz_die(text, "qualifier states no bound");
	}
	number_bound(text);
	free(text);
	return 0;
}
