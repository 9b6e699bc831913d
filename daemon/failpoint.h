/* SPDX-License-Identifier: ISC */
/*
 * failpoint.h - the test hooks named by ARRAYD_FAILPOINT (HACKING.md,
 * "Failpoints"): the one list of their names.
 */
#ifndef ARRAYD_FAILPOINT_H
#define ARRAYD_FAILPOINT_H

#include <stdbool.h>

/* Is ARRAYD_FAILPOINT set to `name`? */
bool failpoint_is(const char *name);
/* At start-up: log a value that names no failpoint as ignored. */
void failpoint_check(void);

#endif /* ARRAYD_FAILPOINT_H */
