/* cli — see cli.h. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "fileio.h"
#include "version.h"
#include "xalloc.h"

/* The configuration installed beside the programs: <bin>/../share/provstat
 * (make install), found from the running executable so that any PREFIX
 * works without a rebuild.  NULL when there is none. */
static const char *
installed_config(void)
{
	static char path[4096];
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return NULL;
	*slash = '\0';
	if ((size_t)snprintf(path, sizeof(path),
	                     "%s/../share/provstat/config/provstat.json",
	                     exe) >= sizeof(path) ||
	    access(path, R_OK) != 0)
		return NULL;
	return path;
}

const char *
cli_default_config(void)
{
	const char *env = getenv("PROVSTAT_CONFIG"), *inst;

	if (env && *env)
		return env;
	if (access("config/provstat.json", R_OK) == 0)
		return "config/provstat.json";
	if (access("/etc/provstat/provstat.json", R_OK) == 0)
		return "/etc/provstat/provstat.json";
	if ((inst = installed_config()))
		return inst;
	return "config/provstat.json"; /* what the error will name */
}

const char *
cli_default_state(void)
{
	const char *env = getenv("PROVSTAT_STATE");

	return env && *env ? env : "output";
}

void
cli_init(struct cli *c, const char *argv0, const char *usage, const char *help)
{
	diag_init(argv0);
	c->config = cli_default_config();
	c->out = cli_default_state();
	c->usage = usage;
	c->help = help;
}

int
cli_option(struct cli *c, int opt, const char *arg)
{
	switch (opt) {
	case 'c':
		c->config = arg;
		return 1;
	case 'o':
		c->out = arg;
		return 1;
	case 'q':
		diag_set_level(DIAG_ERROR);
		return 1;
	case 'v':
		diag_set_level(diag_level() + 1);
		return 1;
	case CLI_OPT_LOG_FORMAT:
		if (strcmp(arg, "json") == 0)
			diag_set_json(1);
		else if (strcmp(arg, "human") == 0)
			diag_set_json(0);
		else
			return -(cli_usage_error(c,
			                         "unknown log format '%s' "
			                         "(human or json)",
			                         arg) +
			         1);
		return 1;
	case 'h':
		if (fputs(c->help, stdout) == EOF || fflush(stdout) == EOF)
			return -(EXIT_FAIL + 1);
		return -(EXIT_OK + 1);
	case 'V':
		printf("%s %s (git %s)\n", diag_prog(), version_number(),
		       version_revision());
		if (fflush(stdout) == EOF)
			return -(EXIT_FAIL + 1);
		return -(EXIT_OK + 1);
	case '?':
		/* getopt_long has printed the problem. */
		fprintf(stderr, "%s", c->usage);
		return -(EXIT_USAGE + 1);
	default:
		return 0;
	}
}

int
cli_parse(struct cli *c, int argc, char **argv, const struct option *extra,
          int (*on_opt)(void *ctx, int opt, const char *arg), void *ctx,
          int *first_operand)
{
	static const struct option common[] = {CLI_LONG_OPTIONS};
	const size_t ncommon = sizeof(common) / sizeof(common[0]);
	struct option *all;
	size_t nextra = 0;
	int opt, rc, ret = -1;

	while (extra && extra[nextra].name)
		nextra++;
	all = xcalloc(ncommon + nextra + 1, sizeof(*all));
	memcpy(all, common, sizeof(common));
	if (nextra)
		memcpy(all + ncommon, extra, nextra * sizeof(*all));
	while ((opt = getopt_long(argc, argv, CLI_SHORT_OPTIONS, all, NULL)) !=
	       -1) {
		rc = cli_option(c, opt, optarg);
		if (rc < 0) {
			ret = -rc - 1;
			goto out;
		}
		if (rc == 1)
			continue;
		if (!on_opt || on_opt(ctx, opt, optarg) < 0) {
			ret = cli_usage_error(c, "bad option or value");
			goto out;
		}
	}
	if (first_operand)
		*first_operand = optind;
	else if (optind != argc)
		ret = cli_usage_error(c, "unexpected argument '%s'",
		                      argv[optind]);
out:
	free(all);
	return ret;
}

int
cli_usage_error(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", diag_prog());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", c->usage);
	return EXIT_USAGE;
}

char *
cli_store_path(const struct cli *c)
{
	return xasprintf("%s/store.sqlite", c->out);
}

int
cli_open(const struct cli *c, struct config **cfg, struct store **st,
         struct error *err)
{
	char *path = NULL;
	int ret = -1;

	*cfg = NULL;
	*st = NULL;
	if (config_load(cfg, c->config, err) < 0)
		return -1;
	if (fileio_mkdirs(c->out, 0755, err) < 0)
		goto out;
	path = cli_store_path(c);
	if (store_open(st, path, err) < 0)
		goto out;
	ret = 0;
out:
	free(path);
	if (ret < 0) {
		config_free(*cfg);
		*cfg = NULL;
	}
	return ret;
}
