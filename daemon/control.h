/* SPDX-License-Identifier: ISC */
/*
 * control.h - the local control socket (state_dir/arrayd.sock, mode 0600):
 * one request per connection.  The client writes "status\n"; the daemon
 * answers a snapshot and closes.  The snapshot is text, one record a line,
 * fields separated by tabs (names never contain tabs):
 *
 *   arrayd	1	<system name>
 *   pool	<name>	<volumes>	<provisioned>	<limit or ->	<overprovision %>	<capacity>	<free>
 *   counters	<volumes created>	<volumes deleted>
 *   volume	<id>	<name>	<pool>	<size>	<flags: - or ,-list of snapshot|failed|missing|configured>
 *   pair	<src>	<tgt>	<PC|VC>	<sync state>	<SyncState name>	<copy type>	<percent or ->
 *   job	<id>	<kind>	<state>	<JobState name>	<percent>	<done>	<total>	<bytes/s>	<eta s or ->
 *   indications	...	and destination	...	lines (export.h), when indications run
 *   end
 *
 * Sizes are bytes.  A pool line comes for every configured pool the
 * replica set knows (capacity and free 0: unknown; limit "-": none);
 * counters are the volumes CIM created and deleted since start.
 * Unknown requests get "error<TAB>unknown request" and a close.
 */
#ifndef ARRAYD_CONTROL_H
#define ARRAYD_CONTROL_H

#include <stddef.h>

#include <uv.h>

struct conf;
struct replica_set;
struct copyglue;
struct control;
struct poolmode;
struct export;

/*
 * Listen on `path` (a stale socket there is removed: the caller holds the
 * state directory's lock).  `rs` and `g` are borrowed.  Returns 0 and a new
 * control owned by the caller (control_close), or -errno with errbuf set.
 */
int control_start(uv_loop_t *loop, const char *path, struct replica_set *rs,
    struct copyglue *g, struct control **out, char *errbuf, size_t errlen);
/*
 * The configuration whose pools the snapshot lists, borrowed until the
 * next call (the daemon calls again when a reload swaps it).  NULL: none.
 */
void control_set_conf(struct control *c, const struct conf *conf);
/* The pools' copy modes the snapshot shows (borrowed); NULL: none. */
void control_set_poolmode(struct control *c, const struct poolmode *pm);

/* The exporter whose lines the snapshot adds (borrowed; NULL: none). */
void control_set_export(struct control *c, const struct export *ex);

/*
 * Stop listening, drop client connections, unlink the socket; `cb` runs
 * once every handle is closed (then the control is freed).
 */
void control_close(struct control *c, void (*cb)(void *arg), void *arg);

/*
 * Render the snapshot into a new string owned by the caller (free), NULL
 * on out of memory.  `g` may be NULL (no rates), `c` too (no pools),
 * `pm` too (pool modes "-"), `ex` too (no indications).
 */
char *control_snapshot(const struct replica_set *rs,
    const struct copyglue *g, const struct conf *c,
    const struct poolmode *pm, const struct export *ex);

#endif /* ARRAYD_CONTROL_H */
