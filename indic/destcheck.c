/* SPDX-License-Identifier: ISC */
/*
 * destcheck.c - the destination allow-list (indic_dest_check): parses a
 * listener URL and decides whether its address lies inside the allowed
 * networks.  Pure: no DNS, no sockets, no state; CreateInstance calls it
 * when a destination is made and the exporter again before each delivery
 * (the allow list may have been narrowed by a reload since).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "indic/indic.h"

/* An address as 16 bytes; IPv4 as its IPv4-mapped IPv6 form. */
struct dc_addr {
	unsigned char b[16];
	bool v4;
};

static const unsigned char dc_v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Parse a numeric address (no brackets, no port).  0 or -EINVAL. */
static int
dc_addr_parse(const char *s, struct dc_addr *a)
{
	struct in_addr v4;

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &v4) == 1) {
		memcpy(a->b, dc_v4mapped, sizeof(dc_v4mapped));
		memcpy(a->b + 12, &v4, 4);
		a->v4 = true;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->b) == 1) {
		a->v4 = memcmp(a->b, dc_v4mapped, sizeof(dc_v4mapped)) == 0;
		return 0;
	}
	return -EINVAL;
}

/* Do the first bits (in IPv6 numbering) of x and net agree? */
static bool
dc_in_prefix(const struct dc_addr *x, const struct dc_addr *net,
    unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (memcmp(x->b, net->b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((x->b[whole] ^ net->b[whole]) & (0xff << (8 - rest)) & 0xff)
	    == 0;
}

/* "addr/len" or "addr": the network and its prefix in IPv6 bits. */
static int
dc_cidr_parse(const char *s, struct dc_addr *net, unsigned *bits)
{
	char buf[64], *slash, *end;
	unsigned long n;
	size_t len = strlen(s);

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len + 1);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (dc_addr_parse(buf, net) != 0)
		return -EINVAL;
	if (slash == NULL) {
		*bits = 128;
		return 0;
	}
	if (!isdigit((unsigned char)*slash))
		return -EINVAL;
	errno = 0;
	n = strtoul(slash, &end, 10);
	if (*end != '\0' || errno != 0 || n > (strchr(buf, ':') != NULL ?
	    128UL : 32UL))
		return -EINVAL;
	/* An IPv4 prefix counts after the 96 bits of the mapped form. */
	*bits = strchr(buf, ':') != NULL ? (unsigned)n : 96 + (unsigned)n;
	return 0;
}

int
indic_cidr_check(const char *s)
{
	struct dc_addr net;
	unsigned bits;

	return dc_cidr_parse(s, &net, &bits);
}

/*
 * Split "http[s]://HOST[:PORT][/PATH]" and parse HOST.  localhost sets
 * *is_localhost and leaves a unset.
 */
static int
dc_url_parse(const char *url, struct dc_addr *a, bool *is_localhost,
    char *errbuf, size_t len)
{
	const char *p, *hend, *q;
	char host[64];
	size_t hl;

	*is_localhost = false;
	if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else {
		snprintf(errbuf, len, "destination '%.200s' is not an http or "
		    "https URL", url);
		return -EINVAL;
	}
	for (q = url; *q != '\0'; q++) {
		if ((unsigned char)*q <= ' ' || *q == 0x7f) {
			snprintf(errbuf, len, "destination URL contains a "
			    "space or control character");
			return -EINVAL;
		}
	}
	if (*p == '[') {
		if ((hend = strchr(p, ']')) == NULL) {
			snprintf(errbuf, len, "destination '%.200s': "
			    "unterminated [IPv6] host", url);
			return -EINVAL;
		}
		hl = (size_t)(hend - p - 1);
		q = hend + 1;
		p++;
	} else {
		hl = strcspn(p, ":/?#");
		q = p + hl;
	}
	if (hl == 0 || hl >= sizeof(host) || memchr(p, '@', hl) != NULL) {
		snprintf(errbuf, len, "destination '%.200s' has no usable "
		    "host", url);
		return -EINVAL;
	}
	memcpy(host, p, hl);
	host[hl] = '\0';
	if (*q == ':') {
		char *end;
		unsigned long port;

		q++;
		if (!isdigit((unsigned char)*q)) {
			snprintf(errbuf, len, "destination '%.200s': bad port",
			    url);
			return -EINVAL;
		}
		port = strtoul(q, &end, 10);
		if (port == 0 || port > 65535 || (*end != '\0' &&
		    *end != '/')) {
			snprintf(errbuf, len, "destination '%.200s': bad port",
			    url);
			return -EINVAL;
		}
		q = end;
	}
	if (*q != '\0' && *q != '/') {
		snprintf(errbuf, len, "destination '%.200s': junk after the "
		    "host", url);
		return -EINVAL;
	}
	if (strcasecmp(host, "localhost") == 0) {
		*is_localhost = true;
		return 0;
	}
	if (dc_addr_parse(host, a) != 0) {
		snprintf(errbuf, len, "destination host '%s' is not an IP "
		    "address or localhost (host names are not resolved)",
		    host);
		return -EINVAL;
	}
	return 0;
}

/* A listen entry, maybe with a port, as an address; -EINVAL otherwise. */
static int
dc_listen_parse(const char *s, struct dc_addr *a)
{
	char buf[64];
	const char *colon;
	size_t n = strlen(s);

	if (n >= sizeof(buf))
		return -EINVAL;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (end == NULL)
			return -EINVAL;
		n = (size_t)(end - s - 1);
		memcpy(buf, s + 1, n);
		buf[n] = '\0';
		return dc_addr_parse(buf, a);
	}
	/* One colon: IPv4 with a port; more: a bare IPv6 address. */
	colon = strchr(s, ':');
	if (colon != NULL && strchr(colon + 1, ':') == NULL)
		n = (size_t)(colon - s);
	memcpy(buf, s, n);
	buf[n] = '\0';
	return dc_addr_parse(buf, a);
}

static bool
dc_is_wildcard(const struct dc_addr *a)
{
	static const unsigned char zero[16];

	if (a->v4)
		return memcmp(a->b + 12, zero, 4) == 0;
	return memcmp(a->b, zero, 16) == 0;
}

/* The default list: loopback and each listen address's /24 or /64. */
static bool
dc_default_allows(const struct dc_addr *x, const char *const *listen_addrs,
    size_t nlisten)
{
	struct dc_addr net;

	if (x->v4 && x->b[12] == 127)
		return true;
	if (dc_addr_parse("::1", &net) == 0 && dc_in_prefix(x, &net, 128))
		return true;
	for (size_t i = 0; i < nlisten; i++) {
		if (listen_addrs[i] == NULL ||
		    dc_listen_parse(listen_addrs[i], &net) != 0 ||
		    dc_is_wildcard(&net) || net.v4 != x->v4)
			continue;
		if (dc_in_prefix(x, &net, net.v4 ? 96 + 24 : 64))
			return true;
	}
	return false;
}

int
indic_dest_check(const char *url, const char *const *allow, size_t nallow,
    const char *const *listen_addrs, size_t nlisten, char *errbuf,
    size_t len)
{
	struct dc_addr x, net;
	unsigned bits;
	bool local;
	int err;

	if (url == NULL) {
		snprintf(errbuf, len, "no destination URL");
		return -EINVAL;
	}
	if ((err = dc_url_parse(url, &x, &local, errbuf, len)) != 0)
		return err;
	if (local)
		(void)dc_addr_parse("127.0.0.1", &x);
	if (nallow == 0) {
		if (dc_default_allows(&x, listen_addrs, nlisten))
			return 0;
		snprintf(errbuf, len, "destination '%.200s' is outside "
		    "loopback and the listen networks (set [indications] "
		    "allow to permit it)", url);
		return -EACCES;
	}
	for (size_t i = 0; i < nallow; i++) {
		if (dc_cidr_parse(allow[i], &net, &bits) != 0) {
			snprintf(errbuf, len, "allow entry '%.64s' is not a "
			    "CIDR network", allow[i]);
			return -EINVAL;
		}
		if (dc_in_prefix(&x, &net, bits))
			return 0;
	}
	snprintf(errbuf, len, "destination '%.200s' is outside the "
	    "[indications] allow list", url);
	return -EACCES;
}
