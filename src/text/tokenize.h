/*
 * text/tokenize: the CJK search tokenizer (stack.md §2.6.5), independent of
 * any database. The SQLite FTS5 adapter (store/sq_kb.c) and the search
 * code (kb/) call it, so the index and the queries always agree.
 *
 * Document mode: in a run of Han (and kana/hangul) characters every position
 * i gives the bigram c[i]c[i+1] and, colocated (same position), the unigram
 * c[i]; the last character of the run gives only its unigram. So a query of
 * any length >= 1 character finds every substring occurrence.
 * Query mode: a 1-character run gives its unigram; a longer run its bigram
 * sequence (FTS5 matches the sequence as a phrase).
 * Both modes: ASCII letters and digits form words (lower-cased, at most
 * TEXT_TOK_WORD_MAX bytes, longer words are cut); full-width ASCII
 * (U+FF01..FF5E) is folded to ASCII first; everything else is a separator.
 * Offsets passed to the callback are byte offsets into the input, so
 * snippets and highlights map back to the original text. Invalid UTF-8
 * bytes are separators.
 */
#ifndef SHUZHI_TEXT_TOKENIZE_H
#define SHUZHI_TEXT_TOKENIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEXT_TOK_WORD_MAX 64

enum { TEXT_TOK_DOCUMENT = 0, TEXT_TOK_QUERY = 1 };

/* One token: tok[0..len) (not NUL-terminated), [start,end) in the input.
 * colocated: same position as the previous token. Return non-zero to stop;
 * text_tokenize() then returns that value. */
typedef int (*text_tok_cb)(void *arg, const char *tok, size_t len, size_t start, size_t end,
			   bool colocated);

int text_tokenize(const char *s, size_t len, int mode, text_tok_cb cb, void *arg);

/* True for the characters tokenized as CJK (bigram) runs. */
bool text_tok_is_cjk(uint32_t c);

#endif
