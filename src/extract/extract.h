/*
 * extract: 询问笔录 / 现场检查笔录 (text or .docx) -> the fields an
 * enforcement draft needs (当事人, 被询问人, dates, place, facts, quantities,
 * amounts, evidence, admissions), by rules only (no model).
 *
 * The result is a jansson object in the layout of
 * shared/corpus/transcripts-dev/README.md. law_articles, penalty_amount and
 * document_number are always null: a transcript cannot supply them.
 * Codes are kept only when their check digit verifies (GB 32100 统一社会信用
 * 代码 with its embedded GB 11714 code; GB 11643 居民身份证号码).
 */
#ifndef SHUZHI_EXTRACT_H
#define SHUZHI_EXTRACT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"

/* Largest transcript accepted (bytes of UTF-8 text or of the .docx file). */
#define EXTRACT_MAX_INPUT ((size_t)4 << 20)

/* Extract from UTF-8 text. Returns 0 and a new object in *result, or a
 * BASE_E_* code (BASE_E_FORMAT for invalid UTF-8, BASE_E_LIMIT when too
 * large) with a Chinese message in e. */
int extract_transcript(const char *text, size_t len, json_t **result, struct err *e);
/* Same from a file: .docx (by content) or UTF-8 text. */
int extract_transcript_file(const char *path, json_t **result, struct err *e);
/* Same from bytes that may be a .docx package or text. */
int extract_transcript_bytes(const void *data, size_t len, const char *label, json_t **result,
			     struct err *e);

/* Text of a .docx package (paragraphs joined by newlines) or of plain text
 * bytes; *text is NUL-terminated and malloc'd. */
int extract_read_text(const void *data, size_t len, const char *label, char **text, size_t *tlen,
		      struct err *e);

/* Check digits. s must be exactly 18 characters (upper case for letters). */
bool extract_uscc_valid(const char *s);
bool extract_idcard_valid(const char *s);
/* GB 11714 organisation code (9 characters, no hyphen). */
bool extract_orgcode_valid(const char *s);

/* Number from Chinese / mixed numerals: "一万二千" 12000, "三万五" 35000,
 * "五十六点八" 56.8, "伍万叁仟陆佰肆拾" 53640, "1.2万" 12000, "二〇二五" 2025.
 * Returns false when p[0..n) is not one number (e.g. a range "三四"). */
bool extract_cn_number(const uint32_t *p, size_t n, double *out);

#endif
