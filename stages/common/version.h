/*
 * version — the program version and the git revision it was built from.
 */
#ifndef PROVSTAT_VERSION_H
#define PROVSTAT_VERSION_H

/* "0.1.0" */
const char *version_number(void);
/* The `git describe` of the build tree, or "unknown". */
const char *version_revision(void);
/* "provstat/0.1.0": the User-Agent product token. */
const char *version_user_agent(void);

#endif
