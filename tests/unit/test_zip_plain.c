/*
 * doc/zip's plain reader (read_plain(): a package opened from its bytes
 * without libzip) against the libzip path it stands in for.
 *
 * Every case opens the same bytes twice, once as shipped and once with
 * doc_zip_set_plain_reader(false), and demands the same outcome: the same
 * code and message on a refusal; on success the same entries, the same
 * bytes or refusal for every part, the same number of direct reads. The
 * cases say whether the plain reader must have taken the package (a plain
 * one) or left it to libzip (anything hostile or unusual), so a reader that
 * silently gave up on everything would fail too.
 */
#include "test.h"
#include "doc/zip.h"

#define MEM_LABEL "来文附件.docx"

static const char doc_xml[] = "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
			      "wordprocessingml/2006/main\"><w:body><w:p/><w:p/><w:p/><w:p/>"
			      "</w:body></w:document>";

/* A small package: a deflated part, a stored one with a UTF-8 name. */
static char *make_pkg(size_t *len)
{
	struct doc_zip_writer *w = doc_zip_writer_new();
	struct err e = {0};
	unsigned char noise[64];
	uint32_t r = 777;
	char *pkg = NULL;

	for (size_t i = 0; i < sizeof(noise); i++) { /* does not shrink: stored */
		r = r * 1103515245u + 12345u;
		noise[i] = (unsigned char)(r >> 16);
	}
	doc_zip_writer_add(w, "[Content_Types].xml", "<Types/>", 8);
	doc_zip_writer_add(w, "word/document.xml", doc_xml, strlen(doc_xml));
	doc_zip_writer_add(w, "word/media/图一.bin", noise, sizeof(noise));
	ASSERT_EQ(doc_zip_writer_bytes(w, &pkg, len, &e), 0);
	doc_zip_writer_free(w);
	return pkg;
}

static uint32_t get16(const char *p)
{
	return (uint32_t)(unsigned char)p[0] | (uint32_t)(unsigned char)p[1] << 8;
}

static uint32_t get32(const char *p)
{
	return get16(p) | get16(p + 2) << 16;
}

static void set16(char *p, uint32_t v)
{
	p[0] = (char)(v & 0xFF);
	p[1] = (char)((v >> 8) & 0xFF);
}

static void set32(char *p, uint32_t v)
{
	set16(p, v & 0xFFFF);
	set16(p + 2, v >> 16);
}

/* Offset of the i-th central directory record of a package with no comment. */
static size_t cd_record(const char *pkg, size_t len, size_t i)
{
	size_t at = get32(pkg + len - 22 + 16);

	for (; i > 0; i--)
		at += 46 + get16(pkg + at + 28) + get16(pkg + at + 30) + get16(pkg + at + 32);
	ASSERT_EQ(get32(pkg + at), 0x02014b50u);
	return at;
}

enum want { WANT_PLAIN, WANT_LIBZIP, WANT_EITHER };

/* Open buf both ways; the outcomes must agree in every detail. Returns the
 * plain reader's return code. */
static int open_both(const char *buf, size_t len, enum want want)
{
	struct doc_zip *a = NULL, *b = NULL;
	struct err ea = {0}, eb = {0};
	int ra, rb;
	size_t sides = 0;
	char *ds = NULL;
	size_t ls = 0;

	doc_zip_set_plain_reader(true);
	ra = doc_zip_open_mem(buf, len, MEM_LABEL, NULL, &a, &ea);
	doc_zip_set_plain_reader(false);
	rb = doc_zip_open_mem(buf, len, MEM_LABEL, NULL, &b, &eb);
	doc_zip_set_plain_reader(true);
	ASSERT_EQ(ra, rb);
	ASSERT_EQ(ea.code, eb.code);
	ASSERT_STR_EQ(ea.msg, eb.msg);
	if (ra != 0) {
		ASSERT(a == NULL && b == NULL);
		ASSERT(want != WANT_PLAIN);
		return ra;
	}
	ASSERT(!doc_zip_opened_plain(b));
	if (want == WANT_PLAIN)
		ASSERT(doc_zip_opened_plain(a));
	if (want == WANT_LIBZIP)
		ASSERT(!doc_zip_opened_plain(a));
	ASSERT_EQ(doc_zip_count(a), doc_zip_count(b));
	for (size_t i = 0; i < doc_zip_count(a); i++) {
		char *da = NULL, *db = NULL;
		size_t la = 0, lb = 0;

		ASSERT_STR_EQ(doc_zip_name(a, i), doc_zip_name(b, i));
		memset(&ea, 0, sizeof(ea));
		memset(&eb, 0, sizeof(eb));
		ra = doc_zip_read_index(a, i, &da, &la, &ea);
		rb = doc_zip_read_index(b, i, &db, &lb, &eb);
		ASSERT_EQ(ra, rb);
		ASSERT_STR_EQ(ea.msg, eb.msg);
		if (ra == 0) {
			ASSERT_EQ(la, lb);
			ASSERT(memcmp(da, db, la) == 0);
		}
		/* the helper thread's read: the same bytes or nothing */
		if (doc_zip_read_side(a, i, &ds, &ls)) {
			ASSERT_EQ(ra, 0);
			ASSERT_EQ(ls, la);
			ASSERT(memcmp(ds, da, la + 1) == 0);
			sides++;
			free(ds);
		}
		free(da);
		free(db);
	}
	ASSERT(!doc_zip_read_side(a, doc_zip_count(a), &ds, &ls));
	/* a plain package's every part is read straight from its bytes */
	if (doc_zip_opened_plain(a) && doc_zip_direct_reads(a) == doc_zip_count(a))
		ASSERT_EQ(sides, doc_zip_count(a));
	ASSERT(sides <= doc_zip_direct_reads(a));
	ASSERT_EQ(doc_zip_direct_reads(a), doc_zip_direct_reads(b));
	doc_zip_close(a);
	doc_zip_close(b);
	return 0;
}

TEST(zip_plain_reads_a_plain_package_like_libzip)
{
	size_t len;
	char *pkg = make_pkg(&len);
	struct doc_zip *z = NULL;
	struct err e = {0};
	char *data;
	size_t dlen;

	ASSERT_EQ(open_both(pkg, len, WANT_PLAIN), 0);
	ASSERT_EQ(doc_zip_open_mem(pkg, len, MEM_LABEL, NULL, &z, &e), 0);
	ASSERT(doc_zip_opened_plain(z));
	ASSERT_EQ(doc_zip_count(z), 3);
	ASSERT_STR_EQ(doc_zip_name(z, 2), "word/media/图一.bin");
	ASSERT_EQ(doc_zip_read(z, "/WORD/document.XML", &data, &dlen, &e), 0);
	ASSERT_STR_EQ(data, doc_xml);
	free(data);
	ASSERT_EQ(doc_zip_direct_reads(z), 1);
	doc_zip_close(z);
	free(pkg);
}

/* A damaged part in a package opened plain: libzip is opened for the read
 * and reports it as before. */
TEST(zip_plain_damaged_part_refused_through_libzip)
{
	size_t len;
	char *pkg = make_pkg(&len);
	size_t h = cd_record(pkg, len, 1);
	size_t lho = get32(pkg + h + 42);
	size_t data = lho + 30 + get16(pkg + lho + 26) + get16(pkg + lho + 28);
	struct doc_zip *z = NULL;
	struct err e = {0};
	char *part = NULL;
	size_t plen;

	pkg[data + 3] ^= 0x5A;
	ASSERT_EQ(open_both(pkg, len, WANT_PLAIN), 0);
	ASSERT_EQ(doc_zip_open_mem(pkg, len, MEM_LABEL, NULL, &z, &e), 0);
	ASSERT(doc_zip_read(z, "word/document.xml", &part, &plen, &e) != 0);
	ASSERT_EQ(e.code, BASE_E_FORMAT);
	ASSERT_CONTAINS(e.msg, "word/document.xml");
	ASSERT_EQ(doc_zip_direct_reads(z), 0);
	doc_zip_close(z);
	free(pkg);
}

/* Variants libzip accepts and the plain reader takes too: an archive
 * comment, a data descriptor announced with zeros in the local header, a
 * local extra field (the data starts after it). */
TEST(zip_plain_accepts_comment_descriptor_and_local_extra)
{
	size_t len;
	char *pkg = make_pkg(&len);
	char *buf = xmalloc(len + 64);
	size_t h = cd_record(pkg, len, 1);
	size_t lho = get32(pkg + h + 42);
	size_t at;

	/* a comment */
	memcpy(buf, pkg, len);
	set16(buf + len - 2, 7);
	memcpy(buf + len, "comment", 7);
	ASSERT_EQ(open_both(buf, len + 7, WANT_PLAIN), 0);
	/* a data descriptor flag with zero CRC and sizes in the local header */
	memcpy(buf, pkg, len);
	set16(buf + lho + 6, get16(buf + lho + 6) | 8);
	set32(buf + lho + 14, 0);
	set32(buf + lho + 18, 0);
	set32(buf + lho + 22, 0);
	ASSERT_EQ(open_both(buf, len, WANT_PLAIN), 0);
	/* ...but zero sizes without the flag are an inconsistency */
	set16(buf + lho + 6, get16(buf + lho + 6) & ~8u);
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	/* an extended-timestamp extra field (0x5455) in the first local header:
	 * everything after it moves 8 bytes */
	at = 30 + get16(pkg + 26);
	memcpy(buf, pkg, at);
	memcpy(buf + at,
	       "\x55\x54\x04\x00"
	       "abcd",
	       8);
	memcpy(buf + at + 8, pkg + at, len - at);
	set16(buf + 28, 8);
	set32(buf + len + 8 - 22 + 16, get32(buf + len + 8 - 22 + 16) + 8);
	for (size_t i = 1; i < 3; i++) {
		h = cd_record(buf, len + 8, i);
		set32(buf + h + 42, get32(buf + h + 42) + 8);
	}
	ASSERT_EQ(open_both(buf, len + 8, WANT_PLAIN), 0);
	/* ...one that runs past its end is not plain */
	set16(buf + at + 2, 5);
	ASSERT(open_both(buf, len + 8, WANT_LIBZIP) != 0);
	free(buf);
	free(pkg);
}

/* Truncated end records, directories pointing out of the file or into the
 * end record, lying comment lengths: refused as libzip refuses them. */
TEST(zip_plain_hostile_end_records)
{
	size_t len;
	char *pkg = make_pkg(&len);
	char *buf = xmalloc(len + 64);
	size_t eocd = len - 22;

	for (size_t cut = 1; cut <= 30; cut++)
		ASSERT(open_both(pkg, len - cut, WANT_LIBZIP) != 0);
	memcpy(buf, pkg, len);
	set32(buf + eocd + 16, (uint32_t)len + 100); /* directory beyond the file */
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	memcpy(buf, pkg, len);
	set32(buf + eocd + 16, 0xFFFFFFFFu); /* a ZIP64 marker, no ZIP64 record */
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	memcpy(buf, pkg, len);
	set32(buf + eocd + 12, get32(buf + eocd + 12) + 1); /* size into the end record */
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	memcpy(buf, pkg, len);
	set32(buf + eocd + 12, get32(buf + eocd + 12) - 1); /* size short of it */
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	memcpy(buf, pkg, len);
	set16(buf + eocd + 20, 5); /* a comment that is not there */
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	memcpy(buf, pkg, len);
	memcpy(buf + len, "trailing", 8); /* bytes the comment length does not cover */
	ASSERT(open_both(buf, len + 8, WANT_LIBZIP) != 0);
	memcpy(buf, pkg, len);
	set16(buf + eocd + 20, 24); /* a comment holding a second end record */
	memcpy(buf + len, "xxPK\x05\x06zzzzzzzzzzzzzzzzzz", 24);
	ASSERT_EQ(open_both(buf, len + 24, WANT_LIBZIP), 0);
	memcpy(buf, pkg, len);
	set16(buf + eocd + 4, 1); /* another disk */
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	free(buf);
	free(pkg);
}

/* Entry counts that lie: huge, over the limit, disagreeing, short. */
TEST(zip_plain_hostile_counts)
{
	size_t len;
	char *pkg = make_pkg(&len);
	char *buf = xmalloc(len);
	size_t eocd = len - 22;
	static const uint32_t counts[][2] = {{0xFFFF, 0xFFFF}, {5000, 5000}, {3, 4},
					     {2, 2},	       {4, 4},	     {0, 0}};

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		memcpy(buf, pkg, len);
		set16(buf + eocd + 8, counts[i][0]);
		set16(buf + eocd + 10, counts[i][1]);
		ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	}
	free(buf);
	free(pkg);
}

/* Entries that overlap or lie: two records for one local header (same
 * name: a duplicate; another name: a mismatch), a compressed size reaching
 * into the next entry, a local header beyond the directory, a name with a
 * NUL, an encrypted flag, another method, a case-only duplicate. */
TEST(zip_plain_hostile_entries)
{
	size_t len;
	char *pkg = make_pkg(&len);
	char *buf = xmalloc(len + 256);
	size_t h0 = cd_record(pkg, len, 0), h1 = cd_record(pkg, len, 1);
	size_t h2 = cd_record(pkg, len, 2), eocd = len - 22;
	size_t r1 = h2 - h1, lho1 = get32(pkg + h1 + 42);

	/* record 1 twice, both pointing at the same local header */
	memcpy(buf, pkg, h2);
	memcpy(buf + h2, pkg + h1, r1);
	memcpy(buf + h2 + r1, pkg + h2, len - h2);
	set16(buf + eocd + r1 + 8, 4);
	set16(buf + eocd + r1 + 10, 4);
	set32(buf + eocd + r1 + 12, get32(buf + eocd + r1 + 12) + (uint32_t)r1);
	ASSERT(open_both(buf, len + r1, WANT_LIBZIP) != 0);
	buf[h2 + 46] = 'W'; /* the copy under another name: headers disagree */
	ASSERT(open_both(buf, len + r1, WANT_LIBZIP) != 0);
	buf[lho1 + 30] = 'W'; /* ...and the local header: now the first disagrees */
	ASSERT(open_both(buf, len + r1, WANT_LIBZIP) != 0);

	memcpy(buf, pkg, len); /* compressed size into the next entry */
	set32(buf + h1 + 20, get32(buf + h1 + 20) + 40);
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	memcpy(buf, pkg, len); /* local header offset into the directory */
	set32(buf + h0 + 42, (uint32_t)h0);
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	memcpy(buf, pkg, len); /* NUL in the name (libzip: the name ends there) */
	buf[h1 + 46 + 4] = '\0';
	buf[lho1 + 30 + 4] = '\0';
	open_both(buf, len, WANT_LIBZIP);
	memcpy(buf, pkg, len); /* control character (libzip: CP437, converted) */
	buf[h1 + 46 + 4] = '\x01';
	buf[lho1 + 30 + 4] = '\x01';
	open_both(buf, len, WANT_LIBZIP);
	memcpy(buf, pkg, len); /* ".." */
	memcpy(buf + h1 + 46, "../d", 4);
	memcpy(buf + lho1 + 30, "../d", 4);
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	memcpy(buf, pkg, len); /* encrypted */
	set16(buf + h1 + 8, 1);
	set16(buf + lho1 + 6, 1);
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	memcpy(buf, pkg, len); /* bzip2 */
	set16(buf + h1 + 10, 12);
	set16(buf + lho1 + 8, 12);
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	memcpy(buf, pkg, len); /* CP437 name (not UTF-8): libzip converts it */
	buf[h1 + 46 + 4] = '\x82';
	buf[lho1 + 30 + 4] = '\x82';
	ASSERT_EQ(open_both(buf, len, WANT_LIBZIP), 0);
	memcpy(buf, pkg, len); /* declared size over the per-part limit */
	set32(buf + h1 + 24, 40u << 20);
	set32(buf + lho1 + 22, 40u << 20);
	ASSERT(open_both(buf, len, WANT_LIBZIP) != 0);
	free(buf);
	free(pkg);
}

/* Every byte of a package changed in a few ways: whatever either path makes
 * of it, the other makes the same. */
TEST(zip_plain_every_byte_mutated_same_as_libzip)
{
	static const unsigned char how[] = {0x01, 0x80, 0xFF};
	size_t len;
	char *pkg = make_pkg(&len);
	char *buf = xmalloc(len);
	size_t opened = 0;

	for (size_t at = 0; at < len; at++) {
		for (size_t k = 0; k < sizeof(how) + 1; k++) {
			memcpy(buf, pkg, len);
			if (k < sizeof(how))
				buf[at] = (char)(buf[at] ^ how[k]);
			else
				buf[at] = 0;
			if (open_both(buf, len, WANT_EITHER) == 0)
				opened++;
		}
	}
	ASSERT(opened > 0);
	free(buf);
	free(pkg);
}
