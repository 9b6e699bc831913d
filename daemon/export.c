/* SPDX-License-Identifier: ISC */
/*
 * export.c - the indication exporter's scheduler: per destination, take
 * the head of its queue (indic_head), POST it, and on the answer
 * acknowledge it (indic_ack_later: written in batches, on_flush), note a
 * failure and wait (indic_note_failure, a uv_timer_t per destination) or
 * give it up (indic_drop).  At most one
 * request per destination is in flight, so a destination sees its queue
 * in order; all destinations are served at once through export_multi.c.
 * A kick (something queued or deleted) looks at every destination on the
 * next loop turn: it starts idle ones and aborts a request whose item
 * left the queue meanwhile (its subscription was deleted or disabled:
 * cim/ kicks through cimop_server.indic_changed before answering), so that
 * item is neither retried nor acknowledged.  Nothing here blocks: every indic
 * call is one short SQLite transaction on the loop thread, as cim/ does.
 */
#include "daemon/export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/log.h"
#include "conf/conf.h"
#include "daemon/export_int.h"
#include "indic/indic.h"

#define EXPORT_DROPS_PER_TURN	64	/* disallowed items dropped per look */
#define EXPORT_FLUSH_MS		20	/* acks batched per write (indic.h) */
#define EXPORT_FLUSH_RETRY_MS	1000	/* after a failed write */

static void export_dest_start(struct export_dest *xd);

/* --------------------------------------------------------- one attempt */

static size_t
on_answer_data(char *p, size_t size, size_t n, void *arg)
{
	struct export_dest *xd = arg;
	size_t len = size * n;
	char *nb;

	if (xd->answer_over || xd->answer_len + len > EXPORT_ANSWER_MAX) {
		xd->answer_over = true;
		return len;	/* read and forget: the answer is refused */
	}
	if ((nb = realloc(xd->answer, xd->answer_len + len + 1)) == NULL) {
		xd->answer_over = true;
		return len;
	}
	memcpy(nb + xd->answer_len, p, len);
	xd->answer = nb;
	xd->answer_len += len;
	xd->answer[xd->answer_len] = '\0';
	return len;
}

/* Header lines of the answer: CIMExport and CIMError are what we read. */
static size_t
on_answer_header(char *p, size_t size, size_t n, void *arg)
{
	struct export_dest *xd = arg;
	size_t len = size * n, vlen;
	const char *colon = memchr(p, ':', len), *v, *end = p + len;

	if (colon == NULL)
		return len;
	/* A new status line (after 100 Continue) starts a new header set. */
	if (len > 5 && strncmp(p, "HTTP/", 5) == 0) {
		xd->cimexport = false;
		xd->cimerror[0] = '\0';
		return len;
	}
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
	    end[-1] == ' '))
		end--;
	vlen = (size_t)(end - v);
	if ((size_t)(colon - p) == 9 && strncasecmp(p, "CIMExport", 9) == 0)
		xd->cimexport = vlen == 14 &&
		    strncasecmp(v, "MethodResponse", 14) == 0;
	else if ((size_t)(colon - p) == 8 && strncasecmp(p, "CIMError", 8) == 0)
		snprintf(xd->cimerror, sizeof(xd->cimerror), "%.*s",
		    (int)vlen, v);
	return len;
}

static void
export_attempt_free(struct export_dest *xd)
{
	if (xd->easy != NULL)
		curl_easy_cleanup(xd->easy);
	xd->easy = NULL;
	curl_slist_free_all(xd->hdrs);
	xd->hdrs = NULL;
	free(xd->answer);
	xd->answer = NULL;
	xd->answer_len = 0;
	xd->answer_over = false;
	xd->cimexport = false;
	xd->cimerror[0] = '\0';
	xd->curlerr[0] = '\0';
}

/* The request headers DSP0200 section 7 asks for (no Expect: 100). */
static struct curl_slist *
export_headers(void)
{
	static const char *const h[] = {
		"Content-Type: application/xml; charset=\"utf-8\"",
		"CIMExport: MethodRequest",
		"CIMExportMethod: ExportIndication",
		"CIMProtocolVersion: 1.0",
		"Accept: application/xml",
		"Expect:",
	};
	struct curl_slist *l = NULL, *nl;

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		if ((nl = curl_slist_append(l, h[i])) == NULL) {
			curl_slist_free_all(l);
			return NULL;
		}
		l = nl;
	}
	return l;
}

/* The easy handle of one POST of `it` to `url`.  0 or -ENOMEM. */
static int
export_attempt_new(struct export_dest *xd, const char *url,
    const struct indic_item *it)
{
	const struct conf_indications *ci = &xd->ex->conf->indications;
	long ms = (long)ci->timeout_s * 1000;
	CURL *e;

	if ((e = curl_easy_init()) == NULL ||
	    (xd->hdrs = export_headers()) == NULL) {
		if (e != NULL)
			curl_easy_cleanup(e);
		return -ENOMEM;
	}
	xd->easy = e;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, xd);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* Only what the allow list checked: no proxy from the environment,
	 * no redirect elsewhere, no other protocol. */
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, ci->verify_tls ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, ci->verify_tls ? 2L : 0L);
	if (ci->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, ci->ca_file);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "arrayd");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, xd->hdrs);
	/* The registry's copy of the body lives until its next change. */
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)it->len);
	curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, it->body);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_answer_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, xd);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_answer_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, xd);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, xd->curlerr);
	xd->item_id = it->id;
	xd->seq_no = it->seq_no;
	xd->attempts = it->attempts;
	export__request_id(it->body, it->len, xd->msg_id, sizeof(xd->msg_id));
	return 0;
}

/* Why a finished attempt failed, in words; "" when it succeeded. */
static void
export_judge(struct export_dest *xd, CURLcode rc, char *why, size_t len)
{
	long code = 0;

	why[0] = '\0';
	if (rc != CURLE_OK) {
		snprintf(why, len, "%s", xd->curlerr[0] != '\0' ?
		    xd->curlerr : curl_easy_strerror(rc));
		return;
	}
	curl_easy_getinfo(xd->easy, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200)
		snprintf(why, len, "HTTP %ld%s%s", code,
		    xd->cimerror[0] != '\0' ? ", CIMError: " : "",
		    xd->cimerror);
	else if (!xd->cimexport)
		snprintf(why, len, "answer lacks CIMExport: MethodResponse");
	else if (xd->answer_over)
		snprintf(why, len, "answer larger than %d bytes",
		    EXPORT_ANSWER_MAX);
	else
		(void)export__answer_check(xd->answer, xd->answer_len,
		    xd->msg_id, why, len);
}

/* --------------------------------------------------------- destinations */

static const struct indic_dest *
export_dest_record(const struct export_dest *xd)
{
	return indic_dest_get(xd->ex->ix, xd->id);
}

/*
 * Is the queue's head still the item in flight?  Its sequence number
 * says so too: the registry may give a new item the id of one deleted.
 */
static bool
export_is_head(const struct export_dest *xd, const struct indic_item *head)
{
	return head != NULL && head->id == xd->item_id &&
	    head->seq_no == xd->seq_no;
}

static void
on_retry(uv_timer_t *t)
{
	struct export_dest *xd = t->data;

	xd->waiting = false;
	export_dest_start(xd);
}

/* The gap before retry number k+1: interval doubling, capped. */
static uint64_t
export_gap_ms(const struct conf_indications *ci, unsigned k)
{
	uint64_t s = ci->retry_interval_s;

	while (k-- > 0 && s < CONF_RETRY_INTERVAL_CAP)
		s *= 2;
	if (s > CONF_RETRY_INTERVAL_CAP)
		s = CONF_RETRY_INTERVAL_CAP;
	return s * 1000;
}

static void
export_failed(struct export_dest *xd, const struct indic_dest *d,
    const char *why)
{
	const struct conf_indications *ci = &xd->ex->conf->indications;
	uint64_t gap;
	int err;

	if (xd->attempts >= ci->retry_attempts) {
		err = indic_drop(xd->ex->ix, xd->item_id, why);
		if (err != 0)
			log_warnx("indications: %s: drop of item %" PRIu64
			    ": %s", d->name, xd->item_id, strerror(-err));
		if (xd->outage_drops++ == 0)
			log_warnx("indications: %s (%s): dropped after %u "
			    "attempts: %s (further drops of this outage are "
			    "counted, not logged)", d->name, d->destination,
			    xd->attempts + 1, why);
		xd->failing = true;
		export_dest_start(xd);
		return;
	}
	if ((err = indic_note_failure(xd->ex->ix, xd->item_id, why)) != 0)
		log_warnx("indications: %s: item %" PRIu64 ": %s", d->name,
		    xd->item_id, strerror(-err));
	gap = export_gap_ms(ci, xd->attempts);
	if (!xd->failing)
		log_warnx("indications: %s (%s): delivery failed: %s; "
		    "retrying in %" PRIu64 " s", d->name, d->destination, why,
		    gap / 1000);
	else
		log_debug("indications: %s: attempt %u failed: %s", d->name,
		    xd->attempts + 1, why);
	xd->failing = true;
	xd->waiting = true;
	xd->retry_at = uv_now(xd->ex->loop) + gap;
	uv_timer_start(&xd->retry, on_retry, gap, 0);
}

static void
on_flush(uv_timer_t *t)
{
	struct export *ex = t->data;
	int err;

	ex->flush_armed = false;
	if ((err = indic_ack_flush(ex->ix)) != 0) {
		/* Still pending: counted, not sent again; retried. */
		log_warnx("indications: writing %" PRIu64 " acks: %s",
		    indic_acks_pending(ex->ix), strerror(-err));
		ex->flush_armed = true;
		uv_timer_start(&ex->flush, on_flush, EXPORT_FLUSH_RETRY_MS, 0);
	}
}

/*
 * Acknowledged in memory now, written with the others delivered within
 * EXPORT_FLUSH_MS in one transaction (the loop's cost per indication).
 */
static void
export_delivered(struct export_dest *xd, const struct indic_dest *d)
{
	struct export *ex = xd->ex;
	int err = indic_ack_later(ex->ix, xd->item_id);

	if (err == 0 && !ex->flush_armed) {
		ex->flush_armed = true;
		uv_timer_start(&ex->flush, on_flush, EXPORT_FLUSH_MS, 0);
	}
	if (err != 0)
		log_warnx("indications: %s: ack of item %" PRIu64 ": %s",
		    d->name, xd->item_id, strerror(-err));
	if (xd->failing)
		log_info("indications: %s (%s): delivering again (%" PRIu64
		    " indications dropped meanwhile)", d->name,
		    d->destination, xd->outage_drops);
	xd->failing = false;
	xd->outage_drops = 0;
}

/* export__multi's `done`: one attempt finished. */
static void
on_attempt_done(void *arg, CURL *easy, CURLcode rc)
{
	struct export *ex = arg;
	struct export_dest *xd = NULL;
	const struct indic_dest *d;
	const struct indic_item *head;
	char why[256];

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&xd);
	if (xd == NULL || xd->easy != easy)
		return;
	d = export_dest_record(xd);
	head = d != NULL ? indic_head(ex->ix, xd->id) : NULL;
	if (d == NULL || !export_is_head(xd, head)) {
		/* Deleted meanwhile: neither acknowledged nor retried. */
		export_attempt_free(xd);
		export_kick(ex);
		return;
	}
	export_judge(xd, rc, why, sizeof(why));
	if (why[0] == '\0') {
		export_delivered(xd, d);
		export_attempt_free(xd);
		export_dest_start(xd);
	} else {
		export_attempt_free(xd);
		export_failed(xd, d, why);
	}
}

/*
 * Start the destination's next attempt when it is idle: the head of its
 * queue, unless its URL left the allow list (then it is dropped).
 */
static void
export_dest_start(struct export_dest *xd)
{
	struct export *ex = xd->ex;
	const struct conf *c = ex->conf;
	const struct indic_dest *d;
	const struct indic_item *it;
	char why[256], msg[300];
	int err;

	if (ex->closing || xd->easy != NULL || xd->waiting)
		return;
	for (unsigned drops = 0; ; drops++) {
		if ((d = export_dest_record(xd)) == NULL ||
		    (it = indic_head(ex->ix, xd->id)) == NULL)
			return;
		why[0] = '\0';
		err = indic_dest_check(d->destination,
		    (const char *const *)c->indications.allow,
		    c->indications.nallow, (const char *const *)c->listen,
		    c->nlisten, why, sizeof(why));
		if (err == 0)
			break;
		if (drops == EXPORT_DROPS_PER_TURN) {
			export_kick(ex);	/* the rest on the next turn */
			return;
		}
		snprintf(msg, sizeof(msg), "destination refused: %s", why);
		xd->attempts = it->attempts;
		xd->item_id = it->id;
		if (xd->outage_drops++ == 0)
			log_warnx("indications: %s (%s): %s; its queue is "
			    "dropped", d->name, d->destination, msg);
		xd->failing = true;
		if ((err = indic_drop(ex->ix, it->id, msg)) != 0) {
			log_warnx("indications: %s: drop: %s", d->name,
			    strerror(-err));
			return;
		}
	}
	if ((err = export_attempt_new(xd, d->destination, it)) != 0 ||
	    (err = export__multi_add(ex->multi, xd->easy)) != 0) {
		/* Out of memory: try again on the next kick. */
		log_warnx("indications: %s: cannot start a delivery: %s",
		    d->name, strerror(-err));
		export_attempt_free(xd);
		return;
	}
}

/* One handle less to wait for; the last one of a close frees `ex`. */
static void
export_unpend(struct export *ex)
{
	if (--ex->pending > 0 || !ex->closing)
		return;
	if (ex->close_cb != NULL)
		ex->close_cb(ex->close_arg);
	free(ex->dests);
	free(ex);
}

static void
on_dest_closed(uv_handle_t *h)
{
	struct export_dest *xd = h->data;
	struct export *ex = xd->ex;

	free(xd);
	export_unpend(ex);
}

/* Abort what is in flight and release the destination. */
static void
export_dest_close(struct export_dest *xd)
{
	if (xd->easy != NULL)
		export__multi_remove(xd->ex->multi, xd->easy);
	export_attempt_free(xd);
	uv_timer_stop(&xd->retry);
	xd->ex->pending++;
	uv_close((uv_handle_t *)&xd->retry, on_dest_closed);
}

static struct export_dest *
export_dest_new(struct export *ex, uint64_t id)
{
	struct export_dest *xd = calloc(1, sizeof(*xd));

	if (xd == NULL)
		return NULL;
	xd->id = id;
	xd->ex = ex;
	uv_timer_init(ex->loop, &xd->retry);
	xd->retry.data = xd;
	return xd;
}

/*
 * Our destinations follow the registry's (both in id order): new ones
 * are added, deleted ones closed.  0 or -ENOMEM.
 */
static int
export_sync_dests(struct export *ex)
{
	const struct indic_dest *d;
	struct export_dest **nd, *xd;
	size_t n = 0, j = 0, cap = ex->ndests + 8;

	if ((nd = calloc(cap, sizeof(*nd))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; (d = indic_dest_at(ex->ix, i)) != NULL; i++) {
		while (j < ex->ndests && ex->dests[j]->id < d->id)
			export_dest_close(ex->dests[j++]);
		if (n == cap) {
			struct export_dest **g = reallocarray(nd, cap * 2,
			    sizeof(*g));

			if (g == NULL)
				goto out_nomem;
			nd = g;
			cap *= 2;
		}
		if (j < ex->ndests && ex->dests[j]->id == d->id)
			xd = ex->dests[j++];
		else if ((xd = export_dest_new(ex, d->id)) == NULL)
			goto out_nomem;
		nd[n++] = xd;
	}
	while (j < ex->ndests)
		export_dest_close(ex->dests[j++]);
	free(ex->dests);
	ex->dests = nd;
	ex->ndests = n;
	return 0;
out_nomem:
	/* Keep the old list; those already moved to nd are still there. */
	for (size_t k = 0; k < n; k++) {
		bool old = false;

		for (size_t m = 0; m < ex->ndests && !old; m++)
			old = ex->dests[m] == nd[k];
		if (!old)
			export_dest_close(nd[k]);
	}
	free(nd);
	return -ENOMEM;
}

static void
on_kick(uv_timer_t *t)
{
	struct export *ex = t->data;
	const struct indic_item *head;

	ex->kick_armed = false;
	if (ex->closing)
		return;
	if (export_sync_dests(ex) != 0) {
		log_warnx("indications: out of memory, retrying");
		export_kick(ex);
		return;
	}
	for (size_t i = 0; i < ex->ndests; i++) {
		struct export_dest *xd = ex->dests[i];

		if (xd->easy == NULL) {
			export_dest_start(xd);
			continue;
		}
		head = indic_head(ex->ix, xd->id);
		if (!export_is_head(xd, head)) {
			/* Its subscription was deleted: stop sending it. */
			export__multi_remove(ex->multi, xd->easy);
			export_attempt_free(xd);
			export_dest_start(xd);
		}
	}
}

void
export_kick(void *arg)
{
	struct export *ex = arg;

	if (ex == NULL || ex->closing || ex->kick_armed)
		return;
	ex->kick_armed = true;
	uv_timer_start(&ex->kick, on_kick, 0, 0);
}

/* ------------------------------------------------------------ lifecycle */

int
export_start(uv_loop_t *loop, struct indic *ix, const struct conf *c,
    struct export **out)
{
	struct export *ex;
	CURLcode cc;
	int err;

	*out = NULL;
	if ((cc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		log_errorx("indications: curl: %s", curl_easy_strerror(cc));
		return -EIO;
	}
	if ((ex = calloc(1, sizeof(*ex))) == NULL) {
		curl_global_cleanup();
		return -ENOMEM;
	}
	ex->loop = loop;
	ex->ix = ix;
	ex->conf = c;
	if ((err = export__multi_new(loop, on_attempt_done, ex,
	    &ex->multi)) != 0) {
		curl_global_cleanup();
		free(ex);
		return err;
	}
	uv_timer_init(loop, &ex->kick);
	ex->kick.data = ex;
	uv_timer_init(loop, &ex->flush);
	ex->flush.data = ex;
	*out = ex;
	/* What an earlier run left queued goes out now. */
	export_kick(ex);
	return 0;
}

void
export_set_conf(struct export *ex, const struct conf *c)
{
	if (ex == NULL)
		return;
	ex->conf = c;
	export_kick(ex);	/* an allow list may have narrowed */
}

static void
on_kick_closed(uv_handle_t *h)
{
	export_unpend(h->data);
}

static void
on_multi_closed(void *arg)
{
	struct export *ex = arg;

	ex->multi = NULL;
	curl_global_cleanup();
	export_unpend(ex);
}

void
export_close(struct export *ex, void (*cb)(void *arg), void *arg)
{
	if (ex == NULL) {
		if (cb != NULL)
			cb(arg);
		return;
	}
	ex->closing = true;
	ex->close_cb = cb;
	ex->close_arg = arg;
	for (size_t i = 0; i < ex->ndests; i++)
		export_dest_close(ex->dests[i]);
	ex->ndests = 0;
	if (indic_ack_flush(ex->ix) != 0)
		log_warnx("indications: acks not written; those items are "
		    "sent again after the restart");
	ex->pending += 3;	/* the kick and flush timers, the multi */
	uv_close((uv_handle_t *)&ex->kick, on_kick_closed);
	uv_close((uv_handle_t *)&ex->flush, on_kick_closed);
	export__multi_close(ex->multi, on_multi_closed, ex);
}
