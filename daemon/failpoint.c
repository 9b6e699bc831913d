/* SPDX-License-Identifier: ISC */
/*
 * failpoint.c - ARRAYD_FAILPOINT: which test hook is armed.  The names are
 * listed here only.  The variable is read at each question (a few, all at
 * start-up), not cached, so that a test may fork and set it in the child.
 * Never set it outside tests.
 */
#include "daemon/failpoint.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"

static const char *const failpoint_names[] = {
	"volume-file-created",	/* copyglue: SIGKILL before the volume's commit */
	"volume-file-removed",	/* copyglue: SIGKILL before the file's unlink */
	"image-taken",		/* copyglue: SIGKILL before the image's commit */
	"no-state-checkpoint",	/* daemon: no checkpoints of the state store */
};

/* The value of ARRAYD_FAILPOINT, NULL when unset or empty. */
static const char *
failpoint_value(void)
{
	const char *fp = getenv("ARRAYD_FAILPOINT");

	return fp != NULL && fp[0] != '\0' ? fp : NULL;
}

bool
failpoint_is(const char *name)
{
	const char *fp = failpoint_value();

	return fp != NULL && strcmp(fp, name) == 0;
}

void
failpoint_check(void)
{
	const char *fp = failpoint_value();
	size_t i;

	if (fp == NULL)
		return;
	for (i = 0; i < sizeof(failpoint_names) / sizeof(failpoint_names[0]);
	    i++)
		if (strcmp(fp, failpoint_names[i]) == 0)
			return;
	log_warnx("ARRAYD_FAILPOINT '%s' is not a failpoint: ignored", fp);
}
