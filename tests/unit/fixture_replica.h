/* SPDX-License-Identifier: ISC */
/*
 * fixture_replica.h - the set-up the replica unit tests share, written
 * once: a cmocka fixture holding the fake replica_ops (fake_replica.h) and
 * a started replica set on it, the caller every method call names, and
 * the method calls most tests make with their expected outcome asserted.
 * Include after <cmocka.h>.
 */
#ifndef ARRAYD_FIXTURE_REPLICA_H
#define ARRAYD_FIXTURE_REPLICA_H

#include "tests/unit/fake_replica.h"

static const struct replica_caller who = { "alice", "AttachOrModifyReplica" };

struct ctx {
	struct fake_rep f;
	struct replica_set *rs;
};

/* A started set with `max` copy slots; start-up's events are dropped. */
static inline int
fixture_setup_max(void **state, unsigned max)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return -1;
	fake_rep_init(&c->f);
	if ((c->rs = fake_rep_open(&c->f, max, true)) == NULL) {
		fake_rep_cleanup(&c->f);
		free(c);
		return -1;
	}
	c->f.nevents = 0;
	*state = c;
	return 0;
}

static inline int
setup(void **state)
{
	return fixture_setup_max(state, 2);
}

static inline int
teardown(void **state)
{
	struct ctx *c = *state;

	replica_set_free(c->rs);
	fake_rep_cleanup(&c->f);
	free(c);
	return 0;
}

/* Attach s -> t with CopyType ct: a job, started or queued. */
static inline uint64_t
attach_ok(struct ctx *c, uint32_t s, uint32_t t, uint16_t ct)
{
	struct replica_result r;

	assert_int_equal(replica_attach(c->rs, s, t, ct, &who, &r), 0);
	assert_int_equal(r.rc, REPLICA_RC_JOB_STARTED);
	assert_true(r.job_id != 0);
	return r.job_id;
}

/* ModifySynchronization: its rc, the job in *job (may be NULL). */
static inline uint32_t
modify_rc(struct ctx *c, uint16_t op, uint32_t s, uint32_t t, uint64_t *job)
{
	struct replica_result r;

	assert_int_equal(replica_modify(c->rs, op, s, t, &who, &r), 0);
	if (job != NULL)
		*job = r.job_id;
	return r.rc;
}

/* How many of the last 64 log lines contain `needle`. */
static inline unsigned
logged_n(const struct fake_rep *f, const char *needle)
{
	unsigned n = 0;

	for (unsigned i = 0; i < 64 && i < f->nlogs; i++)
		n += strstr(f->log[i], needle) != NULL;
	return n;
}

#endif /* ARRAYD_FIXTURE_REPLICA_H */
