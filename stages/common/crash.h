/*
 * crash — named crash points for recovery tests.
 *
 * When the environment variable PROVSTAT_CRASH holds a point's name, the
 * process kills itself with SIGKILL when it gets there: no cleanup, no
 * flush, as after a power cut or an OOM kill.  Tests use it to prove that
 * the next run repairs everything.  Unset (always, in production) it costs
 * one getenv() per point.
 *
 * Points are named STAGE.MOMENT and placed at every moment where a power
 * cut would leave something half done: in each stage before and after its
 * store transaction, in the archive and atomic_file after the fsync and
 * after the rename, in emit after each release file, before and after the
 * switch of current, and in the driver between stages.  tests/e2e/run
 * (crash_recovery) finds every point in the sources and tests each one.
 */
#ifndef PROVSTAT_CRASH_H
#define PROVSTAT_CRASH_H

void crash_point(const char *name);

#endif
