/*
 * Tests: kb/pdf — page-number lines, re-joining wrapped lines, hostile
 * text, and pdftotext in its child process on small PDFs written here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb/kb.h"
#include "test.h"

static bool pn(const char *s)
{
	return kb_pdf_page_number_line(s, strlen(s));
}

TEST(kb_pdf_page_number_lines)
{
	ASSERT(pn("— 3 —"));
	ASSERT(pn("- 12 -"));
	ASSERT(pn("  －１２－ "));
	ASSERT(pn("第3页"));
	ASSERT(pn("第 3 页 共 9 页"));
	ASSERT(pn("共9页，第3页"));
	ASSERT(pn("3/9"));
	ASSERT(pn(" ３ / ９ "));
	ASSERT(!pn("3")); /* may be a table cell */
	ASSERT(!pn("第三条"));
	ASSERT(!pn("第3条"));
	ASSERT(!pn("- 3"));
	ASSERT(!pn("3 -"));
	ASSERT(!pn("第3页共"));
	ASSERT(!pn("2024年"));
	ASSERT(!pn(""));
	ASSERT(!pn("\xff\xfe"));
}

static char *clean(const char *in, int *rc, struct err *e)
{
	char *out = NULL;
	size_t n = 0;

	*e = (struct err){0, ""}; /* first error wins: a fresh one per call */
	*rc = kb_pdf_clean(in, strlen(in), &out, &n, e);
	if (*rc == 0)
		ASSERT_EQ(strlen(out), n);
	return out;
}

TEST(kb_pdf_clean_joins_wrapped_lines_only)
{
	const char *in = "中华人民共和国示范法\n"
			 "第一章 总则\n"
			 "第一条 为了规范示范活动，保护当事人的合法权益，根据宪法，制定本\n"
			 "法。\n"
			 "\f— 1 —\n"
			 "第二条 本法所称示范活动，是指以电子或者其他方式进行的各种活动，不\n"
			 "包括匿名化处理后的活动。\n"
			 "第三条 示范活动应当遵循合法、正当、必要和诚信原则，不得误导他人。\n"
			 "（一）以向境内自然人提供产品或者服务为目的的活动和其他相关的活动；\n"
			 "（二）分析、评估境内自然人的行为。\n"
			 "第 2 页 共 2 页\n";
	struct err e = {0, ""};
	int rc;
	char *out = clean(in, &rc, &e);

	ASSERT_EQ(rc, 0);
	ASSERT(strstr(out, "根据宪法，制定本法。\n") != NULL);
	ASSERT(strstr(out, "不包括匿名化处理后的活动。\n") != NULL);
	/* A sentence end or a new unit keeps the break. */
	ASSERT(strstr(out, "不得误导他人。\n（一）") != NULL);
	ASSERT(strstr(out, "活动；\n（二）") != NULL);
	ASSERT(strstr(out, "示范法\n第一章 总则\n第一条") != NULL);
	/* Page numbers and page breaks are gone. */
	ASSERT(strstr(out, "— 1 —") == NULL);
	ASSERT(strstr(out, "共 2 页") == NULL);
	ASSERT(strchr(out, '\f') == NULL);
	free(out);
}

TEST(kb_pdf_clean_hostile_text)
{
	struct err e = {0, ""};
	int rc;
	char *out = clean("正文\xc3\x28", &rc, &e);
	char *big;

	ASSERT(out == NULL);
	ASSERT_EQ(rc, BASE_E_FORMAT);
	ASSERT(strstr(e.msg, "UTF-8") != NULL);
	out = clean(" \n\f\n\xe3\x80\x80\n— 3 —\n", &rc, &e);
	ASSERT(out == NULL);
	ASSERT_EQ(rc, BASE_E_FORMAT);
	ASSERT(strstr(e.msg, "扫描件") != NULL);
	big = malloc((size_t)KB_FILE_MAX + 2);
	ASSERT(big != NULL);
	memset(big, 'a', (size_t)KB_FILE_MAX + 1);
	big[KB_FILE_MAX + 1] = '\0';
	out = clean(big, &rc, &e);
	ASSERT(out == NULL);
	ASSERT_EQ(rc, BASE_E_LIMIT);
	/* One line of 16 MB is not a problem for the line walk. */
	big[KB_FILE_MAX - 1] = '\0';
	out = clean(big, &rc, &e);
	ASSERT_EQ(rc, 0);
	ASSERT_EQ(strlen(out), (size_t)KB_FILE_MAX);
	free(out);
	free(big);
}

/* A one-page PDF 1.4 with the text lines in Helvetica, xref offsets right. */
static void write_pdf(const char *path, const char *const *lines, size_t n)
{
	struct buf content, pdf;
	size_t off[6];
	FILE *f;

	buf_init(&content, 1 << 20);
	buf_adds(&content, "BT /F1 12 Tf 72 720 Td 14 TL\n");
	for (size_t i = 0; i < n; i++)
		buf_addf(&content, "(%s) '\n", lines[i]);
	buf_adds(&content, "ET\n");
	buf_init(&pdf, 1 << 20);
	buf_adds(&pdf, "%PDF-1.4\n");
	off[1] = pdf.len;
	buf_adds(&pdf, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
	off[2] = pdf.len;
	buf_adds(&pdf, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
	off[3] = pdf.len;
	buf_adds(&pdf, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
		       "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >> endobj\n");
	off[4] = pdf.len;
	buf_addf(&pdf, "4 0 obj << /Length %zu >> stream\n", content.len);
	buf_add(&pdf, content.p, content.len);
	buf_adds(&pdf, "endstream endobj\n");
	off[5] = pdf.len;
	buf_adds(&pdf, "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
	{
		size_t xref = pdf.len;

		buf_adds(&pdf, "xref\n0 6\n0000000000 65535 f \n");
		for (int i = 1; i <= 5; i++)
			buf_addf(&pdf, "%010zu 00000 n \n", off[i]);
		buf_addf(&pdf, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
			 xref);
	}
	f = fopen(path, "wb");
	ASSERT(f != NULL);
	ASSERT_EQ(fwrite(pdf.p, 1, pdf.len, f), pdf.len);
	ASSERT_EQ(fclose(f), 0);
	buf_free(&content);
	buf_free(&pdf);
}

TEST(kb_pdf_to_text_through_pdftotext)
{
	char dir[] = "/tmp/shuzhi-pdf-XXXXXX";
	char path[256];
	const char *lines[] = {"Article 1 Purpose of this law.", "- 1 -"};
	struct err e = {0, ""};
	char *text = NULL;
	size_t n = 0;
	int rc;

	if (access("/usr/bin/pdftotext", X_OK) != 0)
		TEST_FAIL_AT("pdftotext (poppler-utils) is not installed");
	ASSERT(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/a.pdf", dir);
	write_pdf(path, lines, 2);
	e = (struct err){0, ""};
	rc = kb_pdf_to_text(path, &text, &n, &e);
	if (rc != 0)
		TEST_FAIL_AT("kb_pdf_to_text: %s", e.msg);
	ASSERT(strstr(text, "Article 1 Purpose of this law.") != NULL);
	ASSERT(strstr(text, "- 1 -") == NULL);
	free(text);

	/* A page without text is a scan to the reader. */
	write_pdf(path, lines, 0);
	e = (struct err){0, ""};
	rc = kb_pdf_to_text(path, &text, &n, &e);
	ASSERT_EQ(rc, BASE_E_FORMAT);
	ASSERT(text == NULL);
	ASSERT(strstr(e.msg, "没有可提取的文字") != NULL);

	/* Truncated: pdftotext fails, we say why. */
	write_pdf(path, lines, 1);
	ASSERT_EQ(truncate(path, 40), 0);
	e = (struct err){0, ""};
	rc = kb_pdf_to_text(path, &text, &n, &e);
	ASSERT_EQ(rc, BASE_E_FORMAT);
	ASSERT(strstr(e.msg, "无法打开 PDF") != NULL);

	/* Not a PDF at all, and no file. */
	{
		FILE *f = fopen(path, "wb");

		ASSERT(f != NULL);
		fputs("<html>not a pdf</html>", f);
		fclose(f);
	}
	e = (struct err){0, ""};
	rc = kb_pdf_to_text(path, &text, &n, &e);
	ASSERT_EQ(rc, BASE_E_FORMAT);
	ASSERT(strstr(e.msg, "不是 PDF") != NULL);
	unlink(path);
	e = (struct err){0, ""};
	rc = kb_pdf_to_text(path, &text, &n, &e);
	ASSERT_EQ(rc, BASE_E_IO);

	/* No pdftotext: a clear message, not a crash. */
	write_pdf(path, lines, 1);
	setenv("SHUZHI_PDFTOTEXT", "/nonexistent/pdftotext", 1);
	e = (struct err){0, ""};
	rc = kb_pdf_to_text(path, &text, &n, &e);
	unsetenv("SHUZHI_PDFTOTEXT");
	ASSERT_EQ(rc, BASE_E_INTERNAL);
	ASSERT(strstr(e.msg, "poppler-utils") != NULL);
	unlink(path);
	rmdir(dir);
}
