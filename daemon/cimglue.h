/* SPDX-License-Identifier: ISC */
/*
 * cimglue.h - the CIM-XML endpoint (cim/cimop.h) on HTTP (daemon/http.h):
 * an http_req becomes a struct cimop_in, a struct cimop_answer an
 * http_resp, cimop's deferral http_req_defer/http_req_complete, and
 * cimop's observed answers metrics.  It decides nothing about either side.
 */
#ifndef ARRAYD_CIMGLUE_H
#define ARRAYD_CIMGLUE_H

#include <stdint.h>

struct cimop_server;
struct http_req;
struct http_resp;

/* Serve `req` with the CIM-XML endpoint `s` (a route's handler). */
void cimglue_serve(struct cimop_server *s, const struct http_req *req,
    struct http_resp *resp);

/* A cimop_observe_fn counting into metrics; `arg` is a struct metrics *. */
void cimglue_observe(void *arg, const char *op, unsigned http_status,
    unsigned cim_status, int64_t dur_us);

#endif /* ARRAYD_CIMGLUE_H */
