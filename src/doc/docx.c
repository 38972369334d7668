/* doc/docx: loading, effective properties and text of a .docx. See docx.h. */
#define _GNU_SOURCE /* memmem */
#include "doc/docx.h"

#include "doc/docx_styles.h"

#include "doc/xmlfast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_STYLE_DEPTH 32

/* The relationship target's path as the source part's folder and the
 * target name it: '/' splits; empty and "." segments go, ".." drops the one
 * before; at most MAX_SEGS segments are kept (the rest are dropped, though
 * a ".." still drops the last one kept), joined by '/' while the result
 * stays within MAX_RESOLVED bytes (a piece that would not fit is left out,
 * later ones that do fit are kept). One pass, no copy of the input. */
#define MAX_SEGS     256
#define MAX_RESOLVED 4096

char *doc_docx_resolve_target(const char *base_dir, const char *target)
{
	const char *src[2] = {target + 1, NULL};
	const char *segs[MAX_SEGS];
	size_t seglen[MAX_SEGS];
	size_t nseg = 0;
	size_t n = 0;
	char *out;

	if (target[0] != '/') {
		src[0] = base_dir;
		src[1] = target;
	}
	for (size_t k = 0; k < 2 && src[k] != NULL; k++) {
		const char *p = src[k];

		while (*p != '\0') {
			size_t len = strcspn(p, "/");

			if (len == 2 && p[0] == '.' && p[1] == '.') {
				if (nseg > 0)
					nseg--;
			} else if (len > 0 && !(len == 1 && p[0] == '.') && nseg < MAX_SEGS) {
				segs[nseg] = p;
				seglen[nseg++] = len;
			}
			p += len;
			if (*p == '/')
				p++;
		}
	}
	out = xmalloc(strlen(base_dir) + strlen(target) + 2);
	for (size_t i = 0; i < nseg; i++) {
		if (i > 0 && n + 1 <= MAX_RESOLVED)
			out[n++] = '/';
		if (n + seglen[i] <= MAX_RESOLVED) {
			memcpy(out + n, segs[i], seglen[i]);
			n += seglen[i];
		}
	}
	out[n] = '\0';
	return out;
}

static char *dir_of(const char *name)
{
	const char *slash = strrchr(name, '/');

	return slash ? xstrndup(name, (size_t)(slash - name)) : xstrdup("");
}

static char *xml_strdup_attr(const xmlNode *n, const char *ns, const char *local)
{
	xmlChar *owned;
	const char *v = doc_xml_attr_ref(n, ns, local, &owned);
	char *s;

	if (v == NULL)
		return NULL;
	s = xstrdup(v);
	xmlFree(owned);
	return s;
}

xmlDocPtr doc_docx_part(struct doc_docx *d, const char *name, struct err *e)
{
	char *data;
	size_t len;
	xmlDocPtr doc;
	struct err local; /* (err_clear: zeroing all 516 bytes is a rep stos) */

	err_clear(&local);
	for (size_t i = 0; i < d->nparts; i++) {
		if (strcasecmp(d->parts[i].name, name) == 0)
			return d->parts[i].doc;
	}
	if (doc_zip_read(d->zip, name, &data, &len, e ? e : &local) != 0)
		return NULL;
	{
		int rc;

		if (d->readonly && doc_xmlfast_parse_owned(data, len, &doc) == 0) {
			data = NULL; /* the tree keeps it */
			rc = 0;
		} else {
			/* errors name the file and the part */
			size_t ll = strlen(d->path) + strlen(name) + 8;
			char *label = xmalloc(ll);

			snprintf(label, ll, "%s（%s）", d->path, name);
			rc = doc_xml_parse(data, len, label, &doc, e ? e : &local);
			free(label);
		}
		if (rc != 0) {
			free(data);
			return NULL;
		}
	}
	free(data);
	d->parts = xgrow(d->parts, &d->parts_cap, d->nparts + 1, sizeof(*d->parts));
	d->parts[d->nparts].name = xstrdup(name);
	d->parts[d->nparts].doc = doc;
	d->parts[d->nparts].dirty = false;
	d->nparts++;
	return doc;
}

void doc_docx_part_dirty(struct doc_docx *d, const char *name)
{
	for (size_t i = 0; i < d->nparts; i++) {
		if (strcasecmp(d->parts[i].name, name) == 0)
			d->parts[i].dirty = true;
	}
}

void doc_docx_mark_dirty(struct doc_docx *d)
{
	doc_docx_part_dirty(d, d->main_name);
}

static int load_main_name(struct doc_docx *d, struct err *e)
{
	xmlDocPtr rels = doc_docx_part(d, "_rels/.rels", NULL);
	xmlNodePtr root;

	if (rels == NULL) {
		if (doc_zip_find(d->zip, "word/document.xml") < 0)
			return err_set(e, BASE_E_FORMAT,
				       "%s: 不是Word文档（缺少 word/document.xml）", d->path);
		d->main_name = xstrdup("word/document.xml");
		return 0;
	}
	root = xmlDocGetRootElement(rels);
	for (xmlNodePtr r = root->children; r != NULL; r = r->next) {
		char *type;
		char *target;

		if (!doc_xml_is(r, NS_PR, "Relationship"))
			continue;
		type = xml_strdup_attr(r, NULL, "Type");
		target = xml_strdup_attr(r, NULL, "Target");
		if (type != NULL && target != NULL && strlen(type) > 15 &&
		    strcmp(type + strlen(type) - 15, "/officeDocument") == 0 &&
		    d->main_name == NULL)
			d->main_name = doc_docx_resolve_target("", target);
		free(type);
		free(target);
	}
	if (d->main_name == NULL)
		return err_set(e, BASE_E_FORMAT, "%s: 不是Word文档（找不到主文档部件）", d->path);
	return 0;
}

static void load_rels(struct doc_docx *d)
{
	char *dir = dir_of(d->main_name);
	const char *base = strrchr(d->main_name, '/');
	char relname[512];
	xmlDocPtr rels;
	size_t cap = 0;

	snprintf(relname, sizeof(relname), "%s%s_rels/%s.rels", dir, dir[0] ? "/" : "",
		 base ? base + 1 : d->main_name);
	rels = doc_docx_part(d, relname, NULL);
	if (rels != NULL) {
		for (xmlNodePtr r = xmlDocGetRootElement(rels)->children; r != NULL; r = r->next) {
			struct doc_rel *rel;
			char *target;

			if (!doc_xml_is(r, NS_PR, "Relationship"))
				continue;
			d->rels = xgrow(d->rels, &cap, d->nrels + 1, sizeof(*d->rels));
			rel = &d->rels[d->nrels++];
			rel->id = xml_strdup_attr(r, NULL, "Id");
			rel->type = xml_strdup_attr(r, NULL, "Type");
			target = xml_strdup_attr(r, NULL, "Target");
			if (rel->id == NULL)
				rel->id = xstrdup("");
			if (rel->type == NULL)
				rel->type = xstrdup("");
			if (target == NULL || doc_xml_attr_eq(r, NULL, "TargetMode", "External"))
				rel->target = xstrdup("");
			else
				rel->target = doc_docx_resolve_target(dir, target);
			free(target);
		}
	}
	free(dir);
}

const struct doc_rel *doc_docx_rel_by_type(const struct doc_docx *d, const char *suffix, size_t i)
{
	size_t sl = strlen(suffix);

	for (size_t k = 0; k < d->nrels; k++) {
		size_t tl = strlen(d->rels[k].type);

		if (tl >= sl && strcmp(d->rels[k].type + tl - sl, suffix) == 0 &&
		    d->rels[k].target[0] != '\0') {
			if (i == 0)
				return &d->rels[k];
			i--;
		}
	}
	return NULL;
}

const char *doc_docx_rel_target(const struct doc_docx *d, const char *rid)
{
	for (size_t k = 0; k < d->nrels; k++) {
		if (strcmp(d->rels[k].id, rid) == 0)
			return d->rels[k].target[0] ? d->rels[k].target : NULL;
	}
	return NULL;
}

/* Only what effective properties need: docDefaults and paragraph/character
 * styles with their name, basedOn, pPr and rPr (table styles, latent styles
 * and the rest are skipped while parsing: they are most of styles.xml). */
bool doc_docx_keep_style_parts(int depth, const char *ns, const char *local, const char *type,
			       void *ud)
{
	(void)ud;
	if (depth == 0)
		return true;
	if (ns == NULL || strcmp(ns, NS_W) != 0)
		return false;
	if (depth == 1)
		return strcmp(local, "docDefaults") == 0 ||
		       (strcmp(local, "style") == 0 &&
			(type == NULL || strcmp(type, "paragraph") == 0 ||
			 strcmp(type, "character") == 0));
	if (depth == 2)
		return strcmp(local, "name") == 0 || strcmp(local, "basedOn") == 0 ||
		       strcmp(local, "pPr") == 0 || strcmp(local, "rPr") == 0 ||
		       strcmp(local, "rPrDefault") == 0 || strcmp(local, "pPrDefault") == 0;
	return true;
}

/* Find "needle" in [p,end). */
static const char *find_bytes(const char *p, const char *end, const char *needle)
{
	if (p >= end)
		return NULL;
	return memmem(p, (size_t)(end - p), needle, strlen(needle));
}

/* Find needle in [p,end) by memchr on needle[k] (a byte that is rare in
 * styles.xml), then comparing the rest: several times faster than memmem
 * over the ~300 KB of table styles a shrink skips. */
const char *doc_docx_find_by(const char *p, const char *end, const char *needle, size_t k)
{
	size_t n = strlen(needle);

	while (p < end && (size_t)(end - p) >= n) {
		const char *q = memchr(p + k, needle[k], (size_t)(end - p) - n + 1);

		if (q == NULL)
			return NULL;
		if (q[-(ptrdiff_t)k] == needle[0] && memcmp(q - k, needle, n) == 0)
			return q - k;
		p = q - k + 1;
	}
	return NULL;
}

/* The index of the first 'y' in s (every needle below has one), else 0. */
size_t doc_docx_rare_at(const char *s)
{
	const char *y = strchr(s, 'y');

	return y != NULL ? (size_t)(y - s) : 0;
}

/* The first place at or after p where the shrink cuts: a "<PFX:style"
 * followed by a space or '>' (*latent false) or a "<PFX:latentStyles"
 * (*latent true), each with at least one byte after it. One pass over the
 * 'y' both names contain: two such starts never overlap (neither has a '<'
 * after its first byte), so the first 'y' belongs to the first start. */
static const char *next_cut(const char *p, const char *end, const char *open_style, size_t ks,
			    const char *open_latent, size_t kl, bool *latent)
{
	size_t ns = strlen(open_style);
	size_t nl = strlen(open_latent);
	const char *q = p;

	while (q < end) {
		const char *y = memchr(q, 'y', (size_t)(end - q));
		size_t at;

		if (y == NULL)
			return NULL;
		at = (size_t)(y - p); /* candidates start at p + at - k */
		if (at >= ks && p[at - ks] == '<' && (size_t)(end - (y - ks)) > ns &&
		    memcmp(y - ks, open_style, ns) == 0 &&
		    (y[ns - ks] == ' ' || y[ns - ks] == '>')) {
			*latent = false;
			return y - ks;
		}
		if (at >= kl && p[at - kl] == '<' && (size_t)(end - (y - kl)) > nl &&
		    memcmp(y - kl, open_latent, nl) == 0) {
			*latent = true;
			return y - kl;
		}
		q = y + 1;
	}
	return NULL;
}

/* The first type_attr (PFX:type=", tlen bytes) in the start tag [p, gt):
 * what find_bytes() finds, by the '=' each one has at tlen - 2 (a start
 * tag has few; memmem's set-up cost more than the search). */
static const char *find_type_attr(const char *p, const char *gt, const char *type_attr, size_t tlen)
{
	const char *q = p;

	while (q < gt) {
		const char *eq = memchr(q, '=', (size_t)(gt - q));

		if (eq == NULL)
			return NULL;
		if ((size_t)(eq - p) >= tlen - 2 && (size_t)(gt - eq) >= 2 && eq[1] == '"' &&
		    memcmp(eq - (tlen - 2), type_attr, tlen - 2) == 0)
			return eq - (tlen - 2);
		q = eq + 1;
	}
	return NULL;
}

/* Table and numbering styles and w:latentStyles are ~90% of a typical
 * styles.xml and carry nothing the checks read. Cut them out textually
 * before parsing (style elements never nest). Returns NULL when the input
 * does not look as expected; the caller then parses the whole part, so a
 * bad cut can only cost time, and the parser still validates what is kept.
 * (Kept text is copied in runs between the cuts; the cuts are the same as
 * those of a scan looking at every '<'.) */
char *doc_docx_shrink_styles(const char *data, size_t len, size_t *out_len)
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
	size_t tlen;
	size_t close_style_len;
	size_t close_latent_len;
	size_t k_open, k_latent;
	char *out; /* what is kept, never more than the input */
	size_t n = 0;
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
	tlen = strlen(type_attr);
	close_style_len = strlen(close_style);
	close_latent_len = strlen(close_latent);
	k_open = doc_docx_rare_at(open_style);
	k_latent = doc_docx_rare_at(open_latent);
	out = xmalloc(len + 1);
	while (p < end) {
		bool latent = false;
		const char *at =
		    next_cut(p, end, open_style, k_open, open_latent, k_latent, &latent);
		const char *gt;
		const char *skip_to = NULL;

		if (at == NULL) {
			memcpy(out + n, p, (size_t)(end - p));
			n += (size_t)(end - p);
			break;
		}
		memcpy(out + n, p, (size_t)(at - p));
		n += (size_t)(at - p);
		p = at;
		gt = memchr(p, '>', (size_t)(end - p));
		if (gt == NULL)
			goto out_fail;
		if (!latent) {
			const char *t = find_type_attr(p, gt, type_attr, tlen);

			/* (a match ends before gt: neither word holds a '>') */
			if (t != NULL && (((size_t)(gt - t) >= tlen + 6 &&
					   memcmp(t + tlen, "table\"", 6) == 0) ||
					  ((size_t)(gt - t) >= tlen + 10 &&
					   memcmp(t + tlen, "numbering\"", 10) == 0))) {
				if (gt[-1] == '/') {
					skip_to = gt + 1;
				} else {
					skip_to = doc_docx_find_end_tag(gt, end, close_style,
									close_style_len);
					if (skip_to == NULL)
						goto out_fail;
					skip_to += close_style_len;
				}
			}
		} else if (gt[-1] == '/') {
			skip_to = gt + 1;
		} else {
			skip_to = doc_docx_find_end_tag(gt, end, close_latent, close_latent_len);
			if (skip_to == NULL)
				goto out_fail;
			skip_to += close_latent_len;
		}
		if (skip_to != NULL) {
			p = skip_to;
			continue;
		}
		out[n++] = '<';
		p++;
	}
	out[n] = '\0';
	*out_len = n;
	return out;
out_fail:
	free(out);
	return NULL;
}

/* keep_style_parts() for a w:style element of a full tree: no w:type, or a
 * paragraph or character one (the filter compares at most 31 bytes of the
 * value, which cannot change the outcome for these two words). */
static bool style_kept(const xmlNode *n)
{
	xmlChar *owned;
	const char *type = doc_xml_attr_ref(n, NS_W, "type", &owned);
	bool keep =
	    type == NULL || strcmp(type, "paragraph") == 0 || strcmp(type, "character") == 0;

	xmlFree(owned);
	return keep;
}

/* What docDefaults and a paragraph style's chain give, before the
 * paragraph's and run's own properties override it. */
struct doc_style_base {
	bool have_p;
	bool have_r;
	struct doc_pprops p;
	struct doc_rprops r;
};

/* Paragraph properties of a read-only document by paragraph node (open
 * addressing; the numbering labels and the checks ask for the same ones). */
struct doc_pp_slot {
	const xmlNode *node; /* NULL: free */
	size_t at;	     /* index into pp */
};
struct doc_pp_cache {
	struct doc_pp_slot *v; /* sized for the body at load: few pages touched */
	size_t cap;	       /* a power of two, at most half full */
	struct doc_pprops *pp; /* dense, in order of first use */
	size_t n;
	size_t pp_cap;
};

static void load_styles(struct doc_docx *d)
{
	const struct doc_rel *rel = doc_docx_rel_by_type(d, "/styles", 0);
	xmlDocPtr doc;
	xmlNodePtr root;
	size_t cap = 0;
	char *data;
	size_t len;
	bool fast = false;

	if (rel == NULL || doc_zip_read(d->zip, rel->target, &data, &len, NULL) != 0)
		return;
	{
		size_t slen;
		char *small = doc_docx_shrink_styles(data, len, &slen);

		/* Checking, plain part: each style is parsed when first asked for */
		if (d->readonly && small != NULL && doc_docx_styles_index(d, small, slen)) {
			free(data);
			return;
		}
		/* Checking: doc/xmlfast builds the whole (shrunk) tree, and the loop
		 * below skips what keep_style_parts() would have dropped; whatever
		 * xmlfast declines takes the filtered libxml2 parse as before. */
		if (d->readonly &&
		    doc_xmlfast_parse_owned(small ? small : data, small ? slen : len, &doc) == 0) {
			fast = true;
			if (small != NULL) /* the tree keeps what it parsed */
				small = NULL;
			else
				data = NULL;
		} else if (small == NULL || doc_xml_parse_filtered(small, slen, rel->target,
								   doc_docx_keep_style_parts, NULL,
								   &doc, NULL) != 0) {
			if (doc_xml_parse_filtered(data, len, rel->target,
						   doc_docx_keep_style_parts, NULL, &doc,
						   NULL) != 0)
				doc = NULL;
		}
		free(small);
	}
	free(data);
	if (doc == NULL)
		return;
	d->styles_doc = doc;
	root = xmlDocGetRootElement(doc);
	for (xmlNodePtr n = root->children; n != NULL; n = n->next) {
		if (doc_xml_is(n, NS_W, "docDefaults")) {
			doc_docx_dd_fill(d, n);
		} else if (doc_xml_is(n, NS_W, "style") && (!fast || style_kept(n))) {
			struct doc_style *st;

			d->styles = xgrow(d->styles, &cap, d->nstyles + 1, sizeof(*d->styles));
			st = &d->styles[d->nstyles++];
			memset(st, 0, sizeof(*st));
			st->id = xml_strdup_attr(n, NS_W, "styleId");
			if (st->id == NULL)
				st->id = xstrdup("");
			st->type = xml_strdup_attr(n, NS_W, "type");
			if (st->type == NULL)
				st->type = xstrdup("paragraph");
			doc_docx_style_fill(st, n);
			st->is_default = doc_xml_attr_eq(n, NS_W, "default", "1") ||
					 doc_xml_attr_eq(n, NS_W, "default", "true") ||
					 doc_xml_attr_eq(n, NS_W, "default", "on");
			if (st->is_default && strcmp(st->type, "paragraph") == 0)
				d->default_pstyle = st->id;
		}
	}
}

void doc_docx_dd_fill(struct doc_docx *d, xmlNodePtr n)
{
	xmlNodePtr x = doc_xml_child(n, NS_W, "rPrDefault");

	if (x != NULL)
		d->dd_rpr = doc_xml_child(x, NS_W, "rPr");
	x = doc_xml_child(n, NS_W, "pPrDefault");
	if (x != NULL)
		d->dd_ppr = doc_xml_child(x, NS_W, "pPr");
}

void doc_docx_style_fill(struct doc_style *st, xmlNodePtr n)
{
	xmlNodePtr b = doc_xml_child(n, NS_W, "basedOn");
	xmlNodePtr nm = doc_xml_child(n, NS_W, "name");

	st->based_on = b ? xml_strdup_attr(b, NS_W, "val") : NULL;
	st->name = nm ? xml_strdup_attr(nm, NS_W, "val") : NULL;
	st->ppr = doc_xml_child(n, NS_W, "pPr");
	st->rpr = doc_xml_child(n, NS_W, "rPr");
}

static char *theme_font(xmlNodePtr font_el, bool ea)
{
	xmlNodePtr x;

	if (font_el == NULL)
		return NULL;
	if (!ea) {
		x = doc_xml_child(font_el, NS_A, "latin");
		return x ? xml_strdup_attr(x, NULL, "typeface") : NULL;
	}
	x = doc_xml_child(font_el, NS_A, "ea");
	if (x != NULL) {
		char *v = xml_strdup_attr(x, NULL, "typeface");

		if (v != NULL && v[0] != '\0')
			return v;
		free(v);
	}
	for (x = font_el->children; x != NULL; x = x->next) {
		if (doc_xml_is(x, NS_A, "font") && doc_xml_attr_eq(x, NULL, "script", "Hans"))
			return xml_strdup_attr(x, NULL, "typeface");
	}
	return xstrdup("");
}

static xmlNodePtr find_desc(xmlNodePtr n, const char *ns, const char *local)
{
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		xmlNodePtr f;

		if (doc_xml_is(c, ns, local))
			return c;
		f = find_desc(c, ns, local);
		if (f != NULL)
			return f;
	}
	return NULL;
}

/* The theme's fonts, read on the first w:*Theme font attribute (most
 * documents name their fonts, so checking them never reads the part). */
static void load_theme(struct doc_docx *d)
{
	const struct doc_rel *rel = doc_docx_rel_by_type(d, "/theme", 0);
	xmlDocPtr doc;
	xmlNodePtr root;
	xmlNodePtr minor;
	xmlNodePtr major;

	d->theme_loaded = true;
	if (rel == NULL)
		return;
	doc = doc_docx_part(d, rel->target, NULL);
	if (doc == NULL)
		return;
	root = xmlDocGetRootElement(doc);
	minor = find_desc(root, NS_A, "minorFont");
	major = find_desc(root, NS_A, "majorFont");
	d->theme_minor_ea = theme_font(minor, true);
	d->theme_major_ea = theme_font(major, true);
	d->theme_minor_latin = theme_font(minor, false);
	d->theme_major_latin = theme_font(major, false);
}

static void collect_paras(struct doc_docx *d)
{
	size_t cap = 0;

	for (xmlNodePtr n = d->body->children; n != NULL; n = n->next) {
		if (doc_xml_is(n, NS_W, "p")) {
			d->paras = xgrow(d->paras, &cap, d->npara + 1, sizeof(*d->paras));
			d->paras[d->npara++] = n;
		}
	}
}

static int docx_load(struct doc_docx *d, struct err *e)
{
	xmlNodePtr root;
	int rc;

	rc = load_main_name(d, e);
	if (rc != 0)
		return rc;
	d->doc = doc_docx_part(d, d->main_name, e);
	if (d->doc == NULL)
		return e && e->code ? e->code : BASE_E_FORMAT;
	root = xmlDocGetRootElement(d->doc);
	if (!doc_xml_is(root, NS_W, "document"))
		return err_set(e, BASE_E_FORMAT, "%s: 主文档不是 WordprocessingML", d->path);
	d->body = doc_xml_child(root, NS_W, "body");
	if (d->body == NULL)
		return err_set(e, BASE_E_FORMAT, "%s: 文档缺少正文（w:body）", d->path);
	load_rels(d);
	load_styles(d);
	collect_paras(d);
	if (d->readonly) {
		/* filled on first use (have_p, have_r): only the flags need
		 * clearing, not the whole of every base (a large calloc) */
		size_t base_cap = 0;

		d->style_base = xgrow(NULL, &base_cap, d->nstyles + 1, sizeof(*d->style_base));
		for (size_t i = 0; i <= d->nstyles; i++) {
			d->style_base[i].have_p = false;
			d->style_base[i].have_r = false;
		}
		d->pp_cache = xcalloc(1, sizeof(*d->pp_cache));
		d->pp_cache->cap = 64;
		while (d->pp_cache->cap < 2 * (d->npara + 1))
			d->pp_cache->cap *= 2;
		d->pp_cache->v = xcalloc(d->pp_cache->cap, sizeof(*d->pp_cache->v));
		/* every body paragraph is usually asked for: no regrowing */
		d->pp_cache->pp =
		    xgrow(NULL, &d->pp_cache->pp_cap, d->npara + 1, sizeof(*d->pp_cache->pp));
	}
	return 0;
}

/* own: data is malloc'd and goes to the zip reader (freed in any case). */
static int open_mem(const void *data, size_t len, bool own, const char *label, bool readonly,
		    struct doc_docx **out, struct err *e)
{
	struct doc_docx *d = xcalloc(1, sizeof(*d));
	int rc;

	*out = NULL;
	d->readonly = readonly;
	d->path = xstrdup(label);
	rc = own ? doc_zip_open_owned((char *)data, len, label, NULL, &d->zip, e)
		 : doc_zip_open_mem(data, len, label, NULL, &d->zip, e);
	if (rc == 0)
		rc = docx_load(d, e);
	if (rc != 0) {
		doc_docx_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int doc_docx_open_mem(const void *data, size_t len, const char *label, struct doc_docx **out,
		      struct err *e)
{
	return open_mem(data, len, false, label, false, out, e);
}

int doc_docx_open_check_mem(const void *data, size_t len, const char *label, struct doc_docx **out,
			    struct err *e)
{
	return open_mem(data, len, false, label, true, out, e);
}

static int open_file(const char *path, bool readonly, struct doc_docx **out, struct err *e)
{
	struct doc_zip_limits l;
	char *data;
	size_t len;
	int rc;

	doc_zip_default_limits(&l);
	rc = base_read_file(path, l.max_file, &data, &len, e);
	if (rc != 0)
		return rc;
	return open_mem(data, len, true, path, readonly, out, e);
}

int doc_docx_open(const char *path, struct doc_docx **out, struct err *e)
{
	return open_file(path, false, out, e);
}

int doc_docx_open_check(const char *path, struct doc_docx **out, struct err *e)
{
	return open_file(path, true, out, e);
}

/* n is an element the property readers look at: WordprocessingML's (the
 * filtered styles parse drops the others below a style, doc/xmlfast keeps
 * them; apply_rpr() and apply_ppr() skip them). */
static bool w_element(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
	       strcmp((const char *)n->ns->href, NS_W) == 0;
}

/* Same element subtree: names, namespace URIs, attributes, WordprocessingML
 * element children. */
static bool same_elem(const xmlNode *a, const xmlNode *b)
{
	const xmlAttr *x, *y;

	if (a == NULL || b == NULL)
		return a == b;
	if (strcmp((const char *)a->name, (const char *)b->name) != 0 ||
	    (a->ns == NULL) != (b->ns == NULL) ||
	    (a->ns != NULL && strcmp((const char *)a->ns->href, (const char *)b->ns->href) != 0))
		return false;
	for (x = a->properties, y = b->properties; x != NULL && y != NULL;
	     x = x->next, y = y->next) {
		xmlChar *vx = xmlNodeGetContent((const xmlNode *)x);
		xmlChar *vy = xmlNodeGetContent((const xmlNode *)y);
		bool eq = strcmp((const char *)x->name, (const char *)y->name) == 0 &&
			  strcmp((const char *)vx, (const char *)vy) == 0;

		xmlFree(vx);
		xmlFree(vy);
		if (!eq)
			return false;
	}
	if (x != NULL || y != NULL)
		return false;
	for (a = a->children, b = b->children;; a = a->next, b = b->next) {
		while (a != NULL && !w_element(a))
			a = a->next;
		while (b != NULL && !w_element(b))
			b = b->next;
		if (a == NULL || b == NULL)
			return a == b;
		if (!same_elem(a, b))
			return false;
	}
}

static bool same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

bool doc_docx_same_styles(const struct doc_docx *a, const struct doc_docx *b)
{
	for (size_t i = 0; i < a->nstyles || i < b->nstyles; i++) {
		doc_docx_styles_ready(a, i);
		doc_docx_styles_ready(b, i);
	}
	if (a->nstyles != b->nstyles || !same_elem(a->dd_rpr, b->dd_rpr) ||
	    !same_elem(a->dd_ppr, b->dd_ppr) || !same_str(a->default_pstyle, b->default_pstyle))
		return false;
	for (size_t i = 0; i < a->nstyles; i++) {
		const struct doc_style *x = &a->styles[i], *y = &b->styles[i];

		if (strcmp(x->id, y->id) != 0 || strcmp(x->type, y->type) != 0 ||
		    !same_str(x->based_on, y->based_on) || !same_str(x->name, y->name) ||
		    x->is_default != y->is_default || !same_elem(x->ppr, y->ppr) ||
		    !same_elem(x->rpr, y->rpr))
			return false;
	}
	return true;
}

void doc_docx_free(struct doc_docx *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->nparts; i++) {
		doc_xml_free_doc(d->parts[i].doc);
		free(d->parts[i].name);
	}
	free(d->parts);
	doc_xml_free_doc(d->styles_doc);
	for (size_t i = 0; i < d->nstyles; i++) {
		if (d->styles_lazy == NULL) { /* else in it (doc_docx_styles_index) */
			free(d->styles[i].id);
			free(d->styles[i].type);
		}
		free(d->styles[i].based_on);
		free(d->styles[i].name);
	}
	free(d->styles);
	doc_docx_styles_free(d->styles_lazy);
	doc_numbering_free(d->numbering);
	for (size_t i = 0; i < d->nrels; i++) {
		free(d->rels[i].id);
		free(d->rels[i].type);
		free(d->rels[i].target);
	}
	free(d->rels);
	free(d->style_base);
	if (d->pp_cache != NULL) {
		free(d->pp_cache->v);
		free(d->pp_cache->pp);
	}
	free(d->pp_cache);
	free(d->theme_minor_ea);
	free(d->theme_major_ea);
	free(d->theme_minor_latin);
	free(d->theme_major_latin);
	free(d->paras);
	free(d->main_name);
	doc_zip_close(d->zip);
	free(d->path);
	free(d);
}

const struct doc_style *doc_docx_style(const struct doc_docx *d, const char *id)
{
	if (id == NULL)
		return NULL;
	for (size_t i = 0; i < d->nstyles; i++) {
		if (strcmp(d->styles[i].id, id) == 0) {
			doc_docx_styles_ready(d, i);
			return &d->styles[i];
		}
	}
	return NULL;
}

/* The style chain from the root ancestor down to id (at most MAX_STYLE_DEPTH,
 * cycles cut). Returns the count written into chain[]. */
static size_t style_chain(const struct doc_docx *d, const char *id, const struct doc_style **chain)
{
	const struct doc_style *tmp[MAX_STYLE_DEPTH];
	size_t n = 0;

	while (id != NULL && n < MAX_STYLE_DEPTH) {
		const struct doc_style *st = doc_docx_style(d, id);
		bool seen = false;

		if (st == NULL)
			break;
		for (size_t i = 0; i < n; i++)
			seen = seen || tmp[i] == st;
		if (seen)
			break;
		tmp[n++] = st;
		id = st->based_on;
	}
	for (size_t i = 0; i < n; i++)
		chain[i] = tmp[n - 1 - i];
	return n;
}

/* snprintf(out, outsz, "%s", s) without the formatting machinery. */
static void copy_str(char *out, size_t outsz, const char *s)
{
	size_t n = strlen(s);

	if (outsz == 0)
		return;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

static char *para_style_id(const struct doc_docx *d, xmlNodePtr p, char *out, size_t outsz)
{
	xmlNodePtr ppr = doc_xml_child(p, NS_W, "pPr");
	xmlNodePtr ps = ppr ? doc_xml_child(ppr, NS_W, "pStyle") : NULL;

	out[0] = '\0';
	if (ps != NULL) {
		xmlChar *owned;
		const char *v = doc_xml_attr_ref(ps, NS_W, "val", &owned);

		if (v != NULL) {
			copy_str(out, outsz, v);
			xmlFree(owned);
			return out;
		}
	}
	if (d->default_pstyle != NULL) {
		copy_str(out, outsz, d->default_pstyle);
		return out;
	}
	return NULL;
}

static void copy_attr(const xmlNode *n, const char *local, char *out, size_t outsz)
{
	xmlChar *owned;
	const char *v = doc_xml_attr_ref(n, NS_W, local, &owned);

	if (v != NULL) {
		copy_str(out, outsz, v);
		xmlFree(owned);
	}
}

static const char *theme_lookup(const struct doc_docx *d, const char *th)
{
	const char *v = NULL;

	if (!d->theme_loaded) /* a cache filled on demand: the model is not changed */
		load_theme((struct doc_docx *)d);
	if (strcmp(th, "minorEastAsia") == 0)
		v = d->theme_minor_ea;
	else if (strcmp(th, "majorEastAsia") == 0)
		v = d->theme_major_ea;
	else if (strcmp(th, "minorHAnsi") == 0 || strcmp(th, "minorAscii") == 0)
		v = d->theme_minor_latin;
	else if (strcmp(th, "majorHAnsi") == 0 || strcmp(th, "majorAscii") == 0)
		v = d->theme_major_latin;
	return v ? v : th;
}

static bool on_off(const xmlNode *n)
{
	xmlChar *owned;
	const char *v = doc_xml_attr_ref(n, NS_W, "val", &owned);
	bool on = true;

	if (v != NULL) {
		on = !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
		xmlFree(owned);
	}
	return on;
}

/* ns is WordprocessingML's (doc/xmlfast keeps the NS_W constant itself). */
static bool ns_is_w(const xmlNs *ns)
{
	static const char *const w_uri = NS_W;

	return ns != NULL && ((const char *)ns->href == w_uri ||
			      (ns->href != NULL && strcmp((const char *)ns->href, w_uri) == 0));
}

/* strcmp(name, local) == 0, inlined for constant names. */
static inline bool same_name(const xmlChar *name, const char *local)
{
	size_t i = 0;

	for (; local[i] != '\0'; i++) {
		if (name[i] != (xmlChar)local[i])
			return false;
	}
	return name[i] == '\0';
}

/* The values of n's w: attributes names[0..k) (NULL: absent) in one pass
 * over its attributes, as doc_xml_attr_ref gives them, for a doc/xmlfast
 * tree (no DTD, every value one text node); false for any other tree, whose
 * attributes are then asked for one by one (w_attr). */
static bool w_attrs(const xmlNode *n, const char *const *names, size_t k, const char **v)
{
	if (n->type != XML_ELEMENT_NODE || !doc_xmlfast_is(n->doc))
		return false;
	for (size_t i = 0; i < k; i++)
		v[i] = NULL;
	for (const xmlAttr *a = n->properties; a != NULL; a = a->next) {
		if (!ns_is_w(a->ns))
			continue;
		for (size_t i = 0; i < k; i++) {
			if (v[i] == NULL && a->name[0] == (xmlChar)names[i][0] &&
			    same_name(a->name, names[i])) {
				v[i] =
				    a->children != NULL ? (const char *)a->children->content : "";
				break;
			}
		}
	}
	return true;
}

/* w:name (index i of w_attrs' names) of n: from v when w_attrs filled it,
 * else doc_xml_attr_ref (*owned for xmlFree). */
static const char *w_attr(const xmlNode *n, const char *const *v, size_t i, const char *name,
			  xmlChar **owned)
{
	*owned = NULL;
	if (v != NULL)
		return v[i];
	return doc_xml_attr_ref(n, NS_W, name, owned);
}

/* doc_xml_attr_long of w:name, as w_attr. */
static bool w_long(const xmlNode *n, const char *const *v, size_t i, const char *name, long *out)
{
	if (v != NULL)
		return v[i] != NULL && doc_xml_str_long(v[i], out);
	return doc_xml_attr_long(n, NS_W, name, out);
}

/* w:rFonts attributes by index (w_attrs) */
static const char *const rfonts_names[] = {"eastAsiaTheme", "eastAsia", "asciiTheme", "ascii",
					   "hAnsiTheme",    "hAnsi",	"hint"};

static void font_slot(const struct doc_docx *d, xmlNodePtr rf, const char *const *v, size_t i,
		      char *out, size_t outsz)
{
	xmlChar *owned;
	const char *th = w_attr(rf, v, i, rfonts_names[i], &owned);
	const char *f;

	if (th != NULL && th[0] != '\0') {
		copy_str(out, outsz, theme_lookup(d, th));
		xmlFree(owned);
		return;
	}
	xmlFree(owned);
	f = w_attr(rf, v, i + 1, rfonts_names[i + 1], &owned);
	if (f != NULL) {
		copy_str(out, outsz, f);
		xmlFree(owned);
	}
}

/* c is in WordprocessingML's namespace (doc/xmlfast keeps the NS_W
 * constant itself as the URI: equal pointers usually answer). */
static bool is_w(const xmlNode *c)
{
	return ns_is_w(c->ns);
}

/* c's local name is local. */
static bool name_is(const xmlNode *c, const char *local)
{
	return same_name(c->name, local);
}

static void apply_rpr(const struct doc_docx *d, xmlNodePtr rpr, struct doc_rprops *o)
{
	for (xmlNodePtr c = rpr->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !is_w(c))
			continue;
		/* (the first byte picks the one name worth comparing) */
		switch (c->name[0]) {
		case 'r':
		case 's':
		case 'b':
		case 'i':
		case 'u':
		case 'c':
		case 'h':
			break;
		default:
			continue;
		}
		if (name_is(c, "rFonts")) {
			const char *vals[7];
			const char *const *v = w_attrs(c, rfonts_names, 7, vals) ? vals : NULL;
			xmlChar *owned;
			const char *hint;

			font_slot(d, c, v, 0, o->ea, sizeof(o->ea));
			font_slot(d, c, v, 2, o->ascii, sizeof(o->ascii));
			font_slot(d, c, v, 4, o->hansi, sizeof(o->hansi));
			hint = w_attr(c, v, 6, "hint", &owned);
			if (hint != NULL && strcmp(hint, "eastAsia") == 0)
				o->hint_ea = true;
			xmlFree(owned);
		} else if (name_is(c, "sz")) {
			long v;

			if (doc_xml_attr_long(c, NS_W, "val", &v))
				o->sz = (int)v;
		} else if (name_is(c, "b")) {
			o->bold = on_off(c);
		} else if (name_is(c, "i")) {
			o->italic = on_off(c);
		} else if (name_is(c, "strike")) {
			o->strike = on_off(c);
		} else if (name_is(c, "u")) {
			o->underline = !doc_xml_attr_eq(c, NS_W, "val", "none");
		} else if (name_is(c, "color")) {
			copy_attr(c, "val", o->color, sizeof(o->color));
		} else if (name_is(c, "highlight")) {
			copy_attr(c, "val", o->highlight, sizeof(o->highlight));
		}
	}
}

/* The slot of a read-only document's style base for paragraph style sid
 * (NULL: none); every id that starts no chain shares the last slot. */
static struct doc_style_base *style_base(const struct doc_docx *d, const char *sid)
{
	const struct doc_style *st = doc_docx_style(d, sid);

	return &d->style_base[st ? (size_t)(st - d->styles) : d->nstyles];
}

/* docDefaults, then the paragraph style chain's rPr. */
static void run_base(const struct doc_docx *d, const char *sid, struct doc_rprops *out)
{
	const struct doc_style *chain[MAX_STYLE_DEPTH];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (d->dd_rpr != NULL)
		apply_rpr(d, d->dd_rpr, out);
	n = style_chain(d, sid, chain);
	for (size_t i = 0; i < n; i++) {
		if (chain[i]->rpr != NULL)
			apply_rpr(d, chain[i]->rpr, out);
	}
}

void doc_docx_run_props(const struct doc_docx *d, xmlNodePtr p, xmlNodePtr r,
			struct doc_rprops *out)
{
	const struct doc_style *chain[MAX_STYLE_DEPTH];
	char sid[96];
	const char *id = para_style_id(d, p, sid, sizeof(sid));
	xmlNodePtr rpr;
	size_t n;

	if (d->style_base != NULL) {
		/* the trees never change: the base is the same for every run */
		struct doc_style_base *b = style_base(d, id);

		if (!b->have_r) {
			run_base(d, id, &b->r);
			b->have_r = true;
		}
		*out = b->r;
	} else {
		run_base(d, id, out);
	}
	rpr = r ? doc_xml_child(r, NS_W, "rPr") : NULL;
	if (rpr != NULL) {
		xmlNodePtr rs = doc_xml_child(rpr, NS_W, "rStyle");

		if (rs != NULL) {
			xmlChar *owned;
			const char *v = doc_xml_attr_ref(rs, NS_W, "val", &owned);

			n = style_chain(d, v, chain);
			for (size_t i = 0; i < n; i++) {
				if (chain[i]->rpr != NULL)
					apply_rpr(d, chain[i]->rpr, out);
			}
			xmlFree(owned);
		}
		apply_rpr(d, rpr, out);
	}
}

/* One level's w:ind (oracle semantics: the properties it mentions override;
 * non-zero *Chars win over twips; hanging wins over firstLine). */
static void apply_ind(xmlNodePtr ind, struct doc_pprops *o)
{
	static const char *const names[] = {
	    "leftChars", "rightChars", "hangingChars", "firstLineChars", "left",
	    "start",	 "right",      "end",	       "hanging",	 "firstLine"};
	const char *vals[10];
	const char *const *a = w_attrs(ind, names, 10, vals) ? vals : NULL;
	long v;
	long lc = 0;
	long rc = 0;
	long hc = 0;
	long fc = 0;
	bool has_lc = w_long(ind, a, 0, names[0], &lc);
	bool has_rc = w_long(ind, a, 1, names[1], &rc);
	bool has_hc = w_long(ind, a, 2, names[2], &hc);
	bool has_fc = w_long(ind, a, 3, names[3], &fc);
	bool has_h;
	bool has_f;
	long h = 0;
	long f = 0;

	if (has_lc && lc != 0)
		o->left = lc * 320 / 100;
	else if (w_long(ind, a, 4, names[4], &v) || w_long(ind, a, 5, names[5], &v))
		o->left = v;
	else if (has_lc)
		o->left = 0;
	if (has_rc && rc != 0)
		o->right = rc * 320 / 100;
	else if (w_long(ind, a, 6, names[6], &v) || w_long(ind, a, 7, names[7], &v))
		o->right = v;
	else if (has_rc)
		o->right = 0;
	has_h = w_long(ind, a, 8, names[8], &h);
	has_f = w_long(ind, a, 9, names[9], &f);
	if (!(has_h || has_f || has_hc || has_fc))
		return;
	if (has_hc && hc != 0)
		o->first = -(hc * 320 / 100);
	else if (has_h && h != 0)
		o->first = -h;
	else if (has_fc && fc != 0)
		o->first = fc * 320 / 100;
	else
		o->first = has_f ? f : 0;
}

static void apply_ppr(xmlNodePtr ppr, struct doc_pprops *o)
{
	for (xmlNodePtr c = ppr->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !is_w(c))
			continue;
		if (c->name[0] != 'j' && c->name[0] != 'i' && c->name[0] != 's' &&
		    c->name[0] != 'n')
			continue; /* none of the names below */
		if (name_is(c, "jc")) {
			copy_attr(c, "val", o->jc, sizeof(o->jc));
		} else if (name_is(c, "ind")) {
			apply_ind(c, o);
		} else if (name_is(c, "spacing")) {
			long v;

			if (doc_xml_attr_long(c, NS_W, "line", &v)) {
				o->line = v;
				o->has_line = true;
				copy_str(o->line_rule, sizeof(o->line_rule), "auto");
			}
			copy_attr(c, "lineRule", o->line_rule, sizeof(o->line_rule));
		} else if (name_is(c, "numPr")) {
			xmlNodePtr x = doc_xml_child(c, NS_W, "numId");
			long v;

			if (x != NULL && doc_xml_attr_long(x, NS_W, "val", &v))
				o->num_id = (int)v;
			x = doc_xml_child(c, NS_W, "ilvl");
			if (x != NULL && doc_xml_attr_long(x, NS_W, "val", &v))
				o->num_ilvl = (int)v;
		}
	}
}

/* docDefaults, then the paragraph style chain's pPr (style_id untouched). */
static void para_base(const struct doc_docx *d, const char *sid, struct doc_pprops *out)
{
	const struct doc_style *chain[MAX_STYLE_DEPTH];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (d->dd_ppr != NULL)
		apply_ppr(d->dd_ppr, out);
	n = style_chain(d, sid, chain);
	for (size_t i = 0; i < n; i++) {
		if (chain[i]->ppr != NULL)
			apply_ppr(chain[i]->ppr, out);
	}
}

static void para_props(const struct doc_docx *d, xmlNodePtr p, struct doc_pprops *out);

static size_t pp_slot(const struct doc_pp_slot *v, size_t cap, const xmlNode *node)
{
	size_t i = (size_t)(((uint64_t)(uintptr_t)node * 0x9E3779B97F4A7C15u) >> 32) & (cap - 1);

	while (v[i].node != NULL && v[i].node != node)
		i = (i + 1) & (cap - 1);
	return i;
}

void doc_docx_para_props(const struct doc_docx *d, xmlNodePtr p, struct doc_pprops *out)
{
	struct doc_pp_cache *c = d->pp_cache;
	size_t i;

	if (c == NULL || p == NULL) {
		para_props(d, p, out);
		return;
	}
	if (2 * (c->n + 1) > c->cap) {
		struct doc_pp_slot *old = c->v;
		size_t oldcap = c->cap;

		c->cap = 2 * oldcap;
		c->v = xcalloc(c->cap, sizeof(*c->v));
		for (size_t k = 0; k < oldcap; k++) {
			if (old[k].node != NULL)
				c->v[pp_slot(c->v, c->cap, old[k].node)] = old[k];
		}
		free(old);
	}
	i = pp_slot(c->v, c->cap, p);
	if (c->v[i].node == NULL) {
		c->pp = xgrow(c->pp, &c->pp_cap, c->n + 1, sizeof(*c->pp));
		para_props(d, p, &c->pp[c->n]);
		c->v[i].node = p;
		c->v[i].at = c->n++;
	}
	*out = c->pp[c->v[i].at];
}

static void para_props(const struct doc_docx *d, xmlNodePtr p, struct doc_pprops *out)
{
	char sid[sizeof(out->style_id)] = {0};
	const char *id = para_style_id(d, p, sid, sizeof(sid));
	xmlNodePtr ppr;

	if (d->style_base != NULL) {
		struct doc_style_base *b = style_base(d, id);

		if (!b->have_p) {
			para_base(d, id, &b->p);
			b->have_p = true;
		}
		*out = b->p;
	} else {
		para_base(d, id, out);
	}
	memcpy(out->style_id, sid, sizeof(sid));
	ppr = doc_xml_child(p, NS_W, "pPr");
	if (ppr != NULL)
		apply_ppr(ppr, out);
}

void doc_ptext_init(struct doc_ptext *t)
{
	memset(t, 0, sizeof(*t));
	ustr_init(&t->text);
}

void doc_ptext_free(struct doc_ptext *t)
{
	ustr_free(&t->text);
	free(t->segs);
	doc_ptext_init(t);
}

static void add_seg(struct doc_ptext *t, xmlNodePtr run, xmlNodePtr node, size_t start, int kind)
{
	struct doc_seg *s;

	t->segs = xgrow(t->segs, &t->segs_cap, t->nsegs + 1, sizeof(*t->segs));
	s = &t->segs[t->nsegs++];
	s->run = run;
	s->node = node;
	s->start = start;
	s->len = t->text.len - start;
	s->kind = kind;
}

/* The walk over a paragraph: the text so far and the last namespace found
 * to be WordprocessingML's (xmlfast trees share one per prefix), so most
 * elements are recognised without comparing the URI. */
struct text_walk {
	struct doc_ptext *t;
	const xmlNs *wns;
};

/* doc_xml_is(c, NS_W, local) for an element c. */
static inline bool walk_is(struct text_walk *w, const xmlNode *c, const char *local)
{
	if (!same_name(c->name, local) || c->ns == NULL)
		return false;
	if (c->ns == w->wns)
		return true;
	if (!is_w(c))
		return false;
	w->wns = c->ns;
	return true;
}

static void run_text(xmlNodePtr r, struct text_walk *w)
{
	struct doc_ptext *t = w->t;

	for (xmlNodePtr c = r->children; c != NULL; c = c->next) {
		size_t start = t->text.len;

		if (c->type != XML_ELEMENT_NODE ||
		    (c->name[0] != 't' && c->name[0] != 'b' && c->name[0] != 'c'))
			continue; /* (not t, tab, br or cr) */
		if (walk_is(w, c, "t")) {
			xmlNodePtr only = c->children;

			if (only != NULL && only->next == NULL && only->type == XML_TEXT_NODE) {
				/* what xmlNodeGetContent returns, without the copy */
				if (only->content != NULL)
					ustr_add_utf8(&t->text, (const char *)only->content,
						      strlen((const char *)only->content));
			} else {
				xmlChar *s = xmlNodeGetContent(c);

				if (s != NULL) {
					ustr_add_utf8(&t->text, (const char *)s,
						      strlen((const char *)s));
					xmlFree(s);
				}
			}
			add_seg(t, r, c, start, DOC_SEG_TEXT);
		} else if (walk_is(w, c, "tab")) {
			ustr_push(&t->text, '\t');
			add_seg(t, r, c, start, DOC_SEG_TAB);
		} else if (walk_is(w, c, "br") || walk_is(w, c, "cr")) {
			ustr_push(&t->text, '\n');
			add_seg(t, r, c, start, DOC_SEG_BREAK);
		}
	}
}

static void walk_text(xmlNodePtr n, bool deleted, struct text_walk *w)
{
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		bool del = deleted;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		/* (first bytes before the names: most elements are none of them) */
		if ((c->name[0] == 'd' || c->name[0] == 'm') &&
		    (walk_is(w, c, "del") || walk_is(w, c, "moveFrom")))
			del = true;
		if (!del && c->name[0] == 'r' && walk_is(w, c, "r"))
			run_text(c, w);
		/* (a lone text child, as in w:t, holds no element) */
		if (c->children != NULL &&
		    (c->children->type == XML_ELEMENT_NODE || c->children->next != NULL))
			walk_text(c, del, w);
	}
}

void doc_docx_para_text(xmlNodePtr p, struct doc_ptext *out)
{
	struct text_walk w = {out, NULL};

	out->text.len = 0; /* the buffers are reused */
	out->nsegs = 0;
	walk_text(p, false, &w);
}

size_t doc_docx_sections(const struct doc_docx *d, xmlNodePtr *out, size_t max)
{
	size_t n = 0;

	for (xmlNodePtr c = d->body->children; c != NULL; c = c->next) {
		xmlNodePtr ppr;
		xmlNodePtr s;

		if (doc_xml_is(c, NS_W, "p")) {
			ppr = doc_xml_child(c, NS_W, "pPr");
			s = ppr ? doc_xml_child(ppr, NS_W, "sectPr") : NULL;
			if (s != NULL && n < max)
				out[n++] = s;
		} else if (doc_xml_is(c, NS_W, "sectPr") && n < max) {
			out[n++] = c;
		}
	}
	return n;
}
