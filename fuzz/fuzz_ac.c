/*
 * libFuzzer target: the Aho-Corasick matcher (privacy/ac) and the word-list
 * line parser on arbitrary bytes.
 *
 * Input: word lines, a NUL byte, then the text (no NUL: the input is both).
 * Each line goes through privacy_words_parse_line() and privacy_ac_add().
 * It aborts when a promise of ac.h is broken: a match is not the word at
 * its offsets (checked against a naive search over the folded text), the
 * naive search finds a match the automaton missed, or the stream fed in
 * three pieces (split points from the input) reports other matches than
 * one whole scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "privacy/ac.h"
#include "privacy/words.h"
#include "text/text.h"

#define MAX_MATCHES 4096

static void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_ac: %s\n", what);
	abort();
}

struct list {
	struct privacy_ac_match m[MAX_MATCHES];
	size_t n;
	size_t total;
};

static int collect(const struct privacy_ac_match *m, void *arg)
{
	struct list *l = arg;

	if (l->n < MAX_MATCHES)
		l->m[l->n++] = *m;
	l->total++;
	return 0;
}

static uint32_t fold(uint32_t c)
{
	c = text_halfwidth(c);
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Naive count of occurrences of every word in the folded text. */
static size_t naive_count(const struct privacy_ac *ac, const struct ustr *t)
{
	size_t count = 0;

	for (size_t w = 0; w < privacy_ac_count(ac); w++) {
		const char *word = privacy_ac_word(ac, w, NULL, NULL);
		struct ustr u;

		ustr_init(&u);
		ustr_add_cstr(&u, word);
		for (size_t i = 0; i + u.len <= t->len; i++) {
			size_t k = 0;

			while (k < u.len && fold(u.p[k]) == fold(t->p[i + k]))
				k++;
			count += k == u.len;
		}
		ustr_free(&u);
	}
	return count;
}

static bool same(const struct list *a, const struct list *b)
{
	if (a->total != b->total || a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		if (a->m[i].start != b->m[i].start || a->m[i].end != b->m[i].end ||
		    a->m[i].word != b->m[i].word)
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	size_t wlen = nul ? (size_t)(nul - (const char *)data) : size;
	const char *text = nul ? nul + 1 : (const char *)data;
	size_t tlen = nul ? size - wlen - 1 : size;
	char *words = malloc(wlen + 1);
	struct privacy_ac *ac = privacy_ac_new();
	static struct list whole, parts;
	struct privacy_ac_stream st;
	struct ustr t;
	char *p;
	size_t a;
	size_t b;

	memcpy(words, data, wlen);
	words[wlen] = '\0';
	for (p = words; p != NULL && *p != '\0';) {
		char *nl = strchr(p, '\n');
		char *w;
		char *cat;
		struct err e = {0};

		if (nl != NULL)
			*nl = '\0';
		if (privacy_words_parse_line(p, &w, &cat) == 1 && privacy_ac_count(ac) < 64)
			(void)privacy_ac_add(ac, w, strlen(w), cat, 0, &e);
		p = nl ? nl + 1 : NULL;
	}
	privacy_ac_build(ac);

	memset(&whole, 0, sizeof(whole));
	memset(&parts, 0, sizeof(parts));
	privacy_ac_stream_init(&st, ac);
	privacy_ac_stream_feed(&st, text, tlen, collect, &whole);
	privacy_ac_stream_finish(&st, collect, &whole);
	a = tlen ? (unsigned char)text[0] % (tlen + 1) : 0;
	b = a + (tlen > a ? (unsigned char)text[tlen - 1] % (tlen - a + 1) : 0);
	privacy_ac_stream_init(&st, ac);
	privacy_ac_stream_feed(&st, text, a, collect, &parts);
	privacy_ac_stream_feed(&st, text + a, b - a, collect, &parts);
	privacy_ac_stream_feed(&st, text + b, tlen - b, collect, &parts);
	privacy_ac_stream_finish(&st, collect, &parts);
	if (!same(&whole, &parts))
		fuzz_fail("chunked stream differs from the whole stream");
	if (text_utf8_valid(text, tlen, NULL)) {
		struct list scan;

		memset(&scan, 0, sizeof(scan));
		ustr_init(&t);
		ustr_add_utf8(&t, text, tlen);
		privacy_ac_scan(ac, t.p, t.len, collect, &scan);
		if (!same(&scan, &whole))
			fuzz_fail("stream differs from scan on valid UTF-8");
		if (scan.total != naive_count(ac, &t))
			fuzz_fail("match count differs from a naive search");
		for (size_t i = 0; i < scan.n; i++) {
			struct ustr u;
			const char *w = privacy_ac_word(ac, scan.m[i].word, NULL, NULL);

			ustr_init(&u);
			ustr_add_cstr(&u, w);
			if (scan.m[i].end - scan.m[i].start != u.len || scan.m[i].end > t.len)
				fuzz_fail("match length is not the word's");
			for (size_t k = 0; k < u.len; k++) {
				if (fold(u.p[k]) != fold(t.p[scan.m[i].start + k]))
					fuzz_fail("match is not the word at its offsets");
			}
			ustr_free(&u);
		}
		ustr_free(&t);
	}
	privacy_ac_free(ac);
	free(words);
	return 0;
}
