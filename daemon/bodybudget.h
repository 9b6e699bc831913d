/* SPDX-License-Identifier: ISC */
/*
 * bodybudget.h - the memory request bodies in flight may hold, in total
 * and per user.  A request reserves what it allocates before allocating
 * it and gives it back when it ends; a reservation that would go over
 * either limit is refused, and the caller answers 503 (Retry-After).  So
 * the daemon's body memory stays under `total` whatever clients do, and
 * one user cannot take it all.  Pure accounting, loop thread only.
 */
#ifndef ARRAYD_BODYBUDGET_H
#define ARRAYD_BODYBUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct body_budget;

/* Returns a new budget owned by the caller (body_budget_free) or NULL. */
struct body_budget *body_budget_new(uint64_t total, uint64_t per_user);
void body_budget_free(struct body_budget *b);	/* accepts NULL */
/* New limits; reservations already made stay (may exceed for a while). */
void body_budget_set(struct body_budget *b, uint64_t total,
    uint64_t per_user);

/*
 * Reserve n more bytes for `user`.  Returns 0, or -EBUSY when the total
 * or the user's share would go over its limit, -ENOMEM.
 */
int body_budget_take(struct body_budget *b, const char *user, uint64_t n);
/* Give back n bytes `user` reserved. */
void body_budget_give(struct body_budget *b, const char *user, uint64_t n);

uint64_t body_budget_used(const struct body_budget *b);
uint64_t body_budget_user_used(const struct body_budget *b, const char *user);

#endif /* ARRAYD_BODYBUDGET_H */
