/*
 * gongwen/rules_lexicon: wording rules of a 公文 (gongwen-rules.md §3.11
 * GW-TYPE, §3.14 GW-LANG).
 *
 * Word lists are one static table scanned with a first-character index
 * (binary search on the first code point, longest entry first), so a
 * paragraph costs one pass whatever the table size. Context rules that need
 * more than a neighbour-character guard are PCRE2 patterns (a few dozen,
 * compiled once by text_re_get), each run only on paragraphs where the
 * same pass saw its literal. The pass looks at a character only where the
 * per-character flags (lex_first_tab, read eight at a time with AVX2)
 * say a key or a literal may start.
 *
 * Precision over recall: every table entry is either a non-word or carries
 * guards (characters that may not precede / follow it) for the legitimate
 * words it can straddle ("上报导致" is not 报导, "实实在在" is not a
 * duplicated 在). Only prose paragraphs are read (标题, 主送, 正文, 层次标题,
 * 附件说明, 附注), and text inside 《》 and quotation marks is never reported
 * by the wording rules: quoted names and titles must stay as they are.
 */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define LEX_AVX2 1
#endif

#include "gongwen/rules_common.h"

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING
#define I GW_SEV_INFO

/* gw_doc_types indices used below. */
enum {
	DT_JUEYI,
	DT_JUEDING,
	DT_MINGLING,
	DT_GONGBAO,
	DT_GONGGAO,
	DT_TONGGAO,
	DT_YIJIAN,
	DT_TONGZHI,
	DT_TONGBAO,
	DT_BAOGAO,
	DT_QINGSHI,
	DT_PIFU,
	DT_YIAN,
	DT_HAN,
	DT_JIYAO
};

/* --- the word table ------------------------------------------------------ */

enum lex_class {
	LX_TYPO,      /* GW-LANG-001 错别字 */
	LX_STYLE,     /* GW-LANG-002 公文用字 */
	LX_CONTEXT,   /* GW-LANG-003 易混词 (fixed context) */
	LX_VARIANT,   /* GW-LANG-006 繁体字/异体字 */
	LX_EMPTY,     /* GW-LANG-008 空泛表述 */
	LX_REQUEST,   /* GW-TYPE-002 请示事项 in a non-请示 */
	LX_ADDR_DOWN, /* GW-TYPE-011 你X outside 下行文 */
	LX_ADDR_RESP, /* GW-TYPE-011 贵X in 下行文 */
	LX_COMMAND,   /* GW-TYPE-012 指令语气 in 函 */
	LX_RELTIME,   /* GW-TYPE-017 相对时间 */
	LX_NCLASS
};

struct lex_class_info {
	const char *rule;
	int sev;
	int fix;
	const char *prefix; /* message: prefix + items + suffix */
	const char *suffix;
	bool arrow; /* items are "wrong"→"right" */
};

static const struct lex_class_info lex_classes[LX_NCLASS] = {
    [LX_TYPO] = {"GW-LANG-001", E, GW_FIX_AUTO, "错别字：", "", true},
    [LX_STYLE] = {"GW-LANG-002", W, GW_FIX_AUTO, "公文用字不规范：", "", true},
    [LX_CONTEXT] = {"GW-LANG-003", W, GW_FIX_SUGGEST, "易混词：", "（请结合语境确认）", true},
    [LX_VARIANT] = {"GW-LANG-006", W, GW_FIX_AUTO, "繁体字或异体字：", "", true},
    [LX_EMPTY] = {"GW-LANG-008", I, GW_FIX_MANUAL, "空泛表述：",
		  "。宜写明具体措施、责任和时限，或予精简", false},
    [LX_REQUEST] = {"GW-TYPE-002", E, GW_FIX_MANUAL, "非请示性公文不得夹带请示事项：",
		    "。请求批准的事项应另行请示（条例第十五条）", false},
    [LX_ADDR_DOWN] = {"GW-TYPE-011", W, GW_FIX_SUGGEST, "称谓不当：",
		      "只用于下行文，平行文用“贵…”，上行文直称机关名称", false},
    [LX_ADDR_RESP] = {"GW-TYPE-011", W, GW_FIX_SUGGEST, "称谓不当：",
		      "是平行文敬称，下行文应称“你…”或机关名称", false},
    [LX_COMMAND] = {"GW-TYPE-012", I, GW_FIX_SUGGEST, "函是平行文，不宜用指令性语气：",
		    "，宜改为商洽语气（如“请予支持”“请研究函复”）", false},
    [LX_RELTIME] = {"GW-TYPE-017", I, GW_FIX_MANUAL, "相对时间：",
		    "。公文宜写明具体日期，以免时过境迁后产生歧义", false},
};

/* LEXF_END: the next character may not be a Han character (the phrase ends
 * a clause: "请审批。" but not "请审批部门"). */
#define LEXF_END 1u
/* LEXF_UPWARD: only in 上行文 ("现送你们征求意见" is the usual formula of a
 * 征求意见函). */
#define LEXF_UPWARD 2u
/* LEXF_AFTER_ORGAN: only at the start of a clause or after an organ or a
 * pronoun ("日前，市政府印发…", "我局日前收到…"); "选举日前", "之日前",
 * "6月30日前" are deadlines. */
#define LEXF_AFTER_ORGAN 4u
#define ORGAN_END	 "局委府厅部办院会市县区省司处队组们我"
/* LEXF_REPORT: only in a 报告 ("请予支持" is a courtesy in a 通知). */
#define LEXF_REPORT 8u

struct lex_entry {
	unsigned char cls;
	unsigned char flags;
	const char *wrong;
	const char *right;	/* NULL for the classes that only report */
	const char *not_before; /* characters that may not precede the match */
	const char *not_after;	/* characters that may not follow it */
};

#define LEX(...)                                                                                   \
	{                                                                                          \
		__VA_ARGS__                                                                        \
	}
#define T(w, r)		    LEX(LX_TYPO, 0, w, r, NULL, NULL)
#define TG(w, r, nb, na)    LEX(LX_TYPO, 0, w, r, nb, na)
#define S(w, r)		    LEX(LX_STYLE, 0, w, r, NULL, NULL)
#define SG(w, r, nb, na)    LEX(LX_STYLE, 0, w, r, nb, na)
#define C(w, r, nb, na)	    LEX(LX_CONTEXT, 0, w, r, nb, na)
#define V(w, r)		    LEX(LX_VARIANT, 0, w, r, NULL, NULL)
#define VG(w, r, nb, na)    LEX(LX_VARIANT, 0, w, r, nb, na)
#define R(c, w)		    LEX(c, 0, w, NULL, NULL, NULL)
#define RG(c, w, nb, na, f) LEX(c, f, w, NULL, nb, na)

/* Characters of the literary works and the words that end in 著 (著作,
 * 显著, 名著 …): 著 after them is not the particle 着. */
#define ZHU_WORD_BEFORE "显卓昭名编土巨专原论合遗拙译新著"
#define ZHU_WORD_AFTER	"名作称述录书者"
/* 帐 words of 帐篷/帐幕 stay (only the money sense is 账). */
#define ZHANG_AFTER "篷幕幔钩子顶"
#define DIGITS_CN   "0123456789０１２３４５６７８９〇零一二三四五六七八九十百千两几数多"

static const struct lex_entry lex_table[] = {
    /* GW-LANG-001: the catalog list (gongwen-rules.md §3.14) ... */
    TG("按装", "安装", NULL, "机修备载卸饰配车箱订运置船入货"),
    TG("布署", "部署", "公颁发宣散遍分摆密开遵", NULL),
    T("贯切", "贯彻"),
    TG("座落", "坐落", NULL, "成地后实"),
    TG("部份", "部分", NULL, "额"),
    TG("签定", "签订", NULL, "点期额向金价稿位"),
    TG("报导", "报道", NULL, "致向师游航体线弹则"),
    T("分岐", "分歧"),
    TG("消毁", "销毁", "取抵撤", NULL),
    T("再接再励", "再接再厉"),
    T("按步就班", "按部就班"),
    T("一如继往", "一如既往"),
    T("迫不急待", "迫不及待"),
    T("默守成规", "墨守成规"),
    T("既往不究", "既往不咎"),
    T("穿流不息", "川流不息"),
    T("出谋画策", "出谋划策"),
    T("励行节约", "厉行节约"),
    T("急待解决", "亟待解决"),
    TG("必竟", "毕竟", NULL, "然"),
    TG("凑和", "凑合", "拼紧杂西", NULL),
    T("精减机构", "精简机构"),
    TG("松驰", "松弛", NULL, "骋名援"),
    /* ... and common non-words of the 公文 proofreading lists. */
    T("甘败下风", "甘拜下风"),
    T("自抱自弃", "自暴自弃"),
    T("针贬时弊", "针砭时弊"),
    T("一愁莫展", "一筹莫展"),
    T("震憾", "震撼"),
    T("脉膊", "脉搏"),
    T("谈笑风声", "谈笑风生"),
    T("世外桃园", "世外桃源"),
    T("走头无路", "走投无路"),
    T("人情事故", "人情世故"),
    T("涣然一新", "焕然一新"),
    T("不径而走", "不胫而走"),
    T("一股作气", "一鼓作气"),
    T("委屈求全", "委曲求全"),
    T("金榜提名", "金榜题名"),
    T("出奇不意", "出其不意"),
    T("食不裹腹", "食不果腹"),
    T("美仑美奂", "美轮美奂"),
    T("变本加利", "变本加厉"),
    T("直接了当", "直截了当"),
    T("哀声叹气", "唉声叹气"),
    T("心心相映", "心心相印"),
    T("貌和神离", "貌合神离"),
    T("天翻地复", "天翻地覆"),
    T("言简意骇", "言简意赅"),
    T("坚苦卓绝", "艰苦卓绝"),
    T("破斧沉舟", "破釜沉舟"),
    T("鬼计多端", "诡计多端"),
    T("蛛丝蚂迹", "蛛丝马迹"),
    T("好高鹜远", "好高骛远"),
    T("声名雀起", "声名鹊起"),
    T("入场卷", "入场券"),
    TG("优惠卷", "优惠券", NULL, "烟"),
    T("国库卷", "国库券"),
    TG("决择", "抉择", "判表裁否", NULL),
    T("眩耀", "炫耀"),
    TG("幅射", "辐射", "一两几画", NULL),
    T("辐员", "幅员"),
    TG("气慨", "气概", "生怒", "叹然"),
    T("渲泄", "宣泄"),
    T("寒喧", "寒暄"),
    TG("迁徒", "迁徙", NULL, "步手劳刑"),
    T("膺品", "赝品"),
    T("蜇伏", "蛰伏"),
    TG("编篡", "编纂", NULL, "改夺位权"),
    T("璀灿", "璀璨"),
    T("荟粹", "荟萃"),
    TG("防碍", "妨碍", "消预国边海布设严联人民提堤城空", NULL),
    T("急燥", "急躁"),
    T("暴燥", "暴躁"),
    T("烦燥", "烦躁"),
    TG("陷井", "陷阱", "塌沉凹下", "盖口下道壁筒喷"),
    T("国藉", "国籍"),
    T("书藉", "书籍"),
    TG("坐阵", "坐镇", "静围", "地营容线"),
    T("装璜", "装潢"),
    T("装祯", "装帧"),
    T("脉胳", "脉络"),
    T("讫今", "迄今"),
    TG("宏扬", "弘扬", "恢", NULL),
    T("膨涨", "膨胀"),
    T("追朔", "追溯"),
    T("侯车室", "候车室"),
    T("以身做则", "以身作则"),
    T("各抒已见", "各抒己见"),
    T("迫不得己", "迫不得已"),
    T("蜂涌而至", "蜂拥而至"),
    T("一泄千里", "一泻千里"),
    T("循私舞弊", "徇私舞弊"),
    T("循私枉法", "徇私枉法"),
    T("贪脏枉法", "贪赃枉法"),
    T("鞠躬尽粹", "鞠躬尽瘁"),
    T("以逸代劳", "以逸待劳"),
    T("有持无恐", "有恃无恐"),
    T("趋之若骛", "趋之若鹜"),
    T("沤心沥血", "呕心沥血"),
    T("一张一驰", "一张一弛"),
    T("竞竞业业", "兢兢业业"),
    T("娇揉造作", "矫揉造作"),
    T("出类拔粹", "出类拔萃"),
    T("因地治宜", "因地制宜"),
    T("相辅相承", "相辅相成"),
    T("不可思意", "不可思议"),
    T("绿草如荫", "绿草如茵"),
    T("事过景迁", "事过境迁"),
    T("入不付出", "入不敷出"),
    T("名列前矛", "名列前茅"),
    T("再所难免", "在所难免"),
    T("再所不惜", "在所不惜"),
    T("黄梁美梦", "黄粱美梦"),
    T("不落巢臼", "不落窠臼"),
    T("自立更生", "自力更生"),
    T("暇不掩瑜", "瑕不掩瑜"),
    T("草管人命", "草菅人命"),
    T("滥芋充数", "滥竽充数"),
    T("披星带月", "披星戴月"),
    T("仗义直言", "仗义执言"),
    T("穷兵渎武", "穷兵黩武"),
    T("歪风斜气", "歪风邪气"),
    T("严惩不待", "严惩不贷"),
    T("一视同人", "一视同仁"),
    T("振聋发馈", "振聋发聩"),
    T("震聋发聩", "振聋发聩"),
    T("直言不诲", "直言不讳"),
    T("精兵减政", "精兵简政"),
    T("毛骨耸然", "毛骨悚然"),
    T("心弛神往", "心驰神往"),
    T("饮鸠止渴", "饮鸩止渴"),
    T("情不自尽", "情不自禁"),
    T("相形见拙", "相形见绌"),
    T("一劳永益", "一劳永逸"),
    T("心无旁鹜", "心无旁骛"),
    T("格尽职守", "恪尽职守"),
    T("烩炙人口", "脍炙人口"),
    T("事必恭亲", "事必躬亲"),
    T("闻名暇迩", "闻名遐迩"),
    T("凤毛鳞角", "凤毛麟角"),
    T("通货膨涨", "通货膨胀"),
    T("顶力相助", "鼎力相助"),
    T("情有独衷", "情有独钟"),
    T("关怀倍至", "关怀备至"),
    T("重蹈复辙", "重蹈覆辙"),
    T("拾金不寐", "拾金不昧"),
    T("大相经庭", "大相径庭"),
    T("旁证博引", "旁征博引"),
    T("励兵秣马", "厉兵秣马"),
    T("厉精图治", "励精图治"),
    T("不言而愈", "不言而喻"),
    T("竭泽而鱼", "竭泽而渔"),
    T("按耐不住", "按捺不住"),
    T("调以轻心", "掉以轻心"),
    T("渊远流长", "源远流长"),
    T("成绩蜚然", "成绩斐然"),
    T("抑扬顿错", "抑扬顿挫"),
    T("粗制烂造", "粗制滥造"),
    T("沧海一栗", "沧海一粟"),
    T("招聘启示", "招聘启事"),
    T("既日起", "即日起"),

    /* GW-LANG-002: house style (psknlr lexicon `wording`, 第一批异形词整理表). */
    SG("其它", "其他", "尤极", "们"),
    SG("交待", "交代", "提移递转上呈送缴结社", "遇审办处批议查核签收发续补定"),
    S("通讯畅通", "通信畅通"),
    SG("藉此", "借此", "狼慰枕", NULL),
    S("想像", "想象"),
    SG("成份", "成分", NULL, "额"),
    S("拚搏", "拼搏"),
    S("拚命", "拼命"),
    SG("帐户", "账户", NULL, ZHANG_AFTER),
    SG("帐号", "账号", NULL, ZHANG_AFTER),
    SG("帐目", "账目", NULL, ZHANG_AFTER),
    SG("帐务", "账务", NULL, ZHANG_AFTER),
    SG("帐款", "账款", NULL, ZHANG_AFTER),
    SG("帐本", "账本", NULL, ZHANG_AFTER),
    SG("帐簿", "账簿", NULL, ZHANG_AFTER),
    SG("帐册", "账册", NULL, ZHANG_AFTER),
    SG("帐面", "账面", NULL, ZHANG_AFTER),
    SG("记帐", "记账", NULL, ZHANG_AFTER),
    SG("对帐", "对账", NULL, ZHANG_AFTER),
    SG("查帐", "查账", NULL, ZHANG_AFTER),
    SG("报帐", "报账", NULL, ZHANG_AFTER),
    SG("转帐", "转账", NULL, ZHANG_AFTER),
    SG("结帐", "结账", NULL, ZHANG_AFTER),
    SG("挂帐", "挂账", NULL, ZHANG_AFTER),
    SG("台帐", "台账", "舞平讲", ZHANG_AFTER),
    SG("算帐", "算账", NULL, ZHANG_AFTER),
    SG("入帐", "入账", NULL, ZHANG_AFTER),
    SG("销帐", "销账", NULL, ZHANG_AFTER),
    SG("做帐", "做账", NULL, ZHANG_AFTER),
    SG("赖帐", "赖账", NULL, ZHANG_AFTER),
    SG("欠帐", "欠账", NULL, ZHANG_AFTER),

    /* GW-LANG-003 with a fixed context (the others are in ctx_rules). */
    C("截止至", "截至", NULL, NULL),
    C("所必须的", "所必需的", NULL, NULL),
    C("需知", "须知", "所急必亟无不", "识晓道悉会"),

    /* GW-LANG-006: characters of traditional script (never simplified
     * forms), and 著 where it is the particle 着. */
    V("於", "于"),
    V("裡", "里"),
    V("裏", "里"),
    V("們", "们"),
    V("這", "这"),
    V("個", "个"),
    V("為", "为"),
    V("與", "与"),
    V("會", "会"),
    V("發", "发"),
    V("國", "国"),
    V("說", "说"),
    V("對", "对"),
    V("來", "来"),
    V("時", "时"),
    V("關", "关"),
    V("進", "进"),
    V("經", "经"),
    V("實", "实"),
    V("機", "机"),
    V("產", "产"),
    V("業", "业"),
    V("現", "现"),
    V("開", "开"),
    V("問", "问"),
    V("題", "题"),
    V("還", "还"),
    V("見", "见"),
    V("門", "门"),
    V("間", "间"),
    V("東", "东"),
    V("當", "当"),
    V("體", "体"),
    V("點", "点"),
    V("學", "学"),
    V("從", "从"),
    V("萬", "万"),
    V("號", "号"),
    V("區", "区"),
    V("縣", "县"),
    V("書", "书"),
    V("員", "员"),
    V("務", "务"),
    V("報", "报"),
    V("處", "处"),
    V("應", "应"),
    V("該", "该"),
    V("將", "将"),
    V("並", "并"),
    V("後", "后"),
    V("議", "议"),
    V("設", "设"),
    V("計", "计"),
    V("歷", "历"),
    V("傳", "传"),
    V("總", "总"),
    V("辦", "办"),
    V("認", "认"),
    V("識", "识"),
    V("標", "标"),
    V("準", "准"),
    V("導", "导"),
    V("領", "领"),
    V("組", "组"),
    V("織", "织"),
    V("級", "级"),
    V("規", "规"),
    V("劃", "划"),
    V("項", "项"),
    V("資", "资"),
    V("費", "费"),
    V("環", "环"),
    V("衛", "卫"),
    V("廣", "广"),
    V("黨", "党"),
    V("屬", "属"),
    V("權", "权"),
    V("條", "条"),
    V("週", "周"),
    V("佈", "布"),
    V("彙", "汇"),
    V("纔", "才"),
    V("瞭解", "了解"),
    VG("随著", "随着", NULL, ZHU_WORD_AFTER),
    VG("沿著", "沿着", NULL, ZHU_WORD_AFTER),
    VG("本著", "本着", "日剧", ZHU_WORD_AFTER),
    VG("意味著", "意味着", NULL, ZHU_WORD_AFTER),
    VG("接著", "接着", NULL, ZHU_WORD_AFTER),
    VG("顺著", "顺着", NULL, ZHU_WORD_AFTER),
    VG("朝著", "朝着", NULL, ZHU_WORD_AFTER),
    VG("向著", "向着", "方", ZHU_WORD_AFTER),
    VG("看著", "看着", NULL, ZHU_WORD_AFTER),
    VG("带著", "带着", NULL, ZHU_WORD_AFTER),
    VG("怀著", "怀着", NULL, ZHU_WORD_AFTER),
    VG("有著", "有着", NULL, ZHU_WORD_AFTER),
    VG("起著", "起着", NULL, ZHU_WORD_AFTER),
    VG("围绕著", "围绕着", NULL, ZHU_WORD_AFTER),
    VG("发挥著", "发挥着", NULL, ZHU_WORD_AFTER),
    VG("面临著", "面临着", NULL, ZHU_WORD_AFTER),
    VG("担负著", "担负着", NULL, ZHU_WORD_AFTER),
    VG("承担著", "承担着", NULL, ZHU_WORD_AFTER),
    VG("肩负著", "肩负着", NULL, ZHU_WORD_AFTER),
    VG("影响著", "影响着", NULL, ZHU_WORD_AFTER),
    VG("推动著", "推动着", NULL, ZHU_WORD_AFTER),
    VG("关系著", "关系着", NULL, ZHU_WORD_AFTER),
    VG("标志著", "标志着", NULL, ZHU_WORD_AFTER),
    VG("著重", "着重", ZHU_WORD_BEFORE, NULL),
    VG("著力", "着力", ZHU_WORD_BEFORE, NULL),
    VG("著手", "着手", ZHU_WORD_BEFORE, NULL),
    VG("著眼", "着眼", ZHU_WORD_BEFORE, NULL),
    VG("著想", "着想", ZHU_WORD_BEFORE, NULL),
    VG("著落", "着落", ZHU_WORD_BEFORE, NULL),
    VG("著陆", "着陆", ZHU_WORD_BEFORE, NULL),
    VG("著急", "着急", ZHU_WORD_BEFORE, NULL),
    VG("著装", "着装", ZHU_WORD_BEFORE, NULL),
    VG("著实", "着实", ZHU_WORD_BEFORE, NULL),

    /* GW-LANG-008 (psknlr lexicon `empty_phrases`). */
    R(LX_EMPTY, "高度重视"),
    R(LX_EMPTY, "切实加强"),
    R(LX_EMPTY, "进一步提高认识"),
    R(LX_EMPTY, "采取有力措施"),
    R(LX_EMPTY, "确保取得实效"),
    R(LX_EMPTY, "扎实推进"),
    R(LX_EMPTY, "狠抓落实"),
    R(LX_EMPTY, "务求实效"),
    R(LX_EMPTY, "落到实处"),
    R(LX_EMPTY, "抓紧抓实"),
    R(LX_EMPTY, "提高政治站位"),
    R(LX_EMPTY, "营造良好氛围"),
    R(LX_EMPTY, "精心组织"),
    R(LX_EMPTY, "周密部署"),
    R(LX_EMPTY, "精心部署"),
    R(LX_EMPTY, "抓实抓细"),
    R(LX_EMPTY, "抓出成效"),
    R(LX_EMPTY, "见到实效"),
    R(LX_EMPTY, "全力以赴"),
    R(LX_EMPTY, "高位推动"),

    /* GW-TYPE-002 (psknlr lexicon `request_phrases`). 报请/提请/呈请 …
     * describe someone else's request and are fine. */
    RG(LX_REQUEST, "请批示", "报提呈转送", NULL, 0),
    RG(LX_REQUEST, "请批复", "报提呈转送", NULL, LEXF_END),
    RG(LX_REQUEST, "请予批准", "报提呈转送", NULL, 0),
    RG(LX_REQUEST, "请审批", "报提呈转送", NULL, LEXF_END),
    RG(LX_REQUEST, "请予审批", "报提呈转送", NULL, 0),
    RG(LX_REQUEST, "请予批复", "报提呈转送", NULL, 0),
    RG(LX_REQUEST, "请审定", "报提呈转送", NULL, LEXF_END),
    RG(LX_REQUEST, "恳请批准", NULL, NULL, 0),
    RG(LX_REQUEST, "请予核拨", "报提呈转送", NULL, 0),
    RG(LX_REQUEST, "请予支持", "报提呈转送", NULL, LEXF_REPORT),
    RG(LX_REQUEST, "请予同意", "报提呈转送", NULL, LEXF_REPORT),
    RG(LX_REQUEST, "妥否", NULL, "则定认决", 0),
    RG(LX_REQUEST, "当否", "应相适恰正", "则定认决", 0),

    /* GW-TYPE-011 (psknlr lexicon `address`); 贵X guarded against
     * 昂贵/珍贵/宝贵 + a following word. */
    R(LX_ADDR_DOWN, "你部"),
    R(LX_ADDR_DOWN, "你局"),
    R(LX_ADDR_DOWN, "你委"),
    R(LX_ADDR_DOWN, "你厅"),
    R(LX_ADDR_DOWN, "你办"),
    R(LX_ADDR_DOWN, "你单位"),
    R(LX_ADDR_DOWN, "你院"),
    R(LX_ADDR_DOWN, "你校"),
    R(LX_ADDR_DOWN, "你省"),
    R(LX_ADDR_DOWN, "你市"),
    R(LX_ADDR_DOWN, "你区"),
    R(LX_ADDR_DOWN, "你县"),
    RG(LX_ADDR_DOWN, "你们", NULL, NULL, LEXF_UPWARD),
    R(LX_ADDR_DOWN, "你公司"),
    RG(LX_ADDR_RESP, "贵部", "昂珍宝名富尊高权显可华矜", NULL, 0),
    RG(LX_ADDR_RESP, "贵局", "昂珍宝名富尊高权显可华矜", NULL, 0),
    RG(LX_ADDR_RESP, "贵委", "昂珍宝名富尊高权显可华矜", NULL, 0),
    RG(LX_ADDR_RESP, "贵厅", "昂珍宝名富尊高权显可华矜", NULL, 0),
    RG(LX_ADDR_RESP, "贵办", "昂珍宝名富尊高权显可华矜", NULL, 0),
    RG(LX_ADDR_RESP, "贵单位", "昂珍宝名富尊高权显可华矜", NULL, 0),
    RG(LX_ADDR_RESP, "贵院", "昂珍宝名富尊高权显可华矜", NULL, 0),
    RG(LX_ADDR_RESP, "贵校", "昂珍宝名富尊高权显可华矜", NULL, 0),
    RG(LX_ADDR_RESP, "贵司", "昂珍宝名富尊高权显可华矜", NULL, 0),
    RG(LX_ADDR_RESP, "贵公司", "昂珍宝名富尊高权显可华矜", NULL, 0),

    /* GW-TYPE-012 (psknlr lexicon `command_tone`). */
    R(LX_COMMAND, "请遵照执行"),
    R(LX_COMMAND, "请认真贯彻执行"),
    R(LX_COMMAND, "请贯彻落实"),
    R(LX_COMMAND, "请严格执行"),
    R(LX_COMMAND, "务必"),
    R(LX_COMMAND, "必须按时"),
    R(LX_COMMAND, "不得有误"),

    /* GW-TYPE-017 (psknlr lexicon `relative_time`); "6月30日前" is a
     * deadline, not 日前. */
    R(LX_RELTIME, "今年"),
    R(LX_RELTIME, "去年"),
    RG(LX_RELTIME, "前年", DIGITS_CN "之以", NULL, 0),
    RG(LX_RELTIME, "明年", "注标说证表声指阐查辨聪英透鲜光文精高简分申开清严发失照神贤", "、月", 0),
    R(LX_RELTIME, "本月"),
    R(LX_RELTIME, "上月"),
    R(LX_RELTIME, "下月"),
    R(LX_RELTIME, "本周"),
    R(LX_RELTIME, "上周"),
    R(LX_RELTIME, "下周"),
    RG(LX_RELTIME, "日前", NULL, NULL, LEXF_AFTER_ORGAN),
    R(LX_RELTIME, "近日"),
    R(LX_RELTIME, "昨天"),
    R(LX_RELTIME, "今天"),
    R(LX_RELTIME, "明天"),
};

#undef LEX
#undef T
#undef TG
#undef S
#undef SG
#undef C
#undef V
#undef VG
#undef R
#undef RG

/* Decoded table: keys sorted by (first code point, length descending). */
#define LEX_POOL_MAX 4096
struct lex_key {
	uint32_t first;
	uint32_t second; /* the second code point, 0 for a one-character key */
	uint16_t off;	 /* into lex_pool */
	uint16_t len;
	uint16_t entry;
};

static uint32_t lex_pool[LEX_POOL_MAX];
static struct lex_key lex_keys[ARRAY_LEN(lex_table)];
/* Index of the keys of a BMP first character without a binary search: bit
 * (c & 7) of lex_first_bits[c >> 3] is set for every first character c that
 * is Han (lex_scan starts keys only there); the n-th set bit (counted by
 * lex_first_rank, the bits set in the bytes before, plus the bits below it)
 * is the n-th distinct first character, whose keys start at
 * lex_first_start[n]. */
static uint8_t lex_first_bits[65536 / 8];
static uint16_t lex_first_rank[65536 / 8];
static uint8_t lex_pop8[256];
static uint16_t lex_first_start[ARRAY_LEN(lex_table)];
/* The same per BMP character, a byte each, for lex_scan's loop (one load
 * per character): LEX_FIRST where lex_first_bits has the bit, LEX_SINGLE
 * where a one-character key starts with it. A second filter: a bit of
 * lex_pair_bits for the hash of the first two characters of every longer
 * key. A position whose first character has no one-character key, and whose
 * two characters' bit is clear, starts no key.
 * LEX_SECOND marks the second character of every longer key: lex_scan
 * looks at a LEX_FIRST position only when it has LEX_SINGLE or the next
 * character has LEX_SECOND. The context rules (ctx_build) add LEX_CTX where
 * one of their literals starts. Four bytes more: the AVX2 scan reads four
 * from each index. */
#define LEX_FIRST     1u
#define LEX_SINGLE    2u
#define LEX_CTX	      4u
#define LEX_SECOND    0x80u
#define LEX_PAIR_BITS 8192
static uint8_t lex_first_tab[65536 + 4];
static uint64_t lex_pair_bits[LEX_PAIR_BITS / 64];
static bool lex_avx2; /* the CPU has AVX2 (lex_stops_avx2) */
static pthread_once_t lex_once = PTHREAD_ONCE_INIT;

int gw_lexicon_path;

static unsigned lex_pair_hash(uint32_t a, uint32_t b)
{
	return (unsigned)(((a * 0x9E3779B1u) ^ (b * 0x85EBCA77u)) >> 19) & (LEX_PAIR_BITS - 1);
}

/* May a key start with the BMP code point a (with LEX_FIRST set) followed
 * by b? */
static bool lex_pair_may(uint32_t a, uint32_t b)
{
	unsigned h = lex_pair_hash(a, b);

	return (lex_first_tab[a] & LEX_SINGLE) || ((lex_pair_bits[h >> 6] >> (h & 63)) & 1);
}

/* First key whose first code point is >= c. */
static size_t lex_lower_bound(uint32_t c)
{
	size_t lo = 0;
	size_t hi = ARRAY_LEN(lex_keys);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lex_keys[mid].first < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_key(const void *x, const void *y)
{
	const struct lex_key *a = x;
	const struct lex_key *b = y;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;
	return (int)a->entry - (int)b->entry;
}

static void lex_build(void)
{
	size_t used = 0;

	for (size_t k = 0; k < ARRAY_LEN(lex_table); k++) {
		const char *s = lex_table[k].wrong;
		size_t n = strlen(s);
		size_t at = 0;

		lex_keys[k].off = (uint16_t)used;
		lex_keys[k].entry = (uint16_t)k;
		while (at < n) {
			uint32_t cp;

			/* the table outgrew the pool: raise LEX_POOL_MAX */
			assert(used < LEX_POOL_MAX);
			if (used >= LEX_POOL_MAX)
				abort();
			at += text_utf8_decode(s + at, n - at, &cp);
			lex_pool[used++] = cp;
		}
		lex_keys[k].len = (uint16_t)(used - lex_keys[k].off);
		lex_keys[k].first = lex_pool[lex_keys[k].off];
		lex_keys[k].second = lex_keys[k].len > 1 ? lex_pool[lex_keys[k].off + 1] : 0;
	}
	qsort(lex_keys, ARRAY_LEN(lex_keys), sizeof(lex_keys[0]), cmp_key);
	for (size_t k = 0; k < ARRAY_LEN(lex_keys); k++) {
		uint32_t c = lex_keys[k].first;

		if (c <= 0xFFFF && text_is_han(c)) {
			lex_first_bits[c >> 3] |= (uint8_t)(1u << (c & 7));
			lex_first_tab[c] |= LEX_FIRST;
		}
		if (c <= 0xFFFF && lex_keys[k].len < 2) {
			lex_first_tab[c] |= LEX_SINGLE;
		} else if (c <= 0xFFFF) {
			uint32_t c2 = lex_pool[lex_keys[k].off + 1];
			unsigned h = lex_pair_hash(c, c2);

			lex_pair_bits[h >> 6] |= (uint64_t)1 << (h & 63);
			if (c2 <= 0xFFFF)
				lex_first_tab[c2] |= LEX_SECOND;
		}
	}
	for (unsigned b = 0; b < 256; b++)
		lex_pop8[b] = (uint8_t)__builtin_popcount(b);
	for (size_t w = 0, r = 0; w < ARRAY_LEN(lex_first_bits); w++) {
		lex_first_rank[w] = (uint16_t)r;
		r += lex_pop8[lex_first_bits[w]];
	}
	for (size_t k = 0, r = 0; k < ARRAY_LEN(lex_keys); k++) {
		uint32_t c = lex_keys[k].first;

		if (c > 0xFFFF || !text_is_han(c) || (k > 0 && lex_keys[k - 1].first == c))
			continue;
		lex_first_start[r++] = (uint16_t)k;
	}
#if defined(LEX_AVX2)
	lex_avx2 = __builtin_cpu_supports("avx2");
#endif
}

/* First key starting with code point c, or ARRAY_LEN(lex_keys) if none. */
static size_t lex_first_key(uint32_t c)
{
	unsigned b;

	if (c > 0xFFFF) {
		if (!text_is_han(c))
			return ARRAY_LEN(lex_keys);
		size_t j = lex_lower_bound(c);

		return j < ARRAY_LEN(lex_keys) && lex_keys[j].first == c ? j : ARRAY_LEN(lex_keys);
	}
	b = lex_first_bits[c >> 3];
	if (((b >> (c & 7)) & 1) == 0)
		return ARRAY_LEN(lex_keys);
	return lex_first_start[lex_first_rank[c >> 3] + lex_pop8[b & ((1u << (c & 7)) - 1)]];
}

/* Is code point c one of the characters of the UTF-8 string set? The set is
 * valid UTF-8, so the bytes of c occur in it only where a whole character
 * starts (a lead byte is never a continuation byte). */
static bool cp_in(const char *set, uint32_t c)
{
	char enc[8];
	size_t k;

	if (set == NULL || c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return false;
	k = text_utf8_encode(c, enc);
	enc[k] = '\0';
	return strstr(set, enc) != NULL;
}

/* --- per-paragraph state -------------------------------------------------- */

/* Roles whose text is prose the wording rules read. */
static bool prose_role(int role)
{
	switch (role) {
	case GW_ROLE_TITLE:
	case GW_ROLE_TO:
	case GW_ROLE_H1:
	case GW_ROLE_H2:
	case GW_ROLE_H3:
	case GW_ROLE_H4:
	case GW_ROLE_BODY:
	case GW_ROLE_ATT:
	case GW_ROLE_NOTE:
		return true;
	default:
		return false;
	}
}

static bool body_role(int role)
{
	return role == GW_ROLE_BODY || (role >= GW_ROLE_H1 && role <= GW_ROLE_H4);
}

struct para_scan {
	struct gw_doc *doc;
	struct gw_findings *out;
	size_t i;
	/* reference path: 1 inside 《》〈〉 or quotation marks (mark_quoted) */
	unsigned char *quoted;
	size_t quoted_cap;
	bool quoted_ready;    /* quoted[] is for paragraph i (built on first use) */
	bool han_down;	      /* a 函 answering a subordinate's 请示/报告 */
	bool reference;	      /* gw_lexicon_path 2: no prefilter */
	long fidx[LX_NCLASS]; /* finding of each class in this paragraph, -1 none */
	unsigned opened;      /* bit c: fidx[c] >= 0 */
	/* bit r: context rule r may match in this paragraph (its literal
	 * occurs, and for a 的 rule a 的 stands between a character of its
	 * ctx_prev and one of its ctx_next) */
	uint32_t ctx_cand;
	struct buf items[LX_NCLASS];
	size_t nitems[LX_NCLASS];
};

/* +1 for an opening 《〈“‘「『, -1 for its closing mark, 0 otherwise. */
static int quote_mark(uint32_t c)
{
	switch (c) {
	case 0x300A: /* 《 */
	case 0x3008: /* 〈 */
	case 0x201C: /* “ */
	case 0x2018: /* ‘ */
	case 0x300C: /* 「 */
	case 0x300E: /* 『 */
		return 1;
	case 0x300B:
	case 0x3009:
	case 0x201D:
	case 0x2019:
	case 0x300D:
	case 0x300F:
		return -1;
	default:
		return 0;
	}
}

/* Mark the characters inside 《》〈〉 “”‘’「」『』 (delimiters included). A
 * quotation left open runs to the end of the paragraph (a quotation over
 * several paragraphs opens each of them). The definition span_quoted
 * answers from without the array; the reference path uses the array. */
static void mark_quoted(struct para_scan *ps, const struct gw_para *p)
{
	int depth = 0;

	ps->quoted_ready = true;
	ps->quoted = xgrow(ps->quoted, &ps->quoted_cap, p->text.len + 1, 1);
	for (size_t k = 0; k < p->text.len; k++) {
		uint32_t c = p->text.p[k];
		int q;

		/* every mark quote_mark knows lies in U+2018-U+201D or
		 * U+3008-U+300F: Han characters take the short way */
		if (c - 0x3010u < 0xFFFFu - 0x3010u) {
			ps->quoted[k] = depth > 0;
			continue;
		}
		q = quote_mark(c);

		if (q > 0)
			depth++;
		ps->quoted[k] = depth > 0 || q < 0;
		if (q < 0 && depth > 0)
			depth--;
	}
}

/* Is position k of p inside 《》 or quotation marks? (The depth
 * mark_quoted has reached before k.) Every mark quote_mark knows lies in
 * U+2018-U+300F: other characters take the short way. */
static bool pos_quoted(const struct gw_para *p, size_t k)
{
	int depth = 0;

	for (size_t j = 0; j < k && j < p->text.len; j++) {
		uint32_t c = p->text.p[j];
		int q;

		if (c - 0x2018u > 0x300Fu - 0x2018u)
			continue;
		q = quote_mark(c);
		if (q > 0)
			depth++;
		else if (q < 0 && depth > 0)
			depth--;
	}
	return depth > 0;
}

/* Does [s,e) of the paragraph touch a quoted character (mark_quoted)? It
 * does when quoted at s, or else at its first quotation mark, opening or
 * closing, if it has one. */
static bool span_quoted(struct para_scan *ps, size_t s, size_t e)
{
	const struct gw_para *p = &ps->doc->paras[ps->i];

	if (ps->reference) {
		if (!ps->quoted_ready)
			mark_quoted(ps, p);
		for (size_t k = s; k < e; k++) {
			if (ps->quoted[k])
				return true;
		}
		return false;
	}
	/* every mark quote_mark knows is a GW_C_PAIRMARK */
	if (!(p->chars & GW_C_PAIRMARK))
		return false;
	if (pos_quoted(p, s))
		return true;
	for (size_t k = s; k < e; k++) {
		if (quote_mark(p->text.p[k]) != 0)
			return true;
	}
	return false;
}

/* Does class cls apply to this document? */
static bool class_applies(const struct para_scan *ps, int cls)
{
	int t = ps->doc->doc_type;

	switch (cls) {
	case LX_REQUEST:
		/* 请示 asks by definition; 函 may ask for approval between
		 * organs (条例 第八条(十四)); 批复 answers, 议案 提请审议,
		 * 纪要 records. Unknown types are not judged. */
		return t >= 0 && t != DT_QINGSHI && t != DT_HAN && t != DT_PIFU && t != DT_YIAN &&
		       t != DT_JIYAO;
	case LX_ADDR_DOWN:
		/* a 函 that answers a subordinate's 请示 is 下行 in substance
		 * ("你省《关于……的请示》收悉") */
		return (t == DT_HAN && !ps->han_down) || gw_doc_type_upward(t);
	case LX_ADDR_RESP:
		/* 通知 and 通报 also go to organs that are not subordinate. */
		return t == DT_JUEYI || t == DT_JUEDING || t == DT_MINGLING || t == DT_PIFU;
	case LX_COMMAND:
		return t == DT_HAN && !ps->han_down;
	default:
		return true;
	}
}

/* Is this 函 a reply to a subordinate's 请示 or 报告? */
static bool han_answers_subordinate(const struct gw_doc *doc)
{
	if (doc->doc_type != DT_HAN)
		return false;
	for (size_t i = 0; i < doc->n; i++) {
		size_t s;
		size_t e;

		if (body_role(doc->paras[i].role) &&
		    gw_re("《[^》]*(?:请示|报告)》", &doc->paras[i], 0, &s, &e, NULL, 0))
			return true;
	}
	return false;
}

/* Record one hit of class cls at [s,e) of the paragraph. */
static void lex_hit(struct para_scan *ps, int cls, size_t s, size_t e, const char *wrong,
		    const char *right)
{
	const struct lex_class_info *ci = &lex_classes[cls];
	struct gw_finding *fd;

	if (ps->fidx[cls] < 0) {
		gw_at(ps->out, ps->doc, ps->i, s, e, ci->rule, ci->sev, ci->fix, "%s", "");
		ps->fidx[cls] = (long)ps->out->n - 1;
		ps->opened |= 1u << cls;
		buf_reset(&ps->items[cls]);
		ps->nitems[cls] = 0;
	}
	fd = &ps->out->v[ps->fidx[cls]];
	if (ci->fix == GW_FIX_AUTO && right != NULL)
		gw_finding_edit(fd, s, e, right);
	/* at most 8 short items: far below the buffer's maximum, so the
	 * pieces are appended whole */
	if (ps->nitems[cls] < 8) {
		struct buf *it = &ps->items[cls];

		buf_adds(it, ps->nitems[cls] ? "，“" : "“");
		buf_adds(it, wrong);
		buf_adds(it, "”");
		if (ci->arrow && right != NULL) {
			buf_adds(it, "→“");
			buf_adds(it, right);
			buf_adds(it, "”");
		}
	}
	ps->nitems[cls]++;
}

/* Write the messages of the findings lex_hit opened in this paragraph. */
static void lex_finish(struct para_scan *ps)
{
	for (; ps->opened != 0; ps->opened &= ps->opened - 1) {
		int c = __builtin_ctz(ps->opened);
		const struct lex_class_info *ci = &lex_classes[c];
		struct gw_finding *fd;
		struct buf b;

		fd = &ps->out->v[ps->fidx[c]];
		buf_init(&b, 8192);
		buf_adds(&b, ci->prefix);
		buf_adds(&b, ps->items[c].p ? ps->items[c].p : "");
		buf_adds(&b, ps->nitems[c] > 8 ? "等" : "");
		buf_adds(&b, ci->suffix);
		free(fd->message);
		fd->message = buf_detach(&b, NULL);
		if (ci->arrow)
			gw_finding_suggest(fd, "%s", ps->items[c].p ? ps->items[c].p : "");
		ps->fidx[c] = -1;
	}
}

/* "每月5日前报送上月情况": a relative time inside a recurring schedule is
 * a rule, not a date to write out. */
static bool recurring(const uint32_t *t, size_t k)
{
	while (k > 0) {
		uint32_t c = t[--k];

		if (c == 0x3002 || c == 0xFF1B || c == 0xFF01 || c == 0xFF1F)
			break;
		if (c == 0x6BCF) /* 每 */
			return true;
	}
	return false;
}

/* Do the characters after the first of key follow at t? (The caller has
 * compared the first and checked the length.) */
static bool key_rest_at(const uint32_t *t, const struct lex_key *key)
{
	const uint32_t *w = lex_pool + key->off;

	for (size_t m = 1; m < key->len; m++) {
		if (t[m] != w[m])
			return false;
	}
	return true;
}

/* Report the keys lex_keys[j..] that start at position k (those whose
 * first character is t[k]). */
static void lex_keys_at(struct para_scan *ps, const uint32_t *t, size_t n, size_t k, size_t j,
			size_t *last_end)
{
	uint32_t next = k + 1 < n ? t[k + 1] : 0;

	for (; j < ARRAY_LEN(lex_keys) && lex_keys[j].first == t[k]; j++) {
		const struct lex_key *key = &lex_keys[j];
		const struct lex_entry *en;
		size_t e = k + key->len;

		/* a longer key whose second character is not next does not
		 * match (the first test of key_rest_at, before the entry is
		 * read) */
		if (key->len > 1 && key->second != next)
			continue;
		en = &lex_table[key->entry];
		if (e > n || last_end[en->cls] > k || !key_rest_at(t + k, key))
			continue;
		if (k > 0 && cp_in(en->not_before, t[k - 1]))
			continue;
		if (e < n && cp_in(en->not_after, t[e]))
			continue;
		if ((en->flags & LEXF_END) && e < n && text_is_han(t[e]))
			continue;
		if ((en->flags & LEXF_AFTER_ORGAN) && k > 0 &&
		    (text_is_han(t[k - 1]) || text_is_digit(t[k - 1]) ||
		     text_is_fullwidth_digit(t[k - 1]) || t[k - 1] == 0x3007) &&
		    !cp_in(ORGAN_END, t[k - 1]))
			continue;
		if ((en->flags & LEXF_UPWARD) && !gw_doc_type_upward(ps->doc->doc_type))
			continue;
		if ((en->flags & LEXF_REPORT) && ps->doc->doc_type != DT_BAOGAO)
			continue;
		if (en->cls == LX_RELTIME && recurring(t, k))
			continue;
		if (span_quoted(ps, k, e) || !class_applies(ps, en->cls))
			continue;
		lex_hit(ps, en->cls, k, e, en->wrong, en->right);
		last_end[en->cls] = e;
	}
}

/* --- context patterns ------------------------------------------------------ */

/* One pattern rule: the first capture group is the wrong part (every
 * pattern has one, as PCRE2 leaves the offsets of absent groups stale);
 * `right` replaces it (auto fixes) or is suggested. */
struct ctx_rule {
	const char *pattern;
	const char *rule;
	int sev;
	int fix;
	const char *right;
	const char *message;
};

/* Verbs and adverbs of the 的/地/得 patterns (gongwen-rules.md §3.14). */
#define DE_RESULT                                                                                                               \
	"(?:好|差|快|慢|扎实|到位|出色|顺利|及时|认真|仔细|细致|充分|明显|突出|成功|圆满|彻底|" \
	"深入|全面|有力|有效|实|细|准|透)"
#define DI_ADV_ALTS "认真|积极|扎实|切实|稳妥|有效|全面|深入|坚决|持续|大力|有序|主动|及时|严格"
#define DI_ADV	    "(?:" DI_ADV_ALTS ")"
/* The same words as a lookbehind (top-level branches of fixed length), so
 * the match starts at "的" and PCRE2 can skip ahead to it. */
#define DE_VERB_ALTS                                                                                                           \
	"做|干|办|抓|搞|写|讲|学|完成|落实|执行|开展|推进|进行|准备|处理|解决|组织|安排|发挥|" \
	"贯彻|宣传|配合|衔接|掌握|把握|领会|体现|整改"
#define DE_VERB_LB "(?<=" DE_VERB_ALTS ")"
#define DI_ADV_LB  "(?<=" DI_ADV_ALTS ")"
#define DI_VERB	   "(?:推进|开展|落实|做好|抓好|加强|推动|解决|完成|实施|执行|贯彻|处理|整改)"
#define DI_OBJECT  "(?=了|着|过|各|有关|相关|这|此|该|好|中央|上级|党|国家|省|市|县|区|全|我|其)"

static const struct ctx_rule ctx_rules[] = {
    /* GW-LANG-003: 截至 takes a time object, 截止 none ("截止到" is
     * correct usage and left alone). */
    {"(截止)(?=[0-9]{4}年|[0-9]{1,2}月|目前|今年|本月|当前|现在|今天|年底|年末|上半年|本周)",
     "GW-LANG-003", W, GW_FIX_SUGGEST, "截至", "“截止”不带时间宾语，表示“到某时为止”用“截至”"},
    {"(必需)(?=遵守|执行|落实|做到|坚持|加强|按照|严格|切实|认真|报送|配合|确保|及时|依法|依照|"
     "符合|具备|提交|采取|进行|保证)",
     "GW-LANG-003", W, GW_FIX_SUGGEST, "必须", "副词“必须”修饰动词，“必需”表示不可缺少"},
    {"(必须品)(?![质牌德种])", "GW-LANG-003", W, GW_FIX_SUGGEST, "必需品",
     "“必需品”指不可缺少的物品"},
    {"(?:如实|及时|真实|集中|充分|积极|主动|向上级|向有关部门)(反应)(?=了?(?:情况|问题|意见|"
     "诉求))",
     "GW-LANG-003", W, GW_FIX_SUGGEST, "反映", "表示把情况、意见告知上级用“反映”"},
    {"情况(反应)(?=[，。；、]|给|到|上来)", "GW-LANG-003", W, GW_FIX_SUGGEST, "反映",
     "表示把情况、意见告知上级用“反映”"},
    {"(做出)(?=了?(?:重大|重要|突出|积极|应有|巨大|新的|更大|杰出)?(?:决定|决策|部署|规定|批示|"
     "指示|结论|处理|处罚|答复|解释|判决|裁定|裁决))",
     "GW-LANG-003", W, GW_FIX_SUGGEST, "作出", "决定、部署、处理等抽象事物用“作出”"},
    {"(以至)(?=于?(?:造成|导致|酿成|延误|贻误|引发)了?(?:严重|重大|较大|不良|恶劣|人员|财产|"
     "安全|事故|损失|后果|伤亡))",
     "GW-LANG-003", W, GW_FIX_SUGGEST, "以致", "引出不良结果用“以致”"},
    {"(渡过)(?=了?(?:[0-9一二三四五六七八九十两几]+个?)?(?:春节|假期|寒假|暑假|节日|晚年|童年|"
     "青春|岁月|时光|一生|假日|周末))",
     "GW-LANG-003", W, GW_FIX_SUGGEST, "度过", "经过一段时间用“度过”"},
    {"(度过)(?=了?(?:难关|危机|险关|困境))", "GW-LANG-003", W, GW_FIX_SUGGEST, "渡过",
     "通过困难、危机用“渡过”"},
    {"(泄漏)(?=了?(?:国家|工作|商业|个人|内幕|考试)?(?:秘密|机密|隐私)|了?个人信息)", "GW-LANG-003",
     W, GW_FIX_SUGGEST, "泄露", "秘密、信息用“泄露”，液体、气体用“泄漏”"},
    {"(泄露)(?=了?(?:天然气|煤气|燃气|危险化学品|有毒气体|油品))", "GW-LANG-003", W, GW_FIX_SUGGEST,
     "泄漏", "秘密、信息用“泄露”，液体、气体用“泄漏”"},
    {"(?:实地|出国|出境|外出)(考查)|考查(?=干部|人选|调研)", "GW-LANG-003", W, GW_FIX_SUGGEST,
     "考察", "实地调查、考核干部用“考察”，按标准检查用“考查”"},
    {"(起用)(?=(?:新的?)?(?:印章|公章|系统|平台|设备|账号|账户|新版|电子|号段|场馆|预案))",
     "GW-LANG-003", W, GW_FIX_SUGGEST, "启用", "开始使用物品、设施用“启用”，任用人员用“起用”"},
    {"(启用)(?=了?(?:一批)?(?:年轻|优秀)?(?:干部|人才|新人))", "GW-LANG-003", W, GW_FIX_SUGGEST,
     "起用", "开始使用物品、设施用“启用”，任用人员用“起用”"},

    /* GW-LANG-002: 像 as the verb "resemble" (像…一样/似的); 象 inside
     * 形象/现象/对象 … is left alone by the left context, and "一般" is not
     * a cue ("象这样的一般性问题"). Suggested only: the context is wide. */
    {"(?:^|[，。；：、]|就|好|不|很|也|都|正|更)(象)(?![征棋形牙])(?=[^，。；]{1,12}"
     "(?:一样|似的))",
     "GW-LANG-002", W, GW_FIX_SUGGEST, "像", "表示比喻、相似用“像”"},

    /* GW-LANG-004: verb + 的 + degree + result -> 得. */
    {DE_VERB_LB "(的)(?:很|非常|十分|特别|比较|较为?|相当|更加?|最)" DE_RESULT
		"(?=[，。；、！]|了|$)",
     "GW-LANG-004", W, GW_FIX_SUGGEST, "得", "动词后接程度补语用“得”"},
    {DE_VERB_LB "(的)(?:不够|不好|不到位|不扎实|不彻底|不充分|不及时)(?!的)", "GW-LANG-004", W,
     GW_FIX_SUGGEST, "得", "动词后接补语用“得”"},
    /* adverb + 的 + verb -> 地, only when the verb takes an object or
     * an aspect particle ("有效的解决办法" is a noun phrase) ... */
    {DI_ADV_LB "(的)" DI_VERB DI_OBJECT, "GW-LANG-004", W, GW_FIX_SUGGEST, "地",
     "状语修饰动词用“地”"},
    /* ... or follows a modal ("要认真的落实。"). */
    {"(?:要|应|应当|必须|须|将|继续|进一步|并|都|也|还)" DI_ADV "(的)" DI_VERB "(?=[，。；！]|$)",
     "GW-LANG-004", W, GW_FIX_SUGGEST, "地", "状语修饰动词用“地”"},

    /* GW-LANG-005: a word typed twice (none of these reduplicates). */
    {"(进一步|加强|推进|落实|我们|通过|按照|根据|进行|开展|有关|相关|以及|同时|"
     "对于|关于|各级|认真|切实|其中|已经|如果|因为|所以|但是|并且|应当|可以|不得|必须|"
     "做好|建立|完善|健全|提高|确保|严格|全面|深入)\\1",
     "GW-LANG-005", W, GW_FIX_SUGGEST, NULL, "词语重复"},

    /* GW-TYPE-015: 先引标题，后引发文字号. */
    {"([〔\\[【][0-9]{4}[〕\\]】]\\s*[0-9]+\\s*号\\s*[）)]?\\s*(?:文件|文)?\\s*《)", "GW-TYPE-015",
     I, GW_FIX_SUGGEST, NULL,
     "引用公文应先引标题，后引发文字号，如“《关于……的通知》（×发〔2025〕3号）”"},
};

/* A literal each context rule needs (same order as ctx_rules): paragraphs
 * without it skip the regex, which is most of them. */
static const char *const ctx_need[] = {
    "截止", "必需", "必须品", "反应", "反应", "做出", "以至", "渡过", "度过", "泄漏", "泄露",
    "考查", "起用", "启用",   "象",   "的",   "的",   "的",   "的",   NULL,   "《",
};
_Static_assert(ARRAY_LEN(ctx_need) == ARRAY_LEN(ctx_rules), "one literal per context rule");

/* For the 的 rules: the characters one of which must directly follow the
 * 的 (the first characters of the alternatives after "(的)"); NULL: none. */
#define DI_VERB_FIRST "推开落做抓加解完实执贯处整"
static const char *const ctx_next[] = {
    NULL, NULL,		 NULL,		NULL, NULL, NULL, NULL, NULL,
    NULL, NULL,		 NULL,		NULL, NULL, NULL, NULL, "很非十特比较相更最",
    "不", DI_VERB_FIRST, DI_VERB_FIRST, NULL, NULL,
};
_Static_assert(ARRAY_LEN(ctx_next) == ARRAY_LEN(ctx_rules), "one entry per context rule");

/* For the same rules: the words one of which must directly precede the 的
 * ("|" between them; only their last characters are tested). */
static const char *const ctx_prev[] = {
    NULL, NULL, NULL, NULL, NULL,	  NULL,		NULL,	     NULL,	  NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, DE_VERB_ALTS, DE_VERB_ALTS, DI_ADV_ALTS, DI_ADV_ALTS, NULL, NULL,
};
_Static_assert(ARRAY_LEN(ctx_prev) == ARRAY_LEN(ctx_rules), "one entry per context rule");

/* The distinct literals of ctx_need, decoded once (ctx_build) and grouped by
 * first character; ctx_slots finds a first character's group (open
 * addressing, looked up only for a character with LEX_CTX, which is in it).
 * ctx_de_rules: the rules with a ctx_next (the 的 rules); ctx_pair_rules[q]:
 * those with the q-th distinct pair of ctx_prev and ctx_next, whose
 * characters have bit q (ctx_next) or bit 4 + q (last characters of
 * ctx_prev) in de_tab: a 的 between two characters whose bits meet is one
 * the rules of the pair may match. ctx_free: the rules without a literal. */
#define CTX_NEED_MAX 4
#define CTX_SLOTS    64
struct ctx_lit {
	uint32_t cp[CTX_NEED_MAX];
	unsigned char n;
	uint32_t rules; /* bit r: ctx_need[r] is this literal */
};
struct ctx_slot {
	uint32_t c;	      /* 0: empty */
	unsigned char lo, hi; /* ctx_lits[lo, hi) start with c */
};
static struct ctx_lit ctx_lits[ARRAY_LEN(ctx_rules)];
static size_t ctx_nlits;
static struct ctx_slot ctx_slots[CTX_SLOTS];
#define CTX_DE_PAIRS 4
static uint8_t de_tab[65536];
static uint32_t ctx_de_rules;
static uint32_t ctx_pair_rules[CTX_DE_PAIRS];
static uint32_t ctx_free;
static size_t ctx_type015; /* the GW-TYPE-015 rule */
_Static_assert(ARRAY_LEN(ctx_rules) <= 32, "a context rule is a bit of a uint32_t");

static unsigned ctx_slot_hash(uint32_t c)
{
	return (unsigned)((c * 0x9E3779B1u) >> 26) & (CTX_SLOTS - 1);
}

static const struct ctx_slot *ctx_slot_of(uint32_t c)
{
	unsigned h = ctx_slot_hash(c);

	while (ctx_slots[h].c != c)
		h = (h + 1) & (CTX_SLOTS - 1);
	return &ctx_slots[h];
}

/* Decode the UTF-8 string s into at most max code points of cp; abort when
 * it has more (a table outgrew its array: raise the maximum). */
static size_t ctx_decode(const char *s, uint32_t *cp, size_t max)
{
	size_t n = strlen(s);
	size_t used = 0;

	for (size_t at = 0; at < n; used++) {
		assert(used < max);
		if (used >= max)
			abort();
		at += text_utf8_decode(s + at, n - at, &cp[used]);
	}
	return used;
}

/* The literal rule r needs, added to ctx_lits (or the same one before). */
static void ctx_add_lit(size_t r)
{
	struct ctx_lit lit = {.n = 0};
	size_t q = 0;

	lit.n = (unsigned char)ctx_decode(ctx_need[r], lit.cp, CTX_NEED_MAX);
	while (q < ctx_nlits &&
	       (ctx_lits[q].n != lit.n || memcmp(ctx_lits[q].cp, lit.cp, sizeof(lit.cp)) != 0))
		q++;
	if (q == ctx_nlits)
		ctx_lits[ctx_nlits++] = lit;
	ctx_lits[q].rules |= (uint32_t)1 << r;
	/* lex_scan's stops are BMP characters */
	if (lit.cp[0] > 0xFFFF)
		abort();
	lex_first_tab[lit.cp[0]] |= LEX_CTX;
}

/* The characters around the 的 of rule r (a 的 rule) get their de_tab
 * bits. */
static void ctx_add_de(size_t r)
{
	uint32_t cp[128];
	size_t n;
	size_t q = 0;
	uint32_t prev_last = 0;

	/* lex_scan reads the neighbours of 的 only, and every 的 rule has both */
	if (strcmp(ctx_need[r], "的") != 0 || ctx_prev[r] == NULL)
		abort();
	ctx_de_rules |= (uint32_t)1 << r;
	for (size_t r2 = 0; r2 < r; r2++) {
		if (ctx_next[r2] != NULL && strcmp(ctx_next[r2], ctx_next[r]) == 0 &&
		    strcmp(ctx_prev[r2], ctx_prev[r]) == 0) {
			for (q = 0; !(ctx_pair_rules[q] >> r2 & 1); q++)
				;
			ctx_pair_rules[q] |= (uint32_t)1 << r;
			return;
		}
	}
	while (q < CTX_DE_PAIRS && ctx_pair_rules[q] != 0)
		q++;
	/* more distinct pairs than bits: raise CTX_DE_PAIRS */
	if (q == CTX_DE_PAIRS)
		abort();
	ctx_pair_rules[q] = (uint32_t)1 << r;
	n = ctx_decode(ctx_next[r], cp, ARRAY_LEN(cp));
	for (size_t k = 0; k < n; k++) {
		if (cp[k] > 0xFFFF)
			abort();
		de_tab[cp[k]] |= (uint8_t)(1u << q);
	}
	/* the last character of each word of ctx_prev ('|' between them) */
	n = ctx_decode(ctx_prev[r], cp, ARRAY_LEN(cp));
	for (size_t k = 0; k <= n; k++) {
		if (k < n && cp[k] != '|') {
			prev_last = cp[k];
			continue;
		}
		if (prev_last == 0 || prev_last > 0xFFFF)
			abort();
		de_tab[prev_last] |= (uint8_t)(1u << (4 + q));
		prev_last = 0;
	}
}

static void ctx_build(void)
{
	for (size_t r = 0; r < ARRAY_LEN(ctx_rules); r++) {
		if (ctx_need[r] == NULL)
			ctx_free |= (uint32_t)1 << r;
		else
			ctx_add_lit(r);
		if (ctx_next[r] != NULL)
			ctx_add_de(r);
		if (strcmp(ctx_rules[r].rule, "GW-TYPE-015") == 0)
			ctx_type015 = r;
	}
	/* group by first character (insertion sort: stable, a few dozen) */
	for (size_t a = 1; a < ctx_nlits; a++) {
		struct ctx_lit x = ctx_lits[a];
		size_t b = a;

		for (; b > 0 && ctx_lits[b - 1].cp[0] > x.cp[0]; b--)
			ctx_lits[b] = ctx_lits[b - 1];
		ctx_lits[b] = x;
	}
	for (size_t a = 0; a < ctx_nlits; a++) {
		unsigned h = ctx_slot_hash(ctx_lits[a].cp[0]);

		while (ctx_slots[h].c != 0 && ctx_slots[h].c != ctx_lits[a].cp[0])
			h = (h + 1) & (CTX_SLOTS - 1);
		if (ctx_slots[h].c == 0) {
			ctx_slots[h].c = ctx_lits[a].cp[0];
			ctx_slots[h].lo = (unsigned char)a;
		}
		ctx_slots[h].hi = (unsigned char)(a + 1);
	}
}

static void dup_build(void);

static void lexicon_build(void)
{
	lex_build();
	ctx_build();
	dup_build();
}

/* --- the scan ---------------------------------------------------------------- */

/* The lex_first_tab byte of c; outside the BMP every bit (a stop whatever
 * its neighbours). */
static unsigned lex_flags(uint32_t c)
{
	return c <= 0xFFFF ? lex_first_tab[c] : 0xFFu;
}

/* Bit j of each: position j of a window of up to 64 characters has
 * LEX_FIRST, LEX_SINGLE, LEX_CTX, LEX_SECOND (lex_flags). */
struct lex_masks {
	uint64_t first, single, ctx, second;
};

/* The masks of positions [from, m). */
static void lex_masks_scalar(const uint32_t *t, size_t from, size_t m, struct lex_masks *mk)
{
	for (size_t j = from; j < m; j++) {
		unsigned f = lex_flags(t[j]);
		uint64_t bit = (uint64_t)1 << j;

		mk->first |= f & LEX_FIRST ? bit : 0;
		mk->single |= f & LEX_SINGLE ? bit : 0;
		mk->ctx |= f & LEX_CTX ? bit : 0;
		mk->second |= f & LEX_SECOND ? bit : 0;
	}
}

/* Bit j: position j of t[0..m) (m <= 64, avail >= m characters readable)
 * is one lex_scan looks at: it starts a context literal, or a key: it has
 * LEX_FIRST and either LEX_SINGLE or a next character with LEX_SECOND
 * (every longer key's second character has it). Outside the BMP always. */
static inline uint64_t lex_stops_of(const struct lex_masks *mk, const uint32_t *t, size_t m,
				    size_t avail)
{
	uint64_t next = mk->second >> 1;

	if (m < avail && (lex_flags(t[m]) & LEX_SECOND))
		next |= (uint64_t)1 << (m - 1);
	return mk->ctx | (mk->first & (mk->single | next));
}

static uint64_t lex_stops_scalar(const uint32_t *t, size_t m, size_t avail)
{
	struct lex_masks mk = {0, 0, 0, 0};

	lex_masks_scalar(t, 0, m, &mk);
	return lex_stops_of(&mk, t, m, avail);
}

#if defined(LEX_AVX2)
/* lex_stops_scalar, the masks made by a gather of the lex_first_tab bytes
 * of eight characters at a time (the low byte of the four read at each
 * index; outside the BMP the index is clamped to 0xFFFF and the byte made
 * 0xFF), the last eight loaded under a mask (lanes past m read nothing and
 * give character 0, which has no flag). The 64 bytes are packed in order,
 * and each flag is a byte's top bit after a shift (LEX_SECOND is bit 7). */
__attribute__((target("avx2"))) static uint64_t lex_stops_avx2(const uint32_t *t, size_t m,
							       size_t avail)
{
	const __m256i bmp_max = _mm256_set1_epi32(0xFFFF);
	const __m256i low = _mm256_set1_epi32(0xFF);
	const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
	const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
	__m256i v[8];
	__m256i half[2];
	struct lex_masks mk;

#pragma GCC unroll 8
	for (size_t b = 0; b < 8; b++) {
		__m256i c;
		__m256i idx;
		__m256i f;

		if (8 * b + 8 <= m) {
			c = _mm256_loadu_si256((const __m256i *)(const void *)(t + 8 * b));
		} else if (8 * b < m) {
			__m256i live =
			    _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(m - 8 * b)), lane);

			c = _mm256_maskload_epi32((const int *)(const void *)(t + 8 * b), live);
		} else {
			v[b] = _mm256_setzero_si256();
			continue;
		}
		idx = _mm256_min_epu32(c, bmp_max);
		f = _mm256_i32gather_epi32((const int *)(const void *)lex_first_tab, idx, 1);
		v[b] = _mm256_or_si256(_mm256_and_si256(f, low),
				       _mm256_andnot_si256(_mm256_cmpeq_epi32(idx, c), low));
	}
	/* packs work within each 128-bit half: bytes come out in groups of four
	 * characters 0-3 of v[0] v[1] v[2] v[3], then 4-7 of each */
	for (size_t h = 0; h < 2; h++) {
		__m256i w0 = _mm256_packus_epi32(v[4 * h], v[4 * h + 1]);
		__m256i w1 = _mm256_packus_epi32(v[4 * h + 2], v[4 * h + 3]);

		half[h] = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(w0, w1), order);
	}
#define LEX_TOP_BITS(x)                                                                            \
	((uint64_t)(uint32_t)_mm256_movemask_epi8(x[0]) |                                          \
	 (uint64_t)(uint32_t)_mm256_movemask_epi8(x[1]) << 32)
	{
		__m256i s7[2] = {_mm256_slli_epi16(half[0], 7), _mm256_slli_epi16(half[1], 7)};
		__m256i s6[2] = {_mm256_slli_epi16(half[0], 6), _mm256_slli_epi16(half[1], 6)};
		__m256i s5[2] = {_mm256_slli_epi16(half[0], 5), _mm256_slli_epi16(half[1], 5)};

		mk.first = LEX_TOP_BITS(s7);
		mk.single = LEX_TOP_BITS(s6);
		mk.ctx = LEX_TOP_BITS(s5);
		mk.second = LEX_TOP_BITS(half);
	}
#undef LEX_TOP_BITS
	return lex_stops_of(&mk, t, m, avail);
}
#endif

/* lex_stops_of, with AVX2 where the CPU has it. */
static uint64_t lex_stops(const uint32_t *t, size_t m, size_t avail)
{
	_Static_assert(LEX_FIRST == 1u && LEX_SINGLE == 2u && LEX_CTX == 4u && LEX_SECOND == 0x80u,
		       "lex_stops_avx2 shifts each flag to the top bit");
#if defined(LEX_AVX2)
	if (lex_avx2 && gw_lexicon_path == 0)
		return lex_stops_avx2(t, m, avail);
#endif
	return lex_stops_scalar(t, m, avail);
}

/* A stop with LEX_CTX at position k: the context literals that start there,
 * and for a 的 the pairs of ctx_prev and ctx_next around it (de_tab). */
static void ctx_mark(struct para_scan *ps, const uint32_t *t, size_t n, size_t k,
		     unsigned *de_pairs)
{
	const struct ctx_slot *sl = ctx_slot_of(t[k]);

	for (size_t a = sl->lo; a < sl->hi; a++) {
		const struct ctx_lit *lit = &ctx_lits[a];
		size_t m = 1;

		if (k + lit->n > n)
			continue;
		while (m < lit->n && t[k + m] == lit->cp[m])
			m++;
		if (m == lit->n)
			ps->ctx_cand |= lit->rules;
	}
	if (t[k] == 0x7684 /* 的 */ && k > 0 && k + 1 < n && t[k - 1] <= 0xFFFF &&
	    t[k + 1] <= 0xFFFF)
		*de_pairs |= de_tab[t[k + 1]] & (unsigned)(de_tab[t[k - 1]] >> 4);
}

/* One pass over the paragraph: the word table's keys (lex_keys_at) and the
 * context rules' candidates (ps->ctx_cand), both at the stops of
 * lex_stops: a character starting no key and no literal is passed over 64
 * at a time. */
static void lex_scan(struct para_scan *ps)
{
	const struct gw_para *p = &ps->doc->paras[ps->i];
	const uint32_t *t = p->text.p;
	size_t n = p->text.len;
	size_t last_end[LX_NCLASS] = {0};
	unsigned de_pairs = 0;

	ps->ctx_cand = 0;
	for (size_t base = 0; base < n; base += 64) {
		size_t m = n - base < 64 ? n - base : 64;

		for (uint64_t bits = lex_stops(t + base, m, n - base); bits != 0;
		     bits &= bits - 1) {
			size_t k = base + (size_t)__builtin_ctzll(bits);
			uint32_t c = t[k];
			unsigned f = c <= 0xFFFF ? lex_first_tab[c] : LEX_FIRST;

			if (f & LEX_CTX)
				ctx_mark(ps, t, n, k, &de_pairs);
			/* every key of two or more characters needs the next one */
			if (!(f & LEX_FIRST) ||
			    (c <= 0xFFFF && !lex_pair_may(c, k + 1 < n ? t[k + 1] : 0)))
				continue;
			lex_keys_at(ps, t, n, k, lex_first_key(c), last_end);
		}
	}
	/* a 的 rule needs its neighbours too */
	if (ps->ctx_cand & ctx_de_rules) {
		uint32_t keep = ps->ctx_cand & ~ctx_de_rules;

		for (unsigned q = 0; q < CTX_DE_PAIRS; q++) {
			if (de_pairs >> q & 1)
				keep |= ps->ctx_cand & ctx_pair_rules[q];
		}
		ps->ctx_cand = keep;
	}
}

/* lex_scan without a prefilter (gw_lexicon_path 2): every Han character
 * looked up by binary search, every context rule run. */
static void lex_scan_reference(struct para_scan *ps)
{
	const struct gw_para *p = &ps->doc->paras[ps->i];
	const uint32_t *t = p->text.p;
	size_t n = p->text.len;
	size_t last_end[LX_NCLASS] = {0};

	for (size_t k = 0; k < n; k++) {
		if (text_is_han(t[k]))
			lex_keys_at(ps, t, n, k, lex_lower_bound(t[k]), last_end);
	}
	ps->ctx_cand = (uint32_t)((1ull << ARRAY_LEN(ctx_rules)) - 1);
}

/* The 象 rule (GW-LANG-002, the rule whose literal is 象) needs a 象 at the
 * start or after one of its cue characters, not followed by 征棋形牙 and
 * followed by something. (Exact, read off the pattern.) */
#define CTX_XIANG 14
static bool xiang_cue(const struct gw_para *p)
{
	const uint32_t *t = p->text.p;
	size_t n = p->text.len;

	for (long at = text_ucs_chr(t, n, 0, 0x8C61 /* 象 */); at >= 0;
	     at = text_ucs_chr(t, n, (size_t)at + 1, 0x8C61)) {
		size_t k = (size_t)at;

		if (k > 0 && !cp_in("，。；：、就好不很也都正更", t[k - 1]))
			continue;
		if (k + 1 < n && !cp_in("征棋形牙", t[k + 1]))
			return true;
	}
	return false;
}

/* The opening brackets of the GW-TYPE-015 pattern. */
static const uint32_t type015_open[] = {0x3014 /* 〔 */, '[', 0x3010 /* 【 */};

static void ctx_scan(struct para_scan *ps)
{
	const struct gw_para *p = &ps->doc->paras[ps->i];

	/* the rules in order, those whose literal lex_scan saw (ctx_cand) and
	 * those without one */
	for (uint32_t todo = ps->ctx_cand | ctx_free; todo != 0; todo &= todo - 1) {
		size_t r = (size_t)__builtin_ctz(todo);
		const struct ctx_rule *cr = &ctx_rules[r];
		size_t from = 0;
		size_t s;
		size_t e;
		long g[2];

		if (!ps->reference) {
			if (r == CTX_XIANG && !xiang_cue(p))
				continue;
			/* GW-TYPE-015 needs a 〔[【 year 〕]】 number 号 */
			if (r == ctx_type015 &&
			    (!(p->chars & GW_C_DIGIT) || !gw_para_may_have(p, 0x53F7) ||
			     !gw_para_may_have_cps(p, type015_open, ARRAY_LEN(type015_open))))
				continue;
			/* the word-doubling rule (GW-LANG-005, the rule without
			 * a literal) needs "ABAB" or "ABCABC" */
			if (ctx_need[r] == NULL && !(p->chars & GW_C_WORDREP))
				continue;
		}

		while (from <= p->text.len && gw_re(cr->pattern, p, from, &s, &e, g, 1)) {
			bool dup = strcmp(cr->rule, "GW-LANG-005") == 0;
			size_t a = g[0] >= 0 && !dup ? (size_t)g[0] : s;
			size_t b = g[0] >= 0 && !dup ? (size_t)g[1] : e;
			struct gw_finding *fd;
			char *wrong;

			from = e > s ? e : s + 1;
			/* GW-TYPE-015 reads citations, which are in 《》 by nature. */
			if (strcmp(cr->rule, "GW-TYPE-015") != 0 && span_quoted(ps, a, b))
				continue;
			fd = gw_at(ps->out, ps->doc, ps->i, a, b, cr->rule, cr->sev, cr->fix, "%s",
				   cr->message);
			wrong = ustr_to_utf8(&p->text, a, b);
			if (cr->right != NULL) {
				if (cr->fix == GW_FIX_AUTO)
					gw_finding_edit(fd, a, b, cr->right);
				gw_finding_suggest(fd, "将“%s”改为“%s”", wrong, cr->right);
			} else if (dup && g[0] >= 0) {
				char *word = ustr_to_utf8(&p->text, (size_t)g[0], (size_t)g[1]);

				gw_finding_suggest(fd, "删去重复的“%s”", word);
				free(word);
			}
			free(wrong);
		}
	}
}

/* GW-LANG-005 for single characters: 的的 了了 在在 … unless the pair
 * straddles a word (目的的, 为了了解, 实实在在, 参与与, 以及及时 …). */
struct dup_guard {
	const char *ch;
	const char *not_before;
	const char *not_after;
};

static const struct dup_guard dup_guards[] = {
    {"的", "目标端鹄", "确士哥姐"},
    {"了", "不小", "解结却断如然无得之悟事清"},
    {"在", "实存所自现内外潜健正好旨意志贵重难妙不还仍都也就只却又",
     "线场职岗案编建校逃押读册途世意乎于内外先即望握座野执"},
    {"与", "参赠给授干相", "会其否"},
    {"及", "涉普以不危企波顾论提触遍来", "时早格至"},
    {"于", NULL, "是"},
    {"和", "温平缓总饱调柔谐随附融中亲祥暖违共议讲人求清宽掺应搀说唱隆",
     "气美睦谐顺平解约善蔼煦缓局声弦田亲"},
};

/* dup_guards[g].ch decoded (lexicon_build). */
static uint32_t dup_cp[ARRAY_LEN(dup_guards)];

static void dup_build(void)
{
	for (size_t g = 0; g < ARRAY_LEN(dup_guards); g++) {
		/* one character each */
		if (ctx_decode(dup_guards[g].ch, &dup_cp[g], 1) != 1)
			abort();
	}
}

/* The first j >= k with t[j] == t[j + 1] (j + 1 < n), or n. */
static size_t next_repeat_scalar(const uint32_t *t, size_t k, size_t n)
{
	while (k + 1 < n && t[k] != t[k + 1])
		k++;
	return k + 1 < n ? k : n;
}

#if defined(LEX_AVX2)
/* next_repeat_scalar comparing eight neighbours at a time. */
__attribute__((target("avx2"))) static size_t next_repeat_avx2(const uint32_t *t, size_t k,
							       size_t n)
{
	for (; k + 9 <= n; k += 8) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(const void *)(t + k));
		__m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(t + k + 1));
		unsigned eq =
		    (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(a, b)));

		if (eq != 0)
			return k + (size_t)__builtin_ctz(eq);
	}
	return next_repeat_scalar(t, k, n);
}
#endif

static size_t next_repeat(const uint32_t *t, size_t k, size_t n)
{
#if defined(LEX_AVX2)
	if (lex_avx2 && gw_lexicon_path == 0)
		return next_repeat_avx2(t, k, n);
#endif
	return next_repeat_scalar(t, k, n);
}

static void dup_scan(struct para_scan *ps)
{
	const struct gw_para *p = &ps->doc->paras[ps->i];
	const uint32_t *t = p->text.p;
	size_t n = p->text.len;

	if (!ps->reference && !(p->chars & GW_C_HANREP))
		return;
	for (size_t k = next_repeat(t, 0, n); k < n; k = next_repeat(t, k + 1, n)) {
		if (!text_is_han(t[k]))
			continue;
		for (size_t g = 0; g < ARRAY_LEN(dup_guards); g++) {
			const struct dup_guard *dg = &dup_guards[g];
			struct gw_finding *fd;

			if (ps->reference ? !cp_in(dg->ch, t[k]) : dup_cp[g] != t[k])
				continue;
			if ((k > 0 && cp_in(dg->not_before, t[k - 1])) ||
			    (k + 2 < n && (cp_in(dg->not_after, t[k + 2]) || t[k + 2] == t[k])) ||
			    (k > 0 && t[k - 1] == t[k]) || span_quoted(ps, k, k + 2))
				break;
			fd = gw_at(ps->out, ps->doc, ps->i, k, k + 2, "GW-LANG-005", W,
				   GW_FIX_SUGGEST, "字词重复：“%s%s”", dg->ch, dg->ch);
			gw_finding_suggest(fd, "删去一个“%s”", dg->ch);
			break;
		}
	}
}

/* --- document-level GW-TYPE rules ----------------------------------------- */

static bool para_has(const struct gw_para *p, const char *pat, size_t *s, size_t *e)
{
	return gw_re(pat, p, 0, s, e, NULL, 0);
}

/* GW-TYPE-001: 请示 一文一事 (条例 第十五条(四)): an explicit second
 * request ("同时请示", "另外恳请" …), or two request sentences besides the
 * closing formula. */
static void rule_one_request(struct gw_doc *doc, struct gw_findings *out)
{
	long first = -1;
	size_t requests = 0;

	if (doc->doc_type != DT_QINGSHI)
		return;
	for (size_t i = 0; i < doc->n; i++) {
		const struct gw_para *p = &doc->paras[i];
		size_t s;
		size_t e;
		size_t from = 0;

		if (!body_role(p->role))
			continue;
		if (para_has(
			p,
			"同时请示|一并请示|另行请示|同时(?:恳请|申请|请求)|另外(?:恳请|申请|请求)|"
			"此外，?(?:恳请|申请|请求)|并(?:恳请|请求)",
			&s, &e)) {
			char *what = ustr_to_utf8(&p->text, s, e);

			gw_at(out, doc, i, s, e, "GW-TYPE-001", E, GW_FIX_MANUAL,
			      "请示应当一文一事（条例第十五条），“%s”表明一文请示了多个事项", what);
			free(what);
			return;
		}
		while (
		    from < p->text.len &&
		    gw_re(
			"[^。；！]*(?:恳请|请求(?:批准|解决|安排|支持|核拨)|请予(?:批准|审批|核拨|"
			"同意|安排|解决)|申请(?:安排|拨付|核拨|批准))[^。；！]*",
			p, from, &s, &e, NULL, 0)) {
			size_t s2;
			size_t e2;

			from = e + 1;
			/* the closing formula "特此请示，请予批准" is not a request */
			if (text_re_search(text_re_get("^\\s*(?:特此请示|以上请示|妥否|当否|以上)"),
					   p->text.p + s, e - s, 0, &s2, &e2, NULL, 0))
				continue;
			if (first < 0)
				first = (long)i;
			requests++;
		}
	}
	if (requests >= 2)
		gw_at(out, doc, (size_t)first, 0, doc->paras[first].text.len, "GW-TYPE-001", E,
		      GW_FIX_MANUAL,
		      "请示应当一文一事（条例第十五条）：全文有%zu处请求批准的表述，"
		      "不同事项应分别请示",
		      requests);
}

/* Split the 主送 paragraph into organ names. Returns the count; names[k]
 * receives [start,end) pairs (up to max). */
static size_t split_organs(const struct gw_para *p, size_t (*names)[2], size_t max)
{
	size_t a;
	size_t b;
	size_t n = 0;
	size_t start;

	gw_strip(p, &a, &b);
	while (b > a && (p->text.p[b - 1] == 0xFF1A || p->text.p[b - 1] == ':'))
		b--;
	start = a;
	for (size_t k = a; k <= b; k++) {
		uint32_t c = k < b ? p->text.p[k] : 0x3001;

		if (c != 0x3001 && c != 0xFF0C && c != ',' && c != 0xFF1B && c != ';')
			continue;
		if (k > start && n < max) {
			names[n][0] = start;
			names[n][1] = k;
			n++;
		}
		start = k + 1;
	}
	return n;
}

/* GW-TYPE-003 (one 主送 for 上行文) and GW-TYPE-007 (no persons). */
static void rule_upward_to(struct gw_doc *doc, struct gw_findings *out)
{
	const struct gw_para *p;
	size_t names[16][2];
	size_t n;

	if (!gw_doc_type_upward(doc->doc_type) || doc->to < 0)
		return;
	p = &doc->paras[doc->to];
	n = split_organs(p, names, ARRAY_LEN(names));
	if (n > 1)
		gw_at(out, doc, (size_t)doc->to, names[0][0], names[n - 1][1], "GW-TYPE-003", W,
		      GW_FIX_MANUAL,
		      "上行文原则上只主送一个上级机关（本文主送%zu个），需要时抄送其他机关", n);
	for (size_t k = 0; k < n; k++) {
		size_t s;
		size_t e;

		if (text_re_search(text_re_get("(?:同志|局长|书记|主任|市长|省长|县长|区长|部长|"
					       "厅长|处长|科长|主席|总理|秘书长|委员长|院长|镇长|"
					       "乡长|行长|董事长|总经理|领导)$|同志"),
				   p->text.p + names[k][0], names[k][1] - names[k][0], 0, &s, &e,
				   NULL, 0)) {
			gw_at(out, doc, (size_t)doc->to, names[k][0], names[k][1], "GW-TYPE-007", E,
			      GW_FIX_MANUAL,
			      "不得以本机关名义向上级机关负责人报送公文，主送应为机关（条例第十五条"
			      "）");
			break;
		}
	}
}

/* GW-TYPE-008: 内设机构 (other than 办公厅/室) do not issue 公文. */
static void rule_internal_organ(struct gw_doc *doc, struct gw_findings *out)
{
	for (size_t i = 0; i < doc->n; i++) {
		const struct gw_para *p = &doc->paras[i];
		size_t a;
		size_t b;
		size_t s;
		size_t e;

		if (p->role != GW_ROLE_MARK && p->role != GW_ROLE_SIG)
			continue;
		gw_strip(p, &a, &b);
		if (p->role == GW_ROLE_MARK && text_ucs_has_suffix(p->text.p + a, b - a, "文件"))
			b -= 2;
		/* An organ name, then a unit of it: "示例市财政局预算处". The
		 * pattern ends in "[处科股室]$", and "$" may stand only before
		 * a final newline besides the end: a Han last character
		 * other than those four ends no match. */
		if (b > a && gw_lexicon_path != 2 && text_is_han(p->text.p[b - 1]) &&
		    !cp_in("处科股室", p->text.p[b - 1]))
			continue;
		if (b > a &&
		    text_re_search(text_re_get("(?:局|厅|委|部|院|署|办|政府|公司|大学|学院|"
					       "学校|中心|集团|银行)[^\\s局厅委部院署]{1,10}"
					       "[处科股室]$(?<!办公室|研究室|办事处)"),
				   p->text.p + a, b - a, 0, &s, &e, NULL, 0)) {
			gw_at(out, doc, i, a, b, "GW-TYPE-008", W, GW_FIX_MANUAL,
			      "部门内设机构（办公厅、办公室除外）不得对外正式行文（条例第十七条）");
			return;
		}
	}
}

/* GW-TYPE-006: a 请示 that 转报 a subordinate's 请示 states its own view. */
static void rule_forwarded_request(struct gw_doc *doc, struct gw_findings *out)
{
	long at = -1;
	size_t as = 0;
	size_t ae = 0;

	if (doc->doc_type != DT_QINGSHI)
		return;
	for (size_t i = 0; i < doc->n; i++) {
		const struct gw_para *p = &doc->paras[i];
		size_t s;
		size_t e;

		if (!body_role(p->role) && p->role != GW_ROLE_TITLE)
			continue;
		if (at < 0 && para_has(p, "转报", &s, &e)) {
			at = (long)i;
			as = s;
			ae = e;
		}
		if (body_role(p->role) &&
		    para_has(
			p,
			"建议|拟同意|同意|经审核|经研究|审核意见|我[局委厅部府市县区办]认为|倾向",
			&s, &e))
			return;
	}
	if (at >= 0)
		gw_at(out, doc, (size_t)at, as, ae, "GW-TYPE-006", W, GW_FIX_MANUAL,
		      "转报下级机关的请示应提出本机关的倾向性意见（条例第十五条）");
}

/* GW-TYPE-009: 批复 cites the 请示 it answers, with its 发文字号. */
static void rule_reply_cites(struct gw_doc *doc, struct gw_findings *out)
{
	size_t s;
	size_t e;
	bool title;
	bool number;

	if (doc->doc_type != DT_PIFU)
		return;
	for (size_t i = 0; i < doc->n; i++) {
		const struct gw_para *p = &doc->paras[i];

		size_t a;
		size_t b;

		if (!body_role(p->role))
			continue;
		/* a 主送 line the role detector took for body, an adoption note */
		gw_strip(p, &a, &b);
		if (b == a ||
		    (p->text.p[b - 1] == 0xFF1A && text_ucs_find(p->text.p, b, a, "。") < 0) ||
		    para_has(p, "^[（(]?[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日|(?:通过|施行)[）)]?$",
			     &s, &e))
			continue;
		title = para_has(p, "《[^》]*请示》", &s, &e);
		number = para_has(p, "[〔\\[【(（][0-9０-９]{4}[〕\\]】)）]\\s*[0-9０-９]+\\s*号",
				  &s, &e);
		if (title && number)
			return;
		gw_at(
		    out, doc, i, 0, p->text.len, "GW-TYPE-009", W, GW_FIX_MANUAL,
		    "批复开头应引述来文标题和发文字号，如“你局《关于……的请示》（×〔2025〕×号）收悉”"
		    "（本段缺%s）",
		    !title && !number ? "来文标题和发文字号"
		    : !title	      ? "《……请示》"
				      : "发文字号");
		return;
	}
}

/* GW-TYPE-010: the closing formula fits the 文种. */
static int closing_type(const uint32_t *p, size_t n)
{
	static const struct {
		const char *word;
		int type;
	} map[] = {{"报告", DT_BAOGAO},	 {"请示", DT_QINGSHI}, {"函告", DT_HAN},
		   {"函复", DT_HAN},	 {"函达", DT_HAN},     {"批复", DT_PIFU},
		   {"通知", DT_TONGZHI}, {"通报", DT_TONGBAO}, {"公告", DT_GONGGAO},
		   {"通告", DT_TONGGAO}, {"决定", DT_JUEDING}};

	for (size_t k = 0; k < ARRAY_LEN(map); k++) {
		if (text_ucs_eq(p, n, map[k].word))
			return map[k].type;
	}
	return -1;
}

static const char *closing_for(int t)
{
	switch (t) {
	case DT_QINGSHI:
		return "妥否，请批示。／特此请示，请予批准。";
	case DT_BAOGAO:
		return "特此报告。";
	case DT_HAN:
		return "特此函告。／请予函复。／特此函复。";
	case DT_PIFU:
		return "此复。／特此批复。";
	case DT_TONGZHI:
		return "特此通知。";
	case DT_TONGBAO:
		return "特此通报。";
	case DT_GONGGAO:
		return "特此公告。";
	case DT_TONGGAO:
		return "特此通告。";
	default:
		return "（删去结束语）";
	}
}

static void rule_closing(struct gw_doc *doc, struct gw_findings *out)
{
	int t = doc->doc_type;
	long last = -1;
	const struct gw_para *p;
	size_t s;
	size_t e;
	long g[4];
	int got;

	if (t != DT_JUEDING && t != DT_GONGGAO && t != DT_TONGGAO && t != DT_TONGZHI &&
	    t != DT_TONGBAO && t != DT_BAOGAO && t != DT_QINGSHI && t != DT_PIFU && t != DT_HAN)
		return;
	for (size_t i = 0; i < doc->n; i++) {
		if (doc->paras[i].role == GW_ROLE_BODY)
			last = (long)i;
	}
	if (last < 0)
		return;
	p = &doc->paras[last];
	/* both alternatives of the pattern have a 此 */
	if (gw_lexicon_path != 2 && !gw_para_may_have(p, 0x6B64 /* 此 */))
		return;
	if (!gw_re("(?:特此(报告|请示|函告|函复|函达|批复|通知|通报|公告|通告|决定)|(此复))[。！]?"
		   "\\s*$",
		   p, 0, &s, &e, g, 2))
		return;
	if (g[2] >= 0)
		got = DT_PIFU; /* 此复: 批复 and 复函 */
	else
		got = closing_type(p->text.p + g[0], (size_t)(g[1] - g[0]));
	if (got < 0 || got == t || (t == DT_HAN && got == DT_PIFU && g[2] >= 0))
		return;
	{
		struct gw_finding *fd = gw_at(out, doc, (size_t)last, s, e, "GW-TYPE-010", W,
					      GW_FIX_SUGGEST, "结束语与文种不符：%s不用“%s”",
					      gw_doc_types[t], g[2] >= 0 ? "此复" : "特此…");
		gw_finding_suggest(fd, "%s", closing_for(t));
	}
}

/* GW-TYPE-013: a 纪要 records what was 议定, not only what was discussed. */
static void rule_minutes(struct gw_doc *doc, struct gw_findings *out)
{
	if (doc->doc_type != DT_JIYAO || doc->title < 0)
		return;
	for (size_t i = 0; i < doc->n; i++) {
		size_t s;
		size_t e;

		if (body_role(doc->paras[i].role) &&
		    para_has(&doc->paras[i],
			     "会议(?:原则)?(?:议定|决定|同意|通过|确定|明确|要求|强调|指出|认为)|"
			     "议定事项",
			     &s, &e))
			return;
	}
	gw_at(out, doc, (size_t)doc->title, 0, doc->paras[doc->title].text.len, "GW-TYPE-013", I,
	      GW_FIX_MANUAL,
	      "纪要应写明会议议定事项（“会议议定/决定/同意/要求……”），区分讨论情况与决定事项");
}

static long ucs_find(const uint32_t *hay, size_t n, const uint32_t *needle, size_t m, size_t from)
{
	for (size_t k = from; k + m <= n; k++) {
		if (memcmp(hay + k, needle, m * sizeof(uint32_t)) == 0)
			return (long)k;
	}
	return -1;
}

/* Characters that may precede a word used on its own ("由市监局负责"), as
 * opposed to the tail of a longer name ("国务院体育主管部门"). */
#define WORD_START_BEFORE "的在由对与和及向经会同请将把按从各并或被给为是"

/* GW-LANG-009: an abbreviation is used only after it is introduced, as
 * "（以下简称“市监局”）" or "（以下简称《办法》）". Abbreviations contained in
 * the full name before the parenthesis ("中国人民银行（以下简称“人民银行”）")
 * are not judged: their earlier occurrences are the full name. */
static void rule_abbreviation(struct gw_doc *doc, struct gw_findings *out)
{
	for (size_t i = 0; i < doc->n; i++) {
		const struct gw_para *p = &doc->paras[i];
		size_t from = 0;
		size_t s;
		size_t e;
		long g[4];

		/* the pattern needs 简称 */
		if (!prose_role(p->role) || !gw_para_may_have(p, 0x7B80) ||
		    !gw_para_may_have(p, 0x79F0))
			continue;
		while (gw_re(
		    "[（(]\\s*(?:以下)?简称\\s*(?:“([^”）)，。、]{2,12})”|(《[^》）)]{1,12}》))"
		    "\\s*[）)]",
		    p, from, &s, &e, g, 2)) {
			bool book = g[0] < 0;
			size_t a0 = (size_t)(book ? g[2] : g[0]);
			size_t alen = (size_t)(book ? g[3] - g[2] : g[1] - g[0]);
			const uint32_t *abbr = p->text.p + a0;
			size_t name_from = s > 24 ? s - 24 : 0;
			bool found = false;

			from = e;
			if (ucs_find(p->text.p, s, abbr, alen, name_from) >= 0)
				continue;
			for (size_t j = 0; j < i && !found; j++) {
				const struct gw_para *q = &doc->paras[j];
				long k = -1;

				if (!body_role(q->role))
					continue;
				while (!found && (k = ucs_find(q->text.p, q->text.len, abbr, alen,
							       (size_t)(k + 1))) >= 0) {
					uint32_t before = k > 0 ? q->text.p[k - 1] : ' ';

					if (!book && (pos_quoted(q, (size_t)k) ||
						      (text_is_han(before) &&
						       !cp_in(WORD_START_BEFORE, before))))
						continue;
					gw_at(out, doc, j, (size_t)k, (size_t)k + alen,
					      "GW-LANG-009", I, GW_FIX_MANUAL,
					      "简称在第%zu段定义（“以下简称”）之前已经使用，"
					      "首次出现时应使用全称",
					      i);
					found = true;
				}
			}
		}
	}
}

void gw_rules_lexicon(struct gw_doc *doc, struct gw_findings *out)
{
	struct para_scan ps;

	/* xiang_cue guards the rule at CTX_XIANG */
	assert(strcmp(ctx_need[CTX_XIANG], "象") == 0);
	pthread_once(&lex_once, lexicon_build);
	memset(&ps, 0, sizeof(ps));
	ps.doc = doc;
	ps.out = out;
	ps.reference = gw_lexicon_path == 2;
	ps.han_down = han_answers_subordinate(doc);
	for (int c = 0; c < LX_NCLASS; c++) {
		ps.fidx[c] = -1;
		buf_init(&ps.items[c], 4096);
	}
	for (size_t i = 0; i < doc->n; i++) {
		const struct gw_para *p = &doc->paras[i];

		if (!prose_role(p->role) || p->text.len == 0)
			continue;
		ps.i = i;
		ps.quoted_ready = false;
		if (ps.reference)
			lex_scan_reference(&ps);
		else
			lex_scan(&ps);
		lex_finish(&ps);
		ctx_scan(&ps);
		dup_scan(&ps);
	}
	for (int c = 0; c < LX_NCLASS; c++)
		buf_free(&ps.items[c]);
	free(ps.quoted);
	rule_one_request(doc, out);
	rule_upward_to(doc, out);
	rule_internal_organ(doc, out);
	rule_forwarded_request(doc, out);
	rule_reply_cites(doc, out);
	rule_closing(doc, out);
	rule_minutes(doc, out);
	rule_abbreviation(doc, out);
}
