/* SPDX-License-Identifier: ISC */
/*
 * volume.c - volumes: sparse files and block devices.  Creates sparse files
 * at their declared size, reports size and allocation, walks extents with
 * SEEK_DATA/SEEK_HOLE, makes ranges read as zeros without allocating (punch,
 * zeroing fallocate, BLKZEROOUT) and clones with FICLONE where the filesystem
 * can.  It never copies data itself (copy.c does) and keeps no state.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/falloc.h>
#include <linux/fs.h>

#include "blockdev/blockdev.h"
#include "blockdev/blockdev_int.h"

static bool
blk_can_discard(const struct stat *st)
{
	char path[96], buf[32];
	FILE *f;
	bool ok = false;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/discard_max_bytes",
	    major(st->st_rdev), minor(st->st_rdev));
	if ((f = fopen(path, "re")) == NULL)
		return false;
	if (fgets(buf, sizeof(buf), f) != NULL)
		ok = strtoull(buf, NULL, 10) > 0;
	fclose(f);
	return ok;
}

int
bdev__fstat(int fd, struct bdev_info *out)
{
	struct stat st;
	uint64_t size;

	if (fstat(fd, &st) == -1)
		return -errno;
	memset(out, 0, sizeof(*out));
	if (S_ISREG(st.st_mode)) {
		out->kind = BDEV_FILE;
		out->size = (uint64_t)st.st_size;
		out->allocated = (uint64_t)st.st_blocks * 512;
		/* Every Linux filesystem we run on punches; a probe needs a writable fd. */
		out->can_punch = true;
		return 0;
	}
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;
	if (ioctl(fd, BLKGETSIZE64, &size) == -1)
		return -errno;
	out->kind = BDEV_BLOCK;
	out->size = size;
	out->allocated = size;
	out->can_punch = blk_can_discard(&st);
	return 0;
}

int
bdev_stat(const char *path, struct bdev_info *out)
{
	struct stat st;
	int fd, err;

	if (stat(path, &st) == -1)
		return -errno;
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return -ENOTBLK;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	err = bdev__fstat(fd, out);
	close(fd);
	return err;
}

int
bdev__sync_parent(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd, err = 0;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -errno;
	if (fsync(fd) == -1)
		err = -errno;
	close(fd);
	return err;
}

int
bdev_create(const char *path, uint64_t size)
{
	int fd, err;

	if (size == 0 || size % 512 != 0 || size > (uint64_t)INT64_MAX)
		return -EINVAL;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1)
		return -errno;
	if (ftruncate(fd, (off_t)size) == -1 || fsync(fd) == -1) {
		err = -errno;
		goto out_unlink;
	}
	close(fd);
	/* The new name must survive a crash like the pair that refers to it. */
	if ((err = bdev__sync_parent(path)) != 0)
		unlink(path);	/* ours (O_EXCL): nobody would remove it */
	return err;

out_unlink:
	close(fd);
	unlink(path);
	return err;
}

int
bdev_ensure(const char *path, uint64_t size, struct bdev_info *out)
{
	struct bdev_info info;
	int err;

	if (size % 512 != 0)
		return -EINVAL;
	err = bdev_stat(path, &info);
	if (err == -ENOENT && size > 0) {
		if ((err = bdev_create(path, size)) != 0 && err != -EEXIST)
			return err;
		err = bdev_stat(path, &info);
	}
	if (err != 0)
		return err;
	if (out != NULL)
		*out = info;
	return 0;
}

int
bdev_remove(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return -errno;
	/* arrayd never deletes a device node or anything that is not its file. */
	if (!S_ISREG(st.st_mode))
		return S_ISBLK(st.st_mode) ? -EPERM : -ENOTBLK;
	if (unlink(path) == -1)
		return -errno;
	return bdev__sync_parent(path);
}

int
bdev_resize(const char *path, uint64_t size)
{
	struct stat st;
	int fd, err = 0;

	if (size == 0 || size % 512 != 0 || size > (uint64_t)INT64_MAX)
		return -EINVAL;
	if ((fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -errno;
	if (fstat(fd, &st) == -1)
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -ENOTBLK;
	else if (ftruncate(fd, (off_t)size) == -1 || fsync(fd) == -1)
		err = -errno;
	close(fd);
	return err;
}

int
bdev_reflink(const char *src, const char *dst)
{
	struct stat st;
	int sfd, dfd, err = 0;
	bool created;

	if ((sfd = open(src, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	created = stat(dst, &st) == -1;
	dfd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (dfd == -1) {
		err = -errno;
		goto out_close_src;
	}
	if (ioctl(dfd, FICLONE, sfd) == -1) {
		err = -errno;
		/* Filesystems without remap say EOPNOTSUPP, EINVAL or ENOTTY. */
		if (err == -EINVAL || err == -ENOTTY)
			err = -EOPNOTSUPP;
	} else if (fsync(dfd) == -1) {
		err = -errno;
	}
	close(dfd);
	if (err != 0 && created)
		unlink(dst);
out_close_src:
	close(sfd);
	return err;
}

int
bdev__zero_range(const struct bdev_io_ops *io, int fd, bool is_blk,
    uint64_t off, uint64_t len, const void *zbuf, size_t zlen)
{
	uint64_t range[2] = { off, len };
	int err;

	if (len == 0)
		return 0;
	/* On a device this discards where that zeroes, else writes zeros. */
	if (io->fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    (off_t)off, (off_t)len) == 0)
		return 0;
	err = -errno;
	if (err != -EOPNOTSUPP && err != -EINVAL && err != -ENODEV)
		return err;
	if (is_blk && ioctl(fd, BLKZEROOUT, range) == 0)
		return 0;
	if (zbuf == NULL || zlen == 0)
		return err;
	for (; len > 0; off += zlen, len -= zlen) {
		if (len < zlen)
			zlen = (size_t)len;
		if ((err = bdev__pwrite_full(io, fd, -1, zbuf, zlen, off)) != 0)
			return err;
	}
	return 0;
}

int
bdev__next_data(int fd, uint64_t off, uint64_t end, uint64_t *out)
{
	off_t d;

	if (off >= end) {
		*out = end;
		return 0;
	}
	d = lseek(fd, (off_t)off, SEEK_DATA);
	if (d == -1) {
		if (errno == ENXIO) {
			*out = end;
			return 0;
		}
		if (errno == EINVAL) {	/* cannot tell: all data */
			*out = off;
			return 0;
		}
		return -errno;
	}
	*out = (uint64_t)d < end ? (uint64_t)d : end;
	return 0;
}

int
bdev__data_bytes(int fd, uint64_t off, uint64_t end, uint64_t *out)
{
	uint64_t total = 0, d = 0;
	off_t h;
	int err;

	while (off < end) {
		if ((err = bdev__next_data(fd, off, end, &d)) != 0)
			return err;
		if (d >= end)
			break;
		if ((h = lseek(fd, (off_t)d, SEEK_HOLE)) == -1) {
			if (errno != EINVAL)	/* devices: all data */
				return -errno;
			h = (off_t)end;
		}
		if ((uint64_t)h > end)
			h = (off_t)end;
		total += (uint64_t)h - d;
		off = (uint64_t)h;
	}
	*out = total;
	return 0;
}
