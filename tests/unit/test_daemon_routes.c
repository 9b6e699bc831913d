/* SPDX-License-Identifier: ISC */
/*
 * test_daemon_routes.c - the route table through the daemon's HTTP request
 * path (http_server_serve_mem, no socket): GET /metrics, with or without a
 * query, is the metrics page and counts the requests before it; any other
 * method or path goes to the CIM-XML endpoint, whose answers reach the
 * wire with cimop's headers (Allow, CIMError) copied by cimglue.c.  No
 * replica set: the CIM requests here are refused before any operation.
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

#include "base/log.h"
#include "cim/cimop.h"
#include "daemon/auth.h"
#include "daemon/cimglue.h"
#include "daemon/http.h"
#include "daemon/metrics.h"
#include "daemon/routes.h"

#define AUTH_OK		"Basic YWxpY2U6c2VjcmV0"	/* alice:secret */

static char tmpdir[] = "/tmp/test_daemon_routes.XXXXXX";

struct env {
	struct auth_db *users;
	struct metrics *m;
	struct cimop_server cim;
	struct routes routes;
	struct http_server *srv;
	struct http_mem_answer a;
};

static int
setup(void **state)
{
	static struct env e;
	struct http_opts o = { 0 };
	static const struct auth_opts ao = { .iterations = 2 };
	char path[128], err[256];

	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/users", tmpdir);
	if (auth_passwd(path, "alice", "secret", AUTH_EDIT, &ao) != 0 ||
	    auth_db_load(path, &ao, &e.users, err, sizeof(err)) != 0)
		return -1;
	if ((e.m = metrics_new()) == NULL)
		return -1;
	e.cim.observe = cimglue_observe;
	e.cim.observe_arg = e.m;
	e.routes.cim = &e.cim;
	e.routes.metrics = e.m;
	o.max_body = 4096;
	o.timeout = 5;
	o.max_connections = 4;
	o.realm = "unit";
	o.handler = routes_handle;
	o.handler_arg = &e.routes;
	if (http_server_new_detached(&o, e.users, &e.srv) != 0)
		return -1;
	*state = &e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;
	char path[128];

	http_mem_answer_release(&e->a);
	http_server_close(e->srv, NULL, NULL);
	cimop_close(&e->cim, NULL, NULL);
	metrics_free(e->m);
	auth_db_free(e->users);
	snprintf(path, sizeof(path), "%s/users", tmpdir);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}

/* One authenticated request without a body; the answer in e->a. */
static void
serve(struct env *e, const char *method, const char *url)
{
	const char *h[1][2] = { { "Authorization", AUTH_OK } };
	struct http_mem_req in = { 0 };

	http_mem_answer_release(&e->a);
	in.method = method;
	in.url = url;
	in.version = "HTTP/1.1";
	in.headers = (const char *const (*)[2])h;
	in.nheaders = 1;
	assert_int_equal(http_server_serve_mem(e->srv, &in, &e->a), 0);
}

static bool
has(const struct env *e, const char *s)
{
	return e->a.headers != NULL && strstr(e->a.headers, s) != NULL;
}

static void
test_routes(void **state)
{
	struct env *e = *state;

	/* Not GET /metrics: the CIM endpoint (405 and its Allow). */
	serve(e, "GET", "/cimom");
	assert_int_equal(e->a.status, 405);
	assert_true(has(e, "Allow: POST\r\n"));
	assert_false(has(e, "CIMOperation"));
	serve(e, "POST", "/metrics");
	assert_int_equal(e->a.status, 400);
	assert_true(has(e, "CIMError: unsupported-operation\r\n"));
	assert_false(has(e, "text/plain"));
	serve(e, "GET", "/metricsx");
	assert_int_equal(e->a.status, 405);
	/* GET /metrics: the page, counting what came before. */
	serve(e, "GET", "/metrics");
	assert_int_equal(e->a.status, 200);
	assert_true(has(e, "Content-Type: text/plain; version=0.0.4\r\n"));
	assert_false(has(e, "CIMOperation"));
	serve(e, "GET", "/metrics?name[]=x");
	assert_int_equal(e->a.status, 200);
	assert_true(has(e, "text/plain"));
}

/* The page's body, through the same route (serve_mem keeps no body). */
static void
test_metrics_counts(void **state)
{
	static const char refused[] = "status=\"405\"} ";
	static const char pages[] =
	    "arrayd_requests_total{op=\"metrics\",status=\"200\"} 2\n";
	struct env *e = *state;
	struct cim_buf b;

	serve(e, "DELETE", "/");
	assert_int_equal(e->a.status, 405);
	cim_buf_init(&b);
	metrics_render(e->m, NULL, NULL, &b);
	assert_false(b.oom);
	assert_non_null(memmem(b.data, b.len, refused, strlen(refused)));
	assert_non_null(memmem(b.data, b.len, pages, strlen(pages)));
	cim_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_metrics_counts),
	};

	log_init(true, LOG_LVL_ERROR);
	return cmocka_run_group_tests(tests, setup, teardown);
}
