/* doc/docx_edit: editing the DOM of a .docx and saving it. See docx.h. */
#include "doc/docx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ECMA-376 CT_PPrBase / CT_PPr child order. */
const char *const doc_docx_ppr_order[] = {"pStyle",
					  "keepNext",
					  "keepLines",
					  "pageBreakBefore",
					  "framePr",
					  "widowControl",
					  "numPr",
					  "suppressLineNumbers",
					  "pBdr",
					  "shd",
					  "tabs",
					  "suppressAutoHyphens",
					  "kinsoku",
					  "wordWrap",
					  "overflowPunct",
					  "topLinePunct",
					  "autoSpaceDE",
					  "autoSpaceDN",
					  "bidi",
					  "adjustRightInd",
					  "snapToGrid",
					  "spacing",
					  "ind",
					  "contextualSpacing",
					  "mirrorIndents",
					  "suppressOverlap",
					  "jc",
					  "textDirection",
					  "textAlignment",
					  "textboxTightWrap",
					  "outlineLvl",
					  "divId",
					  "cnfStyle",
					  "rPr",
					  "sectPr",
					  "pPrChange",
					  NULL};

/* ECMA-376 EG_RPrBase child order. */
static const char *const rpr_order[] = {"rStyle",
					"rFonts",
					"b",
					"bCs",
					"i",
					"iCs",
					"caps",
					"smallCaps",
					"strike",
					"dstrike",
					"outline",
					"shadow",
					"emboss",
					"imprint",
					"noProof",
					"snapToGrid",
					"vanish",
					"webHidden",
					"color",
					"spacing",
					"w",
					"kern",
					"position",
					"sz",
					"szCs",
					"highlight",
					"u",
					"effect",
					"bdr",
					"shd",
					"fitText",
					"vertAlign",
					"rtl",
					"cs",
					"em",
					"lang",
					"eastAsianLayout",
					"specVanish",
					"oMath",
					"rPrChange",
					NULL};

xmlNodePtr doc_docx_ppr(xmlNodePtr p)
{
	xmlNodePtr ppr = doc_xml_child(p, NS_W, "pPr");

	if (ppr == NULL) {
		ppr = xmlNewDocNode(p->doc, doc_xml_wns(p), (const xmlChar *)"pPr", NULL);
		if (p->children != NULL)
			xmlAddPrevSibling(p->children, ppr);
		else
			xmlAddChild(p, ppr);
	}
	return ppr;
}

xmlNodePtr doc_docx_rpr(xmlNodePtr r)
{
	xmlNodePtr rpr = doc_xml_child(r, NS_W, "rPr");

	if (rpr == NULL) {
		rpr = xmlNewDocNode(r->doc, doc_xml_wns(r), (const xmlChar *)"rPr", NULL);
		if (r->children != NULL)
			xmlAddPrevSibling(r->children, rpr);
		else
			xmlAddChild(r, rpr);
	}
	return rpr;
}

void doc_docx_set_jc(xmlNodePtr p, const char *jc)
{
	xmlNodePtr n = doc_xml_wchild_ensure(doc_docx_ppr(p), "jc", doc_docx_ppr_order);

	doc_xml_set_wattr(n, "val", jc);
}

void doc_docx_set_ind(xmlNodePtr p, long left, long first, long right)
{
	xmlNodePtr n = doc_xml_wchild_ensure(doc_docx_ppr(p), "ind", doc_docx_ppr_order);
	static const char *const clear[] = {
	    "leftChars",    "rightChars", "startChars", "endChars", "firstLineChars",
	    "hangingChars", "start",	  "end",	"hanging",  "firstLine"};

	for (size_t i = 0; i < ARRAY_LEN(clear); i++)
		doc_xml_unset_wattr(n, clear[i]);
	doc_xml_set_wattr_long(n, "left", left);
	doc_xml_set_wattr_long(n, "right", right);
	if (first < 0)
		doc_xml_set_wattr_long(n, "hanging", -first);
	else
		doc_xml_set_wattr_long(n, "firstLine", first);
	/* Explicit zero *Chars so a style's character indents cannot win. */
	doc_xml_set_wattr_long(n, "leftChars", 0);
	doc_xml_set_wattr_long(n, "rightChars", 0);
	doc_xml_set_wattr_long(n, first < 0 ? "hangingChars" : "firstLineChars", 0);
}

void doc_docx_set_line_exact(xmlNodePtr p, long twips)
{
	xmlNodePtr n = doc_xml_wchild_ensure(doc_docx_ppr(p), "spacing", doc_docx_ppr_order);

	doc_xml_set_wattr_long(n, "line", twips);
	doc_xml_set_wattr(n, "lineRule", "exact");
}

void doc_docx_set_run_font(xmlNodePtr r, const char *ea, const char *latin)
{
	xmlNodePtr n = doc_xml_wchild_ensure(doc_docx_rpr(r), "rFonts", rpr_order);
	static const char *const themes[] = {"asciiTheme", "hAnsiTheme", "eastAsiaTheme",
					     "cstheme"};

	for (size_t i = 0; i < ARRAY_LEN(themes); i++)
		doc_xml_unset_wattr(n, themes[i]);
	doc_xml_set_wattr(n, "ascii", latin ? latin : ea);
	doc_xml_set_wattr(n, "hAnsi", latin ? latin : ea);
	doc_xml_set_wattr(n, "eastAsia", ea);
	doc_xml_set_wattr(n, "cs", latin ? latin : ea);
}

void doc_docx_set_run_size(xmlNodePtr r, int half_points)
{
	xmlNodePtr rpr = doc_docx_rpr(r);

	doc_xml_set_wattr_long(doc_xml_wchild_ensure(rpr, "sz", rpr_order), "val", half_points);
	doc_xml_set_wattr_long(doc_xml_wchild_ensure(rpr, "szCs", rpr_order), "val", half_points);
}

void doc_docx_set_run_bold(xmlNodePtr r, bool on)
{
	xmlNodePtr rpr = doc_docx_rpr(r);

	doc_xml_set_wattr(doc_xml_wchild_ensure(rpr, "b", rpr_order), "val", on ? "1" : "0");
	doc_xml_set_wattr(doc_xml_wchild_ensure(rpr, "bCs", rpr_order), "val", on ? "1" : "0");
}

void doc_docx_set_run_color(xmlNodePtr r, const char *hex)
{
	xmlNodePtr rpr = doc_docx_rpr(r);
	xmlNodePtr c = doc_xml_child(rpr, NS_W, "color");

	if (hex == NULL) {
		if (c != NULL) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
		return;
	}
	doc_xml_set_wattr(doc_xml_wchild_ensure(rpr, "color", rpr_order), "val", hex);
}

void doc_docx_set_run_hint_ea(xmlNodePtr r)
{
	xmlNodePtr n = doc_xml_wchild_ensure(doc_docx_rpr(r), "rFonts", rpr_order);

	doc_xml_set_wattr(n, "hint", "eastAsia");
}

/* Replace the text of a w:t element, keeping xml:space="preserve" right. */
static void set_t_text(xmlNodePtr t, const uint32_t *p, size_t n)
{
	struct buf b;
	xmlNodePtr c;

	while ((c = t->children) != NULL) {
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	buf_init(&b, (size_t)1 << 30);
	text_buf_add_ucs(&b, p, n);
	xmlNodeAddContentLen(t, (const xmlChar *)b.p, (int)b.len);
	if (n > 0 && (text_is_ws(p[0]) || text_is_ws(p[n - 1])))
		xmlNodeSetSpacePreserve(t, 1);
	buf_free(&b);
}

static bool seg_overlaps(const struct doc_seg *s, size_t start, size_t end)
{
	return s->start < end && start < s->start + s->len;
}

int doc_docx_replace_text(struct doc_docx *d, xmlNodePtr p, size_t start, size_t end,
			  const uint32_t *rep, size_t n)
{
	struct doc_ptext pt;
	struct doc_seg *host = NULL;
	int rc = 0;

	doc_ptext_init(&pt);
	doc_docx_para_text(p, &pt);
	if (end < start || end > pt.text.len) {
		rc = BASE_E_USAGE;
		goto out;
	}
	for (size_t i = 0; i < pt.nsegs; i++) {
		struct doc_seg *s = &pt.segs[i];

		if (seg_overlaps(s, start, end) && s->kind != DOC_SEG_TEXT) {
			rc = BASE_E_USAGE;
			goto out;
		}
		if (host == NULL && s->kind == DOC_SEG_TEXT && s->start <= start &&
		    (start < s->start + s->len || (start == end && start == s->start + s->len)))
			host = s;
	}
	if (host == NULL) {
		rc = BASE_E_USAGE;
		goto out;
	}
	for (size_t i = pt.nsegs; i-- > 0;) {
		struct doc_seg *s = &pt.segs[i];
		size_t a;
		size_t b;
		struct ustr nt;

		if (s->kind != DOC_SEG_TEXT || (s != host && !seg_overlaps(s, start, end)))
			continue;
		a = (start > s->start ? start : s->start) - s->start;
		b = (end < s->start + s->len ? end : s->start + s->len) - s->start;
		if (b < a)
			b = a;
		ustr_init(&nt);
		ustr_add(&nt, pt.text.p + s->start, a);
		if (s == host)
			ustr_add(&nt, rep, n);
		ustr_add(&nt, pt.text.p + s->start + b, s->len - b);
		set_t_text(s->node, nt.p, nt.len);
		ustr_free(&nt);
	}
	doc_docx_mark_dirty(d);
out:
	doc_ptext_free(&pt);
	return rc;
}

/* Code-point length of one run child (text, tab, break). */
static size_t child_len(xmlNodePtr c)
{
	size_t n = 0;

	if (doc_xml_is(c, NS_W, "t")) {
		xmlChar *s = xmlNodeGetContent(c);

		if (s != NULL) {
			n = text_ucs_len((const char *)s);
			xmlFree(s);
		}
	} else if (doc_xml_is(c, NS_W, "tab") || doc_xml_is(c, NS_W, "br") ||
		   doc_xml_is(c, NS_W, "cr")) {
		n = 1;
	}
	return n;
}

/* Keep only code points [a,b) of a w:t element. */
static void trim_t(xmlNodePtr t, size_t a, size_t b)
{
	xmlChar *s = xmlNodeGetContent(t);
	struct ustr u;

	ustr_init(&u);
	if (s != NULL) {
		ustr_add_utf8(&u, (const char *)s, strlen((const char *)s));
		xmlFree(s);
	}
	if (b > u.len)
		b = u.len;
	if (a > b)
		a = b;
	set_t_text(t, u.p + a, b - a);
	ustr_free(&u);
}

xmlNodePtr doc_docx_split_run(xmlNodePtr r, size_t at)
{
	xmlNodePtr second;
	xmlNodePtr c;
	xmlNodePtr next;
	size_t pos = 0;
	size_t total = 0;

	for (c = r->children; c != NULL; c = c->next)
		total += child_len(c);
	if (at == 0)
		return r;
	if (at >= total)
		return NULL;
	second = xmlDocCopyNode(r, r->doc, 1);
	/* First run keeps [0,at). */
	for (c = r->children; c != NULL; c = next) {
		size_t len = child_len(c);

		next = c->next;
		if (doc_xml_is(c, NS_W, "rPr") || len == 0) {
			pos += len;
			continue;
		}
		if (pos >= at) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		} else if (pos + len > at) {
			trim_t(c, 0, at - pos);
		}
		pos += len;
	}
	/* Second run keeps [at,total). */
	pos = 0;
	for (c = second->children; c != NULL; c = next) {
		size_t len = child_len(c);

		next = c->next;
		if (doc_xml_is(c, NS_W, "rPr")) {
			continue;
		}
		if (len == 0) {
			/* Non-text content (field chars, drawings) stays with the first run. */
			if (pos < at) {
				xmlUnlinkNode(c);
				xmlFreeNode(c);
			}
			continue;
		}
		if (pos + len <= at) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		} else if (pos < at) {
			trim_t(c, at - pos, len);
		}
		pos += len;
	}
	xmlAddNextSibling(r, second);
	return second;
}

/* --- comments ------------------------------------------------------- */

#define REL_COMMENTS "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
#define CT_COMMENTS  "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"

static char *main_rels_name(const struct doc_docx *d)
{
	const char *slash = strrchr(d->main_name, '/');
	size_t n = strlen(d->main_name) + 16;
	char *s = xmalloc(n);

	if (slash != NULL)
		snprintf(s, n, "%.*s/_rels/%s.rels", (int)(slash - d->main_name), d->main_name,
			 slash + 1);
	else
		snprintf(s, n, "_rels/%s.rels", d->main_name);
	return s;
}

static void register_new_part(struct doc_docx *d, const char *name, xmlDocPtr doc)
{
	d->parts = xgrow(d->parts, &d->parts_cap, d->nparts + 1, sizeof(*d->parts));
	d->parts[d->nparts].name = xstrdup(name);
	d->parts[d->nparts].doc = doc;
	d->parts[d->nparts].dirty = true;
	d->nparts++;
}

static int add_rel(struct doc_docx *d, const char *type, const char *target, char *rid_out,
		   size_t ridsz, struct err *e)
{
	char *relname = main_rels_name(d);
	xmlDocPtr rels = doc_docx_part(d, relname, NULL);
	xmlNodePtr root;
	xmlNodePtr rel;
	int max = 0;

	if (rels == NULL) {
		rels = xmlNewDoc((const xmlChar *)"1.0");
		root = xmlNewDocNode(rels, NULL, (const xmlChar *)"Relationships", NULL);
		xmlSetNs(root, xmlNewNs(root, (const xmlChar *)NS_PR, NULL));
		xmlDocSetRootElement(rels, root);
		register_new_part(d, relname, rels);
	}
	root = xmlDocGetRootElement(rels);
	for (xmlNodePtr r = root->children; r != NULL; r = r->next) {
		xmlChar *id = doc_xml_attr(r, NULL, "Id");

		if (id != NULL && strncmp((const char *)id, "rId", 3) == 0) {
			int v = (int)strtol((const char *)id + 3, NULL, 10);

			if (v > max)
				max = v;
		}
		xmlFree(id);
	}
	snprintf(rid_out, ridsz, "rId%d", max + 1);
	rel = xmlNewDocNode(rels, root->ns, (const xmlChar *)"Relationship", NULL);
	xmlNewProp(rel, (const xmlChar *)"Id", (const xmlChar *)rid_out);
	xmlNewProp(rel, (const xmlChar *)"Type", (const xmlChar *)type);
	xmlNewProp(rel, (const xmlChar *)"Target", (const xmlChar *)target);
	xmlAddChild(root, rel);
	doc_docx_part_dirty(d, relname);
	free(relname);
	(void)e;
	return 0;
}

static int add_content_override(struct doc_docx *d, const char *part, const char *ctype,
				struct err *e)
{
	xmlDocPtr ct = doc_docx_part(d, "[Content_Types].xml", e);
	xmlNodePtr root;
	xmlNodePtr o;
	char name[1024];

	if (ct == NULL)
		return e && e->code ? e->code : BASE_E_FORMAT;
	snprintf(name, sizeof(name), "/%s", part);
	root = xmlDocGetRootElement(ct);
	for (xmlNodePtr c = root->children; c != NULL; c = c->next) {
		if (doc_xml_is(c, NS_CT, "Override") && doc_xml_attr_eq(c, NULL, "PartName", name))
			return 0;
	}
	o = xmlNewDocNode(ct, root->ns, (const xmlChar *)"Override", NULL);
	xmlNewProp(o, (const xmlChar *)"PartName", (const xmlChar *)name);
	xmlNewProp(o, (const xmlChar *)"ContentType", (const xmlChar *)ctype);
	xmlAddChild(root, o);
	doc_docx_part_dirty(d, "[Content_Types].xml");
	return 0;
}

static xmlDocPtr comments_part(struct doc_docx *d, struct err *e)
{
	const struct doc_rel *rel = doc_docx_rel_by_type(d, "/comments", 0);
	char *dir;
	char name[600];
	char rid[32];
	xmlDocPtr doc;
	xmlNodePtr root;

	if (rel != NULL) {
		doc = doc_docx_part(d, rel->target, e);
		if (doc != NULL)
			doc_docx_part_dirty(d, rel->target);
		return doc;
	}
	for (size_t i = 0; i < d->nparts; i++) {
		const char *n = d->parts[i].name;
		size_t l = strlen(n);

		if (l >= 12 && strcmp(n + l - 12, "comments.xml") == 0)
			return d->parts[i].doc;
	}
	dir = xstrdup(d->main_name);
	if (strrchr(dir, '/') != NULL)
		*strrchr(dir, '/') = '\0';
	else
		dir[0] = '\0';
	snprintf(name, sizeof(name), "%s%sshuzhi-comments.xml", dir, dir[0] ? "/" : "");
	free(dir);
	if (doc_zip_find(d->zip, name) >= 0)
		return NULL;
	doc = xmlNewDoc((const xmlChar *)"1.0");
	root = xmlNewDocNode(doc, NULL, (const xmlChar *)"comments", NULL);
	xmlSetNs(root, xmlNewNs(root, (const xmlChar *)NS_W, (const xmlChar *)"w"));
	xmlDocSetRootElement(doc, root);
	register_new_part(d, name, doc);
	add_rel(d, REL_COMMENTS, "shuzhi-comments.xml", rid, sizeof(rid), e);
	if (add_content_override(d, name, CT_COMMENTS, e) != 0)
		return NULL;
	return doc;
}

static xmlNodePtr wnode(xmlDocPtr doc, xmlNsPtr ns, const char *name)
{
	return xmlNewDocNode(doc, ns, (const xmlChar *)name, NULL);
}

int doc_docx_add_comment(struct doc_docx *d, xmlNodePtr p, const char *author, const char *text,
			 struct err *e)
{
	xmlDocPtr cdoc = comments_part(d, e);
	xmlNodePtr root;
	xmlNodePtr c;
	xmlNodePtr cp;
	xmlNodePtr r;
	xmlNodePtr t;
	xmlNodePtr start;
	xmlNodePtr end;
	xmlNodePtr ref;
	xmlNsPtr cns;
	xmlNsPtr pns = doc_xml_wns(p);
	long max = -1;
	char date[32];
	time_t now = time(NULL);
	struct tm tmv;

	if (cdoc == NULL)
		return e && e->code ? e->code : BASE_E_FORMAT;
	root = xmlDocGetRootElement(cdoc);
	cns = doc_xml_wns(root);
	for (xmlNodePtr x = root->children; x != NULL; x = x->next) {
		long v;

		if (doc_xml_is(x, NS_W, "comment") && doc_xml_attr_long(x, NS_W, "id", &v) &&
		    v > max)
			max = v;
	}
	gmtime_r(&now, &tmv);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tmv);
	c = wnode(cdoc, cns, "comment");
	doc_xml_set_wattr_long(c, "id", max + 1);
	doc_xml_set_wattr(c, "author", author);
	doc_xml_set_wattr(c, "date", date);
	doc_xml_set_wattr(c, "initials", "SZ");
	cp = wnode(cdoc, cns, "p");
	r = wnode(cdoc, cns, "r");
	t = wnode(cdoc, cns, "t");
	xmlNodeAddContent(t, (const xmlChar *)text);
	xmlAddChild(r, t);
	xmlAddChild(cp, r);
	xmlAddChild(c, cp);
	xmlAddChild(root, c);

	start = wnode(p->doc, pns, "commentRangeStart");
	doc_xml_set_wattr_long(start, "id", max + 1);
	end = wnode(p->doc, pns, "commentRangeEnd");
	doc_xml_set_wattr_long(end, "id", max + 1);
	ref = wnode(p->doc, pns, "r");
	{
		xmlNodePtr cr = wnode(p->doc, pns, "commentReference");

		doc_xml_set_wattr_long(cr, "id", max + 1);
		xmlAddChild(ref, cr);
	}
	{
		xmlNodePtr ppr = doc_xml_child(p, NS_W, "pPr");

		if (ppr != NULL)
			xmlAddNextSibling(ppr, start);
		else if (p->children != NULL)
			xmlAddPrevSibling(p->children, start);
		else
			xmlAddChild(p, start);
	}
	xmlAddChild(p, end);
	xmlAddChild(p, ref);
	doc_docx_mark_dirty(d);
	return 0;
}

/* --- saving --------------------------------------------------------- */

static struct doc_part *find_part(struct doc_docx *d, const char *name)
{
	for (size_t i = 0; i < d->nparts; i++) {
		if (strcasecmp(d->parts[i].name, name) == 0)
			return &d->parts[i];
	}
	return NULL;
}

static int add_serialized(struct doc_zip_writer *w, const char *name, xmlDocPtr doc, struct err *e)
{
	char *data;
	size_t len;
	int rc = doc_xml_serialize(doc, &data, &len, e);

	if (rc != 0)
		return rc;
	doc_zip_writer_add(w, name, data, len);
	free(data);
	return 0;
}

int doc_docx_save(struct doc_docx *d, const char *path, struct err *e)
{
	struct doc_zip_writer *w;
	int rc = 0;

	if (d->readonly)
		return err_set(e, BASE_E_USAGE, "%s: 以只读方式打开的文档不能保存", d->path);
	w = doc_zip_writer_new();
	if (strcmp(path, d->path) == 0) {
		doc_zip_writer_free(w);
		return err_set(e, BASE_E_USAGE, "%s: 输出文件不能与输入文件相同", path);
	}
	for (size_t i = 0; i < doc_zip_count(d->zip) && rc == 0; i++) {
		const char *name = doc_zip_name(d->zip, i);
		struct doc_part *p = find_part(d, name);
		char *data;
		size_t len;

		if (p != NULL && p->dirty) {
			rc = add_serialized(w, name, p->doc, e);
			continue;
		}
		rc = doc_zip_read_index(d->zip, i, &data, &len, e);
		if (rc == 0) {
			doc_zip_writer_add(w, name, data, len);
			free(data);
		}
	}
	for (size_t i = 0; i < d->nparts && rc == 0; i++) {
		if (doc_zip_find(d->zip, d->parts[i].name) < 0)
			rc = add_serialized(w, d->parts[i].name, d->parts[i].doc, e);
	}
	if (rc == 0)
		rc = doc_zip_writer_save(w, path, e);
	doc_zip_writer_free(w);
	return rc;
}
