/* SPDX-License-Identifier: ISC */
/*
 * test_replica_provision.c - Block Services (replica/provision.c): volumes
 * made (sizes rounded to 256 MiB, names checked, the pool's overprovision
 * limit kept, DeviceIDs never reused, also across a restart), grown (never
 * shrunk, never a snapshot or a volume in a pair, a copy or the
 * configuration) and returned (a snapshot with its pair; never a pair's
 * source, a physical copy's target, a copy's volume or a configured one);
 * the file intent that makes a file operation and its store change one
 * step across a crash (written straight into the store, then settled by
 * replica_set_start); and the pools' usage and size range.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fixture_replica.h"
#include "replica/replica_int.h"
#include "replica/store.h"

#define MiB	(1ull << 20)
#define GiB	(1ull << 30)
#define TiB	(1ull << 40)
#define GRAN	REPLICA_VOLUME_GRANULE
/* What the fixture's configured volumes of p0 add up to (3 x 1 MiB + 512 KiB). */
#define FIXTURE_PROVISIONED	(3 * MiB + 512 * 1024)

static const struct replica_caller bs = { "alice",
    "CreateOrModifyElementFromStoragePool" };

/* One copy slot, so a second copy queues. */
static int
setup_one(void **state)
{
	return fixture_setup_max(state, 1);
}

/*
 * Create `name` in `pool`: the function's 0 asserted, rc returned; a
 * refusal names no volume and no size, but 4097 the nearest size.
 */
static uint32_t
prov_rc(struct ctx *c, const char *name, const char *pool, uint64_t size,
    uint32_t *id, uint64_t *size_out)
{
	struct replica_result r;
	uint64_t got = 12345;

	assert_int_equal(replica_volume_provision(c->rs, name, pool, size,
	    &bs, &r, &got), 0);
	assert_int_equal(r.job_id, 0);
	if (r.rc != REPLICA_RC_OK)
		assert_int_equal(r.target_id, 0);
	if (r.rc != REPLICA_RC_OK && r.rc != REPLICA_RC_SIZE_NOT_SUPPORTED)
		assert_int_equal(got, 0);
	if (id != NULL)
		*id = r.target_id;
	if (size_out != NULL)
		*size_out = got;
	return r.rc;
}

/* Create `name` in p0: rc 0 asserted, its DeviceID returned. */
static uint32_t
prov_ok(struct ctx *c, const char *name, uint64_t size)
{
	uint32_t id = 0;

	assert_int_equal(prov_rc(c, name, "p0", size, &id, NULL),
	    REPLICA_RC_OK);
	assert_true(id > 104);
	return id;
}

static uint32_t
grow_rc(struct ctx *c, uint32_t id, uint64_t size, uint64_t *size_out)
{
	uint32_t rc = 12345;
	uint64_t got = 12345;

	assert_int_equal(replica_volume_grow(c->rs, id, size, &bs, &rc, &got),
	    0);
	if (size_out != NULL)
		*size_out = got;
	return rc;
}

static uint32_t
return_rc(struct ctx *c, uint32_t id)
{
	uint32_t rc = 12345;

	assert_int_equal(replica_volume_return(c->rs, id, &bs, &rc), 0);
	return rc;
}

/* CreateReplica from src with CopyType ct: the new volume's id. */
static uint32_t
create_replica(struct ctx *c, uint32_t src, const char *name, uint16_t ct,
    uint64_t *job)
{
	struct replica_result r;

	assert_int_equal(replica_create(c->rs, src, name, NULL, ct, &who, &r),
	    0);
	assert_int_equal(r.rc, ct == 5 ? REPLICA_RC_JOB_STARTED :
	    REPLICA_RC_OK);
	assert_true(r.target_id != 0);
	if (job != NULL)
		*job = replica_pair_find(c->rs, src, r.target_id)->job_id;
	return r.target_id;
}

/* The file intent as the store has it. */
static void
intent_is(struct ctx *c, const char *want)
{
	char buf[4200];

	assert_int_equal(store_meta_get(c->rs->store, "file_intent", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, want);
}

/* Write the file intent straight into the store, as a crash leaves it. */
static void
intent_put(struct ctx *c, const char *text)
{
	assert_int_equal(store_begin(c->rs->store), 0);
	assert_int_equal(store_meta_set(c->rs->store, "file_intent", text), 0);
	assert_int_equal(store_commit(c->rs->store), 0);
}

/* Close the set and open it again from its store, started or not. */
static void
reopen(struct ctx *c, bool start)
{
	replica_set_free(c->rs);
	c->rs = fake_rep_open(&c->f, 2, start);
	assert_non_null(c->rs);
}

static void
path_of(const struct ctx *c, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.img", c->f.dir, name);
}

static void
store_fail_nth(struct ctx *c, unsigned n)
{
	struct store_faults sf = { .fail_nth = n, .err = -ENOSPC };

	store_set_faults(c->rs->store, &sf);
}

static void
store_full(struct ctx *c)
{
	struct store_faults sf = { .fail_nth = 1, .fail_every = true,
	    .err = -ENOSPC };

	store_set_faults(c->rs->store, &sf);
}

/* The pool's file system is `cap` bytes and may be promised `pct` %. */
static void
pool_limit(struct ctx *c, uint64_t cap, unsigned pct)
{
	c->f.pool_capacity = cap;
	c->f.pool_free = cap / 2;
	assert_int_equal(replica_pool_set_overprovision(c->rs, "p0", pct), 0);
}

/* ------------------------------------------------------------- create */

/* Sizes round up to 256 MiB; the volume, its file and counter follow. */
static void
test_create_rounds(void **state)
{
	struct ctx *c = *state;
	static const struct { uint64_t ask, got; } sz[] = {
		{ 1, GRAN }, { GRAN, GRAN }, { GRAN + 1, 2 * GRAN },
		{ 16 * TiB, 16 * TiB },
	};
	static const char *const names[] = { "v1", "v2", "v3", "big" };
	struct replica_counters ctr;
	const struct rvolume *v;
	char path[400];
	uint64_t got;
	uint32_t id;

	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(prov_rc(c, names[i], "p0", sz[i].ask, &id,
		    &got), REPLICA_RC_OK);
		assert_int_equal(id, 105 + i);
		assert_int_equal(got, sz[i].got);
		assert_int_equal(c->f.ncreated, i + 1);
		path_of(c, names[i], path, sizeof(path));
		assert_string_equal(c->f.created_path, path);
		v = replica_volume_by_name(c->rs, names[i]);
		assert_non_null(v);
		assert_int_equal(v->id, id);
		assert_string_equal(v->pool, "p0");
		assert_string_equal(v->path, path);
		assert_int_equal(v->size, sz[i].got);
		assert_false(v->is_snapshot);
		assert_false(v->configured);
		assert_int_equal(v->parent_id, 0);
		assert_true(fake_rep_event(&c->f, 0, REPLICA_VOLUME,
		    REPLICA_CREATED, id) >= 0);
		intent_is(c, "");
	}
	assert_int_equal(c->f.nremoved, 0);
	replica_counters_get(c->rs, &ctr);
	assert_int_equal(ctr.volumes_created, 4);
	assert_int_equal(ctr.volumes_deleted, 0);
	/* Durable: the store has them. */
	reopen(c, true);
	v = replica_volume_by_name(c->rs, "v3");
	assert_non_null(v);
	assert_int_equal(v->id, 107);
	assert_int_equal(v->size, 2 * GRAN);
	path_of(c, "v3", path, sizeof(path));
	assert_string_equal(v->path, path);
	assert_int_equal(replica_volume_count(c->rs), 8);
}

/* No name: "vv.<n>", the smallest n free. */
static void
test_create_default_name(void **state)
{
	struct ctx *c = *state;
	const struct rvolume *v;
	char path[400];
	uint32_t id0 = prov_ok(c, NULL, GRAN), id1 = prov_ok(c, NULL, 1);

	v = replica_volume_by_id(c->rs, id0);
	assert_string_equal(v->name, "vv.0");
	path_of(c, "vv.0", path, sizeof(path));
	assert_string_equal(v->path, path);
	v = replica_volume_by_id(c->rs, id1);
	assert_string_equal(v->name, "vv.1");
	assert_int_equal(id1, id0 + 1);
	/* A freed name is taken again (the id is not). */
	assert_int_equal(return_rc(c, id0), REPLICA_RC_OK);
	assert_int_equal(prov_ok(c, NULL, GRAN), id1 + 1);
	assert_non_null(replica_volume_by_name(c->rs, "vv.0"));
}

/*
 * Bad names and pools: 5; sizes that cannot be had: 4097 with the nearest
 * one; nothing is made.
 */
static void
test_create_refused(void **state)
{
	struct ctx *c = *state;
	char n32[33];
	static const char *const bad[] = { "", ".", "..", "a/b", "a\x01" "b",
	    "a b", "../x", "a\\b", "\xc3\xa9t\xc3\xa9" };
	struct replica_counters ctr;
	size_t nvols = replica_volume_count(c->rs);
	uint64_t got;

	memset(n32, 'a', 32);
	n32[32] = '\0';
	assert_int_equal(prov_rc(c, n32, "p0", GRAN, NULL, NULL),
	    REPLICA_RC_INVALID);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(prov_rc(c, bad[i], "p0", GRAN, NULL, NULL),
		    REPLICA_RC_INVALID);
	assert_int_equal(prov_rc(c, "x", "nopool", GRAN, NULL, NULL),
	    REPLICA_RC_INVALID);
	assert_int_equal(prov_rc(c, "x", NULL, GRAN, NULL, NULL),
	    REPLICA_RC_INVALID);
	/* Size 0: the smallest; beyond 16 TiB: 16 TiB. */
	assert_int_equal(prov_rc(c, "x", "p0", 0, NULL, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, GRAN);
	assert_int_equal(prov_rc(c, "x", "p0", 16 * TiB + 1, NULL, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, 16 * TiB);
	assert_int_equal(prov_rc(c, "x", "p0", UINT64_MAX, NULL, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, 16 * TiB);
	/* Name in use: a configured volume's, a created one's. */
	assert_int_equal(prov_rc(c, "a", "p0", GRAN, NULL, NULL),
	    REPLICA_RC_FAILED);
	assert_int_equal(replica_volume_count(c->rs), nvols);
	assert_int_equal(c->f.ncreated, 0);
	prov_ok(c, "x", GRAN);
	assert_int_equal(prov_rc(c, "x", "p0", GRAN, NULL, NULL),
	    REPLICA_RC_FAILED);
	assert_int_equal(c->f.ncreated, 1);
	assert_int_equal(c->f.nremoved, 0);
	assert_int_equal(replica_volume_count(c->rs), nvols + 1);
	replica_counters_get(c->rs, &ctr);
	assert_int_equal(ctr.volumes_created, 1);
}

/* 31 characters is the longest name; dots elsewhere are fine. */
static void
test_create_name_edges(void **state)
{
	struct ctx *c = *state;
	char n31[32], path[400];
	uint32_t id;

	memset(n31, 'z', 31);
	n31[31] = '\0';
	id = prov_ok(c, n31, GRAN);
	assert_string_equal(replica_volume_by_id(c->rs, id)->name, n31);
	id = prov_ok(c, "...", GRAN);
	snprintf(path, sizeof(path), "%s/....img", c->f.dir);
	assert_string_equal(replica_volume_by_id(c->rs, id)->path, path);
	assert_string_equal(c->f.created_path, path);
}

/* Beyond the pool's overprovision limit: 4097, nothing made. */
static void
test_create_limit(void **state)
{
	struct ctx *c = *state;
	size_t nvols = replica_volume_count(c->rs);
	uint64_t got;

	/* 1 GiB at 100 %: 1 GiB - 3.5 MiB left, 768 MiB the nearest. */
	pool_limit(c, GiB, 100);
	assert_int_equal(prov_rc(c, "big", "p0", 4 * GRAN, NULL, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, 3 * GRAN);
	prov_ok(c, "x", 3 * GRAN);
	/* 256 MiB - 3.5 MiB left: 1 byte rounds to 256 MiB, too much. */
	assert_int_equal(prov_rc(c, "y", "p0", 1, NULL, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, 0);
	assert_int_equal(c->f.ncreated, 1);
	assert_int_equal(replica_volume_count(c->rs), nvols + 1);
	assert_null(replica_volume_by_name(c->rs, "y"));
	/* Exactly what is left fits. */
	pool_limit(c, 4 * GRAN + FIXTURE_PROVISIONED, 100);
	prov_ok(c, "y", GRAN);
	assert_int_equal(prov_rc(c, "z", "p0", 1, NULL, NULL),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	/* 200 %: twice the file system. */
	pool_limit(c, 4 * GRAN + FIXTURE_PROVISIONED, 200);
	prov_ok(c, "z", 4 * GRAN);
	/* No limit. */
	pool_limit(c, GiB, 0);
	prov_ok(c, "w", 8 * GRAN);
	assert_int_equal(c->f.ncreated, 4);
}

/* CreateReplica CopyType 5 makes a full volume: it must fit too (4). */
static void
test_clone_limit(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;

	/* Exactly the pool's volumes: no room for a clone of 101. */
	pool_limit(c, FIXTURE_PROVISIONED, 100);
	assert_int_equal(replica_create(c->rs, 101, "cl", NULL, 5, &who, &r),
	    0);
	assert_int_equal(r.rc, REPLICA_RC_FAILED);
	assert_null(replica_volume_by_name(c->rs, "cl"));
	assert_int_equal(c->f.ncreated, 0);
	/* A snapshot promises nothing: still allowed. */
	assert_int_equal(replica_create(c->rs, 101, "sn", NULL, 4, &who, &r),
	    0);
	assert_int_equal(r.rc, REPLICA_RC_OK);
	/* No limit: the clone is made. */
	pool_limit(c, FIXTURE_PROVISIONED, 0);
	assert_int_equal(replica_create(c->rs, 101, "cl", NULL, 5, &who, &r),
	    0);
	assert_int_equal(r.rc, REPLICA_RC_JOB_STARTED);
}

/* The file cannot be made: 4 (exists, ...) or 4097 (too big), no record. */
static void
test_create_file_fails(void **state)
{
	struct ctx *c = *state;
	static const struct { int err; uint32_t rc; } e[] = {
		{ -EEXIST, REPLICA_RC_FAILED }, { -EACCES, REPLICA_RC_FAILED },
		{ -EFBIG, REPLICA_RC_SIZE_NOT_SUPPORTED },
		{ -ENOSPC, REPLICA_RC_SIZE_NOT_SUPPORTED },
	};
	struct replica_counters ctr;
	size_t nvols = replica_volume_count(c->rs);
	uint64_t got;

	for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		c->f.create_err = e[i].err;
		assert_int_equal(prov_rc(c, "x", "p0", GRAN, NULL, NULL),
		    e[i].rc);
		assert_null(replica_volume_by_name(c->rs, "x"));
		assert_int_equal(replica_volume_count(c->rs), nvols);
		assert_int_equal(c->f.ncreated, 0);
		/* O_EXCL made nothing: someone else's file is not removed. */
		assert_int_equal(c->f.nremoved, 0);
		intent_is(c, "");
	}
	replica_counters_get(c->rs, &ctr);
	assert_int_equal(ctr.volumes_created, 0);
	/* Too big for the file system (ext4: 16 TiB): a granule less offered. */
	c->f.create_err = -EFBIG;
	assert_int_equal(prov_rc(c, "x", "p0", 16 * TiB, NULL, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, 16 * TiB - GRAN);
	c->f.create_err = -ENOSPC;
	assert_int_equal(prov_rc(c, "x", "p0", 16 * TiB, NULL, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, 0);
	reopen(c, true);
	assert_null(replica_volume_by_name(c->rs, "x"));
	assert_int_equal(c->f.nremoved, 0);
	/* The next create takes the name and the next DeviceID. */
	assert_int_equal(prov_ok(c, "x", GRAN), 105);
}

/*
 * A file already at the new volume's path is someone else's: rc 4, and
 * it is never removed, not even when the store fails the write that
 * would clear an intent naming it (then the next start would settle that
 * intent by removing the file), nor by CreateReplica.
 */
static void
test_create_foreign_file(void **state)
{
	struct ctx *c = *state;
	struct replica_result r;
	size_t nvols = replica_volume_count(c->rs);

	path_of(c, "x", c->f.foreign, sizeof(c->f.foreign));
	store_fail_nth(c, 2);
	assert_int_equal(prov_rc(c, "x", "p0", GRAN, NULL, NULL),
	    REPLICA_RC_FAILED);
	assert_int_equal(replica_create(c->rs, 101, "x", NULL, 5, &who, &r),
	    0);
	assert_int_equal(r.rc, REPLICA_RC_FAILED);
	assert_int_equal(c->f.ncreated, 0);
	assert_int_equal(replica_volume_count(c->rs), nvols);
	store_set_faults(c->rs->store, NULL);
	reopen(c, true);
	assert_int_equal(c->f.nremoved, 0);
	prov_ok(c, "y", GRAN);
	assert_int_equal(c->f.nremoved, 0);
}

/*
 * The store cannot commit.  The intent first: nothing made.  The volume
 * after its file was made: -ENOSPC, rc 4, no volume, the file removed,
 * and the intent left to remove it again at start-up.
 */
static void
test_create_store_fails(void **state)
{
	struct ctx *c = *state;
	struct replica_counters ctr;
	size_t nvols = replica_volume_count(c->rs);
	struct replica_result r;
	char path[400], text[450];
	uint64_t got = 1;

	path_of(c, "x", path, sizeof(path));
	store_full(c);
	assert_int_equal(replica_volume_provision(c->rs, "x", "p0", GRAN, &bs,
	    &r, &got), -ENOSPC);
	assert_int_equal(r.rc, REPLICA_RC_FAILED);
	assert_int_equal(r.target_id, 0);
	assert_int_equal(got, 0);
	assert_int_equal(c->f.ncreated, 0);
	assert_int_equal(c->f.nremoved, 0);
	assert_int_equal(replica_volume_count(c->rs), nvols);

	store_fail_nth(c, 2);	/* the intent commits, the volume not */
	assert_int_equal(replica_volume_provision(c->rs, "x", "p0", GRAN, &bs,
	    &r, &got), -ENOSPC);
	assert_int_equal(r.rc, REPLICA_RC_FAILED);
	assert_int_equal(r.target_id, 0);
	assert_int_equal(got, 0);
	assert_int_equal(c->f.ncreated, 1);
	assert_int_equal(c->f.nremoved, 1);
	assert_string_equal(c->f.removed_path, path);
	assert_null(replica_volume_by_name(c->rs, "x"));
	assert_int_equal(replica_volume_count(c->rs), nvols);
	assert_int_equal(fake_rep_event(&c->f, 0, REPLICA_VOLUME,
	    REPLICA_CREATED, 105), -1);
	replica_counters_get(c->rs, &ctr);
	assert_int_equal(ctr.volumes_created, 0);
	snprintf(text, sizeof(text), "create %s", path);
	intent_is(c, text);
	store_set_faults(c->rs->store, NULL);

	/* Start-up removes it once more (it may have been left). */
	reopen(c, true);
	assert_int_equal(c->f.nremoved, 2);
	assert_string_equal(c->f.removed_path, path);
	intent_is(c, "");
	assert_int_equal(replica_volume_count(c->rs), nvols);
	assert_true(prov_ok(c, "x", GRAN) >= 105);
}

/* A DeviceID is never handed out again: not after a delete, a restart. */
static void
test_create_ids_never_reused(void **state)
{
	struct ctx *c = *state;
	uint32_t a, b, d, e;

	a = prov_ok(c, "a1", GRAN);
	assert_int_equal(return_rc(c, a), REPLICA_RC_OK);
	b = prov_ok(c, "b1", GRAN);
	assert_true(b > a);
	/* The highest id is deleted, then the set restarts. */
	assert_int_equal(return_rc(c, b), REPLICA_RC_OK);
	reopen(c, true);
	d = prov_ok(c, "d1", GRAN);
	assert_true(d > b);
	/* The same name again: a new id. */
	assert_int_equal(return_rc(c, d), REPLICA_RC_OK);
	reopen(c, false);
	assert_int_equal(replica_set_start(c->rs), 0);
	e = prov_ok(c, "d1", GRAN);
	assert_true(e > d);
	assert_int_equal(a, 105);
	assert_int_equal(e, 108);
	/* CreateReplica draws from the same counter. */
	assert_int_equal(create_replica(c, e, "snap", 4, NULL), 109);
}

/* --------------------------------------------------------------- grow */

static void
test_grow(void **state)
{
	struct ctx *c = *state;
	uint32_t id = prov_ok(c, "g", GRAN);
	uint64_t got;

	/* Larger: rounded up, the file resized first, then recorded. */
	assert_int_equal(grow_rc(c, id, 2 * GRAN + 1, &got), REPLICA_RC_OK);
	assert_int_equal(got, 3 * GRAN);
	assert_int_equal(c->f.nresized, 1);
	assert_int_equal(c->f.resized_id, id);
	assert_int_equal(c->f.resized_size, 3 * GRAN);
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, 3 * GRAN);
	assert_true(fake_rep_event(&c->f, 0, REPLICA_VOLUME, REPLICA_MODIFIED,
	    id) >= 0);
	intent_is(c, "");
	/* Its own size: 0, the file not touched. */
	assert_int_equal(grow_rc(c, id, 3 * GRAN, &got), REPLICA_RC_OK);
	assert_int_equal(got, 3 * GRAN);
	assert_int_equal(c->f.nresized, 1);
	/* Smaller: 4097 and the size it has. */
	assert_int_equal(grow_rc(c, id, GRAN, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, 3 * GRAN);
	assert_int_equal(grow_rc(c, id, 1, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, 3 * GRAN);
	/* 0 bytes: a shrink; beyond 16 TiB: 16 TiB the nearest. */
	assert_int_equal(grow_rc(c, id, 0, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, 3 * GRAN);
	assert_int_equal(grow_rc(c, id, 16 * TiB + 1, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, 16 * TiB);
	assert_int_equal(c->f.nresized, 1);
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, 3 * GRAN);
	/* Durable. */
	reopen(c, true);
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, 3 * GRAN);
	assert_int_equal(grow_rc(c, id, 16 * TiB, &got), REPLICA_RC_OK);
	assert_int_equal(got, 16 * TiB);
	assert_int_equal(c->f.resized_size, 16 * TiB);
}

/* The file cannot grow: back to its size, 4097 (space) or 4 (else). */
static void
test_grow_file_fails(void **state)
{
	struct ctx *c = *state;
	uint32_t id = prov_ok(c, "g", GRAN);
	uint64_t got;

	c->f.resize_err = -ENOSPC;
	assert_int_equal(grow_rc(c, id, 2 * GRAN, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, GRAN);
	/* Grown, then put back to the size the store has. */
	assert_int_equal(c->f.nresized, 2);
	assert_int_equal(c->f.resized_size, GRAN);
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, GRAN);
	intent_is(c, "");
	c->f.resize_err = -EIO;
	assert_int_equal(grow_rc(c, id, 2 * GRAN, &got), REPLICA_RC_FAILED);
	assert_int_equal(got, GRAN);
	assert_int_equal(c->f.nresized, 4);
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, GRAN);
	reopen(c, true);
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, GRAN);
}

/*
 * The grow's record cannot be saved after its file grew: -ENOSPC, rc 4,
 * the stored size in memory; its intent finishes the grow at start-up.
 */
static void
test_grow_store_fails(void **state)
{
	struct ctx *c = *state;
	uint32_t id = prov_ok(c, "g", GRAN), rc;
	uint64_t got = 1;
	char text[64];

	store_fail_nth(c, 2);	/* the intent commits, the new size not */
	assert_int_equal(replica_volume_grow(c->rs, id, 2 * GRAN, &bs, &rc,
	    &got), -ENOSPC);
	assert_int_equal(rc, REPLICA_RC_FAILED);
	assert_int_equal(got, GRAN);
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, GRAN);
	assert_int_equal(c->f.nresized, 1);
	snprintf(text, sizeof(text), "grow %u %llu", (unsigned)id,
	    (unsigned long long)(2 * GRAN));
	intent_is(c, text);
	store_set_faults(c->rs->store, NULL);
	reopen(c, true);
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, 2 * GRAN);
	assert_int_equal(c->f.nresized, 2);
	assert_int_equal(c->f.resized_size, 2 * GRAN);
	intent_is(c, "");
}

/*
 * A grow whose intent an earlier, failed grow left: settling it finishes
 * that grow first, and the new one then works from the size it made (it
 * never shrinks the file back to the size read before settling).
 */
static void
test_grow_after_failed_grow(void **state)
{
	struct ctx *c = *state;
	uint32_t id = prov_ok(c, "g", GRAN), rc;
	uint64_t got = 1;

	store_fail_nth(c, 2);
	assert_int_equal(replica_volume_grow(c->rs, id, 3 * GRAN, &bs, &rc,
	    &got), -ENOSPC);
	store_set_faults(c->rs->store, NULL);
	/* Asked for less than the finished grow made: nothing shrinks. */
	assert_int_equal(grow_rc(c, id, 2 * GRAN, &got), REPLICA_RC_OK);
	assert_int_equal(got, 3 * GRAN);
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, 3 * GRAN);
	assert_int_equal(c->f.resized_size, 3 * GRAN);
	intent_is(c, "");
	/* And more than that grows on from it. */
	assert_int_equal(grow_rc(c, id, 4 * GRAN, &got), REPLICA_RC_OK);
	assert_int_equal(got, 4 * GRAN);
	assert_int_equal(c->f.resized_size, 4 * GRAN);
}

/* Never a snapshot, a volume in a pair or a copy, or a configured one. */
static void
test_grow_refused(void **state)
{
	struct ctx *c = *state;
	uint32_t x = prov_ok(c, "x", GRAN), y = prov_ok(c, "y", GRAN);
	uint32_t s, z = prov_ok(c, "z", GRAN);
	uint64_t job, got;

	/* A snapshot (CopyType 4 target): 5, even once its job is done. */
	s = create_replica(c, z, "zsnap", 4, &job);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_int_equal(grow_rc(c, s, 2 * GRAN, &got), REPLICA_RC_INVALID);
	assert_int_equal(got, GRAN);
	/* Its base is the source of a pair: 6. */
	assert_int_equal(grow_rc(c, z, 2 * GRAN, &got), REPLICA_RC_IN_USE);
	assert_int_equal(got, GRAN);
	/* A pair x -> y, copying, then Frozen: both sides 6. */
	job = attach_ok(c, x, y, 4);
	assert_int_equal(grow_rc(c, x, 2 * GRAN, NULL), REPLICA_RC_IN_USE);
	assert_int_equal(grow_rc(c, y, 2 * GRAN, NULL), REPLICA_RC_IN_USE);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_int_equal(replica_pair_find(c->rs, x, y)->sync_state,
	    SYNC_FROZEN);
	assert_int_equal(grow_rc(c, x, 2 * GRAN, NULL), REPLICA_RC_IN_USE);
	assert_int_equal(grow_rc(c, y, 2 * GRAN, NULL), REPLICA_RC_IN_USE);
	/* Configured (declared by the operator): 6. */
	assert_int_equal(grow_rc(c, 101, GRAN, &got), REPLICA_RC_IN_USE);
	assert_int_equal(got, MiB);
	/* No such volume: 5. */
	assert_int_equal(grow_rc(c, 999, GRAN, &got), REPLICA_RC_INVALID);
	assert_int_equal(got, 0);
	assert_int_equal(c->f.nresized, 0);
	/* Detached, x grows. */
	assert_int_equal(modify_rc(c, REPLICA_OP_DETACH, x, y, NULL),
	    REPLICA_RC_OK);
	assert_int_equal(grow_rc(c, x, 2 * GRAN, &got), REPLICA_RC_OK);
	assert_int_equal(got, 2 * GRAN);
}

/* Beyond the pool's limit: 4097, only the increase counts. */
static void
test_grow_limit(void **state)
{
	struct ctx *c = *state;
	uint32_t id = prov_ok(c, "g", GRAN);
	uint64_t got;

	/* 1 GiB at 100 %: 768 MiB - 3.5 MiB left, 768 MiB the nearest. */
	pool_limit(c, GiB, 100);
	assert_int_equal(grow_rc(c, id, 4 * GRAN, &got),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	assert_int_equal(got, 3 * GRAN);
	assert_int_equal(c->f.nresized, 0);
	intent_is(c, "");
	assert_int_equal(grow_rc(c, id, 3 * GRAN, &got), REPLICA_RC_OK);
	assert_int_equal(got, 3 * GRAN);
	assert_int_equal(c->f.nresized, 1);
}

/* ------------------------------------------------------------- delete */

static void
test_delete(void **state)
{
	struct ctx *c = *state;
	struct replica_counters ctr;
	uint32_t id = prov_ok(c, "d", GRAN);
	size_t nvols = replica_volume_count(c->rs), mark = c->f.nevents;
	char path[400];

	path_of(c, "d", path, sizeof(path));
	assert_int_equal(return_rc(c, id), REPLICA_RC_OK);
	assert_null(replica_volume_by_id(c->rs, id));
	assert_null(replica_volume_by_name(c->rs, "d"));
	assert_int_equal(replica_volume_count(c->rs), nvols - 1);
	assert_int_equal(c->f.nremoved, 1);
	assert_string_equal(c->f.removed_path, path);
	assert_true(fake_rep_event(&c->f, mark, REPLICA_VOLUME,
	    REPLICA_DELETED, id) >= 0);
	intent_is(c, "");
	replica_counters_get(c->rs, &ctr);
	assert_int_equal(ctr.volumes_created, 1);
	assert_int_equal(ctr.volumes_deleted, 1);
	/* Gone twice: 5 the second time. */
	assert_int_equal(return_rc(c, id), REPLICA_RC_INVALID);
	assert_int_equal(return_rc(c, 999), REPLICA_RC_INVALID);
	/* Configured: 6. */
	assert_int_equal(return_rc(c, 101), REPLICA_RC_IN_USE);
	assert_non_null(replica_volume_by_id(c->rs, 101));
	assert_int_equal(c->f.nremoved, 1);
	replica_counters_get(c->rs, &ctr);
	assert_int_equal(ctr.volumes_deleted, 1);
	reopen(c, true);
	assert_null(replica_volume_by_id(c->rs, id));
	assert_int_equal(replica_volume_count(c->rs), nvols - 1);
}

/* The store cannot commit: rc 4, -ENOSPC, the volume and its file stay. */
static void
test_delete_store_fails(void **state)
{
	struct ctx *c = *state;
	uint32_t id = prov_ok(c, "d", GRAN), rc;

	store_full(c);
	assert_int_equal(replica_volume_return(c->rs, id, &bs, &rc), -ENOSPC);
	assert_int_equal(rc, REPLICA_RC_FAILED);
	assert_non_null(replica_volume_by_id(c->rs, id));
	assert_int_equal(c->f.nremoved, 0);
	store_set_faults(c->rs->store, NULL);
	reopen(c, true);
	assert_non_null(replica_volume_by_id(c->rs, id));
	assert_int_equal(c->f.nremoved, 0);
	assert_int_equal(return_rc(c, id), REPLICA_RC_OK);
	assert_int_equal(c->f.nremoved, 1);
}

/* A snapshot goes with its pair; its base and a PC's ends stay (6). */
static void
test_delete_pairs(void **state)
{
	struct ctx *c = *state;
	uint32_t x = prov_ok(c, "x", GRAN), y = prov_ok(c, "y", GRAN);
	uint32_t s, s2;
	uint64_t job;
	char path[400];

	s = create_replica(c, x, "xsnap", 4, &job);
	assert_int_equal(replica_volume_by_id(c->rs, s)->is_snapshot, true);
	/* Its copy still running: 6. */
	assert_int_equal(return_rc(c, s), REPLICA_RC_IN_USE);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_non_null(replica_pair_find(c->rs, x, s));
	/* The base of a VC pair: 6. */
	assert_int_equal(return_rc(c, x), REPLICA_RC_IN_USE);
	/* The snapshot: 0, its pair gone with it. */
	path_of(c, "xsnap", path, sizeof(path));
	assert_int_equal(return_rc(c, s), REPLICA_RC_OK);
	assert_null(replica_volume_by_id(c->rs, s));
	assert_null(replica_pair_find(c->rs, x, s));
	assert_string_equal(c->f.removed_path, path);
	assert_int_equal(c->f.nremoved, 1);

	/* A physical copy x -> y: source and target 6, copying or not. */
	job = attach_ok(c, x, y, 4);
	assert_int_equal(return_rc(c, x), REPLICA_RC_IN_USE);
	assert_int_equal(return_rc(c, y), REPLICA_RC_IN_USE);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_int_equal(return_rc(c, x), REPLICA_RC_IN_USE);
	assert_int_equal(return_rc(c, y), REPLICA_RC_IN_USE);
	/* y, a PC target, is also the base of a snapshot now: 6. */
	s2 = create_replica(c, y, "ysnap", 4, &job);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_int_equal(return_rc(c, y), REPLICA_RC_IN_USE);
	assert_int_equal(c->f.nremoved, 1);
	assert_non_null(replica_volume_by_id(c->rs, x));
	assert_non_null(replica_volume_by_id(c->rs, y));

	/* Detached, the pair gone: both go. */
	assert_int_equal(modify_rc(c, REPLICA_OP_DETACH, x, y, NULL),
	    REPLICA_RC_OK);
	assert_int_equal(return_rc(c, s2), REPLICA_RC_OK);
	assert_int_equal(return_rc(c, y), REPLICA_RC_OK);
	assert_int_equal(return_rc(c, x), REPLICA_RC_OK);
	assert_int_equal(c->f.nremoved, 4);
	assert_int_equal(replica_pair_count(c->rs), 0);
	/* The store agrees: the pairs went with the volumes. */
	reopen(c, true);
	assert_int_equal(replica_pair_count(c->rs), 0);
	assert_null(replica_volume_by_id(c->rs, s));
	assert_null(replica_volume_by_id(c->rs, x));
	assert_int_equal(replica_volume_count(c->rs), 4);
}

/*
 * A running or queued copy's volumes: 6 until the copy is over.  A
 * snapshot (never queued) is otherwise deletable, so its running copy
 * alone answers 6.
 */
static void
test_delete_busy(void **state)
{
	struct ctx *c = *state;
	uint32_t x = prov_ok(c, "x", GRAN), y = prov_ok(c, "y", GRAN), s;
	uint64_t a, q, job;

	/* The one slot taken, the copy x -> y queues (New). */
	a = attach_ok(c, 101, 102, 4);
	q = attach_ok(c, x, y, 4);
	assert_int_equal(replica_job_by_id(c->rs, q)->state, JOB_NEW);
	assert_int_equal(return_rc(c, x), REPLICA_RC_IN_USE);
	assert_int_equal(return_rc(c, y), REPLICA_RC_IN_USE);
	/* A snapshot's copy runs beside it. */
	s = create_replica(c, 103, "csnap", 4, &job);
	assert_int_equal(replica_job_by_id(c->rs, job)->state, JOB_RUNNING);
	assert_int_equal(return_rc(c, s), REPLICA_RC_IN_USE);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_int_equal(replica_job_by_id(c->rs, job)->state, JOB_COMPLETED);
	assert_int_equal(return_rc(c, s), REPLICA_RC_OK);
	/* Granted and running: still 6; detached when done: 0. */
	assert_true(fake_rep_finish(&c->f, c->rs, a, 0, NULL));
	assert_int_equal(replica_job_by_id(c->rs, q)->state, JOB_RUNNING);
	assert_int_equal(return_rc(c, x), REPLICA_RC_IN_USE);
	assert_int_equal(return_rc(c, y), REPLICA_RC_IN_USE);
	assert_true(fake_rep_finish(&c->f, c->rs, q, 0, NULL));
	assert_int_equal(modify_rc(c, REPLICA_OP_DETACH, x, y, NULL),
	    REPLICA_RC_OK);
	assert_int_equal(return_rc(c, y), REPLICA_RC_OK);
	assert_int_equal(return_rc(c, x), REPLICA_RC_OK);
	assert_int_equal(c->f.nremoved, 3);
}

/* A CopyType 5 clone: 6 while copied, deletable once its pair is gone. */
static void
test_delete_clone(void **state)
{
	struct ctx *c = *state;
	struct replica_counters ctr;
	uint64_t job;
	uint32_t t = create_replica(c, 101, "cl", 5, &job);

	assert_int_equal(replica_pair_find(c->rs, 101, t)->kind, PAIR_PC);
	assert_int_equal(return_rc(c, t), REPLICA_RC_IN_USE);
	assert_true(fake_rep_finish(&c->f, c->rs, job, 0, NULL));
	assert_int_equal(replica_job_by_id(c->rs, job)->state, JOB_COMPLETED);
	assert_null(replica_pair_find(c->rs, 101, t));
	assert_int_equal(return_rc(c, t), REPLICA_RC_OK);
	assert_null(replica_volume_by_id(c->rs, t));
	assert_int_equal(c->f.nremoved, 1);
	replica_counters_get(c->rs, &ctr);
	assert_int_equal(ctr.volumes_deleted, 1);
	/* Every volume made through CIM counts, a CreateReplica clone too. */
	assert_int_equal(ctr.volumes_created, 1);
	/* Its finished job names a volume that is gone: the store opens. */
	reopen(c, true);
	assert_null(replica_volume_by_id(c->rs, t));
	assert_non_null(replica_job_by_id(c->rs, job));
}

/* ------------------------------------------------ crash windows (intent) */

/* A create cut short: no stored volume names the file, so it goes. */
static void
test_intent_create(void **state)
{
	struct ctx *c = *state;
	char path[400], text[450];

	path_of(c, "x", path, sizeof(path));
	snprintf(text, sizeof(text), "create %s", path);
	intent_put(c, text);
	reopen(c, false);
	intent_is(c, text);
	assert_int_equal(c->f.nremoved, 0);
	assert_int_equal(replica_set_start(c->rs), 0);
	assert_int_equal(c->f.nremoved, 1);
	assert_string_equal(c->f.removed_path, path);
	intent_is(c, "");
	assert_int_equal(replica_volume_count(c->rs), 4);
	/* Settled once: the next start leaves files alone. */
	reopen(c, true);
	assert_int_equal(c->f.nremoved, 1);
	/* The name is free. */
	assert_int_equal(prov_ok(c, "x", GRAN), 105);
}

/* A file a stored volume names is kept, whatever the intent says. */
static void
test_intent_remove_kept(void **state)
{
	struct ctx *c = *state;
	uint32_t id = prov_ok(c, "x", GRAN);
	const char *path = replica_volume_by_id(c->rs, id)->path;
	char text[450];

	snprintf(text, sizeof(text), "remove %u %s", (unsigned)id, path);
	intent_put(c, text);
	reopen(c, false);
	assert_int_equal(replica_set_start(c->rs), 0);
	assert_int_equal(c->f.nremoved, 0);
	intent_is(c, "");
	assert_non_null(replica_volume_by_id(c->rs, id));
	/* A create's intent for a stored volume: kept too; configured too. */
	snprintf(text, sizeof(text), "create %s",
	    replica_volume_by_id(c->rs, id)->path);
	intent_put(c, text);
	reopen(c, true);
	assert_int_equal(c->f.nremoved, 0);
	snprintf(text, sizeof(text), "remove 101 %s",
	    replica_volume_by_id(c->rs, 101)->path);
	intent_put(c, text);
	reopen(c, true);
	assert_int_equal(c->f.nremoved, 0);
	intent_is(c, "");
}

/* A delete cut short after its commit: the file goes at start-up. */
static void
test_intent_remove_done(void **state)
{
	struct ctx *c = *state;
	uint32_t id = prov_ok(c, "x", GRAN);
	char path[400], text[450];

	path_of(c, "x", path, sizeof(path));
	assert_int_equal(return_rc(c, id), REPLICA_RC_OK);
	assert_int_equal(c->f.nremoved, 1);
	/* The delete's intent names the volume: its digest map goes too. */
	snprintf(text, sizeof(text), "remove %u %s", (unsigned)id, path);
	intent_put(c, text);
	reopen(c, true);
	assert_int_equal(c->f.nremoved, 2);
	assert_string_equal(c->f.removed_path, path);
	assert_int_equal(c->f.removed_id, id);
	intent_is(c, "");
}

/* A grow cut short: finished at start-up, file then store. */
static void
test_intent_grow(void **state)
{
	struct ctx *c = *state;
	uint32_t id = prov_ok(c, "x", GRAN);
	char text[64];

	snprintf(text, sizeof(text), "grow %u %llu", (unsigned)id,
	    (unsigned long long)(3 * GRAN));
	intent_put(c, text);
	reopen(c, false);
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, GRAN);
	assert_int_equal(replica_set_start(c->rs), 0);
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, 3 * GRAN);
	assert_int_equal(c->f.nresized, 1);
	assert_int_equal(c->f.resized_id, id);
	assert_int_equal(c->f.resized_size, 3 * GRAN);
	assert_int_equal(c->f.nremoved, 0);
	intent_is(c, "");
	reopen(c, true);
	assert_int_equal(replica_volume_by_id(c->rs, id)->size, 3 * GRAN);
	assert_int_equal(c->f.nresized, 1);
	/* A grow the store already has, of no volume: nothing to do. */
	intent_put(c, text);
	reopen(c, true);
	assert_int_equal(c->f.nresized, 1);
	snprintf(text, sizeof(text), "grow 999 %llu",
	    (unsigned long long)(3 * GRAN));
	intent_put(c, text);
	reopen(c, true);
	assert_int_equal(c->f.nresized, 1);
	intent_is(c, "");
	/* Nonsense is logged and dropped. */
	intent_put(c, "frobnicate");
	reopen(c, true);
	assert_int_equal(c->f.nremoved, 0);
	intent_is(c, "");
	assert_true(fake_rep_logged(&c->f, "unknown file intent"));
}

/* An intent left by a failed clear is settled before the next one. */
static void
test_intent_settled_before_next(void **state)
{
	struct ctx *c = *state;
	char path[400], text[450];

	path_of(c, "gone", path, sizeof(path));
	snprintf(text, sizeof(text), "create %s", path);
	intent_put(c, text);
	prov_ok(c, "x", GRAN);
	assert_int_equal(c->f.nremoved, 1);
	assert_string_equal(c->f.removed_path, path);
	intent_is(c, "");
}

/* -------------------------------------------------------------- pools */

static void
test_pool_usage(void **state)
{
	struct ctx *c = *state;
	struct replica_pool_usage u;
	uint32_t x;
	uint64_t job;

	/* No capacity known: no limit. */
	assert_int_equal(replica_pool_usage(c->rs, "p0", &u), 0);
	assert_int_equal(u.volumes, 4);
	assert_int_equal(u.provisioned, FIXTURE_PROVISIONED);
	assert_int_equal(u.capacity, 0);
	assert_int_equal(u.overprovision, REPLICA_OVERPROVISION_DEFAULT);
	assert_true(u.limit == UINT64_MAX);

	c->f.pool_capacity = 10 * GiB;
	c->f.pool_free = 6 * GiB;
	x = prov_ok(c, "x", 2 * GRAN);
	(void)create_replica(c, x, "xsnap", 4, &job);
	assert_int_equal(replica_pool_usage(c->rs, "p0", &u), 0);
	assert_int_equal(u.volumes, 6);
	/* The snapshot counts as a volume, not as space promised. */
	assert_int_equal(u.provisioned, FIXTURE_PROVISIONED + 2 * GRAN);
	assert_int_equal(u.capacity, 10 * GiB);
	assert_int_equal(u.free, 6 * GiB);
	assert_int_equal(u.limit, 40 * GiB);
	assert_int_equal(replica_pool_set_overprovision(c->rs, "p0", 150), 0);
	assert_int_equal(replica_pool_usage(c->rs, "p0", &u), 0);
	assert_int_equal(u.overprovision, 150);
	assert_int_equal(u.limit, 15 * GiB);
	assert_int_equal(replica_pool_set_overprovision(c->rs, "p0", 0), 0);
	assert_int_equal(replica_pool_usage(c->rs, "p0", &u), 0);
	assert_true(u.limit == UINT64_MAX);
	/* A capacity whose share overflows: no limit either. */
	c->f.pool_capacity = UINT64_MAX / 2;
	assert_int_equal(replica_pool_set_overprovision(c->rs, "p0", 400), 0);
	assert_int_equal(replica_pool_usage(c->rs, "p0", &u), 0);
	assert_true(u.limit == UINT64_MAX);

	/* Another pool's volumes are its own. */
	assert_int_equal(replica_pool_add(c->rs, "p1", c->f.dir), 0);
	assert_int_equal(prov_rc(c, "y", "p1", GRAN, NULL, NULL),
	    REPLICA_RC_OK);
	assert_int_equal(replica_pool_usage(c->rs, "p1", &u), 0);
	assert_int_equal(u.volumes, 1);
	assert_int_equal(u.provisioned, GRAN);
	assert_int_equal(replica_pool_usage(c->rs, "p0", &u), 0);
	assert_int_equal(u.volumes, 6);

	assert_int_equal(replica_pool_usage(c->rs, "nopool", &u), -ENOENT);
	assert_int_equal(u.volumes, 0);
	assert_int_equal(replica_pool_set_overprovision(c->rs, "nopool", 100),
	    -ENOENT);
}

static void
test_pool_size_range(void **state)
{
	struct ctx *c = *state;
	uint64_t min = 1, max = 1, div = 1;

	/* No limit: 16 TiB. */
	assert_int_equal(replica_pool_size_range(c->rs, "p0", &min, &max,
	    &div), 0);
	assert_int_equal(min, GRAN);
	assert_int_equal(div, GRAN);
	assert_int_equal(max, 16 * TiB);
	/* Far more room than 16 TiB: 16 TiB. */
	pool_limit(c, 100 * TiB, 100);
	assert_int_equal(replica_pool_size_range(c->rs, "p0", &min, &max,
	    &div), 0);
	assert_int_equal(max, 16 * TiB);
	/* 10 GiB at 100 %: 10 GiB - 3.5 MiB, rounded down. */
	pool_limit(c, 10 * GiB, 100);
	assert_int_equal(replica_pool_size_range(c->rs, "p0", &min, &max,
	    &div), 0);
	assert_int_equal(max, 10 * GiB - GRAN);
	assert_int_equal(min, GRAN);
	assert_int_equal(div, GRAN);
	/* The largest it offers can be made; then the pool is full. */
	prov_ok(c, "x", max);
	assert_int_equal(replica_pool_size_range(c->rs, "p0", &min, &max,
	    &div), 0);
	assert_int_equal(max, 0);
	assert_int_equal(min, GRAN);
	assert_int_equal(prov_rc(c, "y", "p0", 1, NULL, NULL),
	    REPLICA_RC_SIZE_NOT_SUPPORTED);
	/* Over its limit (the limit lowered): 0, not a wrapped number. */
	pool_limit(c, GiB, 100);
	assert_int_equal(replica_pool_size_range(c->rs, "p0", &min, &max,
	    &div), 0);
	assert_int_equal(max, 0);
	assert_int_equal(replica_pool_size_range(c->rs, "nopool", &min, &max,
	    &div), -ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_rounds, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_default_name, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_name_edges, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_clone_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_file_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_foreign_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_store_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_ids_never_reused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_grow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grow_file_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_grow_after_failed_grow,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_grow_store_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_grow_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_grow_limit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_store_fails, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delete_pairs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delete_busy, setup_one,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delete_clone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_intent_create, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_intent_remove_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_intent_remove_done, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_intent_grow, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_intent_settled_before_next,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_usage, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pool_size_range, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
