/* store_values — see store_values.h. */
#include "store_values.h"

#include <stdlib.h>

#include "store.h"
#include "xalloc.h"

struct store_values {
	struct store *st;
	struct store_stmt *s;
};

int
store_values_open(struct store *st, const char *as_of,
                  struct store_values **out, struct error *err)
{
	struct store_values *c = xcalloc(1, sizeof(*c));

	c->st = st;
	if (store_prepare(st,
	                  "SELECT indicator, geo, period, value, unit, flags, "
	                  "qualifier, status, known_from, source_id, key, "
	                  "note, precision FROM value WHERE " STORE_CHOSEN_AT(
	                          "", "?1") " ORDER BY indicator, geo, period",
	                  &c->s, err) < 0) {
		free(c);
		*out = NULL;
		return -1;
	}
	store_bind_text(c->s, 1, as_of);
	*out = c;
	return 0;
}

int
store_values_next(struct store_values *c, struct store_value *v,
                  struct error *err)
{
	struct store_stmt *s = c->s;
	int rc = store_step(s);

	if (rc == STORE_DONE)
		return 0;
	if (rc != STORE_ROW)
		return store_fail(c->st, err, "cannot read values");
	v->indicator = store_col_str(s, 0);
	v->geo = store_col_str(s, 1);
	v->period = store_col_str(s, 2);
	v->has_value = !store_col_null(s, 3);
	v->value = store_col_double(s, 3);
	v->unit = store_col_str(s, 4);
	v->flags = store_col_str(s, 5);
	v->qualifier = store_col_str(s, 6);
	v->status = store_col_str(s, 7);
	v->known_from = store_col_str(s, 8);
	v->source_id = store_col_str(s, 9);
	v->key = store_col_str(s, 10);
	v->note = store_col_str(s, 11);
	v->precision = store_col_str(s, 12);
	return 1;
}

void
store_values_close(struct store_values *c)
{
	if (!c)
		return;
	store_finalize(c->s);
	free(c);
}

/* The first row of s (key, derived) into *key, and 2 if there is another. */
static int
first_key(struct store *st, struct store_stmt *s, int unique, char **key,
          int *derived, struct error *err)
{
	int rc = store_step(s), ret;

	*key = NULL;
	if (rc == STORE_ROW) {
		*key = xstrdup(store_col_str(s, 0));
		*derived = (int)store_col_int(s, 1);
		ret = unique && store_step(s) == STORE_ROW ? 2 : 1;
	} else {
		ret = rc == STORE_DONE
		              ? 0
		              : store_fail(st, err, "cannot read values");
	}
	store_finalize(s);
	return ret;
}

int
store_value_find(struct store *st, const char *indicator, const char *geo,
                 const char *period, const char *as_of, char **key,
                 int *derived, struct error *err)
{
	struct store_stmt *s = NULL;

	if (store_prepare(st,
	                  "SELECT key, observation_id IS NULL FROM value "
	                  "WHERE indicator = ?1 AND geo = ?2 AND period = ?3 "
	                  "AND " STORE_CHOSEN_AT("", "?4"),
	                  &s, err) < 0)
		return -1;
	store_bind_text(s, 1, indicator);
	store_bind_text(s, 2, geo);
	store_bind_text(s, 3, period);
	store_bind_text(s, 4, as_of);
	return first_key(st, s, 0, key, derived, err);
}

int
store_value_find_key(struct store *st, const char *prefix, char **key,
                     int *derived, struct error *err)
{
	struct store_stmt *s = NULL;
	char *like = xasprintf("%s%%", prefix);
	int rc;

	if (store_prepare(st,
	                  "SELECT key, observation_id IS NULL FROM value "
	                  "WHERE key LIKE ?1",
	                  &s, err) < 0) {
		free(like);
		return -1;
	}
	store_bind_text(s, 1, like);
	rc = first_key(st, s, 1, key, derived, err);
	free(like);
	return rc;
}

int
store_value_only_from(struct store *st, const char *key, const char *source,
                      struct error *err)
{
	struct store_stmt *s = NULL;
	int rc, ret = -1;

	if (store_prepare(st,
	                  "WITH RECURSIVE v(id) AS (SELECT id FROM value WHERE "
	                  "key = ?1 UNION SELECT d.input_id FROM "
	                  "derived_input d JOIN v ON d.value_id = v.id) "
	                  "SELECT count(*), count(*) FILTER (WHERE "
	                  "source_id IS NOT ?2) FROM value WHERE id IN v AND "
	                  "observation_id IS NOT NULL",
	                  &s, err) < 0)
		return -1;
	store_bind_text(s, 1, key);
	store_bind_text(s, 2, source);
	rc = store_step(s);
	if (rc == STORE_ROW)
		ret = store_col_int(s, 0) > 0 && store_col_int(s, 1) == 0;
	else
		store_fail(st, err, "cannot list a value's sources");
	store_finalize(s);
	return ret;
}

int
store_values_conflicts(struct store *st, const char *as_of,
                       store_conflict_fn fn, void *arg, struct error *err)
{
	struct store_stmt *s = NULL;
	int rc, ret = 0;

	if (store_prepare(
	            st,
	            "SELECT l.indicator, l.geo, l.period, c.source_id, "
	            "c.value, l.source_id, l.value FROM value l JOIN value c "
	            "ON c.indicator = l.indicator AND c.geo = l.geo AND "
	            "c.period = l.period AND " STORE_CHOSEN_AT(
	                    "c.",
	                    "?1") " WHERE l.status = '" STORE_NOT_CHOSEN
	                          "' AND l.known_from <= "
	                          "?1 AND (l.known_to IS NULL OR l.known_to > "
	                          "?1) ORDER BY "
	                          "l.indicator, l.geo, l.period, l.source_id",
	            &s, err) < 0)
		return -1;
	store_bind_text(s, 1, as_of);
	while (ret == 0 && (rc = store_step(s)) == STORE_ROW) {
		struct store_conflict c;

		c.indicator = store_col_str(s, 0);
		c.geo = store_col_str(s, 1);
		c.period = store_col_str(s, 2);
		c.chosen_source = store_col_str(s, 3);
		c.has_chosen = !store_col_null(s, 4);
		c.chosen = store_col_double(s, 4);
		c.other_source = store_col_str(s, 5);
		c.has_other = !store_col_null(s, 6);
		c.other = store_col_double(s, 6);
		ret = fn(arg, &c);
	}
	if (ret == 0 && rc != STORE_DONE)
		ret = store_fail(st, err, "cannot read conflicts");
	store_finalize(s);
	return ret;
}
