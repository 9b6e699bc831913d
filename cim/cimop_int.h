/* SPDX-License-Identifier: ISC */
/*
 * cimop_int.h - what the files of the CIM-XML dispatch share.
 */
#ifndef ARRAYD_CIMOP_INT_H
#define ARRAYD_CIMOP_INT_H

#include "cim/cimop.h"
#include "cim/op.h"

#define ARENA_CAP	(64u << 20)	/* per request: parse + build */
#define CT_XML		"application/xml; charset=\"utf-8\""
#define PENDING_TICK_MS	5
#define STALL_DEFAULT_S	30
#define SLICE_US	5000	/* of a large answer per loop turn */

/*
 * What a request answered after its handler returned keeps: the transport's
 * handle, the request and who sent it.  Shared by both kinds below.
 */
struct cimop_held {
	void *token;			/* the transport's handle */
	void (*complete)(void *token, struct http_resp *resp);
	struct cim_arena *arena;	/* the request's, kept until answered */
	struct cim_request req;		/* its strings live in arena */
	const char *host, *user;	/* in arena */
	enum op_role role;
	int64_t t0;			/* request start, mono_us (age included) */
};

/* A CreateReplica CopyType 4 waiting for its snapshot to be durable. */
struct cimop_pending {
	struct cimop_pending *next;
	struct cimop_held h;
	uint32_t src, tgt;
	int64_t progress_t;		/* when the copy last moved */
	uint64_t progress;		/* bytes copied then */
};

/* A large enumeration being written one slice per loop turn. */
struct cimop_slice {
	struct cimop_slice *next;
	struct cimop_held h;
	struct cim_buf b;		/* the answer so far (owned) */
	struct intrinsic_cont *cont;		/* where the enumeration stands */
	unsigned status;		/* CIM status recorded so far */
};

/* The request being processed: input, headers prefix, timing, results. */
struct op {
	struct cimop_server *s;
	const struct cimop_in *in;
	struct http_resp *resp;
	char prefix[8];			/* "NN-" for M-POST */
	int64_t t0;
	const char *opname;
	unsigned cim_status;
};

enum answer {
	ANSWER_NOW,		/* b holds the whole response */
	ANSWER_PAIR,		/* wait for the snapshot pair src, tgt */
	ANSWER_SLICED,		/* an enumeration to finish in slices */
};

/* cimop.c */
struct cim_arena * cimop__arena_get(void);
void cimop__arena_put(struct cim_arena *a);
int64_t cimop__mono_us(void);
const char * cimop__hdr(const struct op *o, const char *name);
void cimop__finish(struct op *o);
void cimop__fail(struct op *o, unsigned status, const char *token, bool close);
const char * cimop__pick_host(const struct op *o, struct cim_arena *arena);
int64_t cimop__slice_end(const struct cimop_server *s);
size_t cimop__max_response(const struct cimop_server *s);
unsigned cimop__respond_end(const struct cimop_server *s, const struct cim_request *r, struct cim_buf *b, unsigned status);

/* cimop_check.c */
int cimop__mpost_prefix(struct op *o);
int cimop__check_headers(struct op *o);
int cimop__check_consistency(struct op *o, const struct cim_request *r, struct cim_arena *arena);

/* cimop_defer.c */
int cimop__held_take(struct op *o, const struct cim_request *r, struct cim_arena *arena, struct cimop_held *h);
void cimop__held_ctx(const struct cimop_server *s, struct cimop_held *h, struct op_ctx *c);
void cimop__held_drop(struct cimop_server *s, struct cimop_held *h);
int cimop__pending_add(struct op *o, const struct cim_request *r, struct cim_arena *arena, uint32_t src, uint32_t tgt);
void cimop__respond_now(struct op *o, const struct cim_request *r, struct cim_arena *arena, uint32_t src, uint32_t tgt);

/* cimop_slice.c */
int cimop__slice_add(struct op *o, const struct cim_request *r, struct cim_arena *arena, struct cim_buf *b, struct intrinsic_cont *cont);
void cimop__slice_unlink(struct cimop_server *s, struct cimop_slice *e);
void cimop__slice_answer(struct cimop_server *s, struct cimop_slice *e, unsigned status);
bool cimop__slice_cancel(struct cimop_server *s, const void *token);
void cimop__slice_finish_now(struct op *o, const struct cim_request *r, struct cim_arena *arena, struct cim_buf *b, struct intrinsic_cont *cont);

#endif /* ARRAYD_CIMOP_INT_H */
