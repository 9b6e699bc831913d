/* SPDX-License-Identifier: ISC */
/*
 * fuzz_users.c - libFuzzer entry point for the users-file parser.
 *
 * Each input is a whole users file ("name:role:pbkdf2-sha256$N$SALT$HASH"
 * lines) read by auth_db_load(), as the daemon reads it at start and on
 * SIGHUP.  The answer must be coherent: 0 gives a db, -EINVAL gives
 * "FILE:LINE: reason" in errbuf and no db.  A last line "# HEADER" (a
 * comment to the parser) is then checked as an Authorization header, but
 * only against a db without users: a user's own line may ask for up to
 * 10^7 PBKDF2 iterations (a timeout, not a finding), while an unknown
 * user runs the db's decoy hash, which the harness lowers to 1 iteration.
 * Nobody may log in to an empty db, whatever the header.  Built by `make fuzz`; linked
 * into tests/fuzz/replay_users for `make check`.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "daemon/auth.h"
#include "tests/fuzz/fuzz_memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The header to check: the text after "# " on the input's last comment
 * line (a comment, so the file parses the same with it), NUL-terminated
 * into buf; false if there is none or it does not fit.
 */
static bool
header_comment(const uint8_t *data, size_t size, char *buf, size_t cap)
{
	size_t end = size, start, n;

	while (end > 0 && data[end - 1] == '\n')
		end--;
	start = end;
	while (start > 0 && data[start - 1] != '\n')
		start--;
	if (end - start < 2 || data[start] != '#' || data[start + 1] != ' ')
		return false;
	start += 2;
	n = end - start;
	if (n >= cap || memchr(data + start, '\0', n) != NULL)
		return false;
	memcpy(buf, data + start, n);
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\r')
		buf[n - 1] = '\0';
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct auth_opts ao = { .iterations = 1 };
	struct auth_db *db = NULL;
	char err[512], hdr[1100], user[64];
	const char *path;
	size_t plen;
	enum auth_role role;
	int rc;

	if ((path = fuzz_memfile(data, size)) == NULL)
		return 0;
	plen = strlen(path);
	rc = auth_db_load(path, &ao, &db, err, sizeof(err));
	fuzz_assert(rc == 0 || rc == -EINVAL || rc == -ENOMEM || rc == -EIO,
	    "fuzz_users", "unexpected return code");
	fuzz_assert((rc == 0) == (db != NULL), "fuzz_users",
	    "db returned on failure or missing on success");
	if (rc == -EINVAL)
		fuzz_assert(strncmp(err, path, plen) == 0 && err[plen] == ':',
		    "fuzz_users", "error without FILE:LINE prefix");
	if (rc == 0 && auth_db_count(db) == 0 &&
	    header_comment(data, size, hdr, sizeof(hdr))) {
		user[0] = '\0';
		role = auth_check_header(db, hdr, user, sizeof(user));
		fuzz_assert(role == AUTH_NONE, "fuzz_users",
		    "a user not in the file logged in");
	}
	auth_db_free(db);
	return 0;
}
