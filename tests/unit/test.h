/*
 * Minimal unit-test framework (libuv test/task.h style).
 *
 * TEST(name) { ... } registers a test at load time. The runner forks every
 * test, so a crash or a sanitizer abort fails only that test, and kills it
 * after a timeout. ASSERT_* print both sides and the location, then exit the
 * child with status 1.
 */
#ifndef SHUZHI_TEST_H
#define SHUZHI_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*test_fn)(void);
void test_register(const char *name, const char *file, test_fn fn);

#define TEST(name)                                                                                 \
	static void test_##name(void);                                                             \
	__attribute__((constructor)) static void test_register_##name(void)                        \
	{                                                                                          \
		test_register(#name, __FILE__, test_##name);                                       \
	}                                                                                          \
	static void test_##name(void)

#define TEST_FAIL_AT(...)                                                                          \
	do {                                                                                       \
		fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);                                  \
		fprintf(stderr, __VA_ARGS__);                                                      \
		fputc('\n', stderr);                                                               \
		exit(1);                                                                           \
	} while (0)

#define ASSERT(cond)                                                                               \
	do {                                                                                       \
		if (!(cond))                                                                       \
			TEST_FAIL_AT("assertion failed: %s", #cond);                               \
	} while (0)

#define ASSERT_EQ(a, b)                                                                            \
	do {                                                                                       \
		intmax_t a_ = (intmax_t)(a), b_ = (intmax_t)(b);                                   \
		if (a_ != b_)                                                                      \
			TEST_FAIL_AT("%s == %s: %jd != %jd", #a, #b, a_, b_);                      \
	} while (0)

#define ASSERT_NE(a, b)                                                                            \
	do {                                                                                       \
		intmax_t a_ = (intmax_t)(a), b_ = (intmax_t)(b);                                   \
		if (a_ == b_)                                                                      \
			TEST_FAIL_AT("%s != %s: both %jd", #a, #b, a_);                            \
	} while (0)

#define ASSERT_STR_EQ(a, b)                                                                        \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)                               \
			TEST_FAIL_AT("%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)",     \
				     b_ ? b_ : "(null)");                                          \
	} while (0)

#define ASSERT_CONTAINS(hay, needle)                                                               \
	do {                                                                                       \
		const char *h_ = (hay), *n_ = (needle);                                            \
		if (h_ == NULL || strstr(h_, n_) == NULL)                                          \
			TEST_FAIL_AT("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", n_);    \
	} while (0)

/* Path of the repository's test data and of the shared corpus. */
const char *test_data_dir(void);
const char *test_shared_dir(void);
/* Call fn with the path of every .docx of the shared gongwen-dev set, in
 * directory order. Returns how many; -1 (and a "skipped" line) when the
 * set is not there. */
long test_each_dev_docx(void (*fn)(const char *path, void *arg), void *arg);

#endif
