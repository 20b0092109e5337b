/* store — see store.h. */
#include "store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hash.h"
#include "number.h"
#include "store_sqlite.h"
#include "strbuf.h"
#include "timefmt.h"
#include "version.h"
#include "xalloc.h"

struct store {
	sqlite3 *db;
	char *path;
	int unchecked; /* in a store_begin_load() transaction */
	int journal; /* in rollback-journal mode for it (not WAL) */
};

/*
 * Migrations, one per schema version: MIGRATIONS[i] takes user_version i to
 * i + 1.  Never edit a released entry; add a new one.
 */
static const char *const MIGRATIONS[] = {
        /* 0 -> 1: the initial schema. */
        "CREATE TABLE run ("
        "  id INTEGER PRIMARY KEY,"
        "  stage TEXT NOT NULL,"
        "  started_at TEXT NOT NULL,"
        "  finished_at TEXT,"
        "  status TEXT NOT NULL CHECK (status IN"
        "    ('running', 'ok', 'nothing-new', 'partial', 'failed')),"
        "  tool_version TEXT NOT NULL,"
        "  config_hash TEXT NOT NULL,"
        "  input_hash TEXT,"
        "  message TEXT"
        ") STRICT;"
        "CREATE TABLE source ("
        "  id TEXT PRIMARY KEY,"
        "  publisher TEXT NOT NULL,"
        "  title TEXT NOT NULL,"
        "  url TEXT NOT NULL,"
        "  format TEXT NOT NULL,"
        "  licence TEXT NOT NULL,"
        "  citation TEXT NOT NULL,"
        "  grade TEXT NOT NULL,"
        "  config_hash TEXT NOT NULL"
        ") STRICT;"
        "CREATE TABLE snapshot ("
        "  sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),"
        "  bytes INTEGER NOT NULL CHECK (bytes >= 0),"
        "  media_type TEXT,"
        "  first_seen TEXT NOT NULL"
        ") STRICT;"
        "CREATE TABLE fetch ("
        "  id INTEGER PRIMARY KEY,"
        "  run_id INTEGER NOT NULL REFERENCES run(id),"
        "  source_id TEXT NOT NULL REFERENCES source(id),"
        "  url TEXT NOT NULL,"
        "  effective_url TEXT,"
        "  redirects INTEGER NOT NULL DEFAULT 0,"
        "  http_status INTEGER,"
        "  etag TEXT,"
        "  last_modified TEXT,"
        "  content_type TEXT,"
        "  retrieved_at TEXT NOT NULL,"
        "  outcome TEXT NOT NULL CHECK (outcome IN"
        "    ('new', 'unchanged', 'not-modified', 'failed')),"
        "  error TEXT,"
        "  snapshot_sha256 TEXT REFERENCES snapshot(sha256),"
        "  bytes INTEGER,"
        "  duration_ms INTEGER,"
        "  attempts INTEGER NOT NULL DEFAULT 1,"
        "  CHECK ((outcome = 'failed') = (snapshot_sha256 IS NULL))"
        ") STRICT;"
        "CREATE INDEX fetch_by_source ON fetch(source_id, id);"
        "CREATE TABLE parse ("
        "  id INTEGER PRIMARY KEY,"
        "  run_id INTEGER NOT NULL REFERENCES run(id),"
        "  source_id TEXT NOT NULL REFERENCES source(id),"
        "  snapshot_sha256 TEXT NOT NULL REFERENCES snapshot(sha256),"
        "  source_config_hash TEXT NOT NULL,"
        "  status TEXT NOT NULL CHECK (status IN ('loaded', 'rejected')),"
        "  observations INTEGER NOT NULL,"
        "  first_observation INTEGER,"
        "  last_observation INTEGER,"
        "  problems TEXT,"
        "  parsed_at TEXT NOT NULL,"
        "  UNIQUE (source_id, snapshot_sha256, source_config_hash)"
        ") STRICT;"
        "CREATE TABLE observation ("
        "  id INTEGER PRIMARY KEY,"
        "  parse_id INTEGER NOT NULL REFERENCES parse(id),"
        "  measure TEXT NOT NULL,"
        "  raw_geo TEXT NOT NULL,"
        "  raw_period TEXT NOT NULL,"
        "  raw_value TEXT NOT NULL,"
        "  value REAL,"
        "  unit TEXT NOT NULL,"
        "  scale INTEGER NOT NULL DEFAULT 0,"
        "  decimals INTEGER NOT NULL DEFAULT 0,"
        "  flags TEXT NOT NULL DEFAULT '',"
        "  qualifier TEXT NOT NULL DEFAULT '',"
        "  locator TEXT,"
        "  line INTEGER,"
        "  col INTEGER,"
        "  byte_offset INTEGER,"
        "  byte_length INTEGER,"
        "  CHECK (locator IS NOT NULL OR (line IS NOT NULL AND col IS NOT "
        "NULL))"
        ") STRICT;"
        /* A text locator is stored only when line and column do not say it. */
        "CREATE VIEW obs AS SELECT id, parse_id, measure, raw_geo, raw_period,"
        "  raw_value, value, unit, scale, decimals, flags, qualifier,"
        "  coalesce(locator, 'line ' || line || ', column ' || col) AS locator,"
        "  line, col, byte_offset, byte_length FROM observation;"
        "CREATE TABLE lineage ("
        "  id INTEGER PRIMARY KEY,"
        "  recipe_sha256 TEXT NOT NULL UNIQUE,"
        "  recipe TEXT NOT NULL"
        ") STRICT;"
        "CREATE TABLE value ("
        "  id INTEGER PRIMARY KEY,"
        "  key TEXT NOT NULL UNIQUE,"
        "  indicator TEXT NOT NULL,"
        "  geo TEXT NOT NULL,"
        "  period TEXT NOT NULL,"
        "  known_from TEXT NOT NULL,"
        "  known_to TEXT,"
        "  value REAL,"
        "  unit TEXT NOT NULL,"
        "  flags TEXT NOT NULL DEFAULT '',"
        "  qualifier TEXT NOT NULL DEFAULT '',"
        "  status TEXT NOT NULL,"
        "  source_id TEXT NOT NULL REFERENCES source(id),"
        "  lineage_id INTEGER NOT NULL REFERENCES lineage(id),"
        "  observation_id INTEGER REFERENCES observation(id)"
        ") STRICT;"
        "CREATE INDEX value_by_key ON value(indicator, geo, period, "
        "known_from);"
        /* The observations a value was made from, when there is more than
         * one (duplicates summed by a declared rule). */
        "CREATE TABLE value_input ("
        "  value_id INTEGER NOT NULL REFERENCES value(id) ON DELETE CASCADE,"
        "  observation_id INTEGER NOT NULL REFERENCES observation(id),"
        "  PRIMARY KEY (value_id, observation_id)"
        ") STRICT, WITHOUT ROWID;",
        /* 1 -> 2: derived values.  A derived value has no source and no
         * observation; derived_input lists the values it was computed
         * from.  value is rebuilt by every reconcile, so it is recreated
         * rather than copied, and reconcile's fingerprint is forgotten so
         * that the next run rebuilds it. */
        "DROP TABLE value_input;"
        "DROP TABLE value;"
        "CREATE TABLE value ("
        "  id INTEGER PRIMARY KEY,"
        "  key TEXT NOT NULL UNIQUE,"
        "  indicator TEXT NOT NULL,"
        "  geo TEXT NOT NULL,"
        "  period TEXT NOT NULL,"
        "  known_from TEXT NOT NULL,"
        "  known_to TEXT,"
        "  value REAL,"
        "  unit TEXT NOT NULL,"
        "  flags TEXT NOT NULL DEFAULT '',"
        "  qualifier TEXT NOT NULL DEFAULT '',"
        "  status TEXT NOT NULL,"
        "  source_id TEXT REFERENCES source(id)," /* NULL: derived */
        "  lineage_id INTEGER NOT NULL REFERENCES lineage(id),"
        "  observation_id INTEGER REFERENCES observation(id),"
        "  note TEXT NOT NULL DEFAULT ''" /* e.g. the periods a derived
                                             value lacks */
        ") STRICT;"
        "CREATE INDEX value_by_key ON value(indicator, geo, period, "
        "known_from);"
        "CREATE TABLE value_input ("
        "  value_id INTEGER NOT NULL REFERENCES value(id) ON DELETE CASCADE,"
        "  observation_id INTEGER NOT NULL REFERENCES observation(id),"
        "  PRIMARY KEY (value_id, observation_id)"
        ") STRICT, WITHOUT ROWID;"
        "CREATE TABLE derived_input ("
        "  value_id INTEGER NOT NULL REFERENCES value(id) ON DELETE CASCADE,"
        "  input_id INTEGER NOT NULL REFERENCES value(id) ON DELETE CASCADE,"
        "  role TEXT NOT NULL,"
        "  PRIMARY KEY (value_id, input_id)"
        ") STRICT, WITHOUT ROWID;"
        "UPDATE run SET input_hash = NULL WHERE stage = 'reconcile';",
        /* 2 -> 3: a value's key is unique through an index of its own,
         * which reconcile drops while it writes every value and builds
         * again at the end: inserting random keys into a live index cost
         * a third of its time.  Recreated, as in 1 -> 2, and written out
         * in full rather than shared with it: a migration is history and
         * must not change when a later one does. */
        "DROP TABLE derived_input;"
        "DROP TABLE value_input;"
        "DROP TABLE value;"
        "CREATE TABLE value ("
        "  id INTEGER PRIMARY KEY,"
        "  key TEXT NOT NULL,"
        "  indicator TEXT NOT NULL,"
        "  geo TEXT NOT NULL,"
        "  period TEXT NOT NULL,"
        "  known_from TEXT NOT NULL,"
        "  known_to TEXT,"
        "  value REAL,"
        "  unit TEXT NOT NULL,"
        "  flags TEXT NOT NULL DEFAULT '',"
        "  qualifier TEXT NOT NULL DEFAULT '',"
        "  status TEXT NOT NULL,"
        "  source_id TEXT REFERENCES source(id)," /* NULL: derived */
        "  lineage_id INTEGER NOT NULL REFERENCES lineage(id),"
        "  observation_id INTEGER REFERENCES observation(id),"
        "  note TEXT NOT NULL DEFAULT ''"
        ") STRICT;"
        "CREATE UNIQUE INDEX value_key ON value(key);"
        "CREATE INDEX value_by_key ON value(indicator, geo, period, "
        "known_from);"
        "CREATE TABLE value_input ("
        "  value_id INTEGER NOT NULL REFERENCES value(id) ON DELETE CASCADE,"
        "  observation_id INTEGER NOT NULL REFERENCES observation(id),"
        "  PRIMARY KEY (value_id, observation_id)"
        ") STRICT, WITHOUT ROWID;"
        "CREATE TABLE derived_input ("
        "  value_id INTEGER NOT NULL REFERENCES value(id) ON DELETE CASCADE,"
        "  input_id INTEGER NOT NULL REFERENCES value(id) ON DELETE CASCADE,"
        "  role TEXT NOT NULL,"
        "  PRIMARY KEY (value_id, input_id)"
        ") STRICT, WITHOUT ROWID;"
        "UPDATE run SET input_hash = NULL WHERE stage = 'reconcile';",
        /* 3 -> 4: the foreign keys of observation and value are checked at
         * COMMIT.  Both tables are loaded by multi-row INSERTs, and while
         * a constraint can abort such a statement alone, SQLite keeps a
         * journal of every page the statement changes so that it can undo
         * it: 600 MB written to a temporary file to normalize 2,073,600
         * rows, 2.8 GB to reconcile them, for statements whose failure
         * fails their whole transaction anyway (they are INSERT OR
         * ROLLBACK).  A deferred key is still checked, once, at COMMIT.
         * observation keeps its rows and ids (the view over it is dropped
         * while it is renamed); values are derived, so they are recreated
         * as in 2 -> 3 and reconcile runs again. */
        "DROP TABLE derived_input;"
        "DROP TABLE value_input;"
        "DROP TABLE value;"
        "DROP VIEW obs;"
        "CREATE TABLE observation_new ("
        "  id INTEGER PRIMARY KEY,"
        "  parse_id INTEGER NOT NULL REFERENCES parse(id)"
        "    DEFERRABLE INITIALLY DEFERRED,"
        "  measure TEXT NOT NULL,"
        "  raw_geo TEXT NOT NULL,"
        "  raw_period TEXT NOT NULL,"
        "  raw_value TEXT NOT NULL,"
        "  value REAL,"
        "  unit TEXT NOT NULL,"
        "  scale INTEGER NOT NULL DEFAULT 0,"
        "  decimals INTEGER NOT NULL DEFAULT 0,"
        "  flags TEXT NOT NULL DEFAULT '',"
        "  qualifier TEXT NOT NULL DEFAULT '',"
        "  locator TEXT,"
        "  line INTEGER,"
        "  col INTEGER,"
        "  byte_offset INTEGER,"
        "  byte_length INTEGER,"
        "  CHECK (locator IS NOT NULL OR (line IS NOT NULL AND col IS NOT "
        "NULL))"
        ") STRICT;"
        "INSERT INTO observation_new SELECT id, parse_id, measure, raw_geo, "
        "raw_period, raw_value, value, unit, scale, decimals, flags, "
        "qualifier, locator, line, col, byte_offset, byte_length FROM "
        "observation ORDER BY id;"
        "DROP TABLE observation;"
        "ALTER TABLE observation_new RENAME TO observation;"
        "CREATE VIEW obs AS SELECT id, parse_id, measure, raw_geo, raw_period,"
        "  raw_value, value, unit, scale, decimals, flags, qualifier,"
        "  coalesce(locator, 'line ' || line || ', column ' || col) AS locator,"
        "  line, col, byte_offset, byte_length FROM observation;"
        "CREATE TABLE value ("
        "  id INTEGER PRIMARY KEY,"
        "  key TEXT NOT NULL,"
        "  indicator TEXT NOT NULL,"
        "  geo TEXT NOT NULL,"
        "  period TEXT NOT NULL,"
        "  known_from TEXT NOT NULL,"
        "  known_to TEXT,"
        "  value REAL,"
        "  unit TEXT NOT NULL,"
        "  flags TEXT NOT NULL DEFAULT '',"
        "  qualifier TEXT NOT NULL DEFAULT '',"
        "  status TEXT NOT NULL,"
        "  source_id TEXT REFERENCES source(id)" /* NULL: derived */
        "    DEFERRABLE INITIALLY DEFERRED,"
        "  lineage_id INTEGER NOT NULL REFERENCES lineage(id)"
        "    DEFERRABLE INITIALLY DEFERRED,"
        "  observation_id INTEGER REFERENCES observation(id)"
        "    DEFERRABLE INITIALLY DEFERRED,"
        "  note TEXT NOT NULL DEFAULT ''"
        ") STRICT;"
        "CREATE UNIQUE INDEX value_key ON value(key);"
        "CREATE INDEX value_by_key ON value(indicator, geo, period, "
        "known_from);"
        "CREATE TABLE value_input ("
        "  value_id INTEGER NOT NULL REFERENCES value(id) ON DELETE CASCADE,"
        "  observation_id INTEGER NOT NULL REFERENCES observation(id),"
        "  PRIMARY KEY (value_id, observation_id)"
        ") STRICT, WITHOUT ROWID;"
        "CREATE TABLE derived_input ("
        "  value_id INTEGER NOT NULL REFERENCES value(id) ON DELETE CASCADE,"
        "  input_id INTEGER NOT NULL REFERENCES value(id) ON DELETE CASCADE,"
        "  role TEXT NOT NULL,"
        "  PRIMARY KEY (value_id, input_id)"
        ") STRICT, WITHOUT ROWID;"
        "UPDATE run SET input_hash = NULL WHERE stage = 'reconcile';",
        /* 4 -> 5: the values a conflict policy did not choose, found
         * without reading every value: emit's conflicts.csv scanned all
         * of them for none (0.4 s of emit on 2,073,600 values). */
        "CREATE INDEX value_not_chosen ON value(indicator, geo, period, "
        "source_id) WHERE status = 'not chosen';",
        /* 5 -> 6: a figure's precision ("exact", "rounded to 100"; '' when
         * nothing says it), on observations and values alike.  A figure
         * already loaded with a scale word ("8.8 million") gets what
         * normalize now sets for one, the unit of its last written digit
         * (number.c), where that is a whole number; values are rebuilt by
         * the next reconcile. */
        "ALTER TABLE observation ADD COLUMN precision TEXT NOT NULL "
        "DEFAULT '';"
        "UPDATE observation SET precision = 'rounded to ' || "
        "substr('1000000000000000000', 1, 1 + scale - decimals) "
        "WHERE scale > 0 AND scale >= decimals;"
        "DROP VIEW obs;"
        "CREATE VIEW obs AS SELECT id, parse_id, measure, raw_geo, raw_period,"
        "  raw_value, value, unit, scale, decimals, flags, qualifier,"
        "  coalesce(locator, 'line ' || line || ', column ' || col) AS locator,"
        "  line, col, byte_offset, byte_length, precision FROM observation;"
        "ALTER TABLE value ADD COLUMN precision TEXT NOT NULL DEFAULT '';"
        /* And what was done to a snapshot's bytes before they were
         * parsed ("gzip", "latin-1 to UTF-8"; decode.h): a decoded
         * document's byte offsets are then the decoded text's, and trace
         * decodes it again to read them.  Parses made before it kept no
         * offsets for a decoded document, so '' says nothing false. */
        "ALTER TABLE parse ADD COLUMN decoding TEXT NOT NULL DEFAULT '';"
        "ALTER TABLE parse ADD COLUMN decoded_bytes INTEGER;"
        /* And the time before which a publisher asked not to be asked
         * again (a Retry-After longer than a run waits): fetch keeps to
         * it across runs. */
        "ALTER TABLE fetch ADD COLUMN not_before TEXT;"
        /* And the snapshots a person accepted although they shrank
         * beyond their source's max_drop (provstat accept). */
        "CREATE TABLE accepted ("
        "  source_id TEXT NOT NULL,"
        "  snapshot_sha256 TEXT NOT NULL,"
        "  accepted_at TEXT NOT NULL,"
        "  PRIMARY KEY (source_id, snapshot_sha256)"
        ") STRICT, WITHOUT ROWID;"
        "UPDATE run SET input_hash = NULL WHERE stage = 'reconcile';",
};

int
store_fail(struct store *st, struct error *err, const char *what)
{
	return error_set(err, "store '%s': %s: %s", st->path, what,
	                 sqlite3_errmsg(st->db));
}

char *
store_insert_sql(const char *head, int cols, size_t rows)
{
	struct strbuf sb;
	size_t r;
	int c;

	strbuf_init(&sb, SIZE_MAX / 2);
	strbuf_addstr(&sb, head);
	strbuf_addstr(&sb, " VALUES ");
	for (r = 0; r < rows; r++) {
		strbuf_addstr(&sb, r ? ", (" : "(");
		for (c = 0; c < cols; c++)
			strbuf_addstr(&sb, c ? ", ?" : "?");
		strbuf_addch(&sb, ')');
	}
	return strbuf_detach(&sb, NULL);
}

int
store_prepare_insert(struct store *st, const char *head, int cols, size_t rows,
                     struct store_stmt **out, struct error *err)
{
	char *sql = store_insert_sql(head, cols, rows);
	int rc = store_prepare(st, sql, out, err);

	free(sql);
	return rc;
}

int
store_sqlite_exec(sqlite3 *db, const char *label, const char *sql,
                  struct error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error_set(err, "%s: %s", label, msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
store_exec(struct store *st, const char *sql, struct error *err)
{
	char label[ERROR_MSG_MAX];

	snprintf(label, sizeof(label), "store '%s'", st->path);
	return store_sqlite_exec(st->db, label, sql, err);
}

/* A store_stmt is SQLite's statement (store_stmt.c). */
int
store_prepare(struct store *st, const char *sql, struct store_stmt **out,
              struct error *err)
{
	sqlite3_stmt *s = NULL;

	*out = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, err, "cannot prepare statement");
	*out = (struct store_stmt *)s;
	return 0;
}

const char *
store_errmsg(struct store *st)
{
	return sqlite3_errmsg(st->db);
}

int64_t
store_last_id(struct store *st)
{
	return sqlite3_last_insert_rowid(st->db);
}

int
store_begin(struct store *st, struct error *err)
{
	return store_exec(st, "BEGIN IMMEDIATE", err);
}

/*
 * Sets the journal mode (neither pragma works inside a transaction).
 * Returns 1 when the store is now in mode, 0 when another connection has
 * it open (leaving WAL needs the only one; SQLite refuses at once, without
 * waiting), -1 on any other failure.
 */
static int
store_journal_mode(struct store *st, const char *mode, struct error *err)
{
	struct store_stmt *s = NULL;
	char *sql = xasprintf("PRAGMA journal_mode = %s", mode);
	int rc, ret = -1;

	if (store_prepare(st, sql, &s, err) < 0)
		goto out;
	rc = store_step(s);
	if (rc == STORE_ROW && store_col_text(s, 0))
		ret = strcasecmp(store_col_text(s, 0), mode) == 0;
	else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		ret = 0;
	else
		store_fail(st, err, sql);
out:
	store_finalize(s);
	free(sql);
	return ret;
}

/*
 * The pragma is a no-op inside a transaction, hence before BEGIN and after
 * its end.  Checking observation's key to parse is a cursor opened, a seek
 * and a closed cursor per row: on 2,073,600 rows a tenth of the loader's
 * instructions (valgrind), for a key the loader binds from one variable.
 *
 * A load writes its pages once: its transaction runs with a rollback
 * journal, and the store goes back to WAL when it ends.  In WAL mode every
 * page a load adds is written twice, to the WAL and, when checkpointed,
 * into the database; a rollback journal keeps only the pages that were
 * there before the transaction, which a load mostly leaves alone.
 * TRUNCATE, because with synchronous = FULL SQLite fsyncs the truncation
 * that commits (a deleted journal is not made durable until the directory
 * is synced).  Through the WAL, normalize of the benchmark's 8,294,400
 * rows takes about 1.4x as long (and four times the system time), and
 * reconcile about 1.15x.
 *
 * The price is concurrency, for the length of one load: readers wait for
 * it (busy_timeout) instead of reading the last commit, it waits for the
 * reads under way when it first writes into the database, and a load that
 * is killed after that leaves a hot journal that only a read-write open
 * rolls back (a read-only one says so).  With another connection open when
 * the load begins (an audit reading), the switch is refused at once and the
 * load runs in WAL.
 */
int
store_begin_load(struct store *st, struct error *err)
{
	int rc;

	if (store_exec(st, "PRAGMA foreign_keys = OFF", err) < 0)
		return -1;
	st->unchecked = 1;
	rc = store_journal_mode(st, "truncate", err);
	if (rc > 0)
		st->journal = 1;
	if (rc < 0 || store_begin(st, err) < 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

/* After a transaction's end: keys are checked again, and the store is in
 * WAL mode again (or at the next try: store_open() sets it too). */
static void
store_checked(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		return;
	if (st->unchecked && sqlite3_exec(st->db, "PRAGMA foreign_keys = ON",
	                                  NULL, NULL, NULL) == SQLITE_OK)
		st->unchecked = 0;
	if (st->journal && store_journal_mode(st, "wal", NULL) > 0)
		st->journal = 0;
}

int
store_commit(struct store *st, struct error *err)
{
	int rc = store_exec(st, "COMMIT", err);

	store_checked(st);
	return rc;
}

void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	store_checked(st);
}

static int
store_pragma_int(struct store *st, const char *pragma, int *out,
                 struct error *err)
{
	struct store_stmt *s = NULL;
	char *sql = xasprintf("PRAGMA %s", pragma);
	int ret = -1;

	if (store_prepare(st, sql, &s, err) < 0)
		goto out;
	if (store_step(s) != STORE_ROW) {
		store_fail(st, err, pragma);
		goto out;
	}
	*out = store_col_int(s, 0);
	ret = 0;
out:
	store_finalize(s);
	free(sql);
	return ret;
}

static int
store_configure(struct store *st, struct error *err)
{
	int dummy;

	/* Defensive mode, and no double-quoted string literals: a misspelt
	 * column must be an error, not a string. */
	if (sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, &dummy) !=
	            SQLITE_OK ||
	    sqlite3_db_config(st->db, SQLITE_DBCONFIG_DQS_DML, 0, &dummy) !=
	            SQLITE_OK ||
	    sqlite3_db_config(st->db, SQLITE_DBCONFIG_DQS_DDL, 0, &dummy) !=
	            SQLITE_OK ||
	    sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0,
	                      &dummy) != SQLITE_OK)
		return store_fail(st, err, "cannot configure connection");
	sqlite3_busy_timeout(st->db, 10000);
	sqlite3_extended_result_codes(st->db, 1);
	return store_exec(st,
	                  "PRAGMA foreign_keys = ON;"
	                  "PRAGMA synchronous = FULL;"
	                  /* Temporary tables (reconcile's mapped
	                   * observations) in 16 KiB pages, whatever the
	                   * store's: a temporary database takes the page size
	                   * of the last page_size pragma.  Reconcile of
	                   * 2,073,600 observations peaked at 50 MiB with 32
	                   * KiB pages, 42 with 16 and 37 with 4, but 4 KiB
	                   * took 0.8 s longer (four times the reads and
	                   * writes of its temporary files). */
	                  "PRAGMA temp.page_size = 16384;",
	                  err);
}

/* Takes the schema to version upto (at most the newest). */
static int
store_migrate(struct store *st, size_t upto, struct error *err)
{
	int app_id, version;
	size_t i, n = sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]);
	char *sql = NULL;

	if (store_begin(st, err) < 0)
		return -1;
	if (store_pragma_int(st, "application_id", &app_id, err) < 0 ||
	    store_pragma_int(st, "user_version", &version, err) < 0)
		goto fail;
	if (app_id == 0 && version == 0) {
		struct store_stmt *s = NULL;
		int empty;

		/* A new file: refuse to adopt a database that holds tables. */
		if (store_prepare(st, "SELECT count(*) FROM sqlite_schema", &s,
		                  err) < 0)
			goto fail;
		empty = store_step(s) == STORE_ROW && store_col_int(s, 0) == 0;
		store_finalize(s);
		if (!empty) {
			error_set(err,
			          "store '%s': not a provstat store (it holds "
			          "other tables)",
			          st->path);
			goto fail;
		}
	} else if (app_id != STORE_APPLICATION_ID) {
		error_set(err,
		          "store '%s': not a provstat store (application_id "
		          "%d)",
		          st->path, app_id);
		goto fail;
	}
	if (version < 0 || (size_t)version > n) {
		error_set(err,
		          "store '%s': schema version %d is newer than this "
		          "provstat (%zu); upgrade provstat",
		          st->path, version, n);
		goto fail;
	}
	if (upto < n)
		n = upto;
	for (i = (size_t)version; i < n; i++) {
		if (store_exec(st, MIGRATIONS[i], err) < 0) {
			error_prefix(err, "migration %zu", i + 1);
			goto fail;
		}
	}
	sql = xasprintf("PRAGMA application_id = %d; PRAGMA user_version = %zu",
	                STORE_APPLICATION_ID, n);
	if (store_exec(st, sql, err) < 0 || store_commit(st, err) < 0)
		goto fail;
	free(sql);
	return 0;
fail:
	free(sql);
	store_rollback(st);
	return -1;
}

static int
store_open_flags(struct store **out, const char *path, int flags,
                 struct error *err)
{
	struct store *st = xcalloc(1, sizeof(*st));

	*out = NULL;
	st->path = xstrdup(path);
	/* One connection per process, used by one thread: no mutexes. */
	if (sqlite3_open_v2(path, &st->db,
	                    flags | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		if (st->db)
			store_fail(st, err, "cannot open");
		else
			error_set(err, "store '%s': cannot open", path);
		store_close(st);
		return -1;
	}
	if (store_configure(st, err) < 0) {
		/* A load killed midway (store_begin_load()), read-only. */
		if (sqlite3_extended_errcode(st->db) ==
		    SQLITE_READONLY_ROLLBACK)
			error_set(
			        err,
			        "store '%s': a load was interrupted and its "
			        "journal is still to be rolled back, which a "
			        "read-only open cannot do: run any stage that "
			        "writes first ('provstat run')",
			        path);
		store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

int
store_lineage(struct store *st, const char *recipe, int64_t *id,
              struct error *err)
{
	struct store_stmt *s = NULL;
	char sha[HASH_HEX_SIZE];
	int rc = -1;

	hash_hex(recipe, strlen(recipe), sha);
	/* DO UPDATE, not DO NOTHING: RETURNING gives the id of a row that
	 * was there already only when the statement touched it. */
	if (store_prepare(st,
	                  "INSERT INTO lineage (recipe_sha256, recipe) VALUES "
	                  "(?1, ?2) ON CONFLICT (recipe_sha256) DO UPDATE SET "
	                  "recipe = recipe RETURNING id",
	                  &s, err) < 0)
		return -1;
	store_bind_text(s, 1, sha);
	store_bind_text(s, 2, recipe);
	if (store_step(s) != STORE_ROW) {
		store_fail(st, err, "cannot record lineage");
		goto out;
	}
	*id = store_col_int(s, 0);
	rc = 0;
out:
	store_finalize(s);
	return rc;
}

const char *
store_locator(const char *locator, long long line, long long col,
              char buf[STORE_LOCATOR_MAX])
{
	char *p;

	if (locator && *locator)
		return locator;
	/* The view's 'line ' || line || ', column ' || col, without printf:
	 * reconcile spells one for every observation. */
	memcpy(buf, "line ", 5);
	p = number_put_int(buf + 5, line);
	memcpy(p, ", column ", 9);
	number_put_int(p + 9, col);
	return buf;
}

int
store_open_version(struct store **out, const char *path, int version,
                   struct error *err)
{
	struct store *st;

	if (store_open_flags(&st, path,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	                     err) < 0)
		return -1;
	/* 32 KiB pages: the store is mostly bulk-loaded and range-read (a new
	 * file only; an existing store keeps its page size).  Each page is
	 * two writes to the WAL and a read and a write when it is checkpointed
	 * into the database; with 16 KiB pages normalize of the benchmark's
	 * 2,073,600 rows is slower (up to a third), and its tail after the
	 * last row (commit and checkpoint) takes a quarter more.  64 KiB is
	 * no faster and makes SQLite's sorts in reconcile take more memory. */
	if (store_exec(st, "PRAGMA page_size = 32768", err) < 0 ||
	    store_exec(st, "PRAGMA journal_mode = WAL", err) < 0 ||
	    store_migrate(st, version < 0 ? 0 : (size_t)version, err) < 0) {
		store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

int
store_open(struct store **out, const char *path, struct error *err)
{
	return store_open_version(out, path, STORE_SCHEMA_VERSION, err);
}

int
store_open_readonly(struct store **out, const char *path, struct error *err)
{
	struct store *st;
	int app_id, version;

	if (store_open_flags(&st, path, SQLITE_OPEN_READONLY, err) < 0)
		return -1;
	if (store_pragma_int(st, "application_id", &app_id, err) < 0 ||
	    store_pragma_int(st, "user_version", &version, err) < 0) {
		store_close(st);
		return -1;
	}
	if (app_id != STORE_APPLICATION_ID || version != STORE_SCHEMA_VERSION) {
		error_set(err,
		          "store '%s': not a provstat store of schema version "
		          "%d (run 'provstat run' first)",
		          path, STORE_SCHEMA_VERSION);
		store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

void
store_close(struct store *st)
{
	if (!st)
		return;
	if (st->journal) /* back to WAL, if a try after the load failed */
		store_checked(st);
	sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
}

int
store_run_start(struct store *st, const char *stage, const char *config_hash,
                int64_t *run_id, struct error *err)
{
	struct store_stmt *s = NULL;
	char now[TIMEFMT_LEN];
	int ret = -1;

	timefmt_format(timefmt_now(), now);
	if (store_prepare(st,
	                  "INSERT INTO run (stage, started_at, status, "
	                  "tool_version, config_hash) VALUES (?, ?, 'running', "
	                  "?, ?)",
	                  &s, err) < 0)
		return -1;
	store_bind_text(s, 1, stage);
	store_bind_copy(s, 2, now, -1);
	store_bind_text(s, 3, version_number());
	store_bind_text(s, 4, config_hash);
	if (store_step(s) != STORE_DONE) {
		store_fail(st, err, "cannot record run");
		goto out;
	}
	*run_id = sqlite3_last_insert_rowid(st->db);
	ret = 0;
out:
	store_finalize(s);
	return ret;
}

int
store_run_finish(struct store *st, int64_t run_id, const char *status,
                 const char *input_hash, const char *message, struct error *err)
{
	struct store_stmt *s = NULL;
	char now[TIMEFMT_LEN];
	int ret = -1;

	timefmt_format(timefmt_now(), now);
	if (store_prepare(st,
	                  "UPDATE run SET finished_at = ?, status = ?, "
	                  "input_hash = ?, message = ? WHERE id = ?",
	                  &s, err) < 0)
		return -1;
	store_bind_copy(s, 1, now, -1);
	store_bind_text(s, 2, status);
	if (input_hash)
		store_bind_text(s, 3, input_hash);
	if (message)
		store_bind_text(s, 4, message);
	store_bind_int(s, 5, run_id);
	if (store_step(s) != STORE_DONE) {
		store_fail(st, err, "cannot record run end");
		goto out;
	}
	ret = 0;
out:
	store_finalize(s);
	return ret;
}

/*
 * DELETE FROM the value tables went row by row (each has foreign keys) and
 * journaled every page it changed: 32 s of 42 to reconcile 2,073,600
 * values a second time.  A dropped table's pages go to the free list.  The
 * tables are created again from their own definitions in sqlite_schema, so
 * they stay what the newest migration made them.  With no deferred
 * violation pending, DROP TABLE skips the implicit DELETE that value's
 * deferred keys would otherwise cost.
 */
int
store_values_reset(struct store *st, char **indexes, struct error *err)
{
	struct store_stmt *s = NULL;
	struct strbuf sql, later;
	int rc = -1;

	*indexes = NULL;
	strbuf_init(&sql, SIZE_MAX / 2);
	strbuf_init(&later, SIZE_MAX / 2);
	if (store_prepare(st,
	                  "SELECT sql, type = 'index' AND tbl_name = 'value' "
	                  "AND NOT (SELECT partial FROM "
	                  "pragma_index_list('value') p WHERE p.name = "
	                  "s.name) FROM sqlite_schema s WHERE tbl_name IN "
	                  "('value', 'value_input', 'derived_input') AND sql "
	                  "IS NOT NULL ORDER BY type = 'index', name",
	                  &s, err) < 0)
		goto out;
	while (store_step(s) == STORE_ROW) {
		struct strbuf *to = store_col_int(s, 1) ? &later : &sql;

		strbuf_addstr(to, store_col_text(s, 0));
		strbuf_addstr(to, ";\n");
	}
	store_finalize(s);
	s = NULL;
	if (!strstr(sql.buf, "CREATE TABLE derived_input")) {
		error_set(err, "store '%s': the value tables are missing",
		          st->path);
		goto out;
	}
	if (store_exec(st,
	               "DROP TABLE derived_input; DROP TABLE value_input; "
	               "DROP TABLE value",
	               err) < 0 ||
	    store_exec(st, sql.buf, err) < 0)
		goto out;
	*indexes = strbuf_detach(&later, NULL);
	rc = 0;
out:
	store_finalize(s);
	strbuf_release(&sql);
	strbuf_release(&later);
	return rc;
}

int
store_last_input(struct store *st, const char *stage, char **out,
                 struct error *err)
{
	struct store_stmt *s = NULL;
	int rc;

	*out = NULL;
	if (store_prepare(
	            st,
	            "SELECT input_hash FROM run WHERE stage = ? AND status "
	            "IN ('ok', 'nothing-new') ORDER BY id DESC LIMIT 1",
	            &s, err) < 0)
		return -1;
	store_bind_text(s, 1, stage);
	rc = store_step(s);
	if (rc == STORE_ROW && store_col_text(s, 0))
		*out = xstrdup(store_col_text(s, 0));
	else if (rc != STORE_ROW && rc != STORE_DONE) {
		store_finalize(s);
		return store_fail(st, err, "cannot read runs");
	}
	store_finalize(s);
	return 0;
}
