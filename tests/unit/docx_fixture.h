/* Relationship parts shared by the unit tests that build a .docx in memory
 * (test_docx_model.c, test_docx_check_props.c): the package's
 * _rels/.rels, and the start of word/_rels/document.xml.rels naming the
 * styles (rId1) and theme (rId2) parts; each test closes it with its own. */
#ifndef SHUZHI_TEST_DOCX_FIXTURE_H
#define SHUZHI_TEST_DOCX_FIXTURE_H

#define TEST_RELS_NS   "http://schemas.openxmlformats.org/package/2006/relationships"
#define TEST_OFFICE_RT "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

#define TEST_PACKAGE_RELS                                                                          \
	"<Relationships xmlns=\"" TEST_RELS_NS                                                     \
	"\"><Relationship Id=\"rId1\" Type=\"" TEST_OFFICE_RT                                      \
	"officeDocument\" Target=\"word/document.xml\"/></Relationships>"

#define TEST_DOC_RELS_HEAD                                                                         \
	"<Relationships xmlns=\"" TEST_RELS_NS                                                     \
	"\"><Relationship Id=\"rId1\" Type=\"" TEST_OFFICE_RT                                      \
	"styles\" Target=\"styles.xml\"/><Relationship Id=\"rId2\" Type=\"" TEST_OFFICE_RT         \
	"theme\" Target=\"theme/theme1.xml\"/>"

#include <stddef.h>

/* A .docx in memory (malloc'd, *len bytes): the package and document
 * relationships above, document and styles_part as word/document.xml and
 * word/styles.xml, and a theme with major/minor Latin and East Asian
 * fonts (test_docx_check_props.c). */
char *test_docx_package(const char *document, const char *styles_part, size_t *len);
/* The same with document_rels as word/_rels/document.xml.rels (starting with
 * TEST_DOC_RELS_HEAD) and nmore more parts: names and texts in turn, in
 * more[0..2*nmore). */
char *test_docx_package_parts(const char *document_rels, const char *document,
			      const char *styles_part, const char *const *more, size_t nmore,
			      size_t *len);

struct doc_pprops;
/* Asserts that two effective paragraph properties are the same, field by
 * field (test_docx_check_props.c, test_gw_runs_ref.c). */
void test_same_pprops(const struct doc_pprops *a, const struct doc_pprops *b);

#endif
