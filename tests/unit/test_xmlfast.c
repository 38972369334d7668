/* Unit tests: the read-only XML reader (doc/xmlfast) against the libxml2
 * DOM (doc/xml), and 公文 findings of a document opened for checking
 * against the same document opened with the DOM. */
#include <stdbool.h>

#include "doc/docx.h"
#include "doc/xml.h"
#include "doc/xmlfast.h"
#include "gongwen/gongwen.h"
#include "test.h"

/* Parse s both ways; returns true when the fast reader accepted it (and then
 * asserts the libxml2 tree is the same). */
static bool both(const char *s, size_t len)
{
	xmlDocPtr fast = NULL, ref = NULL, owned = NULL;
	struct err e = {0};
	char why[256] = "";
	char *copy = xmalloc(len + 1);
	int rc;

	/* the variant that keeps its input: the same answer, the same tree,
	 * and a declined input left as it was */
	memcpy(copy, s, len);
	rc = doc_xmlfast_parse_owned(copy, len, &owned);
	if (doc_xmlfast_parse(s, len, &fast) != 0) {
		ASSERT(fast == NULL);
		ASSERT(rc != 0 && owned == NULL);
		ASSERT(memcmp(copy, s, len) == 0);
		free(copy);
		return false;
	}
	ASSERT(rc == 0);
	if (!doc_xml_tree_equal(fast, owned, why, sizeof(why)))
		TEST_FAIL_AT("owned-input tree differs: %s in %.200s", why, s);
	doc_xml_free_doc(owned); /* frees copy */
	ASSERT(doc_xmlfast_is(fast));
	if (doc_xml_parse(s, len, "t.xml", &ref, &e) != 0)
		TEST_FAIL_AT("fast reader accepted what libxml2 refuses (%s): %.200s", e.msg, s);
	ASSERT(!doc_xmlfast_is(ref));
	if (!doc_xml_tree_equal(fast, ref, why, sizeof(why)))
		TEST_FAIL_AT("trees differ: %s in %.200s", why, s);
	doc_xml_free_doc(fast);
	doc_xml_free_doc(ref);
	return true;
}

static bool both_s(const char *s)
{
	return both(s, strlen(s));
}

TEST(xmlfast_accepts_plain_ooxml_same_tree)
{
	static const char *const ok[] = {
	    "<a/>",
	    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<a/>\r\n",
	    "<?xml version='1.0'?><a b='1' c=\"2\"></a>",
	    "<w:document xmlns:w=\"W\" xmlns=\"D\"><w:body><w:p><w:r><w:t xml:space=\"preserve\"> "
	    "a&amp;b&lt;&gt;&quot;&apos;&#x4e00;&#20013;中文</w:t></w:r><x y=\"\" "
	    "w:z=\"1&quot;2\"/>"
	    "</w:p>\n  </w:body></w:document>",
	    /* prefix redefined below, default namespace changed */
	    "<p:a xmlns:p=\"A\"><p:b xmlns:p=\"B\" p:x=\"1\"><p:c/></p:b><p:d/>"
	    "<e xmlns=\"E\"><f/></e><g/></p:a>",
	    /* the same local name in two namespaces */
	    "<a xmlns:p=\"P\" xmlns:q=\"Q\" p:x=\"1\" q:x=\"2\" x=\"3\"/>",
	    "<a xmlns:p=\"P\" xmlns:q=\"Q\" x=\"3\" q:y=\"0\" p:x=\"1\" q:x=\"2\"/>",
	    "<a>text ]] > end</a>",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!both_s(ok[i]))
			TEST_FAIL_AT("declined: %s", ok[i]);
	}
}

TEST(xmlfast_declines_hostile_and_unusual_input)
{
	static const char *const no[] = {
	    "",
	    "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
	    "<a>&x;</a>",
	    "<a>&#0;</a>",
	    "<a>&#xD800;</a>",
	    "<a>&#x110000;</a>",
	    "<a>&amp</a>",
	    "<a><!-- c --></a>",
	    "<a><![CDATA[x]]></a>",
	    "<a><?pi x?></a>",
	    "<?xml-stylesheet href=\"x\"?><a/>",
	    "<?xml version=\"1.1\"?><a/>",
	    "<?xml version=\"1.0\" bogus=\"1\"?><a/>",
	    "\xEF\xBB\xBF<a/>",
	    "<a>",
	    "<a><b></a>",
	    "<a></b>",
	    "<a",
	    "<a b=\"1></a>",
	    "<a b=\"1\"c=\"2\"/>",
	    "<a b=\"1\" b=\"2\"/>",
	    "<a xmlns:p=\"P\" xmlns:q=\"P\" p:x=\"1\" q:x=\"2\"/>",
	    /* the same clash after unprefixed and other-namespace attributes */
	    "<a xmlns:p=\"P\" xmlns:q=\"P\" x=\"0\" p:x=\"1\" q:x=\"2\"/>",
	    "<a xmlns:p=\"P\" xmlns:q=\"P\" xmlns:r=\"R\" p:x=\"1\" r:x=\"0\" q:x=\"2\"/>",
	    "<b:a xmlns:b=\"P\" xmlns:q=\"P\"><c b:y=\"1\" q:y=\"2\"/></b:a>",
	    "<a xmlns:p=\"P\" xmlns:p=\"Q\"/>",
	    "<p:a/>",
	    "<a><b xmlns:p=\"P\"><p:c/></b><p:d/></a>", /* libxml2 names it "p:d" */
	    "<a><b xmlns:p=\"P\" p:x=\"1\"/><c p:x=\"2\"/></a>",
	    "<a p:x=\"1\"/>",
	    "<a xmlns:p=\"\"/>",
	    "<a xmlns=\"\"/>",
	    "<a xmlns=\"x&lt;y\"/>",
	    "<p:a xmlns:p=\"&lt;\"/>",
	    "<p:a xmlns:p=\"a&amp;b\"/>",
	    "<a xmlns:xml=\"http://www.w3.org/XML/1998/namespace\"/>",
	    "<a b=\"x\ty\"/>",
	    "<a b=\"x\ny\"/>",
	    "<a b=\"&#10;\"/>",
	    "<a b=\"<\"/>",
	    "<a>x\ry</a>",
	    "<a>x\x01y</a>",
	    "<a>]]></a>",
	    "<a>\xC0\xAF</a>",	   /* overlong */
	    "<a>\xED\xA0\x80</a>", /* surrogate */
	    "<a>\xEF\xBF\xBE</a>", /* U+FFFE */
	    "<a>\xE4\xB8</a>",	   /* truncated sequence */
	    "<a b=\"\xFF\"/>",	   /* invalid byte in an attribute */
	    "<\xE4\xB8\xAD/>",	   /* non-ASCII name */
	    "<a/><b/>",		   /* two roots */
	    "<a/>x",		   /* text after the root */
	    "x<a/>",		   /* text before it */
	    "<1a/>",
	    "<a:/>",
	    "<a:b:c/>",
	};

	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (both_s(no[i]))
			TEST_FAIL_AT("accepted #%zu: %s", i, no[i]);
	}
	/* an embedded NUL */
	ASSERT(!both("<a>x\0y</a>", 10));
}

/* The byte scans skip 16 plain bytes at a time and runs of CJK characters:
 * whatever a special byte or sequence is, where it stands relative to the
 * start of a text or attribute value (and to the end of the input) must not
 * change whether the input is accepted, nor the tree (both() compares it
 * with libxml2's). Each sequence after 0 to 39 plain, CJK or full-width
 * characters, in text and in an attribute value. */
static void special_bytes_at_every_offset(void)
{
	static const struct {
		const char *s;
		int text, attr; /* accepted in text / in a "-quoted value: 1, 0 */
	} sp[] = {
	    {"\x01", 0, 0},
	    {"\t", 1, 0},
	    {"\n", 1, 0},
	    {"\r", 0, 0},
	    {"\x1F", 0, 0},
	    {"&amp;", 1, 1},
	    {"&", 0, 0},
	    {"&#x4e2d;", 1, 0},
	    {"<", 0, 0},
	    {"]]>", 0, 1},
	    {"]", 1, 1},
	    {"'", 1, 1},
	    {"\"", 1, 0},
	    {">", 1, 1},
	    {"\x7F", 1, 1},
	    {"\xC3\xA9", 1, 1},
	    {"\xE4\xB8\xAD", 1, 1},
	    {"\xEF\xBC\x8C", 1, 1},
	    {"\xE3\x80\x82", 1, 1},
	    {"\xEF\xBF\xBE", 0, 0},
	    {"\xEF\xBF\xBD", 1, 1},
	    {"\xED\xA0\x80", 0, 0},
	    {"\xC0\x80", 0, 0},
	    {"\xE4\xB8", 0, 0},
	    {"\xE4\x41\xAD", 0, 0},
	    {"\xE4\xB8\x41", 0, 0},
	    {"\xF0\x9F\x98\x80", 1, 1},
	    {"\xF4\x90\x80\x80", 0, 0},
	    {"\xFF", 0, 0},
	    {"\x80", 0, 0},
	    {"\x80\x80\x80", 0, 0},
	    {"\xEC\xBF\xBF", 1, 1},
	    {"\xEF\xBF\xBF", 0, 0},
	};
	/* (CJK and full-width forms: scanned five or ten characters at a time) */
	static const char *const fill[] = {"x", "\xE4\xB8\xAD", "\xEF\xBC\x8C"};
	struct buf b;

	buf_init(&b, 1 << 16);
	for (size_t i = 0; i < sizeof(sp) / sizeof(sp[0]); i++) {
		for (size_t f = 0; f < sizeof(fill) / sizeof(fill[0]); f++) {
			for (size_t k = 0; k < 40; k++) {
				for (size_t m = 0; m < 40; m += 13) {
					for (int attr = 0; attr < 2; attr++) {
						b.len = 0;
						buf_adds(&b, attr ? "<a b=\"" : "<a>");
						for (size_t j = 0; j < k; j++)
							buf_adds(&b, fill[f]);
						buf_adds(&b, sp[i].s);
						for (size_t j = 0; j < m; j++)
							buf_adds(&b, "y");
						buf_adds(&b, attr ? "\"/>" : "</a>");
						if (both(b.p, b.len) !=
						    (attr ? sp[i].attr : sp[i].text))
							TEST_FAIL_AT("special #%zu, %zu x fill %zu "
								     "before, %zu after, %s: %s",
								     i, k, f, m,
								     attr ? "attribute" : "text",
								     b.p);
					}
				}
			}
		}
	}
	buf_free(&b);
}

TEST(xmlfast_special_bytes_at_every_offset)
{
	/* both scans of CJK runs: with AVX2 (where the CPU has it), then without */
	special_bytes_at_every_offset();
	doc_xmlfast_allow_avx2(false);
	special_bytes_at_every_offset();
	doc_xmlfast_allow_avx2(true);
}

/* Names are remembered from one parse to the next (the scan's cache): the
 * same names under other namespace bindings, as the other kind of name, or
 * after a declined parse must still come out as libxml2 reads them. */
TEST(xmlfast_names_remembered_across_parses)
{
	static const char *const seq[] = {
	    "<w:a xmlns:w=\"U1\" w:b=\"1\" b=\"2\"><w:c w:d=\"3\"/><c/></w:a>",
	    "<w:a xmlns:w=\"U2\" w:b=\"1\" b=\"2\"><w:c w:d=\"3\"/><c/></w:a>",
	    "<w:a xmlns:w=\"U1\" xmlns=\"D\" w:b=\"1\" b=\"2\"><w:c w:d=\"3\"/><c/></w:a>",
	    "<a xmlns=\"D2\" xmlns:w=\"U3\"><b w:a=\"1\" a=\"2\"/><w:b/><w:c w:c=\"1\"/></a>",
	    "<w:a><w:c/></w:a>", /* declined: unbound prefix */
	    "<w:a xmlns:w=\"U4\"><w:c w:b=\"1\" w:d=\"2\"/></w:a>",
	    "<w:a xmlns:w=\"U4\"><w:c xmlns:w=\"U5\" w:b=\"1\"><w:d/></w:c><w:e/></w:a>",
	};
	static const bool accepted[] = {true, true, true, true, false, true, true};

	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
			if (both_s(seq[i]) != accepted[i])
				TEST_FAIL_AT("round %d #%zu: %s", round, i, seq[i]);
		}
	}
}

TEST(xmlfast_repeats_remembered_only_within_a_parse)
{
	/* the parser's state is the thread's and outlives a parse: the start
	 * tags, elements and lookups one parse remembered never serve the next
	 * (the same bytes, other namespaces; a declined parse in between) */
	static const char *const seq[] = {
	    "<r xmlns:p=\"A\"><p:x p:a=\"1\"/><p:x p:a=\"2\"/><p:y><p:z p:a=\"1\"/></p:y>"
	    "<p:y><p:z p:a=\"1\"/></p:y></r>",
	    "<r xmlns:p=\"B\"><p:x p:a=\"1\"/><p:x p:a=\"2\"/><p:y><p:z p:a=\"1\"/></p:y>"
	    "<p:y><p:z p:a=\"1\"/></p:y></r>",
	    "<r xmlns:p=\"C\"><p:x p:a=\"1\"/><p:x p:a=\"2\"/><p:y><p:z p:a=\"1\"/></p:y>"
	    "<p:y><p:z p:a=\"1\"/></p:y><p:x p:a=\"1\" p:a=\"1\"/></r>", /* declined */
	    "<r xmlns=\"D\"><x a=\"1\"/><x a=\"2\"/><y><z a=\"1\"/></y><y><z a=\"1\"/></y></r>",
	    "<r xmlns:p=\"E\"><p:y><p:z p:a=\"1\"/></p:y><p:x p:a=\"2\"/><p:x p:a=\"1\"/></r>",
	};
	static const bool accepted[] = {true, true, false, true, true};

	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
			if (both_s(seq[i]) != accepted[i])
				TEST_FAIL_AT("round %d #%zu: %s", round, i, seq[i]);
		}
	}
}

TEST(xmlfast_limits_depth_attribute_name_memory)
{
	struct buf b;

	/* depth: 100 levels are read, 200 are left to libxml2 */
	for (int depth = 100; depth <= 200; depth += 100) {
		buf_init(&b, 1 << 20);
		for (int i = 0; i < depth; i++)
			buf_add(&b, "<e>", 3);
		for (int i = 0; i < depth; i++)
			buf_add(&b, "</e>", 4);
		ASSERT_EQ(both(b.p, b.len), depth == 100);
		buf_free(&b);
	}
	/* a 100 KB attribute value and a 300-byte name are declined */
	buf_init(&b, 1 << 20);
	buf_addf(&b, "<a v=\"");
	for (int i = 0; i < 100 * 1024; i++)
		buf_add(&b, "x", 1);
	buf_addf(&b, "\"/>");
	ASSERT(!both(b.p, b.len));
	buf_free(&b);
	buf_init(&b, 1 << 20);
	buf_add(&b, "<", 1);
	for (int i = 0; i < 300; i++)
		buf_add(&b, "n", 1);
	buf_add(&b, "/>", 2);
	ASSERT(!both(b.p, b.len));
	buf_free(&b);
	/* memory: 100,000 empty elements (a node per 4 bytes) exceed the arena
	 * budget and are left to libxml2; 1,000 are read */
	for (int n = 1000; n <= 100000; n *= 100) {
		buf_init(&b, 1 << 22);
		buf_add(&b, "<a>", 3);
		for (int i = 0; i < n; i++)
			buf_add(&b, "<b/>", 4);
		buf_add(&b, "</a>", 4);
		ASSERT_EQ(both(b.p, b.len), n == 1000);
		buf_free(&b);
	}
	/* every truncation of a small document: declined or the same tree */
	{
		const char *doc = "<?xml version=\"1.0\"?>\n<w:p xmlns:w=\"W\"><w:r w:a=\"1\">"
				  "<w:t>a&amp;b中</w:t></w:r></w:p>";
		size_t n = strlen(doc);

		for (size_t k = 0; k < n; k++)
			ASSERT(!both(doc, k));
		ASSERT(both(doc, n));
	}
}

/* Every XML part of the dev set's .docx (up to 256 KB): the fast reader
 * accepts the main document of nearly all and gives libxml2's tree. */
struct parts_count {
	size_t docs, mains, parts, accepted;
};

static void same_tree_parts(const char *path, void *arg)
{
	struct parts_count *c = arg;
	struct doc_zip *z;
	struct err e = {0};

	if (doc_zip_open_file(path, NULL, &z, &e) != 0)
		return; /* hostile documents of the set */
	c->docs++;
	for (size_t i = 0; i < doc_zip_count(z); i++) {
		const char *name = doc_zip_name(z, i);
		size_t nl = strlen(name);
		char *data;
		size_t len;

		if (nl < 4 ||
		    (strcmp(name + nl - 4, ".xml") != 0 && strcmp(name + nl - 5, ".rels") != 0))
			continue;
		if (doc_zip_read_index(z, i, &data, &len, &e) != 0)
			continue;
		if (len <= 256 * 1024) {
			bool ok = both(data, len);

			c->parts++;
			c->accepted += ok;
			c->mains += ok && strcmp(name, "word/document.xml") == 0;
		}
		free(data);
	}
	doc_zip_close(z);
}

TEST(xmlfast_same_tree_on_dev_set_parts)
{
	struct parts_count c = {0};

	if (test_each_dev_docx(same_tree_parts, &c) < 0)
		return;
	fprintf(stderr, "  %zu documents, %zu parts, %zu read by xmlfast, %zu main parts\n", c.docs,
		c.parts, c.accepted, c.mains);
	ASSERT(c.docs >= 100);
	ASSERT(c.mains * 10 >= c.docs * 9);
}

/* Findings JSON of gw_doc_open (DOM) and gw_doc_open_check (xmlfast). */
static void findings_json(const char *path, bool check, struct buf *out)
{
	struct gw_profile prof;
	struct gw_doc doc;
	struct gw_findings f;
	struct err e = {0};

	gw_profile_national(&prof);
	if ((check ? gw_doc_open_check(path, &prof, &doc, &e)
		   : gw_doc_open(path, &prof, &doc, &e)) != 0) {
		buf_addf(out, "error %d %s", e.code, e.msg);
		return;
	}
	ASSERT_EQ(doc.docx != NULL && doc.docx->readonly, check && doc.is_docx);
	gw_findings_init(&f);
	gw_check(&doc, &f);
	gw_report_json(&doc, &f, out);
	gw_findings_free(&f);
	gw_doc_free(&doc);
}

TEST(xmlfast_check_findings_same_as_dom)
{
	char dir[512];
	size_t compared = 0, with_findings = 0;

	snprintf(dir, sizeof(dir), "%s/corpus/gongwen-dev/docs", test_shared_dir());
	/* every 7th document of the dev set (clean, faulty and hostile ones) */
	for (int k = 1; k <= 200; k += 7) {
		char path[1024];
		struct buf a, b;
		FILE *fp;

		snprintf(path, sizeof(path), "%s/gwd-%04d.docx", dir, k);
		fp = fopen(path, "rb");
		if (fp == NULL)
			continue;
		fclose(fp);
		buf_init(&a, 1 << 26);
		buf_init(&b, 1 << 26);
		findings_json(path, false, &a);
		findings_json(path, true, &b);
		buf_add(&a, "", 1);
		buf_add(&b, "", 1);
		ASSERT_STR_EQ(b.p, a.p);
		compared++;
		with_findings += strstr(a.p, "\"rule\"") != NULL;
		buf_free(&a);
		buf_free(&b);
	}
	if (compared == 0) {
		fprintf(stderr, "  skipped: dev set not found\n");
		return;
	}
	ASSERT(compared >= 15);
	ASSERT(with_findings >= compared / 2);
}

TEST(xmlfast_checking_document_refuses_fix_and_save)
{
	char path[1024];
	struct gw_profile prof;
	struct gw_doc doc;
	struct err e = {0};
	struct gw_fix_report rep;

	snprintf(path, sizeof(path), "%s/corpus/gongwen-dev/clean/b01-direct.docx",
		 test_shared_dir());
	gw_profile_national(&prof);
	if (gw_doc_open_check(path, &prof, &doc, &e) != 0) {
		fprintf(stderr, "  skipped: %s\n", e.msg);
		return;
	}
	ASSERT(doc_xmlfast_is(doc.docx->doc));
	memset(&rep, 0, sizeof(rep));
	buf_init(&rep.log, 1 << 20);
	ASSERT_EQ(gw_fix(&doc, true, &rep, &e), BASE_E_USAGE);
	ASSERT_CONTAINS(e.msg, "只读");
	err_clear(&e);
	ASSERT_EQ(doc_docx_save(doc.docx, "/tmp/shuzhi-xmlfast-never.docx", &e), BASE_E_USAGE);
	buf_free(&rep.log);
	gw_doc_free(&doc);
}

/* styles.xml read for checking (style by style on first use, doc/docx_styles,
 * or doc/xmlfast's whole tree with table styles skipped while listing) gives
 * the styles of the filtered libxml2 parse. */
struct styles_count {
	size_t docs, fast, lazy;
};

static void same_styles(const char *path, void *arg)
{
	struct styles_count *c = arg;
	struct doc_docx *a, *b;
	struct err e = {0};

	if (doc_docx_open(path, &a, &e) != 0) {
		err_clear(&e);
		ASSERT(doc_docx_open_check(path, &b, &e) != 0);
		err_clear(&e);
		return;
	}
	ASSERT_EQ(doc_docx_open_check(path, &b, &e), 0);
	c->docs++;
	c->fast += b->styles_doc != NULL && doc_xmlfast_is(b->styles_doc);
	c->lazy += b->styles_lazy != NULL;
	ASSERT(a->styles_doc == NULL || !doc_xmlfast_is(a->styles_doc));
	ASSERT_EQ(b->nstyles, a->nstyles);
	ASSERT(doc_docx_same_styles(b, a));
	if (b->nstyles > 0) { /* and it can tell a difference */
		b->styles[0].is_default = !b->styles[0].is_default;
		ASSERT(!doc_docx_same_styles(b, a));
		b->styles[0].is_default = !b->styles[0].is_default;
	}
	doc_docx_free(a);
	doc_docx_free(b);
}

TEST(xmlfast_check_styles_same_as_filtered_parse)
{
	struct styles_count c = {0};

	if (test_each_dev_docx(same_styles, &c) < 0)
		return;
	fprintf(stderr, "  %zu documents, styles.xml of %zu read by xmlfast, %zu style by style\n",
		c.docs, c.fast, c.lazy);
	ASSERT(c.docs >= 100);
	ASSERT((c.fast + c.lazy) * 10 >= c.docs * 9);
	ASSERT(c.lazy * 10 >= c.docs * 9); /* the dev set's styles.xml is plain */
}

/* What the parse does not set must be what libxml2 leaves there: no
 * private data, line 0, no content on elements, no children, attributes or
 * declarations on text, nothing left over on attributes (each field is
 * written one by one, not zeroed first: a forgotten one would hold what the
 * arena's memory held). */
static int stray_fields(const xmlNode *n)
{
	int bad = 0;

	for (; n != NULL; n = n->next) {
		/* (and links both ways: a node's neighbours and children point
		 * back at it, not at the nodes it may have been copied from) */
		bad += (n->next != NULL && (n->next->prev != n || n->next->parent != n->parent)) ||
		       (n->prev != NULL && n->prev->next != n);
		bad += n->children != NULL &&
		       (n->children->parent != n || n->children->prev != NULL || n->last == NULL ||
			n->last->parent != n || n->last->next != NULL);
		bad += n->_private != NULL || n->psvi != NULL || n->line != 0 || n->extra != 0;
		if (n->type == XML_TEXT_NODE) {
			bad += n->children != NULL || n->last != NULL || n->properties != NULL ||
			       n->nsDef != NULL || n->ns != NULL || n->content == NULL;
			continue;
		}
		bad += n->content != NULL;
		for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
			bad += a->_private != NULL || a->psvi != NULL || a->atype != 0 ||
			       a->parent != n || a->children == NULL || a->children != a->last ||
			       a->children->parent != (const xmlNode *)a ||
			       a->children->next != NULL || a->children->prev != NULL ||
			       (a->next != NULL && a->next->prev != a) ||
			       (a->prev != NULL && a->prev->next != a);
			bad += stray_fields(a->children);
		}
		bad += stray_fields(n->children);
	}
	return bad;
}

TEST(xmlfast_nodes_have_no_stray_fields)
{
	/* (the first nodes sit in the part of the arena ASan fills with 0xbe) */
	static const char doc[] =
	    "<?xml version=\"1.0\"?><w:document xmlns:w=\"" NS_W "\" xmlns:x=\"urn:x\">"
	    "<w:body><w:p w:rsidR=\"1\" x:a=\"2\"><w:r><w:t xml:space=\"preserve\">文 &amp; t</w:t>"
	    "</w:r><w:r><w:tab/><w:t>b</w:t></w:r></w:p>tail<x:e x:k=\"v\"/></w:body></w:document>";
	xmlDocPtr d = NULL;

	ASSERT_EQ(doc_xmlfast_parse(doc, sizeof(doc) - 1, &d), 0);
	ASSERT_EQ(stray_fields(xmlDocGetRootElement(d)), 0);
	doc_xml_free_doc(d);
}

/* Each of ok accepted with libxml2's tree (the owned variant's without
 * stray fields), each of no declined. */
static void same_tree_or_declined(const char *const *ok, size_t nok, const char *const *no,
				  size_t nno)
{
	for (size_t i = 0; i < nok; i++) {
		char *copy = xstrdup(ok[i]);
		xmlDocPtr d = NULL;

		if (!both_s(ok[i]))
			TEST_FAIL_AT("declined: %s", ok[i]);
		ASSERT_EQ(doc_xmlfast_parse_owned(copy, strlen(ok[i]), &d), 0);
		ASSERT_EQ(stray_fields(xmlDocGetRootElement(d)), 0);
		doc_xml_free_doc(d); /* frees copy */
	}
	for (size_t i = 0; i < nno; i++) {
		if (both_s(no[i]))
			TEST_FAIL_AT("accepted: %s", no[i]);
	}
}

TEST(xmlfast_repeated_start_tags_same_tree)
{
	/* a start tag that repeats one before it is built from it (the owned
	 * variant): the same tree as parsing it, in every namespace scope */
	static const char *const ok[] = {
	    "<w:d xmlns:w=\"W\"><w:p><w:r w:a=\"1\" w:b=\"xy\"/><w:r w:a=\"1\" w:b=\"xy\"/>"
	    "<w:r w:a=\"1\" w:b=\"xy\"></w:r><w:r w:a=\"1\" w:b=\"xy\"><w:t>t</w:t></w:r>"
	    "<w:r w:a=\"1\" w:b=\"xy\"><w:t>u</w:t></w:r><w:r w:a=\"2\" w:b=\"xy\"/></w:p>"
	    "<w:p><w:r w:a=\"1\" w:b=\"xy\"/></w:p></w:d>",
	    /* the prefix or the default namespace bound anew between repeats */
	    "<r xmlns:p=\"A\"><p:x p:y=\"1\"/><s xmlns:p=\"B\"><p:x p:y=\"1\"/></s>"
	    "<p:x p:y=\"1\"/></r>",
	    "<r><x a=\"1\"/><s xmlns=\"D\"><x a=\"1\"/><x a=\"1\"/></s><x a=\"1\"/></r>",
	    /* references (decoded, not in place), empty values, more attributes
	     * than a remembered tag holds, xml:space */
	    "<r><x a=\"&amp;\" b=\"1\"/><x a=\"&amp;\" b=\"1\"/><x a=\"\" b=\"\"/><x a=\"\" "
	    "b=\"\"/>"
	    "<y a=\"1\" b=\"2\" c=\"3\" d=\"4\" e=\"5\" f=\"6\" g=\"7\" h=\"8\" i=\"9\"/>"
	    "<y a=\"1\" b=\"2\" c=\"3\" d=\"4\" e=\"5\" f=\"6\" g=\"7\" h=\"8\" i=\"9\"/>"
	    "<t xml:space=\"preserve\"> a </t><t xml:space=\"preserve\"> b </t></r>",
	    /* white space inside tags, single quotes, no attributes */
	    "<r><x  a = '1' /><x  a = '1' /><x\n\ta='1'/><q><q><q/></q></q><q><q/></q></r>",
	    /* repeats within 16 bytes of the end */
	    "<r><x/><x/><x/></r>",
	    "<r><x a='1'/><x a='1'/></r>",
	};
	static const char *const no[] = {
	    "<r><x a=\"1\" a=\"1\"/><x a=\"1\" a=\"1\"/></r>",
	    "<r xmlns:p=\"A\"><p:x p:y=\"1\"/><p:x p:y=\"1\"/><q:x p:y=\"1\"/></r>",
	    "<r><x a=\"1\"/><x a=\"1\"/></s>",
	};

	same_tree_or_declined(ok, sizeof(ok) / sizeof(ok[0]), no, sizeof(no) / sizeof(no[0]));
}

TEST(xmlfast_alternating_start_tags_same_tree)
{
	/* a name keeps up to four start tags (w:rPr alternates between a
	 * paragraph mark's and a run's, w:rFonts takes a few fonts in turn):
	 * two to five forms in turn, the namespace bound anew between them,
	 * many names sharing sets */
	static const char *const ok[] = {
	    "<r xmlns:p=\"A\"><p:x p:a=\"1\"/><p:x p:a=\"2\"/><p:x p:a=\"1\"/><p:x "
	    "p:a=\"2\"/><s xmlns:p=\"B\"><p:x p:a=\"2\"/><p:x p:a=\"1\"/><p:x "
	    "p:a=\"2\"/></s><p:x p:a=\"1\"/><p:x p:a=\"2\"/><q xmlns:p=\"C\"><p:x "
	    "p:a=\"1\"/></q><p:x p:a=\"1\"/></r>",
	    "<r><x a='1'/><x b='2'/><x c='3'/><x a='1'/><x b='2'/><x c='3'/><x b='2'/>"
	    "<x b='2'><y/></x><x a='1'>t</x><x c='3'/><x a='1'/><x/><x/><x a='1'/></r>",
	    "<r xmlns='D'><x a='1'/><x a='2'/><s xmlns='E'><x a='2'/><x a='1'/></s>"
	    "<x a='1'/><x a='2'/><s xmlns='F'><x a='2'/><x a='1'/></s><x a='2'/></r>",
	};
	static const char *const no[] = {
	    "<r><x a='1'/><x a='2'/><x a='1'/><x a='2' a='2'/></r>",
	    "<r xmlns:p='A'><p:x p:a='1'/><p:x p:a='2'/><s><p:x p:a='1' xmlns:p=''/></s></r>",
	};
	char many[8192];
	size_t n = 0;

	same_tree_or_declined(ok, sizeof(ok) / sizeof(ok[0]), no, sizeof(no) / sizeof(no[0]));
	/* 100 names in turn, each in two forms: sets shared, ways evicted */
	n += (size_t)snprintf(many + n, sizeof(many) - n, "<r xmlns:w='W'>");
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 100; i++)
			n += (size_t)snprintf(many + n, sizeof(many) - n, "<w:e%d w:v='%d'/>", i,
					      (round + i) % 2);
	}
	n += (size_t)snprintf(many + n, sizeof(many) - n, "</r>");
	ASSERT(n < sizeof(many));
	{
		const char *const big[] = {many};

		same_tree_or_declined(big, 1, NULL, 0);
	}
	/* 3 to 5 forms of 40 names in turn (more than a set's ways), of
	 * different lengths and numbers of attributes, some with children */
	for (int forms = 3; forms <= 5; forms++) {
		n = (size_t)snprintf(many, sizeof(many), "<r xmlns:w='W'>");
		for (int round = 0; round < 3; round++) {
			for (int i = 0; i < 40; i++) {
				int f = (round + i) % forms;

				n += (size_t)snprintf(many + n, sizeof(many) - n,
						      f % 2 != 0
							  ? "<w:e%d w:v='%d' w:x='%d'/>"
							  : "<w:e%d w:v='%d%d'><w:c/></w:e%d>",
						      i, f, f * 7, i);
			}
		}
		n += (size_t)snprintf(many + n, sizeof(many) - n, "</r>");
		ASSERT(n < sizeof(many));
		{
			const char *const big[] = {many};

			same_tree_or_declined(big, 1, NULL, 0);
		}
	}
}

TEST(xmlfast_end_tags_checked_against_the_open_element)
{
	/* an end tag naming the open element, '>' right after: taken without
	 * scanning the name; every other form as before */
	static const char *const ok[] = {
	    "<a></a>",
	    "<w:p xmlns:w=\"W\"><w:r><w:t>x</w:t></w:r><w:r ></w:r ><w:r/></w:p>",
	    "<a><bb></bb ><b></b\n></a>",
	    "<averyveryverylongname-over-16><x></x></averyveryverylongname-over-16>",
	};
	static const char *const no[] = {
	    "<ab></a>", "<a></ab>",	  "<a></a",
	    "<a></A>",	"<a><b></a></b>", "<p:a xmlns:p=\"P\"></a>",
	    "<a></a:>", "<a></a/>",	  "<a></ a>",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!both_s(ok[i]))
			TEST_FAIL_AT("declined: %s", ok[i]);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (both_s(no[i]))
			TEST_FAIL_AT("accepted: %s", no[i]);
	}
}

TEST(xmlfast_duplicate_attributes_and_declarations_refused)
{
	/* the duplicate attribute test only looks back when an earlier name
	 * shares its hash bit; a prefix declared twice is refused by it too */
	static const char *const ok[] = {
	    "<a xmlns:p=\"P\" xmlns:q=\"P\" xmlns=\"D\" p:x=\"1\" y=\"2\"/>",
	    "<a a=\"1\" b=\"1\" c=\"1\" d=\"1\" e=\"1\" f=\"1\" g=\"1\" h=\"1\" i=\"1\" j=\"1\" "
	    "k=\"1\" l=\"1\" m=\"1\" n=\"1\" o=\"1\" p=\"1\" q=\"1\" r=\"1\" s=\"1\" t=\"1\" "
	    "u=\"1\" v=\"1\" w=\"1\" x=\"1\" y=\"1\" z=\"1\" A=\"1\" B=\"1\" C=\"1\" D=\"1\" "
	    "E=\"1\" F=\"1\" G=\"1\" H=\"1\" I=\"1\" J=\"1\" K=\"1\" L=\"1\" M=\"1\" N=\"1\" "
	    "O=\"1\" P=\"1\" Q=\"1\" R=\"1\" S=\"1\" T=\"1\" U=\"1\" V=\"1\" W=\"1\" X=\"1\" "
	    "Y=\"1\" Z=\"1\" aa=\"1\" ab=\"1\" ac=\"1\" ad=\"1\" ae=\"1\" af=\"1\" ag=\"1\" "
	    "ah=\"1\" ai=\"1\" aj=\"1\" ak=\"1\" al=\"1\"/>",
	};
	static const char *const no[] = {
	    "<a xmlns:p=\"P\" xmlns:p=\"P\"/>",
	    "<a xmlns:p=\"P\" xmlns:q=\"Q\" xmlns:p=\"Q\"/>",
	    "<a xmlns=\"D\" xmlns=\"D\"/>",
	    "<a xmlns=\"D\" xmlns:p=\"P\" xmlns=\"E\"/>",
	    "<a x=\"1\" y=\"2\" x=\"3\"/>",
	    "<a a=\"1\" b=\"1\" c=\"1\" d=\"1\" e=\"1\" f=\"1\" g=\"1\" h=\"1\" i=\"1\" j=\"1\" "
	    "k=\"1\" l=\"1\" m=\"1\" n=\"1\" o=\"1\" p=\"1\" q=\"1\" r=\"1\" s=\"1\" t=\"1\" "
	    "u=\"1\" v=\"1\" w=\"1\" x=\"1\" y=\"1\" z=\"1\" A=\"1\" B=\"1\" C=\"1\" D=\"1\" "
	    "E=\"1\" F=\"1\" G=\"1\" H=\"1\" I=\"1\" J=\"1\" K=\"1\" L=\"1\" M=\"1\" N=\"1\" "
	    "O=\"1\" P=\"1\" Q=\"1\" R=\"1\" S=\"1\" T=\"1\" U=\"1\" V=\"1\" W=\"1\" X=\"1\" "
	    "Y=\"1\" Z=\"1\" aa=\"1\" ab=\"1\" ac=\"1\" ad=\"1\" ae=\"1\" af=\"1\" ag=\"1\" "
	    "ah=\"1\" ai=\"1\" aj=\"1\" ak=\"1\" c=\"1\"/>",
	    "<a xmlns:p=\"P\" xmlns:q=\"P\" p:x=\"1\" q:x=\"2\"/>",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!both_s(ok[i]))
			TEST_FAIL_AT("declined: %s", ok[i]);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (both_s(no[i]))
			TEST_FAIL_AT("accepted: %s", no[i]);
	}
}

TEST(xmlfast_repeated_elements_same_tree)
{
	/* an element whose bytes repeat an earlier one of its name at its depth
	 * is a copy of that one's nodes (both variants): the same tree as
	 * parsing it, whatever its text, references, names and scope */
	static const char *const ok[] = {
	    "<w:d xmlns:w=\"W\"><w:p><w:pPr><w:jc w:val=\"c\"/><w:rPr><w:sz w:val=\"1\"/></w:rPr>"
	    "</w:pPr><w:r><w:t>a</w:t></w:r></w:p><w:p><w:pPr><w:jc w:val=\"c\"/><w:rPr><w:sz "
	    "w:val=\"1\"/></w:rPr></w:pPr><w:r><w:t>b</w:t></w:r></w:p><w:p><w:pPr><w:jc "
	    "w:val=\"c\"/><w:rPr><w:sz w:val=\"1\"/></w:rPr></w:pPr><w:r><w:t>b</w:t></w:r></w:p>"
	    "</w:d>",
	    /* references decoded inside (text, values) and on the element itself */
	    "<r><a><b>x&amp;y</b><c k=\"&lt;\"/></a><a><b>x&amp;y</b><c k=\"&lt;\"/></a>"
	    "<a k=\"&amp;\"><b/></a><a k=\"&amp;\"><b/></a><a k=\"&amp;\"><b/></a></r>",
	    /* the xml namespace first used inside; declarations inside */
	    "<r><a><t xml:space=\"preserve\"> x </t></a><a><t xml:space=\"preserve\"> x </t></a>"
	    "</r>",
	    "<r><a xmlns:p=\"P\"><p:b/></a><a xmlns:p=\"P\"><p:b/></a><a><b xmlns=\"D\"/></a>"
	    "<a><b xmlns=\"D\"/></a><a><b xmlns=\"D\"><c/></b></a><a><b xmlns=\"D\"><c/></b></a>"
	    "</r>",
	    /* the prefix bound anew, another depth, the same name nested */
	    "<r xmlns:p=\"A\"><a><p:b/></a><s xmlns:p=\"B\"><a><p:b/></a><a><p:b/></a></s>"
	    "<a><p:b/></a><q><a><p:b/></a></q><a><p:b/></a></r>",
	    "<r><a><a><b/></a></a><a><a><b/></a></a><a><b/></a><a><a><b/></a></a></r>",
	    /* mixed content, white space, many attributes, last child */
	    "<r><a>t1<b/>t2<c>t3</c>t4</a><a>t1<b/>t2<c>t3</c>t4</a>tail<e> </e><e> </e>"
	    "<y a=\"1\" b=\"2\" c=\"3\" d=\"4\" e=\"5\" f=\"6\" g=\"7\" h=\"8\" i=\"9\"><z/></y>"
	    "<y a=\"1\" b=\"2\" c=\"3\" d=\"4\" e=\"5\" f=\"6\" g=\"7\" h=\"8\" i=\"9\"><z/></y>"
	    "</r>",
	    /* end tags written otherwise, a name over 16 bytes */
	    "<r><a><b/></a ><a><b/></a><a><b/></a ><a\n><b/></a><a><b/></a></r>",
	    "<r><averyveryverylongname><b/></averyveryverylongname><averyveryverylongname><b/>"
	    "</averyveryverylongname></r>",
	};
	static const char *const no[] = {
	    "<r><a><b/></a><a><b/></a",
	    "<r><a><b/></a><a><b/></a></r><a><b/></a>",
	    "<r xmlns:p=\"A\"><a><p:b/></a><a><p:b/></a><a><q:b/></a></r>",
	};

	same_tree_or_declined(ok, sizeof(ok) / sizeof(ok[0]), no, sizeof(no) / sizeof(no[0]));
	{
		/* repeated one level deeper, where its child is past the depth
		 * limit: refused as when parsed */
		struct buf b;

		buf_init(&b, 1u << 16);
		buf_adds(&b, "<r>");
		for (int i = 0; i < 125; i++)
			buf_adds(&b, "<q>");
		buf_adds(&b, "<a><b/></a><q><a><b/></a></q>");
		for (int i = 0; i < 125; i++)
			buf_adds(&b, "</q>");
		buf_adds(&b, "</r>");
		ASSERT(!both(b.p, b.len));
		buf_free(&b);
	}
}

TEST(xmlfast_repeated_elements_across_arena_chunks)
{
	/* thousands of elements each repeated once, of varying sizes: the
	 * arena's chunks end inside some of them (their nodes are not in one
	 * block then) and between the parts of others */
	struct buf b;
	char *copy;
	xmlDocPtr d = NULL;

	buf_init(&b, 1u << 24);
	buf_adds(&b, "<r>");
	for (unsigned i = 0; i < 4000; i++) {
		for (int k = 0; k < 2; k++) {
			buf_addf(&b, "<e a=\"%u\">", i);
			for (unsigned j = 0; j < i % 5; j++)
				buf_addf(&b, "<f b=\"%u\">some text here %u</f>", j, i);
			buf_adds(&b, "</e>");
		}
	}
	buf_adds(&b, "</r>");
	ASSERT(both(b.p, b.len));
	copy = xmalloc(b.len);
	memcpy(copy, b.p, b.len);
	ASSERT_EQ(doc_xmlfast_parse_owned(copy, b.len, &d), 0);
	ASSERT_EQ(stray_fields(xmlDocGetRootElement(d)), 0);
	doc_xml_free_doc(d);
	buf_free(&b);
}
