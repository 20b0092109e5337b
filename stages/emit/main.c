/* provstat-emit — publish a release. */
#include <stdio.h>

#include "cli.h"
#include "diag.h"
#include "emit.h"

static const char usage[] = "usage: provstat-emit [-qv] [-c FILE] [-o DIR] "
                            "[--as-of DATE]\n";

static const char help[] =
        "usage: provstat-emit [-qv] [-c FILE] [-o DIR] [--as-of DATE]\n"
        "\n"
        "Validate the reconciled values and publish them as a release under\n"
        "DIR/releases, switched in atomically as DIR/current.  A release "
        "equal\n"
        "to the current one is not published again.\n"
        "\n"
        "options:\n" CLI_COMMON_HELP
        "      --as-of DATE     what was known on DATE (YYYY-MM-DD, end of\n"
        "                       day, or YYYY-MM-DDTHH:MM:SSZ)\n"
        "\n" CLI_EXIT_HELP;

enum { OPT_AS_OF = CLI_OPT_FIRST_FREE };

static int
on_option(void *ctx, int opt, const char *arg)
{
	struct emit_options *o = ctx;

	if (opt != OPT_AS_OF)
		return -1;
	o->as_of = arg;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"as-of", required_argument, NULL, OPT_AS_OF},
	        {NULL, 0, NULL, 0}};
	struct emit_options opt = {NULL};
	struct emit_result res;
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
	if (cli_open(&cli, &cfg, &st, &err) < 0 ||
	    emit_run(cfg, st, cli.out, &opt, &res, &err) < 0) {
		diag_error("%s", err.msg);
		diag_error(
		        "nothing published; the current release is unchanged");
		goto out;
	}
	if (res.nothing_new)
		diag_info("nothing changed: the current release stands");
	else
		diag_info("published release %s (%zu values, one an "
		          "indicator, geo and period, and %zu unpublished "
		          "indicators; values a conflict policy did not choose "
		          "are in conflicts.csv)",
		          res.release_id, res.values, res.unpublished);
	if (res.stale)
		diag_warn("%zu source%s not fresh (see sources.csv)", res.stale,
		          res.stale == 1 ? "" : "s");
	status = res.stale ? EXIT_PARTIAL : EXIT_OK;
out:
	store_close(st);
	config_free(cfg);
	return status;
}
