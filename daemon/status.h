/* SPDX-License-Identifier: ISC */
/*
 * status.h - `arrayd status`: the client of the control socket.
 */
#ifndef ARRAYD_STATUS_H
#define ARRAYD_STATUS_H

#include <stdio.h>

/*
 * Ask the daemon listening on sock_path for its snapshot and print it to
 * `out`: one line per pool (volumes, provisioned, limit, free), the
 * volumes created and deleted through CIM, then tables (volumes, pairs,
 * jobs with progress bar, rate and ETA).
 * Returns 0, or 1 after printing "arrayd is not running (PATH: reason)" or
 * another one-line reason to stderr.
 */
int status_print(const char *sock_path, FILE *out);

/* Render a snapshot text (control.h format) as tables.  0 or -EINVAL. */
int status_render(const char *snapshot, FILE *out);

#endif /* ARRAYD_STATUS_H */
