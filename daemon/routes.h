/* SPDX-License-Identifier: ISC */
/*
 * routes.h - which handler serves which HTTP request, decided above the
 * transport in one table: GET /metrics is the Prometheus page, every other
 * request goes to the CIM-XML endpoint (clients post to /cimom, some to /;
 * the endpoint answers 405 to anything but POST and M-POST).
 */
#ifndef ARRAYD_ROUTES_H
#define ARRAYD_ROUTES_H

struct cimop_server;
struct conf;
struct http_req;
struct http_resp;
struct metrics;
struct replica_set;

/* What the handlers serve from; all borrowed, owned by the daemon. */
struct export;

struct routes {
	struct cimop_server *cim;
	struct metrics *metrics;	/* may be NULL: an empty page */
	const struct replica_set *rs;	/* read when rendering metrics */
	const struct conf *conf;	/* its pools too; may be NULL */
	const struct export *ex;	/* indications; may be NULL */
};

/* An http_handler_fn; `arg` is a struct routes *. */
void routes_handle(void *arg, const struct http_req *req,
    struct http_resp *resp);

#endif /* ARRAYD_ROUTES_H */
