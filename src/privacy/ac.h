/*
 * privacy/ac: Aho-Corasick matching of many sensitive words at once, over
 * code points, for whole texts and for streams that arrive in chunks.
 *
 * Words and text are compared after folding full-width ASCII to ASCII and
 * ASCII letters to lower case. Each word carries a category and a caller's
 * tag (the word's database id). Every occurrence is reported, overlapping
 * ones too, at code-point offsets [start, end) from the start of the text
 * or stream.
 *
 * A stream keeps only the automaton state, a partial UTF-8 sequence (at
 * most 3 bytes) and a short window of recent code points for context, so a
 * word split over two chunks (even inside one UTF-8 character) is found
 * exactly as in one piece. privacy_ac_stream_pending() says how many of
 * the latest code points may still become part of a match: a filter that
 * must not let a word out can hold back that many.
 *
 * Limits: PRIVACY_AC_WORDS_MAX words of at most PRIVACY_AC_WORD_LEN_MAX
 * code points. The automaton is read-only after build: one automaton may be
 * shared by many streams and threads. Free it with privacy_ac_free().
 */
#ifndef SHUZHI_PRIVACY_AC_H
#define SHUZHI_PRIVACY_AC_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

#define PRIVACY_AC_WORDS_MAX	200000
#define PRIVACY_AC_WORD_LEN_MAX 64
#define PRIVACY_AC_CONTEXT	32 /* code points kept before the latest one */

struct privacy_ac;

struct privacy_ac_match {
	size_t start; /* code points */
	size_t end;
	size_t word; /* index for privacy_ac_word() */
};

/* Return 0 to go on; anything else stops the scan and is returned. */
typedef int (*privacy_ac_cb)(const struct privacy_ac_match *m, void *arg);

struct privacy_ac *privacy_ac_new(void);
void privacy_ac_free(struct privacy_ac *ac);
/* Add a UTF-8 word before privacy_ac_build(). BASE_E_FORMAT: invalid UTF-8
 * or empty; BASE_E_LIMIT: too long or too many words. category is copied. */
int privacy_ac_add(struct privacy_ac *ac, const char *word, size_t len, const char *category,
		   int64_t tag, struct err *e);
/* Compute failure links; no more words may be added afterwards. */
void privacy_ac_build(struct privacy_ac *ac);
size_t privacy_ac_count(const struct privacy_ac *ac);
/* The word as added (UTF-8), its category and tag. */
const char *privacy_ac_word(const struct privacy_ac *ac, size_t word, const char **category,
			    int64_t *tag);

/* Every match in p[0..n). */
int privacy_ac_scan(const struct privacy_ac *ac, const uint32_t *p, size_t n, privacy_ac_cb cb,
		    void *arg);

struct privacy_ac_stream {
	const struct privacy_ac *ac;
	uint32_t state;
	size_t offset; /* code points consumed */
	unsigned char partial[4];
	size_t npartial;
	uint32_t recent[PRIVACY_AC_CONTEXT + PRIVACY_AC_WORD_LEN_MAX];
};

void privacy_ac_stream_init(struct privacy_ac_stream *s, const struct privacy_ac *ac);
/* Feed UTF-8 bytes (any chunking). Invalid bytes count as one U+FFFD each. */
int privacy_ac_stream_feed(struct privacy_ac_stream *s, const char *bytes, size_t len,
			   privacy_ac_cb cb, void *arg);
/* End of stream: a dangling partial UTF-8 sequence counts as U+FFFD. */
int privacy_ac_stream_finish(struct privacy_ac_stream *s, privacy_ac_cb cb, void *arg);
/* Code points at the end that may still start a match (0..longest word-1). */
size_t privacy_ac_stream_pending(const struct privacy_ac_stream *s);
/* Inside a callback: the UTF-8 text of up to `before` code points ahead of
 * the match plus the match itself, into out (NUL-terminated, truncated to
 * cap). */
void privacy_ac_stream_context(const struct privacy_ac_stream *s, const struct privacy_ac_match *m,
			       size_t before, char *out, size_t cap);

#endif
