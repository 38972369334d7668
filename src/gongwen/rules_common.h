/* gongwen/rules_common: helpers shared by the rule files (internal). */
#ifndef SHUZHI_GONGWEN_RULES_COMMON_H
#define SHUZHI_GONGWEN_RULES_COMMON_H

#include "gongwen/gongwen.h"
#include "text/regex.h"

/* Add a finding located at [start,end) of paragraph i (excerpt taken there). */
struct gw_finding *gw_at(struct gw_findings *out, const struct gw_doc *doc, size_t i, size_t start,
			 size_t end, const char *rule, int sev, int fix, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));
/* Stripped range of a paragraph (WS = space, tab, U+3000, U+00A0). */
void gw_strip(const struct gw_para *p, size_t *a, size_t *b);
/* Regex search in paragraph i from offset `from`. */
bool gw_re(const char *pat, const struct gw_para *p, size_t from, size_t *s, size_t *e,
	   long *groups, int ngroups);
/* Every match of pat in paragraph i becomes an auto edit to rep, all in one
 * finding (rule, sev, msg); returns it, or NULL when nothing matched. */
struct gw_finding *gw_replace_all(struct gw_findings *out, const struct gw_doc *doc, size_t i,
				  const char *pat, const char *rep, const char *rule, int sev,
				  const char *msg);
/* gw_digit_before past its filters: the scan of p's text for the cs. */
bool gw_digit_before_scan(const struct gw_para *p, uint32_t c);
/* Is some c right after an ASCII digit 0-9? (Exact; for patterns that
 * need "[0-9]c".) Inline: with c a constant its filter bit is too, and
 * most paragraphs are answered without a call. */
static inline bool gw_digit_before(const struct gw_para *p, uint32_t c)
{
	if (c == 0x5E74) /* 年: noted by gw_detect_roles */
		return (p->chars & GW_C_NIAN_DIG) != 0;
	if (!(p->chars & GW_C_DIGIT) || !gw_para_may_have(p, c))
		return false;
	return gw_digit_before_scan(p, c);
}
/* Is one of seps[0..n) between two ASCII digits, with only characters below
 * U+3001 that are not digits (every Unicode space is one) in between? A
 * necessary condition of "[0-9]\s*SEP\s*[0-9]" (allows more than spaces). */
bool gw_digit_sep_digit(const struct gw_para *p, const uint32_t *seps, size_t n);
/* gw_has_around past its filter: the scan of p's text for the mids. */
bool gw_has_around_scan(const struct gw_para *p, uint32_t mid, bool (*before)(uint32_t),
			bool (*after)(uint32_t));
/* Is there a mid with before(the character before it) and after(the one
 * after it)? A NULL test accepts anything, even no character. Exact; for
 * patterns that need e.g. "[1-9]、[1-9]". Inline as gw_digit_before. */
static inline bool gw_has_around(const struct gw_para *p, uint32_t mid, bool (*before)(uint32_t),
				 bool (*after)(uint32_t))
{
	return gw_para_may_have(p, mid) && gw_has_around_scan(p, mid, before, after);
}
/* Character tests for gw_has_around (inline: the per-character summaries
 * of gw_detect_roles use them too). */
static inline bool gw_is_digit19(uint32_t c) /* 1-9 */
{
	return c >= '1' && c <= '9';
}

static inline bool gw_is_digit09(uint32_t c) /* 0-9 */
{
	return c >= '0' && c <= '9';
}

static inline bool gw_is_cn_digit19(uint32_t c) /* 一二三四五六七八九 */
{
	return c == 0x4E00 || c == 0x4E8C || c == 0x4E09 || c == 0x56DB || c == 0x4E94 ||
	       c == 0x516D || c == 0x4E03 || c == 0x516B || c == 0x4E5D;
}

/* The nesting of GW-PUNC-011's paired marks (“‘《〈（〔【 and their closing
 * marks), fed one character at a time by gw_pairs_feed; start with depth 0.
 * Only the innermost 64 levels are kept (a deeper closing mark is BAD). */
struct gw_pairs {
	uint32_t stack[64]; /* the closing mark each open level expects */
	size_t depth;
};
enum { GW_PAIR_NONE, GW_PAIR_OPEN, GW_PAIR_CLOSE, GW_PAIR_BAD };
/* Feed c: GW_PAIR_OPEN (depth grew), GW_PAIR_CLOSE (depth shrank),
 * GW_PAIR_BAD (a closing mark without its opening one, or crossing; depth
 * unchanged) or GW_PAIR_NONE (not one of the marks). */
int gw_pairs_feed(struct gw_pairs *ps, uint32_t c);
/* True for roles whose text is prose (rules of GB/T 15834/15835 apply). */
bool gw_role_is_text(int role);

/* How gw_rules_lexicon scans (for its differential test; 0 outside tests):
 * 0 with its prefilters (AVX2 where the CPU has it), 1 the same without
 * AVX2, 2 without any prefilter (every position looked up, every context
 * literal searched for): the reference the other two must equal. */
extern int gw_lexicon_path;

#endif
