/*
 * kb/extract: .html and .docx to the text the chunker reads. HTML goes
 * through libxml2's HTML parser with the network off and no external
 * entities; headings become '#' lines, block elements end a line, script,
 * style and other invisible elements are dropped.
 */
#include <string.h>

#include <libxml/HTMLparser.h>

#include "doc/docx.h"
#include "kb/kb.h"
#include "text/text.h"

static bool html_is(const xmlNode *n, const char *name)
{
	return n->name != NULL && strcmp((const char *)n->name, name) == 0;
}

static bool html_block(const xmlNode *n)
{
	static const char *blocks[] = {"p",  "div", "br",  "li",	 "tr", "table", "section",
				       "h1", "h2",  "h3",  "h4",	 "h5", "h6",	"article",
				       "ul", "ol",  "pre", "blockquote", "td", "dd",	"dt"};

	for (size_t i = 0; i < ARRAY_LEN(blocks); i++) {
		if (html_is(n, blocks[i]))
			return true;
	}
	return false;
}

static int html_walk(const xmlNode *n, struct buf *out, int depth)
{
	int rc = 0;

	if (depth > 200)
		return 0; /* nesting beyond any real page: the rest is ignored */
	for (; n != NULL && rc == 0; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			const char *t = (const char *)n->content;

			for (; t != NULL && *t != '\0' && rc == 0; t++)
				rc = buf_addc(out, *t == '\n' || *t == '\r' ? ' ' : *t);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (html_is(n, "script") || html_is(n, "style") || html_is(n, "head") ||
		    html_is(n, "noscript") || html_is(n, "template"))
			continue;
		if (html_block(n) && out->len > 0 && out->p[out->len - 1] != '\n')
			rc = buf_addc(out, '\n');
		if (rc == 0 && n->name != NULL && n->name[0] == 'h' && n->name[1] >= '1' &&
		    n->name[1] <= '6' && n->name[2] == '\0') {
			for (int i = 0; i < n->name[1] - '0' && rc == 0; i++)
				rc = buf_addc(out, '#');
			if (rc == 0)
				rc = buf_addc(out, ' ');
		}
		if (rc == 0)
			rc = html_walk(n->children, out, depth + 1);
		if (rc == 0 && html_block(n) && out->len > 0 && out->p[out->len - 1] != '\n')
			rc = buf_addc(out, '\n');
	}
	return rc;
}

static const xmlNode *html_find(const xmlNode *n, const char *name, int depth)
{
	for (; n != NULL && depth < 64; n = n->next) {
		const xmlNode *f;

		if (n->type == XML_ELEMENT_NODE && html_is(n, name))
			return n;
		f = html_find(n->children, name, depth + 1);
		if (f != NULL)
			return f;
	}
	return NULL;
}

int kb_html_to_text(const char *html, size_t len, char **text, size_t *tlen, struct err *e)
{
	htmlDocPtr doc;
	struct buf out;
	const xmlNode *t;
	int rc;

	*text = NULL;
	*tlen = 0;
	if (len > KB_HTML_MAX)
		return err_set(e, BASE_E_LIMIT, "HTML 文件超过 %u MB", KB_HTML_MAX >> 20);
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
			     HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				 HTML_PARSE_NOBLANKS | HTML_PARSE_COMPACT);
	if (doc == NULL)
		return err_set(e, BASE_E_FORMAT, "无法解析 HTML");
	buf_init(&out, 2 * (size_t)KB_HTML_MAX);
	t = html_find(xmlDocGetRootElement(doc), "title", 0);
	if (t != NULL && t->children != NULL && t->children->content != NULL) {
		buf_adds(&out, "# ");
		for (const char *c = (const char *)t->children->content; *c; c++)
			buf_addc(&out, *c == '\n' ? ' ' : *c);
		buf_addc(&out, '\n');
	}
	rc = html_walk(xmlDocGetRootElement(doc), &out, 0);
	xmlFreeDoc(doc);
	if (rc != 0) {
		buf_free(&out);
		return err_set(e, BASE_E_LIMIT, "HTML 文本超过上限");
	}
	if (!text_utf8_valid(out.p ? out.p : "", out.len, NULL)) {
		buf_free(&out);
		return err_set(e, BASE_E_FORMAT, "HTML 含无效的 UTF-8 文本");
	}
	*text = buf_detach(&out, tlen);
	return 0;
}

int kb_docx_to_text(const char *path, char **text, size_t *tlen, struct err *e)
{
	struct doc_docx *d;
	struct buf out;
	int rc;

	*text = NULL;
	*tlen = 0;
	rc = doc_docx_open(path, &d, e);
	if (rc != 0)
		return rc;
	buf_init(&out, KB_FILE_MAX);
	for (size_t i = 0; i < d->npara && rc == 0; i++) {
		struct doc_ptext pt;

		doc_ptext_init(&pt);
		doc_docx_para_text(d->paras[i], &pt);
		rc = text_buf_add_ucs(&out, pt.text.p, pt.text.len);
		if (rc == 0)
			rc = buf_addc(&out, '\n');
		doc_ptext_free(&pt);
	}
	doc_docx_free(d);
	if (rc != 0) {
		buf_free(&out);
		return err_set(e, BASE_E_LIMIT, "文档文本超过 %u MB", KB_FILE_MAX >> 20);
	}
	*text = buf_detach(&out, tlen);
	return 0;
}
