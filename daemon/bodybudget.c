/* SPDX-License-Identifier: ISC */
/*
 * bodybudget.c - byte counts of request bodies in flight, total and per
 * user.  Users with a reservation are kept in a small array scanned
 * linearly (a handful of users log in to an array controller); an entry
 * goes when its count drops to zero, so the array never outgrows the
 * users with a body in flight.
 */
#include "daemon/bodybudget.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUDGET_USER_MAX	64

struct budget_user {
	char		 name[BUDGET_USER_MAX];
	uint64_t	 used;
};

struct body_budget {
	uint64_t		 total, per_user;
	uint64_t		 used;
	struct budget_user	*users;
	size_t			 n, cap;
};

struct body_budget *
body_budget_new(uint64_t total, uint64_t per_user)
{
	struct body_budget *b = calloc(1, sizeof(*b));

	if (b != NULL)
		body_budget_set(b, total, per_user);
	return b;
}

void
body_budget_free(struct body_budget *b)
{
	if (b == NULL)
		return;
	free(b->users);
	free(b);
}

void
body_budget_set(struct body_budget *b, uint64_t total, uint64_t per_user)
{
	b->total = total;
	b->per_user = per_user;
}

static struct budget_user *
budget_user_find(const struct body_budget *b, const char *user)
{
	for (size_t i = 0; i < b->n; i++)
		if (strncmp(b->users[i].name, user, BUDGET_USER_MAX - 1) == 0)
			return &b->users[i];
	return NULL;
}

int
body_budget_take(struct body_budget *b, const char *user, uint64_t n)
{
	struct budget_user *u = budget_user_find(b, user), *nu;
	uint64_t uused = u != NULL ? u->used : 0;

	if (n == 0)
		return 0;
	if (b->used >= b->total || n > b->total - b->used ||
	    uused >= b->per_user || n > b->per_user - uused)
		return -EBUSY;
	if (u == NULL) {
		if (b->n == b->cap) {
			size_t ncap = b->cap == 0 ? 8 : b->cap * 2;

			nu = reallocarray(b->users, ncap, sizeof(*nu));
			if (nu == NULL)
				return -ENOMEM;
			b->users = nu;
			b->cap = ncap;
		}
		u = &b->users[b->n++];
		snprintf(u->name, sizeof(u->name), "%s", user);
		u->used = 0;
	}
	u->used += n;
	b->used += n;
	return 0;
}

void
body_budget_give(struct body_budget *b, const char *user, uint64_t n)
{
	struct budget_user *u = budget_user_find(b, user);

	/* Never more than the user holds: a mistake cannot free others'. */
	if (u == NULL)
		return;
	if (n > u->used)
		n = u->used;
	u->used -= n;
	b->used -= n;
	if (u->used == 0)
		*u = b->users[--b->n];
}

uint64_t
body_budget_used(const struct body_budget *b)
{
	return b->used;
}

uint64_t
body_budget_user_used(const struct body_budget *b, const char *user)
{
	const struct budget_user *u = budget_user_find(b, user);

	return u != NULL ? u->used : 0;
}
