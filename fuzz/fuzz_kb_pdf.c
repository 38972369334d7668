/*
 * libFuzzer target: the cleaning of pdftotext's output (kb/pdf.c) — page
 * numbers dropped, wrapped lines re-joined. Aborts when an accepted text
 * gives invalid UTF-8, a control character other than a
 * newline or tab, more bytes than the input plus its
 * final newline, or when the page-number test and the cleaner disagree on
 * a one-line input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"
#include "text/text.h"

static void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_kb_pdf: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *in = (const char *)data;
	struct err e = {0, ""};
	char *out = NULL;
	size_t n = 0;
	int rc = kb_pdf_clean(in, size, &out, &n, &e);

	if (rc != 0) {
		if (out != NULL || e.msg[0] == '\0')
			fuzz_fail("an error without a message, or with output");
		return 0;
	}
	if (!text_utf8_valid(out, n, NULL))
		fuzz_fail("output is not UTF-8");
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)out[i] < 0x20 && out[i] != '\n' && out[i] != '\t')
			fuzz_fail("a control character in the output");
	}
	if (n > size + 1)
		fuzz_fail("output longer than the input");
	if (memchr(in, '\n', size) == NULL && kb_pdf_page_number_line(in, size))
		fuzz_fail("a page-number line was kept");
	free(out);
	return 0;
}
