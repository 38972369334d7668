/* kb/cite: citation markers in a streamed model answer. */
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"
#include "test.h"

/* The text after the check, fed in pieces of `step` bytes (0: at once). */
static char *cite_run(const char *in, size_t max, size_t step, size_t *dropped)
{
	struct kb_cite c;
	struct buf out;
	size_t n = strlen(in);

	kb_cite_init(&c, max);
	buf_init(&out, 1 << 20);
	if (step == 0)
		step = n ? n : 1;
	for (size_t i = 0; i < n; i += step)
		kb_cite_feed(&c, in + i, n - i < step ? n - i : step, &out);
	kb_cite_finish(&c, &out);
	if (dropped)
		*dropped = c.dropped;
	return buf_detach(&out, NULL);
}

static void expect_cite(const char *in, size_t max, const char *want, size_t want_dropped)
{
	size_t n = strlen(in);

	for (size_t step = 0; step <= n + 1; step++) {
		size_t dropped = 0;
		char *got = cite_run(in, max, step, &dropped);

		if (strcmp(got, want) != 0 || dropped != want_dropped)
			TEST_FAIL_AT("in %s (pieces of %zu): got %s (%zu dropped), want %s (%zu)",
				     in, step, got, dropped, want, want_dropped);
		free(got);
	}
}

TEST(kb_cite_keeps_in_range_drops_others)
{
	expect_cite("根据规定[1]，当事人[2]应当依法办理[99]。", 2,
		    "根据规定[1]，当事人[2]应当依法办理。", 1);
	expect_cite("见[3][0]", 2, "见", 2);
	expect_cite("[1][2][3]", 3, "[1][2][3]", 0);
}

TEST(kb_cite_fullwidth_brackets_normalised)
{
	expect_cite("依照【1】办理【7】。", 5, "依照[1]办理。", 1);
	expect_cite("【注】不是引用", 5, "【注】不是引用", 0);
}

TEST(kb_cite_non_markers_pass_through)
{
	expect_cite("数组 a[i] 与 [1234] 与 [] 与 [[1]] 与 【】", 9,
		    "数组 a[i] 与 [1234] 与 [] 与 [[1]] 与 【】", 0);
	expect_cite("结尾未闭合[1", 5, "结尾未闭合[1", 0);
	expect_cite("结尾【", 5, "结尾【", 0);
	expect_cite("", 5, "", 0);
}
