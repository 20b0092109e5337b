/* observation — see observation.h. */
#include "observation.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "xalloc.h"

void
problems_add(struct problems *p, const char *fmt, ...)
{
	char buf[ERROR_MSG_MAX];
	va_list ap;

	p->total++;
	if (p->kept == PROBLEMS_KEEP)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	p->msg[p->kept++] = xstrdup(buf);
}

void
problems_release(struct problems *p)
{
	size_t i;

	for (i = 0; i < p->kept; i++)
		free(p->msg[i]);
	p->kept = 0;
	p->total = 0;
}

int
observation_fill(struct observation *o, const struct source_config *src,
                 const char *const field[FIELD_COUNT], struct problems *probs)
{
	struct error nerr;
	char where[STORE_LOCATOR_MAX];
	const char *f;
	int i;

	for (i = 0; i < FIELD_COUNT; i++) {
		if (i == FIELD_VALUE ||
		    config_field_optional((enum config_field)i))
			continue;
		if (!field[i] || !*field[i]) {
			problems_add(probs, "%s: empty %s",
			             store_locator(o->locator, o->line, o->col,
			                           where),
			             config_field_names[i]);
			return -1;
		}
	}
	o->measure = field[FIELD_MEASURE];
	o->raw_geo = field[FIELD_GEO];
	o->raw_period = field[FIELD_PERIOD];
	o->raw_value = field[FIELD_VALUE];
	o->unit = field[FIELD_UNIT];
	error_clear(&nerr);
	if (number_parse(&src->number, field[FIELD_VALUE], &o->num, &nerr) <
	    0) {
		problems_add(probs, "%s: %s",
		             store_locator(o->locator, o->line, o->col, where),
		             nerr.msg);
		return -1;
	}
	if (number_precision(&o->num, field[FIELD_PRECISION]) < 0) {
		problems_add(probs,
		             "%s: precision '%s' is neither \"exact...\" nor "
		             "\"rounded...\"",
		             store_locator(o->locator, o->line, o->col, where),
		             field[FIELD_PRECISION]);
		return -1;
	}
	for (f = field[FIELD_FLAGS]; f && *f; f++) {
		size_t n = strlen(o->num.flags);

		if (*f == ' ' || *f == ',')
			continue;
		if (!((*f >= 'a' && *f <= 'z') || (*f >= 'A' && *f <= 'Z'))) {
			problems_add(probs, "%s: flags '%s' are not letters",
			             store_locator(o->locator, o->line, o->col,
			                           where),
			             field[FIELD_FLAGS]);
			return -1;
		}
		if (!strchr(o->num.flags, *f) && n + 1 < sizeof(o->num.flags)) {
			o->num.flags[n] = *f;
			o->num.flags[n + 1] = '\0';
		}
	}
	return 0;
}

int
source_filter_pass(const struct source_config *src, const char *name,
                   const char *value)
{
	size_t i;

	for (i = 0; i < src->nfilter; i++)
		if (strcmp(src->filter[i].name, name) == 0 &&
		    strcmp(src->filter[i].value, value) != 0)
			return 0;
	return 1;
}

void
dim_watch_init(struct dim_watch *w, const char *name)
{
	memset(w, 0, sizeof(*w));
	w->name = xstrdup(name);
}

void
dim_watch_see(struct dim_watch *w, const char *category, long line)
{
	size_t i;

	for (i = 0; i < w->nseen; i++)
		if (strcmp(w->seen[i], category) == 0)
			return;
	if (w->nseen == 1)
		w->line = line;
	if (w->nseen < DIM_WATCH_LIST)
		w->seen[w->nseen++] = xstrdup(category);
	else
		w->more = 1; /* at least one more: enough to say so */
}

void
dim_watch_report(const struct dim_watch *w, const char *where,
                 struct problems *probs)
{
	char list[512];
	size_t i, k = 0;

	if (w->nseen < 2)
		return;
	list[0] = '\0';
	for (i = 0; i < w->nseen && k < sizeof(list); i++)
		k += (size_t)snprintf(list + k, sizeof(list) - k, "%s'%s'",
		                      i ? ", " : "", w->seen[i]);
	if (w->line > 0)
		problems_add(
		        probs,
		        "%s: dimension '%s' is neither mapped nor filtered "
		        "and has several categories (%s%s; the second at "
		        "line %ld): rows differing in it would be merged",
		        where, w->name, list, w->more ? ", ..." : "", w->line);
	else
		problems_add(
		        probs,
		        "%s: dimension '%s' is neither mapped nor filtered "
		        "and has several categories (%s%s): rows differing "
		        "in it would be merged",
		        where, w->name, list, w->more ? ", ..." : "");
}

void
dim_watch_release(struct dim_watch *w)
{
	size_t i;

	for (i = 0; i < w->nseen; i++)
		free(w->seen[i]);
	free(w->name);
	memset(w, 0, sizeof(*w));
}
