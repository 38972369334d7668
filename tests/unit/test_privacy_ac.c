/* Aho-Corasick matcher: overlaps, folding, streaming at every split; word store. */
#include "db_fixture.h"
#include "privacy/ac.h"
#include "privacy/words.h"
#include "text/text.h"
#include "test.h"

struct collect {
	char s[4096];
	size_t len;
	const struct privacy_ac *ac;
};

static int collect_cb(const struct privacy_ac_match *m, void *arg)
{
	struct collect *c = arg;
	const char *cat = NULL;
	const char *w = privacy_ac_word(c->ac, m->word, &cat, NULL);
	int n = snprintf(c->s + c->len, sizeof(c->s) - c->len, "%zu-%zu:%s/%s;", m->start, m->end,
			 w, cat);

	if (n > 0 && (size_t)n < sizeof(c->s) - c->len)
		c->len += (size_t)n;
	return 0;
}

static struct privacy_ac *make_ac(void)
{
	static const char *const words[][2] = {
	    {"he", "a"},	  {"she", "a"},	    {"his", "b"},
	    {"hers", "b"},	  {"赌博", "违法"}, {"博彩", "违法"},
	    {"代开发票", "广告"}, {"fuck", "辱骂"}, {"𠀋", "生僻"}};
	struct privacy_ac *ac = privacy_ac_new();
	struct err e = {0};

	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		ASSERT_EQ(privacy_ac_add(ac, words[i][0], strlen(words[i][0]), words[i][1],
					 (int64_t)i + 1, &e),
			  0);
	privacy_ac_build(ac);
	return ac;
}

static void scan_utf8(const struct privacy_ac *ac, const char *text, struct collect *c)
{
	struct ustr u;

	memset(c, 0, sizeof(*c));
	c->ac = ac;
	ustr_init(&u);
	ustr_add_cstr(&u, text);
	ASSERT_EQ(privacy_ac_scan(ac, u.p, u.len, collect_cb, c), 0);
	ustr_free(&u);
}

TEST(privacy_ac_overlaps_and_folding)
{
	struct privacy_ac *ac = make_ac();
	struct collect c;

	scan_utf8(ac, "ushers", &c);
	ASSERT_STR_EQ(c.s, "1-4:she/a;2-4:he/a;2-6:hers/b;");
	scan_utf8(ac, "去赌博彩票，ＦＵＣＫ，代开发票𠀋", &c);
	ASSERT_STR_EQ(
	    c.s, "1-3:赌博/违法;2-4:博彩/违法;6-10:fuck/辱骂;11-15:代开发票/广告;15-16:𠀋/生僻;");
	scan_utf8(ac, "没有问题的文本", &c);
	ASSERT_STR_EQ(c.s, "");
	privacy_ac_free(ac);
}

TEST(privacy_ac_rejects_bad_words)
{
	struct privacy_ac *ac = privacy_ac_new();
	struct err e = {0};
	char longw[PRIVACY_AC_WORD_LEN_MAX + 2];

	ASSERT_EQ(privacy_ac_add(ac, "", 0, "x", 0, &e), BASE_E_FORMAT);
	err_clear(&e);
	ASSERT_EQ(privacy_ac_add(ac, "\xff", 1, "x", 0, &e), BASE_E_FORMAT);
	err_clear(&e);
	memset(longw, 'a', sizeof(longw) - 1);
	longw[sizeof(longw) - 1] = '\0';
	ASSERT_EQ(privacy_ac_add(ac, longw, strlen(longw), "x", 0, &e), BASE_E_LIMIT);
	privacy_ac_free(ac);
}

static void stream_collect(const struct privacy_ac *ac, const char *text, size_t a, size_t b,
			   struct collect *c)
{
	struct privacy_ac_stream st;
	size_t len = strlen(text);

	memset(c, 0, sizeof(*c));
	c->ac = ac;
	privacy_ac_stream_init(&st, ac);
	ASSERT_EQ(privacy_ac_stream_feed(&st, text, a, collect_cb, c), 0);
	ASSERT_EQ(privacy_ac_stream_feed(&st, text + a, b - a, collect_cb, c), 0);
	ASSERT_EQ(privacy_ac_stream_feed(&st, text + b, len - b, collect_cb, c), 0);
	ASSERT_EQ(privacy_ac_stream_finish(&st, collect_cb, c), 0);
}

/* Every pair of split points (bytes, so also inside UTF-8 characters) gives
 * exactly the matches of the whole text. */
TEST(privacy_ac_stream_every_split)
{
	static const char text[] = "ushers说要去赌博彩票，ＦＵＣＫ代开发票𠀋!";
	struct privacy_ac *ac = make_ac();
	struct collect whole;
	struct collect part;
	size_t len = strlen(text);

	scan_utf8(ac, text, &whole);
	ASSERT(whole.len > 0);
	for (size_t a = 0; a <= len; a++) {
		for (size_t b = a; b <= len; b++) {
			stream_collect(ac, text, a, b, &part);
			if (strcmp(part.s, whole.s) != 0)
				TEST_FAIL_AT("split %zu,%zu: %s != %s", a, b, part.s, whole.s);
		}
	}
	privacy_ac_free(ac);
}

struct ctx_probe {
	struct privacy_ac_stream *st;
	char ctx[256];
	size_t pending;
};

static int ctx_cb(const struct privacy_ac_match *m, void *arg)
{
	struct ctx_probe *p = arg;

	privacy_ac_stream_context(p->st, m, 2, p->ctx, sizeof(p->ctx));
	return 0;
}

TEST(privacy_ac_stream_context_and_pending)
{
	struct privacy_ac *ac = make_ac();
	struct privacy_ac_stream st;
	struct ctx_probe p = {&st, "", 0};

	privacy_ac_stream_init(&st, ac);
	ASSERT_EQ(privacy_ac_stream_feed(&st, "他说要代开", strlen("他说要代开"), ctx_cb, &p), 0);
	/* "代开" may still become 代开发票: hold two code points back. */
	ASSERT_EQ(privacy_ac_stream_pending(&st), 2);
	ASSERT_EQ(privacy_ac_stream_feed(&st, "发票", strlen("发票"), ctx_cb, &p), 0);
	ASSERT_STR_EQ(p.ctx, "说要代开发票"); /* two before the match */
	privacy_ac_free(ac);
}

TEST(privacy_words_store_and_record)
{
	struct db_fixture f;
	struct privacy_ac *ac = NULL;
	struct err e = {0};
	struct collect c;
	struct privacy_ac_match m;
	int64_t id = 0;
	size_t count = 0;
	char line[] = "  代开发票\t广告 \r";
	char *w;
	char *cat;

	db_fixture_open(&f);
	ASSERT_EQ(store_word_add(f.st, "通用", "赌博", "违法", "cli:t", f.now, &id, &e), 0);
	ASSERT_EQ(store_word_add(f.st, "通用", "赌博", "违法", "cli:t", f.now, &id, &e),
		  BASE_E_CONFLICT);
	err_clear(&e);
	ASSERT_EQ(store_word_add(f.st, "通用", "", "违法", "cli:t", f.now, &id, &e), BASE_E_FORMAT);
	err_clear(&e);
	ASSERT_EQ(privacy_words_parse_line(line, &w, &cat), 1);
	ASSERT_STR_EQ(w, "代开发票");
	ASSERT_STR_EQ(cat, "广告");
	ASSERT_EQ(store_word_add(f.st, "广告", w, cat, "cli:t", f.now, &id, &e), 0);
	ASSERT_EQ(privacy_words_load(f.st, NULL, &ac, &e), 0);
	ASSERT_EQ(privacy_ac_count(ac), 2);
	scan_utf8(ac, "想赌博和代开发票", &c);
	ASSERT_STR_EQ(c.s, "1-3:赌博/违法;4-8:代开发票/广告;");
	m = (struct privacy_ac_match){1, 3, 0};
	for (size_t i = 0; i < privacy_ac_count(ac); i++) {
		if (strcmp(privacy_ac_word(ac, i, NULL, NULL), "赌博") == 0)
			m.word = i;
	}
	ASSERT_EQ(privacy_words_record(f.st, ac, &m, "想赌博和", "user:zhang", "chat:1", "input",
				       f.now, &e),
		  0);
	ASSERT_EQ(
	    privacy_words_record(f.st, ac, &m, "x", "user:zhang", "chat:1", "sideways", f.now, &e),
	    BASE_E_FORMAT);
	err_clear(&e);
	/* Deleting the word keeps the hit (word_id becomes NULL). */
	ASSERT_EQ(store_word_remove(f.st, NULL, "赌博", &count, &e), 0);
	ASSERT_EQ(count, 1);
	ASSERT_EQ(store_word_remove(f.st, NULL, "赌博", &count, &e), BASE_E_NOTFOUND);
	privacy_ac_free(ac);
	store_close(f.st);
	f.st = NULL;
	{
		struct store *st;

		ASSERT_EQ(store_open(f.path, 0, &st, &e), 0);
		f.st = st;
	}
	db_fixture_close(&f);
}
