/* SPDX-License-Identifier: ISC */
/*
 * indication.h - life-cycle indications (CONTRACT.md §8 "Events", SPEC.md
 * §4.6): each committed replica change the daemon hands over becomes the
 * CIM indication a 3PAR would send, is matched against the filter of
 * every enabled subscription, and is queued (indic_push) as a whole
 * CIM-XML ExportIndication request for each one that matches.
 *
 *   job created (not hidden)           CIM_InstCreation
 *   job JobState / OperationalStatus   TPD_ConcreteJobInstModification
 *   job PercentComplete only           the same, at most one per job per
 *                                      progress_interval_ms (a state change
 *                                      always sends, at once)
 *   volume created / deleted           TPD_StorageVolumeInstCreation / ..Deletion
 *   volume size, name, status          TPD_StorageVolumeInstModification
 *   pair SyncState                     CIM_InstModification (of
 *                                      TPD_StorageSynchronized)
 *
 * SourceInstance (and PreviousInstance for a modification) are the full
 * instances the model builds from the records of the change, embedded as
 * strings (EMBEDDEDOBJECT="instance").  An event no enabled subscription's
 * FROM class can match costs a walk over the subscriptions: no instance
 * is built.  An indication is built once per event; each subscription's
 * copy differs in MESSAGE ID, IndicationFilterName, SequenceContext and
 * SequenceNumber only.
 *
 * Use from the daemon (daemon/export*.c), all on the loop thread:
 *   cim_indication_new(&opts, &ci)         after the indic registry opened
 *   cim_indicate(ci, ev)                   from replica_ops.changed, next to
 *                                          cimop_changed(); never blocks: one
 *                                          SQLite transaction per event
 *   opts.kick(opts.kick_arg)               called by cim_indicate once after
 *                                          it queued anything for that event
 *   cim_indication_set_conf(ci, conf)      on reload, before the old conf is
 *                                          freed; also takes its
 *                                          progress_interval_ms.  What each
 *                                          job was last shown (the rate
 *                                          limit) is kept.
 *   cim_indication_free(ci)                before indic_close
 */
#ifndef ARRAYD_CIM_INDICATION_H
#define ARRAYD_CIM_INDICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conf;
struct indic;
struct replica_set;
struct replica_event;
struct cim_indication;

struct cim_indication_opts {
	const struct conf *conf;	/* as the model reads it; may be NULL */
	struct replica_set *rs;		/* read only, for the model */
	struct indic *ix;		/* subscriptions and queues */
	const char *host;		/* SourceInstanceHost (copied) */
	unsigned progress_interval_ms;	/* [indications] progress_interval_ms */
	/* Wall clock in microseconds (NULL: CLOCK_REALTIME). */
	int64_t (*now_us)(void *arg);
	void *now_arg;
	/* Something was queued: deliver (NULL: nobody to tell). */
	void (*kick)(void *arg);
	void *kick_arg;
};

/* What happened so far, for status and metrics. */
struct cim_indication_stats {
	uint64_t events;		/* changes handed to cim_indicate */
	uint64_t built;			/* indications built (some subscription
					 * could want them) */
	uint64_t queued;		/* indic_push succeeded */
	uint64_t unmatched;		/* built, but no filter matched */
	uint64_t progress_held;		/* PercentComplete changes held back */
	uint64_t failed;		/* build or push failures (logged) */
	uint64_t compiled;		/* filters compiled (once each) */
};

/* 0 and *out (caller owns: cim_indication_free), -EINVAL, -ENOMEM. */
int cim_indication_new(const struct cim_indication_opts *opts,
    struct cim_indication **out);
void cim_indication_free(struct cim_indication *ci);	/* accepts NULL */
void cim_indication_set_interval(struct cim_indication *ci, unsigned ms);
/* The configuration the model reads from now on (conf: NULL allowed);
 * progress_interval_ms follows conf's [indications]. */
void cim_indication_set_conf(struct cim_indication *ci,
    const struct conf *conf);

/*
 * One committed replica change (replica_ops.changed).  Never fails to the
 * caller: a failure to build or queue is logged and counted.
 */
void cim_indicate(struct cim_indication *ci, const struct replica_event *ev);

void cim_indication_stats(const struct cim_indication *ci,
    struct cim_indication_stats *out);

#endif /* ARRAYD_CIM_INDICATION_H */
