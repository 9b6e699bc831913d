/* SPDX-License-Identifier: ISC */
/*
 * errmap.h - the one table that turns a -errno into what a CIM client
 * sees: the ERROR CODE (CIM_ERR_*) of an operation, or the return value of
 * a method (CONTRACT.md §4: 0, 1, 4, 5, 6, 4096), and the text that
 * describes it.  libuv's UV_ERRNO_MAP is the model.
 *
 * Handlers convert an errno here and nowhere else; a status a handler
 * decides itself (role, unknown method, bad parameter) is written with
 * op_error() and needs no table.  Replica method results (REPLICA_RC_*)
 * are already method return values and pass through unchanged.  The
 * texts are the C library's, so a store failure reads the same on the
 * wire as in the log.  This header knows CIM codes and replica return
 * values; replica/ and cimxml/ know nothing of it.
 */
#ifndef ARRAYD_CIM_ERRMAP_H
#define ARRAYD_CIM_ERRMAP_H

#include <errno.h>
#include <stdint.h>

#include "cimxml/cimxml.h"
#include "replica/replica.h"

/*
 * XX(errno, CIM status, method return value, description).
 * ENOENT/EINVAL are what the model and replica/ say about the client's
 * objects and arguments; the rest come from the state store
 * (replica/store.c) and are the server's failure, so CIM_ERR_FAILED even
 * for EACCES (a read-only store; the client's role is op_*'s check).
 * An errno not listed is CIM_ERR_FAILED, 4, and strerror()'s text.
 */
#define ERRMAP_MAP(XX)							\
	XX(ENOENT, CIM_ERR_NOT_FOUND, REPLICA_RC_FAILED,		\
	    "No such file or directory")				\
	XX(EINVAL, CIM_ERR_INVALID_PARAMETER, REPLICA_RC_INVALID,	\
	    "Invalid argument")						\
	XX(EOPNOTSUPP, CIM_ERR_NOT_SUPPORTED, REPLICA_RC_NOT_SUPPORTED,	\
	    "Operation not supported")					\
	XX(EBUSY, CIM_ERR_FAILED, REPLICA_RC_IN_USE,			\
	    "Device or resource busy")					\
	XX(EACCES, CIM_ERR_FAILED, REPLICA_RC_FAILED,			\
	    "Permission denied")					\
	XX(ENOMEM, CIM_ERR_FAILED, REPLICA_RC_FAILED,			\
	    "Cannot allocate memory")					\
	XX(ENOSPC, CIM_ERR_FAILED, REPLICA_RC_FAILED,			\
	    "No space left on device")					\
	XX(EIO, CIM_ERR_FAILED, REPLICA_RC_FAILED,			\
	    "Input/output error")					\
	XX(EPROTO, CIM_ERR_FAILED, REPLICA_RC_FAILED,			\
	    "Protocol error")

/* The CIM status for -errno `err` (CIM_ERR_FAILED when not listed). */
enum cim_status errmap_status(int err);
/* The method return value for `err` (REPLICA_RC_FAILED when not listed). */
uint32_t errmap_rc(int err);
/*
 * The description of `err`: the table's, else strerror(-err), whose
 * buffer may be reused by the next call: use it at once.
 */
const char *errmap_text(int err);

#endif /* ARRAYD_CIM_ERRMAP_H */
