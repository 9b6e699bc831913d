/* SPDX-License-Identifier: ISC */
/*
 * auth.h - HTTP Basic authentication against the users file.
 *
 * The users file holds one user a line: "name:role:scheme$params$salt$hash"
 * with salted PBKDF2-HMAC-SHA256 hashes (OpenSSL).  Verification is slow on
 * purpose; a verified Authorization header is remembered (keyed by an HMAC
 * of the header under a per-process random key, compared in constant time)
 * so that keep-alive polling does not pay the hash on every request.  The
 * cache dies with the auth_db, so a reload forgets it.
 */
#ifndef ARRAYD_AUTH_H
#define ARRAYD_AUTH_H

#include <stddef.h>

enum auth_role { AUTH_NONE = 0, AUTH_BROWSE = 1, AUTH_EDIT = 2 };
const char *auth_role_name(enum auth_role r);	/* "browse", "edit" */
/* "browse"/"edit" -> role, AUTH_NONE if unknown. */
enum auth_role auth_role_parse(const char *s);

struct auth_db;

#define AUTH_ITERATIONS_DEFAULT	100000u

/* How new hashes are made; NULL stands for all defaults. */
struct auth_opts {
	/*
	 * PBKDF2 iterations of the hashes auth_passwd writes and of the
	 * unknown-user decoy an auth_db hashes against; 0 means
	 * AUTH_ITERATIONS_DEFAULT.  Lines keep their own count.  Tests lower
	 * it for speed.
	 */
	unsigned iterations;
};

/*
 * Load the users file (`opts` may be NULL).  A missing file gives an empty db (nobody can log
 * in) and returns 0; a malformed line fails with -EINVAL and "FILE:LINE:
 * reason" in errbuf.  *out is owned by the caller (auth_db_free).
 */
int auth_db_load(const char *path, const struct auth_opts *opts,
    struct auth_db **out, char *errbuf, size_t errlen);
/*
 * Reference counted so a verification running on a worker keeps the db
 * it started with across a reload: auth_db_ref() takes one more
 * reference, auth_db_free() drops one (the last frees).  Loop thread.
 */
struct auth_db *auth_db_ref(struct auth_db *db);
void auth_db_free(struct auth_db *db);		/* accepts NULL */
size_t auth_db_count(const struct auth_db *db);

/*
 * Check an Authorization header value ("Basic base64(user:pass)").
 * Returns the user's role, or AUTH_NONE for a missing, malformed or wrong
 * credential; the user name is copied into `user` (NUL-terminated) when
 * the role is not AUTH_NONE.
 */
enum auth_role auth_check_header(struct auth_db *db, const char *header,
    char *user, size_t userlen);

/*
 * auth_check_header() in its two halves, so the hash can leave the loop:
 * auth_cache_lookup() (loop thread, microseconds) returns 0 with *role
 * and `user` for a header verified before, -ENOENT when it must be
 * verified, -EINVAL when it is unusable (too long; *role AUTH_NONE).
 * auth_verify_header() runs the password hash and is safe on a worker
 * thread; it neither reads nor fills the cache.  auth_cache_store()
 * (loop thread) remembers a header it accepted.
 */
int auth_cache_lookup(struct auth_db *db, const char *header, char *user,
    size_t userlen, enum auth_role *role);
enum auth_role auth_verify_header(const struct auth_db *db,
    const char *header, char *user, size_t userlen);
void auth_cache_store(struct auth_db *db, const char *header,
    const char *user, enum auth_role role);

/*
 * Add or change `name` in the users file `path` (created 0600 if missing),
 * written atomically (temp file + rename), hashed as `opts` says (may be
 * NULL).  Returns 0 or -errno (-EINVAL for a bad name: 1-63 of
 * [A-Za-z0-9_.@-], or an empty password).
 */
int auth_passwd(const char *path, const char *name, const char *password,
    enum auth_role role, const struct auth_opts *opts);

#endif /* ARRAYD_AUTH_H */
