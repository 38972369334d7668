/*
 * store/kb: knowledge-base tables and the full-text index (SQLite backend;
 * other backends return BASE_E_INTERNAL "not supported"). The kb/ module is
 * the only caller; it decides what a document and a chunk are, this file
 * only stores and finds them.
 *
 * Invariants:
 *  - kb_fts is an external-content FTS5 table over kb_chunk with the `cjk`
 *    tokenizer (text/tokenize.h); a chunk is added to and removed from both
 *    through the functions below only, so they never disagree.
 *  - Strings in records passed to callbacks borrow SQLite memory for the
 *    duration of the call. Records passed in are copied by SQLite.
 *  - Writers run inside store_tx_begin()/store_tx_commit() of the caller.
 */
#ifndef SHUZHI_STORE_KB_STORE_H
#define SHUZHI_STORE_KB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "store/store.h"

struct kb_store_kb {
	int64_t id;
	const char *name;
	const char *visibility; /* public | internal | department */
	int64_t department_id;	/* 0: none */
	int64_t created_at;
	int64_t docs;	/* filled by kb_store_kb_iter */
	int64_t chunks; /* filled by kb_store_kb_iter */
};

struct kb_store_doc {
	int64_t id;
	int64_t kb_id;
	const char *root;    /* the ingested root (absolute) */
	const char *relpath; /* path under root, '/'-separated */
	const char *title;
	const char *base_title; /* title without version marks: groups versions */
	const char *doc_number; /* 文号, "" if none */
	const char *issuer;
	const char *date;     /* YYYY-MM-DD of this version, "" if unknown */
	const char *validity; /* 现行 | 已修改 | 已废止 | "" */
	bool validity_stated; /* the text itself says so */
	const char *category; /* first folder under root */
	const char *content_hash;
	int64_t size;
	int64_t mtime;
	int64_t dup_of; /* 0: original content */
};

struct kb_store_chunk {
	int64_t id;
	int64_t doc_id;
	int seq;
	const char *article; /* "第六十四条" or NULL */
	int art_no;	     /* 64, 0 when no article */
	int art_sub;	     /* 1 for 之一 */
	const char *title;   /* document title (indexed, weighted) */
	const char *heading; /* 编/章/节 path */
	const char *body;
};

typedef int (*kb_store_kb_cb)(const struct kb_store_kb *kb, void *arg);
typedef int (*kb_store_doc_cb)(const struct kb_store_doc *d, void *arg);
typedef int (*kb_store_chunk_cb)(const struct kb_store_chunk *c, const struct kb_store_doc *d,
				 void *arg);

/* Knowledge bases. find: BASE_E_NOTFOUND when there is none. delete
 * removes its documents, chunks and index entries. */
int kb_store_kb_create(struct store *st, const struct kb_store_kb *kb, int64_t *id, struct err *e);
int kb_store_kb_find(struct store *st, const char *name, int64_t *id, struct err *e);
int kb_store_kb_delete(struct store *st, int64_t id, struct err *e);
int kb_store_kb_iter(struct store *st, kb_store_kb_cb cb, void *arg, struct err *e);

/* Roots ingested into a kb (for reindex). add is idempotent. */
int kb_store_root_add(struct store *st, int64_t kb_id, const char *path, struct err *e);
int kb_store_root_iter(struct store *st, int64_t kb_id, int (*cb)(const char *path, void *arg),
		       void *arg, struct err *e);

/* Documents of one kb under one root (root NULL: all). */
int kb_store_doc_iter(struct store *st, int64_t kb_id, const char *root, kb_store_doc_cb cb,
		      void *arg, struct err *e);
/* The original (dup_of 0) document with this content hash, *id 0 if none. */
int kb_store_doc_by_hash(struct store *st, int64_t kb_id, const char *hash, int64_t *id,
			 struct err *e);
int kb_store_doc_insert(struct store *st, const struct kb_store_doc *d, int64_t *id, struct err *e);
/* Remove a document, its chunks and their index entries; documents that
 * were duplicates of it are marked changed (re-read by the next ingest). */
int kb_store_doc_delete(struct store *st, int64_t id, struct err *e);
/* One document by id (BASE_E_NOTFOUND when there is none); its chunk count. */
int kb_store_doc_get(struct store *st, int64_t id, kb_store_doc_cb cb, void *arg, struct err *e);
int kb_store_doc_chunks(struct store *st, int64_t doc_id, int64_t *n, struct err *e);
int kb_store_doc_touch(struct store *st, int64_t id, int64_t size, int64_t mtime, struct err *e);
/* Versions: among the documents of kb sharing a base_title, the one with the
 * newest date is 现行 and the others 已修改, unless the text stated it. */
int kb_store_validity_refresh(struct store *st, int64_t kb_id, struct err *e);

/* Chunk writer with prepared statements kept across calls (ingest). */
struct kb_store_writer;
int kb_store_writer_open(struct store *st, struct kb_store_writer **w, struct err *e);
int kb_store_chunk_add(struct kb_store_writer *w, const struct kb_store_chunk *c, struct err *e);
void kb_store_writer_close(struct kb_store_writer *w);

/* A search candidate (kb_store_reader_load). */
struct kb_store_hit {
	int64_t chunk_id;
	int64_t doc_id;
	double score;
	int stale;    /* 0 现行/unknown, 1 已修改, 2 已废止 */
	bool article; /* the chunk is an article (第X条) */
	char *title;  /* indexed title (owned; kb_store_hits_free) */
	char *text;   /* heading + "\n" + body (owned) */
};
void kb_store_hits_free(struct kb_store_hit *h, size_t n);
void kb_store_hits_free(struct kb_store_hit *h, size_t n);
int kb_store_fts(struct store *st, const char *match, const double weights[3], const int64_t *kbs,
		 size_t nkb, size_t limit, struct kb_store_hit **hits, size_t *nhits,
		 struct err *e);
/*
 * Reader with prepared statements kept across calls (one search):
 *  - df: chunks containing a token (kb_term, refreshed after each ingest);
 *  - postings: ids of the chunks matching an FTS5 expression, in id order
 *    (no ranking, so no per-row cost beyond the posting list);
 *  - load: a candidate's document, validity and text (kb_id filled in).
 */
struct kb_store_reader;
int kb_store_reader_open(struct store *st, struct kb_store_reader **r, struct err *e);
void kb_store_reader_close(struct kb_store_reader *r);
int kb_store_reader_df(struct kb_store_reader *r, const char *token, int64_t *df, struct err *e);
int kb_store_reader_postings(struct kb_store_reader *r, const char *match, int64_t **ids, size_t *n,
			     struct err *e);
int kb_store_reader_load(struct kb_store_reader *r, int64_t chunk_id, struct kb_store_hit *h,
			 int64_t *kb_id, struct err *e);
/* Copy the token document frequencies from the index (after an ingest). */
int kb_store_terms_refresh(struct store *st, struct err *e);

/* Upper bound of the number of chunks (the highest chunk id). */
int kb_store_chunk_count(struct store *st, int64_t *n, struct err *e);

/* Read chunks with their documents. */
int kb_store_chunk_get(struct store *st, int64_t chunk_id, kb_store_chunk_cb cb, void *arg,
		       struct err *e);
/* Citation lookup: chunks whose document title or base title contains
 * title_part and whose article is art_no/art_sub, newest version first. */
int kb_store_cite(struct store *st, const int64_t *kbs, size_t nkb, const char *title_part,
		  int art_no, int art_sub, kb_store_chunk_cb cb, void *arg, struct err *e);
/* 文号 lookup: first chunk of each document with this doc_number. */
int kb_store_docnum(struct store *st, const int64_t *kbs, size_t nkb, const char *doc_number,
		    kb_store_chunk_cb cb, void *arg, struct err *e);

#endif
