/* testutil — see testutil.h. */
#include "testutil.h"

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "common/error.h"
#include "common/fileio.h"
#include "common/store.h"
#include "common/xalloc.h"
#include "fetch/fetch.h"

char *
tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/provstat-test-XXXXXX",
	                       base && *base ? base : "/tmp");

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	return tmpl;
}

char *
tu_write(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *parent = fileio_dirname(path);
	struct error err;
	FILE *fp;

	ck_assert_int_eq(fileio_mkdirs(parent, 0755, &err), 0);
	free(parent);
	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fputs(text, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

char *
tu_read(const char *path)
{
	struct error err;
	char *buf = NULL;
	size_t len;

	ck_assert_msg(fileio_read(path, 1u << 24, &buf, &len, &err) == 0, "%s",
	              err.msg);
	return buf;
}

void
tu_rmrf(const char *path)
{
	struct error err;

	fileio_remove_tree(path, &err);
}

int
tu_run(const char *const *argv)
{
	extern char **environ;
	pid_t pid;
	int status;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv,
	                 environ) != 0)
		return -1;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int
tu_stderr_to(const char *path)
{
	int saved, fd;

	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_msg(saved >= 0 && fd >= 0, "cannot redirect stderr to %s",
	              path);
	dup2(fd, 2);
	close(fd);
	return saved;
}

char *
tu_stderr_end(int saved, const char *path)
{
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	return tu_read(path);
}

void
tu_write_config(const char *dir)
{
	free(tu_write(dir, "provstat.json",
	              "{\"provstat\": 1, \"sources_dir\": \"sources\", "
	              "\"indicators\": \"indicators.json\", \"geo\": "
	              "{\"iso_codes\": "
	              "\"/usr/share/iso-codes/json/iso_3166-1.json\", "
	              "\"aliases\": \"geo/aliases.json\"}}\n"));
}

void
tu_write_csv_source(const char *dir, const char *id, const char *unit,
                    const char *extra)
{
	char *name = xasprintf("sources/%s.json", id);
	char *text = xasprintf(
	        "{\"id\": \"%s\", \"publisher\": \"P\", \"title\": \"T\", "
	        "\"url\": \"file:../sample/%s.csv\", \"format\": \"csv\", "
	        "\"licence\": \"L\", \"citation\": \"C\", \"grade\": "
	        "\"publisher\", \"max_age_days\": 0, %s\"columns\": {\"geo\": "
	        "\"country\", \"period\": \"year\", \"value\": \"reports\"}, "
	        "\"constant\": {\"measure\": \"m\", \"unit\": \"%s\"}}\n",
	        id, id, extra, unit);

	free(tu_write(dir, name, text));
	free(text);
	free(name);
}

void
tu_fetch(const char *dir, struct config **cfg, struct store **st)
{
	struct fetch_options fo = {0, NULL, 0};
	struct fetch_result fr;
	struct error err;
	char *path = xasprintf("%s/provstat.json", dir);
	char *out = xasprintf("%s/out", dir);
	char *store = xasprintf("%s/out/store.sqlite", dir);

	ck_assert_msg(config_load(cfg, path, &err) == 0, "%s", err.msg);
	ck_assert_msg(tu_run((const char *const[]){"mkdir", "-p", out, NULL}) ==
	                      0,
	              "mkdir");
	ck_assert_msg(store_open(st, store, &err) == 0, "%s", err.msg);
	ck_assert_msg(fetch_run(*cfg, *st, out, &fo, &fr, &err) == 0, "%s",
	              err.msg);
	free(path);
	free(out);
	free(store);
}

void
tu_pipeline_end(char **dir, struct config **cfg, struct store **st)
{
	if (*st)
		store_close(*st);
	config_free(*cfg);
	*st = NULL;
	*cfg = NULL;
	if (*dir)
		tu_rmrf(*dir);
	free(*dir);
	*dir = NULL;
}
