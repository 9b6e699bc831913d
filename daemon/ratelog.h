/* SPDX-License-Identifier: ISC */
/*
 * ratelog.h - "once per key and window": lets one event of a key through
 * per time window and counts the ones held back, so that a line a client
 * can trigger at will (a cut connection, a refused login) is logged once
 * per address and window, never once per attempt.  The table is bounded:
 * past `slots` keys the one seen least recently is forgotten.
 */
#ifndef ARRAYD_RATELOG_H
#define ARRAYD_RATELOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATELOG_KEY_MAX	96	/* longer keys are cut (still one key) */

struct ratelog;

/* Returns a new table owned by the caller (ratelog_free) or NULL. */
struct ratelog *ratelog_new(uint64_t window_ms, size_t slots);
void ratelog_free(struct ratelog *rl);		/* accepts NULL */

/*
 * True when `key` was not let through in the `window_ms` before `now_ms`
 * (it is now); false when it was (counted as held back).  *held (may be
 * NULL) gets how many events of the key were held back since the one let
 * through last, for "(N more not logged)".
 */
bool ratelog_allow(struct ratelog *rl, const char *key, uint64_t now_ms,
    unsigned *held);

#endif /* ARRAYD_RATELOG_H */
