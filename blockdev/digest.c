/* SPDX-License-Identifier: ISC */
/*
 * digest.c - the per-chunk digest map of a copy target: one XXH3-128 digest
 * of the source's bytes per chunk (a hole or zero chunk has the digest of
 * zeros), taken by the copy that last made the target equal to the source.
 * A differential copy that finds a valid map reads only the source and
 * writes the chunks whose digest differs, instead of reading both volumes.
 *
 * The map describes the TARGET's content, so: it is unlinked (durably)
 * before a copy writes anything into the target; the new one is built in
 * `<path>.tmp` and renamed over `<path>` only after the target's
 * fdatasync; a resumed copy neither uses nor writes one (after a crash or
 * a cancel the target may hold torn chunks that no map describes).  The
 * header binds the map to the source and target (dev/ino), to the target's
 * size and mtime when it was committed (a host write outside arrayd changes
 * mtime: the map is then ignored), and carries checksums of itself.  A host
 * that writes a paired target without changing its mtime (a block device,
 * or a write within the same timestamp tick) defeats this: 3PAR forbids
 * host access to a paired PC target, and so does arrayd.
 *
 * Map I/O uses the plain system calls (bdev__io_default, not the job's io
 * table, whose faults are the volumes'): it is an optimisation
 * whose failures only mean "no map", except a map that cannot be removed,
 * which fails the copy.  The map lives on disk and is read and written a
 * chunk's entry at a time, so memory does not grow with the volume.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <linux/fs.h>

#include "blockdev/copy_int.h"

#define MAP_MAGIC	"ARDDMAP"	/* 8 bytes with the NUL */
#define MAP_VERSION	2u		/* 2: the file the entries came from */
#define MAP_HDR_SIZE	128u		/* entries start here */
#define MAP_ENT		16u		/* XXH128 canonical (big-endian) */
#define MAP_BATCH	256u		/* entries per pread/pwrite of a range */

struct map_hdr {
	char magic[8];
	uint32_t version, chunk_size;
	uint64_t length, nentries;
	uint64_t src_dev, src_ino;
	uint64_t dst_dev, dst_ino, dst_size;
	int64_t dst_mtime_s, dst_mtime_ns;
	/*
	 * The file the copy read (dev, inode, generation): with a src_id,
	 * the image of the volume that the target now equals.  Not part of
	 * the validity (a new image of the same volume is the same source);
	 * COPY_EXTENTS checks its base against it.
	 */
	uint64_t from_dev, from_ino, from_gen;
	uint64_t entries_sum;		/* XXH3-64 of the entries */
	uint64_t hdr_sum;		/* XXH3-64 of the bytes above */
};

_Static_assert(sizeof(struct map_hdr) <= MAP_HDR_SIZE, "map header size");

static const unsigned char zeros[64 * 1024];

static uint64_t
map_nentries(const struct copy_job *job)
{
	return (job->length + job->chunk_size - 1) / job->chunk_size;
}

static void
map_digest_zeros(uint64_t len, struct copy_digest *out)
{
	XXH3_state_t st;
	XXH128_canonical_t can;

	XXH3_128bits_reset(&st);
	while (len > 0) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);

		XXH3_128bits_update(&st, zeros, n);
		len -= n;
	}
	XXH128_canonicalFromHash(&can, XXH3_128bits_digest(&st));
	memcpy(out->b, can.digest, sizeof(out->b));
}

void
copy__digest(const void *buf, uint64_t len, struct copy_digest *out)
{
	XXH128_canonical_t can;

	XXH128_canonicalFromHash(&can, XXH3_128bits(buf, (size_t)len));
	memcpy(out->b, can.digest, sizeof(out->b));
}

/* Digest of the zero chunk at `off` (the last chunk may be short). */
const struct copy_digest *
copy__digest_zero(const struct copy_job *job, uint64_t off)
{
	return off + job->chunk_size > job->length ? &job->map.zero_tail :
	    &job->map.zero_full;
}

/* Identity of an open volume: dev/ino of a file, rdev of a device. */
static void
map_ident(const struct stat *st, uint64_t *dev, uint64_t *ino)
{
	if (S_ISBLK(st->st_mode)) {
		*dev = (uint64_t)st->st_rdev;
		*ino = 0;
	} else {
		*dev = (uint64_t)st->st_dev;
		*ino = (uint64_t)st->st_ino;
	}
}

/* XXH3-64 of the `n` entries of fd; 0 or -errno. */
static int
map_entries_sum(int fd, uint64_t n, uint64_t *out)
{
	unsigned char buf[MAP_BATCH * MAP_ENT];
	XXH3_state_t st;
	uint64_t left = n * MAP_ENT, off = MAP_HDR_SIZE;

	XXH3_64bits_reset(&st);
	while (left > 0) {
		size_t want = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		int err = bdev__pread_full(&bdev__io_default, fd, -1, buf,
		    want, off);

		if (err != 0)
			return err;
		XXH3_64bits_update(&st, buf, want);
		left -= want;
		off += want;
	}
	*out = XXH3_64bits_digest(&st);
	return 0;
}

static uint64_t
map_hdr_sum(const struct map_hdr *h)
{
	return XXH3_64bits(h, offsetof(struct map_hdr, hdr_sum));
}

/* Inode generation (FS_IOC_GETVERSION; 0 where there is none). */
static uint64_t
map_generation(int fd)
{
	int gen = 0;

	if (ioctl(fd, FS_IOC_GETVERSION, &gen) == -1)
		return 0;
	return (uint64_t)(unsigned)gen;
}

/* Header for this job's target as it is now (after its fdatasync). */
static int
map_hdr_fill(const struct copy_job *job, struct map_hdr *h)
{
	struct stat ss, ds;

	if (fstat(job->sfd, &ss) == -1 || fstat(job->dfd, &ds) == -1)
		return -errno;
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, MAP_MAGIC, sizeof(h->magic));
	h->version = MAP_VERSION;
	h->chunk_size = job->chunk_size;
	h->length = job->length;
	h->nentries = map_nentries(job);
	if (job->map.src_id != 0) {
		h->src_dev = job->map.src_id;
		h->src_ino = UINT64_MAX;	/* never a real inode here */
	} else {
		map_ident(&ss, &h->src_dev, &h->src_ino);
	}
	map_ident(&ds, &h->dst_dev, &h->dst_ino);
	map_ident(&ss, &h->from_dev, &h->from_ino);
	h->from_gen = S_ISREG(ss.st_mode) ? map_generation(job->sfd) : 0;
	h->dst_size = (uint64_t)ds.st_size;
	h->dst_mtime_s = (int64_t)ds.st_mtim.tv_sec;
	h->dst_mtime_ns = (int64_t)ds.st_mtim.tv_nsec;
	return 0;
}

/*
 * Is the map open on `fd` valid for this job and this target as it is now?
 * Any mismatch (other chunk size or length, other source, target written
 * since, torn or corrupt file) means "no map": read both sides.
 */
static bool
map_valid(struct copy_job *job, int fd)
{
	struct map_hdr h, now;
	struct stat st;
	uint64_t sum;

	if (fstat(fd, &st) == -1 || pread(fd, &h, sizeof(h), 0) !=
	    (ssize_t)sizeof(h) || map_hdr_fill(job, &now) != 0)
		return false;
	if (memcmp(h.magic, MAP_MAGIC, sizeof(h.magic)) != 0 ||
	    h.version != MAP_VERSION || h.hdr_sum != map_hdr_sum(&h))
		return false;
	/* Everything but the checksums must match what the target is now. */
	now.from_dev = h.from_dev;
	now.from_ino = h.from_ino;
	now.from_gen = h.from_gen;
	now.entries_sum = h.entries_sum;
	now.hdr_sum = h.hdr_sum;
	if (memcmp(&h, &now, sizeof(h)) != 0 ||
	    (uint64_t)st.st_size != MAP_HDR_SIZE + h.nentries * MAP_ENT)
		return false;
	if (map_entries_sum(fd, h.nentries, &sum) != 0 || sum != h.entries_sum)
		return false;
	job->map.from_dev = h.from_dev;
	job->map.from_ino = h.from_ino;
	job->map.from_gen = h.from_gen;
	return true;
}

/* Is `fd` the file the valid old map's entries were read from? */
bool
copy__map_from(const struct copy_job *job, int fd)
{
	struct stat st;
	uint64_t dev, ino;

	if (!job->map.use_old || fstat(fd, &st) == -1)
		return false;
	map_ident(&st, &dev, &ino);
	return dev == job->map.from_dev && ino == job->map.from_ino &&
	    map_generation(fd) == job->map.from_gen;
}

/*
 * Thread pool, before the first chunk: keep a valid old map for a fresh
 * DIFF copy, remove the map durably (the target is about to change), and
 * start the new one.  Only a map that cannot be removed is an error.
 */
int
copy__map_prepare(struct copy_job *job)
{
	struct copy_map *m = &job->map;
	int fd;

	map_digest_zeros(job->chunk_size, &m->zero_full);
	map_digest_zeros(job->length % job->chunk_size != 0 ?
	    job->length % job->chunk_size : job->chunk_size, &m->zero_tail);
	if ((job->mode == COPY_DIFF || job->mode == COPY_EXTENTS) &&
	    job->start_off == 0 &&
	    (fd = open(m->path, O_RDONLY | O_CLOEXEC)) != -1) {
		if (map_valid(job, fd)) {
			m->old_fd = fd;
			m->use_old = true;
		} else {
			close(fd);
		}
	}
	if (unlink(m->path) == 0) {
		int err = bdev__sync_parent(m->path);

		if (err != 0)
			return err;
	} else if (errno != ENOENT) {
		return -errno;
	}
	/* A resumed copy did not see the chunks below its checkpoint. */
	if (job->start_off != 0 || job->mode == COPY_CLONE ||
	    (job->mode == COPY_FULL && job->method == COPY_IO_CFR))
		return 0;
	fd = open(m->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		return 0;	/* no map this time: the next resync reads both */
	if (ftruncate(fd, (off_t)(MAP_HDR_SIZE + map_nentries(job) *
	    MAP_ENT)) == -1) {
		close(fd);
		unlink(m->tmp);
		return 0;
	}
	m->new_fd = fd;
	m->write_new = true;
	return 0;
}

/*
 * Thread pool, prepare: start the new map as a copy of the valid old one
 * (a COPY_EXTENTS job then overwrites the entries of the chunks it copies;
 * the others stay those of the target it leaves unchanged).
 */
int
copy__map_keep_old(const struct copy_job *job)
{
	unsigned char buf[MAP_BATCH * MAP_ENT];
	uint64_t left = map_nentries(job) * MAP_ENT, off = MAP_HDR_SIZE;

	if (!job->map.use_old || !job->map.write_new)
		return -EINVAL;
	while (left > 0) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		int err = bdev__pread_full(&bdev__io_default, job->map.old_fd,
		    -1, buf, n, off);

		if (err != 0 || (err = bdev__pwrite_full(&bdev__io_default,
		    job->map.new_fd, -1, buf, n, off)) != 0)
			return err;
		left -= n;
		off += n;
	}
	return 0;
}

/* Read the old entries of chunks [idx, idx+n), n <= MAP_BATCH. */
int
copy__map_get(const struct copy_job *job, uint64_t idx, unsigned n,
    struct copy_digest *out)
{
	if (n > MAP_BATCH || idx + n > map_nentries(job))
		return -EINVAL;
	return bdev__pread_full(&bdev__io_default, job->map.old_fd, -1, out,
	    (size_t)n * MAP_ENT, MAP_HDR_SIZE + idx * MAP_ENT);
}

/* Store `d` as the new entry of chunks [idx, idx+n) (any n). */
int
copy__map_put(const struct copy_job *job, uint64_t idx, uint64_t n,
    const struct copy_digest *d)
{
	struct copy_digest buf[MAP_BATCH];
	unsigned fill = n < MAP_BATCH ? (unsigned)n : MAP_BATCH;

	if (idx + n > map_nentries(job))
		return -EINVAL;
	for (unsigned i = 0; i < fill; i++)
		buf[i] = *d;
	while (n > 0) {
		unsigned k = n < MAP_BATCH ? (unsigned)n : MAP_BATCH;
		int err = bdev__pwrite_full(&bdev__io_default, job->map.new_fd,
		    -1, buf, (size_t)k * MAP_ENT, MAP_HDR_SIZE + idx * MAP_ENT);

		if (err != 0)
			return err;
		idx += k;
		n -= k;
	}
	return 0;
}

/*
 * Thread pool, after the target's fdatasync: seal the new map (header and
 * checksums), make it durable and rename it into place.  Returns 0 or
 * -errno; on failure the caller drops the temporary file.
 */
int
copy__map_commit(struct copy_job *job)
{
	struct copy_map *m = &job->map;
	struct map_hdr h;
	unsigned char blk[MAP_HDR_SIZE];
	int err;

	if ((err = map_hdr_fill(job, &h)) != 0 ||
	    (err = map_entries_sum(m->new_fd, h.nentries, &h.entries_sum)) != 0)
		return err;
	h.hdr_sum = map_hdr_sum(&h);
	memset(blk, 0, sizeof(blk));
	memcpy(blk, &h, sizeof(h));
	if (pwrite(m->new_fd, blk, sizeof(blk), 0) != (ssize_t)sizeof(blk))
		return errno != 0 ? -errno : -EIO;
	if (fsync(m->new_fd) == -1 || rename(m->tmp, m->path) == -1)
		return -errno;
	m->committed = true;
	return bdev__sync_parent(m->path);
}

/* At the end of the job (a worker; the loop as a fallback): close, drop
 * an unsealed map. */
void
copy__map_close(struct copy_job *job)
{
	struct copy_map *m = &job->map;

	if (m->old_fd >= 0)
		close(m->old_fd);
	if (m->new_fd >= 0) {
		close(m->new_fd);
		if (!m->committed)
			unlink(m->tmp);
	}
	m->old_fd = m->new_fd = -1;
	free(m->path);
	free(m->tmp);
	m->path = m->tmp = NULL;
}

/* Loop thread: copy the caller's map path.  0 or -ENOMEM. */
int
copy__map_init(struct copy_job *job, const char *path)
{
	struct copy_map *m = &job->map;
	size_t n = strlen(path);

	m->old_fd = m->new_fd = -1;
	if (n == 0)
		return -EINVAL;
	if ((m->path = strdup(path)) == NULL ||
	    (m->tmp = malloc(n + 5)) == NULL) {
		free(m->path);
		m->path = NULL;
		return -ENOMEM;
	}
	memcpy(m->tmp, path, n);
	memcpy(m->tmp + n, ".tmp", 5);
	return 0;
}
