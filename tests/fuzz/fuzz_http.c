/* SPDX-License-Identifier: ISC */
/*
 * fuzz_http.c - libFuzzer entry point for the HTTP request path.
 *
 * Each input is one request as a client writes it ("METHOD URL VERSION",
 * header lines, a blank line, the body).  The harness splits it as MHD's
 * parser would (a request MHD refuses with 400 before our code runs is
 * skipped) and hands it to http_server_serve_mem(): the daemon's own access
 * handler runs Basic authentication against a users file, the body cap
 * and accumulation (the body arrives in pieces of an input-derived size),
 * the daemon's route table (routes_handle(): the metrics page, or the
 * CIM-XML endpoint through cimglue.c) on a demo model (a replica
 * set with one pool and four volumes, store in /dev/shm, a copy engine
 * that only records starts; an indication registry, so CreateInstance,
 * ModifyInstance and DeleteInstance of filters, destinations and
 * subscriptions run), and the response building.
 *
 * Checks beyond "no crash, no leak, no sanitizer report": every request
 * gets an answer with a known status; the handler's answer carries no CR
 * or LF in a header value; a 200 with CIMOperation has a body that is
 * well-formed XML; 401 only without valid credentials and never after
 * them.  Every input starts from the same model, so a crash reproduces
 * from its input alone: after an input that changed it (the store's files
 * or the fake engine's counters moved) the model is built again; rebuilding
 * after every input would cost two thirds of the time.  Built by `make fuzz`; linked into tests/fuzz/replay_http
 * for `make check`.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <expat.h>

#include "tests/unit/fake_replica.h"

#include "conf/conf.h"
#include "daemon/auth.h"
#include "cim/cimop.h"
#include "daemon/cimglue.h"
#include "daemon/routes.h"
#include "daemon/http.h"
#include "base/log.h"
#include "daemon/metrics.h"
#include "indic/indic.h"
#include "tests/fuzz/fuzz_memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SYS		"2FF70002AC01A2B3"
#define MAX_HEADERS	64
#define MAX_BODY	(256u * 1024)	/* small cap: the 413 path is reached */
#define EDIT_AUTH	"Basic ZWRpdDplZGl0LVNlY3JldC0x"	/* edit-Secret-1 */

/* Lives for the process: users, conf, metrics; the model per input. */
static struct {
	bool ready;
	char dir[64];
	struct auth_db *auth;
	struct conf *conf;
	struct metrics *m;
	struct fake_rep f;
	struct replica_set *rs;
	struct indic *ix;		/* subscriptions: indications.db */
	char ixdb[96];
	unsigned kicks;			/* cs.indic_changed calls */
	struct cimop_server cs;
	struct routes routes;
	bool saw_handler;
	struct model_mark {
		size_t ncopies, ncreated, nremoved, ncancels;
		struct stat db, wal, ixdb, ixwal;
	} mark;
} H;

static void
harness_fail(const char *what)
{
	fuzz_assert(0, "fuzz_http", what);
}

static bool
has_crlf(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

static bool
xml_well_formed(const char *body, size_t len)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	bool ok;

	if (p == NULL)
		return true;	/* out of memory: nothing to judge */
	ok = XML_Parse(p, body, (int)len, 1) == XML_STATUS_OK;
	XML_ParserFree(p);
	return ok;
}

/* The daemon's handler, with the answer checked before http.c takes it. */
static void
harness_handler(void *arg, const struct http_req *req, struct http_resp *resp)
{
	bool cim_response = false;

	routes_handle(arg, req, resp);
	H.saw_handler = true;
	if (resp->deferred)
		return;
	if (resp->status < 100 || resp->status > 599)
		harness_fail("handler answered an impossible status");
	if (has_crlf(resp->content_type))
		harness_fail("CR or LF in a response header value");
	for (size_t i = 0; i < resp->nheaders; i++) {
		if (has_crlf(resp->headers[i].name) ||
		    has_crlf(resp->headers[i].value))
			harness_fail("CR or LF in a response header");
		if (strcmp(resp->headers[i].name, "CIMOperation") == 0)
			cim_response = true;
	}
	if (resp->status == 200 && cim_response &&
	    (resp->body == NULL || !xml_well_formed(resp->body,
	    resp->body_len)))
		harness_fail("CIM response body is not well-formed XML");
}

/* What an input could change in the model, as it stands now. */
static void
model_mark(struct model_mark *m)
{
	char wal[320];

	memset(m, 0, sizeof(*m));
	m->ncopies = H.f.ncopies;
	m->ncreated = H.f.ncreated;
	m->nremoved = H.f.nremoved;
	m->ncancels = H.f.ncancels;
	snprintf(wal, sizeof(wal), "%s-wal", H.f.db);
	(void)stat(H.f.db, &m->db);
	(void)stat(wal, &m->wal);
	snprintf(wal, sizeof(wal), "%s-wal", H.ixdb);
	(void)stat(H.ixdb, &m->ixdb);
	(void)stat(wal, &m->ixwal);
}

static bool
stat_differs(const struct stat *a, const struct stat *b)
{
	return a->st_size != b->st_size ||
	    a->st_mtim.tv_nsec != b->st_mtim.tv_nsec ||
	    a->st_mtim.tv_sec != b->st_mtim.tv_sec;
}

/* The daemon's export_kick: here only counted. */
static void
harness_kick(void *arg)
{
	(void)arg;
	H.kicks++;
}

static bool
model_changed(void)
{
	struct model_mark now;

	model_mark(&now);
	return now.ncopies != H.mark.ncopies ||
	    now.ncreated != H.mark.ncreated ||
	    now.nremoved != H.mark.nremoved ||
	    now.ncancels != H.mark.ncancels ||
	    now.db.st_size != H.mark.db.st_size ||
	    now.wal.st_size != H.mark.wal.st_size ||
	    now.db.st_mtim.tv_nsec != H.mark.db.st_mtim.tv_nsec ||
	    now.wal.st_mtim.tv_nsec != H.mark.wal.st_mtim.tv_nsec ||
	    now.db.st_mtim.tv_sec != H.mark.db.st_mtim.tv_sec ||
	    now.wal.st_mtim.tv_sec != H.mark.wal.st_mtim.tv_sec ||
	    stat_differs(&now.ixdb, &H.mark.ixdb) ||
	    stat_differs(&now.ixwal, &H.mark.ixwal);
}

/*
 * Each model starts with filters f0 and f9, destination d0 and the
 * subscription f0 -> d0, so that one input can modify or delete them
 * (an input that changes the registry gets a fresh model after it).
 */
static int
model_indic_records(void)
{
	struct indic_filter f = {
		.creation_class = (char *)"CIM_IndicationFilter",
		.system_ccn = (char *)"CIM_ComputerSystem",
		.system_name = (char *)SYS, .name = (char *)"f0",
		.query = (char *)"SELECT * FROM CIM_InstModification WHERE "
		    "SourceInstance ISA CIM_ConcreteJob",
		.query_language = (char *)"WQL",
		.source_namespace = (char *)"root/tpd",
		.source_namespaces = (char *)"", .element_name = (char *)"",
		.owner = (char *)"edit",
	};
	struct indic_filter f9 = f;
	struct indic_dest d = {
		.creation_class = (char *)"CIM_ListenerDestinationCIMXML",
		.system_ccn = (char *)"CIM_ComputerSystem",
		.system_name = (char *)SYS, .name = (char *)"d0",
		.destination = (char *)"http://127.0.0.1:5999/d0",
		.persistence_type = 2, .protocol = 2, .owner = (char *)"edit",
	};
	struct indic_sub sub = {
		.creation_class = (char *)"CIM_IndicationSubscription",
		.state = 2, .on_fatal_error = 2, .repeat_policy = 2,
		.owner = (char *)"edit",
	};

	f9.name = (char *)"f9";
	if (indic_filter_add(H.ix, &f) != 0 ||
	    indic_filter_add(H.ix, &f9) != 0 ||
	    indic_dest_add(H.ix, &d) != 0)
		return -1;
	sub.filter_id = f.id;
	sub.dest_id = d.id;
	return indic_sub_add(H.ix, &sub);
}

/* indications.db and its WAL files: a fresh registry per model. */
static void
model_unlink_indic(void)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char p[128];

	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", H.ixdb, sfx[i]);
		(void)unlink(p);
	}
}

static int
model_open(void)
{
	static const char *const names[] = { "a", "b", "c", "small" };
	struct replica_config cfg = { 0 };
	struct replica_ops ops;
	char err[256], path[400];
	uint32_t id;

	memset(&H.f, 0, sizeof(H.f));
	H.f.now = 1700000000000000LL;
	snprintf(H.f.dir, sizeof(H.f.dir), "%s", H.dir);
	snprintf(H.f.db, sizeof(H.f.db), "%s/state.db", H.dir);
	(void)unlink(H.f.db);
	ops = fake_rep_ops(&H.f);
	cfg.db_path = H.f.db;
	cfg.system_name = SYS;
	cfg.max_copy_tasks = 2;
	if (replica_set_open(&cfg, &ops, &H.rs, err, sizeof(err)) != 0 ||
	    replica_pool_add(H.rs, "p0", H.dir) != 0) {
		fprintf(stderr, "fuzz_http: model: %s\n", err);
		return -1;
	}
	for (unsigned i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s.img", H.dir, names[i]);
		if (replica_volume_configure(H.rs, names[i], "p0", path,
		    i == 3 ? 512 * 1024 : 1024 * 1024, 101 + i, &id) != 0)
			return -1;
	}
	if (replica_set_start(H.rs) != 0)
		return -1;
	/* Subscriptions (CreateInstance of filters, destinations, ...). */
	snprintf(H.ixdb, sizeof(H.ixdb), "%s/indications.db", H.dir);
	model_unlink_indic();
	if (indic_open(H.ixdb, NULL, &H.ix, err, sizeof(err)) != 0 ||
	    model_indic_records() != 0) {
		fprintf(stderr, "fuzz_http: indications: %s\n", err);
		return -1;
	}
	cimop_close(&H.cs, NULL, NULL);	/* no loop: frees its arena */
	memset(&H.cs, 0, sizeof(H.cs));
	H.cs.conf = H.conf;
	H.cs.rs = H.rs;
	H.cs.ix = H.ix;
	H.cs.indic_changed = harness_kick;
	H.cs.observe = cimglue_observe;
	H.cs.observe_arg = H.m;
	H.routes.cim = &H.cs;
	H.routes.metrics = H.m;
	H.routes.rs = H.rs;
	H.cs.limits.max_depth = H.conf->max_depth;
	H.cs.limits.max_elements = H.conf->max_elements;
	H.cs.limits.max_text = H.conf->max_text;
	model_mark(&H.mark);
	return 0;
}

static void
model_close(void)
{
	replica_set_free(H.rs);
	H.rs = NULL;
	(void)unlink(H.f.db);
	indic_close(H.ix);
	H.ix = NULL;
	model_unlink_indic();
}

static int
harness_init(void)
{
	static const struct auth_opts ao = { .iterations = 2 };
	char users[128], err[256];
	const char *base;
	struct stat st;

	log_init(true, LOG_LVL_ERROR);
	base = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp";
	snprintf(H.dir, sizeof(H.dir), "%s/fuzz_http.XXXXXX", base);
	if (mkdtemp(H.dir) == NULL)
		return -1;
	/* Low iteration counts: a login costs microseconds, not 50 ms. */
	snprintf(users, sizeof(users), "%s/users", H.dir);
	if (auth_passwd(users, "edit", "edit-Secret-1", AUTH_EDIT, &ao) != 0 ||
	    auth_passwd(users, "browse", "browse-Secret-1", AUTH_BROWSE,
	    &ao) != 0 ||
	    auth_db_load(users, &ao, &H.auth, err, sizeof(err)) != 0)
		return -1;
	(void)unlink(users);
	if ((H.conf = conf_defaults()) == NULL || (H.m = metrics_new()) == NULL)
		return -1;
	H.ready = true;
	return 0;
}

/* Skips blanks as MHD does around header values. */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/*
 * Splits the input in place (buf is a NUL-terminated copy of the header
 * part).  Returns false for what MHD itself would refuse before calling
 * the access handler.
 */
static bool
split_request(char *buf, struct http_mem_req *in,
    const char *(*hdrs)[2])
{
	char *line, *next, *sp1, *sp2, *colon;

	if ((next = strchr(buf, '\n')) != NULL)
		*next++ = '\0';
	line = trim(buf);
	if ((sp1 = strchr(line, ' ')) == NULL ||
	    (sp2 = strchr(sp1 + 1, ' ')) == NULL)
		return false;
	*sp1 = *sp2 = '\0';
	in->method = line;
	in->url = sp1 + 1;
	in->version = sp2 + 1;
	if (*in->method == '\0' || *in->url == '\0' ||
	    strncmp(in->version, "HTTP/1.", 7) != 0)
		return false;
	for (line = next; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((colon = strchr(line, ':')) == NULL || colon == line)
			return false;
		*colon = '\0';
		if (in->nheaders == MAX_HEADERS)
			return false;
		hdrs[in->nheaders][0] = line;
		hdrs[in->nheaders++][1] = trim(colon + 1);
	}
	in->headers = (const char *const (*)[2])hdrs;
	return true;
}

/* The end of the header part ("\r\n\r\n" or "\n\n"), or NULL. */
static const uint8_t *
header_end(const uint8_t *data, size_t size, size_t *skip)
{
	for (size_t i = 0; i + 1 < size; i++) {
		if (data[i] == '\n' && data[i + 1] == '\n') {
			*skip = 2;
			return data + i;
		}
		if (i + 3 < size && memcmp(data + i, "\r\n\r\n", 4) == 0) {
			*skip = 4;
			return data + i;
		}
	}
	return NULL;
}

static void
check_answer(const struct http_mem_req *in, const struct http_mem_answer *a)
{
	const char *auth = NULL;

	for (size_t i = 0; i < in->nheaders; i++)
		if (strcasecmp(in->headers[i][0], "Authorization") == 0) {
			auth = in->headers[i][1];
			break;
		}
	if (a->status == 0)
		return;		/* dropped (out of memory, body refused) */
	if (a->status < 100 || a->status > 599)
		harness_fail("impossible status");
	if (a->status == 401 && auth != NULL && strcmp(auth, EDIT_AUTH) == 0)
		harness_fail("valid credentials refused");
	if (a->status == 401 && (a->headers == NULL ||
	    strstr(a->headers, "WWW-Authenticate: Basic realm=") == NULL))
		harness_fail("401 without a Basic challenge");
	if (H.saw_handler && (auth == NULL || strcmp(auth, EDIT_AUTH) != 0) &&
	    auth_check_header(H.auth, auth, NULL, 0) == AUTH_NONE)
		harness_fail("handler ran without credentials");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *hdrs[MAX_HEADERS][2];
	struct http_opts o = { 0 };
	struct http_mem_req in = { 0 };
	struct http_mem_answer a;
	struct http_server *srv = NULL;
	const uint8_t *end;
	size_t skip = 0, hlen, blen;
	char *buf;
	int rc;

	if (!H.ready && harness_init() != 0)
		harness_fail("cannot set up");
	if ((end = header_end(data, size, &skip)) == NULL)
		return 0;	/* MHD waits for the end of the headers */
	hlen = (size_t)(end - data);
	if (memchr(data, '\0', hlen) != NULL || hlen > 16 * 1024)
		return 0;	/* MHD answers 400 / 431 itself */
	if ((buf = malloc(hlen + 1)) == NULL)
		return 0;
	memcpy(buf, data, hlen);
	buf[hlen] = '\0';
	if (!split_request(buf, &in, hdrs))
		goto out_buf;
	in.body = (const char *)end + skip;
	blen = size - hlen - skip;
	in.body_len = blen;
	in.piece = 1 + (blen * 31 + size) % 4096;
	if (H.rs == NULL && model_open() != 0)
		harness_fail("cannot open the demo model");
	o.nlisten = 0;
	o.max_body = MAX_BODY;
	o.timeout = 30;
	o.max_connections = 16;
	o.realm = "arrayd";
	o.handler = harness_handler;
	o.handler_arg = &H.routes;
	if (http_server_new_detached(&o, H.auth, &srv) != 0)
		goto out_model;
	H.saw_handler = false;
	rc = http_server_serve_mem(srv, &in, &a);
	fuzz_assert(rc == 0 || rc == -ENOMEM, "fuzz_http", "serve_mem failed");
	if (rc == 0)
		check_answer(&in, &a);
	if (getenv("FUZZ_HTTP_SHOW") != NULL)	/* seeing what a seed reaches */
		fprintf(stderr, "fuzz_http: %s %s -> %u%s\n%s", in.method,
		    in.url, a.status, a.closed ? " (closed)" : "",
		    a.headers != NULL ? a.headers : "");
	http_mem_answer_release(&a);
	http_server_close(srv, NULL, NULL);
out_model:
	if (model_changed())
		model_close();
out_buf:
	free(buf);
	return 0;
}
