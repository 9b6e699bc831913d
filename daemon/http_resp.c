/* SPDX-License-Identifier: ISC */
/*
 * http_resp.c - answers: the refusals the transport decides itself (401,
 * 400, 413, 503), the response a handler filled (status, Content-Type, the
 * handler's extra headers in its order, Connection: close), and deferred
 * answers.  A handler may defer (http_req_defer): the connection is
 * suspended (MHD_ALLOW_SUSPEND_RESUME) and the request sits in the
 * server's deferred list until http_req_complete() builds the response,
 * resumes the connection and kicks the listener's timer so MHD runs at
 * once: MHD 0.9.75's ITC alone does not get a resumed connection served
 * in external epoll mode (without the kick test_defer stalls until other
 * traffic).  MHD then calls the access handler again, which queues the
 * stored response.  Headers are written as given, never interpreted.
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

#include "base/log.h"
#include "daemon/http_int.h"

/* ------------------------------------------------------------ responses */


static enum MHD_Result
http_queue(struct http_req *r, unsigned status, struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (resp == NULL)
		return MHD_NO;
	r->status = status;
	if (r->conn == NULL)
		return http__mem_queue(r->srv->mem, status, resp);
	ret = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result
http__send_denied(struct http_req *r, bool must_close)
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
	for (size_t i = 0; i < h->nheaders && i < HTTP_RESP_MAX_HEADERS; i++)
		MHD_add_response_header(resp, h->headers[i].name,
		    h->headers[i].value);
	if (h->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION,
		    "close");
	return resp;
}

int
http_resp_add_header(struct http_resp *r, const char *name, const char *value)
{
	if (r->nheaders >= HTTP_RESP_MAX_HEADERS)
		return -ENOSPC;
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders++].value = value;
	return 0;
}

static enum MHD_Result
http_send(struct http_req *r, struct http_resp *h)
{
	return http_queue(r, h->status != 0 ? h->status : 200, http_build(h));
}

/* ------------------------------------------------------------ deferral */

void
http__defer_unlink(struct http_req *r)
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
	http__defer_unlink(r);
	r->answered = true;
	r->ready_status = resp->status != 0 ? resp->status : 200;
	r->ready = http_build(resp);	/* NULL: the access handler says no */
	if (r->status != 0 || !r->flushing)
		return;		/* completed inside the handler: dispatch sends */
	MHD_resume_connection(r->conn);
	if (r->srv->closing == 0)
		http__listener_kick(r->l);
}

/* Queue the stored answer of a deferred request (access handler). */
enum MHD_Result
http__send_ready(struct http_req *r)
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

void
http__req_dispatch(struct http_req *r)
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
			(void)http__send_ready(r);
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

