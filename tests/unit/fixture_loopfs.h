/* SPDX-License-Identifier: ISC */
/*
 * fixture_loopfs.h - a small file system of a chosen type for one unit
 * test, as root: a sparse image in a mkdtemp() folder, attached with
 * `losetup --direct-io=on` (reads reach the image's disk, not the host's
 * page cache), made with mkfs (XFS with reflink=1, Btrfs, ext4) and
 * mounted; or a tmpfs.  fx_loopfs_umount() undoes all of it; tests call it
 * from their teardown, which cmocka runs after a failed assertion too
 * (SIGPIPE is ignored so that a closed output pipe cannot skip it).
 * Where the machine cannot (not root, no loop device, no mkfs) mount says
 * why in one line and the test skips.  Header-only.
 */
#ifndef ARRAYD_FIXTURE_LOOPFS_H
#define ARRAYD_FIXTURE_LOOPFS_H

#include <sys/stat.h>

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/fixture_dir.h"

struct fx_loopfs {
	char dir[FX_DIR_MAX];		/* holds the image and the mount point */
	char img[FX_DIR_MAX + 8];
	char mnt[FX_DIR_MAX + 8];	/* the file system, once mounted */
	char dev[64];			/* /dev/loopN, "" when none */
	bool made, mounted;
};

/* Run a shell command built from fmt; its exit status (-1: not run). */
static inline int
fx_loopfs_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int n, st;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	st = system(cmd);
	return st == -1 ? -1 : WEXITSTATUS(st);
}

static inline void
fx_loopfs_umount(struct fx_loopfs *f)
{
	if (f->mounted && fx_loopfs_sh("umount '%s' 2>/dev/null", f->mnt) != 0)
		(void)fx_loopfs_sh("umount -l '%s'", f->mnt);
	f->mounted = false;
	if (f->dev[0] != '\0')
		(void)fx_loopfs_sh("losetup -d '%s'", f->dev);
	f->dev[0] = '\0';
	if (f->made)
		(void)fx_dir_remove(f->dir);
	f->made = false;
}

/*
 * Mount a `size_mb` MiB file system of `type` ("xfs", "btrfs", "ext4",
 * "tmpfs") at f->mnt.  Returns 0, or 1 after printing one line that says
 * why this machine cannot (the caller skips).
 */
static inline int
fx_loopfs_mount(struct fx_loopfs *f, const char *type, unsigned size_mb)
{
	const char *mkfs;
	char cmd[FX_DIR_MAX + 64];
	FILE *p;

	memset(f, 0, sizeof(*f));
	/* A reader that goes away (| head) must not kill us before teardown. */
	signal(SIGPIPE, SIG_IGN);
	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: %s tests need root (mount, losetup)\n",
		    type);
		return 1;
	}
	if (fx_dir_make(f->dir, "arrayd-lfs") != 0)
		return 1;
	f->made = true;
	snprintf(f->img, sizeof(f->img), "%s/fs.img", f->dir);
	snprintf(f->mnt, sizeof(f->mnt), "%s/mnt", f->dir);
	if (mkdir(f->mnt, 0700) != 0)
		goto out_fail;
	if (strcmp(type, "tmpfs") == 0) {
		if (fx_loopfs_sh("mount -t tmpfs -o size=%um tmpfs '%s'",
		    size_mb, f->mnt) != 0)
			goto out_fail;
		f->mounted = true;
		return 0;
	}
	if (strcmp(type, "xfs") == 0)
		mkfs = "mkfs.xfs -q -f -m reflink=1";
	else if (strcmp(type, "btrfs") == 0)
		mkfs = "mkfs.btrfs -q -f";
	else
		mkfs = "mkfs.ext4 -q -F";
	if (fx_loopfs_sh("truncate -s %um '%s'", size_mb, f->img) != 0)
		goto out_fail;
	snprintf(cmd, sizeof(cmd), "losetup --direct-io=on -f --show '%s'",
	    f->img);
	if ((p = popen(cmd, "r")) == NULL)
		goto out_fail;
	if (fgets(f->dev, sizeof(f->dev), p) == NULL)
		f->dev[0] = '\0';
	f->dev[strcspn(f->dev, "\n")] = '\0';
	if (pclose(p) != 0 || strncmp(f->dev, "/dev/loop", 9) != 0) {
		fprintf(stderr, "SKIP: %s tests need a loop device\n", type);
		f->dev[0] = '\0';
		fx_loopfs_umount(f);
		return 1;
	}
	if (fx_loopfs_sh("%s '%s' >/dev/null 2>&1", mkfs, f->dev) != 0 ||
	    fx_loopfs_sh("mount '%s' '%s'", f->dev, f->mnt) != 0)
		goto out_fail;
	f->mounted = true;
	return 0;

out_fail:
	fprintf(stderr, "SKIP: cannot make a %s file system here\n", type);
	fx_loopfs_umount(f);
	return 1;
}

#endif /* ARRAYD_FIXTURE_LOOPFS_H */
