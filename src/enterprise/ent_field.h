/*
 * enterprise/field: the field types of the enterprise export (README R2) —
 * accepted spellings, canonical spelling, typed value — and the USCC checks
 * (GB 32100-2015 and the embedded GB 11714-1997 organisation code, R1.3).
 *
 * Every typed value is NFKC-normalised (ICU) and trimmed (Python's
 * str.strip whitespace) before it is parsed. A parse yields the canonical
 * spelling (written into a caller buffer of ENT_CANON_MAX bytes, or for
 * text the trimmed input itself) and an int64 value; blank gives
 * ENT_UNKNOWN. Values:
 *   date YYYYMMDD as an integer; month y*12+m-1; year y;
 *   number/capital/yuan fixed point with ENT_SCALE (6 decimals: digits
 *     beyond the sixth are cut, at most 12 integer digits — the limits of
 *     this parser); count a plain integer;
 *   enumerations the ENT_* codes below; region the 6-digit number.
 * Typed values longer than ENT_TYPED_MAX bytes are unparseable.
 */
#ifndef SHUZHI_ENT_FIELD_H
#define SHUZHI_ENT_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENT_UNKNOWN   INT64_MIN
#define ENT_SCALE     1000000LL
#define ENT_CANON_MAX 96
#define ENT_TYPED_MAX 256

enum ent_type {
	ENT_T_USCC,
	ENT_T_TEXT,
	ENT_T_STATUS,
	ENT_T_DATE,
	ENT_T_CAPITAL,
	ENT_T_INDUSTRY,
	ENT_T_VERSION,
	ENT_T_REGION,
	ENT_T_YEAR,
	ENT_T_NUM,
	ENT_T_BOOL,
	ENT_T_IPCLASS,
	ENT_T_GRADE,
	ENT_T_MONTH,
	ENT_T_INT,
	ENT_T_YUAN,
	ENT_T_ROLE,
	ENT_T_IPKIND,
	ENT_T_CERTKIND
};

enum { ENT_ST_CUNXU = 1, ENT_ST_ZAIYE, ENT_ST_DIAOXIAO, ENT_ST_ZHUXIAO };
enum { ENT_IPC_NONE, ENT_IPC_II, ENT_IPC_I, ENT_IPC_I_SELF, ENT_IPC_I_HIGH };
enum { ENT_ROLE_DEFENDANT, ENT_ROLE_PLAINTIFF, ENT_ROLE_THIRD };
enum { ENT_IPK_INVENTION, ENT_IPK_UTILITY, ENT_IPK_DESIGN, ENT_IPK_SOFTWARE };
enum { ENT_CERT_HIGHTECH, ENT_CERT_ZJTX, ENT_CERT_GIANT, ENT_CERT_TECHSME };

/*
 * Parse raw[0..len) as type. Returns 0 (value in *val, ENT_UNKNOWN when
 * blank; canonical spelling in *canon and *clen, pointing into buf or into raw)
 * or -1 when the value is not an accepted spelling. buf holds
 * ENT_CANON_MAX bytes.
 */
int ent_field_parse(enum ent_type type, const char *raw, size_t len, int64_t *val, char *buf,
		    const char **canon, size_t *clen);
/* NFKC (ICU) and Python-strip s[0..len) into out (cap bytes, NUL-terminated);
 * -1 when len > ENT_TYPED_MAX or the result does not fit. */
int ent_field_clean(const char *s, size_t len, char *out, size_t cap, size_t *olen);
/* True for the free-text types that never count as repaired (R1.5). */
bool ent_field_is_text(enum ent_type type);

/* R1.3: is the normalised 18-character key a valid USCC? */
bool ent_uscc_valid(const char *code);

/* R2.6: 4-digit 小类 + version (2011/2017) -> 2017 code with its 门类
 * letter in out (6 bytes); false when the 大类 has no 门类. */
bool ent_industry_2017(int digits, int version, char *out);

/* Dates as YYYYMMDD integers. */
int64_t ent_date_add_years(int64_t d, int years); /* 29 Feb -> 28 Feb */
int64_t ent_date_add_days(int64_t d, int days);
int ent_full_years(int64_t from, int64_t to);
bool ent_date_valid(int y, int m, int d);

/* Names for output. */
const char *ent_cert_name(int64_t kind);

#endif
