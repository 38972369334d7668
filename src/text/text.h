/*
 * text: Chinese text utilities on Unicode code points.
 *
 * Text enters as UTF-8 and is validated at the edge (text_utf8_valid). Rules
 * work on struct ustr: an owned array of code points, so that offsets are
 * code-point offsets everywhere (findings, fixes, comments).
 */
#ifndef SHUZHI_TEXT_H
#define SHUZHI_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

struct ustr {
	uint32_t *p;
	size_t len;
	size_t cap;
};

/* Returns true when s[0..len) is well-formed UTF-8 (no overlongs, no
 * surrogates, <= U+10FFFF). *bad_at receives the byte offset of the first
 * problem when not NULL. */
bool text_utf8_valid(const char *s, size_t len, size_t *bad_at);
/* Decode one code point; returns bytes consumed (0 at end or on bad input:
 * then *cp is U+FFFD and 1 is returned so callers always advance). */
size_t text_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encode cp into out (>= 4 bytes); returns the byte count. */
size_t text_utf8_encode(uint32_t cp, char *out);

void ustr_init(struct ustr *u);
void ustr_free(struct ustr *u);
void ustr_push(struct ustr *u, uint32_t cp);
/* Append UTF-8 (invalid bytes become U+FFFD). */
void ustr_add_utf8(struct ustr *u, const char *s, size_t len);
void ustr_add_cstr(struct ustr *u, const char *s);
void ustr_add(struct ustr *u, const uint32_t *p, size_t n);
/* Replace [start,end) with rep[0..n). */
void ustr_splice(struct ustr *u, size_t start, size_t end, const uint32_t *rep, size_t n);
/* New NUL-terminated UTF-8 string of u->p[start..end). */
char *ustr_to_utf8(const struct ustr *u, size_t start, size_t end);
/* Append UTF-8 of p[0..n) to b. */
int text_buf_add_ucs(struct buf *b, const uint32_t *p, size_t n);
/* Compare p[0..n) with a UTF-8 literal. */
bool text_ucs_eq(const uint32_t *p, size_t n, const char *utf8);
bool text_ucs_has_prefix(const uint32_t *p, size_t n, const char *utf8);
bool text_ucs_has_suffix(const uint32_t *p, size_t n, const char *utf8);
/* Index of the first occurrence of a UTF-8 literal in p[from..n), or -1. */
long text_ucs_find(const uint32_t *p, size_t n, size_t from, const char *utf8);
/* The same for a decoded literal lit[0..k) (k == 0 finds from). */
long text_ucs_find_ucs(const uint32_t *p, size_t n, size_t from, const uint32_t *lit, size_t k);
/* Index of the first code point c in p[from..n), -1 if none (vectorised:
 * the hot scan of the rule prefilters). */
long text_ucs_chr(const uint32_t *p, size_t n, size_t from, uint32_t c);
/* Length of a UTF-8 literal in code points. */
size_t text_ucs_len(const char *utf8);

/* Character classes. */
bool text_is_han(uint32_t c);
bool text_is_cjk_punct(uint32_t c);
/* Han or CJK punctuation (the "Chinese context" of GB/T 15834 checks). */
bool text_is_cjk(uint32_t c);
/* Space, tab, U+3000 ideographic space, U+00A0. (Inline: the rules and
 * role detection strip every paragraph with it.) */
static inline bool text_is_ws(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0x3000 || c == 0x00A0;
}
bool text_is_digit(uint32_t c);
bool text_is_fullwidth_digit(uint32_t c);
/* 一..九 -> 1..9, 十 -> 10, 〇/零 -> 0, else -1. */
int text_cn_digit(uint32_t c);
/* Parse a Chinese numeral of up to 99 ("三", "十二", "二十一"); -1 if not. */
int text_cn_number(const uint32_t *p, size_t n);
/* Parse an integer of 0..9999 written in ASCII digits or as a Chinese
 * numeral with 十/百/千 (一千零七十七, 两百, 一百三十三); -1 if not one. */
int text_cn_integer(const uint32_t *p, size_t n);
/* Write the Chinese numeral of 1..99 into out as UTF-8. */
void text_cn_format(int v, char *out, size_t outsz);
/* Full-width ASCII variant (U+FF01..U+FF5E) -> ASCII; other chars unchanged. */
uint32_t text_halfwidth(uint32_t c);

#endif
