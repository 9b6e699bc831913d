/* SPDX-License-Identifier: ISC */
/*
 * space.c - the space a base volume's snapshots hold: on a file system
 * that clones, a snapshot shares every block its base has not rewritten
 * since, so its size says nothing about what it costs.  What it holds
 * alone (FIEMAP, measured by the daemon off the loop through
 * replica_ops.volume_measure) is kept in memory per snapshot and reported
 * by the delta pool; a request never measures.  Measurements are asked
 * for when a snapshot is made or a Restore from one ends (copy.c), by a
 * periodic refresh of the daemon and by UpdateDeltaSnapshotSpace.  Changes
 * nothing in the store: the figure is not state, only an observation.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "replica/replica_int.h"

void
replica_snapshots_measure(struct replica_set *rs, uint32_t base_id)
{
	int err;

	if (rs->ops.volume_measure == NULL)
		return;
	for (size_t i = 0; i < rs->nvols; i++) {
		const struct rvolume *v = &rs->vols[i];

		if (!v->is_snapshot || v->missing ||
		    (base_id != 0 && v->parent_id != base_id))
			continue;
		if ((err = rs->ops.volume_measure(rs->ops.ctx, v->id,
		    v->path)) != 0)
			replica__log(rs, LOG_LVL_DEBUG, "volume %u (%s): space "
			    "not measured: %s", v->id, v->name,
			    strerror(-err));
	}
}

void
replica_on_volume_measured(struct replica_set *rs, uint32_t id, int status,
    uint64_t bytes)
{
	struct rvolume *v = replica__vol(rs, id);

	if (v == NULL)
		return;
	if (status != 0) {
		replica__log(rs, LOG_LVL_DEBUG, "volume %u (%s): space not "
		    "measured: %s", v->id, v->name, strerror(-status));
		return;
	}
	v->unshared = bytes;
	v->unshared_known = true;
}

uint64_t
replica_snapshot_space(const struct replica_set *rs, uint32_t base_id)
{
	uint64_t total = 0;

	for (size_t i = 0; i < rs->nvols; i++) {
		const struct rvolume *v = &rs->vols[i];

		if (v->is_snapshot && v->parent_id == base_id)
			total += v->unshared_known ? v->unshared : v->size;
	}
	return total;
}
