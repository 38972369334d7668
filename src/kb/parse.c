/*
 * kb/parse: Markdown/plain text -> metadata and law-aware chunks.
 *
 * Laws are written as 编/章/节 headings and articles on lines that begin
 * with 第X条; an article runs until the next article or heading and is the
 * natural unit of retrieval. Texts without articles (cases, notices,
 * amendments) are cut at headings and then at paragraph ends into pieces of
 * at most KB_PIECE_MAX characters. Metadata comes from the header (before
 * `<!-- INFO END -->` or the first heading/article): title, 文号, issuing
 * body, version date, and validity where the text states it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"
#include "kb/kb_internal.h"
#include "text/text.h"

#define KB_HEADER_SCAN 4096 /* bytes of header searched for metadata */
#define KB_CHUNKS_MAX  200000

struct line {
	const char *p;
	size_t n;
};

static bool is_ws_at(const char *s, size_t n, size_t *w)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r')) {
		*w = 1;
		return true;
	}
	if (n >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0x80) {
		*w = 3;
		return true;
	}
	if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
		*w = 2;
		return true;
	}
	return false;
}

static struct line trim(struct line l)
{
	size_t w;

	while (l.n > 0 && is_ws_at(l.p, l.n, &w)) {
		l.p += w;
		l.n -= w;
	}
	while (l.n > 0) {
		size_t k = l.n;

		if (l.p[k - 1] == ' ' || l.p[k - 1] == '\t' || l.p[k - 1] == '\r') {
			l.n--;
			continue;
		}
		if (k >= 3 && (unsigned char)l.p[k - 3] == 0xE3 &&
		    (unsigned char)l.p[k - 2] == 0x80 && (unsigned char)l.p[k - 1] == 0x80) {
			l.n -= 3;
			continue;
		}
		break;
	}
	return l;
}

static bool starts(struct line l, const char *lit)
{
	size_t n = strlen(lit);

	return l.n >= n && memcmp(l.p, lit, n) == 0;
}

static bool contains(const char *p, size_t n, const char *lit)
{
	size_t m = strlen(lit);

	for (size_t i = 0; i + m <= n; i++) {
		if (memcmp(p + i, lit, m) == 0)
			return true;
	}
	return false;
}

static bool is_numeral(uint32_t c)
{
	return text_cn_digit(c) >= 0 || c == 0x4E24 || c == 0x767E || c == 0x5343 ||
	       text_is_digit(text_halfwidth(c));
}

/* Numeral characters of l from byte i: their value (text_cn_integer, -1
 * if none or invalid); *end receives the byte after them. */
static int numeral_at(struct line l, size_t i, size_t *end)
{
	uint32_t num[16];
	size_t nn = 0;

	while (i < l.n && nn < ARRAY_LEN(num)) {
		uint32_t c;
		size_t k = text_utf8_decode(l.p + i, l.n - i, &c);

		if (!is_numeral(c))
			break;
		num[nn++] = c;
		i += k;
	}
	*end = i;
	return nn > 0 ? text_cn_integer(num, nn) : -1;
}

/*
 * "第" numeral unit ["之" numeral] at the start of l, followed by white
 * space, '：', ':' or the end of the line. unit is 条, or one of 编章节 for
 * headings. Returns the label's byte length (0: none) and its numbers.
 */
static size_t label_at(struct line l, uint32_t *unit, int *no, int *sub)
{
	size_t i;
	uint32_t c;
	size_t k;

	k = text_utf8_decode(l.p, l.n, &c);
	if (k == 0 || c != 0x7B2C) /* 第 */
		return 0;
	*no = numeral_at(l, k, &i);
	if (*no <= 0 || i >= l.n)
		return 0;
	k = text_utf8_decode(l.p + i, l.n - i, &c);
	if (c != 0x6761 && c != 0x7F16 && c != 0x7AE0 && c != 0x8282) /* 条编章节 */
		return 0;
	*unit = c;
	i += k;
	*sub = 0;
	if (c == 0x6761 && i < l.n) {
		size_t j;
		int v;

		k = text_utf8_decode(l.p + i, l.n - i, &c);
		if (c == 0x4E4B) { /* 之 */
			v = numeral_at(l, i + k, &j);
			if (v > 0) {
				*sub = v;
				i = j;
			}
		}
	}
	if (i < l.n) {
		size_t w;
		uint32_t d;

		if (!is_ws_at(l.p + i, l.n - i, &w)) {
			text_utf8_decode(l.p + i, l.n - i, &d);
			if (d != 0xFF1A && d != ':' && !(*unit != 0x6761 && l.n - i < 120))
				return 0;
		}
	}
	return i;
}

/* ---- building the result ---- */

static void add_chunk(struct kb_parsed *out, const char *article, size_t alen, int no, int sub,
		      const char *heading, const struct buf *body)
{
	struct kb_chunk *c;

	out->chunks = xgrow(out->chunks, &out->cap, out->nchunks + 1, sizeof(*out->chunks));
	c = &out->chunks[out->nchunks++];
	c->article = article ? xstrndup(article, alen) : NULL;
	c->art_no = no;
	c->art_sub = sub;
	c->heading = xstrdup(heading);
	c->body = xstrndup(body->p ? body->p : "", body->len);
}

static size_t nonspace_len(const char *p, size_t n)
{
	size_t cnt = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] != ' ' && p[i] != '\n' && p[i] != '\t' && p[i] != '\r')
			cnt++;
	}
	return cnt;
}

/* Code points in p[0..n). */
static size_t cp_len(const char *p, size_t n)
{
	size_t cnt = 0;

	for (size_t i = 0; i < n; i++) {
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			cnt++;
	}
	return cnt;
}

/* Flush article-less text: pieces of at most KB_PIECE_MAX characters cut at
 * line ends (a longer line is a piece of its own). */
static void flush_pieces(struct kb_parsed *out, const char *heading, struct buf *sect)
{
	struct buf piece;
	size_t i = 0;

	if (nonspace_len(sect->p ? sect->p : "", sect->len) < 20) {
		buf_reset(sect);
		return;
	}
	buf_init(&piece, KB_FILE_MAX);
	while (i < sect->len) {
		const char *nl = memchr(sect->p + i, '\n', sect->len - i);
		size_t n = nl ? (size_t)(nl - (sect->p + i)) : sect->len - i;

		if (piece.len > 0 &&
		    cp_len(piece.p, piece.len) + cp_len(sect->p + i, n) > KB_PIECE_MAX) {
			add_chunk(out, NULL, 0, 0, 0, heading, &piece);
			buf_reset(&piece);
		}
		if (n > 0) {
			buf_add(&piece, sect->p + i, n);
			buf_addc(&piece, '\n');
		}
		i += n + 1;
	}
	if (nonspace_len(piece.p ? piece.p : "", piece.len) > 0)
		add_chunk(out, NULL, 0, 0, 0, heading, &piece);
	buf_free(&piece);
	buf_reset(sect);
}

/* ---- metadata ---- */

static char *name_stem(const char *name)
{
	const char *base = strrchr(name, '/');
	const char *dot;
	size_t n;

	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	return xstrndup(base, n);
}

/* "(YYYY-MM-DD)" at the end of a stem: copy the date, cut it off. */
static void stem_date(char *stem, char date[11])
{
	size_t n = strlen(stem);

	date[0] = '\0';
	if (n >= 12 && stem[n - 1] == ')' && stem[n - 12] == '(' && stem[n - 7] == '-' &&
	    stem[n - 4] == '-') {
		memcpy(date, stem + n - 11, 10);
		date[10] = '\0';
		stem[n - 12] = '\0';
	}
}

/* The last "YYYY年M月D日" in p[0..n) as YYYY-MM-DD. */
static void text_date(const char *p, size_t n, char date[11])
{
	for (size_t i = 0; i + 4 < n; i++) {
		int y = 0;
		int m = 0;
		int d = 0;
		size_t j = i;

		if (i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9')
			continue;
		while (j < n && j - i < 4 && p[j] >= '0' && p[j] <= '9')
			y = y * 10 + (p[j++] - '0');
		if (j - i != 4 || n - j < 3 || memcmp(p + j, "年", 3) != 0)
			continue;
		j += 3;
		while (j < n && p[j] >= '0' && p[j] <= '9' && m < 100)
			m = m * 10 + (p[j++] - '0');
		if (n - j < 3 || memcmp(p + j, "月", 3) != 0)
			continue;
		j += 3;
		while (j < n && p[j] >= '0' && p[j] <= '9' && d < 100)
			d = d * 10 + (p[j++] - '0');
		if (n - j < 3 || memcmp(p + j, "日", 3) != 0)
			continue;
		if (y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
			snprintf(date, 11, "%04d-%02d-%02d", y, m, d);
	}
}

/* Han characters ending at p[end) going back at most max characters. */
static size_t han_before(const char *p, size_t end, size_t max)
{
	size_t start = end;
	size_t cnt = 0;

	while (start >= 3 && cnt < max) {
		uint32_t c;

		if (text_utf8_decode(p + start - 3, 3, &c) != 3 || !text_is_han(c))
			break;
		start -= 3;
		cnt++;
	}
	return start;
}

/* 文号: "X〔2021〕12号" or "X令第588号" in the header. */
char *kb_find_doc_number(const char *p, size_t n)
{
	for (size_t i = 0; i + 3 <= n; i++) {
		size_t j;
		size_t start;

		if (memcmp(p + i, "〔", 3) == 0) {
			j = i + 3;
			while (j < n && p[j] >= '0' && p[j] <= '9')
				j++;
			if (j - i - 3 != 4 || n - j < 3 || memcmp(p + j, "〕", 3) != 0)
				continue;
			j += 3;
			start = j;
			while (j < n && p[j] >= '0' && p[j] <= '9')
				j++;
			if (j == start || n - j < 3 || memcmp(p + j, "号", 3) != 0)
				continue;
			start = han_before(p, i, 12);
			if (start == i)
				continue;
			return xstrndup(p + start, j + 3 - start);
		}
		if (n - i >= 6 && memcmp(p + i, "令第", 6) == 0) {
			j = i + 6;
			start = j;
			while (j < n && p[j] >= '0' && p[j] <= '9')
				j++;
			if (j == start || n - j < 3 || memcmp(p + j, "号", 3) != 0)
				continue;
			start = han_before(p, i, 24);
			return xstrndup(p + start, j + 3 - start);
		}
	}
	return xstrdup("");
}

/* Issuing body: in the first header line with a date, the words after the
 * date up to 令/第/通过/发布/公布/批准. */
static char *find_issuer(const char *p, size_t n)
{
	static const char *stops[] = {"令第", "第",   "通过", "发布", "公布",
				      "批准", "印发", "（",   "("};
	const char *day = NULL;

	for (size_t i = 0; i + 3 <= n && i < 600; i++) {
		if (memcmp(p + i, "日", 3) == 0 && i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9') {
			day = p + i + 3;
			break;
		}
	}
	if (day == NULL)
		return xstrdup("");
	{
		const char *end = memchr(day, '\n', (size_t)(p + n - day));
		struct line l;
		size_t best;

		l.p = day;
		l.n = end ? (size_t)(end - day) : (size_t)(p + n - day);
		l = trim(l);
		/* "第十三届全国人民代表大会常务委员会…": the term comes first. */
		if (starts(l, "第")) {
			for (size_t i = 3; i + 3 <= l.n && i < 30; i++) {
				if (memcmp(l.p + i, "届", 3) == 0) {
					l.p += i + 3;
					l.n -= i + 3;
					break;
				}
			}
		}
		best = l.n;
		for (size_t s = 0; s < ARRAY_LEN(stops); s++) {
			size_t m = strlen(stops[s]);

			for (size_t i = 0; i + m <= l.n; i++) {
				if (memcmp(l.p + i, stops[s], m) == 0) {
					if (i < best)
						best = i;
					break;
				}
			}
		}
		if (best > 180)
			best = 0;
		l.n = best;
		l = trim(l);
		return xstrndup(l.p, l.n);
	}
}

static const char *find_validity(const char *p, size_t n)
{
	if (contains(p, n, "已废止") || contains(p, n, "已失效") || contains(p, n, "（废止）"))
		return "已废止";
	if (contains(p, n, "已被修改") || contains(p, n, "（已修改）"))
		return "已修改";
	return "";
}

/* ---- the parser ---- */

struct heads {
	char bian[160];
	char zhang[160];
	char jie[160];
	char other[160];
	char joined[660];
};

static void heads_set(char *dst, size_t cap, struct line l)
{
	if (l.n >= cap) {
		l.n = cap - 1;
		/* do not cut a UTF-8 sequence */
		while (l.n > 0 && ((unsigned char)l.p[l.n] & 0xC0) == 0x80)
			l.n--;
	}
	memcpy(dst, l.p, l.n);
	dst[l.n] = '\0';
}

static void heads_join(struct heads *h)
{
	const char *parts[] = {h->bian, h->zhang, h->jie, h->other};
	size_t len = 0;

	h->joined[0] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
		if (parts[i][0] == '\0')
			continue;
		len += (size_t)snprintf(h->joined + len, sizeof(h->joined) - len, "%s%s",
					len ? " " : "", parts[i]);
		if (len >= sizeof(h->joined))
			break;
	}
}

/* A heading line: '#' Markdown heading, or a short 第X编/章/节 line. */
static bool heading_of(struct line l, struct line *text, uint32_t *unit)
{
	int no;
	int sub;

	*unit = 0;
	if (starts(l, "#")) {
		while (l.n > 0 && l.p[0] == '#') {
			l.p++;
			l.n--;
		}
		*text = trim(l);
		if (label_at(*text, unit, &no, &sub) == 0 || *unit == 0x6761)
			*unit = 0;
		return true;
	}
	if (l.n < 120 && label_at(l, unit, &no, &sub) > 0 && *unit != 0x6761) {
		*text = l;
		return true;
	}
	*unit = 0;
	return false;
}

struct pstate {
	struct kb_parsed *out;
	struct heads h;
	struct buf body;
	char art[64];
	size_t artlen;
	int no;
	int sub;
	bool in_article;
	bool has_articles;
};

static void flush(struct pstate *s)
{
	if (s->in_article) {
		add_chunk(s->out, s->art, s->artlen, s->no, s->sub, s->h.joined, &s->body);
		buf_reset(&s->body);
		s->in_article = false;
		return;
	}
	flush_pieces(s->out, s->h.joined, &s->body);
}

static void parse_body(struct pstate *s, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		struct line raw = {p + i, nl ? (size_t)(nl - (p + i)) : n - i};
		struct line l = trim(raw);
		struct line text;
		uint32_t unit;
		int no;
		int sub;
		size_t alen;

		i += raw.n + 1;
		if (l.n == 0 || starts(l, "<!--"))
			continue;
		if (heading_of(l, &text, &unit)) {
			flush(s);
			if (unit == 0x7F16) { /* 编 */
				heads_set(s->h.bian, sizeof(s->h.bian), text);
				s->h.zhang[0] = s->h.jie[0] = s->h.other[0] = '\0';
			} else if (unit == 0x7AE0) { /* 章 */
				heads_set(s->h.zhang, sizeof(s->h.zhang), text);
				s->h.jie[0] = s->h.other[0] = '\0';
			} else if (unit == 0x8282) { /* 节 */
				heads_set(s->h.jie, sizeof(s->h.jie), text);
				s->h.other[0] = '\0';
			} else {
				heads_set(s->h.other, sizeof(s->h.other), text);
			}
			heads_join(&s->h);
			continue;
		}
		alen = label_at(l, &unit, &no, &sub);
		if (alen > 0 && unit == 0x6761 && alen < sizeof(s->art)) {
			flush(s);
			memcpy(s->art, l.p, alen);
			s->artlen = alen;
			s->no = no;
			s->sub = sub;
			s->in_article = true;
			s->has_articles = true;
		}
		if (s->body.len > 0)
			buf_addc(&s->body, '\n');
		buf_add(&s->body, l.p, l.n);
	}
	flush(s);
}

int kb_parse_text(const char *text, size_t len, const char *name, struct kb_parsed *out,
		  struct err *e)
{
	struct pstate s;
	char date[11];
	char *stem;
	const char *body;
	size_t hlen;
	struct buf title;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (len > KB_FILE_MAX)
		return err_set(e, BASE_E_LIMIT, "文件超过 %u MB", KB_FILE_MAX >> 20);
	if (!text_utf8_valid(text, len, &i))
		return err_set(e, BASE_E_FORMAT, "不是有效的 UTF-8 文本（第 %zu 字节）", i + 1);
	/* Front matter "---\n…\n---" is not text. */
	if (len >= 4 && memcmp(text, "---\n", 4) == 0) {
		const char *end = NULL;

		for (i = 4; i + 3 <= len; i++) {
			if (text[i - 1] == '\n' && memcmp(text + i, "---", 3) == 0) {
				end = text + i + 3;
				break;
			}
		}
		if (end != NULL) {
			len -= (size_t)(end - text);
			text = end;
		}
	}
	/* Header: up to <!-- INFO END -->, else up to the first article. */
	body = NULL;
	for (i = 0; i + 17 <= len && i < KB_FILE_MAX; i++) {
		if (text[i] == '<' && memcmp(text + i, "<!-- INFO END -->", 17) == 0) {
			body = text + i + 17;
			break;
		}
	}
	hlen = body ? (size_t)(body - text) : 0;

	stem = name_stem(name ? name : "");
	stem_date(stem, date);
	/* Title: the '#' lines of the header (or the first '#' line). */
	buf_init(&title, 1024);
	for (i = 0; i < (hlen ? hlen : (len < KB_HEADER_SCAN ? len : KB_HEADER_SCAN));) {
		const char *nl = memchr(text + i, '\n', len - i);
		struct line l = {text + i, nl ? (size_t)(nl - (text + i)) : len - i};

		i += l.n + 1;
		l = trim(l);
		if (starts(l, "# ") || (starts(l, "#") && !starts(l, "##"))) {
			l.p++;
			l.n--;
			l = trim(l);
			if (title.len > 0)
				buf_addc(&title, ' ');
			buf_add(&title, l.p, l.n);
			if (hlen == 0)
				break;
		} else if (hlen == 0 && l.n > 0) {
			break;
		}
	}
	if (title.len == 0) {
		/* Plain text: a short first line is the title. */
		for (i = 0; i < len;) {
			const char *nl = memchr(text + i, '\n', len - i);
			struct line l = {text + i, nl ? (size_t)(nl - (text + i)) : len - i};
			uint32_t unit;
			int no;
			int sub;

			i += l.n + 1;
			l = trim(l);
			if (l.n == 0)
				continue;
			if (cp_len(l.p, l.n) <= 60 && label_at(l, &unit, &no, &sub) == 0)
				buf_add(&title, l.p, l.n);
			break;
		}
	}
	if (title.len == 0)
		buf_adds(&title, stem);
	out->title = buf_detach(&title, NULL);
	{
		size_t scan = hlen ? hlen : (len < KB_HEADER_SCAN ? len : KB_HEADER_SCAN);

		out->doc_number = kb_find_doc_number(text, scan);
		out->issuer = find_issuer(text, scan);
		out->validity = xstrdup(find_validity(text, scan));
		if (date[0] == '\0')
			text_date(text, scan, date);
	}
	out->date = xstrdup(date);
	free(stem);

	memset(&s, 0, sizeof(s));
	s.out = out;
	buf_init(&s.body, KB_FILE_MAX);
	if (body != NULL)
		parse_body(&s, body, len - hlen);
	else
		parse_body(&s, text, len);
	buf_free(&s.body);
	if (out->nchunks > KB_CHUNKS_MAX) {
		kb_parsed_free(out);
		return err_set(e, BASE_E_LIMIT, "分块数超过 %d", KB_CHUNKS_MAX);
	}
	return 0;
}

void kb_parsed_free(struct kb_parsed *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nchunks; i++) {
		free(p->chunks[i].article);
		free(p->chunks[i].heading);
		free(p->chunks[i].body);
	}
	free(p->chunks);
	free(p->title);
	free(p->doc_number);
	free(p->issuer);
	free(p->date);
	free(p->validity);
	memset(p, 0, sizeof(*p));
}
