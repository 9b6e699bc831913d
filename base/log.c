/* SPDX-License-Identifier: ISC */
/*
 * log.c - the daemon's logger, in the shape of OpenBSD's log.c: one line per
 * event, to stderr in the foreground ("2024-05-01T12:00:00.123Z arrayd[42]:
 * info: msg") or to syslog(LOG_DAEMON) otherwise.  Its level and destination
 * are the only global state of the program.  Control characters in a
 * message (which may quote client input) are replaced by '?' so one event is
 * always one line.  It never allocates and never logs secrets by itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

#define LOG_LINE_MAX	2048

static struct {
	bool	to_stderr;
	int	level;
	void	(*fatal_hook)(void);
} log_state = { true, LOG_LVL_INFO, NULL };

static const char *const log_level_names[] = {
	[LOG_LVL_ERROR] = "error",
	[LOG_LVL_WARN] = "warning",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

static const int log_syslog_prio[] = {
	[LOG_LVL_ERROR] = LOG_ERR,
	[LOG_LVL_WARN] = LOG_WARNING,
	[LOG_LVL_INFO] = LOG_INFO,
	[LOG_LVL_DEBUG] = LOG_DEBUG,
};

static int
log_clamp(int level)
{
	if (level < LOG_LVL_ERROR)
		return LOG_LVL_ERROR;
	if (level > LOG_LVL_DEBUG)
		return LOG_LVL_DEBUG;
	return level;
}

void
log_init(bool to_stderr, int level)
{
	log_state.to_stderr = to_stderr;
	log_state.level = log_clamp(level);
	tzset();
	if (!to_stderr)
		openlog("arrayd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(int level)
{
	log_state.level = log_clamp(level);
}

int
log_get_level(void)
{
	return log_state.level;
}

int
log_level_parse(const char *s)
{
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(log_level_names) /
	    sizeof(log_level_names[0]); i++)
		if (strcmp(s, log_level_names[i]) == 0)
			return (int)i;
	return -1;
}

bool
log_enabled(int level)
{
	return level <= log_state.level;
}

void
log_set_fatal_hook(void (*hook)(void))
{
	log_state.fatal_hook = hook;
}

/* Make the formatted message one printable line. */
static void
log_sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void
log_emit(int level, const char *msg)
{
	char line[LOG_LINE_MAX + 128];
	struct timespec ts;
	struct tm tm;
	int n, m;

	level = log_clamp(level);
	if (!log_state.to_stderr) {
		syslog(log_syslog_prio[level], "%s: %s",
		    log_level_names[level], msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = (int)strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	m = snprintf(line + n, sizeof(line) - (size_t)n,
	    ".%03ldZ arrayd[%ld]: %s: %s\n", ts.tv_nsec / 1000000L,
	    (long)getpid(), log_level_names[level], msg);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	/* One write per line so concurrent writers do not interleave. */
	while (write(STDERR_FILENO, line, (size_t)n) == -1 && errno == EINTR)
		;
}

void
log_vmsg(int level, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	int saved = errno;

	if (!log_enabled(level))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_sanitize(msg);
	log_emit(level, msg);
	errno = saved;
}

void
log_errorx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERROR, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	/* Cheap early exit: debug calls sit on hot paths. */
	if (!log_enabled(LOG_LVL_DEBUG))
		return;
	va_start(ap, fmt);
	log_vmsg(LOG_LVL_DEBUG, fmt, ap);
	va_end(ap);
}

void
log_warn_err(int err, const char *fmt, ...)
{
	char msg[LOG_LINE_MAX];
	va_list ap;

	if (!log_enabled(LOG_LVL_WARN))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s: %s", msg, strerror(err < 0 ? -err : err));
}

void
fatalx(const char *fmt, ...)
{
	char msg[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_errorx("fatal: %s", msg);
	if (log_state.fatal_hook != NULL)
		log_state.fatal_hook();	/* a test harness may longjmp out */
	exit(1);
}
