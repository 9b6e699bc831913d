/* SPDX-License-Identifier: ISC */
/*
 * main.c - the command line of CONTRACT.md §7: serve in the foreground
 * (never forks), -t checks the configuration, `passwd` edits the users
 * file, `status` asks the running daemon.  Everything else lives in
 * daemon.c; this file only parses arguments and picks the subcommand.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "conf/conf.h"
#include "daemon/auth.h"
#include "daemon/daemon.h"
#include "daemon/status.h"
#include "daemon/volsetup.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef ARRAYD_VERSION
#define ARRAYD_VERSION "0.1"
#endif
#define DEFAULT_CONF SYSCONFDIR "/arrayd/arrayd.conf"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: arrayd [-c FILE] [-v]...      serve in the foreground\n"
	    "       arrayd -t [-c FILE]           check the configuration\n"
	    "       arrayd passwd [-c FILE] [--role browse|edit] NAME\n"
	    "                                     add or change a user; the "
	    "password is read from stdin\n"
	    "       arrayd status [-c FILE]       status of the running "
	    "daemon\n"
	    "       arrayd -V | -h\n"
	    "FILE defaults to %s\n", DEFAULT_CONF);
}

/* One line from stdin without echo on a terminal; new string or NULL. */
static char *
read_password(void)
{
	struct termios old, noecho;
	bool tty = isatty(STDIN_FILENO) &&
	    tcgetattr(STDIN_FILENO, &old) == 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty) {
		fprintf(stderr, "Password: ");
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &noecho);
	}
	n = getline(&line, &cap, stdin);
	if (tty) {
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

static int
cmd_passwd(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfile = DEFAULT_CONF;
	enum auth_role role = AUTH_BROWSE;
	struct conf *c;
	char *path, *pw, *dir;
	int ch, err;

	while ((ch = getopt_long(argc, argv, "c:r:h", lopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfile = optarg;
			break;
		case 'r':
			if ((role = auth_role_parse(optarg)) == AUTH_NONE) {
				fprintf(stderr, "arrayd passwd: --role: '%s' "
				    "is not browse or edit\n", optarg);
				return 1;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 1;
	}
	if (daemon_conf_load(cfile, &c) != 0)
		return 1;
	path = daemon_users_path(c);
	conf_free(c);
	if (path == NULL || (dir = strdup(path)) == NULL) {
		fprintf(stderr, "arrayd passwd: out of memory\n");
		free(path);
		return 1;
	}
	/* The first user may come before the first start. */
	(void)mkdir(dirname(dir), 0700);
	free(dir);
	if ((pw = read_password()) == NULL || pw[0] == '\0') {
		fprintf(stderr, "arrayd passwd: no password on stdin\n");
		free(pw);
		free(path);
		return 1;
	}
	err = auth_passwd(path, argv[optind], pw, role, NULL);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	if (err != 0)
		fprintf(stderr, "arrayd passwd: %s: %s\n", err == -EINVAL ?
		    argv[optind] : path, err == -EINVAL ? "invalid name "
		    "(1-63 of A-Z a-z 0-9 _ . @ -) or empty password" :
		    strerror(-err));
	else
		printf("%s: user %s (%s) saved\n", path, argv[optind],
		    auth_role_name(role));
	free(path);
	return err != 0 ? 1 : 0;
}

static int
cmd_status(int argc, char **argv)
{
	const char *cfile = DEFAULT_CONF;
	struct conf *c;
	char *sock;
	int ch, rc;

	while ((ch = getopt(argc, argv, "c:h")) != -1) {
		switch (ch) {
		case 'c':
			cfile = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	if (daemon_conf_load(cfile, &c) != 0)
		return 1;
	sock = daemon_path_join(c->state_dir, "arrayd.sock");
	conf_free(c);
	if (sock == NULL)
		return 1;
	rc = status_print(sock, stdout);
	free(sock);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfile = DEFAULT_CONF;
	struct conf *c;
	int ch, verbose = 0;
	bool check = false;

	if (argc > 1 && strcmp(argv[1], "passwd") == 0)
		return cmd_passwd(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "status") == 0)
		return cmd_status(argc - 1, argv + 1);
	while ((ch = getopt_long(argc, argv, "c:tvVh", lopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfile = optarg;
			break;
		case 't':
			check = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("arrayd %s\n", ARRAYD_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "arrayd: unexpected argument '%s'\n",
		    argv[optind]);
		usage(stderr);
		return 1;
	}
	if (check) {
		if (daemon_conf_load(cfile, &c) != 0)
			return 1;
		/* Disk findings are warnings: the configuration is valid. */
		(void)volsetup_check(c, stderr);
		conf_free(c);
		printf("configuration OK\n");
		return 0;
	}
	return daemon_main(cfile, verbose);
}
