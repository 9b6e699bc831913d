/* SPDX-License-Identifier: ISC */
/*
 * poolmode.h - how each pool makes physical copies (CONTRACT.md §6): from
 * a point-in-time image where its folder's file system can clone and the
 * configuration allows it, else from a live source.  Probed at start-up
 * and on every reload, logged once per change, told to the replica set,
 * shown by `arrayd status`.
 */
#ifndef ARRAYD_POOLMODE_H
#define ARRAYD_POOLMODE_H

#include <stdbool.h>
#include <stddef.h>

struct poolmode;
struct replica_set;
struct conf_pool;

/* A new table owned by the caller (poolmode_free), or NULL (no memory). */
struct poolmode *poolmode_new(void);
void poolmode_free(struct poolmode *pm);	/* accepts NULL */

/*
 * Probe pool p's folder (blocking: a FICLONE of two scratch files, once
 * per file system), record its mode, tell `rs`, and log it when it is new
 * or changed ("pool0: reflink (xfs): point-in-time copies").  `can_image`
 * false: the daemon takes no images at all.  0 or -errno (-ENOENT: the
 * replica set has no such pool).
 */
int poolmode_update(struct poolmode *pm, struct replica_set *rs,
    const struct conf_pool *p, bool can_image);

/* The mode of pool `name` for status lines, without tabs; NULL unknown. */
const char *poolmode_text(const struct poolmode *pm, const char *name);

#endif /* ARRAYD_POOLMODE_H */
