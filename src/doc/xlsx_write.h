/*
 * doc/xlsx_write: a minimal SpreadsheetML workbook (one worksheet) written
 * with doc/zip's writer — the package parts of spec/ooxml.md §2.7:
 * content types, package and workbook relationships, workbook.xml and
 * xl/worksheets/sheet1.xml with inline strings (no shared strings, no
 * styles part). Used for the embedded chart workbooks of slides/ and for
 * spreadsheet exports (enterprise screening lists).
 *
 * Cells are appended row by row: doc_xlsx_row() starts the next row, then
 * doc_xlsx_str()/doc_xlsx_num() fill its columns A, B, … in order. Text is
 * escaped for XML (characters XML 1.0 forbids are dropped). The sheet is
 * bounded (DOC_XLSX_MAX bytes of XML); doc_xlsx_bytes() fails past it.
 */
#ifndef SHUZHI_DOC_XLSX_WRITE_H
#define SHUZHI_DOC_XLSX_WRITE_H

#include <stddef.h>

#include "base/base.h"

#define DOC_XLSX_MAX ((size_t)256 << 20)

struct doc_xlsx;

/* sheet: the worksheet's name (NULL: "Sheet1"; at most 31 characters,
 * none of []:*?/\ — others are replaced by '_'). */
struct doc_xlsx *doc_xlsx_new(const char *sheet);
void doc_xlsx_free(struct doc_xlsx *x);
void doc_xlsx_row(struct doc_xlsx *x);
void doc_xlsx_str(struct doc_xlsx *x, const char *s);
void doc_xlsx_num(struct doc_xlsx *x, double v);
/* A number given as decimal text ("-12.50"); text that is not a plain
 * decimal number is written as a string cell. */
void doc_xlsx_num_text(struct doc_xlsx *x, const char *s);
void doc_xlsx_empty(struct doc_xlsx *x); /* skip one column */
/* The package (*data malloc'ed). */
int doc_xlsx_bytes(struct doc_xlsx *x, char **data, size_t *len, struct err *e);

#endif
