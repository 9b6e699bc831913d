/* SPDX-License-Identifier: ISC */
/*
 * indic_int.h - what the files of indic/ share: the registry handle (the
 * records in memory, mirrored by the SQLite file) and the statement
 * helpers.  Not for other layers.
 */
#ifndef ARRAYD_INDIC_INT_H
#define ARRAYD_INDIC_INT_H

#include <sqlite3.h>

#include "base/sqlfile.h"

#include "indic/indic.h"

/* A destination and what only the registry counts about it. */
struct indic__dest {
	struct indic_dest d;		/* first: handed out as indic_dest */
	size_t queued;			/* rows in queue for it, acked excluded */
	/*
	 * Delivered items whose rows indic_ack_flush has yet to delete: its
	 * rows up to acked_upto (a destination's items leave in id order),
	 * acked_n of them, the last at acked_us.  Counted as delivered in
	 * memory already.
	 */
	uint64_t acked_upto;
	uint64_t acked_n;
	int64_t acked_us;
};

struct indic__sub {
	struct indic_sub s;		/* first */
	size_t queued;
};

/* A growing array of record pointers, in id order (ids only increase). */
struct indic__vec {
	void **v;
	size_t n, cap;
};

#define INDIC_STMT_CACHE	32

struct indic {
	sqlite3 *db;
	char path[SQLFILE_PATH_MAX];
	struct indic_limits lim;
	uint64_t next_id;		/* meta next_id: ids are never reused */
	struct indic__vec filters;	/* struct indic_filter * */
	struct indic__vec dests;	/* struct indic__dest * */
	struct indic__vec subs;		/* struct indic__sub * */
	/* delivered/retried/dropped also persisted in meta */
	struct indic_totals tot;
	struct indic_item head;		/* indic_head's answer, body owned */
	char *head_body;
	/* Prepared statements, kept for the life of the handle (the loop
	 * prepares nothing per push or ack); see indic__stmt. */
	sqlite3_stmt *stmts[INDIC_STMT_CACHE];
	size_t nstmts;
	uint64_t loop_ckpts;		/* checkpoints the loop ran (cap reached) */
	uint64_t acks_pending;		/* sum of the dests' acked_n */
};

/*
 * Run one statement: sql with '?' parameters bound from a type string,
 * one letter each: 'U' uint64_t, 'I' int64_t, 'u' unsigned, 't' const
 * char * (NULL as ""), 'b' const char * and size_t (blob).  0 or -errno.
 */
int indic__run(struct indic *ix, const char *sql, const char *types, ...);
/*
 * The prepared statement of sql, from the handle's cache (prepared on
 * first use; an uncached one when the cache is full: *owned is then set
 * and the caller finalizes it).  The caller binds, steps and resets it
 * (sqlite3_reset: a SELECT left unreset would pin its read snapshot and
 * keep the WAL from being checkpointed).  NULL: sqlite's error in *rc.
 */
sqlite3_stmt *indic__stmt(struct indic *ix, const char *sql, bool *owned,
    int *rc);
/* Reset (or finalize, when owned) what indic__stmt gave. */
void indic__stmt_done(sqlite3_stmt *s, bool owned);
int indic__begin(struct indic *ix);
int indic__commit(struct indic *ix);	/* rolls back when the commit fails */
void indic__rollback(struct indic *ix);
int indic__errno(int sqlite_rc);
int64_t indic__now_us(void);
/* Persist ix->next_id and the totals in meta (inside a transaction). */
int indic__meta_save(struct indic *ix);

int indic__vec_push(struct indic__vec *vec, void *p);
void indic__vec_remove(struct indic__vec *vec, size_t i);
/* The index of the record whose id (first member) is id, or -1. */
long indic__vec_find(const struct indic__vec *vec, uint64_t id);

struct indic__dest *indic__dest_of(const struct indic *ix, uint64_t id);
struct indic__sub *indic__sub_of(const struct indic *ix, uint64_t id);

/* Load every record at open (store.c calls it); -EPROTO on a damaged row. */
int indic__load(struct indic *ix, char *errbuf, size_t errlen);
void indic__free_records(struct indic *ix);

#endif /* ARRAYD_INDIC_INT_H */
