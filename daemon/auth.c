/* SPDX-License-Identifier: ISC */
/*
 * auth.c - HTTP Basic authentication against the users file (OpenSSL).
 *
 * The users file holds one user a line; blank lines and lines starting with
 * '#' are ignored:
 *
 *	name:role:pbkdf2-sha256$ITERATIONS$SALT$HASH
 *
 * name is 1-63 characters of [A-Za-z0-9_.@-], role is "browse" or "edit",
 * SALT (8-64 bytes, 16 when we write it) and HASH (32 bytes) are standard
 * base64 with padding, and HASH = PBKDF2-HMAC-SHA256(password, SALT,
 * ITERATIONS).  The count is stored on each line so the default (100 000,
 * or the caller's auth_opts) can be raised without invalidating older
 * lines.  auth_passwd() rewrites the file atomically (temp file in the
 * same folder, mode 0600, fsync, rename) and keeps every other line as it
 * was.
 *
 * Checking a password costs tens of milliseconds on purpose, and HTTP Basic
 * sends it with every request, so a verified header is remembered: the key
 * is HMAC-SHA256(per-db random key, header), compared with CRYPTO_memcmp
 * over every slot, the value the user and role.  Failures are never
 * remembered, so guessing pays the full hash each time, and unknown users
 * pay it too so their absence does not show in the timing.  The cache lives
 * in the auth_db: a reload (a new db) forgets it.  The cache and the
 * reference count belong to the loop thread; only auth_verify_header()
 * (the hash) may run on a worker, on a db it holds a reference to, since
 * it reads nothing that changes after loading.  Passwords are never
 * logged.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "daemon/auth.h"
#include "daemon/fileio.h"

#define AUTH_SCHEME		"pbkdf2-sha256"
#define AUTH_NAME_MAX		63
#define AUTH_SALT_LEN		16	/* what we write */
#define AUTH_SALT_MAX		64	/* what we accept */
#define AUTH_HASH_LEN		32
#define AUTH_ITER_MAX		10000000u
#define AUTH_PASS_MAX		1024
#define AUTH_HEADER_MAX		1024	/* longer Authorization: refused */
#define AUTH_CACHE_SLOTS	64
#define AUTH_FILE_MAX		(16 * 1024 * 1024)

struct auth_user {
	char		 name[AUTH_NAME_MAX + 1];
	enum auth_role	 role;
	unsigned	 iter;
	size_t		 saltlen;
	unsigned char	 salt[AUTH_SALT_MAX];
	unsigned char	 hash[AUTH_HASH_LEN];
};

struct auth_slot {
	unsigned char	 mac[AUTH_HASH_LEN];
	enum auth_role	 role;		/* AUTH_NONE: slot empty */
	char		 name[AUTH_NAME_MAX + 1];
};

struct auth_db {
	struct auth_user	*users;
	size_t			 n;
	struct auth_user	 dummy;	/* hashed against for unknown users */
	EVP_MAC_CTX		*mac;	/* HMAC-SHA256 keyed for the cache */
	struct auth_slot	 cache[AUTH_CACHE_SLOTS];
	unsigned		 next;	/* round-robin victim */
	unsigned		 refs;	/* auth_db_ref(); loop thread only */
};

/* The PBKDF2 count the options ask for new hashes and the decoy. */
static unsigned
auth_opts_iterations(const struct auth_opts *opts)
{
	if (opts == NULL || opts->iterations == 0)
		return AUTH_ITERATIONS_DEFAULT;
	return opts->iterations;
}

const char *
auth_role_name(enum auth_role r)
{
	switch (r) {
	case AUTH_BROWSE:
		return "browse";
	case AUTH_EDIT:
		return "edit";
	default:
		return "none";
	}
}

enum auth_role
auth_role_parse(const char *s)
{
	if (s == NULL)
		return AUTH_NONE;
	if (strcmp(s, "browse") == 0)
		return AUTH_BROWSE;
	if (strcmp(s, "edit") == 0)
		return AUTH_EDIT;
	return AUTH_NONE;
}

static bool
auth_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > AUTH_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    strchr("_.@-", s[i]) == NULL)
			return false;
	return true;
}

/* ---- base64 ------------------------------------------------------------- */

static int
auth_b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Strict standard base64 with padding and zero spare bits.  Returns the
 * decoded length, or -1 for malformed input or more than `cap` bytes.
 */
static long
auth_b64_decode(const char *in, size_t len, unsigned char *out, size_t cap)
{
	size_t n = 0;

	if (len == 0 || len % 4 != 0)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;
		unsigned long t;

		for (int j = 0; j < 4; j++) {
			if (in[i + j] == '=') {
				if (i + 4 != len || j < 2)
					return -1;
				pad++;
				v[j] = 0;
			} else if (pad != 0 ||
			    (v[j] = auth_b64_value(in[i + j])) < 0) {
				return -1;
			}
		}
		if ((pad == 1 && (v[2] & 3) != 0) ||
		    (pad == 2 && (v[1] & 15) != 0))
			return -1;
		if (n + 3 - (size_t)pad > cap)
			return -1;
		t = (unsigned long)v[0] << 18 | (unsigned long)v[1] << 12 |
		    (unsigned long)v[2] << 6 | (unsigned long)v[3];
		out[n++] = (unsigned char)(t >> 16);
		if (pad < 2)
			out[n++] = (unsigned char)(t >> 8);
		if (pad < 1)
			out[n++] = (unsigned char)t;
	}
	return (long)n;
}

/* ---- the users file ------------------------------------------------------------ */

/* Parses one line into *u; returns NULL or why it is malformed. */
static const char *
auth_parse_line(char *line, struct auth_user *u)
{
	char *role, *spec, *f[4], *save = NULL, *end;
	unsigned long iter;
	long n;
	int i;

	if ((role = strchr(line, ':')) == NULL ||
	    (spec = strchr(role + 1, ':')) == NULL)
		return "expected name:role:hash";
	*role++ = '\0';
	*spec++ = '\0';
	if (!auth_name_ok(line, strlen(line)))
		return "bad user name (1-63 of A-Z a-z 0-9 _ . @ -)";
	memcpy(u->name, line, strlen(line) + 1);
	if ((u->role = auth_role_parse(role)) == AUTH_NONE)
		return "unknown role (browse or edit)";
	for (i = 0; i < 4; i++, spec = NULL)
		if ((f[i] = strtok_r(spec, "$", &save)) == NULL)
			return "expected pbkdf2-sha256$ITERATIONS$SALT$HASH";
	if (strtok_r(NULL, "$", &save) != NULL)
		return "expected pbkdf2-sha256$ITERATIONS$SALT$HASH";
	if (strcmp(f[0], AUTH_SCHEME) != 0)
		return "unknown hash scheme (pbkdf2-sha256 only)";
	errno = 0;
	iter = strtoul(f[1], &end, 10);
	if (!isdigit((unsigned char)f[1][0]) || *end != '\0' || errno != 0 ||
	    iter == 0 || iter > AUTH_ITER_MAX)
		return "bad iteration count";
	u->iter = (unsigned)iter;
	if ((n = auth_b64_decode(f[2], strlen(f[2]), u->salt,
	    sizeof(u->salt))) < 8)
		return "bad salt (base64 of 8-64 bytes)";
	u->saltlen = (size_t)n;
	if (auth_b64_decode(f[3], strlen(f[3]), u->hash, sizeof(u->hash)) !=
	    AUTH_HASH_LEN)
		return "bad hash (base64 of 32 bytes)";
	return NULL;
}

static int
auth_db_add(struct auth_db *db, const struct auth_user *u)
{
	struct auth_user *nu;

	for (size_t i = 0; i < db->n; i++)
		if (strcmp(db->users[i].name, u->name) == 0)
			return -EEXIST;
	if ((nu = reallocarray(db->users, db->n + 1, sizeof(*nu))) == NULL)
		return -ENOMEM;
	db->users = nu;
	nu[db->n++] = *u;
	return 0;
}

/* Reads every line of `fp` into db; errbuf gets "FILE:LINE: reason". */
static int
auth_db_read(struct auth_db *db, FILE *fp, const char *path, char *errbuf,
    size_t errlen)
{
	struct auth_user u;
	const char *why;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	int err = 0;

	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		memset(&u, 0, sizeof(u));
		if (strlen(line) != (size_t)len)
			why = "line contains a NUL byte";
		else
			why = auth_parse_line(line, &u);
		if (why == NULL && (err = auth_db_add(db, &u)) == -EEXIST)
			why = "duplicate user";
		if (why != NULL) {
			snprintf(errbuf, errlen, "%s:%u: %s", path, lineno,
			    why);
			err = -EINVAL;
		}
		OPENSSL_cleanse(&u, sizeof(u));
		if (err != 0)
			break;
	}
	if (err == 0 && ferror(fp)) {
		err = -EIO;
		snprintf(errbuf, errlen, "%s: cannot read", path);
	}
	free(line);
	return err;
}

/*
 * Keys the cache's HMAC with fresh random bytes, fetched once per db: a
 * one-shot HMAC() fetches the algorithm on every call, which costs more
 * than the MAC itself on the hit path.
 */
static int
auth_mac_new(struct auth_db *db)
{
	unsigned char key[32];
	OSSL_PARAM params[2];
	EVP_MAC *mac;
	int err = -EIO;

	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -EIO;
	db->mac = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);	/* the ctx holds its own reference */
	if (db->mac == NULL)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (RAND_bytes(key, sizeof(key)) == 1 &&
	    EVP_MAC_init(db->mac, key, sizeof(key), params) == 1)
		err = 0;
	OPENSSL_cleanse(key, sizeof(key));
	return err;
}

/* HMAC of the header under the db's key; re-init keeps the key. */
static int
auth_mac(struct auth_db *db, const char *h, size_t len,
    unsigned char out[AUTH_HASH_LEN])
{
	size_t outlen = 0;

	if (EVP_MAC_init(db->mac, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(db->mac, (const unsigned char *)h, len) != 1 ||
	    EVP_MAC_final(db->mac, out, &outlen, AUTH_HASH_LEN) != 1 ||
	    outlen != AUTH_HASH_LEN)
		return -EIO;
	return 0;
}

/* *out is a new db owned by the caller (auth_db_free). */
int
auth_db_load(const char *path, const struct auth_opts *opts,
    struct auth_db **out, char *errbuf, size_t errlen)
{
	struct auth_db *db;
	FILE *fp;
	int err;

	*out = NULL;
	if (errlen > 0)
		errbuf[0] = '\0';
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return -ENOMEM;
	db->refs = 1;
	db->dummy.iter = auth_opts_iterations(opts);
	db->dummy.saltlen = AUTH_SALT_LEN;
	if ((err = auth_mac_new(db)) != 0) {
		snprintf(errbuf, errlen, "cannot set up HMAC-SHA256");
		goto out_free;
	}
	if (RAND_bytes(db->dummy.salt, AUTH_SALT_LEN) != 1 ||
	    RAND_bytes(db->dummy.hash, AUTH_HASH_LEN) != 1) {
		snprintf(errbuf, errlen, "no random numbers");
		err = -EIO;
		goto out_free;
	}
	if ((fp = fopen(path, "re")) == NULL) {
		if (errno == ENOENT) {
			*out = db;	/* nobody can log in yet */
			return 0;
		}
		err = -errno;
		snprintf(errbuf, errlen, "%s: cannot open: %s", path,
		    strerror(-err));
		goto out_free;
	}
	err = auth_db_read(db, fp, path, errbuf, errlen);
	fclose(fp);
	if (err != 0)
		goto out_free;
	*out = db;
	return 0;
out_free:
	auth_db_free(db);
	return err;
}

void
auth_db_free(struct auth_db *db)
{
	if (db == NULL || --db->refs > 0)
		return;
	if (db->users != NULL)
		OPENSSL_cleanse(db->users, db->n * sizeof(*db->users));
	free(db->users);
	EVP_MAC_CTX_free(db->mac);
	OPENSSL_cleanse(db, sizeof(*db));
	free(db);
}

struct auth_db *
auth_db_ref(struct auth_db *db)
{
	db->refs++;
	return db;
}

size_t
auth_db_count(const struct auth_db *db)
{
	return db == NULL ? 0 : db->n;
}

/* ---- checking a header ------------------------------------------------------------ */

static bool
auth_verify(const struct auth_user *u, const char *pass, size_t plen)
{
	unsigned char h[AUTH_HASH_LEN];
	bool ok;

	if (PKCS5_PBKDF2_HMAC(pass, (int)plen, u->salt, (int)u->saltlen,
	    (int)u->iter, EVP_sha256(), sizeof(h), h) != 1)
		return false;
	ok = CRYPTO_memcmp(h, u->hash, sizeof(h)) == 0;
	OPENSSL_cleanse(h, sizeof(h));
	return ok;
}

/*
 * Splits "Basic <base64(user:pass)>" into buf: returns the user name and
 * sets *pass and *plen, or NULL when malformed.  Scheme case-insensitive,
 * blanks around the token tolerated.
 */
static const char *
auth_parse_basic(const char *h, char *buf, size_t cap, const char **pass,
    size_t *plen)
{
	const char *tok, *end;
	char *colon;
	long n;

	while (*h == ' ' || *h == '\t')
		h++;
	if (strncasecmp(h, "Basic", 5) != 0 || (h[5] != ' ' && h[5] != '\t'))
		return NULL;
	for (tok = h + 5; *tok == ' ' || *tok == '\t'; tok++)
		;
	end = tok + strcspn(tok, " \t");
	for (h = end; *h == ' ' || *h == '\t'; h++)
		;
	if (*h != '\0')
		return NULL;
	n = auth_b64_decode(tok, (size_t)(end - tok), (unsigned char *)buf,
	    cap - 1);
	if (n <= 0 || memchr(buf, '\0', (size_t)n) != NULL)
		return NULL;
	buf[n] = '\0';
	if ((colon = strchr(buf, ':')) == NULL)
		return NULL;
	*colon = '\0';
	*pass = colon + 1;
	*plen = (size_t)n - (size_t)(colon + 1 - buf);
	return buf;
}

static const struct auth_user *
auth_find(const struct auth_db *db, const char *name)
{
	for (size_t i = 0; i < db->n; i++)
		if (strcmp(db->users[i].name, name) == 0)
			return &db->users[i];
	return NULL;
}

/* Every slot is compared, with CRYPTO_memcmp, whatever matches. */
static const struct auth_slot *
auth_cache_find(const struct auth_db *db, const unsigned char *mac)
{
	const struct auth_slot *hit = NULL;

	for (size_t i = 0; i < AUTH_CACHE_SLOTS; i++) {
		const struct auth_slot *s = &db->cache[i];
		int diff = CRYPTO_memcmp(s->mac, mac, AUTH_HASH_LEN);

		if (diff == 0 && s->role != AUTH_NONE)
			hit = s;
	}
	return hit;
}

static void
auth_copy_user(char *user, size_t userlen, const char *name)
{
	if (user != NULL && userlen > 0)
		snprintf(user, userlen, "%s", name);
}

int
auth_cache_lookup(struct auth_db *db, const char *header, char *user,
    size_t userlen, enum auth_role *role)
{
	unsigned char mac[AUTH_HASH_LEN];
	const struct auth_slot *hit;
	size_t hlen;

	*role = AUTH_NONE;
	if (db == NULL || header == NULL ||
	    (hlen = strnlen(header, AUTH_HEADER_MAX + 1)) > AUTH_HEADER_MAX)
		return -EINVAL;
	if (auth_mac(db, header, hlen, mac) != 0)
		return -EIO;
	if ((hit = auth_cache_find(db, mac)) == NULL)
		return -ENOENT;
	auth_copy_user(user, userlen, hit->name);
	*role = hit->role;
	return 0;
}

/*
 * The slow half: reads only what auth_db_load() wrote (users, dummy), so
 * it may run on a worker thread while the loop uses the cache.
 */
enum auth_role
auth_verify_header(const struct auth_db *db, const char *header, char *user,
    size_t userlen)
{
	char buf[AUTH_HEADER_MAX];
	const struct auth_user *u;
	const char *name, *pass;
	enum auth_role role = AUTH_NONE;
	size_t plen;

	if (db == NULL || header == NULL ||
	    strnlen(header, AUTH_HEADER_MAX + 1) > AUTH_HEADER_MAX)
		return AUTH_NONE;
	name = auth_parse_basic(header, buf, sizeof(buf), &pass, &plen);
	if (name == NULL || plen == 0)
		goto out;
	if ((u = auth_find(db, name)) != NULL) {
		if (auth_verify(u, pass, plen)) {
			role = u->role;
			auth_copy_user(user, userlen, u->name);
		}
	} else {
		(void)auth_verify(&db->dummy, pass, plen);
	}
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	return role;
}

void
auth_cache_store(struct auth_db *db, const char *header, const char *user,
    enum auth_role role)
{
	unsigned char mac[AUTH_HASH_LEN];
	struct auth_slot *slot;
	size_t hlen;

	if (db == NULL || header == NULL || role == AUTH_NONE ||
	    (hlen = strnlen(header, AUTH_HEADER_MAX + 1)) > AUTH_HEADER_MAX ||
	    auth_mac(db, header, hlen, mac) != 0)
		return;
	slot = &db->cache[db->next];
	db->next = (db->next + 1) % AUTH_CACHE_SLOTS;
	memcpy(slot->mac, mac, sizeof(mac));
	slot->role = role;
	snprintf(slot->name, sizeof(slot->name), "%s", user);
}

enum auth_role
auth_check_header(struct auth_db *db, const char *header, char *user,
    size_t userlen)
{
	char name[AUTH_NAME_MAX + 1];
	enum auth_role role;
	int err;

	err = auth_cache_lookup(db, header, user, userlen, &role);
	if (err != -ENOENT)
		return role;
	role = auth_verify_header(db, header, name, sizeof(name));
	if (role == AUTH_NONE)
		return AUTH_NONE;
	auth_cache_store(db, header, name, role);
	auth_copy_user(user, userlen, name);
	return role;
}

/* ---- changing the file -------------------------------------------------------------- */

/* "name:role:pbkdf2-sha256$..." with a fresh salt, into line[cap]. */
static int
auth_make_line(const char *name, enum auth_role role, const char *password,
    unsigned iter, char *line, size_t cap)
{
	unsigned char salt[AUTH_SALT_LEN], hash[AUTH_HASH_LEN];
	unsigned char salt64[4 * ((AUTH_SALT_LEN + 2) / 3) + 1];
	unsigned char hash64[4 * ((AUTH_HASH_LEN + 2) / 3) + 1];
	int err = 0;

	if (RAND_bytes(salt, sizeof(salt)) != 1 ||
	    PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt,
	    sizeof(salt), (int)iter, EVP_sha256(), sizeof(hash),
	    hash) != 1)
		return -EIO;
	EVP_EncodeBlock(salt64, salt, sizeof(salt));
	EVP_EncodeBlock(hash64, hash, sizeof(hash));
	if ((size_t)snprintf(line, cap, "%s:%s:%s$%u$%s$%s\n", name,
	    auth_role_name(role), AUTH_SCHEME, iter, salt64,
	    hash64) >= cap)
		err = -ENAMETOOLONG;
	OPENSSL_cleanse(hash, sizeof(hash));
	return err;
}

/*
 * The whole current file in a new buffer owned by the caller (free), or
 * NULL with *len 0 when it does not exist yet.
 */
static int
auth_read_file(const char *path, char **out, size_t *len)
{
	int err = fileio_read_all(path, AUTH_FILE_MAX, out, len, NULL);

	return err == -ENOENT ? 0 : err;
}

/* Old content with `name`'s line replaced (or appended) by `line`. */
static char *
auth_merge(const char *old, size_t oldlen, const char *name, const char *line,
    size_t *outlen)
{
	size_t nlen = strlen(name), llen = strlen(line), n = 0;
	bool done = false;
	char *buf;

	if ((buf = malloc(oldlen + llen + 2)) == NULL)
		return NULL;
	for (size_t i = 0; i < oldlen;) {
		const char *nl = memchr(old + i, '\n', oldlen - i);
		size_t l = nl != NULL ? (size_t)(nl - (old + i)) + 1 : oldlen - i;
		bool mine = l > nlen && memcmp(old + i, name, nlen) == 0 &&
		    old[i + nlen] == ':';

		if (!mine) {
			memcpy(buf + n, old + i, l);
			n += l;
			if (nl == NULL)
				buf[n++] = '\n';
		} else if (!done) {
			memcpy(buf + n, line, llen);
			n += llen;
			done = true;
		}
		i += l;
	}
	if (!done) {
		memcpy(buf + n, line, llen);
		n += llen;
	}
	*outlen = n;
	return buf;
}

static int
auth_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -errno;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Makes the rename durable: fsync the folder that holds `path`. */
static void
auth_sync_dir(const char *path)
{
	char dir[4096];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir ? 1 : 0] = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

/* Writes `buf` to a 0600 temp file beside `path` and renames it over. */
static int
auth_replace_file(const char *path, const char *buf, size_t len)
{
	char *tmp;
	int fd, err;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -ENOMEM;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		err = -errno;
		goto out_free;
	}
	if (fchmod(fd, 0600) == -1)
		err = -errno;
	else if ((err = auth_write_all(fd, buf, len)) == 0 && fsync(fd) == -1)
		err = -errno;
	if (err != 0) {
		close(fd);
		goto out_unlink;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		err = -errno;
		goto out_unlink;
	}
	auth_sync_dir(path);
	free(tmp);
	return 0;
out_unlink:
	unlink(tmp);
out_free:
	free(tmp);
	return err;
}

int
auth_passwd(const char *path, const char *name, const char *password,
    enum auth_role role, const struct auth_opts *opts)
{
	char line[AUTH_NAME_MAX + 256];
	char *old = NULL, *buf;
	size_t oldlen, len;
	int err;

	if (name == NULL || password == NULL ||
	    !auth_name_ok(name, strlen(name)) ||
	    (role != AUTH_BROWSE && role != AUTH_EDIT) ||
	    password[0] == '\0' || strlen(password) > AUTH_PASS_MAX)
		return -EINVAL;
	if ((err = auth_make_line(name, role, password,
	    auth_opts_iterations(opts), line, sizeof(line))) != 0)
		return err;
	if ((err = auth_read_file(path, &old, &oldlen)) != 0)
		return err;
	if ((buf = auth_merge(old, oldlen, name, line, &len)) == NULL) {
		err = -ENOMEM;
		goto out_free_old;
	}
	err = auth_replace_file(path, buf, len);
	free(buf);
out_free_old:
	free(old);
	return err;
}
