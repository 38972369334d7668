/*
 * gw_role_match against its definition: the patterns of role detection
 * (gw_role_patterns) run with PCRE2, which gw_role_match only asks where a
 * character that may be \s or a newline leaves the answer open. Every
 * text of up to two characters over an alphabet of the patterns' own
 * characters, digits of every kind, separators, true and false Unicode
 * spaces and every kind of newline, then texts made from a matching
 * example of each pattern by a few random edits, and random texts.
 */
#include <stdint.h>

#include "gongwen/gongwen.h"
#include "test.h"
#include "text/regex.h"

static const uint32_t alphabet[] = {
    0x53F7, '0',    '1',    '9',    0xFF10, 0xFF19, 0x3007, 0x96F6, 0x4E00, 0x4E09, 0x5341, 0x4E2D,
    'a',    0x6284, 0x9001, 0x9644, 0x4EF6, 0x5370, 0x53D1, 0x51FA, 0x5E2D, 0x8BF7, 0x5047, 0x5217,
    0x7EDD, 0x673A, 0x79D8, 0x5BC6, 0x2605, 0x7279, 0x6025, 0x52A0, 0x63D0, 0x5E73, 0xFF08, '(',
    0xFF09, ')',    0x5E74, 0x6708, 0x65E5, '-',    '.',    '/',    0xFF0F, 0x25CB, 0xFF2F, 0xFF1A,
    ':',    0xFF1B, ';',    0xFF0C, ',',    0x3002, 0xFF0E, 0x3001, ' ',    '\t',   0x3000, 0x00A0,
    0x2003, 0x200B, 0x01,   0x1F,   '\n',   '\r',   0x2028, 0x0085, 0x0B};

/* a text each pattern matches, in gw_role_patterns order */
static const char *const examples[GW_RP_N][3] = {
    /* the third: as many characters before the number as ".{0,24}?" takes */
    [GW_RP_DOCNO] = {"国办发〔2024〕12号", "京政字第三号",
		     "中中中中中中中中中中中中中中中中中中中中中中中中中6号"},
    [GW_RP_SPACES] = {"a  b", "中\t　文", "  "},
    [GW_RP_COPYNO] = {"000123", "123", "456789"},
    [GW_RP_SECRET] = {"机密★1年", "绝 密", "秘密"},
    [GW_RP_URGENCY] = {"特急", "加 急", "急件"},
    [GW_RP_CC] = {"抄送：各部门", "抄 送", "抄送"},
    [GW_RP_PRINT] = {"某某办公室2024年1月1日印发", "印发", "中印发"},
    [GW_RP_ATTEND] = {"出席：张三", "请假: 李四", "列席 ：王五"},
    [GW_RP_NOTE] = {"（此件公开发布）", "(联系人：张三)", "（）"},
    [GW_RP_DATE] = {"2024年3月1日", "二〇二四年十二月三十日", "２０２４／3-01"},
    [GW_RP_ATT] = {"附件：1. 方案", "附 件:", "附件 ：清单"},
    [GW_RP_ATT_ITEM] = {"1. 方案", "12、清单", "3．表"},
    [GW_RP_END_PUNCT] = {"张三，", "某某单位。", "x;"},
};

static void same(int k, const uint32_t *p, size_t n, int *hits)
{
	size_t s;
	size_t e;
	bool want = text_re_search(text_re_get(gw_role_patterns[k]), p, n, 0, &s, &e, NULL, 0);
	bool got = gw_role_match(k, p, n);

	if (got != want) {
		fprintf(stderr, "  pattern %d on", k);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " U+%04X", (unsigned)p[i]);
		fprintf(stderr, ": %d, PCRE2 %d\n", got, want);
		ASSERT(0);
	}
	hits[want]++;
}

TEST(gw_role_match_same_as_patterns_short_texts)
{
	size_t na = ARRAY_LEN(alphabet);
	uint32_t p[2];
	int hits[2] = {0, 0};

	for (int k = 0; k < GW_RP_N; k++) {
		same(k, p, 0, hits);
		for (size_t x = 0; x < na; x++) {
			p[0] = alphabet[x];
			same(k, p, 1, hits);
			for (size_t y = 0; y < na; y++) {
				p[1] = alphabet[y];
				same(k, p, 2, hits);
			}
		}
	}
	ASSERT(hits[1] > 100);
}

TEST(gw_role_match_same_as_patterns_edited_examples)
{
	uint64_t st = 0x853C49E6748FEA9Bu;
	uint32_t p[48];

	for (int k = 0; k < GW_RP_N; k++) {
		int hits[2] = {0, 0};

		for (int round = 0; round < 6000; round++) {
			struct ustr u;
			size_t n;
			int edits;

			ustr_init(&u);
			ustr_add_cstr(&u, examples[k][round % 3]);
			n = u.len < 40 ? u.len : 40;
			memcpy(p, u.p, n * sizeof(*p));
			ustr_free(&u);
			st = st * 6364136223846793005u + 1442695040888963407u;
			/* some texts unchanged, most with one to three edits */
			edits = (int)((st >> 33) % 5);
			for (int ed = 0; ed < edits && n > 0; ed++) {
				size_t at;
				uint32_t c;

				st = st * 6364136223846793005u + 1442695040888963407u;
				at = (size_t)(st >> 40) % (n + 1);
				c = alphabet[(st >> 20) % ARRAY_LEN(alphabet)];
				switch ((st >> 33) % 3) {
				case 0: /* replace */
					p[at < n ? at : n - 1] = c;
					break;
				case 1: /* insert */
					memmove(p + at + 1, p + at, (n - at) * sizeof(*p));
					p[at] = c;
					n++;
					break;
				default: /* delete */
					if (at < n) {
						memmove(p + at, p + at + 1,
							(n - at - 1) * sizeof(*p));
						n--;
					}
				}
			}
			same(k, p, n, hits);
		}
		/* both answers came up for every pattern */
		ASSERT(hits[0] > 100);
		ASSERT(hits[1] > 100);
	}
}

TEST(gw_role_match_same_as_patterns_random_texts)
{
	uint64_t st = 0xDA3E39CB94B95BDBu;
	uint32_t p[12];
	int hits[2] = {0, 0};

	for (int round = 0; round < 100000; round++) {
		int k = round % GW_RP_N;
		size_t n;

		st = st * 6364136223846793005u + 1442695040888963407u;
		n = 3 + (size_t)((st >> 33) % 10);
		for (size_t i = 0; i < n; i++) {
			st = st * 6364136223846793005u + 1442695040888963407u;
			p[i] = alphabet[(st >> 33) % ARRAY_LEN(alphabet)];
		}
		same(k, p, n, hits);
	}
	ASSERT(hits[1] > 100);
}
