/* slides/outline: the outline dialect (spec/ooxml.md §1.4), parser and writer. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "slides/slides_internal.h"
#include "text/text.h"

static const char *const layout_names[SLIDES_NLAYOUTS] = {
    "auto",  "title", "agenda",	    "section",	"bullets", "two_column",
    "table", "chart", "image_text", "timeline", "closing",
};

const char *slides_layout_name(int layout)
{
	if (layout < 0 || layout >= SLIDES_NLAYOUTS)
		return "?";
	return layout_names[layout];
}

int slides_layout_from_name(const char *name, size_t len)
{
	for (int i = 0; i < SLIDES_NLAYOUTS; i++) {
		if (strlen(layout_names[i]) == len && memcmp(layout_names[i], name, len) == 0)
			return i;
	}
	return -1;
}

static void bullet_free(struct slides_slide *s)
{
	for (size_t i = 0; i < s->nbullets; i++)
		free(s->bullets[i].text);
	free(s->bullets);
}

static void table_free(struct slides_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void slides_chart_free(struct slides_chart *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->ncats; i++)
		free(c->cats[i]);
	for (size_t i = 0; i < c->nseries; i++)
		free(c->series[i]);
	free(c->cats);
	free(c->series);
	free(c->values);
	free(c->cat_label);
	free(c);
}

void slides_outline_free(struct slides_outline *o)
{
	if (o == NULL)
		return;
	for (size_t i = 0; i < o->nslides; i++) {
		struct slides_slide *s = &o->slides[i];

		free(s->title);
		bullet_free(s);
		free(s->col_heading[0]);
		free(s->col_heading[1]);
		table_free(s->table);
		slides_chart_free(s->chart);
		free(s->image_path);
		free(s->image_alt);
		free(s->notes);
	}
	free(o->slides);
	for (size_t i = 0; i < o->nsections; i++)
		free(o->sections[i]);
	free(o->sections);
	free(o->title);
	free(o->subtitle);
	free(o->author);
	free(o->date);
	free(o);
}

/* ------------------------------------------------------------------ */

struct parser {
	struct slides_outline *o;
	struct err *e;
	size_t lineno;
	size_t tables_cap;
	/* open chart block */
	struct slides_chart *chart;
	size_t chart_line;
	size_t chart_rows;
};

static int perr(struct parser *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int perr(struct parser *p, int code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(p->e, code, "第 %zu 行：%s", p->lineno, msg);
}

static bool is_sp(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim ASCII blanks and U+3000 at both ends. */
static void trim(const char **s, size_t *n)
{
	for (;;) {
		if (*n > 0 && is_sp(**s)) {
			(*s)++;
			(*n)--;
		} else if (*n >= 3 && memcmp(*s, "\xe3\x80\x80", 3) == 0) {
			*s += 3;
			*n -= 3;
		} else {
			break;
		}
	}
	for (;;) {
		if (*n > 0 && (is_sp((*s)[*n - 1]) || (*s)[*n - 1] == '\r')) {
			(*n)--;
		} else if (*n >= 3 && memcmp(*s + *n - 3, "\xe3\x80\x80", 3) == 0) {
			*n -= 3;
		} else {
			break;
		}
	}
}

static size_t cp_count(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			k++;
	}
	return k;
}

/* Copy text for the deck: control characters other than TAB are refused
 * earlier; TAB becomes a space. */
static char *dup_text(const char *s, size_t n)
{
	char *r = xstrndup(s, n);

	for (char *c = r; *c != '\0'; c++) {
		if (*c == '\t')
			*c = ' ';
	}
	return r;
}

static struct slides_slide *cur_slide(struct parser *p)
{
	if (p->o->nslides == 0)
		return NULL;
	return &p->o->slides[p->o->nslides - 1];
}

static int need_slide(struct parser *p, const char *what, struct slides_slide **s)
{
	*s = cur_slide(p);
	if (*s == NULL)
		return perr(p, BASE_E_FORMAT, "%s必须写在“## 幻灯片标题”之后", what);
	return 0;
}

static int check_title(struct parser *p, const char *s, size_t n)
{
	if (n == 0)
		return perr(p, BASE_E_FORMAT, "标题为空");
	if (cp_count(s, n) > SLIDES_MAX_TITLE)
		return perr(p, BASE_E_LIMIT, "标题过长（最多 120 字）");
	return 0;
}

static int on_meta(struct parser *p, const char *s, size_t n)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
	    {"标题", offsetof(struct slides_outline, title)},
	    {"title", offsetof(struct slides_outline, title)},
	    {"副标题", offsetof(struct slides_outline, subtitle)},
	    {"subtitle", offsetof(struct slides_outline, subtitle)},
	    {"作者", offsetof(struct slides_outline, author)},
	    {"author", offsetof(struct slides_outline, author)},
	    {"单位", offsetof(struct slides_outline, author)},
	    {"日期", offsetof(struct slides_outline, date)},
	    {"date", offsetof(struct slides_outline, date)},
	};
	size_t klen = 0, skip = 0;
	const char *v;
	size_t vn;
	char **slot;

	while (klen < n) {
		if (s[klen] == ':') {
			skip = 1;
			break;
		}
		if (n - klen >= 3 && memcmp(s + klen, "\xef\xbc\x9a", 3) == 0) {
			skip = 3;
			break;
		}
		klen++;
	}
	if (skip == 0)
		return perr(p, BASE_E_FORMAT, "“%%”行应写成“%% 标题: 内容”");
	v = s + klen + skip;
	vn = n - klen - skip;
	trim(&s, &klen);
	trim(&v, &vn);
	for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
		if (strlen(keys[i].key) != klen || memcmp(keys[i].key, s, klen) != 0)
			continue;
		if (check_title(p, v, vn) != 0)
			return p->e->code;
		slot = (char **)(void *)((char *)p->o + keys[i].off);
		free(*slot);
		*slot = dup_text(v, vn);
		return 0;
	}
	{
		char key[64];

		snprintf(key, sizeof(key), "%.*s", (int)(klen < 40 ? klen : 40), s);
		return perr(p, BASE_E_FORMAT, "未知的设置项“%s”（可用：标题 副标题 作者 日期）",
			    key);
	}
}

static int on_section(struct parser *p, const char *s, size_t n)
{
	struct slides_outline *o = p->o;

	if (check_title(p, s, n) != 0)
		return p->e->code;
	if (o->nsections >= SLIDES_MAX_SECTIONS)
		return perr(p, BASE_E_LIMIT, "章节过多（最多 50 个）");
	o->sections = xrealloc(o->sections, (o->nsections + 1) * sizeof(char *));
	o->sections[o->nsections++] = dup_text(s, n);
	return 0;
}

static int on_slide(struct parser *p, const char *s, size_t n)
{
	struct slides_outline *o = p->o;
	struct slides_slide *sl;

	if (check_title(p, s, n) != 0)
		return p->e->code;
	if (o->nslides >= SLIDES_MAX_SLIDES)
		return perr(p, BASE_E_LIMIT, "幻灯片过多（最多 300 页）");
	o->slides = xgrow(o->slides, &o->slides_cap, o->nslides + 1, sizeof(*o->slides));
	sl = &o->slides[o->nslides++];
	memset(sl, 0, sizeof(*sl));
	sl->title = dup_text(s, n);
	sl->section = (int)o->nsections - 1;
	sl->line = p->lineno;
	return 0;
}

static int add_bullet(struct parser *p, struct slides_slide *s, const char *t, size_t n, int level)
{
	if (s->nbullets >= SLIDES_MAX_BULLETS)
		return perr(p, BASE_E_LIMIT, "本页要点过多（最多 200 条）");
	if (n == 0)
		return perr(p, BASE_E_FORMAT, "要点为空");
	s->bullets = xgrow(s->bullets, &s->bullets_cap, s->nbullets + 1, sizeof(*s->bullets));
	s->bullets[s->nbullets].text = dup_text(t, n);
	s->bullets[s->nbullets].level = level;
	s->bullets[s->nbullets].column = s->ncolumns > 1 ? 1 : 0;
	s->nbullets++;
	return 0;
}

static int on_notes(struct parser *p, struct slides_slide *s, const char *t, size_t n)
{
	size_t old = s->notes != NULL ? strlen(s->notes) : 0;

	if (old + n + 1 > SLIDES_MAX_NOTES)
		return perr(p, BASE_E_LIMIT, "讲稿过长（每页最多 20000 字节）");
	s->notes = xrealloc(s->notes, old + n + 2);
	if (old > 0)
		s->notes[old++] = '\n';
	memcpy(s->notes + old, t, n);
	s->notes[old + n] = '\0';
	for (size_t i = old; i < old + n; i++) {
		if (s->notes[i] == '\t')
			s->notes[i] = ' ';
	}
	return 0;
}

static int on_layout(struct parser *p, struct slides_slide *s, const char *t, size_t n)
{
	int l = slides_layout_from_name(t, n);

	if (l < 0) {
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(n < 40 ? n : 40), t);
		return err_set(p->e, BASE_E_FORMAT,
			       "第 %zu 行：未知版式“%s”（可用：title agenda section bullets "
			       "two_column table chart image_text timeline closing）",
			       p->lineno, name);
	}
	if (s->pinned)
		return perr(p, BASE_E_FORMAT, "同一页只能有一个 @layout");
	s->layout = l == SLIDES_AUTO ? SLIDES_AUTO : l;
	s->pinned = l != SLIDES_AUTO;
	return 0;
}

/* Split "| a | b |" into cells. Returns the count or -1 when over limits. */
static int split_row(const char *s, size_t n, const char **cell, size_t *clen, int max)
{
	size_t i = 0;
	int k = 0;

	if (n > 0 && s[0] == '|')
		i = 1;
	if (n > i && s[n - 1] == '|')
		n--;
	while (i <= n) {
		size_t j = i;

		while (j < n && s[j] != '|')
			j++;
		if (k >= max)
			return -1;
		cell[k] = s + i;
		clen[k] = j - i;
		trim(&cell[k], &clen[k]);
		k++;
		i = j + 1;
	}
	return k;
}

static bool is_separator_row(const char **cell, const size_t *clen, int k)
{
	for (int i = 0; i < k; i++) {
		if (clen[i] == 0)
			return false;
		for (size_t j = 0; j < clen[i]; j++) {
			if (cell[i][j] != '-' && cell[i][j] != ':')
				return false;
		}
	}
	return k > 0;
}

static int on_table_row(struct parser *p, struct slides_slide *s, const char *t, size_t n)
{
	const char *cell[SLIDES_MAX_COLS + 1];
	size_t clen[SLIDES_MAX_COLS + 1];
	int k = split_row(t, n, cell, clen, SLIDES_MAX_COLS);
	struct slides_table *tb = s->table;

	if (k < 0)
		return perr(p, BASE_E_LIMIT, "表格列数过多（最多 8 列）");
	if (k == 0)
		return perr(p, BASE_E_FORMAT, "表格行没有单元格");
	if (is_separator_row(cell, clen, k))
		return 0;
	if (tb == NULL) {
		tb = s->table = xcalloc(1, sizeof(*tb));
		tb->ncols = (size_t)k;
	} else if ((size_t)k != tb->ncols) {
		char msg[96];

		snprintf(msg, sizeof(msg), "表格列数不一致（表头 %zu 列，本行 %d 列）", tb->ncols,
			 k);
		return perr(p, BASE_E_FORMAT, "%s", msg);
	}
	if (tb->nrows >= SLIDES_MAX_ROWS)
		return perr(p, BASE_E_LIMIT, "表格行数过多（最多 500 行）");
	for (int i = 0; i < k; i++) {
		if (clen[i] > SLIDES_MAX_CELL)
			return perr(p, BASE_E_LIMIT, "表格单元格过长（最多 400 字节）");
	}
	tb->cells = xrealloc(tb->cells, (tb->nrows + 1) * tb->ncols * sizeof(char *));
	for (int i = 0; i < k; i++)
		tb->cells[tb->nrows * tb->ncols + (size_t)i] = dup_text(cell[i], clen[i]);
	tb->nrows++;
	return 0;
}

/* Parse a number: ASCII digits, optional sign, decimal point, thousands
 * commas, and a trailing '%'. Full-width digits are not accepted here. */
static bool parse_number(const char *s, size_t n, double *v)
{
	char tmp[64];
	size_t k = 0;
	char *end;

	if (n > 0 && s[n - 1] == '%')
		n--;
	if (n == 0 || n >= sizeof(tmp))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ',')
			continue;
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-' || s[i] == '+'))
			return false;
		tmp[k++] = s[i];
	}
	tmp[k] = '\0';
	*v = strtod(tmp, &end);
	return k > 0 && *end == '\0' && isfinite(*v);
}

static int on_chart_open(struct parser *p, struct slides_slide *s, const char *t, size_t n)
{
	int kind = SLIDES_CHART_BAR;

	trim(&t, &n);
	if (n == 0 || (n == 3 && memcmp(t, "bar", 3) == 0) || (n == 6 && !memcmp(t, "column", 6)))
		kind = SLIDES_CHART_BAR;
	else if (n == 4 && memcmp(t, "line", 4) == 0)
		kind = SLIDES_CHART_LINE;
	else if (n == 3 && memcmp(t, "pie", 3) == 0)
		kind = SLIDES_CHART_PIE;
	else
		return perr(p, BASE_E_FORMAT, "未知图表类型（可用：bar line pie）");
	if (s->chart != NULL)
		return perr(p, BASE_E_FORMAT, "同一页只能有一个图表");
	p->chart = xcalloc(1, sizeof(*p->chart));
	p->chart->kind = kind;
	p->chart_line = p->lineno;
	p->chart_rows = 0;
	s->chart = p->chart;
	return 0;
}

static int on_chart_row(struct parser *p, const char *t, size_t n)
{
	const char *cell[SLIDES_MAX_SERIES + 2];
	size_t clen[SLIDES_MAX_SERIES + 2];
	struct slides_chart *c = p->chart;
	size_t k = 0, i = 0;

	/* CSV without quoting: commas (ASCII or full-width) separate cells. */
	while (i <= n) {
		size_t j = i, step = 1;

		while (j < n && t[j] != ',' && !(n - j >= 3 && !memcmp(t + j, "\xef\xbc\x8c", 3)))
			j++;
		if (j < n && t[j] != ',')
			step = 3;
		if (k >= SLIDES_MAX_SERIES + 1)
			return perr(p, BASE_E_LIMIT, "图表系列过多（最多 12 个）");
		cell[k] = t + i;
		clen[k] = j - i;
		trim(&cell[k], &clen[k]);
		k++;
		i = j + step;
	}
	if (k < 2)
		return perr(p, BASE_E_FORMAT, "图表数据行至少要有“类别,数值”两列");
	for (size_t q = 0; q < k; q++) {
		if (clen[q] > SLIDES_MAX_CELL)
			return perr(p, BASE_E_LIMIT, "图表单元格过长（最多 400 字节）");
	}
	if (p->chart_rows == 0) {
		c->nseries = k - 1;
		c->series = xcalloc(c->nseries, sizeof(char *));
		c->cat_label = dup_text(cell[0], clen[0]);
		for (size_t q = 1; q < k; q++) {
			if (clen[q] == 0)
				return perr(p, BASE_E_FORMAT, "图表系列名称为空");
			c->series[q - 1] = dup_text(cell[q], clen[q]);
		}
		p->chart_rows++;
		return 0;
	}
	if (k - 1 != c->nseries) {
		char msg[96];

		snprintf(msg, sizeof(msg), "图表数据列数不一致（表头 %zu 个系列，本行 %zu 个）",
			 c->nseries, k - 1);
		return perr(p, BASE_E_FORMAT, "%s", msg);
	}
	if (c->ncats >= SLIDES_MAX_CATS)
		return perr(p, BASE_E_LIMIT, "图表类别过多（最多 100 个）");
	if (clen[0] == 0)
		return perr(p, BASE_E_FORMAT, "图表类别名称为空");
	c->cats = xrealloc(c->cats, (c->ncats + 1) * sizeof(char *));
	c->values = xrealloc(c->values, (c->ncats + 1) * c->nseries * sizeof(double));
	/* values are series-major; re-pack after the block closes */
	for (size_t q = 1; q < k; q++) {
		double v;
		char bad[80];

		if (!parse_number(cell[q], clen[q], &v)) {
			snprintf(bad, sizeof(bad), "%.*s", (int)(clen[q] < 60 ? clen[q] : 60),
				 cell[q]);
			return perr(p, BASE_E_FORMAT, "图表数值“%s”不是数字", bad);
		}
		c->values[c->ncats * c->nseries + q - 1] = v;
	}
	c->cats[c->ncats++] = dup_text(cell[0], clen[0]);
	p->chart_rows++;
	return 0;
}

/* Values were collected category-major; the API promises series-major. */
static int on_chart_close(struct parser *p)
{
	struct slides_chart *c = p->chart;
	double *sm;

	if (c->ncats == 0) {
		p->lineno = p->chart_line;
		return perr(p, BASE_E_FORMAT, "图表没有数据行");
	}
	sm = xmalloc(c->ncats * c->nseries * sizeof(double));
	for (size_t i = 0; i < c->ncats; i++) {
		for (size_t j = 0; j < c->nseries; j++)
			sm[j * c->ncats + i] = c->values[i * c->nseries + j];
	}
	free(c->values);
	c->values = sm;
	p->chart = NULL;
	return 0;
}

static int on_image(struct parser *p, struct slides_slide *s, const char *t, size_t n)
{
	size_t close = 2, paren;

	while (close < n && t[close] != ']')
		close++;
	if (close + 1 >= n || t[close + 1] != '(' || t[n - 1] != ')')
		return perr(p, BASE_E_FORMAT, "图片应写成“![说明](文件.png)”");
	paren = close + 2;
	if (s->image_path != NULL)
		return perr(p, BASE_E_FORMAT, "同一页只能有一张图片");
	if (n - 1 - paren == 0)
		return perr(p, BASE_E_FORMAT, "图片路径为空");
	s->image_alt = dup_text(t + 2, close - 2);
	s->image_path = dup_text(t + paren, n - 1 - paren);
	return 0;
}

/* Indentation of a bullet: spaces (tab = 4, U+3000 = 2) before "-". */
static size_t indent_of(const char *s, size_t n, size_t *skip)
{
	size_t w = 0, i = 0;

	while (i < n) {
		if (s[i] == ' ') {
			w++;
			i++;
		} else if (s[i] == '\t') {
			w += 4;
			i++;
		} else if (n - i >= 3 && memcmp(s + i, "\xe3\x80\x80", 3) == 0) {
			w += 2;
			i += 3;
		} else {
			break;
		}
	}
	*skip = i;
	return w;
}

static int on_line(struct parser *p, const char *s, size_t n)
{
	struct slides_slide *sl = NULL;
	size_t ind, skip;
	const char *t;
	size_t tn;

	if (p->chart != NULL) {
		t = s;
		tn = n;
		trim(&t, &tn);
		if (tn >= 3 && memcmp(t, "```", 3) == 0)
			return on_chart_close(p);
		if (tn == 0)
			return 0;
		return on_chart_row(p, t, tn);
	}
	ind = indent_of(s, n, &skip);
	t = s + skip;
	tn = n - skip;
	trim(&t, &tn);
	if (tn == 0)
		return 0;
	if (t[0] == '%') {
		if (p->o->nslides > 0 || p->o->nsections > 0)
			return perr(p, BASE_E_FORMAT, "“%%”设置行必须写在第一个标题之前");
		return on_meta(p, t + 1, tn - 1);
	}
	if (tn >= 3 && memcmp(t, "###", 3) == 0)
		return perr(p, BASE_E_FORMAT,
			    "不支持三级标题；请用“## ”开始新的一页，或用“- ”写成要点");
	if (tn >= 2 && t[0] == '#' && t[1] == '#') {
		t += 2;
		tn -= 2;
		trim(&t, &tn);
		return on_slide(p, t, tn);
	}
	if (t[0] == '#') {
		t++;
		tn--;
		trim(&t, &tn);
		return on_section(p, t, tn);
	}
	if (tn >= 3 && memcmp(t, "```", 3) == 0) {
		if (need_slide(p, "图表", &sl) != 0)
			return p->e->code;
		if (tn < 8 || memcmp(t + 3, "chart", 5) != 0)
			return perr(p, BASE_E_FORMAT, "代码块只支持“```chart bar|line|pie”");
		return on_chart_open(p, sl, t + 8, tn - 8);
	}
	if (t[0] == '@') {
		if (need_slide(p, "@layout ", &sl) != 0)
			return p->e->code;
		if (tn < 7 || memcmp(t, "@layout", 7) != 0 || (tn > 7 && !is_sp(t[7])))
			return perr(p, BASE_E_FORMAT, "只支持“@layout 版式名”指令");
		t += 7;
		tn -= 7;
		trim(&t, &tn);
		return on_layout(p, sl, t, tn);
	}
	if (t[0] == '>') {
		if (need_slide(p, "讲稿“>”", &sl) != 0)
			return p->e->code;
		t++;
		tn--;
		trim(&t, &tn);
		return on_notes(p, sl, t, tn);
	}
	if (tn >= 2 && t[0] == '|' && t[1] == '|') {
		if (need_slide(p, "分栏“||”", &sl) != 0)
			return p->e->code;
		if (sl->ncolumns >= 2)
			return perr(p, BASE_E_FORMAT, "最多两栏（本页已有两个“||”）");
		t += 2;
		tn -= 2;
		trim(&t, &tn);
		if (cp_count(t, tn) > SLIDES_MAX_TITLE)
			return perr(p, BASE_E_LIMIT, "栏标题过长（最多 120 字）");
		sl->col_heading[sl->ncolumns++] = dup_text(t, tn);
		return 0;
	}
	if (t[0] == '|') {
		if (need_slide(p, "表格", &sl) != 0)
			return p->e->code;
		return on_table_row(p, sl, t, tn);
	}
	if (tn >= 2 && t[0] == '!' && t[1] == '[') {
		if (need_slide(p, "图片", &sl) != 0)
			return p->e->code;
		return on_image(p, sl, t, tn);
	}
	if (need_slide(p, "正文", &sl) != 0)
		return p->e->code;
	if ((t[0] == '-' || t[0] == '*' || t[0] == '+') && (tn == 1 || is_sp(t[1]))) {
		t++;
		tn--;
		trim(&t, &tn);
		return add_bullet(p, sl, t, tn, ind >= 2 ? 1 : 0);
	}
	/* a plain line is a level-1 point */
	return add_bullet(p, sl, t, tn, 0);
}

static int check_bytes(struct parser *p, const char *s, size_t n)
{
	size_t bad;

	if (n > SLIDES_MAX_LINE)
		return perr(p, BASE_E_LIMIT, "行过长（每行最多 4000 字节）");
	if (!text_utf8_valid(s, n, &bad))
		return perr(p, BASE_E_FORMAT, "不是有效的 UTF-8 文本");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && !(c == '\r' && i + 1 == n)) || c == 0x7f)
			return perr(p, BASE_E_FORMAT, "含有控制字符");
		/* U+FFFE/U+FFFF are not XML characters */
		if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
		    ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF))
			return perr(p, BASE_E_FORMAT, "含有非字符 U+FFFE/U+FFFF");
	}
	return 0;
}

int slides_outline_parse(const char *text, size_t len, struct slides_outline **out, struct err *e)
{
	struct parser p = {0};
	size_t i = 0;
	int rc = 0;

	*out = NULL;
	if (len > SLIDES_MAX_INPUT)
		return err_set(e, BASE_E_LIMIT, "大纲过大（最多 1 MB）");
	p.o = xcalloc(1, sizeof(*p.o));
	p.e = e;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && rc == 0) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl != NULL ? (size_t)(nl - (text + i)) : len - i;

		p.lineno++;
		rc = check_bytes(&p, text + i, n);
		if (rc == 0)
			rc = on_line(&p, text + i, n);
		i += n + 1;
	}
	if (rc == 0 && p.chart != NULL) {
		p.lineno = p.chart_line;
		rc = perr(&p, BASE_E_FORMAT, "图表块缺少结束的“```”");
	}
	if (rc == 0 && p.o->nslides == 0 && p.o->nsections == 0 && p.o->title == NULL)
		rc = err_set(e, BASE_E_FORMAT, "大纲为空：至少需要一个“## 幻灯片标题”");
	if (rc != 0) {
		slides_outline_free(p.o);
		return rc;
	}
	*out = p.o;
	return 0;
}

/* ------------------------------------------------------------------ */

static void put_num(struct buf *b, double v)
{
	char tmp[64];

	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(tmp, sizeof(tmp), "%.0f", v);
	else
		snprintf(tmp, sizeof(tmp), "%.6g", v);
	buf_adds(b, tmp);
}

static void write_slide(const struct slides_slide *s, struct buf *b)
{
	static const char *const kinds[] = {"bar", "line", "pie"};
	int col = 0;

	buf_addf(b, "## %s\n", s->title);
	if (s->pinned)
		buf_addf(b, "@layout %s\n", slides_layout_name(s->layout));
	if (s->ncolumns > 0 && s->col_heading[0] != NULL)
		buf_addf(b, "|| %s\n", s->col_heading[0]);
	for (size_t i = 0; i < s->nbullets; i++) {
		if (s->bullets[i].column > col && s->ncolumns > 1) {
			buf_addf(b, "|| %s\n", s->col_heading[1]);
			col = 1;
		}
		buf_addf(b, "%s- %s\n", s->bullets[i].level > 0 ? "  " : "", s->bullets[i].text);
	}
	if (s->ncolumns > 1 && col == 0)
		buf_addf(b, "|| %s\n", s->col_heading[1]);
	if (s->table != NULL) {
		for (size_t r = 0; r < s->table->nrows; r++) {
			buf_adds(b, "|");
			for (size_t c = 0; c < s->table->ncols; c++)
				buf_addf(b, " %s |", s->table->cells[r * s->table->ncols + c]);
			buf_adds(b, "\n");
			if (r == 0) {
				buf_adds(b, "|");
				for (size_t c = 0; c < s->table->ncols; c++)
					buf_adds(b, " --- |");
				buf_adds(b, "\n");
			}
		}
	}
	if (s->chart != NULL) {
		const struct slides_chart *c = s->chart;

		buf_addf(b, "```chart %s\n%s", kinds[c->kind], c->cat_label);
		for (size_t j = 0; j < c->nseries; j++)
			buf_addf(b, ",%s", c->series[j]);
		buf_adds(b, "\n");
		for (size_t i = 0; i < c->ncats; i++) {
			buf_adds(b, c->cats[i]);
			for (size_t j = 0; j < c->nseries; j++) {
				buf_adds(b, ",");
				put_num(b, c->values[j * c->ncats + i]);
			}
			buf_adds(b, "\n");
		}
		buf_adds(b, "```\n");
	}
	if (s->image_path != NULL)
		buf_addf(b, "![%s](%s)\n", s->image_alt, s->image_path);
	if (s->notes != NULL) {
		const char *q = s->notes;

		while (*q != '\0') {
			const char *nl = strchr(q, '\n');
			size_t n = nl != NULL ? (size_t)(nl - q) : strlen(q);

			buf_addf(b, "> %.*s\n", (int)n, q);
			q += n + (nl != NULL ? 1 : 0);
		}
	}
	buf_adds(b, "\n");
}

void slides_outline_write(const struct slides_outline *o, struct buf *b)
{
	int sec = -1;

	if (o->title != NULL)
		buf_addf(b, "%% 标题: %s\n", o->title);
	if (o->subtitle != NULL)
		buf_addf(b, "%% 副标题: %s\n", o->subtitle);
	if (o->author != NULL)
		buf_addf(b, "%% 作者: %s\n", o->author);
	if (o->date != NULL)
		buf_addf(b, "%% 日期: %s\n", o->date);
	buf_adds(b, "\n");
	for (size_t i = 0; i < o->nslides; i++) {
		while (sec < o->slides[i].section) {
			sec++;
			buf_addf(b, "# %s\n\n", o->sections[sec]);
		}
		write_slide(&o->slides[i], b);
	}
	while (sec + 1 < (int)o->nsections) {
		sec++;
		buf_addf(b, "# %s\n\n", o->sections[sec]);
	}
}
