/* SPDX-License-Identifier: ISC */
/*
 * export_int.h - shared between the indication exporter's files:
 * export.c (per destination: queue head, attempt, retry, drop),
 * export_multi.c (libcurl's multi interface driven by the libuv loop) and
 * export_answer.c (is a listener's answer an EXPMETHODRESPONSE without
 * ERROR?) and export_report.c (status lines, metrics).  Private to daemon/export*.c.
 */
#ifndef ARRAYD_EXPORT_INT_H
#define ARRAYD_EXPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>
#include <uv.h>

struct export__multi;
struct indic;
struct conf;

#define EXPORT_ANSWER_MAX	(64 * 1024)	/* a success answer is ~200 B */

/* One destination as the exporter serves it (export.c). */
struct export_dest {
	uint64_t		 id;
	struct export		*ex;
	/* the attempt in flight (easy != NULL) */
	CURL			*easy;
	struct curl_slist	*hdrs;
	uint64_t		 item_id;
	uint64_t		 seq_no;	/* with item_id: which item it is */
	unsigned		 attempts;	/* the item's, before this one */
	char			 msg_id[32];
	char			*answer;
	size_t			 answer_len;
	bool			 answer_over;
	bool			 cimexport;	/* CIMExport: MethodResponse */
	char			 cimerror[96];	/* CIMError header, "" none */
	char			 curlerr[CURL_ERROR_SIZE];
	/* between attempts */
	uv_timer_t		 retry;
	bool			 waiting;
	uint64_t		 retry_at;	/* loop ms */
	/* the current outage: logged once, drops counted */
	bool			 failing;
	uint64_t		 outage_drops;
};

struct export {
	uv_loop_t		*loop;
	struct indic		*ix;
	const struct conf	*conf;
	struct export__multi	*multi;
	uv_timer_t		 kick;
	bool			 kick_armed;
	uv_timer_t		 flush;		/* writes the batched acks */
	bool			 flush_armed;
	struct export_dest	**dests;	/* by id, ascending */
	size_t			 ndests;
	unsigned		 pending;	/* handles still closing */
	bool			 closing;
	void			(*close_cb)(void *arg);
	void			*close_arg;
};


/* A finished transfer (already removed from the multi handle). */
typedef void (*export__done_fn)(void *arg, CURL *easy, CURLcode rc);

/*
 * A curl multi handle whose sockets are uv_poll_t handles and whose
 * timeout is one uv_timer_t on `loop`: nothing ever blocks the loop.
 * `done` is called on the loop for each finished transfer.  Returns 0 and
 * a new object owned by the caller (export__multi_close), or -errno.
 */
int export__multi_new(uv_loop_t *loop, export__done_fn done, void *arg,
    struct export__multi **out);
/* Start a transfer; the easy handle stays the caller's.  0 or -EIO. */
int export__multi_add(struct export__multi *m, CURL *easy);
/* Abort a transfer that has not finished (done is not called for it). */
void export__multi_remove(struct export__multi *m, CURL *easy);
/*
 * Release the multi handle (every transfer must have been removed) and
 * close its handles; cb(arg) runs once they are closed, then m is freed.
 */
void export__multi_close(struct export__multi *m, void (*cb)(void *arg),
    void *arg);

/*
 * Is `body` (len bytes, the listener's HTTP 200 answer) a well-formed
 * CIM-XML export response, CIM > MESSAGE > SIMPLEEXPRSP >
 * EXPMETHODRESPONSE NAME="ExportIndication" without an ERROR child, whose
 * MESSAGE ID is `msg_id` (NULL: not checked)?  0, or -EPROTO with the
 * reason in why ("listener error 4 (CIM_ERR_INVALID_PARAMETER): ...",
 * "not XML: ...").
 */
int export__answer_check(const char *body, size_t len, const char *msg_id,
    char *why, size_t whylen);

/*
 * The MESSAGE ID of an export request body, copied into id (empty when
 * there is none or it does not fit).
 */
void export__request_id(const char *body, size_t len, char *id,
    size_t idlen);

#endif /* ARRAYD_EXPORT_INT_H */
