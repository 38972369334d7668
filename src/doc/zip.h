/*
 * doc/zip: a safe reader and a simple writer for ZIP packages (OPC).
 *
 * The reader refuses, with a clear reason, everything a hostile package can
 * use: files over the size limit, too many entries, encrypted entries,
 * compression other than store/deflate, names that are absolute, contain
 * "..", backslashes or control characters, duplicate part names (OPC names
 * are case-insensitive), declared sizes over the per-part or total limits,
 * and compression ratios typical of zip bombs. Reading a part never returns
 * more bytes than its checked declared size.
 *
 * Ownership: doc_zip_open() returns a reader the caller frees with
 * doc_zip_close(); doc_zip_read() returns a malloc'd, NUL-terminated buffer.
 */
#ifndef SHUZHI_DOC_ZIP_H
#define SHUZHI_DOC_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

struct doc_zip_limits {
	size_t max_file;    /* bytes of the .zip itself */
	size_t max_entries; /* number of entries */
	size_t max_part;    /* uncompressed bytes of one part */
	size_t max_total;   /* uncompressed bytes of all parts */
	unsigned max_ratio; /* uncompressed/compressed, for parts over 1 MB */
};

/* Defaults for .docx/.pptx: 50 MB file, 4096 entries, 32 MB part, 96 MB total, 100:1. */
void doc_zip_default_limits(struct doc_zip_limits *l);

struct doc_zip;

/* Open from a file (size checked before reading) or from memory (copied). */
int doc_zip_open_file(const char *path, const struct doc_zip_limits *l, struct doc_zip **out,
		      struct err *e);
int doc_zip_open_mem(const void *data, size_t len, const char *label,
		     const struct doc_zip_limits *l, struct doc_zip **out, struct err *e);
/* doc_zip_open_mem() for a malloc'd buffer the reader takes over (no copy):
 * data belongs to the reader from the call on, freed by doc_zip_close() or,
 * on an error, before returning. */
int doc_zip_open_owned(char *data, size_t len, const char *label, const struct doc_zip_limits *l,
		       struct doc_zip **out, struct err *e);
void doc_zip_close(struct doc_zip *z);

size_t doc_zip_count(const struct doc_zip *z);
/* Parts read so far straight from the archive bytes, without libzip (the
 * common case; for tests). */
size_t doc_zip_direct_reads(const struct doc_zip *z);
/* Whether the archive was opened without libzip: a plain package read
 * straight from its bytes (for tests). */
bool doc_zip_opened_plain(const struct doc_zip *z);
/* Tests and fuzzers only (not thread-safe): false sends every open through
 * libzip, the reference the plain reader must agree with; default true. */
void doc_zip_set_plain_reader(bool on);
const char *doc_zip_name(const struct doc_zip *z, size_t i);
/* Index of a part by name (case-insensitive, leading "/" ignored), or -1. */
long doc_zip_find(const struct doc_zip *z, const char *name);
/* Read a part. Returns BASE_E_FORMAT if absent. */
int doc_zip_read(struct doc_zip *z, const char *name, char **data, size_t *len, struct err *e);
int doc_zip_read_index(struct doc_zip *z, size_t i, char **data, size_t *len, struct err *e);
/* Part i exactly as doc_zip_read_index() returns it, but only when that
 * read would succeed straight from the archive bytes (a plain package, the
 * exact declared size and CRC-32); false otherwise, with nothing to report
 * (doc_zip_read_index() then reads the part and says what is wrong). Reads
 * z without changing it: callable from another thread while z's owner reads
 * other parts. */
bool doc_zip_read_side(const struct doc_zip *z, size_t i, char **data, size_t *len);

/* Writer: collects parts in memory and writes a deflated ZIP atomically. */
struct doc_zip_writer;
struct doc_zip_writer *doc_zip_writer_new(void);
/* Add or replace a part; data is copied. */
void doc_zip_writer_add(struct doc_zip_writer *w, const char *name, const void *data, size_t len);
int doc_zip_writer_save(struct doc_zip_writer *w, const char *path, struct err *e);
/* The same package as malloc'd bytes (for nested packages and HTTP). */
int doc_zip_writer_bytes(struct doc_zip_writer *w, char **data, size_t *len, struct err *e);
void doc_zip_writer_free(struct doc_zip_writer *w);

#endif
