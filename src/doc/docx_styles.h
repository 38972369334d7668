/*
 * doc/docx_styles: the styles of a .docx opened for checking, each parsed
 * when it is first asked for (internal to src/doc).
 *
 * A check asks for docDefaults and the few styles its paragraphs and runs
 * name, while styles.xml defines dozens: building the tree of every kept
 * style cost more than all of them are used for. doc_docx_styles_index()
 * reads the start tags of the shrunk part (doc_docx_shrink_styles) for each
 * style's id, type and w:default, parses docDefaults at once and leaves each
 * style's content to doc_docx_styles_ready(), which parses that one element
 * (the part's declaration and root start tag around it, so its namespaces
 * and encoding are the part's).
 *
 * Only a plain part is indexed: an XML declaration, one root with a single
 * wordprocessingml prefix, and children that are w:docDefaults and w:style
 * elements whose start tags carry only w: attributes with plain values (no
 * references, tabs or line breaks), no comments, CDATA or processing
 * instructions, no nested w:style. Anything else returns false and the
 * caller parses the part whole, as before. The one difference from parsing
 * it whole: a style whose own element is not well-formed loses its content
 * (basedOn, name, pPr, rPr) where the whole parse lost every style.
 */
#ifndef SHUZHI_DOC_DOCX_STYLES_H
#define SHUZHI_DOC_DOCX_STYLES_H

#include <stdbool.h>
#include <stddef.h>

#include "doc/docx.h"

/* On true, d->styles (id, type, is_default), d->default_pstyle, d->dd_rpr,
 * d->dd_ppr and d->styles_lazy are set and text (malloc'd) is owned by d;
 * on false nothing changed and text is still the caller's. */
bool doc_docx_styles_index(struct doc_docx *d, char *text, size_t len);
/* Parse style i's content if it has not been yet (d->styles_lazy set). */
void doc_docx_styles_ready(const struct doc_docx *d, size_t i);
void doc_docx_styles_free(struct doc_styles_lazy *l);
/* Shared with the whole-part path of docx.c. */
bool doc_docx_keep_style_parts(int depth, const char *ns, const char *local, const char *type,
			       void *ud);
void doc_docx_style_fill(struct doc_style *st, xmlNodePtr n);
void doc_docx_dd_fill(struct doc_docx *d, xmlNodePtr n);
/* needle in [p, end) by memchr on needle[k] (a rare byte), else NULL */
const char *doc_docx_find_by(const char *p, const char *end, const char *needle, size_t k);
/* the index of the first 'y' in s, else 0 */
size_t doc_docx_rare_at(const char *s);
/* The first 'y' in [q, end) with a '<' k1 or k2 bytes before it, not
 * before lo (lo <= q), else NULL: where a tag whose name holds a 'y' (at
 * k1 or k2) may start, for a caller that then compares the whole tag.
 * Markup between such tags costs few instructions a byte (AVX2 where the
 * CPU has it). */
const char *doc_docx_next_lt_y(const char *lo, const char *q, const char *end, size_t k1,
			       size_t k2);
/* The first needle (NUL-terminated, n = strlen(needle) >= 2) in [p, end),
 * else NULL: doc_docx_find_by()'s answer. Made for end tags skipped over
 * long runs of markup (table styles, w:latentStyles): candidates are the
 * places where needle's last two bytes ("e>", "s>") are, which markup
 * rarely has side by side, 128 a step with AVX2 when the CPU has it
 * (doc_docx_find_by() otherwise, and for the last bytes). */
const char *doc_docx_find_end_tag(const char *p, const char *end, const char *needle, size_t n);

#endif
