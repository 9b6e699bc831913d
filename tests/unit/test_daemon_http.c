/* SPDX-License-Identifier: ISC */
/*
 * test_daemon_http.c - daemon/http.c on a private loop with a handler of
 * its own: plain HTTP and HTTPS on 127.0.0.1 with an ephemeral port, a
 * client thread doing blocking socket I/O (curl for TLS).  Checks the
 * response headers, keep-alive, 401 + realm, 413 before the body, the
 * chunked cap, the connection limit, the idle timeout, quiesce, and that
 * close leaves uv_loop_close() == 0.  Deferred answers: completed later
 * from a uv_timer (order across connections, keep-alive afterwards),
 * completed inside the handler, and still waiting at close (503 +
 * Connection: close, the owner's cancel called once).  The defences:
 * 400 for conflicting Content-Length, 413 after an oversize chunked body,
 * the wrong-password delay, a header deadline against a byte-dripping
 * client, 503 + Retry-After when the body budget is spent; and, without
 * sockets, the once-per-window logger, the connection table's deadlines
 * and eviction, and the body budget's accounting.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <uv.h>

#include "daemon/auth.h"
#include "daemon/bodybudget.h"
#include "daemon/connguard.h"
#include "daemon/http.h"
#include "base/log.h"
#include "daemon/ratelog.h"

/* Basic base64("alice:secret") and base64("alice:wrong"). */
#define AUTH_OK		"Authorization: Basic YWxpY2U6c2VjcmV0\r\n"
#define AUTH_BAD	"Authorization: Basic YWxpY2U6d3Jvbmc=\r\n"

static char tmpdir[] = "/tmp/test_daemon_http.XXXXXX";
static struct auth_db *users;

struct fix {
	uv_loop_t		 loop;
	uv_async_t		 done, quiesce, stop;
	bool			 srv_closed;
	unsigned		 ncancel;	/* deferred requests cancelled */
	unsigned		 deferred_at_stop;
	sem_t			 quiesced;
	struct http_server	*srv;
	unsigned		 port;
	pthread_t		 th;
	void			(*client)(struct fix *);
	unsigned		 conns_seen;
	bool			 closed;
	int			 fail_line;	/* client check that failed */
};

/* Client-thread checks: cmocka asserts only on the main thread. */
#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "client check failed line %d: %s\n",	\
		    __LINE__, #c);					\
		f->fail_line = __LINE__;				\
		goto out;						\
	}								\
} while (0)

/* ------------------------------------------------------------- handler */

/* A deferred request answered by a timer: "deferred <url> after <ms>". */
struct later {
	uv_timer_t		 t;
	struct http_req		*r;
	char			 url[64];
	unsigned		 ms;
};

static void
on_later_closed(uv_handle_t *h)
{
	free(h->data);
}

static void
on_later(uv_timer_t *t)
{
	struct later *l = t->data;
	struct http_resp resp;

	memset(&resp, 0, sizeof(resp));
	resp.status = 200;
	if (asprintf(&resp.body, "deferred %s after %u", l->url, l->ms) < 0)
		resp.body = NULL;
	resp.body_len = resp.body != NULL ? strlen(resp.body) : 0;
	resp.content_type = "text/plain";
	http_req_complete(l->r, &resp);
	uv_close((uv_handle_t *)&l->t, on_later_closed);
}

static void
on_cancel(void *arg, struct http_req *r)
{
	(void)r;
	((struct fix *)arg)->ncancel++;
}

/*
 * "/defer/<ms>": answer from a timer after ms; "/defer/never": only the
 * server's close answers; "/defer/now": completed inside the handler;
 * "/defer/nohandle": claims deferred without a handle (500).
 */
static void
defer_handler(struct fix *f, const struct http_req *req,
    struct http_resp *resp)
{
	const char *what = http_req_url(req) + 7;
	struct http_req *r;
	struct later *l;

	resp->deferred = true;
	if (strcmp(what, "nohandle") == 0)
		return;
	r = http_req_defer(req, on_cancel, f);
	if (strcmp(what, "never") == 0)
		return;
	if (strcmp(what, "now") == 0) {
		struct http_resp now = { .status = 202 };

		http_req_complete(r, &now);
		return;
	}
	l = calloc(1, sizeof(*l));
	assert_non_null(l);
	l->r = r;
	l->ms = (unsigned)strtoul(what, NULL, 10);
	snprintf(l->url, sizeof(l->url), "%s", http_req_url(req));
	l->t.data = l;
	uv_timer_init(&f->loop, &l->t);
	uv_timer_start(&l->t, on_later, l->ms, 0);
}

static void
test_handler(void *arg, const struct http_req *req, struct http_resp *resp)
{
	const char *url = http_req_url(req), *body;
	size_t len;

	body = http_req_body(req, &len);
	if (strncmp(url, "/defer/", 7) == 0) {
		defer_handler(arg, req, resp);
		return;
	}
	if (strcmp(url, "/405") == 0) {
		resp->status = 405;
		assert_int_equal(http_resp_add_header(resp, "Allow", "POST"),
		    0);
		return;
	}
	if (asprintf(&resp->body, "user=%s role=%s method=%s len=%zu "
	    "first=%c age=%d", http_req_user(req),
	    auth_role_name(http_req_role(req)), http_req_method(req), len,
	    len > 0 ? body[0] : '-', http_req_age_us(req) >= 0) < 0)
		resp->body = NULL;
	resp->body_len = resp->body != NULL ? strlen(resp->body) : 0;
	resp->content_type = "application/xml; charset=\"utf-8\"";
	(void)http_resp_add_header(resp, "CIMOperation", "MethodResponse");
	if (strcmp(url, "/err") == 0)
		(void)http_resp_add_header(resp, "CIMError",
		    "request-not-valid");
	if (strcmp(url, "/close") == 0)
		resp->close = true;
}

/* ------------------------------------------------------------- client */

static int
cli_connect(unsigned port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd == -1)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool
cli_send(int fd, const char *s)
{
	size_t n = strlen(s);

	return write(fd, s, n) == (ssize_t)n;
}

/*
 * Read one response into buf (headers + Content-Length body).  Returns
 * its length, 0 on EOF before anything, -1 on error or 3 s timeout.
 */
static ssize_t
cli_read_ms(int fd, char *buf, size_t cap, int ms)
{
	size_t len = 0, want = 0;
	struct pollfd pfd = { fd, POLLIN, 0 };
	char *eoh, *cl;
	ssize_t r;

	for (;;) {
		if (poll(&pfd, 1, ms) != 1)
			return -1;
		r = read(fd, buf + len, cap - 1 - len);
		if (r <= 0)
			return r == 0 && len == 0 ? 0 : -1;
		len += (size_t)r;
		buf[len] = '\0';
		if ((eoh = strstr(buf, "\r\n\r\n")) == NULL)
			continue;
		cl = strcasestr(buf, "\r\nContent-Length:");
		want = (size_t)(eoh + 4 - buf) + (cl != NULL ?
		    strtoul(cl + 17, NULL, 10) : 0);
		if (len >= want)
			return (ssize_t)len;
	}
}

static ssize_t
cli_read(int fd, char *buf, size_t cap)
{
	return cli_read_ms(fd, buf, cap, 3000);
}

/* Is the peer's side closed (EOF or reset) within 3 s? */
static bool
cli_closed(int fd)
{
	char c;
	struct pollfd pfd = { fd, POLLIN, 0 };

	if (poll(&pfd, 1, 3000) != 1)
		return false;
	return read(fd, &c, 1) <= 0;
}

#define POST(url, extra, body) \
	"POST " url " HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n" \
	extra "Content-Length: " #body "\r\n\r\n"

/* ------------------------------------------------------------- fixture */

static void
on_closed(void *arg)
{
	((struct fix *)arg)->closed = true;
}

static void
on_done(uv_async_t *a)
{
	struct fix *f = a->data;

	uv_close((uv_handle_t *)&f->done, NULL);
	uv_close((uv_handle_t *)&f->quiesce, NULL);
	uv_close((uv_handle_t *)&f->stop, NULL);
	if (!f->srv_closed)
		http_server_close(f->srv, on_closed, f);
	f->srv_closed = true;
}

/* The client asks for the server's close while it still talks to it. */
static void
on_stop(uv_async_t *a)
{
	struct fix *f = a->data;

	if (f->srv_closed)
		return;
	f->deferred_at_stop = http_server_deferred(f->srv);
	f->srv_closed = true;
	http_server_close(f->srv, on_closed, f);
}

static void
on_quiesce(uv_async_t *a)
{
	struct fix *f = a->data;

	f->conns_seen = http_server_connections(f->srv);
	http_server_quiesce(f->srv);
	sem_post(&f->quiesced);
}

static void *
client_main(void *arg)
{
	struct fix *f = arg;

	f->client(f);
	uv_async_send(&f->done);
	return NULL;
}

static char *
read_file(const char *path)
{
	static char s[2][16384];
	static int which;
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	which ^= 1;
	n = fread(s[which], 1, sizeof(s[which]) - 1, fp);
	fclose(fp);
	assert_true(n > 0);
	s[which][n] = '\0';
	return s[which];
}

/* Defences of the next run_with() (zero: none); reset after it. */
static struct http_guard_opts guard;

/* What the last run_with() saw, for the test to assert on. */
static unsigned last_cancels, last_deferred_at_stop;

/* Run `client` against a server with these limits; https if tls. */
static void
run_with(void (*client)(struct fix *), bool tls, unsigned max_conn,
    unsigned timeout)
{
	static const char *const addrs[] = { "127.0.0.1" };
	struct http_opts o;
	struct fix f;
	char errbuf[256], path[300];
	char *crt = NULL, *key = NULL;

	memset(&f, 0, sizeof(f));
	memset(&o, 0, sizeof(o));
	assert_int_equal(uv_loop_init(&f.loop), 0);
	o.listen = addrs;
	o.nlisten = 1;
	if (tls) {
		snprintf(path, sizeof(path), "%s/tls.crt", tmpdir);
		crt = read_file(path);
		snprintf(path, sizeof(path), "%s/tls.key", tmpdir);
		key = read_file(path);
		o.https_port = 0;
		o.cert_pem = crt;
		o.key_pem = key;
	}
	/* Port 0 is "off" in http_opts: bind ephemeral through a probe. */
	o.max_body = 1024;
	o.timeout = timeout;
	o.max_connections = max_conn;
	o.realm = "arrayd-test";
	o.guard = guard;
	memset(&guard, 0, sizeof(guard));
	o.handler = test_handler;
	o.handler_arg = &f;
	{
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in sin = { .sin_family = AF_INET };
		socklen_t sl = sizeof(sin);

		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		assert_int_equal(bind(fd, (struct sockaddr *)&sin, sl), 0);
		assert_int_equal(getsockname(fd, (struct sockaddr *)&sin,
		    &sl), 0);
		close(fd);
		if (tls)
			o.https_port = ntohs(sin.sin_port);
		else
			o.http_port = ntohs(sin.sin_port);
	}
	assert_int_equal(http_server_start(&f.loop, &o, users, &f.srv, errbuf,
	    sizeof(errbuf)), 0);
	f.port = http_server_port(f.srv, tls);
	assert_int_not_equal(f.port, 0);
	assert_non_null(http_server_url(f.srv, 0));
	assert_null(http_server_url(f.srv, 1));
	f.client = client;
	sem_init(&f.quiesced, 0, 0);
	uv_async_init(&f.loop, &f.done, on_done);
	uv_async_init(&f.loop, &f.quiesce, on_quiesce);
	uv_async_init(&f.loop, &f.stop, on_stop);
	f.done.data = f.quiesce.data = f.stop.data = &f;
	assert_int_equal(pthread_create(&f.th, NULL, client_main, &f), 0);
	assert_int_equal(uv_run(&f.loop, UV_RUN_DEFAULT), 0);
	pthread_join(f.th, NULL);
	assert_int_equal(f.fail_line, 0);
	assert_true(f.closed);
	assert_int_equal(uv_loop_close(&f.loop), 0);
	sem_destroy(&f.quiesced);
	last_cancels = f.ncancel;
	last_deferred_at_stop = f.deferred_at_stop;
}

/* --------------------------------------------------------------- cases */

static void
cli_basic(struct fix *f)
{
	char buf[4096];
	int fd = cli_connect(f->port);
	uint64_t t0;

	CHECK(fd >= 0);
	/* Two requests on one connection: keep-alive. */
	CHECK(cli_send(fd, POST("/cimom", AUTH_OK, 5) "hello"));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	CHECK(strcasestr(buf, "\r\nContent-Length: ") != NULL);
	CHECK(strcasestr(buf, "Transfer-Encoding") == NULL);
	CHECK(strstr(buf, "CIMOperation: MethodResponse") != NULL);
	CHECK(strstr(buf, "Content-Type: application/xml; "
	    "charset=\"utf-8\"") != NULL);
	CHECK(strstr(buf, "CIMError") == NULL);
	CHECK(strstr(buf, "user=alice role=edit method=POST len=5 first=h "
	    "age=1") != NULL);
	CHECK(cli_send(fd, POST("/err", AUTH_OK, 0)));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "CIMError: request-not-valid") != NULL);
	CHECK(strstr(buf, "len=0") != NULL);
	/* Allow on 405. */
	CHECK(cli_send(fd, POST("/405", AUTH_OK, 0)));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 405", 12) == 0);
	CHECK(strstr(buf, "Allow: POST") != NULL);
	/* Latency on a kept-alive connection (no Nagle stall): printed. */
	t0 = uv_hrtime();
	for (int i = 0; i < 50; i++) {
		CHECK(cli_send(fd, POST("/cimom", AUTH_OK, 2) "ab"));
		CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	}
	printf("keep-alive round trip: %.0f us (50 requests)\n",
	    (double)(uv_hrtime() - t0) / 50 / 1000);
	/* Connection: close is sent and honoured. */
	CHECK(cli_send(fd, POST("/close", AUTH_OK, 0)));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strcasestr(buf, "Connection: close") != NULL);
	CHECK(cli_closed(fd));
out:
	if (fd >= 0)
		close(fd);
}

static void
cli_auth(struct fix *f)
{
	char buf[4096];
	int fd = cli_connect(f->port);

	CHECK(fd >= 0);
	CHECK(cli_send(fd, POST("/cimom", "", 5) "hello"));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 401", 12) == 0);
	CHECK(strstr(buf, "WWW-Authenticate: Basic realm=\"arrayd-test\"")
	    != NULL);
	CHECK(strstr(buf, "Content-Length: 0") != NULL);
	CHECK(strstr(buf, "user=") == NULL);
	/* A small body was drained: the connection is still usable. */
	CHECK(cli_send(fd, POST("/cimom", AUTH_BAD, 0)));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 401", 12) == 0);
	CHECK(cli_send(fd, POST("/cimom", "Authorization: Bearer x\r\n", 0)));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 401", 12) == 0);
	CHECK(cli_send(fd, POST("/cimom", AUTH_OK, 0)));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	close(fd);
	/* A big unauthenticated body is not read: 401 comes first. */
	fd = cli_connect(f->port);
	CHECK(fd >= 0);
	CHECK(cli_send(fd, POST("/cimom", "", 1000)));
	CHECK(cli_send(fd, "x"));
	CHECK(cli_read(fd, buf, sizeof(buf)) < 0);	/* waits for body */
out:
	if (fd >= 0)
		close(fd);
}

static void
cli_too_large(struct fix *f)
{
	char buf[4096];
	int fd = cli_connect(f->port);

	CHECK(fd >= 0);
	/* Headers only: the answer must not wait for the 100 MB body. */
	CHECK(cli_send(fd, POST("/cimom", AUTH_OK, 100000000)));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 413", 12) == 0);
	CHECK(strcasestr(buf, "Connection: close") != NULL);
	CHECK(cli_closed(fd));
	close(fd);
	/* Exactly max_body is fine. */
	fd = cli_connect(f->port);
	CHECK(fd >= 0);
	CHECK(cli_send(fd, POST("/cimom", AUTH_OK, 1024)));
	memset(buf, 'y', 1024);
	buf[1024] = '\0';
	CHECK(cli_send(fd, buf));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "len=1024 first=y") != NULL);
	close(fd);
	/* Chunked beyond the cap: 413 or a close, never a 200. */
	fd = cli_connect(f->port);
	CHECK(fd >= 0);
	CHECK(cli_send(fd, "POST /cimom HTTP/1.1\r\nHost: x\r\n" AUTH_OK
	    "Transfer-Encoding: chunked\r\n\r\n"));
	for (int i = 0; i < 3; i++) {
		char chunk[700];

		memcpy(chunk, "258\r\n", 5);
		memset(chunk + 5, 'z', 600);
		memcpy(chunk + 605, "\r\n", 3);
		if (!cli_send(fd, chunk))
			break;
	}
	(void)cli_send(fd, "0\r\n\r\n");
	/* Answered after the body, not reset in the middle of it. */
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 413", 12) == 0);
	CHECK(strcasestr(buf, "Connection: close") != NULL);
out:
	if (fd >= 0)
		close(fd);
}

static void
cli_limit_timeout(struct fix *f)
{
	char buf[4096];
	int fd[4] = { -1, -1, -1, -1 };

	/* Two connections (the limit), both idle after an answer. */
	for (int i = 0; i < 2; i++) {
		fd[i] = cli_connect(f->port);
		CHECK(fd[i] >= 0);
		CHECK(cli_send(fd[i], POST("/cimom", AUTH_OK, 0)));
		CHECK(cli_read(fd[i], buf, sizeof(buf)) > 0);
		CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	}
	/*
	 * A third is let in at once: the connection idle the longest (the
	 * first) is closed for it; the second keeps working.
	 */
	fd[2] = cli_connect(f->port);
	CHECK(fd[2] >= 0);
	CHECK(cli_send(fd[2], POST("/cimom", AUTH_OK, 0)));
	CHECK(cli_read_ms(fd[2], buf, sizeof(buf), 1000) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	CHECK(cli_closed(fd[0]));
	CHECK(cli_send(fd[1], POST("/cimom", AUTH_OK, 0)));
	CHECK(cli_read(fd[1], buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	/* Both busy reading a body: nobody to give up, a fourth is refused. */
	CHECK(cli_send(fd[1], POST("/cimom", AUTH_OK, 5) "he"));
	CHECK(cli_send(fd[2], POST("/cimom", AUTH_OK, 5) "he"));
	usleep(100 * 1000);
	fd[3] = cli_connect(f->port);
	CHECK(fd[3] >= 0);
	CHECK(cli_closed(fd[3]));
	/* Idle timeout (1 s): silence closes the others. */
	CHECK(cli_closed(fd[1]));
	CHECK(cli_closed(fd[2]));
out:
	for (int i = 0; i < 4; i++)
		if (fd[i] >= 0)
			close(fd[i]);
}

static void
cli_framing(struct fix *f)
{
	char buf[4096];
	int fd = cli_connect(f->port);

	CHECK(fd >= 0);
	CHECK(cli_send(fd, "POST /cimom HTTP/1.1\r\nHost: x\r\n" AUTH_OK
	    "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 400", 12) == 0);
	CHECK(strcasestr(buf, "Connection: close") != NULL);
	CHECK(cli_closed(fd));
	close(fd);
	/* The same length twice is not a conflict. */
	fd = cli_connect(f->port);
	CHECK(fd >= 0);
	CHECK(cli_send(fd, "POST /cimom HTTP/1.1\r\nHost: x\r\n" AUTH_OK
	    "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "len=5 first=h") != NULL);
out:
	if (fd >= 0)
		close(fd);
}

/*
 * Milliseconds a request/answer on fd takes, -1 when it fails, read on
 * the clock the server's timers run on: libuv's loop time (its fast
 * monotonic clock in whole milliseconds), here through `clk`, a loop of
 * the client's own that never runs.  A delay the server applies with a
 * uv timer is then seen in full, however loaded the machine: the timer is
 * armed at a loop time read after the request came, so no earlier than
 * the first reading, and fires once the loop time is `delay` past that,
 * before the second.  uv_hrtime() (the precise clock, truncated on its
 * own) could read up to a tick short of it.
 */
static int64_t
cli_timed(uv_loop_t *clk, int fd, const char *req, char *buf, size_t cap)
{
	uint64_t t0;

	uv_update_time(clk);
	t0 = uv_now(clk);
	if (!cli_send(fd, req) || cli_read(fd, buf, cap) <= 0)
		return -1;
	uv_update_time(clk);
	return (int64_t)(uv_now(clk) - t0);
}

static void
cli_penalty(struct fix *f)
{
	char buf[4096];
	int fd = cli_connect(f->port);
	int64_t ms[3];
	uv_loop_t clk;

	if (uv_loop_init(&clk) != 0) {
		f->fail_line = __LINE__;
		goto out_fd;
	}
	CHECK(fd >= 0);
	for (int i = 0; i < 3; i++) {
		ms[i] = cli_timed(&clk, fd, POST("/cimom", AUTH_BAD, 0), buf,
		    sizeof(buf));
		CHECK(ms[i] >= 0);
		CHECK(strncmp(buf, "HTTP/1.1 401", 12) == 0);
	}
	/* Second failure in a row: 100 ms late; third: 200 ms. */
	printf("wrong password answered after %lld, %lld, %lld ms\n",
	    (long long)ms[0], (long long)ms[1], (long long)ms[2]);
	CHECK(ms[1] >= 100);
	CHECK(ms[2] >= 200);
	/* The right password still gets in, on the same connection. */
	CHECK(cli_timed(&clk, fd, POST("/cimom", AUTH_OK, 0), buf,
	    sizeof(buf)) >= 0);
	CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
out:
	(void)uv_loop_close(&clk);
out_fd:
	if (fd >= 0)
		close(fd);
}

static void
cli_header_deadline(struct fix *f)
{
	uint64_t t0 = uv_hrtime();
	struct pollfd pfd;
	bool cut = false;
	int fd = cli_connect(f->port);
	char c;

	CHECK(fd >= 0);
	CHECK(cli_send(fd, "POST /cimom HTTP/1.1\r\nHost: x\r\n"));
	/* A header byte every 200 ms: never silent, never done. */
	for (int i = 0; i < 30 && !cut; i++) {
		(void)cli_send(fd, "X");
		pfd = (struct pollfd){ fd, POLLIN, 0 };
		if (poll(&pfd, 1, 200) == 1 && read(fd, &c, 1) <= 0)
			cut = true;
	}
	CHECK(cut);
	/* Deadline 1 s, checked every second. */
	CHECK((uv_hrtime() - t0) / 1000000 < 3500);
out:
	if (fd >= 0)
		close(fd);
}

static void
cli_budget(struct fix *f)
{
	char buf[4096];
	int a = cli_connect(f->port), b = cli_connect(f->port);

	CHECK(a >= 0 && b >= 0);
	/* a holds 1000 bytes of the 1500 budget with an unfinished body. */
	CHECK(cli_send(a, POST("/cimom", AUTH_OK, 1000) "hi"));
	usleep(100 * 1000);
	CHECK(cli_send(b, POST("/cimom", AUTH_OK, 1000)));
	CHECK(cli_read(b, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 503", 12) == 0);
	CHECK(strcasestr(buf, "\r\nRetry-After: ") != NULL);
	CHECK(cli_closed(b));
	close(b);
	b = -1;
	/* A small body still fits beside it. */
	b = cli_connect(f->port);
	CHECK(b >= 0);
	CHECK(cli_send(b, POST("/cimom", AUTH_OK, 5) "hello"));
	CHECK(cli_read(b, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "len=5 first=h") != NULL);
	/* a finishes: its share comes back, a second big body fits. */
	memset(buf, 'y', 998);
	buf[998] = '\0';
	CHECK(cli_send(a, buf));
	CHECK(cli_read(a, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "len=1000 first=h") != NULL);
	CHECK(cli_send(b, POST("/cimom", AUTH_OK, 1000)));
	memset(buf, 'z', 1000);
	buf[1000] = '\0';
	CHECK(cli_send(b, buf));
	CHECK(cli_read(b, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "len=1000 first=z") != NULL);
out:
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
}

static void
cli_quiesce(struct fix *f)
{
	char buf[4096];
	int fd = cli_connect(f->port), fd2 = -1;

	CHECK(fd >= 0);
	CHECK(cli_send(fd, POST("/cimom", AUTH_OK, 0)));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	uv_async_send(&f->quiesce);
	sem_wait(&f->quiesced);
	CHECK(f->conns_seen == 1);
	/* No new connections; the open one keeps working. */
	fd2 = cli_connect(f->port);
	CHECK(fd2 < 0);
	CHECK(cli_send(fd, POST("/cimom", AUTH_OK, 0)));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
out:
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
}

/* Microseconds since t0 (uv_hrtime). */
static uint64_t
since_us(uint64_t t0)
{
	return (uv_hrtime() - t0) / 1000;
}

static void
cli_defer(struct fix *f)
{
	char buf[4096], buf2[4096];
	int fd = cli_connect(f->port), fd2 = cli_connect(f->port);
	uint64_t t0;

	CHECK(fd >= 0 && fd2 >= 0);
	/* Answered by the timer, not before. */
	t0 = uv_hrtime();
	CHECK(cli_send(fd, POST("/defer/150", AUTH_OK, 0)));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	/* uv_now() is in whole ms, the timer may fire a ms early. */
	CHECK(since_us(t0) >= 140000);
	CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	CHECK(strstr(buf, "Content-Type: text/plain") != NULL);
	CHECK(strstr(buf, "deferred /defer/150 after 150") != NULL);
	/* Keep-alive holds after a deferred answer, deferred or not. */
	CHECK(cli_send(fd, POST("/cimom", AUTH_OK, 2) "ab"));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "len=2 first=a") != NULL);
	/* Two connections waiting at once; the later one answered first. */
	CHECK(cli_send(fd, POST("/defer/300", AUTH_OK, 0)));
	CHECK(cli_send(fd2, POST("/defer/20", AUTH_OK, 0)));
	CHECK(cli_read(fd2, buf2, sizeof(buf2)) > 0);
	CHECK(strstr(buf2, "after 20") != NULL);
	/* The other connection is still served while one waits. */
	CHECK(cli_send(fd2, POST("/cimom", AUTH_OK, 0)));
	CHECK(cli_read(fd2, buf2, sizeof(buf2)) > 0);
	CHECK(strncmp(buf2, "HTTP/1.1 200", 12) == 0);
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "after 300") != NULL);
	/* Completed inside the handler; then a body-ful request again. */
	CHECK(cli_send(fd, POST("/defer/now", AUTH_OK, 3) "xyz"));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 202", 12) == 0);
	CHECK(cli_send(fd, POST("/defer/0", AUTH_OK, 0)));
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "after 0") != NULL);
	/* Claiming a deferral without a handle is a handler bug: 500. */
	CHECK(cli_send(fd2, POST("/defer/nohandle", AUTH_OK, 0)));
	CHECK(cli_read(fd2, buf2, sizeof(buf2)) > 0);
	CHECK(strncmp(buf2, "HTTP/1.1 500", 12) == 0);
out:
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
}

static void
cli_defer_shutdown(struct fix *f)
{
	char buf[4096];
	int fd = cli_connect(f->port), fd2 = cli_connect(f->port);

	CHECK(fd >= 0 && fd2 >= 0);
	CHECK(cli_send(fd, POST("/defer/never", AUTH_OK, 0)));
	CHECK(cli_send(fd2, POST("/defer/never", AUTH_OK, 4) "body"));
	/* Suspended: no idle timeout (1 s here) and no answer. */
	CHECK(cli_read_ms(fd, buf, sizeof(buf), 1500) < 0);
	uv_async_send(&f->stop);
	CHECK(cli_read(fd, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 503", 12) == 0);
	CHECK(strcasestr(buf, "Connection: close") != NULL);
	CHECK(cli_closed(fd));
	CHECK(cli_read(fd2, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "HTTP/1.1 503", 12) == 0);
	CHECK(cli_closed(fd2));
out:
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
}

static int
curl(struct fix *f, const char *tlsopt, char *out, size_t cap)
{
	char cmd[512];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "curl -sk -i -m 5 -u alice:secret %s "
	    "--data-binary hi https://127.0.0.1:%u/cimom 2>/dev/null",
	    tlsopt, f->port);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	return pclose(p);
}

static void
cli_https(struct fix *f)
{
	char buf[4096];

	CHECK(curl(f, "--tlsv1.3", buf, sizeof(buf)) == 0);
	CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
	CHECK(strstr(buf, "user=alice") != NULL);
	CHECK(curl(f, "--tlsv1.2 --tls-max 1.2", buf, sizeof(buf)) == 0);
	CHECK(strstr(buf, "len=2 first=h") != NULL);
	CHECK(curl(f, "--tlsv1.1 --tls-max 1.1 --ciphers DEFAULT@SECLEVEL=0",
	    buf, sizeof(buf)) != 0);
	CHECK(curl(f, "-u alice:nope", buf, sizeof(buf)) == 0);
	CHECK(strncmp(buf, "HTTP/1.1 401", 12) == 0);
out:
	return;
}

static void
test_basic(void **state)
{
	(void)state;
	run_with(cli_basic, false, 16, 5);
}

static void
test_auth(void **state)
{
	(void)state;
	run_with(cli_auth, false, 16, 5);
}

static void
test_too_large(void **state)
{
	(void)state;
	run_with(cli_too_large, false, 16, 5);
}

static void
test_limit_timeout(void **state)
{
	(void)state;
	run_with(cli_limit_timeout, false, 2, 1);
}

static void
test_quiesce(void **state)
{
	(void)state;
	run_with(cli_quiesce, false, 16, 5);
}

static void
test_https(void **state)
{
	(void)state;
	run_with(cli_https, true, 16, 5);
}

static void
test_defer(void **state)
{
	(void)state;
	run_with(cli_defer, false, 16, 5);
	assert_int_equal(last_cancels, 0);
}

static void
test_defer_shutdown(void **state)
{
	(void)state;
	run_with(cli_defer_shutdown, false, 16, 1);
	assert_int_equal(last_deferred_at_stop, 2);
	assert_int_equal(last_cancels, 2);
}

static void
test_bind_errors(void **state)
{
	static const char *const bad[] = { "not-an-ip" };
	static const char *const v6[] = { "::1" };
	struct http_opts o;
	struct http_server *s = NULL;
	uv_loop_t loop;
	char errbuf[256];
	int fd, err;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);

	(void)state;
	assert_int_equal(uv_loop_init(&loop), 0);
	memset(&o, 0, sizeof(o));
	o.listen = bad;
	o.nlisten = 1;
	o.http_port = 8;
	o.max_body = 1024;
	o.timeout = 5;
	o.max_connections = 4;
	o.handler = test_handler;
	assert_int_equal(http_server_start(&loop, &o, users, &s, errbuf,
	    sizeof(errbuf)), -EINVAL);
	assert_non_null(strstr(errbuf, "not-an-ip"));
	/* Port in use. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sl), 0);
	assert_int_equal(listen(fd, 1), 0);
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	static const char *const lo[] = { "127.0.0.1" };
	o.listen = lo;
	o.http_port = ntohs(sin.sin_port);
	assert_int_equal(http_server_start(&loop, &o, users, &s, errbuf,
	    sizeof(errbuf)), -EADDRINUSE);
	assert_non_null(strstr(errbuf, "port in use"));
	close(fd);
	/* IPv6 loopback, when the host has it. */
	o.listen = v6;
	err = http_server_start(&loop, &o, users, &s, errbuf, sizeof(errbuf));
	if (err == 0) {
		assert_non_null(strstr(http_server_url(s, 0), "http://[::1]:"));
		http_server_close(s, NULL, NULL);
	}
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void
test_framing(void **state)
{
	(void)state;
	run_with(cli_framing, false, 4, 5);
}

static void
test_penalty(void **state)
{
	(void)state;
	guard.auth_fail_delay_ms = 2000;
	run_with(cli_penalty, false, 4, 5);
}

static void
test_header_deadline(void **state)
{
	(void)state;
	guard.header_timeout = 1;
	run_with(cli_header_deadline, false, 4, 30);
}

static void
test_budget(void **state)
{
	(void)state;
	guard.body_budget = 1500;
	run_with(cli_budget, false, 4, 5);
}

static void
test_ratelog(void **state)
{
	struct ratelog *rl = ratelog_new(1000, 2);
	unsigned held = 99;

	(void)state;
	assert_non_null(rl);
	assert_true(ratelog_allow(rl, "cut 10.0.0.1", 5000, &held));
	assert_int_equal(held, 0);
	assert_false(ratelog_allow(rl, "cut 10.0.0.1", 5100, &held));
	assert_false(ratelog_allow(rl, "cut 10.0.0.1", 5999, NULL));
	/* Another key is its own. */
	assert_true(ratelog_allow(rl, "cut 10.0.0.2", 5999, NULL));
	/* The window is over: let through, with the count held back. */
	assert_true(ratelog_allow(rl, "cut 10.0.0.1", 6000, &held));
	assert_int_equal(held, 2);
	assert_false(ratelog_allow(rl, "cut 10.0.0.1", 6001, &held));
	/* Full (2 slots): a third key pushes out the least recently seen. */
	assert_true(ratelog_allow(rl, "cut 10.0.0.3", 6002, NULL));
	assert_false(ratelog_allow(rl, "cut 10.0.0.1", 6003, NULL));
	assert_true(ratelog_allow(rl, "cut 10.0.0.2", 6004, NULL));
	ratelog_free(rl);
	ratelog_free(NULL);
}

static void
cut_count(void *arg, struct conn_entry *e, enum metrics_refusal why)
{
	unsigned *n = arg;

	(void)e;
	n[why]++;
}

static void
test_connguard(void **state)
{
	struct connguard_opts o = {
		.max_conns = 3, .per_address = 2, .header_ms = 10000,
		.handshake_ms = 5000, .idle_ms = 30000, .min_rate = 1000,
	};
	struct connguard *g = connguard_new(&o);
	struct conn_entry *a, *b, *c, *ev;
	unsigned n[REFUSE_COUNT + 1];

	(void)state;
	assert_non_null(g);
	/* Per address: two from one address, a third refused. */
	assert_int_equal(connguard_admit(g, "10.0.0.1", 0, &ev), CONN_ADMIT);
	a = connguard_add(g, "10.0.0.1", true, 0, NULL);
	b = connguard_add(g, "10.0.0.1", false, 100, NULL);
	assert_int_equal(connguard_admit(g, "10.0.0.1", 200, &ev),
	    CONN_REFUSE_ADDRESS);
	c = connguard_add(g, "10.0.0.2", false, 200, NULL);
	assert_int_equal(connguard_count(g), 3);
	/* Full, all busy: refused. */
	connguard_phase(a, CONN_BUSY, 300);
	connguard_phase(b, CONN_BODY, 300);
	connguard_phase(c, CONN_BUSY, 300);
	assert_int_equal(connguard_admit(g, "10.0.0.3", 400, &ev),
	    CONN_REFUSE_FULL);
	assert_null(ev);
	/* One goes idle after its answer: it is given up for a newcomer. */
	connguard_phase(c, CONN_IDLE, 500);
	assert_int_equal(connguard_admit(g, "10.0.0.3", 600, &ev), CONN_ADMIT);
	assert_ptr_equal(ev, c);
	assert_true(c->cut);
	assert_int_equal(connguard_count(g), 2);
	connguard_remove(g, c);
	assert_int_equal(connguard_count(g), 2);

	/* Deadlines. */
	memset(n, 0, sizeof(n));
	c = connguard_add(g, "10.0.0.3", true, 1000, NULL);	/* TLS, silent */
	connguard_phase(b, CONN_BODY, 1000);
	assert_int_equal(connguard_expire(g, 5999, cut_count, n), 0);
	assert_int_equal(connguard_expire(g, 6001, cut_count, n), 1);
	assert_int_equal(n[REFUSE_HANDSHAKE_TIMEOUT], 1);
	assert_true(c->cut);
	connguard_remove(g, c);
	/* A body at 1000 B/s passes the minimum, at 900 B/s it does not. */
	connguard_body_bytes(b, 12000);
	assert_int_equal(connguard_expire(g, 13000, cut_count, n), 0);
	assert_int_equal(connguard_expire(g, 15000, cut_count, n), 1);
	assert_int_equal(n[REFUSE_BODY_SLOW], 1);
	connguard_remove(g, b);
	/* Headers: a keep-alive request's clock starts at its request line. */
	b = connguard_add(g, "10.0.0.4", false, 20000, NULL);
	connguard_phase(b, CONN_HEADERS, 25000);	/* first: from accept */
	assert_int_equal(connguard_expire(g, 30001, cut_count, n), 1);
	assert_int_equal(n[REFUSE_HEADER_TIMEOUT], 1);
	connguard_remove(g, b);
	b = connguard_add(g, "10.0.0.4", false, 40000, NULL);
	connguard_phase(b, CONN_IDLE, 41000);
	connguard_phase(b, CONN_HEADERS, 60000);
	assert_int_equal(connguard_expire(g, 69000, cut_count, n), 0);
	assert_int_equal(connguard_expire(g, 70001, cut_count, n), 1);
	connguard_remove(g, b);
	/* Idle: the next request line is due within idle_ms. */
	b = connguard_add(g, "10.0.0.4", false, 80000, NULL);
	connguard_phase(b, CONN_IDLE, 80000);
	assert_int_equal(connguard_expire(g, 110000, cut_count, n), 0);
	assert_int_equal(connguard_expire(g, 110001, cut_count, n), 1);
	assert_int_equal(n[REFUSE_IDLE_TIMEOUT], 1);
	/* Busy never expires; cut ones are not cut twice. */
	assert_int_equal(connguard_expire(g, 999999, cut_count, n), 0);
	assert_true(a->phase == CONN_BUSY && !a->cut);
	connguard_free(g);
}

/*
 * An address at its cap, or a full table, makes room by cutting the
 * likeliest attacker: idle first, then the oldest without a complete
 * request after the grace (0.5 s, or header_ms / 2), then a slow body;
 * never one being answered or reading its body at a good rate.
 */
static void
test_connguard_evict(void **state)
{
	struct connguard_opts o = {
		.max_conns = 6, .per_address = 3, .header_ms = 30000,
		.handshake_ms = 5000, .idle_ms = 30000, .min_rate = 1000,
	};
	struct connguard *g = connguard_new(&o);
	struct conn_entry *a, *b, *c, *d, *x, *ev;

	(void)state;
	assert_non_null(g);
	/* Three slow-header connections from one address. */
	a = connguard_add(g, "10.0.0.1", false, 0, NULL);
	b = connguard_add(g, "10.0.0.1", false, 100, NULL);
	c = connguard_add(g, "10.0.0.1", false, 200, NULL);
	connguard_phase(b, CONN_HEADERS, 150);
	connguard_phase(c, CONN_HEADERS, 250);
	/* Within the grace (a 499 ms old): refused. */
	assert_int_equal(connguard_admit(g, "10.0.0.1", 499, &ev),
	    CONN_REFUSE_ADDRESS);
	assert_null(ev);
	assert_false(a->cut);
	/* After it: the oldest (a, silent since its accept) is cut. */
	assert_int_equal(connguard_admit(g, "10.0.0.1", 500, &ev),
	    CONN_ADMIT);
	assert_ptr_equal(ev, a);
	assert_true(a->cut);
	assert_int_equal(a->why, REFUSE_SLOW_EVICTED);
	connguard_remove(g, a);
	d = connguard_add(g, "10.0.0.1", false, 1000, NULL);
	/* Another address's newcomer cuts nothing (table not full). */
	assert_int_equal(connguard_admit(g, "10.0.0.2", 1000, &ev),
	    CONN_ADMIT);
	assert_null(ev);
	/*
	 * An idle one goes before slow ones once idle for the grace (not
	 * in the instant between two requests).
	 */
	connguard_phase(d, CONN_BUSY, 1100);
	connguard_phase(d, CONN_IDLE, 4800);
	assert_int_equal(connguard_admit(g, "10.0.0.1", 5000, &ev),
	    CONN_ADMIT);
	assert_ptr_equal(ev, b);
	assert_int_equal(b->why, REFUSE_SLOW_EVICTED);
	connguard_remove(g, b);
	b = connguard_add(g, "10.0.0.1", false, 5000, NULL);
	assert_int_equal(connguard_admit(g, "10.0.0.1", 5300, &ev),
	    CONN_ADMIT);
	assert_ptr_equal(ev, d);
	assert_int_equal(d->why, REFUSE_IDLE_EVICTED);
	connguard_remove(g, d);
	d = connguard_add(g, "10.0.0.1", false, 5000, NULL);
	/*
	 * Cap full of busy ones and a body at a good rate: refused; a body
	 * below min_rate after the grace goes only once no slow headers are
	 * left.
	 */
	connguard_phase(b, CONN_BUSY, 5000);
	connguard_phase(c, CONN_BODY, 5000);
	connguard_phase(d, CONN_BUSY, 5000);
	connguard_body_bytes(c, 5000);
	assert_int_equal(connguard_admit(g, "10.0.0.1", 8000, &ev),
	    CONN_REFUSE_ADDRESS);		/* 5000 B in 3 s */
	assert_null(ev);
	assert_int_equal(connguard_admit(g, "10.0.0.1", 10001, &ev),
	    CONN_ADMIT);			/* 5000 B in 5.001 s */
	assert_ptr_equal(ev, c);
	assert_int_equal(c->why, REFUSE_SLOW_EVICTED);
	connguard_remove(g, c);
	c = connguard_add(g, "10.0.0.1", false, 10001, NULL);
	connguard_phase(c, CONN_BUSY, 10001);
	assert_int_equal(connguard_admit(g, "10.0.0.1", 90000, &ev),
	    CONN_REFUSE_ADDRESS);
	assert_null(ev);

	/*
	 * Full table, none idle: the oldest slow-header one from any
	 * address, after the grace, and never a busy one.
	 */
	x = connguard_add(g, "10.0.0.2", false, 90000, NULL);
	connguard_phase(x, CONN_HEADERS, 90000);
	a = connguard_add(g, "10.0.0.3", false, 90000, NULL);
	connguard_phase(a, CONN_BUSY, 90000);
	ev = connguard_add(g, "10.0.0.4", false, 90000, NULL);
	connguard_phase(ev, CONN_BUSY, 90000);
	assert_int_equal(connguard_count(g), 6);
	assert_int_equal(connguard_admit(g, "10.0.0.5", 90499, &ev),
	    CONN_REFUSE_FULL);
	assert_int_equal(connguard_admit(g, "10.0.0.5", 90500, &ev),
	    CONN_ADMIT);
	assert_ptr_equal(ev, x);
	assert_int_equal(x->why, REFUSE_SLOW_EVICTED);
	connguard_remove(g, x);
	x = connguard_add(g, "10.0.0.5", false, 91000, NULL);
	connguard_phase(x, CONN_BUSY, 91000);
	assert_int_equal(connguard_admit(g, "10.0.0.5", 92000, &ev),
	    CONN_REFUSE_FULL);

	/* A short header_ms shortens the grace to its half. */
	o.header_ms = 600;
	connguard_set_opts(g, &o);
	connguard_phase(x, CONN_HEADERS, 100000);	/* its next request */
	assert_int_equal(connguard_admit(g, "10.0.0.6", 100299, &ev),
	    CONN_REFUSE_FULL);
	assert_int_equal(connguard_admit(g, "10.0.0.6", 100300, &ev),
	    CONN_ADMIT);
	assert_ptr_equal(ev, x);
	connguard_free(g);
}

static void
test_body_budget(void **state)
{
	struct body_budget *b = body_budget_new(1000, 600);

	(void)state;
	assert_non_null(b);
	assert_int_equal(body_budget_take(b, "alice", 600), 0);
	assert_int_equal(body_budget_take(b, "alice", 1), -EBUSY);
	assert_int_equal(body_budget_take(b, "bob", 400), 0);
	assert_int_equal(body_budget_take(b, "carol", 1), -EBUSY);
	assert_int_equal(body_budget_take(b, "carol", 0), 0);
	assert_int_equal(body_budget_used(b), 1000);
	assert_int_equal(body_budget_user_used(b, "alice"), 600);
	body_budget_give(b, "alice", 600);
	assert_int_equal(body_budget_user_used(b, "alice"), 0);
	assert_int_equal(body_budget_used(b), 400);
	assert_int_equal(body_budget_take(b, "carol", 600), 0);
	assert_int_equal(body_budget_take(b, "alice", 1), -EBUSY);
	/* Over-giving never wraps. */
	body_budget_give(b, "bob", 5000);
	assert_int_equal(body_budget_used(b), 600);
	assert_int_equal(body_budget_user_used(b, "bob"), 0);
	/* Lower limits apply to new reservations only. */
	body_budget_set(b, 500, 500);
	assert_int_equal(body_budget_take(b, "bob", 1), -EBUSY);
	body_budget_give(b, "carol", 600);
	assert_int_equal(body_budget_take(b, "bob", 500), 0);
	body_budget_free(b);
	body_budget_free(NULL);
}

static int
setup(void **state)
{
	static const struct auth_opts ao = { .iterations = 1000 };
	char path[300], cmd[800];

	(void)state;
	log_init(true, getenv("TEST_DEBUG") != NULL ? LOG_LVL_DEBUG :
	    LOG_LVL_ERROR);
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	/*
	 * A cheap hash: 100000 PBKDF2 rounds take seconds under valgrind,
	 * longer than the client waits for an answer.
	 */
	snprintf(path, sizeof(path), "%s/users", tmpdir);
	if (auth_passwd(path, "alice", "secret", AUTH_EDIT, &ao) != 0)
		return -1;
	if (auth_db_load(path, &ao, &users, cmd, sizeof(cmd)) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey rsa:2048 -nodes "
	    "-sha256 -days 2 -subj /CN=localhost -keyout %s/tls.key -out "
	    "%s/tls.crt >/dev/null 2>&1", tmpdir, tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[400];

	(void)state;
	auth_db_free(users);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_limit_timeout),
		cmocka_unit_test(test_quiesce),
		cmocka_unit_test(test_https),
		cmocka_unit_test(test_defer),
		cmocka_unit_test(test_defer_shutdown),
		cmocka_unit_test(test_bind_errors),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_penalty),
		cmocka_unit_test(test_header_deadline),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_ratelog),
		cmocka_unit_test(test_connguard),
		cmocka_unit_test(test_connguard_evict),
		cmocka_unit_test(test_body_budget),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
