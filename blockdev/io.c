/* SPDX-License-Identifier: ISC */
/*
 * io.c - the system calls of a copy: the default ops table (the real
 * calls, used by an engine or a probe given none) and the loops that move
 * a whole range through a table, again after EINTR and short transfers.
 * It decides nothing about what is copied; chunk.c and volume.c do.
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <linux/fs.h>

#include "blockdev/blockdev_int.h"

static ssize_t
sys_copy_file_range(int in, off_t *in_off, int out, off_t *out_off,
    size_t len, unsigned flags)
{
	return copy_file_range(in, in_off, out, out_off, len, flags);
}

static int
sys_ficlone(int dst, int src)
{
	return ioctl(dst, FICLONE, src);
}

static int
sys_sync_file_range(int fd, off_t off, off_t len, unsigned flags)
{
	return sync_file_range(fd, off, len, flags);
}

const struct bdev_io_ops bdev__io_default = {
	.pread = pread,
	.pwrite = pwrite,
	.fdatasync = fdatasync,
	.fallocate = fallocate,
	.copy_file_range = sys_copy_file_range,
	.ficlone = sys_ficlone,
	.sync_file_range = sys_sync_file_range,
};

/*
 * One loop for both directions: a read fills `rbuf`, a write (wbuf not
 * NULL) sends `wbuf`.
 */
static int
io_full(const struct bdev_io_ops *io, int fd, int first_fd, void *rbuf,
    const void *wbuf, size_t len, uint64_t off)
{
	int use = first_fd >= 0 ? first_fd : fd;
	size_t done = 0;

	while (done < len) {
		off_t at = (off_t)(off + done);
		ssize_t n = wbuf != NULL ?
		    io->pwrite(use, (const char *)wbuf + done, len - done, at) :
		    io->pread(use, (char *)rbuf + done, len - done, at);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;	/* the volume shrank under us */
		done += (size_t)n;
		use = fd;	/* an unaligned rest goes the buffered way */
	}
	return 0;
}

int
bdev__pread_full(const struct bdev_io_ops *io, int fd, int first_fd,
    void *buf, size_t len, uint64_t off)
{
	return io_full(io, fd, first_fd, buf, NULL, len, off);
}

int
bdev__pwrite_full(const struct bdev_io_ops *io, int fd, int first_fd,
    const void *buf, size_t len, uint64_t off)
{
	return io_full(io, fd, first_fd, NULL, buf, len, off);
}
