/* SPDX-License-Identifier: ISC */
/*
 * test_replica_sm.c - the replica state machine: every (kind, SyncState,
 * event) cell against a literal table written here from CONTRACT.md §4 and
 * SPEC.md §3.5-3.6 (not derived from sm.c), the action bits of the cells
 * that matter, and random walks of the whole replica set with invariants.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "replica/sm.h"
#include "replica/replica_int.h"
#include "tests/unit/fake_replica.h"

/*
 * Expected cells, one string per (kind, state), one token per event in
 * enum sm_event order: the return value, then the next state or '-' for a
 * refusal.  States: I Initialized, R ResyncInProgress, S RestoreInProgress,
 * D Idle, B Broken, F Frozen, C CopyInProgress, X pair removed.
 * Events: OpInvalid Detach Fracture Resync Restore Prepare..ResetToAsync
 * StartCopy StopCopy GrantResync GrantCopy GrantRestore CopyOk CopyFailed
 * CopyCancelled Terminate VolumeLost.
 */
#define U6 " 1- 1- 1- 1- 1- 1- "
static const char *const expected[3][7] = {
	{	/* PC, CopyType 4 */
		"5- 4- 1- 4- 5-" U6 "4- 0X 0R 0C 4- 4- 4- 4- 4096X 0B",
		"5- 4- 1- 4- 5-" U6 "4- 0X 4- 4- 4- 0F 0B 0X 4096R 0B",
		"5- 4- 1- 4- 5-" U6 "4- 4- 4- 4- 4- 4- 4- 4- 4- 0B",
		"5- 4- 1- 4- 5-" U6 "4- 4- 4- 4- 4- 4- 4- 4- 4- 0B",
		"5- 4- 1- 4- 5-" U6 "4096I 4- 4- 4- 4- 4- 4- 4- 4- 0B",
		"5- 0X 1- 4096I 5-" U6 "4096I 4- 4- 4- 4- 4- 4- 4- 4- 0B",
		"5- 4- 1- 4- 5-" U6 "4- 0X 4- 4- 4- 0F 0B 0X 4096C 0B",
	},
	{	/* PC, CopyType 5 */
		"5- 4- 1- 5- 5-" U6 "5- 0X 0R 4- 4- 4- 4- 4- 4096X 0B",
		"5- 4- 1- 5- 5-" U6 "5- 0X 4- 4- 4- 0X 0B 0X 4096R 0B",
		"5- 4- 1- 5- 5-" U6 "5- 4- 4- 4- 4- 4- 4- 4- 4- 0B",
		"5- 4- 1- 5- 5-" U6 "5- 4- 4- 4- 4- 4- 4- 4- 4- 0B",
		"5- 4- 1- 5- 5-" U6 "5- 4- 4- 4- 4- 4- 4- 4- 4- 0B",
		"5- 0X 1- 5- 5-" U6 "5- 4- 4- 4- 4- 4- 4- 4- 4- 0B",
		"5- 4- 1- 5- 5-" U6 "5- 0X 4- 4- 4- 0X 0B 0X 4096C 0B",
	},
	{	/* VC */
		"5- 5- 1- 5- 4-" U6 "5- 5- 0R 4- 0S 4- 4- 4- 4096D 0B",
		"5- 5- 1- 5- 4-" U6 "5- 5- 4- 4- 4- 0D 0B 0B 4- 0B",
		"5- 5- 1- 5- 4-" U6 "5- 5- 4- 4- 4- 0D 0B 0B 4096S 0B",
		"5- 5- 1- 5- 4096I" U6 "5- 5- 4- 4- 4- 4- 4- 4- 4- 0B",
		"5- 5- 1- 5- 4-" U6 "5- 5- 4- 4- 4- 4- 4- 4- 4- 0B",
		"5- 5- 1- 5- 4-" U6 "5- 5- 4- 4- 4- 4- 4- 4- 4- 0B",
		"5- 5- 1- 5- 4-" U6 "5- 5- 4- 4- 4- 4- 4- 4- 4- 0B",
	},
};

static const unsigned state_values[7] = { 2, 5, 10, 11, 12, 14, 15 };

static unsigned
letter_state(char c)
{
	switch (c) {
	case 'I': return 2;
	case 'R': return 5;
	case 'S': return 10;
	case 'D': return 11;
	case 'B': return 12;
	case 'F': return 14;
	case 'C': return 15;
	default: return 0;	/* X: removed */
	}
}

static void
test_matrix(void **state)
{
	static const struct { enum pair_kind k; uint16_t ct; } kinds[3] = {
		{ PAIR_PC, 4 }, { PAIR_PC, 5 }, { PAIR_VC, 4 },
	};
	unsigned cells = 0;

	(void)state;
	for (int k = 0; k < 3; k++) {
		for (int s = 0; s < 7; s++) {
			const char *p = expected[k][s];

			for (int ev = 0; ev < SM_EV_COUNT; ev++) {
				char *end;
				unsigned long rc = strtoul(p, &end, 10);
				char nx = *end;
				struct sm_result r = replica_sm_step(kinds[k].k,
				    kinds[k].ct, state_values[s], ev);

				assert_true(end != p);
				if (r.rc != rc || (nx == '-') == r.valid ||
				    (r.valid && replica_sm_state_value(r.next) !=
				    letter_state(nx)))
					fail_msg("kind %d state %u event %s: "
					    "got rc %u valid %u next %u, want "
					    "%lu%c", k, state_values[s],
					    replica_sm_event_name(ev), r.rc,
					    r.valid, replica_sm_state_value(
					    r.next), rc, nx);
				p = end + 1;
				while (*p == ' ')
					p++;
				cells++;
			}
			assert_int_equal(*p, '\0');
		}
	}
	assert_int_equal(cells, 3 * 7 * SM_EV_COUNT);
	/* Unknown inputs are refused with 4, never read out of bounds. */
	assert_false(replica_sm_step(PAIR_PC, 3, 14, SM_EV_DETACH).valid);
	assert_int_equal(replica_sm_step(PAIR_PC, 4, 99, SM_EV_DETACH).rc, 4);
	assert_false(replica_sm_step(PAIR_PC, 4, 14, SM_EV_COUNT).valid);
}

static void
test_op_mapping(void **state)
{
	(void)state;
	assert_int_equal(replica_sm_event_of_op(0), SM_EV_OP_INVALID);
	assert_int_equal(replica_sm_event_of_op(1), SM_EV_OP_INVALID);
	assert_int_equal(replica_sm_event_of_op(14), SM_EV_OP_INVALID);
	assert_int_equal(replica_sm_event_of_op(65535), SM_EV_OP_INVALID);
	assert_int_equal(replica_sm_event_of_op(2), SM_EV_DETACH);
	assert_int_equal(replica_sm_event_of_op(4), SM_EV_RESYNC);
	assert_int_equal(replica_sm_event_of_op(5), SM_EV_RESTORE);
	assert_int_equal(replica_sm_event_of_op(12), SM_EV_START_COPY);
	assert_int_equal(replica_sm_event_of_op(13), SM_EV_STOP_COPY);
	for (unsigned op = 6; op <= 11; op++)
		assert_int_equal(replica_sm_step(PAIR_VC, 4, 11,
		    replica_sm_event_of_op(op)).rc, 1);
	assert_int_equal(replica_sm_state_index(3), -1);
	assert_int_equal(replica_sm_state_value(SM_ST_REMOVED), 0);
}

static void
test_actions(void **state)
{
	struct sm_result r;

	(void)state;
	r = replica_sm_step(PAIR_PC, 4, 14, SM_EV_RESYNC);
	assert_true(r.actions & SM_A_NEW_JOB);
	assert_true(r.actions & SM_A_COPY_DIFF);
	r = replica_sm_step(PAIR_PC, 4, 12, SM_EV_START_COPY);
	assert_true(r.actions & SM_A_COPY_FULL);
	r = replica_sm_step(PAIR_VC, 4, 11, SM_EV_RESTORE);
	assert_int_equal(r.actions, SM_A_NEW_JOB | SM_A_COPY_DIFF |
	    SM_A_REVERSE);
	r = replica_sm_step(PAIR_PC, 4, 15, SM_EV_STOP_COPY);
	assert_int_equal(r.actions, SM_A_COPY_CANCEL | SM_A_JOB_TERMINATED |
	    SM_A_WRITTEN_FAILED);
	r = replica_sm_step(PAIR_PC, 4, 2, SM_EV_STOP_COPY);
	assert_false(r.actions & SM_A_COPY_CANCEL);
	r = replica_sm_step(PAIR_PC, 4, 5, SM_EV_COPY_OK);
	assert_int_equal(r.actions, SM_A_JOB_COMPLETED | SM_A_WHEN_SYNCED |
	    SM_A_WRITTEN_OK);
	r = replica_sm_step(PAIR_PC, 5, 5, SM_EV_COPY_OK);
	assert_false(r.actions & SM_A_WHEN_SYNCED);
	r = replica_sm_step(PAIR_PC, 4, 5, SM_EV_COPY_FAILED);
	assert_int_equal(r.actions, SM_A_JOB_EXCEPTION | SM_A_WRITTEN_FAILED);
	assert_false(r.actions & SM_A_WHEN_SYNCED);
	r = replica_sm_step(PAIR_VC, 4, 10, SM_EV_TERMINATE);
	assert_int_equal(r.actions, SM_A_COPY_CANCEL);
	r = replica_sm_step(PAIR_VC, 4, 10, SM_EV_COPY_CANCELLED);
	assert_int_equal(r.actions, SM_A_JOB_TERMINATED | SM_A_WRITTEN_FAILED);
	r = replica_sm_step(PAIR_PC, 4, 14, SM_EV_DETACH);
	assert_int_equal(r.actions, 0);
}

/* ------------------------------------------------- actions as behaviour */

static const struct replica_caller cell_who = { "cell", "Cell" };

/*
 * Bring a fresh set to a pair of `kind` in `state`, no copy running; the
 * pair's volumes in *src, *tgt.  False: no recipe for that cell (the test
 * then fails, so a new copy-starting cell needs one here).
 */
static bool
cell_reach(struct fake_rep *f, struct replica_set *rs, int kind,
    unsigned state, uint32_t *src, uint32_t *tgt)
{
	struct replica_result r;

	*src = 101;
	if (kind == SM_KIND_VC && state == SYNC_IDLE) {
		assert_int_equal(replica_create(rs, 101, NULL, NULL, 4,
		    &cell_who, &r), 0);
		*tgt = r.target_id;
		return fake_rep_finish(f, rs, f->copies[f->ncopies - 1].job, 0,
		    NULL);
	}
	if (kind != SM_KIND_PC4 || (state != SYNC_FROZEN &&
	    state != SYNC_BROKEN))
		return false;
	*tgt = 102;
	assert_int_equal(replica_attach(rs, 101, 102, 4, &cell_who, &r), 0);
	return fake_rep_finish(f, rs, r.job_id, state == SYNC_FROZEN ? 0 :
	    -EIO, NULL);
}

/* The copy job `id` was handed to the engine as cell bits `a` say. */
static void
cell_check_copy(struct fake_rep *f, uint64_t id, uint16_t a, uint32_t src,
    uint32_t tgt)
{
	struct fake_copy *c = fake_rep_copy(f, id);

	assert_non_null(c);
	assert_true(c->active);
	assert_int_equal(c->mode, (a & SM_A_COPY_DIFF) ? REPLICA_COPY_DIFF :
	    REPLICA_COPY_FULL);
	assert_int_equal(c->from, (a & SM_A_REVERSE) ? tgt : src);
	assert_int_equal(c->to, (a & SM_A_REVERSE) ? src : tgt);
}

/*
 * One copy-starting cell, driven through the methods: at once (a free
 * slot), or queued behind another copy and granted after a restart, the
 * engine's copy_start gets the mode and direction of the cell's bits.
 */
static void
cell_run(int kind, unsigned state, enum sm_event ev, uint16_t a, bool queued)
{
	struct fake_rep *f = calloc(1, sizeof(*f));
	struct replica_set *rs;
	struct replica_result r, busy;
	uint32_t src = 0, tgt = 0;

	fake_rep_init(f);
	assert_non_null(rs = fake_rep_open(f, 1, true));
	if (!cell_reach(f, rs, kind, state, &src, &tgt))
		fail_msg("no recipe for kind %d state %u", kind, state);
	if (queued) {
		assert_int_equal(replica_attach(rs, 104, 103, 4, &cell_who,
		    &busy), 0);
		assert_int_equal(busy.rc, REPLICA_RC_JOB_STARTED);
	}
	assert_int_equal(replica_modify(rs, (uint16_t)(ev - SM_EV_DETACH + 2),
	    src, tgt, &cell_who, &r), 0);
	assert_int_equal(r.rc, REPLICA_RC_JOB_STARTED);
	if (queued) {
		assert_null(fake_rep_copy(f, r.job_id));
		replica_set_free(rs);
		f->ncopies = 0;		/* a new process, a new engine */
		assert_non_null(rs = fake_rep_open(f, 1, true));
		assert_true(fake_rep_finish(f, rs, busy.job_id, 0, NULL));
	}
	cell_check_copy(f, r.job_id, a, src, tgt);
	replica_set_free(rs);
	fake_rep_cleanup(f);
	free(f);
}

static void
test_cells_start_copies(void **state)
{
	static const enum pair_kind pk[] = { PAIR_PC, PAIR_PC, PAIR_VC };
	static const uint16_t ct[] = { 4, 5, 4 };
	unsigned cells = 0;

	(void)state;
	for (int k = 0; k < SM_KIND_COUNT; k++)
		for (int s = 0; s < SM_ST_COUNT; s++)
			for (int e = 0; e < SM_EV_COUNT; e++) {
				unsigned sv = replica_sm_state_value(s);
				struct sm_result r = replica_sm_step(pk[k],
				    ct[k], sv, (enum sm_event)e);

				if (!r.valid || !(r.actions & SM_A_NEW_JOB))
					continue;
				/* Exactly one of full and differential. */
				assert_true(!(r.actions & SM_A_COPY_FULL) !=
				    !(r.actions & SM_A_COPY_DIFF));
				cell_run(k, sv, (enum sm_event)e, r.actions,
				    false);
				cell_run(k, sv, (enum sm_event)e, r.actions,
				    true);
				cells++;
			}
	assert_int_equal(cells, 4);	/* PC4 Broken/Frozen, VC Idle */
}

/* A pair that does not exist: the operation's column decides the rc. */
static void
test_no_pair_rc(void **state)
{
	(void)state;
	assert_int_equal(replica_sm_no_pair_rc(SM_EV_OP_INVALID), 5);
	for (unsigned op = 2; op <= 13; op++)
		assert_int_equal(replica_sm_no_pair_rc(
		    replica_sm_event_of_op(op)), op == 3 ||
		    (op >= 6 && op <= 11) ? 1 : 4);
}

/* ------------------------------------------------------------ random walk */

static uint64_t walk_max_id;

static void
walk_invariants(struct fake_rep *f, struct replica_set *rs, unsigned max)
{
	unsigned running = 0;

	for (size_t i = 0; i < replica_pair_count(rs); i++) {
		const struct rpair *p = replica_pair_at(rs, i);
		const struct rjob *j = p->job_id != 0 ?
		    replica_job_by_id(rs, p->job_id) : NULL;
		bool copying = p->sync_state == SYNC_RESYNC_IN_PROGRESS ||
		    p->sync_state == SYNC_RESTORE_IN_PROGRESS ||
		    p->sync_state == SYNC_COPY_IN_PROGRESS;

		if (p->sync_state == SYNC_INITIALIZED) {
			assert_non_null(j);
			assert_int_equal(j->state, JOB_NEW);
		}
		if (copying) {
			assert_non_null(j);
			assert_int_equal(j->state, JOB_RUNNING);
		}
		if (j != NULL && (j->state == JOB_NEW ||
		    j->state == JOB_RUNNING))
			assert_true(p->sync_state != SYNC_FROZEN &&
			    p->sync_state != SYNC_IDLE &&
			    p->sync_state != SYNC_BROKEN);
	}
	for (size_t i = 0; i < replica_job_count(rs); i++) {
		const struct rjob *j = replica_job_at(rs, i);
		const struct rpair *p = replica_pair_find(rs, j->src_id,
		    j->tgt_id);

		if (j->state == JOB_NEW || j->state == JOB_RUNNING) {
			assert_non_null(p);
			assert_int_equal(p->job_id, j->id);
		}
		if (j->state == JOB_COMPLETED || j->state == JOB_EXCEPTION)
			assert_int_equal(j->percent, 100);
		if (j->state == JOB_RUNNING || j->state == JOB_NEW)
			assert_true(j->percent < 100);
	}
	for (size_t i = 0; i < f->ncopies; i++) {
		const struct rjob *j = replica_job_by_id(rs, f->copies[i].job);

		if (f->copies[i].active && j != NULL && !j->hidden)
			running++;
	}
	assert_true(running <= max);
	assert_int_equal(replica_set_active_copies(rs), fake_rep_active(f));
}

static void
walk_note_job(uint64_t id)
{
	if (id == 0)
		return;
	assert_true(id > walk_max_id);
	walk_max_id = id;
}

static void
walk_step(struct fake_rep *f, struct replica_set *rs, unsigned r)
{
	static const struct replica_caller who = { "walk", "Walk" };
	static const uint16_t ops[] = { 0, 2, 3, 4, 5, 8, 12, 13, 14 };
	struct replica_result res;
	size_t np = replica_pair_count(rs), nj = replica_job_count(rs);
	uint32_t a = 101 + (r >> 4) % 4, b = 101 + (r >> 6) % 4, rc32;
	uint16_t ct = (r >> 8) % 3 == 0 ? 5 : 4;
	const struct rpair *p;

	switch (r % 9) {
	case 0:
		assert_int_equal(replica_attach(rs, a, b, ct, &who, &res), 0);
		walk_note_job(res.job_id);
		break;
	case 1:
		if (replica_volume_count(rs) < 12) {
			assert_int_equal(replica_create(rs, a, NULL, NULL, ct,
			    &who, &res), 0);
			walk_note_job(res.job_id);
		}
		break;
	case 2: case 3:
		if (np == 0)
			break;
		p = replica_pair_at(rs, (r >> 10) % np);
		assert_int_equal(replica_modify(rs, ops[(r >> 4) % 9],
		    p->src_id, p->tgt_id, &who, &res), 0);
		walk_note_job(res.job_id);
		break;
	case 4:
		if (nj > 0)
			(void)replica_job_request_state(rs, replica_job_at(rs,
			    (r >> 4) % nj)->id, (r >> 12) % 3 ? 4 : 3, &rc32);
		break;
	case 5:
		if (nj > 0)
			(void)replica_job_delete(rs, replica_job_at(rs,
			    (r >> 4) % nj)->id);
		break;
	default:
		/* The engine: finish one active copy ok, failed or cancelled. */
		for (size_t i = 0; i < f->ncopies; i++) {
			struct fake_copy *c = &f->copies[(i + r) % f->ncopies];

			if (!c->active)
				continue;
			replica_on_copy_progress(rs, c->job, 1 << 19, 1 << 20,
			    1 << 19, 1 << 19, false);
			fake_rep_finish(f, rs, c->job, c->cancel_asked ?
			    -ECANCELED : (r >> 4) % 4 == 0 ? -EIO : 0, NULL);
			break;
		}
	}
}

static void
test_random_walk(void **state)
{
	struct fake_rep *f = calloc(1, sizeof(*f));
	struct replica_set *rs;
	unsigned seed = 12345;

	(void)state;
	fake_rep_init(f);
	walk_max_id = 0;
	assert_non_null(rs = fake_rep_open(f, 2, true));
	for (int i = 0; i < 1500; i++) {
		seed = seed * 1103515245u + 12345u;
		walk_step(f, rs, seed >> 3);
		walk_invariants(f, rs, 2);
	}
	/* Drain: every copy ends, nothing stays queued behind a free slot. */
	for (int round = 0; round < 200 && fake_rep_active(f) > 0; round++)
		for (size_t i = 0; i < f->ncopies; i++)
			if (f->copies[i].active)
				fake_rep_finish(f, rs, f->copies[i].job,
				    f->copies[i].cancel_asked ? -ECANCELED : 0,
				    NULL);
	walk_invariants(f, rs, 2);
	for (size_t i = 0; i < replica_job_count(rs); i++)
		assert_true(replica_job_at(rs, i)->state != JOB_NEW &&
		    replica_job_at(rs, i)->state != JOB_RUNNING);
	replica_set_free(rs);
	fake_rep_cleanup(f);
	free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_op_mapping),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_cells_start_copies),
		cmocka_unit_test(test_no_pair_rc),
		cmocka_unit_test(test_random_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
