/* SPDX-License-Identifier: ISC */
/*
 * copyglue.h - struct replica_ops implemented on top of the blockdev copy
 * engine: replica job ids map onto running copy jobs, engine callbacks turn
 * into replica_on_copy_progress/done, volumes are created, removed and
 * checked with bdev_*.
 */
#ifndef ARRAYD_COPYGLUE_H
#define ARRAYD_COPYGLUE_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "replica/replica.h"

struct copy_engine;
struct metrics;
struct copyglue;
struct replica_event;

/*
 * Returns a new glue owned by the caller (copyglue_free) or NULL on out of
 * memory.  `eng` and `m` (may be NULL) are borrowed and must outlive it.
 * `rate_limit` is bytes/s per copy, 0 unlimited.
 */
struct copyglue *copyglue_new(struct copy_engine *eng, struct metrics *m,
    uint64_t rate_limit);
/* Free once no copy runs (after copy_engine_close).  Accepts NULL. */
void copyglue_free(struct copyglue *g);
/* The replica set events go to; set right after replica_set_open. */
void copyglue_set_replica_set(struct copyglue *g, struct replica_set *rs);
/*
 * Where replica_ops.changed goes: `fn` gets each committed change (see
 * replica.h) with `arg`; none until this is called.
 */
void copyglue_set_changed(struct copyglue *g,
    void (*fn)(void *arg, const struct replica_event *ev), void *arg);
/*
 * The loop whose thread pool takes and drops point-in-time images
 * (bdev_image_take); without it (before copyglue_ops) no image is taken
 * and every copy reads its live source.
 */
void copyglue_set_loop(struct copyglue *g, uv_loop_t *loop);
/*
 * Start-up, after replica_set_start: remove every image in the
 * .arrayd-images folders beside the volumes' files that no pair or job of
 * `rs` names (a crash between a commit and its drop, or during a take),
 * one log line each.  Blocking (unlink, fsync of the folder).
 */
void copyglue_images_sweep(struct copyglue *g, const struct replica_set *rs);
/* Image takes and drops still on the thread pool (shutdown waits). */
unsigned copyglue_images_busy(const struct copyglue *g);
/* Fill ops (ctx = g) for replica_set_open. */
void copyglue_ops(struct copyglue *g, struct replica_ops *ops);
/*
 * Keep per-chunk digest maps of copy targets in `dir` (created 0700 if
 * missing; copied), as <dir>/<target DeviceID>.map, so a resync reads only
 * the source.  Without this call no map is kept and every resync reads
 * both volumes.  Returns 0 or -errno (then no maps are kept).  The daemon
 * calls it with <state_dir>/digests right after copyglue_new.
 */
int copyglue_set_digest_dir(struct copyglue *g, const char *dir);
/* New per-copy rate limit, applied to running copies too. */
void copyglue_set_rate(struct copyglue *g, uint64_t rate_limit);
/* Copies the engine still runs. */
unsigned copyglue_running(const struct copyglue *g);
/*
 * Measured rate of a running copy in bytes/s (smoothed); false when the
 * job is not running here.
 */
bool copyglue_job_rate(const struct copyglue *g, uint64_t job_id,
    double *bytes_per_s);

#endif /* ARRAYD_COPYGLUE_H */
