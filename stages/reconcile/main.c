/* provstat-reconcile — observations to canonical indicator values. */
#include <stdio.h>

#include "cli.h"
#include "diag.h"
#include "reconcile.h"

static const char usage[] = "usage: provstat-reconcile [-qv] [-c FILE] "
                            "[-o DIR]\n";

static const char help[] =
        "usage: provstat-reconcile [-qv] [-c FILE] [-o DIR]\n"
        "\n"
        "Map observations to canonical indicators, codes and periods through\n"
        "the crosswalks in the config, and record their vintages and lineage.\n"
        "Every unmapped code is listed with its source and locator.\n"
        "\n"
        "options:\n" CLI_COMMON_HELP "\n" CLI_EXIT_HELP;

int
main(int argc, char **argv)
{
	struct reconcile_result res;
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
	    reconcile_run(cfg, st, &res, &err) < 0) {
		diag_error("%s", err.msg);
		goto out;
	}
	if (res.nothing_new)
		diag_info("nothing new to reconcile");
	else
		diag_info("%zu values (%zu current: %zu observed, %zu derived, "
		          "%zu that a conflict policy does not choose; and "
		          "%zu earlier vintages), %zu observations excluded by "
		          "the geo crosswalk",
		          res.values, res.current,
		          res.current - res.derived_current - res.not_chosen,
		          res.derived_current, res.not_chosen,
		          res.values - res.current, res.excluded);
	status = EXIT_OK;
out:
	store_close(st);
	config_free(cfg);
	return status;
}
