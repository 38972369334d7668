/* doc/xml: safe parsing and DOM helpers. See xml.h. */
#include "doc/xml.h"

#include "text/text.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlsave.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void silent_error(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void doc_xml_init(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, silent_error);
}

void doc_xml_cleanup(void)
{
	xmlCleanupParser();
}

/* A DOCTYPE anywhere is refused: OOXML never has one, and it is the door to
 * entity expansion attacks. Scan the raw bytes (UTF-8 or ASCII-compatible);
 * UTF-16 input is refused separately by requiring an ASCII-compatible start. */
static bool has_doctype(const char *data, size_t len)
{
	const char *p = data;
	const char *end = data + len;

	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (end - p >= 9 && p[1] == '!' &&
		    (memcmp(p, "<!DOCTYPE", 9) == 0 || memcmp(p, "<!doctype", 9) == 0 ||
		     memcmp(p, "<!ENTITY", 8) == 0))
			return true;
		p++;
	}
	return false;
}

/* libxml2 2.9 writes namespace URIs without escaping "<", so a document
 * with xmlns="a&lt;b" would serialize to XML that does not parse. OOXML
 * namespace URIs never contain it: refuse at the edge. The walk is
 * iterative because the depth comes from the input. */
static bool has_unwritable_namespace(xmlNodePtr root)
{
	xmlNodePtr n = root;

	while (n != NULL) {
		if (n->type == XML_ELEMENT_NODE) {
			for (xmlNsPtr ns = n->nsDef; ns != NULL; ns = ns->next) {
				if (ns->href != NULL && strchr((const char *)ns->href, '<') != NULL)
					return true;
			}
			if (n->children != NULL) {
				n = n->children;
				continue;
			}
		}
		while (n != root && n->next == NULL)
			n = n->parent;
		if (n == root)
			break;
		n = n->next;
	}
	return false;
}

/* OPC allows UTF-16 parts (with a byte order mark, or detectable from
 * "<?" as in XML 1.0 Appendix F): 1 little-endian, 2 big-endian, 0 not. */
static int xml_is_utf16(const char *data, size_t len)
{
	const unsigned char *u = (const unsigned char *)data;

	if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
		return 1;
	if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
		return 2;
	if (len >= 4 && u[0] == '<' && u[1] == 0 && u[2] == '?' && u[3] == 0)
		return 1;
	if (len >= 4 && u[0] == 0 && u[1] == '<' && u[2] == 0 && u[3] == '?')
		return 2;
	return 0;
}

/* Decode UTF-16 (BOM dropped, surrogates checked) into new UTF-8 bytes. */
static int utf16_to_utf8(const char *data, size_t len, char **out, size_t *out_len)
{
	const unsigned char *u = (const unsigned char *)data;
	int kind = xml_is_utf16(data, len);
	size_t i = (u[0] == 0xFF || u[0] == 0xFE) ? 2 : 0;
	struct buf b;

	buf_init(&b, len * 2 + 16);
	while (i + 1 < len) {
		uint32_t c = kind == 1 ? (uint32_t)(u[i] | (u[i + 1] << 8))
				       : (uint32_t)((u[i] << 8) | u[i + 1]);
		char tmp[4];

		i += 2;
		if (c >= 0xD800 && c <= 0xDBFF) {
			uint32_t lo;

			if (i + 1 >= len)
				goto out_bad;
			lo = kind == 1 ? (uint32_t)(u[i] | (u[i + 1] << 8))
				       : (uint32_t)((u[i] << 8) | u[i + 1]);
			if (lo < 0xDC00 || lo > 0xDFFF)
				goto out_bad;
			i += 2;
			c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
		} else if (c >= 0xDC00 && c <= 0xDFFF) {
			goto out_bad;
		}
		buf_add(&b, tmp, text_utf8_encode(c, tmp));
	}
	if (i != len)
		goto out_bad;
	*out = buf_detach(&b, out_len);
	return 0;
out_bad:
	buf_free(&b);
	return BASE_E_FORMAT;
}

/* The checks every parse starts with: size, UTF-16 converted to UTF-8 (the
 * bytes to parse are then *owned, freed by the caller), no DOCTYPE. */
static int xml_precheck(const char **data, size_t *len, char **owned, const char *label,
			struct err *e)
{
	*owned = NULL;
	doc_xml_init();
	if (*len > (size_t)INT32_MAX)
		return err_set(e, BASE_E_LIMIT, "%s: XML过大", label);
	if (xml_is_utf16(*data, *len) != 0) {
		if (utf16_to_utf8(*data, *len, owned, len) != 0)
			return err_set(e, BASE_E_FORMAT, "%s: UTF-16编码错误", label);
		*data = *owned;
	}
	if (has_doctype(*data, *len))
		return err_set(e, BASE_E_UNSAFE, "%s: XML含DTD/实体声明，已拒绝", label);
	return 0;
}

int doc_xml_parse(const char *data, size_t len, const char *label, xmlDocPtr *out, struct err *e)
{
	xmlParserCtxtPtr ctx;
	xmlDocPtr doc;
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;

	char *owned;
	int rc;

	*out = NULL;
	rc = xml_precheck(&data, &len, &owned, label, e);
	if (rc != 0) {
		free(owned);
		return rc;
	}
	ctx = xmlNewParserCtxt();
	if (ctx == NULL) {
		free(owned);
		return err_set(e, BASE_E_INTERNAL, "%s: 无法创建XML解析器", label);
	}
	/* Decode as UTF-8 whatever the declaration says: otherwise encoding="UTF-7"
	 * or BOM-less UTF-16 hides a DOCTYPE from has_doctype(). */
	doc = xmlCtxtReadMemory(ctx, data, (int)len, NULL, "UTF-8", opts | XML_PARSE_IGNORE_ENC);
	free(owned);
	if (doc == NULL || !ctx->wellFormed) {
		const xmlError *xe = xmlCtxtGetLastError(ctx);
		int line = xe ? xe->line : 0;

		if (doc != NULL)
			xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctx);
		return err_set(e, BASE_E_FORMAT, "%s: XML格式错误（第 %d 行）", label, line);
	}
	xmlFreeParserCtxt(ctx);
	if (doc->intSubset != NULL || doc->extSubset != NULL || xmlDocGetRootElement(doc) == NULL) {
		xmlFreeDoc(doc);
		return err_set(e, BASE_E_UNSAFE, "%s: XML含DTD或没有根元素", label);
	}
	if (has_unwritable_namespace(xmlDocGetRootElement(doc))) {
		xmlFreeDoc(doc);
		return err_set(e, BASE_E_FORMAT, "%s: XML命名空间URI含“<”", label);
	}
	*out = doc;
	return 0;
}

struct filter_state {
	xmlDocPtr doc;
	xmlNodePtr cur;
	int depth;
	int skip_from; /* depth where skipping started, -1 when building */
	doc_xml_keep_fn keep;
	void *ud;
};

static xmlNsPtr filter_ns(struct filter_state *st, xmlNodePtr at, const xmlChar *uri,
			  const xmlChar *prefix)
{
	xmlNodePtr root = xmlDocGetRootElement(st->doc);
	xmlNsPtr ns;

	if (uri == NULL)
		return NULL;
	ns = xmlSearchNsByHref(st->doc, at ? at : root, uri);
	if (ns == NULL)
		ns = xmlNewNs(root ? root : at, uri, prefix);
	return ns;
}

static void filter_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
			 int nb_ns, const xmlChar **nss, int nb_attrs, int nb_defaulted,
			 const xmlChar **attrs)
{
	struct filter_state *st = ((xmlParserCtxtPtr)ctx)->_private;
	char type[32] = "";
	bool has_type = false;
	xmlNodePtr n;

	(void)nb_ns;
	(void)nss;
	(void)nb_defaulted;
	if (st->skip_from >= 0) {
		st->depth++;
		return;
	}
	for (int i = 0; i < nb_attrs; i++) {
		const xmlChar **a = attrs + 5 * i;

		if (strcmp((const char *)a[0], "type") == 0 && a[2] != NULL &&
		    strcmp((const char *)a[2], NS_W) == 0) {
			size_t l = (size_t)(a[4] - a[3]);

			if (l >= sizeof(type))
				l = sizeof(type) - 1;
			memcpy(type, a[3], l);
			type[l] = '\0';
			has_type = true;
		}
	}
	if (!st->keep(st->depth, uri ? (const char *)uri : NULL, (const char *)local,
		      has_type ? type : NULL, st->ud)) {
		st->skip_from = st->depth;
		st->depth++;
		return;
	}
	n = xmlNewDocNode(st->doc, NULL, local, NULL);
	if (st->cur == NULL)
		xmlDocSetRootElement(st->doc, n);
	else
		xmlAddChild(st->cur, n);
	if (uri != NULL)
		xmlSetNs(n, filter_ns(st, n, uri, prefix));
	for (int i = 0; i < nb_attrs; i++) {
		const xmlChar **a = attrs + 5 * i;
		xmlChar *v = xmlStrndup(a[3], (int)(a[4] - a[3]));

		if (a[2] != NULL)
			xmlNewNsProp(n, filter_ns(st, n, a[2], a[1]), a[0], v);
		else
			xmlNewProp(n, a[0], v);
		xmlFree(v);
	}
	st->cur = n;
	st->depth++;
}

static void filter_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct filter_state *st = ((xmlParserCtxtPtr)ctx)->_private;

	(void)local;
	(void)prefix;
	(void)uri;
	st->depth--;
	if (st->skip_from >= 0) {
		if (st->depth == st->skip_from)
			st->skip_from = -1;
		return;
	}
	if (st->cur != NULL)
		st->cur = st->cur->parent && st->cur->parent->type == XML_ELEMENT_NODE
			      ? st->cur->parent
			      : NULL;
}

static void filter_chars(void *ctx, const xmlChar *ch, int len)
{
	struct filter_state *st = ((xmlParserCtxtPtr)ctx)->_private;

	if (st->skip_from < 0 && st->cur != NULL)
		xmlNodeAddContentLen(st->cur, ch, len);
}

int doc_xml_parse_filtered(const char *data, size_t len, const char *label, doc_xml_keep_fn keep,
			   void *ud, xmlDocPtr *out, struct err *e)
{
	struct filter_state st;
	xmlParserCtxtPtr ctx;
	int ok;

	char *owned;

	*out = NULL;
	ok = xml_precheck(&data, &len, &owned, label, e);
	if (ok != 0) {
		free(owned);
		return ok;
	}
	ctx = xmlCreateMemoryParserCtxt(data, (int)len);
	if (ctx == NULL) {
		free(owned);
		return err_set(e, BASE_E_FORMAT, "%s: 无法解析XML", label);
	}
	xmlCtxtUseOptions(ctx, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				   XML_PARSE_IGNORE_ENC);
	xmlSwitchEncoding(ctx, XML_CHAR_ENCODING_UTF8);
	memset(ctx->sax, 0, sizeof(*ctx->sax));
	ctx->sax->initialized = XML_SAX2_MAGIC;
	ctx->sax->startElementNs = filter_start;
	ctx->sax->endElementNs = filter_end;
	ctx->sax->characters = filter_chars;
	memset(&st, 0, sizeof(st));
	st.doc = xmlNewDoc((const xmlChar *)"1.0");
	st.skip_from = -1;
	st.keep = keep;
	st.ud = ud;
	ctx->_private = &st;
	xmlParseDocument(ctx);
	free(owned);
	ok = ctx->wellFormed && ctx->myDoc == NULL;
	if (ctx->myDoc != NULL)
		xmlFreeDoc(ctx->myDoc);
	xmlFreeParserCtxt(ctx);
	if (!ok || xmlDocGetRootElement(st.doc) == NULL) {
		xmlFreeDoc(st.doc);
		return err_set(e, BASE_E_FORMAT, "%s: XML格式错误", label);
	}
	*out = st.doc;
	return 0;
}

int doc_xml_serialize(xmlDocPtr doc, char **data, size_t *len, struct err *e)
{
	xmlChar *mem = NULL;
	int size = 0;

	doc->standalone = 1;
	xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
	if (mem == NULL)
		return err_set(e, BASE_E_INTERNAL, "XML序列化失败");
	*data = xstrndup((const char *)mem, (size_t)size);
	*len = (size_t)size;
	xmlFree(mem);
	return 0;
}

/* ns->href is uri (doc/xmlfast keeps the NS_* constants themselves, so
 * equal pointers usually answer without comparing the bytes). */
static bool href_is(const xmlNs *ns, const char *uri)
{
	return ns != NULL && ns->href != NULL &&
	       ((const char *)ns->href == uri || strcmp((const char *)ns->href, uri) == 0);
}

bool doc_xml_has_local(const xmlNode *n, const char *const *names, size_t nn)
{
	const xmlNode *top = n != NULL ? n->parent : NULL;
	const xmlNode *c = n;

	while (c != NULL) {
		if (c->type == XML_ELEMENT_NODE) {
			for (size_t k = 0; k < nn; k++) {
				if (strcmp((const char *)c->name, names[k]) == 0)
					return true;
			}
			if (c->children != NULL) {
				c = c->children;
				continue;
			}
		}
		while (c->next == NULL) {
			c = c->parent;
			if (c == NULL || c == top)
				return false;
		}
		c = c->next;
	}
	return false;
}

bool doc_xml_is(const xmlNode *n, const char *ns, const char *local)
{
	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return false;
	if (n->name[0] != (xmlChar)local[0] || strcmp((const char *)n->name, local) != 0)
		return false;
	if (ns == NULL)
		return n->ns == NULL;
	return href_is(n->ns, ns);
}

xmlNodePtr doc_xml_child(const xmlNode *n, const char *ns, const char *local)
{
	if (n == NULL)
		return NULL;
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		if (doc_xml_is(c, ns, local))
			return c;
	}
	return NULL;
}

xmlNodePtr doc_xml_next(const xmlNode *n, const char *ns, const char *local)
{
	for (xmlNodePtr c = n->next; c != NULL; c = c->next) {
		if (doc_xml_is(c, ns, local))
			return c;
	}
	return NULL;
}

/* The attribute xmlGetNsProp / xmlGetNoNsProp would find on n, without
 * their namespace searches; *simple says whether its value is one text node
 * (or empty), readable in place. Documents with a DTD (defaulted attributes)
 * are left to libxml2: *simple is false and NULL is returned. */
static const xmlAttr *find_attr(const xmlNode *n, const char *ns, const char *local, bool *simple)
{
	*simple = false;
	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return NULL;
	if (n->doc != NULL && (n->doc->intSubset != NULL || n->doc->extSubset != NULL))
		return NULL;
	*simple = true;
	for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
		if (a->name[0] != (xmlChar)local[0] || strcmp((const char *)a->name, local) != 0)
			continue;
		if (ns == NULL ? a->ns != NULL : !href_is(a->ns, ns))
			continue;
		*simple = a->children == NULL || (a->children->next == NULL &&
						  (a->children->type == XML_TEXT_NODE ||
						   a->children->type == XML_CDATA_SECTION_NODE));
		return a;
	}
	return NULL;
}

static xmlChar *attr_copy(const xmlNode *n, const char *ns, const char *local)
{
	if (ns == NULL)
		return xmlGetNoNsProp(n, (const xmlChar *)local);
	return xmlGetNsProp(n, (const xmlChar *)local, (const xmlChar *)ns);
}

const char *doc_xml_attr_ref(const xmlNode *n, const char *ns, const char *local, xmlChar **owned)
{
	bool simple;
	const xmlAttr *a = find_attr(n, ns, local, &simple);

	*owned = NULL;
	if (n == NULL)
		return NULL;
	if (!simple) {
		*owned = attr_copy(n, ns, local);
		return (const char *)*owned;
	}
	if (a == NULL)
		return NULL;
	return a->children == NULL ? "" : (const char *)a->children->content;
}

xmlChar *doc_xml_attr(const xmlNode *n, const char *ns, const char *local)
{
	xmlChar *owned;
	const char *v = doc_xml_attr_ref(n, ns, local, &owned);

	if (owned != NULL || v == NULL)
		return owned;
	return xmlStrdup((const xmlChar *)v);
}

bool doc_xml_str_long(const char *v, long *out)
{
	char *end;
	double d;

	{
		/* the common case, [-]digits (at most 9): what strtod gives, cheaper */
		const char *q = v + (v[0] == '-');
		long x = 0;
		size_t k = 0;

		while (k < 9 && q[k] >= '0' && q[k] <= '9') {
			x = x * 10 + (q[k] - '0');
			k++;
		}
		if (k > 0 && q[k] == '\0') {
			*out = v[0] == '-' ? -x : x;
			return true;
		}
	}
	d = strtod(v, &end);
	if (end != v && d > -1e9 && d < 1e9) {
		*out = (long)d;
		return true;
	}
	return false;
}

bool doc_xml_attr_long(const xmlNode *n, const char *ns, const char *local, long *out)
{
	xmlChar *owned;
	const char *v = doc_xml_attr_ref(n, ns, local, &owned);
	bool ok;

	if (v == NULL)
		return false;
	ok = doc_xml_str_long(v, out);
	xmlFree(owned);
	return ok;
}

bool doc_xml_attr_eq(const xmlNode *n, const char *ns, const char *local, const char *s)
{
	xmlChar *owned;
	const char *v = doc_xml_attr_ref(n, ns, local, &owned);
	bool eq = v != NULL && strcmp(v, s) == 0;

	xmlFree(owned);
	return eq;
}

xmlNsPtr doc_xml_wns(xmlNodePtr n)
{
	xmlNodePtr root = xmlDocGetRootElement(n->doc);
	xmlNsPtr ns;

	/* A node created with the w namespace but not yet in the tree carries
	 * it itself; otherwise look it up here, then at the root. */
	if (n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
	    strcmp((const char *)n->ns->href, NS_W) == 0)
		return n->ns;
	ns = xmlSearchNsByHref(n->doc, n, (const xmlChar *)NS_W);
	if (ns == NULL && root != NULL)
		ns = xmlSearchNsByHref(n->doc, root, (const xmlChar *)NS_W);
	if (ns == NULL && root != NULL)
		ns = xmlNewNs(root, (const xmlChar *)NS_W, (const xmlChar *)"w");
	if (ns == NULL && root != NULL) /* "w" taken by another URI */
		ns = xmlNewNs(root, (const xmlChar *)NS_W, (const xmlChar *)"sw");
	return ns;
}

/* Attributes need a prefixed declaration: an unprefixed attribute is in no
 * namespace even where W is the default namespace of the elements. */
static xmlNsPtr wns_prefixed(xmlNodePtr n)
{
	xmlNsPtr ns = doc_xml_wns(n);
	xmlNodePtr root = xmlDocGetRootElement(n->doc);

	if (ns != NULL && ns->prefix != NULL)
		return ns;
	for (xmlNodePtr a = n; a != NULL && a->type == XML_ELEMENT_NODE; a = a->parent) {
		for (xmlNsPtr x = a->nsDef; x != NULL; x = x->next) {
			if (x->prefix != NULL && x->href != NULL &&
			    strcmp((const char *)x->href, NS_W) == 0)
				return x;
		}
	}
	for (xmlNsPtr x = root ? root->nsDef : NULL; x != NULL; x = x->next) {
		if (x->prefix != NULL && x->href != NULL &&
		    strcmp((const char *)x->href, NS_W) == 0)
			return x;
	}
	ns = root ? xmlNewNs(root, (const xmlChar *)NS_W, (const xmlChar *)"w") : NULL;
	if (ns == NULL && root != NULL)
		ns = xmlNewNs(root, (const xmlChar *)NS_W, (const xmlChar *)"sw");
	return ns;
}

void doc_xml_set_wattr(xmlNodePtr n, const char *local, const char *value)
{
	xmlSetNsProp(n, wns_prefixed(n), (const xmlChar *)local, (const xmlChar *)value);
}

void doc_xml_set_wattr_long(xmlNodePtr n, const char *local, long value)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%ld", value);
	doc_xml_set_wattr(n, local, tmp);
}

void doc_xml_unset_wattr(xmlNodePtr n, const char *local)
{
	xmlAttrPtr a = xmlHasNsProp(n, (const xmlChar *)local, (const xmlChar *)NS_W);

	if (a != NULL)
		xmlRemoveProp(a);
}

static int order_index(const char *const *order, const char *local)
{
	for (int i = 0; order != NULL && order[i] != NULL; i++) {
		if (strcmp(order[i], local) == 0)
			return i;
	}
	return -1;
}

xmlNodePtr doc_xml_wchild_ensure(xmlNodePtr parent, const char *local, const char *const *order)
{
	xmlNodePtr c = doc_xml_child(parent, NS_W, local);
	int want;
	xmlNodePtr n;

	if (c != NULL)
		return c;
	n = xmlNewDocNode(parent->doc, doc_xml_wns(parent), (const xmlChar *)local, NULL);
	want = order_index(order, local);
	if (want >= 0) {
		for (c = parent->children; c != NULL; c = c->next) {
			int have;

			if (c->type != XML_ELEMENT_NODE || c->ns == NULL ||
			    strcmp((const char *)c->ns->href, NS_W) != 0)
				continue;
			have = order_index(order, (const char *)c->name);
			if (have > want)
				return xmlAddPrevSibling(c, n);
		}
	}
	return xmlAddChild(parent, n);
}
