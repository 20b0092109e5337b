/*
 * crash — named crash points for recovery tests.
 *
 * When the environment variable PROVSTAT_CRASH holds a point's name, the
 * process kills itself with SIGKILL when it gets there: no cleanup, no
 * flush, as after a power cut or an OOM kill.  Tests use it to prove that
 * the next run repairs everything.  Unset (always, in production) it costs
 * one getenv() per point.
 *
 * Points: fetch.after-archive, fetch.after-record, normalize.mid-load,
 * normalize.before-commit, reconcile.mid-values, reconcile.before-commit,
 * emit.after-files, emit.after-rename, emit.after-switch.
 */
#ifndef PROVSTAT_CRASH_H
#define PROVSTAT_CRASH_H

void crash_point(const char *name);

#endif
