/* chain — see chain.h. */
#include "chain.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "crash.h"
#include "diag.h"
#include "fileio.h"
#include "xalloc.h"

extern char **environ;

char *
chain_program(const char *name)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		char *dir, *path;

		self[n] = '\0';
		dir = fileio_dirname(self);
		path = xasprintf("%s/%s", dir, name);
		free(dir);
		if (access(path, X_OK) == 0)
			return path;
		free(path);
	}
	return xstrdup(name);
}

/* Runs one stage and returns its exit code (EXIT_FAIL if it crashed). */
int
chain_stage(const char *stage, const struct chain_options *o,
            const char *const *extra, int nextra, struct error *err)
{
	char *name = xasprintf("provstat-%s", stage);
	char *prog = chain_program(name);
	char **argv;
	int argc = 0, i, status;
	pid_t pid;
	int rc;

	argv = xcalloc((size_t)(o->npass + nextra + 6), sizeof(*argv));
	argv[argc++] = prog;
	argv[argc++] = (char *)"--config";
	argv[argc++] = (char *)o->config;
	argv[argc++] = (char *)"--out";
	argv[argc++] = (char *)o->out;
	for (i = 0; i < o->npass; i++)
		argv[argc++] = (char *)o->pass[i];
	for (i = 0; i < nextra; i++)
		argv[argc++] = (char *)extra[i];
	argv[argc] = NULL;
	diag_debug("running %s", prog);
	rc = strchr(prog, '/')
	             ? posix_spawn(&pid, prog, NULL, NULL, argv, environ)
	             : posix_spawnp(&pid, prog, NULL, NULL, argv, environ);
	if (rc != 0) {
		error_set(err, "cannot run '%s': %s", prog, strerror(rc));
		status = EXIT_FAIL;
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			error_set(err, "cannot wait for '%s': %s", prog,
			          strerror(errno));
			status = EXIT_FAIL;
			goto out;
		}
	}
	if (WIFEXITED(status)) {
		status = WEXITSTATUS(status);
		if (status != EXIT_OK && status != EXIT_PARTIAL)
			error_set(err, "%s failed (exit %d)", name, status);
	} else {
		error_set(err, "%s was killed by signal %d", name,
		          WTERMSIG(status));
		status = EXIT_FAIL;
	}
out:
	free(argv);
	free(prog);
	free(name);
	return status;
}

int
chain_run(const struct chain_options *o, struct error *err)
{
	const char *fetch_extra[5];
	const char *emit_extra[2];
	char *lock_path = NULL;
	int nfetch = 0, nemit = 0, fd = -1, rc, result = EXIT_OK;

	if (fileio_mkdirs(o->out, 0755, err) < 0)
		return EXIT_FAIL;
	lock_path = xasprintf("%s/lock", o->out);
	/* No O_CLOEXEC: the stages inherit the lock, so it is held until the
	 * last of them ends even if this process is killed. */
	fd = open(lock_path, O_RDWR | O_CREAT, 0644);
	if (fd < 0) {
		error_set(err, "cannot open lock '%s': %s", lock_path,
		          strerror(errno));
		free(lock_path);
		return EXIT_FAIL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			error_set(err, "another run holds the lock '%s'",
			          lock_path);
			result = EXIT_LOCKED;
		} else {
			error_set(err, "cannot lock '%s': %s", lock_path,
			          strerror(errno));
			result = EXIT_FAIL;
		}
		goto out;
	}
	crash_point("run.after-lock");
	if (o->offline)
		fetch_extra[nfetch++] = "--offline";
	if (o->only) {
		fetch_extra[nfetch++] = "--only";
		fetch_extra[nfetch++] = o->only;
	}
	if (o->jobs) {
		fetch_extra[nfetch++] = "--jobs";
		fetch_extra[nfetch++] = o->jobs;
	}
	if (o->as_of) {
		emit_extra[nemit++] = "--as-of";
		emit_extra[nemit++] = o->as_of;
	}
	rc = chain_stage("fetch", o, fetch_extra, nfetch, err);
	if (rc == EXIT_PARTIAL)
		result = EXIT_PARTIAL;
	else if (rc != EXIT_OK) {
		result = EXIT_FAIL;
		goto out;
	}
	crash_point("run.after-fetch");
	rc = chain_stage("normalize", o, NULL, 0, err);
	if (rc == EXIT_PARTIAL)
		result = EXIT_PARTIAL;
	else if (rc != EXIT_OK) {
		result = EXIT_FAIL;
		goto out;
	}
	crash_point("run.after-normalize");
	if (chain_stage("reconcile", o, NULL, 0, err) != EXIT_OK) {
		result = EXIT_FAIL;
		goto out;
	}
	crash_point("run.after-reconcile");
	rc = chain_stage("emit", o, emit_extra, nemit, err);
	if (rc == EXIT_PARTIAL)
		result = EXIT_PARTIAL;
	else if (rc != EXIT_OK)
		result = EXIT_FAIL;
	else
		crash_point("run.after-emit");
out:
	if (fd >= 0)
		close(fd);
	free(lock_path);
	return result;
}
