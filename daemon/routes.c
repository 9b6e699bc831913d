/* SPDX-License-Identifier: ISC */
/*
 * routes.c - the route table: an admitted request's method and path (the
 * query string left out) pick its handler, first match wins, the last
 * row matches everything.  The metrics page is served here; the CIM-XML
 * endpoint through cimglue.c.  Neither the transport nor the CIM layer
 * knows which path means what.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "base/log.h"
#include "cimxml/cimxml.h"
#include "daemon/cimglue.h"
#include "daemon/export.h"
#include "daemon/http.h"
#include "daemon/metrics.h"
#include "daemon/routes.h"

typedef void (*route_fn)(const struct routes *rt, const struct http_req *req,
    struct http_resp *resp);

static void route_metrics(const struct routes *rt, const struct http_req *req,
    struct http_resp *resp);
static void route_cim(const struct routes *rt, const struct http_req *req,
    struct http_resp *resp);

static const struct route {
	const char *method;		/* NULL: any */
	const char *path;		/* NULL: any */
	route_fn fn;
} route_table[] = {
	{ "GET", "/metrics", route_metrics },
	{ NULL, NULL, route_cim },
};

/* The Prometheus text page; counted as operation "metrics". */
static void
route_metrics(const struct routes *rt, const struct http_req *req,
    struct http_resp *resp)
{
	struct cim_buf b;
	const char *user = http_req_user(req);

	cim_buf_init(&b);
	if (rt->metrics != NULL)
		metrics_render(rt->metrics, rt->rs, rt->conf, &b);
	export_render_metrics(rt->ex, &b);
	if (b.oom) {
		cim_buf_release(&b);
		resp->status = 500;
	} else {
		resp->status = 200;
		resp->content_type = "text/plain; version=0.0.4";
		resp->body = cim_buf_steal(&b, &resp->body_len);
	}
	metrics_observe_request(rt->metrics, "metrics", resp->status, 0,
	    http_req_age_us(req));
	log_debug("metrics by %s: status %u, %" PRId64 "us",
	    user != NULL && user[0] != '\0' ? user : "-", resp->status,
	    http_req_age_us(req));
}

static void
route_cim(const struct routes *rt, const struct http_req *req,
    struct http_resp *resp)
{
	cimglue_serve(rt->cim, req, resp);
}

/* Does `url`'s path (before any '?') equal `path`? */
static bool
path_is(const char *url, const char *path)
{
	size_t n = url != NULL ? strcspn(url, "?") : 0;

	return n == strlen(path) && strncmp(url, path, n) == 0;
}

void
routes_handle(void *arg, const struct http_req *req, struct http_resp *resp)
{
	const struct routes *rt = arg;
	const char *method = http_req_method(req);
	const struct route *r;

	for (r = route_table; ; r++) {
		if (r->method != NULL && (method == NULL ||
		    strcmp(r->method, method) != 0))
			continue;
		if (r->path != NULL && !path_is(http_req_url(req), r->path))
			continue;
		r->fn(rt, req, resp);
		return;
	}
}
