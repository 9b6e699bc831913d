/* SPDX-License-Identifier: ISC */
/*
 * fileio.c - one reader for the small files the daemon loads whole (the
 * users file, the TLS certificate and key): refuses anything but a regular
 * file under the caller's cap, retries on EINTR and stops at the size seen
 * by fstat (a file growing underneath is read as it was).  It prints
 * nothing: callers word their own messages.
 */
#include "daemon/fileio.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* Ownership: *out is a new buffer owned by the caller (free). */
int
fileio_read_all(const char *path, size_t max, char **out, size_t *len,
    const char **step)
{
	struct stat st;
	size_t got = 0;
	ssize_t r;
	char *buf;
	int fd, err = 0;

	*out = NULL;
	if (len != NULL)
		*len = 0;
	if (step != NULL)
		*step = "open";
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	if (step != NULL)
		*step = "read";
	if (fstat(fd, &st) == -1) {
		err = -errno;
		goto out_close;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		err = -EINVAL;
		goto out_close;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		err = -ENOMEM;
		goto out_close;
	}
	while (got < (size_t)st.st_size &&
	    (r = read(fd, buf + got, (size_t)st.st_size - got)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			err = -errno;
			free(buf);
			goto out_close;
		}
		got += (size_t)r;
	}
	buf[got] = '\0';
	*out = buf;
	if (len != NULL)
		*len = got;
out_close:
	close(fd);
	return err;
}
