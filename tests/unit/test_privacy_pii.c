/* PII detection: check digits, each type in and out of context, look-alikes. */
#include "privacy/privacy.h"
#include "test.h"

/* Scan UTF-8 text; return the spans rendered "type:text|type:text". */
static char *scan_str(const char *text)
{
	struct privacy_spans sp = {0};
	struct ustr u;
	struct buf b;

	ustr_init(&u);
	ustr_add_cstr(&u, text);
	privacy_pii_scan(u.p, u.len, &sp);
	buf_init(&b, 1 << 20);
	for (size_t i = 0; i < sp.n; i++) {
		char *v = ustr_to_utf8(&u, sp.v[i].start, sp.v[i].end);

		buf_addf(&b, "%s%s:%s", i ? "|" : "", privacy_pii_type_key(sp.v[i].type), v);
		free(v);
		if (i > 0)
			ASSERT(sp.v[i - 1].end <= sp.v[i].start); /* sorted, no overlap */
	}
	privacy_spans_free(&sp);
	ustr_free(&u);
	return buf_detach(&b, NULL);
}

#define ASSERT_SCAN(text, want)                                                                    \
	do {                                                                                       \
		char *got_ = scan_str(text);                                                       \
		ASSERT_STR_EQ(got_, want);                                                         \
		free(got_);                                                                        \
	} while (0)

TEST(privacy_check_digits)
{
	/* GB 11643-1999 example and synthetic numbers (scenarios.md §4.6). */
	ASSERT(privacy_id_valid("11010519491231002X", 18));
	ASSERT(privacy_id_valid("44030419900307123X", 18));
	ASSERT(privacy_id_valid("440304200002290049", 18)); /* 29 Feb 2000 */
	ASSERT(!privacy_id_valid("11010519491231002Y", 18));
	ASSERT(!privacy_id_valid("110105194912310021", 18)); /* wrong check */
	ASSERT(!privacy_id_valid("440304190002290040", 18)); /* 1900 not leap */
	ASSERT(!privacy_id_valid("99030419900307123X", 18)); /* no province 99 */
	/* GB 32100-2015 (+ GB 11714 organisation code). */
	ASSERT(privacy_uscc_valid("91440304MA5G2K3L7P", 18));
	ASSERT(privacy_uscc_valid("92440304MA5HABCD9D", 18));
	ASSERT(privacy_uscc_valid("52440304MJL123454Q", 18));
	ASSERT(privacy_uscc_valid("124403044557712315", 18));
	ASSERT(privacy_uscc_valid("91440300MA5F111123", 18));
	ASSERT(!privacy_uscc_valid("91350203M0001QAY9B", 18));
	ASSERT(!privacy_uscc_valid("91440304MA5G2K3L7Q", 18));
	ASSERT(!privacy_uscc_valid("91440304MA5G2K3I7P", 18)); /* I is not in the charset */
	/* Luhn. */
	ASSERT(privacy_luhn_valid("4111111111111111", 16));
	ASSERT(!privacy_luhn_valid("4111111111111112", 16));
	ASSERT(!privacy_luhn_valid("41111111x1111111", 16));
}

TEST(privacy_numbers_and_look_alikes)
{
	ASSERT_SCAN("身份证号：44030419900307123X。", "id_card:44030419900307123X");
	ASSERT_SCAN("公民身份号码：440304 19900307 123X", "id_card:440304 19900307 123X");
	ASSERT_SCAN("身份证号110105194912310021有误", ""); /* wrong check digit */
	ASSERT_SCAN("代码91440304MA5G2K3L7P，", "uscc:91440304MA5G2K3L7P");
	ASSERT_SCAN("代码91440304MA5G2K3L7Q，", "");
	ASSERT_SCAN("卡号：4111 1111 1111 1111", "bank_card:4111 1111 1111 1111");
	ASSERT_SCAN("卡号：4111111111111112", "");
	/* Luhn-valid but a year-first order number: not a card. */
	ASSERT_SCAN("订单号2025031057397554120", "");
	ASSERT_SCAN("文号深福政〔2025〕12号，金额126.5万元，2025年7月1日，热线12345。", "");
	ASSERT_SCAN("运单号193856205250", ""); /* 12 digits */
	ASSERT_SCAN("案号（2025）粤0304民特586号", "");
	ASSERT_SCAN("粤（2024）深圳市不动产权第4086991号", "");
}

TEST(privacy_phones_mail_plates_passports)
{
	ASSERT_SCAN("电话138 1234 5678、138-1234-5678",
		    "mobile:138 1234 5678|mobile:138-1234-5678");
	ASSERT_SCAN("联系电话：+86 18419205702", "mobile:+86 18419205702");
	ASSERT_SCAN("电话：１３７７３６８６７１０", "mobile:１３７７３６８６７１０");
	ASSERT_SCAN("电话0755-83456789或（021）62345678或010-6512 3456",
		    "landline:0755-83456789|landline:（021）62345678|landline:010-6512 3456");
	ASSERT_SCAN("座机：39554138", "landline:39554138");
	ASSERT_SCAN("共39554138人", ""); /* 8 digits without a phone label */
	ASSERT_SCAN("邮箱zhang.san@example.com。", "email:zhang.san@example.com");
	ASSERT_SCAN("粤B12345、粤BD12345、粤B12345D、桂A·43351",
		    "plate:粤B12345|plate:粤BD12345|plate:粤B12345D|plate:桂A·43351");
	ASSERT_SCAN("护照号E12345678，EA1234567，G12345678",
		    "passport:E12345678|passport:EA1234567|passport:G12345678");
	ASSERT_SCAN("快递单号YT0588528868981", "");
}

TEST(privacy_names_in_context)
{
	ASSERT_SCAN("姓名：叶军\n", "name:叶军");
	ASSERT_SCAN("送达人：王小明、李华。", "name:王小明|name:李华");
	ASSERT_SCAN("申请人（签名）：陈小红", "name:陈小红");
	ASSERT_SCAN("姓名：慕容军怡\n", "name:慕容军怡");
	ASSERT_SCAN("崔然同志主持会议，廖秀伟同志参加。由崔然同志牵头。",
		    "name:崔然|name:廖秀伟|name:崔然");
	ASSERT_SCAN("市民侯欣女士来电；经办人苏涛先生；车主董涛晨先生",
		    "name:侯欣|name:苏涛|name:董涛晨");
	ASSERT_SCAN("王五、赵六同志参加。", "name:王五|name:赵六");
	ASSERT_SCAN("经核实，申请人黄丽华（女）。来电人张伟反映噪音。", "name:黄丽华|name:张伟");
	ASSERT_SCAN("申请人应当在期限内提交，来电人反映噪音。", "");
	/* Surname only, organisations and generic references are not names. */
	ASSERT_SCAN("联系人：张先生。刘老先生来电。", "");
	ASSERT_SCAN("王先生来电咨询。", "");
	ASSERT_SCAN("经街道主要负责同志签字，全体同志参加。", "");
	ASSERT_SCAN("被告：无锡市新吴区鑫源食品有限公司", "");
}

TEST(privacy_addresses)
{
	ASSERT_SCAN("住址：山东省临沂市罗庄区盛庄街道人民大街254号华府名苑22栋1单元1002室\n",
		    "address:山东省临沂市罗庄区盛庄街道人民大街254号华府名苑22栋1单元1002室");
	ASSERT_SCAN("家住河东区芝麻墩街道沂河路44号金地大厦B座2016。",
		    "address:河东区芝麻墩街道沂河路44号金地大厦B座2016");
	ASSERT_SCAN("其租住的深圳市宝安区松岗街道付庄社区北1巷5号房东拒不退还押金",
		    "address:深圳市宝安区松岗街道付庄社区北1巷5号");
	/* Roads, intersections and organisations without a number. */
	ASSERT_SCAN("在红荔路与华富路交叉口", "");
	ASSERT_SCAN("深圳市福田区住房和建设局", "");
	ASSERT_SCAN("乘坐福田区地铁2号线", "");
	ASSERT_SCAN("住所：北京市朝阳区建国路88号院3号楼2单元501室。",
		    "address:北京市朝阳区建国路88号院3号楼2单元501室");
}

TEST(privacy_text_load_limits)
{
	struct ustr u;
	struct err e = {0};
	char *big;

	ASSERT_EQ(privacy_text_load("a\xff", 2, "标准输入", &u, &e), BASE_E_FORMAT);
	ASSERT_CONTAINS(e.msg, "UTF-8");
	ustr_free(&u);
	err_clear(&e);
	ASSERT_EQ(privacy_text_load("a\0b", 3, "x", &u, &e), BASE_E_FORMAT);
	ustr_free(&u);
	err_clear(&e);
	big = calloc(1, PRIVACY_INPUT_MAX + 1);
	memset(big, 'a', PRIVACY_INPUT_MAX + 1);
	ASSERT_EQ(privacy_text_load(big, PRIVACY_INPUT_MAX + 1, "x", &u, &e), BASE_E_LIMIT);
	ustr_free(&u);
	free(big);
}
