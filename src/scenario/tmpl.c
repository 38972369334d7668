/* scenario/tmpl: parser and renderer of the template language (tmpl.h). */
#include "scenario/tmpl.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

enum { N_TEXT, N_VAR, N_IF, N_UNLESS, N_EQ, N_EACH };

struct node {
	int kind;
	char *s;	/* text, or the field path */
	char *filter;	/* N_VAR: filter name or NULL */
	char *literal;	/* N_EQ: the literal */
	struct node *a; /* body */
	size_t na;
	struct node *b; /* else branch */
	size_t nb;
};

struct scn_tmpl {
	struct node *v;
	size_t n;
};

struct parser {
	const char *s;
	size_t len;
	size_t pos;
	const char *label;
	struct err *e;
};

static void nodes_free(struct node *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].s);
		free(v[i].filter);
		free(v[i].literal);
		nodes_free(v[i].a, v[i].na);
		nodes_free(v[i].b, v[i].nb);
	}
	free(v);
}

void scn_tmpl_free(struct scn_tmpl *t)
{
	if (t == NULL)
		return;
	nodes_free(t->v, t->n);
	free(t);
}

static int line_of(const struct parser *p, size_t at)
{
	int line = 1;
	for (size_t i = 0; i < at && i < p->len; i++)
		if (p->s[i] == '\n')
			line++;
	return line;
}

static int perr(struct parser *p, size_t at, const char *msg)
{
	return err_set(p->e, BASE_E_FORMAT, "模板 %s 第 %d 行：%s", p->label, line_of(p, at), msg);
}

static struct node *push(struct node **v, size_t *n, size_t *cap)
{
	*v = xgrow(*v, cap, *n + 1, sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	return &(*v)[(*n)++];
}

static bool path_ok(const char *s)
{
	if (strcmp(s, ".") == 0)
		return true;
	if (*s == '\0' || strlen(s) > 128)
		return false;
	for (const char *c = s; *c; c++) {
		unsigned char u = (unsigned char)*c;
		if (u == '{' || u == '}' || u == '|' || u == '"' || u == ' ' || u == '\t' ||
		    u == '\n' || u == '\r' || u < 0x20)
			return false;
	}
	if (s[0] == '.' || s[strlen(s) - 1] == '.' || strstr(s, "..") != NULL)
		return false;
	return true;
}

static const char *const filters[] = {"date_cn", "money_cn", "num_cn", "blank", "count"};

/* Is the tag [ts,te) alone on its line? Sets the range to drop. */
static bool standalone(const struct parser *p, size_t ts, size_t te, size_t *ls, size_t *le)
{
	size_t a = ts, b = te;
	while (a > 0 && (p->s[a - 1] == ' ' || p->s[a - 1] == '\t'))
		a--;
	if (a > 0 && p->s[a - 1] != '\n')
		return false;
	while (b < p->len && (p->s[b] == ' ' || p->s[b] == '\t' || p->s[b] == '\r'))
		b++;
	if (b < p->len && p->s[b] != '\n')
		return false;
	*ls = a;
	*le = b < p->len ? b + 1 : b;
	return true;
}

/* Trim ASCII spaces in place. */
static char *trim(char *s)
{
	size_t n;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* Parse nodes until a closing tag; *closer receives "/if", "else" … or "" at end. */
static int parse_seq(struct parser *p, int depth, struct node **v, size_t *n, char *closer,
		     size_t closer_sz, size_t *closer_at)
{
	size_t cap = 0;
	struct buf text;

	*v = NULL;
	*n = 0;
	closer[0] = '\0';
	if (depth > SCN_TMPL_MAX_DEPTH)
		return perr(p, p->pos, "块嵌套超过 32 层");
	buf_init(&text, SCN_TMPL_MAX_SRC + 16);
	while (p->pos < p->len) {
		const char *open = NULL;
		size_t ts, te, ls = 0, le = 0, cap_end;
		char inner[512];
		char *tag;
		bool block;

		for (size_t i = p->pos; i + 1 < p->len; i++) {
			if (p->s[i] == '{' && p->s[i + 1] == '{') {
				open = p->s + i;
				break;
			}
			if (p->s[i] == '}' && p->s[i + 1] == '}') {
				buf_free(&text);
				return perr(p, i, "多余的“}}”（没有对应的“{{”）");
			}
		}
		if (open == NULL) {
			buf_add(&text, p->s + p->pos, p->len - p->pos);
			p->pos = p->len;
			break;
		}
		ts = (size_t)(open - p->s);
		cap_end = ts + 2;
		while (cap_end + 1 < p->len &&
		       !(p->s[cap_end] == '}' && p->s[cap_end + 1] == '}')) {
			if (p->s[cap_end] == '{' && p->s[cap_end + 1] == '{') {
				buf_free(&text);
				return perr(p, ts, "标签中出现“{{”：标签没有闭合");
			}
			cap_end++;
		}
		if (cap_end + 1 >= p->len) {
			buf_free(&text);
			return perr(p, ts, "“{{”没有对应的“}}”");
		}
		te = cap_end + 2;
		if (cap_end - (ts + 2) >= sizeof(inner)) {
			buf_free(&text);
			return perr(p, ts, "标签过长（超过 511 字节）");
		}
		memcpy(inner, p->s + ts + 2, cap_end - (ts + 2));
		inner[cap_end - (ts + 2)] = '\0';
		tag = trim(inner);
		block = tag[0] == '#' || tag[0] == '/' || tag[0] == '!' || strcmp(tag, "else") == 0;
		if (block && standalone(p, ts, te, &ls, &le)) {
			buf_add(&text, p->s + p->pos, ls - p->pos);
			p->pos = le;
		} else {
			buf_add(&text, p->s + p->pos, ts - p->pos);
			p->pos = te;
		}
		if (text.len > 0) {
			struct node *t = push(v, n, &cap);
			t->kind = N_TEXT;
			t->s = buf_detach(&text, NULL);
		}
		if (tag[0] == '!')
			continue;
		if (tag[0] == '/' || strcmp(tag, "else") == 0) {
			snprintf(closer, closer_sz, "%s", tag);
			*closer_at = ts;
			buf_free(&text);
			return 0;
		}
		if (tag[0] == '#') {
			char kw[16] = "", arg[512] = "";
			char *sp = strchr(tag, ' ');
			struct node *b;
			char cl[64];
			size_t cl_at = ts;
			int rc;

			if (sp == NULL || (size_t)(sp - tag - 1) >= sizeof(kw)) {
				buf_free(&text);
				return perr(p, ts, "块标签缺少字段名（如 {{#if 字段}}）");
			}
			memcpy(kw, tag + 1, (size_t)(sp - tag - 1));
			kw[sp - tag - 1] = '\0';
			snprintf(arg, sizeof(arg), "%s", sp + 1);
			b = push(v, n, &cap);
			if (strcmp(kw, "if") == 0)
				b->kind = N_IF;
			else if (strcmp(kw, "unless") == 0)
				b->kind = N_UNLESS;
			else if (strcmp(kw, "each") == 0)
				b->kind = N_EACH;
			else if (strcmp(kw, "eq") == 0)
				b->kind = N_EQ;
			else {
				char m[96];
				snprintf(m, sizeof(m), "未知的块“#%s”（可用 if unless eq each）",
					 kw);
				buf_free(&text);
				return perr(p, ts, m);
			}
			if (b->kind == N_EQ) {
				char *q = strchr(arg, '"');
				char *q2 = q != NULL ? strchr(q + 1, '"') : NULL;
				if (q == NULL || q2 == NULL || q2[1] != '\0') {
					buf_free(&text);
					return perr(
					    p, ts,
					    "{{#eq 字段 \"文字\"}} 的文字须用英文双引号括起");
				}
				*q2 = '\0';
				b->literal = xstrdup(q + 1);
				*q = '\0';
			}
			b->s = xstrdup(trim(arg));
			if (!path_ok(b->s)) {
				buf_free(&text);
				return perr(p, ts, "字段名不合法");
			}
			rc = parse_seq(p, depth + 1, &b->a, &b->na, cl, sizeof(cl), &cl_at);
			if (rc != 0) {
				buf_free(&text);
				return rc;
			}
			if (strcmp(cl, "else") == 0) {
				rc = parse_seq(p, depth + 1, &b->b, &b->nb, cl, sizeof(cl), &cl_at);
				if (rc != 0) {
					buf_free(&text);
					return rc;
				}
			}
			if (cl[0] != '/' || strcmp(cl + 1, kw) != 0) {
				char m[256];
				if (cl[0] == '\0')
					snprintf(m, sizeof(m), "{{#%s %s}} 没有对应的 {{/%s}}", kw,
						 b->s, kw);
				else
					snprintf(m, sizeof(m),
						 "{{#%s}} 被 {{%s}} 关闭（应为 {{/%s}}）", kw, cl,
						 kw);
				buf_free(&text);
				return perr(p, cl[0] == '\0' ? ts : cl_at, m);
			}
			continue;
		}
		{
			struct node *x = push(v, n, &cap);
			char *bar = strchr(tag, '|');
			x->kind = N_VAR;
			if (bar != NULL) {
				bool known = false;
				*bar = '\0';
				x->filter = xstrdup(trim(bar + 1));
				for (size_t i = 0; i < ARRAY_LEN(filters); i++)
					known = known || strcmp(x->filter, filters[i]) == 0;
				if (!known) {
					char m[160];
					snprintf(m, sizeof(m),
						 "未知的过滤器“%.40s”（可用 date_cn money_cn "
						 "num_cn blank "
						 "count）",
						 x->filter);
					buf_free(&text);
					return perr(p, ts, m);
				}
			}
			x->s = xstrdup(trim(tag));
			if (!path_ok(x->s)) {
				buf_free(&text);
				return perr(p, ts,
					    "字段名不合法（字段名不能含空格、引号、花括号）");
			}
		}
	}
	if (text.len > 0) {
		struct node *t = push(v, n, &cap);
		t->kind = N_TEXT;
		t->s = buf_detach(&text, NULL);
	}
	buf_free(&text);
	return 0;
}

int scn_tmpl_parse(const char *src, size_t len, const char *label, struct scn_tmpl **out,
		   struct err *e)
{
	struct parser p = {src, len, 0, label, e};
	struct scn_tmpl *t;
	char closer[64];
	size_t closer_at = 0;
	size_t bad;
	int rc;

	*out = NULL;
	if (len > SCN_TMPL_MAX_SRC)
		return err_set(e, BASE_E_LIMIT, "模板 %s 超过 256 KB", label);
	if (!text_utf8_valid(src, len, &bad))
		return err_set(e, BASE_E_FORMAT, "模板 %s 不是有效的 UTF-8（第 %zu 字节）", label,
			       bad);
	if (memchr(src, '\0', len) != NULL)
		return err_set(e, BASE_E_FORMAT, "模板 %s 含 NUL 字符", label);
	t = xcalloc(1, sizeof(*t));
	rc = parse_seq(&p, 0, &t->v, &t->n, closer, sizeof(closer), &closer_at);
	if (rc == 0 && closer[0] != '\0') {
		char m[160];
		snprintf(m, sizeof(m), "多余的 {{%s}}（没有打开的块）", closer);
		rc = perr(&p, closer_at, m);
	}
	if (rc != 0) {
		scn_tmpl_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* --- rendering ---------------------------------------------------------- */

struct scope {
	json_t *v;
	long index; /* 1-based inside each, 0 otherwise */
	const struct scope *up;
};

static json_t *lookup_in(json_t *v, const char *path)
{
	char key[130];
	const char *c = path;

	while (v != NULL && *c) {
		const char *dot = strchr(c, '.');
		size_t n = dot != NULL ? (size_t)(dot - c) : strlen(c);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, c, n);
		key[n] = '\0';
		if (json_is_object(v))
			v = json_object_get(v, key);
		else if (json_is_array(v)) {
			char *end;
			long i = strtol(key, &end, 10);
			v = (*end == '\0' && i >= 0) ? json_array_get(v, (size_t)i) : NULL;
		} else
			return NULL;
		c = dot != NULL ? dot + 1 : c + n;
	}
	return v;
}

static json_t *lookup(const struct scope *sc, const char *path)
{
	if (strcmp(path, ".") == 0)
		return sc->v;
	for (; sc != NULL; sc = sc->up) {
		json_t *v = lookup_in(sc->v, path);
		if (v != NULL)
			return v;
	}
	return NULL;
}

static bool truthy(json_t *v)
{
	if (v == NULL || json_is_null(v) || json_is_false(v))
		return false;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_object(v))
		return json_object_size(v) > 0;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	if (json_is_real(v))
		return json_real_value(v) != 0.0;
	return true;
}

static void value_text(json_t *v, struct buf *b)
{
	if (v == NULL)
		return;
	if (json_is_string(v))
		buf_add(b, json_string_value(v), json_string_length(v));
	else if (json_is_integer(v))
		buf_addf(b, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v)) {
		char tmp[64];
		double d = json_real_value(v);
		snprintf(tmp, sizeof(tmp), "%.2f", d);
		/* drop trailing zeros of the two decimals */
		size_t n = strlen(tmp);
		while (n > 0 && tmp[n - 1] == '0')
			tmp[--n] = '\0';
		if (n > 0 && tmp[n - 1] == '.')
			tmp[--n] = '\0';
		buf_adds(b, tmp);
	} else if (json_is_true(v))
		buf_adds(b, "是");
	else if (json_is_false(v))
		buf_adds(b, "否");
	else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i > 0)
				buf_adds(b, "、");
			value_text(json_array_get(v, i), b);
		}
	}
}

static const char *const cn_upper[] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};

int scn_money_cn(double yuan, char *out, size_t outsz)
{
	static const char *const unit4[] = {"", "拾", "佰", "仟"};
	static const char *const group[] = {"", "万", "亿"};
	struct buf b;
	long long cents, whole;
	int jiao, fen, groups[3], ng = 0;
	bool zero_pending = false, any = false;

	if (!(yuan >= 0) || yuan >= 1e12)
		return 0;
	cents = llround(yuan * 100.0);
	if (fabs(yuan * 100.0 - (double)cents) > 1e-6 * (yuan > 1 ? yuan : 1))
		return 0;
	whole = cents / 100;
	jiao = (int)(cents / 10 % 10);
	fen = (int)(cents % 10);
	buf_init(&b, 512);
	for (long long w = whole; w > 0 && ng < 3; w /= 10000)
		groups[ng++] = (int)(w % 10000);
	for (int g = ng - 1; g >= 0; g--) {
		int v = groups[g];
		if (v == 0) {
			zero_pending = any;
			continue;
		}
		if (any && (zero_pending || v < 1000))
			buf_adds(&b, "零");
		zero_pending = false;
		{
			bool z = false, started = false;
			for (int k = 3; k >= 0; k--) {
				int dgt = v / (int)pow(10, k) % 10;
				if (dgt == 0) {
					z = started;
					continue;
				}
				if (z)
					buf_adds(&b, "零");
				z = false;
				started = true;
				buf_adds(&b, cn_upper[dgt]);
				buf_adds(&b, unit4[k]);
			}
		}
		buf_adds(&b, group[g]);
		any = true;
	}
	if (any)
		buf_adds(&b, "元");
	if (jiao == 0 && fen == 0) {
		buf_adds(&b, any ? "整" : "零元整");
	} else {
		if (jiao > 0) {
			buf_adds(&b, cn_upper[jiao]);
			buf_adds(&b, "角");
		} else if (any)
			buf_adds(&b, "零");
		if (fen > 0) {
			buf_adds(&b, cn_upper[fen]);
			buf_adds(&b, "分");
		} else
			buf_adds(&b, "整");
	}
	snprintf(out, outsz, "%s", b.p != NULL ? b.p : "");
	buf_free(&b);
	return b.len < outsz ? 1 : 0;
}

static int days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static bool read_int(const char **s, int *v, int maxdig)
{
	int n = 0, val = 0;
	while (**s >= '0' && **s <= '9' && n < maxdig) {
		val = val * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	*v = val;
	return n > 0;
}

static bool eat(const char **s, const char *lit)
{
	size_t n = strlen(lit);
	if (strncmp(*s, lit, n) != 0)
		return false;
	*s += n;
	return true;
}

int scn_date_parse(const char *s, int *y, int *m, int *d)
{
	const char *c = s;
	bool cn;

	if (!read_int(&c, y, 4) || c - s != 4)
		return -1;
	cn = eat(&c, "年");
	if (!cn && !eat(&c, "-"))
		return -1;
	if (!read_int(&c, m, 2) || !(cn ? eat(&c, "月") : eat(&c, "-")))
		return -1;
	if (!read_int(&c, d, 2) || (cn && !eat(&c, "日")) || *c != '\0')
		return -1;
	if (*y < 1900 || *y > 2200 || *m < 1 || *m > 12 || *d < 1 || *d > days_in(*y, *m))
		return -1;
	return 0;
}

int scn_date_cn(const char *s, char *out, size_t outsz)
{
	int y, m, d;
	if (scn_date_parse(s, &y, &m, &d) != 0)
		return 0;
	snprintf(out, outsz, "%d年%d月%d日", y, m, d);
	return 1;
}

static int apply_filter(const char *f, json_t *v, struct buf *b)
{
	struct buf tmp;
	int rc = 0;

	if (strcmp(f, "count") == 0) {
		return buf_addf(b, "%zu", json_is_array(v) ? json_array_size(v) : 0);
	}
	buf_init(&tmp, SCN_TMPL_MAX_OUT);
	value_text(v, &tmp);
	if (strcmp(f, "blank") == 0) {
		rc = buf_adds(b, tmp.len > 0 ? tmp.p : "【待填写】");
	} else if (strcmp(f, "date_cn") == 0) {
		char o[64];
		rc = tmp.len > 0 && scn_date_cn(tmp.p, o, sizeof(o)) ? buf_adds(b, o)
								     : buf_add(b, tmp.p, tmp.len);
	} else if (strcmp(f, "money_cn") == 0) {
		char o[256], *end = NULL;
		double d = tmp.len > 0 ? strtod(tmp.p, &end) : 0;
		if (tmp.len > 0 && end != NULL && *end == '\0' && scn_money_cn(d, o, sizeof(o)))
			rc = buf_adds(b, o);
		else
			rc = buf_add(b, tmp.p, tmp.len);
	} else if (strcmp(f, "num_cn") == 0) {
		char o[32];
		long n = json_is_integer(v) ? (long)json_integer_value(v) : 0;
		if (!json_is_integer(v) && tmp.len > 0) {
			char *end;
			n = strtol(tmp.p, &end, 10);
			if (*end != '\0')
				n = 0;
		}
		if (n >= 1 && n <= 99) {
			text_cn_format((int)n, o, sizeof(o));
			rc = buf_adds(b, o);
		} else
			rc = buf_add(b, tmp.p, tmp.len);
	}
	buf_free(&tmp);
	return rc;
}

static int render_seq(const struct node *v, size_t n, const struct scope *sc, struct buf *out,
		      struct err *e);

static int render_node(const struct node *x, const struct scope *sc, struct buf *out, struct err *e)
{
	json_t *val;
	int rc = 0;

	switch (x->kind) {
	case N_TEXT:
		rc = buf_adds(out, x->s);
		break;
	case N_VAR:
		if (x->s[0] == '@') {
			const struct scope *s = sc;
			while (s != NULL && s->index == 0)
				s = s->up;
			if (s == NULL)
				break;
			if (strcmp(x->s, "@index") == 0)
				rc = buf_addf(out, "%ld", s->index);
			else if (strcmp(x->s, "@index_cn") == 0) {
				char o[32];
				text_cn_format((int)(s->index < 100 ? s->index : 99), o, sizeof(o));
				rc = buf_adds(out, o);
			}
			break;
		}
		val = lookup(sc, x->s);
		if (x->filter != NULL)
			rc = apply_filter(x->filter, val, out);
		else {
			size_t before = out->len;
			value_text(val, out);
			if (out->max > 0 && out->len == before && val != NULL &&
			    json_is_string(val) && json_string_length(val) > 0)
				rc = BASE_E_LIMIT;
		}
		break;
	case N_IF:
	case N_UNLESS:
	case N_EQ: {
		bool yes;
		val = lookup(sc, x->s);
		if (x->kind == N_EQ)
			yes = val != NULL && json_is_string(val) &&
			      strcmp(json_string_value(val), x->literal) == 0;
		else
			yes = truthy(val) == (x->kind == N_IF);
		rc =
		    yes ? render_seq(x->a, x->na, sc, out, e) : render_seq(x->b, x->nb, sc, out, e);
		break;
	}
	case N_EACH:
		val = lookup(sc, x->s);
		if (!json_is_array(val) || json_array_size(val) == 0) {
			rc = render_seq(x->b, x->nb, sc, out, e);
			break;
		}
		for (size_t i = 0; i < json_array_size(val) && rc == 0; i++) {
			struct scope inner = {json_array_get(val, i), (long)i + 1, sc};
			rc = render_seq(x->a, x->na, &inner, out, e);
		}
		break;
	}
	return rc;
}

static int render_seq(const struct node *v, size_t n, const struct scope *sc, struct buf *out,
		      struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		int rc = render_node(&v[i], sc, out, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int scn_tmpl_render(const struct scn_tmpl *t, json_t *ctx, struct buf *out, struct err *e)
{
	struct scope root = {ctx, 0, NULL};
	int rc = render_seq(t->v, t->n, &root, out, e);
	if (rc == BASE_E_LIMIT || (rc != 0 && e->code == 0))
		return err_set(e, BASE_E_LIMIT, "模板输出超过上限（%zu 字节）", out->max);
	return rc;
}

static void names_seq(const struct node *v, size_t n, void (*fn)(const char *, void *), void *arg)
{
	for (size_t i = 0; i < n; i++) {
		const struct node *x = &v[i];
		if (x->kind == N_TEXT)
			continue;
		if (x->s[0] != '@' && strcmp(x->s, ".") != 0) {
			char top[130];
			size_t k = strcspn(x->s, ".");
			if (k < sizeof(top)) {
				memcpy(top, x->s, k);
				top[k] = '\0';
				fn(top, arg);
			}
		}
		if (x->kind != N_EACH)
			names_seq(x->a, x->na, fn, arg);
		names_seq(x->b, x->nb, fn, arg);
	}
}

void scn_tmpl_names(const struct scn_tmpl *t, void (*fn)(const char *name, void *arg), void *arg)
{
	names_seq(t->v, t->n, fn, arg);
}
