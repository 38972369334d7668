/* doc/xlsx_write: cell references past Z, numbers and text, escaping,
 * sheet names, and the package parts read back with doc/zip. */
#include <stdlib.h>
#include <string.h>

#include "doc/xlsx_write.h"
#include "doc/zip.h"
#include "test.h"

static char *part(const char *data, size_t len, const char *name)
{
	struct doc_zip_limits l;
	struct doc_zip *z;
	struct err e = {0};
	char *out = NULL;
	size_t n;

	doc_zip_default_limits(&l);
	ASSERT_EQ(doc_zip_open_mem(data, len, "t.xlsx", &l, &z, &e), 0);
	ASSERT_EQ(doc_zip_read(z, name, &out, &n, &e), 0);
	doc_zip_close(z);
	return out;
}

TEST(xlsx_cells_refs_numbers_and_escaping)
{
	struct doc_xlsx *x = doc_xlsx_new("招商/筛选:[1]");
	struct err e = {0};
	char *data, *sheet, *wb;
	size_t len;

	doc_xlsx_row(x);
	for (int i = 0; i < 27; i++)
		doc_xlsx_str(x, i == 26 ? "A&B <c> \"d\"\x01" : "h");
	doc_xlsx_row(x);
	doc_xlsx_num(x, 42);
	doc_xlsx_num_text(x, "-12.50");
	doc_xlsx_num_text(x, "1,234"); /* not a plain decimal: a string */
	doc_xlsx_empty(x);
	doc_xlsx_num(x, 0.25);
	ASSERT_EQ(doc_xlsx_bytes(x, &data, &len, &e), 0);
	sheet = part(data, len, "xl/worksheets/sheet1.xml");
	ASSERT_CONTAINS(sheet,
			"<c r=\"AA1\" t=\"inlineStr\"><is><t>A&amp;B &lt;c&gt; &quot;d&quot;</t>");
	ASSERT_CONTAINS(sheet, "<c r=\"A2\"><v>42</v></c>");
	ASSERT_CONTAINS(sheet, "<c r=\"B2\"><v>-12.50</v></c>");
	ASSERT_CONTAINS(sheet, "<c r=\"C2\" t=\"inlineStr\"><is><t>1,234</t>");
	ASSERT_CONTAINS(sheet, "<c r=\"E2\"><v>0.25</v></c>");
	ASSERT(strstr(sheet, "D2") == NULL);
	wb = part(data, len, "xl/workbook.xml");
	ASSERT_CONTAINS(wb, "<sheet name=\"招商_筛选__1_\"");
	free(sheet);
	free(wb);
	free(data);
	doc_xlsx_free(x);
}

TEST(xlsx_sheet_name_limit_and_empty)
{
	struct doc_xlsx *x =
	    doc_xlsx_new("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三");
	struct err e = {0};
	char *data, *wb;
	size_t len;

	ASSERT_EQ(doc_xlsx_bytes(x, &data, &len, &e), 0);
	wb = part(data, len, "xl/workbook.xml");
	ASSERT_CONTAINS(wb,
			"name=\"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一\"");
	free(wb);
	free(data);
	doc_xlsx_free(x);
}
