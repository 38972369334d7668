/* store: backend selection and the dispatch through struct store_ops. */
#include <string.h>

#include "store/store_internal.h"

int store_open(const char *where, int flags, struct store **out, struct err *e)
{
	*out = NULL;
	if (where == NULL || where[0] == '\0')
		return err_set(e, BASE_E_USAGE, "未指定数据库");
	if (strncmp(where, "sqlite:", 7) == 0)
		return store_sqlite_open(where + 7, flags, out, e);
	if (strncmp(where, "postgres://", 11) == 0 || strncmp(where, "postgresql://", 13) == 0)
		return err_set(e, BASE_E_USAGE, "此版本尚不支持 PostgreSQL 数据库");
	return store_sqlite_open(where, flags, out, e);
}

void store_close(struct store *st)
{
	if (st != NULL)
		st->ops->close(st);
}

int store_schema_version(struct store *st, int *version, struct err *e)
{
	return st->ops->schema_version(st, version, e);
}

int store_schema_latest(struct store *st)
{
	return st->ops->schema_latest(st);
}

int store_tx_begin(struct store *st, struct err *e)
{
	int rc;

	if (st->in_tx)
		return err_set(e, BASE_E_INTERNAL, "事务嵌套");
	rc = st->ops->tx_begin(st, e);
	if (rc == 0)
		st->in_tx = true;
	return rc;
}

int store_tx_commit(struct store *st, struct err *e)
{
	int rc;

	if (!st->in_tx)
		return err_set(e, BASE_E_INTERNAL, "没有进行中的事务");
	rc = st->ops->tx_commit(st, e);
	if (rc != 0)
		st->ops->tx_rollback(st);
	st->in_tx = false;
	return rc;
}

void store_tx_rollback(struct store *st)
{
	if (!st->in_tx)
		return;
	st->ops->tx_rollback(st);
	st->in_tx = false;
}

int store_dept_insert(struct store *st, const struct store_dept *d, int64_t *id, struct err *e)
{
	return st->ops->dept_insert(st, d, id, e);
}

int store_dept_get(struct store *st, int64_t id, struct store_dept *out, struct err *e)
{
	return st->ops->dept_get(st, id, out, e);
}

int store_dept_find(struct store *st, int64_t parent_id, const char *name, struct store_dept *out,
		    size_t *count, struct err *e)
{
	return st->ops->dept_find(st, parent_id, name, out, count, e);
}

int store_dept_iter(struct store *st, store_dept_cb cb, void *arg, struct err *e)
{
	return st->ops->dept_iter(st, cb, arg, e);
}

int store_user_insert(struct store *st, const struct store_user *u, int64_t *id, struct err *e)
{
	return st->ops->user_insert(st, u, id, e);
}

int store_user_get(struct store *st, const char *username, struct store_user *out, struct err *e)
{
	return st->ops->user_get(st, username, out, e);
}

int store_user_set_password(struct store *st, int64_t id, const char *password_hash, int64_t now,
			    struct err *e)
{
	return st->ops->user_set_password(st, id, password_hash, now, e);
}

int store_user_set_disabled(struct store *st, int64_t id, bool disabled, int64_t now, struct err *e)
{
	return st->ops->user_set_disabled(st, id, disabled, now, e);
}

int store_user_set_login_state(struct store *st, const struct store_user *u, int64_t now,
			       struct err *e)
{
	return st->ops->user_set_login_state(st, u, now, e);
}

int store_user_iter(struct store *st, store_user_cb cb, void *arg, struct err *e)
{
	return st->ops->user_iter(st, cb, arg, e);
}

int store_user_get_id(struct store *st, int64_t id, struct store_user *out, struct err *e)
{
	return st->ops->user_get_id(st, id, out, e);
}

int store_session_insert(struct store *st, const struct store_session *s, int64_t *id,
			 struct err *e)
{
	return st->ops->session_insert(st, s, id, e);
}

int store_session_find(struct store *st, const char *token_hash, struct store_session *out,
		       struct err *e)
{
	return st->ops->session_find(st, token_hash, out, e);
}

int store_session_touch(struct store *st, int64_t id, int64_t now, struct err *e)
{
	return st->ops->session_touch(st, id, now, e);
}

int store_session_delete(struct store *st, const char *token_hash, struct err *e)
{
	return st->ops->session_delete(st, token_hash, e);
}

int store_session_delete_user(struct store *st, int64_t user_id, size_t *count, struct err *e)
{
	return st->ops->session_delete_user(st, user_id, count, e);
}

int store_session_delete_expired(struct store *st, int64_t now, int64_t idle_before, size_t *count,
				 struct err *e)
{
	return st->ops->session_delete_expired(st, now, idle_before, count, e);
}

int store_token_insert(struct store *st, const struct store_token *t, int64_t *id, struct err *e)
{
	return st->ops->token_insert(st, t, id, e);
}

int store_token_find(struct store *st, const char *token_hash, struct store_token *out,
		     struct err *e)
{
	return st->ops->token_find(st, token_hash, out, e);
}

int store_token_get(struct store *st, int64_t id, struct store_token *out, struct err *e)
{
	return st->ops->token_get(st, id, out, e);
}

int store_token_iter(struct store *st, int64_t user_id, store_token_cb cb, void *arg, struct err *e)
{
	return st->ops->token_iter(st, user_id, cb, arg, e);
}

int store_token_revoke(struct store *st, int64_t id, struct err *e)
{
	return st->ops->token_revoke(st, id, e);
}

int store_token_touch(struct store *st, int64_t id, int64_t now, struct err *e)
{
	return st->ops->token_touch(st, id, now, e);
}

int store_audit_head(struct store *st, int64_t *id, char hash[STORE_HASH_HEX + 1], struct err *e)
{
	return st->ops->audit_head(st, id, hash, e);
}

int store_audit_insert(struct store *st, const struct store_audit *a, struct err *e)
{
	return st->ops->audit_insert(st, a, e);
}

int store_audit_iter(struct store *st, const struct store_audit_filter *f, store_audit_cb cb,
		     void *arg, struct err *e)
{
	return st->ops->audit_iter(st, f, cb, arg, e);
}
