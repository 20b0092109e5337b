/* provstat-normalize — read new snapshots into observations. */
#include <stdio.h>

#include "cli.h"
#include "diag.h"
#include "normalize.h"

static const char usage[] = "usage: provstat-normalize [-qv] [-c FILE] "
                            "[-o DIR]\n";

static const char help[] =
        "usage: provstat-normalize [-qv] [-c FILE] [-o DIR]\n"
        "\n"
        "Parse every archived snapshot not yet read under its source's\n"
        "current config into observations, each with its raw text and\n"
        "locator.  A snapshot with any problem loads nothing; every problem\n"
        "is reported with the source and the place.\n"
        "\n"
        "options:\n" CLI_COMMON_HELP "\n" CLI_EXIT_HELP;

int
main(int argc, char **argv)
{
	struct normalize_result res;
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct error err;
	struct cli cli;
	int rc, status = EXIT_FAIL;

	cli_init(&cli, argv[0], usage, help);
	if ((rc = cli_parse(&cli, argc, argv, NULL, NULL, NULL, NULL)) >= 0)
		return rc;
	error_clear(&err);
	if (cli_open(&cli, &cfg, &st, &err) < 0 ||
	    normalize_run(cfg, st, cli.out, &res, &err) < 0) {
		diag_error("%s", err.msg);
		goto out;
	}
	if (res.rejected) {
		diag_error("%zu snapshot%s rejected; the store and the current "
		           "release are unchanged",
		           res.rejected, res.rejected == 1 ? "" : "s");
		goto out;
	}
	if (res.snapshots)
		diag_info("%zu snapshot%s, %zu observations loaded",
		          res.snapshots, res.snapshots == 1 ? "" : "s",
		          res.observations);
	else
		diag_info("nothing new to normalize");
	status = res.stale ? EXIT_PARTIAL : EXIT_OK;
out:
	store_close(st);
	config_free(cfg);
	return status;
}
