/* fuzz_common — see fuzz.h. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

long fuzz_observations;

void
fuzz_die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz: %s: %s\n", what, why);
	abort();
}

/* A target without setup of its own; libFuzzer calls it when present. */
__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}
