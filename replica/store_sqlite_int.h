/* SPDX-License-Identifier: ISC */
/*
 * store_sqlite_int.h - what the two files of the SQLite engine share: the
 * record kinds and the table-driven binder (store_sqlite_rec.c) through
 * which store_sqlite.c builds, binds and reads every record statement.
 * Internal to the SQLite engine.
 */
#ifndef ARRAYD_REPLICA_STORE_SQLITE_INT_H
#define ARRAYD_REPLICA_STORE_SQLITE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

/* One table per kind; its row is a struct rvolume, rpair or rjob. */
enum store_rec { STORE_REC_VOLUME, STORE_REC_PAIR, STORE_REC_JOB,
	STORE_REC_COUNT };

/* The table's name ("volumes", "pairs", "jobs"). */
const char *store_rec_table(enum store_rec k);
/*
 * The statement that puts one record (INSERT OR REPLACE, `put`) or reads
 * them all in key order (SELECT), written into buf.  0 or -ENAMETOOLONG.
 */
int store_rec_sql(enum store_rec k, bool put, char *buf, size_t len);
/* Bind every column of `rec` to the put statement.  0 or -errno. */
int store_rec_bind(sqlite3_stmt *s, enum store_rec k, const void *rec);
/*
 * Read the current row of the SELECT into `rec` (zeroed first; a volume's
 * path points into the row, valid until the next step).  -EINVAL when a
 * value is out of range for its field or its record.
 */
int store_rec_read(sqlite3_stmt *s, enum store_rec k, void *rec);

/* SQLite result code -> 0 or -errno. */
int store_sqlite_errno(int src);

#endif /* ARRAYD_REPLICA_STORE_SQLITE_INT_H */
