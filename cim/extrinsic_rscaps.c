/* SPDX-License-Identifier: ISC */
/*
 * extrinsic_rscaps.c - the query methods of TPD_ReplicationServiceCapabilities
 * (DMTF CIM_ReplicationServiceCapabilities): which replication types
 * arrayd makes and, per type, the operations, WaitForCopyStates, copy
 * states, features and consistency a client may count on.
 *
 * The answers are constants, read from one table (rtypes[]) so that they
 * cannot drift apart type by type; they describe what CreateElementReplica
 * and ModifyReplicaSynchronization (extrinsic_repl.c) accept, and must
 * follow those handlers when they change.  Nothing here touches replica/.
 * Return values follow every other Replication Services method: an
 * argument outside its DMTF value map is 5 (Invalid Parameter), a valid
 * value arrayd does not do is 1 (Not Supported), and 5 wins when both
 * apply.
 */
#include <stddef.h>
#include <stdint.h>

#include "cim/extrinsic_int.h"
#include "cimxml/cimxml.h"
#include "replica/replica.h"

/* ReplicationType: the DMTF map is 2..27; these three are arrayd's. */
#define RT_FIRST		2u
#define RT_SYNC_SNAPSHOT_LOCAL	6u	/* a virtual copy */
#define RT_SYNC_CLONE_LOCAL	10u	/* CopyType 5: detaches at the end */
#define RT_ASYNC_CLONE_LOCAL	11u	/* CopyType 4: keeps the association */
#define RT_LAST			27u

/* ConvertSyncTypeToReplicationType's value maps (DMTF 2.49). */
#define SYNCTYPE_MIRROR		6u
#define SYNCTYPE_SNAPSHOT	7u
#define SYNCTYPE_CLONE		8u
#define SYNCTYPE_TOKENIZED	9u
#define MODE_SYNCHRONOUS	2u
#define MODE_ASYNCHRONOUS	3u
#define MODE_ADAPTIVE		4u
#define LOCALITY_LOCAL		2u
#define LOCALITY_REMOTE		3u

/* GetSupportedWaitForCopyStates.MethodName: the map is 2..11. */
#define METHOD_FIRST		2u
#define METHOD_CER		2u	/* CreateElementReplica */
#define METHOD_MRS		4u	/* ModifyReplicaSynchronization */
#define METHOD_LAST		11u

/* GetSupportedConsistency: 2 Sequentially Consistent, for every type. */
#define CONSISTENCY_SEQUENTIAL	2u

/*
 * One replication type arrayd makes and what the query methods say about
 * it (README, Replication Services).  Lists end at the first 0, which no
 * DMTF map uses.
 */
struct rtype_caps {
	uint16_t type;
	uint16_t ops[6];		/* ModifyReplicaSynchronization ops */
	uint16_t cer_waits[3];		/* WaitForCopyState of CER */
	uint16_t mrs_waits[3];		/* ... and of MRS */
	uint16_t copy_states[6];	/* CopyStates a pair of it shows */
	uint16_t features[3];
};

static const struct rtype_caps rtypes[] = {
	/*
	 * A snapshot is restored from (15) or deleted (19); it shows
	 * Restoring's CopyState 4 besides Idle's 8.
	 */
	{ RT_SYNC_SNAPSHOT_LOCAL, { 15, 19 }, { 4, 8 }, { 4, 8 },
	  { 2, 3, 4, 5, 8 }, { 51 } },
	/* 18: the target detaches itself once synchronized. */
	{ RT_SYNC_CLONE_LOCAL, { 2, 8, 9, 19 }, { 4 }, { 4 }, { 2, 3, 5 },
	  { 18, 51 } },
	/*
	 * 16: the target stays associated, so it can be resynced (14).  Its
	 * creation may wait for Inactive (8), the association made (3PAR);
	 * a physical copy never shows 8 afterwards, so MRS cannot.
	 */
	{ RT_ASYNC_CLONE_LOCAL, { 2, 8, 9, 14, 19 }, { 4, 8 }, { 4 },
	  { 2, 3, 4, 5 }, { 16, 51 } },
};

/* ------------------------------------------------------------ writers */

static void
write_u16_param(struct op_ctx *c, const char *name, unsigned v)
{
	cim_buf_printf(c->out, "<PARAMVALUE NAME=\"%s\" PARAMTYPE=\"uint16\">"
	    "<VALUE>%u</VALUE></PARAMVALUE>", name, v);
}

/* A uint16[] output parameter from a 0-terminated list of at most n. */
static void
write_u16_array_param(struct op_ctx *c, const char *name, const uint16_t *v,
    size_t n)
{
	size_t i;

	cim_buf_printf(c->out, "<PARAMVALUE NAME=\"%s\" PARAMTYPE=\"uint16\">"
	    "<VALUE.ARRAY>", name);
	for (i = 0; i < n && v[i] != 0; i++)
		cim_buf_printf(c->out, "<VALUE>%u</VALUE>", (unsigned)v[i]);
	cim_buf_puts(c->out, "</VALUE.ARRAY></PARAMVALUE>");
}

/* A boolean[] output parameter of n TRUEs. */
static void
write_true_array_param(struct op_ctx *c, const char *name, size_t n)
{
	size_t i;

	cim_buf_printf(c->out, "<PARAMVALUE NAME=\"%s\" PARAMTYPE=\"boolean\">"
	    "<VALUE.ARRAY>", name);
	for (i = 0; i < n; i++)
		cim_buf_puts(c->out, "<VALUE>TRUE</VALUE>");
	cim_buf_puts(c->out, "</VALUE.ARRAY></PARAMVALUE>");
}

/* ------------------------------------------------------ argument checks */

/* The graver of two refusals: 5 (Invalid) before 1 (Not Supported). */
static uint32_t
graver_rc(uint32_t a, uint32_t b)
{
	if (a == REPLICA_RC_INVALID || b == REPLICA_RC_INVALID)
		return REPLICA_RC_INVALID;
	return a != REPLICA_RC_OK ? a : b;
}

/*
 * The ReplicationType argument: 0 and *out when arrayd makes it, 1 for
 * the rest of the DMTF map (mirrors, remote, tokenized, adaptive ...), 5
 * outside it (0, 1, reserved and vendor values: arrayd has no vendor
 * types).  Binding has made sure the Required argument is there.
 */
static uint32_t
rtype_lookup(const struct ext_args *b, const struct rtype_caps **out)
{
	uint64_t t = 0;
	size_t i;

	*out = NULL;
	if (!ext_arg_uint(b, "ReplicationType", &t) || t < RT_FIRST ||
	    t > RT_LAST)
		return REPLICA_RC_INVALID;
	for (i = 0; i < sizeof(rtypes) / sizeof(rtypes[0]); i++) {
		if (rtypes[i].type == t) {
			*out = &rtypes[i];
			return REPLICA_RC_OK;
		}
	}
	return REPLICA_RC_NOT_SUPPORTED;
}

/* An optional uint16 argument: its value, or `dflt` when absent. */
static uint64_t
uint_or(const struct ext_args *b, const char *name, uint64_t dflt)
{
	uint64_t v;

	return ext_arg_uint(b, name, &v) ? v : dflt;
}

/* ------------------------------------------------------------ handlers */

/*
 * Is (SyncType, Mode, LocalOrRemote) inside the method's value maps?
 * Mode and locality are already defaulted.
 */
static bool
convert_args_valid(uint64_t sync, uint64_t mode, uint64_t loc)
{
	return sync >= SYNCTYPE_MIRROR && sync <= SYNCTYPE_TOKENIZED &&
	    mode >= MODE_SYNCHRONOUS && mode <= MODE_ADAPTIVE &&
	    (loc == LOCALITY_LOCAL || loc == LOCALITY_REMOTE);
}

/* The replication type arrayd makes for valid arguments; 0 for none. */
static unsigned
convert_type(uint64_t sync, uint64_t mode, uint64_t loc)
{
	if (loc != LOCALITY_LOCAL)
		return 0;
	if (sync == SYNCTYPE_SNAPSHOT && mode == MODE_SYNCHRONOUS)
		return RT_SYNC_SNAPSHOT_LOCAL;
	if (sync == SYNCTYPE_CLONE && mode == MODE_SYNCHRONOUS)
		return RT_SYNC_CLONE_LOCAL;
	if (sync == SYNCTYPE_CLONE && mode == MODE_ASYNCHRONOUS)
		return RT_ASYNC_CLONE_LOCAL;
	return 0;
}

/*
 * A missing Mode is Synchronous, as on a 3PAR and as CreateElementReplica
 * takes it; a missing LocalOrRemote is Local, the only kind arrayd has.
 */
int
ext_call_convert_sync_type(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	uint64_t sync = uint_or(b, "SyncType", 0);
	uint64_t mode = uint_or(b, "Mode", MODE_SYNCHRONOUS);
	uint64_t loc = uint_or(b, "LocalOrRemote", LOCALITY_LOCAL);
	unsigned type;

	(void)o;
	if (!convert_args_valid(sync, mode, loc)) {
		ext_write_rc(c, REPLICA_RC_INVALID);
		return 0;
	}
	if ((type = convert_type(sync, mode, loc)) == 0) {
		ext_write_rc(c, REPLICA_RC_NOT_SUPPORTED);
		return 0;
	}
	ext_write_rc(c, REPLICA_RC_OK);
	write_u16_param(c, "SupportedReplicationTypes", type);
	return 0;
}

int
ext_call_supported_operations(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	const struct rtype_caps *rt;
	uint32_t rc = rtype_lookup(b, &rt);

	(void)o;
	ext_write_rc(c, rc);
	if (rc == REPLICA_RC_OK)
		write_u16_array_param(c, "SupportedOperations", rt->ops,
		    sizeof(rt->ops) / sizeof(rt->ops[0]));
	return 0;
}

/*
 * MethodName: CreateElementReplica (2) and ModifyReplicaSynchronization
 * (4) are the methods arrayd has; the other group and list methods of the
 * map are 1, values outside it 5.
 */
static uint32_t
wait_method_rc(const struct ext_args *b)
{
	uint64_t m = uint_or(b, "MethodName", 0);

	if (m < METHOD_FIRST || m > METHOD_LAST)
		return REPLICA_RC_INVALID;
	if (m != METHOD_CER && m != METHOD_MRS)
		return REPLICA_RC_NOT_SUPPORTED;
	return REPLICA_RC_OK;
}

/* The answer does not depend on Operation: one list per type. */
int
ext_call_supported_wait_states(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	const struct rtype_caps *rt;
	uint32_t rc = graver_rc(rtype_lookup(b, &rt), wait_method_rc(b));
	uint64_t m = 0;

	(void)o;
	ext_write_rc(c, rc);
	if (rc != REPLICA_RC_OK)
		return 0;
	(void)ext_arg_uint(b, "MethodName", &m);
	if (m == METHOD_CER)
		write_u16_array_param(c, "SupportedCopyStates", rt->cer_waits,
		    sizeof(rt->cer_waits) / sizeof(rt->cer_waits[0]));
	else
		write_u16_array_param(c, "SupportedCopyStates", rt->mrs_waits,
		    sizeof(rt->mrs_waits) / sizeof(rt->mrs_waits[0]));
	return 0;
}

/*
 * HostAccessible all TRUE: a target is an ordinary volume of arrayd, which
 * a host may use in every state (rs-decisions).
 */
int
ext_call_supported_copy_states(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	const size_t max = sizeof(rtypes[0].copy_states) /
	    sizeof(rtypes[0].copy_states[0]);
	const struct rtype_caps *rt;
	uint32_t rc = rtype_lookup(b, &rt);
	size_t n;

	(void)o;
	ext_write_rc(c, rc);
	if (rc != REPLICA_RC_OK)
		return 0;
	for (n = 0; n < max && rt->copy_states[n] != 0; n++)
		continue;
	write_u16_array_param(c, "SupportedCopyStates", rt->copy_states, max);
	write_true_array_param(c, "HostAccessible", n);
	return 0;
}

int
ext_call_supported_features(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	const struct rtype_caps *rt;
	uint32_t rc = rtype_lookup(b, &rt);

	(void)o;
	ext_write_rc(c, rc);
	if (rc == REPLICA_RC_OK)
		write_u16_array_param(c, "Features", rt->features,
		    sizeof(rt->features) / sizeof(rt->features[0]));
	return 0;
}

/*
 * 2 for every type, as a 3PAR answers: arrayd has no groups, each copy is
 * a point-in-time image of one volume.
 */
int
ext_call_supported_consistency(struct op_ctx *c, const struct ext_args *b,
    const struct model_obj *o)
{
	static const uint16_t consistency[] = { CONSISTENCY_SEQUENTIAL };
	const struct rtype_caps *rt;
	uint32_t rc = rtype_lookup(b, &rt);

	(void)o;
	ext_write_rc(c, rc);
	if (rc == REPLICA_RC_OK)
		write_u16_array_param(c, "SupportedConsistency", consistency,
		    sizeof(consistency) / sizeof(consistency[0]));
	return 0;
}
