/*
 * store/sq_kb: knowledge-base SQL for the SQLite backend and the FTS5
 * adapter of the `cjk` tokenizer (text/tokenize.h). See kb_store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/kb_store.h"
#include "store/store_internal.h"
#include "text/tokenize.h"

#define KB_IN_MAX 64 /* kbs in one IN (...) list */

/* ---- the FTS5 tokenizer ---- */

struct cjk_call {
	void *ctx;
	int (*token)(void *ctx, int flags, const char *tok, int n, int start, int end);
};

static int cjk_token(void *arg, const char *tok, size_t len, size_t start, size_t end,
		     bool colocated)
{
	struct cjk_call *c = arg;

	return c->token(c->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, tok, (int)len, (int)start,
			(int)end);
}

static int cjk_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)argv;
	(void)argc;
	*out = (Fts5Tokenizer *)ctx;
	return SQLITE_OK;
}

static void cjk_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int cjk_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
			int (*token)(void *, int, const char *, int, int, int))
{
	struct cjk_call c = {ctx, token};
	int mode = (flags & FTS5_TOKENIZE_QUERY) ? TEXT_TOK_QUERY : TEXT_TOK_DOCUMENT;

	(void)t;
	if (n <= 0 || text == NULL)
		return SQLITE_OK;
	return text_tokenize(text, (size_t)n, mode, cjk_token, &c);
}

static char sq_kb_tok_ctx; /* non-NULL handle; the tokenizer has no state */

int sq_kb_register(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *stmt;
	fts5_tokenizer tok = {cjk_create, cjk_delete, cjk_tokenize};
	int rc;

	rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (api == NULL || api->iVersion < 2)
		return -1;
	rc = api->xCreateTokenizer(api, "cjk", &sq_kb_tok_ctx, &tok, NULL);
	return rc == SQLITE_OK ? 0 : -1;
}

/* ---- helpers ---- */

static sqlite3 *kdb(struct store *st, struct err *e)
{
	sqlite3 *db = store_sqlite_db(st);

	if (db == NULL)
		err_set(e, BASE_E_INTERNAL, "当前存储后端不支持知识库");
	return db;
}

static int kprep(struct store *st, sqlite3 *db, const char *sql, sqlite3_stmt **stmt, struct err *e)
{
	if (sqlite3_prepare_v2(db, sql, -1, stmt, NULL) != SQLITE_OK) {
		*stmt = NULL;
		return store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	}
	return 0;
}

/* Step a statement to completion and finalize it. */
static int kdone(struct store *st, sqlite3 *db, sqlite3_stmt *stmt, const char *conflict,
		 struct err *e)
{
	int rc = sqlite3_step(stmt);
	int ret = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = store_sqlite_fail(st, sqlite3_extended_errcode(db), conflict, e);
	sqlite3_finalize(stmt);
	return ret;
}

static int kexec(struct store *st, const char *sql, int64_t id, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc = kprep(st, db, sql, &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	return kdone(st, db, stmt, NULL, e);
}

static const char *ktext(sqlite3_stmt *stmt, int col)
{
	const unsigned char *v = sqlite3_column_text(stmt, col);

	return v ? (const char *)v : "";
}

static void kbind(sqlite3_stmt *stmt, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC);
}

/* Append " AND d.kb_id IN (?N, ...)" for kbs, parameters from first. */
static int kin(char *sql, size_t cap, size_t nkb, int first, struct err *e)
{
	size_t len = strlen(sql);

	if (nkb == 0)
		return 0;
	if (nkb > KB_IN_MAX)
		return err_set(e, BASE_E_LIMIT, "一次最多检索 %d 个知识库", KB_IN_MAX);
	len += (size_t)snprintf(sql + len, cap - len, " AND d.kb_id IN (");
	for (size_t i = 0; i < nkb && len < cap; i++)
		len +=
		    (size_t)snprintf(sql + len, cap - len, "%s?%d", i ? ", " : "", first + (int)i);
	if (len + 2 >= cap)
		return err_set(e, BASE_E_INTERNAL, "查询语句过长");
	snprintf(sql + len, cap - len, ")");
	return 0;
}

static void kbind_kbs(sqlite3_stmt *stmt, const int64_t *kbs, size_t nkb, int first)
{
	for (size_t i = 0; i < nkb; i++)
		sqlite3_bind_int64(stmt, first + (int)i, kbs[i]);
}

/* ---- knowledge bases ---- */

int kb_store_kb_create(struct store *st, const struct kb_store_kb *kb, int64_t *id, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc = kprep(st, db,
		   "INSERT INTO kb (name, department_id, visibility, created_at)"
		   " VALUES (?1, ?2, ?3, ?4)",
		   &stmt, e);
	if (rc != 0)
		return rc;
	kbind(stmt, 1, kb->name);
	if (kb->department_id > 0)
		sqlite3_bind_int64(stmt, 2, kb->department_id);
	else
		sqlite3_bind_null(stmt, 2);
	kbind(stmt, 3, kb->visibility ? kb->visibility : "internal");
	sqlite3_bind_int64(stmt, 4, kb->created_at);
	rc = kdone(st, db, stmt, "已有同名知识库", e);
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(db);
	return rc;
}

int kb_store_kb_find(struct store *st, const char *name, int64_t *id, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc = kprep(st, db, "SELECT id FROM kb WHERE name = ?1", &stmt, e);
	if (rc != 0)
		return rc;
	kbind(stmt, 1, name);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = err_set(e, BASE_E_NOTFOUND, "知识库“%s”不存在", name);
	} else {
		rc = store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	}
	sqlite3_finalize(stmt);
	return rc;
}

static int kb_fts_delete_where(struct store *st, const char *where, int64_t id, struct err *e)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO kb_fts (kb_fts, rowid, title, heading, body)"
		 " SELECT 'delete', c.id, c.title, c.heading, c.body FROM kb_chunk c %s",
		 where);
	return kexec(st, sql, id, e);
}

int kb_store_kb_delete(struct store *st, int64_t id, struct err *e)
{
	int rc = kb_fts_delete_where(
	    st, "WHERE c.doc_id IN (SELECT id FROM kb_doc WHERE kb_id = ?1)", id, e);

	if (rc == 0)
		rc = kexec(st, "DELETE FROM kb WHERE id = ?1", id, e);
	return rc;
}

int kb_store_kb_iter(struct store *st, kb_store_kb_cb cb, void *arg, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc = kprep(st, db,
		   "SELECT k.id, k.name, k.visibility, COALESCE(k.department_id, 0), k.created_at,"
		   " (SELECT COUNT(*) FROM kb_doc d WHERE d.kb_id = k.id),"
		   " (SELECT COUNT(*) FROM kb_chunk c JOIN kb_doc d ON d.id = c.doc_id"
		   "  WHERE d.kb_id = k.id)"
		   " FROM kb k ORDER BY k.name",
		   &stmt, e);
	if (rc != 0)
		return rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct kb_store_kb k = {
		    sqlite3_column_int64(stmt, 0),
		    ktext(stmt, 1),
		    ktext(stmt, 2),
		    sqlite3_column_int64(stmt, 3),
		    sqlite3_column_int64(stmt, 4),
		    sqlite3_column_int64(stmt, 5),
		    sqlite3_column_int64(stmt, 6),
		};
		int stop = cb(&k, arg);

		if (stop != 0) {
			sqlite3_finalize(stmt);
			return stop;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_finalize(stmt);
	return rc;
}

int kb_store_root_add(struct store *st, int64_t kb_id, const char *path, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc = kprep(st, db, "INSERT OR IGNORE INTO kb_root (kb_id, path) VALUES (?1, ?2)", &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, kb_id);
	kbind(stmt, 2, path);
	return kdone(st, db, stmt, NULL, e);
}

int kb_store_root_iter(struct store *st, int64_t kb_id, int (*cb)(const char *path, void *arg),
		       void *arg, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc = kprep(st, db, "SELECT path FROM kb_root WHERE kb_id = ?1 ORDER BY id", &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, kb_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int stop = cb(ktext(stmt, 0), arg);

		if (stop != 0) {
			sqlite3_finalize(stmt);
			return stop;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_finalize(stmt);
	return rc;
}

/* ---- documents ---- */

#define KB_DOC_COLS                                                                                \
	"d.id, d.kb_id, d.root, d.relpath, d.title, d.base_title, d.doc_number, d.issuer,"         \
	" d.doc_date, d.validity, d.validity_stated, d.category, d.content_hash, d.size,"          \
	" d.mtime, COALESCE(d.dup_of, 0)"
#define KB_DOC_NCOLS 16

static void kdoc_row(sqlite3_stmt *stmt, int c, struct kb_store_doc *d)
{
	d->id = sqlite3_column_int64(stmt, c);
	d->kb_id = sqlite3_column_int64(stmt, c + 1);
	d->root = ktext(stmt, c + 2);
	d->relpath = ktext(stmt, c + 3);
	d->title = ktext(stmt, c + 4);
	d->base_title = ktext(stmt, c + 5);
	d->doc_number = ktext(stmt, c + 6);
	d->issuer = ktext(stmt, c + 7);
	d->date = ktext(stmt, c + 8);
	d->validity = ktext(stmt, c + 9);
	d->validity_stated = sqlite3_column_int(stmt, c + 10) != 0;
	d->category = ktext(stmt, c + 11);
	d->content_hash = ktext(stmt, c + 12);
	d->size = sqlite3_column_int64(stmt, c + 13);
	d->mtime = sqlite3_column_int64(stmt, c + 14);
	d->dup_of = sqlite3_column_int64(stmt, c + 15);
}

int kb_store_doc_iter(struct store *st, int64_t kb_id, const char *root, kb_store_doc_cb cb,
		      void *arg, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc = kprep(st, db,
		   "SELECT " KB_DOC_COLS " FROM kb_doc d WHERE d.kb_id = ?1"
		   " AND (?2 IS NULL OR d.root = ?2) ORDER BY d.root, d.relpath",
		   &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, kb_id);
	kbind(stmt, 2, root);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct kb_store_doc d;
		int stop;

		kdoc_row(stmt, 0, &d);
		stop = cb(&d, arg);
		if (stop != 0) {
			sqlite3_finalize(stmt);
			return stop;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_finalize(stmt);
	return rc;
}

int kb_store_doc_by_hash(struct store *st, int64_t kb_id, const char *hash, int64_t *id,
			 struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc = kprep(st, db,
		   "SELECT id FROM kb_doc WHERE kb_id = ?1 AND content_hash = ?2"
		   " AND dup_of IS NULL ORDER BY id LIMIT 1",
		   &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, kb_id);
	kbind(stmt, 2, hash);
	*id = 0;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE)
		 ? 0
		 : store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_finalize(stmt);
	return rc;
}

int kb_store_doc_insert(struct store *st, const struct kb_store_doc *d, int64_t *id, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc =
	    kprep(st, db,
		  "INSERT INTO kb_doc (kb_id, root, relpath, title, base_title, doc_number, issuer,"
		  " doc_date, validity, validity_stated, category, content_hash, size, mtime,"
		  " dup_of) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
		  " ?15)",
		  &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, d->kb_id);
	kbind(stmt, 2, d->root);
	kbind(stmt, 3, d->relpath);
	kbind(stmt, 4, d->title ? d->title : "");
	kbind(stmt, 5, d->base_title ? d->base_title : "");
	kbind(stmt, 6, d->doc_number ? d->doc_number : "");
	kbind(stmt, 7, d->issuer ? d->issuer : "");
	kbind(stmt, 8, d->date ? d->date : "");
	kbind(stmt, 9, d->validity ? d->validity : "");
	sqlite3_bind_int(stmt, 10, d->validity_stated ? 1 : 0);
	kbind(stmt, 11, d->category ? d->category : "");
	kbind(stmt, 12, d->content_hash);
	sqlite3_bind_int64(stmt, 13, d->size);
	sqlite3_bind_int64(stmt, 14, d->mtime);
	if (d->dup_of > 0)
		sqlite3_bind_int64(stmt, 15, d->dup_of);
	else
		sqlite3_bind_null(stmt, 15);
	rc = kdone(st, db, stmt, "同一知识库中已有该文件", e);
	if (rc == 0)
		*id = sqlite3_last_insert_rowid(db);
	return rc;
}

int kb_store_doc_delete(struct store *st, int64_t id, struct err *e)
{
	int rc = kb_fts_delete_where(st, "WHERE c.doc_id = ?1", id, e);

	/* Its duplicates were never indexed: the next ingest re-reads them. */
	if (rc == 0)
		rc = kexec(st, "UPDATE kb_doc SET size = -1, content_hash = '' WHERE dup_of = ?1",
			   id, e);
	if (rc == 0)
		rc = kexec(st, "DELETE FROM kb_doc WHERE id = ?1", id, e);
	return rc;
}

int kb_store_doc_touch(struct store *st, int64_t id, int64_t size, int64_t mtime, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc = kprep(st, db, "UPDATE kb_doc SET size = ?2, mtime = ?3 WHERE id = ?1", &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, size);
	sqlite3_bind_int64(stmt, 3, mtime);
	return kdone(st, db, stmt, NULL, e);
}

int kb_store_validity_refresh(struct store *st, int64_t kb_id, struct err *e)
{
	int rc =
	    kexec(st,
		  "UPDATE kb_doc SET validity = CASE WHEN EXISTS (SELECT 1 FROM kb_doc n"
		  " WHERE n.kb_id = kb_doc.kb_id AND n.base_title = kb_doc.base_title"
		  " AND n.id != kb_doc.id AND n.dup_of IS NULL AND n.doc_date > kb_doc.doc_date)"
		  " THEN '已修改' ELSE '现行' END"
		  " WHERE kb_id = ?1 AND validity_stated = 0 AND base_title != ''",
		  kb_id, e);
	return rc;
}

/* ---- chunks ---- */

struct kb_store_writer {
	struct store *st;
	sqlite3 *db;
	sqlite3_stmt *chunk;
	sqlite3_stmt *fts;
};

int kb_store_writer_open(struct store *st, struct kb_store_writer **out, struct err *e)
{
	struct kb_store_writer *w;
	sqlite3 *db = kdb(st, e);
	int rc;

	*out = NULL;
	if (db == NULL)
		return e->code;
	w = xcalloc(1, sizeof(*w));
	w->st = st;
	w->db = db;
	rc = kprep(st, db,
		   "INSERT INTO kb_chunk (doc_id, seq, article, art_no, art_sub, title, heading,"
		   " body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		   &w->chunk, e);
	if (rc == 0)
		rc = kprep(
		    st, db,
		    "INSERT INTO kb_fts (rowid, title, heading, body) VALUES (?1, ?2, ?3, ?4)",
		    &w->fts, e);
	if (rc != 0) {
		kb_store_writer_close(w);
		return rc;
	}
	*out = w;
	return 0;
}

void kb_store_writer_close(struct kb_store_writer *w)
{
	if (w == NULL)
		return;
	sqlite3_finalize(w->chunk);
	sqlite3_finalize(w->fts);
	free(w);
}

static int kstep_reset(struct kb_store_writer *w, sqlite3_stmt *stmt, struct err *e)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlite_fail(w->st, sqlite3_extended_errcode(w->db), NULL, e);
	return 0;
}

int kb_store_chunk_add(struct kb_store_writer *w, const struct kb_store_chunk *c, struct err *e)
{
	int64_t id;
	int rc;

	sqlite3_bind_int64(w->chunk, 1, c->doc_id);
	sqlite3_bind_int(w->chunk, 2, c->seq);
	kbind(w->chunk, 3, c->article);
	sqlite3_bind_int(w->chunk, 4, c->art_no);
	sqlite3_bind_int(w->chunk, 5, c->art_sub);
	kbind(w->chunk, 6, c->title);
	kbind(w->chunk, 7, c->heading);
	kbind(w->chunk, 8, c->body);
	rc = kstep_reset(w, w->chunk, e);
	if (rc != 0)
		return rc;
	id = sqlite3_last_insert_rowid(w->db);
	sqlite3_bind_int64(w->fts, 1, id);
	kbind(w->fts, 2, c->title);
	kbind(w->fts, 3, c->heading);
	kbind(w->fts, 4, c->body);
	return kstep_reset(w, w->fts, e);
}

/* ---- search ---- */

#define KB_STALE "CASE d.validity WHEN '已修改' THEN 1 WHEN '已废止' THEN 2 ELSE 0 END"

void kb_store_hits_free(struct kb_store_hit *h, size_t n)
{
	for (size_t i = 0; h != NULL && i < n; i++) {
		free(h[i].title);
		free(h[i].text);
	}
	free(h);
}

struct kb_store_reader {
	struct store *st;
	sqlite3 *db;
	sqlite3_stmt *df;
	sqlite3_stmt *post;
	sqlite3_stmt *load;
	bool own_tx;
};

int kb_store_reader_open(struct store *st, struct kb_store_reader **out, struct err *e)
{
	struct kb_store_reader *r;
	sqlite3 *db = kdb(st, e);
	int rc;

	*out = NULL;
	if (db == NULL)
		return e->code;
	r = xcalloc(1, sizeof(*r));
	r->st = st;
	r->db = db;
	/* Candidates are read all over the file: map it instead of copying
	 * pages through the page cache (read-only use; ignored if unsupported). */
	sqlite3_exec(db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
	/* One read transaction for the whole search: a consistent snapshot,
	 * and one lock instead of a lock per statement (hundreds of rows). */
	if (sqlite3_get_autocommit(db))
		r->own_tx = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	rc = kprep(st, db, "SELECT df FROM kb_term WHERE term = ?1", &r->df, e);
	if (rc == 0)
		rc = kprep(st, db, "SELECT rowid FROM kb_fts WHERE kb_fts MATCH ?1", &r->post, e);
	if (rc == 0)
		rc = kprep(st, db,
			   "SELECT c.doc_id, d.kb_id, " KB_STALE ", c.art_no, c.title,"
			   " c.heading || char(10) || c.body FROM kb_chunk c"
			   " JOIN kb_doc d ON d.id = c.doc_id WHERE c.id = ?1",
			   &r->load, e);
	if (rc != 0) {
		kb_store_reader_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

void kb_store_reader_close(struct kb_store_reader *r)
{
	if (r == NULL)
		return;
	sqlite3_finalize(r->df);
	sqlite3_finalize(r->post);
	sqlite3_finalize(r->load);
	if (r->own_tx)
		sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
	free(r);
}

int kb_store_reader_df(struct kb_store_reader *r, const char *token, int64_t *df, struct err *e)
{
	int rc;

	*df = 0;
	kbind(r->df, 1, token);
	rc = sqlite3_step(r->df);
	if (rc == SQLITE_ROW)
		*df = sqlite3_column_int64(r->df, 0);
	sqlite3_reset(r->df);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlite_fail(r->st, sqlite3_extended_errcode(r->db), NULL, e);
	return 0;
}

int kb_store_reader_postings(struct kb_store_reader *r, const char *match, int64_t **ids, size_t *n,
			     struct err *e)
{
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	kbind(r->post, 1, match);
	while ((rc = sqlite3_step(r->post)) == SQLITE_ROW) {
		*ids = xgrow(*ids, &cap, *n + 1, sizeof(**ids));
		(*ids)[(*n)++] = sqlite3_column_int64(r->post, 0);
	}
	sqlite3_reset(r->post);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		if ((sqlite3_extended_errcode(r->db) & 0xff) == SQLITE_ERROR)
			return err_set(e, BASE_E_FORMAT, "检索表达式无效");
		return store_sqlite_fail(r->st, sqlite3_extended_errcode(r->db), NULL, e);
	}
	return 0;
}

int kb_store_reader_load(struct kb_store_reader *r, int64_t chunk_id, struct kb_store_hit *h,
			 int64_t *kb_id, struct err *e)
{
	int rc;

	sqlite3_bind_int64(r->load, 1, chunk_id);
	rc = sqlite3_step(r->load);
	if (rc == SQLITE_ROW) {
		h->chunk_id = chunk_id;
		h->doc_id = sqlite3_column_int64(r->load, 0);
		*kb_id = sqlite3_column_int64(r->load, 1);
		h->stale = sqlite3_column_int(r->load, 2);
		h->article = sqlite3_column_int(r->load, 3) > 0;
		h->title = xstrdup(ktext(r->load, 4));
		h->text = xstrdup(ktext(r->load, 5));
		h->score = 0;
	}
	sqlite3_reset(r->load);
	if (rc == SQLITE_DONE)
		return err_set(e, BASE_E_NOTFOUND, "分块不存在");
	if (rc != SQLITE_ROW)
		return store_sqlite_fail(r->st, sqlite3_extended_errcode(r->db), NULL, e);
	return 0;
}

int kb_store_terms_refresh(struct store *st, struct err *e)
{
	int rc = kexec(st, "DELETE FROM kb_term WHERE ?1 = ?1", 0, e);

	if (rc == 0)
		rc = kexec(st,
			   "INSERT INTO kb_term (term, df) SELECT term, doc FROM kb_fts_vocab"
			   " WHERE ?1 = ?1",
			   0, e);
	return rc;
}

int kb_store_chunk_count(struct store *st, int64_t *n, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	*n = 0;
	if (db == NULL)
		return e->code;
	rc = kprep(st, db, "SELECT MAX(id) FROM kb_chunk", &stmt, e);
	if (rc != 0)
		return rc;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

#define KB_CHUNK_COLS                                                                              \
	"c.id, c.doc_id, c.seq, c.article, c.art_no, c.art_sub, c.title, c.heading, c.body, "

static int kchunk_walk(struct store *st, sqlite3 *db, sqlite3_stmt *stmt, kb_store_chunk_cb cb,
		       void *arg, struct err *e)
{
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct kb_store_chunk c;
		struct kb_store_doc d;
		int stop;

		c.id = sqlite3_column_int64(stmt, 0);
		c.doc_id = sqlite3_column_int64(stmt, 1);
		c.seq = sqlite3_column_int(stmt, 2);
		c.article = (const char *)sqlite3_column_text(stmt, 3);
		c.art_no = sqlite3_column_int(stmt, 4);
		c.art_sub = sqlite3_column_int(stmt, 5);
		c.title = ktext(stmt, 6);
		c.heading = ktext(stmt, 7);
		c.body = ktext(stmt, 8);
		kdoc_row(stmt, 9, &d);
		stop = cb(&c, &d, arg);
		if (stop != 0) {
			sqlite3_finalize(stmt);
			return stop;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_finalize(stmt);
	return rc;
}

int kb_store_chunk_get(struct store *st, int64_t chunk_id, kb_store_chunk_cb cb, void *arg,
		       struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc = kprep(st, db,
		   "SELECT " KB_CHUNK_COLS KB_DOC_COLS
		   " FROM kb_chunk c JOIN kb_doc d ON d.id = c.doc_id WHERE c.id = ?1",
		   &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, chunk_id);
	return kchunk_walk(st, db, stmt, cb, arg, e);
}

int kb_store_cite(struct store *st, const int64_t *kbs, size_t nkb, const char *title_part,
		  int art_no, int art_sub, kb_store_chunk_cb cb, void *arg, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	char sql[1024];
	int rc;

	if (db == NULL)
		return e->code;
	snprintf(sql, sizeof(sql),
		 "SELECT " KB_CHUNK_COLS KB_DOC_COLS
		 " FROM kb_doc d JOIN kb_chunk c ON c.doc_id = d.id"
		 " WHERE (instr(d.title, ?1) > 0 OR instr(d.base_title, ?1) > 0)"
		 " AND c.art_no = ?2 AND c.art_sub = ?3 AND d.dup_of IS NULL");
	rc = kin(sql, sizeof(sql), nkb, 4, e);
	if (rc != 0)
		return rc;
	snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql),
		 " ORDER BY (d.validity = '现行') DESC, length(d.base_title), d.doc_date DESC"
		 " LIMIT 5");
	rc = kprep(st, db, sql, &stmt, e);
	if (rc != 0)
		return rc;
	kbind(stmt, 1, title_part);
	sqlite3_bind_int(stmt, 2, art_no);
	sqlite3_bind_int(stmt, 3, art_sub);
	kbind_kbs(stmt, kbs, nkb, 4);
	return kchunk_walk(st, db, stmt, cb, arg, e);
}

int kb_store_docnum(struct store *st, const int64_t *kbs, size_t nkb, const char *doc_number,
		    kb_store_chunk_cb cb, void *arg, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	char sql[1024];
	int rc;

	if (db == NULL)
		return e->code;
	snprintf(sql, sizeof(sql),
		 "SELECT " KB_CHUNK_COLS KB_DOC_COLS
		 " FROM kb_doc d JOIN kb_chunk c ON c.doc_id = d.id"
		 " WHERE d.doc_number = ?1 AND d.dup_of IS NULL AND c.seq = (SELECT MIN(seq)"
		 " FROM kb_chunk x WHERE x.doc_id = d.id)");
	rc = kin(sql, sizeof(sql), nkb, 2, e);
	if (rc != 0)
		return rc;
	snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), " LIMIT 5");
	rc = kprep(st, db, sql, &stmt, e);
	if (rc != 0)
		return rc;
	kbind(stmt, 1, doc_number);
	kbind_kbs(stmt, kbs, nkb, 2);
	return kchunk_walk(st, db, stmt, cb, arg, e);
}

int kb_store_doc_get(struct store *st, int64_t id, kb_store_doc_cb cb, void *arg, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc = kprep(st, db, "SELECT " KB_DOC_COLS " FROM kb_doc d WHERE d.id = ?1", &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		struct kb_store_doc d;

		kdoc_row(stmt, 0, &d);
		rc = cb(&d, arg);
	} else if (rc == SQLITE_DONE) {
		rc = err_set(e, BASE_E_NOTFOUND, "没有这个文档");
	} else {
		rc = store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	}
	sqlite3_finalize(stmt);
	return rc;
}

int kb_store_doc_chunks(struct store *st, int64_t doc_id, int64_t *n, struct err *e)
{
	sqlite3 *db = kdb(st, e);
	sqlite3_stmt *stmt;
	int rc;

	if (db == NULL)
		return e->code;
	rc = kprep(st, db, "SELECT count(*) FROM kb_chunk WHERE doc_id = ?1", &stmt, e);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(stmt, 1, doc_id);
	rc = sqlite3_step(stmt);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	rc = rc == SQLITE_ROW ? 0 : store_sqlite_fail(st, sqlite3_extended_errcode(db), NULL, e);
	sqlite3_finalize(stmt);
	return rc;
}
