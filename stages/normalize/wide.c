/* wide — see wide.h. */
#include "wide.h"

#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xalloc.h"

char *
wide_substitute(const char *format, const char *text, const void *matches,
                size_t nmatch)
{
	const regmatch_t *m = matches;
	struct strbuf sb;
	const char *f;

	strbuf_init(&sb, SIZE_MAX / 2);
	for (f = format; *f; f++) {
		if (f[0] == '\\' && f[1] >= '1' && f[1] <= '9') {
			size_t g = (size_t)(f[1] - '0');

			if (g < nmatch && m[g].rm_so >= 0)
				strbuf_add(&sb, text + m[g].rm_so,
				           (size_t)(m[g].rm_eo - m[g].rm_so));
			f++;
		} else {
			strbuf_addch(&sb, *f);
		}
	}
	return strbuf_detach(&sb, NULL);
}

int
wide_find(const struct source_config *src, char *const *names, size_t n,
          const char *where, struct wide_cols *w, struct problems *probs)
{
	regex_t re;
	regmatch_t m[10];
	size_t i;

	memset(w, 0, sizeof(*w));
	/* config_load() compiled the pattern once already. */
	if (regcomp(&re, src->wide.columns, REG_EXTENDED) != 0) {
		problems_add(probs, "%s: bad 'wide' pattern", where);
		return -1;
	}
	w->col = xcalloc(n + 1, sizeof(*w->col));
	w->period = xcalloc(n + 1, sizeof(*w->period));
	for (i = 0; i < n; i++) {
		if (!names[i] || regexec(&re, names[i], 10, m, 0) != 0)
			continue;
		w->col[w->n] = (long)i;
		w->period[w->n++] = src->wide.period
		                            ? wide_substitute(src->wide.period,
		                                              names[i], m, 10)
		                            : xstrdup(names[i]);
	}
	regfree(&re);
	if (w->n == 0) {
		problems_add(probs,
		             "%s: no header column matches the 'wide' pattern "
		             "'%s'",
		             where, src->wide.columns);
		return -1;
	}
	return 0;
}

void
wide_release(struct wide_cols *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->period[i]);
	free(w->period);
	free(w->col);
	memset(w, 0, sizeof(*w));
}
