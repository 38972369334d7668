/* doc_docx_find_by (the styles.xml shrink's and index's search) finds the
 * first occurrence, as memmem does, for every rare-byte index, with matches
 * and near-matches at every offset around its 128-byte blocks and its end. */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc/docx.h"
#include "doc/docx_styles.h"
#include "test.h"

static const char *reference(const char *p, const char *end, const char *needle)
{
	return memmem(p, (size_t)(end - p), needle, strlen(needle));
}

static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Every k of needle on hay[0..len) from every start in [0, 8) and every
 * end in [len - 8, len]. */
static void same_as_memmem(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t k = 0; k < n; k++) {
		for (size_t from = 0; from < 8 && from <= len; from++) {
			for (size_t cut = len >= 8 ? len - 8 : 0; cut <= len; cut++) {
				const char *end = hay + cut;
				const char *want =
				    from <= cut ? reference(hay + from, end, needle) : NULL;

				if (from > cut)
					continue;
				ASSERT(doc_docx_find_by(hay + from, end, needle, k) == want);
			}
		}
	}
}

TEST(docx_find_by_same_as_memmem_planted)
{
	static const char *const needles[] = {"</w:style>", "</w:latentStyles>", "<w:style", "y",
					      "yy",	    "</y:style>"};
	char hay[600];
	uint32_t seed = 12345;

	for (size_t t = 0; t < ARRAY_LEN(needles); t++) {
		const char *nd = needles[t];
		size_t n = strlen(nd);

		/* one match at each offset over more than two blocks, in a
		 * haystack of the needle's own bytes (near-matches everywhere) */
		for (size_t at = 0; at + n <= 300; at += 7) {
			size_t len = 300 + at % 13;

			for (size_t i = 0; i < len; i++)
				hay[i] = nd[next_rand(&seed) % n];
			/* break accidental matches, then plant one */
			for (const char *q; (q = reference(hay, hay + len, nd)) != NULL;)
				hay[q - hay] = '#';
			/* near-matches differing in one byte just before it */
			for (size_t j = 0; j < n && at >= n + 1; j++) {
				memcpy(hay + at - n - 1, nd, n);
				hay[at - n - 1 + j] = '#';
			}
			memcpy(hay + at, nd, n);
			same_as_memmem(hay, len, nd);
		}
		/* none at all, and a match only in the last bytes */
		memset(hay, 'y', sizeof(hay));
		same_as_memmem(hay, 400, nd);
		memcpy(hay + 400 - n, nd, n);
		same_as_memmem(hay, 400, nd);
	}
}

TEST(docx_find_by_first_of_several_and_short_input)
{
	char hay[1024];
	const char *nd = "</w:style>";
	const char *hit;

	memset(hay, 'x', sizeof(hay));
	memcpy(hay + 700, nd, strlen(nd));
	memcpy(hay + 130, nd, strlen(nd));
	memcpy(hay + 129, "<", 1); /* "<</w:style>" */
	hit = doc_docx_find_by(hay, hay + sizeof(hay), nd, doc_docx_rare_at(nd));
	ASSERT(hit == hay + 130);
	ASSERT(doc_docx_find_by(hay + 131, hay + sizeof(hay), nd, 7) == hay + 700);
	ASSERT(doc_docx_find_by(hay + 131, hay + 709, nd, 7) == NULL);
	ASSERT(doc_docx_find_by(hay + 131, hay + 710, nd, 7) == hay + 700);
	ASSERT(doc_docx_find_by(hay, hay, nd, 7) == NULL);
	ASSERT(doc_docx_find_by(hay + 130, hay + 139, nd, 7) == NULL);
}
