/* SPDX-License-Identifier: ISC */
/*
 * registry.c - filters, destinations and subscriptions: kept in memory in
 * id order, each change written to the file in one transaction before the
 * memory is changed, so a failed write leaves both as they were.  Limits
 * (total subscriptions, records per owner) are decided here, once.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "indic/indic_int.h"

int
indic__vec_push(struct indic__vec *vec, void *p)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap != 0 ? vec->cap * 2 : 16;
		void **nv = realloc(vec->v, cap * sizeof(*nv));

		if (nv == NULL)
			return -ENOMEM;
		vec->v = nv;
		vec->cap = cap;
	}
	vec->v[vec->n++] = p;
	return 0;
}

void
indic__vec_remove(struct indic__vec *vec, size_t i)
{
	memmove(&vec->v[i], &vec->v[i + 1], (vec->n - i - 1) *
	    sizeof(vec->v[0]));
	vec->n--;
}

/* Every record kind starts with its uint64_t id; ids are in order. */
long
indic__vec_find(const struct indic__vec *vec, uint64_t id)
{
	size_t lo = 0, hi = vec->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t m = *(const uint64_t *)vec->v[mid];

		if (m == id)
			return (long)mid;
		if (m < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

struct indic__dest *
indic__dest_of(const struct indic *ix, uint64_t id)
{
	long i = indic__vec_find(&ix->dests, id);

	return i < 0 ? NULL : ix->dests.v[i];
}

struct indic__sub *
indic__sub_of(const struct indic *ix, uint64_t id)
{
	long i = indic__vec_find(&ix->subs, id);

	return i < 0 ? NULL : ix->subs.v[i];
}

static void
rg_filter_free(struct indic_filter *f)
{
	if (f == NULL)
		return;
	free(f->creation_class);
	free(f->system_ccn);
	free(f->system_name);
	free(f->name);
	free(f->query);
	free(f->query_language);
	free(f->source_namespace);
	free(f->source_namespaces);
	free(f->element_name);
	free(f->owner);
	free(f);
}

static void
rg_dest_free(struct indic__dest *x)
{
	if (x == NULL)
		return;
	free(x->d.creation_class);
	free(x->d.system_ccn);
	free(x->d.system_name);
	free(x->d.name);
	free(x->d.destination);
	free(x->d.owner);
	free(x->d.seq_context);
	free(x->d.last_error);
	free(x);
}

static void
rg_sub_free(struct indic__sub *x)
{
	if (x == NULL)
		return;
	free(x->s.creation_class);
	free(x->s.owner);
	free(x);
}

void
indic__free_records(struct indic *ix)
{
	for (size_t i = 0; i < ix->filters.n; i++)
		rg_filter_free(ix->filters.v[i]);
	for (size_t i = 0; i < ix->dests.n; i++)
		rg_dest_free(ix->dests.v[i]);
	for (size_t i = 0; i < ix->subs.n; i++)
		rg_sub_free(ix->subs.v[i]);
	free(ix->filters.v);
	free(ix->dests.v);
	free(ix->subs.v);
	memset(&ix->filters, 0, sizeof(ix->filters));
	memset(&ix->dests, 0, sizeof(ix->dests));
	memset(&ix->subs, 0, sizeof(ix->subs));
}

/* strdup that turns NULL into "" and reports failure through *ok. */
static char *
rg_dup(const char *s, bool *ok)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL)
		*ok = false;
	return d;
}

static const char *
rg_col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t != NULL ? (const char *)t : "";
}

unsigned
indic_owner_count(const struct indic *ix, const char *owner)
{
	unsigned n = 0;

	if (owner == NULL)
		owner = "";
	for (size_t i = 0; i < ix->filters.n; i++)
		n += strcmp(((struct indic_filter *)ix->filters.v[i])->owner,
		    owner) == 0;
	for (size_t i = 0; i < ix->dests.n; i++)
		n += strcmp(((struct indic__dest *)ix->dests.v[i])->d.owner,
		    owner) == 0;
	for (size_t i = 0; i < ix->subs.n; i++)
		n += strcmp(((struct indic__sub *)ix->subs.v[i])->s.owner,
		    owner) == 0;
	return n;
}

static int
rg_owner_room(const struct indic *ix, const char *owner)
{
	return indic_owner_count(ix, owner) >= ix->lim.max_per_user ?
	    -EDQUOT : 0;
}

/* ---- filters ------------------------------------------------------- */

static struct indic_filter *
rg_filter_copy(const struct indic_filter *f)
{
	struct indic_filter *c = calloc(1, sizeof(*c));
	bool ok = c != NULL;

	if (c == NULL)
		return NULL;
	*c = *f;
	c->creation_class = rg_dup(f->creation_class, &ok);
	c->system_ccn = rg_dup(f->system_ccn, &ok);
	c->system_name = rg_dup(f->system_name, &ok);
	c->name = rg_dup(f->name, &ok);
	c->query = rg_dup(f->query, &ok);
	c->query_language = rg_dup(f->query_language, &ok);
	c->source_namespace = rg_dup(f->source_namespace, &ok);
	c->source_namespaces = rg_dup(f->source_namespaces, &ok);
	c->element_name = rg_dup(f->element_name, &ok);
	c->owner = rg_dup(f->owner, &ok);
	if (!ok) {
		rg_filter_free(c);
		return NULL;
	}
	return c;
}

int
indic_filter_add(struct indic *ix, struct indic_filter *f)
{
	struct indic_filter *c;
	int err;

	if (f->name == NULL || f->name[0] == '\0')
		return -EINVAL;
	if (indic_filter_find(ix, f->name) != NULL)
		return -EEXIST;
	if ((err = rg_owner_room(ix, f->owner)) != 0)
		return err;
	f->id = ix->next_id;
	f->created_us = indic__now_us();
	if ((c = rg_filter_copy(f)) == NULL)
		return -ENOMEM;
	if ((err = indic__vec_push(&ix->filters, c)) != 0) {
		rg_filter_free(c);
		return err;
	}
	ix->next_id++;
	if ((err = indic__begin(ix)) != 0 ||
	    (err = indic__run(ix, "INSERT INTO filters VALUES (?,?,?,?,?,?,"
	    "?,?,?,?,?,?,?)", "UttttttttttuI", c->id, c->creation_class,
	    c->system_ccn, c->system_name, c->name, c->query,
	    c->query_language, c->source_namespace, c->source_namespaces,
	    c->element_name, c->owner, (unsigned)c->permanent,
	    c->created_us)) != 0 ||
	    (err = indic__meta_save(ix)) != 0 ||
	    (err = indic__commit(ix)) != 0) {
		indic__rollback(ix);
		ix->next_id--;
		ix->filters.n--;
		rg_filter_free(c);
		return err;
	}
	return 0;
}

static bool
rg_filter_used(const struct indic *ix, uint64_t id)
{
	for (size_t i = 0; i < ix->subs.n; i++)
		if (((struct indic__sub *)ix->subs.v[i])->s.filter_id == id)
			return true;
	return false;
}

int
indic_filter_del(struct indic *ix, uint64_t id)
{
	long i = indic__vec_find(&ix->filters, id);
	int err;

	if (i < 0)
		return -ENOENT;
	if (rg_filter_used(ix, id))
		return -EBUSY;
	if ((err = indic__begin(ix)) != 0 ||
	    (err = indic__run(ix, "DELETE FROM filters WHERE id = ?", "U",
	    id)) != 0 || (err = indic__commit(ix)) != 0) {
		indic__rollback(ix);
		return err;
	}
	rg_filter_free(ix->filters.v[i]);
	indic__vec_remove(&ix->filters, (size_t)i);
	return 0;
}

const struct indic_filter *
indic_filter_find(const struct indic *ix, const char *name)
{
	for (size_t i = 0; name != NULL && i < ix->filters.n; i++) {
		const struct indic_filter *f = ix->filters.v[i];

		if (strcasecmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

const struct indic_filter *
indic_filter_get(const struct indic *ix, uint64_t id)
{
	long i = indic__vec_find(&ix->filters, id);

	return i < 0 ? NULL : ix->filters.v[i];
}

const struct indic_filter *
indic_filter_at(const struct indic *ix, size_t i)
{
	return i < ix->filters.n ? ix->filters.v[i] : NULL;
}

/* ---- destinations -------------------------------------------------- */

static struct indic__dest *
rg_dest_copy(const struct indic_dest *d)
{
	struct indic__dest *c = calloc(1, sizeof(*c));
	bool ok = c != NULL;

	if (c == NULL)
		return NULL;
	c->d = *d;
	c->d.creation_class = rg_dup(d->creation_class, &ok);
	c->d.system_ccn = rg_dup(d->system_ccn, &ok);
	c->d.system_name = rg_dup(d->system_name, &ok);
	c->d.name = rg_dup(d->name, &ok);
	c->d.destination = rg_dup(d->destination, &ok);
	c->d.owner = rg_dup(d->owner, &ok);
	c->d.seq_context = rg_dup(d->seq_context, &ok);
	c->d.last_error = rg_dup(d->last_error, &ok);
	if (!ok) {
		rg_dest_free(c);
		return NULL;
	}
	return c;
}

int
indic_dest_add(struct indic *ix, struct indic_dest *d)
{
	struct indic__dest *c;
	char ctx[64];
	int err;

	if (d->name == NULL || d->name[0] == '\0' || d->destination == NULL)
		return -EINVAL;
	if (indic_dest_find(ix, d->name) != NULL)
		return -EEXIST;
	if ((err = rg_owner_room(ix, d->owner)) != 0)
		return err;
	d->id = ix->next_id;
	d->created_us = indic__now_us();
	/* DSP1054: the context changes whenever numbering restarts. */
	snprintf(ctx, sizeof(ctx), "arrayd:%" PRIu64 ":%" PRId64, d->id,
	    d->created_us);
	d->seq_next = 0;
	d->seq_context = NULL;
	d->delivered = d->retried = d->dropped = 0;
	d->last_ok_us = d->last_fail_us = 0;
	d->last_error = NULL;
	if ((c = rg_dest_copy(d)) == NULL)
		return -ENOMEM;
	free(c->d.seq_context);
	if ((c->d.seq_context = strdup(ctx)) == NULL ||
	    (err = indic__vec_push(&ix->dests, c)) != 0) {
		rg_dest_free(c);
		return -ENOMEM;
	}
	ix->next_id++;
	if ((err = indic__begin(ix)) != 0 ||
	    (err = indic__run(ix, "INSERT INTO dests VALUES (?,?,?,?,?,?,?,?,"
	    "?,?,?,?,0,0,0,0,0,'')", "UtttttuutIUt", c->d.id,
	    c->d.creation_class, c->d.system_ccn, c->d.system_name,
	    c->d.name, c->d.destination, (unsigned)c->d.persistence_type,
	    (unsigned)c->d.protocol, c->d.owner, c->d.created_us,
	    c->d.seq_next, c->d.seq_context)) != 0 ||
	    (err = indic__meta_save(ix)) != 0 ||
	    (err = indic__commit(ix)) != 0) {
		indic__rollback(ix);
		ix->next_id--;
		ix->dests.n--;
		rg_dest_free(c);
		return err;
	}
	d->seq_context = c->d.seq_context;
	return 0;
}

int
indic_dest_del(struct indic *ix, uint64_t id)
{
	long i = indic__vec_find(&ix->dests, id);
	int err;

	if (i < 0)
		return -ENOENT;
	for (size_t k = 0; k < ix->subs.n; k++)
		if (((struct indic__sub *)ix->subs.v[k])->s.dest_id == id)
			return -EBUSY;
	/* Its pending acks are written first: they count as delivered. */
	if ((err = indic_ack_flush(ix)) != 0)
		return err;
	if ((err = indic__begin(ix)) != 0 ||
	    (err = indic__run(ix, "DELETE FROM dests WHERE id = ?", "U",
	    id)) != 0 ||
	    (err = indic__run(ix, "DELETE FROM queue WHERE dest_id = ?", "U",
	    id)) != 0 || (err = indic__commit(ix)) != 0) {
		indic__rollback(ix);
		return err;
	}
	ix->tot.queued -= ((struct indic__dest *)ix->dests.v[i])->queued;
	/* The cached head may be one of the rows just deleted. */
	if (ix->head.dest_id == id)
		memset(&ix->head, 0, sizeof(ix->head));
	rg_dest_free(ix->dests.v[i]);
	indic__vec_remove(&ix->dests, (size_t)i);
	return 0;
}

const struct indic_dest *
indic_dest_find(const struct indic *ix, const char *name)
{
	for (size_t i = 0; name != NULL && i < ix->dests.n; i++) {
		const struct indic__dest *x = ix->dests.v[i];

		if (strcasecmp(x->d.name, name) == 0)
			return &x->d;
	}
	return NULL;
}

const struct indic_dest *
indic_dest_get(const struct indic *ix, uint64_t id)
{
	const struct indic__dest *x = indic__dest_of(ix, id);

	return x != NULL ? &x->d : NULL;
}

const struct indic_dest *
indic_dest_at(const struct indic *ix, size_t i)
{
	return i < ix->dests.n ?
	    &((const struct indic__dest *)ix->dests.v[i])->d : NULL;
}

size_t
indic_dest_queued(const struct indic *ix, uint64_t dest_id)
{
	const struct indic__dest *x = indic__dest_of(ix, dest_id);

	return x != NULL ? x->queued : 0;
}

/* ---- subscriptions ------------------------------------------------- */

int
indic_sub_add(struct indic *ix, struct indic_sub *s)
{
	struct indic__sub *c;
	bool ok = true;
	int err;

	if (indic_filter_get(ix, s->filter_id) == NULL ||
	    indic_dest_get(ix, s->dest_id) == NULL)
		return -ENOENT;
	if (indic_sub_find(ix, s->filter_id, s->dest_id) != NULL)
		return -EEXIST;
	if (ix->subs.n >= ix->lim.max_subscriptions)
		return -EDQUOT;
	if ((err = rg_owner_room(ix, s->owner)) != 0)
		return err;
	s->id = ix->next_id;
	s->created_us = indic__now_us();
	s->delivery_failure = 0;
	s->dropped = 0;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	c->s = *s;
	c->s.creation_class = rg_dup(s->creation_class, &ok);
	c->s.owner = rg_dup(s->owner, &ok);
	if (!ok || indic__vec_push(&ix->subs, c) != 0) {
		rg_sub_free(c);
		return -ENOMEM;
	}
	ix->next_id++;
	if ((err = indic__begin(ix)) != 0 ||
	    (err = indic__run(ix, "INSERT INTO subs VALUES (?,?,?,?,?,?,?,0,0,"
	    "?,?)", "UtUUuuutI", c->s.id, c->s.creation_class,
	    c->s.filter_id, c->s.dest_id, (unsigned)c->s.state,
	    (unsigned)c->s.on_fatal_error, (unsigned)c->s.repeat_policy,
	    c->s.owner, c->s.created_us)) != 0 ||
	    (err = indic__meta_save(ix)) != 0 ||
	    (err = indic__commit(ix)) != 0) {
		indic__rollback(ix);
		ix->next_id--;
		ix->subs.n--;
		rg_sub_free(c);
		return err;
	}
	return 0;
}

int
indic_sub_del(struct indic *ix, uint64_t id, uint64_t *dropped)
{
	long i = indic__vec_find(&ix->subs, id);
	struct indic__sub *x;
	struct indic__dest *dx;
	int err;

	if (dropped != NULL)
		*dropped = 0;
	if (i < 0)
		return -ENOENT;
	/* Acked rows would be deleted (and counted) as dropped below. */
	if ((err = indic_ack_flush(ix)) != 0)
		return err;
	x = ix->subs.v[i];
	dx = indic__dest_of(ix, x->s.dest_id);
	ix->tot.dropped += x->queued;
	if ((err = indic__begin(ix)) != 0 ||
	    (err = indic__run(ix, "DELETE FROM subs WHERE id = ?", "U",
	    id)) != 0 ||
	    (err = indic__run(ix, "DELETE FROM queue WHERE sub_id = ?", "U",
	    id)) != 0 ||
	    (err = indic__run(ix, "UPDATE dests SET dropped = dropped + ? "
	    "WHERE id = ?", "UU", (uint64_t)x->queued, x->s.dest_id)) != 0 ||
	    (err = indic__meta_save(ix)) != 0 ||
	    (err = indic__commit(ix)) != 0) {
		indic__rollback(ix);
		ix->tot.dropped -= x->queued;
		return err;
	}
	if (dx != NULL) {
		dx->d.dropped += x->queued;
		dx->queued -= x->queued;
	}
	ix->tot.queued -= x->queued;
	if (dropped != NULL)
		*dropped = x->queued;
	/* The cached head may be one of the rows just deleted. */
	if (ix->head.sub_id == id)
		memset(&ix->head, 0, sizeof(ix->head));
	rg_sub_free(x);
	indic__vec_remove(&ix->subs, (size_t)i);
	return 0;
}

int
indic_sub_set_state(struct indic *ix, uint64_t id, uint16_t state)
{
	struct indic__sub *x = indic__sub_of(ix, id);
	struct indic__dest *dx;
	uint64_t drop;
	int err;

	if (x == NULL)
		return -ENOENT;
	if (state == x->s.state)
		return 0;
	/* Disabled: what is queued for it is dropped, as by a delete. */
	drop = state != INDIC_SUB_ENABLED ? x->queued : 0;
	if (drop > 0 && (err = indic_ack_flush(ix)) != 0)
		return err;
	dx = indic__dest_of(ix, x->s.dest_id);
	ix->tot.dropped += drop;
	if ((err = indic__begin(ix)) != 0 ||
	    (err = indic__run(ix, "UPDATE subs SET state = ? WHERE id = ?",
	    "uU", (unsigned)state, id)) != 0 ||
	    (drop > 0 && ((err = indic__run(ix, "DELETE FROM queue WHERE "
	    "sub_id = ?", "U", id)) != 0 ||
	    (err = indic__run(ix, "UPDATE dests SET dropped = dropped + ? "
	    "WHERE id = ?", "UU", drop, x->s.dest_id)) != 0 ||
	    (err = indic__meta_save(ix)) != 0)) ||
	    (err = indic__commit(ix)) != 0) {
		indic__rollback(ix);
		ix->tot.dropped -= drop;
		return err;
	}
	x->s.state = state;
	if (drop == 0)
		return 0;
	if (dx != NULL) {
		dx->d.dropped += drop;
		dx->queued -= drop;
	}
	x->queued = 0;
	ix->tot.queued -= drop;
	if (ix->head.sub_id == id)
		memset(&ix->head, 0, sizeof(ix->head));
	return 0;
}

const struct indic_sub *
indic_sub_find(const struct indic *ix, uint64_t filter_id, uint64_t dest_id)
{
	for (size_t i = 0; i < ix->subs.n; i++) {
		const struct indic__sub *x = ix->subs.v[i];

		if (x->s.filter_id == filter_id && x->s.dest_id == dest_id)
			return &x->s;
	}
	return NULL;
}

const struct indic_sub *
indic_sub_get(const struct indic *ix, uint64_t id)
{
	const struct indic__sub *x = indic__sub_of(ix, id);

	return x != NULL ? &x->s : NULL;
}

const struct indic_sub *
indic_sub_at(const struct indic *ix, size_t i)
{
	return i < ix->subs.n ?
	    &((const struct indic__sub *)ix->subs.v[i])->s : NULL;
}

/* ---- loading ------------------------------------------------------- */

static int
rg_load_filters(struct indic *ix)
{
	sqlite3_stmt *s;
	int rc, err = 0;

	rc = sqlite3_prepare_v2(ix->db, "SELECT id, ccn, sys_ccn, sys_name, "
	    "name, query, lang, src_ns, src_nss, element_name, owner, "
	    "permanent, created_us FROM filters ORDER BY id", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return -EPROTO;
	while (err == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct indic_filter f = {
			.id = (uint64_t)sqlite3_column_int64(s, 0),
			.creation_class = (char *)rg_col(s, 1),
			.system_ccn = (char *)rg_col(s, 2),
			.system_name = (char *)rg_col(s, 3),
			.name = (char *)rg_col(s, 4),
			.query = (char *)rg_col(s, 5),
			.query_language = (char *)rg_col(s, 6),
			.source_namespace = (char *)rg_col(s, 7),
			.source_namespaces = (char *)rg_col(s, 8),
			.element_name = (char *)rg_col(s, 9),
			.owner = (char *)rg_col(s, 10),
			.permanent = sqlite3_column_int(s, 11) != 0,
			.created_us = sqlite3_column_int64(s, 12),
		};
		struct indic_filter *c = rg_filter_copy(&f);

		if (c == NULL)
			err = -ENOMEM;
		else if (f.id >= ix->next_id)
			err = -EPROTO;
		else if ((err = indic__vec_push(&ix->filters, c)) == 0)
			c = NULL;
		rg_filter_free(c);
	}
	sqlite3_finalize(s);
	return err != 0 ? err : rc == SQLITE_DONE ? 0 : -EPROTO;
}

static int
rg_load_dests(struct indic *ix)
{
	sqlite3_stmt *s;
	int rc, err = 0;

	rc = sqlite3_prepare_v2(ix->db, "SELECT id, ccn, sys_ccn, sys_name, "
	    "name, destination, persistence, protocol, owner, created_us, "
	    "seq_next, seq_context, delivered, retried, dropped, last_ok_us, "
	    "last_fail_us, last_error, (SELECT count(*) FROM queue q WHERE "
	    "q.dest_id = dests.id) FROM dests ORDER BY id", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return -EPROTO;
	while (err == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct indic_dest d = {
			.id = (uint64_t)sqlite3_column_int64(s, 0),
			.creation_class = (char *)rg_col(s, 1),
			.system_ccn = (char *)rg_col(s, 2),
			.system_name = (char *)rg_col(s, 3),
			.name = (char *)rg_col(s, 4),
			.destination = (char *)rg_col(s, 5),
			.persistence_type = (uint16_t)sqlite3_column_int(s, 6),
			.protocol = (uint16_t)sqlite3_column_int(s, 7),
			.owner = (char *)rg_col(s, 8),
			.created_us = sqlite3_column_int64(s, 9),
			.seq_next = (uint64_t)sqlite3_column_int64(s, 10),
			.seq_context = (char *)rg_col(s, 11),
			.delivered = (uint64_t)sqlite3_column_int64(s, 12),
			.retried = (uint64_t)sqlite3_column_int64(s, 13),
			.dropped = (uint64_t)sqlite3_column_int64(s, 14),
			.last_ok_us = sqlite3_column_int64(s, 15),
			.last_fail_us = sqlite3_column_int64(s, 16),
			.last_error = (char *)rg_col(s, 17),
		};
		struct indic__dest *c = rg_dest_copy(&d);

		if (c == NULL) {
			err = -ENOMEM;
		} else if (d.id >= ix->next_id) {
			err = -EPROTO;
		} else {
			c->queued = (size_t)sqlite3_column_int64(s, 18);
			ix->tot.queued += c->queued;
			if ((err = indic__vec_push(&ix->dests, c)) == 0)
				c = NULL;
		}
		rg_dest_free(c);
	}
	sqlite3_finalize(s);
	return err != 0 ? err : rc == SQLITE_DONE ? 0 : -EPROTO;
}

static int
rg_load_subs(struct indic *ix)
{
	sqlite3_stmt *s;
	int rc, err = 0;

	rc = sqlite3_prepare_v2(ix->db, "SELECT id, ccn, filter_id, dest_id, "
	    "state, on_fatal, repeat, delivery_failure, dropped, owner, "
	    "created_us, (SELECT count(*) FROM queue q WHERE q.sub_id = "
	    "subs.id) FROM subs ORDER BY id", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return -EPROTO;
	while (err == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct indic__sub *c = calloc(1, sizeof(*c));
		bool ok = c != NULL;

		if (c == NULL) {
			err = -ENOMEM;
			break;
		}
		c->s.id = (uint64_t)sqlite3_column_int64(s, 0);
		c->s.creation_class = rg_dup(rg_col(s, 1), &ok);
		c->s.filter_id = (uint64_t)sqlite3_column_int64(s, 2);
		c->s.dest_id = (uint64_t)sqlite3_column_int64(s, 3);
		c->s.state = (uint16_t)sqlite3_column_int(s, 4);
		c->s.on_fatal_error = (uint16_t)sqlite3_column_int(s, 5);
		c->s.repeat_policy = (uint16_t)sqlite3_column_int(s, 6);
		c->s.delivery_failure = (uint16_t)sqlite3_column_int(s, 7);
		c->s.dropped = (uint64_t)sqlite3_column_int64(s, 8);
		c->s.owner = rg_dup(rg_col(s, 9), &ok);
		c->s.created_us = sqlite3_column_int64(s, 10);
		c->queued = (size_t)sqlite3_column_int64(s, 11);
		if (!ok)
			err = -ENOMEM;
		else if (c->s.id >= ix->next_id ||
		    indic_filter_get(ix, c->s.filter_id) == NULL ||
		    indic_dest_get(ix, c->s.dest_id) == NULL)
			err = -EPROTO;
		else if ((err = indic__vec_push(&ix->subs, c)) == 0)
			c = NULL;
		rg_sub_free(c);
	}
	sqlite3_finalize(s);
	return err != 0 ? err : rc == SQLITE_DONE ? 0 : -EPROTO;
}

int
indic__load(struct indic *ix, char *errbuf, size_t errlen)
{
	int err;

	if ((err = rg_load_filters(ix)) == 0 &&
	    (err = rg_load_dests(ix)) == 0)
		err = rg_load_subs(ix);
	if (err != 0) {
		snprintf(errbuf, errlen, "%s: damaged indication database: %s",
		    ix->path, err == -EPROTO ? "a record is inconsistent" :
		    strerror(-err));
		indic__free_records(ix);
	}
	return err;
}
