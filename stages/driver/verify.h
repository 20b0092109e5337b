/*
 * verify — `provstat verify`: proof that the current release follows from
 * the archive and the configuration.
 *
 * Every archived document is re-hashed against its name; then the current
 * release is rebuilt offline (rebuild.h) as of its own time, in a temporary
 * directory, and every file is compared byte for byte.  Each difference is
 * named.  Nothing in the state directory is written.
 */
#ifndef PROVSTAT_VERIFY_H
#define PROVSTAT_VERIFY_H

#include <stddef.h>

#include "chain.h"
#include "error.h"

struct verify_result {
	size_t documents; /* archived documents re-hashed */
	size_t bad_documents;
	size_t files; /* release files compared */
	size_t differences;
	char release[96];
};

/* o->out is the state directory.  Returns 0 when everything matched, 1
 * when something differs (listed through diag), -1 on failure. */
int verify_run(const struct chain_options *o, struct verify_result *res,
               struct error *err);

#endif
