/* doc/docx's styles.xml shrink (the cut that checking parses) against the
 * scan it replaced, which looked at every '<' (kept here as the reference):
 * the styles.xml of every dev .docx, crafted layouts, and every truncation
 * of them give byte-identical output (or both NULL). */
#define _GNU_SOURCE /* memmem */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "doc/docx.h"
#include "doc/docx_styles.h"
#include "doc/zip.h"
#include "test.h"

static const char *find_bytes(const char *p, const char *end, const char *needle)
{
	if (p >= end)
		return NULL;
	return memmem(p, (size_t)(end - p), needle, strlen(needle));
}

static char *ref_shrink(const char *data, size_t len, size_t *out_len)
{
	const char *end = data + len;
	const char *ns = find_bytes(data, end, "=\"" NS_W "\"");
	const char *q;
	char prefix[32];
	char open_style[48];
	char close_style[48];
	char open_latent[48];
	char close_latent[48];
	char type_attr[48];
	struct buf out;
	const char *p = data;

	if (ns == NULL)
		return NULL;
	/* xmlns:PFX="...wordprocessingml..." */
	q = ns;
	while (q > data && q[-1] != ':' && q[-1] != ' ' && ns - q < 30)
		q--;
	if (q <= data || q[-1] != ':' || (size_t)(ns - q) >= sizeof(prefix))
		return NULL;
	memcpy(prefix, q, (size_t)(ns - q));
	prefix[ns - q] = '\0';
	snprintf(open_style, sizeof(open_style), "<%s:style", prefix);
	snprintf(close_style, sizeof(close_style), "</%s:style>", prefix);
	snprintf(open_latent, sizeof(open_latent), "<%s:latentStyles", prefix);
	snprintf(close_latent, sizeof(close_latent), "</%s:latentStyles>", prefix);
	snprintf(type_attr, sizeof(type_attr), "%s:type=\"", prefix);
	buf_init(&out, len + 1);
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		const char *gt;
		const char *skip_to = NULL;

		if (lt == NULL) {
			buf_add(&out, p, (size_t)(end - p));
			break;
		}
		buf_add(&out, p, (size_t)(lt - p));
		p = lt;
		if ((size_t)(end - p) > strlen(open_style) &&
		    memcmp(p, open_style, strlen(open_style)) == 0 &&
		    (p[strlen(open_style)] == ' ' || p[strlen(open_style)] == '>')) {
			const char *t;

			gt = memchr(p, '>', (size_t)(end - p));
			if (gt == NULL)
				goto out_fail;
			t = find_bytes(p, gt, type_attr);
			if (t != NULL && (memcmp(t + strlen(type_attr), "table\"", 6) == 0 ||
					  memcmp(t + strlen(type_attr), "numbering\"", 10) == 0)) {
				if (gt[-1] == '/') {
					skip_to = gt + 1;
				} else {
					skip_to = find_bytes(gt, end, close_style);
					if (skip_to == NULL)
						goto out_fail;
					skip_to += strlen(close_style);
				}
			}
		} else if ((size_t)(end - p) > strlen(open_latent) &&
			   memcmp(p, open_latent, strlen(open_latent)) == 0) {
			gt = memchr(p, '>', (size_t)(end - p));
			if (gt == NULL)
				goto out_fail;
			if (gt[-1] == '/') {
				skip_to = gt + 1;
			} else {
				skip_to = find_bytes(gt, end, close_latent);
				if (skip_to == NULL)
					goto out_fail;
				skip_to += strlen(close_latent);
			}
		}
		if (skip_to != NULL) {
			p = skip_to;
			continue;
		}
		buf_addc(&out, '<');
		p++;
	}
	return buf_detach(&out, out_len);
out_fail:
	buf_free(&out);
	return NULL;
}

/* Both shrinks of data[0..len) agree; returns whether anything was cut. */
static bool same_shrink(const char *data, size_t len)
{
	size_t la = 0, lb = 0;
	/* the reference may read a few bytes past the end (a 6-byte memcmp
	 * near it): its copy has slack; the new one gets exactly len bytes */
	char *pad = xcalloc(len + 16, 1);
	char *exact = xmalloc(len ? len : 1);
	char *a, *b;
	bool cut;

	memcpy(pad, data, len);
	memcpy(exact, data, len);
	a = ref_shrink(pad, len, &la);
	b = doc_docx_shrink_styles(exact, len, &lb);
	free(pad);
	free(exact);

	if (a == NULL || b == NULL) {
		if (a != b)
			TEST_FAIL_AT("one shrink declined (%zu bytes in): %s / %s", len,
				     a ? "reference kept" : "reference NULL",
				     b ? "new kept" : "new NULL");
		return false;
	}
	if (la != lb || memcmp(a, b, la) != 0)
		TEST_FAIL_AT("shrinks differ on %zu bytes: %zu vs %zu bytes out", len, la, lb);
	cut = la < len;
	free(a);
	free(b);
	return cut;
}

#define W_NS "xmlns:%s=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

TEST(styles_shrink_same_as_tag_scan_crafted)
{
	/* prefixes with and without the byte the search keys on */
	static const char *const prefixes[] = {"w", "y", "wy", "ay"};
	static const char *const bodies[] = {
	    "<P:docDefaults/><P:latentStyles P:count=\"1\"><P:lsdException P:name=\"a\"/>"
	    "</P:latentStyles><P:style P:type=\"paragraph\" P:styleId=\"a\"><P:name P:val=\"A\"/>"
	    "</P:style><P:style P:type=\"table\" P:styleId=\"t\"><P:tblPr/></P:style>"
	    "<P:style P:type=\"numbering\" P:styleId=\"n\"/><P:style P:type=\"character\">"
	    "<P:rPr/></P:style>",
	    /* latent styles after styles, twice, one empty; a style element with no
	     * attributes; "<P:style/>" and "<P:styles" that are no cut */
	    "<P:style><P:pPr/></P:style><P:style P:type=\"table\"></P:style><P:latentStyles/>"
	    "<P:style/><P:latentStyles><x/></P:latentStyles><P:styleX/>"
	    "<P:style\tP:type=\"table\"></P:style><P:style P:type=\"table\"/>",
	    /* a table style whose end is missing; a latent one likewise */
	    "<P:style P:type=\"paragraph\"/><P:style P:type=\"table\"><P:tblPr/>",
	    "<P:latentStyles><P:lsdException/>",
	    /* type attribute forms that are not the cut's */
	    "<P:style type=\"table\"></P:style><P:style P:type='table'></P:style>"
	    "<P:style P:type=\"tablex\"></P:style><P:style P:type=\"table\">y</P:style>yyy",
	    /* kept and cut content long enough for whole blocks of the search,
	     * with 'y's that start nothing (w:rStyle, w:type, text) */
	    "<P:style P:type=\"paragraph\" P:styleId=\"yy\"><P:rPr><P:rStyle P:val=\"y\"/>"
	    "<P:rStyle P:val=\"yyyy\"/><P:rStyle P:val=\"yyyy\"/><P:rStyle P:val=\"yyyy\"/>"
	    "<P:rStyle P:val=\"yyyy\"/></P:rPr><P:styleX/> y <y/><yy/></P:style>"
	    "<P:style P:styleId=\"x\" P:type=\"table\"><P:tblPr><P:tblStyleRowBandSize/>"
	    "<P:tblStyleColBandSize/><P:tblStyleRowBandSize/><P:tblStyleColBandSize/>"
	    "<P:tblStyleRowBandSize/><P:tblStyleColBandSize/><P:tblStyleRowBandSize/>"
	    "</P:tblPr>e> e> e></P:style e></P:style><P:style>yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
	    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy<P:style/></P:style>",
	};
	size_t cut = 0, cases = 0;

	for (size_t i = 0; i < ARRAY_LEN(prefixes); i++) {
		for (size_t j = 0; j < ARRAY_LEN(bodies); j++) {
			struct buf b;
			char *xml;
			size_t len;

			buf_init(&b, 1 << 20);
			buf_addf(&b, "<?xml version=\"1.0\"?><%s:styles " W_NS ">", prefixes[i],
				 prefixes[i]);
			for (const char *p = bodies[j]; *p; p++) {
				if (*p == 'P')
					buf_adds(&b, prefixes[i]);
				else
					buf_addc(&b, *p);
			}
			buf_addf(&b, "</%s:styles>", prefixes[i]);
			xml = buf_detach(&b, &len);
			/* every truncation, and the whole */
			for (size_t n = 0; n <= len; n++) {
				cut += same_shrink(xml, n);
				cases++;
			}
			free(xml);
		}
	}
	fprintf(stderr, "  %zu inputs, %zu with something cut\n", cases, cut);
	ASSERT(cut > cases / 8);
}

static void shrink_dev_styles(const char *path, void *arg)
{
	size_t *docs = arg;
	struct doc_zip *z;
	struct err e = {0};
	char *data;
	size_t len;

	if (doc_zip_open_file(path, NULL, &z, &e) != 0) {
		err_clear(&e);
		return;
	}
	if (doc_zip_read(z, "word/styles.xml", &data, &len, &e) == 0) {
		ASSERT(same_shrink(data, len));
		(*docs)++;
		free(data);
	}
	err_clear(&e);
	doc_zip_close(z);
}

TEST(styles_shrink_same_as_tag_scan_dev_set)
{
	size_t docs = 0;

	if (test_each_dev_docx(shrink_dev_styles, &docs) < 0)
		return;
	fprintf(stderr, "  %zu styles.xml\n", docs);
	ASSERT(docs >= 100);
}

/* A NUL inside the prefix: the tags hold it up to the NUL, as the
 * reference's "%s" does. */
TEST(styles_shrink_prefix_with_nul)
{
	static const char xml[] =
	    "<w\0x:styles xmlns:w\0x=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"
	    "main\"><w:style w:type=\"table\"><w:tblPr/></w:style><w:style><w:pPr/></w:style>"
	    "</w\0x:styles>";
	size_t cut = 0;

	for (size_t n = 0; n <= sizeof(xml) - 1; n++)
		cut += same_shrink(xml, n);
	ASSERT(cut > 0);
}

/* doc_docx_next_lt_y() against a byte-by-byte search: random bytes of the
 * tags' alphabet at every length around the 32-byte blocks, from every
 * start, buffers allocated to the byte for ASan. */
TEST(styles_next_lt_y_same_as_bytewise)
{
	static const size_t ks[][2] = {{5, 11}, {11, 5}, {6, 7}, {3, 3}, {0, 1}};
	static const char alphabet[] = "<y<yw:st le>/";
	uint64_t seed = 0x2545F4914F6CDD1Du;
	size_t hits = 0;

	for (size_t k = 0; k < ARRAY_LEN(ks); k++) {
		for (size_t len = 0; len < 200; len++) {
			char *b = xmalloc(len ? len : 1);

			for (size_t i = 0; i < len; i++) {
				seed ^= seed << 13;
				seed ^= seed >> 7;
				seed ^= seed << 17;
				/* runs without a 'y' now and then, for whole empty blocks */
				b[i] = (seed >> 32) % 5 == 0
					   ? 'x'
					   : alphabet[seed % (sizeof(alphabet) - 1)];
			}
			for (size_t lo = 0; lo <= len && lo < 40; lo += 3) {
				for (size_t q = lo; q <= len; q += 7) {
					const char *want = NULL;
					const char *got;

					for (size_t i = q; i < len && want == NULL; i++) {
						if (b[i] == 'y' && ((i - lo >= ks[k][0] &&
								     b[i - ks[k][0]] == '<') ||
								    (i - lo >= ks[k][1] &&
								     b[i - ks[k][1]] == '<')))
							want = b + i;
					}
					got = doc_docx_next_lt_y(b + lo, b + q, b + len, ks[k][0],
								 ks[k][1]);
					if (got != want)
						TEST_FAIL_AT(
						    "k %zu/%zu, %zu bytes, lo %zu, from %zu: %td, "
						    "want %td",
						    ks[k][0], ks[k][1], len, lo, q,
						    got ? got - b : -1, want ? want - b : -1);
					hits += want != NULL;
				}
			}
			free(b);
		}
	}
	ASSERT(hits > 1000);
}

/* doc_docx_find_end_tag() (128 candidates a step where the CPU allows)
 * against memmem: random markup-like bytes of every length around the
 * step, needles planted anywhere (also ending at the last byte), buffers
 * allocated to the byte so that ASan sees any read past the end. */
TEST(styles_find_end_tag_same_as_memmem)
{
	static const char *const needles[] = {"</w:style>", "</w:latentStyles>", "</ay:style>",
					      "e>"};
	static const char alphabet[] = "<>/:wstyle\"= ";
	uint64_t seed = 0x9E3779B97F4A7C15u;
	size_t found = 0, missed = 0;

	for (size_t k = 0; k < ARRAY_LEN(needles); k++) {
		const char *needle = needles[k];
		size_t n = strlen(needle);

		for (size_t len = 0; len < 560; len++) {
			for (int trial = 0; trial < 6; trial++) {
				char *b = xmalloc(len ? len : 1);
				size_t off;
				const char *want;
				const char *got;

				for (size_t i = 0; i < len; i++) {
					seed ^= seed << 13;
					seed ^= seed >> 7;
					seed ^= seed << 17;
					b[i] = alphabet[seed % (sizeof(alphabet) - 1)];
				}
				/* trial 0: none planted; 1: at the end; else anywhere */
				if (trial >= 1 && len >= n) {
					size_t at = trial == 1
							? len - n
							: (size_t)(seed >> 20) % (len - n + 1);

					memcpy(b + at, needle, n);
				}
				/* trials 3, 4: a near miss (one byte changed) somewhere */
				if ((trial == 3 || trial == 4) && len >= n) {
					size_t at = (size_t)(seed >> 30) % (len - n + 1);

					memcpy(b + at, needle, n);
					b[at + (size_t)(seed >> 8) % n] = 'x';
				}
				off = len > 0 && trial == 5 ? (size_t)(seed >> 40) % len : 0;
				want =
				    len - off >= n ? memmem(b + off, len - off, needle, n) : NULL;
				got = doc_docx_find_end_tag(b + off, b + len, needle, n);
				if (got != want)
					TEST_FAIL_AT("%s in %zu bytes from %zu: at %td, memmem %td",
						     needle, len, off, got ? got - b : -1,
						     want ? want - b : -1);
				found += want != NULL;
				missed += want == NULL;
				free(b);
			}
		}
	}
	ASSERT(found > 1000);
	ASSERT(missed > 1000);
}
