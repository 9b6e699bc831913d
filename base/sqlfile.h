/* SPDX-License-Identifier: ISC */
/*
 * sqlfile.h - the life of an arrayd SQLite file, shared by the stores
 * (replica/store_sqlite.c, indic/store.c): a new file is built beside its
 * final name and renamed into place, so a crash during the first start
 * never leaves an empty or half-built file; an existing empty file is
 * therefore someone else's and is refused, like a file of no database, a
 * foreign schema or a newer version.  An opened file runs in WAL with
 * synchronous=NORMAL (each store's header says why that is safe for it).
 *
 * Every function returns 0 or -errno and, on failure, writes one line
 * naming the file into errbuf.  SQLite result codes become -errno through
 * the kind's errno_of, so each store keeps its own mapping.
 */
#ifndef ARRAYD_BASE_SQLFILE_H
#define ARRAYD_BASE_SQLFILE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* Size of a store's path buffer; sqlfile_open refuses longer paths. */
#define SQLFILE_PATH_MAX	4096

/* What kind of file a store keeps: decided by the store, once. */
struct sqlfile_kind {
	const char *what;		/* "state", "indication": messages */
	const char *schema_sql;		/* builds every table of a new file */
	int version;			/* user_version this build writes */
	int (*errno_of)(int rc);	/* SQLite result -> 0 or -errno */
};

/*
 * What every store maps alike: 0 for OK/DONE/ROW, -ENOMEM, -ENOSPC for a
 * full disk, -EIO for the rest; a store maps its own codes first.
 */
int	sqlfile_errno(int rc);
/* fsync the file or folder at path, opened with flags (O_RDONLY...). */
int	sqlfile_fsync_path(const char *path, int flags);
/* Build a new file of kind at path.new, sync it, rename it to path. */
int	sqlfile_create(const char *path, const struct sqlfile_kind *kind,
	    char *errbuf, size_t errlen);
/*
 * Open path read-write into *db, creating it first when missing; refuses
 * a path too long, a non-regular or empty file.  *db is NULL on failure;
 * on success the caller owns it (sqlite3_close_v2).
 */
int	sqlfile_open(const char *path, const struct sqlfile_kind *kind,
	    sqlite3 **db, char *errbuf, size_t errlen);
/* First column of the first row of sql; SQLITE_NOTFOUND if no row. */
int	sqlfile_query_int(sqlite3 *db, const char *sql, int64_t *out);
/*
 * The file's user_version and table count; refuses a file that is no
 * database and one written by a newer arrayd (version above kind's).
 */
int	sqlfile_version(sqlite3 *db, const char *path,
	    const struct sqlfile_kind *kind, int64_t *ver, int64_t *ntables,
	    char *errbuf, size_t errlen);
/* The refusal of a database that is not of kind: always -EPROTO. */
int	sqlfile_foreign(const char *path, const struct sqlfile_kind *kind,
	    int64_t ntables, int64_t ver, char *errbuf, size_t errlen);
/*
 * Switch db to WAL, synchronous=NORMAL plus the store's own pragmas
 * (NULL for none), and prove the file writable (a read-only folder fails
 * here with a "not writable" message).
 */
int	sqlfile_wal(sqlite3 *db, const char *path,
	    const struct sqlfile_kind *kind, const char *pragmas,
	    char *errbuf, size_t errlen);

#endif /* ARRAYD_BASE_SQLFILE_H */
