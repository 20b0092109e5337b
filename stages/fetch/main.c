/* provstat-fetch — bring every source's document into the archive. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "diag.h"
#include "fetch.h"
#include "http.h"

static const char usage[] =
        "usage: provstat-fetch [-qv] [-c FILE] [-o DIR] [--offline] "
        "[--only ID] [--jobs N]\n";

static const char help[] =
        "usage: provstat-fetch [-qv] [-c FILE] [-o DIR] [--offline] "
        "[--only ID] [--jobs N]\n"
        "\n"
        "Fetch every configured source into the content-addressed archive and\n"
        "record each attempt.  A source that fails keeps its last good\n"
        "snapshot and is reported stale.\n"
        "\n"
        "options:\n" CLI_COMMON_HELP
        "      --offline        touch no network; use archived snapshots\n"
        "      --only ID        fetch one source\n"
        "      --jobs N         at most N transfers at once (default the\n"
        "                       config's fetch.jobs, 8)\n"
        "\n" CLI_EXIT_HELP;

enum { OPT_OFFLINE = CLI_OPT_FIRST_FREE, OPT_ONLY, OPT_JOBS };

static int
on_option(void *ctx, int opt, const char *arg)
{
	struct fetch_options *o = ctx;
	char *end;

	if (opt == OPT_OFFLINE) {
		o->offline = 1;
	} else if (opt == OPT_ONLY) {
		o->only = arg;
	} else if (opt == OPT_JOBS) {
		o->jobs = strtol(arg, &end, 10);
		if (*end || o->jobs < 1 || o->jobs > 256)
			return -1;
	} else {
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"offline", no_argument, NULL, OPT_OFFLINE},
	        {"only", required_argument, NULL, OPT_ONLY},
	        {"jobs", required_argument, NULL, OPT_JOBS},
	        {NULL, 0, NULL, 0}};
	struct fetch_options opt = {0, NULL, 0};
	struct fetch_result res;
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct error err;
	struct cli cli;
	int rc, status = EXIT_FAIL;

	cli_init(&cli, argv[0], usage, help);
	if ((rc = cli_parse(&cli, argc, argv, longopts, on_option, &opt,
	                    NULL)) >= 0)
		return rc;
	error_clear(&err);
	if (http_global_init(&err) < 0) {
		diag_error("%s", err.msg);
		return EXIT_FAIL;
	}
	if (cli_open(&cli, &cfg, &st, &err) < 0 ||
	    fetch_run(cfg, st, cli.out, &opt, &res, &err) < 0) {
		diag_error("%s", err.msg);
		goto out;
	}
	diag_info("%zu new, %zu unchanged, %zu not modified, %zu failed%s",
	          res.new_snapshots, res.unchanged, res.not_modified,
	          res.failed, opt.offline ? " (offline)" : "");
	if (res.retries)
		diag_info("%zu transient failures were retried", res.retries);
	status = res.failed ? EXIT_PARTIAL : EXIT_OK;
out:
	store_close(st);
	config_free(cfg);
	http_global_cleanup();
	return status;
}
