/* SPDX-License-Identifier: ISC */
/*
 * pagecache.c - what a copy asks of the page cache.
 *
 * Reads.  A chunk reads with O_DIRECT (memory stays flat, the cache is
 * left to the hosts) unless the range is already in the page cache, where
 * O_DIRECT would read from the disk again what memory holds (a source a
 * host just wrote or read, a warm resync).  Whether it is, is asked with
 * mincore(2) on a short read-only mapping of the range, not by trying
 * preadv2(RWF_NOWAIT) first: on Linux 6.x a RWF_NOWAIT read of a range not
 * cached still starts the buffered readahead of it before it fails with
 * EAGAIN (measured on this kernel: two failed 1 MiB probes of a cold file
 * left 3 MiB cached), so on a cold source every chunk would be read twice,
 * once into the cache behind our back and once with O_DIRECT.  mincore
 * starts no I/O and costs three system calls per chunk.  It answers for a
 * file mapping only to a caller that owns the file or may write it (Linux
 * 5.0's mincore change); arrayd owns its volumes and opens targets for
 * writing, and a refusal or any failure just means "not cached": O_DIRECT,
 * as before.
 *
 * Writes.  Buffered writes let the kernel's write-back merge and queue deep
 * (what makes `cp` fast on a virtual disk), but a copy of a large volume
 * would fill the page cache with dirty pages.  Streaming write-back keeps
 * that bounded: a chunk starts the write-back of what it wrote at once
 * (sync_file_range WRITE, asynchronous), and the range a window behind the
 * copy is waited for and dropped from the cache (WAIT_BEFORE | WRITE |
 * WAIT_AFTER, then POSIX_FADV_DONTNEED).  The wait also returns the
 * write-back error of that range: it must fail the copy, since the wait
 * consumes the error the final fdatasync would otherwise report.
 */
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "blockdev/blockdev_int.h"

#define CACHE_VEC	4096u	/* mincore entries per call (16 MiB of 4 KiB pages) */

static uint64_t
cache_page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (uint64_t)ps : 4096u;
}

/*
 * Pages of [off, off+len) of fd in the page cache: *resident of *pages.
 * 0, or -errno (the caller treats a failure as "not cached").
 */
int
bdev__cache_resident(int fd, uint64_t off, uint64_t len, uint64_t *resident,
    uint64_t *pages)
{
	unsigned char vec[CACHE_VEC];
	uint64_t ps = cache_page_size(), start, end, pos;

	*resident = *pages = 0;
	if (len == 0)
		return 0;
	start = off - off % ps;
	end = off + len;
	for (pos = start; pos < end; ) {
		uint64_t span = end - pos, n;
		void *m;
		int err = 0;

		if (span > (uint64_t)CACHE_VEC * ps)
			span = (uint64_t)CACHE_VEC * ps;
		n = (span + ps - 1) / ps;
		m = mmap(NULL, (size_t)span, PROT_READ, MAP_SHARED, fd,
		    (off_t)pos);
		if (m == MAP_FAILED)
			return -errno;
		if (mincore(m, (size_t)span, vec) == -1)
			err = -errno;
		munmap(m, (size_t)span);
		if (err != 0)
			return err;
		for (uint64_t i = 0; i < n; i++)
			*resident += vec[i] & 1;
		*pages += n;
		pos += span;
	}
	return 0;
}

/*
 * Read from the page cache when at least half of the range is there: the
 * missing pages then cost a buffered read of less than half the range
 * (the job's buffered fd reads without readahead, so nothing beyond the
 * chunk is pulled in), O_DIRECT would read all of it from the disk.
 */
bool
bdev__cache_prefer(uint64_t resident, uint64_t pages)
{
	return pages > 0 && resident * 2 >= pages;
}

/* Is [off, off+len) of fd mostly cached?  false on any failure. */
bool
bdev__cache_hit(int fd, uint64_t off, uint64_t len)
{
	uint64_t r, n;

	return bdev__cache_resident(fd, off, len, &r, &n) == 0 &&
	    bdev__cache_prefer(r, n);
}

/* Start the write-back of [off, off+len) of fd; 0 or -errno. */
int
bdev__writeback_start(const struct bdev_io_ops *io, int fd, uint64_t off,
    uint64_t len)
{
	if (len == 0)
		return 0;
	if (io->sync_file_range(fd, (off_t)off, (off_t)len,
	    SYNC_FILE_RANGE_WRITE) == -1)
		return -errno;
	return 0;
}

/*
 * Wait until [off, off+len) of fd is on the disk and drop it from the
 * cache.  Returns 0 or -errno of the write-back (which the caller must
 * report: the wait consumed it).
 */
int
bdev__writeback_settle(const struct bdev_io_ops *io, int fd, uint64_t off,
    uint64_t len)
{
	if (len == 0)
		return 0;
	if (io->sync_file_range(fd, (off_t)off, (off_t)len,
	    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
	    SYNC_FILE_RANGE_WAIT_AFTER) == -1)
		return -errno;
	/* Only a hint: a page still dirty (rewritten meanwhile) stays. */
	(void)posix_fadvise(fd, (off_t)off, (off_t)len, POSIX_FADV_DONTNEED);
	return 0;
}
