/* revisions — see revisions.h.  It runs a query of its own. */
#include "revisions.h"

#include "number.h"

static void
value_text(struct store_stmt *s, int i, char out[32])
{
	if (store_col_null(s, i))
		snprintf(out, 32, "(not available)");
	else
		number_format_shortest(store_col_double(s, i), out);
}

int
revisions_run(struct store *st, const char *indicator, FILE *fp, size_t *n,
              struct error *err)
{
	struct store_stmt *s = NULL;
	int rc;

	*n = 0;
	/* b: what came after a from the same source (derived: NULL) at the
	 * moment a ended; none means a was withdrawn. */
	if (store_prepare(
	            st,
	            "SELECT a.indicator, a.geo, a.period, a.value, b.value, "
	            "a.known_to, coalesce(a.source_id, 'derived'), b.id "
	            "FROM value a LEFT JOIN value b ON b.indicator = "
	            "a.indicator AND b.geo = a.geo AND b.period = a.period AND "
	            "b.source_id IS a.source_id AND b.known_from = a.known_to "
	            "WHERE a.known_to IS NOT NULL AND (?1 IS NULL OR "
	            "a.indicator = ?1) AND NOT (b.id IS NOT NULL AND b.value "
	            "IS "
	            "a.value AND b.flags = a.flags AND b.qualifier = "
	            "a.qualifier) ORDER BY a.known_to, a.indicator, a.geo, "
	            "a.period",
	            &s, err) < 0)
		return -1;
	if (indicator)
		store_bind_text(s, 1, indicator);
	while ((rc = store_step(s)) == STORE_ROW) {
		char was[32], now[32];

		value_text(s, 3, was);
		if (store_col_null(s, 7)) {
			fprintf(fp, "- %s %s %s: %s withdrawn at %s (%s)\n",
			        store_col_text(s, 0), store_col_text(s, 1),
			        store_col_text(s, 2), was, store_col_text(s, 5),
			        store_col_text(s, 6));
		} else {
			value_text(s, 4, now);
			fprintf(fp, "~ %s %s %s: %s -> %s at %s (%s)\n",
			        store_col_text(s, 0), store_col_text(s, 1),
			        store_col_text(s, 2), was, now,
			        store_col_text(s, 5), store_col_text(s, 6));
		}
		(*n)++;
	}
	store_finalize(s);
	if (rc != STORE_DONE)
		return error_set(err, "store: cannot read revisions: %s",
		                 store_errmsg(st));
	return 0;
}
