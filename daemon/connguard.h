/* SPDX-License-Identifier: ISC */
/*
 * connguard.h - who holds the server's connections, and for how long.
 *
 * One entry per open connection, with its client address and the phase
 * it is in (no request yet, reading headers, reading the body, being
 * answered, idle between requests) since when.  It decides, from the
 * clock alone, which connections are past a deadline: headers complete
 * within header_ms of the request's start (of the accept for the first
 * one), a TLS connection's handshake and request line within
 * handshake_ms, a body at no less than min_rate bytes/s once header_ms
 * have passed, a keep-alive connection's next request line within
 * idle_ms (MHD's own timeout only measures silence).  It decides whom to
 * admit: at most per_address connections from one address, and when the
 * table is full the one idle the longest is given up for the newcomer.
 * When either limit would refuse a newcomer, the connection most likely
 * an attacker's (from the same address for the per-address limit) is
 * given up instead: idle between requests, else the oldest without a
 * complete request after a grace, else a body below min_rate; never one
 * being answered or reading a body at a good rate.
 * It does not touch sockets: http.c closes what it is told to.  Loop
 * thread only.
 */
#ifndef ARRAYD_CONNGUARD_H
#define ARRAYD_CONNGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/metrics.h"

enum conn_phase {
	CONN_FRESH,	/* accepted, no request line yet (TLS handshake) */
	CONN_HEADERS,	/* request line seen, headers incomplete */
	CONN_BODY,	/* headers done, body being read */
	CONN_BUSY,	/* being verified, handled or answered: no deadline */
	CONN_IDLE,	/* keep-alive, between requests */
};

struct connguard_opts {
	unsigned max_conns;		/* admitted at once */
	unsigned per_address;		/* from one address at once */
	uint64_t header_ms;		/* request line to end of headers */
	uint64_t handshake_ms;		/* TLS: accept to request line */
	uint64_t idle_ms;		/* keep-alive: answer to request line */
	uint64_t min_rate;		/* body bytes/s after header_ms; 0 off */
};

struct conn_entry {
	char			 addr[48];	/* text, "127.0.0.1" */
	bool			 tls;
	bool			 cut;		/* told to close, not yet gone */
	enum metrics_refusal	 why;		/* if cut: the reason */
	bool			 served;	/* one request answered */
	enum conn_phase		 phase;
	uint64_t		 since_ms;	/* start of this phase */
	uint64_t		 body_bytes;
	void			*owner;		/* the caller's connection */
	struct conn_entry	*next, **prev;
};

struct connguard;

/* Returns a new table owned by the caller (connguard_free) or NULL. */
struct connguard *connguard_new(const struct connguard_opts *o);
void connguard_free(struct connguard *g);	/* frees remaining entries */
void connguard_set_opts(struct connguard *g, const struct connguard_opts *o);

enum conn_verdict { CONN_ADMIT, CONN_REFUSE_ADDRESS, CONN_REFUSE_FULL };

/*
 * May a new connection from `addr` come in?  When a limit is reached and
 * a connection can make room, it is marked cut (its `why` says how) and
 * returned in *evict (the caller closes it) and the verdict is
 * CONN_ADMIT.
 */
enum conn_verdict connguard_admit(struct connguard *g, const char *addr,
    uint64_t now_ms, struct conn_entry **evict);
/* A connection came in: returns its entry (owned by the table) or NULL. */
struct conn_entry *connguard_add(struct connguard *g, const char *addr,
    bool tls, uint64_t now_ms, void *owner);
/* It is gone (closed by anyone). */
void connguard_remove(struct connguard *g, struct conn_entry *e);
/* Enter `phase` at now_ms (headers keep a fresh connection's clock). */
void connguard_phase(struct conn_entry *e, enum conn_phase phase,
    uint64_t now_ms);
void connguard_body_bytes(struct conn_entry *e, uint64_t n);

/*
 * Marks every connection past a deadline cut and calls `cut` for each
 * with the reason; returns how many.
 */
size_t connguard_expire(struct connguard *g, uint64_t now_ms,
    void (*cut)(void *arg, struct conn_entry *e, enum metrics_refusal why),
    void *arg);

size_t connguard_count(const struct connguard *g);	/* not cut */

#endif /* ARRAYD_CONNGUARD_H */
