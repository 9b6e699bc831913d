/* SPDX-License-Identifier: ISC */
/*
 * load.c - reads arrayd.conf with libinih into a struct conf, collecting
 * every error as "FILE:LINE: key: reason" so `arrayd -t` prints them all.
 *
 * libinih is fed through our own line reader: it counts lines (the packaged
 * libinih does not pass line numbers), announces section headers itself
 * (inih reports a section only when it holds keys, and merges repeats),
 * strips inline `#`/`;` comments and leading blanks (so no line is ever
 * taken for a continuation) and turns lines inih would reject into errors
 * of ours.  Values are parsed and range-checked by the key tables in
 * conf.c.  This file does no I/O besides reading the one file.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "conf/conf_int.h"

#define CONF_MAX_KEYS	32

struct conf_sect {
	enum conf_sec	 kind;
	size_t		 idx;		/* into pools or volumes */
	unsigned	 line;
	unsigned	 key_line[CONF_MAX_KEYS];	/* 0: not seen yet */
};

struct conf_parse {
	struct conf		*c;
	struct conf_errors	*errs;
	const char		*file;	/* as the user named it */
	char			*dir;	/* the file's folder, absolute */
	FILE			*fp;
	char			*buf;
	size_t			 cap;
	unsigned		 lineno;
	unsigned		 nerr;
	int			 err;	/* -ENOMEM: give up */
	int			 read_errno;
	struct conf_sect	 server, indications, ignore;
	struct conf_sect	*sects;	/* pools and volumes, file order */
	size_t			 nsects;
	struct conf_sect	*cur;	/* NULL before the first header */
};

static void conf_perr(struct conf_parse *p, unsigned line, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void
conf_perr(struct conf_parse *p, unsigned line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->nerr++;
	if (p->err == 0)
		p->err = conf__error(p->errs, "%s:%u: %s", p->file, line, msg);
}

/* Adds pool or volume `name` to the conf and a section record for it. */
static int
conf_add_object(struct conf_parse *p, enum conf_sec kind, const char *name)
{
	struct conf_sect *ns;
	struct conf *c = p->c;
	size_t idx;
	char *dup;

	if ((dup = strdup(name)) == NULL)
		return -ENOMEM;
	if (kind == SEC_POOL) {
		struct conf_pool *np = reallocarray(c->pools, c->npools + 1,
		    sizeof(*np));

		if (np == NULL)
			goto out_free_dup;
		c->pools = np;
		idx = c->npools++;
		np[idx] = (struct conf_pool){ .name = dup, .line = p->lineno };
		if (conf__section_defaults(SEC_POOL, &np[idx]) != 0)
			return -ENOMEM;		/* `dup` is owned by c now */
	} else {
		struct conf_volume *nv = reallocarray(c->volumes,
		    c->nvolumes + 1, sizeof(*nv));

		if (nv == NULL)
			goto out_free_dup;
		c->volumes = nv;
		idx = c->nvolumes++;
		nv[idx] = (struct conf_volume){ .name = dup,
		    .line = p->lineno };
		if (conf__section_defaults(SEC_VOLUME, &nv[idx]) != 0)
			return -ENOMEM;		/* `dup` is owned by c now */
	}
	if ((ns = reallocarray(p->sects, p->nsects + 1, sizeof(*ns))) == NULL)
		return -ENOMEM;		/* `dup` is owned by c now */
	p->sects = ns;
	p->cur = &ns[p->nsects++];
	*p->cur = (struct conf_sect){ .kind = kind, .idx = idx,
	    .line = p->lineno };
	return 0;
out_free_dup:
	free(dup);
	return -ENOMEM;
}

/* Returns the line of an earlier pool/volume called `name`, or 0. */
static unsigned
conf_find_object(const struct conf *c, enum conf_sec kind, const char *name)
{
	if (kind == SEC_POOL) {
		for (size_t i = 0; i < c->npools; i++)
			if (strcmp(c->pools[i].name, name) == 0)
				return c->pools[i].line;
	} else {
		for (size_t i = 0; i < c->nvolumes; i++)
			if (strcmp(c->volumes[i].name, name) == 0)
				return c->volumes[i].line;
	}
	return 0;
}

/* [server] or [indications]: sections without a name, given once. */
static void
conf_begin_single(struct conf_parse *p, char *in, size_t kwlen,
    const char *name, struct conf_sect *sec)
{
	const char *kw = conf__sections[sec->kind].name;

	if (*name != '\0')
		conf_perr(p, p->lineno, "[%s]: [%s] takes no name", in, kw);
	else if (sec->line != 0)
		conf_perr(p, p->lineno, "[%.*s]: duplicate section (first at "
		    "line %u)", (int)kwlen, in, sec->line);
	else
		sec->line = p->lineno;
	p->cur = sec;		/* still check its keys */
}

/* A "[kind name]" header; `in` is the text between the brackets. */
static void
conf_begin_section(struct conf_parse *p, char *in)
{
	enum conf_sec kind;
	char *name;
	unsigned first;
	size_t kwlen;

	p->cur = &p->ignore;
	while (isspace((unsigned char)*in))
		in++;
	kwlen = strcspn(in, " \t");
	for (name = in + kwlen; isspace((unsigned char)*name); name++)
		;
	if ((kwlen == 6 && strncmp(in, "server", 6) == 0) ||
	    (kwlen == 11 && strncmp(in, "indications", 11) == 0)) {
		conf_begin_single(p, in, kwlen, name, kwlen == 6 ?
		    &p->server : &p->indications);
		return;
	}
	if (kwlen == 4 && strncmp(in, "pool", 4) == 0)
		kind = SEC_POOL;
	else if (kwlen == 6 && strncmp(in, "volume", 6) == 0)
		kind = SEC_VOLUME;
	else {
		conf_perr(p, p->lineno, "[%s]: unknown section", in);
		return;
	}
	in[kwlen] = '\0';
	if (*name == '\0')
		conf_perr(p, p->lineno, "[%s]: missing %s name", in, in);
	else if (!conf__name_ok(name, kind == SEC_POOL ? 63 : 31))
		conf_perr(p, p->lineno, "[%s %s]: bad %s name (1-%d "
		    "characters of A-Z a-z 0-9 _ . -)", in, name, in,
		    kind == SEC_POOL ? 63 : 31);
	else if ((first = conf_find_object(p->c, kind, name)) != 0)
		conf_perr(p, p->lineno, "[%s %s]: duplicate section (first "
		    "at line %u)", in, name, first);
	else if (conf_add_object(p, kind, name) != 0)
		p->err = -ENOMEM;
}

/* Cuts a `#` or `;` comment (at the start or after a blank) and trims. */
static char *
conf_strip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	for (e = s; *e != '\0'; e++)
		if ((*e == '#' || *e == ';') &&
		    (e == s || isspace((unsigned char)e[-1]))) {
			*e = '\0';
			break;
		}
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * libinih's line source.  Handles headers, blanks, comments and malformed
 * lines itself and hands inih only clean "key=value" lines, one at a time,
 * so p->lineno is the line of the pair the handler is called for.
 */
static char *
conf_reader(char *str, int num, void *stream)
{
	struct conf_parse *p = stream;
	ssize_t len;
	char *s;
	size_t klen;

	while (p->err == 0) {
		errno = 0;
		if ((len = getline(&p->buf, &p->cap, p->fp)) == -1) {
			if (ferror(p->fp))
				p->read_errno = errno != 0 ? errno : EIO;
			return NULL;
		}
		p->lineno++;
		s = p->buf;
		if (p->lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
			s += 3;
		if (strlen(p->buf) != (size_t)len) {
			conf_perr(p, p->lineno, "line contains a NUL byte");
			continue;
		}
		s = conf_strip(s);
		if (*s == '\0')
			continue;
		if (*s == '[') {
			len = (ssize_t)strlen(s);
			if (s[len - 1] != ']') {
				conf_perr(p, p->lineno, "syntax error: "
				    "missing ']'");
				p->cur = &p->ignore;
				continue;
			}
			s[len - 1] = '\0';
			conf_begin_section(p, s + 1);
			continue;
		}
		klen = strcspn(s, "=");
		if (s[klen] == '\0' || strcspn(s, ":") < klen) {
			conf_perr(p, p->lineno, "syntax error: expected "
			    "'key = value'");
			continue;
		}
		if (strlen(s) + 3 > (size_t)num) {
			conf_perr(p, p->lineno, "line too long (at most %d "
			    "characters)", num - 3);
			continue;
		}
		snprintf(str, (size_t)num, "%s\n", s);
		return str;
	}
	return NULL;
}

static int
conf_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct conf_parse *p = user;
	struct conf_sect *sec = p->cur;
	const struct conf_section_def *sd;
	char why[320];
	void *base;
	size_t i;
	int err;

	(void)section;		/* p->cur knows better */
	if (p->err != 0 || (sec != NULL && sec->kind == SEC_IGNORE))
		return 1;
	if (sec == NULL) {
		conf_perr(p, p->lineno, "%s: outside any section", name);
		return 1;
	}
	sd = &conf__sections[sec->kind];
	for (i = 0; i < sd->nkeys; i++)
		if (strcmp(sd->keys[i].name, name) == 0)
			break;
	if (i == sd->nkeys) {
		conf_perr(p, p->lineno, "%s: unknown key in [%s]", name,
		    sd->name);
		return 1;
	}
	if (sec->key_line[i] != 0) {
		conf_perr(p, p->lineno, "%s: duplicate key (first at line %u)",
		    name, sec->key_line[i]);
		return 1;
	}
	sec->key_line[i] = p->lineno;
	if (sec->kind == SEC_SERVER)
		base = p->c;
	else if (sec->kind == SEC_INDICATIONS)
		base = &p->c->indications;
	else if (sec->kind == SEC_POOL)
		base = &p->c->pools[sec->idx];
	else
		base = &p->c->volumes[sec->idx];
	err = conf__set(&sd->keys[i], base, value, p->dir, why, sizeof(why));
	if (err == -ENOMEM)
		p->err = err;
	else if (err != 0)
		conf_perr(p, p->lineno, "%s: %s", name, why);
	return 1;
}

/* Required keys are reported at their section's header line. */
static void
conf_check_required(struct conf_parse *p)
{
	for (size_t i = 0; i < p->nsects; i++) {
		const struct conf_sect *s = &p->sects[i];
		const struct conf_section_def *sd = &conf__sections[s->kind];
		const char *name = s->kind == SEC_POOL ?
		    p->c->pools[s->idx].name : p->c->volumes[s->idx].name;

		for (size_t k = 0; k < sd->nkeys; k++)
			if ((sd->keys[k].flags & KF_REQUIRED) &&
			    s->key_line[k] == 0)
				conf_perr(p, s->line, "%s: missing required "
				    "key in [%s %s]", sd->keys[k].name,
				    sd->name, name);
	}
}

/* Line number of a message "FILE:LINE: ...", 0 for "FILE: ...". */
static unsigned long
conf_msg_line(const char *msg, size_t flen)
{
	return msg[flen] == ':' ? strtoul(msg + flen + 1, NULL, 10) : 0;
}

/*
 * Cross-field and required-key errors are found after the whole file is
 * read; a stable sort puts every message of this load in line order.
 */
static void
conf_sort_errors(struct conf_errors *e, size_t first, const char *file)
{
	size_t flen = strlen(file);

	if (e == NULL)
		return;
	for (size_t i = first + 1; i < e->n; i++) {
		char *m = e->msgs[i];
		unsigned long line = conf_msg_line(m, flen);
		size_t j = i;

		for (; j > first && conf_msg_line(e->msgs[j - 1], flen) > line;
		    j--)
			e->msgs[j] = e->msgs[j - 1];
		e->msgs[j] = m;
	}
}

/* The file's absolute name and folder, without resolving symlinks. */
static int
conf_locate(struct conf_parse *p, const char *path)
{
	char cwd[PATH_MAX], *slash;

	if (path[0] == '/') {
		p->c->file = strdup(path);
	} else {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return -errno;
		p->c->file = conf__path_join(cwd, path);
	}
	if (p->c->file == NULL || (p->dir = strdup(p->c->file)) == NULL)
		return -ENOMEM;
	slash = strrchr(p->dir, '/');
	slash[slash == p->dir ? 1 : 0] = '\0';
	return 0;
}

int
conf_load(const char *path, struct conf **out, struct conf_errors *errs)
{
	struct conf_parse p = { .errs = errs, .file = path };
	size_t first = errs != NULL ? errs->n : 0;
	int err, r;

	*out = NULL;
	p.ignore.kind = SEC_IGNORE;
	p.server.kind = SEC_SERVER;
	p.indications.kind = SEC_INDICATIONS;
	if ((p.fp = fopen(path, "re")) == NULL) {
		err = -errno;
		conf__error(errs, "%s: cannot open: %s", path, strerror(-err));
		return err;
	}
	if ((p.c = conf_defaults()) == NULL) {
		err = -ENOMEM;
		goto out_close;
	}
	free(p.c->users_file);		/* recomputed from the final state_dir */
	p.c->users_file = NULL;
	if ((err = conf_locate(&p, path)) != 0) {
		conf__error(errs, "%s: cannot resolve: %s", path,
		    strerror(-err));
		goto out_free;
	}
	r = ini_parse_stream(conf_reader, &p, conf_handler, &p);
	if (r == -2 || p.err != 0) {
		err = -ENOMEM;
		goto out_free;
	}
	if (p.read_errno != 0) {
		err = -p.read_errno;
		conf__error(errs, "%s: cannot read: %s", path, strerror(-err));
		goto out_free;
	}
	if (r > 0)	/* not expected: the reader passes clean lines only */
		conf_perr(&p, (unsigned)r, "syntax error");
	conf_check_required(&p);
	if ((err = conf__finish(p.c)) != 0)
		goto out_free;
	err = conf__validate_as(p.c, errs, path);
	conf_sort_errors(errs, first, path);
	if (err == -ENOMEM || p.err != 0) {
		err = -ENOMEM;
		goto out_free;
	}
	if (err != 0 || p.nerr != 0) {
		err = -EINVAL;
		goto out_free;
	}
	*out = p.c;
	p.c = NULL;
out_free:
	conf_free(p.c);
	free(p.sects);
	free(p.buf);
	free(p.dir);
out_close:
	fclose(p.fp);
	return err;
}
