/* Reversible masking: placeholders, round trip, streaming restore at every split. */
#include "privacy/privacy.h"
#include "test.h"

static const char sample[] = "申请人：张三丰，身份证号44030419900307123X，电话13812345678。"
			     "张三丰先生再次来电，电话13812345678。联系人：李四。";

TEST(privacy_mask_placeholders_and_round_trip)
{
	struct privacy_map map = {0};
	struct err e = {0};
	char *masked = NULL;
	char *back;

	ASSERT_EQ(privacy_mask(sample, strlen(sample), &map, &masked, &e), 0);
	ASSERT(strstr(masked, "张三丰") == NULL);
	ASSERT(strstr(masked, "13812345678") == NULL);
	ASSERT(strstr(masked, "44030419900307123X") == NULL);
	ASSERT_CONTAINS(masked, "申请人：〔姓名1〕，身份证号〔身份证1〕，电话〔手机1〕");
	/* The same value gets the same placeholder, a new one the next number. */
	ASSERT_CONTAINS(masked, "〔姓名1〕先生再次来电，电话〔手机1〕");
	ASSERT_CONTAINS(masked, "联系人：〔姓名2〕");
	ASSERT_EQ(map.n, 4);
	back = privacy_unmask(masked, strlen(masked), &map);
	ASSERT_STR_EQ(back, sample);
	free(back);
	/* A model may rewrite the brackets; an unknown number stays as written. */
	back = privacy_unmask("[姓名1]和【手机1】，〔姓名9〕",
			      strlen("[姓名1]和【手机1】，〔姓名9〕"), &map);
	ASSERT_STR_EQ(back, "张三丰和13812345678，〔姓名9〕");
	free(back);
	free(masked);
	privacy_map_free(&map);
}

TEST(privacy_mask_does_not_reuse_placeholders_in_the_text)
{
	static const char text[] = "模板里写着〔姓名1〕。姓名：王小明";
	struct privacy_map map = {0};
	struct err e = {0};
	char *masked = NULL;
	char *back;

	ASSERT_EQ(privacy_mask(text, strlen(text), &map, &masked, &e), 0);
	ASSERT_CONTAINS(masked, "姓名：〔姓名2〕");
	back = privacy_unmask(masked, strlen(masked), &map);
	ASSERT_STR_EQ(back, text);
	free(back);
	free(masked);
	privacy_map_free(&map);
}

TEST(privacy_mask_rejects_bad_input)
{
	struct privacy_map map = {0};
	struct err e = {0};
	char *masked = NULL;

	ASSERT_EQ(privacy_mask("\xe5\x85", 2, &map, &masked, &e), BASE_E_FORMAT);
	ASSERT(masked == NULL);
	privacy_map_free(&map);
}

/* Feed answer split at a and b (bytes, even inside a character) and compare
 * with the one-shot result. */
static void stream_split(const char *answer, size_t a, size_t b, const struct privacy_map *map,
			 const char *want)
{
	struct privacy_unmasker um;
	struct buf out;
	size_t len = strlen(answer);

	buf_init(&out, 1 << 20);
	privacy_unmasker_init(&um, map);
	ASSERT_EQ(privacy_unmasker_feed(&um, answer, a, &out), 0);
	ASSERT_EQ(privacy_unmasker_feed(&um, answer + a, b - a, &out), 0);
	ASSERT_EQ(privacy_unmasker_feed(&um, answer + b, len - b, &out), 0);
	ASSERT_EQ(privacy_unmasker_finish(&um, &out), 0);
	if (strcmp(out.p ? out.p : "", want) != 0)
		TEST_FAIL_AT("split at %zu,%zu: \"%s\" != \"%s\"", a, b, out.p, want);
	privacy_unmasker_free(&um);
	buf_free(&out);
}

TEST(privacy_unmask_stream_every_split)
{
	struct privacy_map map = {0};
	struct err e = {0};
	char *masked = NULL;
	char *want;
	/* The model's answer: placeholders, a lookalike bracket and text. */
	static const char answer[] = "〔姓名1〕您好，已核实〔身份证1〕与【手机1】。[备注]〔姓名2";

	ASSERT_EQ(privacy_mask(sample, strlen(sample), &map, &masked, &e), 0);
	want = privacy_unmask(answer, strlen(answer), &map);
	ASSERT_STR_EQ(want, "张三丰您好，已核实44030419900307123X与13812345678。[备注]〔姓名2");
	for (size_t a = 0; a <= strlen(answer); a++) {
		for (size_t b = a; b <= strlen(answer); b++)
			stream_split(answer, a, b, &map, want);
	}
	free(want);
	free(masked);
	privacy_map_free(&map);
}
