/* SPDX-License-Identifier: ISC */
/*
 * cimxml.h - CIM-XML (DSP0201) requests in, responses out.
 *
 * The parser turns one request body into a `struct cim_request` of plain
 * structs; the writer turns plain structs into response text.  Everything
 * parsed or built for one request lives in one `struct cim_arena` and dies
 * with it.  This layer knows the CIM-XML DTD and the CIM type system only:
 * nothing about replicas, volumes, HTTP or the class repository's content.
 */
#ifndef ARRAYD_CIMXML_H
#define ARRAYD_CIMXML_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ arena */

/*
 * Per-request bump allocator with a hard byte cap.  Allocation failure
 * (cap reached or malloc failure) returns NULL; callers turn that into a
 * 413/CIM_ERR_FAILED, never an abort.
 */
struct cim_arena;

/* Returns a new arena owned by the caller (free with cim_arena_free) or NULL. */
struct cim_arena *cim_arena_new(size_t cap_bytes);
void cim_arena_free(struct cim_arena *a);	/* accepts NULL */
void cim_arena_reset(struct cim_arena *a);	/* keep first block, forget the rest */
void *cim_arena_alloc(struct cim_arena *a, size_t n);	/* 16-byte aligned, zeroed */
char *cim_arena_strdup(struct cim_arena *a, const char *s);
char *cim_arena_strndup(struct cim_arena *a, const char *s, size_t n);
char *cim_arena_printf(struct cim_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
size_t cim_arena_used(const struct cim_arena *a);

/* ------------------------------------------------------------------ types */

enum cim_type {
	CIM_T_NONE = 0,		/* untyped (wbemcli PARAMVALUE, KEYVALUE) */
	CIM_T_BOOLEAN,
	CIM_T_STRING,
	CIM_T_CHAR16,
	CIM_T_UINT8,
	CIM_T_SINT8,
	CIM_T_UINT16,
	CIM_T_SINT16,
	CIM_T_UINT32,
	CIM_T_SINT32,
	CIM_T_UINT64,
	CIM_T_SINT64,
	CIM_T_REAL32,
	CIM_T_REAL64,
	CIM_T_DATETIME,
	CIM_T_REFERENCE,
	CIM_T_OBJECT,		/* PARAMTYPE="object" */
	CIM_T_INSTANCE,		/* PARAMTYPE="instance" */
	CIM_T__MAX
};

/* "uint16" etc.; NULL for CIM_T_NONE. */
const char *cim_type_name(enum cim_type t);
/* Case-insensitive; returns CIM_T_NONE when unknown. */
enum cim_type cim_type_parse(const char *s);
bool cim_type_is_integer(enum cim_type t);

/* CIM status codes (ERROR/@CODE), DSP0200 / CIM_Error.mof. */
enum cim_status {
	CIM_OK = 0,
	CIM_ERR_FAILED = 1,
	CIM_ERR_ACCESS_DENIED = 2,
	CIM_ERR_INVALID_NAMESPACE = 3,
	CIM_ERR_INVALID_PARAMETER = 4,
	CIM_ERR_INVALID_CLASS = 5,
	CIM_ERR_NOT_FOUND = 6,
	CIM_ERR_NOT_SUPPORTED = 7,
	CIM_ERR_CLASS_HAS_CHILDREN = 8,
	CIM_ERR_CLASS_HAS_INSTANCES = 9,
	CIM_ERR_INVALID_SUPERCLASS = 10,
	CIM_ERR_ALREADY_EXISTS = 11,
	CIM_ERR_NO_SUCH_PROPERTY = 12,
	CIM_ERR_TYPE_MISMATCH = 13,
	CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED = 14,
	CIM_ERR_INVALID_QUERY = 15,
	CIM_ERR_METHOD_NOT_AVAILABLE = 16,
	CIM_ERR_METHOD_NOT_FOUND = 17,
	CIM_ERR_SERVER_LIMITS_EXCEEDED = 27,
	CIM_ERR_SERVER_IS_SHUTTING_DOWN = 28,
};
/* "CIM_ERR_NOT_FOUND" etc. */
const char *cim_status_name(enum cim_status s);

/* ------------------------------------------------------------ object paths */

struct cim_path;

enum cim_keykind {
	CIM_KEY_STRING = 0,	/* VALUETYPE="string" (default) */
	CIM_KEY_BOOLEAN,
	CIM_KEY_NUMERIC,
	CIM_KEY_REF,		/* KEYBINDING/VALUE.REFERENCE */
};

struct cim_keybinding {
	const char *name;
	enum cim_keykind kind;
	const char *value;	/* text for string/boolean/numeric */
	struct cim_path *ref;	/* CIM_KEY_REF */
};

/*
 * An object path in any of its wire forms.  `host` and `ns` are NULL when
 * the form did not carry them (INSTANCENAME has neither, LOCALINSTANCEPATH no
 * host).  A class path has nkeys == 0 and is_class set.  A single unnamed
 * KEYVALUE (INSTANCENAME with KEYVALUE child) gets name NULL.
 */
struct cim_path {
	const char *host;
	const char *ns;		/* "root/tpd": NAMESPACE segments joined by '/' */
	const char *classname;
	bool is_class;
	size_t nkeys;
	struct cim_keybinding *keys;
};

/* Find a keybinding by name (case-insensitive); NULL if absent. */
const struct cim_keybinding *cim_path_key(const struct cim_path *p,
    const char *name);

/* ------------------------------------------------------------------ values */

enum cim_vkind {
	CIM_V_NULL = 0,		/* absent / empty IPARAMVALUE / VALUE.NULL */
	CIM_V_SCALAR,		/* VALUE */
	CIM_V_ARRAY,		/* VALUE.ARRAY */
	CIM_V_REF,		/* VALUE.REFERENCE or INSTANCENAME */
	CIM_V_REFARRAY,		/* VALUE.REFARRAY */
	CIM_V_CLASSNAME,	/* CLASSNAME */
	CIM_V_INSTANCE,		/* INSTANCE / VALUE.NAMEDINSTANCE: inst (+ ref) */
	CIM_V_OTHER,		/* CLASS, QUALIFIER.DECLARATION ...: parsed, skipped */
};

struct cim_instance;

/*
 * A value as it came on the wire: text is not converted, so typing happens
 * where the type is known (the class repository).  Array items that were
 * VALUE.NULL have items[i] == NULL.
 */
struct cim_value {
	enum cim_vkind kind;
	const char *text;		/* SCALAR; CLASSNAME: the class name */
	size_t n;			/* ARRAY, REFARRAY */
	const char **items;		/* ARRAY */
	struct cim_path *ref;		/* REF */
	struct cim_path **refs;		/* REFARRAY */
	/*
	 * INSTANCE: its properties as sent (struct cim_prop: type from
	 * TYPE, string when absent; values as text; qualifiers dropped).
	 * VALUE.NAMEDINSTANCE also sets ref to its INSTANCENAME.
	 */
	struct cim_instance *inst;
};

/* ---------------------------------------------------------------- requests */

/* One IPARAMVALUE or PARAMVALUE. */
struct cim_param {
	const char *name;
	enum cim_type paramtype;	/* PARAMTYPE, CIM_T_NONE if absent */
	const char *embedded;		/* EmbeddedObject attribute or NULL */
	struct cim_value value;
};

struct cim_request {
	const char *cim_version;	/* CIM/@CIMVERSION */
	const char *dtd_version;	/* CIM/@DTDVERSION */
	const char *msg_id;		/* MESSAGE/@ID */
	const char *protocol_version;	/* MESSAGE/@PROTOCOLVERSION */
	bool intrinsic;			/* IMETHODCALL vs METHODCALL */
	const char *method;		/* NAME attribute, spelling kept */
	const char *ns;			/* namespace of the target */
	struct cim_path *target;	/* METHODCALL: LOCALINSTANCEPATH or
					 * LOCALCLASSPATH (is_class); NULL for
					 * IMETHODCALL */
	size_t nparams;
	struct cim_param *params;
};

/* Limits of CONTRACT.md §1; zero fields take the defaults below. */
struct cimxml_limits {
	unsigned max_depth;		/* default 64 */
	size_t max_elements;		/* default 100000 */
	size_t max_text;		/* default 65536, per text node/attribute */
};

/*
 * Where a parse failed.  `cim_status` is unused by the parser (0); `token`
 * is the CIMError header token the HTTP layer must send:
 * "request-not-well-formed" (XML syntax, bad UTF-8, truncated),
 * "request-not-valid" (DTD violation, DOCTYPE/ENTITY, limit exceeded),
 * "unsupported-cim-version", "unsupported-dtd-version",
 * "unsupported-protocol-version", "multiple-requests-unsupported".
 * http_status is 400 or 501 accordingly.
 */
struct cimxml_err {
	int http_status;
	const char *token;
	unsigned line, col;
	char msg[160];
};

/*
 * Parse one CIM-XML request.  Returns 0 and fills *out (all memory in
 * `arena`), or -EBADMSG (syntax), -EINVAL (valid XML, invalid CIM),
 * -E2BIG (a limit) or -ENOMEM (arena cap) and fills *err.
 */
int cimxml_parse_request(const char *body, size_t len,
    const struct cimxml_limits *lim, struct cim_arena *arena,
    struct cim_request *out, struct cimxml_err *err);

/*
 * The parser keeps one expat parser per thread between calls (creating one
 * per request costs a getrandom() and its tables).  Call this at thread or
 * process exit to free it; parsing again afterwards is fine.
 */
void cimxml_parser_cache_free(void);

/* Find a parameter by name, case-insensitive; NULL if absent. */
const struct cim_param *cim_request_param(const struct cim_request *r,
    const char *name);

/*
 * Parse the CIMObject header value (already %-decoded) in the "local WBEM
 * URI" form: `root/tpd` for intrinsic calls, or
 * `root/tpd:Class.Key="v",Key2=5,Ref="root/tpd:C.K=\"x\""` for extrinsic
 * ones.  Returns 0 or -EINVAL.
 */
int cimxml_parse_objhdr(const char *s, struct cim_arena *arena,
    struct cim_path *out);

/* %XX-decode into the arena (returns NULL on a bad escape). */
char *cimxml_pct_decode(struct cim_arena *arena, const char *s);

/*
 * Do two paths name the same object?  Class names, key names and namespace
 * names compare case-insensitively, key order is free, HOST is ignored, a
 * missing namespace matches any; string key values compare exactly, except
 * keys named *CreationClassName (case-insensitive); numeric values compare
 * as numbers; references recurse.
 */
bool cim_path_equal(const struct cim_path *a, const struct cim_path *b);

/* ---------------------------------------------------------------- instances */

/*
 * A property of an instance being written.  `type` is the CIM type; for a
 * reference `ref` is the value (NULL = NULL).  Scalars: text (NULL = NULL).
 * Arrays: n/items (items == NULL and n == 0 with is_array = NULL array).
 */
struct cim_prop {
	const char *name;
	enum cim_type type;
	bool is_array;
	bool is_null;
	const char *text;
	size_t n;
	const char **items;
	const struct cim_path *ref;
	const char *refclass;		/* REFERENCECLASS for references */
	bool embedded_instance;		/* EmbeddedObject="instance" (scalars) */
};

struct cim_instance {
	const char *classname;
	size_t nprops;
	struct cim_prop *props;
};

/* -------------------------------------------------------------- class model */

/* Qualifiers we emit (IncludeQualifiers=TRUE). */
struct cim_qualifiers {
	bool key;
	bool in;		/* default TRUE for parameters */
	bool out;
	bool required;
	bool is_abstract;	/* classes */
	bool association;	/* classes */
	const char *embedded_instance;	/* EmbeddedInstance("CIM_Error") */
	const char *description;
	size_t nvaluemap;
	const char *const *valuemap;
	const char *const *values;
};

struct cim_class_prop {
	const char *name;
	enum cim_type type;
	bool is_array;
	const char *refclass;		/* references */
	const char *classorigin;	/* class that defined it */
	struct cim_qualifiers q;
};

struct cim_class_param {
	const char *name;
	enum cim_type type;
	bool is_array;
	const char *refclass;
	struct cim_qualifiers q;
};

struct cim_class_method {
	const char *name;
	enum cim_type rettype;		/* uint32 for all of ours */
	const char *classorigin;
	size_t nparams;
	const struct cim_class_param *params;
	struct cim_qualifiers q;
};

struct cim_class {
	const char *name;
	const char *superclass;		/* NULL for roots */
	struct cim_qualifiers q;
	size_t nprops;
	const struct cim_class_prop *props;
	size_t nmethods;
	const struct cim_class_method *methods;
};

/* ------------------------------------------------------------------- writer */

/*
 * Growable output buffer.  Functions never fail: on allocation failure the
 * buffer is marked `oom` and further writes are dropped; check it once at
 * the end.
 */
struct cim_buf {
	char *data;
	size_t len, cap;
	bool oom;
	/*
	 * Addition (issue 8): a cap on len, 0 = none.  A write that would pass
	 * it is dropped and sets both oom and over, so the caller can tell
	 * "answer too large" from "out of memory".
	 */
	size_t max;
	bool over;
};

void cim_buf_init(struct cim_buf *b);
void cim_buf_release(struct cim_buf *b);	/* frees data */
/* Hands data to the caller (free()), resets the buffer. */
char *cim_buf_steal(struct cim_buf *b, size_t *len);
void cim_buf_put(struct cim_buf *b, const char *s, size_t n);
void cim_buf_puts(struct cim_buf *b, const char *s);
void cim_buf_printf(struct cim_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* XML-escape & < > " ' and control characters into the buffer. */
void cim_buf_escape(struct cim_buf *b, const char *s);

/* Which wire form a path is written in. */
enum cim_pathform {
	CIM_PF_INSTANCENAME,		/* INSTANCENAME only */
	CIM_PF_LOCALINSTANCEPATH,	/* LOCALNAMESPACEPATH + INSTANCENAME */
	CIM_PF_INSTANCEPATH,		/* NAMESPACEPATH(HOST, LNSP) + INSTANCENAME */
	CIM_PF_OBJECTPATH,		/* OBJECTPATH/INSTANCEPATH */
};

/*
 * Envelope.  begin writes the XML declaration, CIM, MESSAGE (echoing msg_id),
 * SIMPLERSP and the opening (I)METHODRESPONSE with `method` spelled as given;
 * end closes them (always with end tags).
 */
void cimxml_begin_response(struct cim_buf *b, const char *msg_id,
    bool intrinsic, const char *method);
void cimxml_end_response(struct cim_buf *b, bool intrinsic);
/* <ERROR CODE=".." DESCRIPTION="CIM_ERR_X: text"/> (no INSTANCE children) */
void cimxml_write_error(struct cim_buf *b, enum cim_status code,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void cimxml_write_verror(struct cim_buf *b, enum cim_status code,
    const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/*
 * A path; nested reference keybindings are written as VALUE.REFERENCE with
 * LOCALINSTANCEPATH (or INSTANCEPATH when the nested path has a host).  For
 * the forms that need them, `host`/`ns` fall back to the arguments when the
 * path lacks them.  KEYVALUE carries VALUETYPE and TYPE.
 */
void cimxml_write_path(struct cim_buf *b, const struct cim_path *p,
    enum cim_pathform form, const char *host, const char *ns);
void cimxml_write_localnamespace(struct cim_buf *b, const char *ns);

/*
 * An INSTANCE.  With a property list (`plist`, nplist names, plist != NULL)
 * only the named properties (case-insensitive) are written, in the
 * instance's order; keys are the caller's business (pass them in plist).
 * NULL values are written as <PROPERTY ...></PROPERTY> (never self-closed);
 * PROPERTY.ARRAY never carries EmbeddedObject.
 */
void cimxml_write_instance(struct cim_buf *b, const struct cim_instance *in,
    const char *const *plist, size_t nplist, bool include_classorigin);

/*
 * One PROPERTY, PROPERTY.ARRAY or PROPERTY.REFERENCE of an instance, as
 * cimxml_write_instance writes it (for callers that write the INSTANCE
 * start and end tags themselves: cimxml_begin_export).
 */
void cimxml_write_property(struct cim_buf *b, const struct cim_prop *p);

/* A CLASS element from the repository (qualifiers only if asked). */
void cimxml_write_class(struct cim_buf *b, const struct cim_class *c,
    bool include_qualifiers, bool include_classorigin,
    const char *const *plist, size_t nplist);

/*
 * An instance serialized for embedding (EmbeddedObject="instance"): the
 * INSTANCE text, unescaped; the caller escapes it when writing it as a
 * VALUE.  Returned string is allocated in `arena`.
 */
char *cimxml_instance_to_string(struct cim_arena *arena,
    const struct cim_instance *in);

/*
 * An export request (DSP0200 §7, DSP0201): the XML declaration, CIM,
 * MESSAGE (ID `msg_id`, PROTOCOLVERSION 1.0), SIMPLEEXPREQ,
 * EXPMETHODCALL NAME="ExportIndication", EXPPARAMVALUE
 * NAME="NewIndication" and the start tag of the INSTANCE of class
 * `classname`; the caller writes its properties (cimxml_write_property),
 * then cimxml_end_export closes the INSTANCE and everything above it.
 * What pywbem's WBEMListener and DSP0201's DTD accept.
 */
void cimxml_begin_export(struct cim_buf *b, const char *msg_id,
    const char *classname);
void cimxml_end_export(struct cim_buf *b);

/*
 * The untyped WBEM URI of an instance path (DSP0207), as a
 * SourceInstanceModelPath carries it: `/ns:Class.Key="v",Num=5`, with
 * `\"` and `\\` escapes in string values and a reference key written as
 * the quoted URI of its path (the inverse of cimxml_parse_objhdr, but for
 * the leading '/', and with "//host" first when the path has a host).
 * Returns a string in `arena`, NULL when it is full.
 */
char *cimxml_path_to_uri(struct cim_arena *arena, const struct cim_path *p);

/* Scalar text forms. */
/* DMTF timestamp "yyyymmddhhmmss.mmmmmm+000" (UTC) from microseconds since the
 * epoch; `out` needs 26 bytes. */
void cim_datetime_format(int64_t usec, char out[26]);
/* DMTF interval "ddddddddhhmmss.mmmmmm:000"; `out` needs 26 bytes. */
void cim_interval_format(int64_t usec, char out[26]);
/* Is `s` a valid DMTF datetime (timestamp or interval, '*' allowed)? */
bool cim_datetime_valid(const char *s);
/* Parse an integer literal of the given CIM integer type (decimal or 0x hex,
 * range-checked).  Returns 0 or -EINVAL/-ERANGE. */
int cim_parse_int(const char *s, enum cim_type t, int64_t *sv, uint64_t *uv);
/* TRUE/FALSE, any case.  Returns 0 or -EINVAL. */
int cim_parse_bool(const char *s, bool *out);

#endif /* ARRAYD_CIMXML_H */
