/* SPDX-License-Identifier: ISC */
/*
 * http.c - libmicrohttpd driven by the libuv loop.
 *
 * Each listen address and port gets its own MHD daemon in external-poll
 * epoll mode (no MHD thread): MHD's epoll fd is watched by one uv_poll_t
 * and MHD_run() is called when it turns readable; after every run a
 * uv_timer_t is re-armed from MHD_get_timeout() so idle timeouts and
 * buffered TLS data are served.  The listen sockets are ours (bound here so
 * "port in use" is a precise error, port 0 works and TCP_NODELAY is set
 * before accept) and handed to MHD.  This file enforces the body cap (413
 * before reading), the framing (400 for conflicting Content-Length), Basic
 * authentication (401 decided after the headers, before any body byte is
 * kept) and accumulates the body; it must not know anything about CIM.
 *
 * The defences are decided elsewhere and applied here: authq.c hashes
 * uncached passwords on the thread pool while the connection is suspended
 * (the loop never runs PBKDF2), connguard.c says which connections to
 * refuse at accept (MHD's accept policy callback) or to cut at a deadline
 * (a one-second sweep; a cut is a shutdown(2) of the socket, which MHD then
 * closes as usual), bodybudget.c bounds body memory, and every refusal is
 * counted in metrics.c and logged once per address through ratelog.c.
 *
 * A handler may defer its answer (http_req_defer): the connection is
 * suspended (MHD_ALLOW_SUSPEND_RESUME) and the request sits in the
 * server's deferred list until http_req_complete() builds the response,
 * resumes the connection and kicks the listener's timer so MHD runs at
 * once: MHD 0.9.75's ITC alone does not get a resumed connection served
 * in external epoll mode (without the kick test_defer stalls until other
 * traffic).  MHD then calls the access handler again, which
 * queues the stored response.  MHD must not be stopped with a suspended
 * connection: http_server_close() answers the ones left with 503 and
 * runs MHD a few times so the answers reach the clients.
 */
#include "daemon/http.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

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

#define HTTP_MEMORY_LIMIT	(32 * 1024)
/* A denied request's body up to this size is drained so keep-alive holds. */
#define HTTP_DRAIN_MAX		(64 * 1024)
#define HTTP_BODY_MIN_ALLOC	4096
/*
 * A refused chunked body is read and dropped up to this many bytes so the
 * 413 / 503 can follow it (costs bandwidth, no memory); beyond, a close.
 */
#define HTTP_DISCARD_MAX	(64ULL * 1024 * 1024)
/* MHD runs at close to flush answers to requests that were deferred. */
#define HTTP_CLOSE_FLUSH_RUNS	8
/*
 * MHD's own connection limit is ours plus this: a newcomer is accepted
 * while the idle connection closed for it is still being torn down.
 */
#define HTTP_EVICT_SLACK	16
/* Deadlines are checked this often. */
#define HTTP_SWEEP_MS		1000
/* Refusals are logged once per address and reason in this window. */
#define HTTP_LOG_WINDOW_MS	60000
#define HTTP_LOG_SLOTS		512
/* Seconds a 503 asks the client to wait (Retry-After). */
#define HTTP_RETRY_AFTER	"1"

struct http_listener {
	struct http_server	*srv;
	struct MHD_Daemon	*mhd;
	uv_poll_t		 poll;
	uv_timer_t		 timer;
	int			 listen_fd;	/* -1 once MHD owns or it is closed */
	bool			 quiesced;
	bool			 tls;
	bool			 rerun;		/* run MHD again soon */
	char			 name[80];	/* "https://127.0.0.1:5989" */
};

struct http_server {
	uv_loop_t		*loop;
	struct http_listener	*ls;
	size_t			 nls;
	struct auth_db		*auth;
	uint64_t		 max_body;
	unsigned		 timeout;
	char			*realm;
	http_handler_fn		 handler;
	void			*handler_arg;
	unsigned		 nconn;
	struct http_req		*deferred;	/* suspended, owner holds them */
	unsigned		 ndeferred;
	unsigned		 nflush;	/* answered after a deferral, unsent */
	struct http_req		*authing;	/* suspended for authq */
	struct http_guard_opts	 guard;
	unsigned		 max_connections;
	struct metrics		*metrics;
	struct ratelog		*rl;
	struct authq		*authq;
	struct body_budget	*budget;
	struct connguard	*conns;
	uv_timer_t		 sweep;
	bool			 sweep_live;
	unsigned		 closing;	/* uv handles not yet closed */
	void			(*close_cb)(void *);
	void			*close_arg;
	struct http_mem		*mem;		/* request served by _serve_mem */
};

/*
 * One request served without a socket (http_server_serve_mem): its input,
 * and the answer http_queue() takes in place of a connection's.
 */
struct http_mem {
	const struct http_mem_req *in;
	struct MHD_Response	*resp;		/* queued answer, ours */
	unsigned		 status;
};

enum http_deny {
	DENY_NONE,
	DENY_AUTH,		/* 401 */
	DENY_TOO_LARGE,		/* 413, Connection: close */
	DENY_FRAMING,		/* 400, Connection: close */
	DENY_BUSY,		/* 503 + Retry-After, Connection: close */
};

struct http_req {
	struct MHD_Connection	*conn;
	struct http_server	*srv;
	const char		*method;
	const char		*url;
	const char		*version;
	char			 user[64];
	enum auth_role		 role;
	char			*body;
	size_t			 len, cap;
	uint64_t		 start_ns;
	enum http_deny		 deny;
	unsigned		 status;
	struct conn_entry	*ce;		/* the connection's table entry */
	struct authq_job	*auth_job;	/* verification pending */
	struct http_req		*anext, **aprev; /* srv->authing */
	bool			 admitted;	/* past auth and the body budget */
	bool			 discard;	/* drop the rest, answer `deny` */
	uint64_t		 reserved;	/* bytes of the body budget */
	uint64_t		 drained;	/* bytes discarded */
	/* Deferral: see http_req_defer(). */
	struct http_listener	*l;
	bool			 deferred;	/* suspended, in srv->deferred */
	bool			 answered;	/* http_req_complete() ran */
	bool			 flushing;	/* counted in srv->nflush */
	http_cancel_fn		 cancel;
	void			*cancel_arg;
	struct MHD_Response	*ready;		/* to queue on the next call */
	unsigned		 ready_status;
	struct http_req		*dnext, **dprev;
};

/* ------------------------------------------------------------ accessors */

static const char *http_mem_header(const struct http_mem *m,
    const char *name);

const char *
http_req_header(const struct http_req *r, const char *name)
{
	if (r->conn == NULL)
		return http_mem_header(r->srv->mem, name);
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
http_req_method(const struct http_req *r)
{
	return r->method;
}

const char *
http_req_url(const struct http_req *r)
{
	return r->url;
}

const char *
http_req_version(const struct http_req *r)
{
	return r->version;
}

const char *
http_req_user(const struct http_req *r)
{
	return r->user;
}

enum auth_role
http_req_role(const struct http_req *r)
{
	return r->role;
}

const char *
http_req_body(const struct http_req *r, size_t *len)
{
	if (len != NULL)
		*len = r->len;
	return r->body != NULL ? r->body : "";
}

int64_t
http_req_age_us(const struct http_req *r)
{
	return (int64_t)((uv_hrtime() - r->start_ns) / 1000);
}

/* ------------------------------------------------------------ responses */

static enum MHD_Result http_mem_queue(struct http_mem *m, unsigned status,
    struct MHD_Response *resp);

static enum MHD_Result
http_queue(struct http_req *r, unsigned status, struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (resp == NULL)
		return MHD_NO;
	r->status = status;
	if (r->conn == NULL)
		return http_mem_queue(r->srv->mem, status, resp);
	ret = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
http_send_denied(struct http_req *r, bool must_close)
{
	struct MHD_Response *resp;
	char hdr[300];

	resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	if (must_close || r->deny != DENY_AUTH)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	switch (r->deny) {
	case DENY_TOO_LARGE:
		return http_queue(r, MHD_HTTP_CONTENT_TOO_LARGE, resp);
	case DENY_FRAMING:
		return http_queue(r, MHD_HTTP_BAD_REQUEST, resp);
	case DENY_BUSY:
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
		    HTTP_RETRY_AFTER);
		return http_queue(r, MHD_HTTP_SERVICE_UNAVAILABLE, resp);
	default:
		break;
	}
	snprintf(hdr, sizeof(hdr), "Basic realm=\"%s\"", r->srv->realm);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, hdr);
	return http_queue(r, MHD_HTTP_UNAUTHORIZED, resp);
}

/*
 * Build the MHD response from what the handler filled; takes body.
 * Returns the response (owned by the caller) or NULL when out of memory.
 */
static struct MHD_Response *
http_build(struct http_resp *h)
{
	struct MHD_Response *resp;

	if (h->body != NULL && h->body_len > 0) {
		resp = MHD_create_response_from_buffer(h->body_len, h->body,
		    MHD_RESPMEM_MUST_FREE);
		if (resp == NULL)
			free(h->body);
	} else {
		free(h->body);
		resp = MHD_create_response_from_buffer(0, NULL,
		    MHD_RESPMEM_PERSISTENT);
	}
	h->body = NULL;
	if (resp == NULL)
		return NULL;
	if (h->content_type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    h->content_type);
	if (h->cim_response)
		MHD_add_response_header(resp, "CIMOperation", "MethodResponse");
	if (h->cimerror != NULL)
		MHD_add_response_header(resp, "CIMError", h->cimerror);
	if (h->allow != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, h->allow);
	if (h->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION,
		    "close");
	return resp;
}

static enum MHD_Result
http_send(struct http_req *r, struct http_resp *h)
{
	return http_queue(r, h->status != 0 ? h->status : 200, http_build(h));
}

/* ------------------------------------------------------ the defences */

static void on_http_timer(uv_timer_t *h);

/* Not uv_now(): the loop's cached time ties connections that differ. */
static uint64_t
http_now_ms(const struct http_server *s)
{
	(void)s;
	return uv_hrtime() / 1000000;
}

/*
 * Log a refusal once per address, reason and window, and count it.
 * `what` says what happened ("connection closed").
 */
static void
http_refuse_note(struct http_server *s, const char *addr,
    enum metrics_refusal why, const char *what)
{
	char key[RATELOG_KEY_MAX];
	unsigned held;

	metrics_count_refusal(s->metrics, why);
	snprintf(key, sizeof(key), "%s %s", metrics_refusal_name(why), addr);
	if (ratelog_allow(s->rl, key, http_now_ms(s), &held))
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
				uv_timer_start(&s->ls[i].timer,
				    on_http_timer, 0, 0);
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
	http_refuse_note(s, e->addr, why, "connection closed");
}

static void
on_http_sweep(uv_timer_t *h)
{
	struct http_server *s = h->data;

	if (connguard_expire(s->conns, http_now_ms(s), http_conn_cut, s) > 0)
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
static enum MHD_Result
on_http_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct http_listener *l = cls;
	struct http_server *s = l->srv;
	struct conn_entry *victim;
	char text[INET6_ADDRSTRLEN];

	(void)addrlen;
	http_sockaddr_text(addr, text, sizeof(text));
	switch (connguard_admit(s->conns, text, http_now_ms(s), &victim)) {
	case CONN_REFUSE_ADDRESS:
		http_refuse_note(s, text, REFUSE_PER_ADDRESS,
		    "connection refused, too many from this address");
		return MHD_NO;
	case CONN_REFUSE_FULL:
		http_refuse_note(s, text, REFUSE_TABLE_FULL,
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
static struct conn_entry *
http_conn_entry(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;

	if (conn == NULL)
		return NULL;	/* a request served from memory */
	ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

static void
http_conn_phase(struct http_req *r, enum conn_phase phase)
{
	if (r->ce != NULL)
		connguard_phase(r->ce, phase, http_now_ms(r->srv));
}

/* Called by MHD once the request line is in: the headers' clock runs. */
static void *
on_http_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct conn_entry *e = http_conn_entry(conn);

	(void)uri;
	if (e != NULL)
		connguard_phase(e, CONN_HEADERS, http_now_ms(cls));
	return NULL;
}

/* ------------------------------------------------------ access handler */

struct http_cl_scan {
	const char	*first;
	bool		 conflict;
};

static enum MHD_Result
on_http_cl_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct http_cl_scan *sc = cls;

	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0)
		return MHD_YES;
	if (value == NULL || strchr(value, ',') != NULL ||
	    (sc->first != NULL && strcmp(sc->first, value) != 0))
		sc->conflict = true;
	if (sc->first == NULL)
		sc->first = value;
	return MHD_YES;
}

/*
 * Framing and declared length, on the headers alone: two Content-Length
 * headers that disagree (or a list) are 400 (RFC 9112 6.3), a length
 * over max_body 413 before reading it.  Returns the declared length, 0
 * when none.
 */
static uint64_t
http_req_frame(struct http_req *r)
{
	struct http_cl_scan sc = { NULL, false };
	char *end;
	unsigned long long n;

	if (r->conn != NULL) {
		(void)MHD_get_connection_values(r->conn, MHD_HEADER_KIND,
		    on_http_cl_header, &sc);
	} else {
		const struct http_mem_req *in = r->srv->mem->in;

		for (size_t i = 0; i < in->nheaders; i++)
			(void)on_http_cl_header(&sc, MHD_HEADER_KIND,
			    in->headers[i][0], in->headers[i][1]);
	}
	if (sc.conflict) {
		r->deny = DENY_FRAMING;
		return 0;
	}
	if (sc.first == NULL)
		return 0;
	errno = 0;
	n = strtoull(sc.first, &end, 10);
	if (errno != 0 || end == sc.first || n > r->srv->max_body) {
		/* Too large beats unauthorized: neither reads the body. */
		r->deny = DENY_TOO_LARGE;
		return 0;
	}
	return n;
}

/* Free the body and give its memory back to the budget. */
static void
http_req_unreserve(struct http_req *r)
{
	free(r->body);
	r->body = NULL;
	r->len = r->cap = 0;
	if (r->srv->budget != NULL && r->reserved > 0)
		body_budget_give(r->srv->budget, r->user, r->reserved);
	r->reserved = 0;
}

/* Reserve body memory for the user before allocating it. */
static bool
http_req_reserve(struct http_req *r, uint64_t n)
{
	if (r->srv->budget != NULL &&
	    body_budget_take(r->srv->budget, r->user, n) != 0)
		return false;
	r->reserved += n;
	return true;
}

/*
 * After authentication, before the first body byte is kept: reserve and
 * allocate a declared body.  Returns false when out of memory.
 */
static bool
http_req_admit(struct http_req *r)
{
	uint64_t n = r->cap;

	r->admitted = true;
	r->cap = 0;
	if (r->deny != DENY_NONE || n == 0)
		return true;
	if (!http_req_reserve(r, n)) {
		r->deny = DENY_BUSY;
		http_refuse_note(r->srv, r->ce != NULL ? r->ce->addr : "?",
		    REFUSE_BODY_BUDGET, "request body refused (503), body "
		    "memory budget spent");
		return true;
	}
	r->body = malloc(n + 1);
	if (r->body == NULL)
		return false;
	r->cap = n;
	return true;
}

static void
http_auth_unlink(struct http_req *r)
{
	if (r->aprev == NULL)
		return;
	if (r->anext != NULL)
		r->anext->aprev = r->aprev;
	*r->aprev = r->anext;
	r->aprev = NULL;
	r->anext = NULL;
}

/* authq's answer: resume the request with the role it got. */
static void
on_http_auth_done(void *arg, enum auth_role role, const char *user)
{
	struct http_req *r = arg;

	r->auth_job = NULL;
	http_auth_unlink(r);
	r->role = role;
	if (role == AUTH_NONE) {
		r->user[0] = '\0';
		r->deny = DENY_AUTH;
	} else {
		snprintf(r->user, sizeof(r->user), "%s", user);
	}
	http_conn_phase(r, CONN_BODY);
	MHD_resume_connection(r->conn);
	if (r->srv->closing == 0)
		uv_timer_start(&r->l->timer, on_http_timer, 0, 0);
}

/*
 * Credentials: the cache answers a header it verified before at once;
 * anything else goes to authq with the connection suspended (the loop
 * never runs the hash).  Returns true when the request waits for it.
 */
static bool
http_req_auth(struct http_req *r)
{
	struct http_server *s = r->srv;
	const char *hdr;
	int err;

	hdr = http_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	r->role = AUTH_NONE;
	r->user[0] = '\0';
	if (hdr == NULL || s->auth == NULL) {
		r->deny = DENY_AUTH;
		return false;
	}
	err = auth_cache_lookup(s->auth, hdr, r->user, sizeof(r->user),
	    &r->role);
	if (err == 0)
		return false;
	if (err == -ENOENT && s->authq == NULL) {
		/* Served from memory (no loop, no pool): verify inline. */
		r->role = auth_verify_header(s->auth, hdr, r->user,
		    sizeof(r->user));
		if (r->role == AUTH_NONE) {
			r->user[0] = '\0';
			r->deny = DENY_AUTH;
		}
		return false;
	}
	if (err != -ENOENT) {
		r->deny = DENY_AUTH;
		return false;
	}
	err = authq_submit(s->authq, s->auth, hdr, r->ce != NULL ?
	    r->ce->addr : "?", on_http_auth_done, r, &r->auth_job);
	if (err != 0) {
		r->deny = err == -EBUSY ? DENY_BUSY : DENY_AUTH;
		return false;
	}
	r->anext = s->authing;
	r->aprev = &s->authing;
	if (s->authing != NULL)
		s->authing->aprev = &r->anext;
	s->authing = r;
	http_conn_phase(r, CONN_BUSY);
	MHD_suspend_connection(r->conn);
	return true;
}

/*
 * First call, the headers are in.  Returns MHD_NO only when the request
 * cannot even be started (out of memory).
 */
static enum MHD_Result
http_req_begin(struct http_req *r)
{
	uint64_t n;

	n = http_req_frame(r);
	if (r->deny == DENY_TOO_LARGE || r->deny == DENY_FRAMING) {
		metrics_count_refusal(r->srv->metrics, r->deny ==
		    DENY_FRAMING ? REFUSE_FRAMING : REFUSE_TOO_LARGE);
		return http_send_denied(r, true);
	}
	r->cap = n;	/* the declared length until http_req_admit */
	if (http_req_auth(r))
		return MHD_YES;
	if (!http_req_admit(r))
		return MHD_NO;
	if (r->deny == DENY_BUSY)
		return http_send_denied(r, true);
	return MHD_YES;
}

/* Append a body piece; false when it goes over max_body or the budget. */
static bool
http_req_append(struct http_req *r, const char *data, size_t n)
{
	size_t ncap;
	char *nb;

	if (n > r->srv->max_body - r->len) {
		r->deny = DENY_TOO_LARGE;
		return false;
	}
	if (r->len + n > r->cap) {
		ncap = r->cap < HTTP_BODY_MIN_ALLOC ? HTTP_BODY_MIN_ALLOC :
		    r->cap;
		while (ncap < r->len + n)
			ncap *= 2;
		if (ncap > r->srv->max_body)
			ncap = r->srv->max_body;
		if (!http_req_reserve(r, ncap - r->cap)) {
			r->deny = DENY_BUSY;
			http_refuse_note(r->srv, r->ce != NULL ? r->ce->addr :
			    "?", REFUSE_BODY_BUDGET, "request body cut, body "
			    "memory budget spent");
			return false;
		}
		nb = realloc(r->body, ncap + 1);
		if (nb == NULL)
			return false;
		r->body = nb;
		r->cap = ncap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	return true;
}

static enum MHD_Result
http_req_data(struct http_req *r, const char *data, size_t n)
{
	if (r->ce != NULL)
		connguard_body_bytes(r->ce, n);
	if (r->deny == DENY_AUTH) {
		/* Drain a small body so the 401 can keep the connection. */
		r->len += n;
		if (r->len > HTTP_DRAIN_MAX)
			return http_send_denied(r, true);
		return MHD_YES;
	}
	if (r->discard) {
		/*
		 * MHD 0.9.75 takes no response in the middle of a body: read
		 * the rest of a refused chunked body without keeping it so
		 * the 413 or 503 can be sent at its end; past
		 * HTTP_DISCARD_MAX the connection is just closed.
		 */
		r->drained += n;
		return r->drained > HTTP_DISCARD_MAX ? MHD_NO : MHD_YES;
	}
	if (http_req_append(r, data, n))
		return MHD_YES;
	if (r->deny == DENY_NONE)
		return MHD_NO;	/* out of memory */
	/* Over max_body or the budget: keep nothing more. */
	http_req_unreserve(r);
	r->discard = true;
	r->drained = n;
	return MHD_YES;
}

/* ------------------------------------------------------------ deferral */

static void
http_defer_unlink(struct http_req *r)
{
	if (!r->deferred)
		return;
	if (r->dnext != NULL)
		r->dnext->dprev = r->dprev;
	*r->dprev = r->dnext;
	r->deferred = false;
	r->srv->ndeferred--;
}

/*
 * The handle of the request being handled, kept past the handler.  The
 * const is the handler's view; the request is ours and stays valid until
 * http_req_complete() or `cancel`.
 */
struct http_req *
http_req_defer(const struct http_req *cr, http_cancel_fn cancel, void *arg)
{
	struct http_req *r = (struct http_req *)(uintptr_t)cr;
	struct http_server *s = r->srv;

	if (r->deferred || r->answered || r->status != 0)
		return r;	/* already deferred or answered: same handle */
	r->deferred = true;
	r->cancel = cancel;
	r->cancel_arg = arg;
	r->dnext = s->deferred;
	r->dprev = &s->deferred;
	if (s->deferred != NULL)
		s->deferred->dprev = &r->dnext;
	s->deferred = r;
	s->ndeferred++;
	return r;
}

void
http_req_complete(struct http_req *r, struct http_resp *resp)
{
	if (!r->deferred || r->answered) {
		log_warnx("http: %s %s: answered twice", r->method, r->url);
		free(resp->body);
		resp->body = NULL;
		return;
	}
	http_defer_unlink(r);
	r->answered = true;
	r->ready_status = resp->status != 0 ? resp->status : 200;
	r->ready = http_build(resp);	/* NULL: the access handler says no */
	if (r->status != 0 || !r->flushing)
		return;		/* completed inside the handler: dispatch sends */
	MHD_resume_connection(r->conn);
	if (r->srv->closing == 0)
		uv_timer_start(&r->l->timer, on_http_timer, 0, 0);
}

/* Queue the stored answer of a deferred request (access handler). */
static enum MHD_Result
http_send_ready(struct http_req *r)
{
	struct MHD_Response *resp = r->ready;

	r->ready = NULL;
	if (resp == NULL) {
		log_debug("http: %s %s: deferred answer lost (out of memory)",
		    r->method, r->url);
		return MHD_NO;
	}
	return http_queue(r, r->ready_status, resp);
}

static void
http_req_dispatch(struct http_req *r)
{
	struct http_resp h;

	memset(&h, 0, sizeof(h));
	h.status = 200;
	if (r->body != NULL)
		r->body[r->len] = '\0';
	r->srv->handler(r->srv->handler_arg, r, &h);
	if (r->deferred || r->answered) {
		free(h.body);
		if (r->answered) {
			(void)http_send_ready(r);
			return;
		}
		if (r->conn == NULL)
			return;		/* no socket to hold: serve_mem answers */
		/* Counted from now on: complete() must resume and flush. */
		r->flushing = true;
		r->srv->nflush++;
		MHD_suspend_connection(r->conn);
		return;
	}
	if (h.deferred) {
		log_warnx("http: %s %s: deferred without a handle", r->method,
		    r->url);
		free(h.body);
		memset(&h, 0, sizeof(h));
		h.status = 500;
		h.close = true;
	}
	if (http_send(r, &h) != MHD_YES)
		log_debug("http: cannot queue response to %s %s", r->method,
		    r->url);
}

/* The listener whose MHD daemon serves `conn`. */
static struct http_listener *
http_listener_of(struct http_server *srv, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;

	ci = conn != NULL ? MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_DAEMON) : NULL;
	for (size_t i = 0; ci != NULL && i < srv->nls; i++)
		if (srv->ls[i].mhd == ci->daemon)
			return &srv->ls[i];
	return &srv->ls[0];
}

static enum MHD_Result
on_http_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_req *r = *con_cls;

	if (r == NULL) {
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return MHD_NO;
		r->conn = conn;
		r->srv = srv;
		r->method = method;
		r->url = url;
		r->version = version;
		r->start_ns = uv_hrtime();
		r->l = http_listener_of(srv, conn);
		r->ce = http_conn_entry(conn);
		*con_cls = r;
		if (conn != NULL)
			MHD_set_connection_option(conn,
			    MHD_CONNECTION_OPTION_TIMEOUT, srv->timeout);
		http_conn_phase(r, CONN_BODY);
		return http_req_begin(r);
	}
	if (!r->admitted && r->status == 0) {
		/*
		 * Resumed after authq: MHD repeats the headers call (no data
		 * yet), whose MHD_YES lets the body come.
		 */
		if (!http_req_admit(r))
			return MHD_NO;
		if (r->deny == DENY_BUSY)
			return http_send_denied(r, true);
		if (*upload_data_size == 0)
			return MHD_YES;
	}
	if (r->answered && r->status == 0)
		return http_send_ready(r);	/* resumed after a deferral */
	if (r->status != 0) {
		/* Answered early: swallow whatever MHD still hands us. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		return http_req_data(r, upload_data, n);
	}
	if (r->deny != DENY_NONE) {
		if (r->deny == DENY_TOO_LARGE)
			metrics_count_refusal(srv->metrics, REFUSE_TOO_LARGE);
		return http_send_denied(r, false);
	}
	http_conn_phase(r, CONN_BUSY);
	http_req_dispatch(r);
	return MHD_YES;
}

static void
on_http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_req *r = *con_cls;

	(void)cls;
	if (r == NULL) {
		struct conn_entry *e = http_conn_entry(conn);

		if (e != NULL)
			connguard_phase(e, CONN_IDLE, http_now_ms(cls));
		return;
	}
	if (r->auth_job != NULL) {
		authq_cancel(r->auth_job);
		r->auth_job = NULL;
	}
	http_auth_unlink(r);
	if (r->ce != NULL)
		connguard_phase(r->ce, CONN_IDLE, http_now_ms(r->srv));
	if (r->deferred) {
		/* MHD dropped it while suspended: the owner lets go. */
		http_defer_unlink(r);
		if (r->cancel != NULL)
			r->cancel(r->cancel_arg, r);
	}
	if (r->flushing && r->srv->nflush > 0)
		r->srv->nflush--;
	if (r->ready != NULL)
		MHD_destroy_response(r->ready);
	if (log_enabled(LOG_LVL_DEBUG))
		log_debug("http: %s %s user=%s status=%u %" PRId64 "us%s",
		    r->method, r->url, r->user[0] != '\0' ? r->user : "-",
		    r->status, http_req_age_us(r),
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" :
		    " (aborted)");
	http_req_unreserve(r);
	free(r);
	*con_cls = NULL;
}

static void
on_http_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
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
		    http_now_ms(srv), conn);
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

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;

	(void)cls;
	if (!log_enabled(LOG_LVL_DEBUG))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_debug("http: mhd: %s", msg);
}

/* -------------------------------------------------------- loop glue */

static void
http_listener_run(struct http_listener *l)
{
	MHD_UNSIGNED_LONG_LONG to;

	if (l->mhd == NULL)
		return;
	l->rerun = false;
	MHD_run(l->mhd);
	if (l->rerun)
		uv_timer_start(&l->timer, on_http_timer, 0, 0);
	else if (MHD_get_timeout(l->mhd, &to) == MHD_YES)
		uv_timer_start(&l->timer, on_http_timer, to, 0);
	else
		uv_timer_stop(&l->timer);
}

static void
on_http_poll(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	http_listener_run(h->data);
}

static void
on_http_timer(uv_timer_t *h)
{
	http_listener_run(h->data);
}

/* ---------------------------------------------------------- listening */

/* Parse "127.0.0.1", "::1" or "[::1]" into ss.  Returns 0 or -EINVAL. */
static int
http_addr_parse(const char *addr, unsigned port, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*sslen = sizeof(*sin);
		return 0;
	}
	n = strlen(addr);
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']' &&
	    n - 2 < sizeof(buf)) {
		memcpy(buf, addr + 1, n - 2);
		buf[n - 2] = '\0';
	} else if (n < sizeof(buf)) {
		memcpy(buf, addr, n + 1);
	} else
		return -EINVAL;
	if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1)
		return -EINVAL;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	*sslen = sizeof(*sin6);
	return 0;
}

/*
 * Bind and listen.  Returns the fd (owned by the caller) or -errno.
 * *port_out gets the bound port (port 0 picks one).
 */
static int
http_socket_listen(const struct sockaddr_storage *ss, socklen_t sslen,
    unsigned *port_out)
{
	struct sockaddr_storage got = { 0 };	/* getsockname fills it */
	socklen_t gotlen = sizeof(got);
	int fd, one = 1, err;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		return -errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Accepted sockets inherit it: no Nagle stall on small responses. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, sslen) == -1 ||
	    listen(fd, 128) == -1 ||
	    getsockname(fd, (struct sockaddr *)&got, &gotlen) == -1) {
		err = -errno;
		close(fd);
		return err;
	}
	if (got.ss_family == AF_INET6)
		*port_out = ntohs(((struct sockaddr_in6 *)&got)->sin6_port);
	else
		*port_out = ntohs(((struct sockaddr_in *)&got)->sin_port);
	return fd;
}

static int
http_listener_start(struct http_server *srv, struct http_listener *l,
    const struct http_opts *o, const char *addr, unsigned port, bool tls,
    char *errbuf, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct MHD_OptionItem opts[16];
	char host[INET6_ADDRSTRLEN + 3];
	unsigned flags, bound = 0;
	size_t n = 0;
	int fd, mfd;
	const union MHD_DaemonInfo *info;

	l->srv = srv;
	l->listen_fd = -1;
	if (http_addr_parse(addr, port, &ss, &sslen) != 0) {
		snprintf(errbuf, errlen, "listen: '%s' is not an IP address",
		    addr);
		return -EINVAL;
	}
	if (ss.ss_family == AF_INET6 && addr[0] != '[')
		snprintf(host, sizeof(host), "[%s]", addr);
	else
		snprintf(host, sizeof(host), "%s", addr);
	fd = http_socket_listen(&ss, sslen, &bound);
	if (fd < 0) {
		snprintf(errbuf, errlen, "cannot listen on %s:%u: %s%s", host,
		    port, strerror(-fd), fd == -EADDRINUSE ?
		    " (port in use: is another server running?)" : "");
		return fd;
	}
	snprintf(l->name, sizeof(l->name), "%s://%s:%u",
	    tls ? "https" : "http", host, bound);
	flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
#define OPT(o_, v_, p_) opts[n++] = (struct MHD_OptionItem){ (o_), (v_), (p_) }
	OPT(MHD_OPTION_LISTEN_SOCKET, fd, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, o->max_connections + HTTP_EVICT_SLACK,
	    NULL);
	OPT(MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_http_uri, srv);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, o->timeout, NULL);
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_MEMORY_LIMIT, NULL);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_http_completed, srv);
	OPT(MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_http_connection, l);
	if (tls) {
		flags |= MHD_USE_TLS;
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->cert_pem);
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->key_pem);
		/*
		 * GnuTLS (Debian's MHD): TLS 1.2 and 1.3 only; in TLS 1.2
		 * ECDHE key exchange (forward secrecy: no static RSA, no
		 * DHE) with AEAD ciphers only (no CBC, no SHA-1 MAC); the
		 * server's order wins, AES-128-GCM first (cheapest with
		 * AES-NI), CHACHA20 for clients without it.  TLS 1.3 keeps
		 * its GCM and ChaCha20 suites (CCM, which no common client
		 * offers, goes with -CIPHER-ALL).  Server precedence covers
		 * the key-exchange groups too: X25519 comes first, as every
		 * client's key share does, or TLS 1.3 clients would pay a
		 * HelloRetryRequest round trip for P-256 on each connection.
		 * Signature algorithms stay GnuTLS's NORMAL set.
		 */
		OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)
		    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:"
		    "-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:"
		    "-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:"
		    "-MAC-ALL:+AEAD:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:"
		    "+GROUP-SECP384R1:+GROUP-SECP521R1:+GROUP-X448:"
		    "+GROUP-FFDHE2048:+GROUP-FFDHE3072:+GROUP-FFDHE4096:"
		    "+GROUP-FFDHE6144:+GROUP-FFDHE8192:%SERVER_PRECEDENCE");
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	l->tls = tls;
	l->mhd = MHD_start_daemon(flags, (uint16_t)bound, on_http_accept, l,
	    on_http_access, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
	    MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (l->mhd == NULL) {
		close(fd);
		snprintf(errbuf, errlen, "%s: cannot start the HTTP server%s",
		    l->name, tls ? " (bad TLS certificate or key?)" : "");
		return -EINVAL;
	}
	info = MHD_get_daemon_info(l->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	mfd = info != NULL ? info->epoll_fd : -1;
	if (mfd < 0 || uv_poll_init(srv->loop, &l->poll, mfd) != 0) {
		MHD_stop_daemon(l->mhd);
		l->mhd = NULL;
		snprintf(errbuf, errlen, "%s: cannot watch MHD's epoll fd",
		    l->name);
		return -EIO;
	}
	l->listen_fd = fd;
	uv_timer_init(srv->loop, &l->timer);
	l->poll.data = l;
	l->timer.data = l;
	uv_poll_start(&l->poll, UV_READABLE, on_http_poll);
	http_listener_run(l);
	return 0;
}

static void http_server_free(struct http_server *s);

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

static uint64_t
http_guard_budget(uint64_t v)
{
	return v != 0 ? v : UINT64_MAX;
}

/* The defences' state; freed by http_server_free / http_server_close. */
static int
http_guard_new(struct http_server *s, const struct http_guard_opts *g)
{
	struct connguard_opts c;
	struct authq_opts a;

	s->guard = *g;
	http_guard_conns(s, &c);
	http_guard_authq(s, &a);
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

	s->guard = *g;
	http_guard_conns(s, &c);
	http_guard_authq(s, &a);
	connguard_set_opts(s->conns, &c);
	authq_set_opts(s->authq, &a);
	body_budget_set(s->budget, http_guard_budget(g->body_budget),
	    http_guard_budget(g->body_budget_user));
}

/*
 * The server without listeners: limits, auth, handler.  Room for two
 * listeners per address (https and http), at least one slot (the detached
 * server's requests point at it).  Returns it (caller owns) or NULL.
 */
static struct http_server *
http_server_new(uv_loop_t *loop, const struct http_opts *opts,
    struct auth_db *auth)
{
	struct http_server *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->ls = calloc(opts->nlisten * 2 + 1, sizeof(*s->ls));
	s->realm = strdup(opts->realm != NULL && opts->realm[0] != '\0' ?
	    opts->realm : "arrayd");
	if (s->ls == NULL || s->realm == NULL) {
		http_server_free(s);
		return NULL;
	}
	s->ls[0].srv = s;
	s->loop = loop;
	s->auth = auth;
	s->max_body = opts->max_body;
	s->timeout = opts->timeout;
	s->handler = opts->handler;
	s->handler_arg = opts->handler_arg;
	s->metrics = opts->metrics;
	s->max_connections = opts->max_connections;
	return s;
}

/*
 * Returns 0 and a new server owned by the caller in *out, or -errno with
 * errbuf filled.  Partly started listeners are closed before returning
 * (the loop must run once to finish closing their handles).
 */
int
http_server_start(uv_loop_t *loop, const struct http_opts *opts,
    struct auth_db *auth, struct http_server **out, char *errbuf,
    size_t errlen)
{
	struct http_server *s;
	unsigned ports[2] = { opts->https_port, opts->http_port };
	int err;

	*out = NULL;
	if (opts->nlisten == 0 || (ports[0] == 0 && ports[1] == 0) ||
	    opts->handler == NULL) {
		snprintf(errbuf, errlen, "http: nothing to listen on");
		return -EINVAL;
	}
	if (ports[0] != 0 && (opts->cert_pem == NULL || opts->key_pem == NULL)) {
		snprintf(errbuf, errlen, "http: https needs a certificate");
		return -EINVAL;
	}
	if ((s = http_server_new(loop, opts, auth)) == NULL)
		goto out_nomem;
	if (http_guard_new(s, &opts->guard) != 0)
		goto out_free;
	for (size_t i = 0; i < opts->nlisten; i++) {
		for (size_t p = 0; p < 2; p++) {
			if (ports[p] == 0)
				continue;
			err = http_listener_start(s, &s->ls[s->nls], opts,
			    opts->listen[i], ports[p], p == 0, errbuf, errlen);
			if (err != 0)
				goto out_close;
			s->nls++;
		}
	}
	*out = s;
	return 0;

out_close:
	http_server_close(s, NULL, NULL);
	return err;
out_free:
	http_server_free(s);
out_nomem:
	snprintf(errbuf, errlen, "http: out of memory");
	return -ENOMEM;
}

const char *
http_server_url(const struct http_server *s, size_t i)
{
	return i < s->nls ? s->ls[i].name : NULL;
}

unsigned
http_server_port(const struct http_server *s, bool https)
{
	const char *p;

	for (size_t i = 0; i < s->nls; i++) {
		if ((strncmp(s->ls[i].name, "https:", 6) == 0) != https)
			continue;
		p = strrchr(s->ls[i].name, ':');
		return p != NULL ? (unsigned)strtoul(p + 1, NULL, 10) : 0;
	}
	return 0;
}

void
http_server_set_auth(struct http_server *s, struct auth_db *auth)
{
	s->auth = auth;
}

void
http_server_set_limits(struct http_server *s, uint64_t max_body,
    unsigned timeout)
{
	/* Applied to each new request; a body being read keeps its cap. */
	s->max_body = max_body;
	s->timeout = timeout;
	http_server_set_guard(s, &s->guard);	/* idle_ms follows timeout */
}

void
http_server_quiesce(struct http_server *s)
{
	struct http_listener *l;
	MHD_socket fd;

	for (size_t i = 0; i < s->nls; i++) {
		l = &s->ls[i];
		if (l->mhd == NULL || l->quiesced)
			continue;
		fd = MHD_quiesce_daemon(l->mhd);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
		l->quiesced = true;
		l->listen_fd = -1;
		http_listener_run(l);
	}
}

unsigned
http_server_connections(const struct http_server *s)
{
	return s->nconn;
}

unsigned
http_server_deferred(const struct http_server *s)
{
	return s->ndeferred;
}

/*
 * MHD must not stop with a suspended connection: answer every request
 * still deferred with 503 (the owner is told first, so it drops its
 * handle) and run MHD a few times so the answers are written.
 */
static void
http_server_flush_deferred(struct http_server *s)
{
	struct http_resp h;
	struct http_req *r;

	/* Waiting for authq: 503 once resumed (the access handler sends). */
	while ((r = s->authing) != NULL) {
		authq_cancel(r->auth_job);
		r->auth_job = NULL;
		http_auth_unlink(r);
		r->deny = DENY_BUSY;
		r->flushing = true;
		s->nflush++;
		MHD_resume_connection(r->conn);
	}
	while ((r = s->deferred) != NULL) {
		log_debug("http: %s %s: answering 503, shutting down",
		    r->method, r->url);
		if (r->cancel != NULL)
			r->cancel(r->cancel_arg, r);
		if (r != s->deferred)
			continue;	/* the owner completed it itself */
		memset(&h, 0, sizeof(h));
		h.status = 503;
		h.close = true;
		http_req_complete(r, &h);
	}
	for (unsigned run = 0; run < HTTP_CLOSE_FLUSH_RUNS && s->nflush > 0;
	    run++)
		for (size_t i = 0; i < s->nls; i++)
			if (s->ls[i].mhd != NULL)
				MHD_run(s->ls[i].mhd);
}

static void
http_server_free(struct http_server *s)
{
	ratelog_free(s->rl);
	body_budget_free(s->budget);
	connguard_free(s->conns);
	free(s->ls);
	free(s->realm);
	free(s);
}

static void
http_server_handle_closed(struct http_server *s)
{
	if (--s->closing > 0)
		return;
	if (s->close_cb != NULL)
		s->close_cb(s->close_arg);
	http_server_free(s);
}

static void
on_http_sweep_closed(uv_handle_t *h)
{
	http_server_handle_closed(h->data);
}

static void
on_http_handle_closed(uv_handle_t *h)
{
	struct http_listener *l = h->data;
	struct http_server *s = l->srv;

	if (--s->closing > 0)
		return;
	if (s->close_cb != NULL)
		s->close_cb(s->close_arg);
	http_server_free(s);
}

void
http_server_close(struct http_server *s, void (*cb)(void *arg), void *arg)
{
	struct http_listener *l;

	http_server_flush_deferred(s);
	authq_close(s->authq);
	s->authq = NULL;
	s->close_cb = cb;
	s->close_arg = arg;
	s->closing = 1;		/* held until every handle is closing */
	if (s->sweep_live) {
		uv_close((uv_handle_t *)&s->sweep, on_http_sweep_closed);
		s->closing++;
	}
	for (size_t i = 0; i < s->nls; i++) {
		l = &s->ls[i];
		/* libuv must forget the epoll fd before MHD closes it. */
		uv_close((uv_handle_t *)&l->poll, on_http_handle_closed);
		uv_close((uv_handle_t *)&l->timer, on_http_handle_closed);
		s->closing += 2;
		MHD_stop_daemon(l->mhd);
		l->mhd = NULL;
	}
	if (--s->closing > 0)
		return;
	if (cb != NULL)
		cb(arg);
	http_server_free(s);
}

/* --------------------------------------------------- without a socket */

/*
 * The request path of a connection, driven from memory: on_http_access()
 * and on_http_completed() are called as MHD calls them (headers, body
 * pieces, end of body, completion) with no connection, so the auth check,
 * the body cap and accumulation, the handler and the response building
 * are the daemon's own code.  The few MHD calls that need a connection
 * test r->conn: header lookups read m->in, the answer lands in m.
 */
static const char *
http_mem_header(const struct http_mem *m, const char *name)
{
	const struct http_mem_req *in = m != NULL ? m->in : NULL;

	for (size_t i = 0; in != NULL && i < in->nheaders; i++)
		if (strcasecmp(in->headers[i][0], name) == 0)
			return in->headers[i][1];
	return NULL;
}

static enum MHD_Result
http_mem_queue(struct http_mem *m, unsigned status, struct MHD_Response *resp)
{
	if (m == NULL || m->resp != NULL)
		return MHD_NO;	/* MHD refuses a second answer too */
	m->status = status;
	m->resp = resp;
	return MHD_YES;
}

struct http_mem_hdrs {
	struct http_mem_answer *out;
	bool oom;
};

static enum MHD_Result
on_mem_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct http_mem_hdrs *h = cls;
	struct http_mem_answer *a = h->out;
	size_t need = strlen(key) + strlen(value) + 4;
	char *nb;

	(void)kind;
	if (a->headers_len + need + 1 > a->headers_cap) {
		nb = realloc(a->headers, a->headers_len + need + 256);
		if (nb == NULL) {
			h->oom = true;
			return MHD_NO;
		}
		a->headers = nb;
		a->headers_cap = a->headers_len + need + 256;
	}
	a->headers_len += (size_t)snprintf(a->headers + a->headers_len,
	    a->headers_cap - a->headers_len, "%s: %s\r\n", key, value);
	return MHD_YES;
}

int
http_server_new_detached(const struct http_opts *opts, struct auth_db *auth,
    struct http_server **out)
{
	*out = NULL;
	if (opts->handler == NULL)
		return -EINVAL;
	if ((*out = http_server_new(NULL, opts, auth)) == NULL)
		return -ENOMEM;
	return 0;
}

void
http_mem_answer_release(struct http_mem_answer *a)
{
	free(a->headers);
	memset(a, 0, sizeof(*a));
}

int
http_server_serve_mem(struct http_server *s, const struct http_mem_req *in,
    struct http_mem_answer *out)
{
	struct http_mem m = { .in = in };
	struct http_mem_hdrs hv = { .out = out };
	enum MHD_Result ok;
	void *con_cls = NULL;
	size_t off = 0, n, piece;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (s->mem != NULL || s->nls != 0)
		return -EBUSY;	/* one at a time, detached servers only */
	/* Cleared before returning: nothing keeps the address. */
	/* cppcheck-suppress autoVariables */
	s->mem = &m;
	piece = in->piece != 0 ? in->piece : SIZE_MAX;
	n = 0;
	ok = on_http_access(s, NULL, in->url, in->method, in->version, NULL,
	    &n, &con_cls);
	/* MHD hands the body in pieces, then calls once more with none. */
	while (ok == MHD_YES && m.resp == NULL && off < in->body_len) {
		size_t left;

		n = in->body_len - off < piece ? in->body_len - off : piece;
		left = n;
		ok = on_http_access(s, NULL, in->url, in->method,
		    in->version, in->body + off, &left, &con_cls);
		if (left != 0)
			break;	/* the handler must take every piece */
		off += n;
	}
	if (ok == MHD_YES && m.resp == NULL) {
		n = 0;
		ok = on_http_access(s, NULL, in->url, in->method,
		    in->version, NULL, &n, &con_cls);
	}
	if (ok == MHD_YES && m.resp == NULL && con_cls != NULL &&
	    ((struct http_req *)con_cls)->deferred) {
		/* Nothing to suspend: answered as at shutdown, then resumed. */
		struct http_req *r = con_cls;
		struct http_resp h = { .status = 503, .close = true };

		if (r->cancel != NULL)
			r->cancel(r->cancel_arg, r);
		if (r->deferred)
			http_req_complete(r, &h);
		n = 0;
		ok = on_http_access(s, NULL, in->url, in->method,
		    in->version, NULL, &n, &con_cls);
	}
	on_http_completed(s, NULL, &con_cls, ok == MHD_YES && m.resp != NULL ?
	    MHD_REQUEST_TERMINATED_COMPLETED_OK :
	    MHD_REQUEST_TERMINATED_WITH_ERROR);
	s->mem = NULL;
	out->status = m.status;
	out->closed = ok != MHD_YES || m.resp == NULL;
	if (m.resp != NULL) {
		(void)MHD_get_response_headers(m.resp, on_mem_header, &hv);
		MHD_destroy_response(m.resp);
		if (hv.oom)
			err = -ENOMEM;
	}
	return err;
}
