#include "test.h"
#include "text/text.h"

TEST(text_utf8_validation)
{
	size_t at = 0;

	ASSERT(text_utf8_valid("abc", 3, NULL));
	ASSERT(text_utf8_valid("公文", strlen("公文"), NULL));
	ASSERT(!text_utf8_valid("a\xC0\xAF", 3, &at)); /* overlong '/' */
	ASSERT_EQ(at, 1);
	ASSERT(!text_utf8_valid("\xED\xA0\x80", 3, NULL)); /* surrogate */
	ASSERT(!text_utf8_valid("\xE5\x85", 2, NULL));	   /* truncated */
	ASSERT(!text_utf8_valid("\xF5\x80\x80\x80", 4, NULL));
}

TEST(text_ustr_roundtrip_and_splice)
{
	struct ustr u;
	uint32_t rep[] = {0x3014};
	char *s;

	ustr_init(&u);
	ustr_add_cstr(&u, "示政发[2025]6号");
	ASSERT_EQ(u.len, 11);
	ustr_splice(&u, 3, 4, rep, 1);
	s = ustr_to_utf8(&u, 0, u.len);
	ASSERT_STR_EQ(s, "示政发〔2025]6号");
	free(s);
	ASSERT_EQ(text_ucs_find(u.p, u.len, 0, "]"), 8);
	ASSERT(text_ucs_has_suffix(u.p, u.len, "6号"));
	ASSERT(text_ucs_has_prefix(u.p, u.len, "示政"));
	ustr_free(&u);
}

TEST(text_chinese_numerals)
{
	struct ustr u;
	char out[32];

	ustr_init(&u);
	ustr_add_cstr(&u, "二十一");
	ASSERT_EQ(text_cn_number(u.p, u.len), 21);
	ustr_free(&u);
	ustr_add_cstr(&u, "十");
	ASSERT_EQ(text_cn_number(u.p, u.len), 10);
	ustr_free(&u);
	ustr_add_cstr(&u, "十三");
	ASSERT_EQ(text_cn_number(u.p, u.len), 13);
	ustr_free(&u);
	ustr_add_cstr(&u, "零");
	ASSERT_EQ(text_cn_number(u.p, u.len), -1);
	ustr_free(&u);
	text_cn_format(12, out, sizeof(out));
	ASSERT_STR_EQ(out, "十二");
	text_cn_format(30, out, sizeof(out));
	ASSERT_STR_EQ(out, "三十");
	ASSERT_EQ(text_halfwidth(0xFF15), '5');
	ASSERT(text_is_han(0x4E2D));
	ASSERT(!text_is_han('a'));
}
