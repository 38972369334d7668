/*
 * kb/answer: the extractive answer shown when no model is configured or the
 * model is down — the sentence of each of the best passages that shares the
 * most query bigrams, in ranking order, each followed by its [n] citation.
 * Labelled as extractive by the caller; never invents text.
 */
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"
#include "text/text.h"
#include "text/tokenize.h"

#define ANSWER_PASSAGES 3

struct qgrams {
	char g[64][8];
	size_t n;
};

static int add_gram(void *arg, const char *tok, size_t len, size_t start, size_t end,
		    bool colocated)
{
	struct qgrams *q = arg;

	(void)start;
	(void)end;
	(void)colocated;
	if (q->n < 64 && len < sizeof(q->g[0])) {
		memcpy(q->g[q->n], tok, len);
		q->g[q->n][len] = '\0';
		q->n++;
	}
	return 0;
}

static bool sentence_end(uint32_t c)
{
	return c == 0x3002 || c == 0xFF1B || c == 0xFF01 || c == 0xFF1F || c == ';' || c == '\n' ||
	       c == '!' || c == '?';
}

/* The best sentence of text: [*start, *end) in code points of u. */
static double best_sentence(const struct ustr *u, const struct qgrams *q, size_t *bs, size_t *be)
{
	double best = 0;
	size_t s = 0;

	*bs = *be = 0;
	for (size_t i = 0; i <= u->len; i++) {
		char *sent;
		double hits = 0;

		if (i < u->len && !sentence_end(u->p[i]))
			continue;
		if (i > s) {
			sent = ustr_to_utf8(u, s, i < u->len ? i + 1 : i);
			for (size_t k = 0; k < q->n; k++)
				hits += strstr(sent, q->g[k]) != NULL ? 1.0 : 0.0;
			free(sent);
			if (hits > best) {
				best = hits;
				*bs = s;
				*be = i < u->len ? i + 1 : i;
			}
		}
		s = i + 1;
	}
	return best;
}

char *kb_extractive_answer(const char *query, const struct kb_results *r, size_t max_chars)
{
	struct qgrams q;
	struct buf out;
	size_t used = 0;

	memset(&q, 0, sizeof(q));
	text_tokenize(query, strlen(query), TEXT_TOK_QUERY, add_gram, &q);
	buf_init(&out, 64 * 1024);
	for (size_t i = 0; i < r->n && i < ANSWER_PASSAGES && used < max_chars; i++) {
		struct ustr u;
		size_t s;
		size_t e;

		ustr_init(&u);
		ustr_add_cstr(&u, r->p[i].text ? r->p[i].text : "");
		if (best_sentence(&u, &q, &s, &e) > 0) {
			size_t n = e - s;

			while (n > 0 && (u.p[s + n - 1] == '\n' || text_is_ws(u.p[s + n - 1])))
				n--;
			if (used + n > max_chars)
				n = max_chars - used;
			text_buf_add_ucs(&out, u.p + s, n);
			buf_addf(&out, "[%zu]", i + 1);
			used += n;
		}
		ustr_free(&u);
	}
	return buf_detach(&out, NULL);
}
