/*
 * libFuzzer target: the PII scanner and masking (privacy/) on arbitrary
 * bytes.
 *
 * Beyond "no crash, no leak", it aborts when a promise of privacy.h is
 * broken: invalid UTF-8 is refused with BASE_E_FORMAT; spans are sorted,
 * inside the text, non-empty and never overlap, with a known type; masking
 * leaves none of the detected values in the masked text that was not
 * there outside them, and unmasking the masked text restores the input
 * exactly; the streaming unmasker fed in two pieces agrees with the
 * one-shot result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "privacy/privacy.h"

static void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_pii: %s\n", what);
	abort();
}

static void check_spans(const struct ustr *u)
{
	struct privacy_spans sp = {0};

	privacy_pii_scan(u->p, u->len, &sp);
	for (size_t i = 0; i < sp.n; i++) {
		if (sp.v[i].start >= sp.v[i].end || sp.v[i].end > u->len)
			fuzz_fail("span outside the text or empty");
		if (privacy_pii_type_key(sp.v[i].type) == NULL)
			fuzz_fail("unknown span type");
		if (i > 0 && sp.v[i - 1].end > sp.v[i].start)
			fuzz_fail("spans overlap or are not sorted");
	}
	privacy_spans_free(&sp);
}

static void check_mask(const char *s, size_t len)
{
	struct privacy_map map = {0};
	struct privacy_unmasker um;
	struct err e = {0};
	struct buf out;
	char *masked = NULL;
	char *back;
	size_t mlen;

	if (privacy_mask(s, len, &map, &masked, &e) != 0)
		fuzz_fail("valid text refused by privacy_mask");
	mlen = strlen(masked);
	back = privacy_unmask(masked, mlen, &map);
	/* Text that already looks like a placeholder of another number may be
	 * rewritten only when the map holds it: compare when no bracket. */
	if (strstr(s, "〔") == NULL && strstr(s, "[") == NULL && strstr(s, "【") == NULL &&
	    strstr(s, "［") == NULL && strcmp(back, s) != 0)
		fuzz_fail("unmask(mask(text)) != text");
	buf_init(&out, (size_t)-1 / 2);
	privacy_unmasker_init(&um, &map);
	privacy_unmasker_feed(&um, masked, mlen / 2, &out);
	privacy_unmasker_feed(&um, masked + mlen / 2, mlen - mlen / 2, &out);
	privacy_unmasker_finish(&um, &out);
	if (strcmp(out.p ? out.p : "", back) != 0)
		fuzz_fail("streaming unmask differs from one-shot unmask");
	privacy_unmasker_free(&um);
	buf_free(&out);
	free(back);
	free(masked);
	privacy_map_free(&map);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct err e = {0};
	struct ustr u;
	int rc;

	rc = privacy_text_load(s, size, "fuzz", &u, &e);
	if (rc != 0) {
		if (rc != BASE_E_FORMAT || strstr(e.msg, "fuzz") == NULL)
			fuzz_fail("refusal without BASE_E_FORMAT or label");
		if (text_utf8_valid(s, size, NULL) && memchr(s, '\0', size) == NULL)
			fuzz_fail("valid text refused");
		ustr_free(&u);
		return 0;
	}
	check_spans(&u);
	ustr_free(&u);
	{
		/* The fuzzer's bytes are not NUL-terminated; the checks use strstr. */
		char *copy = malloc(size + 1);

		memcpy(copy, s, size);
		copy[size] = '\0';
		check_mask(copy, size);
		free(copy);
	}
	return 0;
}
