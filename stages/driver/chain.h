/*
 * chain — runs the stage programs one after another, as `provstat run`.
 *
 * The run holds an exclusive lock on OUT/lock for its whole length (the
 * stages inherit it), so two runs never overlap: the second gets
 * EXIT_LOCKED at once.  fetch's partial failure (some sources stale) lets
 * the chain go on and makes the run end with EXIT_PARTIAL; any other
 * failure stops the chain, so nothing is published from a failed stage and
 * the previous release stays current.
 */
#ifndef PROVSTAT_CHAIN_H
#define PROVSTAT_CHAIN_H

#include "error.h"

struct chain_options {
	const char *config;
	const char *out;
	int offline;
	const char *only;
	const char *jobs; /* --jobs for fetch, or NULL */
	const char *as_of;
	const char *const *pass; /* -q/-v/--log-format for every stage */
	int npass;
};

/* The path of a stage program beside this one (or its bare name, for
 * PATH); caller frees. */
char *chain_program(const char *name);

/* Runs one stage program with o's config, out and pass-through options
 * plus extra; returns its exit code (EXIT_FAIL if it crashed). */
int chain_stage(const char *stage, const struct chain_options *o,
                const char *const *extra, int nextra, struct error *err);

/*
 * Takes the lock and runs fetch, normalize, reconcile and emit.  Returns the
 * run's exit code (cli.h's EXIT_*); err explains EXIT_FAIL and EXIT_LOCKED.
 */
int chain_run(const struct chain_options *o, struct error *err);

#endif
