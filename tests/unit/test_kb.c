/* Unit tests: CJK tokenizer, numerals, law-aware parsing, HTML text, and a
 * knowledge base end to end (ingest, search, re-ingest, de-duplication). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db_fixture.h"
#include "kb/kb.h"
#include "test.h"
#include "text/text.h"
#include "text/tokenize.h"

struct toks {
	char s[2048];
	size_t n;
};

/* "tok@start-end" or "+tok@…" for colocated tokens, space-separated. */
static int collect(void *arg, const char *tok, size_t len, size_t start, size_t end, bool colocated)
{
	struct toks *t = arg;

	t->n += (size_t)snprintf(t->s + t->n, sizeof(t->s) - t->n, "%s%s%.*s@%zu-%zu",
				 t->n ? " " : "", colocated ? "+" : "", (int)len, tok, start, end);
	return 0;
}

static const char *tokens(const char *s, int mode)
{
	static struct toks t;

	memset(&t, 0, sizeof(t));
	text_tokenize(s, strlen(s), mode, collect, &t);
	return t.s;
}

TEST(kb_tokenizer_document_bigrams_and_unigrams)
{
	ASSERT_STR_EQ(tokens("全文检索", TEXT_TOK_DOCUMENT),
		      "全文@0-6 +全@0-3 文检@3-9 +文@3-6 检索@6-12 +检@6-9 索@9-12");
	/* One Han character alone is a unigram; punctuation separates. */
	ASSERT_STR_EQ(tokens("法，条", TEXT_TOK_DOCUMENT), "法@0-3 条@6-9");
}

TEST(kb_tokenizer_query_mode)
{
	ASSERT_STR_EQ(tokens("检索", TEXT_TOK_QUERY), "检索@0-6");
	ASSERT_STR_EQ(tokens("全文检索", TEXT_TOK_QUERY), "全文@0-6 文检@3-9 检索@6-12");
	ASSERT_STR_EQ(tokens("库", TEXT_TOK_QUERY), "库@0-3");
}

TEST(kb_tokenizer_ascii_fullwidth_and_offsets)
{
	/* Full-width letters fold to ASCII and lower case; offsets stay in the
	 * input's bytes (3 per full-width letter). */
	ASSERT_STR_EQ(tokens("ＳＱＬite FTS5", TEXT_TOK_DOCUMENT), "sqlite@0-12 fts5@13-17");
	ASSERT_STR_EQ(tokens("满10年", TEXT_TOK_DOCUMENT), "满@0-3 10@3-5 年@5-8");
}

TEST(kb_tokenizer_hostile_bytes)
{
	static const char bad[] = "\xff\xfe\xe5\x85全\xc0\xaf文";
	struct toks t;
	char big[5000];

	memset(&t, 0, sizeof(t));
	ASSERT_EQ(text_tokenize(bad, sizeof(bad) - 1, TEXT_TOK_DOCUMENT, collect, &t), 0);
	ASSERT_CONTAINS(t.s, "全@");
	ASSERT(strstr(t.s, "全文") == NULL); /* invalid bytes separate */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* A very long word is cut at TEXT_TOK_WORD_MAX bytes. */
	ASSERT_EQ(strlen(tokens(big, TEXT_TOK_DOCUMENT)), TEXT_TOK_WORD_MAX + strlen("@0-4999"));
}

static int cn(const char *s)
{
	struct ustr u;
	int v;

	ustr_init(&u);
	ustr_add_cstr(&u, s);
	v = text_cn_integer(u.p, u.len);
	ustr_free(&u);
	return v;
}

TEST(kb_chinese_integers)
{
	ASSERT_EQ(cn("六十四"), 64);
	ASSERT_EQ(cn("十"), 10);
	ASSERT_EQ(cn("一百零五"), 105);
	ASSERT_EQ(cn("一千零七十七"), 1077);
	ASSERT_EQ(cn("一千二百五十四"), 1254);
	ASSERT_EQ(cn("两百"), 200);
	ASSERT_EQ(cn("64"), 64);
	ASSERT_EQ(cn("一二"), -1);
	ASSERT_EQ(cn("六十四条"), -1);
	ASSERT_EQ(cn("12345"), -1);
}

static const char law_md[] =
    "# 中华人民共和国示例法\n\n"
    "2021年1月22日 第十三届全国人民代表大会常务委员会第二十五次会议修订\n\n"
    "<!-- INFO END -->\n\n"
    "## 第一章 总则\n\n"
    "第一条 为了规范示例，制定本法。\n\n"
    "第二条 本法所称示例，是指：\n\n（一）甲；\n\n（二）乙。\n\n"
    "## 第二章 听证\n\n"
    "### 第一节 一般规定\n\n"
    "第六十四条 当事人要求听证的，应当在行政机关告知后五日内提出。\n\n"
    "第六十四条之一 补充规定。\n";

TEST(kb_parse_law_articles_headings_metadata)
{
	struct kb_parsed p;
	struct err e = {0};

	ASSERT_EQ(kb_parse_text(law_md, strlen(law_md), "行政法/示例法(2021-01-22).md", &p, &e), 0);
	ASSERT_STR_EQ(p.title, "中华人民共和国示例法");
	ASSERT_STR_EQ(p.date, "2021-01-22");
	ASSERT_STR_EQ(p.issuer, "全国人民代表大会常务委员会");
	ASSERT_EQ(p.nchunks, 4);
	ASSERT_STR_EQ(p.chunks[0].article, "第一条");
	ASSERT_EQ(p.chunks[0].art_no, 1);
	ASSERT_STR_EQ(p.chunks[0].heading, "第一章 总则");
	/* An article's paragraphs stay together. */
	ASSERT_CONTAINS(p.chunks[1].body, "（二）乙。");
	ASSERT_STR_EQ(p.chunks[2].article, "第六十四条");
	ASSERT_EQ(p.chunks[2].art_no, 64);
	ASSERT_STR_EQ(p.chunks[2].heading, "第二章 听证 第一节 一般规定");
	ASSERT_STR_EQ(p.chunks[3].article, "第六十四条之一");
	ASSERT_EQ(p.chunks[3].art_sub, 1);
	kb_parsed_free(&p);
}

TEST(kb_parse_plain_text_metadata_and_pieces)
{
	struct buf b;
	struct kb_parsed p;
	struct err e = {0};

	buf_init(&b, 1 << 20);
	buf_adds(&b, "关于做好示例工作的通知\n国办发〔2021〕12号\n各省、自治区（已废止）：\n");
	for (int i = 0; i < 40; i++)
		buf_adds(&b, "这是一段没有条文编号的正文，用来检验按段落切分的分块长度上限。\n");
	ASSERT_EQ(kb_parse_text(b.p, b.len, "通知.txt", &p, &e), 0);
	ASSERT_STR_EQ(p.title, "关于做好示例工作的通知");
	ASSERT_STR_EQ(p.doc_number, "国办发〔2021〕12号");
	ASSERT_STR_EQ(p.validity, "已废止");
	ASSERT(p.nchunks >= 3);
	for (size_t i = 0; i < p.nchunks; i++) {
		struct ustr u;

		ASSERT(p.chunks[i].article == NULL);
		ustr_init(&u);
		ustr_add_cstr(&u, p.chunks[i].body);
		ASSERT(u.len <= KB_PIECE_MAX + 1);
		ustr_free(&u);
	}
	kb_parsed_free(&p);
	buf_free(&b);
}

TEST(kb_parse_refuses_hostile_text)
{
	struct kb_parsed p;
	struct err e = {0};

	ASSERT_EQ(kb_parse_text("第一条 \xff\xfe", 12, "a.md", &p, &e), BASE_E_FORMAT);
	ASSERT_CONTAINS(e.msg, "UTF-8");
	err_clear(&e);
	/* Truncated constructs are text, not errors. */
	ASSERT_EQ(kb_parse_text("# \n<!-- INFO", 12, "b.md", &p, &e), 0);
	kb_parsed_free(&p);
	ASSERT_EQ(kb_parse_text("第", 3, "c.md", &p, &e), 0);
	kb_parsed_free(&p);
	/* Found by fuzz_kb_ingest: a heading at the very end of the input. */
	ASSERT_EQ(kb_parse_text("#4", 2, "d.md", &p, &e), 0);
	kb_parsed_free(&p);
	ASSERT_EQ(kb_parse_text("", 0, "", &p, &e), 0);
	ASSERT_EQ(p.nchunks, 0);
	kb_parsed_free(&p);
}

TEST(kb_html_to_text)
{
	static const char html[] = "<html><head><title>示例办法</title><script>var x='第九条';"
				   "</script><style>p{}</style></head><body><h2>第一章 总则</h2>"
				   "<p>第一条 为了<b>规范</b>管理。</p><div>第二条 本办法。</div>"
				   "<!-- c --></body></html>";
	char *t;
	size_t n;
	struct err e = {0};

	ASSERT_EQ(kb_html_to_text(html, strlen(html), &t, &n, &e), 0);
	ASSERT_CONTAINS(t, "# 示例办法\n");
	ASSERT_CONTAINS(t, "## 第一章 总则\n");
	ASSERT_CONTAINS(t, "第一条 为了规范管理。\n");
	ASSERT(strstr(t, "第九条") == NULL);
	free(t);
	/* Unclosed tags and junk still give text, never a crash. */
	ASSERT_EQ(kb_html_to_text("<p>第一条 <b>未闭合", strlen("<p>第一条 <b>未闭合"), &t, &n, &e),
		  0);
	ASSERT_CONTAINS(t, "未闭合");
	free(t);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ASSERT(f != NULL);
	fputs(text, f);
	fclose(f);
}

static struct kb_ingest_opts quiet_opts(void)
{
	struct kb_ingest_opts o;

	memset(&o, 0, sizeof(o));
	o.now = 1;
	return o;
}

struct step_log {
	size_t calls;
	size_t last_files, last_total, last_chunks;
	bool monotonic;
	size_t stop_after; /* 0: never stop */
};

static int step_cb(void *arg, const struct kb_ingest_stats *s, size_t total)
{
	struct step_log *l = arg;

	if (s->files < l->last_files || s->chunks < l->last_chunks || s->files > total)
		l->monotonic = false;
	l->calls++;
	l->last_files = s->files;
	l->last_total = total;
	l->last_chunks = s->chunks;
	return l->stop_after > 0 && s->files >= l->stop_after ? 1 : 0;
}

/* The step callback sees files done of files found grow to the end; a
 * nonzero return stops the ingest, which rolls back (the kb as before), or,
 * committing file by file, rolls back only the file being read. */
TEST(kb_ingest_step_progress_and_cancel)
{
	struct db_fixture f;
	struct kb_ingest_opts o = quiet_opts();
	struct kb_ingest_stats s;
	struct step_log l;
	struct kb_results r;
	struct err e = {0};
	char root[160], name[32], text[160];
	const char *paths[1];

	db_fixture_open(&f);
	snprintf(root, sizeof(root), "%s/docs", f.dir);
	ASSERT_EQ(mkdir(root, 0700), 0);
	for (int i = 1; i <= 6; i++) {
		snprintf(name, sizeof(name), "通知%d.md", i);
		snprintf(text, sizeof(text), "# 第%d号通知\n\n第一条 事项%d按规定办理。\n", i, i);
		write_file(root, name, text);
	}
	paths[0] = root;
	memset(&l, 0, sizeof(l));
	l.monotonic = true;
	o.step = step_cb;
	o.step_arg = &l;
	ASSERT_EQ(kb_add(f.st, "通知", paths, 1, &o, &s, &e), 0);
	ASSERT(l.monotonic);
	ASSERT_EQ(l.calls, 7); /* once when the folder is walked, then per file */
	ASSERT_EQ(l.last_files, 6);
	ASSERT_EQ(l.last_total, 6);
	ASSERT_EQ(l.last_chunks, s.chunks);

	/* changed files, stopped after the third: nothing of it is stored */
	for (int i = 1; i <= 6; i++) {
		snprintf(name, sizeof(name), "通知%d.md", i);
		snprintf(text, sizeof(text), "# 第%d号通知\n\n第一条 蝴蝶兰花卉%d另行办理。\n", i,
			 i);
		write_file(root, name, text);
	}
	memset(&l, 0, sizeof(l));
	l.monotonic = true;
	l.stop_after = 3;
	ASSERT_EQ(kb_reindex(f.st, "通知", &o, &s, &e), BASE_E_BUSY);
	ASSERT_CONTAINS(e.msg, "已取消");
	ASSERT_EQ(l.last_files, 3);
	err_clear(&e);
	ASSERT_EQ(kb_search(f.st, "蝴蝶兰花卉", NULL, 0, 10, &r, &e), 0);
	for (size_t i = 0; i < r.n; i++)
		ASSERT(strstr(r.p[i].text, "蝴蝶兰") == NULL);
	kb_results_free(&r);
	ASSERT_EQ(kb_search(f.st, "事项1按规定办理", NULL, 0, 5, &r, &e), 0);
	ASSERT(r.n >= 1 && strstr(r.p[0].text, "按规定办理") != NULL);
	kb_results_free(&r);
	/* committing file by file, stopped after the third: the two before it
	 * stay updated, the third is rolled back */
	memset(&l, 0, sizeof(l));
	l.monotonic = true;
	l.stop_after = 3;
	o.commit_each_file = true;
	ASSERT_EQ(kb_reindex(f.st, "通知", &o, &s, &e), BASE_E_BUSY);
	err_clear(&e);
	o.commit_each_file = false;
	/* not stopped: every change not yet read is read */
	l.stop_after = 0;
	ASSERT_EQ(kb_reindex(f.st, "通知", &o, &s, &e), 0);
	ASSERT_EQ(s.updated, 4);
	ASSERT_EQ(kb_search(f.st, "蝴蝶兰花卉", NULL, 0, 10, &r, &e), 0);
	ASSERT(r.n >= 1 && strstr(r.p[0].text, "蝴蝶兰") != NULL);
	kb_results_free(&r);
	db_fixture_close(&f);
}

TEST(kb_ingest_search_reingest_dedup)
{
	struct db_fixture f;
	struct kb_ingest_opts o = quiet_opts();
	struct kb_ingest_stats s;
	struct kb_results r;
	struct err e = {0};
	char root[160];
	char sub[200];
	const char *paths[1];

	db_fixture_open(&f);
	snprintf(root, sizeof(root), "%s/laws", f.dir);
	snprintf(sub, sizeof(sub), "%s/行政法", root);
	ASSERT_EQ(mkdir(root, 0700), 0);
	ASSERT_EQ(mkdir(sub, 0700), 0);
	write_file(sub, "示例法(2021-01-22).md", law_md);
	write_file(sub, "示例法(2017-09-01).md",
		   "# 中华人民共和国示例法\n\n<!-- INFO END -->\n\n第六十四条 旧的听证规定。\n");
	write_file(sub, "示例法-副本.md", law_md); /* same content: a duplicate */
	paths[0] = root;
	ASSERT_EQ(kb_add(f.st, "laws", paths, 1, &o, &s, &e), 0);
	ASSERT_EQ(s.added, 3);
	ASSERT_EQ(s.duplicates, 1);
	ASSERT_EQ(s.chunks, 5);

	/* Natural-language query: the article about 听证 comes first, from the
	 * current version (the 2017 one is 已修改). */
	ASSERT_EQ(kb_search(f.st, "要求听证要在几天内提出", NULL, 0, 5, &r, &e), 0);
	ASSERT(r.n >= 1);
	ASSERT_STR_EQ(r.p[0].file, "行政法/示例法(2021-01-22).md");
	ASSERT_STR_EQ(r.p[0].article, "第六十四条");
	ASSERT_STR_EQ(r.p[0].validity, "现行");
	ASSERT(r.p[0].nspans > 0);
	ASSERT_EQ(memcmp(r.p[0].snippet + r.p[0].spans[0].start, "听证", 6) == 0 ||
		      r.p[0].spans[0].len > 0,
		  1);
	kb_results_free(&r);

	/* Extractive answer: the matching sentence with its citation. */
	{
		char *ans;

		ASSERT_EQ(kb_search(f.st, "要求听证要在几天内提出", NULL, 0, 5, &r, &e), 0);
		ans = kb_extractive_answer("要求听证要在几天内提出", &r, 200);
		ASSERT_CONTAINS(ans, "应当在行政机关告知后五日内提出。[1]");
		free(ans);
		kb_results_free(&r);
	}

	/* Citation lookup, with an Arabic article number. */
	ASSERT_EQ(kb_search(f.st, "《示例法》第64条", NULL, 0, 3, &r, &e), 0);
	ASSERT(r.n >= 1);
	ASSERT(r.p[0].exact);
	ASSERT_STR_EQ(r.p[0].article, "第六十四条");
	ASSERT_STR_EQ(r.p[0].file, "行政法/示例法(2021-01-22).md");
	kb_results_free(&r);

	/* Re-ingest: one file changed, one vanished, the rest unchanged. */
	write_file(sub, "示例法(2021-01-22).md",
		   "# 中华人民共和国示例法\n\n<!-- INFO END -->\n\n第一条 全新的条文内容。\n");
	{
		char gone[400];

		snprintf(gone, sizeof(gone), "%s/示例法(2017-09-01).md", sub);
		ASSERT_EQ(unlink(gone), 0);
	}
	ASSERT_EQ(kb_reindex(f.st, "laws", &o, &s, &e), 0);
	ASSERT_EQ(s.updated, 1);
	ASSERT_EQ(s.removed, 1);
	ASSERT_EQ(s.unchanged, 1);
	ASSERT_EQ(kb_search(f.st, "全新的条文", NULL, 0, 5, &r, &e), 0);
	ASSERT(r.n >= 1);
	ASSERT_STR_EQ(r.p[0].file, "行政法/示例法(2021-01-22).md");
	kb_results_free(&r);
	ASSERT_EQ(kb_search(f.st, "旧的听证规定", NULL, 0, 5, &r, &e), 0);
	for (size_t i = 0; i < r.n; i++)
		ASSERT(strstr(r.p[i].file, "2017") == NULL);
	kb_results_free(&r);

	/* Unknown kb, bad limits, hostile queries. */
	{
		const char *names[] = {"没有这个库"};

		ASSERT_EQ(kb_search(f.st, "听证", names, 1, 5, &r, &e), BASE_E_NOTFOUND);
		err_clear(&e);
	}
	ASSERT_EQ(kb_search(f.st, "听证", NULL, 0, 0, &r, &e), BASE_E_USAGE);
	err_clear(&e);
	ASSERT_EQ(kb_search(f.st, "\xff\xfe", NULL, 0, 5, &r, &e), BASE_E_FORMAT);
	err_clear(&e);
	ASSERT_EQ(kb_search(f.st, "\"听证\" OR NEAR(* AND", NULL, 0, 5, &r, &e), 0);
	kb_results_free(&r);
	ASSERT_EQ(kb_search(f.st, "！？。", NULL, 0, 5, &r, &e), 0);
	ASSERT_EQ(r.n, 0);
	ASSERT(!r.answerable);
	kb_results_free(&r);

	ASSERT_EQ(kb_remove(f.st, "laws", &e), 0);
	ASSERT_EQ(kb_search(f.st, "全新的条文", NULL, 0, 5, &r, &e), 0);
	ASSERT_EQ(r.n, 0);
	kb_results_free(&r);
	db_fixture_close(&f);
}

/* An upload is converted once: the text kb_check_file_text extracted is
 * what the ingest stores for that file (pre_text), not a second reading;
 * another file of the folder is read as usual. A text given for another
 * path is not used. */
TEST(kb_ingest_pre_text_parsed_once)
{
	struct db_fixture f;
	struct kb_ingest_opts o = quiet_opts();
	struct kb_ingest_stats s;
	struct kb_results r;
	struct err e = {0};
	char root[160], path[200];
	char *text = NULL;
	size_t tlen = 0;
	const char *paths[1];
	const char *given = "# 替身办法\n\n第一条 喵呜嘤嘤应当登记。\n";

	db_fixture_open(&f);
	snprintf(root, sizeof(root), "%s/up", f.dir);
	ASSERT_EQ(mkdir(root, 0700), 0);
	write_file(root, "办法.md", "# 登记办法\n\n第一条 蝴蝶兰应当登记。\n");
	write_file(root, "其他.md", "# 其他规定\n\n第一条 兰花草另行办理。\n");
	snprintf(path, sizeof(path), "%s/办法.md", root);
	ASSERT_EQ(kb_check_file_text(path, "办法.md", &text, &tlen, &e), 0);
	ASSERT(text != NULL && strstr(text, "蝴蝶兰") != NULL && tlen == strlen(text));
	free(text);
	/* a stand-in text marks which one the ingest used */
	o.pre_path = path;
	o.pre_text = given;
	o.pre_tlen = strlen(given);
	paths[0] = root;
	ASSERT_EQ(kb_add(f.st, "上传", paths, 1, &o, &s, &e), 0);
	ASSERT_EQ(s.files, 2);
	ASSERT_EQ(kb_search(f.st, "喵呜嘤嘤", NULL, 0, 10, &r, &e), 0);
	ASSERT(r.n == 1 && strcmp(r.p[0].file, "办法.md") == 0);
	kb_results_free(&r);
	ASSERT_EQ(kb_search(f.st, "蝴蝶兰", NULL, 0, 10, &r, &e), 0);
	ASSERT_EQ(r.n, 0);
	kb_results_free(&r);
	ASSERT_EQ(kb_search(f.st, "兰花草", NULL, 0, 10, &r, &e), 0);
	ASSERT_EQ(r.n, 1);
	kb_results_free(&r);
	/* a failed check gives no text */
	write_file(root, "空.md", "");
	snprintf(path, sizeof(path), "%s/空.md", root);
	text = (char *)"x";
	ASSERT(kb_check_file_text(path, "空.md", &text, &tlen, &e) != 0);
	ASSERT(text == NULL);
	db_fixture_close(&f);
}
