/* gongwen/core: documents, findings, the check driver. See gongwen.h. */
#include "gongwen/gongwen.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/side.h"
#include "gongwen/docx_util.h"
#include "text/regex.h"

#define TXT_MAX_BYTES (16u << 20)
#define TXT_MAX_LINES 200000
#define TXT_MAX_LINE  (1u << 20)

const char *const gw_doc_types[15] = {"决议", "决定", "命令", "公报", "公告",
				      "通告", "意见", "通知", "通报", "报告",
				      "请示", "批复", "议案", "函",   "纪要"};

bool gw_doc_type_upward(int t)
{
	return t == 9 || t == 10; /* 报告, 请示 */
}

static const char *const fangsong_fonts[] = {"仿宋_GB2312",	"仿宋",		"FangSong",
					     "FangSong_GB2312", "方正仿宋_GBK", "方正仿宋简体",
					     "方正仿宋_GB2312", "华文仿宋",	"STFangsong"};
static const char *const hei_fonts[] = {
    "黑体", "SimHei", "方正黑体_GBK", "方正黑体简体", "方正黑体_GB2312", "华文黑体", "STHeiti"};
static const char *const kai_fonts[] = {"楷体_GB2312",	   "楷体",	   "KaiTi",
					"KaiTi_GB2312",	   "方正楷体_GBK", "方正楷体简体",
					"方正楷体_GB2312", "华文楷体",	   "STKaiti"};
static const char *const xbs_fonts[] = {
    "方正小标宋简体", "方正小标宋_GBK", "方正小标宋_GB2312",   "方正小标宋",
    "小标宋",	      "小标宋体",	"FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05"};
static const char *const song_fonts[] = {"宋体", "SimSun", "新宋体", "NSimSun"};

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(name, list[i]) == 0)
			return true;
	}
	return false;
}

int gw_font_category(const char *name)
{
	if (name == NULL || name[0] == '\0')
		return GW_FONT_OTHER;
	if (in_list(name, fangsong_fonts, ARRAY_LEN(fangsong_fonts)))
		return GW_FONT_FANGSONG;
	if (in_list(name, hei_fonts, ARRAY_LEN(hei_fonts)))
		return GW_FONT_HEI;
	if (in_list(name, kai_fonts, ARRAY_LEN(kai_fonts)))
		return GW_FONT_KAI;
	if (in_list(name, xbs_fonts, ARRAY_LEN(xbs_fonts)))
		return GW_FONT_XBS;
	if (in_list(name, song_fonts, ARRAY_LEN(song_fonts)))
		return GW_FONT_SONG;
	return GW_FONT_OTHER;
}

const char *gw_severity_name(int sev)
{
	switch (sev) {
	case GW_SEV_ERROR:
		return "error";
	case GW_SEV_WARNING:
		return "warning";
	default:
		return "info";
	}
}

/* --- documents -------------------------------------------------------- */

/* A new paragraph of node node (NULL for .txt), its text empty. */
static inline void para_init(struct gw_para *p, xmlNodePtr node)
{
	memset(p, 0, sizeof(*p));
	ustr_init(&p->text);
	p->node = node;
	p->number = -1;
}

static void add_para(struct gw_doc *doc, size_t *cap, const char *s, size_t len, xmlNodePtr node)
{
	struct gw_para *p;

	doc->paras = xgrow(doc->paras, cap, doc->n + 1, sizeof(*doc->paras));
	p = &doc->paras[doc->n++];
	para_init(p, node);
	if (s != NULL)
		ustr_add_utf8(&p->text, s, len);
}

/* Split UTF-8 text into paragraphs (one per line); label names it in errors. */
static int load_text(const char *label, const char *data, size_t len, struct gw_doc *doc,
		     struct err *e)
{
	size_t bad;
	size_t cap = 0;
	const char *p = data;
	const char *end = data + len;

	if (len == 0)
		return err_set(e, BASE_E_FORMAT, "%s: 文件为空", label);
	if (len > TXT_MAX_BYTES)
		return err_set(e, BASE_E_LIMIT, "%s: 文本过大（上限 %u 字节）", label,
			       (unsigned)TXT_MAX_BYTES);
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	if (!text_utf8_valid(p, (size_t)(end - p), &bad))
		return err_set(e, BASE_E_FORMAT, "%s: 不是有效的UTF-8文本（第 %zu 字节处编码错误）",
			       label, (size_t)(p - data) + bad);
	if (memchr(p, '\0', (size_t)(end - p)) != NULL)
		return err_set(e, BASE_E_FORMAT, "%s: 含NUL字节，不是文本文件", label);
	doc->final_newline = len > 0 && end[-1] == '\n';
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t l = (size_t)(le - p);

		if (l > 0 && p[l - 1] == '\r') {
			l--;
			doc->crlf = true;
		}
		if (l > TXT_MAX_LINE || doc->n >= TXT_MAX_LINES)
			return err_set(e, BASE_E_LIMIT,
				       "%s: 行过长或行数过多（单行上限 %u 字节，%u 行）", label,
				       TXT_MAX_LINE, TXT_MAX_LINES);
		add_para(doc, &cap, p, l, NULL);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

static int open_txt(const char *path, struct gw_doc *doc, struct err *e)
{
	char *data;
	size_t len;
	int rc = base_read_file(path, TXT_MAX_BYTES, &data, &len, e);

	if (rc != 0)
		return rc;
	rc = load_text(path, data, len, doc, e);
	free(data);
	return rc;
}

int gw_doc_from_text(const char *label, const char *text, size_t len, const struct gw_profile *prof,
		     struct gw_doc *doc, struct err *e)
{
	int rc;

	memset(doc, 0, sizeof(*doc));
	doc->file = label;
	doc->profile = prof;
	rc = load_text(label, text, len, doc, e);
	if (rc != 0) {
		gw_doc_free(doc);
		return rc;
	}
	gw_detect_roles(doc);
	return 0;
}

static void keep_segs(struct gw_para *p, const struct doc_ptext *pt)
{
	if (!p->segs_shared)
		free(p->segs);
	p->segs_shared = false;
	p->segs = xmalloc((pt->nsegs ? pt->nsegs : 1) * sizeof(*p->segs));
	if (pt->nsegs > 0)
		memcpy(p->segs, pt->segs, pt->nsegs * sizeof(*p->segs));
	p->nsegs = pt->nsegs;
}

/* The paragraphs' texts and segments, decoded one paragraph after another
 * into one buffer each: the segments become doc->seg_pool (one allocation
 * instead of one per paragraph; a paragraph refreshed later gets its own,
 * see keep_segs), a read-only document's texts doc->text_pool (never
 * edited: gw_fix refuses such a document); other documents' texts are
 * decoded straight into each paragraph's own buffer. */
static void load_docx_texts(struct gw_doc *doc)
{
	struct doc_ptext pt;
	size_t cap = 0;
	size_t npara = doc->docx->npara;
	bool pool = doc->docx->readonly;
	size_t toff = 0;
	size_t soff = 0;

	doc->paras = xgrow(NULL, &cap, npara + 1, sizeof(*doc->paras));
	doc_ptext_init(&pt);
	/* room for two segments and 64 characters per paragraph before the
	 * buffers grow */
	pt.segs = xgrow(NULL, &pt.segs_cap, 2 * npara + 8, sizeof(*pt.segs));
	if (pool)
		pt.text.p = xgrow(NULL, &pt.text.cap, 64 * npara + 64, sizeof(*pt.text.p));
	pt.keep_sects = pool;
	for (size_t i = 0; i < npara; i++) {
		struct gw_para *p;
		size_t t0 = pt.text.len;
		size_t s0 = pt.nsegs;

		if (!pool) {
			/* the paragraph's (empty) buffer, which then moves to it */
			ustr_init(&pt.text);
			t0 = 0;
		}
		doc_docx_para_text_add(doc->docx->paras[i], &pt);
		p = &doc->paras[doc->n++]; /* (room for all of them) */
		para_init(p, doc->docx->paras[i]);
		if (pool)
			p->text.len = pt.text.len - t0; /* (p set below) */
		else
			p->text = pt.text;
		p->nsegs = pt.nsegs - s0;
	}
	/* the buffers have stopped moving: point the paragraphs into them */
	for (size_t i = 0; i < doc->n; i++) {
		struct gw_para *p = &doc->paras[i];

		p->segs = pt.segs + soff;
		p->segs_shared = true;
		soff += p->nsegs;
		if (pool) {
			/* (an empty text stays NULL, as ustr_init leaves it) */
			p->text.p = p->text.len > 0 ? pt.text.p + toff : NULL;
			p->text.cap = p->text.len;
			toff += p->text.len;
		}
	}
	doc->seg_pool = pt.segs;
	doc->text_pool = pool ? pt.text.p : NULL;
	/* (else pt.text is the last paragraph's) */
	doc->para_sects_ok = pool;
	doc->para_sects = pt.sects;
	doc->npara_sects = pt.nsects;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s);
	size_t b = strlen(suf);

	return a >= b && strcasecmp(s + a - b, suf) == 0;
}

static int doc_open(const char *path, const struct gw_profile *prof, bool readonly,
		    struct gw_doc *doc, struct err *e)
{
	int rc;

	memset(doc, 0, sizeof(*doc));
	doc->file = path;
	doc->profile = prof;
	if (has_suffix(path, ".docx") || has_suffix(path, ".docm") || has_suffix(path, ".wps")) {
		struct doc_docx *d;

		rc = readonly ? doc_docx_open_check(path, &d, e) : doc_docx_open(path, &d, e);
		if (rc != 0)
			return rc;
		gw_doc_from_docx(d, path, prof, doc);
		return 0;
	} else if (has_suffix(path, ".txt") || has_suffix(path, ".text")) {
		rc = open_txt(path, doc, e);
		if (rc != 0) {
			gw_doc_free(doc);
			return rc;
		}
	} else if (has_suffix(path, ".doc")) {
		return err_set(e, BASE_E_FORMAT,
			       "%s: 不支持旧版 .doc 格式，请在 Word/WPS 中另存为 .docx", path);
	} else {
		return err_set(e, BASE_E_FORMAT, "%s: 不支持的文件类型（仅支持 .docx 和 .txt）",
			       path);
	}
	gw_detect_roles(doc);
	return 0;
}

int gw_doc_open(const char *path, const struct gw_profile *prof, struct gw_doc *doc, struct err *e)
{
	return doc_open(path, prof, false, doc, e);
}

int gw_doc_open_check(const char *path, const struct gw_profile *prof, struct gw_doc *doc,
		      struct err *e)
{
	return doc_open(path, prof, true, doc, e);
}

void gw_doc_from_docx(struct doc_docx *d, const char *label, const struct gw_profile *prof,
		      struct gw_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
	doc->file = label;
	doc->profile = prof;
	doc->is_docx = true;
	doc->docx = d;
	/* paragraph properties on the helper thread meanwhile: texts and roles
	 * read only d's tree */
	doc_docx_warm_start(d);
	load_docx_texts(doc);
	gw_detect_roles(doc);
	doc_docx_warm_finish(d);
}

void gw_doc_free(struct gw_doc *doc)
{
	for (size_t i = 0; i < doc->n; i++) {
		if (doc->text_pool == NULL)
			ustr_free(&doc->paras[i].text);
		if (!doc->paras[i].segs_shared)
			free(doc->paras[i].segs);
	}
	free(doc->paras);
	free(doc->seg_pool);
	doc->seg_pool = NULL;
	free(doc->text_pool);
	doc->text_pool = NULL;
	free(doc->para_sects);
	doc->para_sects = NULL;
	doc->para_sects_ok = false;
	doc_docx_free(doc->docx);
	doc->paras = NULL;
	doc->docx = NULL;
	doc->n = 0;
}

void gw_doc_refresh(struct gw_doc *doc)
{
	if (doc->is_docx) {
		struct doc_ptext pt;

		doc_ptext_init(&pt);
		for (size_t i = 0; i < doc->n; i++) {
			/* a pooled text is not grown: each gets its own buffer */
			if (doc->text_pool != NULL)
				ustr_init(&doc->paras[i].text);
			doc_docx_para_text(doc->paras[i].node, &pt);
			doc->paras[i].text.len = 0;
			ustr_add(&doc->paras[i].text, pt.text.p, pt.text.len);
			keep_segs(&doc->paras[i], &pt);
		}
		doc_ptext_free(&pt);
		free(doc->text_pool);
		doc->text_pool = NULL;
		/* (the body may have changed: sections are walked for again) */
		free(doc->para_sects);
		doc->para_sects = NULL;
		doc->npara_sects = 0;
		doc->para_sects_ok = false;
	}
	gw_detect_roles(doc);
}

/* --- findings --------------------------------------------------------- */

void gw_findings_init(struct gw_findings *f)
{
	memset(f, 0, sizeof(*f));
}

static void finding_free(struct gw_finding *fd)
{
	free(fd->excerpt);
	free(fd->message);
	free(fd->suggestion);
	for (size_t i = 0; i < fd->nedits; i++)
		free(fd->edits[i].rep);
	free(fd->edits);
}

void gw_findings_free(struct gw_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		finding_free(&f->v[i]);
	free(f->v);
	gw_findings_init(f);
}

struct gw_finding *gw_vadd_owned(struct gw_findings *f, const char *rule, int sev, long para,
				 int fix, char *excerpt, const char *fmt, va_list ap)
{
	struct gw_finding *fd;
	struct buf b;

	f->v = xgrow(f->v, &f->cap, f->n + 1, sizeof(*f->v));
	fd = &f->v[f->n++];
	memset(fd, 0, sizeof(*fd));
	fd->rule = rule;
	fd->severity = sev;
	fd->para = para;
	fd->fix = fix;
	fd->excerpt = excerpt != NULL ? excerpt : xstrdup("");
	buf_init(&b, 4096);
	buf_vaddf(&b, fmt, ap);
	fd->message = buf_detach(&b, NULL);
	return fd;
}

struct gw_finding *gw_add(struct gw_findings *f, const char *rule, int sev, long para, int fix,
			  const char *excerpt, const char *fmt, ...)
{
	struct gw_finding *fd;
	va_list ap;

	va_start(ap, fmt);
	fd = gw_vadd_owned(f, rule, sev, para, fix, xstrdup(excerpt ? excerpt : ""), fmt, ap);
	va_end(ap);
	return fd;
}

void gw_finding_edit_ucs(struct gw_finding *fd, size_t start, size_t end, const uint32_t *rep,
			 size_t n)
{
	struct gw_edit *ed;

	fd->edits = xgrow(fd->edits, &fd->edits_cap, fd->nedits + 1, sizeof(*fd->edits));
	ed = &fd->edits[fd->nedits++];
	ed->start = start;
	ed->end = end;
	ed->nrep = n;
	ed->rep = xmalloc((n ? n : 1) * sizeof(uint32_t));
	if (n > 0)
		memcpy(ed->rep, rep, n * sizeof(uint32_t));
}

void gw_finding_edit(struct gw_finding *fd, size_t start, size_t end, const char *rep_utf8)
{
	struct ustr u;

	ustr_init(&u);
	ustr_add_cstr(&u, rep_utf8);
	gw_finding_edit_ucs(fd, start, end, u.p, u.len);
	ustr_free(&u);
}

void gw_finding_suggest(struct gw_finding *fd, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b, 4096);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	free(fd->suggestion);
	fd->suggestion = buf_detach(&b, NULL);
}

char *gw_excerpt(const struct gw_para *p, size_t start, size_t end)
{
	size_t a = start > 8 ? start - 8 : 0;
	size_t b = end + 8 < p->text.len ? end + 8 : p->text.len;
	size_t n = 0;
	char *s;

	if (b - a > 60)
		b = a + 60;
	if (b > p->text.len) /* a start past the text (b - a wrapped above) */
		b = p->text.len;
	if (a >= b)
		return xcalloc(1, 1);
	/* at most 60 code points of at most 4 bytes: encoded in place, not
	 * grown a code point at a time (what ustr_to_utf8 gives) */
	s = xmalloc(4 * (b - a) + 1);
	for (size_t k = a; k < b; k++)
		n += text_utf8_encode(p->text.p[k], s + n);
	s[n] = '\0';
	return s;
}

static int cmp_finding(const void *x, const void *y)
{
	const struct gw_finding *a = x;
	const struct gw_finding *b = y;
	int c;

	if (a->para != b->para)
		return a->para < b->para ? -1 : 1;
	c = strcmp(a->rule, b->rule);
	if (c != 0)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The rules that read only the paragraphs' texts and roles (rules_struct,
 * rules_punc, rules_num, rules_lexicon): nothing else of doc, no cache. */
static void text_rules(struct gw_doc *doc, struct gw_findings *out)
{
	gw_rules_head(doc, out);
	gw_rules_body(doc, out);
	gw_rules_tail(doc, out);
	gw_rules_punc(doc, out);
	gw_rules_num(doc, out);
	gw_rules_lexicon(doc, out);
}

struct text_rules_job {
	struct gw_doc *doc;
	struct gw_findings out;
};

static void text_rules_run(void *arg)
{
	struct text_rules_job *t = arg;

	text_rules(t->doc, &t->out);
}

/* Move the findings of from to the end of out, in order. */
static void findings_move(struct gw_findings *out, struct gw_findings *from)
{
	if (from->n > 0) {
		out->v = xgrow(out->v, &out->cap, out->n + from->n, sizeof(*out->v));
		memcpy(out->v + out->n, from->v, from->n * sizeof(*out->v));
		out->n += from->n;
	}
	free(from->v);
	gw_findings_init(from);
}

void gw_check(struct gw_doc *doc, struct gw_findings *out)
{
	size_t w = 0;

	gw_run_cache_begin(doc);
	if (doc->is_docx && doc->docx->readonly) {
		/* Checking a .docx: the text rules on base/side's helper thread
		 * while this one runs the property and layout rules (which use
		 * the caches); their findings then in the order of one thread */
		struct text_rules_job tj = {.doc = doc};
		struct gw_findings dx;
		struct base_side_job job;

		gw_findings_init(&dx);
		base_side_start(&job, text_rules_run, &tj);
		gw_rules_docx(doc, &dx);
		gw_rules_layout(doc, &dx);
		gw_rules_extra(doc, &dx);
		base_side_finish(&job);
		findings_move(out, &tj.out);
		findings_move(out, &dx);
	} else {
		text_rules(doc, out);
		if (doc->is_docx)
			gw_rules_docx(doc, out);
		gw_rules_layout(doc, out);
		gw_rules_extra(doc, out);
	}
	gw_run_cache_end(doc);
	/* Stable order; keep the first finding of each (rule, paragraph) but
	 * merge the edits of later duplicates into it. */
	for (size_t i = 0; i < out->n; i++)
		out->v[i].seq = i;
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_finding);
	for (size_t i = 0; i < out->n; i++) {
		if (w > 0 && out->v[w - 1].para == out->v[i].para &&
		    strcmp(out->v[w - 1].rule, out->v[i].rule) == 0) {
			struct gw_finding *keep = &out->v[w - 1];

			for (size_t k = 0; k < out->v[i].nedits; k++)
				gw_finding_edit_ucs(keep, out->v[i].edits[k].start,
						    out->v[i].edits[k].end, out->v[i].edits[k].rep,
						    out->v[i].edits[k].nrep);
			finding_free(&out->v[i]);
			continue;
		}
		out->v[w++] = out->v[i];
	}
	out->n = w;
}

bool gw_has_errors(const struct gw_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		if (f->v[i].severity == GW_SEV_ERROR)
			return true;
	}
	return false;
}
