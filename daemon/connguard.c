/* SPDX-License-Identifier: ISC */
/*
 * connguard.c - the connection table behind connguard.h.  A plain list:
 * admission and the once-a-second sweep scan it, and it never holds more
 * than the configured connection limit (plus the few being closed), so a
 * scan is a few microseconds at the default 1024.
 */
#include "daemon/connguard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A connection is cut for a newcomer only once it has had this long (or
 * half of header_ms, if less) to send its request: a real client sends
 * its request line and headers in one packet right after the accept (a
 * TLS one after its handshake, 2 round trips), so it never sits without
 * a complete request for that long, while a slowloris sits there for
 * header_ms.  Not longer: an attacker reconnecting fast from a client's
 * address keeps its connections young, and with 1 s a client at the cap
 * still found none old enough 1 time in 4 (tests/bench/dos.sh, slowH).
 */
#define CONN_EVICT_GRACE_MS	500

struct connguard {
	struct connguard_opts	 o;
	struct conn_entry	*head;
	size_t			 n;		/* entries */
	size_t			 ncut;		/* of which cut */
};

struct connguard *
connguard_new(const struct connguard_opts *o)
{
	struct connguard *g = calloc(1, sizeof(*g));

	if (g != NULL)
		g->o = *o;
	return g;
}

void
connguard_free(struct connguard *g)
{
	struct conn_entry *e;

	if (g == NULL)
		return;
	while ((e = g->head) != NULL) {
		g->head = e->next;
		free(e);
	}
	free(g);
}

void
connguard_set_opts(struct connguard *g, const struct connguard_opts *o)
{
	g->o = *o;
}

size_t
connguard_count(const struct connguard *g)
{
	return g->n - g->ncut;
}

static void
connguard_mark_cut(struct connguard *g, struct conn_entry *e,
    enum metrics_refusal why)
{
	if (!e->cut) {
		e->cut = true;
		e->why = why;
		g->ncut++;
	}
}

static uint64_t
connguard_grace(const struct connguard *g)
{
	return g->o.header_ms / 2 < CONN_EVICT_GRACE_MS ? g->o.header_ms / 2 :
	    CONN_EVICT_GRACE_MS;
}

/*
 * How readily `e` is given up for a newcomer: 1 idle between requests
 * (and, when the whole table is full, silent since the accept), 2 no
 * complete request for the grace, 3 a body below min_rate so far after
 * the grace; 0 never (being answered, a body at a good rate, or still
 * within the grace).  The per-address case gives fresh and idle
 * connections the grace too, so that a client opening connections in a
 * burst is refused at its cap rather than cutting its own newest ones,
 * and an attacker on a client's address cannot cut the client's
 * keep-alive connection in the instant between two of its requests.
 */
static int
connguard_tier(const struct connguard *g, const struct conn_entry *e,
    uint64_t now_ms, bool full)
{
	uint64_t age = now_ms - e->since_ms, grace = connguard_grace(g);

	switch (e->phase) {
	case CONN_IDLE:
		return full || age >= grace ? 1 : 0;
	case CONN_FRESH:
		if (full)
			return 1;
		/* FALLTHROUGH */
	case CONN_HEADERS:
		return age >= grace ? 2 : 0;
	case CONN_BODY:
		return g->o.min_rate != 0 && age >= grace &&
		    e->body_bytes * 1000 < g->o.min_rate * age ? 3 : 0;
	case CONN_BUSY:
		break;
	}
	return 0;
}

/*
 * The connection to give up for a newcomer from `addr` (NULL: from any
 * address, the table being full): the lowest tier, the oldest in it.
 */
static struct conn_entry *
connguard_victim(const struct connguard *g, const char *addr,
    uint64_t now_ms, int *tier)
{
	struct conn_entry *best = NULL;
	int bt = 0;

	for (struct conn_entry *e = g->head; e != NULL; e = e->next) {
		int t;

		if (e->cut || (addr != NULL && strcmp(e->addr, addr) != 0) ||
		    (t = connguard_tier(g, e, now_ms, addr == NULL)) == 0)
			continue;
		/* The list runs newest first: on a tie the older wins. */
		if (best == NULL || t < bt ||
		    (t == bt && e->since_ms <= best->since_ms)) {
			best = e;
			bt = t;
		}
	}
	*tier = bt;
	return best;
}

/* Marks the victim for `addr` (NULL: any) cut; false if there is none. */
static bool
connguard_evict(struct connguard *g, const char *addr, uint64_t now_ms,
    struct conn_entry **evict)
{
	int tier;

	if ((*evict = connguard_victim(g, addr, now_ms, &tier)) == NULL)
		return false;
	connguard_mark_cut(g, *evict, tier == 1 ? REFUSE_IDLE_EVICTED :
	    REFUSE_SLOW_EVICTED);
	return true;
}

enum conn_verdict
connguard_admit(struct connguard *g, const char *addr, uint64_t now_ms,
    struct conn_entry **evict)
{
	unsigned same = 0;

	*evict = NULL;
	for (struct conn_entry *e = g->head; e != NULL; e = e->next)
		if (!e->cut && strcmp(e->addr, addr) == 0)
			same++;
	/* The newcomer takes the victim's slot in the table too. */
	if (same >= g->o.per_address)
		return connguard_evict(g, addr, now_ms, evict) ? CONN_ADMIT :
		    CONN_REFUSE_ADDRESS;
	if (connguard_count(g) < g->o.max_conns)
		return CONN_ADMIT;
	return connguard_evict(g, NULL, now_ms, evict) ? CONN_ADMIT :
	    CONN_REFUSE_FULL;
}

struct conn_entry *
connguard_add(struct connguard *g, const char *addr, bool tls,
    uint64_t now_ms, void *owner)
{
	struct conn_entry *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	snprintf(e->addr, sizeof(e->addr), "%s", addr);
	e->tls = tls;
	e->phase = CONN_FRESH;
	e->since_ms = now_ms;
	e->owner = owner;
	e->next = g->head;
	e->prev = &g->head;
	if (g->head != NULL)
		g->head->prev = &e->next;
	g->head = e;
	g->n++;
	return e;
}

void
connguard_remove(struct connguard *g, struct conn_entry *e)
{
	if (e->next != NULL)
		e->next->prev = e->prev;
	*e->prev = e->next;
	g->n--;
	if (e->cut)
		g->ncut--;
	free(e);
}

void
connguard_phase(struct conn_entry *e, enum conn_phase phase, uint64_t now_ms)
{
	/* The first request's headers are due header_ms after the accept. */
	if (!(phase == CONN_HEADERS && e->phase == CONN_FRESH))
		e->since_ms = now_ms;
	if (phase == CONN_IDLE)
		e->served = true;
	if (phase == CONN_BODY)
		e->body_bytes = 0;
	e->phase = phase;
}

void
connguard_body_bytes(struct conn_entry *e, uint64_t n)
{
	e->body_bytes += n;
}

/* The deadline `e` is past at now_ms, or REFUSE_COUNT for none. */
static enum metrics_refusal
connguard_due(const struct connguard *g, const struct conn_entry *e,
    uint64_t now_ms)
{
	uint64_t age = now_ms - e->since_ms;

	switch (e->phase) {
	case CONN_FRESH:
		if (e->tls && age > g->o.handshake_ms)
			return REFUSE_HANDSHAKE_TIMEOUT;
		return age > g->o.header_ms ? REFUSE_HEADER_TIMEOUT :
		    REFUSE_COUNT;
	case CONN_HEADERS:
		return age > g->o.header_ms ? REFUSE_HEADER_TIMEOUT :
		    REFUSE_COUNT;
	case CONN_BODY:
		if (g->o.min_rate == 0 || age <= g->o.header_ms)
			return REFUSE_COUNT;
		/* Average rate since the headers, in bytes/s. */
		return e->body_bytes * 1000 < g->o.min_rate * age ?
		    REFUSE_BODY_SLOW : REFUSE_COUNT;
	case CONN_IDLE:
		return age > g->o.idle_ms ? REFUSE_IDLE_TIMEOUT : REFUSE_COUNT;
	case CONN_BUSY:
		break;
	}
	return REFUSE_COUNT;
}

size_t
connguard_expire(struct connguard *g, uint64_t now_ms,
    void (*cut)(void *arg, struct conn_entry *e, enum metrics_refusal why),
    void *arg)
{
	struct conn_entry *e, *next;
	size_t n = 0;

	for (e = g->head; e != NULL; e = next) {
		enum metrics_refusal why;

		next = e->next;		/* `cut` must not remove entries */
		if (e->cut || (why = connguard_due(g, e, now_ms)) ==
		    REFUSE_COUNT)
			continue;
		connguard_mark_cut(g, e, why);
		n++;
		cut(arg, e, why);
	}
	return n;
}
