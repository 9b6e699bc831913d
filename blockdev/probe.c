/* SPDX-License-Identifier: ISC */
/*
 * probe.c - which filesystems can clone (FICLONE).  A probe tries once per
 * filesystem, with two scratch files in the folder asked about, and keeps
 * the answer; the answers live in the probe its caller owns, so two probes
 * (or two tests) never share them.  It clones nothing a caller asked for:
 * bdev_reflink and the copy engine do.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blockdev/blockdev.h"
#include "blockdev/blockdev_int.h"

/* Filesystems remembered; a probe tries the others each time. */
#define PROBE_SLOTS	16

struct bdev_probe {
	const struct bdev_io_ops *io;
	pthread_mutex_t mu;		/* the slots; callers on any thread */
	struct { dev_t dev; bool ok; } slot[PROBE_SLOTS];
	unsigned n;
};

/* Returns a new probe owned by the caller in *out (bdev_probe_free). */
int
bdev_probe_new(const struct bdev_io_ops *io, struct bdev_probe **out)
{
	struct bdev_probe *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -ENOMEM;
	p->io = io != NULL ? io : &bdev__io_default;
	pthread_mutex_init(&p->mu, NULL);
	*out = p;
	return 0;
}

void
bdev_probe_free(struct bdev_probe *p)
{
	if (p == NULL)
		return;
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* Clone a scratch file onto another in `dir`; both are removed. */
static bool
probe_clone(const struct bdev_io_ops *io, const char *dir)
{
	char a[PATH_MAX], b[PATH_MAX];
	char buf[4096];
	int fa, fb;
	bool ok = false;

	if (snprintf(a, sizeof(a), "%s/.arrayd-rl-XXXXXX", dir) >= (int)sizeof(a))
		return false;
	strcpy(b, a);
	if ((fa = mkstemp(a)) == -1)
		return false;
	if ((fb = mkstemp(b)) == -1)
		goto out_unlink_a;
	memset(buf, 0x5a, sizeof(buf));
	if (write(fa, buf, sizeof(buf)) == (ssize_t)sizeof(buf) &&
	    fsync(fa) == 0)
		ok = io->ficlone(fb, fa) == 0;
	close(fb);
	unlink(b);
out_unlink_a:
	close(fa);
	unlink(a);
	return ok;
}

bool
bdev_probe_reflink(struct bdev_probe *p, const char *dir)
{
	struct stat st;
	bool ok;

	if (stat(dir, &st) == -1)
		return false;
	pthread_mutex_lock(&p->mu);
	for (unsigned i = 0; i < p->n; i++) {
		if (p->slot[i].dev == st.st_dev) {
			ok = p->slot[i].ok;
			pthread_mutex_unlock(&p->mu);
			return ok;
		}
	}
	ok = probe_clone(p->io, dir);
	if (p->n < PROBE_SLOTS) {
		p->slot[p->n].dev = st.st_dev;
		p->slot[p->n++].ok = ok;
	}
	pthread_mutex_unlock(&p->mu);
	return ok;
}
