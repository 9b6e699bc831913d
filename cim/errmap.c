/* SPDX-License-Identifier: ISC */
/*
 * errmap.c - lookups in ERRMAP_MAP (errmap.h): one switch per column,
 * generated from the table, so a new row changes all three at once.
 */
#include <string.h>

#include "cim/errmap.h"

enum cim_status
errmap_status(int err)
{
	switch (-err) {
#define XX(e, status, rc, text)	case e: return status;
	ERRMAP_MAP(XX)
#undef XX
	default:
		return CIM_ERR_FAILED;
	}
}

uint32_t
errmap_rc(int err)
{
	switch (-err) {
#define XX(e, status, rc, text)	case e: return rc;
	ERRMAP_MAP(XX)
#undef XX
	default:
		return REPLICA_RC_FAILED;
	}
}

const char *
errmap_text(int err)
{
	switch (-err) {
#define XX(e, status, rc, text)	case e: return text;
	ERRMAP_MAP(XX)
#undef XX
	default:
		return strerror(-err);
	}
}
