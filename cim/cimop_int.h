/* SPDX-License-Identifier: ISC */
/*
 * cimop_int.h - what the files of the CIM-XML endpoint share: a request
 * held past its handler, the request being processed, and the functions
 * one file calls in another.  cimop.c is the dispatch, cimop_check.c the
 * protocol headers, cimop_defer.c the CreateReplica waiters, cimop_slice.c
 * the answers written in slices.  Only cim/cimop*.c include it.
 */
#ifndef ARRAYD_CIMOP_INT_H
#define ARRAYD_CIMOP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "cim/cimop.h"
#include "cim/op.h"

#define CT_XML		"application/xml; charset=\"utf-8\""

/*
 * A request and who sent it, as a handler context is built from it
 * (cimop__ctx).  A held one (answered after its handler returned) also
 * keeps the transport's handle, and owns `arena`, where the request, host
 * and user live.
 */
struct cimop_held {
	void *token;			/* the transport's handle */
	void (*complete)(void *token, struct cimop_answer *a);
	struct cim_arena *arena;
	struct cim_request req;
	const char *host, *user;
	enum op_role role;
	int64_t t0;			/* request start, mono_us (age included) */
};

/* A large enumeration being written one slice per loop turn. */
struct cimop_slice {
	struct cimop_slice *next;
	struct cimop_held h;
	struct cim_buf b;		/* the answer so far (owned) */
	struct intrinsic_cont *cont;	/* where the enumeration stands */
	unsigned status;		/* CIM status recorded so far */
};

/* The request being processed: input, headers prefix, timing, results. */
struct op {
	struct cimop_server *s;
	const struct cimop_in *in;
	struct cimop_answer *a;
	char prefix[8];			/* "NN-" for M-POST */
	int64_t t0;
	const char *opname;
	unsigned cim_status;
};

/* cimop.c: the dispatch. */
int64_t cimop__mono_us(void);
void cimop__arena_put(struct cimop_server *s, struct cim_arena *a);
void cimop__ctx(const struct cimop_server *s, const struct cimop_held *h,
    struct cim_buf *out, struct op_ctx *c);
unsigned cimop__respond_end(const struct cimop_server *s,
    const struct cim_request *r, struct cim_buf *b, unsigned status);
int64_t cimop__slice_end(const struct cimop_server *s);
void cimop__answer_xml(struct cimop_answer *a, struct cim_buf *b);
void cimop__observe(const struct cimop_server *s, const char *op,
    unsigned http_status, unsigned cim_status, int64_t dur_us);
void cimop__finish(struct op *o);
void cimop__fail(struct op *o, unsigned status, const char *token,
    bool close);
const char *cimop__hdr(const struct op *o, const char *name);
int cimop__held_take(struct op *o, const struct cimop_held *who,
    struct cimop_held *h);
void cimop__held_drop(struct cimop_server *s, struct cimop_held *h);

/* cimop_check.c: the protocol headers. */
int cimop__mpost_prefix(struct op *o);
int cimop__check_headers(struct op *o);
int cimop__check_consistency(struct op *o, const struct cim_request *r,
    struct cim_arena *arena);

/* cimop_defer.c: answers waiting for a snapshot pair or a job's image. */
int cimop__waiter_add(struct op *o, const struct cimop_held *who,
    uint32_t src, uint32_t tgt);
void cimop__waiter_now(struct op *o, const struct cimop_held *who,
    uint32_t src, uint32_t tgt);
/*
 * Hold the answer o->a (written, taken here with o's CIM status) until
 * the point-in-time image of job `job` is durable (op_job_image_pending).
 * 0, or -errno with o->a untouched (the caller sends it now).
 */
int cimop__waiter_hold(struct op *o, const struct cimop_held *who,
    uint64_t job);
bool cimop__waiter_cancel(struct cimop_server *s, const void *token);
void cimop__waiters_close(struct cimop_server *s);

/* cimop_slice.c: answers written in slices. */
int cimop__slice_add(struct op *o, const struct cimop_held *who,
    struct cim_buf *b, struct intrinsic_cont *cont);
void cimop__slice_finish_now(struct op *o, const struct cimop_held *who,
    struct cim_buf *b, struct intrinsic_cont *cont);
bool cimop__slice_cancel(struct cimop_server *s, const void *token);
void cimop__slices_close(struct cimop_server *s);

#endif /* ARRAYD_CIMOP_INT_H */
