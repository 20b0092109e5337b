/*
 * replay — a plain driver for a fuzz target: runs LLVMFuzzerTestOneInput()
 * once on every file named on the command line (directories are read one
 * level deep, in name order), so that `make check` replays the corpora
 * under ASan+UBSan without clang or libFuzzer.
 *
 *   replay-csv [--observations] tests/fuzz/corpus/csv
 *
 * Prints how many inputs ran (and the observations a format target was
 * handed); a crash is the sanitizers' report and a non-zero exit, as under
 * libFuzzer.  --observations fails when there were none: a seed corpus
 * that no longer parses under its config exercises only error paths.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "common/fileio.h"
#include "fuzz.h"

#define REPLAY_MAX_BYTES ((size_t)16 << 20)

static int
one(const char *path)
{
	struct error err;
	char *buf;
	size_t len;

	if (fileio_read(path, REPLAY_MAX_BYTES, &buf, &len, &err) < 0) {
		fprintf(stderr, "replay: %s\n", err.msg);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	return 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
main(int argc, char **argv)
{
	long runs = 0;
	int i = 1, n, k, bad = 0, want_obs = 0;

	if (argc > 1 && strcmp(argv[1], "--observations") == 0) {
		want_obs = 1;
		i++;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (; i < argc; i++) {
		struct dirent **names;
		struct stat st;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: cannot stat '%s'\n", argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= one(argv[i]) < 0;
			runs++;
			continue;
		}
		if ((n = scandir(argv[i], &names, NULL, by_name)) < 0) {
			fprintf(stderr, "replay: cannot read '%s'\n", argv[i]);
			return 1;
		}
		for (k = 0; k < n; k++) {
			char *path;

			if (names[k]->d_name[0] != '.') {
				path = fileio_join(argv[i], names[k]->d_name);
				bad |= one(path) < 0;
				runs++;
				free(path);
			}
			free(names[k]);
		}
		free(names);
	}
	printf("replay: %s: %ld inputs, %ld observations\n", argv[0], runs,
	       fuzz_observations);
	if (want_obs && fuzz_observations == 0) {
		fprintf(stderr, "replay: %s: no input gave an observation\n",
		        argv[0]);
		return 1;
	}
	return bad ? 1 : 0;
}
