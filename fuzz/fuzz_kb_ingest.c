/*
 * libFuzzer target: the knowledge-base text parsers on arbitrary bytes.
 * The first byte picks the path: even -> Markdown/plain text
 * (kb_parse_text), odd -> HTML (kb_html_to_text, then kb_parse_text on its
 * output). Aborts when a promise of kb.h is broken: a refusal without a
 * negative code and a message, HTML text that is not UTF-8, a chunk without
 * a body, an article label without a number (or a number without a label),
 * a chunk body that is not UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"
#include "text/text.h"

static void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_kb_ingest: %s: %s\n", what, detail ? detail : "(null)");
	abort();
}

static void check_parsed(const char *text, size_t len)
{
	struct kb_parsed p;
	struct err e = {0, ""};
	int rc = kb_parse_text(text, len, "类别/名称(2021-01-22).md", &p, &e);

	if (rc != 0) {
		if (rc >= 0 || e.code != rc || e.msg[0] == '\0')
			fuzz_fail("refusal without code or message", e.msg);
		return;
	}
	if (p.title == NULL || p.date == NULL || p.doc_number == NULL || p.issuer == NULL)
		fuzz_fail("missing metadata field", NULL);
	for (size_t i = 0; i < p.nchunks; i++) {
		const struct kb_chunk *c = &p.chunks[i];

		if (c->body == NULL || c->heading == NULL)
			fuzz_fail("chunk without body", NULL);
		if ((c->article != NULL) != (c->art_no > 0))
			fuzz_fail("article label and number disagree", c->article);
		if (!text_utf8_valid(c->body, strlen(c->body), NULL))
			fuzz_fail("chunk body is not UTF-8", NULL);
	}
	kb_parsed_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data + 1;
	char *out;
	size_t outlen;
	struct err e = {0, ""};
	int rc;

	if (size == 0)
		return 0;
	if ((data[0] & 1) == 0) {
		check_parsed(text, size - 1);
		return 0;
	}
	rc = kb_html_to_text(text, size - 1, &out, &outlen, &e);
	if (rc != 0) {
		if (rc >= 0 || e.code != rc || e.msg[0] == '\0')
			fuzz_fail("HTML refusal without code or message", e.msg);
		return 0;
	}
	if (!text_utf8_valid(out, outlen, NULL))
		fuzz_fail("HTML text is not UTF-8", NULL);
	check_parsed(out, outlen);
	free(out);
	return 0;
}
