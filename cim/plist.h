/* SPDX-License-Identifier: ISC */
/*
 * plist.h - a PropertyList as a set, built once per request.
 */
#ifndef ARRAYD_CIM_PLIST_H
#define ARRAYD_CIM_PLIST_H

#include <stdbool.h>
#include <stddef.h>

struct cim_arena;

/*
 * A PropertyList as a set (plist.c): the names sorted case-insensitively
 * without duplicates, and one scratch flag per name for the caller.
 */
struct plist {
	const char **names;
	size_t n;
	bool *seen;
};
/* Build the set of `names` (VALUE.NULL items skipped) in the arena. */
int plist_build(struct cim_arena *arena, const char *const *names,
    size_t n, struct plist *out);
/* Index of `name` (case-insensitive) in the set, -1 if absent. */
long plist_find(const struct plist *p, const char *name);

#endif /* ARRAYD_CIM_PLIST_H */
