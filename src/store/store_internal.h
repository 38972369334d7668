/*
 * store internals: the table every backend fills in, and the SQLite
 * migration runner exposed for tests. Only store/ and its tests include this.
 */
#ifndef SHUZHI_STORE_INTERNAL_H
#define SHUZHI_STORE_INTERNAL_H

#include "store/store.h"

struct store_ops {
	void (*close)(struct store *st);
	int (*schema_version)(struct store *st, int *version, struct err *e);
	int (*schema_latest)(struct store *st);
	int (*tx_begin)(struct store *st, struct err *e);
	int (*tx_commit)(struct store *st, struct err *e);
	void (*tx_rollback)(struct store *st);
	int (*dept_insert)(struct store *st, const struct store_dept *d, int64_t *id,
			   struct err *e);
	int (*dept_get)(struct store *st, int64_t id, struct store_dept *out, struct err *e);
	int (*dept_find)(struct store *st, int64_t parent_id, const char *name,
			 struct store_dept *out, size_t *count, struct err *e);
	int (*dept_iter)(struct store *st, store_dept_cb cb, void *arg, struct err *e);
	int (*user_insert)(struct store *st, const struct store_user *u, int64_t *id,
			   struct err *e);
	int (*user_get)(struct store *st, const char *username, struct store_user *out,
			struct err *e);
	int (*user_set_password)(struct store *st, int64_t id, const char *hash, int64_t now,
				 struct err *e);
	int (*user_set_disabled)(struct store *st, int64_t id, bool disabled, int64_t now,
				 struct err *e);
	int (*user_set_login_state)(struct store *st, const struct store_user *u, int64_t now,
				    struct err *e);
	int (*user_iter)(struct store *st, store_user_cb cb, void *arg, struct err *e);
	int (*user_get_id)(struct store *st, int64_t id, struct store_user *out, struct err *e);
	int (*session_insert)(struct store *st, const struct store_session *s, int64_t *id,
			      struct err *e);
	int (*session_find)(struct store *st, const char *token_hash, struct store_session *out,
			    struct err *e);
	int (*session_touch)(struct store *st, int64_t id, int64_t now, struct err *e);
	int (*session_delete)(struct store *st, const char *token_hash, struct err *e);
	int (*session_delete_user)(struct store *st, int64_t user_id, size_t *count, struct err *e);
	int (*session_delete_expired)(struct store *st, int64_t now, int64_t idle_before,
				      size_t *count, struct err *e);
	int (*token_insert)(struct store *st, const struct store_token *t, int64_t *id,
			    struct err *e);
	int (*token_find)(struct store *st, const char *token_hash, struct store_token *out,
			  struct err *e);
	int (*token_get)(struct store *st, int64_t id, struct store_token *out, struct err *e);
	int (*token_iter)(struct store *st, int64_t user_id, store_token_cb cb, void *arg,
			  struct err *e);
	int (*token_revoke)(struct store *st, int64_t id, struct err *e);
	int (*token_touch)(struct store *st, int64_t id, int64_t now, struct err *e);
	int (*audit_head)(struct store *st, int64_t *id, char *hash, struct err *e);
	int (*audit_insert)(struct store *st, const struct store_audit *a, struct err *e);
	int (*audit_iter)(struct store *st, const struct store_audit_filter *f, store_audit_cb cb,
			  void *arg, struct err *e);
};

/* Every backend's connection struct starts with this. */
struct store {
	const struct store_ops *ops;
	bool in_tx;
};

int store_sqlite_open(const char *path, int flags, struct store **out, struct err *e);

struct sqlite3;
/* store/sq_kb.c: register the `cjk` FTS5 tokenizer on a new connection
 * (before migrations: the kb index is declared with it). */
int sq_kb_register(struct sqlite3 *db);

/* A versioned migration: statements run in one transaction, then
 * a row (version, description, applied_at) is added to schema_version. */
struct store_migration {
	int version;
	const char *description;
	const char *sql; /* one or more statements */
};

/* Apply migrations[0..n) whose version is above the current one (tests pass
 * their own lists to check idempotence and rollback). */
int store_sqlite_migrate(struct store *st, const struct store_migration *m, size_t n,
			 struct err *e);

/*
 * SQLite helpers for the backend's per-domain files (src/store/sq_<domain>.c):
 * the connection of a store opened with the SQLite backend (NULL for any
 * other backend), and the same prepare / fail / insert-step / copy helpers
 * store_sqlite.c uses, so every file maps errors the same way.
 */
struct sqlite3;
struct sqlite3_stmt;
struct sqlite3 *store_sqlite_db(struct store *st);
int store_sqlite_prepare(struct store *st, const char *sql, struct sqlite3_stmt **stmt,
			 struct err *e);
int store_sqlite_fail(struct store *st, int rc, const char *conflict_msg, struct err *e);
/* sq_insert_step: run (and finalize) an INSERT, new row id in *id. */
int store_sqlite_insert_step(struct store *st, struct sqlite3_stmt *stmt, const char *fk_msg,
			     const char *check_msg, const char *conflict_msg, int64_t *id,
			     struct err *e);
/* Run (and finalize) a statement that returns no rows. */
int store_sqlite_exec_stmt(struct store *st, struct sqlite3_stmt *stmt, const char *conflict_msg,
			   struct err *e);
int store_sqlite_copy_text(struct sqlite3_stmt *stmt, int col, char *dst, size_t cap,
			   struct err *e);

/*
 * Statement cache, per connection: store_sqlite_cached() hands out the
 * prepared statement kept for this SQL text (prepared on first use; the text
 * is copied, so it may be built at run time); store_sqlite_done() gives it
 * back, reset and with its bindings cleared. The insert-step and exec-stmt
 * helpers above give back what they run; store_sqlite_done() finalizes a
 * statement that is not cached, so every path ends the same way. A text
 * whose statement is still out (nested use) gets its own, uncached one.
 * Statements recompile themselves after a schema change; they are
 * finalized when the store closes.
 */
struct store_sqlite_cache_stats {
	uint64_t hits, prepares, evictions;
};
int store_sqlite_cached(struct store *st, const char *sql, struct sqlite3_stmt **stmt,
			struct err *e);
void store_sqlite_done(struct store *st, struct sqlite3_stmt *stmt);
/* Counters since the store was opened (tests, benchmarks). */
void store_sqlite_cache_stats(struct store *st, struct store_sqlite_cache_stats *out);

/* Schema of the sensitive-word lists (sq_privacy.c), migration 6. */
extern const char store_sq_privacy_schema[];
/* Schema of the task input files (sq_taskfiles.c), migration 11. */
extern const char store_sq_taskfile_schema[];
/* Saved screening lists and enterprise search indexes (sq_entlist.c), migration 12. */
extern const char store_sq_entlist_schema[];
/* Warnings snapshots of risk-rule changes (sq_entsnap.c), migration 15. */
extern const char store_sq_entsnap_schema[];
/* Schema of the knowledge-base chunk vectors (sq_kbvec.c), migration 14. */
extern const char store_sq_kbvec_schema[];
/* Their generation counter and its triggers (sq_kbvec.c), migration 17. */
extern const char store_sq_kbvec_gen_schema[];
/* The server's knowledge-base jobs (sq_kbjob.c), migration 18. */
extern const char store_sq_kbjob_schema[];

#endif
