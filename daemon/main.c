/* SPDX-License-Identifier: ISC */
/*
 * main.c - the command line of CONTRACT.md §7: serve in the foreground
 * (never forks), -t checks the configuration, `passwd` edits the users
 * file, `status` asks the running daemon.  Everything else lives in
 * daemon.c; this file only parses arguments and picks the subcommand.
 * Each command is a row of `cmds` (its word, its options, its operands);
 * one parser reads the options of all of them.
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

/* What the command line asked for, whichever command it names. */
struct cli {
	const char *cfile;		/* -c */
	enum auth_role role;		/* passwd --role */
	int verbose;			/* -v, repeated */
	bool check;			/* -t */
	char **args;			/* the operands */
};

/* A command: the word after "arrayd", what it accepts, what it runs. */
struct cli_cmd {
	const char *name;		/* NULL: serve (no word) */
	const char *optstring;
	const struct option *longopts;	/* NULL: short options only */
	int nargs;			/* operands it needs */
	int (*run)(const struct cli *cli);
};

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

/*
 * The users file the configuration names, with its folder made: the first
 * user may come before the first start.  A new string owned by the caller,
 * or NULL after the message.
 */
static char *
passwd_users_path(const char *cfile)
{
	struct conf *c;
	char *path, *dir;

	if (daemon_conf_load(cfile, &c) != 0)
		return NULL;
	path = daemon_users_path(c);
	conf_free(c);
	if (path == NULL || (dir = strdup(path)) == NULL) {
		fprintf(stderr, "arrayd passwd: out of memory\n");
		free(path);
		return NULL;
	}
	(void)mkdir(dirname(dir), 0700);
	free(dir);
	return path;
}

static int
cmd_passwd(const struct cli *cli)
{
	const char *name = cli->args[0];
	char *path, *pw;
	int err;

	if ((path = passwd_users_path(cli->cfile)) == NULL)
		return 1;
	if ((pw = read_password()) == NULL || pw[0] == '\0') {
		fprintf(stderr, "arrayd passwd: no password on stdin\n");
		free(pw);
		free(path);
		return 1;
	}
	err = auth_passwd(path, name, pw, cli->role, NULL);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	if (err != 0)
		fprintf(stderr, "arrayd passwd: %s: %s\n", err == -EINVAL ?
		    name : path, err == -EINVAL ? "invalid name "
		    "(1-63 of A-Z a-z 0-9 _ . @ -) or empty password" :
		    strerror(-err));
	else
		printf("%s: user %s (%s) saved\n", path, name,
		    auth_role_name(cli->role));
	free(path);
	return err != 0 ? 1 : 0;
}

static int
cmd_status(const struct cli *cli)
{
	struct conf *c;
	char *sock;
	int rc;

	if (daemon_conf_load(cli->cfile, &c) != 0)
		return 1;
	sock = daemon_path_join(c->state_dir, "arrayd.sock");
	conf_free(c);
	if (sock == NULL)
		return 1;
	rc = status_print(sock, stdout);
	free(sock);
	return rc;
}

static int
cmd_serve(const struct cli *cli)
{
	struct conf *c;

	if (!cli->check)
		return daemon_main(cli->cfile, cli->verbose);
	if (daemon_conf_load(cli->cfile, &c) != 0)
		return 1;
	/* Disk findings are warnings: the configuration is valid. */
	(void)volsetup_check(c, stderr);
	conf_free(c);
	printf("configuration OK\n");
	return 0;
}

static const struct option passwd_longopts[] = {
	{ "role", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option serve_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* The last row, without a word, is what a command line without one runs. */
static const struct cli_cmd cmds[] = {
	{ "passwd", "c:r:h", passwd_longopts, 1, cmd_passwd },
	{ "status", "c:h", NULL, 0, cmd_status },
	{ NULL, "c:tvVh", serve_longopts, 0, cmd_serve },
};

/*
 * Read the options and operands of `cmd` into `cli`.  Returns -1 when the
 * command is to run, else the exit status (help, version, a usage error).
 */
static int
cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct cli *cli)
{
	int ch;

	while ((ch = getopt_long(argc, argv, cmd->optstring, cmd->longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			cli->cfile = optarg;
			break;
		case 'r':
			cli->role = auth_role_parse(optarg);
			if (cli->role == AUTH_NONE) {
				fprintf(stderr, "arrayd %s: --role: '%s' is "
				    "not browse or edit\n", cmd->name, optarg);
				return 1;
			}
			break;
		case 't':
			cli->check = true;
			break;
		case 'v':
			cli->verbose++;
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
	if (argc - optind != cmd->nargs) {
		if (cmd->name == NULL)	/* serve takes no word at all */
			fprintf(stderr, "arrayd: unexpected argument '%s'\n",
			    argv[optind]);
		usage(stderr);
		return 1;
	}
	cli->args = argv + optind;
	return -1;
}

int
main(int argc, char **argv)
{
	struct cli cli = { .cfile = DEFAULT_CONF, .role = AUTH_BROWSE };
	const struct cli_cmd *cmd = &cmds[0];
	int rc;

	while (cmd->name != NULL &&
	    (argc < 2 || strcmp(argv[1], cmd->name) != 0))
		cmd++;
	if (cmd->name != NULL) {
		argc--;
		argv++;
	}
	if ((rc = cli_parse(cmd, argc, argv, &cli)) >= 0)
		return rc;
	return cmd->run(&cli);
}
