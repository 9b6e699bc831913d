/* SPDX-License-Identifier: ISC */
/*
 * copy_ext.c - COPY_EXTENTS, the copy that reads only what changed: when
 * the job opens, the extent maps of the source and of its base are merged
 * (extent.c) into a bitmap of changed chunks; the scheduler then dispatches
 * only those, and a chunk of a restore may be cloned (FICLONERANGE) rather
 * than copied.  Where nothing proves the target holds the base, or the
 * maps cannot be had, the job becomes a COPY_DIFF: never a wrong "nothing
 * changed".  The chunk I/O itself stays chunk.c's.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/fs.h>

#include "blockdev/copy_int.h"

/* Loop, copy_job_start: note the base (owned by the job). */
int
copy__ext_init(struct copy_job *job, const struct copy_spec *spec)
{
	struct copy_ext *x = &job->ext;

	if ((x->base_path = strdup(spec->base_path)) == NULL)
		return -ENOMEM;
	x->restore = strcmp(spec->base_path, spec->dst_path) == 0;
	x->clone_ranges = spec->clone_ranges;
	return 0;
}

void
copy__ext_release(struct copy_job *job)
{
	free(job->ext.base_path);
	free(job->ext.bits);
	job->ext.base_path = NULL;
	job->ext.bits = NULL;
}

/* From now on the job is a differential copy. */
static int
ext_fall_back(struct copy_job *job)
{
	free(job->ext.bits);
	job->ext.bits = NULL;
	job->ext.fell_back = true;
	job->mode = COPY_DIFF;
	return 0;
}

static void
on_changed(uint64_t off, uint64_t len, void *arg)
{
	struct copy_job *job = arg;

	bdev__chunks_mark(job->ext.bits, job->ext.nchunks, job->chunk_size,
	    off, len);
}

/* The bitmap of changed chunks from the two extent maps.  0 or -errno. */
static int
ext_diff(struct copy_job *job, int bfd)
{
	struct copy_ext *x = &job->ext;
	uint64_t cs = job->chunk_size, i;
	int err;

	x->nchunks = (job->length + cs - 1) / cs;
	if ((x->bits = calloc((size_t)(x->nchunks / 64 + 1),
	    sizeof(*x->bits))) == NULL)
		return -ENOMEM;
	err = bdev__extent_walk(job->sfd, bfd, job->length, BDEV_FIEMAP_BATCH,
	    on_changed, job);
	if (err != 0)
		return err;
	x->changed = 0;
	for (i = bdev__chunks_next(x->bits, x->nchunks, 0); i < x->nchunks;
	    i = bdev__chunks_next(x->bits, x->nchunks, i + 1)) {
		uint64_t end = (i + 1) * cs < job->length ? (i + 1) * cs :
		    job->length;

		x->changed += end - i * cs;
	}
	return 0;
}

/* Is the base there and the source's size?  Its fd in *bfd (-1: no). */
static int
ext_open_base(struct copy_job *job, int *bfd)
{
	struct stat ss, bs;
	int fd;

	*bfd = -1;
	if (fstat(job->sfd, &ss) == -1)
		return -errno;
	if (job->ext.restore) {
		fd = job->dfd;
	} else if ((fd = open(job->ext.base_path, O_RDONLY | O_CLOEXEC)) ==
	    -1) {
		return 0;	/* missing or unreadable: compare the data */
	}
	if (fstat(fd, &bs) == 0 && S_ISREG(bs.st_mode) &&
	    bs.st_size == ss.st_size) {
		*bfd = fd;
		return 0;
	}
	if (fd != job->dfd)
		close(fd);
	return 0;
}

/*
 * Prepare work, after the map's: decide between the extent diff and the
 * fallback; build the diff; set up the new map.  Only a failure that the
 * fallback would meet too (memory, the map's I/O) fails the job.
 */
int
copy__ext_prepare(struct copy_job *job)
{
	struct copy_ext *x = &job->ext;
	int bfd, err;

	/* A resync trusts the target to hold the base only on a valid map. */
	if (!x->restore && (job->start_off != 0 || !job->map.use_old))
		return ext_fall_back(job);
	if ((err = ext_open_base(job, &bfd)) != 0)
		return err;
	if (bfd == -1)
		return ext_fall_back(job);
	/* ...and only if the map was made from this very base image. */
	if (!x->restore && !copy__map_from(job, bfd)) {
		close(bfd);
		return ext_fall_back(job);
	}
	err = ext_diff(job, bfd);
	if (bfd != job->dfd)
		close(bfd);
	if (err == -ENOMEM)
		return err;
	if (err != 0)
		return ext_fall_back(job);	/* FIEMAP said nothing usable */
	/*
	 * The new map must describe every chunk: the copied ones get their
	 * digest, the others keep the old entry.  Without an old map, or
	 * with clones (never read, so never hashed), there is none this
	 * time and the next resync compares the data.
	 */
	if (job->map.write_new && (x->clone_ranges || !job->map.use_old ||
	    copy__map_keep_old(job) != 0)) {
		close(job->map.new_fd);
		unlink(job->map.tmp);
		job->map.new_fd = -1;
		job->map.write_new = false;
	}
	return 0;
}

/* Loop, before a dispatch: move to the next changed chunk. */
void
copy__ext_skip(struct copy_job *job)
{
	const struct copy_ext *x = &job->ext;
	uint64_t cs = job->chunk_size, idx, next, to;

	if (x->bits == NULL || job->next_off >= job->length)
		return;
	idx = job->next_off / cs;
	next = bdev__chunks_next(x->bits, x->nchunks, idx);
	if (next == idx)
		return;
	to = next * cs < job->length ? next * cs : job->length;
	if (job->skip_mark < to) {
		uint64_t from = job->skip_mark > job->next_off ?
		    job->skip_mark : job->next_off;

		job->prog.chunks_skipped += (to - from + cs - 1) / cs;
		job->skip_mark = to;
	}
	job->next_off = to;
}

/* Chunks: a source hole from `off` is punched no further than this. */
uint64_t
copy__ext_run_end(const struct copy_job *job, uint64_t off, uint64_t hole_end)
{
	const struct copy_ext *x = &job->ext;
	uint64_t cs = job->chunk_size, end;

	if (x->bits == NULL)
		return hole_end;
	end = bdev__chunks_next_clear(x->bits, x->nchunks, off / cs) * cs;
	if (end < off + cs)
		end = off + cs;		/* the chunk asked is always done */
	return end < hole_end ? end : hole_end;
}

/*
 * Chunk with data of a restore with clone_ranges: share the source's
 * extents instead of reading them.  The file system checks the alignment
 * (its block size; the source's end may be partial); a refusal means
 * "copy this one", and after EOPNOTSUPP/EXDEV every later chunk copies.
 */
int
copy__ext_clone(struct copy_job *job, struct copy_chunk *c)
{
	struct file_clone_range r;

	if (!job->ext.clone_ranges ||
	    __atomic_load_n(&job->ext.clone_off, __ATOMIC_RELAXED))
		return 1;
	memset(&r, 0, sizeof(r));
	r.src_fd = job->sfd;
	r.src_offset = c->off;
	r.src_length = c->len;
	r.dest_offset = c->off;
	if (ioctl(job->dfd, FICLONERANGE, &r) == -1) {
		if (errno == EOPNOTSUPP || errno == EXDEV || errno == ENOTTY) {
			__atomic_store_n(&job->ext.clone_off, true,
			    __ATOMIC_RELAXED);
			return 1;
		}
		return errno == EINVAL ? 1 : -errno;
	}
	c->cloned = c->len;
	c->written = c->len;
	return 0;
}
