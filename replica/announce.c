/* SPDX-License-Identifier: ISC */
/*
 * announce.c - tell the owner what a committed change changed (announce,
 * don't poll): one replica_ops.changed call per volume, pair and job that
 * was created, modified or deleted, with its state before and after.
 *
 * The transaction's snapshot (txn.c) is the "before"; the registries are
 * the "after".  Both are sorted by key, so one merge walk per registry
 * finds every difference.  Called by txn.c right after a commit and before
 * the snapshot is dropped, never for a change that was rolled back.  Only
 * changes made inside a transaction are announced, and the one write made
 * outside one: a copy's progress lives in memory between checkpoints and
 * is announced when a checkpoint saves it (copy.c).  This file decides no
 * transition.
 */
#include <string.h>

#include "replica/replica_int.h"

static void
announce(struct replica_set *rs, enum replica_what what,
    enum replica_change change, const void *before, const void *after)
{
	struct replica_event ev = { .what = what, .change = change };

	switch (what) {
	case REPLICA_VOLUME:
		ev.before.vol = before;
		ev.after.vol = after;
		break;
	case REPLICA_PAIR:
		ev.before.pair = before;
		ev.after.pair = after;
		break;
	case REPLICA_JOB:
		ev.before.job = before;
		ev.after.job = after;
		break;
	}
	rs->ops.changed(rs->ops.ctx, &ev);
}

/* Same volume state?  Paths are compared as strings, the rest as stored. */
static bool
vol_same(const struct rvolume *a, const struct rvolume *b)
{
	struct rvolume x, y;

	if (strcmp(a->path, b->path) != 0)
		return false;
	memcpy(&x, a, sizeof(x));	/* bytes, padding included */
	memcpy(&y, b, sizeof(y));
	x.path = y.path = NULL;
	return memcmp(&x, &y, sizeof(x)) == 0;
}

static void
announce_vols(struct replica_set *rs, const struct txn_snap *s)
{
	size_t i = 0, j = 0;

	while (i < s->nvols || j < rs->nvols) {
		const struct rvolume *o = i < s->nvols ? &s->vols[i] : NULL;
		const struct rvolume *n = j < rs->nvols ? &rs->vols[j] : NULL;

		if (n == NULL || (o != NULL && o->id < n->id)) {
			announce(rs, REPLICA_VOLUME, REPLICA_DELETED, o, NULL);
			i++;
		} else if (o == NULL || n->id < o->id) {
			announce(rs, REPLICA_VOLUME, REPLICA_CREATED, NULL, n);
			j++;
		} else {
			if (!vol_same(o, n))
				announce(rs, REPLICA_VOLUME, REPLICA_MODIFIED,
				    o, n);
			i++;
			j++;
		}
	}
}

/* Pairs sort by (source, target). */
static int
pair_order(const struct rpair *a, const struct rpair *b)
{
	if (a->src_id != b->src_id)
		return a->src_id < b->src_id ? -1 : 1;
	if (a->tgt_id != b->tgt_id)
		return a->tgt_id < b->tgt_id ? -1 : 1;
	return 0;
}

static void
announce_pairs(struct replica_set *rs, const struct txn_snap *s)
{
	size_t i = 0, j = 0;

	while (i < s->npairs || j < rs->npairs) {
		const struct rpair *o = i < s->npairs ? &s->pairs[i] : NULL;
		const struct rpair *n = j < rs->npairs ? &rs->pairs[j] : NULL;
		int d = o == NULL ? 1 : n == NULL ? -1 : pair_order(o, n);

		if (d < 0) {
			announce(rs, REPLICA_PAIR, REPLICA_DELETED, o, NULL);
			i++;
		} else if (d > 0) {
			announce(rs, REPLICA_PAIR, REPLICA_CREATED, NULL, n);
			j++;
		} else {
			if (memcmp(o, n, sizeof(*o)) != 0)
				announce(rs, REPLICA_PAIR, REPLICA_MODIFIED,
				    o, n);
			i++;
			j++;
		}
	}
}

/* What listeners now know of je's progress. */
static void
job_note_announced(struct job_ent *je)
{
	je->announced.bytes_total = je->j.bytes_total;
	je->announced.bytes_done = je->j.bytes_done;
	je->announced.checkpoint = je->j.checkpoint;
	je->announced.bytes_written = je->j.bytes_written;
	je->announced.percent = je->j.percent;
}

static void
announce_jobs(struct replica_set *rs, const struct txn_snap *s)
{
	size_t i = 0, j = 0;

	while (i < s->njobs || j < rs->njobs) {
		const struct rjob *o = i < s->njobs ? &s->jobs[i].j : NULL;
		const struct rjob *n = j < rs->njobs ? &rs->jobs[j].j : NULL;

		if (n == NULL || (o != NULL && o->id < n->id)) {
			announce(rs, REPLICA_JOB, REPLICA_DELETED, o, NULL);
			i++;
		} else if (o == NULL || n->id < o->id) {
			announce(rs, REPLICA_JOB, REPLICA_CREATED, NULL, n);
			job_note_announced(&rs->jobs[j]);
			j++;
		} else {
			if (memcmp(o, n, sizeof(*o)) != 0)
				announce(rs, REPLICA_JOB, REPLICA_MODIFIED,
				    o, n);
			job_note_announced(&rs->jobs[j]);
			i++;
			j++;
		}
	}
}

void
replica__announce_ckpt(struct replica_set *rs, struct job_ent *je)
{
	struct rjob before = je->j;

	if (rs->ops.changed == NULL)
		return;
	before.bytes_total = je->announced.bytes_total;
	before.bytes_done = je->announced.bytes_done;
	before.checkpoint = je->announced.checkpoint;
	before.bytes_written = je->announced.bytes_written;
	before.percent = je->announced.percent;
	job_note_announced(je);
	if (memcmp(&before, &je->j, sizeof(before)) != 0)
		announce(rs, REPLICA_JOB, REPLICA_MODIFIED, &before, &je->j);
}

void
replica__announce(struct replica_set *rs)
{
	if (rs->ops.changed == NULL)
		return;
	announce_vols(rs, &rs->snap);
	announce_pairs(rs, &rs->snap);
	announce_jobs(rs, &rs->snap);
}
