/* SPDX-License-Identifier: ISC */
/*
 * fileio.h - read a small regular file (users file, PEM files) whole into
 * memory, with the size cap and EINTR handling in one place.
 */
#ifndef ARRAYD_FILEIO_H
#define ARRAYD_FILEIO_H

#include <stddef.h>

/*
 * Read the regular file `path` of at most `max` bytes.  On success returns
 * 0, *out a NUL-terminated buffer owned by the caller (free) and *len its
 * length (may be NULL).  Otherwise returns -errno with *out NULL: -EINVAL
 * when it is not a regular file or is larger than max, the open(2)/read(2)
 * error otherwise; *step (may be NULL) names what failed ("open", "read")
 * for messages.
 */
int fileio_read_all(const char *path, size_t max, char **out, size_t *len,
    const char **step);

#endif /* ARRAYD_FILEIO_H */
