/* enterprise/csv: see ent_csv.h. */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "enterprise/ent_csv.h"
#include "text/text.h"

#define ENT_CSV_RECORD_MAX (1024 * 1024) /* bytes of all fields of one record */

struct ent_csv {
	const char *data;
	size_t len;
	size_t pos;
	long line; /* physical line at pos */
	char *scratch;
	size_t scap;
	char *fixed; /* UTF-8-repaired copies of fields */
	size_t fcap;
	size_t off[ENT_CSV_FIELDS_MAX + 1];
	const char *fp[ENT_CSV_FIELDS_MAX];
	size_t fl[ENT_CSV_FIELDS_MAX];
};

struct ent_csv *ent_csv_new(const char *data, size_t len)
{
	struct ent_csv *c = xcalloc(1, sizeof(*c));

	c->data = data;
	c->len = len;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		c->pos = 3;
	c->line = 1;
	c->scap = 4096;
	c->scratch = xmalloc(c->scap);
	return c;
}

void ent_csv_free(struct ent_csv *c)
{
	if (c == NULL)
		return;
	free(c->scratch);
	free(c->fixed);
	free(c);
}

size_t ent_csv_offset(const struct ent_csv *c)
{
	return c->pos;
}

const char *ent_csv_error_text(int error)
{
	switch (error) {
	case ENT_CSV_E_NUL:
		return "含有 NUL 字节";
	case ENT_CSV_E_FIELD_TOO_LONG:
		return "字段或记录超长";
	case ENT_CSV_E_TOO_MANY:
		return "字段数过多";
	case ENT_CSV_E_UNCLOSED:
		return "引号未闭合";
	default:
		return "格式正确";
	}
}

/* Advance past one line end at pos (\r\n, \r or \n); returns the new pos. */
static size_t past_eol(const struct ent_csv *c, size_t pos)
{
	if (c->data[pos] == '\r' && pos + 1 < c->len && c->data[pos + 1] == '\n')
		return pos + 2;
	return pos + 1;
}

/* Skip to just after the end of the physical line starting at pos. */
static void skip_line(struct ent_csv *c, size_t pos)
{
	while (pos < c->len && c->data[pos] != '\n' && c->data[pos] != '\r')
		pos++;
	c->pos = pos < c->len ? past_eol(c, pos) : pos;
}

static int put(struct ent_csv *c, size_t *n, char ch)
{
	if (*n + 2 > c->scap) {
		if (c->scap >= ENT_CSV_RECORD_MAX)
			return -1;
		c->scap *= 2;
		c->scratch = xrealloc(c->scratch, c->scap);
	}
	c->scratch[(*n)++] = ch;
	return 0;
}

/* Replace invalid UTF-8 in every field by U+FFFD (into c->fixed). */
static size_t repair_utf8(struct ent_csv *c, size_t nf)
{
	size_t bad = 0;
	size_t need = 0;
	size_t at = 0;

	for (size_t i = 0; i < nf; i++) {
		if (!text_utf8_valid(c->fp[i], c->fl[i], NULL))
			need += 3 * c->fl[i] + 1;
	}
	if (need == 0)
		return 0;
	if (need > c->fcap) {
		c->fcap = need;
		c->fixed = xrealloc(c->fixed, need);
	}
	for (size_t i = 0; i < nf; i++) {
		const char *s = c->fp[i];
		size_t len = c->fl[i];
		size_t start = at;

		if (text_utf8_valid(s, len, NULL))
			continue;
		for (size_t k = 0; k < len;) {
			uint32_t cp;
			size_t n = text_utf8_decode(s + k, len - k, &cp);
			char tmp[4];
			size_t m;

			if (cp == 0xFFFD && !(n == 3 && memcmp(s + k, "\xEF\xBF\xBD", 3) == 0))
				bad++;
			m = text_utf8_encode(cp, tmp);
			memcpy(c->fixed + at, tmp, m);
			at += m;
			k += n ? n : 1;
		}
		c->fixed[at++] = '\0';
		c->fp[i] = c->fixed + start;
		c->fl[i] = at - start - 1;
	}
	return bad;
}

int ent_csv_next(struct ent_csv *c, struct ent_csv_rec *rec)
{
	enum { START_FIELD, IN_FIELD, IN_QUOTED, QUOTE_IN_QUOTED } state = START_FIELD;
	size_t start = c->pos;
	long start_line = c->line;
	long lines = 1;
	size_t n = 0;
	size_t nf = 0;
	size_t pos = c->pos;
	int error = ENT_CSV_OK;
	bool done = false;

	memset(rec, 0, sizeof(*rec));
	if (pos >= c->len)
		return 0;
	rec->line = start_line;
	/* A completely empty physical line: a record without fields. */
	if (c->data[pos] == '\n' || c->data[pos] == '\r') {
		c->pos = past_eol(c, pos);
		c->line++;
		rec->f = c->fp;
		rec->flen = c->fl;
		return 1;
	}
	c->off[0] = 0;
	while (!done) {
		char ch;

		if (pos >= c->len) {
			if (state == IN_QUOTED)
				error = ENT_CSV_E_UNCLOSED;
			break;
		}
		ch = c->data[pos];
		if (ch == '\0') {
			error = ENT_CSV_E_NUL;
			break;
		}
		switch (state) {
		case START_FIELD:
		case IN_FIELD:
			if (ch == '"' && state == START_FIELD) {
				state = IN_QUOTED;
				pos++;
			} else if (ch == ',') {
				if (nf + 1 >= ENT_CSV_FIELDS_MAX) {
					error = ENT_CSV_E_TOO_MANY;
					break;
				}
				if (put(c, &n, '\0') != 0) {
					error = ENT_CSV_E_FIELD_TOO_LONG;
					break;
				}
				c->off[++nf] = n;
				state = START_FIELD;
				pos++;
			} else if (ch == '\n' || ch == '\r') {
				pos = past_eol(c, pos);
				done = true;
			} else {
				if (put(c, &n, ch) != 0) {
					error = ENT_CSV_E_FIELD_TOO_LONG;
					break;
				}
				state = IN_FIELD;
				pos++;
			}
			break;
		case IN_QUOTED:
			if (ch == '"') {
				state = QUOTE_IN_QUOTED;
				pos++;
				break;
			}
			if (ch == '\n' || ch == '\r') {
				size_t next = past_eol(c, pos);

				if (++lines > ENT_CSV_LINES_MAX) {
					error = ENT_CSV_E_UNCLOSED;
					break;
				}
				while (pos < next) {
					if (put(c, &n, c->data[pos++]) != 0) {
						error = ENT_CSV_E_FIELD_TOO_LONG;
						break;
					}
				}
				break;
			}
			if (put(c, &n, ch) != 0) {
				error = ENT_CSV_E_FIELD_TOO_LONG;
				break;
			}
			pos++;
			break;
		case QUOTE_IN_QUOTED:
			if (ch == '"') {
				if (put(c, &n, '"') != 0) {
					error = ENT_CSV_E_FIELD_TOO_LONG;
					break;
				}
				state = IN_QUOTED;
				pos++;
			} else if (ch == ',' || ch == '\n' || ch == '\r') {
				state = IN_FIELD; /* handled as the end of an unquoted field */
			} else {
				if (put(c, &n, ch) != 0) {
					error = ENT_CSV_E_FIELD_TOO_LONG;
					break;
				}
				state = IN_FIELD;
				pos++;
			}
			break;
		}
		if (error != ENT_CSV_OK)
			break;
		if (n - c->off[nf] > ENT_CSV_FIELD_MAX) {
			error = ENT_CSV_E_FIELD_TOO_LONG;
			break;
		}
	}
	if (error != ENT_CSV_OK) {
		/* Resume at the line after the one where the record started. */
		c->line = start_line + 1;
		skip_line(c, start);
		rec->error = error;
		rec->f = c->fp;
		rec->flen = c->fl;
		return 1;
	}
	if (put(c, &n, '\0') != 0) {
		c->line = start_line + 1;
		skip_line(c, start);
		rec->error = ENT_CSV_E_FIELD_TOO_LONG;
		rec->f = c->fp;
		rec->flen = c->fl;
		return 1;
	}
	nf++;
	c->off[nf] = n;
	for (size_t i = 0; i < nf; i++) {
		c->fp[i] = c->scratch + c->off[i];
		c->fl[i] = c->off[i + 1] - c->off[i] - 1;
	}
	c->pos = pos;
	c->line = start_line + lines;
	rec->nfields = nf;
	rec->f = c->fp;
	rec->flen = c->fl;
	rec->bad_utf8 = repair_utf8(c, nf);
	return 1;
}
