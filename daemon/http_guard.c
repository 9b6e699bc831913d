/* SPDX-License-Identifier: ISC */
/*
 * http_guard.c - the front door's defences, applied to MHD: the accept
 * policy (per-address cap, a full table making room by cutting the
 * likeliest attacker), connection phases and deadlines (a one-second
 * sweep; a cut is a shutdown(2) of the socket, which MHD then closes as
 * usual), and the limits handed to connguard.c, authq.c and bodybudget.c.
 * Those modules decide; this file only wires them to MHD.  Every refusal
 * is counted in metrics.c and logged once per address through ratelog.c.
 */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>
#include <uv.h>

#include "daemon/authq.h"
#include "daemon/bodybudget.h"
#include "daemon/connguard.h"
#include "base/log.h"
#include "daemon/metrics.h"
#include "daemon/ratelog.h"
#include "daemon/http_int.h"

/* ------------------------------------------------------ the defences */


/* Not uv_now(): the loop's cached time ties connections that differ. */
uint64_t
http__now_ms(const struct http_server *s)
{
	(void)s;
	return uv_hrtime() / 1000000;
}

/*
 * Log a refusal once per address, reason and window, and count it.
 * `what` says what happened ("connection closed").
 */
void
http__refuse_note(struct http_server *s, const char *addr,
    enum metrics_refusal why, const char *what)
{
	char key[RATELOG_KEY_MAX];
	unsigned held;

	metrics_count_refusal(s->metrics, why);
	snprintf(key, sizeof(key), "%s %s", metrics_refusal_name(why), addr);
	if (ratelog_allow(s->rl, key, http__now_ms(s), &held))
		log_warnx("http: %s: %s: %s (%u more in the last %u s)", addr,
		    metrics_refusal_name(why), what, held,
		    HTTP_LOG_WINDOW_MS / 1000);
}

static void
http_kick_all(struct http_server *s)
{
	for (size_t i = 0; i < s->nls; i++)
		if (s->ls[i].mhd != NULL)
			s->ls[i].rerun = true;
	if (s->closing == 0)
		for (size_t i = 0; i < s->nls; i++)
			if (s->ls[i].mhd != NULL)
				http__listener_kick(&s->ls[i]);
}

/*
 * Close a connection MHD is reading from: shut its socket down so MHD's
 * next read sees the end and tears it down the usual way (MHD 0.9.75 has
 * no call to close one connection).  Only for connections MHD polls,
 * never for suspended ones (connguard keeps those busy).
 */
static void
http_conn_cut(void *arg, struct conn_entry *e, enum metrics_refusal why)
{
	struct http_server *s = arg;
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(e->owner,
	    MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci != NULL)
		(void)shutdown(ci->connect_fd, SHUT_RDWR);
	http__refuse_note(s, e->addr, why, "connection closed");
}

static void
on_http_sweep(uv_timer_t *h)
{
	struct http_server *s = h->data;

	if (connguard_expire(s->conns, http__now_ms(s), http_conn_cut, s) > 0)
		http_kick_all(s);
}

static void
http_sockaddr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a;

	if (sa != NULL && sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else if (sa != NULL && sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else
		a = NULL;
	if (a == NULL || inet_ntop(sa->sa_family, a, buf, (socklen_t)len) ==
	    NULL)
		snprintf(buf, len, "?");
}

/*
 * MHD's accept policy: the per-address cap and room in the table, made
 * by cutting the likeliest attacker when there is one (connguard.h).
 */
enum MHD_Result
http__on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct http_listener *l = cls;
	struct http_server *s = l->srv;
	struct conn_entry *victim;
	char text[INET6_ADDRSTRLEN];

	(void)addrlen;
	http_sockaddr_text(addr, text, sizeof(text));
	switch (connguard_admit(s->conns, text, http__now_ms(s), &victim)) {
	case CONN_REFUSE_ADDRESS:
		http__refuse_note(s, text, REFUSE_PER_ADDRESS,
		    "connection refused, too many from this address");
		return MHD_NO;
	case CONN_REFUSE_FULL:
		http__refuse_note(s, text, REFUSE_TABLE_FULL,
		    "connection refused, every connection busy");
		return MHD_NO;
	case CONN_ADMIT:
		break;
	}
	if (victim != NULL)
		http_conn_cut(s, victim, victim->why);
	return MHD_YES;
}

/* The connection's table entry (NULL if it could not be made). */
struct conn_entry *
http__conn_entry(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;

	if (conn == NULL)
		return NULL;	/* a request served from memory */
	ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

void
http__conn_phase(struct http_req *r, enum conn_phase phase)
{
	if (r->ce != NULL)
		connguard_phase(r->ce, phase, http__now_ms(r->srv));
}

/* Called by MHD once the request line is in: the headers' clock runs. */
void *
http__on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct conn_entry *e = http__conn_entry(conn);

	(void)uri;
	if (e != NULL)
		connguard_phase(e, CONN_HEADERS, http__now_ms(cls));
	return NULL;
}


void
http__on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
    enum MHD_ConnectionNotificationCode code)
{
	struct http_listener *l = cls;
	struct http_server *srv = l->srv;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci;
		char text[INET6_ADDRSTRLEN];

		srv->nconn++;
		ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		http_sockaddr_text(ci != NULL ? ci->client_addr : NULL, text,
		    sizeof(text));
		*socket_ctx = connguard_add(srv->conns, text, l->tls,
		    http__now_ms(srv), conn);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (*socket_ctx != NULL)
			connguard_remove(srv->conns, *socket_ctx);
		*socket_ctx = NULL;
		if (srv->nconn > 0)
			srv->nconn--;
		/*
		 * At the connection limit MHD takes its listen socket out of
		 * epoll and puts it back only at the start of a later run:
		 * make sure one comes even if nothing else is pending.
		 */
		l->rerun = true;
	}
}



/* connguard's limits from ours: 0 means none. */
static void
http_guard_conns(const struct http_server *s, struct connguard_opts *c)
{
	const struct http_guard_opts *g = &s->guard;
	uint64_t never = UINT64_MAX / 2;

	memset(c, 0, sizeof(*c));
	c->max_conns = s->max_connections;
	c->per_address = g->max_per_address != 0 ? g->max_per_address :
	    UINT32_MAX;
	c->header_ms = g->header_timeout != 0 ?
	    (uint64_t)g->header_timeout * 1000 : never;
	c->handshake_ms = g->handshake_timeout != 0 ?
	    (uint64_t)g->handshake_timeout * 1000 : never;
	/*
	 * MHD's idle timeout closes a silent keep-alive connection; this
	 * one, a little later, one that drips its next request line.
	 */
	c->idle_ms = s->timeout != 0 ? (uint64_t)s->timeout * 1000 +
	    HTTP_SWEEP_MS : never;
	c->min_rate = g->body_min_rate;
}

static void
http_guard_authq(const struct http_server *s, struct authq_opts *a)
{
	a->max_active = s->guard.auth_max_active;
	a->max_queued = s->guard.auth_max_queued != 0 ?
	    s->guard.auth_max_queued : UINT32_MAX;
	a->max_delay_ms = s->guard.auth_fail_delay_ms;
}

/* Keep `g` and derive connguard's and authq's options from it. */
static void
http_guard_derive(struct http_server *s, const struct http_guard_opts *g,
    struct connguard_opts *c, struct authq_opts *a)
{
	s->guard = *g;
	http_guard_conns(s, c);
	http_guard_authq(s, a);
}

static uint64_t
http_guard_budget(uint64_t v)
{
	return v != 0 ? v : UINT64_MAX;
}

/* The defences' state; freed by http_server_free / http_server_close. */
int
http__guard_new(struct http_server *s, const struct http_guard_opts *g)
{
	struct connguard_opts c;
	struct authq_opts a;

	http_guard_derive(s, g, &c, &a);
	s->rl = ratelog_new(HTTP_LOG_WINDOW_MS, HTTP_LOG_SLOTS);
	s->conns = connguard_new(&c);
	s->budget = body_budget_new(http_guard_budget(g->body_budget),
	    http_guard_budget(g->body_budget_user));
	if (s->rl == NULL || s->conns == NULL || s->budget == NULL)
		return -ENOMEM;
	s->authq = authq_new(s->loop, &a, s->rl, s->metrics);
	if (s->authq == NULL)
		return -ENOMEM;
	uv_timer_init(s->loop, &s->sweep);
	s->sweep.data = s;
	s->sweep_live = true;
	uv_timer_start(&s->sweep, on_http_sweep, HTTP_SWEEP_MS,
	    HTTP_SWEEP_MS);
	uv_unref((uv_handle_t *)&s->sweep);
	return 0;
}

void
http_server_set_guard(struct http_server *s, const struct http_guard_opts *g)
{
	struct connguard_opts c;
	struct authq_opts a;

	http_guard_derive(s, g, &c, &a);
	connguard_set_opts(s->conns, &c);
	authq_set_opts(s->authq, &a);
	body_budget_set(s->budget, http_guard_budget(g->body_budget),
	    http_guard_budget(g->body_budget_user));
}

