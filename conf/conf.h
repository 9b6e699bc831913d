/* SPDX-License-Identifier: ISC */
/*
 * conf.h - the configuration file (INI, parsed with libinih) as plain data.
 *
 * conf_load() checks syntax and each key's range, collecting every error as
 * "FILE:LINE: key: reason"; conf_validate() checks cross-field rules.  A
 * struct conf is immutable once loaded: reload builds a new one and the
 * daemon swaps pointers.  This layer knows nothing of CIM or replicas.
 */
#ifndef ARRAYD_CONF_H
#define ARRAYD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conf_pool {
	char *name;
	char *path;			/* absolute */
	unsigned overprovision;		/* % of the file system, 400; 0 = none */
	bool point_in_time;		/* copies from images where it can clone */
	unsigned line;
};

struct conf_volume {
	char *name;
	char *pool;
	char *path;			/* absolute */
	uint64_t size;			/* 0 = not given */
	uint32_t id;			/* 0 = not given */
	unsigned line;
};

/*
 * [indications]: delivery of CIM indications to subscribed listeners.
 * allow holds canonical CIDR text "ADDRESS/PREFIX" (an address given
 * without a prefix gets /32 or /128); nallow 0 means the default list,
 * loopback plus the networks of the listen addresses, which only the
 * daemon can work out (it knows the interfaces).
 */
struct conf_indications {
	bool enabled;			/* enabled = yes|no, default yes */
	char **allow;			/* allow = CIDR list, see above */
	size_t nallow;
	char *ca_file;			/* PEM bundle for https; NULL = system store */
	bool verify_tls;		/* verify_tls = yes|no, default yes */
	unsigned retry_attempts;	/* DeliveryRetryAttempts, default 8 */
	unsigned retry_interval_s;	/* first backoff, default 2, doubling, capped 30 */
	unsigned timeout_s;		/* per delivery attempt (connect+answer), default 10 */
	unsigned queue_max;		/* per destination, default 10000 */
	unsigned max_subscriptions;	/* total, default 1000 */
	unsigned max_per_user;		/* filters+destinations+subscriptions per user, default 300 */
	unsigned progress_interval_ms;	/* min gap of PercentComplete-only job indications, default 1000 */
};

/* The longest gap between two delivery attempts, seconds. */
#define CONF_RETRY_INTERVAL_CAP	30

struct conf {
	char *file;			/* absolute path of the file read */

	/* [server] */
	char **listen;			/* addresses, default {"127.0.0.1"} */
	size_t nlisten;
	unsigned https_port;		/* 5989; 0 = off */
	unsigned http_port;		/* 0 = off */
	char *tls_cert;			/* NULL: self-signed in state_dir */
	char *tls_key;
	char *users_file;		/* default state_dir/users */
	char *state_dir;		/* default /var/lib/arrayd */
	char *system_name;		/* NULL: chosen at first start */
	char *host_name;		/* HOST in emitted paths; NULL: Host header */
	char *log_level;		/* error|warning|info|debug, default info */
	unsigned max_copy_tasks;	/* 2 */
	uint32_t chunk_size;		/* 1M */
	unsigned copy_inflight;		/* chunks in flight across jobs, 3 */
	uint64_t copy_rate_limit;	/* bytes/s per job, 0 = unlimited */
	uint64_t max_body;		/* 4M */
	unsigned max_depth;		/* 64 */
	uint64_t max_elements;		/* 100000 */
	uint64_t max_text;		/* 64K */
	unsigned max_property_list;	/* PropertyList entries, 1024 */
	uint64_t max_response;		/* bytes of one CIM answer, 32M */
	unsigned timeout;		/* seconds, 30 */
	unsigned max_connections;	/* 1024 */
	unsigned max_connections_per_address;	/* 128 */
	unsigned header_timeout;	/* s, request line to end of headers, 10 */
	unsigned tls_handshake_timeout;	/* s, accept to request line, 5 */
	uint64_t body_min_rate;		/* bytes/s, 1K; 0 = none */
	uint64_t max_body_memory;	/* bodies in flight, total, 64M */
	uint64_t max_body_memory_per_user;	/* 16M */
	unsigned auth_workers;		/* password hashes at once, 2 */
	unsigned auth_queue;		/* waiting for a worker, 256 */
	unsigned auth_fail_delay;	/* s, cap of the failure penalty, 2 */
	bool replication_service;	/* TPD_ReplicationService shown, yes */

	struct conf_indications indications;

	struct conf_pool *pools;
	size_t npools;
	struct conf_volume *volumes;
	size_t nvolumes;
};

/* Accumulated errors, each "FILE:LINE: key: reason" (or "FILE: reason"). */
struct conf_errors {
	char **msgs;
	size_t n;
};
void conf_errors_release(struct conf_errors *e);

/*
 * Read `path`.  Returns 0 and a new struct conf owned by the caller
 * (conf_free), or -errno / -EINVAL with every problem in *errs.  Relative
 * paths in the file are made relative to the file's folder.
 */
int conf_load(const char *path, struct conf **out, struct conf_errors *errs);

/* Cross-field checks (pool names exist, ids unique, cert+key both or none...). */
int conf_validate(const struct conf *c, struct conf_errors *errs);

void conf_free(struct conf *c);		/* accepts NULL */

/* A struct conf with every default (for tests and the demo). */
struct conf *conf_defaults(void);

/* Parse "64M"/"4K"/"1G"/"512" into bytes.  Returns 0 or -EINVAL/-ERANGE. */
int conf_parse_size(const char *s, uint64_t *out);

/* Table of directives for docs/tests: name, section, default text. */
struct conf_key_doc {
	const char *section;
	const char *name;
	const char *def;
};
size_t conf_key_docs(const struct conf_key_doc **out);

/*
 * Parse one CIDR ("10.1.0.0/16", "::1/128", or an address alone) into its
 * family (AF_INET/AF_INET6), address bytes (4 or 16 used) and prefix
 * length.  Returns 0, or -EINVAL with the reason in `why` (not an address,
 * prefix out of range, bits set beyond the prefix).
 */
int conf_parse_cidr(const char *s, int *family, unsigned char addr[16],
    unsigned *prefix, char *why, size_t whylen);

/*
 * Seconds a destination's indication stays queued before it is dropped:
 * the sum of the retry_attempts gaps, each retry_interval_s doubling and
 * capped at CONF_RETRY_INTERVAL_CAP (timeouts of the attempts excluded).
 */
unsigned conf_retry_window(const struct conf_indications *ind);

/* Volume names: 1-31 of [A-Za-z0-9_.-] (as on 3PAR); pool names: 1-63. */
bool conf_is_volume_name(const char *s);
bool conf_is_pool_name(const char *s);

#endif /* ARRAYD_CONF_H */
