/*
 * doc/numbering: automatic numbering (ECMA-376 Part 1 §17.9) — the label a
 * word processor draws in front of a paragraph with w:numPr, and the level's
 * paragraph properties. Labels are computed in document order with one
 * counter per (numId, level); a level restarts when a higher level of the
 * same list advances.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/docx.h"

#define NUM_LEVELS 9

struct num_level {
	int start;
	char fmt[32];
	char text[64];
	xmlNodePtr ppr;
};

struct num_abstract {
	long id;
	struct num_level lvl[NUM_LEVELS];
};

struct num_instance {
	long id;
	long abstract_id;
	int start_override[NUM_LEVELS]; /* -1: none */
	int counters[NUM_LEVELS];
	bool started[NUM_LEVELS];
};

struct doc_numbering {
	struct num_abstract *abs;
	size_t nabs;
	struct num_instance *nums;
	size_t nnums;
};

static void read_level(xmlNodePtr lvl, struct num_level *out)
{
	xmlNodePtr x;
	long v;

	out->start = 1;
	if ((x = doc_xml_child(lvl, NS_W, "start")) != NULL &&
	    doc_xml_attr_long(x, NS_W, "val", &v))
		out->start = (int)v;
	if ((x = doc_xml_child(lvl, NS_W, "numFmt")) != NULL) {
		xmlChar *s = doc_xml_attr(x, NS_W, "val");

		snprintf(out->fmt, sizeof(out->fmt), "%s", s ? (const char *)s : "decimal");
		xmlFree(s);
	} else {
		snprintf(out->fmt, sizeof(out->fmt), "decimal");
	}
	if ((x = doc_xml_child(lvl, NS_W, "lvlText")) != NULL) {
		xmlChar *s = doc_xml_attr(x, NS_W, "val");

		snprintf(out->text, sizeof(out->text), "%s", s ? (const char *)s : "");
		xmlFree(s);
	}
	out->ppr = doc_xml_child(lvl, NS_W, "pPr");
}

static struct doc_numbering *load(struct doc_docx *d)
{
	const struct doc_rel *rel = doc_docx_rel_by_type(d, "/numbering", 0);
	struct doc_numbering *nb = xcalloc(1, sizeof(*nb));
	xmlDocPtr doc = rel ? doc_docx_part(d, rel->target, NULL) : NULL;
	size_t cap_a = 0;
	size_t cap_n = 0;

	if (doc == NULL)
		return nb;
	for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c != NULL; c = c->next) {
		long v;

		if (doc_xml_is(c, NS_W, "abstractNum") &&
		    doc_xml_attr_long(c, NS_W, "abstractNumId", &v)) {
			struct num_abstract *a;

			nb->abs = xgrow(nb->abs, &cap_a, nb->nabs + 1, sizeof(*nb->abs));
			a = &nb->abs[nb->nabs++];
			memset(a, 0, sizeof(*a));
			a->id = v;
			for (int k = 0; k < NUM_LEVELS; k++)
				a->lvl[k].start = 1;
			for (xmlNodePtr l = c->children; l != NULL; l = l->next) {
				long il;

				if (doc_xml_is(l, NS_W, "lvl") &&
				    doc_xml_attr_long(l, NS_W, "ilvl", &il) && il >= 0 &&
				    il < NUM_LEVELS)
					read_level(l, &a->lvl[il]);
			}
		} else if (doc_xml_is(c, NS_W, "num") && doc_xml_attr_long(c, NS_W, "numId", &v)) {
			struct num_instance *n;
			xmlNodePtr an = doc_xml_child(c, NS_W, "abstractNumId");
			long aid = -1;

			if (an != NULL)
				doc_xml_attr_long(an, NS_W, "val", &aid);
			nb->nums = xgrow(nb->nums, &cap_n, nb->nnums + 1, sizeof(*nb->nums));
			n = &nb->nums[nb->nnums++];
			memset(n, 0, sizeof(*n));
			n->id = v;
			n->abstract_id = aid;
			for (int k = 0; k < NUM_LEVELS; k++)
				n->start_override[k] = -1;
			for (xmlNodePtr o = c->children; o != NULL; o = o->next) {
				long il;
				long sv;
				xmlNodePtr so;

				if (!doc_xml_is(o, NS_W, "lvlOverride") ||
				    !doc_xml_attr_long(o, NS_W, "ilvl", &il) || il < 0 ||
				    il >= NUM_LEVELS)
					continue;
				so = doc_xml_child(o, NS_W, "startOverride");
				if (so != NULL && doc_xml_attr_long(so, NS_W, "val", &sv))
					n->start_override[il] = (int)sv;
			}
		}
	}
	return nb;
}

static struct num_instance *find_num(struct doc_numbering *nb, long id)
{
	for (size_t i = 0; i < nb->nnums; i++) {
		if (nb->nums[i].id == id)
			return &nb->nums[i];
	}
	return NULL;
}

static struct num_abstract *find_abs(struct doc_numbering *nb, long id)
{
	for (size_t i = 0; i < nb->nabs; i++) {
		if (nb->abs[i].id == id)
			return &nb->abs[i];
	}
	return NULL;
}

xmlNodePtr doc_docx_numbering_ppr(struct doc_docx *d, int num_id, int ilvl)
{
	struct num_instance *n;
	struct num_abstract *a;

	if (d->numbering == NULL)
		d->numbering = load(d);
	if (num_id <= 0 || ilvl < 0 || ilvl >= NUM_LEVELS)
		return NULL;
	n = find_num(d->numbering, num_id);
	a = n ? find_abs(d->numbering, n->abstract_id) : NULL;
	return a ? a->lvl[ilvl].ppr : NULL;
}

/* Format one counter value in a numFmt (the formats 公文 and Word use). */
static void format_value(int v, const char *fmt, struct buf *out)
{
	static const char *const circled[] = {"①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨", "⑩"};
	static const char *const tiangan[] = {"甲", "乙", "丙", "丁", "戊",
					      "己", "庚", "辛", "壬", "癸"};
	char tmp[64];

	if (strncmp(fmt, "chineseCounting", 15) == 0 || strcmp(fmt, "taiwaneseCounting") == 0 ||
	    strcmp(fmt, "chineseLegalSimplified") == 0) {
		text_cn_format(v, tmp, sizeof(tmp));
		buf_adds(out, tmp);
	} else if (strcmp(fmt, "ideographTraditional") == 0 && v >= 1 && v <= 10) {
		buf_adds(out, tiangan[v - 1]);
	} else if (strcmp(fmt, "decimalEnclosedCircle") == 0 && v >= 1 && v <= 10) {
		buf_adds(out, circled[v - 1]);
	} else if (strcmp(fmt, "decimalFullWidth") == 0) {
		snprintf(tmp, sizeof(tmp), "%d", v);
		for (char *c = tmp; *c; c++) {
			char fw[4];
			size_t k = text_utf8_encode(0xFF10 + (uint32_t)(*c - '0'), fw);

			buf_add(out, fw, k);
		}
	} else if ((strcmp(fmt, "upperLetter") == 0 || strcmp(fmt, "lowerLetter") == 0) && v >= 1) {
		buf_addc(out, (char)((fmt[0] == 'u' ? 'A' : 'a') + (v - 1) % 26));
	} else if (strcmp(fmt, "bullet") == 0 || strcmp(fmt, "none") == 0) {
		/* the lvlText itself is the label */
	} else {
		snprintf(tmp, sizeof(tmp), "%d", v);
		buf_adds(out, tmp);
	}
}

char **doc_docx_numbering_labels(struct doc_docx *d)
{
	char **labels = xcalloc(d->npara ? d->npara : 1, sizeof(char *));
	struct doc_numbering *nb;

	if (d->numbering == NULL)
		d->numbering = load(d);
	nb = d->numbering;
	for (size_t i = 0; i < nb->nnums; i++) {
		memset(nb->nums[i].counters, 0, sizeof(nb->nums[i].counters));
		memset(nb->nums[i].started, 0, sizeof(nb->nums[i].started));
	}
	for (size_t i = 0; i < d->npara; i++) {
		struct doc_pprops pp;
		struct num_instance *n;
		struct num_abstract *a;
		struct buf out;
		int il;
		const char *t;

		doc_docx_para_props(d, d->paras[i], &pp);
		if (pp.num_id <= 0 || (n = find_num(nb, pp.num_id)) == NULL ||
		    (a = find_abs(nb, n->abstract_id)) == NULL)
			continue;
		il = pp.num_ilvl >= 0 && pp.num_ilvl < NUM_LEVELS ? pp.num_ilvl : 0;
		if (!n->started[il]) {
			int st =
			    n->start_override[il] >= 0 ? n->start_override[il] : a->lvl[il].start;

			n->counters[il] = st - 1;
			n->started[il] = true;
		}
		n->counters[il]++;
		for (int k = il + 1; k < NUM_LEVELS; k++)
			n->started[k] = false;
		buf_init(&out, 1024);
		for (t = a->lvl[il].text; *t; t++) {
			if (t[0] == '%' && t[1] >= '1' && t[1] <= '9') {
				int k = t[1] - '1';
				int v = n->started[k] ? n->counters[k] : a->lvl[k].start;

				format_value(v, a->lvl[k].fmt, &out);
				t++;
			} else {
				buf_addc(&out, *t);
			}
		}
		if (out.len > 0)
			labels[i] = buf_detach(&out, NULL);
		buf_free(&out);
	}
	return labels;
}

void doc_numbering_free(struct doc_numbering *nb)
{
	if (nb == NULL)
		return;
	free(nb->abs);
	free(nb->nums);
	free(nb);
}
