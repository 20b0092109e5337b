/*
 * diag — diagnostics on stderr, the only printing outside main().
 *
 * Lines read "prog: message" (STYLE.md rule 16), or one JSON object per line
 * with --log-format=json.  The level is process state owned by this module
 * and set once by main(); the DIAG_* macros test the level before evaluating
 * their arguments (after redis' serverLog).
 */
#ifndef PROVSTAT_DIAG_H
#define PROVSTAT_DIAG_H

enum diag_level {
	DIAG_ERROR = 0, /* -q: errors only */
	DIAG_WARN = 1,
	DIAG_INFO = 2, /* default */
	DIAG_VERBOSE = 3, /* -v */
	DIAG_DEBUG = 4 /* -vv */
};

/* prog is borrowed for the life of the process (argv[0]'s basename). */
void diag_init(const char *prog);
void diag_set_level(int level);
int diag_level(void);
/* Selects JSON lines (1) or human lines (0). */
void diag_set_json(int on);
int diag_is_json(void);
const char *diag_prog(void);

void diag_log(int level, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#define DIAG_LOG(lvl, ...)                                                     \
	do {                                                                   \
		if (diag_level() >= (lvl))                                     \
			diag_log((lvl), __VA_ARGS__);                          \
	} while (0)
#define diag_error(...) DIAG_LOG(DIAG_ERROR, __VA_ARGS__)
#define diag_warn(...) DIAG_LOG(DIAG_WARN, __VA_ARGS__)
#define diag_info(...) DIAG_LOG(DIAG_INFO, __VA_ARGS__)
#define diag_verbose(...) DIAG_LOG(DIAG_VERBOSE, __VA_ARGS__)
#define diag_debug(...) DIAG_LOG(DIAG_DEBUG, __VA_ARGS__)

#endif
