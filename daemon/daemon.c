/* SPDX-License-Identifier: ISC */
/*
 * daemon.c - the process lifecycle.  Owns the uv_loop_t (never the
 * default loop), the signal handles and every module object; starts them
 * in dependency order (log, conf, state dir, lock, TLS, users, copy
 * engine, replica set, control socket, HTTP last), reloads on SIGHUP
 * (parse new, validate, swap) and stops on SIGTERM/SIGINT in reverse
 * order, draining copies to a checkpoint first.  uv_run is called only
 * here.  Start-up failures are one clear message and exit status 1.
 */
#include "daemon/daemon.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blockdev/blockdev.h"
#include "cim/indication.h"
#include "conf/conf.h"
#include "daemon/auth.h"
#include "daemon/control.h"
#include "daemon/cimglue.h"
#include "daemon/copyglue.h"
#include "daemon/dbckpt.h"
#include "daemon/failpoint.h"
#include "daemon/export.h"
#include "daemon/http.h"
#include "base/log.h"
#include "daemon/metrics.h"
#include "daemon/poolmode.h"
#include "daemon/routes.h"
#include "daemon/tlscert.h"
#include "daemon/volsetup.h"
#include "indic/indic.h"
#include "replica/replica.h"

#define DRAIN_TICK_MS	100
#define DRAIN_MAX_TICKS	100	/* 10 s */

char *
daemon_path_join(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) == -1)
		return NULL;
	return p;
}

char *
daemon_users_path(const struct conf *c)
{
	if (c->users_file != NULL && c->users_file[0] != '\0')
		return strdup(c->users_file);
	return daemon_path_join(c->state_dir, "users");
}

int
daemon_conf_load(const char *path, struct conf **out)
{
	struct conf_errors errs = { NULL, 0 };
	struct conf *c = NULL;
	int err;

	*out = NULL;
	err = conf_load(path, &c, &errs);
	if (err == 0)
		err = conf_validate(c, &errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msgs[i]);
	if (err != 0 && errs.n == 0)
		fprintf(stderr, "%s: %s\n", path, strerror(-err));
	conf_errors_release(&errs);
	if (err != 0) {
		conf_free(c);
		return err;
	}
	*out = c;
	return 0;
}

static int
daemon_log_level(const struct conf *c, int verbose)
{
	int lvl = c->log_level != NULL ? log_level_parse(c->log_level) : -1;

	if (lvl < 0)
		lvl = LOG_LVL_INFO;
	lvl += verbose;
	return lvl > LOG_LVL_DEBUG ? LOG_LVL_DEBUG : lvl;
}

/* ------------------------------------------------------------ start-up */

/* mkdir -p with `mode` for the folders it creates.  0 or -errno. */
static int
daemon_mkdirs(const char *path, mode_t mode)
{
	char *p, *s;
	int err = 0;

	if ((p = strdup(path)) == NULL)
		return -ENOMEM;
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, mode) == -1 && errno != EEXIST) {
			err = -errno;
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return err;
}

/* A folder we must write into: create it if missing, check access. */
static int
daemon_dir_ready(const char *what, const char *path, mode_t mode)
{
	struct statvfs vfs;
	struct stat st;
	int err;

	if (stat(path, &st) == -1) {
		if ((err = daemon_mkdirs(path, mode)) != 0) {
			log_errorx("%s %s: cannot create: %s", what, path,
			    strerror(-err));
			return err;
		}
	} else if (!S_ISDIR(st.st_mode)) {
		log_errorx("%s %s: not a directory", what, path);
		return -ENOTDIR;
	}
	if (access(path, W_OK | X_OK) == -1) {
		err = -errno;
		log_errorx("%s %s is not writable: %s", what, path,
		    strerror(-err));
		return err;
	}
	if (statvfs(path, &vfs) == 0 && vfs.f_bavail == 0) {
		log_errorx("%s %s: no space left on device", what, path);
		return -ENOSPC;
	}
	return 0;
}

static int
daemon_lock(struct daemon *d)
{
	char *p = daemon_path_join(d->conf->state_dir, "arrayd.lock");
	int err = 0;

	if (p == NULL)
		return -ENOMEM;
	d->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lock_fd == -1) {
		err = -errno;
		log_errorx("%s: %s", p, strerror(-err));
	} else if (flock(d->lock_fd, LOCK_EX | LOCK_NB) == -1) {
		err = -errno;
		if (err == -EWOULDBLOCK)
			log_errorx("another arrayd is running on %s",
			    d->conf->state_dir);
		else
			log_errorx("%s: cannot lock: %s", p, strerror(-err));
	}
	free(p);
	return err;
}

static int
daemon_tls(struct daemon *d)
{
	const struct conf *c = d->conf;
	char *crt = NULL, *key = NULL, errbuf[256] = "";
	int err;

	if (c->https_port == 0)
		return 0;
	if (c->tls_cert != NULL && c->tls_cert[0] != '\0') {
		crt = strdup(c->tls_cert);
		key = strdup(c->tls_key != NULL ? c->tls_key : "");
	} else {
		crt = daemon_path_join(c->state_dir, "tls.crt");
		key = daemon_path_join(c->state_dir, "tls.key");
	}
	if (crt == NULL || key == NULL) {
		err = -ENOMEM;
		goto out;
	}
	if (c->tls_cert == NULL || c->tls_cert[0] == '\0') {
		err = tlscert_ensure(crt, key, c->host_name != NULL ?
		    c->host_name : "localhost", errbuf, sizeof(errbuf));
		if (err != 0) {
			log_errorx("tls: %s: %s", crt, errbuf[0] != '\0' ?
			    errbuf : strerror(-err));
			goto out;
		}
	}
	err = tlscert_load(crt, key, &d->cert_pem, &d->key_pem, errbuf,
	    sizeof(errbuf));
	if (err != 0)
		log_errorx("tls: %s, %s: %s", crt, key, errbuf[0] != '\0' ?
		    errbuf : strerror(-err));
out:
	free(crt);
	free(key);
	return err;
}

static int
daemon_auth_load(const struct conf *c, struct auth_db **out)
{
	char *path = daemon_users_path(c), errbuf[256] = "";
	int err;

	if (path == NULL)
		return -ENOMEM;
	err = auth_db_load(path, NULL, out, errbuf, sizeof(errbuf));
	if (err != 0)
		log_errorx("users file %s: %s", path, errbuf[0] != '\0' ?
		    errbuf : strerror(-err));
	else if (auth_db_count(*out) == 0)
		log_warnx("users file %s: no users, nobody can log in (add "
		    "one with: arrayd passwd --role edit NAME)", path);
	free(path);
	return err;
}

/* The pool's overprovision percent from the configuration (start, reload). */
static int
daemon_pool_limit(struct daemon *d, const struct conf_pool *p)
{
	int err = replica_pool_set_overprovision(d->rs, p->name,
	    p->overprovision);

	if (err != 0)
		log_errorx("pool %s: overprovision: %s", p->name,
		    strerror(-err));
	return err;
}

/* The pool's copy mode: probed, logged when new or changed (start, reload). */
static int
daemon_pool_mode(struct daemon *d, const struct conf_pool *p)
{
	int err = poolmode_update(d->poolmode, d->rs, p, true);

	if (err != 0)
		log_errorx("pool %s: copy mode: %s", p->name, strerror(-err));
	return err;
}

static int
daemon_pool_add(struct daemon *d, const struct conf_pool *p)
{
	char what[128];
	int err;

	snprintf(what, sizeof(what), "pool %s: folder", p->name);
	if ((err = daemon_dir_ready(what, p->path, 0750)) != 0)
		return err;
	if ((err = replica_pool_add(d->rs, p->name, p->path)) != 0) {
		log_errorx("pool %s: %s", p->name, strerror(-err));
		return err;
	}
	if ((err = daemon_pool_limit(d, p)) != 0)
		return err;
	return daemon_pool_mode(d, p);
}

/*
 * Per-target digest maps let a Resync read only the source.  Without the
 * folder copies still work, they just read both sides: log and go on.
 */
static void
daemon_digest_dir(struct daemon *d)
{
	char *dir = daemon_path_join(d->conf->state_dir, "digests");
	int err = dir != NULL ? copyglue_set_digest_dir(d->glue, dir) : -ENOMEM;

	if (err != 0)
		log_warn_err(err, "digest maps in %s: resyncs will read both "
		    "volumes", dir != NULL ? dir : d->conf->state_dir);
	free(dir);
}

/*
 * A committed replica change (after the transaction, on the loop thread):
 * deferred answers waiting on a pair and the change counters learn it here.
 */
static void
on_replica_changed(void *arg, const struct replica_event *ev)
{
	struct daemon *d = arg;

	cimop_changed(&d->cimop, ev);
	metrics_observe_change(d->metrics, ev);
	/* Subscribers learn it too: queued now, delivered by the exporter. */
	if (d->ci != NULL)
		cim_indicate(d->ci, ev);
}

static int
daemon_replicas(struct daemon *d)
{
	const struct conf *c = d->conf;
	struct copy_engine_opts eo;
	struct replica_config rc;
	struct replica_ops ops;
	char errbuf[256] = "", *db;
	int err;

	memset(&eo, 0, sizeof(eo));
	eo.chunk_size = c->chunk_size;
	eo.max_inflight_total = c->copy_inflight;
	/* One copy alone may use every slot: more I/O in flight is what
	 * this kind of disk rewards (tests/bench/copy.sh). */
	eo.max_inflight_job = c->copy_inflight;
	/*
	 * Reads: O_DIRECT for what the page cache lacks (flat memory, the
	 * cache left to the hosts), the cache for what it holds.  Writes:
	 * buffered with streamed write-back, a bounded window in the cache;
	 * faster than O_DIRECT writes on every case of tests/bench/copy.sh
	 * (README).  A file system that refuses O_DIRECT gets buffered I/O.
	 */
	eo.use_direct_io = true;
	eo.direct_writes = false;
	if ((err = copy_engine_new(&d->loop, &eo, &d->eng)) != 0) {
		log_errorx("copy engine: %s", strerror(-err));
		return err;
	}
	d->glue = copyglue_new(d->eng, d->metrics, c->copy_rate_limit);
	d->poolmode = poolmode_new();
	if (d->glue == NULL || d->poolmode == NULL ||
	    (db = daemon_path_join(c->state_dir, "arrayd.db")) == NULL)
		return -ENOMEM;
	daemon_digest_dir(d);
	/* Point-in-time images are taken on the loop's thread pool. */
	copyglue_set_loop(d->glue, &d->loop);
	copyglue_ops(d->glue, &ops);
	rc.db_path = db;
	rc.system_name = c->system_name;
	rc.max_copy_tasks = c->max_copy_tasks;
	err = replica_set_open(&rc, &ops, &d->rs, errbuf, sizeof(errbuf));
	if (err != 0)
		log_errorx("%s: %s", db, errbuf[0] != '\0' ? errbuf :
		    strerror(-err));
	else if (failpoint_is("no-state-checkpoint"))
		log_warnx("failpoint no-state-checkpoint: %s: not checkpointed",
		    db);
	else if ((err = dbckpt_start(&d->loop, db, 1000, &d->ckpt)) != 0)
		log_errorx("%s: checkpointer: %s", db, strerror(-err));
	free(db);
	if (err != 0)
		return err;
	copyglue_set_replica_set(d->glue, d->rs);
	copyglue_set_changed(d->glue, on_replica_changed, d);
	for (size_t i = 0; i < c->npools; i++)
		if ((err = daemon_pool_add(d, &c->pools[i])) != 0)
			return err;
	for (size_t i = 0; i < c->nvolumes; i++)
		if ((err = volsetup_add(d->rs, &c->volumes[i])) != 0)
			return err;
	if ((err = replica_set_start(d->rs)) != 0) {
		log_errorx("replica set: cannot start: %s", strerror(-err));
		return err;
	}
	/* Images a crash left that no pair or job names any more. */
	copyglue_images_sweep(d->glue, d->rs);
	return 0;
}

/* The registry's limits from [indications] (start, reload). */
static void
daemon_indic_limits(const struct conf *c, struct indic_limits *lim)
{
	lim->max_subscriptions = c->indications.max_subscriptions;
	lim->max_per_user = c->indications.max_per_user;
	lim->queue_max = c->indications.queue_max;
}

/* A CA bundle that cannot be read fails every https delivery: say so now. */
static int
daemon_ca_file_ok(const struct conf *c)
{
	const char *ca = c->indications.ca_file;

	if (ca == NULL || access(ca, R_OK) == 0)
		return 0;
	log_errorx("[indications] ca_file %s: %s", ca, strerror(errno));
	return -errno;
}

/*
 * Replica changes become indications queued for every matching
 * subscription; each queued one kicks the exporter.
 * SourceInstanceHost is the host_name of the configuration, else ours.
 */
static int
daemon_indication_events(struct daemon *d)
{
	struct cim_indication_opts o;
	char host[256] = "";
	int err;

	memset(&o, 0, sizeof(o));
	if (d->conf->host_name != NULL)
		snprintf(host, sizeof(host), "%s", d->conf->host_name);
	else if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	o.conf = d->conf;
	o.rs = d->rs;
	o.ix = d->ix;
	o.host = host;
	o.progress_interval_ms = d->conf->indications.progress_interval_ms;
	o.kick = export_kick;
	o.kick_arg = d->ex;
	if ((err = cim_indication_new(&o, &d->ci)) != 0)
		log_errorx("indications: %s", strerror(-err));
	return err;
}

/*
 * When [indications] enabled (the default): the registry
 * <state_dir>/indications.db (a file that is not ours stops the start, as
 * the replica store does: subscriptions silently lost would be worse),
 * its delivery (what an earlier run queued goes out as soon as the loop
 * runs) and the events that fill it.
 */
static int
daemon_indications(struct daemon *d)
{
	const struct conf *c = d->conf;
	struct indic_limits lim;
	struct indic_totals t;
	char errbuf[256] = "", *db;
	int err;

	if (!c->indications.enabled) {
		log_info("indications: off ([indications] enabled = no): no "
		    "subscriptions served, nothing queued or sent");
		return 0;
	}
	if ((err = daemon_ca_file_ok(c)) != 0)
		return err;
	if ((db = daemon_path_join(c->state_dir, "indications.db")) == NULL)
		return -ENOMEM;
	daemon_indic_limits(c, &lim);
	err = indic_open(db, &lim, &d->ix, errbuf, sizeof(errbuf));
	if (err != 0)
		log_errorx("%s: %s", db, errbuf[0] != '\0' ? errbuf :
		    strerror(-err));
	/*
	 * Every push and ack appends to the WAL; checkpointed on the thread
	 * pool each second, SQLite's own checkpoint (and its fsyncs) on the
	 * loop thread stays rare (tests/bench/indications.sh: GetInstance
	 * p99 during a burst).
	 */
	else if ((err = dbckpt_start(&d->loop, db, 1000, &d->ind_ckpt)) != 0)
		log_errorx("%s: checkpointer: %s", db, strerror(-err));
	free(db);
	if (err != 0)
		return err;
	if ((err = export_start(&d->loop, d->ix, c, &d->ex)) != 0) {
		log_errorx("indications: cannot start delivery: %s",
		    strerror(-err));
		return err;
	}
	if ((err = daemon_indication_events(d)) != 0)
		return err;
	indic_totals(d->ix, &t);
	log_info("indications: %u subscriptions, %" PRIu64 " queued; a "
	    "failed delivery is retried for %u s", t.subs, t.queued,
	    conf_retry_window(&c->indications));
	return 0;
}

static void
daemon_cimop_limits(struct daemon *d)
{
	d->cimop.conf = d->conf;
	d->cimop.limits.max_depth = d->conf->max_depth;
	d->cimop.limits.max_elements = d->conf->max_elements;
	d->cimop.limits.max_text = d->conf->max_text;
}

/* The front door's defences, from the configuration (one place). */
static void
daemon_http_guard(const struct conf *c, struct http_guard_opts *g)
{
	memset(g, 0, sizeof(*g));
	g->header_timeout = c->header_timeout;
	g->handshake_timeout = c->tls_handshake_timeout;
	g->body_min_rate = c->body_min_rate;
	g->max_per_address = c->max_connections_per_address;
	g->auth_max_active = c->auth_workers;
	g->auth_max_queued = c->auth_queue;
	g->auth_fail_delay_ms = c->auth_fail_delay * 1000;
	/*
	 * A share smaller than max_body would refuse every body of that
	 * size: the budget is raised to hold one, as documented.
	 */
	g->body_budget_user = c->max_body_memory_per_user > c->max_body ?
	    c->max_body_memory_per_user : c->max_body;
	g->body_budget = c->max_body_memory > g->body_budget_user ?
	    c->max_body_memory : g->body_budget_user;
}

static int
daemon_listen(struct daemon *d)
{
	const struct conf *c = d->conf;
	struct http_opts o;
	char errbuf[256] = "", *sock;
	const char *url;
	int err;

	sock = daemon_path_join(c->state_dir, "arrayd.sock");
	if (sock == NULL)
		return -ENOMEM;
	err = control_start(&d->loop, sock, d->rs, d->glue, &d->ctl, errbuf,
	    sizeof(errbuf));
	free(sock);
	if (err != 0) {
		log_errorx("control socket: %s", errbuf);
		return err;
	}
	control_set_conf(d->ctl, c);
	control_set_poolmode(d->ctl, d->poolmode);
	control_set_export(d->ctl, d->ex);
	memset(&o, 0, sizeof(o));
	o.listen = (const char *const *)c->listen;
	o.nlisten = c->nlisten;
	o.https_port = c->https_port;
	o.http_port = c->http_port;
	o.cert_pem = d->cert_pem;
	o.key_pem = d->key_pem;
	o.max_body = c->max_body;
	o.timeout = c->timeout;
	o.max_connections = c->max_connections;
	o.realm = c->host_name != NULL ? c->host_name : "arrayd";
	daemon_http_guard(c, &o.guard);
	o.metrics = d->metrics;
	o.handler = routes_handle;
	o.handler_arg = &d->routes;
	err = http_server_start(&d->loop, &o, d->auth, &d->http, errbuf,
	    sizeof(errbuf));
	if (err != 0) {
		log_errorx("%s", errbuf);
		return err;
	}
	for (size_t i = 0; (url = http_server_url(d->http, i)) != NULL; i++)
		log_info("listening on %s", url);
	return 0;
}

/* ------------------------------------------------------------ reload */

static void
daemon_reload_warn(const struct conf *o, const struct conf *n)
{
	bool same = o->nlisten == n->nlisten &&
	    o->https_port == n->https_port && o->http_port == n->http_port &&
	    strcmp(o->state_dir, n->state_dir) == 0 &&
	    (o->tls_cert == NULL) == (n->tls_cert == NULL) &&
	    (o->tls_cert == NULL || strcmp(o->tls_cert, n->tls_cert) == 0) &&
	    o->chunk_size == n->chunk_size &&
	    o->copy_inflight == n->copy_inflight;

	for (size_t i = 0; same && i < o->nlisten; i++)
		same = strcmp(o->listen[i], n->listen[i]) == 0;
	if (!same)
		log_warnx("reload: listen, ports, state_dir, TLS files, "
		    "chunk_size and copy_inflight change only on restart");
	if (o->indications.enabled != n->indications.enabled)
		log_warnx("reload: [indications] enabled changes only on "
		    "restart");
	for (size_t i = 0; i < o->nvolumes; i++) {
		bool kept = false;

		for (size_t j = 0; !kept && j < n->nvolumes; j++)
			kept = strcmp(o->volumes[i].name,
			    n->volumes[j].name) == 0;
		if (!kept)
			log_warnx("reload: volume %s was removed from the "
			    "configuration; it stays known until restart",
			    o->volumes[i].name);
	}
}

static void
daemon_reload(struct daemon *d)
{
	struct conf *n;
	struct auth_db *auth;
	struct http_guard_opts guard;

	log_info("reload: reading %s", d->conf_path);
	if (daemon_conf_load(d->conf_path, &n) != 0) {
		log_errorx("reload: %s is not valid, keeping the running "
		    "configuration", d->conf_path);
		return;
	}
	if (daemon_ca_file_ok(n) != 0 || daemon_auth_load(n, &auth) != 0) {
		log_errorx("reload: keeping the running configuration");
		conf_free(n);
		return;
	}
	daemon_reload_warn(d->conf, n);
	log_set_level(daemon_log_level(n, d->verbose));
	http_server_set_auth(d->http, auth);
	auth_db_free(d->auth);
	d->auth = auth;
	http_server_set_limits(d->http, n->max_body, n->timeout);
	daemon_http_guard(n, &guard);
	http_server_set_guard(d->http, &guard);
	replica_set_max_copy_tasks(d->rs, n->max_copy_tasks);
	copyglue_set_rate(d->glue, n->copy_rate_limit);
	/* New pools are added; known ones take their new limit. */
	for (size_t i = 0; i < n->npools; i++) {
		if (replica_pool_path(d->rs, n->pools[i].name) == NULL) {
			(void)daemon_pool_add(d, &n->pools[i]);
		} else {
			(void)daemon_pool_limit(d, &n->pools[i]);
			(void)daemon_pool_mode(d, &n->pools[i]);
		}
	}
	for (size_t i = 0; i < n->nvolumes; i++) {
		const struct rvolume *v = replica_volume_by_name(d->rs,
		    n->volumes[i].name);

		if (v == NULL)
			(void)volsetup_add(d->rs, &n->volumes[i]);
		else if (!v->configured)
			log_warnx("reload: volume %s: ignored: a volume of that "
			    "name was created over CIM (id %u)", v->name,
			    (unsigned)v->id);
	}
	/* Volumes whose file is back are healthy again; new ones checked. */
	if (replica_volumes_rescan(d->rs) != 0)
		log_warnx("reload: volumes not rescanned (state store)");
	if (d->ix != NULL) {
		struct indic_limits lim;

		daemon_indic_limits(n, &lim);
		indic_set_limits(d->ix, &lim);
	}
	/* Everyone reading the old configuration moves before it is freed. */
	export_set_conf(d->ex, n);
	/* Kept, with each job's progress state (the rate limit goes on). */
	if (d->ci != NULL)
		cim_indication_set_conf(d->ci, n);
	d->routes.conf = n;
	control_set_conf(d->ctl, n);
	conf_free(d->conf);
	d->conf = n;
	daemon_cimop_limits(d);
	log_info("reload: done");
}

/* ---------------------------------------------------------- shutdown */

static void
on_leftover_handle(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (uv_is_closing(h))
		return;
	log_debug("leaked handle: %s", uv_handle_type_name(h->type));
	uv_close(h, NULL);
}

static void
on_module_closed(void *arg)
{
	struct daemon *d = arg;

	if (d->closing > 0)
		d->closing--;
}

static void
daemon_close_all(struct daemon *d)
{
	if (d->closed_all)
		return;
	d->closed_all = true;
	uv_close((uv_handle_t *)&d->sig_term, NULL);
	uv_close((uv_handle_t *)&d->sig_int, NULL);
	uv_close((uv_handle_t *)&d->sig_hup, NULL);
	uv_close((uv_handle_t *)&d->drain_timer, NULL);
	uv_close((uv_handle_t *)&d->space_timer, NULL);
	/* Before http: its waiting requests get their 503 while MHD runs. */
	d->closing++;
	cimop_close(&d->cimop, on_module_closed, d);
	if (d->http != NULL) {
		d->closing++;
		http_server_close(d->http, on_module_closed, d);
		d->http = NULL;
	}
	if (d->ctl != NULL) {
		d->closing++;
		control_close(d->ctl, on_module_closed, d);
		d->ctl = NULL;
	}
	/* What is in flight stays queued for the next start. */
	if (d->ex != NULL) {
		d->closing++;
		export_close(d->ex, on_module_closed, d);
		d->ex = NULL;
	}
	if (d->eng != NULL) {
		d->closing++;
		copy_engine_close(d->eng, on_module_closed, d);
		d->eng = NULL;
	}
	if (d->ckpt != NULL) {
		d->closing++;
		dbckpt_close(d->ckpt, on_module_closed, d);
		d->ckpt = NULL;
	}
	if (d->ind_ckpt != NULL) {
		d->closing++;
		dbckpt_close(d->ind_ckpt, on_module_closed, d);
		d->ind_ckpt = NULL;
	}
}

static void
on_drain_tick(uv_timer_t *t)
{
	struct daemon *d = t->data;
	unsigned copies = replica_set_active_copies(d->rs);

	d->drain_ticks++;
	if ((copies > 0 || copyglue_running(d->glue) > 0 ||
	    copyglue_images_busy(d->glue) > 0) &&
	    d->drain_ticks < DRAIN_MAX_TICKS)
		return;
	if (copies > 0)
		log_warnx("shutdown: %u copies did not stop in time", copies);
	uv_timer_stop(t);
	daemon_close_all(d);
}

static void
daemon_stop(struct daemon *d, const char *why)
{
	if (d->stopping) {
		/* A duplicate from a process-group kill is not impatience. */
		if (uv_now(&d->loop) - d->stop_ms < 1000)
			return;
		log_errorx("%s again while stopping: exiting now", why);
		_exit(1);
	}
	d->stop_ms = uv_now(&d->loop);
	log_info("%s: shutting down", why);
	d->stopping = true;
	uv_timer_stop(&d->space_timer);
	cimop_shutdown(&d->cimop);
	http_server_quiesce(d->http);
	replica_set_shutdown(d->rs);
	d->drain_timer.data = d;
	uv_timer_start(&d->drain_timer, on_drain_tick, DRAIN_TICK_MS,
	    DRAIN_TICK_MS);
}

static void
on_signal(uv_signal_t *s, int signum)
{
	struct daemon *d = s->data;

	if (signum == SIGHUP) {
		if (!d->stopping)
			daemon_reload(d);
		return;
	}
	daemon_stop(d, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

/*
 * Snapshots share blocks with their base until it is rewritten: what they
 * hold alone grows with the host's writes.  Measured again (off the loop)
 * every SPACE_REFRESH_MS, so the delta pools never answer from a figure
 * older than that; made, restored and UpdateDeltaSnapshotSpace measure at
 * once (replica/space.c).
 */
#define SPACE_REFRESH_MS	60000

static void
on_space_tick(uv_timer_t *t)
{
	struct daemon *d = t->data;

	if (!d->stopping)
		replica_snapshots_measure(d->rs, 0);
}

static void
daemon_signals(struct daemon *d)
{
	uv_signal_init(&d->loop, &d->sig_term);
	uv_signal_init(&d->loop, &d->sig_int);
	uv_signal_init(&d->loop, &d->sig_hup);
	uv_timer_init(&d->loop, &d->drain_timer);
	uv_timer_init(&d->loop, &d->space_timer);
	d->sig_term.data = d->sig_int.data = d->sig_hup.data = d;
	d->space_timer.data = d;
	uv_signal_start(&d->sig_term, on_signal, SIGTERM);
	uv_signal_start(&d->sig_int, on_signal, SIGINT);
	uv_signal_start(&d->sig_hup, on_signal, SIGHUP);
	/* The first measurement at once: snapshots made before a restart. */
	uv_timer_start(&d->space_timer, on_space_tick, 0, SPACE_REFRESH_MS);
	d->handles_init = true;
}

/* Release everything after the loop stopped (or start-up failed). */
static int
daemon_fini(struct daemon *d)
{
	int err;

	if (!d->handles_init) {
		/* Failed before the handles: modules may still own some. */
		uv_signal_init(&d->loop, &d->sig_term);
		uv_signal_init(&d->loop, &d->sig_int);
		uv_signal_init(&d->loop, &d->sig_hup);
		uv_timer_init(&d->loop, &d->drain_timer);
		uv_timer_init(&d->loop, &d->space_timer);
		d->handles_init = true;
	}
	/* Keep running jobs resumable when start-up failed half way. */
	if (d->rs != NULL && !d->stopping)
		replica_set_shutdown(d->rs);
	daemon_close_all(d);
	uv_run(&d->loop, UV_RUN_DEFAULT);
	uv_walk(&d->loop, on_leftover_handle, NULL);
	uv_run(&d->loop, UV_RUN_DEFAULT);
	err = uv_loop_close(&d->loop);
	if (err != 0)
		log_warnx("loop: close: %s", uv_strerror(err));
	replica_set_free(d->rs);
	cim_indication_free(d->ci);
	indic_close(d->ix);
	copyglue_free(d->glue);
	poolmode_free(d->poolmode);
	metrics_free(d->metrics);
	auth_db_free(d->auth);
	free(d->cert_pem);
	free(d->key_pem);
	conf_free(d->conf);
	if (d->lock_fd != -1)
		close(d->lock_fd);
	return err;
}

/*
 * libuv sizes its pool on the first uv_queue_work: chunks in flight plus
 * room for fsyncs and file work, plus the password verifications (at
 * most auth_workers at once), so neither copies nor logins can take the
 * other's threads; unless the administrator chose already.
 */
static void
daemon_threadpool_size(const struct conf *c)
{
	char buf[16];
	unsigned n = c->copy_inflight + 4 + c->auth_workers;

	if (getenv("UV_THREADPOOL_SIZE") != NULL)
		return;
	snprintf(buf, sizeof(buf), "%u", n > 128 ? 128 : n);
	setenv("UV_THREADPOOL_SIZE", buf, 0);
}

static int
daemon_start(struct daemon *d)
{
	int err;

	if ((err = daemon_conf_load(d->conf_path, &d->conf)) != 0)
		return err;
	log_set_level(daemon_log_level(d->conf, d->verbose));
	failpoint_check();
	daemon_threadpool_size(d->conf);
	if ((err = daemon_dir_ready("state directory", d->conf->state_dir,
	    0700)) != 0)
		return err;
	if ((err = daemon_lock(d)) != 0 || (err = daemon_tls(d)) != 0 ||
	    (err = daemon_auth_load(d->conf, &d->auth)) != 0)
		return err;
	if ((d->metrics = metrics_new()) == NULL)
		return -ENOMEM;
	if ((err = daemon_replicas(d)) != 0 ||
	    (err = daemon_indications(d)) != 0)
		return err;
	d->cimop.rs = d->rs;
	d->cimop.ix = d->ix;
	if (d->ex != NULL) {
		d->cimop.indic_changed = export_kick;
		d->cimop.indic_changed_arg = d->ex;
	}
	d->cimop.observe = cimglue_observe;
	d->cimop.observe_arg = d->metrics;
	d->cimop.loop = &d->loop;	/* deferred CreateReplica answers */
	daemon_cimop_limits(d);
	d->routes.cim = &d->cimop;
	d->routes.metrics = d->metrics;
	d->routes.rs = d->rs;
	d->routes.conf = d->conf;
	d->routes.ex = d->ex;
	daemon_signals(d);
	return daemon_listen(d);
}

int
daemon_main(const char *conf_path, int verbose)
{
	struct daemon *d;
	int err, rc;

	log_init(true, verbose > 0 ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	signal(SIGPIPE, SIG_IGN);
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		fprintf(stderr, "arrayd: out of memory\n");
		return 1;
	}
	d->conf_path = conf_path;
	d->verbose = verbose;
	d->lock_fd = -1;
	if ((err = uv_loop_init(&d->loop)) != 0) {
		fprintf(stderr, "arrayd: loop: %s\n", uv_strerror(err));
		free(d);
		return 1;
	}
	err = daemon_start(d);
	if (err == 0) {
		uv_run(&d->loop, UV_RUN_DEFAULT);
		rc = d->exit_code;
	} else {
		if (err == -ENOMEM)
			log_errorx("out of memory");
		rc = 1;
	}
	if (daemon_fini(d) != 0 && rc == 0)
		rc = 1;
	if (rc == 0)
		log_info("stopped");
	free(d);
	return rc;
}
