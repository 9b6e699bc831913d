/* SPDX-License-Identifier: ISC */
/*
 * op.c - what every CIM operation handler shares: the role names and the
 * one way an error answer is written and its status recorded (an errno
 * through the table of errmap.h).
 */
#include <stdarg.h>

#include "cim/errmap.h"
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

void
op_error(struct op_ctx *c, enum cim_status code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cimxml_write_verror(c->out, code, fmt, ap);
	va_end(ap);
	c->status = (unsigned)code;
}

void
op_errno(struct op_ctx *c, int err, const char *what)
{
	op_error(c, errmap_status(err), "%s: %s", what, errmap_text(err));
}
