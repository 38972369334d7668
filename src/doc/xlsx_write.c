/* doc/xlsx_write: minimal one-sheet SpreadsheetML package (see xlsx_write.h). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/docx_write.h"
#include "doc/xlsx_write.h"
#include "doc/zip.h"

#define NS_R	 "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_S	 "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_PR	 "http://schemas.openxmlformats.org/package/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

struct doc_xlsx {
	char sheet[128];
	struct buf b; /* <row> elements */
	size_t row, col;
	bool open;
	bool over; /* a cell did not fit */
};

struct doc_xlsx *doc_xlsx_new(const char *sheet)
{
	struct doc_xlsx *x = xcalloc(1, sizeof(*x));
	size_t n = 0, chars = 0;

	if (sheet == NULL || sheet[0] == '\0')
		sheet = "Sheet1";
	/* at most 31 characters (code points), no []:*?/\ */
	for (const char *p = sheet; *p != '\0' && chars < 31 && n + 5 < sizeof(x->sheet); chars++) {
		size_t len = 1;

		while ((p[len] & 0xC0) == 0x80)
			len++;
		if (len == 1 && strchr("[]:*?/\\", *p) != NULL) {
			x->sheet[n++] = '_';
		} else {
			memcpy(x->sheet + n, p, len);
			n += len;
		}
		p += len;
	}
	x->sheet[n] = '\0';
	buf_init(&x->b, DOC_XLSX_MAX + ((size_t)1 << 20));
	return x;
}

void doc_xlsx_free(struct doc_xlsx *x)
{
	if (x == NULL)
		return;
	buf_free(&x->b);
	free(x);
}

void doc_xlsx_row(struct doc_xlsx *x)
{
	if (x->open)
		buf_adds(&x->b, "</row>");
	x->row++;
	x->col = 0;
	x->open = true;
	buf_addf(&x->b, "<row r=\"%zu\">", x->row);
}

/* The cell reference of the next column ("A1", "AB12"). */
static void ref(struct doc_xlsx *x, char *out, size_t cap)
{
	char letters[8];
	size_t n = 0, c = x->col + 1;

	if (!x->open)
		doc_xlsx_row(x);
	while (c > 0 && n < sizeof(letters)) {
		letters[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (size_t i = 0; i < n && i + 1 < cap; i++)
		out[i] = letters[n - 1 - i];
	snprintf(out + (n < cap ? n : cap - 1), cap - (n < cap ? n : cap - 1), "%zu", x->row);
	x->col++;
}

void doc_xlsx_str(struct doc_xlsx *x, const char *s)
{
	char r[32];

	ref(x, r, sizeof(r));
	buf_addf(&x->b, "<c r=\"%s\" t=\"inlineStr\"><is><t>", r);
	if (doc_dw_escape(&x->b, s != NULL ? s : "", s != NULL ? strlen(s) : 0) != 0 ||
	    buf_adds(&x->b, "</t></is></c>") != 0)
		x->over = true;
}

void doc_xlsx_num(struct doc_xlsx *x, double v)
{
	char r[32];

	if (!isfinite(v)) {
		doc_xlsx_empty(x);
		return;
	}
	ref(x, r, sizeof(r));
	if (v == floor(v) && fabs(v) < 1e15)
		buf_addf(&x->b, "<c r=\"%s\"><v>%.0f</v></c>", r, v);
	else
		buf_addf(&x->b, "<c r=\"%s\"><v>%.15g</v></c>", r, v);
}

static bool plain_decimal(const char *s)
{
	size_t i = 0, digits = 0;

	if (s[i] == '-')
		i++;
	for (; s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (digits == 0)
		return false;
	if (s[i] == '.') {
		size_t frac = 0;

		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			frac++;
		if (frac == 0)
			return false;
	}
	return s[i] == '\0' && i <= 30;
}

void doc_xlsx_num_text(struct doc_xlsx *x, const char *s)
{
	char r[32];

	if (s == NULL || s[0] == '\0') {
		doc_xlsx_empty(x);
		return;
	}
	if (!plain_decimal(s)) {
		doc_xlsx_str(x, s);
		return;
	}
	ref(x, r, sizeof(r));
	buf_addf(&x->b, "<c r=\"%s\"><v>%s</v></c>", r, s);
}

void doc_xlsx_empty(struct doc_xlsx *x)
{
	if (!x->open)
		doc_xlsx_row(x);
	x->col++;
}

int doc_xlsx_bytes(struct doc_xlsx *x, char **data, size_t *len, struct err *e)
{
	struct doc_zip_writer *w;
	struct buf b;
	int rc;

	*data = NULL;
	*len = 0;
	if (x->open) {
		buf_adds(&x->b, "</row>");
		x->open = false;
	}
	if (x->over || x->b.len > DOC_XLSX_MAX)
		return err_set(e, BASE_E_LIMIT, "表格超过 %zu MB 上限", DOC_XLSX_MAX >> 20);
	w = doc_zip_writer_new();
	buf_init(&b, x->b.len + 4096);
	buf_adds(&b, XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
			      "content-types\"><Default Extension=\"rels\" "
			      "ContentType=\"application/vnd.openxmlformats-package.relationships+"
			      "xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
			      "<Override PartName=\"/xl/workbook.xml\" "
			      "ContentType=\"application/vnd.openxmlformats-officedocument."
			      "spreadsheetml.sheet.main+xml\"/><Override "
			      "PartName=\"/xl/worksheets/sheet1.xml\" "
			      "ContentType=\"application/vnd.openxmlformats-officedocument."
			      "spreadsheetml.worksheet+xml\"/></Types>");
	doc_zip_writer_add(w, "[Content_Types].xml", b.p, b.len);
	buf_reset(&b);
	buf_adds(&b, XML_DECL "<Relationships xmlns=\"" NS_PR
			      "\"><Relationship Id=\"rId1\" Type=\"" NS_R
			      "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
	doc_zip_writer_add(w, "_rels/.rels", b.p, b.len);
	buf_reset(&b);
	buf_adds(&b, XML_DECL "<workbook xmlns=\"" NS_S "\" xmlns:r=\"" NS_R
			      "\"><sheets><sheet name=\"");
	doc_dw_escape(&b, x->sheet, strlen(x->sheet));
	buf_adds(&b, "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
	doc_zip_writer_add(w, "xl/workbook.xml", b.p, b.len);
	buf_reset(&b);
	buf_adds(&b, XML_DECL "<Relationships xmlns=\"" NS_PR
			      "\"><Relationship Id=\"rId1\" Type=\"" NS_R
			      "/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>");
	doc_zip_writer_add(w, "xl/_rels/workbook.xml.rels", b.p, b.len);
	buf_reset(&b);
	buf_adds(&b, XML_DECL "<worksheet xmlns=\"" NS_S "\"><sheetData>");
	buf_add(&b, x->b.p, x->b.len);
	buf_adds(&b, "</sheetData></worksheet>");
	doc_zip_writer_add(w, "xl/worksheets/sheet1.xml", b.p, b.len);
	buf_free(&b);
	rc = doc_zip_writer_bytes(w, data, len, e);
	doc_zip_writer_free(w);
	return rc;
}
