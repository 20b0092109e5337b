/* observation — see observation.h. */
#include "observation.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
