/* SPDX-License-Identifier: ISC */
/*
 * plist.c - a request's PropertyList as a sorted, de-duplicated set of
 * names, built once per request in the request arena.  "Is property X
 * requested?" then costs O(log n) case-insensitive compares instead of a
 * scan of the whole list for every property of every instance: with
 * 45 000 names that scan held the loop for up to a second per
 * EnumerateInstances (issue 8).  The length limit itself is decided by the
 * caller (intrinsic.c, conf max_property_list).  Knows nothing of
 * instances or XML.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cim/plist.h"

#include "cimxml/cimxml.h"

static int
cmp_name(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

int
plist_build(struct cim_arena *arena, const char *const *names, size_t n,
    struct plist *out)
{
	const char **v;
	size_t i, k = 0;

	memset(out, 0, sizeof(*out));
	v = cim_arena_alloc(arena, (n + 1) * sizeof(*v));
	out->seen = cim_arena_alloc(arena, n + 1);
	if (v == NULL || out->seen == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (names[i] != NULL)	/* VALUE.NULL items name nothing */
			v[k++] = names[i];
	qsort(v, k, sizeof(*v), cmp_name);
	for (i = 0, n = 0; i < k; i++)
		if (n == 0 || strcasecmp(v[n - 1], v[i]) != 0)
			v[n++] = v[i];
	out->names = v;
	out->n = n;
	return 0;
}

long
plist_find(const struct plist *p, const char *name)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcasecmp(name, p->names[mid]);

		if (r == 0)
			return (long)mid;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}
