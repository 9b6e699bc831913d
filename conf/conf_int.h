/* SPDX-License-Identifier: ISC */
/*
 * conf_int.h - shared between conf.c (the key tables, value parsing,
 * defaults, cross-field checks) and load.c (the file reader).  Private to
 * conf/; nothing outside this folder includes it.
 */
#ifndef ARRAYD_CONF_INT_H
#define ARRAYD_CONF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"

enum conf_type {
	CT_UINT,		/* unsigned */
	CT_U32,			/* uint32_t */
	CT_U64,			/* uint64_t */
	CT_SIZE32,		/* uint32_t, K/M/G/T suffixes */
	CT_SIZE64,		/* uint64_t, K/M/G/T suffixes */
	CT_PATH,		/* char *, made absolute */
	CT_LISTEN,		/* char **listen + nlisten */
	CT_LEVEL,		/* char *, one of the log levels */
	CT_SYSNAME,		/* char *, 1..max of [A-Za-z0-9_.-] */
	CT_POOLREF,		/* char *, a pool name */
	CT_HOST,		/* char *, host name or address */
	CT_BOOL,		/* bool: yes/no, true/false, on/off, 1/0 */
	CT_CIDRS,		/* [indications] allow: char ** + count after it */
};

#define KF_REQUIRED	0x1	/* must appear in its section */
#define KF_EMPTY_OK	0x2	/* "key =" means unset / default */

struct conf_key {
	const char	*name;
	enum conf_type	 type;
	size_t		 off;		/* offsetof() in the section's struct */
	uint64_t	 min, max;	/* numbers: range; names: max length */
	const char	*def;		/* default, as the file would spell it */
	unsigned	 flags;
	const char	*(*check)(uint64_t v);	/* NULL or a reason */
};

enum conf_sec { SEC_NONE, SEC_SERVER, SEC_POOL, SEC_VOLUME, SEC_INDICATIONS,
    SEC_IGNORE };

struct conf_section_def {
	const char		*name;
	const struct conf_key	*keys;
	size_t			 nkeys;
};

extern const struct conf_section_def conf__sections[];

int conf__error(struct conf_errors *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool conf__name_ok(const char *s, size_t max);
/* Sets key `k` of the section struct at `base` from text `v`. */
int conf__set(const struct conf_key *k, void *base, const char *v,
    const char *dir, char *why, size_t whylen);
int conf__finish(struct conf *c);
/* Sets the defaults of a new pool or volume section's struct at `base`. */
int conf__section_defaults(enum conf_sec kind, void *base);
/* Cross-field rules; messages name the file as `f`. */
int conf__validate_as(const struct conf *c, struct conf_errors *errs,
    const char *f);
char *conf__path_join(const char *dir, const char *rel);

#endif /* ARRAYD_CONF_INT_H */
