/* SPDX-License-Identifier: ISC */
/*
 * fuzz_query.c - libFuzzer entry point for query/: compile random text as
 * WQL or DMTF:CQL and match what compiles against fake indications.
 *
 * The first byte picks the language; the rest is the query text (up to
 * its first NUL, as a C string arrives from the CIM-XML layer).  Besides
 * "no crash, no leak, no undefined behaviour": a return code is one of
 * those query_compile() documents, a query comes back exactly on success,
 * every refusal has a "line L, column C: " message, a schema only ever
 * adds refusals (what compiles with it compiles without it), and matching
 * is deterministic.  The fake environment answers any property with a
 * value whose type follows from the property's name (integers of both
 * kinds, reals with NaN, strings, booleans, NULL, arrays with NULLs,
 * embedded instances), so every evaluator path is reachable.  Built by
 * `make fuzz`; linked into tests/fuzz/replay_query for `make check`.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "query/query.h"
#include "tests/fuzz/fuzz_memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const known_classes[] = { "CIM_Indication",
	"CIM_InstModification", "CIM_InstCreation", "CIM_InstDeletion",
	"TPD_ConcreteJobInstModification", "CIM_ConcreteJob",
	"CIM_StorageVolume", "TPD_StorageSynchronized" };
static const char *const known_props[] = { "SourceInstance",
	"PreviousInstance", "IndicationTime", "JobState", "PercentComplete",
	"OperationalStatus", "SyncState", "ElementName", "Name", "ErrorCode",
	"a", "b", "c", "x", "y" };

static bool
in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(list[i], s) == 0)
			return true;
	return false;
}

static bool
fz_class_known(void *arg, const char *cls, bool *is_indication)
{
	(void)arg;
	if (!in_list(known_classes, sizeof(known_classes) /
	    sizeof(known_classes[0]), cls))
		return false;
	*is_indication = strcasestr(cls, "Inst") != NULL ||
	    strcasecmp(cls, "CIM_Indication") == 0;
	return true;
}

static bool
fz_has_property(void *arg, const char *cls, const char *prop)
{
	(void)arg;
	(void)cls;
	return in_list(known_props, sizeof(known_props) /
	    sizeof(known_props[0]), prop);
}

static const struct query_schema fz_schema = {
	.class_known = fz_class_known,
	.has_property = fz_has_property,
};

/* Instances are small integers (1..3) as pointers; NULL: the indication. */
static uint32_t
name_hash(const char *s, uintptr_t salt)
{
	uint32_t h = 2166136261u ^ (uint32_t)salt;

	for (; *s != '\0'; s++)
		h = (h ^ (uint32_t)tolower((unsigned char)*s)) * 16777619u;
	return h;
}

static const struct query_value fz_arr[] = {
	{ .type = QV_INT, .u.i = 2 }, { .type = QV_INT, .u.i = 17 },
	{ .type = QV_NULL }, { .type = QV_STRING, .u.s = "abc" },
	{ .type = QV_UINT, .u.u = UINT64_MAX }, { .type = QV_REAL, .u.r = NAN },
	{ .type = QV_BOOL, .u.b = true },
};

static int
fz_get(void *arg, const void *inst, const char *prop, struct query_value *out)
{
	uint32_t h = name_hash(prop, (uintptr_t)inst + (uintptr_t)arg);

	switch (h % 10) {
	case 0:
		return -ENOENT;
	case 1:
		out->type = QV_NULL;
		break;
	case 2:
		out->type = QV_INT;
		out->u.i = (int64_t)(h % 21) - 3;
		break;
	case 3:
		out->type = QV_UINT;
		out->u.u = UINT64_MAX - h % 3;
		break;
	case 4:
		out->type = QV_REAL;
		out->u.r = h % 7 == 0 ? NAN : (double)(h % 100) / 8.0;
		break;
	case 5:
		out->type = QV_STRING;
		out->u.s = h % 2 ? "Copy of vol1" : "17";
		break;
	case 6:
		out->type = QV_BOOL;
		out->u.b = h % 2;
		break;
	case 7:
		out->type = QV_ARRAY;
		out->u.a.v = fz_arr + h % 3;
		out->u.a.n = (h / 3) % (sizeof(fz_arr) / sizeof(fz_arr[0]) -
		    h % 3 + 1);
		break;
	default:
		out->type = QV_INSTANCE;
		out->u.inst = (const void *)(uintptr_t)(1 + h % 3);
		break;
	}
	return 0;
}

static bool
fz_isa(void *arg, const void *inst, const char *cls)
{
	return name_hash(cls, (uintptr_t)inst + (uintptr_t)arg) % 3 != 0;
}

static void
check_refusal(int rc, const struct query *q, const char *err)
{
	int line, col;

	fuzz_assert(rc == -EINVAL || rc == -E2BIG || rc == -ENOMEM ||
	    rc == -EPROTONOSUPPORT, "fuzz_query", "unexpected return code");
	fuzz_assert(q == NULL, "fuzz_query", "query returned on failure");
	if (rc != -ENOMEM)
		fuzz_assert(sscanf(err, "line %d, column %d: ", &line,
		    &col) == 2 && line >= 1 && col >= 1, "fuzz_query",
		    "refusal without 'line L, column C: '");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = { "WQL", "DMTF:CQL", "cql", "SQL" };
	char err[256], *text;
	struct query *q = NULL, *bare = NULL;
	int rc, rc_bare;

	if (size < 1)
		return 0;
	if ((text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	rc = query_compile(langs[data[0] % 4], text, &fz_schema, &q, err,
	    sizeof(err));
	if (rc != 0)
		check_refusal(rc, q, err);
	rc_bare = query_compile(langs[data[0] % 4], text, NULL, &bare, err,
	    sizeof(err));
	if (rc_bare != 0)
		check_refusal(rc_bare, bare, err);
	fuzz_assert(rc != 0 || rc_bare == 0, "fuzz_query",
	    "compiles with a schema but not without");
	for (uintptr_t ind = 0; ind < 4; ind++) {
		struct query_env env = { .arg = (void *)ind, .get = fz_get,
			.isa = fz_isa };

		if (q != NULL)
			fuzz_assert(query_match(q, &env) ==
			    query_match(q, &env), "fuzz_query",
			    "match not deterministic");
		if (bare != NULL) {
			fuzz_assert(query_from_class(bare) != NULL,
			    "fuzz_query", "no FROM class");
			(void)query_selects(bare, "SourceInstance");
			(void)query_match(bare, &env);
		}
	}
	query_free(q);
	query_free(bare);
	free(text);
	return 0;
}
