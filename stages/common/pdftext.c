/* pdftext — see pdftext.h. */
#include "pdftext.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"
#include "timefmt.h"
#include "xalloc.h"

extern char **environ;

/* pdf_run_tool(), and with stderr_too its standard error on the same
 * pipe (pdftotext -v prints its version there). */
static int
run_tool(const char *prog, const char *const *args, int fd, long timeout_s,
         size_t max, int stderr_too, char **out, size_t *len, struct error *err)
{
	posix_spawn_file_actions_t fa;
	char *argv[16];
	int pipefd[2] = {-1, -1}, status, n = 0, rc, killed = 0;
	struct strbuf sb;
	long long deadline = timefmt_mono_ms() + timeout_s * 1000;
	pid_t pid;

	strbuf_init(&sb, max);
	argv[n++] = (char *)prog;
	while (*args && n < 14)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	if (pipe(pipefd) < 0)
		return error_set(err, "cannot create a pipe: %s",
		                 strerror(errno));
	posix_spawn_file_actions_init(&fa);
	/* The document on fd 3, output on the pipe, nothing else open. */
	posix_spawn_file_actions_adddup2(&fa, fd, 3);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	if (stderr_too)
		posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	else
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
		                                 0);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	rc = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		return error_set(err,
		                 "cannot run '%s' (Debian package "
		                 "poppler-utils): %s",
		                 prog, strerror(rc));
	}
	for (;;) {
		struct pollfd p = {pipefd[0], POLLIN, 0};
		long long left = deadline - timefmt_mono_ms();
		char buf[65536];
		ssize_t got;

		if (left <= 0) {
			kill(pid, SIGKILL);
			killed = 1;
			break;
		}
		rc = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
		if (rc < 0 && errno != EINTR)
			break;
		if (rc <= 0)
			continue;
		got = read(pipefd[0], buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (strbuf_add(&sb, buf, (size_t)got) < 0) {
			kill(pid, SIGKILL);
			close(pipefd[0]);
			waitpid(pid, &status, 0);
			strbuf_release(&sb);
			return error_set(err,
			                 "%s: text output is larger than "
			                 "%zu bytes",
			                 prog, max);
		}
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (killed) {
		strbuf_release(&sb);
		return error_set(err, "%s: took longer than %ld s; stopped",
		                 prog, timeout_s);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		strbuf_release(&sb);
		if (WIFSIGNALED(status))
			return error_set(err, "%s crashed (signal %d)", prog,
			                 WTERMSIG(status));
		return error_set(err,
		                 "%s failed (exit %d): not a readable "
		                 "PDF",
		                 prog, WEXITSTATUS(status));
	}
	*out = strbuf_detach(&sb, len);
	return 0;
}

int
pdf_run_tool(const char *prog, const char *const *args, int fd, long timeout_s,
             size_t max, char **out, size_t *len, struct error *err)
{
	return run_tool(prog, args, fd, timeout_s, max, 0, out, len, err);
}

int
pdftext_extract(int fd, long timeout_s, size_t max, char **out, size_t *len,
                struct error *err)
{
	static const char *const args[] = {"-layout",   "-enc", "UTF-8",
	                                   "/dev/fd/3", "-",    NULL};

	return run_tool("pdftotext", args, fd, timeout_s, max, 0, out, len,
	                err);
}

const char *
pdftext_version(void)
{
	static char version[32];
	static const char *const args[] = {"-v", NULL};

	if (!version[0]) {
		char *text = NULL;
		const char *v;
		size_t len, n = 0;
		struct error err;
		int fd = open("/dev/null", O_RDONLY);

		snprintf(version, sizeof(version), "unknown");
		/* "pdftotext version 22.12.0\nCopyright ..." */
		if (fd >= 0 &&
		    run_tool("pdftotext", args, fd, 10, 1u << 16, 1, &text,
		             &len, &err) == 0 &&
		    (v = strstr(text, "version ")) != NULL) {
			v += 8;
			while (n + 1 < sizeof(version) &&
			       ((v[n] >= '0' && v[n] <= '9') || v[n] == '.'))
				n++;
			if (n > 0)
				snprintf(version, sizeof(version), "%.*s",
				         (int)n, v);
		}
		if (fd >= 0)
			close(fd);
		free(text);
	}
	return version;
}
