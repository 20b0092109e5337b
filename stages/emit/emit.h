/*
 * emit — publishes what reconcile produced as a release:
 * OUT/releases/<UTC time>-<content hash>/ holding indicators.csv,
 * sources.csv and MANIFEST.sha256, with OUT/current pointing at it.
 *
 * A release is written under a temporary name, validated, fsync'd, renamed
 * into place, and switched in by renaming a new symbolic link over
 * OUT/current: a crash at any instant leaves the previous release intact.
 * The files are deterministic (fixed column and row order, shortest
 * round-trip numbers, no run timestamps), so a run whose release would equal
 * the current one publishes nothing and says so.
 */
#ifndef PROVSTAT_EMIT_H
#define PROVSTAT_EMIT_H

#include <stddef.h>

#include "config.h"
#include "error.h"
#include "store.h"

#define EMIT_ID_MAX 64

struct emit_options {
	const char *as_of; /* UTC time; NULL means now */
};

struct emit_result {
	int nothing_new; /* identical to the current release */
	char release_id[EMIT_ID_MAX];
	size_t values; /* rows of indicators.csv with a value: the chosen
	                  current value of each indicator, geo and period */
	size_t unpublished; /* rows of indicators without public data */
	size_t stale; /* sources not fresh */
	size_t pruned;
};

int emit_run(const struct config *cfg, struct store *st, const char *out_dir,
             const struct emit_options *opt, struct emit_result *res,
             struct error *err);

#endif
