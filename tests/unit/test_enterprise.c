/* enterprise/: field spellings (R2), USCC checks (R1.3), the CSV reader, and
 * import + evaluation of small folders whose expected results follow from
 * the README's rules (boundaries of the scorecard, windows, duplicates,
 * corrections, orphans). */
#include <jansson.h>
#include <unistd.h>

#include "db_fixture.h"
#include "enterprise/ent_csv.h"
#include "enterprise/ent_internal.h"
#include "store/enterprise_store.h"
#include "test.h"

/* Canonical spelling of raw as type, or "ERR". */
static const char *canon_of(enum ent_type type, const char *raw, int64_t *val)
{
	static char out[ENT_CANON_MAX + 1];
	char buf[ENT_CANON_MAX];
	const char *c;
	size_t n;
	int64_t v;

	if (ent_field_parse(type, raw, strlen(raw), &v, buf, &c, &n) != 0)
		return "ERR";
	memcpy(out, c, n);
	out[n] = '\0';
	if (val != NULL)
		*val = v;
	return out;
}

TEST(enterprise_uscc_check_digits)
{
	ASSERT(ent_uscc_valid("91440304MA5G2K3L7P"));
	ASSERT(ent_uscc_valid("91440300MA5F111123"));
	ASSERT(!ent_uscc_valid("91350203M0001QAY9B"));
	ASSERT(!ent_uscc_valid("91440304MA5G2K3L7Q")); /* wrong GB 32100 character */
	ASSERT(!ent_uscc_valid("91440304MO5G2K3L7P")); /* O is outside the charset */
	ASSERT(!ent_uscc_valid("9144030"));
	/* Keys: NFKC, spaces and '-' removed, upper-cased; 15-digit 注册号 refused. */
	ASSERT_STR_EQ(canon_of(ENT_T_USCC, " 914403-04ma5g2k3l7p ", NULL), "91440304MA5G2K3L7P");
	ASSERT_STR_EQ(canon_of(ENT_T_USCC, "９１４４０３０４ＭＡ５Ｇ２Ｋ３Ｌ７Ｐ", NULL),
		      "91440304MA5G2K3L7P");
	ASSERT_STR_EQ(canon_of(ENT_T_USCC, "440301103456789", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_USCC, "数据来源：某市公共数据开放平台", NULL), "ERR");
}

TEST(enterprise_dates_months_years)
{
	int64_t v;

	ASSERT_STR_EQ(canon_of(ENT_T_DATE, "2024/3/5", &v), "2024-03-05");
	ASSERT_EQ(v, 20240305);
	ASSERT_STR_EQ(canon_of(ENT_T_DATE, "2024年3月5日", NULL), "2024-03-05");
	ASSERT_STR_EQ(canon_of(ENT_T_DATE, "２０２４－０３－０５", NULL), "2024-03-05");
	ASSERT_STR_EQ(canon_of(ENT_T_DATE, "20240305", NULL), "2024-03-05");
	ASSERT_STR_EQ(canon_of(ENT_T_DATE, "2024.3.5", NULL), "2024-03-05");
	ASSERT_STR_EQ(canon_of(ENT_T_DATE, "2024-03-05 00:00:00", NULL), "2024-03-05");
	ASSERT_STR_EQ(canon_of(ENT_T_DATE, "2024-3/5", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_DATE, "2019-02-29", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_DATE, "不详", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_DATE, "  ", &v), "");
	ASSERT_EQ(v, ENT_UNKNOWN);
	ASSERT_STR_EQ(canon_of(ENT_T_MONTH, "2024/3", &v), "2024-03");
	ASSERT_EQ(v, 2024 * 12 + 2);
	ASSERT_STR_EQ(canon_of(ENT_T_MONTH, "2024年3月", NULL), "2024-03");
	ASSERT_STR_EQ(canon_of(ENT_T_MONTH, "202403", NULL), "2024-03");
	ASSERT_STR_EQ(canon_of(ENT_T_MONTH, "2024-03-31", NULL), "2024-03");
	ASSERT_STR_EQ(canon_of(ENT_T_MONTH, "2024-13", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_YEAR, "2024年", NULL), "2024");
	ASSERT_STR_EQ(canon_of(ENT_T_YEAR, "1899", NULL), "ERR");
	ASSERT_EQ(ent_date_add_years(20240229, -1), 20230228);
	ASSERT_EQ(ent_date_add_days(20250301, -1), 20250228);
	ASSERT_EQ(ent_full_years(20230701, 20250630), 1);
	ASSERT_EQ(ent_full_years(20230630, 20250630), 2);
}

TEST(enterprise_numbers_and_words)
{
	int64_t v;

	ASSERT_STR_EQ(canon_of(ENT_T_NUM, "1,234.50", &v), "1234.50");
	ASSERT_EQ(v, 1234500000);
	ASSERT_STR_EQ(canon_of(ENT_T_NUM, "１２３", NULL), "123");
	ASSERT_STR_EQ(canon_of(ENT_T_NUM, "1,23", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_NUM, "12,3456", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_NUM, "1e5", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_CAPITAL, "100万元人民币", NULL), "100");
	ASSERT_STR_EQ(canon_of(ENT_T_CAPITAL, "50万美元", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_YUAN, "60000元", NULL), "60000");
	ASSERT_STR_EQ(canon_of(ENT_T_INT, "12.0", &v), "12");
	ASSERT_EQ(v, 12);
	ASSERT_STR_EQ(canon_of(ENT_T_INT, "12.5", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_INT, "-1", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_BOOL, "是", &v), "true");
	ASSERT_STR_EQ(canon_of(ENT_T_BOOL, "N", &v), "false");
	ASSERT_STR_EQ(canon_of(ENT_T_STATUS, "吊销，未注销", NULL), "吊销");
	ASSERT_STR_EQ(canon_of(ENT_T_STATUS, "在营（开业）企业", NULL), "在业");
	ASSERT_STR_EQ(canon_of(ENT_T_STATUS, "迁出", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_GRADE, "Ａ级", NULL), "A");
	ASSERT_STR_EQ(canon_of(ENT_T_GRADE, "待评", NULL), "ERR");
	ASSERT_STR_EQ(canon_of(ENT_T_IPCLASS, "Ⅰ类", NULL), "I");
	ASSERT_STR_EQ(canon_of(ENT_T_IPCLASS, "高价值Ⅰ类", NULL), "I_high_value");
	ASSERT_STR_EQ(canon_of(ENT_T_ROLE, "被告", NULL), "defendant");
	ASSERT_STR_EQ(canon_of(ENT_T_IPKIND, "软著", NULL), "software");
	ASSERT_STR_EQ(canon_of(ENT_T_CERTKIND, "专精特新“小巨人”企业", NULL), "小巨人");
	ASSERT_STR_EQ(canon_of(ENT_T_CERTKIND, "国家高新技术企业", NULL), "高新技术企业");
}

TEST(enterprise_industry_2011_to_2017)
{
	char code[8];

	ASSERT(ent_industry_2017(3963, 2011, code));
	ASSERT_STR_EQ(code, "C3973");
	ASSERT(ent_industry_2017(3963, 2017, code));
	ASSERT_STR_EQ(code, "C3963");
	ASSERT(ent_industry_2017(7250, 2011, code));
	ASSERT_STR_EQ(code, "M7520");
	ASSERT(ent_industry_2017(3484, 2017, code));
	ASSERT_STR_EQ(code, "C3484");
	ASSERT(!ent_industry_2017(9901, 2017, code));
}

/* Collect (line, nfields, first field, error) of every record. */
static void csv_records(const char *data, size_t len, char *out, size_t cap)
{
	struct ent_csv *c = ent_csv_new(data, len);
	struct ent_csv_rec r;
	size_t o = 0;

	out[0] = '\0';
	while (ent_csv_next(c, &r) == 1 && o + 64 < cap)
		o += (size_t)snprintf(out + o, cap - o, "%ld:%zu:%s:%d|", r.line, r.nfields,
				      r.nfields ? r.f[0] : "", r.error);
	ent_csv_free(c);
}

TEST(enterprise_csv_reader_lines_and_quotes)
{
	char out[1024];
	static const char crlf[] = "\xEF\xBB\xBF"
				   "h1,h2\r\n\"a\"\"b\",\"x\ny\"\r\n\r\nc,d\r\n";
	static const char unclosed[] = "h\n\"open,1\nnext,2\n";
	static const char nul[] = "h\nA\0B,1\nC,2\n";

	csv_records(crlf, sizeof(crlf) - 1, out, sizeof(out));
	ASSERT_STR_EQ(out, "1:2:h1:0|2:2:a\"b:0|4:0::0|5:2:c:0|");
	/* An unclosed quote rejects its record only; reading goes on at the
	 * next physical line. */
	csv_records(unclosed, sizeof(unclosed) - 1, out, sizeof(out));
	ASSERT_STR_EQ(out, "1:1:h:0|2:0::4|3:2:next:0|");
	csv_records(nul, sizeof(nul) - 1, out, sizeof(out));
	ASSERT_STR_EQ(out, "1:1:h:0|2:0::1|3:2:C:0|");
	/* Python csv: text after a closing quote is appended. */
	csv_records("\"ab\"c,d\n", 8, out, sizeof(out));
	ASSERT_STR_EQ(out, "1:2:abc:0|");
}

TEST(enterprise_csv_reader_invalid_utf8_and_huge_field)
{
	struct ent_csv *c;
	struct ent_csv_rec r;
	char *big = xmalloc(ENT_CSV_FIELD_MAX + 64);

	c = ent_csv_new("a\xff,b\n", 5);
	ASSERT_EQ(ent_csv_next(c, &r), 1);
	ASSERT_EQ(r.bad_utf8, 1);
	ASSERT_STR_EQ(r.f[0], "a\xEF\xBF\xBD");
	ent_csv_free(c);
	memset(big, 'x', ENT_CSV_FIELD_MAX + 10);
	memcpy(big + ENT_CSV_FIELD_MAX + 10, "\nok\n", 4);
	c = ent_csv_new(big, ENT_CSV_FIELD_MAX + 14);
	ASSERT_EQ(ent_csv_next(c, &r), 1);
	ASSERT_EQ(r.error, ENT_CSV_E_FIELD_TOO_LONG);
	ASSERT_EQ(ent_csv_next(c, &r), 1);
	ASSERT_EQ(r.line, 2);
	ASSERT_STR_EQ(r.f[0], "ok");
	ASSERT_EQ(ent_csv_next(c, &r), 0);
	ent_csv_free(c);
	free(big);
}

/* ---- import + evaluation of small folders ---- */

static const char *const headers[ENT_NFILES] = {
    "uscc,name,type,status,establish_date,registered_capital_wan,industry_code,"
    "industry_code_version,region_code,address,legal_rep",
    "uscc,year,revenue_wan,main_business_revenue_wan,rd_expense_wan,total_assets_wan,"
    "total_liabilities_wan,main_product_strategic_emerging,main_product_ip_class",
    "uscc,year,grade",
    "uscc,month,insured_count,arrears_months",
    "uscc,month,electricity_kwh,arrears",
    "uscc,decision_date,authority,amount_yuan,kind,repaired",
    "uscc,listed_date,reason,removed_date",
    "uscc,listed_date,removed_date,amount_yuan",
    "uscc,filed_date,role,cause,amount_yuan",
    "uscc,kind,count",
    "uscc,kind,valid_from,valid_to",
    "uscc,date,amount_wan",
};

struct folder {
	char dir[64];
};

static void folder_write(struct folder *fo, int file, const char *body)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fo->dir, ent_files[file].name);
	f = fopen(path, "w");
	ASSERT(f != NULL);
	fprintf(f, "%s\n%s", headers[file], body);
	fclose(f);
}

static void folder_open(struct folder *fo)
{
	snprintf(fo->dir, sizeof(fo->dir), "/tmp/shuzhi-ent.XXXXXX");
	ASSERT(mkdtemp(fo->dir) != NULL);
}

static void folder_close(struct folder *fo)
{
	char path[128];

	for (int f = 0; f < ENT_NFILES; f++) {
		snprintf(path, sizeof(path), "%s/%s", fo->dir, ent_files[f].name);
		unlink(path);
	}
	rmdir(fo->dir);
}

/* Import fo into a fresh database, export as of as_of, parse the JSON. */
static json_t *import_export(struct folder *fo, int64_t as_of, struct db_fixture *f)
{
	struct ent_import_opts o = {0};
	struct ent_import_result res;
	struct err e = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	json_t *j;
	json_error_t je;

	ASSERT_EQ(ent_import_dir(f->st, fo->dir, &o, &res, &e), 0);
	ent_import_result_free(&res);
	mem = open_memstream(&text, &len);
	ASSERT_EQ(ent_export_json(f->st, as_of, mem, &e), 0);
	fclose(mem);
	j = json_loads(text, 0, &je);
	if (j == NULL)
		TEST_FAIL_AT("export is not JSON: %s", je.text);
	free(text);
	return j;
}

static json_t *company(json_t *root, const char *uscc)
{
	json_t *list = json_object_get(root, "enterprises");
	size_t i;
	json_t *e;

	json_array_foreach(list, i, e)
	{
		if (strcmp(json_string_value(json_object_get(e, "uscc")), uscc) == 0)
			return e;
	}
	TEST_FAIL_AT("no enterprise %s in the export", uscc);
	return NULL;
}

static long num_at(json_t *e, const char *a, const char *b)
{
	json_t *x = json_object_get(e, a);

	if (b != NULL)
		x = json_object_get(x, b);
	return (long)json_integer_value(x);
}

#define A_CODE "91440304MA5G2K3L7P"
#define B_CODE "91440300MA5F111123"

/* The README R4/R5 boundaries: R&D exactly 5 %, growth just over 15 %,
 * debt exactly 75 %, share exactly 70 %; a 2025 row ignored as of
 * 2025-06-30; equity on the 3-year edge; a 2011 industry code. */
TEST(enterprise_scorecard_boundaries)
{
	struct db_fixture f;
	struct folder fo;
	json_t *root, *a, *b, *ind;

	db_fixture_open(&f);
	folder_open(&fo);
	folder_write(&fo, ENT_F_ENTERPRISES,
		     A_CODE
		     ",甲公司,有限责任公司,存续,2023-06-30,1000,C3963,2011,440304,地址,张三\n"
		     " 91440300ma5f111123,乙公司,有限责任公司,存续（在营、开业、在册）,2023/7/"
		     "1,\"1,000.5\",3484,,440300,地址,李四\n");
	folder_write(&fo, ENT_F_FINANCIALS,
		     A_CODE ",2024,2000,1400,100,1000,750,是,I_self\n" A_CODE
			    ",2023,1500,\"1,217.39\",10,1000,500,否,none\n" B_CODE
			    ",2024,4000,3000,120,1000,550,false,I\n" B_CODE
			    ",2023,4000,3000,120,1000,550,false,I\n" B_CODE
			    ",2025,9000,9000,900,1000,100,true,I_high_value\n");
	folder_write(&fo, ENT_F_TAX, A_CODE ",2024,B\n" B_CODE ",2024,C级\n" B_CODE ",2023,A\n");
	folder_write(&fo, ENT_F_EQUITY, A_CODE ",2022-06-30,600\n" B_CODE ",2022-07-01,500\n");
	root = import_export(&fo, ENT_DEFAULT_AS_OF, &f);
	a = company(root, A_CODE);
	b = company(root, B_CODE);
	ind = json_object_get(json_object_get(a, "cxzx"), "indicators");
	ASSERT_EQ(num_at(ind, "ip", NULL), 15);
	ASSERT_EQ(num_at(ind, "rd_ratio", NULL), 20);
	ASSERT_EQ(num_at(ind, "growth", NULL), 20);
	ASSERT_EQ(num_at(ind, "debt_ratio", NULL), 5);
	ASSERT_EQ(num_at(ind, "main_business_share", NULL), 20);
	ASSERT_EQ(num_at(a, "cxzx", "score"), 90);
	ASSERT_STR_EQ(json_string_value(json_object_get(a, "industry_code")), "C3973");
	ASSERT(json_is_true(json_object_get(a, "zjtx_base")));
	ASSERT_EQ(num_at(b, "cxzx", "score"), 65);
	ASSERT(json_is_true(json_object_get(json_object_get(b, "cxzx"), "pass")));
	ASSERT(json_is_false(json_object_get(b, "zjtx_base"))); /* 1 full year old */
	ASSERT_STR_EQ(json_string_value(json_object_get(b, "industry_code")), "C3484");
	ASSERT_EQ(json_array_size(json_object_get(b, "flags")), 1);
	ASSERT_STR_EQ(json_string_value(
			  json_object_get(json_array_get(json_object_get(b, "flags"), 0), "rule")),
		      "tax_grade_c");
	ASSERT_EQ(num_at(json_object_get(json_object_get(root, "import"), "files"),
			 "enterprises.csv", "repaired"),
		  2);
	json_decref(root);
	folder_close(&fo);
	db_fixture_close(&f);
}

static bool has_evidence(json_t *e, const char *rule, const char *ref)
{
	size_t i, k;
	json_t *fl, *ev;

	json_array_foreach(json_object_get(e, "flags"), i, fl)
	{
		if (strcmp(json_string_value(json_object_get(fl, "rule")), rule) != 0)
			continue;
		json_array_foreach(json_object_get(fl, "evidence"), k, ev)
		{
			if (strcmp(json_string_value(ev), ref) == 0)
				return true;
		}
	}
	return false;
}

/* R6 windows, duplicates after normalisation, a correction, an orphan,
 * removal dates on the as-of day. */
TEST(enterprise_flags_windows_and_duplicates)
{
	struct db_fixture f;
	struct folder fo;
	json_t *root, *a, *files;

	db_fixture_open(&f);
	folder_open(&fo);
	folder_write(&fo, ENT_F_ENTERPRISES,
		     A_CODE ",甲,有限责任公司,吊销，未注销,2010年1月5日,50万元,I6520,GB/T "
			    "4754-2011,440304,地址,张三\n"
			    "数据来源：某市公共数据开放平台,,,,,,,,,,\n");
	folder_write(
	    &fo, ENT_F_PENALTIES,
	    A_CODE
	    ",2024-06-30,某局,90000,罚款,否\n" A_CODE ",2024-07-01,某局,\"60,000\",罚款,否\n" A_CODE
	    ",2024/7/1,某局,60000元,罚款,否\n" A_CODE ",2025-01-02,某局,40000,罚款,是\n" A_CODE
	    ",2025-03-01,某局,40000,罚款,\n" B_CODE ",2025-03-01,某局,40000,罚款,否\n");
	folder_write(&fo, ENT_F_ABNORMAL,
		     A_CODE ",2024-01-01,无法联系,2025-06-30\n" A_CODE
			    ",2024-01-01,未年报,2025-07-01\n");
	folder_write(&fo, ENT_F_DISHONEST, A_CODE ",2025-07-01,,100000\n");
	folder_write(&fo, ENT_F_COURT,
		     A_CODE ",2024-08-01,被告,买卖合同纠纷,10000\n" A_CODE
			    ",2024-09-01,defendant,借款合同纠纷,20000\n" A_CODE
			    ",2025-01-01,原告,买卖合同纠纷,999999\n" A_CODE
			    ",2025-02-01,被告,劳动争议,\n");
	folder_write(&fo, ENT_F_TAX, A_CODE ",2024,B\n" A_CODE ",2024,D\n");
	folder_write(&fo, ENT_F_SI,
		     A_CODE ",2025-01,100,0\n" A_CODE ",2025/2,100,0\n" A_CODE
			    ",2025年3月,100,1\n" A_CODE ",2025-04,70,2\n" A_CODE
			    ",2025-05,70,\n" A_CODE ",2025-06,70,3\n" A_CODE ",2025-06,70,3\n");
	folder_write(&fo, ENT_F_UT,
		     A_CODE ",2024-04,1000,false\n" A_CODE ",2024-05,1000,false\n" A_CODE
			    ",2024-06,1000,false\n" A_CODE ",2025-04,700,false\n" A_CODE
			    ",2025-05,\"699\",0\n" A_CODE ",2025-06,701,1\n");
	root = import_export(&fo, ENT_DEFAULT_AS_OF, &f);
	a = company(root, A_CODE);
	ASSERT_STR_EQ(json_string_value(json_object_get(a, "grade")), "D");
	ASSERT_STR_EQ(json_string_value(json_object_get(a, "industry_code")), "I6531");
	ASSERT(has_evidence(a, "abnormal_list", "abnormal_list.csv:3"));
	ASSERT(!has_evidence(a, "abnormal_list", "abnormal_list.csv:2"));
	ASSERT(has_evidence(a, "admin_penalties_100k", "admin_penalties.csv:3"));
	ASSERT(has_evidence(a, "admin_penalties_100k", "admin_penalties.csv:6"));
	ASSERT(!has_evidence(a, "admin_penalties_100k", "admin_penalties.csv:2"));
	ASSERT(has_evidence(a, "tax_grade_d", "tax_credit.csv:3"));
	ASSERT(has_evidence(a, "headcount_drop_30pct", "social_insurance.csv:2"));
	ASSERT(has_evidence(a, "litigation_3_cases", "court_cases.csv:5"));
	ASSERT(!has_evidence(a, "dishonest_debtor", "dishonest_debtors.csv:2"));
	ASSERT(!has_evidence(a, "electricity_drop_30pct_3m", "utilities.csv:5"));
	files = json_object_get(json_object_get(root, "import"), "files");
	ASSERT_EQ(num_at(files, "enterprises.csv", "rejected"), 1);
	ASSERT_EQ(num_at(files, "admin_penalties.csv", "duplicates"), 1);
	ASSERT_EQ(num_at(files, "admin_penalties.csv", "rejected"), 1);
	ASSERT_EQ(num_at(files, "tax_credit.csv", "superseded"), 1);
	ASSERT_EQ(num_at(files, "social_insurance.csv", "duplicates"), 1);
	json_decref(root);
	folder_close(&fo);
	db_fixture_close(&f);
}

/* ---- configurable risk rules ---- */

static const char *flag_level(json_t *e, const char *rule)
{
	size_t i;
	json_t *fl;

	json_array_foreach(json_object_get(e, "flags"), i, fl)
	{
		if (strcmp(json_string_value(json_object_get(fl, "rule")), rule) == 0)
			return json_string_value(json_object_get(fl, "level"));
	}
	return NULL;
}

static json_t *export_now(struct db_fixture *f, const struct ent_rules *rs)
{
	struct err e = {0};
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	json_t *j;

	ASSERT_EQ(ent_export_json_rules(f->st, ENT_DEFAULT_AS_OF, rs, mem, &e), 0);
	fclose(mem);
	j = json_loads(text, 0, NULL);
	ASSERT(j != NULL);
	free(text);
	return j;
}

/* A changed threshold, level or switch changes the flags; the stored
 * configuration is what the plain export uses; defaults give the README. */
TEST(enterprise_rules_change_flags)
{
	struct db_fixture f;
	struct folder fo;
	struct ent_rules rs;
	struct err e = {0};
	json_t *root, *a;
	const char *cfg = "{\"rules\": {\"electricity_drop_30pct_3m\": {\"threshold\": 29},"
			  " \"litigation_3_cases\": {\"threshold\": 4},"
			  " \"admin_penalties_100k\": {\"threshold\": 50000, \"level\": \"red\"},"
			  " \"abnormal_list\": {\"enabled\": false}}}";

	db_fixture_open(&f);
	folder_open(&fo);
	folder_write(&fo, ENT_F_ENTERPRISES,
		     A_CODE ",甲,有限责任公司,存续,2010-01-05,5000,C3973,2017,440304,地址,张三\n");
	folder_write(&fo, ENT_F_PENALTIES, A_CODE ",2025-03-01,某局,60000,罚款,否\n");
	folder_write(&fo, ENT_F_ABNORMAL, A_CODE ",2024-01-01,未年报,\n");
	folder_write(&fo, ENT_F_COURT,
		     A_CODE ",2024-08-01,被告,买卖合同纠纷,10\n" A_CODE
			    ",2024-09-01,被告,借款合同纠纷,20\n" A_CODE
			    ",2025-02-01,被告,劳动争议,30\n");
	folder_write(&fo, ENT_F_UT,
		     A_CODE ",2024-04,1000,false\n" A_CODE ",2024-05,1000,false\n" A_CODE
			    ",2024-06,1000,false\n" A_CODE ",2025-04,700,false\n" A_CODE
			    ",2025-05,699,false\n" A_CODE ",2025-06,701,false\n");
	root = import_export(&fo, ENT_DEFAULT_AS_OF, &f);
	a = company(root, A_CODE);
	ASSERT(flag_level(a, "electricity_drop_30pct_3m") == NULL); /* 701 > 70 % */
	ASSERT_STR_EQ(flag_level(a, "litigation_3_cases"), "yellow");
	ASSERT(flag_level(a, "admin_penalties_100k") == NULL); /* 60,000 < 100,000 */
	ASSERT_STR_EQ(flag_level(a, "abnormal_list"), "orange");
	ASSERT(strcmp(json_string_value(json_object_get(a, "grade")), "C") >= 0);
	json_decref(root);

	/* the same data under a changed configuration */
	ASSERT_EQ(ent_rules_parse(cfg, strlen(cfg), &rs, &e), 0);
	root = export_now(&f, &rs);
	a = company(root, A_CODE);
	ASSERT(has_evidence(a, "electricity_drop_30pct_3m", "utilities.csv:7")); /* 701 <= 71 % */
	ASSERT(flag_level(a, "litigation_3_cases") == NULL);
	ASSERT_STR_EQ(flag_level(a, "admin_penalties_100k"), "red");
	ASSERT(flag_level(a, "abnormal_list") == NULL);
	ASSERT_STR_EQ(json_string_value(json_object_get(a, "grade")), "D"); /* red caps at D */
	json_decref(root);

	/* stored: the plain export follows it; the diff keeps only changes */
	{
		json_t *diff = ent_rules_diff_json(&rs);
		char *text = json_dumps(diff, JSON_COMPACT);

		ASSERT_EQ(json_object_size(diff), 4);
		ASSERT_EQ(store_ent_setting_set(f.st, "rules", text, 1, "test", &e), 0);
		free(text);
		json_decref(diff);
	}
	root = export_now(&f, NULL);
	ASSERT_STR_EQ(flag_level(company(root, A_CODE), "admin_penalties_100k"), "red");
	json_decref(root);
	root = export_now(&f, ent_rules_builtin());
	ASSERT_STR_EQ(flag_level(company(root, A_CODE), "litigation_3_cases"), "yellow");
	json_decref(root);
	folder_close(&fo);
	db_fixture_close(&f);
}

TEST(enterprise_rules_parse_rejects_hostile_input)
{
	static const char *const bad[] = {
	    "",
	    "{\"rules\": {\"abnormal_list\": {\"enabled\": false}",	 /* truncated */
	    "{\"rules\": {\"no_such_rule\": {}}}",			 /* unknown rule */
	    "{\"rules\": {\"abnormal_list\": {\"level\": \"purple\"}}}", /* bad level */
	    "{\"rules\": {\"abnormal_list\": {\"threshold\": 3}}}",	 /* no threshold */
	    "{\"rules\": {\"litigation_3_cases\": {\"threshold\": 0}}}", /* out of range */
	    "{\"rules\": {\"headcount_drop_30pct\": {\"threshold\": 100}}}",
	    "{\"rules\": {\"litigation_3_cases\": {\"threshold\": 3.5}}}",
	    "{\"rules\": {\"litigation_3_cases\": {\"colour\": 1}}}",
	    "{\"rules\": {\"abnormal_list\": {\"enabled\": \"yes\"}}}",
	    "{\"rules\": {}, \"extra\": 1}",
	    "{\"rules\": {\"abnormal_list\": {}, \"abnormal_list\": {}}}", /* duplicate */
	    "[1, 2]",
	};
	struct ent_rules rs;
	struct err e = {0};
	char *huge;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.code = 0;
		ASSERT_NE(ent_rules_parse(bad[i], strlen(bad[i]), &rs, &e), 0);
		ASSERT_EQ(e.code, BASE_E_FORMAT);
		ASSERT(e.msg[0] != '\0');
		/* nothing applied */
		ASSERT_EQ(rs.r[ENT_NRULES - 1].param, ent_rules_builtin()->r[ENT_NRULES - 1].param);
		ASSERT(rs.r[3].enabled);
	}
	ASSERT_NE(ent_rules_parse("{\"rules\": {\"\xff\": {}}}", 17, &rs, &e), 0);
	huge = xmalloc(ENT_RULES_MAX + 2);
	memset(huge, ' ', ENT_RULES_MAX + 1);
	huge[0] = '{';
	huge[ENT_RULES_MAX] = '}';
	huge[ENT_RULES_MAX + 1] = '\0';
	ASSERT_NE(ent_rules_parse(huge, ENT_RULES_MAX + 1, &rs, &e), 0);
	free(huge);
	/* good: the outer object is optional, an empty one is the defaults */
	ASSERT_EQ(ent_rules_parse("{}", 2, &rs, &e), 0);
	for (size_t k = 0; k < ENT_NRULES; k++) {
		ASSERT(rs.r[k].enabled);
		ASSERT_STR_EQ(rs.r[k].level, ent_rules_builtin()->r[k].level);
		ASSERT_EQ(rs.r[k].param, ent_rules_builtin()->r[k].param);
	}
	{
		const char *ok = "{\"tax_grade_c\": {\"enabled\": false}}";

		ASSERT_EQ(ent_rules_parse(ok, strlen(ok), &rs, &e), 0);
	}
	ASSERT(!rs.r[9].enabled);
}

/* ---- profile, search, settings (API building blocks) ---- */

static int count_row(const struct store_ent_row *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

TEST(enterprise_profile_series_evidence_and_search)
{
	struct db_fixture f;
	struct folder fo;
	struct err e = {0};
	json_t *root, *p, *w, *ev, *hc;
	int64_t total = 0;
	int n = 0;
	char *v = NULL;
	long sum = 0;
	size_t i;
	json_t *x;

	db_fixture_open(&f);
	folder_open(&fo);
	folder_write(&fo, ENT_F_ENTERPRISES,
		     A_CODE ",甲乙科技有限公司,有限责任公司,存续,2010-01-05,500,C3973,2017,440304,"
			    "地址,张三\n" B_CODE ",丙丁商贸有限公司,有限责任公司,存续,2018-01-05,"
			    "100,F5174,2017,440305,地址,李四\n");
	/* SI months written out of order: the series is sorted by month */
	folder_write(&fo, ENT_F_SI,
		     A_CODE ",2025-06,40,3\n" A_CODE ",2025-01,100,0\n" A_CODE ",2025-03,90,0\n");
	folder_write(&fo, ENT_F_FINANCIALS,
		     A_CODE ",2024,1000,900,60,1000,400,true,I\n" A_CODE
			    ",2023,800,700,40,900,400,true,I\n");
	folder_write(&fo, ENT_F_TAX, A_CODE ",2024,C\n");
	root = import_export(&fo, ENT_DEFAULT_AS_OF, &f);
	json_decref(root);

	ASSERT_EQ(ent_profile(f.st, 0, A_CODE, ENT_DEFAULT_AS_OF, &p, &e), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(p, "name")), "甲乙科技有限公司");
	ASSERT_STR_EQ(
	    json_string_value(json_object_get(json_object_get(p, "registration"), "legal_rep")),
	    "张三");
	hc = json_object_get(json_object_get(p, "series"), "headcount");
	ASSERT_EQ(json_array_size(hc), 3);
	ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(hc, 0), "t")), "2025-01");
	ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(hc, 2), "t")), "2025-06");
	ASSERT_EQ((long)json_real_value(json_object_get(json_array_get(hc, 2), "v")), 40);
	ASSERT_EQ(json_array_size(json_object_get(json_object_get(p, "series"), "revenue")), 2);
	/* scorecard points add up to the score */
	json_array_foreach(json_object_get(json_object_get(p, "scorecard"), "indicators"), i, x)
	    sum += (long)json_integer_value(json_object_get(x, "points"));
	ASSERT_EQ(sum, (long)json_integer_value(
			   json_object_get(json_object_get(p, "scorecard"), "score")));
	/* tax grade C: a yellow warning whose evidence carries its source row */
	w = NULL;
	json_array_foreach(json_object_get(p, "warnings"), i, x)
	{
		if (strcmp(json_string_value(json_object_get(x, "rule")), "tax_grade_c") == 0)
			w = x;
	}
	ASSERT(w != NULL);
	ASSERT(json_is_true(json_object_get(w, "default")));
	ev = json_array_get(json_object_get(w, "evidence"), 0);
	ASSERT_STR_EQ(json_string_value(json_object_get(ev, "source")), "tax_credit.csv:2");
	ASSERT_STR_EQ(json_string_value(json_object_get(json_object_get(ev, "row"), "grade")), "C");
	{
		/* the flags cap the grade (orange: SI arrears 3 months → C; yellow → B):
		 * grade = worse of base and cap */
		const char *g =
		    json_string_value(json_object_get(json_object_get(p, "grade"), "grade"));
		const char *b =
		    json_string_value(json_object_get(json_object_get(p, "grade"), "base_grade"));
		char cap = 'A';

		json_array_foreach(json_object_get(p, "warnings"), i, x)
		{
			const char *lv = json_string_value(json_object_get(x, "level"));
			char c = lv[0] == 'r' ? 'D' : lv[0] == 'o' ? 'C' : 'B';

			cap = c > cap ? c : cap;
		}
		ASSERT_EQ(cap, 'C');
		ASSERT_EQ(g[0], (b[0] > cap ? b[0] : cap));
		ASSERT(b[0] >= cap || strstr(json_string_value(json_object_get(
						 json_object_get(p, "grade"), "explanation")),
					     "橙色预警") != NULL);
	}
	{
		char *a = ent_profile_analysis(p);

		ASSERT(strstr(a, "甲乙科技有限公司") != NULL);
		ASSERT(strstr(a, "未使用大模型") != NULL);
		free(a);
	}
	json_decref(p);
	ASSERT_EQ(ent_profile(f.st, 0, "91000000000000000X", ENT_DEFAULT_AS_OF, &p, &e),
		  BASE_E_NOTFOUND);

	/* search: name substring, code prefix, both empty = all, paging */
	ASSERT_EQ(store_ent_search(f.st, "科技", "科技", 0, 10, count_row, &n, &total, &e), 0);
	ASSERT_EQ(total, 1);
	ASSERT_EQ(n, 1);
	n = 0;
	ASSERT_EQ(store_ent_search(f.st, "", "", 1, 10, count_row, &n, &total, &e), 0);
	ASSERT_EQ(total, 2);
	ASSERT_EQ(n, 1);
	n = 0;
	ASSERT_EQ(store_ent_search(f.st, "地址", "地址", 0, 10, count_row, &n, &total, &e), 0);
	ASSERT_EQ(total, 0); /* only the name field is searched */
	/* settings */
	ASSERT_EQ(store_ent_setting_get(f.st, "access", &v, &e), 0);
	ASSERT(v == NULL);
	ASSERT_EQ(store_ent_setting_set(f.st, "access", "[\"admin\"]", 1, "t", &e), 0);
	ASSERT_EQ(store_ent_setting_set(f.st, "access", "[\"admin\",\"staff\"]", 2, "t", &e), 0);
	ASSERT_EQ(store_ent_setting_get(f.st, "access", &v, &e), 0);
	ASSERT_STR_EQ(v, "[\"admin\",\"staff\"]");
	free(v);
	folder_close(&fo);
	db_fixture_close(&f);
}

/* The model prompt of the report's analysis carries the figures and the
 * draft but not the legal representative or the address. */
TEST(enterprise_analysis_prompt_leaves_out_people)
{
	json_t *p = json_pack(
	    "{s:s,s:s,s:{s:s,s:s,s:s},s:{s:i},s:[{s:s,s:s,s:s,s:[{s:s}]}],s:{s:s,s:i}}", "name",
	    "甲科技有限公司", "as_of", "2025-06-30", "registration", "legal_rep", "张三丰",
	    "address", "幸福路 8 号", "status", "存续", "scorecard", "score", 75, "warnings",
	    "level_zh", "橙色", "name", "经营异常名录", "threshold", "列入且未移出", "evidence",
	    "source", "abnormal_list.csv:7", "grade", "grade", "C", "credit_score", 64);
	char *t = ent_analysis_prompt(p, "规则生成的草稿");

	ASSERT(t != NULL);
	ASSERT(strstr(t, "甲科技有限公司") != NULL);
	ASSERT(strstr(t, "abnormal_list.csv:7") != NULL);
	ASSERT(strstr(t, "规则生成的草稿") != NULL);
	ASSERT(strstr(t, "\"score\": 75") != NULL);
	ASSERT(strstr(t, "张三丰") == NULL);
	ASSERT(strstr(t, "幸福路") == NULL);
	/* the profile itself is unchanged */
	ASSERT_STR_EQ(
	    json_string_value(json_object_get(json_object_get(p, "registration"), "legal_rep")),
	    "张三丰");
	free(t);
	json_decref(p);
}

/* A change of the risk rules re-evaluates the warnings at once: a snapshot
 * of kind "rules" whose feed lists what the change raised (a rule raised
 * to red, a lower threshold) and cleared (a higher threshold, the old
 * level); the last *import* stays the import. */
TEST(enterprise_rules_change_reevaluates_warnings)
{
	struct db_fixture f;
	struct folder fo;
	struct ent_import_opts o = {0};
	struct ent_import_result res;
	struct ent_reeval re;
	struct ent_rules rs;
	struct err e = {0};
	long added = 0, cleared = 0;
	int64_t last = 0;
	char *stats = NULL, *text = NULL;
	size_t len = 0;
	FILE *mem;
	json_t *feed, *diff;
	const char *cfg = "{\"rules\": {\"litigation_3_cases\": {\"threshold\": 4},"
			  " \"admin_penalties_100k\": {\"threshold\": 50000, \"level\": \"red\"},"
			  " \"abnormal_list\": {\"level\": \"red\"}}}";

	db_fixture_open(&f);
	/* nothing imported: nothing to re-evaluate */
	ASSERT_EQ(ent_warnings_reevaluate(f.st, "user:admin", 1000, &re, &e), 0);
	ASSERT_EQ(re.snapshot, 0);
	folder_open(&fo);
	folder_write(&fo, ENT_F_ENTERPRISES,
		     A_CODE
		     ",甲,有限责任公司,存续,2010-01-05,5000,C3973,2017,440304,地址,张三\n" B_CODE
		     ",乙,有限责任公司,存续,2012-01-05,800,C3973,2017,440304,地址,李四\n");
	folder_write(&fo, ENT_F_PENALTIES, A_CODE ",2025-03-01,某局,60000,罚款,否\n");
	folder_write(&fo, ENT_F_ABNORMAL, A_CODE ",2024-01-01,未年报,\n");
	folder_write(&fo, ENT_F_COURT,
		     A_CODE ",2024-08-01,被告,买卖合同纠纷,10\n" A_CODE
			    ",2024-09-01,被告,借款合同纠纷,20\n" A_CODE
			    ",2025-02-01,被告,劳动争议,30\n");
	o.as_of = ENT_DEFAULT_AS_OF;
	ASSERT_EQ(ent_import_dir(f.st, fo.dir, &o, &res, &e), 0);
	ASSERT_EQ(ent_warnings_feed(f.st, res.import_id, false, NULL, &added, &cleared, &e), 0);
	/* abnormal_list orange, litigation_3_cases yellow, litigation_30pct_revenue
	 * (no revenue reported) */
	ASSERT_EQ(added, 3);
	ASSERT_EQ(ent_rules_parse(cfg, strlen(cfg), &rs, &e), 0);
	diff = ent_rules_diff_json(&rs);
	text = json_dumps(diff, JSON_COMPACT);
	json_decref(diff);
	ASSERT_EQ(store_tx_begin(f.st, &e), 0);
	ASSERT_EQ(store_ent_setting_set(f.st, "rules", text, 2000, "user:admin", &e), 0);
	ASSERT_EQ(ent_warnings_reevaluate(f.st, "user:admin", 2000, &re, &e), 0);
	ASSERT_EQ(store_tx_commit(f.st, &e), 0);
	free(text);
	ASSERT(re.snapshot > res.import_id);
	ASSERT_EQ(re.previous, res.import_id);
	ASSERT_EQ(re.as_of, ENT_DEFAULT_AS_OF); /* the date of the import's snapshot */
	ASSERT_EQ(re.warnings,
		  3); /* abnormal_list red, admin_penalties_100k red, litigation_30pct */
	ASSERT_EQ(re.added, 2);
	ASSERT_EQ(re.cleared, 2); /* litigation_3_cases yellow, abnormal_list orange */
	/* the feed of the last snapshot is the change's, attributed to it */
	ASSERT_EQ(store_ent_last_snapshot(f.st, &last, &e), 0);
	ASSERT_EQ(last, re.snapshot);
	mem = open_memstream(&text, &len);
	ASSERT_EQ(ent_warnings_feed(f.st, last, true, mem, &added, &cleared, &e), 0);
	fclose(mem);
	feed = json_loads(text, 0, NULL);
	free(text);
	ASSERT(feed != NULL);
	ASSERT_STR_EQ(json_string_value(json_object_get(feed, "kind")), "rules");
	ASSERT_STR_EQ(json_string_value(json_object_get(feed, "by")), "user:admin");
	ASSERT_EQ(json_integer_value(json_object_get(feed, "previous")), res.import_id);
	{
		size_t i;
		json_t *c;
		int seen = 0;

		json_array_foreach(json_object_get(feed, "changes"), i, c)
		{
			const char *ch = json_string_value(json_object_get(c, "change"));
			const char *rule = json_string_value(json_object_get(c, "rule"));
			const char *lv = json_string_value(json_object_get(c, "level"));

			ASSERT_STR_EQ(json_string_value(json_object_get(c, "uscc")), A_CODE);
			seen |= (strcmp(ch, "new") == 0 && strcmp(rule, "abnormal_list") == 0 &&
				 strcmp(lv, "red") == 0)
				<< 0;
			seen |= (strcmp(ch, "cleared") == 0 && strcmp(rule, "abnormal_list") == 0 &&
				 strcmp(lv, "orange") == 0)
				<< 1;
			seen |=
			    (strcmp(ch, "new") == 0 && strcmp(rule, "admin_penalties_100k") == 0)
			    << 2;
			seen |=
			    (strcmp(ch, "cleared") == 0 && strcmp(rule, "litigation_3_cases") == 0)
			    << 3;
		}
		ASSERT_EQ(seen, 15);
		ASSERT_EQ(json_array_size(json_object_get(feed, "changes")), 4);
	}
	json_decref(feed);
	/* the import stays the last import (issues, export counters) */
	ASSERT_EQ(store_ent_last_import(f.st, &last, &stats, &e), 0);
	ASSERT_EQ(last, res.import_id);
	free(stats);
	ent_import_result_free(&res);
	folder_close(&fo);
	db_fixture_close(&f);
}
