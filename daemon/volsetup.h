/* SPDX-License-Identifier: ISC */
/*
 * volsetup.h - configured volumes at start-up, on SIGHUP and for
 * `arrayd -t`: which backing-store faults stop the start and which only
 * leave one volume failed while arrayd serves the rest.
 */
#ifndef ARRAYD_VOLSETUP_H
#define ARRAYD_VOLSETUP_H

#include <stdio.h>

struct conf;
struct conf_volume;
struct replica_set;

/*
 * Register configured volume `v` (after replica_set_open and the pools).
 * A missing file is created sparse at its size only for a volume the array
 * does not hold yet; one it holds, or one with no size, is registered
 * anyway and replica_set_start (or replica_volumes_rescan) finds it lost:
 * one error line, OperationalStatus Error, its pairs Broken.  A volume the
 * array holds is never a reason to stop.  A new volume whose file exists
 * but is unusable (a folder, empty, not whole blocks), a file that cannot
 * be created for lack of space, or an id/name clash are start-up errors:
 * logged, -errno.  Returns 0 or -errno.
 */
int volsetup_add(struct replica_set *rs, const struct conf_volume *v);

/*
 * `arrayd -t`: look at every configured volume's backing store without
 * creating anything and print one "FILE:LINE: path: warning: ..." line to
 * `out` per finding (missing, not a file or device, empty, not whole
 * blocks).  These are not configuration errors: the exit status stays 0.
 * Returns the number of lines printed.
 */
unsigned volsetup_check(const struct conf *c, FILE *out);

#endif /* ARRAYD_VOLSETUP_H */
