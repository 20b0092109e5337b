/*
 * provstat — the driver: `provstat run` runs the chain, `provstat config
 * check` validates the configuration, and any other verb is dispatched to
 * the stage program that owns it, the way git dispatches its commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chain.h"
#include "cli.h"
#include "config.h"
#include "diag.h"
#include "fileio.h"
#include "geo.h"
#include "rebuild.h"
#include "verify.h"
#include "xalloc.h"

static const char usage[] =
        "usage: provstat run [-qv] [-c FILE] [-o DIR] [--offline] [--only ID]\n"
        "                    [--as-of DATE]\n"
        "       provstat rebuild --as-of DATE --out DIR [--from STATE] [-c "
        "FILE]\n"
        "       provstat config check [-c FILE]\n"
        "       provstat trace [--json | --prov] ID | --indicator I --geo G\n"
        "                      --period P\n"
        "       provstat status [--json | --prometheus]\n"
        "       provstat verify [-c FILE] [-o DIR]\n"
        "       provstat diff RELEASE RELEASE\n"
        "       provstat revisions [--indicator I]\n"
        "       provstat accept ID\n"
        "       provstat fetch|normalize|reconcile|emit [OPTIONS]\n"
        "       provstat --help | --version\n";

static const char help[] =
        "usage: provstat run [-qv] [-c FILE] [-o DIR] [--offline] [--only ID]\n"
        "                    [--as-of DATE]\n"
        "       provstat rebuild --as-of DATE --out DIR [--from STATE] [-c "
        "FILE]\n"
        "       provstat config check [-c FILE]\n"
        "       provstat trace [--json | --prov] ID | --indicator I --geo G\n"
        "                      --period P\n"
        "       provstat status [--json | --prometheus]\n"
        "       provstat verify [-c FILE] [-o DIR]\n"
        "       provstat diff RELEASE RELEASE\n"
        "       provstat revisions [--indicator I]\n"
        "       provstat accept ID\n"
        "       provstat fetch|normalize|reconcile|emit [OPTIONS]\n"
        "       provstat --help | --version\n"
        "\n"
        "Rebuild indicator datasets from published statistics, with "
        "provenance\n"
        "down to the byte.\n"
        "\n"
        "commands:\n"
        "  run            fetch, normalize, reconcile and emit, under a lock\n"
        "  rebuild        the release as known on DATE, offline, into DIR\n"
        "                 (--from STATE: the state directory, default output)\n"
        "  config check   validate the whole configuration, then read and map\n"
        "                 the archived documents under it (a scratch copy)\n"
        "  trace          where a published value came from (provstat-audit)\n"
        "  status         freshness of every source; exit 3 if any is stale\n"
        "  verify         re-hash the archive and rebuild the current release\n"
        "                 offline; exit 0 only if it is reproduced byte for "
        "byte\n"
        "  diff           values added, removed and changed between releases\n"
        "  revisions      every value a later vintage changed or withdrew, "
        "and when\n"
        "  accept         let source ID's snapshot held back as suspicious\n"
        "                 (it shrank beyond checks.max_drop) load next run\n"
        "  fetch, normalize, reconcile, emit\n"
        "                 run one stage (provstat-STAGE --help)\n"
        "\n"
        "options of run:\n" CLI_COMMON_HELP
        "      --offline        touch no network; use archived snapshots\n"
        "      --only ID        fetch only this source\n"
        "      --as-of DATE     publish what was known on DATE\n"
        "\n" CLI_EXIT_HELP;

enum { OPT_OFFLINE = CLI_OPT_FIRST_FREE, OPT_ONLY, OPT_AS_OF, OPT_JOBS };

/* The -q/-v/--log-format the stages get: as this run was asked to log.
 * pass must hold 8. */
static int
pass_through(const char **pass)
{
	int n = 0, level = diag_level();

	if (level == DIAG_ERROR || level == DIAG_WARN)
		pass[n++] = "-q";
	for (; level > DIAG_INFO && n < 4; level--)
		pass[n++] = "-v";
	if (diag_is_json()) {
		pass[n++] = "--log-format";
		pass[n++] = "json";
	}
	return n;
}

static int
run_option(void *ctx, int opt, const char *arg)
{
	struct chain_options *o = ctx;

	switch (opt) {
	case OPT_OFFLINE:
		o->offline = 1;
		return 0;
	case OPT_ONLY:
		o->only = arg;
		return 0;
	case OPT_AS_OF:
		o->as_of = arg;
		return 0;
	case OPT_JOBS:
		o->jobs = arg;
		return 0;
	default:
		return -1;
	}
}

static int
cmd_run(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"offline", no_argument, NULL, OPT_OFFLINE},
	        {"only", required_argument, NULL, OPT_ONLY},
	        {"as-of", required_argument, NULL, OPT_AS_OF},
	        {"jobs", required_argument, NULL, OPT_JOBS},
	        {NULL, 0, NULL, 0}};
	struct chain_options o;
	const char *pass[8];
	struct error err;
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = cli_parse(cli, argc, argv, longopts, run_option, &o, NULL)) >=
	    0)
		return rc;
	o.pass = pass;
	o.npass = pass_through(pass);
	o.config = cli->config;
	o.out = cli->out;
	error_clear(&err);
	rc = chain_run(&o, &err);
	if (rc == EXIT_FAIL || rc == EXIT_LOCKED)
		diag_error("%s", err.msg);
	else if (rc == EXIT_PARTIAL)
		diag_warn("finished with stale sources (exit 3)");
	return rc;
}

enum { OPT_FROM = CLI_OPT_FIRST_FREE + 8 };

struct rebuild_args {
	const char *as_of;
	const char *from;
};

static int
rebuild_option(void *ctx, int opt, const char *arg)
{
	struct rebuild_args *a = ctx;

	if (opt == OPT_AS_OF)
		a->as_of = arg;
	else if (opt == OPT_FROM)
		a->from = arg;
	else
		return -1;
	return 0;
}

static int
cmd_rebuild(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"as-of", required_argument, NULL, OPT_AS_OF},
	        {"from", required_argument, NULL, OPT_FROM},
	        {NULL, 0, NULL, 0}};
	struct rebuild_args a = {NULL, "output"};
	struct chain_options o;
	const char *pass[8];
	struct error err;
	int rc, out_given = 0, i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-o") || !strncmp(argv[i], "--out", 5))
			out_given = 1;
	if ((rc = cli_parse(cli, argc, argv, longopts, rebuild_option, &a,
	                    NULL)) >= 0)
		return rc;
	if (!a.as_of || !out_given)
		return cli_usage_error(cli, "rebuild needs --as-of DATE and "
		                            "--out DIR");
	memset(&o, 0, sizeof(o));
	o.config = cli->config;
	o.out = cli->out;
	o.pass = pass;
	o.npass = pass_through(pass);
	error_clear(&err);
	rc = rebuild_run(a.from, a.as_of, &o, &err);
	if (rc == EXIT_FAIL)
		diag_error("%s", err.msg);
	else
		diag_info("rebuilt as of %s: %s/current", a.as_of, o.out);
	return rc;
}

static int
cmd_verify(struct cli *cli, int argc, char **argv)
{
	struct verify_result res;
	struct chain_options o;
	const char *pass[8];
	struct error err;
	int rc;

	if ((rc = cli_parse(cli, argc, argv, NULL, NULL, NULL, NULL)) >= 0)
		return rc;
	memset(&o, 0, sizeof(o));
	o.config = cli->config;
	o.out = cli->out;
	o.pass = pass;
	/* The rebuild's own chatter is not the verdict. */
	pass[0] = "-q";
	o.npass = 1;
	error_clear(&err);
	rc = verify_run(&o, &res, &err);
	if (rc < 0) {
		diag_error("%s", err.msg);
		return EXIT_FAIL;
	}
	if (rc == 0)
		diag_info("verified release %s: %zu archived documents "
		          "re-hashed, "
		          "%zu files rebuilt byte for byte",
		          res.release, res.documents, res.files);
	else
		diag_error("release %s does NOT verify: %zu of %zu documents "
		           "changed, %zu of %zu files differ",
		           res.release, res.bad_documents, res.documents,
		           res.differences, res.files);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}

/*
 * The rest of what a run checks, against the archived documents: each
 * source's document parsed and every measure, geo, unit and period mapped
 * through the crosswalks, on a scratch copy of the state (rebuild.h), so
 * that nothing in the store or the releases changes.
 */
static int
check_documents(struct cli *cli)
{
	char *store = xasprintf("%s/store.sqlite", cli->out);
	char tmpl[] = "/tmp/provstat-check.XXXXXX";
	struct chain_options o;
	const char *pass[8];
	struct error err;
	int rc;

	if (!fileio_exists(store)) {
		printf("no archived documents in '%s' yet: run 'provstat "
		       "fetch' "
		       "(or 'provstat run'), and check again, to check the "
		       "sources against their documents\n",
		       cli->out);
		free(store);
		return EXIT_OK;
	}
	free(store);
	if (!mkdtemp(tmpl)) {
		diag_error("cannot make a scratch directory: %s",
		           strerror(errno));
		return EXIT_FAIL;
	}
	memset(&o, 0, sizeof(o));
	o.config = cli->config;
	o.out = tmpl;
	o.pass = pass;
	o.npass = pass_through(pass);
	error_clear(&err);
	rc = rebuild_check(cli->out, &o, &err);
	rmdir(tmpl);
	if (rc != EXIT_OK) {
		if (err.msg[0])
			diag_error("%s", err.msg);
		diag_error(
		        "the archived documents do not all read and map under "
		        "this configuration: every problem is listed above");
		return EXIT_FAIL;
	}
	printf("the archived documents of '%s' read and map without a "
	       "problem\n",
	       cli->out);
	return fflush(stdout) == EOF ? EXIT_FAIL : EXIT_OK;
}

static int
cmd_config(struct cli *cli, int argc, char **argv)
{
	struct config *cfg = NULL;
	struct geo_table *geo = NULL;
	struct error err;
	int rc;

	if (argc < 2 || strcmp(argv[1], "check") != 0)
		return cli_usage_error(cli, "usage: provstat config check");
	if ((rc = cli_parse(cli, argc - 1, argv + 1, NULL, NULL, NULL, NULL)) >=
	    0)
		return rc;
	error_clear(&err);
	if (config_load(&cfg, cli->config, &err) < 0 ||
	    geo_table_load(&geo, cfg->iso_codes_path, cfg->geo_aliases_path,
	                   &err) < 0) {
		diag_error("%s", err.msg);
		config_free(cfg);
		return EXIT_FAIL;
	}
	printf("%s: ok: %zu sources, %zu indicators, %zu crosswalk entries, "
	       "geo aliases version %s\n",
	       cli->config, cfg->nsources, cfg->nindicators, cfg->ncrosswalk,
	       geo_table_version(geo));
	geo_table_free(geo);
	config_free(cfg);
	if (fflush(stdout) == EOF) {
		diag_error("cannot write to standard output");
		return EXIT_FAIL;
	}
	return check_documents(cli);
}

/* Replaces this process with a stage program. */
static int
dispatch(const char *program, const char *verb, int argc, char **argv)
{
	char *path = chain_program(program);
	char **args = calloc((size_t)argc + 2, sizeof(*args));
	int i, n = 0;

	if (!args) {
		diag_error("out of memory");
		return EXIT_FAIL;
	}
	args[n++] = path;
	if (verb)
		args[n++] = (char *)verb;
	for (i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	if (strchr(path, '/'))
		execv(path, args);
	else
		execvp(path, args);
	diag_error("cannot run '%s': %s", path, strerror(errno));
	free(args);
	free(path);
	return EXIT_FAIL;
}

int
main(int argc, char **argv)
{
	static const char *const stages[] = {"fetch", "normalize", "reconcile",
	                                     "emit"};
	struct cli cli;
	const char *verb;
	size_t i;

	cli_init(&cli, argv[0], usage, help);
	if (argc < 2)
		return cli_usage_error(&cli, "missing command");
	verb = argv[1];
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0)
		return -cli_option(&cli, 'h', NULL) - 1;
	if (strcmp(verb, "--version") == 0 || strcmp(verb, "-V") == 0)
		return -cli_option(&cli, 'V', NULL) - 1;
	if (strcmp(verb, "run") == 0)
		return cmd_run(&cli, argc - 1, argv + 1);
	if (strcmp(verb, "config") == 0)
		return cmd_config(&cli, argc - 1, argv + 1);
	if (strcmp(verb, "rebuild") == 0)
		return cmd_rebuild(&cli, argc - 1, argv + 1);
	if (strcmp(verb, "verify") == 0)
		return cmd_verify(&cli, argc - 1, argv + 1);
	if (strcmp(verb, "accept") == 0)
		return dispatch("provstat-normalize", "--accept", argc - 1,
		                argv + 1);
	if (strcmp(verb, "diff") == 0 || strcmp(verb, "revisions") == 0)
		return dispatch("provstat-audit", verb, argc - 1, argv + 1);
	if (strcmp(verb, "trace") == 0 || strcmp(verb, "status") == 0)
		return dispatch("provstat-audit", verb, argc - 1, argv + 1);
	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		if (strcmp(verb, stages[i]) == 0) {
			char name[32];

			snprintf(name, sizeof(name), "provstat-%s", verb);
			return dispatch(name, NULL, argc - 1, argv + 1);
		}
	}
	return cli_usage_error(&cli, "unknown command '%s'", verb);
}
