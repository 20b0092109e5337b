/*
 * status — every configured source's freshness (freshness.h), for people
 * (a table), programs (--json: an array of objects) and monitoring
 * (--prometheus: a textfile-collector exposition).
 */
#ifndef PROVSTAT_STATUS_H
#define PROVSTAT_STATUS_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "error.h"
#include "store.h"

enum status_format { STATUS_HUMAN, STATUS_JSON, STATUS_PROMETHEUS };

/* Writes the report; *not_fresh counts stale and failed sources. */
int status_run(const struct config *cfg, struct store *st,
               enum status_format format, FILE *fp, size_t *not_fresh,
               struct error *err);

#endif
