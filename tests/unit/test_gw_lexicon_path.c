/*
 * The prefilters of gongwen/rules_lexicon against the rules run without
 * them: random 公文 (a title of a random 文种, a 主送 line and body lines
 * spliced from rule words, quotation marks, characters outside the BMP and
 * filler) checked by gw_rules_lexicon with gw_lexicon_path 0 (AVX2 stop
 * scan), 1 (the scalar stop scan) and 2 (every position looked up, every
 * context literal searched for) must give the same findings. A skip that
 * drops a position, a literal or a 的 follower shows up as a missing
 * finding.
 */
#include <stdint.h>

#include "gongwen/gongwen.h"
#include "gongwen/rules_common.h"
#include "test.h"

/* Pieces of the words the wording rules look for, with and without their
 * context, and the words their guards protect. */
static const char *const lx_pieces[] = {
    "截止2025年",
    "截止目前",
    "截止到",
    "必需遵守",
    "必需品",
    "必须品",
    "如实反应情况",
    "情况反应，",
    "做出决定",
    "做出了重要部署",
    "以至造成严重后果",
    "以至于",
    "渡过春节",
    "度过难关",
    "泄漏国家秘密",
    "泄露天然气",
    "实地考查",
    "考查干部",
    "起用新印章",
    "启用年轻干部",
    "就象一面镜子一样",
    "象征",
    "做的很好",
    "干的不够",
    "认真的落实了",
    "要认真的推进。",
    "有效的解决办法",
    "加强加强",
    "进一步进一步",
    "〔2024〕5号文《",
    "【2023】12号《",
    "的的",
    "了了",
    "在在",
    "实实在在",
    "为了了解",
    "按装",
    "布署",
    "座落",
    "部份",
    "签定",
    "报导",
    "上报导致",
    "再接再励",
    "入场卷",
    "震憾",
    "於",
    "們",
    "為",
    "與",
    "帐篷",
    "帐目",
    "日前，",
    "我局日前",
    "6月30日前",
    "请审批。",
    "请审批部门",
    "请予支持",
    "请予批准",
    "你们",
    "你局",
    "贵局",
    "贵单位",
    "每月5日前",
    "近日",
    "目前",
    "显著",
    "著名",
    "等着",
    "商请",
    "务必",
    "同时请示",
    "以下简称“市监局”",
    "市监局",
    "《办法》",
    "(以下简称《办法》)",
    /* a 的 before each follower of the 的 rules */
    "做的很好",
    "完成的非常到位",
    "干的十分出色，",
    "落实的特别扎实。",
    "办的比较好",
    "执行的较为到位",
    "推进的相当顺利",
    "贯彻的更加深入",
    "处理的最好",
    "开展的不够",
    "写的不到位",
    "认真的推进了",
    "切实的开展各",
    "积极的落实有关",
    "大力的加强这",
    "严格的执行此",
    "及时的解决该",
    "有效的完成好",
    "全面的实施上级",
    "深入的贯彻党",
    "持续的处理国家",
    "主动的整改其",
    "要扎实的抓好。",
    "应稳妥的推动",
    "并坚决的做好",
};

/* Single characters between the pieces: the first characters and
 * followers the prefilters test, marks, digits and characters outside
 * the BMP (U+20000 and U+2A6A5 are Han, U+1F600 is not). */
static const uint32_t lx_chars[] = {
    0x7684, 0x5F88, 0x975E, 0x5341, 0x7279, 0x6BD4,  0x8F83,  0x76F8,  0x66F4, 0x6700,
    0x4E0D, 0x63A8, 0x843D, 0x505A, 0x4EE5, 0x5EA6,  0x53CD,  0x8D77,  0x8C61, 0x622A,
    0x5FC5, 0x6CC4, 0x8003, 0x542F, 0x6E21, 0x4E2D,  0x56FD,  0x53D1,  0x5C55, 0x5DE5,
    0x4F5C, 0x662F, 0x5728, 0x4E86, 0x4E00, 0x4E8C,  0x53F7,  0x5E74,  0x300A, 0x300B,
    0x201C, 0x201D, 0x2018, 0x2019, 0x3008, 0x3009,  0x300C,  0x300D,  0x300E, 0x300F,
    0x3014, 0x3015, 0x3010, 0x3011, 0xFF0C, 0x3002,  0xFF1B,  0x3001,  0xFF1A, '2',
    '0',    '1',    '5',    'a',    ' ',    0x20000, 0x2A6A5, 0x1F600,
};

static const char *const lx_types[] = {"通知", "函",   "请示", "报告", "决定",
				       "批复", "通报", "意见", "纪要"};
/* 版头, last body line and signature: GW-TYPE-008 (a 处 or 科 issuing) and
 * GW-TYPE-010 (the closing formula) */
static const char *const lx_marks[] = {"", "示例市财政局预算处文件\n", "示例市人民政府文件\n",
				       "示例市教育局基建科\n"};
static const char *const lx_closings[] = {
    "",		  "特此报告。\n",    "特此通知。\n", "此复。\n", "特此函告！\n",
    "特此请示\n", "以上意见此复。\n"};
static const char *const lx_signers[] = {"示例市人民政府", "示例市财政局预算处",
					 "示例市教育局办公室", "示例市公安局治安科"};

static uint32_t lx_rand(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

/* A body line of about n characters. */
static void lx_line(struct ustr *u, size_t n, uint32_t *seed)
{
	size_t start = u->len;

	while (u->len - start < n) {
		if (lx_rand(seed) % 5 < 2)
			ustr_add_cstr(u, lx_pieces[lx_rand(seed) % ARRAY_LEN(lx_pieces)]);
		else
			ustr_push(u, lx_chars[lx_rand(seed) % ARRAY_LEN(lx_chars)]);
	}
	ustr_push(u, '\n');
}

static bool lx_same_finding(const struct gw_finding *a, const struct gw_finding *b)
{
	if (strcmp(a->rule, b->rule) != 0 || a->severity != b->severity || a->para != b->para ||
	    a->fix != b->fix || a->nedits != b->nedits)
		return false;
	if (strcmp(a->excerpt ? a->excerpt : "", b->excerpt ? b->excerpt : "") != 0 ||
	    strcmp(a->message ? a->message : "", b->message ? b->message : "") != 0 ||
	    strcmp(a->suggestion ? a->suggestion : "", b->suggestion ? b->suggestion : "") != 0)
		return false;
	for (size_t k = 0; k < a->nedits; k++) {
		const struct gw_edit *x = &a->edits[k];
		const struct gw_edit *y = &b->edits[k];

		if (x->start != y->start || x->end != y->end || x->nrep != y->nrep ||
		    memcmp(x->rep, y->rep, x->nrep * sizeof(uint32_t)) != 0)
			return false;
	}
	return true;
}

TEST(gw_lexicon_prefilters_match_reference)
{
	static const char *const counted[] = {"GW-LANG-001", "GW-LANG-002", "GW-LANG-003",
					      "GW-LANG-004", "GW-LANG-005", "GW-LANG-006",
					      "GW-TYPE-015", "GW-TYPE-011", "GW-TYPE-017",
					      "GW-TYPE-008", "GW-TYPE-010"};
	struct gw_profile prof;
	uint32_t seed = 20261130;
	size_t seen[ARRAY_LEN(counted)] = {0};
	size_t findings = 0;

	gw_profile_national(&prof);
	for (int round = 0; round < 1500; round++) {
		struct ustr u;
		char *utf8;
		struct gw_doc doc;
		struct err e = {0};
		struct gw_findings f[3];
		size_t lines = 1 + lx_rand(&seed) % 4;

		ustr_init(&u);
		ustr_add_cstr(&u, lx_marks[lx_rand(&seed) % ARRAY_LEN(lx_marks)]);
		ustr_add_cstr(&u, "示例市人民政府关于加强安全生产工作的");
		ustr_add_cstr(&u, lx_types[lx_rand(&seed) % ARRAY_LEN(lx_types)]);
		ustr_add_cstr(&u, "\n各区县人民政府：\n");
		for (size_t l = 0; l < lines; l++)
			lx_line(&u, 1 + lx_rand(&seed) % 200, &seed);
		ustr_add_cstr(&u, lx_closings[lx_rand(&seed) % ARRAY_LEN(lx_closings)]);
		ustr_add_cstr(&u, lx_signers[lx_rand(&seed) % ARRAY_LEN(lx_signers)]);
		ustr_add_cstr(&u, "\n2025年3月12日\n");
		utf8 = ustr_to_utf8(&u, 0, u.len);
		ASSERT_EQ(gw_doc_from_text("t.txt", utf8, strlen(utf8), &prof, &doc, &e), 0);
		for (int path = 0; path < 3; path++) {
			gw_findings_init(&f[path]);
			gw_lexicon_path = path;
			gw_rules_lexicon(&doc, &f[path]);
		}
		gw_lexicon_path = 0;
		for (int path = 0; path < 2; path++) {
			ASSERT_EQ(f[path].n, f[2].n);
			for (size_t k = 0; k < f[2].n; k++)
				ASSERT(lx_same_finding(&f[path].v[k], &f[2].v[k]));
		}
		findings += f[2].n;
		for (size_t k = 0; k < f[2].n; k++) {
			for (size_t c = 0; c < ARRAY_LEN(counted); c++)
				seen[c] += strcmp(f[2].v[k].rule, counted[c]) == 0;
		}
		for (int path = 0; path < 3; path++)
			gw_findings_free(&f[path]);
		gw_doc_free(&doc);
		free(utf8);
		ustr_free(&u);
	}
	/* the texts reach every kind of rule the prefilters guard */
	for (size_t c = 0; c < ARRAY_LEN(counted); c++) {
		if (seen[c] < 20)
			TEST_FAIL_AT("too few %s findings: %zu", counted[c], seen[c]);
	}
	ASSERT(findings > 5000);
}
