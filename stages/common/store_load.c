/* store_load — see store_load.h. */
#include "store_load.h"

#include <stdlib.h>

#include "store_binds.h"
#include "store.h"
#include "xalloc.h"

#define LOAD_COLS 17
#define LOAD_INSERT                                                            \
	"INSERT OR ROLLBACK INTO observation (parse_id, measure, raw_geo, "    \
	"raw_period, raw_value, value, unit, scale, decimals, flags, "         \
	"qualifier, locator, line, col, byte_offset, byte_length, precision)"

struct store_load {
	struct store *st;
	int64_t parse_id;
	struct store_stmt *ins; /* STORE_LOAD_BATCH rows */
	struct store_binds *bound; /* what ins's parameters hold */
	int64_t first, last;
};

int
store_load_open(struct store *st, int64_t parse_id, struct store_load **out,
                struct error *err)
{
	struct store_load *l = xcalloc(1, sizeof(*l));

	*out = NULL;
	l->st = st;
	l->parse_id = parse_id;
	if (store_prepare_insert(st, LOAD_INSERT, LOAD_COLS, STORE_LOAD_BATCH,
	                         &l->ins, err) < 0) {
		free(l);
		return -1;
	}
	l->bound = store_binds_new(STORE_LOAD_BATCH * LOAD_COLS);
	*out = l;
	return 0;
}

static void
bind_pair(struct store_stmt *s, struct store_binds *b, int i, int have,
          long long x, long long y)
{
	if (have) {
		store_binds_int(s, b, i, x);
		store_binds_int(s, b, i + 1, y);
	} else {
		store_binds_null(s, b, i);
		store_binds_null(s, b, i + 1);
	}
}

int
store_load_rows(struct store_load *l, const struct store_load_row *rows,
                size_t n, struct error *err)
{
	struct store_stmt *s;
	struct store_binds *bound;
	size_t r;

	if (n == 0)
		return 0;
	if (store_binds_batch(l->st, l->ins, l->bound, STORE_LOAD_BATCH,
	                      LOAD_INSERT, LOAD_COLS, n, &s, &bound, err) < 0)
		return -1;
	store_reset(s);
	for (r = 0; r < n; r++) {
		const struct store_load_row *p = &rows[r];
		int c = (int)(r * LOAD_COLS);

		store_binds_int(s, bound, c + 1, l->parse_id);
		store_binds_text(s, bound, c + 2, p->measure);
		store_binds_text(s, bound, c + 3, p->raw_geo);
		store_binds_text(s, bound, c + 4, p->raw_period);
		store_binds_text(s, bound, c + 5, p->raw_value);
		if (p->has_value)
			store_bind_double(s, c + 6, p->value);
		else
			store_bind_null(s, c + 6);
		store_binds_text(s, bound, c + 7, p->unit);
		store_binds_int(s, bound, c + 8, p->scale);
		store_binds_int(s, bound, c + 9, p->decimals);
		store_binds_text(s, bound, c + 10, p->flags);
		store_binds_text(s, bound, c + 11, p->qualifier);
		/* "line L, column C" is not stored: the obs view spells it. */
		if (p->locator)
			store_binds_text(s, bound, c + 12, p->locator);
		else
			store_binds_null(s, bound, c + 12);
		bind_pair(s, bound, c + 13, p->line > 0, p->line, p->col);
		bind_pair(s, bound, c + 15, p->byte_offset >= 0, p->byte_offset,
		          p->byte_length);
		store_binds_text(s, bound, c + 17, p->precision);
	}
	if (store_binds_batch_run(l->st, s, l->ins,
	                          "cannot insert observations", err) < 0)
		return -1;
	l->last = store_last_id(l->st);
	if (l->first == 0)
		l->first = l->last - (int64_t)n + 1;
	return 0;
}

void
store_load_ids(const struct store_load *l, int64_t *first, int64_t *last)
{
	*first = l->first;
	*last = l->last;
}

void
store_load_close(struct store_load *l)
{
	if (!l)
		return;
	store_finalize(l->ins);
	store_binds_free(l->bound);
	free(l);
}
