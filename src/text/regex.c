/* text/regex: cached PCRE2-32 patterns. See regex.h. */
#define PCRE2_CODE_UNIT_WIDTH 32
#include "text/regex.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "text/text.h"

struct text_re {
	const char *key;
	pcre2_code *code;
	struct text_re *next;
};

static struct text_re *cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
/* Match data per thread (32 groups is more than any pattern here uses). */
static __thread pcre2_match_data *tls_md;

static struct text_re *compile(const char *pattern)
{
	struct ustr u;
	int errcode;
	PCRE2_SIZE erroff;
	struct text_re *re = xcalloc(1, sizeof(*re));

	ustr_init(&u);
	ustr_add_cstr(&u, pattern);
	re->code =
	    pcre2_compile((PCRE2_SPTR)u.p, u.len, PCRE2_UTF | PCRE2_UCP, &errcode, &erroff, NULL);
	ustr_free(&u);
	if (re->code == NULL) {
		PCRE2_UCHAR msg[256];
		struct ustr m;
		char *s;

		pcre2_get_error_message(errcode, msg, 256);
		ustr_init(&m);
		for (size_t i = 0; i < 256 && msg[i]; i++)
			ustr_push(&m, msg[i]);
		s = ustr_to_utf8(&m, 0, m.len);
		fprintf(stderr, "shuzhi: bad regex \"%s\" at %zu: %s\n", pattern, (size_t)erroff,
			s);
		abort();
	}
	pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	re->key = pattern;
	return re;
}

struct text_re *text_re_get(const char *pattern)
{
	struct text_re *re;

	pthread_mutex_lock(&cache_lock);
	/* Callers pass literals: the pointer finds the entry without strcmp. */
	for (re = cache; re != NULL; re = re->next) {
		if (re->key == pattern)
			break;
	}
	for (struct text_re *x = cache; re == NULL && x != NULL; x = x->next) {
		if (strcmp(x->key, pattern) == 0)
			re = x;
	}
	if (re == NULL) {
		re = compile(pattern);
		re->next = cache;
		cache = re;
	}
	pthread_mutex_unlock(&cache_lock);
	return re;
}

bool text_re_search(struct text_re *re, const uint32_t *p, size_t n, size_t from, size_t *s,
		    size_t *e, long *groups, int ngroups)
{
	static const uint32_t empty[1] = {0};
	pcre2_match_data *md;
	PCRE2_SIZE *ov;
	int rc;

	if (from > n)
		return false;
	if (tls_md == NULL)
		tls_md = pcre2_match_data_create(32, NULL);
	md = tls_md;
	rc = pcre2_match(re->code, (PCRE2_SPTR)(p ? p : empty), n, from, PCRE2_NO_UTF_CHECK, md,
			 NULL);
	if (rc < 0)
		return false;
	ov = pcre2_get_ovector_pointer(md);
	*s = ov[0];
	*e = ov[1];
	for (int g = 0; groups != NULL && g < ngroups; g++) {
		uint32_t cnt = pcre2_get_ovector_count(md);

		if ((uint32_t)(g + 1) < cnt && ov[2 * (g + 1)] != PCRE2_UNSET) {
			groups[2 * g] = (long)ov[2 * (g + 1)];
			groups[2 * g + 1] = (long)ov[2 * (g + 1) + 1];
		} else {
			groups[2 * g] = -1;
			groups[2 * g + 1] = -1;
		}
	}
	return true;
}

bool text_re_has(const char *pattern, const uint32_t *p, size_t n)
{
	size_t s;
	size_t e;

	return text_re_search(text_re_get(pattern), p, n, 0, &s, &e, NULL, 0);
}

void text_re_cleanup(void)
{
	pthread_mutex_lock(&cache_lock);
	while (cache != NULL) {
		struct text_re *next = cache->next;

		pcre2_code_free(cache->code);
		free(cache);
		cache = next;
	}
	pthread_mutex_unlock(&cache_lock);
	pcre2_match_data_free(tls_md);
	tls_md = NULL;
}
