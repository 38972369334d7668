/*
 * privacy internals shared by pii.c (numbers, e-mail, plates), pii_context.c
 * (names and addresses) and mask.c. Not for other modules.
 */
#ifndef SHUZHI_PRIVACY_PII_INTERNAL_H
#define SHUZHI_PRIVACY_PII_INTERNAL_H

#include "privacy/privacy.h"

/* Append a candidate span (overlaps are resolved later by type priority). */
void privacy_span_add(struct privacy_spans *s, size_t start, size_t end, int type);

/* Call fn for every match of the cached pattern in q[0..n); g holds group
 * 1 (-1 when unset). */
typedef void (*privacy_match_fn)(const uint32_t *q, size_t n, size_t s, size_t e, const long *g,
				 void *arg);
void privacy_re_each(const char *pattern, const uint32_t *q, size_t n, privacy_match_fn fn,
		     void *arg);

/* Names (after labels, before 同志/先生/女士) and detailed addresses in the
 * normalized text q[0..n) (full-width ASCII already folded). */
void privacy_scan_names(const uint32_t *q, size_t n, struct privacy_spans *cand);
void privacy_scan_addresses(const uint32_t *q, size_t n, struct privacy_spans *cand);

/* Membership of a code point in a set given as a UTF-8 string of single
 * characters. The set is decoded and sorted once per string literal. */
bool privacy_char_in(const char *set_utf8, uint32_t c);

#endif
