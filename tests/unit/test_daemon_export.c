/* SPDX-License-Identifier: ISC */
/*
 * test_daemon_export.c - the indication exporter against a listener made
 * of libuv TCP in this test, on one loop: every queued item is POSTed with
 * the DSP0200 export headers and acknowledged in queue order per
 * destination while two destinations are served at once; 500, garbage,
 * an ERROR answer, a closed connection and a hang (timeout) are retried
 * and then dropped and counted; a listener back after failures gets the
 * whole queue in order; an item whose subscription is deleted while its
 * POST hangs is neither retried nor acknowledged; a destination outside
 * the allow list is never contacted; a restart (new exporter on the same
 * registry) delivers what was queued.  The registry is the real one
 * (indic/, SQLite in a temporary folder).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <uv.h>

#include "conf/conf.h"
#include "daemon/export.h"
#include "indic/indic.h"
#include "tests/unit/fixture_dir.h"

#define S(x)	((char *)(uintptr_t)(x))
#define MAX_SEEN	256

enum lmode { L_OK, L_500, L_GARBAGE, L_ERROR, L_CLOSE, L_HANG };

/* One accepted connection of the test listener. */
struct lconn {
	uv_tcp_t	 tcp;
	struct lst	*l;
	char		 buf[65536];
	size_t		 len;
	bool		 answered;
};

/* The listener: what it got, how it answers. */
struct lst {
	uv_tcp_t	 srv;
	int		 port;
	enum lmode	 mode;
	unsigned	 fail_first;	/* answer mode this many times, then ok */
	unsigned	 requests;
	char		 seen[MAX_SEEN][32];	/* MESSAGE IDs answered ok */
	unsigned	 nseen;
	bool		 headers_ok;	/* every request had the headers */
	struct lconn	*hung;		/* the connection held by L_HANG */
};

struct fx {
	char		 dir[FX_DIR_MAX];
	char		 path[FX_DIR_MAX + 32];
	uv_loop_t	 loop;
	struct indic	*ix;
	struct conf	*conf;
	struct export	*ex;
	struct lst	 l;
	uint64_t	 subs[4], dests[4];
};

/* ---------------------------------------------------------- listener */

static void
on_lconn_closed(uv_handle_t *h)
{
	free(h->data);
}

static void
on_written(uv_write_t *w, int status)
{
	struct lconn *c = w->data;

	(void)status;
	free(w);
	if (!uv_is_closing((uv_handle_t *)&c->tcp))
		uv_close((uv_handle_t *)&c->tcp, on_lconn_closed);
}

static void
lconn_answer(struct lconn *c, const char *text)
{
	uv_write_t *w = malloc(sizeof(*w) + strlen(text) + 1);
	uv_buf_t b;

	assert_non_null(w);
	strcpy((char *)(w + 1), text);
	b = uv_buf_init((char *)(w + 1), (unsigned)strlen(text));
	w->data = c;
	assert_int_equal(uv_write(w, (uv_stream_t *)&c->tcp, &b, 1,
	    on_written), 0);
}

static bool
has_header(const char *req, const char *line)
{
	return strcasestr(req, line) != NULL;
}

/* A whole request is in c->buf: record and answer it. */
static void
lconn_request(struct lconn *c, const char *body)
{
	struct lst *l = c->l;
	const char *p = strstr(body, "<MESSAGE ID=\"");
	char id[32] = "", ans[1024];
	enum lmode mode = l->mode;

	c->answered = true;
	l->requests++;
	if (!has_header(c->buf, "\r\nCIMExport: MethodRequest\r\n") ||
	    !has_header(c->buf, "\r\nCIMExportMethod: ExportIndication\r\n") ||
	    !has_header(c->buf, "\r\nContent-Type: application/xml; "
	    "charset=\"utf-8\"\r\n") || strncmp(c->buf, "POST ", 5) != 0)
		l->headers_ok = false;
	if (p != NULL)
		sscanf(p + 13, "%31[^\"]", id);
	if (l->fail_first > 0)
		l->fail_first--;
	else
		mode = L_OK;
	switch (mode) {
	case L_OK:
		assert_true(l->nseen < MAX_SEEN);
		snprintf(l->seen[l->nseen++], sizeof(l->seen[0]), "%s", id);
		snprintf(ans, sizeof(ans), "<?xml version=\"1.0\" encoding="
		    "\"utf-8\" ?>\n<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.4\">"
		    "<MESSAGE ID=\"%s\" PROTOCOLVERSION=\"1.4\"><SIMPLEEXPRSP>"
		    "<EXPMETHODRESPONSE NAME=\"ExportIndication\"/>"
		    "</SIMPLEEXPRSP></MESSAGE></CIM>", id);
		break;
	case L_ERROR:
		snprintf(ans, sizeof(ans), "<CIM CIMVERSION=\"2.0\" "
		    "DTDVERSION=\"2.4\"><MESSAGE ID=\"%s\" PROTOCOLVERSION="
		    "\"1.4\"><SIMPLEEXPRSP><EXPMETHODRESPONSE NAME="
		    "\"ExportIndication\"><ERROR CODE=\"1\" DESCRIPTION=\"queue"
		    " full\"/></EXPMETHODRESPONSE></SIMPLEEXPRSP></MESSAGE>"
		    "</CIM>", id);
		break;
	case L_GARBAGE:
		snprintf(ans, sizeof(ans), "this is <not xml");
		break;
	case L_500:
		lconn_answer(c, "HTTP/1.1 500 Internal Server Error\r\n"
		    "Content-Length: 0\r\nConnection: close\r\n\r\n");
		return;
	case L_CLOSE:
		uv_close((uv_handle_t *)&c->tcp, on_lconn_closed);
		return;
	case L_HANG:
		l->hung = c;
		return;
	}
	{
		char *full;

		assert_true(asprintf(&full, "HTTP/1.1 200 OK\r\nContent-Type: "
		    "text/xml\r\nCIMExport: MethodResponse\r\nContent-Length: "
		    "%zu\r\nConnection: close\r\n\r\n%s", strlen(ans),
		    ans) > 0);
		lconn_answer(c, full);
		free(full);
	}
}

static void
on_lalloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	struct lconn *c = h->data;

	(void)hint;
	*b = uv_buf_init(c->buf + c->len, (unsigned)(sizeof(c->buf) - 1 -
	    c->len));
}

static void
on_lread(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct lconn *c = s->data;
	const char *end, *cl;

	(void)b;
	if (n < 0) {
		if (c->l->hung == c)
			c->l->hung = NULL;
		if (!uv_is_closing((uv_handle_t *)s))
			uv_close((uv_handle_t *)s, on_lconn_closed);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if (c->answered || (end = strstr(c->buf, "\r\n\r\n")) == NULL ||
	    (cl = strcasestr(c->buf, "\r\nContent-Length: ")) == NULL)
		return;
	if (c->len - (size_t)(end + 4 - c->buf) < strtoul(cl + 18, NULL, 10))
		return;
	lconn_request(c, end + 4);
}

static void
on_lconnection(uv_stream_t *srv, int status)
{
	struct lst *l = srv->data;
	struct lconn *c = calloc(1, sizeof(*c));

	assert_int_equal(status, 0);
	assert_non_null(c);
	c->l = l;
	uv_tcp_init(srv->loop, &c->tcp);
	c->tcp.data = c;
	assert_int_equal(uv_accept(srv, (uv_stream_t *)&c->tcp), 0);
	uv_read_start((uv_stream_t *)&c->tcp, on_lalloc, on_lread);
}

static void
lst_start(uv_loop_t *loop, struct lst *l)
{
	struct sockaddr_in sa;
	struct sockaddr_storage ss;
	int len = sizeof(ss);

	memset(l, 0, sizeof(*l));
	l->headers_ok = true;
	uv_ip4_addr("127.0.0.1", 0, &sa);
	uv_tcp_init(loop, &l->srv);
	l->srv.data = l;
	assert_int_equal(uv_tcp_bind(&l->srv, (struct sockaddr *)&sa, 0), 0);
	assert_int_equal(uv_listen((uv_stream_t *)&l->srv, 64,
	    on_lconnection), 0);
	uv_tcp_getsockname(&l->srv, (struct sockaddr *)&ss, &len);
	l->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* ----------------------------------------------------------- fixture */

static int
fx_build(void *arg, const char *ctx, uint64_t seq, char **body, size_t *len)
{
	int n;

	(void)arg;
	n = asprintf(body, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"%llu\" "
	    "PROTOCOLVERSION=\"1.0\"><SIMPLEEXPREQ><EXPMETHODCALL NAME="
	    "\"ExportIndication\"><EXPPARAMVALUE NAME=\"NewIndication\">"
	    "<INSTANCE CLASSNAME=\"CIM_InstCreation\"><PROPERTY NAME="
	    "\"SequenceContext\" TYPE=\"string\"><VALUE>%s</VALUE></PROPERTY>"
	    "</INSTANCE></EXPPARAMVALUE></EXPMETHODCALL></SIMPLEEXPREQ>"
	    "</MESSAGE></CIM>", (unsigned long long)seq, ctx);
	if (n < 0)
		return -ENOMEM;
	*len = (size_t)n;
	return 0;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct indic_limits lim = { .max_subscriptions = 100,
	    .max_per_user = 100, .queue_max = 100 };
	char err[256];

	assert_non_null(f);
	assert_int_equal(fx_dir_make(f->dir, "test_export"), 0);
	snprintf(f->path, sizeof(f->path), "%s/indications.db", f->dir);
	assert_int_equal(uv_loop_init(&f->loop), 0);
	assert_int_equal(indic_open(f->path, &lim, &f->ix, err, sizeof(err)),
	    0);
	f->conf = conf_defaults();
	assert_non_null(f->conf);
	f->conf->indications.retry_interval_s = 1;
	f->conf->indications.retry_attempts = 2;
	f->conf->indications.timeout_s = 1;
	lst_start(&f->loop, &f->l);
	*state = f;
	return 0;
}

static void
on_closed_flag(void *arg)
{
	*(bool *)arg = true;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	bool closed = false;

	export_close(f->ex, on_closed_flag, &closed);
	if (f->l.hung != NULL)
		uv_close((uv_handle_t *)&f->l.hung->tcp, on_lconn_closed);
	uv_close((uv_handle_t *)&f->l.srv, NULL);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_true(closed);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	indic_close(f->ix);
	conf_free(f->conf);
	fx_dir_remove(f->dir);
	free(f);
	return 0;
}

/* Destination k (URL on the test listener, or `url`) with a subscription. */
static void
fx_dest(struct fx *f, unsigned k, const char *url)
{
	char name[16], u[64];
	struct indic_dest d = {
		.creation_class = S("CIM_ListenerDestinationCIMXML"),
		.system_ccn = S("CIM_ComputerSystem"), .system_name = S("sys"),
		.persistence_type = 3, .protocol = 2, .owner = S("edit"),
	};
	struct indic_filter flt = {
		.creation_class = S("CIM_IndicationFilter"),
		.system_ccn = S("CIM_ComputerSystem"), .system_name = S("sys"),
		.query = S("SELECT * FROM CIM_InstCreation"),
		.query_language = S("WQL"), .owner = S("edit"),
	};
	struct indic_sub s = {
		.creation_class = S("CIM_IndicationSubscription"),
		.state = 2, .on_fatal_error = 2, .owner = S("edit"),
	};
	char fname[16];

	snprintf(name, sizeof(name), "d%u", k);
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/d%u", f->l.port, k);
	d.name = name;
	d.destination = url != NULL ? S(url) : u;
	assert_int_equal(indic_dest_add(f->ix, &d), 0);
	f->dests[k] = d.id;
	snprintf(fname, sizeof(fname), "f%u", k);
	flt.name = fname;
	assert_int_equal(indic_filter_add(f->ix, &flt), 0);
	s.filter_id = flt.id;
	s.dest_id = d.id;
	assert_int_equal(indic_sub_add(f->ix, &s), 0);
	f->subs[k] = s.id;
}

/* Subscription k on destination `dest` (its own filter). */
static void
fx_sub_on(struct fx *f, unsigned dest, unsigned k)
{
	char fname[16];
	struct indic_filter flt = {
		.creation_class = S("CIM_IndicationFilter"),
		.system_ccn = S("CIM_ComputerSystem"), .system_name = S("sys"),
		.query = S("SELECT * FROM CIM_InstCreation"),
		.query_language = S("WQL"), .owner = S("edit"), .name = fname,
	};
	struct indic_sub s = {
		.creation_class = S("CIM_IndicationSubscription"),
		.state = 2, .on_fatal_error = 2, .owner = S("edit"),
	};

	snprintf(fname, sizeof(fname), "g%u", k);
	assert_int_equal(indic_filter_add(f->ix, &flt), 0);
	s.filter_id = flt.id;
	s.dest_id = f->dests[dest];
	assert_int_equal(indic_sub_add(f->ix, &s), 0);
	f->subs[k] = s.id;
}

static void
fx_push(struct fx *f, unsigned k, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(indic_push(f->ix, f->subs[k], fx_build, NULL),
		    0);
}

static void
on_deadline(uv_timer_t *t)
{
	*(bool *)t->data = true;
}

/* Runs the loop until pred(f) or `ms` pass; returns pred(f). */
static bool
fx_run(struct fx *f, bool (*pred)(struct fx *), uint64_t ms)
{
	uv_timer_t t;
	bool late = false;

	uv_timer_init(&f->loop, &t);
	t.data = &late;
	uv_timer_start(&t, on_deadline, ms, 0);
	while (!late && !pred(f))
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	return pred(f);
}

static bool
queue_empty(struct fx *f)
{
	struct indic_totals t;

	indic_totals(f->ix, &t);
	return t.queued == 0;
}

static bool
hung(struct fx *f)
{
	return f->l.hung != NULL;
}

static bool
not_hung(struct fx *f)
{
	return f->l.hung == NULL;
}

static bool
never(struct fx *f)
{
	(void)f;
	return false;
}

static void
fx_totals(struct fx *f, uint64_t delivered, uint64_t retried,
    uint64_t dropped)
{
	struct indic_totals t;

	indic_totals(f->ix, &t);
	assert_int_equal(t.delivered, delivered);
	assert_int_equal(t.retried, retried);
	assert_int_equal(t.dropped, dropped);
}

/* ------------------------------------------------------------- cases */

static void
test_two_destinations_in_order(void **state)
{
	struct fx *f = *state;
	char *lines;

	fx_dest(f, 0, NULL);
	fx_dest(f, 1, NULL);
	fx_push(f, 0, 20);
	fx_push(f, 1, 10);
	assert_int_equal(export_start(&f->loop, f->ix, f->conf, &f->ex), 0);
	assert_true(fx_run(f, queue_empty, 10000));
	fx_totals(f, 30, 0, 0);
	assert_true(f->l.headers_ok);
	assert_int_equal(f->l.nseen, 30);
	/* Sequence numbers per destination arrive in order. */
	for (unsigned k = 0, next[2] = { 0, 0 }; k < f->l.nseen; k++) {
		unsigned seq = (unsigned)strtoul(f->l.seen[k], NULL, 10);
		unsigned which = seq == next[0] ? 0 : 1;

		assert_int_equal(seq, next[which]);
		next[which]++;
	}
	lines = export_status_lines(f->ex);
	assert_non_null(lines);
	assert_non_null(strstr(lines, "indications\t2\t2\t2\t0\t30\t0\t0\n"));
	assert_non_null(strstr(lines, "\td0\t"));
	free(lines);
}

static void
test_failures_retried_then_delivered(void **state)
{
	static const enum lmode modes[] = { L_500, L_GARBAGE, L_ERROR,
	    L_CLOSE };
	struct fx *f = *state;

	fx_dest(f, 0, NULL);
	fx_push(f, 0, 3);
	assert_int_equal(export_start(&f->loop, f->ix, f->conf, &f->ex), 0);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		/* Two failures, then the listener is back: all 3 delivered. */
		f->l.mode = modes[i];
		f->l.fail_first = 2;
		f->l.nseen = 0;
		if (i > 0)
			fx_push(f, 0, 3);
		export_kick(f->ex);
		assert_true(fx_run(f, queue_empty, 15000));
		assert_int_equal(f->l.nseen, 3);
		assert_string_equal(f->l.seen[0], i == 0 ? "0" :
		    i == 1 ? "3" : i == 2 ? "6" : "9");
	}
	fx_totals(f, 12, 8, 0);
}

static void
test_drop_after_retries(void **state)
{
	struct fx *f = *state;
	struct indic_totals t;

	fx_dest(f, 0, NULL);
	fx_push(f, 0, 2);
	f->l.mode = L_500;
	f->l.fail_first = 6;	/* 3 attempts per item: both dropped */
	assert_int_equal(export_start(&f->loop, f->ix, f->conf, &f->ex), 0);
	assert_true(fx_run(f, queue_empty, 20000));
	fx_totals(f, 0, 4, 2);
	assert_int_equal(f->l.requests, 6);
	assert_int_equal(indic_sub_at(f->ix, 0)->dropped, 2);
	indic_totals(f->ix, &t);
	assert_int_equal(t.queued, 0);
}

static void
test_hang_times_out(void **state)
{
	struct fx *f = *state;

	f->conf->indications.retry_attempts = 0;
	fx_dest(f, 0, NULL);
	fx_push(f, 0, 1);
	f->l.mode = L_HANG;
	f->l.fail_first = 1;
	assert_int_equal(export_start(&f->loop, f->ix, f->conf, &f->ex), 0);
	assert_true(fx_run(f, queue_empty, 5000));
	fx_totals(f, 0, 0, 1);
	assert_int_equal(strncmp(indic_dest_at(f->ix, 0)->last_error,
	    "Operation timed out", 19), 0);
}

static void
test_deleted_subscription_not_retried(void **state)
{
	struct fx *f = *state;
	uint64_t dropped = 0;

	f->conf->indications.timeout_s = 30;
	fx_dest(f, 0, NULL);
	fx_push(f, 0, 2);
	f->l.mode = L_HANG;
	f->l.fail_first = 100;
	assert_int_equal(export_start(&f->loop, f->ix, f->conf, &f->ex), 0);
	assert_true(fx_run(f, hung, 5000));
	assert_int_equal(indic_sub_del(f->ix, f->subs[0], &dropped), 0);
	assert_int_equal(dropped, 2);
	export_kick(f->ex);
	/* The hung POST is aborted: the listener sees its connection go. */
	assert_true(fx_run(f, not_hung, 3000));
	/* And nothing is sent again (a retry would come after 1 s). */
	assert_false(fx_run(f, never, 1500));
	assert_int_equal(f->l.requests, 1);
	fx_totals(f, 0, 0, 2);
	/*
	 * Another subscription of the same destination: its item may get
	 * the deleted one's id; it is sent, the deleted one never again.
	 */
	f->l.fail_first = 1;
	fx_sub_on(f, 0, 1);
	fx_push(f, 1, 1);
	export_kick(f->ex);
	assert_true(fx_run(f, hung, 5000));
	assert_int_equal(indic_sub_del(f->ix, f->subs[1], &dropped), 0);
	fx_sub_on(f, 0, 2);
	f->l.mode = L_OK;
	fx_push(f, 2, 1);
	export_kick(f->ex);
	assert_true(fx_run(f, queue_empty, 5000));
	assert_int_equal(f->l.nseen, 1);
	assert_int_equal(f->l.requests, 3);
	fx_totals(f, 1, 0, 3);
}

static void
test_disallowed_destination_dropped(void **state)
{
	struct fx *f = *state;
	char url[64];

	snprintf(url, sizeof(url), "http://10.9.8.7:%d/", f->l.port);
	fx_dest(f, 0, url);
	fx_push(f, 0, 3);
	assert_int_equal(export_start(&f->loop, f->ix, f->conf, &f->ex), 0);
	assert_true(fx_run(f, queue_empty, 5000));
	fx_totals(f, 0, 0, 3);
	assert_int_equal(f->l.requests, 0);
	assert_non_null(strstr(indic_dest_at(f->ix, 0)->last_error,
	    "destination refused"));
}

static void
test_restart_delivers_queue(void **state)
{
	struct fx *f = *state;
	bool closed = false;

	fx_dest(f, 0, NULL);
	fx_push(f, 0, 4);
	f->l.mode = L_HANG;
	f->l.fail_first = 1;
	f->conf->indications.timeout_s = 30;
	assert_int_equal(export_start(&f->loop, f->ix, f->conf, &f->ex), 0);
	assert_true(fx_run(f, hung, 5000));
	/* Shut down with one in flight: it stays queued. */
	export_close(f->ex, on_closed_flag, &closed);
	f->ex = NULL;
	while (!closed)
		uv_run(&f->loop, UV_RUN_ONCE);
	assert_false(queue_empty(f));
	indic_close(f->ix);
	{
		struct indic_limits lim = { .max_subscriptions = 100,
		    .max_per_user = 100, .queue_max = 100 };
		char err[256];

		assert_int_equal(indic_open(f->path, &lim, &f->ix, err,
		    sizeof(err)), 0);
	}
	assert_int_equal(export_start(&f->loop, f->ix, f->conf, &f->ex), 0);
	assert_true(fx_run(f, queue_empty, 5000));
	fx_totals(f, 4, 0, 0);
	assert_string_equal(f->l.seen[0], "0");
	assert_string_equal(f->l.seen[3], "3");
}

/* The most acks seen waiting for one write (queue_empty_max_pending). */
static uint64_t max_pending;

static bool
queue_empty_max_pending(struct fx *f)
{
	uint64_t n = indic_acks_pending(f->ix);

	if (n > max_pending)
		max_pending = n;
	return queue_empty(f);
}

static bool
acks_written(struct fx *f)
{
	return indic_acks_pending(f->ix) == 0;
}

/* Close the registry and open its file again, as a restart does. */
static void
fx_reopen_registry(struct fx *f)
{
	struct indic_limits lim = { .max_subscriptions = 100,
	    .max_per_user = 100, .queue_max = 100 };
	char err[256];

	indic_close(f->ix);
	f->ix = NULL;
	assert_int_equal(indic_open(f->path, &lim, &f->ix, err, sizeof(err)),
	    0);
}

/*
 * Deliveries are acknowledged in memory and written several at a time:
 * one transaction holds more than one ack, the counts are right at once,
 * and the file has them all once the flush timer ran (and at a close).
 */
static void
test_acks_batched(void **state)
{
	struct fx *f = *state;
	bool closed = false;

	fx_dest(f, 0, NULL);
	fx_dest(f, 1, NULL);
	fx_push(f, 0, 20);
	fx_push(f, 1, 20);
	max_pending = 0;
	assert_int_equal(export_start(&f->loop, f->ix, f->conf, &f->ex), 0);
	assert_true(fx_run(f, queue_empty_max_pending, 10000));
	fx_totals(f, 40, 0, 0);
	assert_true(max_pending >= 2);
	assert_true(fx_run(f, acks_written, 5000));
	/* The last ones, pending at a close, are written by the close. */
	fx_push(f, 0, 1);
	export_kick(f->ex);	/* as cim_indicate does after a push */
	assert_true(fx_run(f, queue_empty, 5000));
	assert_int_equal(indic_acks_pending(f->ix), 1);
	export_close(f->ex, on_closed_flag, &closed);
	f->ex = NULL;
	while (!closed)
		uv_run(&f->loop, UV_RUN_ONCE);
	assert_int_equal(indic_acks_pending(f->ix), 0);
	fx_reopen_registry(f);
	assert_true(queue_empty(f));
	fx_totals(f, 41, 0, 0);
	assert_int_equal(f->l.nseen, 41);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_destinations_in_order,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_acks_batched, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_failures_retried_then_delivered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_after_retries,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_hang_times_out, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_deleted_subscription_not_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_disallowed_destination_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_delivers_queue,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
