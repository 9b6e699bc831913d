/* SPDX-License-Identifier: ISC */
/*
 * store.c - the engine-neutral half of the store (store.h): each call goes
 * to the engine's ops table; commits pass the fault injection of the unit
 * tests first.  No engine detail and no replica logic here.
 */
#include <errno.h>
#include <string.h>

#include "replica/store.h"

void
store_close(struct store *st)
{
	if (st != NULL)
		st->ops->close(st);
}

int
store_begin(struct store *st)
{
	return st->ops->begin(st);
}

void
store_set_faults(struct store *st, const struct store_faults *f)
{
	if (f != NULL)
		st->faults = *f;
	else
		memset(&st->faults, 0, sizeof(st->faults));
	st->ncommits = 0;
}

/*
 * The injected failure for this commit, or 0.  The transaction stays open,
 * as after a commit the engine refused, so the caller's rollback applies.
 */
static int
store_fault(struct store *st)
{
	const struct store_faults *f = &st->faults;
	unsigned n;

	if (f->fail_nth == 0)
		return 0;
	n = ++st->ncommits;
	if (n < f->fail_nth || (n > f->fail_nth && !f->fail_every))
		return 0;
	return f->err < 0 ? f->err : -ENOSPC;
}

int
store_commit(struct store *st)
{
	int err = store_fault(st);

	return err != 0 ? err : st->ops->commit(st);
}

int
store_sync(struct store *st)
{
	return st->ops->sync(st);
}

int
store_commit_durable(struct store *st)
{
	int err = store_commit(st);

	return err != 0 ? err : store_sync(st);
}

void
store_rollback(struct store *st)
{
	st->ops->rollback(st);
}

int
store_meta_get(struct store *st, const char *key, char *buf, size_t len)
{
	return st->ops->meta_get(st, key, buf, len);
}

int
store_meta_set(struct store *st, const char *key, const char *value)
{
	return st->ops->meta_set(st, key, value);
}

int
store_put_volume(struct store *st, const struct rvolume *v)
{
	return st->ops->put_volume(st, v);
}

int
store_del_volume(struct store *st, uint32_t id)
{
	return st->ops->del_volume(st, id);
}

int
store_put_pair(struct store *st, const struct rpair *p)
{
	return st->ops->put_pair(st, p);
}

int
store_del_pair(struct store *st, uint32_t src_id, uint32_t tgt_id)
{
	return st->ops->del_pair(st, src_id, tgt_id);
}

int
store_put_job(struct store *st, const struct rjob *j)
{
	return st->ops->put_job(st, j);
}

int
store_del_job(struct store *st, uint64_t id)
{
	return st->ops->del_job(st, id);
}

int
store_load(struct store *st, const struct store_load_cb *cb, char *errbuf,
    size_t errlen)
{
	return st->ops->load(st, cb, errbuf, errlen);
}

const char *
store_errmsg(const struct store *st)
{
	return st != NULL ? st->ops->errmsg(st) : "";
}
