/*
 * privacy/pii_context: personal names and detailed addresses, found from
 * their context (see privacy.h). Works on the normalized text q.
 */
#include <pthread.h>
#include <string.h>

#include "privacy/pii_internal.h"
#include "text/regex.h"

/* ---- literal lists, decoded once ---- */

#define LIT_MAX 16 /* code points of the longest literal in the lists below */

struct lits {
	const char *const *src;
	size_t n;
	uint32_t (*cp)[LIT_MAX];
	uint8_t *len;
};

static void lits_decode(struct lits *l)
{
	l->cp = xcalloc(l->n, sizeof(*l->cp));
	l->len = xcalloc(l->n, 1);
	for (size_t k = 0; k < l->n; k++) {
		const char *s = l->src[k];
		size_t slen = strlen(s);
		size_t i = 0;

		while (i < slen && l->len[k] < LIT_MAX) {
			uint32_t c;

			i += text_utf8_decode(s + i, slen - i, &c);
			l->cp[k][l->len[k]++] = c;
		}
	}
}

/* Length of the first literal of l that starts q[i..n), or 0. */
static size_t lits_prefix(const struct lits *l, const uint32_t *q, size_t n, size_t i)
{
	for (size_t k = 0; k < l->n; k++) {
		size_t len = l->len[k];

		if (len <= n - i && q[i] == l->cp[k][0] &&
		    memcmp(q + i, l->cp[k], len * sizeof(uint32_t)) == 0)
			return len;
	}
	return 0;
}

/* Does q[0..a) end with one of l? */
static bool lits_suffix(const struct lits *l, const uint32_t *q, size_t a)
{
	for (size_t k = 0; k < l->n; k++) {
		size_t len = l->len[k];

		if (len <= a && memcmp(q + a - len, l->cp[k], len * sizeof(uint32_t)) == 0)
			return true;
	}
	return false;
}

/* ---- surnames ---- */

/* Single-character surnames, most frequent first; the first part (up to
 * the '|') are the common ones, used to break ties. */
static const char surnames_common[] =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲"
    "房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝";
static const char surnames_rare[] =
    "官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆"
    "朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母"
    "裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信"
    "展阴昝智幸奉植衡富尧闭由";
static const char *const compound_surnames[] = {
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "公孙", "夏侯", "尉迟", "长孙",
    "宇文", "司徒", "端木", "慕容", "西门", "南宫", "独孤", "呼延", "轩辕", "澹台", "公冶",
    "太史", "申屠", "钟离", "闻人", "万俟", "拓跋", "百里", "东郭", "第五", "赫连", "左丘"};

/* Characters that do not occur in given names (function words, units,
 * organisation suffixes): a run containing one is not a name. */
static const char given_stop[] =
    "的了是在和与及或等们这那其某之所为被把从向对给让着过吗呢吧啊年月日"
    "时分号室栋区市县省镇村路街道公司局委办院厅部处科会体位些种员名"
    "人家您我你他她它各该本每此某领导负责主要有关相关全体广大当应须需将已"
    "未不没无也还再又就都只老";

/* Characters that may be a surname but in front of a name are usually a
 * word of their own (由崔然同志 is 崔然). */
static const char weak_surname[] = "由向和与及请对经让将把被从自以为是在同给问据称系即并或到等于";

static struct lits lit_compound = {compound_surnames, ARRAY_LEN(compound_surnames), NULL, NULL};
static struct lits lit_followers;
static struct lits lit_titles;
static struct lits lit_cues;
static struct lits lit_provinces;
static struct lits lit_cities;
static pthread_once_t lits_once = PTHREAD_ONCE_INIT;
static void lits_init(void);

static size_t compound_at(const uint32_t *q, size_t n, size_t i)
{
	return lits_prefix(&lit_compound, q, n, i) ? 2 : 0;
}

static bool is_surname(uint32_t c)
{
	return privacy_char_in(surnames_common, c) || privacy_char_in(surnames_rare, c);
}

/* Surname length at q[i] (2 compound, 1 single, 0 none). */
static size_t surname_at(const uint32_t *q, size_t n, size_t i)
{
	if (i >= n)
		return 0;
	if (i + 1 < n && compound_at(q, n, i))
		return 2;
	return is_surname(q[i]) ? 1 : 0;
}

/* q[a..b) is a plausible full name: Han only, surname first, 1-2 given
 * characters, none of them a stop character. */
static bool name_shape(const uint32_t *q, size_t n, size_t a, size_t b)
{
	size_t sl;
	size_t len = b - a;

	if (b > n || len < 2 || len > 4)
		return false;
	for (size_t i = a; i < b; i++) {
		if (!text_is_han(q[i]))
			return false;
	}
	sl = surname_at(q, n, a);
	if (sl == 0 || len < sl + 1 || len > sl + 2)
		return false;
	if (sl == 1 && len == 4)
		return false;
	for (size_t i = a + sl; i < b; i++) {
		if (privacy_char_in(given_stop, q[i]))
			return false;
	}
	/* 张先生, 李女士: a surname and a title, not a full name. */
	return lits_prefix(&lit_titles, q, b, a + sl) == 0;
}

static size_t han_run(const uint32_t *q, size_t n, size_t i)
{
	size_t k = i;

	while (k < n && text_is_han(q[k]))
		k++;
	return k - i;
}

/* Words that may follow a name without punctuation. */
static const char *const name_followers[] = {
    "先生", "女士", "同志", "等", "住", "系", "现住", "家住", "男",   "女",   "性别", "身份",
    "电话", "手机", "联系", "于", "在", "因", "称",   "签",   "诉",   "反映", "来电", "来信",
    "的",   "和",   "与",   "及", "是", "为", "已",   "向",   "要求", "表示", "同意", "承诺"};

static bool follower_at(const uint32_t *q, size_t n, size_t i)
{
	return lits_prefix(&lit_followers, q, n, i) > 0;
}

static const char *const titles[] = {"同志", "先生", "女士"};

static size_t title_at(const uint32_t *q, size_t n, size_t i)
{
	return lits_prefix(&lit_titles, q, n, i);
}

/* A name right after a label: the whole Han run when it has the shape of a
 * name, else its first 2-4 characters when a follower word comes next.
 * Returns the end of the name, or 0. */
static size_t label_name(const uint32_t *q, size_t n, size_t pos)
{
	size_t run = han_run(q, n, pos);
	size_t sl = surname_at(q, n, pos);

	if (sl == 0 || run < 2)
		return 0;
	if (run <= sl + 2 && name_shape(q, n, pos, pos + run))
		return pos + run;
	for (size_t len = sl + 2; len >= sl + 1; len--) {
		if (run > len && name_shape(q, n, pos, pos + len) && follower_at(q, n, pos + len))
			return pos + len;
	}
	return 0;
}

/* Labels after which a person's name is written (申请人：, 【来电人】 …);
 * an optional parenthesis such as （签名） may stand before the colon. */
static const char re_name_label[] =
    "(?:申请人姓名|当事人姓名|联系人姓名|被申请人姓名|姓[ 　]*名|申请人|联系人|户名|账户名|开户名|"
    "持卡人|来电人|来信人|信访人|投诉人|举报人|被反映人|反映人|法定代表人|负责人|经办人|"
    "委托代理人|代理人|当事人|寄件人|收件人|受送达人|送达人|原告|被告|第三人|被上诉人|上诉人|"
    "申请执行人|被执行人|被申请人|监护人|签名|签字|出席|列席|参加人员|参会人员|记录人|主持人|"
    "承办人|见证人|被询问人|询问人|检查人|业主|车主|租户|房东|患者|家长|报案人|受害人|"
    "嫌疑人|驾驶人|驾驶员|收款人|付款人|领款人|代办人|紧急联系人|担保人|借款人|出借人|"
    "签收人|填表人|报告人|申报人|办理人|受理人|调查人|被调查人|被检查人|陪同人|证人|户主|"
    "配偶|法人代表|经营者|承租人|出租人|缴款人|领取人|申领人|持证人|被投诉人|被举报人)"
    "(?:[（(][^）)\\n]{0,10}[）)])?[ \\t　]*[：:][ \\t　]*"
    "|【(?:来电人|联系人|申请人|反映人|投诉人|举报人|当事人|姓名|户名|信访人|来信人|寄件人|"
    "收件人)】[ \\t　]*";

/* One label match: the name(s) after it. */
static void label_match(const uint32_t *q, size_t n, size_t s, size_t e, const long *g, void *arg)
{
	struct privacy_spans *cand = arg;
	size_t at = e;

	(void)s;
	(void)g;
	for (;;) {
		size_t end = label_name(q, n, at);

		if (end == 0)
			break;
		privacy_span_add(cand, at, end, PRIVACY_PII_NAME);
		at = end + title_at(q, n, end);
		/* Lists: 送达人：张三、李四 */
		if (at + 1 < n && q[at] == 0x3001 && surname_at(q, n, at + 1) > 0)
			at++;
		else
			break;
	}
}

/* What may stand right before a name in running text: a label ending in
 * 人 (申请人, 经办人), people words and function words. */
static const char *const name_cues[] = {
    "人",   "车主", "业主", "户主", "市民", "居民", "村民", "群众", "联系", "收到", "通知",
    "告知", "邀请", "委托", "陪同", "员",   "由",   "请",   "与",   "和",   "及",   "向",
    "对",   "经",   "派",   "让",   "同",   "即",   "系",   "为",   "是",   "给",   "等",
    "据",   "称",   "并",   "或",   "将",   "把",   "被",   "从",   "找",   "问",   "叫",
    "的",   "日",   "时",   "家属", "客户", "用户", "乘客", "司机", "网友", "老人", "学生",
    "教师", "律师", "医生", "记者", "代表", "主任", "局长", "书记", "经理", "其父", "其母"};

static bool cue_before(const uint32_t *q, size_t a)
{
	if (a == 0 || !text_is_han(q[a - 1]))
		return true;
	return lits_suffix(&lit_cues, q, a);
}

/* A name written before 同志/先生/女士 ending at t. */
static void name_before_title(const uint32_t *q, size_t n, size_t t, struct privacy_spans *cand)
{
	size_t best = 0; /* length */
	bool ok3 = false;
	bool ok2 = false;
	bool v3;
	bool v2;

	/* Compound surnames first: 诸葛亮先生, 欧阳明月女士. */
	for (size_t len = 4; len >= 3; len--) {
		if (t >= len && compound_at(q, n, t - len) && name_shape(q, n, t - len, t) &&
		    cue_before(q, t - len)) {
			privacy_span_add(cand, t - len, t, PRIVACY_PII_NAME);
			return;
		}
	}
	v3 = t >= 3 && surname_at(q, n, t - 3) == 1 && name_shape(q, n, t - 3, t);
	v2 = t >= 2 && surname_at(q, n, t - 2) == 1 && name_shape(q, n, t - 2, t);
	ok3 = v3 && cue_before(q, t - 3);
	ok2 = v2 && cue_before(q, t - 2);
	if (ok3 && ok2)
		best = privacy_char_in(weak_surname, q[t - 3]) &&
			       privacy_char_in(surnames_common, q[t - 2])
			   ? 2
			   : 3;
	else if (ok3)
		best = 3;
	else if (ok2)
		best = 2;
	else if (v3 && privacy_char_in(surnames_common, q[t - 3]) &&
		 !privacy_char_in(weak_surname, q[t - 3]))
		best = 3;
	else if (v2 && privacy_char_in(surnames_common, q[t - 2]))
		best = 2;
	if (best == 0)
		return;
	privacy_span_add(cand, t - best, t, PRIVACY_PII_NAME);
	/* 王五、赵六同志: earlier names of a 、-list share the title. */
	for (size_t a = t - best; a > 0 && q[a - 1] == 0x3001;) {
		size_t len = 0;

		for (size_t l = 3; l >= 2 && len == 0; l--) {
			if (a - 1 >= l && name_shape(q, n, a - 1 - l, a - 1) &&
			    (cue_before(q, a - 1 - l) || q[a - 2 - l] == 0x3001))
				len = l;
		}
		if (len == 0)
			break;
		privacy_span_add(cand, a - 1 - len, a - 1, PRIVACY_PII_NAME);
		a = a - 1 - len;
	}
}

static void title_match(const uint32_t *q, size_t n, size_t s, size_t e, const long *g, void *arg)
{
	(void)e;
	(void)g;
	name_before_title(q, n, s, arg);
}

/* A few labels are also written without a colon (来电人张伟反映 …); then
 * the name must be followed by punctuation or a title. */
static const char re_name_label_bare[] =
    "(?:来电人|来信人|信访人|投诉人|举报人|联系人|当事人|户主|被申请人|申请人|法定代表人|"
    "负责人|经办人|签收人|驾驶人)(?=\\p{Han})";

static void bare_label_match(const uint32_t *q, size_t n, size_t s, size_t e, const long *g,
			     void *arg)
{
	size_t run = han_run(q, n, e);
	size_t sl = surname_at(q, n, e);

	(void)s;
	(void)g;
	for (size_t len = sl + 2; sl > 0 && len >= sl + 1; len--) {
		if (len <= run && name_shape(q, n, e, e + len) &&
		    (len == run || follower_at(q, n, e + len))) {
			privacy_span_add(arg, e, e + len, PRIVACY_PII_NAME);
			break;
		}
	}
}

void privacy_scan_names(const uint32_t *q, size_t n, struct privacy_spans *cand)
{
	pthread_once(&lits_once, lits_init);
	privacy_re_each(re_name_label, q, n, label_match, cand);
	privacy_re_each(re_name_label_bare, q, n, bare_label_match, cand);
	privacy_re_each("同志|先生|女士", q, n, title_match, cand);
}

/* ---- addresses ---- */

#define ADDR_MAX_LEN 72 /* code points from the first administrative part to the end */

static const char *const provinces[] = {"北京市",
					"天津市",
					"上海市",
					"重庆市",
					"河北省",
					"山西省",
					"辽宁省",
					"吉林省",
					"黑龙江省",
					"江苏省",
					"浙江省",
					"安徽省",
					"福建省",
					"江西省",
					"山东省",
					"河南省",
					"湖北省",
					"湖南省",
					"广东省",
					"海南省",
					"四川省",
					"贵州省",
					"云南省",
					"陕西省",
					"甘肃省",
					"青海省",
					"台湾省",
					"内蒙古自治区",
					"广西壮族自治区",
					"西藏自治区",
					"宁夏回族自治区",
					"新疆维吾尔自治区",
					"香港特别行政区",
					"澳门特别行政区",
					"内蒙古",
					"广西",
					"宁夏",
					"新疆",
					"西藏"};

/* Prefecture-level cities written without a province (a gazetteer for the
 * cases where the character before the city is an ordinary word). */
static const char *const cities[] = {
    "广州市", "深圳市",	    "珠海市", "汕头市",	  "佛山市", "韶关市",	"湛江市", "肇庆市",
    "江门市", "茂名市",	    "惠州市", "梅州市",	  "汕尾市", "河源市",	"阳江市", "清远市",
    "东莞市", "中山市",	    "潮州市", "揭阳市",	  "云浮市", "南京市",	"无锡市", "徐州市",
    "常州市", "苏州市",	    "南通市", "连云港市", "淮安市", "盐城市",	"扬州市", "镇江市",
    "泰州市", "宿迁市",	    "南昌市", "景德镇市", "萍乡市", "九江市",	"新余市", "鹰潭市",
    "赣州市", "吉安市",	    "宜春市", "抚州市",	  "上饶市", "济南市",	"青岛市", "淄博市",
    "枣庄市", "东营市",	    "烟台市", "潍坊市",	  "济宁市", "泰安市",	"威海市", "日照市",
    "临沂市", "德州市",	    "聊城市", "滨州市",	  "菏泽市", "石家庄市", "太原市", "呼和浩特市",
    "沈阳市", "大连市",	    "长春市", "哈尔滨市", "杭州市", "宁波市",	"温州市", "合肥市",
    "福州市", "厦门市",	    "泉州市", "郑州市",	  "武汉市", "长沙市",	"南宁市", "海口市",
    "三亚市", "成都市",	    "贵阳市", "昆明市",	  "拉萨市", "西安市",	"兰州市", "西宁市",
    "银川市", "乌鲁木齐市", "唐山市", "保定市",	  "洛阳市", "襄阳市",	"宜昌市", "株洲市",
    "岳阳市", "绵阳市",	    "桂林市", "柳州市",	  "嘉兴市", "绍兴市",	"金华市", "台州市",
    "湖州市", "芜湖市"};

/* Characters that are not part of a place name but often stand right in
 * front of one (家住, 位于, 反映, 停放在 …). */
static const char place_stop[] =
    "的住在于址是为从自到往向至系即及和与其家居所映诉报现搬迁落坐位租地"
    "去来我他她您你请经对将把被，。、";

static bool run_char(uint32_t c)
{
	return text_is_han(c) || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       (c >= 'a' && c <= 'z') || c == '-' || c == '#';
}

static bool is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

static void lits_init(void)
{
	static const struct {
		struct lits *l;
		const char *const *src;
		size_t n;
	} all[] = {
	    {&lit_compound, compound_surnames, ARRAY_LEN(compound_surnames)},
	    {&lit_followers, name_followers, ARRAY_LEN(name_followers)},
	    {&lit_titles, titles, ARRAY_LEN(titles)},
	    {&lit_cues, name_cues, ARRAY_LEN(name_cues)},
	    {&lit_provinces, provinces, ARRAY_LEN(provinces)},
	    {&lit_cities, cities, ARRAY_LEN(cities)},
	};

	for (size_t i = 0; i < ARRAY_LEN(all); i++) {
		all[i].l->src = all[i].src;
		all[i].l->n = all[i].n;
		lits_decode(all[i].l);
	}
}

/* An administrative part starts at s (returns its length, 0 if not): a
 * province or gazetteer city anywhere, or 2-4 name characters + 市/区/县/州/旗
 * when what comes before s is not part of a name. */
static size_t admin_at(const uint32_t *q, size_t n, size_t rs, size_t re, size_t s)
{
	size_t len = lits_prefix(&lit_provinces, q, re, s);

	(void)n;
	if (len == 0)
		len = lits_prefix(&lit_cities, q, re, s);
	if (len > 0)
		return len;
	if (s > rs && !privacy_char_in(place_stop, q[s - 1]))
		return 0;
	for (size_t k = s; k < re && k < s + 5; k++) {
		uint32_t c = q[k];

		if (!text_is_han(c) || privacy_char_in(place_stop, c))
			return 0;
		if (k >= s + 2 && (c == 0x5E02 /* 市 */ || c == 0x533A /* 区 */ ||
				   c == 0x53BF /* 县 */ || c == 0x65D7 /* 旗 */))
			return k + 1 - s;
	}
	return 0;
}

/* Parts of a street address below the district. */
static const char street_chars[] =
    "路街道巷弄村园苑城府镇乡场栋幢座号里庭阁院馆庄屯组厦寓湾区坊舍墅寨";

/* End of the last house/room number in q[from..limit), or 0: digits +
 * 号/室/房 (not 第…号, which numbers documents), or 座/栋/幢/单元/号楼 +
 * a room number of at least three digits. */
static size_t last_number_end(const uint32_t *q, size_t from, size_t limit)
{
	size_t best = 0;

	for (size_t i = from; i < limit; i++) {
		size_t d;

		if (!is_digit(q[i]) || (i > from && is_digit(q[i - 1])))
			continue;
		d = i;
		while (d < limit && is_digit(q[d]))
			d++;
		if (d < limit && (q[d] == 0x53F7 /* 号 */ || q[d] == 0x5BA4 /* 室 */ ||
				  q[d] == 0x623F /* 房 */)) {
			if (!(i > 0 && q[i - 1] == 0x7B2C /* 第 */))
				best = d + 1;
		} else if (d - i >= 3 && i > from &&
			   (q[i - 1] == 0x5EA7 /* 座 */ || q[i - 1] == 0x680B /* 栋 */ ||
			    q[i - 1] == 0x5E62 /* 幢 */ || q[i - 1] == 0x5143 /* 元 of 单元 */ ||
			    q[i - 1] == 0x697C /* 楼 */)) {
			best = d;
		}
	}
	return best;
}

/* A road, street, community or building part before the first number
 * (福田区地铁2号线 has none: 地铁 is not a place below the district). */
static bool has_street_part(const uint32_t *q, size_t a, size_t b)
{
	for (size_t i = a; i < b && !is_digit(q[i]); i++) {
		if (privacy_char_in(street_chars, q[i]))
			return true;
	}
	return false;
}

static bool run_has_number_unit(const uint32_t *q, size_t rs, size_t re)
{
	for (size_t i = rs + 1; i < re; i++) {
		if (is_digit(q[i - 1]) && !is_digit(q[i]))
			return true;
	}
	return false;
}

static void addresses_in_run(const uint32_t *q, size_t n, size_t rs, size_t re,
			     struct privacy_spans *cand)
{
	size_t pos = rs;

	if (!run_has_number_unit(q, rs, re))
		return;
	while (pos < re) {
		bool found = false;

		for (size_t s = pos; s < re; s++) {
			size_t alen;
			size_t limit;
			size_t end;

			if (!text_is_han(q[s]))
				continue;
			alen = admin_at(q, n, rs, re, s);
			if (alen == 0)
				continue;
			limit = s + ADDR_MAX_LEN < re ? s + ADDR_MAX_LEN : re;
			end = last_number_end(q, s + alen, limit);
			if (end == 0 || !has_street_part(q, s + alen, end))
				continue;
			privacy_span_add(cand, s, end, PRIVACY_PII_ADDRESS);
			pos = end;
			found = true;
			break;
		}
		if (!found)
			break;
	}
}

void privacy_scan_addresses(const uint32_t *q, size_t n, struct privacy_spans *cand)
{
	pthread_once(&lits_once, lits_init);
	size_t i = 0;

	while (i < n) {
		size_t rs;

		while (i < n && !run_char(q[i]))
			i++;
		rs = i;
		while (i < n && run_char(q[i]))
			i++;
		if (i > rs)
			addresses_in_run(q, n, rs, i, cand);
	}
}
