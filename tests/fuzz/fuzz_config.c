/*
 * fuzz_config — the config loader, on a hostile source file.
 *
 * The input is written as the one source file of a scratch copy of
 * tests/fuzz/config (provstat.json and indicators.json as they are there);
 * if it holds a form feed, what follows it replaces indicators.json.
 * config_load() must accept it or fail with a message, nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/config.h"
#include "common/error.h"
#include "common/fileio.h"
#include "fuzz.h"

static char dir[64];

static void
put(const char *name, const void *data, size_t n)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(fp = fopen(path, "wb")) || fwrite(data, 1, n, fp) != n ||
	    fclose(fp) != 0)
		fuzz_die(path, "cannot write");
}

static void
copy(const char *name)
{
	char path[4096];
	char *buf;
	size_t n;
	struct error err;

	snprintf(path, sizeof(path), "%s", FUZZ_CONFIG);
	*strrchr(path, '/') = '\0';
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", name);
	if (fileio_read(path, 1u << 20, &buf, &n, &err) < 0)
		fuzz_die(path, err.msg);
	put(name, buf, n);
	free(buf);
}

static void
cleanup(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/sources/fuzz.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sources", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/provstat.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/indicators.json", dir);
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char sources[96];

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/provstat-fuzz-config.XXXXXX");
	if (!mkdtemp(dir))
		fuzz_die(dir, "cannot make a scratch directory");
	snprintf(sources, sizeof(sources), "%s/sources", dir);
	if (mkdir(sources, 0700) < 0)
		fuzz_die(sources, "cannot make the sources directory");
	atexit(cleanup);
	copy("provstat.json");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *ff = memchr(data, '\f', size);
	struct config *cfg = NULL;
	struct error err;
	char path[128];

	if (!dir[0])
		LLVMFuzzerInitialize(NULL, NULL);
	put("sources/fuzz.json", data, ff ? (size_t)(ff - data) : size);
	if (ff)
		put("indicators.json", ff + 1, size - (size_t)(ff - data) - 1);
	else
		copy("indicators.json");
	snprintf(path, sizeof(path), "%s/provstat.json", dir);
	if (config_load(&cfg, path, &err) == 0) {
		size_t i;

		for (i = 0; i < cfg->nsources; i++)
			if (!config_source(cfg, cfg->sources[i].id))
				fuzz_die(cfg->sources[i].id,
				         "loaded but not found");
		config_free(cfg);
	} else if (!err.msg[0]) {
		fuzz_die("config_load", "failed without a message");
	}
	return 0;
}
