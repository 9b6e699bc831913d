/* SPDX-License-Identifier: ISC */
/*
 * http.c - libmicrohttpd driven by the libuv loop: the server and its
 * listeners.
 *
 * Each listen address and port gets its own MHD daemon in external-poll
 * epoll mode (no MHD thread): MHD's epoll fd is watched by one uv_poll_t
 * and MHD_run() is called when it turns readable; after every run a
 * uv_timer_t is re-armed from MHD_get_timeout() so idle timeouts and
 * buffered TLS data are served.  The listen sockets are ours (bound here so
 * "port in use" is a precise error, port 0 works and TCP_NODELAY is set
 * before accept) and handed to MHD.  This file starts, reconfigures,
 * quiesces and closes the server; what happens to one request is in
 * http_req.c (headers to handler) and http_resp.c (answers), the defences
 * in http_guard.c, the socket-less request path in http_mem.c.  The
 * server knows nothing about CIM or about which path means what: it hands
 * every admitted request to the one handler it was given.
 *
 * MHD must not be stopped with a suspended connection:
 * http_server_close() answers the deferred requests left with 503 and
 * runs MHD a few times so the answers reach the clients.
 */
#include "daemon/http_int.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>
#include <uv.h>

#include "daemon/authq.h"
#include "daemon/bodybudget.h"
#include "daemon/connguard.h"
#include "base/log.h"
#include "daemon/metrics.h"
#include "daemon/ratelog.h"

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;

	(void)cls;
	if (!log_enabled(LOG_LVL_DEBUG))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_debug("http: mhd: %s", msg);
}

/* -------------------------------------------------------- loop glue */

static void on_http_timer(uv_timer_t *h);

static void
http_listener_run(struct http_listener *l)
{
	MHD_UNSIGNED_LONG_LONG to;

	if (l->mhd == NULL)
		return;
	l->rerun = false;
	MHD_run(l->mhd);
	if (l->rerun)
		uv_timer_start(&l->timer, on_http_timer, 0, 0);
	else if (MHD_get_timeout(l->mhd, &to) == MHD_YES)
		uv_timer_start(&l->timer, on_http_timer, to, 0);
	else
		uv_timer_stop(&l->timer);
}

static void
on_http_poll(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	http_listener_run(h->data);
}

static void
on_http_timer(uv_timer_t *h)
{
	http_listener_run(h->data);
}

/* Run the listener's MHD on the next loop turn. */
void
http__listener_kick(struct http_listener *l)
{
	uv_timer_start(&l->timer, on_http_timer, 0, 0);
}

/* ---------------------------------------------------------- listening */

static void http_server_free(struct http_server *s);

/* Parse "127.0.0.1", "::1" or "[::1]" into ss.  Returns 0 or -EINVAL. */
static int
http_addr_parse(const char *addr, unsigned port, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*sslen = sizeof(*sin);
		return 0;
	}
	n = strlen(addr);
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']' &&
	    n - 2 < sizeof(buf)) {
		memcpy(buf, addr + 1, n - 2);
		buf[n - 2] = '\0';
	} else if (n < sizeof(buf)) {
		memcpy(buf, addr, n + 1);
	} else
		return -EINVAL;
	if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1)
		return -EINVAL;
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	*sslen = sizeof(*sin6);
	return 0;
}

/*
 * Bind and listen.  Returns the fd (owned by the caller) or -errno.
 * *port_out gets the bound port (port 0 picks one).
 */
static int
http_socket_listen(const struct sockaddr_storage *ss, socklen_t sslen,
    unsigned *port_out)
{
	struct sockaddr_storage got = { 0 };	/* getsockname fills it */
	socklen_t gotlen = sizeof(got);
	int fd, one = 1, err;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		return -errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Accepted sockets inherit it: no Nagle stall on small responses. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, sslen) == -1 ||
	    listen(fd, 128) == -1 ||
	    getsockname(fd, (struct sockaddr *)&got, &gotlen) == -1) {
		err = -errno;
		close(fd);
		return err;
	}
	if (got.ss_family == AF_INET6)
		*port_out = ntohs(((struct sockaddr_in6 *)&got)->sin6_port);
	else
		*port_out = ntohs(((struct sockaddr_in *)&got)->sin_port);
	return fd;
}

static int
http_listener_start(struct http_server *srv, struct http_listener *l,
    const struct http_opts *o, const char *addr, unsigned port, bool tls,
    char *errbuf, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct MHD_OptionItem opts[16];
	char host[INET6_ADDRSTRLEN + 3];
	unsigned flags, bound = 0;
	size_t n = 0;
	int fd, mfd;
	const union MHD_DaemonInfo *info;

	l->srv = srv;
	l->listen_fd = -1;
	if (http_addr_parse(addr, port, &ss, &sslen) != 0) {
		snprintf(errbuf, errlen, "listen: '%s' is not an IP address",
		    addr);
		return -EINVAL;
	}
	if (ss.ss_family == AF_INET6 && addr[0] != '[')
		snprintf(host, sizeof(host), "[%s]", addr);
	else
		snprintf(host, sizeof(host), "%s", addr);
	fd = http_socket_listen(&ss, sslen, &bound);
	if (fd < 0) {
		snprintf(errbuf, errlen, "cannot listen on %s:%u: %s%s", host,
		    port, strerror(-fd), fd == -EADDRINUSE ?
		    " (port in use: is another server running?)" : "");
		return fd;
	}
	snprintf(l->name, sizeof(l->name), "%s://%s:%u",
	    tls ? "https" : "http", host, bound);
	flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
#define OPT(o_, v_, p_) opts[n++] = (struct MHD_OptionItem){ (o_), (v_), (p_) }
	OPT(MHD_OPTION_LISTEN_SOCKET, fd, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, o->max_connections + HTTP_EVICT_SLACK,
	    NULL);
	OPT(MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)http__on_uri, srv);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, o->timeout, NULL);
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_MEMORY_LIMIT, NULL);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)http__on_completed, srv);
	OPT(MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)http__on_connection, l);
	if (tls) {
		flags |= MHD_USE_TLS;
		OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->cert_pem);
		OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->key_pem);
		/*
		 * GnuTLS (Debian's MHD): TLS 1.2 and 1.3 only; in TLS 1.2
		 * ECDHE key exchange (forward secrecy: no static RSA, no
		 * DHE) with AEAD ciphers only (no CBC, no SHA-1 MAC); the
		 * server's order wins, AES-128-GCM first (cheapest with
		 * AES-NI), CHACHA20 for clients without it.  TLS 1.3 keeps
		 * its GCM and ChaCha20 suites (CCM, which no common client
		 * offers, goes with -CIPHER-ALL).  Server precedence covers
		 * the key-exchange groups too: X25519 comes first, as every
		 * client's key share does, or TLS 1.3 clients would pay a
		 * HelloRetryRequest round trip for P-256 on each connection.
		 * Signature algorithms stay GnuTLS's NORMAL set.
		 */
		OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)
		    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:"
		    "-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:"
		    "-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:"
		    "-MAC-ALL:+AEAD:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:"
		    "+GROUP-SECP384R1:+GROUP-SECP521R1:+GROUP-X448:"
		    "+GROUP-FFDHE2048:+GROUP-FFDHE3072:+GROUP-FFDHE4096:"
		    "+GROUP-FFDHE6144:+GROUP-FFDHE8192:%SERVER_PRECEDENCE");
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	l->tls = tls;
	l->mhd = MHD_start_daemon(flags, (uint16_t)bound, http__on_accept, l,
	    http__on_access, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
	    MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (l->mhd == NULL) {
		close(fd);
		snprintf(errbuf, errlen, "%s: cannot start the HTTP server%s",
		    l->name, tls ? " (bad TLS certificate or key?)" : "");
		return -EINVAL;
	}
	info = MHD_get_daemon_info(l->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	mfd = info != NULL ? info->epoll_fd : -1;
	if (mfd < 0 || uv_poll_init(srv->loop, &l->poll, mfd) != 0) {
		MHD_stop_daemon(l->mhd);
		l->mhd = NULL;
		snprintf(errbuf, errlen, "%s: cannot watch MHD's epoll fd",
		    l->name);
		return -EIO;
	}
	l->listen_fd = fd;
	uv_timer_init(srv->loop, &l->timer);
	l->poll.data = l;
	l->timer.data = l;
	uv_poll_start(&l->poll, UV_READABLE, on_http_poll);
	http_listener_run(l);
	return 0;
}


/*
 * The server without listeners: limits, auth, handler.  Room for two
 * listeners per address (https and http), at least one slot (the detached
 * server's requests point at it).  Returns it (caller owns) or NULL.
 */
struct http_server *
http__server_new(uv_loop_t *loop, const struct http_opts *opts,
    struct auth_db *auth)
{
	struct http_server *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->ls = calloc(opts->nlisten * 2 + 1, sizeof(*s->ls));
	s->realm = strdup(opts->realm != NULL && opts->realm[0] != '\0' ?
	    opts->realm : "arrayd");
	if (s->ls == NULL || s->realm == NULL) {
		http_server_free(s);
		return NULL;
	}
	s->ls[0].srv = s;
	s->loop = loop;
	s->auth = auth;
	s->max_body = opts->max_body;
	s->timeout = opts->timeout;
	s->handler = opts->handler;
	s->handler_arg = opts->handler_arg;
	s->metrics = opts->metrics;
	s->max_connections = opts->max_connections;
	return s;
}

/*
 * Returns 0 and a new server owned by the caller in *out, or -errno with
 * errbuf filled.  Partly started listeners are closed before returning
 * (the loop must run once to finish closing their handles).
 */
int
http_server_start(uv_loop_t *loop, const struct http_opts *opts,
    struct auth_db *auth, struct http_server **out, char *errbuf,
    size_t errlen)
{
	struct http_server *s;
	unsigned ports[2] = { opts->https_port, opts->http_port };
	int err;

	*out = NULL;
	if (opts->nlisten == 0 || (ports[0] == 0 && ports[1] == 0) ||
	    opts->handler == NULL) {
		snprintf(errbuf, errlen, "http: nothing to listen on");
		return -EINVAL;
	}
	if (ports[0] != 0 && (opts->cert_pem == NULL || opts->key_pem == NULL)) {
		snprintf(errbuf, errlen, "http: https needs a certificate");
		return -EINVAL;
	}
	if ((s = http__server_new(loop, opts, auth)) == NULL)
		goto out_nomem;
	if (http__guard_new(s, &opts->guard) != 0)
		goto out_free;
	for (size_t i = 0; i < opts->nlisten; i++) {
		for (size_t p = 0; p < 2; p++) {
			if (ports[p] == 0)
				continue;
			err = http_listener_start(s, &s->ls[s->nls], opts,
			    opts->listen[i], ports[p], p == 0, errbuf, errlen);
			if (err != 0)
				goto out_close;
			s->nls++;
		}
	}
	*out = s;
	return 0;

out_close:
	http_server_close(s, NULL, NULL);
	return err;
out_free:
	http_server_free(s);
out_nomem:
	snprintf(errbuf, errlen, "http: out of memory");
	return -ENOMEM;
}

const char *
http_server_url(const struct http_server *s, size_t i)
{
	return i < s->nls ? s->ls[i].name : NULL;
}

unsigned
http_server_port(const struct http_server *s, bool https)
{
	const char *p;

	for (size_t i = 0; i < s->nls; i++) {
		if ((strncmp(s->ls[i].name, "https:", 6) == 0) != https)
			continue;
		p = strrchr(s->ls[i].name, ':');
		return p != NULL ? (unsigned)strtoul(p + 1, NULL, 10) : 0;
	}
	return 0;
}

void
http_server_set_auth(struct http_server *s, struct auth_db *auth)
{
	s->auth = auth;
}

void
http_server_set_limits(struct http_server *s, uint64_t max_body,
    unsigned timeout)
{
	/* Applied to each new request; a body being read keeps its cap. */
	s->max_body = max_body;
	s->timeout = timeout;
	http_server_set_guard(s, &s->guard);	/* idle_ms follows timeout */
}

void
http_server_quiesce(struct http_server *s)
{
	struct http_listener *l;
	MHD_socket fd;

	for (size_t i = 0; i < s->nls; i++) {
		l = &s->ls[i];
		if (l->mhd == NULL || l->quiesced)
			continue;
		fd = MHD_quiesce_daemon(l->mhd);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
		l->quiesced = true;
		l->listen_fd = -1;
		http_listener_run(l);
	}
}

unsigned
http_server_connections(const struct http_server *s)
{
	return s->nconn;
}

unsigned
http_server_deferred(const struct http_server *s)
{
	return s->ndeferred;
}

/*
 * MHD must not stop with a suspended connection: answer every request
 * still deferred with 503 (the owner is told first, so it drops its
 * handle) and run MHD a few times so the answers are written.
 */
static void
http_server_flush_deferred(struct http_server *s)
{
	struct http_resp h;
	struct http_req *r;

	/* Waiting for authq: 503 once resumed (the access handler sends). */
	while ((r = s->authing) != NULL) {
		authq_cancel(r->auth_job);
		r->auth_job = NULL;
		http__auth_unlink(r);
		r->deny = DENY_BUSY;
		r->flushing = true;
		s->nflush++;
		MHD_resume_connection(r->conn);
	}
	while ((r = s->deferred) != NULL) {
		log_debug("http: %s %s: answering 503, shutting down",
		    r->method, r->url);
		if (r->cancel != NULL)
			r->cancel(r->cancel_arg, r);
		if (r != s->deferred)
			continue;	/* the owner completed it itself */
		memset(&h, 0, sizeof(h));
		h.status = 503;
		h.close = true;
		http_req_complete(r, &h);
	}
	for (unsigned run = 0; run < HTTP_CLOSE_FLUSH_RUNS && s->nflush > 0;
	    run++)
		for (size_t i = 0; i < s->nls; i++)
			if (s->ls[i].mhd != NULL)
				MHD_run(s->ls[i].mhd);
}

static void
http_server_free(struct http_server *s)
{
	ratelog_free(s->rl);
	body_budget_free(s->budget);
	connguard_free(s->conns);
	free(s->ls);
	free(s->realm);
	free(s);
}

static void
http_server_handle_closed(struct http_server *s)
{
	if (--s->closing > 0)
		return;
	if (s->close_cb != NULL)
		s->close_cb(s->close_arg);
	http_server_free(s);
}

static void
on_http_sweep_closed(uv_handle_t *h)
{
	http_server_handle_closed(h->data);
}

static void
on_http_handle_closed(uv_handle_t *h)
{
	struct http_listener *l = h->data;
	struct http_server *s = l->srv;

	if (--s->closing > 0)
		return;
	if (s->close_cb != NULL)
		s->close_cb(s->close_arg);
	http_server_free(s);
}

void
http_server_close(struct http_server *s, void (*cb)(void *arg), void *arg)
{
	struct http_listener *l;

	http_server_flush_deferred(s);
	authq_close(s->authq);
	s->authq = NULL;
	s->close_cb = cb;
	s->close_arg = arg;
	s->closing = 1;		/* held until every handle is closing */
	if (s->sweep_live) {
		uv_close((uv_handle_t *)&s->sweep, on_http_sweep_closed);
		s->closing++;
	}
	for (size_t i = 0; i < s->nls; i++) {
		l = &s->ls[i];
		/* libuv must forget the epoll fd before MHD closes it. */
		uv_close((uv_handle_t *)&l->poll, on_http_handle_closed);
		uv_close((uv_handle_t *)&l->timer, on_http_handle_closed);
		s->closing += 2;
		MHD_stop_daemon(l->mhd);
		l->mhd = NULL;
	}
	if (--s->closing > 0)
		return;
	if (cb != NULL)
		cb(arg);
	http_server_free(s);
}

