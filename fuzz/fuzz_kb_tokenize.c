/*
 * libFuzzer target: the CJK search tokenizer (text/tokenize) on arbitrary
 * bytes, in document and query mode. Aborts when a promise of tokenize.h is
 * broken: offsets outside the input or not increasing, an empty or too long
 * token, a colocated first token, a token that is not valid UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>

#include "text/text.h"
#include "text/tokenize.h"

struct state {
	size_t len;
	size_t count;
	size_t last_start;
};

static void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_kb_tokenize: %s\n", what);
	abort();
}

static int check(void *arg, const char *tok, size_t len, size_t start, size_t end, bool colocated)
{
	struct state *s = arg;

	if (len == 0 || len > TEXT_TOK_WORD_MAX)
		fuzz_fail("empty or oversized token");
	if (start >= end || end > s->len)
		fuzz_fail("offsets outside the input");
	if (s->count > 0 && start < s->last_start)
		fuzz_fail("offsets go backwards");
	if (s->count == 0 && colocated)
		fuzz_fail("first token colocated");
	if (!text_utf8_valid(tok, len, NULL))
		fuzz_fail("token is not UTF-8");
	s->last_start = start;
	s->count++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int mode = TEXT_TOK_DOCUMENT; mode <= TEXT_TOK_QUERY; mode++) {
		struct state s = {size, 0, 0};

		if (text_tokenize((const char *)data, size, mode, check, &s) != 0)
			fuzz_fail("non-zero return without a stop");
	}
	return 0;
}
