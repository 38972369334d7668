/*
 * kb: knowledge bases — ingest (.md/.txt/.docx/.html/.pdf), law-aware chunking
 * (编/章/节/条: an article is a chunk), metadata, de-duplication, re-ingest,
 * and retrieval with ranking (kb_search) for the CLI and the portal.
 *
 * Ownership: every struct filled by a kb_* function is freed by its
 * matching *_free(). Text is UTF-8; ingest refuses invalid UTF-8 and files
 * over KB_FILE_MAX with a Chinese message naming the file.
 */
#ifndef SHUZHI_KB_H
#define SHUZHI_KB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "store/store.h"

#define KB_FILE_MAX  (16u << 20) /* bytes of one input file */
#define KB_HTML_MAX  (8u << 20)	 /* bytes of one HTML file */
#define KB_QUERY_MAX 1024	 /* bytes of a query */
#define KB_LIMIT_MAX 100	 /* results per query */
#define KB_PIECE_MAX 600	 /* code points of a chunk cut from article-less text */
#define KB_NAME_MAX  96		 /* bytes of a knowledge-base name */
/* The file types ingest reads, for messages. */
#define KB_TYPES ".md .txt .docx .html .pdf"

/* ---- parsing (pure functions, no database) ---- */

struct kb_chunk {
	char *article; /* "第六十四条" or NULL */
	int art_no;    /* 64, 0 when no article */
	int art_sub;   /* 1 for 之一 */
	char *heading; /* "第一编 总则 第二章 …" or "" */
	char *body;    /* the text (article label included) */
};

struct kb_parsed {
	char *title;	  /* document title */
	char *doc_number; /* 文号, "" when none found */
	char *issuer;	  /* "" when not found */
	char *date;	  /* YYYY-MM-DD of this version, "" when unknown */
	char *validity;	  /* 已废止 / 已修改 when the text says so, else "" */
	struct kb_chunk *chunks;
	size_t nchunks;
	size_t cap;
};

/* Parse Markdown or plain text (UTF-8, len bytes). name is the file name
 * (used for the title and version date when the text has none). */
int kb_parse_text(const char *text, size_t len, const char *name, struct kb_parsed *out,
		  struct err *e);
/* HTML -> text with '#' headings (libxml2's HTML parser, no network, no
 * entities from outside); the <title> becomes the first line. */
int kb_html_to_text(const char *html, size_t len, char **text, size_t *tlen, struct err *e);
/* .docx -> text, one paragraph a line (doc/docx reader). */
int kb_docx_to_text(const char *path, char **text, size_t *tlen, struct err *e);
/* .pdf -> text through pdftotext (poppler-utils) in a child process with
 * CPU, memory, output and wall-clock limits (kb/pdf.c); page breaks and
 * page-number lines dropped. A PDF without text (a scan) is an error. */
int kb_pdf_to_text(const char *path, char **text, size_t *tlen, struct err *e);
/* The cleaning step of kb_pdf_to_text on pdftotext's output (fuzzed). */
int kb_pdf_clean(const char *in, size_t n, char **text, size_t *tlen, struct err *e);
/* Whether a line is only a page number ("— 3 —", "第3页 共9页", "3/9"). */
bool kb_pdf_page_number_line(const char *p, size_t n);
void kb_parsed_free(struct kb_parsed *p);

/* ---- knowledge bases ---- */

struct kb_ingest_stats {
	size_t files;	   /* files looked at */
	size_t added;	   /* new documents */
	size_t updated;	   /* changed documents re-read */
	size_t unchanged;  /* skipped: same size and time, or same content */
	size_t removed;	   /* documents whose file vanished */
	size_t duplicates; /* same content as another document of the kb */
	size_t failed;	   /* unreadable files (reported on stderr, skipped) */
	size_t chunks;	   /* chunks written */
};

struct kb_ingest_opts {
	bool progress;		/* progress lines on stderr */
	const char *visibility; /* for a new kb: public | internal | department */
	int64_t now;		/* Unix ms */
	/* Optional, called after each file (on the thread running the
	 * ingest) with the counts so far and the files found so far (the
	 * roots walked up to now); a nonzero return stops the ingest, which
	 * then fails with BASE_E_BUSY "已取消" and rolls back. */
	int (*step)(void *arg, const struct kb_ingest_stats *s, size_t total);
	void *step_arg;
	/* Commit after each file (and begin again) instead of holding the
	 * write lock for the whole ingest, so that other writers (a live
	 * server's logins and audit) get in between files. A failure or a
	 * stop then rolls back only the file being read: every document is
	 * whole, the files before it stay updated and a later reindex reads
	 * the rest. */
	bool commit_each_file;
	/* The text of one file already extracted (kb_check_file_text: an
	 * upload checked before it joins the kb): when the file at pre_path
	 * (compared as the walk names it, "<folder>/<name>") is read, pre_text
	 * is used instead of converting it again (a PDF's pdftotext, a .docx);
	 * the raw bytes are still read for the content hash. NULL: none. */
	const char *pre_path;
	const char *pre_text;
	size_t pre_tlen;
};

/* Create kb `name` when missing, then ingest every path (files or folders,
 * recursively; .md .markdown .txt .docx .html .htm .pdf). Files under a folder
 * are named relative to that folder; a file given directly relative to its
 * own folder. Re-adding a path updates changed files and removes vanished
 * ones. One transaction per call. */
int kb_add(struct store *st, const char *name, const char *const *paths, size_t npaths,
	   const struct kb_ingest_opts *o, struct kb_ingest_stats *stats, struct err *e);
/* Read and parse one file exactly as ingest would (name gives the type:
 * .md .markdown .txt .docx .html .htm .pdf), storing nothing: the check before an
 * uploaded file joins a kb. The error names `name`, not path. */
int kb_check_file(const char *path, const char *name, struct err *e);
/* kb_check_file that also gives the text it extracted (malloc'd, *tlen
 * bytes; NULL on failure), for kb_ingest_opts.pre_text. */
int kb_check_file_text(const char *path, const char *name, char **text, size_t *tlen,
		       struct err *e);
/* Whether ingest reads a file of this name (extension, no leading . or _). */
bool kb_supported_name(const char *name);
/* Re-ingest every root of kb `name`. */
int kb_reindex(struct store *st, const char *name, const struct kb_ingest_opts *o,
	       struct kb_ingest_stats *stats, struct err *e);
int kb_remove(struct store *st, const char *name, struct err *e);

/* ---- search ---- */

/* A highlighted span: byte offsets into kb_passage.snippet. */
struct kb_span {
	size_t start;
	size_t len;
};

struct kb_passage {
	int64_t chunk_id;
	char *file;	       /* path relative to the ingested root */
	char *article;	       /* "第六十四条" or NULL */
	char *title;	       /* document title */
	char *heading;	       /* 编/章/节 path */
	char *validity;	       /* 现行 / 已修改 / 已废止 / "" */
	char *category;	       /* first folder under the root */
	char *snippet;	       /* plain text around the best match */
	char *text;	       /* the whole chunk text */
	struct kb_span *spans; /* query-term matches inside snippet */
	size_t nspans;
	double score;
	bool exact; /* found by a citation or 文号 lookup */
};

struct kb_results {
	struct kb_passage *p;
	size_t n;
	bool answerable; /* false: nothing in the kbs answers the query well */
};

/* Search kbs[0..nkbs) (names; nkbs 0: every kb) for query; at most limit
 * (1..KB_LIMIT_MAX) passages, best first. */
int kb_search(struct store *st, const char *query, const char *const *kbs, size_t nkbs,
	      size_t limit, struct kb_results *out, struct err *e);
void kb_results_free(struct kb_results *r);

/* ---- vectors and hybrid search (vec.c) ---- */

/* A query vector (unit length) and the model that made it; index (may be
 * NULL) is an in-memory copy of the vectors to rank with instead of the
 * store's blobs (kb_vindex_sync'd by the search). */
struct kb_vindex;
struct kb_qvec {
	const float *v;
	int dim;
	const char *model;
	struct kb_vindex *index;
};

/* kb_search plus the chunk vectors of qv->model: the BM25 ranking and the
 * cosine ranking (brute force over every stored vector of the allowed kbs,
 * older versions demoted as in BM25) are fused by reciprocal rank fusion
 * (k = KB_RRF_K); exact citation and 文号 hits stay on top. *hybrid
 * tells whether any vector took part (none stored for that model: the
 * result is exactly kb_search's). */
#define KB_RRF_K   60.0
#define KB_VEC_TOP 100 /* passages taken from the cosine ranking */
int kb_search_hybrid(struct store *st, const char *query, const char *const *kbs, size_t nkbs,
		     size_t limit, const struct kb_qvec *qv, struct kb_results *out, bool *hybrid,
		     struct err *e);

/* Dot product of two vectors (the cosine when both have unit length). */
float kb_vec_dot(const float *a, const float *b, int dim);
/* The same with b as dim float32 values at any address (a stored blob). */
float kb_vec_dot_bytes(const float *a, const void *b, int dim);

/* ---- the in-memory vector copy (vindex.c) ---- */

/* Memory one copy may take by default (rows: dim rounded up to 16 bytes +
 * 29 bytes; 65,690 × 256 dimensions ≈ 18.7 MB). Over it, the search scans
 * the store's blobs instead. */
#define KB_VINDEX_MAX_BYTES ((size_t)256 << 20)

/* A chunk of the cosine ranking. */
struct kb_vhit {
	int64_t chunk_id;
	int64_t doc_id;
	bool article;
	float score;
};

struct kb_vindex_stat {
	size_t rows;
	size_t bytes;
	size_t max_bytes;
	size_t loads; /* times the vectors were (re)read from the store */
	bool over;    /* more than max_bytes: not held */
	int64_t gen;
};

/* An empty copy holding at most max_bytes (0: KB_VINDEX_MAX_BYTES). */
struct kb_vindex *kb_vindex_new(size_t max_bytes);
void kb_vindex_free(struct kb_vindex *ix);
/* Change the limit (0: KB_VINDEX_MAX_BYTES); a new one drops the copy, read
 * again by the next sync. */
void kb_vindex_set_max(struct kb_vindex *ix, size_t max_bytes);
/* Hold the vectors of model with dim dimensions as stored now: read again
 * when (model, dim) changed or the store's vector generation moved (one
 * indexed read when nothing changed). */
int kb_vindex_sync(struct kb_vindex *ix, struct store *st, const char *model, int dim,
		   struct err *e);
/* Whether the synced copy holds the vectors (false: over max_bytes). */
bool kb_vindex_usable(const struct kb_vindex *ix);
void kb_vindex_stat(const struct kb_vindex *ix, struct kb_vindex_stat *s);
/* The k best chunks of the kbs kbs[0..nkbs) (0: every kb) for the unit
 * query vector qv (the copy's dim), best first, older versions demoted as
 * in BM25; *seen counts the vectors of those kbs. Returns how many. */
size_t kb_vindex_top(const struct kb_vindex *ix, const float *qv, const int64_t *kbs, size_t nkbs,
		     struct kb_vhit *top, size_t k, size_t *seen);
/* 8-bit quantization of v[0..dim) into out[0..stride) (zeros after dim):
 * out[i] = round(v[i] / s), s = max|v| / 127 returned (0 for a zero
 * vector). */
float kb_vec_quantize(const float *v, int dim, int8_t *out, int stride);
/* Integer dot product of a[0..n), b[0..n); n a multiple of 16. */
int32_t kb_vec_dot_i8(const int8_t *a, const int8_t *b, int n);
/* dim rounded up to a multiple of 16 (the stride of quantized rows). */
int kb_vindex_stride(int dim);

/* Reciprocal rank fusion of nlists ranked id lists: score(id) = sum over
 * the lists holding it of w[i] / (k + rank), rank from 1. Ids come out
 * best first (ties: the earlier list's order); *out is malloc'd. */
struct kb_fused {
	int64_t id;
	double score;
};
void kb_rrf(const int64_t *const *lists, const size_t *lens, const double *w, size_t nlists,
	    double k, struct kb_fused **out, size_t *nout);

/* Text of a chunk as sent to the embedding model (malloc'd). */
char *kb_embed_text(const char *title, const char *heading, const char *body);

struct model_embedder;
/* Compute the missing vectors of kb `name` (NULL: every kb) with m: chunks
 * without a vector, or with one from another model. Requests of m->batch
 * texts; every 512 chunks are stored in one transaction (a failure keeps
 * the rounds done before);
 * progress lines on stderr when progress. *done counts vectors written. */
int kb_embed_missing(struct store *st, const char *name, const struct model_embedder *m,
		     bool progress, size_t *done, struct err *e);
/* Progress of kb_embed_missing_step: done of total vectors written; a
 * non-zero return stops it (BASE_E_BUSY, the rounds written so far kept). */
typedef int (*kb_embed_step_fn)(void *arg, size_t done, size_t total);
/* kb_embed_missing with step (may be NULL) called before the first
 * request, every 100 ms while one runs (a non-zero return cancels it) and
 * after each stored round (the server's jobs: progress and cancel). */
int kb_embed_missing_step(struct store *st, const char *name, const struct model_embedder *m,
			  kb_embed_step_fn step, void *arg, size_t *done, struct err *e);

/* Extractive answer from the best passages (no model): up to max_chars
 * code points of the sentences that match the query best, each followed by
 * a [n] citation to passage n (1-based). Returns a new string. */
char *kb_extractive_answer(const char *query, const struct kb_results *r, size_t max_chars);

/* ---- citations in a streamed model answer (cite.c) ---- */

/* Markers "[n]" and "【n】" (1–3 digits) come out as "[n]" when 1 <= n <=
 * max and are removed otherwise; other bytes pass through unchanged, in
 * any chunking (a marker split across feeds is held back until decided). */
struct kb_cite {
	size_t max;
	char hold[12]; /* bytes of a marker not yet decided */
	size_t nhold;
	size_t kept;
	size_t dropped;
};
void kb_cite_init(struct kb_cite *c, size_t max);
void kb_cite_feed(struct kb_cite *c, const char *p, size_t n, struct buf *out);
/* End of the answer: held bytes are text. */
void kb_cite_finish(struct kb_cite *c, struct buf *out);

#endif
