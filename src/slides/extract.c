/*
 * slides/extract: an outline from free text without a model.
 *
 * 1. Paragraphs with a heading level: Markdown "#", .docx heading styles,
 *    and the Chinese numbering of official documents (第一章/第一部分 >
 *    一、 > （一）); a numbered heading followed by text on the same line
 *    ("（一）加强领导。各部门要……") is split after its first sentence.
 * 2. The two highest heading levels in use become sections ("#") and slides
 *    ("##"); with one level, slides only; with none, one slide per paragraph.
 * 3. Bullets are key sentences (numbers, action words, first sentence),
 *    at most two per paragraph, shortened at a clause boundary; the whole
 *    paragraph goes into the speaker notes, so nothing is lost.
 * 4. "label + number + unit" clauses become a chart (one unit, >= 3 values;
 *    years -> line) or a table (mixed units) on an extra slide.
 * The output always satisfies slides_outline_parse()'s limits.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "doc/docx.h"
#include "slides/slides.h"
#include "text/text.h"

#define MAX_TITLE_CP  60
#define MAX_BULLET_CP 60
#define MAX_BULLETS   8
#define MAX_NOTES     18000
#define MAX_LINE      3800

struct para {
	char *text;
	int level; /* 0 body; 1..9 heading depth */
	bool list; /* a Markdown list item: already a point */
	bool table;
};

struct paras {
	struct para *p;
	size_t n;
	size_t cap;
	char *title;
};

static void paras_add(struct paras *ps, const char *s, size_t n, int level, bool list, bool table)
{
	ps->p = xgrow(ps->p, &ps->cap, ps->n + 1, sizeof(*ps->p));
	ps->p[ps->n].text = xstrndup(s, n);
	ps->p[ps->n].level = level;
	ps->p[ps->n].list = list;
	ps->p[ps->n].table = table;
	ps->n++;
}

static void paras_free(struct paras *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->p[i].text);
	free(ps->p);
	free(ps->title);
}

/* ---- small UTF-8 helpers ------------------------------------------------ */

static bool starts(const char *s, const char *lit)
{
	return strncmp(s, lit, strlen(lit)) == 0;
}

static size_t cp_len(const char *s)
{
	size_t k = 0;

	for (; *s != '\0'; s++)
		k += ((unsigned char)*s & 0xC0) != 0x80;
	return k;
}

/* Byte offset of the first `cps` code points. */
static size_t cp_prefix(const char *s, size_t cps)
{
	size_t i = 0;

	while (s[i] != '\0' && cps > 0) {
		i++;
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		cps--;
	}
	return i;
}

/* Clean a text for the outline: control chars -> space, collapse blanks,
 * trim; characters the dialect gives meaning to inside a cell/CSV field
 * are replaced by `bad` when not NULL. */
static char *clean(const char *s, size_t n, const char *bad)
{
	char *r = xmalloc(n + 1);
	size_t k = 0;
	bool sp = true;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		/* bad lists ASCII characters; a full-width comma counts as ',' */
		if (bad != NULL && strchr(bad, ',') != NULL && n - i >= 3 &&
		    memcmp(s + i, "，", 3) == 0) {
			c = ' ';
			i += 2;
		}
		if ((unsigned char)c < 0x20 || c == 0x7f ||
		    (bad != NULL && (unsigned char)c < 0x80 && strchr(bad, c) != NULL))
			c = ' ';
		if (c == ' ') {
			if (sp)
				continue;
			sp = true;
		} else {
			sp = false;
		}
		r[k++] = c;
	}
	while (k > 0 && r[k - 1] == ' ')
		k--;
	r[k] = '\0';
	/* U+3000 at the start: drop (indent of Chinese paragraphs) */
	while (starts(r, "\xe3\x80\x80")) {
		memmove(r, r + 3, strlen(r + 3) + 1);
	}
	return r;
}

/* ---- heading detection ---------------------------------------------------- */

/* Level of a Chinese numbered heading at the start of s, with *skip =
 * bytes of the label: 第X章/第X部分 -> 1, 一、 -> 2, （一） -> 3. */
static int cn_heading(const char *s, size_t *skip)
{
	size_t i = 0, n = strlen(s);
	uint32_t c;

	if (starts(s, "第")) {
		i = 3;
		while (i < n && text_utf8_decode(s + i, n - i, &c) > 0 && text_cn_digit(c) >= 0)
			i += 3;
		if (i > 3 &&
		    (starts(s + i, "章") || starts(s + i, "部分") || starts(s + i, "篇"))) {
			*skip = 0;
			return 1;
		}
		return 0;
	}
	if (starts(s, "（") || starts(s, "(")) {
		i = starts(s, "（") ? 3 : 1;
		while (i < n && text_utf8_decode(s + i, n - i, &c) > 0 && text_cn_digit(c) >= 0)
			i += 3;
		if (i > 3 && (starts(s + i, "）") || s[i] == ')')) {
			*skip = 0;
			return 3;
		}
		return 0;
	}
	while (i < n && text_utf8_decode(s + i, n - i, &c) > 0 && text_cn_digit(c) >= 0 && i < 9)
		i += 3;
	if (i > 0 && starts(s + i, "、")) {
		*skip = 0;
		return 2;
	}
	return 0;
}

/* Byte length of the first sentence (through its 。！？ or to the end). */
static size_t first_sentence(const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		uint32_t c;
		size_t k = text_utf8_decode(s + i, n - i, &c);

		i += k;
		if (c == 0x3002 || c == 0xFF01 || c == 0xFF1F)
			return i;
	}
	return n;
}

/* Add a line of plain text: numbered heading (split after its first
 * sentence when text follows), else a body paragraph. */
static void add_text_line(struct paras *ps, const char *line, int styled_level)
{
	size_t skip = 0, fs;
	int lv = styled_level > 0 ? styled_level : cn_heading(line, &skip);

	if (lv == 0) {
		paras_add(ps, line, strlen(line), 0, false, false);
		return;
	}
	fs = first_sentence(line);
	if (cp_len(line) <= 40 && fs == strlen(line)) {
		paras_add(ps, line, strlen(line), lv, false, false);
		return;
	}
	{
		char *h = xstrndup(line, fs);
		size_t hl = strlen(h);

		if (cp_len(h) > 40) {
			/* a numbered paragraph, not a heading */
			free(h);
			paras_add(ps, line, strlen(line), 0, false, false);
			return;
		}
		if (hl >= 3 && strcmp(h + hl - 3, "。") == 0)
			h[hl - 3] = '\0';
		paras_add(ps, h, strlen(h), lv, false, false);
		free(h);
		if (line[fs] != '\0')
			paras_add(ps, line + fs, strlen(line + fs), 0, false, false);
	}
}

/* ---- readers ---------------------------------------------------------------- */

static void read_text(const char *data, size_t len, bool md, struct paras *ps)
{
	size_t i = 0;
	bool fence = false, first = true;
	struct buf para;

	buf_init(&para, SLIDES_MAX_SOURCE);
	while (i <= len) {
		const char *nl = i < len ? memchr(data + i, '\n', len - i) : NULL;
		size_t n = nl != NULL ? (size_t)(nl - (data + i)) : len - i;
		char *line = clean(data + i, n, NULL);
		const char *t = line;

		i += n + 1;
		if (md && starts(t, "```")) {
			fence = !fence;
			free(line);
			continue;
		}
		if (fence) {
			free(line);
			continue;
		}
		/* a Markdown paragraph runs until a blank line; a .txt line is one */
		if (md && *t != '\0' && *t != '#' && *t != '-' && *t != '*' && *t != '|' &&
		    *t != '>' && !(t[0] >= '0' && t[0] <= '9' && t[1] == '.')) {
			buf_adds(&para, t);
			free(line);
			continue;
		}
		if (para.len > 0) {
			add_text_line(ps, para.p, 0);
			buf_reset(&para);
		}
		if (*t == '\0') {
			free(line);
			continue;
		}
		if (md && *t == '#') {
			int lv = 0;

			while (t[lv] == '#' && lv < 6)
				lv++;
			t += lv;
			while (*t == ' ')
				t++;
			if (*t != '\0')
				paras_add(ps, t, strlen(t), lv, false, false);
		} else if (md && (*t == '-' || *t == '*') && t[1] == ' ') {
			paras_add(ps, t + 2, strlen(t + 2), 0, true, false);
		} else if (md && t[0] >= '0' && t[0] <= '9' && t[1] == '.' && t[2] == ' ') {
			paras_add(ps, t + 3, strlen(t + 3), 0, true, false);
		} else if (md && *t == '|') {
			paras_add(ps, t, strlen(t), 0, false, true);
		} else if (md && *t == '>') {
			t++;
			while (*t == ' ')
				t++;
			if (*t != '\0')
				add_text_line(ps, t, 0);
		} else if (first && !md && cp_len(t) <= 40 && first_sentence(t) == strlen(t) &&
			   cn_heading(t, &(size_t){0}) == 0) {
			/* the first short line of a text is its title */
			ps->title = xstrdup(t);
		} else {
			add_text_line(ps, t, 0);
		}
		first = false;
		free(line);
	}
	if (para.len > 0)
		add_text_line(ps, para.p, 0);
	buf_free(&para);
}

/* Heading level from a paragraph style name ("heading 2", "标题 2", "Title"). */
static int style_level(const char *name, bool *is_title)
{
	const char *d = NULL;

	*is_title = false;
	if (name == NULL)
		return 0;
	if (strcasecmp(name, "title") == 0 || strcmp(name, "标题") == 0) {
		*is_title = true;
		return 0;
	}
	if (strncasecmp(name, "heading ", 8) == 0)
		d = name + 8;
	else if (starts(name, "标题 "))
		d = name + strlen("标题 ");
	else if (starts(name, "标题"))
		d = name + strlen("标题");
	if (d != NULL && d[0] >= '1' && d[0] <= '9' && d[1] == '\0')
		return d[0] - '0';
	return 0;
}

static int read_docx(const char *data, size_t len, const char *label, struct paras *ps,
		     struct err *e)
{
	struct doc_docx *d = NULL;
	int rc = doc_docx_open_mem(data, len, label, &d, e);

	if (rc != 0)
		return rc;
	for (size_t i = 0; i < d->npara; i++) {
		struct doc_ptext pt;
		struct doc_pprops pp;
		const struct doc_style *st;
		bool is_title;
		int lv;
		char *raw, *line;

		doc_ptext_init(&pt);
		doc_docx_para_text(d->paras[i], &pt);
		raw = ustr_to_utf8(&pt.text, 0, pt.text.len);
		doc_ptext_free(&pt);
		line = clean(raw, strlen(raw), NULL);
		free(raw);
		if (*line == '\0') {
			free(line);
			continue;
		}
		doc_docx_para_props(d, d->paras[i], &pp);
		st = pp.style_id[0] != '\0' ? doc_docx_style(d, pp.style_id) : NULL;
		lv = style_level(st != NULL ? st->name : NULL, &is_title);
		if (is_title && ps->title == NULL)
			ps->title = xstrdup(line);
		else
			add_text_line(ps, line, lv);
		free(line);
	}
	doc_docx_free(d);
	return 0;
}

/* ---- key sentences ----------------------------------------------------------- */

static const char *const action_words[] = {
    "提升", "增长", "下降", "完成", "实现", "达到", "推进", "建成", "上线", "突破",
    "重点", "目标", "任务", "措施", "问题", "建议", "要求", "坚持", "加强", "推动",
    "确保", "成效", "创新", "优化", "全面", "首次", "率先", "累计", "同比",
};

static int sentence_score(const char *s, size_t n, bool first)
{
	int score = first ? 1 : 0;
	size_t cps = 0;
	bool digit = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digit = true;
		cps += ((unsigned char)s[i] & 0xC0) != 0x80;
	}
	if (digit)
		score += 3;
	for (size_t k = 0; k < ARRAY_LEN(action_words); k++) {
		const char *w = action_words[k];
		size_t wl = strlen(w);

		for (size_t i = 0; i + wl <= n; i++) {
			if (memcmp(s + i, w, wl) == 0) {
				score += 2;
				k = ARRAY_LEN(action_words);
				break;
			}
		}
	}
	if (cps < 8)
		score -= 3;
	return score;
}

struct sentence {
	size_t off, len;
	int score;
};

static size_t split_sentences(const char *s, struct sentence *out, size_t max)
{
	size_t n = strlen(s), i = 0, start = 0, k = 0;

	while (i < n && k < max) {
		uint32_t c;
		size_t cl = text_utf8_decode(s + i, n - i, &c);

		i += cl;
		if (c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B || i >= n) {
			if (i > start) {
				out[k].off = start;
				out[k].len = i - start;
				out[k].score = sentence_score(s + start, i - start, k == 0);
				k++;
			}
			start = i;
		}
	}
	return k;
}

/* A bullet from a sentence: trailing 。；, cut at a clause end before
 * MAX_BULLET_CP code points. */
static char *bullet_text(const char *s, size_t n)
{
	char *b = clean(s, n, NULL);
	size_t l = strlen(b);

	while (l >= 3 && (strcmp(b + l - 3, "。") == 0 || strcmp(b + l - 3, "；") == 0 ||
			  strcmp(b + l - 3, "，") == 0)) {
		l -= 3;
		b[l] = '\0';
	}
	if (cp_len(b) > MAX_BULLET_CP) {
		size_t lim = cp_prefix(b, MAX_BULLET_CP), cut = 0;

		for (size_t i = 0; i + 3 <= lim; i++) {
			if (memcmp(b + i, "，", 3) == 0 || memcmp(b + i, "；", 3) == 0)
				cut = i;
		}
		if (cut < cp_prefix(b, 12))
			cut = lim;
		b[cut] = '\0';
	}
	return b;
}

/* ---- numbers -> chart / table ---------------------------------------------- */

static const char *const units[] = {
    "个百分点", "万元", "亿元", "万人", "人次", "万户", "公里", "平方米", "万吨", "小时",
    "分钟",	"%",	"％",	"元",	"人",	"个",	"项",	"家",	  "件",	  "户",
    "次",	"万",	"亿",	"吨",	"天",	"所",	"条",	"座",	  "台",	  "名",
};

static const char *const label_tails[] = {
    "提高到", "提升至", "提升到", "增长到", "下降到", "减少到", "增加到", "达到", "提高",
    "提升",   "增长",	"增加",	  "下降",   "减少",   "完成",	"累计",	  "超过", "约",
    "达",     "为",	"共",	  "了",	    "同比",   "占比",	"总数",	  "数量", "是",
};

static const char *const label_heads[] = {"其中", "全年", "今年", "全市", "全区", "共",
					  "累计", "和",	  "及",	  "并",	  "已"};

struct datum {
	char *label;
	char *value; /* as written */
	double v;
	const char *unit;
};

static bool clause_datum(const char *s, size_t n, struct datum *d)
{
	size_t i = 0, ns, ne;
	char *lab, *num;

	/* the first ASCII number that is not a year-like prefix of the label */
	while (i < n && !(s[i] >= '0' && s[i] <= '9'))
		i++;
	if (i == n)
		return false;
	ns = i;
	while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
		i++;
	ne = i;
	/* a leading year ("2024年…") is part of the label: look further */
	if (ne - ns == 4 && n - ne >= 3 && memcmp(s + ne, "年", 3) == 0) {
		size_t j = ne + 3;

		while (j < n && !(s[j] >= '0' && s[j] <= '9'))
			j++;
		if (j < n) {
			ns = j;
			i = j;
			while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
				i++;
			ne = i;
		}
	}
	d->unit = NULL;
	for (size_t k = 0; k < ARRAY_LEN(units); k++) {
		size_t ul = strlen(units[k]);

		if (n - ne >= ul && memcmp(s + ne, units[k], ul) == 0) {
			d->unit = strcmp(units[k], "％") == 0 ? "%" : units[k];
			break;
		}
	}
	if (d->unit == NULL || strcmp(d->unit, "个百分点") == 0)
		return false;
	{
		/* the unit must end the quantity: "3个工作日" is not 3 个 */
		size_t after = ne + strlen(d->unit);
		uint32_t c = 0;

		if (after < n && text_utf8_decode(s + after, n - after, &c) > 0 && text_is_han(c) &&
		    c != 0x4EE5 /* 以(上) */ && c != 0x5DE6 /* 左(右) */)
			return false;
	}
	lab = clean(s, ns, ",|");
	for (bool again = true; again;) {
		size_t ll = strlen(lab);

		again = false;
		for (size_t k = 0; k < ARRAY_LEN(label_tails); k++) {
			size_t tl = strlen(label_tails[k]);

			if (ll > tl && strcmp(lab + ll - tl, label_tails[k]) == 0) {
				lab[ll - tl] = '\0';
				again = true;
				break;
			}
		}
		for (size_t k = 0; k < ARRAY_LEN(label_heads) && !again; k++) {
			if (starts(lab, label_heads[k]) && strlen(lab) > strlen(label_heads[k])) {
				memmove(lab, lab + strlen(label_heads[k]),
					strlen(lab) - strlen(label_heads[k]) + 1);
				again = true;
			}
		}
		ll = strlen(lab);
		while (ll > 0 && lab[ll - 1] == ' ')
			lab[--ll] = '\0';
	}
	static const char *const stop[] = {"累计", "同比", "其中", "全区", "比上年",
					   "全年", "总数", "共计", "合计", "平均"};
	bool stopped = false;

	for (size_t k = 0; k < ARRAY_LEN(stop); k++)
		stopped = stopped || strcmp(lab, stop[k]) == 0;
	if (stopped || cp_len(lab) < 2 || cp_len(lab) > 14 ||
	    (strlen(lab) >= 3 && strcmp(lab + strlen(lab) - 3, "的") == 0)) {
		free(lab);
		return false;
	}
	num = xstrndup(s + ns, ne - ns);
	d->label = lab;
	d->value = num;
	d->v = strtod(num, NULL);
	return true;
}

static size_t collect_data(const char *s, struct datum *out, size_t have, size_t max)
{
	size_t n = strlen(s), i = 0, start = 0;

	while (i < n && have < max) {
		uint32_t c;
		size_t cl = text_utf8_decode(s + i, n - i, &c);

		i += cl;
		if (c == 0xFF0C || c == 0x3002 || c == 0xFF1B || c == 0x3001 || c == 0xFF01 ||
		    c == 0xFF1F || i >= n) {
			struct datum d;

			if (clause_datum(s + start, i - start, &d)) {
				bool dup = false;

				for (size_t k = 0; k < have; k++)
					dup = dup || strcmp(out[k].label, d.label) == 0;
				if (dup) {
					free(d.label);
					free(d.value);
				} else {
					out[have++] = d;
				}
			}
			start = i;
		}
	}
	return have;
}

static bool is_year_label(const char *s)
{
	return strlen(s) >= 4 && s[0] >= '1' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
	       s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9';
}

static void emit_data(struct buf *o, const char *title, struct datum *d, size_t n)
{
	size_t same = 0;
	bool years = true;

	for (size_t i = 0; i < n; i++) {
		same += strcmp(d[i].unit, d[0].unit) == 0;
		years = years && is_year_label(d[i].label);
	}
	buf_addf(o, "## %s：数据\n", title);
	if (same == n) {
		buf_addf(o, "```chart %s\n项目,数值（%s）\n", years ? "line" : "bar", d[0].unit);
		for (size_t i = 0; i < n; i++)
			buf_addf(o, "%s,%s\n", d[i].label, d[i].value);
		buf_adds(o, "```\n\n");
	} else {
		buf_adds(o, "| 指标 | 数值 |\n| --- | --- |\n");
		for (size_t i = 0; i < n; i++)
			buf_addf(o, "| %s | %s%s |\n", d[i].label, d[i].value, d[i].unit);
		buf_adds(o, "\n");
	}
}

/* ---- building the outline -------------------------------------------------- */

struct emitter {
	struct buf *o;
	char *title; /* current slide title, NULL when none is open */
	struct buf bullets;
	struct buf notes;
	struct buf table;
	size_t nbullets;
	size_t table_cols;
	size_t table_rows;
	struct datum data[12];
	size_t ndata;
	size_t nslides;
	size_t nsections;
};

static void emit_title_line(struct buf *o, const char *prefix, const char *s)
{
	char *t = clean(s, strlen(s), NULL);

	if (cp_len(t) > MAX_TITLE_CP)
		t[cp_prefix(t, MAX_TITLE_CP)] = '\0';
	buf_addf(o, "%s%s\n", prefix, t[0] != '\0' ? t : "（无标题）");
	free(t);
}

/* The table rows of a slide pass only when the outline parser accepts
 * them as one table (same cell rules); otherwise they go to the notes. */
static void check_table(struct emitter *em)
{
	struct slides_outline *o = NULL;
	struct err e = {0};
	struct buf t;

	if (em->table.len == 0)
		return;
	buf_init(&t, (size_t)2 << 20);
	buf_adds(&t, "## t\n");
	buf_add(&t, em->table.p, em->table.len);
	if (slides_outline_parse(t.p, t.len, &o, &e) != 0 || o->slides[0].table == NULL) {
		const char *q = em->table.p;

		while (*q != '\0') {
			const char *nl = strchr(q, '\n');
			size_t n = nl != NULL ? (size_t)(nl - q) : strlen(q);

			if (em->notes.len + n + 8 <= MAX_NOTES)
				buf_addf(&em->notes, "> %.*s\n", (int)n, q);
			q += n + (nl != NULL ? 1 : 0);
		}
		buf_reset(&em->table);
	}
	slides_outline_free(o);
	buf_free(&t);
}

static void flush_slide(struct emitter *em)
{
	if (em->title == NULL)
		return;
	check_table(em);
	if (em->nslides < SLIDES_MAX_SLIDES - 1) {
		emit_title_line(em->o, "## ", em->title);
		buf_add(em->o, em->bullets.p, em->bullets.len);
		buf_add(em->o, em->table.p, em->table.len);
		buf_add(em->o, em->notes.p, em->notes.len);
		buf_adds(em->o, "\n");
		em->nslides++;
		if (em->ndata >= 3 && em->nslides < SLIDES_MAX_SLIDES - 1) {
			char *t = clean(em->title, strlen(em->title), NULL);

			if (cp_len(t) > MAX_TITLE_CP - 4)
				t[cp_prefix(t, MAX_TITLE_CP - 4)] = '\0';
			emit_data(em->o, t, em->data, em->ndata);
			em->nslides++;
			free(t);
		}
	}
	for (size_t i = 0; i < em->ndata; i++) {
		free(em->data[i].label);
		free(em->data[i].value);
	}
	em->ndata = 0;
	free(em->title);
	em->title = NULL;
	buf_reset(&em->bullets);
	buf_reset(&em->notes);
	buf_reset(&em->table);
	em->nbullets = 0;
	em->table_cols = 0;
	em->table_rows = 0;
}

static void open_slide(struct emitter *em, const char *title)
{
	flush_slide(em);
	em->title = xstrdup(title);
}

static void add_bullet(struct emitter *em, const char *s, size_t n)
{
	char *b;

	if (em->nbullets >= MAX_BULLETS)
		return;
	b = bullet_text(s, n);
	if (b[0] != '\0') {
		buf_addf(&em->bullets, "- %s\n", b);
		em->nbullets++;
	}
	free(b);
}

static void add_notes(struct emitter *em, const char *s)
{
	size_t n = strlen(s);

	if (em->notes.len + n + 8 > MAX_NOTES)
		return;
	if (n > MAX_LINE)
		n = cp_prefix(s, MAX_LINE / 3);
	buf_adds(&em->notes, "> ");
	buf_add(&em->notes, s, n);
	buf_adds(&em->notes, "\n");
}

static void add_body(struct emitter *em, const struct para *p)
{
	struct sentence sent[64];
	size_t ns, picked = 0;
	bool take[64] = {0};

	if (p->table) {
		/* a Markdown table row passes through when it is well-formed and
		 * has the column count of the slide's first row */
		size_t cells = 0, cell_len = 0, longest = 0;
		const char *c = p->text + 1;

		for (; *c != '\0'; c++) {
			if (*c == '|') {
				cells++;
				longest = cell_len > longest ? cell_len : longest;
				cell_len = 0;
			} else {
				cell_len++;
			}
		}
		if (cell_len > 0 && p->text[strlen(p->text) - 1] != '|') {
			cells++;
			longest = cell_len > longest ? cell_len : longest;
		}
		if (em->table_cols == 0 && cells >= 2 && cells <= SLIDES_MAX_COLS)
			em->table_cols = cells;
		if (p->text[1] != '|' && cells == em->table_cols && longest < SLIDES_MAX_CELL &&
		    em->table_rows < 200) {
			buf_addf(&em->table, "%s\n", p->text);
			em->table_rows++;
		}
		return;
	}
	em->ndata = collect_data(p->text, em->data, em->ndata, ARRAY_LEN(em->data));
	if (p->list) {
		add_bullet(em, p->text, strlen(p->text));
		return;
	}
	add_notes(em, p->text);
	ns = split_sentences(p->text, sent, ARRAY_LEN(sent));
	/* the two best sentences of the paragraph, in their order */
	for (int round = 0; round < 2 && em->nbullets + picked < MAX_BULLETS; round++) {
		int best = -1;

		for (size_t i = 0; i < ns; i++) {
			if (!take[i] && sent[i].score >= 0 &&
			    (best < 0 || sent[i].score > sent[best].score))
				best = (int)i;
		}
		if (best < 0)
			break;
		take[best] = true;
		picked++;
	}
	for (size_t i = 0; i < ns; i++) {
		if (take[i])
			add_bullet(em, p->text + sent[i].off, sent[i].len);
	}
}

/* A title for a slide made from a paragraph without a heading: its first
 * clause when short enough, else its first MAX_TITLE_CP/3 characters. */
static char *para_title(const char *s)
{
	size_t n = strlen(s), i = 0;
	char *t;

	while (i < n) {
		uint32_t c;
		size_t k = text_utf8_decode(s + i, n - i, &c);

		if (c == 0xFF0C || c == 0x3002 || c == 0xFF1B || c == 0xFF1A || c == 0xFF01 ||
		    c == 0xFF1F)
			break;
		i += k;
	}
	t = clean(s, i, NULL);
	if (cp_len(t) > 20) {
		t[cp_prefix(t, 18)] = '\0';
		t = xrealloc(t, strlen(t) + 4);
		memcpy(t + strlen(t), "…", 4);
	}
	return t;
}

static void build(struct paras *ps, struct buf *o)
{
	int levels[10] = {0};
	int sec_level = 0, slide_level = 0, nlev = 0;
	struct emitter em = {0};
	size_t first = 0;
	const char *sec_title = NULL;

	em.o = o;
	buf_init(&em.bullets, (size_t)1 << 20);
	buf_init(&em.notes, (size_t)1 << 20);
	buf_init(&em.table, (size_t)1 << 20);
	/* a single top heading that starts the text is the deck title */
	if (ps->title == NULL && ps->n > 0 && ps->p[0].level > 0) {
		int top = ps->p[0].level;
		size_t same = 0;

		for (size_t i = 0; i < ps->n; i++)
			same += ps->p[i].level > 0 && ps->p[i].level <= top;
		if (same == 1) {
			ps->title = xstrdup(ps->p[0].text);
			first = 1;
		}
	}
	for (size_t i = first; i < ps->n; i++)
		levels[ps->p[i].level] = 1;
	for (int l = 1; l < 10; l++) {
		if (!levels[l])
			continue;
		nlev++;
		if (sec_level == 0)
			sec_level = l;
		else if (slide_level == 0)
			slide_level = l;
	}
	if (nlev == 1) {
		slide_level = sec_level;
		sec_level = 0;
	}
	if (ps->title != NULL)
		emit_title_line(o, "% 标题: ", ps->title);
	buf_adds(o, "\n");
	for (size_t i = first; i < ps->n; i++) {
		const struct para *p = &ps->p[i];

		if (p->level > 0 && p->level == sec_level) {
			flush_slide(&em);
			sec_title = p->text;
			if (em.nsections < SLIDES_MAX_SECTIONS) {
				emit_title_line(o, "# ", p->text);
				buf_adds(o, "\n");
				em.nsections++;
			}
			continue;
		}
		if (p->level > 0 && p->level == slide_level) {
			open_slide(&em, p->text);
			continue;
		}
		if (p->level > 0) {
			/* a deeper heading: a point of the current slide */
			if (em.title == NULL)
				open_slide(&em, p->text);
			else
				add_bullet(&em, p->text, strlen(p->text));
			continue;
		}
		if (em.title == NULL && sec_title != NULL && slide_level != 0) {
			/* text right under a section heading: a slide named after it */
			open_slide(&em, sec_title);
		} else if (em.title == NULL || (slide_level == 0 && !p->list && !p->table)) {
			char *t = para_title(p->text);

			open_slide(&em, t[0] != '\0' ? t : "要点");
			free(t);
		}
		add_body(&em, p);
	}
	flush_slide(&em);
	if (em.nslides == 0 && em.nsections == 0)
		buf_adds(o, "## 要点\n- （原文没有可提取的内容）\n");
	buf_free(&em.bullets);
	buf_free(&em.notes);
	buf_free(&em.table);
}

int slides_extract(const char *data, size_t len, const char *kind, const char *label,
		   struct buf *out, struct err *e)
{
	struct paras ps = {0};
	size_t bad = 0;
	int rc = 0;

	if (len > SLIDES_MAX_SOURCE)
		return err_set(e, BASE_E_LIMIT, "%s: 文件过大（最多 20 MB）", label);
	if (strcmp(kind, "docx") == 0) {
		rc = read_docx(data, len, label, &ps, e);
	} else {
		size_t off = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;

		if (!text_utf8_valid(data, len, &bad))
			return err_set(e, BASE_E_FORMAT,
				       "%s: 不是有效的 UTF-8 文本（第 %zu 字节）；请另存为 UTF-8",
				       label, bad + 1);
		read_text(data + off, len - off, strcmp(kind, "md") == 0, &ps);
	}
	if (rc == 0)
		build(&ps, out);
	paras_free(&ps);
	return rc;
}
