/* SPDX-License-Identifier: ISC */
/*
 * control.h - the local control socket (state_dir/arrayd.sock, mode 0600):
 * one request per connection.  The client writes "status\n"; the daemon
 * answers a snapshot and closes.  The snapshot is text, one record a line,
 * fields separated by tabs (names never contain tabs):
 *
 *   arrayd	1	<system name>
 *   volume	<id>	<name>	<pool>	<size>	<flags: - or ,-list of snapshot|failed|missing|configured>
 *   pair	<src>	<tgt>	<PC|VC>	<sync state>	<SyncState name>	<copy type>	<percent or ->
 *   job	<id>	<kind>	<state>	<JobState name>	<percent>	<done>	<total>	<bytes/s>	<eta s or ->
 *   end
 *
 * Unknown requests get "error<TAB>unknown request" and a close.
 */
#ifndef ARRAYD_CONTROL_H
#define ARRAYD_CONTROL_H

#include <stddef.h>

#include <uv.h>

struct replica_set;
struct copyglue;
struct control;

/*
 * Listen on `path` (a stale socket there is removed: the caller holds the
 * state directory's lock).  `rs` and `g` are borrowed.  Returns 0 and a new
 * control owned by the caller (control_close), or -errno with errbuf set.
 */
int control_start(uv_loop_t *loop, const char *path, struct replica_set *rs,
    struct copyglue *g, struct control **out, char *errbuf, size_t errlen);
/*
 * Stop listening, drop client connections, unlink the socket; `cb` runs
 * once every handle is closed (then the control is freed).
 */
void control_close(struct control *c, void (*cb)(void *arg), void *arg);

/*
 * Render the snapshot into a new string owned by the caller (free), NULL
 * on out of memory.  `g` may be NULL (no rates).
 */
char *control_snapshot(const struct replica_set *rs,
    const struct copyglue *g);

#endif /* ARRAYD_CONTROL_H */
