/* SPDX-License-Identifier: ISC */
/*
 * volsetup.c - configured volumes at start-up, on SIGHUP and for
 * `arrayd -t`.  Decides, per volume, whether a backing-store fault is a
 * start-up error or one failed volume: a volume the array already holds
 * (persisted in the store) never stops the start, and a missing file never
 * does; only a new volume whose file exists but cannot be a volume, or
 * cannot be created on a full disk, does.  It never judges a volume the
 * replica set holds: replica/health.c does, with one message per volume.
 */
#include "daemon/volsetup.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "blockdev/blockdev.h"
#include "conf/conf.h"
#include "base/log.h"
#include "replica/replica.h"

/* Errors of stat/open that mean "nothing there" (a file or device gone). */
static bool
volsetup_absent(int err)
{
	return err == -ENOENT || err == -ENOTDIR || err == -ENXIO ||
	    err == -ENODEV;
}

/*
 * A sparse file needs no space to exist, only to be written: a file this
 * start must create on a full filesystem could never hold a copy, so that
 * is a start-up error; an existing file with holes there is only a warning
 * (its allocated blocks are still writable).
 */
static int
volsetup_space(const struct conf_volume *v, bool may_create)
{
	struct statvfs vfs;
	struct stat st;
	char *dir, *slash;
	int err = 0;

	if (stat(v->path, &st) == 0) {
		if (S_ISREG(st.st_mode) && statvfs(v->path, &vfs) == 0 &&
		    vfs.f_bavail == 0 && (uint64_t)st.st_blocks * 512 <
		    (uint64_t)st.st_size)
			log_warnx("volume %s: %s: no space left on device: "
			    "writes into its holes will fail", v->name,
			    v->path);
		return 0;
	}
	if (errno != ENOENT || v->size == 0 || !may_create ||
	    (dir = strdup(v->path)) == NULL)
		return 0;	/* bdev_ensure says what is wrong */
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir ? 1 : 0] = '\0';
	if (statvfs(slash != NULL ? dir : ".", &vfs) == 0 &&
	    vfs.f_bavail == 0) {
		log_errorx("volume %s: %s: no space left on device", v->name,
		    v->path);
		err = -ENOSPC;
	}
	free(dir);
	return err;
}

/* Why the file at the path cannot be a volume: 0 or -errno, logged. */
static int
volsetup_usable(const struct conf_volume *v, const struct bdev_info *bi,
    bool quiet)
{
	if (bi->size == 0) {
		if (!quiet)
			log_errorx("volume %s: %s: empty (0 bytes)", v->name,
			    v->path);
		return -EINVAL;
	}
	if (bi->size % 512 != 0) {
		if (!quiet)
			log_errorx("volume %s: %s: %" PRIu64 " bytes is not a "
			    "whole number of 512-byte blocks", v->name, v->path,
			    bi->size);
		return -EINVAL;
	}
	return 0;
}

static int
volsetup_register(struct replica_set *rs, const struct conf_volume *v,
    uint64_t size)
{
	uint32_t id = 0;
	int err;

	err = replica_volume_configure(rs, v->name, v->pool, v->path, size,
	    v->id, &id);
	if (err != 0) {
		log_errorx("volume %s: %s: %s", v->name, v->path,
		    err == -EEXIST ? "id or name belongs to another volume" :
		    strerror(-err));
		return err;
	}
	log_debug("volume %s: id %" PRIu32 ", %s, %" PRIu64 " bytes", v->name,
	    id, v->path, size);
	return 0;
}

int
volsetup_add(struct replica_set *rs, const struct conf_volume *v)
{
	const struct rvolume *held = replica_volume_by_name(rs, v->name);
	struct bdev_info bi;
	bool said = false;
	int err;

	if ((err = volsetup_space(v, held == NULL)) != 0)
		return err;
	if ((err = bdev_stat(v->path, &bi)) == 0) {
		err = volsetup_usable(v, &bi, held != NULL);
		said = err != 0;
	}
	if (err == 0)
		return volsetup_register(rs, v, bi.size);
	/*
	 * Held by the array, or simply not there: registered at the size the
	 * array knows (else the configured one), and the replica set reports
	 * it lost.  Its data is never replaced by a new empty file.
	 */
	if (held != NULL)
		return volsetup_register(rs, v, held->size);
	if (volsetup_absent(err) && v->size > 0) {
		if ((err = bdev_ensure(v->path, v->size, &bi)) == 0) {
			err = volsetup_usable(v, &bi, false);
			said = err != 0;
		}
		if (err == 0)
			return volsetup_register(rs, v, bi.size);
	}
	if (volsetup_absent(err))
		return volsetup_register(rs, v, v->size);
	if (!said)
		log_errorx("volume %s: %s: %s", v->name, v->path, err ==
		    -ENOTBLK ? "neither a regular file nor a block device" :
		    strerror(-err));
	return err;
}

unsigned
volsetup_check(const struct conf *c, FILE *out)
{
	unsigned n = 0;

	for (size_t i = 0; i < c->nvolumes; i++) {
		const struct conf_volume *v = &c->volumes[i];
		struct bdev_info bi;
		char what[128];
		const char *then;
		int err = bdev_stat(v->path, &bi);

		then = "arrayd does not start if this volume is new; if the "
		    "array holds it, arrayd serves the others and shows it "
		    "failed";
		if (err == 0 && bi.size == 0)
			snprintf(what, sizeof(what), "is empty (0 bytes)");
		else if (err == 0 && bi.size % 512 != 0)
			snprintf(what, sizeof(what), "is %" PRIu64 " bytes, "
			    "not a whole number of 512-byte blocks", bi.size);
		else if (err == 0)
			continue;
		else if (err == -ENOTBLK)
			snprintf(what, sizeof(what), "is neither a regular "
			    "file nor a block device");
		else if (!volsetup_absent(err))
			snprintf(what, sizeof(what), "%s", strerror(-err));
		else if (v->size > 0) {
			snprintf(what, sizeof(what), "does not exist");
			then = "created if the array does not hold this volume "
			    "yet, else shown failed until it is back";
		} else {
			snprintf(what, sizeof(what), "does not exist and no "
			    "size is given");
			then = "arrayd serves the other volumes and shows this "
			    "one failed until it is back";
		}
		fprintf(out, "%s:%u: path: warning: volume %s: %s %s: %s\n",
		    c->file, v->line, v->name, v->path, what, then);
		n++;
	}
	return n;
}
