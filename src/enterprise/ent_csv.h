/*
 * enterprise/csv: a bounded RFC 4180 reader for 公共数据 exports.
 *
 * It reads a buffer the caller owns (a mapped file, or fuzz input) and reads
 * fields the way Python's csv module (excel dialect, strict=False) does, so
 * that row shapes and line numbers agree with the reference oracle:
 *  - a UTF-8 BOM at the very start is skipped;
 *  - \n, \r\n and a lone \r end a physical line; a completely empty line is a
 *    record with no fields (callers skip it);
 *  - a field that starts with " is quoted ("" is one quote, line ends inside
 *    are kept); characters after the closing quote are appended; a quote
 *    inside an unquoted field is literal.
 *  - rec->line is the 1-based physical line where the record starts (the
 *    header is line 1).
 * Hostile input never stops the reader: a record with a NUL byte, a field
 * over ENT_CSV_FIELD_MAX, more than ENT_CSV_FIELDS_MAX fields, a quoted field
 * left open at the end of the data or across more than ENT_CSV_LINES_MAX
 * lines is returned with rec->error set, and reading resumes at the physical
 * line after the one where that record started. Invalid UTF-8 bytes are
 * replaced by U+FFFD in the returned field and counted in rec->bad_utf8.
 * Field pointers stay valid until the next ent_csv_next() call.
 */
#ifndef SHUZHI_ENT_CSV_H
#define SHUZHI_ENT_CSV_H

#include <stdbool.h>
#include <stddef.h>

#define ENT_CSV_FIELD_MAX  (128 * 1024) /* bytes per field (Python's default limit) */
#define ENT_CSV_FIELDS_MAX 256		/* fields per record */
#define ENT_CSV_LINES_MAX  16		/* physical lines one record may span */

enum {
	ENT_CSV_OK = 0,
	ENT_CSV_E_NUL,		  /* NUL byte in the record */
	ENT_CSV_E_FIELD_TOO_LONG, /* a field over ENT_CSV_FIELD_MAX */
	ENT_CSV_E_TOO_MANY,	  /* more than ENT_CSV_FIELDS_MAX fields */
	ENT_CSV_E_UNCLOSED	  /* quoted field not closed (end of data or too many lines) */
};

struct ent_csv_rec {
	size_t nfields;
	const char **f;	 /* NUL-terminated field texts */
	size_t *flen;	 /* their byte lengths */
	long line;	 /* physical line where the record starts */
	int error;	 /* ENT_CSV_OK or ENT_CSV_E_* (fields then unusable) */
	size_t bad_utf8; /* invalid bytes replaced by U+FFFD in this record */
};

struct ent_csv;

/* Reader over data[0..len) (not copied; must outlive the reader). */
struct ent_csv *ent_csv_new(const char *data, size_t len);
void ent_csv_free(struct ent_csv *c);
/* Next record: 1 when *rec was filled, 0 at the end of the data. */
int ent_csv_next(struct ent_csv *c, struct ent_csv_rec *rec);
/* Bytes consumed so far (for progress reports). */
size_t ent_csv_offset(const struct ent_csv *c);
/* Chinese description of an ENT_CSV_E_* code. */
const char *ent_csv_error_text(int error);

#endif
