/* SPDX-License-Identifier: ISC */
/*
 * status.c - `arrayd status`: connects to state_dir/arrayd.sock with
 * plain blocking sockets (no loop: it is a one-shot command), reads the
 * daemon's tab-separated snapshot and prints each pool's space, the
 * volumes CIM created and deleted, then volumes, pairs and jobs as
 * tables.  It never talks CIM and never opens the state database.
 */
#include "daemon/status.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STATUS_MAX	(16u << 20)	/* snapshot cap */
#define STATUS_FIELDS	12

/* Split a line on tabs in place; returns the field count. */
static size_t
status_split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		f[n++] = p;
		if ((p = strchr(p, '\t')) == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

static void
status_human(uint64_t v, char *buf, size_t len)
{
	static const char *unit[] = { "B", "K", "M", "G", "T", "P" };
	double d = (double)v;
	size_t u = 0;

	while (d >= 1024.0 && u < 5) {
		d /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 "B", v);
	else
		snprintf(buf, len, "%.1f%s", d, unit[u]);
}

static void
status_bar(unsigned pct, char *buf)
{
	unsigned fill = pct > 100 ? 20 : pct / 5;

	buf[0] = '[';
	for (unsigned i = 0; i < 20; i++)
		buf[1 + i] = i < fill ? '#' : '.';
	buf[21] = ']';
	buf[22] = '\0';
}

static void
status_eta(const char *s, char *buf, size_t len)
{
	unsigned long t;

	if (strcmp(s, "-") == 0) {
		snprintf(buf, len, "-");
		return;
	}
	t = strtoul(s, NULL, 10);
	if (t >= 3600)
		snprintf(buf, len, "%luh%02lum", t / 3600, t / 60 % 60);
	else
		snprintf(buf, len, "%lum%02lus", t / 60, t % 60);
}

static void
status_job(char **f, size_t n, FILE *out)
{
	char bar[24], done[16], total[16], rate[16], eta[24];
	bool running;

	if (n < 10)
		return;
	running = strcmp(f[4], "Running") == 0;
	status_bar((unsigned)strtoul(f[5], NULL, 10), bar);
	status_human(strtoull(f[6], NULL, 10), done, sizeof(done));
	status_human(strtoull(f[7], NULL, 10), total, sizeof(total));
	if (running) {
		status_human((uint64_t)strtod(f[8], NULL), rate, sizeof(rate));
		strcat(rate, "/s");
		status_eta(f[9], eta, sizeof(eta));
	} else {
		strcpy(rate, "-");
		strcpy(eta, "-");
	}
	fprintf(out, "%-6s %-14s %-11s %s %3s%% %9s/%-9s %10s %8s\n", f[1],
	    f[2], f[4], bar, f[5], done, total, rate, eta);
}

/*
 * pool <name> <volumes> <provisioned> <limit|-> <percent> <capacity> <free>
 * [<copy mode>] as "pool NAME: 3 volumes, 1.5G provisioned of 40.0G limit
 * (400%), 9.8G free of 10.0G" and "pool NAME: reflink (xfs): point-in-time
 * copies".  Capacity 0 means statvfs failed: said so, since
 * there is then no limit either.
 */
static void
status_pool(char **f, size_t n, FILE *out)
{
	char prov[16], lim[16], cap[16], fr[16];
	unsigned long vols;

	if (n < 8)
		return;
	vols = strtoul(f[2], NULL, 10);
	status_human(strtoull(f[3], NULL, 10), prov, sizeof(prov));
	fprintf(out, "pool %s: %lu volume%s, %s provisioned", f[1], vols,
	    vols == 1 ? "" : "s", prov);
	if (strtoull(f[6], NULL, 10) == 0) {
		fputs(", capacity unknown\n", out);
		goto mode;
	}
	if (strcmp(f[4], "-") == 0) {
		fputs(" (no limit)", out);
	} else {
		status_human(strtoull(f[4], NULL, 10), lim, sizeof(lim));
		fprintf(out, " of %s limit (%s%%)", lim, f[5]);
	}
	status_human(strtoull(f[7], NULL, 10), fr, sizeof(fr));
	status_human(strtoull(f[6], NULL, 10), cap, sizeof(cap));
	fprintf(out, ", %s free of %s\n", fr, cap);
mode:
	/* Its copy mode (daemon/poolmode.c), from daemons that send it. */
	if (n >= 9 && strcmp(f[8], "-") != 0)
		fprintf(out, "pool %s: %s\n", f[1], f[8]);
}

int
status_render(const char *snapshot, FILE *out)
{
	char *copy, *line, *save = NULL, *f[STATUS_FIELDS], sz[16];
	int sect = 0, want, err = -EINVAL;
	size_t n;

	if ((copy = strdup(snapshot)) == NULL)
		return -ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		n = status_split(line, f, STATUS_FIELDS);
		want = strcmp(f[0], "volume") == 0 ? 1 :
		    strcmp(f[0], "pair") == 0 ? 2 :
		    strcmp(f[0], "job") == 0 ? 3 :
		    strcmp(f[0], "indications") == 0 ? 4 : 0;
		if (want != 0 && want != sect) {
			static const char *hdr[] = { NULL,
			    "VOLUMES\nID     NAME                            POOL             SIZE       FLAGS\n",
			    "\nPAIRS\nSOURCE TARGET KIND STATE                 COPYTYPE SYNCED\n",
			    "\nJOBS\nID     KIND           STATE       PROGRESS                   BYTES               RATE      ETA\n",
			    "\nINDICATIONS\n" };
			fputs(hdr[want], out);
			sect = want;
		}
		if (strcmp(f[0], "arrayd") == 0 && n >= 3)
			fprintf(out, "system %s\n\n", f[2]);
		else if (strcmp(f[0], "pool") == 0)
			status_pool(f, n, out);
		else if (strcmp(f[0], "counters") == 0 && n >= 3) {
			/* The last line before the tables: a blank follows. */
			fprintf(out, "volumes through CIM since start: %s "
			    "created, %s deleted\n\n", f[1], f[2]);
		}
		else if (want == 1 && n >= 6) {
			status_human(strtoull(f[4], NULL, 10), sz, sizeof(sz));
			fprintf(out, "%-6s %-31s %-16s %-10s %s\n", f[1], f[2],
			    f[3], sz, f[5]);
		} else if (want == 2 && n >= 8)
			fprintf(out, "%-6s %-6s %-4s %-21s %-8s %s%s\n", f[1],
			    f[2], f[3], f[5], f[6], f[7],
			    strcmp(f[7], "-") == 0 ? "" : "%");
		else if (want == 3)
			status_job(f, n, out);
		else if (want == 4 && n >= 8)
			fprintf(out, "%s subscriptions, %s destinations, %s "
			    "filters; %s queued, %s delivered, %s retried, %s "
			    "dropped\n%s", f[3], f[2], f[1], f[4], f[5], f[6],
			    f[7], "NAME                 QUEUED DELIVERED  RETRIED "
			    " DROPPED STATE        URL / LAST ERROR\n");
		else if (strcmp(f[0], "destination") == 0 && n >= 9)
			fprintf(out, "%-20s %6s %9s %8s %8s %-12s %s%s%s\n",
			    f[1], f[3], f[4], f[5], f[6], f[7], f[2],
			    strcmp(f[8], "-") == 0 ? "" : " / ",
			    strcmp(f[8], "-") == 0 ? "" : f[8]);
		else if (strcmp(f[0], "end") == 0)
			err = 0;
	}
	free(copy);
	return err;
}

/* Read the whole answer; returns a new string owned by the caller. */
static char *
status_fetch(const char *path, char *errbuf, size_t errlen)
{
	struct sockaddr_un sun;
	struct timeval tv = { 10, 0 };
	size_t len = 0, cap = 65536;
	char *buf = NULL, *nb;
	ssize_t r;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(errbuf, errlen, "%s: path too long", path);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(errbuf, errlen, "arrayd is not running (%s: %s)",
		    path, strerror(errno));
		goto out;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (write(fd, "status\n", 7) != 7 || (buf = malloc(cap)) == NULL) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	while ((r = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)r;
		if (len + 1 < cap)
			continue;
		if (cap >= STATUS_MAX || (nb = realloc(buf, cap * 2)) == NULL) {
			snprintf(errbuf, errlen, "%s: answer too large", path);
			r = -1;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	if (r < 0) {
		if (errbuf[0] == '\0')
			snprintf(errbuf, errlen, "%s: %s", path,
			    strerror(errno));
		free(buf);
		buf = NULL;
	} else
		buf[len] = '\0';
out:
	if (fd != -1)
		close(fd);
	return buf;
}

int
status_print(const char *sock_path, FILE *out)
{
	char errbuf[512] = "", *snap;
	int err;

	if ((snap = status_fetch(sock_path, errbuf, sizeof(errbuf))) == NULL) {
		fprintf(stderr, "%s\n", errbuf);
		return 1;
	}
	err = status_render(snap, out);
	if (err != 0)
		fprintf(stderr, "%s: incomplete or unknown answer from the "
		    "daemon\n", sock_path);
	free(snap);
	return err != 0 ? 1 : 0;
}
