/* SPDX-License-Identifier: ISC */
/*
 * indic.h - the indication subscriptions and their delivery queues, as
 * plain persistent data (SQLite file <state_dir>/indications.db).
 *
 * Layer: indic/ sits beside replica/: it may include base/ only (and
 * <sqlite3.h>); it knows no CIM-XML, no libuv, no curl.  cim/ reads and
 * writes the registry (CreateInstance/DeleteInstance/...) and pushes
 * indications; daemon/export*.c pops and acknowledges them.  Every
 * function runs on the loop thread; every change is one SQLite
 * transaction committed before the call returns (WAL, synchronous=NORMAL,
 * as replica/store_sqlite.c: survives kill -9).  The loop's connection
 * never checkpoints below a cap (wal_cap_pages): the daemon checkpoints
 * the file on its thread pool (daemon/dbckpt.c), so the loop does not
 * wait on those fsyncs.  Only a WAL that reaches the cap (the pool could
 * not catch up during a long burst) is checkpointed on the loop, counted
 * by indic_loop_checkpoints.  The WAL restarts from its start once the
 * pool's checkpoint has caught up and the loop commits again, and shrinks
 * back to 8 MiB then (journal_size_limit): the cap bounds the file.
 *
 * Ownership: strings in the records are owned by the registry and valid
 * until the next call that changes it; callers copy what they keep.
 * Returns: 0 or -errno (-ENOENT no such record, -EEXIST key taken,
 * -EDQUOT a count limit, -ENOSPC/-EIO store failure, -ENOMEM).
 */
#ifndef ARRAYD_INDIC_H
#define ARRAYD_INDIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct indic;

/* Limits (conf [indications], defaults in brackets). */
struct indic_limits {
	unsigned max_subscriptions;	/* all users [1000] */
	unsigned max_per_user;		/* filters+destinations+subscriptions per owner [300] */
	unsigned queue_max;		/* queued indications per destination [10000] */
	/* WAL pages before the loop's connection checkpoints itself
	 * [32768, 128 MiB at 4 KiB pages]; not in the configuration. */
	unsigned wal_cap_pages;
};

/* CIM_IndicationFilter (keys: CreationClassName, SystemCreationClassName,
 * SystemName, Name). */
struct indic_filter {
	uint64_t id;			/* internal, never reused */
	char *creation_class;		/* as the client spelled it: "CIM_IndicationFilter" */
	char *system_ccn, *system_name;
	char *name;
	char *query;
	char *query_language;		/* "WQL", "DMTF:CQL" */
	char *source_namespace;		/* SourceNamespace, "" if NULL */
	char *source_namespaces;	/* SourceNamespaces[] joined by '\n', "" if NULL */
	char *element_name;		/* "" if NULL */
	char *owner;			/* user that created it */
	bool permanent;			/* pywbem: Name has ":pywbemsubscriptionmanager:" ...: informational */
	int64_t created_us;
};

/* CIM_ListenerDestinationCIMXML or CIM_IndicationHandlerCIMXML. */
struct indic_dest {
	uint64_t id;
	char *creation_class;
	char *system_ccn, *system_name;
	char *name;
	char *destination;		/* URL "https://host:port/path" */
	uint16_t persistence_type;	/* 2 Permanent, 3 Transient, 1 Other */
	uint16_t protocol;		/* 2 CIM-XML */
	char *owner;
	int64_t created_us;
	/* delivery state (updated by indic_dest_note_*) */
	uint64_t seq_next;		/* next SequenceNumber to hand out */
	char *seq_context;		/* SequenceContext, fixed at creation */
	uint64_t delivered, retried, dropped;	/* counters, persisted */
	int64_t last_ok_us, last_fail_us;
	char *last_error;		/* "" none */
};

/* CIM_IndicationSubscription (keys: Filter, Handler references). */
struct indic_sub {
	uint64_t id;
	char *creation_class;		/* "CIM_IndicationSubscription" */
	uint64_t filter_id, dest_id;
	uint16_t state;			/* SubscriptionState: 2 Enabled, 4 Disabled */
	uint16_t on_fatal_error;	/* OnFatalErrorPolicy: 2 Ignore, 3 Disable, 4 Remove */
	uint16_t repeat_policy;		/* RepeatNotificationPolicy, stored only */
	uint16_t delivery_failure;	/* 0 none; else the state says deliveries were dropped */
	uint64_t dropped;		/* indications dropped for it */
	char *owner;
	int64_t created_us;
};

/* A queued indication: the whole CIM-XML EXPORT message (DSP0201). */
struct indic_item {
	uint64_t id;			/* queue order, increasing, never
					 * reused (from the persisted id
					 * counter the records use) */
	uint64_t dest_id, sub_id;
	uint64_t seq_no;
	unsigned attempts;		/* delivery attempts so far */
	int64_t queued_us;
	const char *body;		/* owned by the registry until the next change */
	size_t len;
};

/* Open or create; *out owned by the caller (indic_close).  errbuf: why. */
int indic_open(const char *db_path, const struct indic_limits *lim,
    struct indic **out, char *errbuf, size_t errlen);
void indic_close(struct indic *ix);		/* accepts NULL */
void indic_set_limits(struct indic *ix, const struct indic_limits *lim);
/* How many times the loop's connection checkpointed (WAL at the cap). */
uint64_t indic_loop_checkpoints(const struct indic *ix);

/* Registry.  add_* fill in id/created_us and copy every string. */
int indic_filter_add(struct indic *ix, struct indic_filter *f);
int indic_dest_add(struct indic *ix, struct indic_dest *d);
/* -ENOENT unknown filter/dest; -EEXIST that pair already subscribed. */
int indic_sub_add(struct indic *ix, struct indic_sub *s);
/* A filter or destination with subscriptions: -EBUSY (CIM_ERR_FAILED). */
int indic_filter_del(struct indic *ix, uint64_t id);
int indic_dest_del(struct indic *ix, uint64_t id);
/* Deleting a subscription drops (and counts) what is queued for it. */
int indic_sub_del(struct indic *ix, uint64_t id, uint64_t *dropped);
/* Any state but INDIC_SUB_ENABLED also drops (and counts on the
 * destination) what is queued for it: a disabled subscription is sent
 * nothing more, as a deleted one. */
#define INDIC_SUB_ENABLED	2
int indic_sub_set_state(struct indic *ix, uint64_t id, uint16_t state);

/* Lookups by key (case-insensitive names as CIM wants); NULL none. */
const struct indic_filter *indic_filter_find(const struct indic *ix,
    const char *name);
const struct indic_dest *indic_dest_find(const struct indic *ix,
    const char *name);
const struct indic_filter *indic_filter_get(const struct indic *ix, uint64_t id);
const struct indic_dest *indic_dest_get(const struct indic *ix, uint64_t id);
const struct indic_sub *indic_sub_find(const struct indic *ix,
    uint64_t filter_id, uint64_t dest_id);
/* Iteration in id order: i from 0 until NULL. */
const struct indic_filter *indic_filter_at(const struct indic *ix, size_t i);
const struct indic_dest *indic_dest_at(const struct indic *ix, size_t i);
const struct indic_sub *indic_sub_at(const struct indic *ix, size_t i);

/*
 * Queue an indication for a subscription's destination.  The sequence
 * number is handed out here (the destination's seq_next, persisted in the
 * same transaction); build() writes the EXPORT message for it into a
 * malloc'ed *body (ownership passes to indic_push, which frees it).
 * A full queue: -ENOBUFS, the indication is dropped and counted on the
 * destination and the subscription.
 */
int indic_push(struct indic *ix, uint64_t sub_id,
    int (*build)(void *arg, const char *seq_context, uint64_t seq_no,
	char **body, size_t *len), void *arg);
/*
 * The same indication for n subscriptions in ONE transaction (one commit
 * per event rather than per subscription: the loop thread's cost).
 * build(arg, i, ...) writes sub_ids[i]'s message as above.  rcs[i] says
 * what became of sub_ids[i]: 0 queued, -ENOBUFS full queue (dropped and
 * counted), -ENOENT no such subscription, or build's error.  Returns 0,
 * or a store -errno: then nothing at all was queued or counted and every
 * rcs[i] is that error.
 */
int indic_push_many(struct indic *ix, const uint64_t *sub_ids, size_t n,
    int (*build)(void *arg, size_t i, const char *seq_context,
	uint64_t seq_no, char **body, size_t *len), void *arg, int *rcs);
/*
 * indic_push_many for an event whose messages all contain the same bytes
 * shared[0..shared_len) (the indication's properties): those are stored
 * once for the event, and per item only the rest of its message.  A
 * message that does not contain them is stored whole.  indic_head gives
 * back the exact bytes build() wrote.
 */
int indic_push_shared(struct indic *ix, const uint64_t *sub_ids, size_t n,
    const char *shared, size_t shared_len,
    int (*build)(void *arg, size_t i, const char *seq_context,
	uint64_t seq_no, char **body, size_t *len), void *arg, int *rcs);
/* The oldest queued item of a destination (NULL: none). */
const struct indic_item *indic_head(struct indic *ix, uint64_t dest_id);
/* Delivered: remove it, count it (indic_ack_later + indic_ack_flush). */
int indic_ack(struct indic *ix, uint64_t item_id);
/*
 * Delivered, in memory only: counted at once, gone from indic_head and
 * the queued counts, but its row is deleted (and the destination's
 * delivered count written) by the next indic_ack_flush, which commits
 * every pending ack in ONE transaction.  A crash before the flush sends
 * the item again after the restart: delivery is at least once (DSP1054
 * listeners recognise a repeat by its SequenceNumber).  -ENOENT: not
 * queued (or already acknowledged).
 */
int indic_ack_later(struct indic *ix, uint64_t item_id);
/* Commit the pending acks; 0 (also with none) or a store -errno (they
 * stay pending).  Every other change of the queue flushes first, and so
 * does indic_close. */
int indic_ack_flush(struct indic *ix);
/* How many acks wait for indic_ack_flush. */
uint64_t indic_acks_pending(const struct indic *ix);
/* Failed once: attempts+1, last error recorded, retried counted. */
int indic_note_failure(struct indic *ix, uint64_t item_id, const char *why);
/* Give up: remove it, count the drop on destination and subscription. */
int indic_drop(struct indic *ix, uint64_t item_id, const char *why);
/* Totals for status/metrics. */
struct indic_totals {
	unsigned filters, dests, subs;
	uint64_t queued, delivered, retried, dropped;
};
void indic_totals(const struct indic *ix, struct indic_totals *out);

/*
 * Additions beyond the shared interface (nothing above is changed).
 */

/* The number of records of each kind an owner holds (limits, status). */
unsigned indic_owner_count(const struct indic *ix, const char *owner);
/* A subscription by id (O(log n)); NULL none. */
const struct indic_sub *indic_sub_get(const struct indic *ix, uint64_t id);
/* Queued indications of one destination. */
size_t indic_dest_queued(const struct indic *ix, uint64_t dest_id);

/*
 * The destination allow-list, pure (no I/O, no DNS): may an indication be
 * sent to url?  The URL is "http[s]://HOST[:PORT][/PATH]" where HOST is an
 * IPv4 literal, an IPv6 literal in brackets or "localhost" (names other
 * than localhost are refused: arrayd resolves nothing, so what is checked
 * is what is connected to).  allow: CIDR entries ("10.1.0.0/16",
 * "::1/128", a bare address is /32 or /128).  An empty allow list means
 * loopback (127.0.0.0/8, ::1) plus the network of each listen address:
 * its /24 (IPv4) or /64 (IPv6); a wildcard listen address (0.0.0.0, ::)
 * names no network and adds nothing.  listen_addrs entries may carry a
 * port ("10.0.0.5:5989", "[fd00::1]:5989").  An IPv4-mapped IPv6 address
 * is checked as the IPv4 address it maps.
 * Returns 0 allowed, -EINVAL url is not such a URL (or an allow entry is
 * not a CIDR), -EACCES the address is outside the list; errbuf says why.
 */
int indic_dest_check(const char *url, const char *const *allow,
    size_t nallow, const char *const *listen_addrs, size_t nlisten,
    char *errbuf, size_t len);
/* Is s a CIDR entry indic_dest_check accepts?  0 or -EINVAL (conf load). */
int indic_cidr_check(const char *s);

#endif /* ARRAYD_INDIC_H */
