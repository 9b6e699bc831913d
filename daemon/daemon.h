/* SPDX-License-Identifier: ISC */
/*
 * daemon.h - the process: struct daemon owns the uv_loop_t and every
 * handle and module object; start-up in dependency order, SIGHUP reload,
 * graceful SIGTERM/SIGINT shutdown in reverse order.
 */
#ifndef ARRAYD_DAEMON_H
#define ARRAYD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "cim/cimop.h"
#include "daemon/routes.h"

struct conf;
struct auth_db;
struct replica_set;
struct copy_engine;
struct copyglue;
struct metrics;
struct http_server;
struct control;
struct dbckpt;
struct indic;
struct export;
struct cim_indication;

struct daemon {
	uv_loop_t		 loop;
	uv_signal_t		 sig_term, sig_int, sig_hup;
	uv_timer_t		 drain_timer;
	uv_timer_t		 space_timer;	/* snapshot space refresh */
	bool			 handles_init;
	const char		*conf_path;	/* borrowed from argv */
	int			 verbose;	/* -v count */
	struct conf		*conf;
	struct auth_db		*auth;
	char			*cert_pem, *key_pem;
	int			 lock_fd;
	struct metrics		*metrics;
	struct copy_engine	*eng;
	struct copyglue		*glue;
	struct poolmode		*poolmode;	/* each pool's copy mode */
	struct replica_set	*rs;
	struct dbckpt		*ckpt;	/* WAL checkpoints off the loop */
	struct indic		*ix;	/* subscriptions, queues; NULL: off */
	struct export		*ex;	/* delivers them; NULL: off */
	struct cim_indication	*ci;	/* replica changes -> indications */
	struct dbckpt		*ind_ckpt;	/* indications.db's WAL, off the loop */
	struct cimop_server	 cimop;
	struct routes		 routes;	/* the HTTP handler's table */
	struct control		*ctl;
	struct http_server	*http;
	bool			 stopping;
	bool			 closed_all;
	unsigned		 drain_ticks;
	uint64_t		 stop_ms;	/* loop time of the first stop signal */
	unsigned		 closing;	/* modules still closing */
	int			 exit_code;
};

/*
 * Serve with the configuration at conf_path until SIGTERM/SIGINT.  Returns
 * the process exit status: 0 after a clean shutdown, 1 with one message on
 * stderr for any start-up failure.
 */
int daemon_main(const char *conf_path, int verbose);

/*
 * Load and validate a configuration, printing every error to stderr as
 * "FILE:LINE: key: reason".  Returns 0 and a conf owned by the caller
 * (conf_free), or -errno.
 */
int daemon_conf_load(const char *path, struct conf **out);

/* "dir/name" in a new string owned by the caller, NULL on out of memory. */
char *daemon_path_join(const char *dir, const char *name);

/* The users file of a configuration (new string owned by the caller). */
char *daemon_users_path(const struct conf *c);

#endif /* ARRAYD_DAEMON_H */
