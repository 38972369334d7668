/*
 * privacy/ac: Aho-Corasick automaton over code points (see ac.h).
 *
 * Nodes live in one array (root = 0); edges are found through one
 * open-addressing hash table keyed by (node, code point), so memory is
 * proportional to the number of characters of all words whatever the
 * alphabet (Chinese has tens of thousands of characters).
 */
#include <stdlib.h>
#include <string.h>

#include "privacy/ac.h"
#include "text/text.h"

#define NONE	 UINT32_MAX
#define KEY_FREE UINT64_MAX

struct ac_node {
	uint32_t fail;
	uint32_t dict; /* next node on the failure chain that ends a word, 0: none */
	int32_t word;  /* first word ending here, -1: none */
	uint32_t depth;
	uint32_t first_child;
	uint32_t next_sibling;
	uint32_t cp;
};

struct ac_word {
	char *text;
	char *category;
	int64_t tag;
	int32_t next_same; /* another word with the same folded text */
};

struct privacy_ac {
	struct ac_node *nodes;
	size_t nn;
	size_t ncap;
	struct ac_word *words;
	size_t nw;
	size_t wcap;
	uint64_t *keys;
	uint32_t *vals;
	size_t hcap; /* power of two */
	size_t hn;
	size_t longest;
	bool built;
};

static uint32_t fold(uint32_t c)
{
	c = text_halfwidth(c);
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	return c;
}

static uint64_t edge_key(uint32_t node, uint32_t cp)
{
	return ((uint64_t)node << 21) | cp;
}

static size_t hash_slot(const struct privacy_ac *ac, uint64_t key)
{
	/* Fibonacci hashing of the 64-bit key. */
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (ac->hcap - 1);
}

static uint32_t edge_get(const struct privacy_ac *ac, uint32_t node, uint32_t cp)
{
	uint64_t key = edge_key(node, cp);
	size_t i = hash_slot(ac, key);

	while (ac->keys[i] != KEY_FREE) {
		if (ac->keys[i] == key)
			return ac->vals[i];
		i = (i + 1) & (ac->hcap - 1);
	}
	return NONE;
}

static void edge_put_raw(struct privacy_ac *ac, uint64_t key, uint32_t val)
{
	size_t i = hash_slot(ac, key);

	while (ac->keys[i] != KEY_FREE)
		i = (i + 1) & (ac->hcap - 1);
	ac->keys[i] = key;
	ac->vals[i] = val;
	ac->hn++;
}

static void hash_resize(struct privacy_ac *ac, size_t cap)
{
	uint64_t *old_keys = ac->keys;
	uint32_t *old_vals = ac->vals;
	size_t old_cap = ac->hcap;

	ac->keys = xmalloc(cap * sizeof(uint64_t));
	ac->vals = xmalloc(cap * sizeof(uint32_t));
	memset(ac->keys, 0xff, cap * sizeof(uint64_t));
	ac->hcap = cap;
	ac->hn = 0;
	for (size_t i = 0; i < old_cap; i++) {
		if (old_keys[i] != KEY_FREE)
			edge_put_raw(ac, old_keys[i], old_vals[i]);
	}
	free(old_keys);
	free(old_vals);
}

static uint32_t node_new(struct privacy_ac *ac, uint32_t cp, uint32_t depth)
{
	struct ac_node *n;

	ac->nodes = xgrow(ac->nodes, &ac->ncap, ac->nn + 1, sizeof(*ac->nodes));
	n = &ac->nodes[ac->nn];
	memset(n, 0, sizeof(*n));
	n->word = -1;
	n->first_child = NONE;
	n->next_sibling = NONE;
	n->cp = cp;
	n->depth = depth;
	return (uint32_t)ac->nn++;
}

struct privacy_ac *privacy_ac_new(void)
{
	struct privacy_ac *ac = xcalloc(1, sizeof(*ac));

	node_new(ac, 0, 0);
	hash_resize(ac, 64);
	return ac;
}

void privacy_ac_free(struct privacy_ac *ac)
{
	if (ac == NULL)
		return;
	for (size_t i = 0; i < ac->nw; i++) {
		free(ac->words[i].text);
		free(ac->words[i].category);
	}
	free(ac->words);
	free(ac->nodes);
	free(ac->keys);
	free(ac->vals);
	free(ac);
}

int privacy_ac_add(struct privacy_ac *ac, const char *word, size_t len, const char *category,
		   int64_t tag, struct err *e)
{
	struct ustr u;
	uint32_t node = 0;
	struct ac_word *w;

	if (ac->built)
		return err_set(e, BASE_E_INTERNAL, "词表已建立索引，不能再添加");
	if (ac->nw >= PRIVACY_AC_WORDS_MAX)
		return err_set(e, BASE_E_LIMIT, "敏感词超过 %d 个上限", PRIVACY_AC_WORDS_MAX);
	if (!text_utf8_valid(word, len, NULL))
		return err_set(e, BASE_E_FORMAT, "敏感词不是有效的 UTF-8");
	ustr_init(&u);
	ustr_add_utf8(&u, word, len);
	if (u.len == 0 || u.len > PRIVACY_AC_WORD_LEN_MAX) {
		bool empty = u.len == 0;

		ustr_free(&u);
		if (empty)
			return err_set(e, BASE_E_FORMAT, "敏感词为空");
		return err_set(e, BASE_E_LIMIT, "敏感词超过 %d 个字符", PRIVACY_AC_WORD_LEN_MAX);
	}
	for (size_t i = 0; i < u.len; i++) {
		uint32_t c = fold(u.p[i]);
		uint32_t next = edge_get(ac, node, c);

		if (next == NONE) {
			next = node_new(ac, c, (uint32_t)i + 1);
			ac->nodes[next].next_sibling = ac->nodes[node].first_child;
			ac->nodes[node].first_child = next;
			if (2 * (ac->hn + 1) > ac->hcap)
				hash_resize(ac, ac->hcap * 2);
			edge_put_raw(ac, edge_key(node, c), next);
		}
		node = next;
	}
	if (u.len > ac->longest)
		ac->longest = u.len;
	ustr_free(&u);
	ac->words = xgrow(ac->words, &ac->wcap, ac->nw + 1, sizeof(*ac->words));
	w = &ac->words[ac->nw];
	w->text = xstrndup(word, len);
	w->category = xstrdup(category ? category : "");
	w->tag = tag;
	w->next_same = ac->nodes[node].word;
	ac->nodes[node].word = (int32_t)ac->nw;
	ac->nw++;
	return 0;
}

/* Breadth-first: a node's failure link is the longest proper suffix of its
 * path that is also a path from the root. */
void privacy_ac_build(struct privacy_ac *ac)
{
	uint32_t *queue = xmalloc(ac->nn * sizeof(uint32_t));
	size_t head = 0;
	size_t tail = 0;

	for (uint32_t c = ac->nodes[0].first_child; c != NONE; c = ac->nodes[c].next_sibling) {
		ac->nodes[c].fail = 0;
		ac->nodes[c].dict = 0;
		queue[tail++] = c;
	}
	while (head < tail) {
		uint32_t u = queue[head++];

		for (uint32_t v = ac->nodes[u].first_child; v != NONE;
		     v = ac->nodes[v].next_sibling) {
			uint32_t f = ac->nodes[u].fail;
			uint32_t cp = ac->nodes[v].cp;
			uint32_t to;

			while ((to = edge_get(ac, f, cp)) == NONE && f != 0)
				f = ac->nodes[f].fail;
			ac->nodes[v].fail = to == NONE ? 0 : to;
			f = ac->nodes[v].fail;
			ac->nodes[v].dict = ac->nodes[f].word >= 0 ? f : ac->nodes[f].dict;
			queue[tail++] = v;
		}
	}
	free(queue);
	ac->built = true;
}

size_t privacy_ac_count(const struct privacy_ac *ac)
{
	return ac->nw;
}

const char *privacy_ac_word(const struct privacy_ac *ac, size_t word, const char **category,
			    int64_t *tag)
{
	if (word >= ac->nw)
		return NULL;
	if (category != NULL)
		*category = ac->words[word].category;
	if (tag != NULL)
		*tag = ac->words[word].tag;
	return ac->words[word].text;
}

static uint32_t step(const struct privacy_ac *ac, uint32_t state, uint32_t c)
{
	for (;;) {
		uint32_t next = edge_get(ac, state, c);

		if (next != NONE)
			return next;
		if (state == 0)
			return 0;
		state = ac->nodes[state].fail;
	}
}

/* Report the words ending at state after the code point at offset pos. */
static int report(const struct privacy_ac *ac, uint32_t state, size_t pos, privacy_ac_cb cb,
		  void *arg)
{
	uint32_t t = ac->nodes[state].word >= 0 ? state : ac->nodes[state].dict;

	for (; t != 0; t = ac->nodes[t].dict) {
		for (int32_t w = ac->nodes[t].word; w >= 0; w = ac->words[w].next_same) {
			struct privacy_ac_match m = {pos + 1 - ac->nodes[t].depth, pos + 1,
						     (size_t)w};
			int rc = cb(&m, arg);

			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

int privacy_ac_scan(const struct privacy_ac *ac, const uint32_t *p, size_t n, privacy_ac_cb cb,
		    void *arg)
{
	uint32_t state = 0;

	if (!ac->built || ac->nw == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		state = step(ac, state, fold(p[i]));
		if (state != 0) {
			int rc = report(ac, state, i, cb, arg);

			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

void privacy_ac_stream_init(struct privacy_ac_stream *s, const struct privacy_ac *ac)
{
	memset(s, 0, sizeof(*s));
	s->ac = ac;
}

static int stream_cp(struct privacy_ac_stream *s, uint32_t cp, privacy_ac_cb cb, void *arg)
{
	const struct privacy_ac *ac = s->ac;
	size_t pos = s->offset++;

	s->recent[pos % ARRAY_LEN(s->recent)] = cp;
	if (!ac->built || ac->nw == 0)
		return 0;
	s->state = step(ac, s->state, fold(cp));
	return s->state != 0 ? report(ac, s->state, pos, cb, arg) : 0;
}

static size_t utf8_need(unsigned char b)
{
	if (b >= 0xC2 && b <= 0xDF)
		return 2;
	if (b >= 0xE0 && b <= 0xEF)
		return 3;
	if (b >= 0xF0 && b <= 0xF4)
		return 4;
	return 0;
}

/* One byte through the UTF-8 decoder; the same bytes give the same code
 * points however they are chunked. */
static int stream_byte(struct privacy_ac_stream *s, unsigned char b, privacy_ac_cb cb, void *arg)
{
	int rc;

	if (s->npartial > 0) {
		size_t need = utf8_need(s->partial[0]);
		uint32_t cp;

		if ((b & 0xC0) == 0x80) {
			s->partial[s->npartial++] = b;
			if (s->npartial < need)
				return 0;
			s->npartial = 0;
			if (text_utf8_decode((const char *)s->partial, need, &cp) != need)
				cp = 0xFFFD;
			return stream_cp(s, cp, cb, arg);
		}
		s->npartial = 0;
		rc = stream_cp(s, 0xFFFD, cb, arg);
		if (rc != 0)
			return rc;
	}
	if (b < 0x80)
		return stream_cp(s, b, cb, arg);
	if (utf8_need(b) == 0)
		return stream_cp(s, 0xFFFD, cb, arg);
	s->partial[0] = b;
	s->npartial = 1;
	return 0;
}

int privacy_ac_stream_feed(struct privacy_ac_stream *s, const char *bytes, size_t len,
			   privacy_ac_cb cb, void *arg)
{
	for (size_t i = 0; i < len; i++) {
		int rc = stream_byte(s, (unsigned char)bytes[i], cb, arg);

		if (rc != 0)
			return rc;
	}
	return 0;
}

int privacy_ac_stream_finish(struct privacy_ac_stream *s, privacy_ac_cb cb, void *arg)
{
	if (s->npartial == 0)
		return 0;
	s->npartial = 0;
	return stream_cp(s, 0xFFFD, cb, arg);
}

size_t privacy_ac_stream_pending(const struct privacy_ac_stream *s)
{
	return s->ac->built && s->state != 0 ? s->ac->nodes[s->state].depth : 0;
}

void privacy_ac_stream_context(const struct privacy_ac_stream *s, const struct privacy_ac_match *m,
			       size_t before, char *out, size_t cap)
{
	size_t ring = ARRAY_LEN(s->recent);
	size_t from = m->start > before ? m->start - before : 0;
	size_t k = 0;

	if (cap == 0)
		return;
	if (s->offset > ring && from < s->offset - ring)
		from = s->offset - ring;
	for (size_t i = from; i < m->end && i < s->offset; i++) {
		char enc[4];
		size_t l = text_utf8_encode(s->recent[i % ring], enc);

		if (k + l + 1 > cap)
			break;
		memcpy(out + k, enc, l);
		k += l;
	}
	out[k] = '\0';
}
