/* SPDX-License-Identifier: ISC */
/*
 * store.h - the one way replica/ reaches its persistent state: a narrow
 * interface of transactions (begin, commit, sync, roll back: one per state
 * change) and of records (meta key/value, volume, pair, job: put, delete,
 * load all), as an ops table an engine implements.  SQLite is the engine
 * today (store_sqlite.c); a replicated one (etcd, ...) can implement the
 * same table beside it without the rest of replica/ noticing.  The
 * functions below are the only callers of the table and add what every
 * engine shares: fault injection for the tests.  Nothing here knows the
 * state machine.  Internal to replica/ and its tests.
 */
#ifndef ARRAYD_REPLICA_STORE_H
#define ARRAYD_REPLICA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replica/replica.h"

struct store;

struct store_load_cb {
	void *arg;
	/* The callee copies what it keeps (v->path belongs to the store). */
	int (*volume)(void *arg, const struct rvolume *v);
	int (*pair)(void *arg, const struct rpair *p);
	int (*job)(void *arg, const struct rjob *j);
};

/*
 * An engine.  Every call returns 0 or -errno unless said otherwise; writes
 * are made inside the transaction begin() opened and are kept only by its
 * commit().  A put replaces the record with the same key.
 */
struct store_ops {
	int (*begin)(struct store *st);
	int (*commit)(struct store *st);
	/* Make what is committed survive a power cut (rare changes). */
	int (*sync)(struct store *st);
	/* Undo the open transaction, if any (a failed commit leaves it). */
	void (*rollback)(struct store *st);
	/* -ENOENT when the key is absent. */
	int (*meta_get)(struct store *st, const char *key, char *buf,
	    size_t len);
	int (*meta_set)(struct store *st, const char *key, const char *value);
	int (*put_volume)(struct store *st, const struct rvolume *v);
	int (*del_volume)(struct store *st, uint32_t id);
	int (*put_pair)(struct store *st, const struct rpair *p);
	int (*del_pair)(struct store *st, uint32_t src_id, uint32_t tgt_id);
	int (*put_job)(struct store *st, const struct rjob *j);
	int (*del_job)(struct store *st, uint64_t id);
	/* Every record, volumes, then pairs, then jobs, ascending keys; a
	 * record out of range gives -EINVAL and a message in errbuf. */
	int (*load)(struct store *st, const struct store_load_cb *cb,
	    char *errbuf, size_t errlen);
	/* The engine's last error text, for log lines ("" if none). */
	const char *(*errmsg)(const struct store *st);
	void (*close)(struct store *st);
};

/*
 * Fault injection for the unit tests: commit number `fail_nth` (1-based,
 * counted from this call) fails with `err` (-ENOSPC when 0), and so does
 * every later one when `fail_every`.  fail_nth 0 (or f NULL) injects
 * nothing.  The faults belong to this store object; the daemon never sets
 * them.
 */
struct store_faults {
	unsigned fail_nth;
	bool fail_every;
	int err;
};

/* The head of every engine's store object. */
struct store {
	const struct store_ops *ops;
	struct store_faults faults;	/* tests only: commits that fail */
	unsigned ncommits;		/* commits tried since the faults were set */
};

/*
 * The SQLite engine: open `path`, creating it (atomically: built beside
 * it, then renamed) when it does not exist.  An empty, foreign,
 * newer-schema or corrupt file is refused with -EINVAL/-EPROTO and a
 * message in errbuf.  *out is owned by the caller (store_close).
 */
int store_sqlite_open(const char *path, struct store **out, char *errbuf,
    size_t errlen);

void store_close(struct store *st);	/* accepts NULL */

int store_begin(struct store *st);
int store_commit(struct store *st);
/* Commit with the commit made durable before returning (store_sync). */
int store_commit_durable(struct store *st);
/*
 * Sync what is committed (store_commit_durable's second half).  A failure
 * here leaves the commit in place: only its survival of a power cut is in
 * doubt.
 */
int store_sync(struct store *st);
void store_rollback(struct store *st);
void store_set_faults(struct store *st, const struct store_faults *f);

int store_meta_get(struct store *st, const char *key, char *buf, size_t len);
int store_meta_set(struct store *st, const char *key, const char *value);
int store_put_volume(struct store *st, const struct rvolume *v);
int store_del_volume(struct store *st, uint32_t id);
int store_put_pair(struct store *st, const struct rpair *p);
int store_del_pair(struct store *st, uint32_t src_id, uint32_t tgt_id);
int store_put_job(struct store *st, const struct rjob *j);
int store_del_job(struct store *st, uint64_t id);
int store_load(struct store *st, const struct store_load_cb *cb,
    char *errbuf, size_t errlen);
const char *store_errmsg(const struct store *st);

#endif /* ARRAYD_REPLICA_STORE_H */
