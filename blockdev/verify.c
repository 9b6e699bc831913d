/* SPDX-License-Identifier: ISC */
/*
 * verify.c - is each file a copy holds open still its volume?  A copy
 * notes, when it opens its volumes, each file's device and inode, link
 * count and size; afterwards an fstat of the open file and a stat of its
 * path say whether it was truncated, unlinked, replaced (the path names
 * another inode or a directory) or moved while the copy ran, which the
 * descriptors alone never tell: reads past a truncated end look like
 * holes, writes to an unlinked file succeed.  It runs on thread-pool
 * threads only (a stat can block) and decides nothing about the job: the
 * caller ends it with the fault it gets.  It keeps no state.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/fs.h>

#include "blockdev/copy_int.h"

/* The size of what fd is: st_size, or the device's size. */
static int
ident_size(int fd, const struct stat *st, uint64_t *out)
{
	uint64_t size;

	if (!S_ISBLK(st->st_mode)) {
		*out = (uint64_t)st->st_size;
		return 0;
	}
	if (ioctl(fd, BLKGETSIZE64, &size) == -1)
		return -errno;
	*out = size;
	return 0;
}

int
copy__ident_take(int fd, struct copy_ident *out)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return -errno;
	out->dev = (uint64_t)st.st_dev;
	out->ino = (uint64_t)st.st_ino;
	out->nlink = (uint64_t)st.st_nlink;
	out->blk = S_ISBLK(st.st_mode);
	return ident_size(fd, &st, &out->size);
}

static int
fault_set(struct copy_fault *f, enum copy_change change, uint64_t before,
    uint64_t after)
{
	f->change = change;
	f->before = before;
	f->after = after;
	return change == COPY_CHANGE_SIZE ? -ERANGE : -ESTALE;
}

/*
 * One volume: 0, -ESTALE/-ERANGE with *f filled (side and path are the
 * caller's), or -errno of the fstat.  The fstat alone sees a truncation,
 * an unlink and a rename over the file (its link count drops to 0); the
 * path is looked up when `paths` asks (a file renamed away keeps its
 * links) and whenever the fstat saw a change, to name it: a file unlinked
 * and replaced by another (or a directory) was replaced.
 */
static int
ident_check(const struct copy_ident *id, int fd, const char *path,
    bool paths, struct copy_fault *f)
{
	struct stat st, ps;
	uint64_t size = 0;
	bool named;
	int err;

	if (fstat(fd, &st) == -1)
		return -errno;
	if ((uint64_t)st.st_dev != id->dev || (uint64_t)st.st_ino != id->ino)
		return fault_set(f, COPY_CHANGE_REPLACED, id->ino,
		    (uint64_t)st.st_ino);
	if ((err = ident_size(fd, &st, &size)) != 0)
		return err;
	if (!paths && size == id->size && (uint64_t)st.st_nlink == id->nlink)
		return 0;
	/* ENOENT, ENOTDIR (a folder replaced by a file), ...: names nothing. */
	named = stat(path, &ps) == 0;
	if (named && ((uint64_t)ps.st_dev != id->dev ||
	    (uint64_t)ps.st_ino != id->ino)) {
		f->after_dir = S_ISDIR(ps.st_mode);
		return fault_set(f, COPY_CHANGE_REPLACED, id->ino,
		    (uint64_t)ps.st_ino);
	}
	if (st.st_nlink == 0)
		return fault_set(f, COPY_CHANGE_UNLINKED, id->nlink, 0);
	if (!named)
		return fault_set(f, COPY_CHANGE_MOVED, id->nlink,
		    (uint64_t)st.st_nlink);
	if (size != id->size)
		return fault_set(f, COPY_CHANGE_SIZE, id->size, size);
	if ((uint64_t)st.st_nlink != id->nlink)
		return fault_set(f, COPY_CHANGE_LINKS, id->nlink,
		    (uint64_t)st.st_nlink);
	return 0;
}

int
copy__verify(const struct copy_job *job, bool paths, struct copy_fault *f)
{
	int err;

	memset(f, 0, sizeof(*f));
	f->side = COPY_SIDE_SOURCE;
	f->path = job->src_path;
	err = ident_check(&job->sident, job->sfd, job->src_path, paths, f);
	if (err != 0)
		return err;
	memset(f, 0, sizeof(*f));
	f->side = COPY_SIDE_TARGET;
	f->path = job->dst_path;
	return ident_check(&job->dident, job->dfd, job->dst_path, paths, f);
}

/* A second descriptor of a volume (O_DIRECT) is the same file. */
static int
same_file(const struct copy_ident *id, int fd, struct copy_fault *f)
{
	struct stat st;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == -1)
		return -errno;
	if ((uint64_t)st.st_dev != id->dev || (uint64_t)st.st_ino != id->ino)
		return fault_set(f, COPY_CHANGE_REPLACED, id->ino,
		    (uint64_t)st.st_ino);
	return 0;
}

int
copy__verify_open(struct copy_job *job, struct copy_fault *f)
{
	int err;

	memset(f, 0, sizeof(*f));
	f->side = COPY_SIDE_SOURCE;
	f->path = job->src_path;
	if ((err = copy__ident_take(job->sfd, &job->sident)) != 0 ||
	    (err = same_file(&job->sident, job->sfd_direct, f)) != 0)
		return err;
	if (job->src_size != 0 && job->sident.size != job->src_size)
		return fault_set(f, COPY_CHANGE_SIZE, job->src_size,
		    job->sident.size);
	memset(f, 0, sizeof(*f));
	f->side = COPY_SIDE_TARGET;
	f->path = job->dst_path;
	if ((err = copy__ident_take(job->dfd, &job->dident)) != 0 ||
	    (err = same_file(&job->dident, job->dfd_direct, f)) != 0)
		return err;
	if (job->dst_size != 0 && job->dident.size != job->dst_size)
		return fault_set(f, COPY_CHANGE_SIZE, job->dst_size,
		    job->dident.size);
	/* Opened by path: a rename between open and now shows here. */
	return copy__verify(job, true, f);
}

int
copy_fault_format(const struct copy_fault *f, char *buf, size_t len)
{
	const char *side = f->side == COPY_SIDE_SOURCE ? "source" : "target";
	const char *path = f->path != NULL ? f->path : "?";

	switch (f->change) {
	case COPY_CHANGE_UNLINKED:
		return snprintf(buf, len, "%s %s was unlinked", side, path);
	case COPY_CHANGE_REPLACED:
		return snprintf(buf, len, "%s %s was replaced%s (inode %" PRIu64
		    " -> %" PRIu64 ")", side, path,
		    f->after_dir ? " by a directory" : "", f->before, f->after);
	case COPY_CHANGE_MOVED:
		return snprintf(buf, len, "%s %s was moved away (the path "
		    "names nothing)", side, path);
	case COPY_CHANGE_LINKS:
		return snprintf(buf, len, "%s %s changed its link count (%"
		    PRIu64 " -> %" PRIu64 ")", side, path, f->before, f->after);
	case COPY_CHANGE_SIZE:
	default:
		return snprintf(buf, len, "%s %s was %s (%" PRIu64 " -> %"
		    PRIu64 " bytes)", side, path, f->after < f->before ?
		    "truncated" : "extended", f->before, f->after);
	}
}
