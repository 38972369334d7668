/*
 * libFuzzer target: the transcript parser (extract/) and the drafts and
 * validator built on its result (enforce/).
 *
 * The input is the bytes of a 笔录 (text; a "PK" prefix goes through the .docx
 * reader). When extraction succeeds, every draft kind is rendered as text and
 * validated and laid out again as .docx from its text (the export of an
 * approved task); the raw bytes also go through that layout as if they were
 * an edited draft. Aborts if a draft lost the 〔待填写 blanks for 文号/条款 (nothing
 * may be invented), if the result is not a JSON object with the contract's
 * null fields, or if serialisation fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enforce/enforce.h"
#include "extract/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *o = NULL;
	struct err e = {0};
	char *s;

	char *docx = NULL;
	size_t dlen = 0;

	if (size > (1u << 20))
		return 0;
	/* any bytes as an edited draft: laid out or refused, never a crash */
	if (enforce_draft_docx_text(ENFORCE_NOTICE, (const char *)data, size, "note", &docx, &dlen,
				    &e) == 0 &&
	    (dlen < 4 || memcmp(docx, "PK", 2) != 0))
		abort();
	free(docx);
	if (extract_transcript_bytes(data, size, "fuzz", &o, &e) != 0)
		return 0;
	if (!json_is_object(o) || !json_is_null(json_object_get(o, "penalty_amount")) ||
	    !json_is_null(json_object_get(o, "document_number")) ||
	    !json_is_null(json_object_get(o, "law_articles")))
		abort();
	s = json_dumps(o, 0);
	if (s == NULL)
		abort();
	free(s);
	for (int k = 0; k < ENFORCE_NKINDS; k++) {
		struct buf b;
		struct enforce_report r;
		buf_init(&b, (size_t)64 << 20);
		if (enforce_draft_text((enum enforce_kind)k, o, &b, &e) != 0 || b.len == 0)
			abort();
		if (strstr(b.p, ENFORCE_BLANK_OPEN) == NULL)
			abort();
		if (enforce_draft_docx_text((enum enforce_kind)k, b.p, b.len, NULL, &docx, &dlen,
					    &e) != 0)
			abort();
		free(docx);
		enforce_validate_text(b.p, b.len, NULL, 0, &r);
		if (!r.kind_known || (int)r.kind != k)
			abort();
		enforce_report_free(&r);
		buf_free(&b);
	}
	json_decref(o);
	return 0;
}
