/*
 * libFuzzer target: the citation check of a streamed answer (kb/cite.c).
 * The first byte picks max (0–7), the second a split step; the rest is the
 * model's text. Aborts when feeding in pieces gives another result than
 * feeding at once, or when the output is longer than the input (markers
 * are only ever kept, shortened to [n] or removed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"

static char *run(const char *p, size_t n, size_t max, size_t step, size_t *len)
{
	struct kb_cite c;
	struct buf out;

	kb_cite_init(&c, max);
	buf_init(&out, (size_t)1 << 22);
	for (size_t i = 0; i < n; i += step)
		kb_cite_feed(&c, p + i, n - i < step ? n - i : step, &out);
	kb_cite_finish(&c, &out);
	return buf_detach(&out, len);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	size_t max, step, la, lb;
	char *a, *b;

	if (size < 2)
		return 0;
	max = data[0] % 8;
	step = (size_t)data[1] % 16 + 1;
	a = run((const char *)data + 2, size - 2, max, size, &la);
	b = run((const char *)data + 2, size - 2, max, step, &lb);
	if (la != lb || memcmp(a, b, la) != 0) {
		fprintf(stderr, "fuzz_kb_cite: pieces of %zu differ from the whole\n", step);
		abort();
	}
	if (la > size - 2) {
		fprintf(stderr, "fuzz_kb_cite: output grew\n");
		abort();
	}
	free(a);
	free(b);
	return 0;
}
