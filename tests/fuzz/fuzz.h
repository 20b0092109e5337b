/*
 * fuzz — what every fuzz target shares.
 *
 * A target defines LLVMFuzzerTestOneInput() (and may define
 * LLVMFuzzerInitialize()); libFuzzer drives it under `make fuzz`, and
 * tests/fuzz/replay.c drives the same code over the corpora in `make check`.
 * FUZZ_CONFIG, set by the Makefile, is tests/fuzz/config/provstat.json.
 */
#ifndef PROVSTAT_FUZZ_H
#define PROVSTAT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Observations the format targets have been handed (replay reports it). */
extern long fuzz_observations;

/* Aborts with a message: a fuzz target's setup must not fail quietly. */
void fuzz_die(const char *what, const char *why) __attribute__((noreturn));

#endif
