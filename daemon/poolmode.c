/* SPDX-License-Identifier: ISC */
/*
 * poolmode.c - each pool's copy mode: the reflink probe of its folder
 * (bdev_probe_reflink, one FICLONE per file system), its file system's
 * name (statfs) and its point_in_time key decide whether its physical
 * copies read a point-in-time image (replica/image.c) or the live
 * source.  The decision is made here once per start-up or reload, logged
 * only when it is new or different, and handed to the replica set, which
 * applies it to the next copy.  Copies already accepted keep the way they
 * were accepted with.
 */
#include "daemon/poolmode.h"

#include <sys/vfs.h>

#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "blockdev/blockdev.h"
#include "conf/conf.h"
#include "replica/replica.h"

struct pool_mode {
	char name[64];
	char text[96];			/* for status: "point-in-time (...)" */
	bool known;			/* logged at least once */
	bool pit;
};

struct poolmode {
	struct bdev_probe *probe;
	struct pool_mode *pools;
	size_t npools;
};

struct poolmode *
poolmode_new(void)
{
	struct poolmode *pm = calloc(1, sizeof(*pm));

	if (pm == NULL)
		return NULL;
	if (bdev_probe_new(NULL, &pm->probe) != 0) {
		free(pm);
		return NULL;
	}
	return pm;
}

void
poolmode_free(struct poolmode *pm)
{
	if (pm == NULL)
		return;
	bdev_probe_free(pm->probe);
	free(pm->pools);
	free(pm);
}

/* The file system's usual name, for people; "f_type 0x..." otherwise. */
static void
poolmode_fs_name(const char *dir, char *buf, size_t len)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} names[] = {
		{ XFS_SUPER_MAGIC, "xfs" }, { BTRFS_SUPER_MAGIC, "btrfs" },
		{ EXT4_SUPER_MAGIC, "ext4" }, { TMPFS_MAGIC, "tmpfs" },
		{ NFS_SUPER_MAGIC, "nfs" }, { OVERLAYFS_SUPER_MAGIC, "overlay" },
		{ 0x2fc12fc1ul, "zfs" }, { 0xf2f52010ul, "f2fs" },
		{ 0xca451a4eul, "bcachefs" },
	};
	struct statfs sf;

	if (statfs(dir, &sf) == -1) {
		snprintf(buf, len, "unknown file system");
		return;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((unsigned long)sf.f_type == names[i].magic) {
			snprintf(buf, len, "%s", names[i].name);
			return;
		}
	}
	snprintf(buf, len, "f_type 0x%lx", (unsigned long)sf.f_type);
}

static struct pool_mode *
poolmode_find(struct poolmode *pm, const char *name)
{
	struct pool_mode *np;

	for (size_t i = 0; i < pm->npools; i++)
		if (strcmp(pm->pools[i].name, name) == 0)
			return &pm->pools[i];
	np = realloc(pm->pools, (pm->npools + 1) * sizeof(*np));
	if (np == NULL)
		return NULL;
	pm->pools = np;
	np = &pm->pools[pm->npools++];
	memset(np, 0, sizeof(*np));
	snprintf(np->name, sizeof(np->name), "%s", name);
	return np;
}

int
poolmode_update(struct poolmode *pm, struct replica_set *rs,
    const struct conf_pool *p, bool can_image)
{
	struct pool_mode *m;
	char fs[32], text[96];
	bool reflink, pit;
	int err;

	if (replica_pool_path(rs, p->name) == NULL)
		return -ENOENT;
	if ((m = poolmode_find(pm, p->name)) == NULL)
		return -ENOMEM;
	poolmode_fs_name(p->path, fs, sizeof(fs));
	reflink = bdev_probe_reflink(pm->probe, p->path);
	pit = reflink && p->point_in_time && can_image;
	if (pit)
		snprintf(text, sizeof(text), "reflink (%s): point-in-time "
		    "copies", fs);
	else if (reflink)
		snprintf(text, sizeof(text), "reflink (%s), point_in_time = "
		    "no: copies read a live source", fs);
	else
		snprintf(text, sizeof(text), "no reflink (%s): copies read a "
		    "live source", fs);
	if ((err = replica_pool_set_point_in_time(rs, p->name, pit)) != 0)
		return err;
	if (!m->known || strcmp(m->text, text) != 0)
		log_info("%s: %s", p->name, text);
	m->known = true;
	m->pit = pit;
	snprintf(m->text, sizeof(m->text), "%s", text);
	return 0;
}

const char *
poolmode_text(const struct poolmode *pm, const char *name)
{
	for (size_t i = 0; pm != NULL && i < pm->npools; i++)
		if (strcmp(pm->pools[i].name, name) == 0)
			return pm->pools[i].text;
	return NULL;
}
