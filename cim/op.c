/* SPDX-License-Identifier: ISC */
/*
 * op.c - what every CIM operation handler shares: the role names.
 */
#include "cim/op.h"

const char *
op_role_name(enum op_role r)
{
	switch (r) {
	case OP_ROLE_BROWSE:
		return "browse";
	case OP_ROLE_EDIT:
		return "edit";
	case OP_ROLE_NONE:
		break;
	}
	return "none";
}
