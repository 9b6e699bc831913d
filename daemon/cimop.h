/* SPDX-License-Identifier: ISC */
/*
 * cimop.h - the HTTP handler of the CIM-XML endpoint: checks the protocol
 * headers of SPEC.md §1.2-1.4 (405, CIMOperation, CIMMethod, CIMObject,
 * CIMProtocolVersion, CIMBatch, Content-Type), parses the body, checks
 * versions and namespace, dispatches to cim_intrinsic/cim_extrinsic and
 * writes the envelope.  Also routes GET /metrics.
 */
#ifndef ARRAYD_CIMOP_H
#define ARRAYD_CIMOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cimxml/cimxml.h"
#include "daemon/auth.h"

struct conf;
struct replica_set;
struct metrics;
struct http_req;
struct http_resp;

/* Handler state; the daemon owns it and updates conf on reload. */
struct cimop_server {
	const struct conf *conf;
	struct replica_set *rs;
	struct metrics *metrics;
	struct cimxml_limits limits;
	bool shutting_down;		/* answer 503 */
};

/* An http_handler_fn; `arg` is a struct cimop_server *. */
void cimop_handle(void *arg, const struct http_req *req,
    struct http_resp *resp);

/*
 * One request as the handler sees it, independent of libmicrohttpd so that
 * tests can drive cimop_process() directly (addition to the interface).
 * header() looks a header up case-insensitively (NULL if absent).
 */
struct cimop_in {
	const char *method;		/* "POST", "M-POST", "GET" ... */
	const char *url;
	const char *(*header)(const void *arg, const char *name);
	const void *header_arg;
	const char *body;
	size_t body_len;
	const char *user;
	enum auth_role role;
	int64_t age_us;			/* time spent before the handler */
};

/* Everything cimop_handle does after adapting the http_req. */
void cimop_process(struct cimop_server *s, const struct cimop_in *in,
    struct http_resp *resp);

#endif /* ARRAYD_CIMOP_H */
