/* SPDX-License-Identifier: ISC */
/*
 * fuzz_conf.c - libFuzzer entry point for the configuration parser.
 *
 * Each input is a whole arrayd.conf read by conf_load(), the daemon's own
 * loader (libinih behind conf/load.c's line reader, the key table, the
 * cross-field checks).  Besides "no crash, no leak", the answer must be
 * coherent: success leaves a conf and no error message and validates
 * again; -EINVAL comes with at least one message, and every message names
 * the file first ("FILE:LINE: ..." or "FILE: ...") as the operator reads
 * it.  Built by `make fuzz`; linked into tests/fuzz/replay_conf for
 * `make check`.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "conf/conf.h"
#include "tests/fuzz/fuzz_memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_conf(const struct conf *c)
{
	struct conf_errors errs = { 0 };

	fuzz_assert(c->file != NULL, "fuzz_conf", "no file name");
	fuzz_assert(c->state_dir != NULL && c->users_file != NULL,
	    "fuzz_conf", "state_dir or users_file missing");
	fuzz_assert(c->nlisten > 0 && c->listen != NULL, "fuzz_conf",
	    "no listen address");
	fuzz_assert(c->https_port != 0 || c->http_port != 0, "fuzz_conf",
	    "nothing to serve accepted");
	for (size_t i = 0; i < c->nvolumes; i++)
		fuzz_assert(c->volumes[i].name != NULL &&
		    conf_is_volume_name(c->volumes[i].name), "fuzz_conf",
		    "bad volume name accepted");
	for (size_t i = 0; i < c->npools; i++)
		fuzz_assert(c->pools[i].name != NULL &&
		    conf_is_pool_name(c->pools[i].name) &&
		    c->pools[i].path != NULL && c->pools[i].path[0] == '/',
		    "fuzz_conf", "bad pool accepted");
	fuzz_assert(conf_validate(c, &errs) == 0 && errs.n == 0, "fuzz_conf",
	    "a loaded conf does not validate");
	conf_errors_release(&errs);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_errors errs = { 0 };
	struct conf *c = NULL;
	const char *path;
	size_t plen;
	int rc;

	if ((path = fuzz_memfile(data, size)) == NULL)
		return 0;
	plen = strlen(path);
	rc = conf_load(path, &c, &errs);
	fuzz_assert(rc == 0 || rc == -EINVAL || rc == -ENOMEM, "fuzz_conf",
	    "unexpected return code");
	fuzz_assert((rc == 0) == (c != NULL), "fuzz_conf",
	    "conf returned on failure or missing on success");
	if (rc == 0) {
		fuzz_assert(errs.n == 0, "fuzz_conf", "success with errors");
		check_conf(c);
	}
	if (rc == -EINVAL)
		fuzz_assert(errs.n > 0, "fuzz_conf", "-EINVAL without a reason");
	for (size_t i = 0; i < errs.n; i++)
		fuzz_assert(strncmp(errs.msgs[i], path, plen) == 0 &&
		    errs.msgs[i][plen] == ':', "fuzz_conf",
		    "message without FILE: prefix");
	conf_errors_release(&errs);
	conf_free(c);
	return 0;
}
