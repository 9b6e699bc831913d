/* SPDX-License-Identifier: ISC */
/*
 * cimxml_int.h - helpers shared by the files of cimxml/ only.
 *
 * Never included outside cimxml/ (the daemon uses cimxml.h).
 */
#ifndef ARRAYD_CIMXML_INT_H
#define ARRAYD_CIMXML_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cimxml/cimxml.h"

/* Pointer to the first non-blank of `s`; *len excludes trailing blanks. */
const char *cimxml__trim(const char *s, size_t *len);
/* Sign and magnitude of a decimal or 0x literal: 0, -EINVAL or -ERANGE. */
int cimxml__parse_mag(const char *s, bool *neg, uint64_t *mag);
/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid/truncated.
 * Rejects overlongs, surrogates, > U+10FFFF and the non-characters
 * U+FFFE/U+FFFF that XML 1.0 forbids. */
size_t cimxml__utf8_len(const unsigned char *s, size_t avail);

/* <VALUE.REFERENCE> for a nested path (LOCALINSTANCEPATH when it has a
 * namespace, INSTANCEPATH when it has a host, else INSTANCENAME). */
void cimxml__write_ref(struct cim_buf *b, const struct cim_path *r);

#endif /* ARRAYD_CIMXML_INT_H */
