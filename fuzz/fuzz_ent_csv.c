/*
 * libFuzzer target: the enterprise export CSV reader (enterprise/ent_csv)
 * and the field parsers (enterprise/ent_field) on arbitrary bytes.
 *
 * Beyond "no crash, no leak", it aborts when a promise is broken: line
 * numbers start at 1 and never go back; an accepted record has at most
 * ENT_CSV_FIELDS_MAX fields of at most ENT_CSV_FIELD_MAX bytes, all valid
 * UTF-8; and every field parser is idempotent on its own output — the
 * canonical spelling parses again to the same spelling and value (the
 * import relies on it to re-read stored rows).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enterprise/ent_csv.h"
#include "enterprise/ent_field.h"
#include "text/text.h"

static void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_ent_csv: %s: %s\n", what, detail != NULL ? detail : "(null)");
	abort();
}

static void check_field(const char *s, size_t len)
{
	for (int t = ENT_T_USCC; t <= ENT_T_CERTKIND; t++) {
		char buf[ENT_CANON_MAX], buf2[ENT_CANON_MAX], copy[ENT_CANON_MAX + 1];
		const char *c, *c2;
		size_t n, n2;
		int64_t v, v2;

		if (t == ENT_T_TEXT || ent_field_parse(t, s, len, &v, buf, &c, &n) != 0)
			continue;
		if (n > ENT_CANON_MAX - 1)
			fuzz_fail("canonical spelling too long", s);
		memcpy(copy, c, n);
		copy[n] = '\0';
		if (n == 0 && (t == ENT_T_VERSION || t == ENT_T_USCC))
			continue;
		if (ent_field_parse(t, copy, n, &v2, buf2, &c2, &n2) != 0)
			fuzz_fail("canonical spelling does not parse again", copy);
		if (n2 != n || memcmp(c2, copy, n) != 0 || (t != ENT_T_INDUSTRY && v2 != v))
			fuzz_fail("parser not idempotent on its canonical spelling", copy);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ent_csv *c = ent_csv_new((const char *)data, size);
	struct ent_csv_rec r;
	long last = 0;

	while (ent_csv_next(c, &r) == 1) {
		if (r.line <= last)
			fuzz_fail("line numbers went back", "");
		last = r.line;
		if (r.error != ENT_CSV_OK)
			continue;
		if (r.nfields > ENT_CSV_FIELDS_MAX)
			fuzz_fail("too many fields accepted", "");
		for (size_t i = 0; i < r.nfields; i++) {
			if (r.flen[i] > ENT_CSV_FIELD_MAX * 3)
				fuzz_fail("field over the limit", "");
			if (!text_utf8_valid(r.f[i], r.flen[i], NULL))
				fuzz_fail("field is not valid UTF-8", "");
			if (r.flen[i] <= ENT_TYPED_MAX)
				check_field(r.f[i], r.flen[i]);
		}
	}
	ent_csv_free(c);
	return 0;
}
