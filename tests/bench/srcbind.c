/* SPDX-License-Identifier: ISC */
/*
 * srcbind.c - an LD_PRELOAD shim for tools that cannot choose their source
 * address (slowhttptest): every IPv4 connect() to 127.0.0.0/8 first binds
 * the socket to SRCBIND_ADDR (a loopback address, e.g. 127.0.0.2), so
 * dos.sh can run an attacker from another address than the normal client.
 * It touches nothing else: other families, other destinations and sockets
 * already bound go to the real connect() unchanged.  Built by dos.sh with
 * `cc -shared -fPIC -o srcbind.so srcbind.c -ldl`; not part of arrayd.
 */
#define _GNU_SOURCE
#include <sys/socket.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);

static int
is_loopback4(const struct sockaddr_in *a)
{
	return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
}

int
connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	static connect_fn real;
	const char *src = getenv("SRCBIND_ADDR");
	struct sockaddr_in me, cur;
	socklen_t curlen = sizeof(cur);

	if (real == NULL)
		real = (connect_fn)(uintptr_t)dlsym(RTLD_NEXT, "connect");
	if (real == NULL)
		return -1;
	if (src == NULL || sa == NULL || sa->sa_family != AF_INET ||
	    len < sizeof(struct sockaddr_in) ||
	    !is_loopback4((const struct sockaddr_in *)(const void *)sa))
		return real(fd, sa, len);
	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	if (inet_pton(AF_INET, src, &me.sin_addr) != 1 || !is_loopback4(&me))
		return real(fd, sa, len);
	/* An already bound socket keeps its address. */
	if (getsockname(fd, (struct sockaddr *)&cur, &curlen) == 0 &&
	    cur.sin_family == AF_INET && cur.sin_port != 0)
		return real(fd, sa, len);
	(void)bind(fd, (const struct sockaddr *)&me, sizeof(me));
	return real(fd, sa, len);
}
