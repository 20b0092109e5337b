/*
 * fuzz_decode — what turns archived bytes into UTF-8 for the parsers:
 * gzip (zlib, recognised by its magic bytes) and Latin-1 or UTF-16 (iconv).
 *
 * The first byte picks the declared encoding; the rest is the archived
 * document, put in a memory-backed file (decode_open() reads a path).  The
 * decoded text is read to its end, and must stay within the cap.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/error.h"
#include "fuzz.h"
#include "common/decode.h"

#define DECODE_CAP ((size_t)1 << 20)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const encodings[] = {"utf-8", "latin-1", "utf-16",
	                                        NULL};
	struct decoded d;
	struct error err;
	char path[64], buf[4096];
	size_t total = 0, got;
	int fd;

	if (size < 1)
		return 0;
	fd = memfd_create("fuzz-decode", MFD_CLOEXEC);
	if (fd < 0)
		fuzz_die("memfd_create", "failed");
	if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		fuzz_die("write", "short write to the memory file");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (decode_open(path, encodings[data[0] & 3], DECODE_CAP, &d, &err) ==
	    0) {
		while ((got = fread(buf, 1, sizeof(buf), d.fp)) > 0)
			total += got;
		decode_close(&d);
		if (total > DECODE_CAP)
			fuzz_die(path, "decoded text is over the cap");
	}
	close(fd);
	return 0;
}
