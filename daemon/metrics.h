/* SPDX-License-Identifier: ISC */
/*
 * metrics.h - counters for the Prometheus text endpoint (GET /metrics) and
 * `arrayd status`: requests and latencies by operation, copy bytes and
 * rate, jobs by state, pairs by SyncState (the last two read live from the
 * replica set when rendering), jobs ended and pair transitions (counted
 * from the replica set's announcements), volumes created and deleted
 * through CIM and each pool's space (read from the replica set too).
 */
#ifndef ARRAYD_METRICS_H
#define ARRAYD_METRICS_H

#include <stdint.h>

struct cim_buf;
struct conf;
struct replica_set;
struct replica_event;
struct metrics;

/* Returns a new metrics table owned by the caller (metrics_free) or NULL. */
struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);		/* accepts NULL */

/*
 * One request: `op` is the CIM operation or method name ("GetInstance",
 * "ModifySynchronization"; "-" for requests rejected before parsing),
 * http_status its HTTP status, cim_status the ERROR code (0 none).
 */
void metrics_observe_request(struct metrics *m, const char *op,
    unsigned http_status, unsigned cim_status, int64_t dur_us);
/* Bytes a copy wrote / processed since the last call. */
void metrics_add_copy_bytes(struct metrics *m, uint64_t processed,
    uint64_t written);

/*
 * A committed replica change (replica_ops.changed): counts jobs that
 * ended by final state (arrayd_jobs_ended_total) and pairs entering each
 * SyncState (arrayd_pair_transitions_total).  Hidden jobs are not counted.
 */
void metrics_observe_change(struct metrics *m, const struct replica_event *ev);

/*
 * Connections and requests the HTTP front door refused or cut, by reason
 * (arrayd_http_refused_total{reason="..."}).  metrics_refusal_name()
 * gives the label.
 */
enum metrics_refusal {
	REFUSE_HEADER_TIMEOUT,		/* headers not complete in time */
	REFUSE_BODY_SLOW,		/* body under the minimum rate */
	REFUSE_HANDSHAKE_TIMEOUT,	/* TLS handshake + request line late */
	REFUSE_IDLE_TIMEOUT,		/* keep-alive dripping past timeout */
	REFUSE_PER_ADDRESS,		/* too many connections from one address */
	REFUSE_TABLE_FULL,		/* no slot and no idle one to close */
	REFUSE_IDLE_EVICTED,		/* idle keep-alive closed for a new one */
	REFUSE_SLOW_EVICTED,		/* slow request closed for a new one */
	REFUSE_AUTH_BUSY,		/* 503: verification queue full */
	REFUSE_AUTH_PENALTY,		/* 401 answered late: repeated failures */
	REFUSE_BODY_BUDGET,		/* 503: body memory budget spent */
	REFUSE_FRAMING,			/* 400: conflicting Content-Length */
	REFUSE_TOO_LARGE,		/* 413 */
	REFUSE_COUNT
};
const char *metrics_refusal_name(enum metrics_refusal r);
void metrics_count_refusal(struct metrics *m, enum metrics_refusal r);

/*
 * Prometheus text exposition format 0.0.4.  With `rs`: the live gauges,
 * the volumes CIM created and deleted, and the space of every pool of
 * `c` (may be NULL: no pool gauges).  Both borrowed for the call.
 */
void metrics_render(const struct metrics *m, const struct replica_set *rs,
    const struct conf *c, struct cim_buf *out);

#endif /* ARRAYD_METRICS_H */
