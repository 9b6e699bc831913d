/* SPDX-License-Identifier: ISC */
/*
 * http.h - libmicrohttpd inside the libuv loop.
 *
 * MHD runs in external-poll epoll mode with no thread of its own: its epoll
 * fd is watched by a uv_poll_t, its timeout by a uv_timer_t.  This module
 * owns listening, TLS, connection and body limits, timeouts and Basic
 * authentication (401); it hands each complete request to one handler on
 * the loop thread and sends the response the handler fills.  It knows
 * nothing about CIM: the handler decides everything else (405, CIM headers).
 */
#ifndef ARRAYD_HTTP_H
#define ARRAYD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "daemon/auth.h"

struct http_server;
struct http_req;
struct metrics;

/* Header value by name (case-insensitive), NULL if absent. */
const char *http_req_header(const struct http_req *r, const char *name);
const char *http_req_method(const struct http_req *r);	/* "POST" */
const char *http_req_url(const struct http_req *r);
const char *http_req_version(const struct http_req *r);	/* "HTTP/1.1" */
const char *http_req_user(const struct http_req *r);	/* authenticated */
enum auth_role http_req_role(const struct http_req *r);
const char *http_req_body(const struct http_req *r, size_t *len);
/* Microseconds since the request's first byte (for request logging). */
int64_t http_req_age_us(const struct http_req *r);

/* One response header, written as given. */
struct http_header {
	const char *name;
	const char *value;
};

#define HTTP_RESP_MAX_HEADERS	4

/*
 * The response a handler fills.  body is malloc'ed and owned by the server
 * after the handler returns (NULL = empty).  The server adds Content-Type,
 * then headers[0..nheaders) in that order, then Connection: close to the
 * response; it interprets none of them.  Their strings are borrowed: they
 * must outlive the call that hands the response over (static strings in
 * practice).
 */
struct http_resp {
	unsigned status;		/* default 200 */
	const char *content_type;	/* NULL: none */
	char *body;
	size_t body_len;
	struct http_header headers[HTTP_RESP_MAX_HEADERS];
	size_t nheaders;
	bool close;			/* Connection: close */
	/*
	 * Set by a handler that called http_req_defer(): nothing is sent
	 * now, the answer comes with http_req_complete().  A handler that
	 * sets it without deferring gets a 500 sent in its place.
	 */
	bool deferred;
};

/* Add a header to `r`.  Returns 0, or -ENOSPC when headers[] is full. */
int http_resp_add_header(struct http_resp *r, const char *name,
    const char *value);

typedef void (*http_handler_fn)(void *arg, const struct http_req *req,
    struct http_resp *resp);

/*
 * Deferred answers.  From inside the handler only, http_req_defer() keeps
 * the request open after the handler returns (MHD suspends the
 * connection) and returns the handle to answer it with.
 * The handle stays valid until exactly one of: the owner calls
 * http_req_complete(), or the server answers by itself (503, Connection:
 * close, when http_server_close() finds it still waiting) and calls
 * `cancel` first so the owner drops the handle.  A suspended connection
 * has no idle timeout (MHD stops its clock; it restarts once the answer
 * is queued) and a client that hangs up is only noticed after the answer:
 * the owner must bound the wait itself.  Loop thread only.
 */
typedef void (*http_cancel_fn)(void *arg, struct http_req *r);
struct http_req *http_req_defer(const struct http_req *r,
    http_cancel_fn cancel, void *arg);
/* Send the answer of a deferred request; takes resp->body.  Ends `r`. */
void http_req_complete(struct http_req *r, struct http_resp *resp);

/*
 * Defences of the front door (each 0 = no limit, auth_max_active 0 = 1).
 * Every refusal or cut is counted in `metrics` and logged once per
 * address and minute.
 */
struct http_guard_opts {
	unsigned header_timeout;	/* s: request line to end of headers */
	unsigned handshake_timeout;	/* s: TLS accept to request line */
	uint64_t body_min_rate;		/* bytes/s, after header_timeout */
	unsigned max_per_address;	/* connections from one address */
	unsigned auth_max_active;	/* password hashes at once (pool) */
	unsigned auth_max_queued;	/* waiting beyond that; more: 503 */
	unsigned auth_fail_delay_ms;	/* cap of the wrong-password delay */
	uint64_t body_budget;		/* request bodies in memory, total */
	uint64_t body_budget_user;	/* ... per user */
};

struct http_opts {
	const char *const *listen;	/* addresses */
	size_t nlisten;
	unsigned https_port;		/* 0 = off */
	unsigned http_port;		/* 0 = off */
	const char *cert_pem;		/* needed when https_port != 0 */
	const char *key_pem;
	uint64_t max_body;		/* 413 above, without reading it all */
	unsigned timeout;		/* seconds, idle/read timeout */
	unsigned max_connections;
	const char *realm;		/* WWW-Authenticate: Basic realm="..." */
	struct http_guard_opts guard;
	struct metrics *metrics;	/* borrowed, may be NULL */
	http_handler_fn handler;	/* every admitted request */
	void *handler_arg;
};

/*
 * Bind and start serving.  Returns 0 or -errno (-EADDRINUSE: "port in
 * use") with errbuf filled.  *out is owned by the caller (http_server_close).
 * `auth` is borrowed; swap it with http_server_set_auth on reload.
 */
int http_server_start(uv_loop_t *loop, const struct http_opts *opts,
    struct auth_db *auth, struct http_server **out, char *errbuf,
    size_t errlen);
/*
 * The i-th listener as "https://127.0.0.1:5989" (the bound port, so port
 * 0 shows what the kernel chose), NULL past the end.  Borrowed.
 */
const char *http_server_url(const struct http_server *s, size_t i);
/* Bound port of the first https (or plain http) listener, 0 if none. */
unsigned http_server_port(const struct http_server *s, bool https);
void http_server_set_auth(struct http_server *s, struct auth_db *auth);
/* Change limits that can change without rebinding. */
void http_server_set_limits(struct http_server *s, uint64_t max_body,
    unsigned timeout);
/* Change the defences (reload); max_per_address etc. apply to new ones. */
void http_server_set_guard(struct http_server *s,
    const struct http_guard_opts *g);
/* Stop accepting (close the listen sockets); in-flight requests finish. */
void http_server_quiesce(struct http_server *s);
/* Connections still open. */
unsigned http_server_connections(const struct http_server *s);
/* Requests deferred and not yet answered. */
unsigned http_server_deferred(const struct http_server *s);
/* Stop MHD, close the uv handles; `cb` runs once they are closed. */
void http_server_close(struct http_server *s, void (*cb)(void *arg),
    void *arg);

/*
 * The request path without a socket (fuzzing, tests): a detached server
 * has no listener and no loop; http_server_serve_mem() runs one request
 * through the same access handler a connection's request goes through
 * (authentication, body cap and accumulation, the handler, the response),
 * the body handed over in pieces of `piece` bytes (0: at once) as MHD
 * hands it.  A handler that defers gets the 503 a shutdown gives.
 * Free the server with http_server_close(s, NULL, NULL).
 */
struct http_mem_req {
	const char *method;		/* "POST" */
	const char *url;
	const char *version;		/* "HTTP/1.1" */
	const char *const (*headers)[2];	/* { name, value } */
	size_t nheaders;
	const char *body;
	size_t body_len;
	size_t piece;
};
struct http_mem_answer {
	unsigned status;		/* 0: no answer, connection dropped */
	bool closed;			/* MHD would close the connection */
	char *headers;			/* "Name: value\r\n"..., owned */
	size_t headers_len, headers_cap;
};
int http_server_new_detached(const struct http_opts *opts,
    struct auth_db *auth, struct http_server **out);
/* Returns 0, -ENOMEM or -EBUSY (listening server or reentered). */
int http_server_serve_mem(struct http_server *s,
    const struct http_mem_req *in, struct http_mem_answer *out);
void http_mem_answer_release(struct http_mem_answer *a);

#endif /* ARRAYD_HTTP_H */
