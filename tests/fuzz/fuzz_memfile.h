/* SPDX-License-Identifier: ISC */
/*
 * fuzz_memfile.h - an input as a file name, for parsers that open a path.
 *
 * The configuration and users-file loaders take a path and fopen() it, as
 * the daemon does; a harness writes each input into one memfd (created at
 * the first call, kept for the process) and hands them "/proc/self/fd/N".
 * No file is left behind and nothing touches the disk.
 */
#ifndef ARRAYD_FUZZ_MEMFILE_H
#define ARRAYD_FUZZ_MEMFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * Puts data[size] into the memfd and returns its path (static storage),
 * or NULL when the memfd cannot be made or written (the input is skipped).
 */
static inline const char *
fuzz_memfile(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;
	size_t off = 0;
	ssize_t n;

	if (fd == -1) {
		if ((fd = memfd_create("fuzz-input", MFD_CLOEXEC)) == -1)
			return NULL;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) == -1)
		return NULL;
	while (off < size) {
		if ((n = pwrite(fd, data + off, size - off, (off_t)off)) <= 0)
			return NULL;
		off += (size_t)n;
	}
	return path;
}

/* Aborts with `what` when `ok` is false: the harness found a bug. */
static inline void
fuzz_assert(int ok, const char *harness, const char *what)
{
	if (!ok) {
		fprintf(stderr, "%s: %s\n", harness, what);
		abort();
	}
}

#endif /* ARRAYD_FUZZ_MEMFILE_H */
