/* provstat-normalize — read new snapshots into observations. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "config.h"
#include "diag.h"
#include "normalize.h"
#include "store_parse.h"
#include "timefmt.h"

static const char usage[] = "usage: provstat-normalize [-qv] [-c FILE] "
                            "[-o DIR] [--accept ID]\n";

static const char help[] =
        "usage: provstat-normalize [-qv] [-c FILE] [-o DIR] [--accept ID]\n"
        "\n"
        "Parse every archived snapshot not yet read under its source's\n"
        "current config into observations, each with its raw text and\n"
        "locator.  A snapshot with any problem loads nothing; every problem\n"
        "is reported with the source and the place.  A snapshot with far\n"
        "fewer observations than its source's last loaded one (beyond the\n"
        "source's checks.max_drop) is held back as suspicious, the last\n"
        "loaded data staying in use, until it is accepted.\n"
        "\n"
        "options:\n" CLI_COMMON_HELP
        "      --accept ID      accept source ID's snapshot held back as\n"
        "                       suspicious; the next run loads it\n"
        "\n" CLI_EXIT_HELP;

enum { OPT_ACCEPT = CLI_OPT_FIRST_FREE };

static int
normalize_option(void *ctx, int opt, const char *arg)
{
	if (opt != OPT_ACCEPT)
		return -1;
	*(const char **)ctx = arg;
	return 0;
}

/* provstat accept ID: the held-back snapshot of source ID is accepted. */
static int
accept_source(const struct config *cfg, struct store *st, const char *id)
{
	char now[TIMEFMT_LEN], *sha = NULL;
	struct error err;
	int rc;

	if (!config_source(cfg, id)) {
		diag_error("no source '%s' is configured", id);
		return EXIT_FAIL;
	}
	timefmt_format(timefmt_now(), now);
	error_clear(&err);
	rc = store_parse_accept(st, id, now, &sha, &err);
	if (rc < 0) {
		diag_error("%s", err.msg);
		return EXIT_FAIL;
	}
	if (rc == 0) {
		diag_error("%s: no snapshot is held back as suspicious", id);
		return EXIT_FAIL;
	}
	diag_info("%s: snapshot %.12s accepted; the next run loads it", id,
	          sha);
	free(sha);
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"accept", required_argument, NULL, OPT_ACCEPT},
	        {NULL, 0, NULL, 0}};
	struct normalize_result res;
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct error err;
	struct cli cli;
	const char *accept = NULL;
	int rc, status = EXIT_FAIL;

	cli_init(&cli, argv[0], usage, help);
	if ((rc = cli_parse(&cli, argc, argv, longopts, normalize_option,
	                    &accept, NULL)) >= 0)
		return rc;
	error_clear(&err);
	if (cli_open(&cli, &cfg, &st, &err) < 0) {
		diag_error("%s", err.msg);
		goto out;
	}
	if (accept) {
		status = accept_source(cfg, st, accept);
		goto out;
	}
	if (normalize_run(cfg, st, cli.out, &res, &err) < 0) {
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
	else if (!res.suspicious)
		diag_info("nothing new to normalize");
	if (res.suspicious)
		diag_error("%zu snapshot%s held back as suspicious; the last "
		           "loaded data stays in use",
		           res.suspicious, res.suspicious == 1 ? "" : "s");
	status = res.stale || res.suspicious ? EXIT_PARTIAL : EXIT_OK;
out:
	store_close(st);
	config_free(cfg);
	return status;
}
