/* SPDX-License-Identifier: ISC */
/*
 * dbckpt.h - checkpoints the state database's WAL on libuv's thread pool
 * once a second, so the loop thread never pays a checkpoint's fsyncs.
 */
#ifndef ARRAYD_DBCKPT_H
#define ARRAYD_DBCKPT_H

#include <uv.h>

struct dbckpt;

/*
 * Start checkpointing `db_path` (copied) every `interval_ms`.  Returns 0
 * and a new object owned by the caller in *out (dbckpt_close), or -errno.
 */
int dbckpt_start(uv_loop_t *loop, const char *db_path, unsigned interval_ms,
    struct dbckpt **out);
/* Stop; `cb` runs once the timer is closed and no checkpoint is running. */
void dbckpt_close(struct dbckpt *k, void (*cb)(void *arg), void *arg);

#endif /* ARRAYD_DBCKPT_H */
