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

/* A connection reading headers for this long may be given up when full. */
#define CONN_EVICT_HEADERS_MS	1000

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
connguard_mark_cut(struct connguard *g, struct conn_entry *e)
{
	if (!e->cut) {
		e->cut = true;
		g->ncut++;
	}
}

/*
 * The connection to give up for a newcomer: idle the longest (between
 * requests, or accepted and silent), else the oldest still sending its
 * headers after CONN_EVICT_HEADERS_MS; never one being read or answered.
 */
static struct conn_entry *
connguard_victim(struct connguard *g, uint64_t now_ms)
{
	struct conn_entry *idle = NULL, *slow = NULL;

	for (struct conn_entry *e = g->head; e != NULL; e = e->next) {
		if (e->cut)
			continue;
		/* The list runs newest first: on a tie the older wins. */
		if (e->phase == CONN_IDLE || e->phase == CONN_FRESH) {
			if (idle == NULL || e->since_ms <= idle->since_ms)
				idle = e;
		} else if (e->phase == CONN_HEADERS &&
		    now_ms - e->since_ms >= CONN_EVICT_HEADERS_MS) {
			if (slow == NULL || e->since_ms <= slow->since_ms)
				slow = e;
		}
	}
	return idle != NULL ? idle : slow;
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
	if (same >= g->o.per_address)
		return CONN_REFUSE_ADDRESS;
	if (connguard_count(g) < g->o.max_conns)
		return CONN_ADMIT;
	if ((*evict = connguard_victim(g, now_ms)) == NULL)
		return CONN_REFUSE_FULL;
	connguard_mark_cut(g, *evict);
	return CONN_ADMIT;
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
		connguard_mark_cut(g, e);
		n++;
		cut(arg, e, why);
	}
	return n;
}
