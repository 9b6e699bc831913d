/* SPDX-License-Identifier: ISC */
/*
 * export_multi.c - libcurl's multi interface on the libuv loop, the
 * "multi_socket" way: curl tells us which sockets to watch
 * (CURLMOPT_SOCKETFUNCTION: one uv_poll_t each) and when to wake it
 * (CURLMOPT_TIMERFUNCTION: one uv_timer_t); readiness and expiry go back
 * through curl_multi_socket_action().  Name resolution is curl's threaded
 * resolver (destinations are IP literals or localhost anyway), so no call
 * here waits.  This file knows nothing of indications: export.c owns the
 * easy handles and learns each finished transfer through `done`.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/log.h"
#include "daemon/export_int.h"

/* One socket curl asked us to watch. */
struct em_sock {
	uv_poll_t		 poll;
	curl_socket_t		 fd;
	struct export__multi	*m;
	struct em_sock		*next;	/* m->socks list */
};

struct export__multi {
	uv_loop_t		*loop;
	CURLM			*multi;
	uv_timer_t		 timer;
	export__done_fn		 done;
	void			*arg;
	struct em_sock		*socks;	/* watched, not yet closing */
	unsigned		 closing;	/* handles not yet closed */
	bool			 released;
	void			(*close_cb)(void *arg);
	void			*close_arg;
};

static void em_maybe_freed(struct export__multi *m);

/* Hands every finished transfer to m->done. */
static void
em_collect(struct export__multi *m)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(m->multi, &left)) != NULL) {
		CURL *easy;
		CURLcode rc;

		if (msg->msg != CURLMSG_DONE)
			continue;
		easy = msg->easy_handle;
		rc = msg->data.result;
		curl_multi_remove_handle(m->multi, easy);
		m->done(m->arg, easy, rc);
	}
}

static void
em_action(struct export__multi *m, curl_socket_t fd, int flags)
{
	CURLMcode mc;
	int running;

	mc = curl_multi_socket_action(m->multi, fd, flags, &running);
	if (mc != CURLM_OK)
		log_warnx("indications: curl: %s", curl_multi_strerror(mc));
	em_collect(m);
}

static void
on_sock_ready(uv_poll_t *h, int status, int events)
{
	struct em_sock *s = h->data;
	int flags = 0;

	/* An error (a reset) is for curl to read: it then says which. */
	if (status < 0)
		flags = CURL_CSELECT_IN | CURL_CSELECT_OUT;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	em_action(s->m, s->fd, flags);
}

static void
on_timer(uv_timer_t *t)
{
	em_action(t->data, CURL_SOCKET_TIMEOUT, 0);
}

static void
on_handle_closed(uv_handle_t *h)
{
	struct export__multi *m;

	if (h->type == UV_POLL) {
		struct em_sock *s = h->data;

		m = s->m;
		free(s);
	} else {
		m = h->data;
	}
	m->closing--;
	em_maybe_freed(m);
}

/* Stop watching s (curl is done with its socket, or we are closing). */
static void
em_sock_close(struct export__multi *m, struct em_sock *s)
{
	struct em_sock **pp;

	for (pp = &m->socks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	m->closing++;
	uv_close((uv_handle_t *)&s->poll, on_handle_closed);
}

/* CURLMOPT_SOCKETFUNCTION: watch fd for `what`, or forget it. */
static int
on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *userp,
    void *socketp)
{
	struct export__multi *m = userp;
	struct em_sock *s = socketp;
	int events = 0, err;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			curl_multi_assign(m->multi, fd, NULL);
			em_sock_close(m, s);
		}
		return 0;
	}
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;
		if ((err = uv_poll_init_socket(m->loop, &s->poll, fd)) != 0) {
			log_warnx("indications: socket %d: %s", (int)fd,
			    uv_strerror(err));
			free(s);
			return -1;
		}
		s->fd = fd;
		s->m = m;
		s->poll.data = s;
		s->next = m->socks;
		m->socks = s;
		curl_multi_assign(m->multi, fd, s);
	}
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		events |= UV_READABLE;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		events |= UV_WRITABLE;
	uv_poll_start(&s->poll, events, on_sock_ready);
	return 0;
}

/* CURLMOPT_TIMERFUNCTION: -1 stop, else (re)arm; 0 fires next turn. */
static int
on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct export__multi *m = userp;

	(void)multi;
	if (timeout_ms < 0)
		uv_timer_stop(&m->timer);
	else
		uv_timer_start(&m->timer, on_timer, (uint64_t)timeout_ms, 0);
	return 0;
}

int
export__multi_new(uv_loop_t *loop, export__done_fn done, void *arg,
    struct export__multi **out)
{
	struct export__multi *m;
	int err;

	*out = NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -ENOMEM;
	if ((m->multi = curl_multi_init()) == NULL) {
		free(m);
		return -ENOMEM;
	}
	if ((err = uv_timer_init(loop, &m->timer)) != 0) {
		curl_multi_cleanup(m->multi);
		free(m);
		return err;
	}
	m->loop = loop;
	m->done = done;
	m->arg = arg;
	m->timer.data = m;
	curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
	curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
	*out = m;
	return 0;
}

int
export__multi_add(struct export__multi *m, CURL *easy)
{
	CURLMcode mc = curl_multi_add_handle(m->multi, easy);

	if (mc != CURLM_OK) {
		log_warnx("indications: curl: %s", curl_multi_strerror(mc));
		return -EIO;
	}
	return 0;
}

void
export__multi_remove(struct export__multi *m, CURL *easy)
{
	curl_multi_remove_handle(m->multi, easy);
}

static void
em_maybe_freed(struct export__multi *m)
{
	if (!m->released || m->closing > 0)
		return;
	if (m->close_cb != NULL)
		m->close_cb(m->close_arg);
	free(m);
}

void
export__multi_close(struct export__multi *m, void (*cb)(void *arg),
    void *arg)
{
	m->close_cb = cb;
	m->close_arg = arg;
	/* Cached connections are closed here; curl may call
	 * on_curl_socket(REMOVE) for them, which closes their polls. */
	curl_multi_cleanup(m->multi);
	m->multi = NULL;
	while (m->socks != NULL)
		em_sock_close(m, m->socks);
	m->closing++;
	uv_close((uv_handle_t *)&m->timer, on_handle_closed);
	m->released = true;
	em_maybe_freed(m);
}
