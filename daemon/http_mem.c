/* SPDX-License-Identifier: ISC */
/*
 * http_mem.c - the request path of a connection, driven from memory
 * (fuzzing, tests): http__on_access() and http__on_completed() are called
 * as MHD calls them (headers, body pieces, end of body, completion) with
 * no connection, so the auth check, the body cap and accumulation, the
 * handler and the response building are the daemon's own code.  The few
 * MHD calls that need a connection test r->conn: header lookups read
 * m->in, the answer lands in m.
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

#include "daemon/http_int.h"

/* A header of the request being served, by name (case-insensitive). */
const char *
http__mem_header(const struct http_mem *m, const char *name)
{
	const struct http_mem_req *in = m != NULL ? m->in : NULL;

	for (size_t i = 0; in != NULL && i < in->nheaders; i++)
		if (strcasecmp(in->headers[i][0], name) == 0)
			return in->headers[i][1];
	return NULL;
}

enum MHD_Result
http__mem_queue(struct http_mem *m, unsigned status, struct MHD_Response *resp)
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
	if ((*out = http__server_new(NULL, opts, auth)) == NULL)
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
	ok = http__on_access(s, NULL, in->url, in->method, in->version, NULL,
	    &n, &con_cls);
	/* MHD hands the body in pieces, then calls once more with none. */
	while (ok == MHD_YES && m.resp == NULL && off < in->body_len) {
		size_t left;

		n = in->body_len - off < piece ? in->body_len - off : piece;
		left = n;
		ok = http__on_access(s, NULL, in->url, in->method,
		    in->version, in->body + off, &left, &con_cls);
		if (left != 0)
			break;	/* the handler must take every piece */
		off += n;
	}
	if (ok == MHD_YES && m.resp == NULL) {
		n = 0;
		ok = http__on_access(s, NULL, in->url, in->method,
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
		ok = http__on_access(s, NULL, in->url, in->method,
		    in->version, NULL, &n, &con_cls);
	}
	http__on_completed(s, NULL, &con_cls, ok == MHD_YES && m.resp != NULL ?
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
