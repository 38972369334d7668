/*
 * scenario/tmpl: the small, safe template language of scenario outputs.
 *
 *   {{name}} {{a.b}} {{.}}            value of a field (current item first, then
 *                                     the enclosing scopes up to the root)
 *   {{name|filter}}                   filters: date_cn (2025-03-05 -> 2025年3月5日),
 *                                     money_cn (1234.5 -> 壹仟贰佰叁拾肆元伍角),
 *                                     num_cn (3 -> 三), blank (empty -> 【待填写】),
 *                                     count (length of a list)
 *   {{@index}} {{@index_cn}}          1-based position inside {{#each}} (一 二 …)
 *   {{#if x}}…{{else}}…{{/if}}        truthy: non-empty string/list/object, true,
 *   {{#unless x}}…{{/unless}}         non-zero number
 *   {{#eq x "text"}}…{{else}}…{{/eq}} string equality with a literal
 *   {{#each list}}…{{else}}…{{/each}} repeat over a JSON array
 *   {{! comment }}
 *
 * A block tag alone on its line removes that whole line (no stray blank lines).
 * There is no code execution, no file access, no recursion into data: a
 * template is parsed once into a tree (depth <= 32, source <= 256 KB) and
 * rendering walks it with a bounded output buffer (4 MB). The output is plain
 * UTF-8 text; the writers escape it for XML (doc/docx_write).
 * Ownership: scn_tmpl_parse() returns a tree freed by scn_tmpl_free().
 */
#ifndef SHUZHI_SCENARIO_TMPL_H
#define SHUZHI_SCENARIO_TMPL_H

#include <jansson.h>
#include <stddef.h>

#include "base/base.h"

#define SCN_TMPL_MAX_SRC   (256u * 1024u)
#define SCN_TMPL_MAX_OUT   (4u * 1024u * 1024u)
#define SCN_TMPL_MAX_DEPTH 32

struct scn_tmpl;

/* Parse src[0..len) (UTF-8). label names the template in error messages. */
int scn_tmpl_parse(const char *src, size_t len, const char *label, struct scn_tmpl **out,
		   struct err *e);
/* Render against ctx (any JSON value, usually an object), appending to out
 * (whose max is respected; exceeding it is BASE_E_LIMIT). */
int scn_tmpl_render(const struct scn_tmpl *t, json_t *ctx, struct buf *out, struct err *e);
void scn_tmpl_free(struct scn_tmpl *t);
/* Call fn for every top-level field name the template reads outside any
 * {{#each}} (for the loader's "unknown field" check). */
void scn_tmpl_names(const struct scn_tmpl *t, void (*fn)(const char *name, void *arg), void *arg);

/* Amount in yuan -> 人民币大写 ("伍仟元整"); false when out of range
 * (negative, >= 1e12 or more than two decimals). */
int scn_money_cn(double yuan, char *out, size_t outsz);
/* "YYYY-MM-DD" (or YYYY年M月D日) -> "YYYY年M月D日"; false for an invalid date. */
int scn_date_cn(const char *s, char *out, size_t outsz);
/* Parse "YYYY-MM-DD" / "YYYY年M月D日" into y, m, d; returns 0 when valid. */
int scn_date_parse(const char *s, int *y, int *m, int *d);

#endif
