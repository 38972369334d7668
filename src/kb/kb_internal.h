/*
 * kb internals shared by parse.c, search.c and vindex.c (not part of the kb
 * API).
 */
#ifndef SHUZHI_KB_INTERNAL_H
#define SHUZHI_KB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kb_vhit;

/* Score factors of an older version (已修改) and a repealed text (已废止),
 * in BM25 and in the cosine ranking alike. */
#define KB_STALE_FACTOR 0.7
#define KB_GONE_FACTOR	0.4

/* Whether kb kb_id is one of ids[0..n) (n 0: every kb is). */
bool kb_kbs_allowed(const int64_t *ids, size_t n, int64_t kb_id);
/* Insert h into top[0..*n), best first, keeping at most k. */
void kb_vhit_push(struct kb_vhit *top, size_t *n, size_t k, const struct kb_vhit *h);

/* The first 文号 ("X〔2021〕12号", "X令第588号") in p[0..n), or "" (new string). */
char *kb_find_doc_number(const char *p, size_t n);

#endif
