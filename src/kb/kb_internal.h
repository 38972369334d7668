/*
 * kb internals shared by parse.c and search.c (not part of the kb API).
 */
#ifndef SHUZHI_KB_INTERNAL_H
#define SHUZHI_KB_INTERNAL_H

#include <stddef.h>

/* The first 文号 ("X〔2021〕12号", "X令第588号") in p[0..n), or "" (new string). */
char *kb_find_doc_number(const char *p, size_t n);

#endif
