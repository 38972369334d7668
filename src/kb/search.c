/*
 * kb/search: query -> ranked passages.
 *
 * 1. Exact lookups first: citations (《行政处罚法》第六十四条, 劳动合同法第十九条)
 *    and 文号 (国办发〔2021〕12号) go straight to their article or document.
 * 2. Terms: the query is folded (full width -> ASCII, lower case), split at
 *    question words (kb_stopwords) and punctuation; every run gives its
 *    bigrams, ASCII words stay whole; everyday words add the statutory words
 *    of kb_thesaurus. Terms found nowhere are dropped, and the rarest
 *    KB_TERMS_MAX are kept (IDF from the index's vocabulary).
 * 3. Candidates: the posting lists (FTS5, `cjk` tokenizer) of the rarer
 *    terms, ranked by summed IDF; the best KB_CANDIDATES are read.
 * 4. Ranking: BM25F-style over title and body with the title heavier and
 *    title terms discounted in the body, scaled by the share of the query
 *    covered; a chunk gains a share of its document's score (a law that
 *    matches in many articles is more likely the right law), older versions
 *    (已修改) and repealed texts (已废止) are demoted, and at most
 *    KB_PER_DOC passages of one document (one of a case) are shown.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"
#include "kb/kb_internal.h"
#include "kb/search_internal.h"
#include "store/kb_store.h"
#include "store/kbvec_store.h"
#include "text/text.h"
#include "text/tokenize.h"

#define KB_TERMS_MAX	 32
#define KB_MATCH_MIN	 6
#define KB_CANDIDATES	 200
#define KB_PER_DOC	 3
#define KB_SNIPPET_CHARS 120
#define KB_TERM_BYTES	 (TEXT_TOK_WORD_MAX + 1)

/* Ranking weights (see the header comment). */
#define KB_DOC_SHARE	    0.35
#define KB_PIECE_FACTOR	    0.8
#define KB_K1		    1.2
#define KB_B		    0.75
#define KB_TITLE_WEIGHT	    1.5
#define KB_TITLE_BODY_SHARE 0.3
#define KB_EXPANSION_WEIGHT 0.8
#define KB_COVERAGE_EXP	    1.0
/* Candidates come from terms in at most this share of the chunks (and at
 * least KB_MATCH_DF_MIN chunks, so small kbs use every term). */
#define KB_MATCH_DF	0.005
#define KB_MATCH_DF_MIN 200
/* answerable: the best passage covers this share of the query's weight. */
#define KB_ANSWERABLE 0.4

struct term {
	char tok[KB_TERM_BYTES];
	int64_t df;
	double idf;
	bool expansion;
};

struct terms {
	struct term *t;
	size_t n;
	size_t cap;
};

static void terms_add(struct terms *ts, const char *tok, size_t len, bool expansion)
{
	struct term *t;

	if (len == 0 || len >= KB_TERM_BYTES)
		return;
	for (size_t i = 0; i < ts->n; i++) {
		if (strlen(ts->t[i].tok) == len && memcmp(ts->t[i].tok, tok, len) == 0)
			return;
	}
	if (ts->n >= 256)
		return;
	ts->t = xgrow(ts->t, &ts->cap, ts->n + 1, sizeof(*ts->t));
	t = &ts->t[ts->n++];
	memcpy(t->tok, tok, len);
	t->tok[len] = '\0';
	t->df = 0;
	t->idf = 0;
	t->expansion = expansion;
}

static int term_cb(void *arg, const char *tok, size_t len, size_t start, size_t end, bool colocated)
{
	(void)start;
	(void)end;
	(void)colocated;
	terms_add(arg, tok, len, false);
	return 0;
}

static int term_cb_exp(void *arg, const char *tok, size_t len, size_t start, size_t end,
		       bool colocated)
{
	(void)start;
	(void)end;
	(void)colocated;
	terms_add(arg, tok, len, true);
	return 0;
}

static bool is_cn_numeral(uint32_t c)
{
	return text_cn_digit(c) >= 0 || c == 0x4E24 || c == 0x767E || c == 0x5343;
}

/* Statutes write quantities both ways (满10年, 十六周岁): a Chinese numeral
 * followed by a unit character also gives the term "<digits><unit>", and
 * digits followed by a unit give the Chinese form. */
static void numeral_terms(const struct ustr *q, struct terms *ts)
{
	for (size_t i = 0; i < q->len;) {
		size_t j = i;
		char t[KB_TERM_BYTES];
		int v;
		size_t n;

		if (is_cn_numeral(q->p[i])) {
			while (j < q->len && j - i < 8 && is_cn_numeral(q->p[j]))
				j++;
		} else if (text_is_digit(q->p[i])) {
			while (j < q->len && j - i < 4 && text_is_digit(q->p[j]))
				j++;
		} else {
			i++;
			continue;
		}
		v = text_cn_integer(q->p + i, j - i);
		if (v > 0 && j < q->len && text_is_han(q->p[j]) && !is_cn_numeral(q->p[j])) {
			char unit[8];
			size_t ul = text_utf8_encode(q->p[j], unit);

			if (text_is_digit(q->p[i]) && v < 100)
				text_cn_format(v, t, sizeof(t) - ul);
			else
				snprintf(t, sizeof(t) - ul, "%d", v);
			n = strlen(t);
			memcpy(t + n, unit, ul);
			terms_add(ts, t, n + ul, false);
		}
		i = j;
	}
}

/* Split the folded query at stop words; tokenize each piece in query mode. */
static void query_terms(const struct ustr *q, struct terms *ts)
{
	bool *sep = xcalloc(q->len + 1, sizeof(bool));
	struct buf piece;

	for (size_t i = 0; i < q->len; i++) {
		size_t best = 0;

		for (size_t s = 0; s < kb_stopwords_len; s++) {
			size_t n = text_ucs_len(kb_stopwords[s]);

			if (n > best && i + n <= q->len &&
			    text_ucs_has_prefix(q->p + i, q->len - i, kb_stopwords[s]))
				best = n;
		}
		for (size_t k = 0; k < best; k++)
			sep[i + k] = true;
		if (best > 1)
			i += best - 1;
	}
	buf_init(&piece, KB_QUERY_MAX * 4);
	for (size_t i = 0; i <= q->len; i++) {
		if (i == q->len || sep[i]) {
			if (piece.len > 0)
				text_tokenize(piece.p, piece.len, TEXT_TOK_QUERY, term_cb, ts);
			buf_reset(&piece);
			continue;
		}
		text_buf_add_ucs(&piece, q->p + i, 1);
	}
	buf_free(&piece);
	free(sep);
	numeral_terms(q, ts);
	/* Everyday words add statutory ones. */
	for (size_t s = 0; s < kb_thesaurus_len; s++) {
		if (text_ucs_find(q->p, q->len, 0, kb_thesaurus[s].from) < 0)
			continue;
		for (const char *w = kb_thesaurus[s].to; *w;) {
			const char *sp = strchr(w, ' ');
			size_t n = sp ? (size_t)(sp - w) : strlen(w);

			text_tokenize(w, n, TEXT_TOK_QUERY, term_cb_exp, ts);
			w += n;
			while (*w == ' ')
				w++;
		}
	}
}

static int cmp_idf(const void *a, const void *b)
{
	double x = ((const struct term *)a)->idf;
	double y = ((const struct term *)b)->idf;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* Look up document frequencies, drop unknown terms, keep the rarest. */
static int weigh_terms(struct kb_store_reader *rd, struct terms *ts, int64_t nchunks, struct err *e)
{
	size_t k = 0;

	for (size_t i = 0; i < ts->n; i++) {
		int rc = kb_store_reader_df(rd, ts->t[i].tok, &ts->t[i].df, e);

		if (rc != 0)
			return rc;
		if (ts->t[i].df == 0 && text_is_digit((unsigned char)ts->t[i].tok[0])) {
			/* "10年" is a phrase, not one token: estimate from its
			 * number, which is at least as common. */
			char num[KB_TERM_BYTES];
			size_t nd = 0;

			while (text_is_digit((unsigned char)ts->t[i].tok[nd]) &&
			       nd + 1 < sizeof(num)) {
				num[nd] = ts->t[i].tok[nd];
				nd++;
			}
			num[nd] = '\0';
			rc = kb_store_reader_df(rd, num, &ts->t[i].df, e);
			if (rc != 0)
				return rc;
			ts->t[i].df = ts->t[i].df / 2 + 1;
		}
		if (ts->t[i].df == 0)
			continue;
		ts->t[i].idf = log(1.0 + ((double)nchunks - (double)ts->t[i].df + 0.5) /
					     ((double)ts->t[i].df + 0.5));
		ts->t[k++] = ts->t[i];
	}
	ts->n = k;
	if (ts->n > 1)
		qsort(ts->t, ts->n, sizeof(*ts->t), cmp_idf);
	if (ts->n > KB_TERMS_MAX)
		ts->n = KB_TERMS_MAX;
	return 0;
}

/* One term as an FTS5 string (quotes doubled: user text never becomes an
 * operator; a multi-token term is matched as a phrase). */
static void fts_quote(const char *tok, char *out, size_t cap)
{
	size_t n = 0;

	out[n++] = '"';
	for (const char *c = tok; *c && n + 3 < cap; c++) {
		if (*c == '"')
			out[n++] = '"';
		out[n++] = *c;
	}
	out[n++] = '"';
	out[n] = '\0';
}

/* Candidate id -> summed IDF of the terms matching it (open addressing). */
struct cand {
	int64_t id;
	double score;
};

struct candmap {
	struct cand *slot;
	size_t mask;
	size_t n;
};

static void cand_add(struct candmap *m, int64_t id, double w)
{
	size_t i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 20) & m->mask;

	while (m->slot[i].id != 0 && m->slot[i].id != id)
		i = (i + 1) & m->mask;
	if (m->slot[i].id == 0) {
		m->slot[i].id = id;
		m->n++;
	}
	m->slot[i].score += w;
}

static int cmp_cand(const void *a, const void *b)
{
	double x = ((const struct cand *)a)->score;
	double y = ((const struct cand *)b)->score;
	int64_t p = ((const struct cand *)a)->id;
	int64_t q = ((const struct cand *)b)->id;

	if (x != y)
		return x < y ? 1 : -1;
	return p < q ? -1 : p > q;
}

/*
 * Candidates: the chunks matching the rarer terms (document frequency at
 * most max_df; the rarest KB_MATCH_MIN always count), ranked by the summed
 * IDF of the terms they contain, best KB_CANDIDATES kept. Reading posting
 * lists without FTS5's ranking costs nothing per row beyond the list; common
 * bigrams would select most of the index, and the re-ranking counts them.
 */
static int candidates(struct kb_store_reader *rd, const struct terms *ts, int64_t max_df,
		      struct cand **out, size_t *nout, struct err *e)
{
	int64_t **ids = xcalloc(ts->n + 1, sizeof(*ids));
	size_t *nids = xcalloc(ts->n + 1, sizeof(*nids));
	size_t total = 0;
	struct candmap m;
	size_t k = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < ts->n && rc == 0; i++) {
		char q[2 * KB_TERM_BYTES + 4];

		if (i >= KB_MATCH_MIN && ts->t[i].df > max_df)
			continue;
		fts_quote(ts->t[i].tok, q, sizeof(q));
		rc = kb_store_reader_postings(rd, q, &ids[i], &nids[i], e);
		total += nids[i];
	}
	if (rc == 0 && total > 0) {
		size_t cap = 16;

		while (cap < 2 * total)
			cap <<= 1;
		m.slot = xcalloc(cap, sizeof(*m.slot));
		m.mask = cap - 1;
		m.n = 0;
		for (size_t i = 0; i < ts->n; i++) {
			for (size_t j = 0; j < nids[i]; j++)
				cand_add(&m, ids[i][j], ts->t[i].idf);
		}
		for (size_t i = 0; i <= m.mask; i++) {
			if (m.slot[i].id != 0)
				m.slot[k++] = m.slot[i];
		}
		qsort(m.slot, k, sizeof(*m.slot), cmp_cand);
		*out = m.slot;
		*nout = k < KB_CANDIDATES ? k : KB_CANDIDATES;
	}
	for (size_t i = 0; i < ts->n; i++)
		free(ids[i]);
	free(ids);
	free(nids);
	return rc;
}

/* ---- results ---- */

struct collect {
	struct kb_results *r;
	size_t cap;
	size_t limit;
	double score;
	bool exact;
	const struct terms *ts;
};

static bool has_passage(const struct kb_results *r, int64_t chunk_id)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->p[i].chunk_id == chunk_id)
			return true;
	}
	return false;
}

/* Byte offset of the first occurrence of the rarest term in body. */
static size_t best_anchor(const char *body, const struct terms *ts)
{
	for (size_t i = 0; ts != NULL && i < ts->n; i++) {
		const char *hit = strstr(body, ts->t[i].tok);

		if (hit != NULL)
			return (size_t)(hit - body);
	}
	return 0;
}

/* Snippet: about KB_SNIPPET_CHARS characters of body around the anchor,
 * cut at character boundaries, newlines as spaces. */
static void make_snippet(struct kb_passage *p, const char *body, const struct terms *ts)
{
	size_t len = strlen(body);
	size_t anchor = best_anchor(body, ts);
	size_t start = anchor;
	size_t end = anchor;
	size_t back = 0;
	size_t chars = 0;
	struct buf b;

	while (start > 0 && back < KB_SNIPPET_CHARS / 4) {
		start--;
		while (start > 0 && ((unsigned char)body[start] & 0xC0) == 0x80)
			start--;
		back++;
	}
	while (end < len && chars < KB_SNIPPET_CHARS) {
		end++;
		while (end < len && ((unsigned char)body[end] & 0xC0) == 0x80)
			end++;
		chars++;
	}
	buf_init(&b, 4096);
	if (start > 0)
		buf_adds(&b, "…");
	for (size_t i = start; i < end; i++)
		buf_addc(&b, body[i] == '\n' ? ' ' : body[i]);
	if (end < len)
		buf_adds(&b, "…");
	p->snippet = buf_detach(&b, NULL);
	/* Highlight spans: every term occurrence inside the snippet. */
	for (size_t i = 0; ts != NULL && i < ts->n; i++) {
		size_t tl = strlen(ts->t[i].tok);
		const char *s = p->snippet;

		while ((s = strstr(s, ts->t[i].tok)) != NULL) {
			size_t cap = p->nspans;

			p->spans = xrealloc(p->spans, (cap + 1) * sizeof(*p->spans));
			p->spans[cap].start = (size_t)(s - p->snippet);
			p->spans[cap].len = tl;
			p->nspans++;
			s += tl;
			if (p->nspans >= 64)
				return;
		}
	}
}

static int collect_chunk(const struct kb_store_chunk *c, const struct kb_store_doc *d, void *arg)
{
	struct collect *col = arg;
	struct kb_results *r = col->r;
	struct kb_passage *p;

	if (r->n >= col->limit || has_passage(r, c->id))
		return 0;
	r->p = xgrow(r->p, &col->cap, r->n + 1, sizeof(*r->p));
	p = &r->p[r->n++];
	memset(p, 0, sizeof(*p));
	p->chunk_id = c->id;
	p->file = xstrdup(d->relpath);
	p->article = c->article ? xstrdup(c->article) : NULL;
	p->title = xstrdup(d->title);
	p->heading = xstrdup(c->heading);
	p->validity = xstrdup(d->validity);
	p->category = xstrdup(d->category);
	p->text = xstrdup(c->body);
	p->score = col->score;
	p->exact = col->exact;
	make_snippet(p, c->body, col->ts);
	return 0;
}

/* ---- exact lookups ---- */

static bool is_title_char(uint32_t c)
{
	return text_is_han(c) || text_is_digit(c) || c == 0xFF08 || c == 0xFF09 || c == '(' ||
	       c == ')';
}

/* Citations "《X》第N条[之M]" or "X法第N条": look each up. */
static int exact_citations(struct store *st, const struct ustr *q, const int64_t *kbs, size_t nkb,
			   struct collect *col, struct err *e)
{
	static const char *suffixes[] = {"法",	 "条例", "规定", "办法", "细则",
					 "解释", "典",	 "编",	 "决定", "规则"};

	for (size_t i = 0; i < q->len; i++) {
		size_t j = i + 1;
		size_t ts;
		size_t te;
		int no;
		int sub = 0;
		char *title;
		int rc;

		if (q->p[i] != 0x7B2C) /* 第 */
			continue;
		while (j < q->len && j - i <= 8 &&
		       (text_cn_digit(q->p[j]) >= 0 || q->p[j] == 0x4E24 || q->p[j] == 0x767E ||
			q->p[j] == 0x5343 || text_is_digit(q->p[j])))
			j++;
		if (j == i + 1 || j >= q->len || q->p[j] != 0x6761) /* 条 */
			continue;
		no = text_cn_integer(q->p + i + 1, j - i - 1);
		if (no <= 0)
			continue;
		if (j + 2 < q->len && q->p[j + 1] == 0x4E4B) /* 之 */
			sub = text_cn_digit(q->p[j + 2]) > 0 ? text_cn_digit(q->p[j + 2]) : 0;
		/* The law's name just before 第. */
		te = i;
		if (te > 0 && q->p[te - 1] == 0x300B) { /* 》 */
			te--;
			ts = te;
			while (ts > 0 && q->p[ts - 1] != 0x300A && te - ts < 60)
				ts--;
		} else {
			bool ok = false;

			ts = te;
			while (ts > 0 && is_title_char(q->p[ts - 1]) && te - ts < 30)
				ts--;
			for (size_t s = 0; s < ARRAY_LEN(suffixes) && ts < te; s++)
				ok = ok || text_ucs_has_suffix(q->p + ts, te - ts, suffixes[s]);
			if (!ok)
				continue;
		}
		if (te - ts >= 7 && text_ucs_has_prefix(q->p + ts, te - ts, "中华人民共和国"))
			ts += 7;
		if (te <= ts)
			continue;
		title = ustr_to_utf8(q, ts, te);
		rc = kb_store_cite(st, kbs, nkb, title, no, sub, collect_chunk, col, e);
		free(title);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int exact_docnum(struct store *st, const char *query, const int64_t *kbs, size_t nkb,
			struct collect *col, struct err *e)
{
	char *num = kb_find_doc_number(query, strlen(query));
	int rc = 0;

	if (num[0] != '\0')
		rc = kb_store_docnum(st, kbs, nkb, num, collect_chunk, col, e);
	free(num);
	return rc;
}

/* ---- ranking ---- */

struct docagg {
	int64_t doc_id;
	double s[3];
	int shown;
};

static struct docagg *agg_find(struct docagg *a, size_t n, int64_t doc_id)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i].doc_id == doc_id)
			return &a[i];
	}
	return NULL;
}

static int cmp_hit(const void *a, const void *b)
{
	double x = ((const struct kb_store_hit *)a)->score;
	double y = ((const struct kb_store_hit *)b)->score;

	return x < y ? 1 : x > y ? -1 : 0;
}

static size_t count_in(const char *text, const char *tok, size_t max)
{
	size_t n = 0;
	size_t tl = strlen(tok);

	for (const char *s = strstr(text, tok); s != NULL && n < max; s = strstr(s + tl, tok))
		n++;
	return n;
}

/*
 * Score one candidate (BM25F-like, on the candidate set): a term in the
 * document title counts once for the title and only a fraction in the body
 * (every article of 住房公积金管理条例 says 住房公积金; what tells them apart
 * is the rest of the query); body terms saturate (k1) and long chunks are
 * normalised (b); the share of the query's weight covered scales the sum.
 */
static double score_hit(const struct kb_store_hit *h, const struct terms *ts, double avglen)
{
	double len = (double)strlen(h->text) / 3.0 + 1.0;
	double norm = KB_K1 * (1.0 - KB_B + KB_B * len / avglen);
	double sum = 0;
	double all = 0;
	double got = 0;

	for (size_t i = 0; i < ts->n; i++) {
		const struct term *t = &ts->t[i];
		double w = t->expansion ? KB_EXPANSION_WEIGHT : 1.0;
		bool in_title = strstr(h->title, t->tok) != NULL;
		double tf = (double)count_in(h->text, t->tok, 50);
		double part = 0;

		if (in_title)
			part += KB_TITLE_WEIGHT;
		if (tf > 0)
			part += (in_title ? KB_TITLE_BODY_SHARE : 1.0) * tf * (KB_K1 + 1.0) /
				(tf + norm);
		sum += w * t->idf * part;
		all += w * t->idf;
		if (part > 0)
			got += w * t->idf;
	}
	if (all <= 0)
		return 0;
	return sum * pow(got / all, KB_COVERAGE_EXP);
}

static void rerank(struct kb_store_hit *h, size_t n, const struct terms *ts, struct docagg **aggp,
		   size_t *naggp)
{
	struct docagg *agg = xcalloc(n + 1, sizeof(*agg));
	size_t nagg = 0;
	double avglen = 0;

	for (size_t i = 0; i < n; i++)
		avglen += (double)strlen(h[i].text) / 3.0 + 1.0;
	avglen = n > 0 ? avglen / (double)n : 1.0;
	for (size_t i = 0; i < n; i++) {
		struct docagg *a = agg_find(agg, nagg, h[i].doc_id);

		h[i].score = score_hit(&h[i], ts, avglen);
		if (h[i].stale == 1)
			h[i].score *= KB_STALE_FACTOR;
		else if (h[i].stale == 2)
			h[i].score *= KB_GONE_FACTOR;
		if (!h[i].article)
			h[i].score *= KB_PIECE_FACTOR;
		if (a == NULL) {
			a = &agg[nagg++];
			a->doc_id = h[i].doc_id;
		}
		for (int k = 0; k < 3; k++) {
			if (h[i].score > a->s[k]) {
				for (int m = 2; m > k; m--)
					a->s[m] = a->s[m - 1];
				a->s[k] = h[i].score;
				break;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct docagg *a = agg_find(agg, nagg, h[i].doc_id);
		double d = a->s[0] + 0.5 * a->s[1] + 0.25 * a->s[2];

		h[i].score += KB_DOC_SHARE * d;
	}
	qsort(h, n, sizeof(*h), cmp_hit);
	*aggp = agg;
	*naggp = nagg;
}

/* Share of the query's weight (summed IDF) found in the best passage. */
static double coverage(const struct kb_passage *p, const struct terms *ts)
{
	double all = 0;
	double got = 0;

	/* Expansions count: they are the legal words for the query's
	 * colloquial ones (thesaurus.c), and the colloquial bigrams rarely
	 * occur in the law text at all. */
	for (size_t i = 0; i < ts->n; i++) {
		all += ts->t[i].idf;
		if (strstr(p->text, ts->t[i].tok) != NULL || strstr(p->title, ts->t[i].tok) != NULL)
			got += ts->t[i].idf;
	}
	return all > 0 ? got / all : 0;
}

static int resolve_kbs(struct store *st, const char *const *names, size_t n, int64_t **ids,
		       struct err *e)
{
	*ids = NULL;
	if (n == 0)
		return 0;
	*ids = xcalloc(n, sizeof(**ids));
	for (size_t i = 0; i < n; i++) {
		int rc = kb_store_kb_find(st, names[i], &(*ids)[i], e);

		if (rc != 0) {
			free(*ids);
			*ids = NULL;
			return rc;
		}
	}
	return 0;
}

static int64_t match_df_cap(int64_t nchunks)
{
	int64_t cap = (int64_t)((double)nchunks * KB_MATCH_DF);

	return cap > KB_MATCH_DF_MIN ? cap : KB_MATCH_DF_MIN;
}

bool kb_kbs_allowed(const int64_t *ids, size_t n, int64_t kb_id)
{
	for (size_t i = 0; i < n; i++) {
		if (ids[i] == kb_id)
			return true;
	}
	return n == 0;
}

/* Load the candidates (only those of the allowed kbs). */
static int load_hits(struct kb_store_reader *rd, const struct cand *c, size_t n, const int64_t *ids,
		     size_t nids, struct kb_store_hit **hits, size_t *nhits, struct err *e)
{
	int rc = 0;

	*hits = xcalloc(n + 1, sizeof(**hits));
	*nhits = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct kb_store_hit *h = &(*hits)[*nhits];
		int64_t kb_id = 0;

		rc = kb_store_reader_load(rd, c[i].id, h, &kb_id, e);
		if (rc == BASE_E_NOTFOUND) {
			err_clear(e);
			rc = 0;
			continue;
		}
		if (rc != 0)
			break;
		if (!kb_kbs_allowed(ids, nids, kb_id)) {
			free(h->title);
			free(h->text);
			continue;
		}
		(*nhits)++;
	}
	return rc;
}

/* ---- the cosine ranking (hybrid search) ---- */

struct vtop {
	const struct kb_qvec *qv;
	const int64_t *ids;
	size_t nids;
	struct kb_vhit e[KB_VEC_TOP];
	size_t n;
	size_t seen; /* vectors of the allowed kbs */
};

static int vtop_cb(const struct kbvec_store_row *r, void *arg)
{
	struct vtop *t = arg;
	struct kb_vhit h;

	if (!kb_kbs_allowed(t->ids, t->nids, r->kb_id))
		return 0;
	t->seen++;
	h.score = kb_vec_dot_bytes(t->qv->v, r->vec, r->dim);
	/* Older versions and repealed texts are demoted as in BM25. */
	if (r->stale == 1)
		h.score *= (float)KB_STALE_FACTOR;
	else if (r->stale == 2)
		h.score *= (float)KB_GONE_FACTOR;
	if (t->n == KB_VEC_TOP && h.score <= t->e[t->n - 1].score)
		return 0;
	h.chunk_id = r->chunk_id;
	h.doc_id = r->doc_id;
	h.article = r->article;
	kb_vhit_push(t->e, &t->n, KB_VEC_TOP, &h);
	return 0;
}

struct shown {
	int64_t doc_id;
	int n;
};

/* Fuse the BM25 ranking (hits, reranked) with the cosine ranking (vt) and
 * collect the passages, at most KB_PER_DOC of a document (one of a case). */
static int fuse_collect(struct store *st, const struct kb_store_hit *hits, size_t nhits,
			const struct vtop *vt, struct collect *col, struct err *e)
{
	int64_t *bm = xcalloc(nhits + 1, sizeof(*bm));
	int64_t *vv = xcalloc(vt->n + 1, sizeof(*vv));
	const int64_t *lists[2] = {bm, vv};
	size_t lens[2] = {nhits, vt->n};
	const double w[2] = {1.0, 1.0};
	struct kb_fused *f = NULL;
	size_t nf = 0;
	struct shown *sh = xcalloc(nhits + vt->n + 1, sizeof(*sh));
	size_t nsh = 0;
	int rc = 0;

	for (size_t i = 0; i < nhits; i++)
		bm[i] = hits[i].chunk_id;
	for (size_t i = 0; i < vt->n; i++)
		vv[i] = vt->e[i].chunk_id;
	kb_rrf(lists, lens, w, 2, KB_RRF_K, &f, &nf);
	col->exact = false;
	for (size_t i = 0; i < nf && col->r->n < col->limit && rc == 0; i++) {
		int64_t doc = 0;
		bool art = false;
		size_t j;

		for (j = 0; j < nhits && hits[j].chunk_id != f[i].id; j++)
			;
		if (j < nhits) {
			doc = hits[j].doc_id;
			art = hits[j].article;
		} else {
			for (j = 0; j < vt->n && vt->e[j].chunk_id != f[i].id; j++)
				;
			doc = vt->e[j].doc_id;
			art = vt->e[j].article;
		}
		for (j = 0; j < nsh && sh[j].doc_id != doc; j++)
			;
		if (j == nsh)
			sh[nsh++].doc_id = doc;
		if (sh[j].n >= KB_PER_DOC || (sh[j].n > 0 && !art))
			continue;
		sh[j].n++;
		col->score = f[i].score;
		rc = kb_store_chunk_get(st, f[i].id, collect_chunk, col, e);
	}
	free(sh);
	free(f);
	free(bm);
	free(vv);
	return rc;
}

static int search_run(struct store *st, const char *query, const char *const *kbs, size_t nkbs,
		      size_t limit, const struct kb_qvec *qv, struct kb_results *out, bool *hybrid,
		      struct err *e)
{
	struct vtop *vt = NULL;
	bool use_vec = false;
	struct terms ts = {NULL, 0, 0};
	struct collect col;
	struct ustr q;
	struct kb_store_reader *rd = NULL;
	struct kb_store_hit *hits = NULL;
	size_t nhits = 0;
	struct cand *cands = NULL;
	size_t ncands = 0;
	struct docagg *agg = NULL;
	size_t nagg = 0;
	int64_t *ids = NULL;
	int64_t nchunks = 0;
	size_t qlen = strlen(query);
	int rc;

	memset(out, 0, sizeof(*out));
	if (hybrid != NULL)
		*hybrid = false;
	if (qlen > KB_QUERY_MAX)
		return err_set(e, BASE_E_LIMIT, "检索词超过 %d 字节", KB_QUERY_MAX);
	if (!text_utf8_valid(query, qlen, NULL))
		return err_set(e, BASE_E_FORMAT, "检索词不是有效的 UTF-8 文本");
	if (limit == 0 || limit > KB_LIMIT_MAX)
		return err_set(e, BASE_E_USAGE, "结果数须在 1–%d 之间", KB_LIMIT_MAX);
	rc = resolve_kbs(st, kbs, nkbs, &ids, e);
	if (rc != 0)
		return rc;
	rc = kb_store_reader_open(st, &rd, e);
	if (rc != 0) {
		free(ids);
		return rc;
	}
	ustr_init(&q);
	ustr_add_utf8(&q, query, qlen);
	for (size_t i = 0; i < q.len; i++) {
		q.p[i] = text_halfwidth(q.p[i]);
		if (q.p[i] >= 'A' && q.p[i] <= 'Z')
			q.p[i] += 32;
	}
	memset(&col, 0, sizeof(col));
	col.r = out;
	col.limit = limit;
	col.exact = true;
	col.score = 1000.0;
	query_terms(&q, &ts);
	rc = kb_store_chunk_count(st, &nchunks, e);
	if (rc == 0)
		rc = weigh_terms(rd, &ts, nchunks, e);
	col.ts = &ts;
	if (rc == 0)
		rc = exact_citations(st, &q, ids, nkbs, &col, e);
	if (rc == 0)
		rc = exact_docnum(st, query, ids, nkbs, &col, e);
	if (rc == 0 && ts.n > 0)
		rc = candidates(rd, &ts, match_df_cap(nchunks), &cands, &ncands, e);
	if (rc == 0 && ncands > 0)
		rc = load_hits(rd, cands, ncands, ids, nkbs, &hits, &nhits, e);
	if (rc == 0 && qv != NULL) {
		vt = xcalloc(1, sizeof(*vt));
		vt->qv = qv;
		vt->ids = ids;
		vt->nids = nkbs;
		if (qv->index != NULL)
			rc = kb_vindex_sync(qv->index, st, qv->model, qv->dim, e);
		if (rc == 0 && qv->index != NULL && kb_vindex_usable(qv->index))
			vt->n = kb_vindex_top(qv->index, qv->v, ids, nkbs, vt->e, KB_VEC_TOP,
					      &vt->seen);
		else if (rc == 0)
			rc = kbvec_store_scan(st, qv->model, qv->dim, vtop_cb, vt, e);
		use_vec = rc == 0 && vt->seen > 0;
	}
	if (hybrid != NULL)
		*hybrid = use_vec;
	if (rc == 0 && use_vec) {
		if (nhits > 0)
			rerank(hits, nhits, &ts, &agg, &nagg);
		rc = fuse_collect(st, hits, nhits, vt, &col, e);
	} else if (rc == 0 && nhits > 0) {
		rerank(hits, nhits, &ts, &agg, &nagg);
		col.exact = false;
		for (size_t i = 0; i < nhits && out->n < limit && rc == 0; i++) {
			struct docagg *a = agg_find(agg, nagg, hits[i].doc_id);

			/* An article-less document (a case, a notice) is one
			 * answer: show its best piece only. */
			if (a->shown >= KB_PER_DOC || (a->shown > 0 && !hits[i].article))
				continue;
			a->shown++;
			col.score = hits[i].score;
			rc = kb_store_chunk_get(st, hits[i].chunk_id, collect_chunk, &col, e);
		}
	}
	if (rc == 0 && out->n > 0) {
		/* Exact hits keep their place on top with a score above the rest. */
		double top = 0;

		for (size_t i = 0; i < out->n; i++) {
			if (!out->p[i].exact && out->p[i].score > top)
				top = out->p[i].score;
		}
		for (size_t i = 0; i < out->n; i++) {
			if (out->p[i].exact)
				out->p[i].score = top + 1.0;
		}
		out->answerable = out->p[0].exact || coverage(&out->p[0], &ts) >= KB_ANSWERABLE;
		if (use_vec && !out->answerable && nhits > 0) {
			/* Hybrid: judged on the best keyword passage, as without vectors. */
			struct kb_passage best;

			memset(&best, 0, sizeof(best));
			best.text = hits[0].text;
			best.title = hits[0].title;
			out->answerable = coverage(&best, &ts) >= KB_ANSWERABLE;
		}
	}
	free(vt);
	free(agg);
	kb_store_hits_free(hits, nhits);
	free(cands);
	free(ts.t);
	free(ids);
	kb_store_reader_close(rd);
	ustr_free(&q);
	if (rc != 0)
		kb_results_free(out);
	return rc;
}

int kb_search(struct store *st, const char *query, const char *const *kbs, size_t nkbs,
	      size_t limit, struct kb_results *out, struct err *e)
{
	return search_run(st, query, kbs, nkbs, limit, NULL, out, NULL, e);
}

int kb_search_hybrid(struct store *st, const char *query, const char *const *kbs, size_t nkbs,
		     size_t limit, const struct kb_qvec *qv, struct kb_results *out, bool *hybrid,
		     struct err *e)
{
	return search_run(st, query, kbs, nkbs, limit, qv, out, hybrid, e);
}

void kb_results_free(struct kb_results *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct kb_passage *p = &r->p[i];

		free(p->file);
		free(p->article);
		free(p->title);
		free(p->heading);
		free(p->validity);
		free(p->category);
		free(p->snippet);
		free(p->text);
		free(p->spans);
	}
	free(r->p);
	memset(r, 0, sizeof(*r));
}
