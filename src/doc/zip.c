/* doc/zip: safe ZIP reading (libzip) and atomic writing. See zip.h. */
#include "doc/zip.h"

#include <ctype.h>
#include <libdeflate.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

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
	zip_t *za;
	struct zentry *entries;
	size_t n;
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

static int scan_entries(struct doc_zip *z, const struct doc_zip_limits *l, struct err *e)
{
	zip_int64_t n = zip_get_num_entries(z->za, 0);
	size_t total = 0;
	struct zentry *sorted;

	if (n < 0)
		return err_set(e, BASE_E_FORMAT, "%s: 不是有效的ZIP文件", z->label);
	if ((size_t)n > l->max_entries)
		return err_set(e, BASE_E_LIMIT, "%s: ZIP条目过多（%lld，上限 %zu）", z->label,
			       (long long)n, l->max_entries);
	z->entries = xcalloc((size_t)n, sizeof(*z->entries));
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		const char *why;

		zip_stat_init(&st);
		if (zip_stat_index(z->za, (zip_uint64_t)i, 0, &st) != 0 ||
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
		/* Ratio first: a 200 MB part of zeros is a bomb, not just a big part. */
		if (st.size > (1u << 20) && (st.valid & ZIP_STAT_COMP_SIZE) &&
		    st.size / (st.comp_size ? st.comp_size : 1) > l->max_ratio)
			return err_set(e, BASE_E_UNSAFE, "%s: 疑似ZIP炸弹（%.*s 压缩比过高）",
				       z->label, quote_len(st.name), st.name);
		if (st.size > l->max_part)
			return err_set(e, BASE_E_LIMIT, "%s: 部件 %.*s 解压后过大（%llu 字节）",
				       z->label, quote_len(st.name), st.name,
				       (unsigned long long)st.size);
		total += (size_t)st.size;
		if (total > l->max_total)
			return err_set(e, BASE_E_UNSAFE, "%s: 疑似ZIP炸弹（解压总量超过 %zu 字节）",
				       z->label, l->max_total);
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
	sorted = xmalloc((z->n ? z->n : 1) * sizeof(*sorted));
	if (z->n > 0)
		memcpy(sorted, z->entries, z->n * sizeof(*sorted));
	qsort(sorted, z->n, sizeof(*sorted), cmp_entry_name);
	for (size_t i = 1; i < z->n; i++) {
		if (strcasecmp(sorted[i - 1].name, sorted[i].name) == 0) {
			err_set(e, BASE_E_UNSAFE, "%s: 部件名称重复（%.*s）", z->label,
				quote_len(sorted[i].name), sorted[i].name);
			free(sorted);
			return BASE_E_UNSAFE;
		}
	}
	free(sorted);
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

/* doc_zip_open_mem() and doc_zip_open_owned(): data is copied unless own
 * (then it is the reader's, freed on every error). */
static int open_mem(const void *data, size_t len, bool own, const char *label,
		    const struct doc_zip_limits *l, struct doc_zip **out, struct err *e)
{
	struct doc_zip_limits def;
	struct doc_zip *z;
	zip_source_t *src;
	zip_error_t zerr;
	int rc;

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
	zip_error_init(&zerr);
	src = zip_source_buffer_create(z->mem, len, 0, &zerr);
	if (src == NULL) {
		zip_error_fini(&zerr);
		doc_zip_close(z);
		return err_set(e, BASE_E_INTERNAL, "%s: 无法读取ZIP", label);
	}
	z->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (z->za == NULL) {
		int ze = zip_error_code_zip(&zerr);

		zip_source_free(src);
		zip_error_fini(&zerr);
		doc_zip_close(z);
		/* ZIP_CHECKCONS makes libzip fail on an exact duplicate name before
		 * scan_entries() can see it; report it like a case-only duplicate. */
		if (ze == ZIP_ER_EXISTS)
			return err_set(e, BASE_E_UNSAFE, "%s: 部件名称重复", label);
		if (ze == ZIP_ER_NOZIP || ze == ZIP_ER_INCONS)
			return err_set(e, BASE_E_FORMAT, "%s: ZIP结构损坏或文件被截断", label);
		return err_set(e, BASE_E_FORMAT, "%s: 不是有效的ZIP文件（%s）", label,
			       ze == ZIP_ER_SEEK || ze == ZIP_ER_READ ? "文件被截断" : "结构错误");
	}
	zip_error_fini(&zerr);
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

/* One decompressor kept between archives: libdeflate_alloc_decompressor()
 * zeroes ~11 KB, more than inflating a small part costs, and a decompressor
 * carries nothing from one call to the next. Taken and given back
 * atomically (from any thread; a decompressor is used by one at a time);
 * at most one is kept, reachable until exit. */
static _Atomic(struct libdeflate_decompressor *) spare_dec;

static struct libdeflate_decompressor *dec_take(void)
{
	struct libdeflate_decompressor *d = atomic_exchange(&spare_dec, NULL);

	return d != NULL ? d : libdeflate_alloc_decompressor();
}

static void dec_give(struct libdeflate_decompressor *d)
{
	struct libdeflate_decompressor *none = NULL;

	if (!atomic_compare_exchange_strong(&spare_dec, &none, d))
		libdeflate_free_decompressor(d);
}

void doc_zip_close(struct doc_zip *z)
{
	if (z == NULL)
		return;
	if (z->za != NULL)
		zip_discard(z->za);
	if (z->dec != NULL)
		dec_give(z->dec);
	for (size_t i = 0; i < z->n; i++)
		free(z->entries[i].name);
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
static bool read_direct(struct doc_zip *z, const struct zentry *ent, char *p)
{
	zip_file_t *f;
	unsigned char *raw;
	size_t got = 0;
	bool ok = false;
	char extra;

	if (!ent->has_raw || ent->size > UINT32_MAX || ent->comp_size > UINT32_MAX ||
	    (!ent->deflated && ent->comp_size != ent->size))
		return false;
	if (ent->deflated && z->dec == NULL) {
		z->dec = dec_take();
		if (z->dec == NULL)
			return false;
	}
	if (ent->has_off) { /* the raw bytes where they are */
		const unsigned char *in = (const unsigned char *)z->mem + ent->data_off;

		if (ent->deflated) {
			ok = inflate_exact(z->dec, in, ent->comp_size, p, ent->size);
		} else {
			memcpy(p, in, ent->size);
			ok = true;
		}
		return ok && libdeflate_crc32(0, p, ent->size) == ent->crc;
	}
	f = zip_fopen_index(z->za, ent->index, ZIP_FL_COMPRESSED);
	if (f == NULL)
		return false;
	raw = ent->deflated ? xmalloc(ent->comp_size + 1) : (unsigned char *)p;
	while (got < ent->comp_size) {
		zip_int64_t n = zip_fread(f, raw + got, ent->comp_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got == ent->comp_size && zip_fread(f, &extra, 1) == 0) {
		if (ent->deflated) {
			ok = inflate_exact(z->dec, raw, ent->comp_size, p, ent->size);
		} else {
			ok = true;
		}
		ok = ok && libdeflate_crc32(0, p, ent->size) == ent->crc;
	}
	zip_fclose(f);
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
	f = zip_fopen_index(z->za, ent->index, 0);
	if (f == NULL)
		return err_set(e, BASE_E_FORMAT, "%s: 无法读取部件 %.*s", z->label,
			       quote_len(ent->name), ent->name);
	p = xmalloc(ent->size + 1);
	if (!ent->has_off && read_direct(z, ent, p)) {
		zip_fclose(f);
		p[ent->size] = '\0';
		*data = p;
		*len = ent->size;
		return 0;
	}
	while (got < ent->size) {
		zip_int64_t n = zip_fread(f, p + got, ent->size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	/* Output past the declared size is a bomb (libzip does not stop at it);
	 * short output or a CRC error at the end is corruption. */
	more = got == ent->size ? zip_fread(f, &extra, 1) : -1;
	if (more != 0) {
		zip_fclose(f);
		free(p);
		if (more > 0)
			return err_set(e, BASE_E_UNSAFE,
				       "%s: 疑似ZIP炸弹（部件 %.*s 解压后超过声明的 %zu 字节）",
				       z->label, quote_len(ent->name), ent->name, ent->size);
		return err_set(e, BASE_E_FORMAT, "%s: 部件 %.*s 数据损坏（大小或校验和不符）",
			       z->label, quote_len(ent->name), ent->name);
	}
	if (zip_fclose(f) != 0) {
		free(p);
		return err_set(e, BASE_E_FORMAT, "%s: 部件 %.*s 校验和错误", z->label,
			       quote_len(ent->name), ent->name);
	}
	p[got] = '\0';
	*data = p;
	*len = got;
	return 0;
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
