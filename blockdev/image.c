/* SPDX-License-Identifier: ISC */
/*
 * image.c - point-in-time images of file volumes: a FICLONE of the volume
 * into a new private file, made durable before the caller relies on it,
 * their removal, and the bytes an image (or a snapshot) holds alone.  It
 * decides nothing about names or lifetimes (the replica layer does) and
 * never copies data: a file system that cannot clone gets -EOPNOTSUPP.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <linux/fs.h>

#include "blockdev/blockdev.h"
#include "blockdev/blockdev_int.h"

/*
 * Make the folder that will hold `path` (one level, 0700) if it is
 * missing; *made says whether this call made it.  0 or -errno.
 */
static int
image_mkdir_parent(const char *path, bool *made)
{
	char dir[PATH_MAX];
	char *slash;

	*made = false;
	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;	/* "." or "/" exist */
	*slash = '\0';
	if (mkdir(dir, 0700) == 0) {
		*made = true;
		return bdev__sync_parent(dir);	/* the new folder's name */
	}
	return errno == EEXIST ? 0 : -errno;
}

/* The kernel's ways of saying "this file system cannot clone". */
static int
image_clone_errno(int err)
{
	switch (err) {
	case EOPNOTSUPP:
	case EXDEV:
	case EINVAL:
	case ENOTTY:
		return -EOPNOTSUPP;
	default:
		return -err;
	}
}

int
bdev_image_take(const char *src, const char *dst)
{
	struct stat st;
	bool made;
	int sfd, dfd, err;

	if (src == NULL || dst == NULL || src[0] == '\0' || dst[0] == '\0')
		return -EINVAL;
	if ((sfd = open(src, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	if (fstat(sfd, &st) == -1) {
		err = -errno;
		goto out_close_src;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EOPNOTSUPP;	/* a device has no extents to share */
		goto out_close_src;
	}
	if ((err = image_mkdir_parent(dst, &made)) != 0)
		goto out_close_src;
	dfd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (dfd == -1) {
		err = -errno;	/* -EEXIST: not ours, left alone */
		goto out_close_src;
	}
	if (ioctl(dfd, FICLONE, sfd) == -1)
		err = image_clone_errno(errno);
	else if (fsync(dfd) == -1)
		err = -errno;
	close(dfd);
	if (err == 0)
		err = bdev__sync_parent(dst);
	if (err != 0)
		unlink(dst);	/* ours (O_EXCL): never leave half an image */
out_close_src:
	close(sfd);
	return err;
}

int
bdev_image_drop(const char *path)
{
	if (path == NULL || path[0] == '\0')
		return -EINVAL;
	return bdev_remove(path);
}

int
bdev_unshared_bytes(const char *path, uint64_t *out)
{
	struct stat st;
	int fd, err;

	if (path == NULL || out == NULL)
		return -EINVAL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -errno;
	if (fstat(fd, &st) == -1) {
		err = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		err = -ENOTBLK;
	} else {
		err = bdev__fiemap_unshared(fd, (uint64_t)st.st_size, out);
		if (err == -EOPNOTSUPP) {	/* no extents, nothing shared */
			*out = (uint64_t)st.st_blocks * 512;
			err = 0;
		}
	}
	close(fd);
	return err;
}
