/*
 * cli — what every provstat program's main() shares: the common options,
 * --version, usage errors, exit codes, and opening the config and the store.
 *
 * Options every program takes:
 *   -c, --config FILE     the configuration (cli_default_config())
 *   -o, --out DIR         the state directory (cli_default_state())
 *   -q, --quiet / -v, --verbose, --log-format human|json
 *   -h, --help / -V, --version
 */
#ifndef PROVSTAT_CLI_H
#define PROVSTAT_CLI_H

#include <getopt.h>

#include "config.h"
#include "error.h"
#include "store.h"

enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_PARTIAL = 3, /* some sources are stale */
	EXIT_LOCKED = 75 /* another run holds the lock (EX_TEMPFAIL) */
};

enum { CLI_OPT_LOG_FORMAT = 0x100, CLI_OPT_FIRST_FREE = 0x110 };

#define CLI_SHORT_OPTIONS "c:o:qvhV"
#define CLI_LONG_OPTIONS                                                       \
	{"config", required_argument, NULL, 'c'},                              \
	        {"out", required_argument, NULL, 'o'},                         \
	        {"quiet", no_argument, NULL, 'q'},                             \
	        {"verbose", no_argument, NULL, 'v'},                           \
	        {"log-format", required_argument, NULL, CLI_OPT_LOG_FORMAT},   \
	        {"help", no_argument, NULL, 'h'},                              \
	{                                                                      \
		"version", no_argument, NULL, 'V'                              \
	}

#define CLI_COMMON_HELP                                                        \
	"  -c, --config FILE    configuration (default: $PROVSTAT_CONFIG,\n"   \
	"                       config/provstat.json, /etc/provstat/, or "     \
	"the\n"                                                                \
	"                       installed default configuration)\n"            \
	"  -o, --out DIR        state and releases (default "                  \
	"$PROVSTAT_STATE,\n"                                                   \
	"                       or output)\n"                                  \
	"  -q, --quiet          errors only\n"                                 \
	"  -v, --verbose        more detail (twice: debug)\n"                  \
	"      --log-format F   human (default) or json lines on stderr\n"     \
	"  -h, --help           this help\n"                                   \
	"  -V, --version        version and git revision\n"

#define CLI_EXIT_HELP                                                          \
	"exit status: 0 success, 1 failure, 2 usage error, 3 partial (some\n"  \
	"sources stale), 75 another run holds the lock\n"

/*
 * The configuration a program reads without -c: $PROVSTAT_CONFIG, else
 * config/provstat.json in the current directory, else
 * /etc/provstat/provstat.json, else the one make install put beside the
 * programs (<bin>/../share/provstat/config/provstat.json).  The state
 * directory without -o: $PROVSTAT_STATE, else output.
 */
const char *cli_default_config(void);
const char *cli_default_state(void);

struct cli {
	const char *config;
	const char *out;
	const char *usage; /* the SYNOPSIS lines, for usage errors */
	const char *help; /* the whole --help text */
};

/* Sets defaults and the diagnostics' program name. */
void cli_init(struct cli *c, const char *argv0, const char *usage,
              const char *help);
/*
 * Handles one common option from getopt_long.  Returns 1 if it was common
 * and handled, 0 if the caller must handle it, and for -h/-V/bad values the
 * exit code the program must return at once (as -(code + 1)).
 */
int cli_option(struct cli *c, int opt, const char *arg);
/*
 * Parses argv: the common options, plus the program's own in extra
 * (terminated by a zeroed entry), each handed to on_opt(ctx, opt, optarg),
 * which returns 0, or -1 for a bad value (it has printed nothing; a usage
 * error follows).  *nargs (if not NULL) receives the index of the first
 * operand; without it, operands are a usage error.  Returns -1 to go on, or
 * the exit code main() must return at once (--help, --version, usage).
 */
int cli_parse(struct cli *c, int argc, char **argv, const struct option *extra,
              int (*on_opt)(void *ctx, int opt, const char *arg), void *ctx,
              int *first_operand);

/* Prints "prog: message" and the usage to stderr; returns EXIT_USAGE. */
int cli_usage_error(const struct cli *c, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* Loads the config and opens (creating) OUT/store.sqlite. */
int cli_open(const struct cli *c, struct config **cfg, struct store **st,
             struct error *err);
/* OUT/store.sqlite; caller frees. */
char *cli_store_path(const struct cli *c);

#endif
