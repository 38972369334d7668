/*
 * libFuzzer target: the safe ZIP reader (doc/zip) on arbitrary bytes, then
 * every part it hands out through the XML parser, as the .docx loader does.
 *
 * Beyond "no crash, no leak", it aborts when a documented promise of zip.h
 * is broken: a refusal must carry a negative code and name the label; an
 * accepted package has no absolute, "..", backslash or case-duplicate names;
 * a part is never longer than the per-part limit, the parts together never
 * exceed the total, and every buffer is NUL-terminated. And the plain
 * reader (a package opened without libzip) must agree with the libzip path
 * in every detail: the same refusal, or the same entries and the same bytes
 * or refusal for every part; and doc_zip_read_side() (the helper thread's
 * read) gives a part's very bytes or nothing.
 */
#include "doc/xml.h"
#include "doc/zip.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LABEL "fuzz.docx"

static void fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_zip: %s: %s\n", what, detail != NULL ? detail : "(null)");
	abort();
}

/* A refusal is a negative code with a message naming the label. */
static void check_refusal(int rc, const struct err *e, const char *label)
{
	if (rc >= 0 || e->code != rc)
		fuzz_fail("refusal without a matching negative code", e->msg);
	if (strstr(e->msg, label) == NULL)
		fuzz_fail("error message does not name the file", e->msg);
}

static void check_name(const struct doc_zip *z, size_t i)
{
	const char *name = doc_zip_name(z, i);

	if (name == NULL)
		fuzz_fail("missing name", "");
	if (name[0] == '/' || strchr(name, '\\') != NULL)
		fuzz_fail("absolute or backslash name accepted", name);
	if (strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
	    strstr(name, "/../") != NULL ||
	    (strlen(name) >= 3 && strcmp(name + strlen(name) - 3, "/..") == 0))
		fuzz_fail("\"..\" name accepted", name);
	/* Names are unique case-insensitively, so lookup finds this very entry. */
	if (doc_zip_find(z, name) != (long)i)
		fuzz_fail("duplicate (case-insensitive) name accepted", name);
}

static bool is_xml_part(const char *name)
{
	size_t n = strlen(name);

	return (n >= 4 && strcasecmp(name + n - 4, ".xml") == 0) ||
	       (n >= 5 && strcasecmp(name + n - 5, ".rels") == 0);
}

static void parse_part(const char *name, const char *data, size_t len)
{
	xmlDocPtr doc = NULL;
	struct err e = {0};
	int rc = doc_xml_parse(data, len, name, &doc, &e);

	if (rc == 0)
		xmlFreeDoc(doc);
	else
		check_refusal(rc, &e, name);
}

/* The same bytes opened with and without the plain reader. */
static void same_as_libzip(const uint8_t *data, size_t size, const struct doc_zip_limits *l)
{
	struct doc_zip *a = NULL, *b = NULL;
	struct err ea = {0}, eb = {0};
	int ra, rb;

	doc_zip_set_plain_reader(true);
	ra = doc_zip_open_mem(data, size, LABEL, l, &a, &ea);
	doc_zip_set_plain_reader(false);
	rb = doc_zip_open_mem(data, size, LABEL, l, &b, &eb);
	doc_zip_set_plain_reader(true);
	if (ra != rb || strcmp(ea.msg, eb.msg) != 0)
		fuzz_fail("plain reader and libzip disagree on opening", ea.msg);
	if (ra != 0)
		return;
	if (doc_zip_count(a) != doc_zip_count(b))
		fuzz_fail("plain reader and libzip disagree on the count", "");
	for (size_t i = 0; i < doc_zip_count(a); i++) {
		char *da = NULL, *db = NULL, *ds = NULL;
		size_t la = 0, lb = 0, ls = 0;

		if (strcmp(doc_zip_name(a, i), doc_zip_name(b, i)) != 0)
			fuzz_fail("plain reader and libzip disagree on a name", doc_zip_name(a, i));
		err_clear(&ea);
		err_clear(&eb);
		ra = doc_zip_read_index(a, i, &da, &la, &ea);
		rb = doc_zip_read_index(b, i, &db, &lb, &eb);
		if (ra != rb || strcmp(ea.msg, eb.msg) != 0 || la != lb ||
		    (ra == 0 && memcmp(da, db, la) != 0))
			fuzz_fail("plain reader and libzip disagree on a part", doc_zip_name(a, i));
		/* the helper thread's read: the same bytes, or nothing */
		if (doc_zip_read_side(a, i, &ds, &ls)) {
			if (ra != 0 || ls != la || memcmp(ds, da, la + 1) != 0)
				fuzz_fail("doc_zip_read_side differs from doc_zip_read_index",
					  doc_zip_name(a, i));
			free(ds);
		}
		free(da);
		free(db);
	}
	if (doc_zip_direct_reads(a) != doc_zip_direct_reads(b))
		fuzz_fail("plain reader and libzip disagree on direct reads", "");
	doc_zip_close(a);
	doc_zip_close(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Small limits keep each run fast while exercising every limit check. */
	const struct doc_zip_limits l = {
	    .max_file = 1u << 20,
	    .max_entries = 64,
	    .max_part = 256u << 10,
	    .max_total = 1u << 20,
	    .max_ratio = 100,
	};
	struct doc_zip *z = NULL;
	struct err e = {0};
	size_t total = 0;
	int rc;

	doc_xml_init();
	same_as_libzip(data, size, &l);
	rc = doc_zip_open_mem(data, size, LABEL, &l, &z, &e);
	if (rc != 0) {
		check_refusal(rc, &e, LABEL);
		if (z != NULL)
			fuzz_fail("reader returned with an error", e.msg);
		return 0;
	}
	if (doc_zip_count(z) > l.max_entries)
		fuzz_fail("entry limit not enforced", "");
	for (size_t i = 0; i < doc_zip_count(z); i++) {
		const char *name = doc_zip_name(z, i);
		char *part = NULL;
		size_t len = 0;

		check_name(z, i);
		err_clear(&e);
		rc = doc_zip_read_index(z, i, &part, &len, &e);
		if (rc != 0) {
			check_refusal(rc, &e, LABEL);
			continue;
		}
		if (len > l.max_part || part[len] != '\0')
			fuzz_fail("part longer than the limit or not NUL-terminated", name);
		total += len;
		if (total > l.max_total)
			fuzz_fail("total limit not enforced", name);
		if (is_xml_part(name))
			parse_part(name, part, len);
		free(part);
	}
	doc_zip_close(z);
	return 0;
}
