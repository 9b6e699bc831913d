/* SPDX-License-Identifier: ISC */
/*
 * arena.c - per-request bump allocator with a hard byte cap.
 *
 * Memory comes from a chain of malloc'd blocks; allocations are bumped out
 * of the newest block and never freed one by one.  The cap counts block
 * bytes taken from malloc, so a hostile request can never make the daemon
 * hold more than `cap` bytes for it: over the cap, allocation returns NULL
 * and the caller answers 413/CIM_ERR_FAILED.  This file must not abort on
 * allocation failure and must not know what is stored in it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimxml/cimxml.h"

#define ARENA_ALIGN	16
#define ARENA_FIRST	(8 * 1024)	/* first block: most requests fit */
#define ARENA_MAXBLK	(1024 * 1024)	/* growth stops doubling here */

struct arena_blk {
	struct arena_blk *next;		/* older block */
	size_t size;			/* usable bytes after the header */
	size_t off;
	/* data follows, aligned by the header size below */
};

#define BLK_HDR	((sizeof(struct arena_blk) + ARENA_ALIGN - 1) & \
    ~(size_t)(ARENA_ALIGN - 1))

struct cim_arena {
	struct arena_blk *cur;		/* newest block, head of the chain */
	struct arena_blk *first;	/* kept by cim_arena_reset */
	size_t cap;			/* max block bytes (headers included) */
	size_t held;			/* block bytes currently malloc'd */
	size_t used;			/* bytes handed out */
};

static inline char *
blk_data(struct arena_blk *b)
{
	return (char *)b + BLK_HDR;
}

/* Returns a new block owned by the arena (linked as cur) or NULL. */
static struct arena_blk *
arena_grow(struct cim_arena *a, size_t need)
{
	struct arena_blk *b;
	size_t size;

	size = a->cur != NULL ? a->cur->size * 2 : ARENA_FIRST;
	if (size > ARENA_MAXBLK)
		size = ARENA_MAXBLK;
	if (size < need)
		size = need;
	if (size > SIZE_MAX - BLK_HDR || size + BLK_HDR > a->cap - a->held) {
		/* Try an exact fit before giving up: the cap is hard. */
		if (need > SIZE_MAX - BLK_HDR ||
		    need + BLK_HDR > a->cap - a->held)
			return NULL;
		size = need;
	}
	if ((b = malloc(BLK_HDR + size)) == NULL)
		return NULL;
	b->size = size;
	b->off = 0;
	b->next = a->cur;
	a->cur = b;
	a->held += BLK_HDR + size;
	return b;
}

/* Returns a new arena owned by the caller (cim_arena_free) or NULL. */
struct cim_arena *
cim_arena_new(size_t cap_bytes)
{
	struct cim_arena *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->cap = cap_bytes != 0 ? cap_bytes : SIZE_MAX;
	/* A first block smaller than the default when the cap is tiny. */
	if (arena_grow(a, 0) == NULL && arena_grow(a, ARENA_ALIGN) == NULL) {
		free(a);
		return NULL;
	}
	a->first = a->cur;
	return a;
}

void
cim_arena_free(struct cim_arena *a)
{
	struct arena_blk *b, *next;

	if (a == NULL)
		return;
	for (b = a->cur; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void
cim_arena_reset(struct cim_arena *a)
{
	struct arena_blk *b, *next;

	if (a == NULL)
		return;
	for (b = a->cur; b != a->first; b = next) {
		next = b->next;
		free(b);
	}
	a->cur = a->first;
	a->first->off = 0;
	a->first->next = NULL;
	a->held = BLK_HDR + a->first->size;
	a->used = 0;
}

/* Zeroed, 16-byte aligned memory owned by the arena, or NULL. */
void *
cim_arena_alloc(struct cim_arena *a, size_t n)
{
	struct arena_blk *b;
	size_t want;
	void *p;

	if (n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	want = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (want == 0)
		want = ARENA_ALIGN;
	b = a->cur;
	if (b->size - b->off < want && (b = arena_grow(a, want)) == NULL)
		return NULL;
	p = blk_data(b) + b->off;
	b->off += want;
	a->used += want;
	memset(p, 0, n);
	return p;
}

/* Unaligned string bytes: no rounding, so strings pack densely. */
static char *
arena_bytes(struct cim_arena *a, size_t n)
{
	struct arena_blk *b = a->cur;
	char *p;

	if (n == 0 || n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	if (b->size - b->off < n) {
		/* Keep later aligned allocations aligned. */
		if ((b = arena_grow(a, (n + ARENA_ALIGN - 1) &
		    ~(size_t)(ARENA_ALIGN - 1))) == NULL)
			return NULL;
	}
	p = blk_data(b) + b->off;
	b->off += n;
	a->used += n;
	/* Realign the bump pointer for the next aligned allocation. */
	if (b->off % ARENA_ALIGN != 0) {
		size_t pad = ARENA_ALIGN - b->off % ARENA_ALIGN;

		if (b->size - b->off >= pad) {
			b->off += pad;
			a->used += pad;
		} else {
			b->off = b->size;
		}
	}
	return p;
}

char *
cim_arena_strndup(struct cim_arena *a, const char *s, size_t n)
{
	char *p;

	if ((p = arena_bytes(a, n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
cim_arena_strdup(struct cim_arena *a, const char *s)
{
	return cim_arena_strndup(a, s, strlen(s));
}

char *
cim_arena_printf(struct cim_arena *a, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((size_t)n < sizeof(small))
		return cim_arena_strndup(a, small, (size_t)n);
	if ((p = arena_bytes(a, (size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Bytes handed out since creation or the last reset. */
size_t
cim_arena_used(const struct cim_arena *a)
{
	return a != NULL ? a->used : 0;
}
