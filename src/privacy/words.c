/* privacy/words: stored word lists -> matcher, and hit records. See words.h. */
#include <string.h>

#include "privacy/words.h"
#include "text/text.h"

struct load_ctx {
	struct privacy_ac *ac;
	struct err *e;
};

static int load_one(const struct store_word *w, void *arg)
{
	struct load_ctx *c = arg;

	return privacy_ac_add(c->ac, w->word, strlen(w->word), w->category, w->id, c->e);
}

int privacy_words_load(struct store *st, const char *list, struct privacy_ac **out, struct err *e)
{
	struct load_ctx c = {privacy_ac_new(), e};
	int rc;

	*out = NULL;
	rc = store_word_iter(st, list, load_one, &c, e);
	if (rc != 0) {
		privacy_ac_free(c.ac);
		return rc;
	}
	privacy_ac_build(c.ac);
	*out = c.ac;
	return 0;
}

/* Longest prefix of s of at most max bytes that ends on a character. */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

int privacy_words_record(struct store *st, const struct privacy_ac *ac,
			 const struct privacy_ac_match *m, const char *context, const char *actor,
			 const char *place, const char *direction, int64_t now, struct err *e)
{
	struct store_word_hit h = {0};
	char ctx[STORE_WORD_CONTEXT_MAX + 1];
	size_t n = utf8_cut(context ? context : "", STORE_WORD_CONTEXT_MAX);
	int64_t id;

	memcpy(ctx, context ? context : "", n);
	ctx[n] = '\0';
	h.ts = now;
	h.actor = actor;
	h.place = place;
	h.direction = direction;
	h.word = privacy_ac_word(ac, m->word, &h.category, &h.word_id);
	h.context = ctx;
	if (h.word == NULL)
		return err_set(e, BASE_E_INTERNAL, "匹配结果中的词序号无效");
	return store_word_hit_add(st, &h, &id, e);
}

static void trim(char **s)
{
	char *p = *s;
	size_t n = strlen(p);

	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	n = strlen(p);
	while (n > 0 &&
	       (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
		p[--n] = '\0';
	/* U+3000 ideographic spaces at either end. */
	while (strncmp(p, "\xE3\x80\x80", 3) == 0)
		p += 3;
	n = strlen(p);
	while (n >= 3 && strcmp(p + n - 3, "\xE3\x80\x80") == 0) {
		n -= 3;
		p[n] = '\0';
	}
	*s = p;
}

int privacy_words_parse_line(char *line, char **word, char **category)
{
	char *sep;
	size_t seplen = 1;

	*word = line;
	*category = NULL;
	trim(word);
	if (**word == '\0' || **word == '#')
		return 0;
	sep = strchr(*word, '\t');
	if (sep == NULL)
		sep = strchr(*word, ',');
	if (sep == NULL) {
		sep = strstr(*word, "\xEF\xBC\x8C"); /* ， */
		seplen = 3;
	}
	if (sep != NULL) {
		*sep = '\0';
		*category = sep + seplen;
		trim(category);
		trim(word);
		if (**category == '\0')
			*category = NULL;
	}
	return **word != '\0';
}
