/* testutil — see testutil.h. */
#include "testutil.h"

#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
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

long long
tu_scalar(struct store *st, const char *sql)
{
	struct store_stmt *s = NULL;
	struct error err;
	long long v;

	ck_assert_msg(store_prepare(st, sql, &s, &err) == 0, "%s", err.msg);
	ck_assert_msg(store_step(s) == STORE_ROW, "%s", sql);
	v = store_col_int(s, 0);
	store_finalize(s);
	return v;
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

static sqlite3_vfs journal_vfs;
static sqlite3_vfs *journal_real;
static sqlite3 *journal_db;
static char journal_into[80]; /* "INTO table (" */
static int journals;

static const sqlite3_io_methods *journal_real_io;
static sqlite3_io_methods journal_io; /* journal_real_io, but xWrite */

/* A page goes to a statement journal while its statement runs: count it if
 * an INSERT into the watched table is running.  (The journal's file is
 * opened once a transaction, by whichever statement needs it first: its
 * writes say which statements keep one.) */
static int
journal_write(sqlite3_file *file, const void *buf, int n, sqlite3_int64 off)
{
	sqlite3_stmt *s = NULL;

	if (journal_db)
		while ((s = sqlite3_next_stmt(journal_db, s)))
			if (sqlite3_stmt_busy(s) &&
			    strncmp(sqlite3_sql(s), "INSERT ", 7) == 0 &&
			    strstr(sqlite3_sql(s), journal_into))
				journals++;
	return journal_real_io->xWrite(file, buf, n, off);
}

static int
journal_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
             int *out)
{
	int rc;

	(void)vfs;
	rc = journal_real->xOpen(journal_real, name, file, flags, out);
	if (rc != SQLITE_OK || !(flags & SQLITE_OPEN_SUBJOURNAL) ||
	    !file->pMethods)
		return rc;
	if (!journal_real_io) {
		journal_real_io = file->pMethods;
		journal_io = *journal_real_io;
		journal_io.xWrite = journal_write;
	}
	/* The same file, through the same methods but one. */
	ck_assert_ptr_eq(file->pMethods, journal_real_io);
	file->pMethods = &journal_io;
	return rc;
}

void
tu_journals_watch(void)
{
	/* Settings change only while SQLite is shut down. */
	ck_assert_int_eq(sqlite3_shutdown(), SQLITE_OK);
	ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 0),
	                 SQLITE_OK);
	journal_real = sqlite3_vfs_find(NULL);
	ck_assert_ptr_nonnull(journal_real);
	journal_vfs = *journal_real;
	journal_vfs.zName = "count-journals";
	journal_vfs.xOpen = journal_open;
	ck_assert_int_eq(sqlite3_vfs_register(&journal_vfs, 1), SQLITE_OK);
	journal_db = NULL;
	journals = 0;
}

void
tu_journals_of(struct store *st, const char *table)
{
	struct store_stmt *s = NULL;
	struct error err;

	/* A store_stmt is SQLite's statement (store.c): its connection is
	 * the store's. */
	ck_assert_int_eq(store_prepare(st, "SELECT 1", &s, &err), 0);
	journal_db = sqlite3_db_handle((sqlite3_stmt *)s);
	store_finalize(s);
	snprintf(journal_into, sizeof(journal_into), "INTO %s (", table);
}

int
tu_journals(void)
{
	return journals;
}

void
tu_journals_end(void)
{
	journal_db = NULL;
	ck_assert_int_eq(sqlite3_vfs_unregister(&journal_vfs), SQLITE_OK);
	ck_assert_int_eq(sqlite3_vfs_register(journal_real, 1), SQLITE_OK);
	ck_assert_int_eq(sqlite3_shutdown(), SQLITE_OK);
	/* SQLite's default: 64 KiB in memory before a file. */
	ck_assert_int_eq(
	        sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 64 * 1024),
	        SQLITE_OK);
}

int
tu_is_sha256_hex(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}
