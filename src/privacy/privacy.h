/*
 * privacy: personal-data (PII) detection and reversible masking.
 *
 * Detection works on code points (struct ustr from text/), so every span is
 * a code-point offset pair [start, end). Rules, not examples:
 *  - numbers are accepted only when their check passes: 居民身份证号 by
 *    GB 11643-1999 (weights, check character, a real birth date, a known
 *    province code), 统一社会信用代码 by GB 32100-2015 including the embedded
 *    GB 11714-1997 organisation-code check, bank cards by Luhn with a
 *    plausible issuer prefix and length; look-alikes (文号, 案号, dates,
 *    amounts, order and ticket numbers, 12-digit numbers) are left alone;
 *  - names are taken only in context: after a label (姓名：, 申请人：,
 *    联系人：, 户名：, 【来电人】 …, including 、-lists) or before
 *    同志/先生/女士 with a surname from the surname list; a surname alone
 *    (王先生) is not a name;
 *  - addresses run from the first administrative part written (省/市/区/县)
 *    to the last house, room or unit number.
 * Full-width digits and letters are read as their ASCII forms; spans cover
 * the original characters (the mapping is one to one).
 *
 * Masking replaces each detected value with a placeholder such as 〔姓名1〕
 * or 〔身份证1〕 (the same value gets the same placeholder) and returns the
 * mapping; unmasking restores the values in a model's answer, also when the
 * answer arrives in chunks that split a placeholder. The caller owns every
 * struct and frees it with the matching *_free function.
 */
#ifndef SHUZHI_PRIVACY_H
#define SHUZHI_PRIVACY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "text/text.h"

/* Largest text accepted from outside (bytes of UTF-8). */
#define PRIVACY_INPUT_MAX (10u * 1024u * 1024u)

enum privacy_pii_type {
	PRIVACY_PII_ID_CARD,
	PRIVACY_PII_MOBILE,
	PRIVACY_PII_LANDLINE,
	PRIVACY_PII_BANK_CARD,
	PRIVACY_PII_USCC,
	PRIVACY_PII_EMAIL,
	PRIVACY_PII_PLATE,
	PRIVACY_PII_PASSPORT,
	PRIVACY_PII_NAME,
	PRIVACY_PII_ADDRESS,
	PRIVACY_PII_NTYPES
};

struct privacy_span {
	size_t start; /* code points, end exclusive */
	size_t end;
	int type; /* enum privacy_pii_type */
};

struct privacy_spans {
	struct privacy_span *v;
	size_t n;
	size_t cap;
};

void privacy_spans_free(struct privacy_spans *s);

/* Validate outside text: at most PRIVACY_INPUT_MAX bytes, well-formed UTF-8,
 * no NUL. On success *out holds the code points (caller frees). label names
 * the input in the Chinese error message ("标准输入", a file name). */
int privacy_text_load(const char *s, size_t len, const char *label, struct ustr *out,
		      struct err *e);

/* Detect PII in p[0..n). out is reset and receives spans sorted by start,
 * never overlapping. */
void privacy_pii_scan(const uint32_t *p, size_t n, struct privacy_spans *out);

/* "id_card", "mobile", … (the scorer's keys), and the placeholder label
 * ("身份证", "手机", …). NULL for an unknown type. */
const char *privacy_pii_type_key(int type);
const char *privacy_pii_type_label(int type);

/* Check-digit rules on ASCII strings without separators. */
bool privacy_id_valid(const char *s, size_t n);	  /* GB 11643-1999, 18 chars */
bool privacy_uscc_valid(const char *s, size_t n); /* GB 32100-2015 + GB 11714 */
bool privacy_luhn_valid(const char *s, size_t n); /* ISO/IEC 7812 Luhn, digits only */

/* ---- reversible masking ---- */

struct privacy_map_entry {
	char *placeholder; /* UTF-8, e.g. "〔姓名1〕" */
	char *value;	   /* the original text */
	int type;
};

struct privacy_map {
	struct privacy_map_entry *v;
	size_t n;
	size_t cap;
};

void privacy_map_free(struct privacy_map *m);

/* Mask PII in the UTF-8 text s[0..len) (validated: see privacy_text_load).
 * *masked receives a new NUL-terminated string; map receives the entries
 * (appended: masking several texts into one map keeps numbering and reuses
 * placeholders for values seen before). */
int privacy_mask(const char *s, size_t len, struct privacy_map *map, char **masked, struct err *e);

/* Restore every placeholder of map in s[0..len); brackets the model may
 * have rewritten (〔〕 [] 【】 ［］) are accepted. Returns a new string. */
char *privacy_unmask(const char *s, size_t len, const struct privacy_map *map);

/* Streaming unmask: feed chunks as they arrive, get restored text out.
 * Text that may be the start of a placeholder is held back until the next
 * chunk decides it (at most a few dozen bytes); finish flushes the rest. */
struct privacy_unmasker {
	const struct privacy_map *map; /* borrowed */
	struct buf pending;
};

void privacy_unmasker_init(struct privacy_unmasker *u, const struct privacy_map *map);
/* Append the restored text that is final so far to out. */
int privacy_unmasker_feed(struct privacy_unmasker *u, const char *chunk, size_t len,
			  struct buf *out);
int privacy_unmasker_finish(struct privacy_unmasker *u, struct buf *out);
void privacy_unmasker_free(struct privacy_unmasker *u);

#endif
