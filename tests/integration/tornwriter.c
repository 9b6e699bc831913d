/* SPDX-License-Identifier: ISC */
/*
 * tornwriter.c - the writer and the judge of the torn-copy test (220).
 *
 *   tornwriter init FILE RUN
 *	stamp every 4 KiB block of FILE as write 0 of run RUN (O_DIRECT,
 *	fsync)
 *   tornwriter write FILE LOG READY RUN [SECONDS [RATE]]
 *	rewrite random blocks of FILE with O_DIRECT, one at a time, each
 *	stamped with its sequence number, until SIGTERM (or SECONDS, default
 *	60; at most RATE writes a second, default 0 = no limit); the
 *	sequence goes on from the last one in LOG, and each write's number,
 *	block and completion time (CLOCK_REALTIME ns) are appended to LOG at
 *	the end.  READY is created once the first write is done.
 *   tornwriter verify COPY LOG RUN T_SENT T_ANSWERED
 *	judge a copy: it must equal the source after exactly one write M
 *	(every block holds the last write <= M to that block), and M must
 *	lie between the request and its answer: no write completed before
 *	T_SENT may be missing, no write begun after T_ANSWERED may be in
 *	(times in ns, `date +%s%N`).  Exit 0 yes, 1 torn, 2 a consistent
 *	image of the wrong instant, 3 a block no write made, 4 usage/I/O.
 *
 * One write is in flight at a time, so the writes are totally ordered and
 * "the source after write M" is well defined.  A block is
 *	{ magic, run, block, seq } + 4064 bytes derived from the four,
 * so a block half old, half new is caught as well as an old one.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* O_DIRECT */
#endif
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLK		4096
#define MAGIC		0x4b4c42544e524f54ULL	/* "TORNBLK" */
#define MAX_WRITES	(4u << 20)		/* bounds the log in memory */
#define NONE		UINT64_MAX

struct rec {
	uint64_t seq, block;
	int64_t t_ns;
};

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void
stamp(uint64_t *w, uint64_t run, uint64_t block, uint64_t seq)
{
	uint64_t s = mix(run ^ mix(block ^ mix(seq)));
	size_t i;

	w[0] = MAGIC;
	w[1] = run;
	w[2] = block;
	w[3] = seq;
	for (i = 4; i < BLK / 8; i++)
		w[i] = s = mix(s);
}

/* The write a block holds, NONE if it is no whole stamp of this run. */
static uint64_t
stamp_of(const uint64_t *w, uint64_t run, uint64_t block)
{
	uint64_t want[BLK / 8];

	if (w[0] != MAGIC || w[1] != run || w[2] != block)
		return NONE;
	stamp(want, run, block, w[3]);
	return memcmp(w, want, BLK) == 0 ? w[3] : NONE;
}

static int
open_volume(const char *path, int flags, uint64_t *nblk)
{
	struct stat st;
	int fd;

	if ((fd = open(path, flags | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		fprintf(stderr, "tornwriter: %s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	*nblk = (uint64_t)st.st_size / BLK;
	if (*nblk == 0) {
		fprintf(stderr, "tornwriter: %s: smaller than a block\n", path);
		close(fd);
		return -1;
	}
	return fd;
}

static void *
aligned(size_t n)
{
	void *p;

	if (posix_memalign(&p, BLK, n) != 0) {
		fprintf(stderr, "tornwriter: out of memory\n");
		exit(4);
	}
	return p;
}

static int
cmd_init(const char *path, uint64_t run)
{
	enum { PER = 256 };	/* blocks a write: 1 MiB */
	uint64_t nblk, b, i, n;
	uint8_t *buf = aligned((size_t)PER * BLK);
	int fd, rc = 4;

	if ((fd = open_volume(path, O_RDWR | O_DIRECT, &nblk)) == -1)
		goto out;
	for (b = 0; b < nblk; b += n) {
		n = nblk - b < PER ? nblk - b : PER;
		for (i = 0; i < n; i++)
			stamp((uint64_t *)(buf + i * BLK), run, b + i, 0);
		if (pwrite(fd, buf, n * BLK, (off_t)(b * BLK)) !=
		    (ssize_t)(n * BLK)) {
			fprintf(stderr, "tornwriter: init %s: %s\n", path,
			    strerror(errno));
			goto out_close;
		}
	}
	if (fsync(fd) == -1) {
		fprintf(stderr, "tornwriter: fsync %s: %s\n", path,
		    strerror(errno));
		goto out_close;
	}
	printf("init: %" PRIu64 " blocks stamped, run %" PRIu64 "\n",
	    nblk, run);
	rc = 0;
out_close:
	close(fd);
out:
	free(buf);
	return rc;
}

/* Reads LOG into *recs (owned by the caller, free); count in *n. */
static int
log_read(const char *path, struct rec **recs, uint64_t *n)
{
	FILE *f = fopen(path, "r");
	struct rec r, *v = NULL;
	uint64_t cap = 0;

	*n = 0;
	*recs = NULL;
	if (f == NULL)
		return errno == ENOENT ? 0 : -errno;
	while (fscanf(f, "%" SCNu64 " %" SCNu64 " %" SCNd64, &r.seq, &r.block,
	    &r.t_ns) == 3) {
		if (r.seq != *n + 1) {
			fprintf(stderr, "tornwriter: %s: write %" PRIu64
			    " after %" PRIu64 "\n", path, r.seq, *n);
			fclose(f);
			free(v);
			return -EINVAL;
		}
		if (*n == cap) {
			struct rec *nv;

			cap = cap ? cap * 2 : 4096;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				fclose(f);
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		v[(*n)++] = r;
	}
	fclose(f);
	*recs = v;
	return 0;
}

static int
cmd_write(const char *path, const char *logp, const char *ready,
    uint64_t run, unsigned secs, unsigned rate)
{
	struct rec *old, *recs = calloc(MAX_WRITES, sizeof(*recs));
	uint64_t *blk = aligned(BLK);
	uint64_t nblk, first, n = 0, rnd, i;
	int64_t t0 = now_ns(), next = t0;
	struct sigaction sa;
	FILE *lf = NULL;
	int fd = -1, rc = 4;

	if (recs == NULL)
		goto out;
	if (log_read(logp, &old, &first) != 0)
		goto out;
	free(old);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((fd = open_volume(path, O_RDWR | O_DIRECT, &nblk)) == -1)
		goto out;
	rnd = mix(run ^ (uint64_t)t0);
	while (!stop && n < MAX_WRITES &&
	    now_ns() - t0 < (int64_t)secs * 1000000000) {
		struct rec *r = &recs[n];

		rnd = mix(rnd);
		r->seq = first + n + 1;
		r->block = rnd % nblk;
		stamp(blk, run, r->block, r->seq);
		if (pwrite(fd, blk, BLK, (off_t)(r->block * BLK)) != BLK) {
			fprintf(stderr, "tornwriter: write %" PRIu64 ": %s\n",
			    r->seq, strerror(errno));
			break;
		}
		r->t_ns = now_ns();
		if (n++ == 0 && ready != NULL)
			close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
		if (rate > 0) {
			struct timespec ts;

			next += 1000000000 / rate;
			if (next > r->t_ns) {
				ts.tv_sec = (next - r->t_ns) / 1000000000;
				ts.tv_nsec = (next - r->t_ns) % 1000000000;
				nanosleep(&ts, NULL);
			}
		}
	}
	if ((lf = fopen(logp, "a")) == NULL) {
		fprintf(stderr, "tornwriter: %s: %s\n", logp, strerror(errno));
		goto out;
	}
	for (i = 0; i < n; i++)
		fprintf(lf, "%" PRIu64 " %" PRIu64 " %" PRId64 "\n",
		    recs[i].seq, recs[i].block, recs[i].t_ns);
	if (fclose(lf) != 0) {
		fprintf(stderr, "tornwriter: %s: %s\n", logp, strerror(errno));
		goto out;
	}
	printf("write: %" PRIu64 " writes (%" PRIu64 "..%" PRIu64 ") in %.2f s\n",
	    n, first + 1, first + n, (double)(now_ns() - t0) / 1e9);
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	free(blk);
	free(recs);
	return rc;
}

static int
cmd_verify(const char *path, const char *logp, uint64_t run, int64_t t_sent,
    int64_t t_answered)
{
	struct rec *recs = NULL;
	uint64_t *nextw = NULL, *firstw = NULL, *held = NULL, *buf = NULL;
	uint64_t n, nblk, b, lo = 0, hi = NONE, a = 0, z, stale = 0, bad = 0;
	uint64_t hi_block = 0, s;
	int fd = -1, rc = 4;

	if (log_read(logp, &recs, &n) != 0)
		goto out;
	if ((fd = open_volume(path, O_RDONLY, &nblk)) == -1)
		goto out;
	nextw = calloc(n + 1, sizeof(*nextw));
	firstw = malloc(nblk * sizeof(*firstw));
	held = malloc(nblk * sizeof(*held));
	buf = aligned(BLK);
	if (nextw == NULL || firstw == NULL || held == NULL)
		goto out;
	/* next write to the same block after each write; first per block */
	for (b = 0; b < nblk; b++)
		firstw[b] = NONE;
	for (s = n; s >= 1; s--) {
		if (recs[s - 1].block >= nblk)
			goto out;
		nextw[s] = firstw[recs[s - 1].block];
		firstw[recs[s - 1].block] = s;
	}
	for (b = 0; b < nblk; b++) {
		uint64_t nx;

		if (pread(fd, buf, BLK, (off_t)(b * BLK)) != BLK)
			goto out;
		s = stamp_of(buf, run, b);
		if (s == NONE || s > n || (s > 0 && recs[s - 1].block != b)) {
			if (bad++ < 3)
				fprintf(stderr, "verify: block %" PRIu64
				    " holds no write of run %" PRIu64 "\n", b,
				    run);
			continue;
		}
		held[b] = s;
		nx = s == 0 ? firstw[b] : nextw[s];
		if (s > lo)
			lo = s;
		if (nx != NONE && nx - 1 < hi) {
			hi = nx - 1;
			hi_block = b;
		}
	}
	if (bad > 0) {
		printf("verify: %" PRIu64 " blocks hold no write (copied "
		    "garbage or another run)\n", bad);
		rc = 3;
		goto out;
	}
	if (hi == NONE)
		hi = n;
	/* a: the last write done before the request was sent; z: the
	 * first write that began after the answer (its predecessor was
	 * done by then), so M must be in [a, z - 1]. */
	for (s = 1; s <= n && recs[s - 1].t_ns < t_sent; s++)
		a = s;
	for (z = 1; z <= n && (z == 1 || recs[z - 2].t_ns < t_answered); z++)
		;
	if (lo > hi) {
		for (b = 0; b < nblk; b++) {
			uint64_t nx = held[b] == 0 ? firstw[b] :
			    nextw[held[b]];

			if (nx != NONE && nx <= lo)
				stale++;
		}
		printf("verify: TORN: %" PRIu64 " writes; the copy holds write "
		    "%" PRIu64 " but block %" PRIu64 " holds write %" PRIu64
		    " that write %" PRIu64 " had replaced; %" PRIu64
		    " blocks older than the newest one\n", n, lo, hi_block,
		    held[hi_block], hi + 1, stale);
		rc = 1;
		goto out;
	}
	if (hi < a || lo > z - 1) {
		printf("verify: consistent, but of the wrong instant: writes "
		    "%" PRIu64 "..%" PRIu64 " fit, the request allows %" PRIu64
		    "..%" PRIu64 " (of %" PRIu64 ")\n", lo, hi, a, z - 1, n);
		rc = 2;
		goto out;
	}
	printf("verify: point-in-time: the source after write M in %" PRIu64
	    "..%" PRIu64 " (request window %" PRIu64 "..%" PRIu64 ", %" PRIu64
	    " writes in all)\n", lo > a ? lo : a, hi < z - 1 ? hi : z - 1, a,
	    z - 1, n);
	rc = 0;
out:
	if (rc == 4)
		fprintf(stderr, "tornwriter: verify %s against %s failed\n",
		    path, logp);
	if (fd != -1)
		close(fd);
	free(buf);
	free(held);
	free(firstw);
	free(nextw);
	free(recs);
	return rc;
}

static uint64_t
num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0') {
		fprintf(stderr, "tornwriter: not a number: '%s'\n", s);
		exit(4);
	}
	return v;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "init") == 0)
		return cmd_init(argv[2], num(argv[3]));
	if (argc >= 6 && argc <= 8 && strcmp(argv[1], "write") == 0)
		return cmd_write(argv[2], argv[3], argv[4], num(argv[5]),
		    argc > 6 ? (unsigned)num(argv[6]) : 60,
		    argc > 7 ? (unsigned)num(argv[7]) : 0);
	if (argc == 7 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(argv[2], argv[3], num(argv[4]),
		    (int64_t)num(argv[5]), (int64_t)num(argv[6]));
	fprintf(stderr, "usage: tornwriter init FILE RUN\n"
	    "       tornwriter write FILE LOG READY RUN [SECONDS [RATE]]\n"
	    "       tornwriter verify COPY LOG RUN T_SENT T_ANSWERED\n");
	return 4;
}
