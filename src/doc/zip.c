/*
 * doc/zip: safe ZIP reading and atomic writing. See zip.h.
 *
 * Opening: a plain package (one end record, no ZIP64, every central record
 * agreeing with its local header, nothing unusual) is read by read_plain()
 * straight from the bytes; anything else goes through libzip
 * (ZIP_CHECKCONS, loaded on first need) and scan_entries() exactly as
 * before, so every refusal still comes from the one libzip path with its
 * message.
 */
#include "doc/zip.h"

#include <ctype.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include "base/dl.h"

/*
 * libzip, loaded with dlopen() the first time a package is not plain (or a
 * part of a plain one cannot be read directly). Linked, it brought libcrypto
 * and libbz2 into every process: loading and relocating them was about 5 M
 * instructions of each start (a 20-page `gongwen check` process 17.3 ->
 * 12.1 M), for a library plain packages no longer use. The calls are
 * libzip's own (its header is still compiled against), as in
 * model/curl_dl.c.
 */
#define LIBZIP_SONAME "libzip.so.4"

static struct {
	__typeof__(zip_error_init) *error_init;
	__typeof__(zip_error_fini) *error_fini;
	__typeof__(zip_error_code_zip) *error_code_zip;
	__typeof__(zip_source_buffer_create) *source_buffer_create;
	__typeof__(zip_source_free) *source_free;
	__typeof__(zip_open_from_source) *open_from_source;
	__typeof__(zip_discard) *discard;
	__typeof__(zip_get_num_entries) *get_num_entries;
	__typeof__(zip_stat_init) *stat_init;
	__typeof__(zip_stat_index) *stat_index;
	__typeof__(zip_fopen_index) *fopen_index;
	__typeof__(zip_fread) *fread;
	__typeof__(zip_fclose) *fclose;
} lz;
static pthread_once_t lz_once = PTHREAD_ONCE_INIT;
static bool lz_loaded;
static char lz_why[200];

static void lz_load(void)
{
	const struct base_dl_sym want[] = {
	    {"zip_error_init", &lz.error_init},
	    {"zip_error_fini", &lz.error_fini},
	    {"zip_error_code_zip", &lz.error_code_zip},
	    {"zip_source_buffer_create", &lz.source_buffer_create},
	    {"zip_source_free", &lz.source_free},
	    {"zip_open_from_source", &lz.open_from_source},
	    {"zip_discard", &lz.discard},
	    {"zip_get_num_entries", &lz.get_num_entries},
	    {"zip_stat_init", &lz.stat_init},
	    {"zip_stat_index", &lz.stat_index},
	    {"zip_fopen_index", &lz.fopen_index},
	    {"zip_fread", &lz.fread},
	    {"zip_fclose", &lz.fclose},
	};

	if (base_dl_load(LIBZIP_SONAME, want, sizeof(want) / sizeof(want[0]), lz_why,
			 sizeof(lz_why)) == NULL)
		return;
	lz_loaded = true; /* stays loaded for the life of the process */
}

struct zentry {
	char *name;
	zip_uint64_t index;
	size_t size;
	/* for read_direct(); has_raw is false when one of them is unknown */
	bool has_raw;
	bool deflated;
	size_t comp_size;
	uint32_t crc;
	/* where its raw bytes are in the archive (find_data()); has_off false
	 * when unknown */
	bool has_off;
	size_t data_off;
};

struct doc_zip {
	char *label;
	char *mem; /* the archive bytes; libzip reads from them */
	size_t len;
	zip_t *za; /* NULL after read_plain() until a part needs it */
	struct zentry *entries;
	size_t n;
	char *names;			     /* read_plain(): all names in one block; else NULL */
	struct libdeflate_decompressor *dec; /* read_direct(); made on first use */
	size_t direct;			     /* parts read without libzip (tests) */
};

void doc_zip_default_limits(struct doc_zip_limits *l)
{
	l->max_file = 50u << 20;
	l->max_entries = 4096;
	l->max_part = 32u << 20;
	l->max_total = 96u << 20;
	l->max_ratio = 100;
}

/* OPC part names: no absolute paths, no "..", no backslash, no control chars. */
static const char *bad_name_reason(const char *name)
{
	const char *p;

	if (name[0] == '\0')
		return "条目名称为空";
	if (name[0] == '/' || name[0] == '\\')
		return "条目使用绝对路径";
	for (p = name; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == '\\')
			return "条目名称含非法字符";
	}
	for (p = name; p != NULL; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
			return "条目名称含“..”路径穿越";
	}
	return NULL;
}

/* Bytes of name to quote in a message: at most 80, never ending inside a
 * UTF-8 sequence (libzip hands out names as UTF-8). */
static int quote_len(const char *name)
{
	size_t n = strnlen(name, 80);

	if (name[n] != '\0') {
		while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
			n--;
	}
	return (int)n;
}

static int cmp_entry_name(const void *a, const void *b)
{
	const struct zentry *x = a;
	const struct zentry *y = b;

	return strcasecmp(x->name, y->name);
}

/* A name that two entries share (OPC names are case-insensitive), or NULL.
 * The returned name is the later one in name order. */
static const char *find_duplicate(const struct doc_zip *z)
{
	struct zentry *sorted;
	const char *dup = NULL;

	if (z->n < 2)
		return NULL;
	sorted = xmalloc(z->n * sizeof(*sorted));
	memcpy(sorted, z->entries, z->n * sizeof(*sorted));
	qsort(sorted, z->n, sizeof(*sorted), cmp_entry_name);
	for (size_t i = 1; i < z->n && dup == NULL; i++) {
		if (strcasecmp(sorted[i - 1].name, sorted[i].name) == 0)
			dup = sorted[i].name;
	}
	free(sorted);
	return dup;
}

/* The size checks of one entry, in this order: compression ratio (a 200 MB
 * part of zeros is a bomb, not just a big part), part size, running total. */
static int check_sizes(const struct doc_zip *z, const struct doc_zip_limits *l, const char *name,
		       uint64_t size, bool has_comp, uint64_t comp_size, size_t *total,
		       struct err *e)
{
	if (size > (1u << 20) && has_comp && size / (comp_size ? comp_size : 1) > l->max_ratio)
		return err_set(e, BASE_E_UNSAFE, "%s: 疑似ZIP炸弹（%.*s 压缩比过高）", z->label,
			       quote_len(name), name);
	if (size > l->max_part)
		return err_set(e, BASE_E_LIMIT, "%s: 部件 %.*s 解压后过大（%llu 字节）", z->label,
			       quote_len(name), name, (unsigned long long)size);
	*total += (size_t)size;
	if (*total > l->max_total)
		return err_set(e, BASE_E_UNSAFE, "%s: 疑似ZIP炸弹（解压总量超过 %zu 字节）",
			       z->label, l->max_total);
	return 0;
}

static int scan_entries(struct doc_zip *z, const struct doc_zip_limits *l, struct err *e)
{
	zip_int64_t n = lz.get_num_entries(z->za, 0);
	size_t total = 0;
	const char *dup;
	int rc;

	if (n < 0)
		return err_set(e, BASE_E_FORMAT, "%s: 不是有效的ZIP文件", z->label);
	if ((size_t)n > l->max_entries)
		return err_set(e, BASE_E_LIMIT, "%s: ZIP条目过多（%lld，上限 %zu）", z->label,
			       (long long)n, l->max_entries);
	z->entries = xcalloc((size_t)n, sizeof(*z->entries));
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		const char *why;

		lz.stat_init(&st);
		if (lz.stat_index(z->za, (zip_uint64_t)i, 0, &st) != 0 ||
		    !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE))
			return err_set(e, BASE_E_FORMAT, "%s: ZIP目录损坏", z->label);
		why = bad_name_reason(st.name);
		if (why != NULL)
			return err_set(e, BASE_E_UNSAFE, "%s: %s（%.*s）", z->label, why,
				       quote_len(st.name), st.name);
		if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
			return err_set(e, BASE_E_UNSAFE, "%s: 含加密条目（%.*s），无法检查",
				       z->label, quote_len(st.name), st.name);
		if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE &&
		    st.comp_method != ZIP_CM_DEFLATE)
			return err_set(e, BASE_E_FORMAT, "%s: 不支持的压缩方式（%.*s）", z->label,
				       quote_len(st.name), st.name);
		rc = check_sizes(z, l, st.name, st.size, (st.valid & ZIP_STAT_COMP_SIZE) != 0,
				 st.comp_size, &total, e);
		if (rc != 0)
			return rc;
		z->entries[z->n].name = xstrdup(st.name);
		z->entries[z->n].index = (zip_uint64_t)i;
		z->entries[z->n].size = (size_t)st.size;
		z->entries[z->n].has_raw = (st.valid & ZIP_STAT_COMP_SIZE) &&
					   (st.valid & ZIP_STAT_CRC) &&
					   (st.valid & ZIP_STAT_COMP_METHOD);
		z->entries[z->n].deflated = st.comp_method == ZIP_CM_DEFLATE;
		z->entries[z->n].comp_size = (size_t)st.comp_size;
		z->entries[z->n].crc = st.crc;
		z->n++;
	}
	dup = find_duplicate(z);
	if (dup != NULL)
		return err_set(e, BASE_E_UNSAFE, "%s: 部件名称重复（%.*s）", z->label,
			       quote_len(dup), dup);
	return 0;
}

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/*
 * Where each entry's raw bytes start, read from the central directory and
 * the local headers in the archive bytes, so that read_direct() needs no
 * libzip call. libzip has opened the archive with ZIP_CHECKCONS (local
 * headers agree with the directory); an entry gets an offset only when the
 * directory record found here says exactly what libzip's stat said (name,
 * method, CRC, sizes, in the same order) and its local header and data lie
 * inside the archive. Anything else (ZIP64, a different record) leaves
 * has_off false and the entry is read through libzip as before.
 */
static void find_data(struct doc_zip *z)
{
	const unsigned char *m = (const unsigned char *)z->mem;
	const unsigned char *eocd = NULL;
	size_t cd, cd_size, at;

	if (z->len < 22)
		return;
	for (size_t i = z->len - 22 + 1; i-- > 0 && z->len - i <= 22 + 0xFFFF;) {
		if (m[i] == 'P' && m[i + 1] == 'K' && m[i + 2] == 5 && m[i + 3] == 6) {
			eocd = m + i;
			break;
		}
	}
	if (eocd == NULL || le16(eocd + 4) != 0 || le16(eocd + 6) != 0 || le16(eocd + 8) != z->n ||
	    le16(eocd + 10) != z->n)
		return;
	cd_size = le32(eocd + 12);
	cd = le32(eocd + 16);
	if (cd > (size_t)(eocd - m) || cd_size > (size_t)(eocd - m) - cd)
		return;
	at = cd;
	for (size_t i = 0; i < z->n; i++) {
		struct zentry *ent = &z->entries[i];
		const unsigned char *h = m + at;
		size_t nlen, total, lho, data;

		if (cd + cd_size - at < 46 || le32(h) != 0x02014b50u)
			return;
		nlen = le16(h + 28);
		total = 46 + nlen + le16(h + 30) + le16(h + 32);
		if (cd + cd_size - at < total)
			return;
		at += total;
		lho = le32(h + 42);
		if (ent->index != i || !ent->has_raw || le16(h + 10) != (ent->deflated ? 8u : 0u) ||
		    le32(h + 16) != ent->crc || le32(h + 20) != ent->comp_size ||
		    le32(h + 24) != ent->size || nlen != strlen(ent->name) ||
		    memcmp(h + 46, ent->name, nlen) != 0 || lho > z->len || z->len - lho < 30 ||
		    le32(m + lho) != 0x04034b50u)
			continue;
		data = lho + 30 + le16(m + lho + 26) + le16(m + lho + 28);
		if (data > z->len || z->len - data < ent->comp_size)
			continue;
		ent->has_off = true;
		ent->data_off = data;
	}
}

/* Set by doc_zip_set_plain_reader() (tests and fuzzers only). */
static bool plain_reader_off;

void doc_zip_set_plain_reader(bool on)
{
	plain_reader_off = !on;
}

bool doc_zip_opened_plain(const struct doc_zip *z)
{
	return z->names != NULL;
}

/*
 * The end-of-central-directory record (APPNOTE 4.3.16) when the tail of the
 * file libzip searches for one (the last 22 + 65535 + 20 bytes) holds the
 * signature "PK\5\6" exactly once and that record's comment ends exactly at
 * the end of the file (what ZIP_CHECKCONS demands); SIZE_MAX otherwise.
 * With a second candidate libzip weighs them against each other, so such a
 * file is left to libzip.
 */
static size_t plain_eocd(const unsigned char *m, size_t len)
{
	const unsigned char *p = m + (len > 22 + 0xFFFF + 20 ? len - (22 + 0xFFFF + 20) : 0);
	const unsigned char *end = m + len;
	size_t found = SIZE_MAX;

	while (end - p >= 4) {
		p = memchr(p, 'P', (size_t)(end - p) - 3);
		if (p == NULL)
			break;
		if (p[1] == 'K' && p[2] == 5 && p[3] == 6) {
			if (found != SIZE_MAX)
				return SIZE_MAX;
			found = (size_t)(p - m);
		}
		p++;
	}
	if (found == SIZE_MAX || len - found < 22 || le16(m + found + 20) != len - found - 22)
		return SIZE_MAX;
	return found;
}

/* A name libzip hands out unchanged: printable ASCII and well-formed UTF-8
 * sequences only (libzip would convert anything else from CP437, and NUL
 * or control characters get the libzip path's messages). */
static bool plain_name(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t more;

		if (p[i] >= 0x20 && p[i] < 0x7F)
			continue;
		if (p[i] >= 0xC2 && p[i] <= 0xDF)
			more = 1;
		else if (p[i] >= 0xE0 && p[i] <= 0xEF)
			more = 2;
		else if (p[i] >= 0xF0 && p[i] <= 0xF4)
			more = 3;
		else
			return false;
		if (n - i - 1 < more)
			return false;
		for (; more > 0; more--) {
			i++;
			if ((p[i] & 0xC0) != 0x80)
				return false;
		}
	}
	return true;
}

/* An extra field (APPNOTE 4.5) made of whole (id, length, data) blocks,
 * none of those that change what libzip reports: ZIP64 sizes (0x0001),
 * Info-ZIP Unicode path and comment (0x7075, 0x6375), WinZip AES (0x9901). */
static bool plain_extra(const unsigned char *p, size_t n)
{
	while (n >= 4) {
		uint32_t id = le16(p);
		size_t sz = le16(p + 2);

		if (sz > n - 4 || id == 0x0001 || id == 0x7075 || id == 0x6375 || id == 0x9901)
			return false;
		p += 4 + sz;
		n -= 4 + sz;
	}
	return n == 0;
}

/* CRC-32 and sizes of a local header lh as libzip accepts them against the
 * central record h: the same, or all three zero with a data descriptor
 * announced (flag bit 3). */
static bool plain_sizes(const unsigned char *lh, const unsigned char *h)
{
	if (le32(lh + 14) == le32(h + 16) && le32(lh + 18) == le32(h + 20) &&
	    le32(lh + 22) == le32(h + 24))
		return true;
	return (le16(lh + 6) & 0x0008) != 0 && le32(lh + 14) == 0 && le32(lh + 18) == 0 &&
	       le32(lh + 22) == 0;
}

/*
 * One central directory record (APPNOTE 4.3.12) at *at, before cd_end, and
 * its local header (4.3.7), appended to z->entries with its name copied to
 * *names. False when anything is not plain: encryption (flag bits 0, 6,
 * 13), a method other than store/deflate, a ZIP64 marker, a file comment,
 * another disk, a name libzip would convert or scan_entries() refuse,
 * unusual extra fields, a local header disagreeing with the record (libzip's
 * ZIP_CHECKCONS: version needed, method, time, name, CRC and sizes), the
 * local header, name and data not before the directory (cd), or sizes over
 * the limits.
 */
static bool plain_entry(struct doc_zip *z, const struct doc_zip_limits *l, size_t cd, size_t cd_end,
			size_t *at, char **names, size_t *total)
{
	const unsigned char *m = (const unsigned char *)z->mem;
	const unsigned char *h = m + *at;
	const unsigned char *lh;
	struct zentry *ent = &z->entries[z->n];
	uint32_t method, comp, size, lho;
	size_t nlen, xlen, data;

	if (cd_end - *at < 46 || le32(h) != 0x02014b50u)
		return false;
	method = le16(h + 10);
	comp = le32(h + 20);
	size = le32(h + 24);
	nlen = le16(h + 28);
	xlen = le16(h + 30);
	lho = le32(h + 42);
	if ((le16(h + 8) & 0x2041) != 0 || (method != 0 && method != 8) || comp == UINT32_MAX ||
	    size == UINT32_MAX || lho == UINT32_MAX || le16(h + 32) != 0 || le16(h + 34) != 0 ||
	    nlen == 0 || cd_end - *at - 46 < nlen + xlen || !plain_name(h + 46, nlen) ||
	    !plain_extra(h + 46 + nlen, xlen))
		return false;
	*at += 46 + nlen + xlen;
	if ((size_t)lho + 30 + nlen + comp > cd)
		return false;
	lh = m + lho;
	data = (size_t)lho + 30 + nlen + le16(lh + 28);
	if (le32(lh) != 0x04034b50u || le16(lh + 4) > le16(h + 6) || le16(lh + 8) != method ||
	    le32(lh + 10) != le32(h + 12) || le16(lh + 26) != nlen ||
	    memcmp(lh + 30, h + 46, nlen) != 0 || !plain_sizes(lh, h) || data > z->len ||
	    z->len - data < comp || !plain_extra(lh + 30 + nlen, le16(lh + 28)))
		return false;
	ent->name = *names;
	memcpy(ent->name, h + 46, nlen);
	ent->name[nlen] = '\0';
	*names += nlen + 1;
	if (bad_name_reason(ent->name) != NULL ||
	    check_sizes(z, l, ent->name, size, true, comp, total, NULL) != 0)
		return false;
	ent->index = z->n;
	ent->size = size;
	ent->has_raw = true;
	ent->deflated = method == 8;
	ent->comp_size = comp;
	ent->crc = le32(h + 16);
	ent->has_off = true;
	ent->data_off = data;
	z->n++;
	return true;
}

/*
 * The entries of a plain package read straight from its bytes, without
 * libzip: exactly what libzip + scan_entries() + find_data() would make of
 * it (unit tests and fuzz_zip compare the two). An end record without
 * ZIP64 locator, on disk 0, with its directory right before it, entry
 * counts agreeing and the directory holding exactly that many plain
 * records (plain_entry()) and no duplicate names. False leaves z as it was,
 * for the libzip path to open and refuse with its messages.
 */
static bool read_plain(struct doc_zip *z, const struct doc_zip_limits *l)
{
	const unsigned char *m = (const unsigned char *)z->mem;
	size_t eocd = plain_eocd(m, z->len);
	size_t n, cd, at, total = 0;
	char *names;

	if (eocd == SIZE_MAX || (eocd >= 20 && le32(m + eocd - 20) == 0x07064b50u) ||
	    le32(m + eocd + 4) != 0 || le16(m + eocd + 8) != le16(m + eocd + 10))
		return false;
	n = le16(m + eocd + 8);
	cd = le32(m + eocd + 16);
	if (n == 0 || n == 0xFFFF || n > l->max_entries || cd > eocd ||
	    le32(m + eocd + 12) != eocd - cd || eocd - cd < 46 * n)
		return false;
	/* names with their NULs take less room than the records holding them */
	z->names = xmalloc(eocd - cd);
	z->entries = xcalloc(n, sizeof(*z->entries));
	names = z->names;
	at = cd;
	for (size_t i = 0; i < n; i++) {
		if (!plain_entry(z, l, cd, eocd, &at, &names, &total))
			goto out_not_plain;
	}
	if (at == eocd && find_duplicate(z) == NULL)
		return true;
out_not_plain:
	free(z->entries);
	free(z->names);
	z->entries = NULL;
	z->names = NULL;
	z->n = 0;
	return false;
}

/* libzip's handle on the archive bytes (ZIP_CHECKCONS): 0, the libzip
 * error code, -1 when libzip could not even make a source, -2 when libzip
 * cannot be loaded (lz_why says why). */
static int libzip_open(struct doc_zip *z)
{
	zip_source_t *src;
	zip_error_t zerr;
	int ze = 0;

	pthread_once(&lz_once, lz_load);
	if (!lz_loaded)
		return -2;
	lz.error_init(&zerr);
	src = lz.source_buffer_create(z->mem, z->len, 0, &zerr);
	if (src == NULL) {
		ze = -1;
	} else {
		z->za = lz.open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
		if (z->za == NULL) {
			ze = lz.error_code_zip(&zerr);
			lz.source_free(src);
		}
	}
	lz.error_fini(&zerr);
	return ze;
}

/* doc_zip_open_mem() and doc_zip_open_owned(): data is copied unless own
 * (then it is the reader's, freed on every error). */
static int open_mem(const void *data, size_t len, bool own, const char *label,
		    const struct doc_zip_limits *l, struct doc_zip **out, struct err *e)
{
	struct doc_zip_limits def;
	struct doc_zip *z;
	int ze, rc;

	if (l == NULL) {
		doc_zip_default_limits(&def);
		l = &def;
	}
	*out = NULL;
	if (len > l->max_file || len < 22 || memcmp(data, "PK", 2) != 0) {
		if (own)
			free((void *)data);
		if (len > l->max_file)
			return err_set(e, BASE_E_LIMIT, "%s: 文件过大（%zu 字节，上限 %zu 字节）",
				       label, len, l->max_file);
		return err_set(e, BASE_E_FORMAT, "%s: 不是ZIP/OOXML文件%s", label,
			       len == 0 ? "（文件为空）" : "");
	}
	z = xcalloc(1, sizeof(*z));
	z->label = xstrdup(label);
	z->len = len;
	if (own) {
		z->mem = (char *)data;
	} else {
		z->mem = xmalloc(len);
		memcpy(z->mem, data, len);
	}
	if (!plain_reader_off && read_plain(z, l)) {
		*out = z;
		return 0;
	}
	ze = libzip_open(z);
	if (ze != 0) {
		doc_zip_close(z);
		if (ze == -2)
			return err_set(e, BASE_E_INTERNAL, "%s: 无法读取ZIP（无法加载 %s：%s）",
				       label, LIBZIP_SONAME, lz_why);
		if (ze < 0)
			return err_set(e, BASE_E_INTERNAL, "%s: 无法读取ZIP", label);
		/* ZIP_CHECKCONS makes libzip fail on an exact duplicate name before
		 * scan_entries() can see it; report it like a case-only duplicate. */
		if (ze == ZIP_ER_EXISTS)
			return err_set(e, BASE_E_UNSAFE, "%s: 部件名称重复", label);
		if (ze == ZIP_ER_NOZIP || ze == ZIP_ER_INCONS)
			return err_set(e, BASE_E_FORMAT, "%s: ZIP结构损坏或文件被截断", label);
		return err_set(e, BASE_E_FORMAT, "%s: 不是有效的ZIP文件（%s）", label,
			       ze == ZIP_ER_SEEK || ze == ZIP_ER_READ ? "文件被截断" : "结构错误");
	}
	rc = scan_entries(z, l, e);
	if (rc != 0) {
		doc_zip_close(z);
		return rc;
	}
	find_data(z);
	*out = z;
	return 0;
}

int doc_zip_open_mem(const void *data, size_t len, const char *label,
		     const struct doc_zip_limits *l, struct doc_zip **out, struct err *e)
{
	return open_mem(data, len, false, label, l, out, e);
}

int doc_zip_open_owned(char *data, size_t len, const char *label, const struct doc_zip_limits *l,
		       struct doc_zip **out, struct err *e)
{
	return open_mem(data, len, true, label, l, out, e);
}

int doc_zip_open_file(const char *path, const struct doc_zip_limits *l, struct doc_zip **out,
		      struct err *e)
{
	struct doc_zip_limits def;
	char *data;
	size_t len;
	int rc;

	if (l == NULL) {
		doc_zip_default_limits(&def);
		l = &def;
	}
	*out = NULL;
	rc = base_read_file(path, l->max_file, &data, &len, e);
	if (rc != 0)
		return rc;
	return doc_zip_open_owned(data, len, path, l, out, e);
}

/* Decompressors kept between archives: libdeflate_alloc_decompressor()
 * zeroes ~11 KB, more than inflating a small part costs, and a decompressor
 * carries nothing from one call to the next. Taken and given back
 * atomically (from any thread; a decompressor is used by one at a time);
 * at most two are kept (an archive's and doc_zip_read_side()'s), reachable
 * until exit. */
static _Atomic(struct libdeflate_decompressor *) spare_dec[2];

static struct libdeflate_decompressor *dec_take(void)
{
	for (size_t i = 0; i < 2; i++) {
		struct libdeflate_decompressor *d = atomic_exchange(&spare_dec[i], NULL);

		if (d != NULL)
			return d;
	}
	return libdeflate_alloc_decompressor();
}

static void dec_give(struct libdeflate_decompressor *d)
{
	for (size_t i = 0; i < 2; i++) {
		struct libdeflate_decompressor *none = NULL;

		if (atomic_compare_exchange_strong(&spare_dec[i], &none, d))
			return;
	}
	libdeflate_free_decompressor(d);
}

void doc_zip_close(struct doc_zip *z)
{
	if (z == NULL)
		return;
	if (z->za != NULL)
		lz.discard(z->za);
	if (z->dec != NULL)
		dec_give(z->dec);
	if (z->names == NULL) {
		for (size_t i = 0; i < z->n; i++)
			free(z->entries[i].name);
	}
	free(z->names);
	free(z->entries);
	free(z->mem);
	free(z->label);
	free(z);
}

size_t doc_zip_direct_reads(const struct doc_zip *z)
{
	return z->direct;
}

size_t doc_zip_count(const struct doc_zip *z)
{
	return z->n;
}

const char *doc_zip_name(const struct doc_zip *z, size_t i)
{
	return i < z->n ? z->entries[i].name : NULL;
}

long doc_zip_find(const struct doc_zip *z, const char *name)
{
	while (*name == '/')
		name++;
	for (size_t i = 0; i < z->n; i++) {
		if (strcasecmp(z->entries[i].name, name) == 0)
			return (long)i;
	}
	return -1;
}

/* Inflate exactly comp bytes of in into exactly size bytes of out. */
static bool inflate_exact(struct libdeflate_decompressor *dec, const void *in, size_t comp,
			  char *out, size_t size)
{
	size_t in_used = 0;
	size_t out_got = 0;

	return libdeflate_deflate_decompress_ex(dec, in, comp, out, size, &in_used, &out_got) ==
		   LIBDEFLATE_SUCCESS &&
	       in_used == comp && out_got == size;
}

/*
 * The common case without libzip's decompression layers: the entry's raw
 * bytes inflated by libdeflate in one call (about twice as fast as zlib's
 * inflate for whole buffers of known size), and libdeflate's CRC-32. It
 * succeeds only when everything is exactly right — a deflate stream ending
 * with the last compressed byte, exactly the declared size (libdeflate
 * stops at the end of the buffer instead of writing past it), the
 * directory's CRC — and then libzip would have returned the same bytes.
 * Anything else returns false and the part is read through libzip (zlib),
 * which finds and reports the problem as before. (libdeflate accepts a few
 * encodings zlib refuses — e.g. 287/288 literal/length codes declared in a
 * block header — but only data that also matches the declared size and
 * CRC-32 gets through here.)
 */
static bool direct_in_mem(const struct doc_zip *z, const struct zentry *ent,
			  struct libdeflate_decompressor *dec, char *p)
{
	const unsigned char *in = (const unsigned char *)z->mem + ent->data_off;
	bool ok = true;

	if (ent->deflated)
		ok = inflate_exact(dec, in, ent->comp_size, p, ent->size);
	else
		memcpy(p, in, ent->size);
	return ok && libdeflate_crc32(0, p, ent->size) == ent->crc;
}

/* Whether ent's raw bytes can be inflated (or copied) in one call and
 * checked against its declared size and CRC. */
static bool direct_possible(const struct zentry *ent)
{
	return ent->has_raw && ent->size <= UINT32_MAX && ent->comp_size <= UINT32_MAX &&
	       (ent->deflated || ent->comp_size == ent->size);
}

static bool read_direct(struct doc_zip *z, const struct zentry *ent, char *p)
{
	zip_file_t *f;
	unsigned char *raw;
	size_t got = 0;
	bool ok = false;
	char extra;

	if (!direct_possible(ent))
		return false;
	if (ent->deflated && z->dec == NULL) {
		z->dec = dec_take();
		if (z->dec == NULL)
			return false;
	}
	if (ent->has_off) /* the raw bytes where they are */
		return direct_in_mem(z, ent, z->dec, p);
	f = z->za != NULL ? lz.fopen_index(z->za, ent->index, ZIP_FL_COMPRESSED) : NULL;
	if (f == NULL)
		return false;
	raw = ent->deflated ? xmalloc(ent->comp_size + 1) : (unsigned char *)p;
	while (got < ent->comp_size) {
		zip_int64_t n = lz.fread(f, raw + got, ent->comp_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == ent->comp_size && lz.fread(f, &extra, 1) == 0) {
		if (ent->deflated) {
			ok = inflate_exact(z->dec, raw, ent->comp_size, p, ent->size);
		} else {
			ok = true;
		}
		ok = ok && libdeflate_crc32(0, p, ent->size) == ent->crc;
	}
	lz.fclose(f);
	if (ent->deflated)
		free(raw);
	return ok;
}

int doc_zip_read_index(struct doc_zip *z, size_t i, char **data, size_t *len, struct err *e)
{
	const struct zentry *ent;
	zip_file_t *f;
	char *p;
	size_t got = 0;
	zip_int64_t more;
	char extra;

	if (i >= z->n)
		return err_set(e, BASE_E_FORMAT, "%s: 部件不存在", z->label);
	ent = &z->entries[i];
	if (ent->has_off) { /* no libzip call at all when this works */
		p = xmalloc(ent->size + 1);
		if (read_direct(z, ent, p)) {
			z->direct++;
			p[ent->size] = '\0';
			*data = p;
			*len = ent->size;
			return 0;
		}
		free(p);
	}
	/* read_plain() opened it: libzip now, to find and report the problem */
	f = z->za != NULL || libzip_open(z) == 0 ? lz.fopen_index(z->za, ent->index, 0) : NULL;
	if (f == NULL)
		return err_set(e, BASE_E_FORMAT, "%s: 无法读取部件 %.*s", z->label,
			       quote_len(ent->name), ent->name);
	p = xmalloc(ent->size + 1);
	if (!ent->has_off && read_direct(z, ent, p)) {
		lz.fclose(f);
		p[ent->size] = '\0';
		*data = p;
		*len = ent->size;
		return 0;
	}
	while (got < ent->size) {
		zip_int64_t n = lz.fread(f, p + got, ent->size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	/* Output past the declared size is a bomb (libzip does not stop at it);
	 * short output or a CRC error at the end is corruption. */
	more = got == ent->size ? lz.fread(f, &extra, 1) : -1;
	if (more != 0) {
		lz.fclose(f);
		free(p);
		if (more > 0)
			return err_set(e, BASE_E_UNSAFE,
				       "%s: 疑似ZIP炸弹（部件 %.*s 解压后超过声明的 %zu 字节）",
				       z->label, quote_len(ent->name), ent->name, ent->size);
		return err_set(e, BASE_E_FORMAT, "%s: 部件 %.*s 数据损坏（大小或校验和不符）",
			       z->label, quote_len(ent->name), ent->name);
	}
	if (lz.fclose(f) != 0) {
		free(p);
		return err_set(e, BASE_E_FORMAT, "%s: 部件 %.*s 校验和错误", z->label,
			       quote_len(ent->name), ent->name);
	}
	p[got] = '\0';
	*data = p;
	*len = got;
	return 0;
}

bool doc_zip_read_side(const struct doc_zip *z, size_t i, char **data, size_t *len)
{
	const struct zentry *ent = i < z->n ? &z->entries[i] : NULL;
	struct libdeflate_decompressor *dec;
	char *p;
	bool ok;

	/* read_direct()'s in-memory case, with a decompressor of its own */
	if (ent == NULL || !ent->has_off || !direct_possible(ent))
		return false;
	dec = ent->deflated ? dec_take() : NULL;
	if (ent->deflated && dec == NULL)
		return false;
	p = xmalloc(ent->size + 1);
	ok = direct_in_mem(z, ent, dec, p);
	if (dec != NULL)
		dec_give(dec);
	if (!ok) {
		free(p);
		return false;
	}
	p[ent->size] = '\0';
	*data = p;
	*len = ent->size;
	return true;
}

int doc_zip_read(struct doc_zip *z, const char *name, char **data, size_t *len, struct err *e)
{
	long i = doc_zip_find(z, name);

	if (i < 0)
		return err_set(e, BASE_E_FORMAT, "%s: 缺少部件 %.*s", z->label, quote_len(name),
			       name);
	return doc_zip_read_index(z, (size_t)i, data, len, e);
}

struct wpart {
	char *name;
	char *data;
	size_t len;
};

struct doc_zip_writer {
	struct wpart *parts;
	size_t n;
	size_t cap;
};

struct doc_zip_writer *doc_zip_writer_new(void)
{
	return xcalloc(1, sizeof(struct doc_zip_writer));
}

void doc_zip_writer_add(struct doc_zip_writer *w, const char *name, const void *data, size_t len)
{
	struct wpart *p = NULL;

	for (size_t i = 0; i < w->n; i++) {
		if (strcasecmp(w->parts[i].name, name) == 0) {
			p = &w->parts[i];
			free(p->data);
			break;
		}
	}
	if (p == NULL) {
		w->parts = xgrow(w->parts, &w->cap, w->n + 1, sizeof(*w->parts));
		p = &w->parts[w->n++];
		p->name = xstrdup(name);
	}
	p->data = xmalloc(len + 1);
	if (len > 0)
		memcpy(p->data, data, len);
	p->len = len;
}

static void put16(struct buf *b, unsigned v)
{
	unsigned char x[2] = {(unsigned char)(v & 0xff), (unsigned char)(v >> 8)};

	buf_add(b, x, 2);
}

static void put32(struct buf *b, unsigned long v)
{
	unsigned char x[4] = {(unsigned char)(v & 0xff), (unsigned char)((v >> 8) & 0xff),
			      (unsigned char)((v >> 16) & 0xff), (unsigned char)((v >> 24) & 0xff)};

	buf_add(b, x, 4);
}

/* One part's header fields (shared by the local and the central header):
 * version needed 2.0, UTF-8 flag only for non-ASCII names, fixed time
 * 1980-01-02 00:00 for reproducible output (spec/ooxml.md §2.11). */
static void put_common(struct buf *b, const char *name, unsigned method, unsigned long crc,
		       size_t clen, size_t len)
{
	unsigned flags = 0;

	for (const char *c = name; *c != '\0'; c++) {
		if ((unsigned char)*c >= 0x80)
			flags = 0x800;
	}
	put16(b, 20);
	put16(b, flags);
	put16(b, method);
	put16(b, 0);	  /* time 00:00:00 */
	put16(b, 0x0022); /* date 1980-01-02 */
	put32(b, crc);
	put32(b, (unsigned long)clen);
	put32(b, (unsigned long)len);
	put16(b, (unsigned)strlen(name));
}

/*
 * The writer deflates with one zlib stream reset between parts instead of
 * libzip's stream per entry: a deck has ~150 small parts, and a fresh
 * 400 KB deflate state per part made page faults dominate (~200 ms for 30
 * slides). Parts that do not shrink are stored.
 */
int doc_zip_writer_bytes(struct doc_zip_writer *w, char **data, size_t *len, struct err *e)
{
	struct buf out, cd;
	z_stream zs;
	unsigned char *comp = NULL;
	size_t comp_cap = 0;
	int rc = 0;

	*data = NULL;
	*len = 0;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return err_set(e, BASE_E_INTERNAL, "打包失败：无法初始化压缩");
	buf_init(&out, (size_t)0xFFFFFFFFu);
	buf_init(&cd, (size_t)0xFFFFFFFFu);
	if (w->n > 0xFFFF) {
		rc = err_set(e, BASE_E_LIMIT, "打包失败：部件过多");
		goto out;
	}
	for (size_t i = 0; i < w->n && rc == 0; i++) {
		const struct wpart *p = &w->parts[i];
		unsigned long crc = crc32(0L, (const Bytef *)p->data, (uInt)p->len);
		unsigned long bound;
		size_t offset = out.len, clen;
		const void *body;
		unsigned method = 8;

		if (p->len > 0x7FFFFFFF) {
			rc = err_set(e, BASE_E_LIMIT, "打包失败：部件 %s 过大", p->name);
			break;
		}
		deflateReset(&zs);
		bound = deflateBound(&zs, (uLong)p->len);
		if (bound > comp_cap) {
			comp_cap = bound;
			comp = xrealloc(comp, comp_cap);
		}
		zs.next_in = (Bytef *)p->data;
		zs.avail_in = (uInt)p->len;
		zs.next_out = comp;
		zs.avail_out = (uInt)bound;
		if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
			rc = err_set(e, BASE_E_INTERNAL, "打包失败：压缩 %s 出错", p->name);
			break;
		}
		clen = zs.total_out;
		body = comp;
		if (clen >= p->len) {
			method = 0;
			clen = p->len;
			body = p->data;
		}
		put32(&out, 0x04034b50);
		put_common(&out, p->name, method, crc, clen, p->len);
		put16(&out, 0);
		buf_adds(&out, p->name);
		if (buf_add(&out, body, clen) != 0) {
			rc = err_set(e, BASE_E_LIMIT, "打包失败：包过大");
			break;
		}
		put32(&cd, 0x02014b50);
		put16(&cd, 0x0314); /* made by: UNIX, 2.0 */
		put_common(&cd, p->name, method, crc, clen, p->len);
		put16(&cd, 0);				  /* extra */
		put16(&cd, 0);				  /* comment */
		put16(&cd, 0);				  /* disk */
		put16(&cd, 0);				  /* internal attributes */
		put32(&cd, (unsigned long)0100644 << 16); /* regular file rw-r--r-- */
		put32(&cd, (unsigned long)offset);
		buf_adds(&cd, p->name);
	}
	if (rc == 0) {
		size_t cd_off = out.len;

		buf_add(&out, cd.p, cd.len);
		put32(&out, 0x06054b50);
		put16(&out, 0);
		put16(&out, 0);
		put16(&out, (unsigned)w->n);
		put16(&out, (unsigned)w->n);
		put32(&out, (unsigned long)cd.len);
		put32(&out, (unsigned long)cd_off);
		put16(&out, 0); /* comment length */
		if (cd_off > 0xFFFFFFFFu) {
			rc = err_set(e, BASE_E_LIMIT, "打包失败：包过大");
		} else {
			*data = buf_detach(&out, len);
		}
	}
out:
	deflateEnd(&zs);
	free(comp);
	buf_free(&out);
	buf_free(&cd);
	return rc;
}

int doc_zip_writer_save(struct doc_zip_writer *w, const char *path, struct err *e)
{
	char *data = NULL;
	size_t len = 0;
	int rc = doc_zip_writer_bytes(w, &data, &len, e);

	if (rc == 0)
		rc = base_write_file_atomic(path, data, len, e);
	free(data);
	return rc;
}

void doc_zip_writer_free(struct doc_zip_writer *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->parts[i].name);
		free(w->parts[i].data);
	}
	free(w->parts);
	free(w);
}
