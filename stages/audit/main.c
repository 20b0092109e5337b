/* provstat-audit — trace values back to the bytes they came from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "diff.h"
#include "fileio.h"
#include "bytes.h"
#include "revisions.h"
#include "status.h"
#include "xalloc.h"
#include "trace.h"

static const char usage[] =
        "usage: provstat-audit trace [-qv] [-c FILE] [-o DIR] [--json | "
        "--prov] ID\n"
        "       provstat-audit trace [-qv] [-c FILE] [-o DIR] [--json] "
        "[--as-of DATE]\n"
        "                            --indicator I --geo G --period P\n"
        "       provstat-audit status [-qv] [-c FILE] [-o DIR] [--json | "
        "--prometheus]\n"
        "       provstat-audit diff [-o DIR] RELEASE RELEASE\n"
        "       provstat-audit revisions [-o DIR] [--indicator I]\n";

static const char help[] =
        "usage: provstat-audit trace [-qv] [-c FILE] [-o DIR] [--json | "
        "--prov] ID\n"
        "       provstat-audit trace [-qv] [-c FILE] [-o DIR] [--json] "
        "[--as-of DATE]\n"
        "                            --indicator I --geo G --period P\n"
        "       provstat-audit status [-qv] [-c FILE] [-o DIR] [--json | "
        "--prometheus]\n"
        "       provstat-audit diff [-o DIR] RELEASE RELEASE\n"
        "       provstat-audit revisions [-o DIR] [--indicator I]\n"
        "\n"
        "trace: one published value (by its lineage id from indicators.csv, "
        "or\n"
        "by indicator, geo and period) to the rules applied, the observation,\n"
        "the archived bytes (re-hashed) and the fetch that brought them.\n"
        "status: every source's freshness against its max_age_days; exit 3\n"
        "when any source is stale or failed.  PROVSTAT_NOW pins the clock.\n"
        "diff: values added (+), removed (-) and changed (~) between two\n"
        "releases (directories, or ids under DIR/releases).\n"
        "revisions: every value a later vintage changed (~) or withdrew (-),\n"
        "and when, oldest first.\n"
        "\n"
        "options:\n" CLI_COMMON_HELP
        "      --json           one JSON document on stdout\n"
        "      --prov           trace as a W3C PROV-JSON document\n"
        "      --prometheus     status as a Prometheus textfile\n"
        "      --indicator I, --geo G, --period P\n"
        "                       trace by key instead of lineage id\n"
        "      --as-of DATE     with the key form: as known on DATE\n"
        "      --depth N        trace a derived value's inputs N levels\n"
        "                       deep (0: list them only; default all)\n"
        "\n" CLI_EXIT_HELP;

enum {
	OPT_JSON = CLI_OPT_FIRST_FREE,
	OPT_INDICATOR,
	OPT_GEO,
	OPT_PERIOD,
	OPT_AS_OF,
	OPT_PROV,
	OPT_DEPTH
};

static int
trace_option(void *ctx, int opt, const char *arg)
{
	struct trace_query *q = ctx;

	switch (opt) {
	case OPT_JSON:
		q->json = 1;
		return 0;
	case OPT_PROV:
		q->prov = 1;
		return 0;
	case OPT_INDICATOR:
		q->indicator = arg;
		return 0;
	case OPT_GEO:
		q->geo = arg;
		return 0;
	case OPT_PERIOD:
		q->period = arg;
		return 0;
	case OPT_AS_OF:
		q->as_of = arg;
		return 0;
	case OPT_DEPTH: {
		char *end;

		q->depth = strtol(arg, &end, 10);
		return *arg && !*end && q->depth >= 0 && q->depth <= 1000 ? 0
		                                                          : -1;
	}
	default:
		return -1;
	}
}

static int
cmd_trace(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"json", no_argument, NULL, OPT_JSON},
	        {"prov", no_argument, NULL, OPT_PROV},
	        {"indicator", required_argument, NULL, OPT_INDICATOR},
	        {"geo", required_argument, NULL, OPT_GEO},
	        {"period", required_argument, NULL, OPT_PERIOD},
	        {"as-of", required_argument, NULL, OPT_AS_OF},
	        {"depth", required_argument, NULL, OPT_DEPTH},
	        {NULL, 0, NULL, 0}};
	struct trace_query q;
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct error err;
	char *path = NULL;
	int first, rc, status = EXIT_FAIL;

	memset(&q, 0, sizeof(q));
	q.depth = -1;
	if ((rc = cli_parse(cli, argc, argv, longopts, trace_option, &q,
	                    &first)) >= 0)
		return rc;
	optind = first;
	if (optind < argc)
		q.key = argv[optind++];
	if (optind != argc)
		return cli_usage_error(cli, "unexpected argument '%s'",
		                       argv[optind]);
	if (!q.key == !(q.indicator || q.geo || q.period))
		return cli_usage_error(cli,
		                       "give a lineage id, or --indicator, "
		                       "--geo and --period");
	if (!q.key && !(q.indicator && q.geo && q.period))
		return cli_usage_error(cli, "--indicator, --geo and --period "
		                            "go together");
	error_clear(&err);
	path = cli_store_path(cli);
	if (config_load(&cfg, cli->config, &err) < 0 ||
	    store_open_readonly(&st, path, &err) < 0 ||
	    trace_run(cfg, st, cli->out, &q, stdout, &err) < 0) {
		diag_error("%s", err.msg);
		goto out;
	}
	status = EXIT_OK;
out:
	if (fflush(stdout) == EOF && status == EXIT_OK) {
		diag_error("cannot write to standard output");
		status = EXIT_FAIL;
	}
	bytes_cache_release();
	free(path);
	store_close(st);
	config_free(cfg);
	return status;
}

enum { OPT_STATUS_JSON = CLI_OPT_FIRST_FREE + 16, OPT_STATUS_PROM };

static int
status_option(void *ctx, int opt, const char *arg)
{
	enum status_format *f = ctx;

	(void)arg;
	if (opt == OPT_STATUS_JSON)
		*f = STATUS_JSON;
	else if (opt == OPT_STATUS_PROM)
		*f = STATUS_PROMETHEUS;
	else
		return -1;
	return 0;
}

static int
cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"json", no_argument, NULL, OPT_STATUS_JSON},
	        {"prometheus", no_argument, NULL, OPT_STATUS_PROM},
	        {NULL, 0, NULL, 0}};
	enum status_format format = STATUS_HUMAN;
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct error err;
	size_t not_fresh = 0;
	char *path = NULL;
	int rc, status = EXIT_FAIL;

	if ((rc = cli_parse(cli, argc, argv, longopts, status_option, &format,
	                    NULL)) >= 0)
		return rc;
	error_clear(&err);
	path = cli_store_path(cli);
	if (config_load(&cfg, cli->config, &err) < 0 ||
	    store_open_readonly(&st, path, &err) < 0 ||
	    status_run(cfg, st, format, stdout, &not_fresh, &err) < 0) {
		diag_error("%s", err.msg);
		goto out;
	}
	status = not_fresh ? EXIT_PARTIAL : EXIT_OK;
out:
	if (fflush(stdout) == EOF && status != EXIT_FAIL) {
		diag_error("cannot write to standard output");
		status = EXIT_FAIL;
	}
	free(path);
	store_close(st);
	config_free(cfg);
	return status;
}

/* A release named by path, or by id under OUT/releases. */
static char *
release_dir(const struct cli *cli, const char *ref)
{
	char *under = xasprintf("%s/releases/%s", cli->out, ref);

	if (strchr(ref, '/') || !fileio_exists(under)) {
		free(under);
		return xstrdup(ref);
	}
	return under;
}

static int
cmd_diff(struct cli *cli, int argc, char **argv)
{
	struct diff_result res;
	struct error err;
	char *a = NULL, *b = NULL;
	int first, rc, status = EXIT_FAIL;

	if ((rc = cli_parse(cli, argc, argv, NULL, NULL, NULL, &first)) >= 0)
		return rc;
	if (argc - first != 2)
		return cli_usage_error(cli, "diff takes two releases");
	a = release_dir(cli, argv[first]);
	b = release_dir(cli, argv[first + 1]);
	error_clear(&err);
	if (diff_run(a, b, stdout, &res, &err) < 0) {
		diag_error("%s", err.msg);
		goto out;
	}
	diag_info("rows of indicators.csv (a value's, or an unpublished "
	          "indicator's): %zu added, %zu removed, %zu changed, %zu the "
	          "same",
	          res.added, res.removed, res.changed, res.same);
	status = EXIT_OK;
out:
	if (fflush(stdout) == EOF && status == EXIT_OK)
		status = EXIT_FAIL;
	free(a);
	free(b);
	return status;
}

static int
revisions_option(void *ctx, int opt, const char *arg)
{
	if (opt != OPT_INDICATOR)
		return -1;
	*(const char **)ctx = arg;
	return 0;
}

static int
cmd_revisions(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"indicator", required_argument, NULL, OPT_INDICATOR},
	        {NULL, 0, NULL, 0}};
	const char *indicator = NULL;
	struct store *st = NULL;
	struct error err;
	char *path = NULL;
	size_t n = 0;
	int rc, status = EXIT_FAIL;

	if ((rc = cli_parse(cli, argc, argv, longopts, revisions_option,
	                    &indicator, NULL)) >= 0)
		return rc;
	error_clear(&err);
	path = cli_store_path(cli);
	if (store_open_readonly(&st, path, &err) < 0 ||
	    revisions_run(st, indicator, stdout, &n, &err) < 0) {
		diag_error("%s", err.msg);
		goto out;
	}
	diag_info("%zu revision%s", n, n == 1 ? "" : "s");
	status = EXIT_OK;
out:
	if (fflush(stdout) == EOF && status == EXIT_OK)
		status = EXIT_FAIL;
	free(path);
	store_close(st);
	return status;
}

int
main(int argc, char **argv)
{
	struct cli cli;

	cli_init(&cli, argv[0], usage, help);
	if (argc >= 2 && strcmp(argv[1], "trace") == 0)
		return cmd_trace(&cli, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "status") == 0)
		return cmd_status(&cli, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "diff") == 0)
		return cmd_diff(&cli, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "revisions") == 0)
		return cmd_revisions(&cli, argc - 1, argv + 1);
	if (argc >= 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return -cli_option(&cli, 'h', NULL) - 1;
	if (argc >= 2 &&
	    (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0))
		return -cli_option(&cli, 'V', NULL) - 1;
	if (argc < 2)
		return cli_usage_error(&cli, "missing command");
	return cli_usage_error(&cli, "unknown command '%s'", argv[1]);
}
