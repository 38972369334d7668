/*
 * doc/zip and doc/xml against hostile input.
 *
 * Fixtures come from tests/data/hostile/make.py (python3 stdlib only), run
 * into a mkdtemp() directory that an atexit handler removes; each test asks
 * only for the fixtures it needs so it stays well under two seconds. Every
 * refusal must be a specific negative code whose message names the file (or
 * the label given to doc_zip_open_mem / doc_xml_parse) and the reason, with
 * no leak under ASan (the runner's child exits through LeakSanitizer).
 *
 * Where src/ returns a code that differs from the one the hostile-input issue
 * asks for, the test pins today's behaviour and says so ("KNOWN:"), so the
 * change is a visible one-line flip when src/ is fixed.
 */
#include "test.h"
#include "doc/xml.h"
#include "doc/zip.h"
#include "text/text.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MEM_LABEL "来文附件.docx"
#define XML_LABEL "word/document.xml"

static char tmp_dir[64];

static void tmp_dir_remove(void)
{
	DIR *d = opendir(tmp_dir);
	struct dirent *de;
	char path[PATH_MAX];

	if (d == NULL)
		return;
	for (de = readdir(d); de != NULL; de = readdir(d)) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp_dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmp_dir);
}

/* The per-test scratch directory, created on first use. */
static const char *scratch_dir(void)
{
	if (tmp_dir[0] != '\0')
		return tmp_dir;
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/shuzhi-zip-XXXXXX");
	if (mkdtemp(tmp_dir) == NULL)
		TEST_FAIL_AT("mkdtemp failed");
	atexit(tmp_dir_remove);
	return tmp_dir;
}

static void scratch_path(const char *name, char *path, size_t size)
{
	int n = snprintf(path, size, "%s/%s", scratch_dir(), name);

	ASSERT(n > 0 && (size_t)n < size);
}

/* $PYTHON, else the system python3 (a version-manager shim in PATH can cost
 * half a second per start), else python3 from PATH. make.py needs only the
 * standard library. */
static const char *python(void)
{
	const char *py = getenv("PYTHON");

	if (py != NULL && py[0] != '\0')
		return py;
	return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

/* Generate one fixture with make.py and return its path in path[size]. */
static void fixture(const char *name, char *path, size_t size)
{
	char script[PATH_MAX];
	const char *dir = scratch_dir();
	const char *py = python();
	int status = 0;
	pid_t pid;

	snprintf(script, sizeof(script), "%s/hostile/make.py", test_data_dir());
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		execlp(py, py, script, dir, name, (char *)NULL);
		_exit(127);
	}
	ASSERT(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		TEST_FAIL_AT("%s %s %s %s failed (status %d)", py, script, dir, name, status);
	scratch_path(name, path, size);
}

static void read_whole(const char *path, char **data, size_t *len)
{
	struct err e = {0};

	if (base_read_file(path, 64u << 20, data, len, &e) != 0)
		TEST_FAIL_AT("%s", e.msg);
}

/* Both entry points refuse the fixture with code; the message names the
 * file (open_file) or the label (open_mem) and contains reason. */
static void expect_open_refused(const char *name, int code, const char *reason)
{
	char path[PATH_MAX];
	struct doc_zip *z = NULL;
	struct err e = {0};
	char *data;
	size_t len;

	fixture(name, path, sizeof(path));
	ASSERT_EQ(doc_zip_open_file(path, NULL, &z, &e), code);
	ASSERT_EQ(e.code, code);
	ASSERT(z == NULL);
	ASSERT_CONTAINS(e.msg, path);
	ASSERT_CONTAINS(e.msg, reason);

	read_whole(path, &data, &len);
	err_clear(&e);
	ASSERT_EQ(doc_zip_open_mem(data, len, MEM_LABEL, NULL, &z, &e), code);
	ASSERT(z == NULL);
	ASSERT_CONTAINS(e.msg, MEM_LABEL);
	ASSERT_CONTAINS(e.msg, reason);
	free(data);
}

/* The package opens, but reading part is refused with code and reason. */
static void expect_read_refused(const char *name, const char *part, int code, const char *reason)
{
	char path[PATH_MAX];
	struct doc_zip *z = NULL;
	struct err e = {0};
	char *data = NULL;
	size_t len = 0;

	fixture(name, path, sizeof(path));
	ASSERT_EQ(doc_zip_open_file(path, NULL, &z, &e), 0);
	ASSERT_EQ(doc_zip_read(z, part, &data, &len, &e), code);
	ASSERT(data == NULL);
	ASSERT_CONTAINS(e.msg, path);
	ASSERT_CONTAINS(e.msg, part);
	ASSERT_CONTAINS(e.msg, reason);
	doc_zip_close(z);
}

static void expect_xml_refused(const char *name, int code, const char *reason)
{
	char path[PATH_MAX];
	struct err e = {0};
	xmlDocPtr doc = (xmlDocPtr)1;
	char *data;
	size_t len;

	fixture(name, path, sizeof(path));
	read_whole(path, &data, &len);
	ASSERT_EQ(doc_xml_parse(data, len, XML_LABEL, &doc, &e), code);
	ASSERT(doc == NULL);
	ASSERT_EQ(e.code, code);
	ASSERT_CONTAINS(e.msg, XML_LABEL);
	ASSERT_CONTAINS(e.msg, reason);
	free(data);
}

static const char *const docx_parts[] = {
    "[Content_Types].xml", "_rels/.rels",     "word/_rels/document.xml.rels",
    "word/document.xml",   "word/styles.xml",
};

static void expect_valid_docx(const char *name)
{
	char path[PATH_MAX];
	struct doc_zip *z = NULL;
	struct err e = {0};
	char *data;
	size_t len;

	fixture(name, path, sizeof(path));
	ASSERT_EQ(doc_zip_open_file(path, NULL, &z, &e), 0);
	ASSERT_EQ(doc_zip_count(z), ARRAY_LEN(docx_parts));
	for (size_t i = 0; i < ARRAY_LEN(docx_parts); i++) {
		xmlDocPtr doc = NULL;

		ASSERT_STR_EQ(doc_zip_name(z, i), docx_parts[i]);
		ASSERT_EQ(doc_zip_read(z, docx_parts[i], &data, &len, &e), 0);
		ASSERT_EQ(strlen(data), len); /* NUL-terminated, no early NUL */
		ASSERT_EQ(doc_xml_parse(data, len, docx_parts[i], &doc, &e), 0);
		xmlFreeDoc(doc);
		free(data);
	}
	ASSERT(doc_zip_name(z, ARRAY_LEN(docx_parts)) == NULL);
	/* OPC part names are case-insensitive and may be written with a leading "/". */
	ASSERT_EQ(doc_zip_find(z, "/WORD/Document.xml"), 3);
	ASSERT_EQ(doc_zip_read(z, "/word/document.xml", &data, &len, &e), 0);
	ASSERT_CONTAINS(data, "示政发〔2025〕6号");
	ASSERT_CONTAINS(data, "关于印发《示范管理办法》的通知");
	free(data);
	ASSERT_EQ(doc_zip_find(z, "word/numbering.xml"), -1);
	ASSERT_EQ(doc_zip_read(z, "word/numbering.xml", &data, &len, &e), BASE_E_FORMAT);
	ASSERT_CONTAINS(e.msg, path);
	ASSERT_CONTAINS(e.msg, "word/numbering.xml");
	doc_zip_close(z);
}

TEST(zip_valid_docx_deflated_reads_every_part)
{
	expect_valid_docx("valid.docx");
}

TEST(zip_valid_docx_stored_reads_every_part)
{
	expect_valid_docx("valid_stored.docx");
}

TEST(zip_writer_roundtrip_docx)
{
	static const char doc1[] = "<w:document xmlns:w=\"" NS_W "\"><w:body/></w:document>";
	static const char doc2[] = "<w:document xmlns:w=\"" NS_W "\"><w:body><w:p/></w:body>"
				   "</w:document>";
	unsigned char image[512];
	struct doc_zip_writer *w = doc_zip_writer_new();
	struct doc_zip *z = NULL;
	struct err e = {0};
	char path[PATH_MAX];
	char *data;
	size_t len;
	size_t files = 0;
	DIR *d;

	for (size_t i = 0; i < sizeof(image); i++)
		image[i] = (unsigned char)(i * 7);
	doc_zip_writer_add(w, "[Content_Types].xml", "<Types/>", 8);
	doc_zip_writer_add(w, "word/document.xml", doc1, strlen(doc1));
	doc_zip_writer_add(w, "word/media/image1.png", image, sizeof(image));
	doc_zip_writer_add(w, "word/empty.xml", "", 0);
	/* Replacing a part matches case-insensitively, as OPC names do. */
	doc_zip_writer_add(w, "Word/Document.xml", doc2, strlen(doc2));
	scratch_path("out.docx", path, sizeof(path));
	ASSERT_EQ(doc_zip_writer_save(w, path, &e), 0);
	doc_zip_writer_free(w);

	ASSERT_EQ(doc_zip_open_file(path, NULL, &z, &e), 0);
	ASSERT_EQ(doc_zip_count(z), 4);
	ASSERT_EQ(doc_zip_read(z, "word/document.xml", &data, &len, &e), 0);
	ASSERT_EQ(len, strlen(doc2));
	ASSERT_STR_EQ(data, doc2);
	free(data);
	ASSERT_EQ(doc_zip_read(z, "word/media/image1.png", &data, &len, &e), 0);
	ASSERT_EQ(len, sizeof(image));
	ASSERT(memcmp(data, image, sizeof(image)) == 0);
	free(data);
	ASSERT_EQ(doc_zip_read(z, "word/empty.xml", &data, &len, &e), 0);
	ASSERT_EQ(len, 0);
	ASSERT_STR_EQ(data, "");
	free(data);
	doc_zip_close(z);

	/* The write is atomic: no temporary file is left next to the output. */
	d = opendir(scratch_dir());
	ASSERT(d != NULL);
	for (struct dirent *de = readdir(d); de != NULL; de = readdir(d)) {
		if (de->d_name[0] != '.')
			files++;
	}
	closedir(d);
	ASSERT_EQ(files, 1);
}

/* doc_zip_open_owned() takes the buffer over: the same package and the same
 * refusals as doc_zip_open_mem(), nothing leaked or freed twice (ASan). */
TEST(zip_open_owned_same_as_open_mem)
{
	static const char doc[] = "<w:document xmlns:w=\"" NS_W "\"><w:body/></w:document>";
	struct doc_zip_writer *w = doc_zip_writer_new();
	struct doc_zip *z = NULL;
	struct err e = {0}, e2 = {0};
	char *pkg, *copy, *data;
	size_t len, dlen;

	doc_zip_writer_add(w, "word/document.xml", doc, strlen(doc));
	ASSERT_EQ(doc_zip_writer_bytes(w, &pkg, &len, &e), 0);
	doc_zip_writer_free(w);
	copy = xmalloc(len);
	memcpy(copy, pkg, len);
	ASSERT_EQ(doc_zip_open_owned(copy, len, MEM_LABEL, NULL, &z, &e), 0);
	ASSERT_EQ(doc_zip_read(z, "word/document.xml", &data, &dlen, &e), 0);
	ASSERT_STR_EQ(data, doc);
	free(data);
	doc_zip_close(z);
	/* refusals: not a zip, empty, truncated directory */
	for (size_t cut = 0; cut < 3; cut++) {
		size_t n = cut == 0 ? 30 : cut == 1 ? 0 : len - 10;

		copy = xmalloc(n + 1);
		memcpy(copy, cut == 0 ? "not a zip file, just some text" : pkg, n);
		memset(&e, 0, sizeof(e));
		memset(&e2, 0, sizeof(e2));
		ASSERT(doc_zip_open_owned(copy, n, MEM_LABEL, NULL, &z, &e) != 0);
		ASSERT(z == NULL);
		ASSERT(doc_zip_open_mem(cut == 0 ? "not a zip file, just some text" : pkg, n,
					MEM_LABEL, NULL, &z, &e2) != 0);
		ASSERT_EQ(e.code, e2.code);
		ASSERT_STR_EQ(e.msg, e2.msg);
	}
	free(pkg);
}

/* Parts are read straight from the archive bytes when the central directory
 * and local headers say exactly what libzip says; otherwise (here: a comment
 * holding a false end record) through libzip. Either way the same bytes, and
 * a damaged part is refused with the same message. */
TEST(zip_direct_reads_same_bytes_and_refusals)
{
	static const char doc[] = "<w:document xmlns:w=\"" NS_W "\"><w:body><w:p/><w:p/><w:p/>"
				  "</w:body></w:document>";
	unsigned char noise[300];
	struct doc_zip_writer *w = doc_zip_writer_new();
	struct doc_zip *z = NULL;
	struct err e = {0};
	char *pkg, *data, *bad;
	size_t len, dlen, at;
	uint32_t r = 12345;

	for (size_t i = 0; i < sizeof(noise); i++) { /* does not shrink: stored */
		r = r * 1103515245u + 12345u;
		noise[i] = (unsigned char)(r >> 16);
	}
	doc_zip_writer_add(w, "[Content_Types].xml", "<Types/>", 8);
	doc_zip_writer_add(w, "word/document.xml", doc, strlen(doc));
	doc_zip_writer_add(w, "word/media/n.bin", noise, sizeof(noise));
	ASSERT_EQ(doc_zip_writer_bytes(w, &pkg, &len, &e), 0);
	doc_zip_writer_free(w);

	for (int variant = 0; variant < 2; variant++) {
		char *buf = xmalloc(len + 40);
		size_t n = len;

		memcpy(buf, pkg, len);
		if (variant == 1) { /* a 24-byte comment with "PK\5\6" in it */
			static const char comment[] = "xxPK\x05\x06zzzzzzzzzzzzzzzzzz";

			buf[n - 2] = 24;
			memcpy(buf + n, comment, 24);
			n += 24;
		}
		ASSERT_EQ(doc_zip_open_owned(buf, n, MEM_LABEL, NULL, &z, &e), 0);
		ASSERT_EQ(doc_zip_read(z, "word/document.xml", &data, &dlen, &e), 0);
		ASSERT_STR_EQ(data, doc);
		free(data);
		ASSERT_EQ(doc_zip_read(z, "word/media/n.bin", &data, &dlen, &e), 0);
		ASSERT_EQ(dlen, sizeof(noise));
		ASSERT(memcmp(data, noise, sizeof(noise)) == 0);
		free(data);
		ASSERT_EQ(doc_zip_direct_reads(z), variant == 0 ? 2 : 0);
		doc_zip_close(z);
	}
	/* a damaged byte in the deflated part: refused as before */
	bad = xmalloc(len);
	memcpy(bad, pkg, len);
	at = 0;
	for (size_t i = 0; i + 17 < len; i++) {
		if (memcmp(pkg + i, "word/document.xml", 17) == 0) {
			at = i + 17 + 10; /* into its compressed data */
			break;
		}
	}
	ASSERT(at > 0);
	bad[at] ^= 0x55;
	ASSERT_EQ(doc_zip_open_owned(bad, len, MEM_LABEL, NULL, &z, &e), 0);
	memset(&e, 0, sizeof(e));
	ASSERT(doc_zip_read(z, "word/document.xml", &data, &dlen, &e) != 0);
	ASSERT_EQ(e.code, BASE_E_FORMAT);
	ASSERT(strstr(e.msg, "word/document.xml") != NULL);
	ASSERT_EQ(doc_zip_direct_reads(z), 0);
	doc_zip_close(z);
	free(pkg);
}

TEST(zip_writer_save_into_missing_dir_is_io_error)
{
	struct doc_zip_writer *w = doc_zip_writer_new();
	struct err e = {0};
	char path[PATH_MAX];

	doc_zip_writer_add(w, "a.xml", "<a/>", 4);
	scratch_path("no-such-dir/out.docx", path, sizeof(path));
	ASSERT_EQ(doc_zip_writer_save(w, path, &e), BASE_E_IO);
	ASSERT_CONTAINS(e.msg, path);
	doc_zip_writer_free(w);
}

/* --- zip bombs ------------------------------------------------------------ */

TEST(zip_bomb_200mb_of_zeros_refused_before_inflating)
{
	/* 200 MB of zeros in ~200 KB (ratio ~1000:1): the ratio is checked
	 * before the per-part size, so it is named a bomb. */
	expect_open_refused("bomb_200mb.zip", BASE_E_UNSAFE, "疑似ZIP炸弹");
}

TEST(zip_bomb_ratio_under_part_limit_is_unsafe)
{
	/* 30 MB (under the 32 MB part limit) of zeros in ~30 KB. */
	expect_open_refused("bomb_ratio_30mb.zip", BASE_E_UNSAFE, "疑似ZIP炸弹");
}

TEST(zip_bomb_lying_size_stops_at_declared_size)
{
	char path[PATH_MAX];
	struct doc_zip *z = NULL;
	struct err e = {0};
	char *data;
	size_t len;

	/* Declares 4 KiB, inflates to 64 MB. The reader must never hand out more
	 * than the declared size, and names the bomb as such. */
	expect_read_refused("bomb_lying.zip", "word/document.xml", BASE_E_UNSAFE,
			    "解压后超过声明的 4096 字节");
	/* The honest parts of the same package are still readable. */
	scratch_path("bomb_lying.zip", path, sizeof(path));
	ASSERT_EQ(doc_zip_open_file(path, NULL, &z, &e), 0);
	ASSERT_EQ(doc_zip_read(z, "_rels/.rels", &data, &len, &e), 0);
	ASSERT_CONTAINS(data, "officeDocument");
	free(data);
	doc_zip_close(z);
}

/* One below what the fixture needs, *knob (a field of *l) makes the open
 * fail with code and reason; at exactly what it needs, the open succeeds. */
static void expect_limit_boundary(const char *name, struct doc_zip_limits *l, size_t *knob,
				  size_t needed, int code, const char *reason)
{
	struct doc_zip *z = NULL;
	struct err e = {0};
	char path[PATH_MAX];

	fixture(name, path, sizeof(path));
	*knob = needed - 1;
	ASSERT_EQ(doc_zip_open_file(path, l, &z, &e), code);
	ASSERT(z == NULL);
	ASSERT_CONTAINS(e.msg, path);
	ASSERT_CONTAINS(e.msg, reason);
	*knob = needed;
	err_clear(&e);
	ASSERT_EQ(doc_zip_open_file(path, l, &z, &e), 0);
	doc_zip_close(z);
}

TEST(zip_bomb_total_over_limit_is_unsafe)
{
	struct doc_zip_limits l;

	/* valid.docx inflates to 2178 bytes in five parts. */
	doc_zip_default_limits(&l);
	expect_limit_boundary("valid.docx", &l, &l.max_total, 2178, BASE_E_UNSAFE,
			      "解压总量超过 2177 字节");
}

TEST(zip_part_over_size_limit)
{
	struct doc_zip_limits l;

	/* [Content_Types].xml is the largest part: 557 bytes. */
	doc_zip_default_limits(&l);
	expect_limit_boundary("valid.docx", &l, &l.max_part, 557, BASE_E_LIMIT,
			      "[Content_Types].xml 解压后过大（557 字节）");
}

TEST(zip_too_many_entries)
{
	struct doc_zip_limits l;

	doc_zip_default_limits(&l);
	expect_limit_boundary("many_entries.zip", &l, &l.max_entries, 40, BASE_E_LIMIT,
			      "ZIP条目过多（40，上限 39）");
}

/* --- hostile names ---------------------------------------------------------- */

TEST(zip_name_with_dotdot_is_unsafe)
{
	expect_open_refused("traversal.zip", BASE_E_UNSAFE, "路径穿越（../evil.xml）");
	expect_open_refused("traversal_nested.zip", BASE_E_UNSAFE,
			    "路径穿越（word/../../evil.xml）");
}

TEST(zip_name_with_backslash_is_unsafe)
{
	expect_open_refused("traversal_backslash.zip", BASE_E_UNSAFE, "非法字符（..\\evil.xml）");
}

TEST(zip_absolute_name_is_unsafe)
{
	expect_open_refused("absolute.zip", BASE_E_UNSAFE, "绝对路径（/etc/passwd）");
}

TEST(zip_name_with_control_char_is_refused)
{
	/* libzip itself rejects a UTF-8-flagged name with a C0 control. */
	expect_open_refused("control_char.zip", BASE_E_FORMAT, "ZIP结构损坏");
}

TEST(zip_duplicate_name_differing_in_case_is_unsafe)
{
	expect_open_refused("dup_case.zip", BASE_E_UNSAFE, "部件名称重复");
}

TEST(zip_duplicate_name_exact_is_refused)
{
	/* libzip (ZIP_CHECKCONS) fails the open with ZIP_ER_EXISTS; zip.c
	 * reports it like the case-only duplicate. */
	expect_open_refused("dup_exact.zip", BASE_E_UNSAFE, "部件名称重复");
}

TEST(zip_name_invalid_utf8)
{
	char path[PATH_MAX];
	struct doc_zip *z = NULL;
	struct err e = {0};
	const char *name;
	char *data;
	size_t len;

	/* Flagged as UTF-8 but is not: libzip refuses the directory. */
	expect_open_refused("badutf8_name.zip", BASE_E_FORMAT, "ZIP结构损坏");
	/* Not flagged: the name is CP437 by the ZIP spec and arrives converted,
	 * so every name the reader hands out is valid UTF-8. */
	fixture("badutf8_name_cp437.zip", path, sizeof(path));
	ASSERT_EQ(doc_zip_open_file(path, NULL, &z, &e), 0);
	ASSERT_EQ(doc_zip_count(z), 6);
	name = doc_zip_name(z, 5);
	ASSERT(text_utf8_valid(name, strlen(name), NULL));
	ASSERT_EQ(doc_zip_read(z, name, &data, &len, &e), 0);
	ASSERT_STR_EQ(data, "<a/>");
	free(data);
	doc_zip_close(z);
}

/* --- other refusals --------------------------------------------------------- */

TEST(zip_encrypted_entry_is_unsafe)
{
	expect_open_refused("encrypted.zip", BASE_E_UNSAFE, "含加密条目（word/document.xml）");
}

TEST(zip_unsupported_compression_is_format_error)
{
	expect_open_refused("bzip2.zip", BASE_E_FORMAT, "不支持的压缩方式（word/document.xml）");
}

TEST(zip_bad_crc_is_format_error)
{
	expect_read_refused("bad_crc.zip", "word/document.xml", BASE_E_FORMAT, "数据损坏");
}

/* --- broken containers ------------------------------------------------------ */

TEST(zip_truncated_is_format_error)
{
	expect_open_refused("truncated.zip", BASE_E_FORMAT, "ZIP结构损坏或文件被截断");
	expect_open_refused("missing_eocd.zip", BASE_E_FORMAT, "ZIP结构损坏或文件被截断");
}

TEST(zip_not_a_zip_is_format_error)
{
	expect_open_refused("notzip.zip", BASE_E_FORMAT, "不是ZIP/OOXML文件");
	expect_open_refused("pk_junk.zip", BASE_E_FORMAT, "ZIP结构损坏");
}

TEST(zip_empty_file_is_format_error)
{
	struct doc_zip *z = NULL;
	struct err e = {0};

	expect_open_refused("empty.zip", BASE_E_FORMAT, "文件为空");
	/* Shorter than an end-of-central-directory record. */
	ASSERT_EQ(doc_zip_open_mem("PK\x05\x06", 4, MEM_LABEL, NULL, &z, &e), BASE_E_FORMAT);
	ASSERT(z == NULL);
	ASSERT_CONTAINS(e.msg, MEM_LABEL);
}

TEST(zip_file_over_50mb_is_limit_error)
{
	struct doc_zip *z = NULL;
	struct err e = {0};
	char path[PATH_MAX];
	int fd;

	/* Sparse: the size check must come from fstat, before any read. */
	scratch_path("big.docx", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT(fd >= 0);
	ASSERT_EQ(ftruncate(fd, (off_t)(50u << 20) + 1), 0);
	close(fd);
	ASSERT_EQ(doc_zip_open_file(path, NULL, &z, &e), BASE_E_LIMIT);
	ASSERT(z == NULL);
	ASSERT_CONTAINS(e.msg, path);
	ASSERT_CONTAINS(e.msg, "文件过大（52428801 字节");
	/* Exactly at the limit it is read, and refused for what it is. */
	ASSERT_EQ(truncate(path, (off_t)(50u << 20)), 0);
	err_clear(&e);
	ASSERT_EQ(doc_zip_open_file(path, NULL, &z, &e), BASE_E_FORMAT);
	ASSERT_CONTAINS(e.msg, path);
}

TEST(zip_mem_over_file_limit_is_limit_error)
{
	struct doc_zip_limits l;
	struct doc_zip *z = NULL;
	struct err e = {0};
	char path[PATH_MAX];
	char *data;
	size_t len;

	fixture("valid.docx", path, sizeof(path));
	read_whole(path, &data, &len);
	doc_zip_default_limits(&l);
	l.max_file = len - 1;
	ASSERT_EQ(doc_zip_open_mem(data, len, MEM_LABEL, &l, &z, &e), BASE_E_LIMIT);
	ASSERT(z == NULL);
	ASSERT_CONTAINS(e.msg, MEM_LABEL);
	ASSERT_CONTAINS(e.msg, "文件过大");
	free(data);
}

TEST(zip_missing_file_is_io_error)
{
	struct doc_zip *z = NULL;
	struct err e = {0};
	char path[PATH_MAX];

	scratch_path("absent.docx", path, sizeof(path));
	ASSERT_EQ(doc_zip_open_file(path, NULL, &z, &e), BASE_E_IO);
	ASSERT(z == NULL);
	ASSERT_CONTAINS(e.msg, path);
}

/* --- XML ---------------------------------------------------------------------- */

TEST(zip_xml_valid_document_parses)
{
	char path[PATH_MAX];
	struct err e = {0};
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	char *data;
	size_t len;

	fixture("document.xml", path, sizeof(path));
	read_whole(path, &data, &len);
	ASSERT_EQ(doc_xml_parse(data, len, XML_LABEL, &doc, &e), 0);
	root = xmlDocGetRootElement(doc);
	ASSERT(doc_xml_is(root, NS_W, "document"));
	ASSERT(doc_xml_child(root, NS_W, "body") != NULL);
	xmlFreeDoc(doc);
	free(data);
}

TEST(zip_xml_external_entity_is_unsafe)
{
	expect_xml_refused("xml_xxe.xml", BASE_E_UNSAFE, "DTD");
	expect_xml_refused("xml_dtd_external.xml", BASE_E_UNSAFE, "DTD");
}

TEST(zip_xml_billion_laughs_is_unsafe)
{
	expect_xml_refused("xml_billion_laughs.xml", BASE_E_UNSAFE, "DTD");
}

TEST(zip_xml_dtd_in_utf16_without_bom_is_refused)
{
	/* BOM-less UTF-16 is recognised from "<?" (XML 1.0 Appendix F) and
	 * converted to UTF-8 before the DOCTYPE scan, which then sees it. */
	expect_xml_refused("xml_utf16le_nobom_xxe.xml", BASE_E_UNSAFE, "DTD");
}

TEST(zip_xml_dtd_in_utf7_is_refused)
{
	/* The declared encoding is ignored (input is decoded as UTF-8), so a
	 * UTF-7 DOCTYPE is never parsed: the bytes are simply not XML. */
	expect_xml_refused("xml_utf7_billion_laughs.xml", BASE_E_FORMAT, "XML格式错误");
}

TEST(zip_xml_utf16_parts_are_read)
{
	/* OPC allows UTF-16 parts; they are converted to UTF-8 and parsed. */
	static const char *const names[] = {"xml_utf16_bom.xml", "xml_utf16le_nobom_valid.xml"};

	for (size_t k = 0; k < ARRAY_LEN(names); k++) {
		char path[PATH_MAX];
		struct err e = {0};
		xmlDocPtr doc = NULL;
		char *data;
		size_t len;

		fixture(names[k], path, sizeof(path));
		read_whole(path, &data, &len);
		ASSERT_EQ(doc_xml_parse(data, len, XML_LABEL, &doc, &e), 0);
		ASSERT(doc != NULL && xmlDocGetRootElement(doc) != NULL);
		xmlFreeDoc(doc);
		free(data);
	}
	/* an unpaired surrogate is an encoding error */
	{
		static const char bad[] = "\xff\xfe<\0?\0\x00\xd8"
					  "a\0";
		struct err e = {0};
		xmlDocPtr doc = NULL;

		ASSERT_EQ(doc_xml_parse(bad, sizeof(bad) - 1, XML_LABEL, &doc, &e), BASE_E_FORMAT);
		ASSERT_CONTAINS(e.msg, "UTF-16");
	}
}

TEST(zip_xml_invalid_utf8_is_format_error)
{
	expect_xml_refused("xml_invalid_utf8.xml", BASE_E_FORMAT, "XML格式错误（第 2 行）");
}

TEST(zip_xml_not_well_formed_or_empty_is_format_error)
{
	expect_xml_refused("xml_not_wellformed.xml", BASE_E_FORMAT, "XML格式错误（第 1 行）");
	expect_xml_refused("xml_empty.xml", BASE_E_FORMAT, "XML格式错误");
}

/* A hostile document.xml inside an otherwise valid package: the ZIP layer
 * hands it out, the XML layer refuses it, naming the part. */
static void expect_docx_part_refused(const char *name, int code, const char *reason)
{
	char path[PATH_MAX];
	struct doc_zip *z = NULL;
	struct err e = {0};
	xmlDocPtr doc = (xmlDocPtr)1;
	char *data;
	size_t len;

	fixture(name, path, sizeof(path));
	ASSERT_EQ(doc_zip_open_file(path, NULL, &z, &e), 0);
	ASSERT_EQ(doc_zip_read(z, XML_LABEL, &data, &len, &e), 0);
	ASSERT_EQ(doc_xml_parse(data, len, XML_LABEL, &doc, &e), code);
	ASSERT(doc == NULL);
	ASSERT_CONTAINS(e.msg, XML_LABEL);
	ASSERT_CONTAINS(e.msg, reason);
	free(data);
	doc_zip_close(z);
}

TEST(zip_xml_docx_with_dtd_part_is_unsafe)
{
	expect_docx_part_refused("dtd_xxe.docx", BASE_E_UNSAFE, "DTD");
	expect_docx_part_refused("dtd_billion_laughs.docx", BASE_E_UNSAFE, "DTD");
}

TEST(zip_xml_docx_with_invalid_utf8_part_is_format_error)
{
	expect_docx_part_refused("badutf8_xml.docx", BASE_E_FORMAT, "XML格式错误");
}

/* doc_xml_attr_ref reads values in place; it must agree with libxml2's
 * xmlGetNsProp/xmlGetNoNsProp (what doc_xml_attr used to return) for plain,
 * empty, entity-bearing, namespaced, unprefixed and absent attributes. */
TEST(zip_xml_attr_ref_agrees_with_libxml2)
{
	static const char xml[] = "<w:document xmlns:w=\"" NS_W "\" xmlns:o=\"urn:other\">"
				  "<w:p w:val=\"32\" val=\"plain\" w:e=\"\" "
				  "w:amp=\"a&amp;b&#x4E00;&lt;\" o:val=\"other\"/>"
				  "</w:document>";
	static const struct {
		const char *ns;
		const char *local;
	} q[] = {{NS_W, "val"},	       {NULL, "val"},	  {NS_W, "e"},	      {NS_W, "amp"},
		 {"urn:other", "val"}, {NS_W, "missing"}, {"urn:none", "val"}};
	struct err e = {0};
	xmlDocPtr doc = NULL;
	xmlNodePtr p;

	ASSERT_EQ(doc_xml_parse(xml, sizeof(xml) - 1, XML_LABEL, &doc, &e), 0);
	p = doc_xml_child(xmlDocGetRootElement(doc), NS_W, "p");
	ASSERT(p != NULL);
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		xmlChar *owned;
		const char *ref = doc_xml_attr_ref(p, q[i].ns, q[i].local, &owned);
		xmlChar *lib =
		    q[i].ns ? xmlGetNsProp(p, (const xmlChar *)q[i].local, (const xmlChar *)q[i].ns)
			    : xmlGetNoNsProp(p, (const xmlChar *)q[i].local);
		xmlChar *copy = doc_xml_attr(p, q[i].ns, q[i].local);

		ASSERT_EQ(ref == NULL, lib == NULL);
		ASSERT_EQ(copy == NULL, lib == NULL);
		if (lib != NULL) {
			ASSERT_STR_EQ(ref, (const char *)lib);
			ASSERT_STR_EQ((const char *)copy, (const char *)lib);
		}
		xmlFree(owned);
		xmlFree(copy);
		xmlFree(lib);
	}
	ASSERT_STR_EQ(doc_xml_attr_ref(p, NS_W, "amp", &(xmlChar *){NULL}), "a&b一<");
	ASSERT(doc_xml_attr_eq(p, NULL, "val", "plain"));
	ASSERT(!doc_xml_attr_eq(p, NS_W, "val", "plain"));
	ASSERT(doc_xml_attr_ref(NULL, NS_W, "val", &(xmlChar *){NULL}) == NULL);
	xmlFreeDoc(doc);
}

/* doc_xml_attr_long reads "[-]digits" without strtod; every value must give
 * what strtod gives (range ±1e9, decimals truncated, else false). */
TEST(xml_attr_long_same_as_strtod)
{
	static const char *const vals[] = {
	    "0",	  "640",	 "-640",       "000123",       "999999999", "1000000000",
	    "-999999999", "-1000000000", "0999999999", "12.7",	       "-12.7",	    "-0",
	    "+5",	  " 5",		 "5 ",	       "0x10",	       "",	    "-",
	    "1e3",	  "abc",	 "12a",	       "123456789012", "--5",	    "5-",
	    "١٢",	  "3.",		 ".5",	       "0000000000001"};

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		char xml[256];
		xmlDocPtr doc;
		struct err e = {0};
		long got = 12345, want = 12345;
		bool ok, want_ok = false;
		char *end;
		double d = strtod(vals[i], &end);

		if (end != vals[i] && d > -1e9 && d < 1e9) {
			want = (long)d;
			want_ok = true;
		}
		snprintf(xml, sizeof(xml), "<a v=\"%s\"/>", vals[i]);
		ASSERT_EQ(doc_xml_parse(xml, strlen(xml), "t.xml", &doc, &e), 0);
		ok = doc_xml_attr_long(xmlDocGetRootElement(doc), NULL, "v", &got);
		ASSERT_EQ(ok, want_ok);
		if (ok)
			ASSERT_EQ(got, want);
		xmlFreeDoc(doc);
	}
}

/* Archives open at the same time each inflate with their own decompressor
 * (one is kept between archives: see doc_zip_close): reads interleaved
 * across them, and in an archive opened after others were closed, give
 * each part's own bytes. */
TEST(zip_archives_open_together_read_their_own_parts)
{
	struct doc_zip *z[3] = {NULL, NULL, NULL};
	char *pkg[3];
	size_t plen[3];
	char text[3][4096];
	struct err e = {0};

	for (size_t k = 0; k < 3; k++) {
		struct doc_zip_writer *w = doc_zip_writer_new();
		size_t n = 0;

		/* compressible, and different in every archive */
		while (n + 40 < sizeof(text[k]))
			n += (size_t)snprintf(text[k] + n, sizeof(text[k]) - n, "<p>%zu-%zu</p>", k,
					      n % (97 + k));
		doc_zip_writer_add(w, "word/document.xml", text[k], n);
		ASSERT_EQ(doc_zip_writer_bytes(w, &pkg[k], &plen[k], &e), 0);
		ASSERT(plen[k] < n / 2); /* deflated: read through a decompressor */
		doc_zip_writer_free(w);
	}
	for (int round = 0; round < 2; round++) {
		for (size_t k = 0; k < 3; k++)
			ASSERT_EQ(doc_zip_open_mem(pkg[k], plen[k], MEM_LABEL, NULL, &z[k], &e), 0);
		for (size_t step = 0; step < 6; step++) {
			size_t k = (step * 2 + (size_t)round) % 3;
			char *data;
			size_t len;

			ASSERT_EQ(doc_zip_read(z[k], "word/document.xml", &data, &len, &e), 0);
			ASSERT_STR_EQ(data, text[k]);
			free(data);
			if (step == 2) { /* one closed, opened again while the others read */
				doc_zip_close(z[k]);
				ASSERT_EQ(
				    doc_zip_open_mem(pkg[k], plen[k], MEM_LABEL, NULL, &z[k], &e),
				    0);
			}
		}
		ASSERT(doc_zip_direct_reads(z[0]) + doc_zip_direct_reads(z[1]) +
			   doc_zip_direct_reads(z[2]) >
		       0);
		for (size_t k = 0; k < 3; k++)
			doc_zip_close(z[k]);
	}
	for (size_t k = 0; k < 3; k++)
		free(pkg[k]);
}
