/* SPDX-License-Identifier: ISC */
/*
 * types.c - the CIM type system as text: type and status names, integer and
 * boolean literals, DMTF datetimes.
 *
 * Pure functions over strings; no allocation, no XML.  Values stay text on
 * the wire side of the daemon, and these helpers are where text meets a
 * typed value (the class repository decides which type to ask for).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cimxml/cimxml.h"
#include "cimxml/cimxml_int.h"

static const char *const type_names[CIM_T__MAX] = {
	[CIM_T_NONE] = NULL,
	[CIM_T_BOOLEAN] = "boolean",
	[CIM_T_STRING] = "string",
	[CIM_T_CHAR16] = "char16",
	[CIM_T_UINT8] = "uint8",
	[CIM_T_SINT8] = "sint8",
	[CIM_T_UINT16] = "uint16",
	[CIM_T_SINT16] = "sint16",
	[CIM_T_UINT32] = "uint32",
	[CIM_T_SINT32] = "sint32",
	[CIM_T_UINT64] = "uint64",
	[CIM_T_SINT64] = "sint64",
	[CIM_T_REAL32] = "real32",
	[CIM_T_REAL64] = "real64",
	[CIM_T_DATETIME] = "datetime",
	[CIM_T_REFERENCE] = "reference",
	[CIM_T_OBJECT] = "object",
	[CIM_T_INSTANCE] = "instance",
};

const char *
cim_type_name(enum cim_type t)
{
	if ((unsigned)t >= CIM_T__MAX)
		return NULL;
	return type_names[t];
}

enum cim_type
cim_type_parse(const char *s)
{
	int t;

	if (s == NULL)
		return CIM_T_NONE;
	for (t = CIM_T_NONE + 1; t < CIM_T__MAX; t++)
		if (strcasecmp(s, type_names[t]) == 0)
			return (enum cim_type)t;
	return CIM_T_NONE;
}

bool
cim_type_is_integer(enum cim_type t)
{
	return t >= CIM_T_UINT8 && t <= CIM_T_SINT64;
}

static const char *const status_names[] = {
	"CIM_OK",
	"CIM_ERR_FAILED",
	"CIM_ERR_ACCESS_DENIED",
	"CIM_ERR_INVALID_NAMESPACE",
	"CIM_ERR_INVALID_PARAMETER",
	"CIM_ERR_INVALID_CLASS",
	"CIM_ERR_NOT_FOUND",
	"CIM_ERR_NOT_SUPPORTED",
	"CIM_ERR_CLASS_HAS_CHILDREN",
	"CIM_ERR_CLASS_HAS_INSTANCES",
	"CIM_ERR_INVALID_SUPERCLASS",
	"CIM_ERR_ALREADY_EXISTS",
	"CIM_ERR_NO_SUCH_PROPERTY",
	"CIM_ERR_TYPE_MISMATCH",
	"CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED",
	"CIM_ERR_INVALID_QUERY",
	"CIM_ERR_METHOD_NOT_AVAILABLE",
	"CIM_ERR_METHOD_NOT_FOUND",
	"CIM_ERR_UNEXPECTED_RESPONSE",
	"CIM_ERR_INVALID_RESPONSE_DESTINATION",
	"CIM_ERR_NAMESPACE_NOT_EMPTY",
	"CIM_ERR_INVALID_ENUMERATION_CONTEXT",
	"CIM_ERR_INVALID_OPERATION_TIMEOUT",
	"CIM_ERR_PULL_HAS_BEEN_ABANDONED",
	"CIM_ERR_PULL_CANNOT_BE_ABANDONED",
	"CIM_ERR_FILTERED_ENUMERATION_NOT_SUPPORTED",
	"CIM_ERR_CONTINUATION_ON_ERROR_NOT_SUPPORTED",
	"CIM_ERR_SERVER_LIMITS_EXCEEDED",
	"CIM_ERR_SERVER_IS_SHUTTING_DOWN",
	"CIM_ERR_QUERY_FEATURE_NOT_SUPPORTED",
};

/* Unknown codes map to CIM_ERR_FAILED's name: never NULL in a DESCRIPTION. */
const char *
cim_status_name(enum cim_status s)
{
	if ((unsigned)s >= sizeof(status_names) / sizeof(status_names[0]))
		return "CIM_ERR_FAILED";
	return status_names[s];
}

/* Skip surrounding blanks: clients pad numbers and booleans now and then. */
const char *
cimxml__trim(const char *s, size_t *len)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	*len = n;
	return s;
}

/*
 * Sign and magnitude of a decimal or 0x-hex literal.  Returns 0, -EINVAL
 * (not a literal) or -ERANGE (more than 64 bits).
 */
int
cimxml__parse_mag(const char *s, bool *neg, uint64_t *mag)
{
	const char *p;
	uint64_t v = 0;
	unsigned base = 10, d;
	size_t len, i;

	p = cimxml__trim(s, &len);
	*neg = false;
	if (len > 0 && (*p == '-' || *p == '+')) {
		*neg = *p == '-';
		p++;
		len--;
	}
	if (len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		len -= 2;
	}
	if (len == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (isdigit((unsigned char)p[i]))
			d = (unsigned)(p[i] - '0');
		else if (base == 16 && isxdigit((unsigned char)p[i]))
			d = (unsigned)(tolower((unsigned char)p[i]) - 'a' + 10);
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*mag = v;
	return 0;
}

int
cim_parse_int(const char *s, enum cim_type t, int64_t *sv, uint64_t *uv)
{
	static const struct { uint64_t umax; int64_t smin; bool sgn; }
	    lim[] = {
		[CIM_T_UINT8] = { UINT8_MAX, 0, false },
		[CIM_T_SINT8] = { INT8_MAX, INT8_MIN, true },
		[CIM_T_UINT16] = { UINT16_MAX, 0, false },
		[CIM_T_SINT16] = { INT16_MAX, INT16_MIN, true },
		[CIM_T_UINT32] = { UINT32_MAX, 0, false },
		[CIM_T_SINT32] = { INT32_MAX, INT32_MIN, true },
		[CIM_T_UINT64] = { UINT64_MAX, 0, false },
		[CIM_T_SINT64] = { INT64_MAX, INT64_MIN, true },
	};
	uint64_t mag;
	int64_t v;
	bool neg;
	int rc;

	if (s == NULL || !cim_type_is_integer(t))
		return -EINVAL;
	if ((rc = cimxml__parse_mag(s, &neg, &mag)) != 0)
		return rc;
	if (neg && mag != 0) {
		/* -(INT64_MIN) is one more than INT64_MAX. */
		if (!lim[t].sgn || mag > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
		    -(int64_t)mag;
		if (v < lim[t].smin)
			return -ERANGE;
	} else {
		if (mag > lim[t].umax)
			return -ERANGE;
		v = (int64_t)mag;
	}
	if (sv != NULL)
		*sv = v;
	if (uv != NULL)
		*uv = neg ? (uint64_t)v : mag;
	return 0;
}

int
cim_parse_bool(const char *s, bool *out)
{
	size_t len;

	if (s == NULL)
		return -EINVAL;
	s = cimxml__trim(s, &len);
	if (len == 4 && strncasecmp(s, "true", 4) == 0)
		*out = true;
	else if (len == 5 && strncasecmp(s, "false", 5) == 0)
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* ---------------------------------------------------------------- datetime */

#define USEC_PER_SEC	INT64_C(1000000)
#define USEC_PER_DAY	(INT64_C(86400) * USEC_PER_SEC)

/* Exactly n decimal digits of v (mod 10^n), no NUL. */
static void
put_digits(char *out, unsigned v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
cim_datetime_format(int64_t usec, char out[26])
{
	/* Years 0000..9999 only: clamp instead of printing a 26th char. */
	static const int64_t lo = INT64_C(-62167219200) * USEC_PER_SEC;
	static const int64_t hi = INT64_C(253402300799999999);
	int64_t secs, frac;
	struct tm tm;
	time_t t;

	if (usec < lo)
		usec = lo;
	if (usec > hi)
		usec = hi;
	secs = usec / USEC_PER_SEC;
	frac = usec % USEC_PER_SEC;
	if (frac < 0) {
		frac += USEC_PER_SEC;
		secs--;
	}
	t = (time_t)secs;
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	put_digits(out, (unsigned)(tm.tm_year + 1900), 4);
	put_digits(out + 4, (unsigned)(tm.tm_mon + 1), 2);
	put_digits(out + 6, (unsigned)tm.tm_mday, 2);
	put_digits(out + 8, (unsigned)tm.tm_hour, 2);
	put_digits(out + 10, (unsigned)tm.tm_min, 2);
	put_digits(out + 12, (unsigned)tm.tm_sec, 2);
	out[14] = '.';
	put_digits(out + 15, (unsigned)frac, 6);
	memcpy(out + 21, "+000", 5);
}

void
cim_interval_format(int64_t usec, char out[26])
{
	int64_t days, rest;

	if (usec < 0)
		usec = 0;
	days = usec / USEC_PER_DAY;
	rest = usec % USEC_PER_DAY;
	if (days > 99999999) {
		days = 99999999;
		rest = USEC_PER_DAY - 1;
	}
	put_digits(out, (unsigned)days, 8);
	put_digits(out + 8, (unsigned)(rest / (3600 * USEC_PER_SEC)), 2);
	put_digits(out + 10, (unsigned)(rest / (60 * USEC_PER_SEC) % 60), 2);
	put_digits(out + 12, (unsigned)(rest / USEC_PER_SEC % 60), 2);
	out[14] = '.';
	put_digits(out + 15, (unsigned)(rest % USEC_PER_SEC), 6);
	memcpy(out + 21, ":000", 5);
}

/* A field of `n` digits in [lo, hi], or all '*' when `star` allows it. */
static bool
dt_field(const char *s, int n, int lo, int hi)
{
	int i, v = 0, stars = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '*')
			stars++;
		else if (s[i] >= '0' && s[i] <= '9')
			v = v * 10 + (s[i] - '0');
		else
			return false;
	}
	if (stars != 0)
		return stars == n;
	return v >= lo && v <= hi;
}

/* Microseconds: digits, then only '*' ("123***" is "not significant"). */
static bool
dt_usec(const char *s)
{
	int i;
	bool star = false;

	for (i = 0; i < 6; i++) {
		if (s[i] == '*')
			star = true;
		else if (s[i] < '0' || s[i] > '9' || star)
			return false;
	}
	return true;
}

bool
cim_datetime_valid(const char *s)
{
	if (s == NULL || strlen(s) != 25 || s[14] != '.' || !dt_usec(s + 15))
		return false;
	if (s[21] == ':')
		return strcmp(s + 22, "000") == 0 &&
		    dt_field(s, 8, 0, 99999999) && dt_field(s + 8, 2, 0, 23) &&
		    dt_field(s + 10, 2, 0, 59) && dt_field(s + 12, 2, 0, 59);
	if (s[21] != '+' && s[21] != '-')
		return false;
	return dt_field(s, 4, 0, 9999) && dt_field(s + 4, 2, 1, 12) &&
	    dt_field(s + 6, 2, 1, 31) && dt_field(s + 8, 2, 0, 23) &&
	    dt_field(s + 10, 2, 0, 59) && dt_field(s + 12, 2, 0, 60) &&
	    isdigit((unsigned char)s[22]) && isdigit((unsigned char)s[23]) &&
	    isdigit((unsigned char)s[24]);
}
