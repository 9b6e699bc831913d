/* SPDX-License-Identifier: ISC */
/*
 * copycli.c - a small command line over the copy engine for the copy
 * benchmarks (tests/bench/copy.sh): copies SRC onto DST in a mode, with the
 * engine's knobs exposed, and prints one line of figures on stderr.  It is
 * not part of arrayd and must not grow features the daemon does not have.
 *
 *   copycli [-m full|diff|clone|extents] [-c CHUNK] [-j PER_JOB] [-q TOTAL]
 *           [-b] (buffered, no O_DIRECT) [-r] (copy_file_range)
 *           [-D] (O_DIRECT writes) [-P] (no page-cache probe: O_DIRECT
 *           reads even of cached ranges)
 *           [-d MAP] (digest map path) [-i SRCID] (source id for the map)
 *           [-B BASE] (extents: the base image, or DST for a restore)
 *           [-C] (extents: FICLONERANGE the changed chunks)
 *           SRC DST
 *
 * DST is created sparse at the source's size when missing.
 */
#include <sys/resource.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blockdev/blockdev.h"
#include "blockdev/blockdev_int.h"

struct run {
	int status;
	uint64_t err_off;
	struct copy_progress p;
};

static void
on_done(struct copy_job *job, int status, uint64_t err_off,
    const struct copy_progress *p, void *arg)
{
	struct run *r = arg;

	(void)job;
	r->status = status;
	r->err_off = err_off;
	r->p = *p;
}

static uint64_t
parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 10);

	switch (*end) {
	case 'k': case 'K': return v << 10;
	case 'm': case 'M': return v << 20;
	case 'g': case 'G': return v << 30;
	default: return v;
	}
}

static int
usage(void)
{
	fprintf(stderr, "usage: copycli [-m full|diff|clone|extents] "
	    "[-c CHUNK] [-j PER_JOB] [-q TOTAL] [-b] [-r] [-D] [-P] [-d MAP] "
	    "[-i SRCID] [-B BASE] [-C] SRC DST\n");
	return 2;
}

int
main(int argc, char **argv)
{
	struct copy_engine_opts o = { .use_direct_io = true };
	struct copy_spec spec = { .mode = COPY_FULL };
	struct run r = { .status = 1 };
	struct copy_engine *e;
	struct bdev_info si;
	struct rusage ru;
	uv_loop_t loop;
	bool cfr = false, probe = true;
	int c, err;

	while ((c = getopt(argc, argv, "m:c:j:q:brDPd:i:B:C")) != -1) {
		switch (c) {
		case 'm':
			if (strcmp(optarg, "diff") == 0)
				spec.mode = COPY_DIFF;
			else if (strcmp(optarg, "clone") == 0)
				spec.mode = COPY_CLONE;
			else if (strcmp(optarg, "extents") == 0)
				spec.mode = COPY_EXTENTS;
			else if (strcmp(optarg, "full") != 0)
				return usage();
			break;
		case 'c': o.chunk_size = (uint32_t)parse_size(optarg); break;
		case 'j': o.max_inflight_job = (unsigned)atoi(optarg); break;
		case 'q': o.max_inflight_total = (unsigned)atoi(optarg); break;
		case 'b': o.use_direct_io = false; break;
		case 'r': cfr = true; break;
		case 'D': o.direct_writes = true; break;
		case 'P': probe = false; break;
		case 'd': spec.digest_path = optarg; break;
		case 'i': spec.digest_src_id = strtoull(optarg, NULL, 10); break;
		case 'B': spec.base_path = optarg; break;
		case 'C': spec.clone_ranges = true; break;
		default: return usage();
		}
	}
	if (argc - optind != 2)
		return usage();
	spec.src_path = argv[optind];
	spec.dst_path = argv[optind + 1];
	if ((err = bdev_stat(spec.src_path, &si)) != 0 ||
	    (err = bdev_ensure(spec.dst_path, si.size, NULL)) != 0) {
		fprintf(stderr, "copycli: %s\n", strerror(-err));
		return 1;
	}
	uv_loop_init(&loop);
	if ((err = copy_engine_new(&loop, &o, &e)) != 0) {
		fprintf(stderr, "copycli: engine: %s\n", strerror(-err));
		return 1;
	}
	if (cfr)
		copy_engine__set_io_method(e, COPY_IO_CFR);
	copy_engine__set_cache_probe(e, probe);
	if ((err = copy_job_start(e, &spec, NULL, on_done, &r, NULL)) != 0) {
		fprintf(stderr, "copycli: start: %s\n", strerror(-err));
		return 1;
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	copy_engine_close(e, NULL, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "copycli: status=%d err_off=%llu bytes=%llu "
	    "chunks_written=%llu chunks_skipped=%llu bytes_written=%llu "
	    "bytes_read=%llu bytes_changed=%llu bytes_cloned=%llu "
	    "fell_back=%d inblock=%ld oublock=%ld maxrss_kb=%ld\n", r.status,
	    (unsigned long long)r.err_off,
	    (unsigned long long)r.p.bytes_total,
	    (unsigned long long)r.p.chunks_written,
	    (unsigned long long)r.p.chunks_skipped,
	    (unsigned long long)r.p.bytes_written,
	    (unsigned long long)r.p.bytes_read,
	    (unsigned long long)r.p.bytes_changed,
	    (unsigned long long)r.p.bytes_cloned, r.p.fell_back,
	    ru.ru_inblock, ru.ru_oublock, ru.ru_maxrss);
	if (r.status != 0)
		fprintf(stderr, "copycli: %s at %llu\n", strerror(-r.status),
		    (unsigned long long)r.err_off);
	return r.status == 0 ? 0 : 1;
}
