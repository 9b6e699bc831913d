/* SPDX-License-Identifier: ISC */
/*
 * fuzz_cimxml.c - libFuzzer entry point for the CIM-XML request parser and
 * the writer.
 *
 * Every input goes through cimxml_parse_request (must return 0 or a clean
 * error with a token), cimxml_parse_objhdr and cimxml_pct_decode.  A parsed
 * request is then written back (envelope, target, every reference
 * parameter), re-parsed, and each reference must compare equal to the
 * original: a writer/parser disagreement aborts.  Built by `make fuzz`
 * (libFuzzer) and linked into tests/fuzz/replay for `make check`.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimxml/cimxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ARENA_CAP	(16u * 1024 * 1024)

static void
fuzz_check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_cimxml: %s\n", what);
		abort();
	}
}

/* Wrap one reference in a GetInstance-like request and parse it back. */
static void
roundtrip_ref(const struct cim_path *p)
{
	static const struct cimxml_limits lim = { 1024, 10000000, 0 };
	struct cim_arena *a;
	struct cim_request r;
	struct cimxml_err err;
	struct cim_buf b;
	int rc;

	if ((a = cim_arena_new(FUZZ_ARENA_CAP)) == NULL)
		return;
	cim_buf_init(&b);
	cim_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" "
	    "PROTOCOLVERSION=\"1.0\"><SIMPLEREQ><IMETHODCALL NAME=\"X\">");
	cimxml_write_localnamespace(&b, "root/tpd");
	cim_buf_puts(&b, "<IPARAMVALUE NAME=\"P\"><VALUE.REFERENCE>");
	cimxml_write_path(&b, p, CIM_PF_INSTANCEPATH, "h", "root/tpd");
	cim_buf_puts(&b, "</VALUE.REFERENCE></IPARAMVALUE></IMETHODCALL>"
	    "</SIMPLEREQ></MESSAGE></CIM>");
	if (!b.oom) {
		rc = cimxml_parse_request(b.data, b.len, &lim, a, &r, &err);
		if (rc != -ENOMEM) {
			if (rc != 0)
				fprintf(stderr, "reparse: %s %u:%u %s\n%s\n",
				    err.token, err.line, err.col, err.msg,
				    b.data);
			fuzz_check(rc == 0, "written path does not parse");
			fuzz_check(r.nparams == 1 &&
			    r.params[0].value.kind == CIM_V_REF,
			    "written path lost its kind");
			fuzz_check(cim_path_equal(p, r.params[0].value.ref),
			    "written path reads back different");
		}
	}
	cim_buf_release(&b);
	cim_arena_free(a);
}

/* Write every part of a request; nothing may crash. */
static void
write_all(const struct cim_request *r, struct cim_arena *a)
{
	struct cim_buf b;
	size_t i;

	cim_buf_init(&b);
	cimxml_begin_response(&b, r->msg_id, r->intrinsic, r->method);
	if (r->target != NULL)
		cimxml_write_path(&b, r->target, CIM_PF_OBJECTPATH, "h", r->ns);
	for (i = 0; i < r->nparams; i++) {
		const struct cim_value *v = &r->params[i].value;
		struct cim_prop prop = {
			.name = r->params[i].name, .type = CIM_T_STRING,
			.text = v->text, .is_array = v->kind == CIM_V_ARRAY,
			.n = v->n, .items = v->items,
		};
		struct cim_instance in = { r->method, 1, &prop };

		cimxml_write_instance(&b, &in, NULL, 0, false);
		(void)cimxml_instance_to_string(a, &in);
		cimxml_write_error(&b, CIM_ERR_FAILED, "%s", r->params[i].name);
	}
	cimxml_end_response(&b, r->intrinsic);
	cim_buf_release(&b);
}

/*
 * The writer drops C0 controls and replaces invalid UTF-8 (XML cannot carry
 * them), so header strings holding such bytes cannot read back equal.
 */
static bool
writable_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' &&
		    *s != '\r') || (unsigned char)*s >= 0x80)
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cim_arena *a;
	struct cim_request r;
	struct cimxml_err err;
	struct cim_path p;
	char *s;
	size_t i;
	int rc;

	if ((a = cim_arena_new(FUZZ_ARENA_CAP)) == NULL)
		return 0;
	rc = cimxml_parse_request((const char *)data, size, NULL, a, &r, &err);
	fuzz_check(rc == 0 || rc == -EBADMSG || rc == -EINVAL ||
	    rc == -E2BIG || rc == -ENOMEM, "unexpected return code");
	fuzz_check(rc == 0 || rc == -ENOMEM || err.token != NULL,
	    "error without token");
	if (rc == 0) {
		write_all(&r, a);
		if (r.target != NULL)
			roundtrip_ref(r.target);
		for (i = 0; i < r.nparams; i++)
			if (r.params[i].value.kind == CIM_V_REF)
				roundtrip_ref(r.params[i].value.ref);
	}
	/* The same bytes as a CIMObject header. */
	if (size < 65536 && (s = cim_arena_strndup(a, (const char *)data,
	    size)) != NULL) {
		if (cimxml_parse_objhdr(s, a, &p) == 0 && p.classname != NULL &&
		    !p.is_class && writable_text(s))
			roundtrip_ref(&p);
		(void)cimxml_pct_decode(a, s);
	}
	cim_arena_free(a);
	return 0;
}
