/* text/diff: edit distance (code points, and the line fallback for long
 * texts) and the folded line diff. */
#include <string.h>

#include "base/base.h"
#include "test.h"
#include "text/diff.h"

TEST(diff_edit_distance_code_points)
{
	ASSERT_EQ(text_edit_distance("", ""), (size_t)0);
	ASSERT_EQ(text_edit_distance("通知", "通知"), (size_t)0);
	ASSERT_EQ(text_edit_distance("第二行", "第二行（改）"), (size_t)3);
	ASSERT_EQ(text_edit_distance("kitten", "sitting"), (size_t)3);
	ASSERT_EQ(text_edit_distance(NULL, "ab"), (size_t)2);
}

TEST(diff_edit_distance_long_text_by_lines)
{
	/* Over TEXT_DIFF_MAX_CP: the changed lines' lengths are counted. */
	size_t n = 1200, len = n * 20 + 1; /* 22,800 code points, 1,200 lines */
	char *a = xmalloc(len), *b = xmalloc(len);

	for (size_t i = 0; i < n; i++)
		memcpy(a + i * 20, "abcdefghijklmnopqrs\n", 21);
	memcpy(b, a, len);
	b[20 * 10] = 'x'; /* one line changed: 19 removed, 19 added */
	ASSERT_EQ(text_edit_distance(a, b), (size_t)38);
	free(a);
	free(b);
}

TEST(diff_line_diff_folds_unchanged_runs)
{
	json_t *d = text_line_diff("1\n2\n3\n4\n5\n6\n旧\n7", "1\n2\n3\n4\n5\n6\n新\n7");
	char *s = json_dumps(d, JSON_COMPACT);

	ASSERT_STR_EQ(s, "[{\"op\":\"=\",\"lines\":6},{\"op\":\"+\",\"line\":\"新\"},"
			 "{\"op\":\"-\",\"line\":\"旧\"},{\"op\":\" \",\"line\":\"7\"}]");
	free(s);
	json_decref(d);
}
