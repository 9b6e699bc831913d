/* SPDX-License-Identifier: ISC */
/*
 * test_daemon_httpmem.c - http_server_serve_mem(): the request path of a
 * connection without a socket, as the HTTP fuzz harness drives it.  The
 * same decisions as on a socket: 401 with the realm and no handler call
 * without credentials, the body handed in pieces arrives whole, 413 for a
 * declared or an actual body over max_body (handler not called, connection
 * closed), the handler's headers in the answer (in its order, after
 * Content-Type), a deferring handler gets
 * the shutdown 503 after its cancel, and a second call reuses the server.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/auth.h"
#include "daemon/http.h"
#include "base/log.h"

#define AUTH_OK		"Basic YWxpY2U6c2VjcmV0"	/* alice:secret */
#define MAX_BODY	1000

static char tmpdir[] = "/tmp/test_daemon_httpmem.XXXXXX";
static struct auth_db *users;

struct env {
	struct http_server *srv;
	unsigned ncalls, ncancel;
	size_t body_len;
	char body[2 * MAX_BODY];
	bool defer;
	bool many_headers;		/* the handler adds four more */
};

static void
on_cancel(void *arg, struct http_req *r)
{
	struct env *e = arg;

	(void)r;
	e->ncancel++;
}

static void
handler(void *arg, const struct http_req *req, struct http_resp *resp)
{
	struct env *e = arg;
	const char *b;
	size_t n;

	e->ncalls++;
	b = http_req_body(req, &n);
	e->body_len = n;
	if (n < sizeof(e->body))
		memcpy(e->body, b, n);
	if (e->defer) {
		(void)http_req_defer(req, on_cancel, e);
		resp->deferred = true;
		return;
	}
	resp->status = 200;
	resp->content_type = "text/plain";
	if (http_req_header(req, "X-Echo") != NULL)
		assert_int_equal(http_resp_add_header(resp, "X-Echo",
		    http_req_header(req, "X-Echo")), 0);
	if (e->many_headers) {
		static const char *const names[] = { "D", "B", "C" };

		for (size_t i = 0; i < 3; i++)
			assert_int_equal(http_resp_add_header(resp, names[i],
			    "v"), 0);
		assert_int_equal(http_resp_add_header(resp, "E", "v"),
		    -ENOSPC);
		resp->close = true;
	}
	resp->body = strdup("ok");
	resp->body_len = 2;
}

static int
setup(void **state)
{
	static const struct auth_opts ao = { .iterations = 2 };
	static struct env e;
	struct http_opts o = { 0 };
	char path[128], err[256];

	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/users", tmpdir);
	if (auth_passwd(path, "alice", "secret", AUTH_EDIT, &ao) != 0 ||
	    auth_db_load(path, &ao, &users, err, sizeof(err)) != 0)
		return -1;
	o.max_body = MAX_BODY;
	o.timeout = 5;
	o.max_connections = 4;
	o.realm = "unit";
	o.handler = handler;
	o.handler_arg = &e;
	if (http_server_new_detached(&o, users, &e.srv) != 0)
		return -1;
	*state = &e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;
	char path[128];

	http_server_close(e->srv, NULL, NULL);
	auth_db_free(users);
	snprintf(path, sizeof(path), "%s/users", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}

/* One POST; extra headers after Authorization (NULL auth: none). */
static void
serve(struct env *e, const char *auth, const char *cl, const char *body,
    size_t len, size_t piece, struct http_mem_answer *a)
{
	const char *h[3][2];
	struct http_mem_req in = { 0 };
	size_t n = 0;

	if (auth != NULL) {
		h[n][0] = "authorization";	/* names are case-insensitive */
		h[n++][1] = auth;
	}
	if (cl != NULL) {
		h[n][0] = "Content-Length";
		h[n++][1] = cl;
	}
	h[n][0] = "X-Echo";
	h[n++][1] = "echoed";
	in.method = "POST";
	in.url = "/cimom";
	in.version = "HTTP/1.1";
	in.headers = (const char *const (*)[2])h;
	in.nheaders = n;
	in.body = body;
	in.body_len = len;
	in.piece = piece;
	e->ncalls = 0;
	e->body_len = 0;
	assert_int_equal(http_server_serve_mem(e->srv, &in, a), 0);
}

static void
test_unauthorized(void **state)
{
	struct env *e = *state;
	struct http_mem_answer a;

	serve(e, NULL, "3", "abc", 3, 0, &a);
	assert_int_equal(a.status, 401);
	assert_non_null(strstr(a.headers,
	    "WWW-Authenticate: Basic realm=\"unit\"\r\n"));
	assert_int_equal(e->ncalls, 0);
	http_mem_answer_release(&a);
	serve(e, "Basic YWxpY2U6d3Jvbmc=", "3", "abc", 3, 0, &a);
	assert_int_equal(a.status, 401);
	assert_int_equal(e->ncalls, 0);
	http_mem_answer_release(&a);
}

static void
test_body_in_pieces(void **state)
{
	struct env *e = *state;
	struct http_mem_answer a;
	char body[MAX_BODY];

	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (char)('a' + i % 26);
	serve(e, AUTH_OK, "1000", body, sizeof(body), 7, &a);
	assert_int_equal(a.status, 200);
	assert_false(a.closed);
	assert_int_equal(e->ncalls, 1);
	assert_int_equal(e->body_len, sizeof(body));
	assert_memory_equal(e->body, body, sizeof(body));
	assert_non_null(strstr(a.headers, "Content-Type: text/plain\r\n"));
	assert_non_null(strstr(a.headers, "X-Echo: echoed\r\n"));
	http_mem_answer_release(&a);
}

static void
test_too_large(void **state)
{
	struct env *e = *state;
	struct http_mem_answer a;
	static char big[MAX_BODY + 1];

	/* declared: refused on the headers, before any byte is read */
	serve(e, AUTH_OK, "1001", big, sizeof(big), 0, &a);
	assert_int_equal(a.status, 413);
	assert_int_equal(e->ncalls, 0);
	assert_non_null(strstr(a.headers, "Connection: close\r\n"));
	http_mem_answer_release(&a);
	/* undeclared (as a chunked body): refused when it goes over */
	serve(e, AUTH_OK, NULL, big, sizeof(big), 100, &a);
	assert_int_equal(a.status, 413);
	assert_int_equal(e->ncalls, 0);
	http_mem_answer_release(&a);
	/* exactly max_body is fine */
	serve(e, AUTH_OK, NULL, big, MAX_BODY, 100, &a);
	assert_int_equal(a.status, 200);
	assert_int_equal(e->body_len, MAX_BODY);
	http_mem_answer_release(&a);
}

static void
test_deferred(void **state)
{
	struct env *e = *state;
	struct http_mem_answer a;

	e->defer = true;
	e->ncancel = 0;
	serve(e, AUTH_OK, "2", "hi", 2, 0, &a);
	e->defer = false;
	assert_int_equal(e->ncalls, 1);
	assert_int_equal(e->ncancel, 1);
	assert_int_equal(a.status, 503);
	assert_non_null(strstr(a.headers, "Connection: close\r\n"));
	http_mem_answer_release(&a);
	assert_int_equal(http_server_deferred(e->srv), 0);
	/* the server serves the next request as usual */
	serve(e, AUTH_OK, "2", "hi", 2, 0, &a);
	assert_int_equal(a.status, 200);
	http_mem_answer_release(&a);
}

/*
 * Headers a handler adds are written as given, in its order, after
 * Content-Type (MHD lists Connection first); a fifth does not fit.
 * (serve() sends X-Echo, which the handler echoes first.)
 */
static void
test_generic_headers(void **state)
{
	struct env *e = *state;
	struct http_mem_answer a;

	e->many_headers = true;
	serve(e, AUTH_OK, "2", "hi", 2, 0, &a);
	e->many_headers = false;
	assert_int_equal(a.status, 200);
	assert_non_null(a.headers);
	assert_string_equal(a.headers, "Connection: close\r\n"
	    "Content-Type: text/plain\r\nX-Echo: echoed\r\nD: v\r\n"
	    "B: v\r\nC: v\r\n");
	http_mem_answer_release(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unauthorized),
		cmocka_unit_test(test_body_in_pieces),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_deferred),
		cmocka_unit_test(test_generic_headers),
	};

	log_init(true, LOG_LVL_ERROR);
	return cmocka_run_group_tests(tests, setup, teardown);
}
