/* SPDX-License-Identifier: ISC */
/*
 * control.c - the local control socket: a uv_pipe_t on
 * state_dir/arrayd.sock (0600) serving one request per connection ("status"
 * gives a tab-separated snapshot of volumes, pairs and jobs; control.h has
 * the format).  Read-only: it never changes replica state, and it holds no
 * pointer into the replica set beyond one call.
 */
#include "daemon/control.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "conf/conf.h"
#include "daemon/copyglue.h"
#include "daemon/poolmode.h"
#include "daemon/export.h"
#include "replica/replica.h"

#define CONTROL_REQ_MAX	64

struct control_client {
	struct control_client	*next;
	struct control		*ctl;
	uv_pipe_t		 pipe;
	uv_write_t		 wr;
	char			 req[CONTROL_REQ_MAX];
	size_t			 len;
	char			*out;
	bool			 closing;
};

struct control {
	uv_pipe_t		 server;
	char			*path;
	struct replica_set	*rs;
	struct copyglue		*glue;
	const struct conf	*conf;		/* pools to list; may be NULL */
	const struct poolmode	*pm;		/* their copy modes; may be NULL */
	const struct export	*ex;		/* indications; may be NULL */
	struct control_client	*clients;
	unsigned		 pending;	/* handles still closing */
	bool			 closing;
	void			(*cb)(void *);
	void			*cb_arg;
};

/* ------------------------------------------------------------ snapshot */

struct sbuf {
	char	*p;
	size_t	 len, cap;
	bool	 oom;
};

static void __attribute__((format(printf, 2, 3)))
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *np;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		np = realloc(b->p, b->cap * 2 + (size_t)n);
		if (np == NULL) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = b->cap * 2 + (size_t)n;
	}
}

static void
control_volume_line(struct sbuf *b, const struct rvolume *v)
{
	char flags[64] = "";

	if (v->configured)
		strcat(flags, ",configured");
	if (v->is_snapshot)
		strcat(flags, ",snapshot");
	if (v->failed)
		strcat(flags, ",failed");
	if (v->missing)
		strcat(flags, ",missing");
	sbuf_printf(b, "volume\t%" PRIu32 "\t%s\t%s\t%" PRIu64 "\t%s\n",
	    v->id, v->name, v->pool, v->size,
	    flags[0] != '\0' ? flags + 1 : "-");
}

static void
control_job_line(struct sbuf *b, const struct rjob *j,
    const struct copyglue *g)
{
	double rate = 0.0;
	char eta[32] = "-";

	if (g != NULL && j->state == JOB_RUNNING &&
	    copyglue_job_rate(g, j->id, &rate) && rate > 0.0 &&
	    j->bytes_total >= j->bytes_done)
		snprintf(eta, sizeof(eta), "%.0f",
		    (double)(j->bytes_total - j->bytes_done) / rate);
	sbuf_printf(b, "job\t%" PRIu64 "\t%s\t%u\t%s\t%u\t%" PRIu64 "\t%"
	    PRIu64 "\t%.0f\t%s\n", j->id, job_kind_name(j->kind), j->state,
	    job_state_name(j->state), j->percent, j->bytes_done,
	    j->bytes_total, rate, eta);
}

/* A pool the replica set does not know (its folder failed) is left out. */
static void
control_pool_line(struct sbuf *b, const struct replica_set *rs,
    const struct poolmode *pm, const char *name)
{
	struct replica_pool_usage u;
	const char *mode = poolmode_text(pm, name);
	char limit[24] = "-";

	if (replica_pool_usage(rs, name, &u) != 0)
		return;
	if (u.limit != UINT64_MAX)
		snprintf(limit, sizeof(limit), "%" PRIu64, u.limit);
	sbuf_printf(b, "pool\t%s\t%u\t%" PRIu64 "\t%s\t%u\t%" PRIu64 "\t%"
	    PRIu64 "\t%s\n", name, u.volumes, u.provisioned, limit,
	    u.overprovision, u.capacity, u.free, mode != NULL ? mode : "-");
}

/* Pools in configuration order, then the Block Services counters. */
static void
control_pools(struct sbuf *b, const struct replica_set *rs,
    const struct poolmode *pm, const struct conf *c)
{
	struct replica_counters k;

	for (size_t i = 0; c != NULL && i < c->npools; i++)
		control_pool_line(b, rs, pm, c->pools[i].name);
	replica_counters_get(rs, &k);
	sbuf_printf(b, "counters\t%" PRIu64 "\t%" PRIu64 "\n",
	    k.volumes_created, k.volumes_deleted);
}

char *
control_snapshot(const struct replica_set *rs, const struct copyglue *g,
    const struct conf *c, const struct poolmode *pm, const struct export *ex)
{
	char *ind = NULL;
	struct sbuf b = { NULL, 0, 4096, false };
	const struct rpair *p;
	char pct[16];

	if ((b.p = malloc(b.cap)) == NULL)
		return NULL;
	sbuf_printf(&b, "arrayd\t1\t%s\n", replica_system_name(rs));
	control_pools(&b, rs, pm, c);
	for (size_t i = 0; i < replica_volume_count(rs); i++)
		control_volume_line(&b, replica_volume_at(rs, i));
	for (size_t i = 0; i < replica_pair_count(rs); i++) {
		p = replica_pair_at(rs, i);
		if (p->percent_synced < 0)
			strcpy(pct, "-");
		else
			snprintf(pct, sizeof(pct), "%d", p->percent_synced);
		sbuf_printf(&b, "pair\t%" PRIu32 "\t%" PRIu32 "\t%s\t%u\t%s\t"
		    "%u\t%s\n", p->src_id, p->tgt_id,
		    p->kind == PAIR_PC ? "PC" : "VC", p->sync_state,
		    sync_state_name(p->sync_state), p->copy_type, pct);
	}
	for (size_t i = 0; i < replica_job_count(rs); i++)
		control_job_line(&b, replica_job_at(rs, i), g);
	if (ex != NULL && (ind = export_status_lines(ex)) == NULL)
		b.oom = true;
	sbuf_printf(&b, "%send\n", ind != NULL ? ind : "");
	free(ind);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* ------------------------------------------------------------- clients */

static void
control_maybe_done(struct control *c)
{
	if (!c->closing || c->pending > 0)
		return;
	if (c->cb != NULL)
		c->cb(c->cb_arg);
	free(c->path);
	free(c);
}

static void
on_client_closed(uv_handle_t *h)
{
	struct control_client *cl = h->data, **pp;
	struct control *c = cl->ctl;

	for (pp = &c->clients; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	}
	free(cl->out);
	free(cl);
	c->pending--;
	control_maybe_done(c);
}

static void
control_client_close(struct control_client *cl)
{
	if (cl->closing)
		return;
	cl->closing = true;
	uv_close((uv_handle_t *)&cl->pipe, on_client_closed);
}

static void
on_client_written(uv_write_t *wr, int status)
{
	struct control_client *cl = wr->data;

	(void)status;
	control_client_close(cl);
}

static void
control_client_answer(struct control_client *cl)
{
	struct control *c = cl->ctl;
	uv_buf_t buf;

	uv_read_stop((uv_stream_t *)&cl->pipe);
	if (strcmp(cl->req, "status") == 0)
		cl->out = control_snapshot(c->rs, c->glue, c->conf, c->pm,
		    c->ex);
	else
		cl->out = strdup("error\tunknown request\n");
	if (cl->out == NULL) {
		control_client_close(cl);
		return;
	}
	buf = uv_buf_init(cl->out, (unsigned)strlen(cl->out));
	cl->wr.data = cl;
	if (uv_write(&cl->wr, (uv_stream_t *)&cl->pipe, &buf, 1,
	    on_client_written) != 0)
		control_client_close(cl);
}

static void
on_client_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct control_client *cl = h->data;

	(void)hint;
	*buf = uv_buf_init(cl->req + cl->len,
	    (unsigned)(sizeof(cl->req) - 1 - cl->len));
}

static void
on_client_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct control_client *cl = s->data;
	char *nl;

	(void)buf;
	if (n < 0) {
		control_client_close(cl);
		return;
	}
	cl->len += (size_t)n;
	cl->req[cl->len] = '\0';
	if ((nl = strchr(cl->req, '\n')) != NULL) {
		*nl = '\0';
		if (nl > cl->req && nl[-1] == '\r')
			nl[-1] = '\0';
		control_client_answer(cl);
	} else if (cl->len >= sizeof(cl->req) - 1)
		control_client_close(cl);
}

static void
on_control_connection(uv_stream_t *server, int status)
{
	struct control *c = server->data;
	struct control_client *cl;

	if (status != 0 || c->closing)
		return;
	if ((cl = calloc(1, sizeof(*cl))) == NULL)
		return;
	cl->ctl = c;
	uv_pipe_init(server->loop, &cl->pipe, 0);
	cl->pipe.data = cl;
	cl->next = c->clients;
	c->clients = cl;
	c->pending++;
	if (uv_accept(server, (uv_stream_t *)&cl->pipe) != 0 ||
	    uv_read_start((uv_stream_t *)&cl->pipe, on_client_alloc,
	    on_client_read) != 0)
		control_client_close(cl);
}

/* ----------------------------------------------------------- lifecycle */

static void
on_server_closed(uv_handle_t *h)
{
	struct control *c = h->data;

	c->pending--;
	control_maybe_done(c);
}

int
control_start(uv_loop_t *loop, const char *path, struct replica_set *rs,
    struct copyglue *g, struct control **out, char *errbuf, size_t errlen)
{
	struct control *c;
	int err;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->path = strdup(path)) == NULL) {
		free(c);
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	c->rs = rs;
	c->glue = g;
	uv_pipe_init(loop, &c->server, 0);
	c->server.data = c;
	c->pending = 1;
	(void)unlink(path);
	if ((err = uv_pipe_bind(&c->server, path)) != 0 ||
	    (err = chmod(path, 0600) == -1 ? uv_translate_sys_error(errno) :
	    0) != 0 ||
	    (err = uv_listen((uv_stream_t *)&c->server, 16,
	    on_control_connection)) != 0) {
		snprintf(errbuf, errlen, "%s: %s", path, uv_strerror(err));
		c->closing = true;
		uv_close((uv_handle_t *)&c->server, on_server_closed);
		return err;
	}
	*out = c;
	return 0;
}

void
control_set_conf(struct control *c, const struct conf *conf)
{
	if (c != NULL)
		c->conf = conf;
}

void
control_set_poolmode(struct control *c, const struct poolmode *pm)
{
	if (c != NULL)
		c->pm = pm;
}

void
control_set_export(struct control *c, const struct export *ex)
{
	if (c != NULL)
		c->ex = ex;
}

void
control_close(struct control *c, void (*cb)(void *arg), void *arg)
{
	struct control_client *cl;

	c->cb = cb;
	c->cb_arg = arg;
	c->closing = true;
	(void)unlink(c->path);
	for (cl = c->clients; cl != NULL; cl = cl->next)
		control_client_close(cl);
	uv_close((uv_handle_t *)&c->server, on_server_closed);
}
