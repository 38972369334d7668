/*
 * text/diff: how much a reviewer changed a draft.
 *
 * text_edit_distance: Levenshtein distance in code points (insert, delete,
 * substitute cost 1). Quadratic time, linear memory; inputs longer than
 * TEXT_DIFF_MAX_CP code points are compared line by line instead (the sum of
 * the lengths of the lines that differ), so a huge document cannot stall
 * the server.
 * text_line_diff: a line diff (longest common subsequence) as a JSON array
 * of {"op": " "|"-"|"+", "line": "..."}; unchanged runs longer than 3 lines
 * are folded into {"op": "=", "lines": N}. Over TEXT_DIFF_MAX_LINES lines
 * on either side it reports the whole text replaced.
 */
#ifndef SHUZHI_TEXT_DIFF_H
#define SHUZHI_TEXT_DIFF_H

#include <jansson.h>
#include <stddef.h>

#define TEXT_DIFF_MAX_CP    20000
#define TEXT_DIFF_MAX_LINES 1500 /* LCS table: (n+1)(m+1) x 4 bytes <= 9 MB */

size_t text_edit_distance(const char *a, const char *b);
json_t *text_line_diff(const char *a, const char *b);

#endif
