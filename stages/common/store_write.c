/* store_write — see store_write.h. */
#include "store_write.h"

#include <stdlib.h>

#include "store_binds.h"
#include "store.h"
#include "xalloc.h"

#define VALUE_COLS 16
#define VALUE_INSERT                                                           \
	"INSERT OR ROLLBACK INTO value (id, key, indicator, geo, period, "     \
	"known_from, known_to, value, unit, flags, qualifier, status, "        \
	"source_id, lineage_id, observation_id, precision)"
#define MAPPED_COLS 12
#define MAPPED_INSERT "INSERT INTO m"

struct store_write {
	struct store *st;
	struct store_stmt *ins_value, *ins_mapped; /* STORE_WRITE_BATCH rows */
	struct store_binds *value_binds, *mapped_binds;
	struct store_stmt *ins_input;
};

int
store_write_open(struct store *st, struct store_write **out, struct error *err)
{
	struct store_write *w = xcalloc(1, sizeof(*w));

	*out = NULL;
	w->st = st;
	if (store_exec(st,
	               "CREATE TEMP TABLE IF NOT EXISTS m (seq INTEGER, "
	               "indicator TEXT, geo TEXT, period TEXT, value REAL, "
	               "unit TEXT, flags TEXT, qualifier TEXT, obs_id INTEGER, "
	               "lineage_id INTEGER, locator TEXT, precision TEXT); "
	               "DELETE FROM m;",
	               err) < 0 ||
	    store_prepare_insert(st, MAPPED_INSERT, MAPPED_COLS,
	                         STORE_WRITE_BATCH, &w->ins_mapped, err) < 0 ||
	    store_prepare_insert(st, VALUE_INSERT, VALUE_COLS,
	                         STORE_WRITE_BATCH, &w->ins_value, err) < 0 ||
	    store_prepare(st,
	                  "INSERT INTO value_input (value_id, observation_id) "
	                  "VALUES (?, ?)",
	                  &w->ins_input, err) < 0) {
		store_write_close(w);
		return -1;
	}
	w->value_binds = store_binds_new(STORE_WRITE_BATCH * VALUE_COLS);
	w->mapped_binds = store_binds_new(STORE_WRITE_BATCH * MAPPED_COLS);
	*out = w;
	return 0;
}

void
store_write_close(struct store_write *w)
{
	if (!w)
		return;
	store_finalize(w->ins_value);
	store_finalize(w->ins_mapped);
	store_finalize(w->ins_input);
	store_binds_free(w->value_binds);
	store_binds_free(w->mapped_binds);
	free(w);
}

int
store_write_values(struct store_write *w, const struct store_write_value *v,
                   size_t n, struct error *err)
{
	struct store_stmt *s;
	struct store_binds *memo;
	size_t i;

	if (n == 0)
		return 0;
	if (store_binds_batch(w->st, w->ins_value, w->value_binds,
	                      STORE_WRITE_BATCH, VALUE_INSERT, VALUE_COLS, n,
	                      &s, &memo, err) < 0)
		return -1;
	store_reset(s);
	for (i = 0; i < n; i++) {
		const struct store_write_value *p = &v[i];
		int b = (int)i * VALUE_COLS;

		store_bind_int(s, b + 1, p->id);
		store_bind_text(s, b + 2, p->key);
		store_bind_text(s, b + 3, p->indicator);
		store_bind_text(s, b + 4, p->geo);
		store_bind_text(s, b + 5, p->period);
		store_binds_text(s, memo, b + 6, p->known_from);
		store_binds_text(s, memo, b + 7, p->known_to);
		if (p->has_value)
			store_bind_double(s, b + 8, p->value);
		else
			store_bind_null(s, b + 8);
		store_binds_text(s, memo, b + 9, p->unit);
		store_binds_text(s, memo, b + 10, p->flags);
		store_binds_text(s, memo, b + 11, p->qualifier);
		store_binds_lasting(s, memo, b + 12, p->status);
		store_binds_lasting(s, memo, b + 13, p->source_id);
		store_binds_int(s, memo, b + 14, p->lineage_id);
		store_bind_int(s, b + 15, p->observation_id);
		store_binds_text(s, memo, b + 16, p->precision);
	}
	return store_binds_batch_run(w->st, s, w->ins_value,
	                             "cannot write values", err);
}

int
store_write_inputs(struct store_write *w, int64_t value_id, const char *ids,
                   struct error *err)
{
	const char *p = ids;
	char *end;

	/* ids is SQLite's group_concat of integers: "12,15". */
	for (; *p; p = *end == ',' ? end + 1 : end) {
		long long id = strtoll(p, &end, 10);

		if (end == p)
			break;
		store_reset(w->ins_input);
		store_bind_int(w->ins_input, 1, value_id);
		store_bind_int(w->ins_input, 2, id);
		if (store_step(w->ins_input) != STORE_DONE)
			return store_fail(w->st, err,
			                  "cannot record a value's inputs");
	}
	return 0;
}

int
store_write_unwrite(struct store_write *w, int64_t after, struct error *err)
{
	static const char *const sql[] = {
	        "DELETE FROM value_input WHERE value_id > ?1",
	        "DELETE FROM value WHERE id > ?1"};
	size_t i;

	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		struct store_stmt *s = NULL;
		int rc;

		if (store_prepare(w->st, sql[i], &s, err) < 0)
			return -1;
		store_bind_int(s, 1, after);
		rc = store_step(s);
		store_finalize(s);
		if (rc != STORE_DONE)
			return store_fail(w->st, err,
			                  "cannot take values back");
	}
	return 0;
}

int
store_write_stage(struct store_write *w, const struct store_mapped *rows,
                  size_t n, struct error *err)
{
	struct store_stmt *s;
	struct store_binds *memo;
	size_t i;

	if (n == 0)
		return 0;
	if (store_binds_batch(w->st, w->ins_mapped, w->mapped_binds,
	                      STORE_WRITE_BATCH, MAPPED_INSERT, MAPPED_COLS, n,
	                      &s, &memo, err) < 0)
		return -1;
	store_reset(s);
	for (i = 0; i < n; i++) {
		const struct store_mapped *m = &rows[i];
		int b = (int)i * MAPPED_COLS;

		store_bind_int(s, b + 1, m->seq);
		store_binds_lasting(s, memo, b + 2, m->indicator);
		store_binds_lasting(s, memo, b + 3, m->geo);
		store_binds_text(s, memo, b + 4, m->period);
		if (m->has_value)
			store_bind_double(s, b + 5, m->value);
		else
			store_bind_null(s, b + 5);
		store_binds_lasting(s, memo, b + 6, m->unit);
		store_binds_text(s, memo, b + 7, m->flags);
		store_binds_text(s, memo, b + 8, m->qualifier);
		store_bind_int(s, b + 9, m->obs_id);
		store_binds_int(s, memo, b + 10, m->lineage_id);
		store_binds_text(s, memo, b + 11, m->locator);
		store_binds_text(s, memo, b + 12, m->precision);
	}
	return store_binds_batch_run(w->st, s, w->ins_mapped,
	                             "cannot stage mapped observations", err);
}

/* m's columns, in the SELECT's order. */
enum {
	M_SEQ,
	M_INDICATOR,
	M_GEO,
	M_PERIOD,
	M_VALUE,
	M_UNIT,
	M_FLAGS,
	M_QUALIFIER,
	M_OBS,
	M_LINEAGE,
	M_LOCATOR,
	M_PRECISION
};

int
store_write_staged(struct store_write *w,
                   int (*fn)(void *arg, const struct store_mapped *row),
                   void *arg, struct error *err)
{
	struct store_stmt *s = NULL;
	int rc, ret = 0;

	/* m carries each row's locator, so this reads nothing else (a join
	 * to the observations cost a random read each). */
	if (store_prepare(w->st,
	                  "SELECT seq, indicator, geo, period, value, unit, "
	                  "flags, qualifier, obs_id, lineage_id, locator, "
	                  "precision FROM "
	                  "m ORDER BY indicator, geo, period, seq, obs_id",
	                  &s, err) < 0)
		return -1;
	while (ret == 0 && (rc = store_step(s)) == STORE_ROW) {
		struct store_mapped row;

		row.seq = store_col_int(s, M_SEQ);
		row.indicator = store_col_str(s, M_INDICATOR);
		row.geo = store_col_str(s, M_GEO);
		row.period = store_col_str(s, M_PERIOD);
		row.has_value = !store_col_null(s, M_VALUE);
		row.value = store_col_double(s, M_VALUE);
		row.unit = store_col_str(s, M_UNIT);
		row.flags = store_col_str(s, M_FLAGS);
		row.qualifier = store_col_str(s, M_QUALIFIER);
		row.obs_id = store_col_int(s, M_OBS);
		row.lineage_id = store_col_int(s, M_LINEAGE);
		row.locator = store_col_str(s, M_LOCATOR);
		row.precision = store_col_str(s, M_PRECISION);
		ret = fn(arg, &row);
	}
	if (ret == 0 && rc != STORE_DONE)
		ret = store_fail(w->st, err, "cannot read mapped observations");
	store_finalize(s);
	return ret;
}

int
store_write_duplicates(struct store_write *w,
                       void (*fn)(void *arg, const char *indicator,
                                  const char *geo, const char *period,
                                  const char *places),
                       void *arg, struct error *err)
{
	struct store_stmt *s = NULL;
	int rc;

	if (store_prepare(
	            w->st,
	            "SELECT m.indicator, m.geo, m.period, "
	            "group_concat(o.locator || ' (''' || o.raw_geo || "
	            "''')', '; ') FROM m JOIN obs o ON o.id = "
	            "m.obs_id GROUP BY m.seq, m.indicator, m.geo, m.period "
	            "HAVING count(*) > 1",
	            &s, err) < 0)
		return -1;
	while ((rc = store_step(s)) == STORE_ROW)
		fn(arg, store_col_text(s, 0), store_col_text(s, 1),
		   store_col_text(s, 2), store_col_text(s, 3));
	store_finalize(s);
	return rc == STORE_DONE
	               ? 0
	               : store_fail(w->st, err, "cannot check duplicates");
}

int
store_write_unstage(struct store_write *w, struct error *err)
{
	return store_exec(w->st, "DELETE FROM m", err);
}
