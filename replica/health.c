/* SPDX-License-Identifier: ISC */
/*
 * health.c - volume health: decides whether what replica_ops.volume_check
 * found at a volume's path is still that volume (the same file or device
 * node as when it was found, a regular file or block device, not smaller
 * than the volume), marks a volume whose backing store is lost `missing`
 * (OperationalStatus Error, logged once) and breaks its pairs, and finds
 * lost volumes again on a rescan (SIGHUP).
 *
 * A lost volume degrades itself and its pairs, never the array: every
 * other volume, pair and job is untouched.  Its pairs go through the state
 * machine's SM_EV_VOLUME_LOST (Broken; a queued or running job ends in
 * Exception with the reason, a copy still running in the engine is
 * cancelled once the change commits).  A volume found again
 * leaves its pairs Broken: as on a 3PAR, a client restarts their copy.
 * Nothing here begins a transaction except the entry points of replica.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "replica/replica_int.h"

/* -ENODEV from a probe: the volume is lost (now or before). */
#define HEALTH_LOST	(-ENODEV)

void
replica__vol_lost_text(const struct rvolume *v, int why, char *buf,
    size_t len)
{
	char what[96];

	switch (why) {
	case -ESTALE:
		snprintf(what, sizeof(what), "was replaced by another file "
		    "or device");
		break;
	case -ERANGE:
		snprintf(what, sizeof(what), "is smaller than the volume "
		    "(%" PRIu64 " bytes)", v->size);
		break;
	case -EINVAL:
		snprintf(what, sizeof(what), "is not a whole number of "
		    "512-byte blocks");
		break;
	case -ENODATA:
		snprintf(what, sizeof(what), "is empty (0 bytes)");
		break;
	case -EIDRM:
		snprintf(buf, len, "volume %u (%s) is no longer in the "
		    "configuration", v->id, v->name);
		return;
	case -ENOTBLK:
		snprintf(what, sizeof(what), "is neither a regular file nor "
		    "a block device");
		break;
	case -ENOENT:
		snprintf(what, sizeof(what), "is missing");
		break;
	default:
		snprintf(what, sizeof(what), "is missing (%s)",
		    strerror(why < 0 ? -why : EIO));
		break;
	}
	snprintf(buf, len, "volume %u (%s): backing store %s %s", v->id,
	    v->name, v->path, what);
}

/*
 * Is `st` usable as volume v?  0, or why not (-ESTALE another inode than
 * the one found before, -ERANGE smaller, -EINVAL not whole blocks).  With
 * `adopt` (start-up, rescan) any file is a candidate and a configured
 * volume takes its size; else it must be the file found before.
 */
static int
health_judge(const struct rvolume *v, const struct rvolume_stat *st,
    bool adopt)
{
	if (!adopt && v->found && (st->dev != v->found_dev ||
	    st->ino != v->found_ino || st->rdev != v->found_rdev))
		return -ESTALE;
	if (!st->sized)
		return 0;
	if (st->size == 0)
		return -ENODATA;
	if (st->size % 512 != 0)
		return -EINVAL;
	if (adopt && v->configured)
		return 0;
	return st->size < v->size ? -ERANGE : 0;
}

static void
health_remember(struct rvolume *v, const struct rvolume_stat *st)
{
	v->found = true;
	v->found_dev = st->dev;
	v->found_ino = st->ino;
	v->found_rdev = st->rdev;
}

/*
 * Break every pair of volume `id` (in the caller's transaction): the
 * event's cell cancels a copy running in the engine once the change
 * commits; its done event then only frees the slot.  Pairs are never
 * removed by this event, so the loop is safe.
 */
static int
health_break_pairs(struct replica_set *rs, uint32_t id, int why,
    const char *detail)
{
	struct sm_input in = { .err = why, .detail = detail };
	int err = 0;

	for (size_t i = 0; err == 0 && i < rs->npairs; i++) {
		struct rpair *p = &rs->pairs[i];

		if ((p->src_id != id && p->tgt_id != id) ||
		    (p->sync_state == SYNC_BROKEN && p->job_id == 0))
			continue;
		err = replica__step(rs, p, SM_EV_VOLUME_LOST, &in, NULL);
	}
	return err;
}

void
replica__vol_set_missing(struct replica_set *rs, struct rvolume *v, int why)
{
	char text[512];

	v->missing = true;
	v->missing_why = why;
	replica__vol_lost_text(v, why, text, sizeof(text));
	if (why == -EIDRM)
		replica__log(rs, LOG_LVL_WARN,
		    "%s: kept, failed, for its pairs", text);
	else
		replica__log(rs, LOG_LVL_ERROR,
		    "%s: served as failed until it is back "
		    "(SIGHUP or restart)", text);
}

int
replica__vol_mark_lost(struct replica_set *rs, struct rvolume *v, int why)
{
	char text[512];

	if (v->missing)
		return 0;
	replica__vol_set_missing(rs, v, why);
	replica__vol_lost_text(v, why, text, sizeof(text));
	return health_break_pairs(rs, v->id, why, text);
}

int
replica__vol_examine(struct replica_set *rs, struct rvolume *v, bool deep,
    bool adopt)
{
	struct rvolume_stat st;
	int why;

	memset(&st, 0, sizeof(st));
	why = rs->ops.volume_check(rs->ops.ctx, v, deep, &st);
	if (why == 0)
		why = health_judge(v, &st, adopt);
	if (why != 0)
		return why;
	if (adopt && v->configured && st.sized)
		v->size = st.size;
	if (adopt || !v->found)
		health_remember(v, &st);
	return 0;
}

int
replica__vol_probe(struct replica_set *rs, struct rvolume *v)
{
	int why, err;

	if (v->missing)
		return HEALTH_LOST;
	if ((why = replica__vol_examine(rs, v, !v->found, false)) == 0)
		return 0;
	if ((err = replica__vol_mark_lost(rs, v, why)) != 0)
		return err;
	return HEALTH_LOST;
}

int
replica__job_vols_probe(struct replica_set *rs, struct rpair *p,
    struct job_ent *je)
{
	struct rvolume *s = replica__vol(rs, je->j.src_id);
	struct rvolume *t = replica__vol(rs, je->j.tgt_id);
	struct rvolume *lost;
	struct sm_input in = { 0 };
	char text[512];
	int err;

	if (s == NULL || t == NULL)
		return 0;	/* the caller's copy_start fails on its own */
	if ((err = replica__vol_probe(rs, s)) == 0)
		err = replica__vol_probe(rs, t);
	if (err != -ENODEV)
		return err;
	/* Lost before now: its pairs broke then, unless this job is newer. */
	if (p->job_id != je->j.id || !replica__job_active(&je->j))
		return -ENODEV;
	lost = s->missing ? s : t;
	replica__vol_lost_text(lost, lost->missing_why, text, sizeof(text));
	in.err = lost->missing_why;
	in.detail = text;
	err = replica__step(rs, p, SM_EV_VOLUME_LOST, &in, NULL);
	return err != 0 ? err : -ENODEV;
}

int
replica_volume_probe(struct replica_set *rs, uint32_t id)
{
	struct rvolume *v = replica__vol(rs, id);
	int why, err;

	if (v == NULL)
		return -ENOENT;
	if (v->missing)
		return HEALTH_LOST;
	/* Healthy, the common case: one stat(2), no transaction. */
	if ((why = replica__vol_examine(rs, v, !v->found, false)) == 0)
		return 0;
	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	err = replica__vol_mark_lost(rs, v, why);
	if (err == 0)
		err = replica__schedule(rs);
	if ((err = replica__txn_commit(rs, err)) != 0)
		return err;
	return HEALTH_LOST;
}

/* A lost volume found again: healthy, its new size recorded. */
static int
health_found_again(struct replica_set *rs, struct rvolume *v)
{
	uint64_t old = v->size;
	int why;

	if ((why = replica__vol_examine(rs, v, true, true)) != 0) {
		char text[512];

		replica__vol_lost_text(v, why, text, sizeof(text));
		replica__log(rs, LOG_LVL_WARN, "%s: still failed", text);
		return 0;
	}
	v->missing = false;
	v->missing_why = 0;
	replica__log(rs, LOG_LVL_INFO,
	    "volume %u (%s): backing store %s is back "
	    "(%" PRIu64 " bytes); its pairs stay Broken until their copy "
	    "is restarted", v->id, v->name, v->path, v->size);
	return v->size != old ? replica__put_vol(rs, v) : 0;
}

int
replica_volumes_rescan(struct replica_set *rs)
{
	int err;

	if ((err = replica__txn_begin(rs)) != 0)
		return err;
	for (size_t i = 0; err == 0 && i < rs->nvols; i++) {
		struct rvolume *v = &rs->vols[i];

		/* Dropped from the configuration: kept only for its pairs. */
		if (v->configured && !rs->vol_registered[i])
			continue;
		if (v->missing)
			err = health_found_again(rs, v);
		else if ((err = replica__vol_probe(rs, v)) == HEALTH_LOST)
			err = 0;
	}
	if (err == 0)
		err = replica__schedule(rs);
	return replica__txn_commit(rs, err);
}
