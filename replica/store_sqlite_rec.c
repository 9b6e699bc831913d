/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite_rec.c - the SQLite engine's records, table-driven: each
 * record kind lists its columns once (column name, kind of C field, its
 * place and size in the struct), and the put and load statements, the
 * binding of a put and the reading of a loaded row all walk that list.
 * A value that does not fit its field refuses the row; what a record
 * must satisfy beyond that is one check function per kind.  Adding a
 * field is one line here (and its column in the schema, store_sqlite.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "replica/replica.h"
#include "replica/store_sqlite_int.h"

enum col_type {
	COL_UINT,	/* unsigned integer of `size` bytes, never negative */
	COL_SINT,	/* signed integer or enum of `size` bytes */
	COL_BOOL,	/* bool: 0 or 1 */
	COL_TEXT,	/* char[size], NUL-terminated */
	COL_PATH,	/* char *, owned by the record's holder */
};

struct col {
	const char *name;
	uint8_t type;		/* enum col_type */
	uint16_t size;		/* bytes of the field */
	uint16_t off;		/* offsetof the field */
};

#define COLN(n, s, f, t) \
	{ (n), (t), sizeof(((struct s *)0)->f), offsetof(struct s, f) }
#define COL(s, f, t)	COLN(#f, s, f, t)

_Static_assert(sizeof(enum job_kind) == sizeof(int32_t) &&
    sizeof(enum pair_kind) == sizeof(int32_t) &&
    sizeof(enum replica_copy_mode) == sizeof(int32_t) &&
    sizeof(enum replica_image) == sizeof(int32_t),
    "enums are stored as 32-bit integers");

static const struct col vol_cols[] = {
	COL(rvolume, id, COL_UINT),
	COL(rvolume, name, COL_TEXT),
	COL(rvolume, pool, COL_TEXT),
	COL(rvolume, path, COL_PATH),
	COL(rvolume, size, COL_UINT),
	COL(rvolume, is_snapshot, COL_BOOL),
	COL(rvolume, parent_id, COL_UINT),
	COL(rvolume, configured, COL_BOOL),
	COL(rvolume, failed, COL_BOOL),
	COL(rvolume, created_us, COL_SINT),
};

static const struct col pair_cols[] = {
	COL(rpair, src_id, COL_UINT),
	COL(rpair, tgt_id, COL_UINT),
	COL(rpair, kind, COL_SINT),
	COL(rpair, copy_type, COL_UINT),
	COL(rpair, sync_state, COL_UINT),
	COL(rpair, when_synced_us, COL_SINT),
	COL(rpair, job_id, COL_UINT),
	COL(rpair, percent_synced, COL_SINT),
	COL(rpair, sync_image, COL_UINT),
};

static const struct col job_cols[] = {
	COL(rjob, id, COL_UINT),
	COL(rjob, kind, COL_SINT),
	COL(rjob, state, COL_UINT),
	COL(rjob, percent, COL_UINT),
	COL(rjob, submitted_us, COL_SINT),
	COL(rjob, started_us, COL_SINT),
	COL(rjob, ended_us, COL_SINT),
	COL(rjob, last_change_us, COL_SINT),
	COL(rjob, error_code, COL_UINT),
	COL(rjob, error_desc, COL_TEXT),
	COL(rjob, owner, COL_TEXT),
	COL(rjob, method, COL_TEXT),
	COL(rjob, rc, COL_UINT),
	COL(rjob, src_id, COL_UINT),
	COL(rjob, tgt_id, COL_UINT),
	COL(rjob, copy_type, COL_UINT),
	COL(rjob, operation, COL_UINT),
	COL(rjob, element_name, COL_TEXT),
	COL(rjob, hidden, COL_BOOL),
	COL(rjob, bytes_total, COL_UINT),
	COL(rjob, bytes_done, COL_UINT),
	COL(rjob, checkpoint, COL_UINT),
	COL(rjob, bytes_written, COL_UINT),
	COLN("copy_mode", rjob, mode, COL_SINT),
	COL(rjob, reverse, COL_BOOL),
	COL(rjob, image, COL_SINT),
	COL(rjob, image_us, COL_SINT),
	COL(rjob, image_base, COL_UINT),
};

static int
rec_check_volume(const void *rec)
{
	const struct rvolume *v = rec;

	return v->id != 0 && v->size % 512 == 0 && v->name[0] != '\0' ?
	    0 : -EINVAL;
}

static int
rec_check_pair(const void *rec)
{
	const struct rpair *p = rec;

	if ((p->kind != PAIR_PC && p->kind != PAIR_VC) ||
	    (p->copy_type != 4 && p->copy_type != 5) ||
	    (p->kind == PAIR_VC && p->copy_type != 4) ||
	    p->percent_synced < -1 || p->percent_synced > 100)
		return -EINVAL;
	switch (p->sync_state) {
	case SYNC_INITIALIZED: case SYNC_RESYNC_IN_PROGRESS:
	case SYNC_RESTORE_IN_PROGRESS: case SYNC_IDLE: case SYNC_BROKEN:
	case SYNC_FROZEN: case SYNC_COPY_IN_PROGRESS:
		return 0;
	default:
		return -EINVAL;
	}
}

static int
rec_check_job(const void *rec)
{
	const struct rjob *j = rec;

	if (j->id == 0 || j->kind < JOB_KIND_PC_CREATE ||
	    j->kind > JOB_KIND_SNAPSHOT || j->percent > 100 ||
	    j->mode < REPLICA_COPY_FULL || j->mode > REPLICA_COPY_EXTENTS ||
	    j->image < REPLICA_IMAGE_NONE || j->image > REPLICA_IMAGE_READY)
		return -EINVAL;
	switch (j->state) {
	case JOB_NEW: case JOB_RUNNING: case JOB_COMPLETED:
	case JOB_TERMINATED: case JOB_EXCEPTION:
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct rec_def {
	const char *table;
	const char *order;		/* the key, for ORDER BY */
	size_t size;			/* of the record struct */
	const struct col *cols;
	size_t ncols;
	int (*check)(const void *rec);
} recs[STORE_REC_COUNT] = {
	[STORE_REC_VOLUME] = { "volumes", "id", sizeof(struct rvolume),
	    vol_cols,
	    sizeof(vol_cols) / sizeof(vol_cols[0]), rec_check_volume },
	[STORE_REC_PAIR] = { "pairs", "src_id, tgt_id", sizeof(struct rpair),
	    pair_cols,
	    sizeof(pair_cols) / sizeof(pair_cols[0]), rec_check_pair },
	[STORE_REC_JOB] = { "jobs", "id", sizeof(struct rjob), job_cols,
	    sizeof(job_cols) / sizeof(job_cols[0]), rec_check_job },
};

const char *
store_rec_table(enum store_rec k)
{
	return recs[k].table;
}

int
store_rec_sql(enum store_rec k, bool put, char *buf, size_t len)
{
	const struct rec_def *r = &recs[k];
	size_t n;

	n = (size_t)snprintf(buf, len, put ? "INSERT OR REPLACE INTO %s(" :
	    "SELECT ", r->table);
	for (size_t i = 0; i < r->ncols && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
		    i > 0 ? ", " : "", r->cols[i].name);
	if (put) {
		for (size_t i = 0; i < r->ncols && n < len; i++)
			n += (size_t)snprintf(buf + n, len - n, "%s?%zu",
			    i > 0 ? ", " : ") VALUES (", i + 1);
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, ")");
	} else if (n < len) {
		n += (size_t)snprintf(buf + n, len - n, " FROM %s ORDER BY %s",
		    r->table, r->order);
	}
	return n < len ? 0 : -ENAMETOOLONG;
}

/* The integer in field f of column c, widened. */
static int64_t
col_get(const struct col *c, const char *f)
{
	bool sgn = c->type == COL_SINT;
	uint32_t u32;
	uint16_t u16;
	uint8_t u8;
	int64_t v;

	switch (c->size) {
	case 1:
		memcpy(&u8, f, 1);
		return sgn ? (int64_t)(int8_t)u8 : (int64_t)u8;
	case 2:
		memcpy(&u16, f, 2);
		return sgn ? (int64_t)(int16_t)u16 : (int64_t)u16;
	case 4:
		memcpy(&u32, f, 4);
		return sgn ? (int64_t)(int32_t)u32 : (int64_t)u32;
	default:
		memcpy(&v, f, 8);
		return v;
	}
}

/* Store v into field f of column c; -EINVAL when it does not fit. */
static int
col_set(const struct col *c, char *f, int64_t v)
{
	unsigned bits = c->size * 8u;

	if (c->type == COL_BOOL) {
		bool b = v != 0;

		memcpy(f, &b, sizeof(b));
		return 0;
	}
	if (c->type == COL_UINT && (v < 0 || (bits < 64 &&
	    (uint64_t)v >> bits != 0)))
		return -EINVAL;
	if (c->type == COL_SINT && bits < 64 && (v < -(INT64_C(1) <<
	    (bits - 1)) || v >= INT64_C(1) << (bits - 1)))
		return -EINVAL;
	if (c->size == 1) {
		uint8_t x = (uint8_t)v;

		memcpy(f, &x, 1);
	} else if (c->size == 2) {
		uint16_t x = (uint16_t)v;

		memcpy(f, &x, 2);
	} else if (c->size == 4) {
		uint32_t x = (uint32_t)v;

		memcpy(f, &x, 4);
	} else {
		memcpy(f, &v, 8);
	}
	return 0;
}

int
store_rec_bind(sqlite3_stmt *s, enum store_rec k, const void *rec)
{
	const struct rec_def *r = &recs[k];

	for (size_t i = 0; i < r->ncols; i++) {
		const struct col *c = &r->cols[i];
		const char *f = (const char *)rec + c->off;
		const char *text = f;
		int rc, ix = (int)i + 1;

		switch (c->type) {
		case COL_PATH:
			memcpy(&text, f, sizeof(text));
			/* FALLTHROUGH */
		case COL_TEXT:
			rc = sqlite3_bind_text(s, ix, text != NULL ? text : "",
			    -1, SQLITE_STATIC);
			break;
		default:
			rc = sqlite3_bind_int64(s, ix, col_get(c, f));
			break;
		}
		if (rc != SQLITE_OK)
			return store_sqlite_errno(rc);
	}
	return 0;
}

int
store_rec_read(sqlite3_stmt *s, enum store_rec k, void *rec)
{
	const struct rec_def *r = &recs[k];

	memset(rec, 0, r->size);
	for (size_t i = 0; i < r->ncols; i++) {
		const struct col *c = &r->cols[i];
		char *f = (char *)rec + c->off;
		const char *t;
		size_t n;

		switch (c->type) {
		case COL_PATH:
			t = (const char *)sqlite3_column_text(s, (int)i);
			if (t == NULL)
				return -EINVAL;
			memcpy(f, &t, sizeof(t));
			break;
		case COL_TEXT:
			t = (const char *)sqlite3_column_text(s, (int)i);
			n = t != NULL ? strlen(t) : 0;
			if (n >= c->size)
				return -EINVAL;
			memcpy(f, t != NULL ? t : "", n + 1);
			break;
		default:
			if (col_set(c, f, sqlite3_column_int64(s, (int)i)) != 0)
				return -EINVAL;
			break;
		}
	}
	return r->check(rec);
}
