/* text/regex: cached PCRE2-32 patterns. See regex.h. */
#define PCRE2_CODE_UNIT_WIDTH 32
#include "text/regex.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "text/text.h"

/* Built-in patterns are JIT-compiled only once they have been used
 * RE_JIT_AFTER times: a JIT compile costs about as much as a few hundred
 * interpreted matches, and a one-document CLI check uses most patterns a
 * handful of times (JIT-compiling all of them was a fifth of its
 * instructions). Interpreter and JIT give the same matches. The JIT copy
 * replaces the code pointer atomically; the interpreted code may still be
 * in use by another thread, so it is kept until the entry is freed.
 * Patterns from outside input are JIT-compiled at once, as before: their
 * match limits count differently in the two engines. */
#define RE_JIT_AFTER 200

struct text_re {
	const char *key;
	pcre2_code *_Atomic code;
	pcre2_code *interp; /* the code before its JIT copy replaced it */
	atomic_uint work;   /* characters matched against so far (capped) */
	struct text_re *next;
	bool limited; /* pattern from outside input: bounded matching */
};

static struct text_re *cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
/* Index of the cache by the caller's pattern pointer (callers pass string
 * literals): open addressing, power-of-two size, at most half full. */
struct re_slot {
	const char *ptr;
	struct text_re *re;
};
static struct re_slot *by_ptr;
static size_t by_ptr_cap;
static size_t by_ptr_n;
/* Match data per thread (32 groups is more than any pattern here uses). */
static __thread pcre2_match_data *tls_md;
/* Match limits for patterns from outside input (catastrophic backtracking). */
static __thread pcre2_match_context *tls_mc;

/* Compile a UTF-8 pattern; on failure NULL and PCRE2's reason in msg. */
static pcre2_code *compile_code(const char *pattern, bool jit, char *msg, size_t msgsz,
				size_t *erroff)
{
	struct ustr u;
	int errcode;
	PCRE2_SIZE off = 0;
	pcre2_code *code;

	ustr_init(&u);
	ustr_add_cstr(&u, pattern);
	code = pcre2_compile((PCRE2_SPTR)u.p, u.len, PCRE2_UTF | PCRE2_UCP, &errcode, &off, NULL);
	ustr_free(&u);
	*erroff = (size_t)off;
	if (code == NULL) {
		PCRE2_UCHAR m[256];
		struct ustr mu;
		char *s;

		pcre2_get_error_message(errcode, m, 256);
		ustr_init(&mu);
		for (size_t i = 0; i < 256 && m[i]; i++)
			ustr_push(&mu, m[i]);
		s = ustr_to_utf8(&mu, 0, mu.len);
		snprintf(msg, msgsz, "%s", s);
		free(s);
		ustr_free(&mu);
		return NULL;
	}
	if (jit)
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	return code;
}

static struct text_re *compile(const char *pattern)
{
	struct text_re *re = xcalloc(1, sizeof(*re));
	char msg[256];
	size_t off;

	pcre2_code *code = compile_code(pattern, false, msg, sizeof(msg), &off);

	if (code == NULL) {
		fprintf(stderr, "shuzhi: bad regex \"%s\" at %zu: %s\n", pattern, off, msg);
		abort();
	}
	atomic_init(&re->code, code);
	re->key = pattern;
	return re;
}

struct text_re *text_re_compile(const char *pattern, bool whole, char *msg, size_t msgsz)
{
	struct text_re *re;
	pcre2_code *code;
	char why[256];
	size_t off;

	if (strlen(pattern) > TEXT_RE_MAX_PATTERN) {
		snprintf(msg, msgsz, "正则表达式过长（超过 %d 字节）", TEXT_RE_MAX_PATTERN);
		return NULL;
	}
	code = compile_code(pattern, true, why, sizeof(why), &off);
	if (code == NULL) {
		snprintf(msg, msgsz, "正则表达式无法编译（位置 %zu）：%s", off, why);
		return NULL;
	}
	if (whole) {
		/* the pattern is valid on its own; now anchor it at both ends */
		size_t n = strlen(pattern) + 16;
		char *w = xmalloc(n);
		pcre2_code_free(code);
		snprintf(w, n, "^(?:%s)\\z", pattern);
		code = compile_code(w, true, why, sizeof(why), &off);
		free(w);
		if (code == NULL) {
			snprintf(msg, msgsz, "正则表达式无法编译：%s", why);
			return NULL;
		}
	}
	re = xcalloc(1, sizeof(*re));
	atomic_init(&re->code, code);
	atomic_init(&re->work, RE_JIT_AFTER); /* already JIT-compiled */
	re->limited = true;
	return re;
}

static void re_free_codes(struct text_re *re)
{
	pcre2_code_free(atomic_load(&re->code));
	pcre2_code_free(re->interp);
}

void text_re_free(struct text_re *re)
{
	if (re == NULL)
		return;
	re_free_codes(re);
	free(re);
}

/* The code to match with. Each match adds the length of the text it may
 * scan to re->work; the caller whose addition crosses RE_JIT_AFTER makes
 * the JIT copy and publishes it. */
static pcre2_code *re_code(struct text_re *re, size_t len)
{
	pcre2_code *code = atomic_load_explicit(&re->code, memory_order_acquire);
	unsigned add = len < RE_JIT_AFTER ? (unsigned)len + 1 : RE_JIT_AFTER;
	unsigned n;

	if (atomic_load_explicit(&re->work, memory_order_relaxed) >= RE_JIT_AFTER)
		return code;
	n = atomic_fetch_add_explicit(&re->work, add, memory_order_relaxed);
	if (n < RE_JIT_AFTER && n + add >= RE_JIT_AFTER) {
		pcre2_code *jit = pcre2_code_copy(code);

		if (jit != NULL && pcre2_jit_compile(jit, PCRE2_JIT_COMPLETE) == 0) {
			re->interp = code;
			atomic_store_explicit(&re->code, jit, memory_order_release);
			code = jit;
		} else {
			pcre2_code_free(jit); /* no JIT here: interpret, as before */
		}
	}
	return code;
}

static size_t ptr_hash(const char *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15u;

	return (size_t)(h >> 32);
}

static void by_ptr_put(const char *ptr, struct text_re *re)
{
	size_t i;

	if (2 * (by_ptr_n + 1) > by_ptr_cap) {
		struct re_slot *old = by_ptr;
		size_t oldcap = by_ptr_cap;

		by_ptr_cap = oldcap ? 2 * oldcap : 256;
		by_ptr = xcalloc(by_ptr_cap, sizeof(*by_ptr));
		by_ptr_n = 0;
		for (size_t k = 0; k < oldcap; k++) {
			if (old[k].ptr != NULL)
				by_ptr_put(old[k].ptr, old[k].re);
		}
		free(old);
	}
	i = ptr_hash(ptr) & (by_ptr_cap - 1);
	while (by_ptr[i].ptr != NULL && by_ptr[i].ptr != ptr)
		i = (i + 1) & (by_ptr_cap - 1);
	if (by_ptr[i].ptr == NULL)
		by_ptr_n++;
	by_ptr[i].ptr = ptr;
	by_ptr[i].re = re;
}

static struct text_re *by_ptr_get(const char *ptr)
{
	if (by_ptr_cap == 0)
		return NULL;
	for (size_t i = ptr_hash(ptr) & (by_ptr_cap - 1); by_ptr[i].ptr != NULL;
	     i = (i + 1) & (by_ptr_cap - 1)) {
		if (by_ptr[i].ptr == ptr)
			return by_ptr[i].re;
	}
	return NULL;
}

struct text_re *text_re_get(const char *pattern)
{
	struct text_re *re;

	pthread_mutex_lock(&cache_lock);
	/* Callers pass literals: the pointer finds the entry without strcmp. */
	re = by_ptr_get(pattern);
	if (re != NULL) {
		pthread_mutex_unlock(&cache_lock);
		return re;
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
	/* Only literals stay put: a pattern built at run time (e.g. on the
	 * stack) may reuse an address later, so it is found by text. */
	if (re->key == pattern)
		by_ptr_put(pattern, re);
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
	if (re->limited && tls_mc == NULL) {
		tls_mc = pcre2_match_context_create(NULL);
		pcre2_set_match_limit(tls_mc, 200000);
		pcre2_set_depth_limit(tls_mc, 2000);
	}
	rc = pcre2_match(re_code(re, n - from), (PCRE2_SPTR)(p ? p : empty), n, from,
			 PCRE2_NO_UTF_CHECK, md, re->limited ? tls_mc : NULL);
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

bool text_re_jitted(struct text_re *re)
{
	size_t size = 0;

	return pcre2_pattern_info(atomic_load(&re->code), PCRE2_INFO_JITSIZE, &size) == 0 &&
	       size > 0;
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

		re_free_codes(cache);
		free(cache);
		cache = next;
	}
	free(by_ptr);
	by_ptr = NULL;
	by_ptr_cap = 0;
	by_ptr_n = 0;
	pthread_mutex_unlock(&cache_lock);
	pcre2_match_data_free(tls_md);
	tls_md = NULL;
	pcre2_match_context_free(tls_mc);
	tls_mc = NULL;
}
