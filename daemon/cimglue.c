/* SPDX-License-Identifier: ISC */
/*
 * cimglue.c - the adapter between the HTTP server and the CIM-XML
 * endpoint, both ways.  The answer's headers are cimop's (names and
 * values, in its order); they are copied, not chosen, here.
 */
#include <string.h>

#include "cim/cimop.h"
#include "daemon/auth.h"
#include "daemon/cimglue.h"
#include "daemon/http.h"
#include "daemon/metrics.h"

/* Hand cimop's answer over: the body's ownership moves to `resp`. */
static void
to_http(struct cimop_answer *a, struct http_resp *resp)
{
	resp->status = a->status;
	resp->content_type = a->content_type;
	resp->body = a->body;
	resp->body_len = a->body_len;
	a->body = NULL;
	for (size_t i = 0; i < a->nheaders; i++)
		(void)http_resp_add_header(resp, a->headers[i].name,
		    a->headers[i].value);
	resp->close = a->close;
	resp->deferred = a->deferred;
}

static const char *
req_header(const void *arg, const char *name)
{
	return http_req_header(arg, name);
}

static void
on_http_cancel(void *arg, struct http_req *r)
{
	cimop_cancel(arg, r);
}

static void *
http_defer(const void *defer_arg, struct cimop_server *s)
{
	return http_req_defer(defer_arg, on_http_cancel, s);
}

static void
http_complete(void *token, struct cimop_answer *a)
{
	struct http_resp resp;

	memset(&resp, 0, sizeof(resp));
	to_http(a, &resp);
	http_req_complete(token, &resp);
}

static enum op_role
role_of(enum auth_role r)
{
	switch (r) {
	case AUTH_BROWSE:
		return OP_ROLE_BROWSE;
	case AUTH_EDIT:
		return OP_ROLE_EDIT;
	case AUTH_NONE:
		break;
	}
	return OP_ROLE_NONE;
}

void
cimglue_serve(struct cimop_server *s, const struct http_req *req,
    struct http_resp *resp)
{
	struct cimop_in in;
	struct cimop_answer a;
	size_t len = 0;

	memset(&in, 0, sizeof(in));
	memset(&a, 0, sizeof(a));
	in.method = http_req_method(req);
	in.header = req_header;
	in.header_arg = req;
	in.body = http_req_body(req, &len);
	in.body_len = len;
	in.user = http_req_user(req);
	in.role = role_of(http_req_role(req));
	in.age_us = http_req_age_us(req);
	in.defer = http_defer;
	in.complete = http_complete;
	in.defer_arg = req;
	cimop_process(s, &in, &a);
	to_http(&a, resp);
}

void
cimglue_observe(void *arg, const char *op, unsigned http_status,
    unsigned cim_status, int64_t dur_us)
{
	metrics_observe_request(arg, op, http_status, cim_status, dur_us);
}
