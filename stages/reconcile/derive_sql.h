/*
 * derive_sql — the queries of the derived operations that SQL computes,
 * derive.c's alone (it includes this header once): the rules' text kept
 * apart from the code that binds and runs them.
 */
#ifndef PROVSTAT_DERIVE_SQL_H
#define PROVSTAT_DERIVE_SQL_H

#include "derive.h"
#include "number.h"
#include "store.h"

/*
 * Each rule is one INSERT into dres for moment ?1 (time ?2) of input
 * indicator ?3.  The inner query gives geo, period, the value x (NULL when
 * an input has none), st ('incomplete' when a sum lacks a member or an
 * input is itself incomplete), the qualifier, the inputs' flags, the
 * inputs as "id:role,..." and the precision.
 */
#define VALID_AT                                                               \
	"WITH v AS (SELECT * FROM value WHERE indicator = ?3 "                 \
	"AND " STORE_CHOSEN_AT("", "?2") ") "
#define OUTER                                                                  \
	"INSERT INTO dres (i, geo, period, value, status, qualifier, flags, "  \
	"inputs, precision) SELECT ?1, geo, period, x, CASE WHEN st IS NOT "   \
	"NULL THEN st WHEN x IS NULL THEN 'not available' ELSE 'derived' "     \
	"END, q, fl, ins, pr FROM "
#define QUALIFIED "'" DERIVE_QUALIFIER "'"
/* Whether the precision of input a is rounded, or derived from rounded
 * ones: the result says NUMBER_PRECISION_FROM_ROUNDED. */
#define ROUNDED(a)                                                             \
	"(" a "precision GLOB 'rounded*' OR " a                                \
	"precision = '" NUMBER_PRECISION_FROM_ROUNDED "')"
#define FROM_ROUNDED "'" NUMBER_PRECISION_FROM_ROUNDED "'"

/* ?4 the sum's geo, ?5 the number of members (in dmember). */
static const char SUM_SQL[] = VALID_AT OUTER
        "(SELECT ?4 AS geo, period, "
        "  CASE WHEN count(value) = count(*) THEN sum(value) END AS x, "
        "  CASE WHEN count(*) < ?5 OR max(status = 'incomplete') "
        "    THEN 'incomplete' END AS st, "
        "  CASE WHEN max(qualifier) <> '' THEN " QUALIFIED
        "    ELSE '' END AS q, "
        "  group_concat(flags, '') AS fl, "
        "  group_concat(id || ':member', ',') AS ins, "
        "  CASE WHEN max(" ROUNDED("") ") THEN " FROM_ROUNDED
                                       "    ELSE '' END AS pr "
                                       " FROM v WHERE geo IN (SELECT geo FROM "
                                       "dmember) GROUP BY period)";

/* ?4 from, ?5 to, ?6 CHANGE_ABSOLUTE, CHANGE_PERCENT or CHANGE_RATIO, ?7 1
 * when a series break lies between them: no value, "not comparable". */
static const char CHANGE_SQL[] = VALID_AT OUTER
        "(SELECT b.geo AS geo, ?5 AS period, "
        "  CASE WHEN ?7 OR a.value IS NULL OR b.value IS NULL THEN NULL "
        "    WHEN ?6 = 0 THEN b.value - a.value "
        "    WHEN a.value = 0 THEN NULL "
        "    WHEN ?6 = 1 THEN (b.value - a.value) * 100.0 / a.value "
        "    ELSE b.value / a.value END AS x, "
        "  CASE WHEN ?7 THEN 'not comparable' "
        "    WHEN a.status = 'incomplete' OR b.status = 'incomplete' "
        "    THEN 'incomplete' END AS st, "
        "  CASE WHEN a.qualifier <> '' OR b.qualifier <> '' THEN " QUALIFIED
        "    ELSE '' END AS q, "
        "  a.flags || b.flags AS fl, "
        "  a.id || ':from,' || b.id || ':to' AS ins, "
        "  CASE WHEN " ROUNDED("a.") " OR " ROUNDED(
                "b.") " THEN " FROM_ROUNDED " ELSE '' END AS pr "
                      " FROM v a JOIN v b ON b.geo = a.geo "
                      " WHERE a.period = ?4 AND b.period = ?5)";

/* ?4 the periods a whole needs (3 months a quarter, 4 quarters a year),
 * ?5 1 for years.  A whole with a part missing has no value. */
static const char AGGREGATE_SQL[] = VALID_AT OUTER
        "(SELECT geo, CASE WHEN ?5 THEN substr(period, 1, 4) ELSE "
        "  substr(period, 1, 4) || '-Q' || "
        "  ((CAST(substr(period, 6, 2) AS INTEGER) + 2) / 3) END AS period, "
        "  CASE WHEN count(value) = ?4 THEN sum(value) END AS x, "
        "  CASE WHEN count(value) < ?4 OR max(status = 'incomplete') "
        "    THEN 'incomplete' END AS st, "
        "  CASE WHEN max(qualifier) <> '' THEN " QUALIFIED
        "    ELSE '' END AS q, "
        "  group_concat(flags, '') AS fl, "
        "  group_concat(id || ':part', ',') AS ins, "
        "  CASE WHEN max(" ROUNDED(
                "") ") THEN " FROM_ROUNDED "    ELSE '' END AS pr "
                    " FROM v WHERE CASE WHEN ?5 THEN period GLOB "
                    "  '[0-9][0-9][0-9][0-9]-Q[1-4]' ELSE period GLOB "
                    "  '[0-9][0-9][0-9][0-9]-[01][0-9]' END "
                    " GROUP BY 1, 2)";

/* ?4 the indicator subtracted: of - minus, same geo and period. */
static const char DIFFERENCE_SQL[] = VALID_AT OUTER
        "(SELECT a.geo AS geo, a.period AS period, "
        "  a.value - b.value AS x, "
        "  CASE WHEN a.status = 'incomplete' OR b.status = 'incomplete' "
        "    THEN 'incomplete' END AS st, "
        "  CASE WHEN a.qualifier <> '' OR b.qualifier <> '' THEN " QUALIFIED
        "    ELSE '' END AS q, "
        "  a.flags || b.flags AS fl, "
        "  a.id || ':of,' || b.id || ':minus' AS ins, "
        "  CASE WHEN " ROUNDED("a.") " OR " ROUNDED(
                "b.") " THEN " FROM_ROUNDED " ELSE '' END AS pr "
                      " FROM v a JOIN value b ON b.indicator = ?4 AND b.geo = "
                      "a.geo "
                      "  AND b.period = a.period AND " STORE_CHOSEN_AT(
                              "b.", "?2") ")";

/* ?4 the population indicator, ?5 the pinned time, ?6 per.  The
 * population is the one current at the pinned time, and only once that
 * time has come. */
static const char RATE_SQL[] = VALID_AT OUTER
        "(SELECT a.geo AS geo, a.period AS period, "
        "  CASE WHEN p.value > 0 THEN a.value * ?6 / p.value END AS x, "
        "  CASE WHEN a.status = 'incomplete' OR p.status = 'incomplete' "
        "    THEN 'incomplete' END AS st, "
        "  CASE WHEN a.qualifier <> '' OR p.qualifier <> '' THEN " QUALIFIED
        "    ELSE '' END AS q, "
        "  a.flags || p.flags AS fl, "
        "  a.id || ':value,' || p.id || ':population' AS ins, "
        "  CASE WHEN " ROUNDED("a.") " OR " ROUNDED(
                "p.") " THEN " FROM_ROUNDED " ELSE '' END AS pr "
                      " FROM v a JOIN value p ON p.indicator = ?4 AND p.geo = "
                      "a.geo "
                      "  AND p.period = a.period AND " STORE_CHOSEN_AT(
                              "p.", "?5") " WHERE ?5 <= ?2)";

#endif
