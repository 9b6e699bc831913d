/* SPDX-License-Identifier: ISC */
/*
 * conf.c - reads arrayd.conf (INI, tokenised by libinih) into a plain
 * struct conf.  Every directive is one line of a key table (name, type,
 * field offset, range, default text, extra check), so the parser is generic
 * and the same table feeds the defaults and the documentation list.  Errors
 * are collected, never fatal, as "FILE:LINE: key: reason" (the reader is
 * load.c).  This file knows nothing of CIM, replicas or the daemon and does
 * no I/O.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/conf.h"
#include "conf/conf_int.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define KIB		1024ULL
#define MIB		(1024ULL * 1024)
#define GIB		(1024ULL * 1024 * 1024)

/* ---- the key tables ------------------------------------------------------ */

static const char *
check_chunk(uint64_t v)
{
	return v % 4096 == 0 ? NULL : "must be a multiple of 4096";
}

static const char *
check_blocks(uint64_t v)
{
	return v % 512 == 0 ? NULL : "must be whole 512-byte blocks";
}

/*
 * X(name, type, min, max, default, flags, check): one line per directive.
 * Security-relevant directives first, as in arrayd.conf.example.
 */
#define SERVER_KEYS(X)							\
	X(listen, CT_LISTEN, 0, 0, "127.0.0.1", 0, NULL)		\
	X(https_port, CT_UINT, 0, 65535, "5989", 0, NULL)		\
	X(http_port, CT_UINT, 0, 65535, "0", 0, NULL)			\
	X(tls_cert, CT_PATH, 0, 0, "", KF_EMPTY_OK, NULL)		\
	X(tls_key, CT_PATH, 0, 0, "", KF_EMPTY_OK, NULL)		\
	X(users_file, CT_PATH, 0, 0, "", KF_EMPTY_OK, NULL)		\
	X(state_dir, CT_PATH, 0, 0, "/var/lib/arrayd", 0, NULL)		\
	X(system_name, CT_SYSNAME, 1, 32, "", KF_EMPTY_OK, NULL)	\
	X(host_name, CT_HOST, 1, 255, "", KF_EMPTY_OK, NULL)		\
	X(log_level, CT_LEVEL, 0, 0, "info", 0, NULL)			\
	X(max_body, CT_SIZE64, KIB, GIB, "4M", 0, NULL)			\
	X(max_depth, CT_UINT, 1, 10000, "64", 0, NULL)			\
	X(max_elements, CT_U64, 1, 1000000000, "100000", 0, NULL)	\
	X(max_text, CT_SIZE64, 16, 64 * MIB, "64K", 0, NULL)		\
	X(max_property_list, CT_UINT, 1, 1000000, "1024", 0, NULL)	\
	X(max_response, CT_SIZE64, 64 * KIB, 4 * GIB, "32M", 0, NULL)	\
	X(timeout, CT_UINT, 1, 3600, "30", 0, NULL)			\
	X(max_connections, CT_UINT, 1, 1000000, "1024", 0, NULL)	\
	X(max_connections_per_address, CT_UINT, 1, 1000000, "128", 0, NULL) \
	X(header_timeout, CT_UINT, 1, 3600, "10", 0, NULL)		\
	X(tls_handshake_timeout, CT_UINT, 1, 3600, "5", 0, NULL)	\
	X(body_min_rate, CT_SIZE64, 0, GIB, "1K", 0, NULL)		\
	X(max_body_memory, CT_SIZE64, 64 * KIB, UINT64_MAX, "64M", 0, NULL) \
	X(max_body_memory_per_user, CT_SIZE64, 64 * KIB, UINT64_MAX, "16M", 0, \
	    NULL)							\
	X(auth_workers, CT_UINT, 1, 64, "2", 0, NULL)			\
	X(auth_queue, CT_UINT, 1, 1000000, "256", 0, NULL)		\
	X(auth_fail_delay, CT_UINT, 0, 60, "2", 0, NULL)		\
	X(max_copy_tasks, CT_UINT, 1, 64, "2", 0, NULL)			\
	X(chunk_size, CT_SIZE32, 64 * KIB, 64 * MIB, "1M", 0, check_chunk) \
	X(copy_inflight, CT_UINT, 1, 64, "6", 0, NULL)			\
	X(copy_rate_limit, CT_SIZE64, 0, UINT64_MAX, "0", 0, NULL)	\
	X(replication_service, CT_BOOL, 0, 0, "yes", 0, NULL)

/*
 * overprovision: percent of the pool file system's size that its volumes'
 * sizes may add up to.  "400" is REPLICA_OVERPROVISION_DEFAULT (conf/ does
 * not include replica/): a thin pool promises 4x what it holds, as 3PAR
 * TPVVs do.  0 = no limit.  point_in_time: physical copies read a clone
 * of their source taken when the method is accepted, where the pool's
 * file system can clone (daemon/poolmode.c); "no" reads a live source.
 */
#define POOL_KEYS(X)							\
	X(path, CT_PATH, 0, 0, "", KF_REQUIRED, NULL)			\
	X(overprovision, CT_UINT, 0, 100000, "400", 0, NULL)		\
	X(point_in_time, CT_BOOL, 0, 0, "yes", 0, NULL)

#define VOLUME_KEYS(X)							\
	X(pool, CT_POOLREF, 1, 63, "", KF_REQUIRED, NULL)		\
	X(path, CT_PATH, 0, 0, "", KF_REQUIRED, NULL)			\
	X(size, CT_SIZE64, 512, UINT64_MAX, "", KF_EMPTY_OK, check_blocks) \
	X(id, CT_U32, 1, 2147483647, "", KF_EMPTY_OK, NULL)

/*
 * [indications]: retries default to 8 attempts 2, 4, 8, 16, 30, 30, 30, 30 s
 * apart (150 s), so a listener away for a minute loses nothing.
 */
#define INDICATION_KEYS(X)						\
	X(enabled, CT_BOOL, 0, 0, "yes", 0, NULL)			\
	X(allow, CT_CIDRS, 0, 0, "", KF_EMPTY_OK, NULL)			\
	X(ca_file, CT_PATH, 0, 0, "", KF_EMPTY_OK, NULL)		\
	X(verify_tls, CT_BOOL, 0, 0, "yes", 0, NULL)			\
	X(retry_attempts, CT_UINT, 0, 1000, "8", 0, NULL)		\
	X(retry_interval_s, CT_UINT, 1, CONF_RETRY_INTERVAL_CAP, "2", 0, \
	    NULL)							\
	X(timeout_s, CT_UINT, 1, 300, "10", 0, NULL)			\
	X(queue_max, CT_UINT, 1, 1000000, "10000", 0, NULL)		\
	X(max_subscriptions, CT_UINT, 1, 100000, "1000", 0, NULL)	\
	X(max_per_user, CT_UINT, 1, 300000, "300", 0, NULL)		\
	X(progress_interval_ms, CT_UINT, 0, 3600000, "1000", 0, NULL)

#define KEY_ENTRY(st, n, t, lo, hi, d, f, ck)				\
	{ #n, t, offsetof(st, n), lo, hi, d, f, ck },
#define SERVER_ENTRY(n, t, lo, hi, d, f, ck)				\
	KEY_ENTRY(struct conf, n, t, lo, hi, d, f, ck)
#define POOL_ENTRY(n, t, lo, hi, d, f, ck)				\
	KEY_ENTRY(struct conf_pool, n, t, lo, hi, d, f, ck)
#define VOLUME_ENTRY(n, t, lo, hi, d, f, ck)				\
	KEY_ENTRY(struct conf_volume, n, t, lo, hi, d, f, ck)
#define INDICATION_ENTRY(n, t, lo, hi, d, f, ck)			\
	KEY_ENTRY(struct conf_indications, n, t, lo, hi, d, f, ck)

static const struct conf_key server_keys[] = { SERVER_KEYS(SERVER_ENTRY) };
static const struct conf_key pool_keys[] = { POOL_KEYS(POOL_ENTRY) };
static const struct conf_key volume_keys[] = { VOLUME_KEYS(VOLUME_ENTRY) };
static const struct conf_key indication_keys[] = {
	INDICATION_KEYS(INDICATION_ENTRY)
};

#define SERVER_DOC(n, t, lo, hi, d, f, ck)	{ "server", #n, d },
#define POOL_DOC(n, t, lo, hi, d, f, ck)	{ "pool", #n, d },
#define VOLUME_DOC(n, t, lo, hi, d, f, ck)	{ "volume", #n, d },
#define INDICATION_DOC(n, t, lo, hi, d, f, ck)	{ "indications", #n, d },

static const struct conf_key_doc key_docs[] = {
	SERVER_KEYS(SERVER_DOC)
	POOL_KEYS(POOL_DOC)
	VOLUME_KEYS(VOLUME_DOC)
	INDICATION_KEYS(INDICATION_DOC)
};

const struct conf_section_def conf__sections[] = {
	[SEC_SERVER] = { "server", server_keys, ARRAY_SIZE(server_keys) },
	[SEC_POOL] = { "pool", pool_keys, ARRAY_SIZE(pool_keys) },
	[SEC_VOLUME] = { "volume", volume_keys, ARRAY_SIZE(volume_keys) },
	[SEC_INDICATIONS] = { "indications", indication_keys,
	    ARRAY_SIZE(indication_keys) },
};

size_t
conf_key_docs(const struct conf_key_doc **out)
{
	*out = key_docs;
	return ARRAY_SIZE(key_docs);
}

/* ---- errors ------------------------------------------------------------------ */

void
conf_errors_release(struct conf_errors *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->n; i++)
		free(e->msgs[i]);
	free(e->msgs);
	e->msgs = NULL;
	e->n = 0;
}

/* Appends one message; returns -ENOMEM when it could not. */
int
conf__error(struct conf_errors *e, const char *fmt, ...)
{
	char **msgs;
	char *m;
	va_list ap;
	int n;

	if (e == NULL)
		return 0;
	va_start(ap, fmt);
	n = vasprintf(&m, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	msgs = reallocarray(e->msgs, e->n + 1, sizeof(*msgs));
	if (msgs == NULL) {
		free(m);
		return -ENOMEM;
	}
	e->msgs = msgs;
	e->msgs[e->n++] = m;
	return 0;
}

/* ---- values -------------------------------------------------------------------- */

/* Strict unsigned decimal: digits only, no sign, no blanks. */
static int
conf_parse_uint(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int
conf_parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t len;
	unsigned shift = 0;
	uint64_t v;
	int err;

	if (s == NULL || (len = strlen(s)) == 0)
		return -EINVAL;
	if (len >= sizeof(num))
		return -ERANGE;
	switch (toupper((unsigned char)s[len - 1])) {
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	case 'T': shift = 40; break;
	}
	memcpy(num, s, len + 1);
	if (shift != 0)
		num[--len] = '\0';
	if ((err = conf_parse_uint(num, &v)) != 0)
		return err;
	if (shift != 0 && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

bool
conf__name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("_.-", *s) == NULL)
			return false;
	return true;
}

bool
conf_is_volume_name(const char *s)
{
	return conf__name_ok(s, 31);
}

bool
conf_is_pool_name(const char *s)
{
	return conf__name_ok(s, 63);
}

/*
 * `rel` made absolute against `dir` (NULL: taken as is).  Returns a new
 * string owned by the caller, or NULL on ENOMEM.
 */
char *
conf__path_join(const char *dir, const char *rel)
{
	char *s;

	if (rel[0] == '/' || dir == NULL)
		return strdup(rel);
	if (asprintf(&s, "%s/%s", dir, rel) < 0)
		return NULL;
	return s;
}

static void
conf_free_list(char ***list, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

/*
 * Splits `v` at any of `seps` (blanks around items are cut) and passes
 * each item to `item`, which checks it and returns the text to keep (new,
 * or NULL with the reason in `why`).  On success the list (*list, *n) is replaced by a
 * new array owned by the caller (conf_free_list); an empty `v` gives n 0.
 */
static int
conf_set_list(const char *v, const char *seps,
    char *(*item)(const char *tok, int *err, char *why, size_t whylen),
    char ***list, size_t *n, char *why, size_t whylen)
{
	char **nlist = NULL, **grown, *copy, *tok, *save = NULL;
	size_t nn = 0;
	int err = 0;

	if ((copy = strdup(v)) == NULL)
		return -ENOMEM;
	for (tok = strtok_r(copy, seps, &save); tok != NULL;
	    tok = strtok_r(NULL, seps, &save)) {
		char *end = tok + strlen(tok);

		while (isspace((unsigned char)*tok))
			tok++;
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if ((grown = reallocarray(nlist, nn + 1,
		    sizeof(*grown))) == NULL) {
			err = -ENOMEM;
			break;
		}
		nlist = grown;
		if ((nlist[nn] = item(tok, &err, why, whylen)) == NULL)
			break;
		nn++;
	}
	free(copy);
	if (err != 0) {
		conf_free_list(&nlist, &nn);
		return err;
	}
	conf_free_list(list, n);
	*list = nlist;
	*n = nn;
	return 0;
}

/* A listen item: an IPv4 or IPv6 literal, kept as written. */
static char *
conf_listen_item(const char *tok, int *err, char *why, size_t whylen)
{
	unsigned char buf[sizeof(struct in6_addr)];
	char *s;

	if (inet_pton(AF_INET, tok, buf) != 1 &&
	    inet_pton(AF_INET6, tok, buf) != 1) {
		snprintf(why, whylen, "'%s' is not an IPv4 or IPv6 address",
		    tok);
		*err = -EINVAL;
		return NULL;
	}
	if ((s = strdup(tok)) == NULL)
		*err = -ENOMEM;
	return s;
}

/* listen: "a, b,c", at least one address. */
static int
conf_set_listen(struct conf *c, const char *v, char *why, size_t whylen)
{
	char **list = NULL;
	size_t n = 0;
	int err;

	err = conf_set_list(v, ",", conf_listen_item, &list, &n, why, whylen);
	if (err != 0)
		return err;
	if (n == 0) {
		snprintf(why, whylen, "needs at least one address");
		return -EINVAL;
	}
	conf_free_list(&c->listen, &c->nlisten);
	c->listen = list;
	c->nlisten = n;
	return 0;
}

int
conf_parse_cidr(const char *s, int *family, unsigned char addr[16],
    unsigned *prefix, char *why, size_t whylen)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t hlen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	unsigned bits, max;
	uint64_t plen;

	memset(addr, 0, 16);
	if (hlen >= sizeof(host))
		goto out_not_addr;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, addr) == 1) {
		*family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, addr) == 1) {
		*family = AF_INET6;
		max = 128;
	} else {
		goto out_not_addr;
	}
	plen = max;
	if (slash != NULL && (conf_parse_uint(slash + 1, &plen) != 0 ||
	    plen > max)) {
		snprintf(why, whylen, "'%s': prefix length '%s' is not a "
		    "number 0..%u", s, slash + 1, max);
		return -EINVAL;
	}
	/* Host bits set are a typo (10.1.2.0/16), not a network. */
	for (bits = (unsigned)plen; bits < max; bits++)
		if (addr[bits / 8] & (0x80 >> (bits % 8))) {
			snprintf(why, whylen, "'%s': address has bits set "
			    "beyond the /%u prefix", s, (unsigned)plen);
			return -EINVAL;
		}
	*prefix = (unsigned)plen;
	return 0;
out_not_addr:
	snprintf(why, whylen, "'%s' is not an IPv4 or IPv6 address or "
	    "ADDRESS/PREFIX network", s);
	return -EINVAL;
}

/* An allow item: a network, kept as canonical "ADDRESS/PREFIX". */
static char *
conf_allow_item(const char *tok, int *err, char *why, size_t whylen)
{
	char text[INET6_ADDRSTRLEN];
	unsigned char addr[16];
	unsigned prefix;
	int family;
	char *s;

	if ((*err = conf_parse_cidr(tok, &family, addr, &prefix, why,
	    whylen)) != 0)
		return NULL;
	if (inet_ntop(family, addr, text, sizeof(text)) == NULL) {
		*err = -errno;
		return NULL;
	}
	if (asprintf(&s, "%s/%u", text, prefix) < 0) {
		*err = -ENOMEM;
		return NULL;
	}
	return s;
}

/* allow: networks separated by blanks and/or commas; empty: defaults. */
static int
conf_set_allow(struct conf_indications *ind, const char *v, char *why,
    size_t whylen)
{
	return conf_set_list(v, ", \t", conf_allow_item, &ind->allow,
	    &ind->nallow, why, whylen);
}

unsigned
conf_retry_window(const struct conf_indications *ind)
{
	unsigned total = 0, gap = ind->retry_interval_s;

	for (unsigned i = 0; i < ind->retry_attempts; i++) {
		total += gap < CONF_RETRY_INTERVAL_CAP ? gap :
		    CONF_RETRY_INTERVAL_CAP;
		if (gap < CONF_RETRY_INTERVAL_CAP)
			gap *= 2;
	}
	return total;
}

static int
conf_set_number(const struct conf_key *k, void *field, const char *v,
    char *why, size_t whylen)
{
	bool size = k->type == CT_SIZE32 || k->type == CT_SIZE64;
	const char *reason;
	uint64_t n;
	int err;

	err = size ? conf_parse_size(v, &n) : conf_parse_uint(v, &n);
	if (err == -EINVAL) {
		snprintf(why, whylen, size ? "'%s' is not a size (bytes, or "
		    "a K, M, G or T suffix)" : "'%s' is not a number", v);
		return -EINVAL;
	}
	if (err != 0 || n < k->min || n > k->max) {
		snprintf(why, whylen, "'%s' is out of range %llu..%llu", v,
		    (unsigned long long)k->min, (unsigned long long)k->max);
		return -EINVAL;
	}
	if (k->check != NULL && (reason = k->check(n)) != NULL) {
		snprintf(why, whylen, "'%s' %s", v, reason);
		return -EINVAL;
	}
	switch (k->type) {
	case CT_UINT:
		*(unsigned *)field = (unsigned)n;
		break;
	case CT_U32:
	case CT_SIZE32:
		*(uint32_t *)field = (uint32_t)n;
		break;
	default:
		*(uint64_t *)field = n;
		break;
	}
	return 0;
}

/* yes/no and its usual spellings, case-insensitive. */
static int
conf_set_bool(bool *field, const char *v, char *why, size_t whylen)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*field = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*field = false;
			return 0;
		}
	}
	snprintf(why, whylen, "'%s' is not yes or no", v);
	return -EINVAL;
}

/* Text-valued types: checks `v` and returns it in *out (NULL: empty). */
static int
conf_check_text(const struct conf_key *k, const char *v, const char *dir,
    char **out, char *why, size_t whylen)
{
	static const char *const levels[] = { "error", "warning", "info",
	    "debug" };
	size_t i;

	*out = NULL;
	switch (k->type) {
	case CT_LEVEL:
		for (i = 0; i < ARRAY_SIZE(levels); i++)
			if (strcmp(v, levels[i]) == 0)
				break;
		if (i == ARRAY_SIZE(levels)) {
			snprintf(why, whylen, "'%s' is not one of error, "
			    "warning, info, debug", v);
			return -EINVAL;
		}
		break;
	case CT_SYSNAME:
	case CT_POOLREF:
		if (!conf__name_ok(v, k->max)) {
			snprintf(why, whylen, "'%s' is not 1-%llu characters "
			    "of A-Z a-z 0-9 _ . -", v,
			    (unsigned long long)k->max);
			return -EINVAL;
		}
		break;
	case CT_HOST:
		for (i = 0; v[i] != '\0'; i++)
			if (!isalnum((unsigned char)v[i]) &&
			    strchr("-.:[]_", v[i]) == NULL)
				break;
		if (v[i] != '\0' || i > k->max) {
			snprintf(why, whylen, "'%s' is not a host name or "
			    "address", v);
			return -EINVAL;
		}
		break;
	default:
		break;
	}
	*out = k->type == CT_PATH ? conf__path_join(dir, v) : strdup(v);
	return *out == NULL ? -ENOMEM : 0;
}

int
conf__set(const struct conf_key *k, void *base, const char *v,
    const char *dir, char *why, size_t whylen)
{
	void *field = (char *)base + k->off;
	char *s;
	int err;

	why[0] = '\0';
	if (*v == '\0' && !(k->flags & KF_EMPTY_OK) && k->type != CT_LISTEN) {
		snprintf(why, whylen, "must not be empty");
		return -EINVAL;
	}
	switch (k->type) {
	case CT_LISTEN:
		return conf_set_listen(base, v, why, whylen);
	case CT_CIDRS:
		return conf_set_allow(base, v, why, whylen);
	case CT_BOOL:
		return conf_set_bool(field, v, why, whylen);
	case CT_UINT:
	case CT_U32:
	case CT_U64:
	case CT_SIZE32:
	case CT_SIZE64:
		if (*v == '\0')
			return 0;	/* optional number left unset */
		return conf_set_number(k, field, v, why, whylen);
	default:
		break;
	}
	if (*v == '\0') {
		s = NULL;
	} else if ((err = conf_check_text(k, v, dir, &s, why, whylen)) != 0) {
		return err;
	}
	free(*(char **)field);
	*(char **)field = s;
	return 0;
}

/* ---- whole structures ------------------------------------------------------------ */

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->file);
	conf_free_list(&c->listen, &c->nlisten);
	free(c->tls_cert);
	free(c->tls_key);
	free(c->users_file);
	free(c->state_dir);
	free(c->system_name);
	free(c->host_name);
	free(c->log_level);
	for (size_t i = 0; i < c->npools; i++) {
		free(c->pools[i].name);
		free(c->pools[i].path);
	}
	free(c->pools);
	for (size_t i = 0; i < c->nvolumes; i++) {
		free(c->volumes[i].name);
		free(c->volumes[i].pool);
		free(c->volumes[i].path);
	}
	free(c->volumes);
	conf_free_list(&c->indications.allow, &c->indications.nallow);
	free(c->indications.ca_file);
	free(c);
}

/* Fills users_file from state_dir when it was left empty. */
int
conf__finish(struct conf *c)
{
	if (c->users_file != NULL || c->state_dir == NULL)
		return 0;
	c->users_file = conf__path_join(c->state_dir, "users");
	return c->users_file == NULL ? -ENOMEM : 0;
}

/*
 * Give a new [pool]/[volume] section struct at `base` its keys' defaults
 * (those with one), so a key left out of the file still has the
 * documented value.  0 or -ENOMEM: the table's defaults are valid.
 */
int
conf__section_defaults(enum conf_sec kind, void *base)
{
	const struct conf_section_def *sd = &conf__sections[kind];
	char why[160];
	int err;

	for (size_t i = 0; i < sd->nkeys; i++) {
		if (sd->keys[i].def[0] == '\0')
			continue;
		err = conf__set(&sd->keys[i], base, sd->keys[i].def, NULL, why,
		    sizeof(why));
		if (err != 0)
			return err;
	}
	return 0;
}

/* Returns a new conf owned by the caller (conf_free), or NULL on ENOMEM. */
struct conf *
conf_defaults(void)
{
	struct conf *c;
	char why[160];

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(server_keys); i++) {
		/* The table's defaults are valid; a failure here is ENOMEM. */
		if (conf__set(&server_keys[i], c, server_keys[i].def, NULL,
		    why, sizeof(why)) != 0)
			goto out_free;
	}
	if (conf__section_defaults(SEC_INDICATIONS, &c->indications) != 0)
		goto out_free;
	if (conf__finish(c) != 0)
		goto out_free;
	return c;
out_free:
	conf_free(c);
	return NULL;
}

int
conf__validate_as(const struct conf *c, struct conf_errors *errs,
    const char *f)
{
	const struct conf_volume *v, *w;
	size_t i, j;
	bool bad = false;
	int err = 0;

#define VERR(...) do {							\
	bad = true;							\
	if (err == 0)							\
		err = conf__error(errs, __VA_ARGS__);			\
} while (0)
	if ((c->tls_cert == NULL) != (c->tls_key == NULL))
		VERR("%s: %s: set without %s (give both or neither)", f,
		    c->tls_cert != NULL ? "tls_cert" : "tls_key",
		    c->tls_cert != NULL ? "tls_key" : "tls_cert");
	if (c->https_port == 0 && c->http_port == 0)
		VERR("%s: https_port: https_port and http_port are both 0, "
		    "nothing to serve", f);
	if (c->https_port != 0 && c->https_port == c->http_port)
		VERR("%s: http_port: same port as https_port", f);
	for (i = 0; i < c->nvolumes; i++) {
		v = &c->volumes[i];
		for (j = 0; v->pool != NULL && j < c->npools; j++)
			if (strcmp(c->pools[j].name, v->pool) == 0)
				break;
		if (v->pool != NULL && j == c->npools)
			VERR("%s:%u: pool: no [pool %s] section", f, v->line,
			    v->pool);
		for (j = 0; j < i; j++) {
			w = &c->volumes[j];
			if (v->id != 0 && v->id == w->id)
				VERR("%s:%u: id: duplicate volume id %u (also "
				    "volume '%s' at line %u)", f, v->line,
				    v->id, w->name, w->line);
			if (v->path != NULL && w->path != NULL &&
			    strcmp(v->path, w->path) == 0)
				VERR("%s:%u: path: duplicate volume path '%s' "
				    "(also volume '%s' at line %u)", f, v->line,
				    v->path, w->name, w->line);
		}
	}
	if (c->indications.ca_file != NULL && !c->indications.verify_tls)
		VERR("%s: ca_file: set while verify_tls = no (it would not be "
		    "used; remove one of them)", f);
#undef VERR
	if (err != 0)
		return err;
	return bad ? -EINVAL : 0;
}

int
conf_validate(const struct conf *c, struct conf_errors *errs)
{
	return conf__validate_as(c, errs, c->file != NULL ? c->file :
	    "(defaults)");
}
