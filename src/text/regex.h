/*
 * text/regex: PCRE2 (32-bit code units, UTF mode) over code-point strings, so
 * match offsets are code-point offsets like everything else in text/.
 *
 * Patterns are UTF-8 literals compiled once (text_re_get caches by pointer;
 * callers pass string literals). Compile failures are programming errors and
 * abort with the pattern and PCRE2's message. A cached pattern is
 * interpreted until a few hundred characters have been matched against it,
 * then JIT-compiled (same matches, faster).
 */
#ifndef SHUZHI_TEXT_REGEX_H
#define SHUZHI_TEXT_REGEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct text_re;

/* Compiled regex for a UTF-8 pattern literal (cached; never freed before exit). */
struct text_re *text_re_get(const char *pattern);
/* Search p[0..n) from offset `from`. On a match returns true and sets
 * [*s,*e) of group 0 and, when groups != NULL, ngroups pairs of group
 * offsets (-1,-1 for unset groups). */
bool text_re_search(struct text_re *re, const uint32_t *p, size_t n, size_t from, size_t *s,
		    size_t *e, long *groups, int ngroups);
/* A pattern from outside input (scenario definitions): compiled on its own,
 * NULL with a Chinese reason in msg when it does not compile or is longer
 * than TEXT_RE_MAX_PATTERN bytes; whole = anchored at both ends. Searches on
 * it run with PCRE2 match and depth limits. Free with text_re_free(). */
#define TEXT_RE_MAX_PATTERN 1024
struct text_re *text_re_compile(const char *pattern, bool whole, char *msg, size_t msgsz);
void text_re_free(struct text_re *re);
/* Convenience: does pattern match anywhere in p[0..n)? */
bool text_re_has(const char *pattern, const uint32_t *p, size_t n);
/* Whether re's code is JIT-compiled now (cached patterns are once enough
 * text has been matched against them; see regex.c). For tests. */
bool text_re_jitted(struct text_re *re);
/* Free the cache (tests, leak checking). */
void text_re_cleanup(void);

#endif
