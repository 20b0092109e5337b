/* store_binds — see store_binds.h. */
#include "store_binds.h"

#include <stdlib.h>

#include "store.h"
#include "xalloc.h"

enum bound_kind { BOUND_NOTHING, BOUND_INT, BOUND_NULL, BOUND_TEXT };

struct bound {
	enum bound_kind kind;
	long long v; /* BOUND_INT */
	const char *text; /* BOUND_TEXT: lasting, or the literal "" */
};

/* The empty string every memo binds: one address, whatever the caller's. */
static const char empty[] = "";

struct store_binds {
	size_t n;
	struct bound p[];
};

struct store_binds *
store_binds_new(size_t nparams)
{
	struct store_binds *b =
	        xcalloc(1, sizeof(*b) + nparams * sizeof(b->p[0]));

	b->n = nparams;
	return b;
}

void
store_binds_free(struct store_binds *b)
{
	free(b);
}

/* The memo of parameter i, or NULL when there is none. */
static struct bound *
slot(struct store_binds *b, int i)
{
	return b && i >= 1 && (size_t)i <= b->n ? &b->p[i - 1] : NULL;
}

void
store_binds_int(struct store_stmt *s, struct store_binds *b, int i, long long v)
{
	struct bound *p = slot(b, i);

	if (p) {
		if (p->kind == BOUND_INT && p->v == v)
			return;
		p->kind = BOUND_INT;
		p->v = v;
	}
	store_bind_int(s, i, v);
}

void
store_binds_null(struct store_stmt *s, struct store_binds *b, int i)
{
	struct bound *p = slot(b, i);

	if (p) {
		if (p->kind == BOUND_NULL)
			return;
		p->kind = BOUND_NULL;
	}
	store_bind_null(s, i);
}

/* Binds text, remembered if it lasts. */
static void
bind_text(struct store_stmt *s, struct bound *p, int i, const char *text,
          int lasting)
{
	if (p) {
		if (p->kind == BOUND_TEXT && p->text == text)
			return;
		p->kind = lasting ? BOUND_TEXT : BOUND_NOTHING;
		p->text = text;
	}
	store_bind_text(s, i, text);
}

void
store_binds_text(struct store_stmt *s, struct store_binds *b, int i,
                 const char *text)
{
	/* NULL, and the empty string as ours, which outlives any arena. */
	if (!text || !*text)
		bind_text(s, slot(b, i), i, text ? empty : NULL, 1);
	else
		bind_text(s, slot(b, i), i, text, 0);
}

void
store_binds_lasting(struct store_stmt *s, struct store_binds *b, int i,
                    const char *text)
{
	bind_text(s, slot(b, i), i, text, 1);
}

int
store_binds_batch(struct store *st, struct store_stmt *full,
                  struct store_binds *memo, size_t batch, const char *head,
                  int cols, size_t n, struct store_stmt **s,
                  struct store_binds **b, struct error *err)
{
	*s = full;
	*b = memo;
	if (n == batch)
		return 0;
	*b = NULL;
	return store_prepare_insert(st, head, cols, n, s, err);
}

int
store_binds_batch_run(struct store *st, struct store_stmt *s,
                      struct store_stmt *full, const char *what,
                      struct error *err)
{
	int rc = store_step(s);

	if (s != full)
		store_finalize(s);
	return rc == STORE_DONE ? 0 : store_fail(st, err, what);
}
