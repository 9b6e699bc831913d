/* SPDX-License-Identifier: ISC */
/*
 * http_req.c - one request from its headers to the handler: the accessors
 * a handler reads, the framing check (400 for conflicting Content-Length),
 * the body cap (413 before reading), Basic authentication (401 decided
 * after the headers, before any body byte is kept; uncached passwords are
 * hashed by authq.c on the thread pool while the connection is
 * suspended), the body budget, body accumulation, and MHD's access and
 * completion callbacks.  It must not know anything about CIM.
 */
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
#include "daemon/http_int.h"

/* ------------------------------------------------------------ accessors */


const char *
http_req_header(const struct http_req *r, const char *name)
{
	if (r->conn == NULL)
		return http__mem_header(r->srv->mem, name);
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
		http__refuse_note(r->srv, r->ce != NULL ? r->ce->addr : "?",
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

void
http__auth_unlink(struct http_req *r)
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
	http__auth_unlink(r);
	r->role = role;
	if (role == AUTH_NONE) {
		r->user[0] = '\0';
		r->deny = DENY_AUTH;
	} else {
		snprintf(r->user, sizeof(r->user), "%s", user);
	}
	http__conn_phase(r, CONN_BODY);
	MHD_resume_connection(r->conn);
	if (r->srv->closing == 0)
		http__listener_kick(r->l);
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
	http__conn_phase(r, CONN_BUSY);
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
		return http__send_denied(r, true);
	}
	r->cap = n;	/* the declared length until http_req_admit */
	if (http_req_auth(r))
		return MHD_YES;
	if (!http_req_admit(r))
		return MHD_NO;
	if (r->deny == DENY_BUSY)
		return http__send_denied(r, true);
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
			http__refuse_note(r->srv, r->ce != NULL ? r->ce->addr :
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
			return http__send_denied(r, true);
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

enum MHD_Result
http__on_access(void *cls, struct MHD_Connection *conn, const char *url,
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
		r->ce = http__conn_entry(conn);
		*con_cls = r;
		if (conn != NULL)
			MHD_set_connection_option(conn,
			    MHD_CONNECTION_OPTION_TIMEOUT, srv->timeout);
		http__conn_phase(r, CONN_BODY);
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
			return http__send_denied(r, true);
		if (*upload_data_size == 0)
			return MHD_YES;
	}
	if (r->answered && r->status == 0)
		return http__send_ready(r);	/* resumed after a deferral */
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
		return http__send_denied(r, false);
	}
	http__conn_phase(r, CONN_BUSY);
	http__req_dispatch(r);
	return MHD_YES;
}

void
http__on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_req *r = *con_cls;

	(void)cls;
	if (r == NULL) {
		struct conn_entry *e = http__conn_entry(conn);

		if (e != NULL)
			connguard_phase(e, CONN_IDLE, http__now_ms(cls));
		return;
	}
	if (r->auth_job != NULL) {
		authq_cancel(r->auth_job);
		r->auth_job = NULL;
	}
	http__auth_unlink(r);
	if (r->ce != NULL)
		connguard_phase(r->ce, CONN_IDLE, http__now_ms(r->srv));
	if (r->deferred) {
		/* MHD dropped it while suspended: the owner lets go. */
		http__defer_unlink(r);
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

