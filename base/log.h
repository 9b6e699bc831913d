/* SPDX-License-Identifier: ISC */
/*
 * log.h - the daemon's logger (OpenBSD log.c shape): one line per event,
 * stderr in the foreground, syslog otherwise.  The only global state of the
 * program.  Messages: lowercase, no trailing period, object first
 * ("pair 101->102: resync started (job 17)").  Never log secrets.
 */
#ifndef ARRAYD_LOG_H
#define ARRAYD_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level { LOG_LVL_ERROR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* to_stderr: foreground; otherwise syslog(LOG_DAEMON).  level: max shown. */
void log_init(bool to_stderr, int level);
void log_set_level(int level);
int log_get_level(void);
/* "error"/"warning"/"info"/"debug" -> level, -1 if unknown. */
int log_level_parse(const char *s);
bool log_enabled(int level);

void log_errorx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Checks the level before formatting. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Appends ": strerror(-err)". */
void log_warn_err(int err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_vmsg(int level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/*
 * fatalx() logs "fatal: msg", calls `hook` (if set) and then exits 1.  A test
 * harness may set a hook that longjmps out; NULL restores plain exit.
 */
void log_set_fatal_hook(void (*hook)(void));

#endif /* ARRAYD_LOG_H */
