/* SPDX-License-Identifier: ISC */
/*
 * store.h - persistence of the replica layer in one SQLite file: meta
 * (system name, task-id counter), volumes, pairs and jobs.  The caller
 * brackets every state change in store_begin()/store_commit(); nothing here
 * knows the state machine.  Internal to replica/ and its tests.
 */
#ifndef ARRAYD_REPLICA_STORE_H
#define ARRAYD_REPLICA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "replica/replica.h"

#define STORE_SCHEMA_VERSION	2
#define STORE_SCHEMA_VERSION_TEXT "2"
#define STORE_SCHEMA_NAME	"arrayd-replica"

struct store;

/*
 * Open `path`, creating it (atomically: built beside it, then renamed) when
 * it does not exist.  An empty, foreign, newer-schema or corrupt file is
 * refused with -EINVAL/-EPROTO and a message in errbuf.  *out is owned by
 * the caller (store_close).
 */
int store_open(const char *path, struct store **out, char *errbuf,
    size_t errlen);
void store_close(struct store *st);	/* accepts NULL */

int store_begin(struct store *st);
int store_commit(struct store *st);
/* Commit with the WAL fsync'ed before returning (rare, must-survive changes). */
int store_commit_durable(struct store *st);
/*
 * Sync what is committed (store_commit_durable's second half).  A failure
 * here leaves the commit in place: only its survival of a power cut is in
 * doubt.
 */
int store_sync(struct store *st);
void store_rollback(struct store *st);

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
void store_set_faults(struct store *st, const struct store_faults *f);

/* -ENOENT when the key is absent. */
int store_meta_get(struct store *st, const char *key, char *buf, size_t len);
int store_meta_set(struct store *st, const char *key, const char *value);

int store_put_volume(struct store *st, const struct rvolume *v);
int store_del_volume(struct store *st, uint32_t id);
int store_put_pair(struct store *st, const struct rpair *p);
int store_del_pair(struct store *st, uint32_t src_id, uint32_t tgt_id);
int store_put_job(struct store *st, const struct rjob *j);
int store_del_job(struct store *st, uint64_t id);

struct store_load_cb {
	void *arg;
	/* The callee copies what it keeps (v->path belongs to the store). */
	int (*volume)(void *arg, const struct rvolume *v);
	int (*pair)(void *arg, const struct rpair *p);
	int (*job)(void *arg, const struct rjob *j);
};

/* Every row, ascending keys; a row out of range gives -EINVAL + errbuf. */
int store_load(struct store *st, const struct store_load_cb *cb,
    char *errbuf, size_t errlen);

/* Last SQLite error text, for log lines. */
const char *store_errmsg(const struct store *st);

#endif /* ARRAYD_REPLICA_STORE_H */
