/* SPDX-License-Identifier: ISC */
/*
 * ratelog.c - a bounded table of keys, each with the time it was last let
 * through and how many events were held back since.  Lookup is a linear
 * scan: the table is small (a few hundred slots) and only consulted on
 * refusals, never on the path of a served request.  It decides, it does
 * not log: the caller formats the line it was allowed.  Loop thread only.
 */
#include "daemon/ratelog.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct ratelog_slot {
	char		 key[RATELOG_KEY_MAX];
	uint64_t	 last_ms;	/* let through at */
	uint64_t	 seen_ms;	/* last event, for eviction */
	unsigned	 held;
	bool		 used;
};

struct ratelog {
	uint64_t		 window_ms;
	size_t			 n;
	struct ratelog_slot	 slots[];
};

struct ratelog *
ratelog_new(uint64_t window_ms, size_t slots)
{
	struct ratelog *rl;

	if (slots == 0)
		slots = 1;
	rl = calloc(1, sizeof(*rl) + slots * sizeof(rl->slots[0]));
	if (rl == NULL)
		return NULL;
	rl->window_ms = window_ms;
	rl->n = slots;
	return rl;
}

void
ratelog_free(struct ratelog *rl)
{
	free(rl);
}

/* The slot of `key`, or the free / least recently seen one to reuse. */
static struct ratelog_slot *
ratelog_find(struct ratelog *rl, const char *key, bool *found)
{
	struct ratelog_slot *victim = &rl->slots[0];

	for (size_t i = 0; i < rl->n; i++) {
		struct ratelog_slot *s = &rl->slots[i];

		if (s->used && strcmp(s->key, key) == 0) {
			*found = true;
			return s;
		}
		if (!s->used)
			victim = s;
		else if (victim->used && s->seen_ms < victim->seen_ms)
			victim = s;
	}
	*found = false;
	return victim;
}

bool
ratelog_allow(struct ratelog *rl, const char *key, uint64_t now_ms,
    unsigned *held)
{
	char k[RATELOG_KEY_MAX];
	struct ratelog_slot *s;
	bool found;

	if (held != NULL)
		*held = 0;
	if (rl == NULL)
		return true;
	snprintf(k, sizeof(k), "%s", key);
	s = ratelog_find(rl, k, &found);
	if (found && now_ms - s->last_ms < rl->window_ms) {
		s->seen_ms = now_ms;
		if (s->held < ~0u)
			s->held++;
		return false;
	}
	if (found && held != NULL)
		*held = s->held;
	memcpy(s->key, k, sizeof(k));
	s->used = true;
	s->last_ms = s->seen_ms = now_ms;
	s->held = 0;
	return true;
}
