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

/* For the domain files store/sq_<domain>.c: the SQLite handle of a store
 * (NULL when st is another backend) and the result-code mapping. */
struct sqlite3;
struct sqlite3 *store_sqlite_db(struct store *st);
int store_sqlite_fail(struct store *st, int rc, const char *conflict_msg, struct err *e);
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

#endif
