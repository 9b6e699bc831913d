/* SPDX-License-Identifier: ISC */
/*
 * http_int.h - what the files of the HTTP server share: the server, listener
 * and request structs and the functions one file calls in another.  Only
 * daemon/http*.c include it.
 */
#ifndef ARRAYD_HTTP_INT_H
#define ARRAYD_HTTP_INT_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>
#include <uv.h>

#include "daemon/connguard.h"
#include "daemon/http.h"
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


/* http.c: the server and its listeners. */
struct http_server *http__server_new(uv_loop_t *loop,
    const struct http_opts *opts, struct auth_db *auth);
void http__listener_kick(struct http_listener *l);

/* http_guard.c: the defences. */
uint64_t http__now_ms(const struct http_server *s);
void http__refuse_note(struct http_server *s, const char *addr,
    enum metrics_refusal why, const char *what);
struct conn_entry *http__conn_entry(struct MHD_Connection *conn);
void http__conn_phase(struct http_req *r, enum conn_phase phase);
int http__guard_new(struct http_server *s, const struct http_guard_opts *g);
enum MHD_Result http__on_accept(void *cls, const struct sockaddr *addr,
    socklen_t addrlen);
void *http__on_uri(void *cls, const char *uri, struct MHD_Connection *conn);
void http__on_connection(void *cls, struct MHD_Connection *conn,
    void **socket_ctx, enum MHD_ConnectionNotificationCode code);

/* http_req.c: a request from its headers to the handler. */
void http__auth_unlink(struct http_req *r);
enum MHD_Result http__on_access(void *cls, struct MHD_Connection *conn,
    const char *url, const char *method, const char *version,
    const char *upload_data, size_t *upload_data_size, void **con_cls);
void http__on_completed(void *cls, struct MHD_Connection *conn,
    void **con_cls, enum MHD_RequestTerminationCode toe);

/* http_resp.c: answers, immediate and deferred. */
enum MHD_Result http__send_denied(struct http_req *r, bool must_close);
enum MHD_Result http__send_ready(struct http_req *r);
void http__req_dispatch(struct http_req *r);
void http__defer_unlink(struct http_req *r);

/* http_mem.c: a request served from memory. */
const char *http__mem_header(const struct http_mem *m, const char *name);
enum MHD_Result http__mem_queue(struct http_mem *m, unsigned status,
    struct MHD_Response *resp);

#endif /* ARRAYD_HTTP_INT_H */
