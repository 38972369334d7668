/*
 * store: the one storage interface. Callers never see SQL; each backend
 * (today `sqlite`, later `postgres`) implements struct store_ops in its own
 * file and owns its own migrations.
 *
 * Invariants:
 *  - Every function returns 0 or a negative BASE_E_* code and fills the
 *    caller's struct err with a Chinese message that never contains a path,
 *    SQL or a library message (those go to the error log), so the message can
 *    be shown to an HTTP client. BASE_E_NOTFOUND: no such row;
 *    BASE_E_CONFLICT: a uniqueness or reference rule was violated.
 *  - All values reach the database as bound parameters.
 *  - Timestamps are int64 Unix milliseconds (UTC).
 *  - Records returned by value hold bounded copies (the *_MAX sizes below are
 *    byte limits, checked before anything is written). Records passed to an
 *    iteration callback borrow the backend's memory for the call only.
 *  - store_tx_begin() takes the database write lock at once (SQLite
 *    BEGIN IMMEDIATE), so two writers never interleave read-then-write
 *    sequences such as "read the audit head, append after it".
 *  - Opening read-write applies the pending migrations (schema_version
 *    table, one transaction per migration, idempotent). Opening read-only
 *    applies nothing and fails when the file is not a Shuzhi database.
 */
#ifndef SHUZHI_STORE_H
#define SHUZHI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

#define STORE_NAME_MAX	       96  /* bytes: username, department name (32 CJK chars) */
#define STORE_DISPLAY_MAX      192 /* bytes: display name (64 CJK chars) */
#define STORE_ROLE_MAX	       16
#define STORE_PWHASH_MAX       128   /* crypto_pwhash_STRBYTES */
#define STORE_HASH_HEX	       64    /* BLAKE2b-256 as lowercase hex */
#define STORE_AUDIT_FIELD_MAX  4096  /* actor, action, target */
#define STORE_AUDIT_DETAIL_MAX 65536 /* detail JSON */

enum {
	STORE_OPEN_READONLY = 1, /* no writes, no migrations, file must exist */
	STORE_OPEN_CREATE = 2	 /* create the file when missing */
};

struct store;

struct store_dept {
	int64_t id;
	int64_t parent_id; /* 0: top level */
	char name[STORE_NAME_MAX + 1];
	int64_t created_at;
};

struct store_user {
	int64_t id;
	char username[STORE_NAME_MAX + 1];
	char display_name[STORE_DISPLAY_MAX + 1];
	char role[STORE_ROLE_MAX + 1];
	int64_t department_id; /* 0: none */
	char password_hash[STORE_PWHASH_MAX + 1];
	bool disabled;
	int failed_logins;	 /* failures in the current window */
	int64_t first_failed_at; /* start of the current failure window, 0: none */
	int64_t locked_until;	 /* 0: not locked */
	int64_t created_at;
	int64_t updated_at;
};

struct store_token {
	int64_t id;
	int64_t user_id;
	char name[STORE_NAME_MAX + 1];
	char token_hash[STORE_HASH_HEX + 1]; /* BLAKE2b-256 of the secret; never the secret */
	int64_t created_at;
	int64_t expires_at;   /* 0: never */
	int64_t last_used_at; /* 0: never used */
	bool revoked;
};

struct store_audit {
	int64_t id; /* 1, 2, 3 … without gaps */
	int64_t ts;
	const char *actor;
	const char *action;
	const char *target;
	const char *detail; /* canonical JSON text */
	char prev_hash[STORE_HASH_HEX + 1];
	char hash[STORE_HASH_HEX + 1];
};

/* A web session. Only the BLAKE2b-256 of the cookie secret is stored. The
 * CSRF token is not a credential on its own (it is useless without the
 * cookie) and is stored as is, so /api/me can return it again. */
struct store_session {
	int64_t id;
	char token_hash[STORE_HASH_HEX + 1];
	int64_t user_id;
	char csrf[STORE_HASH_HEX + 1];
	int64_t created_at;
	int64_t last_seen_at;
	int64_t expires_at; /* absolute expiry */
};

/* Filter for store_audit_iter; zero/NULL fields do not filter. */
struct store_audit_filter {
	const char *user;   /* actor equal to user, "user:"+user or "cli:"+user */
	const char *action; /* exact action */
	int64_t since;	    /* ts >= since */
	int64_t until;	    /* ts < until */
	bool newest_first;
	size_t limit; /* 0: all */
};

/* Callbacks return 0 to go on, anything else to stop (returned as is). */
typedef int (*store_dept_cb)(const struct store_dept *d, void *arg);
typedef int (*store_user_cb)(const struct store_user *u, void *arg);
typedef int (*store_audit_cb)(const struct store_audit *a, void *arg);

/*
 * Open a database. `where` is a file path (SQLite) or "sqlite:PATH";
 * "postgres://…" is reserved for the PostgreSQL backend. flags: STORE_OPEN_*.
 * On success *out owns the connection; free it with store_close().
 */
int store_open(const char *where, int flags, struct store **out, struct err *e);
void store_close(struct store *st);
/* Highest applied migration, and the highest this build knows. */
int store_schema_version(struct store *st, int *version, struct err *e);
int store_schema_latest(struct store *st);

/* One write transaction at a time per connection; nested begins fail. */
int store_tx_begin(struct store *st, struct err *e);
int store_tx_commit(struct store *st, struct err *e);
void store_tx_rollback(struct store *st);

/* Departments */
int store_dept_insert(struct store *st, const struct store_dept *d, int64_t *id, struct err *e);
int store_dept_get(struct store *st, int64_t id, struct store_dept *out, struct err *e);
/* Departments named name under parent_id (0: top level, -1: any parent):
 * *count matches, the one with the lowest id copied to *out when count > 0. */
int store_dept_find(struct store *st, int64_t parent_id, const char *name, struct store_dept *out,
		    size_t *count, struct err *e);
int store_dept_iter(struct store *st, store_dept_cb cb, void *arg, struct err *e);

/* Users */
int store_user_insert(struct store *st, const struct store_user *u, int64_t *id, struct err *e);
int store_user_get(struct store *st, const char *username, struct store_user *out, struct err *e);
int store_user_set_password(struct store *st, int64_t id, const char *password_hash, int64_t now,
			    struct err *e);
int store_user_set_disabled(struct store *st, int64_t id, bool disabled, int64_t now,
			    struct err *e);
/* Write failed_logins, first_failed_at and locked_until from u. */
int store_user_set_login_state(struct store *st, const struct store_user *u, int64_t now,
			       struct err *e);
int store_user_iter(struct store *st, store_user_cb cb, void *arg, struct err *e);

int store_user_get_id(struct store *st, int64_t id, struct store_user *out, struct err *e);

/* API tokens (only their hashes are stored) */
int store_token_insert(struct store *st, const struct store_token *t, int64_t *id, struct err *e);
int store_token_find(struct store *st, const char *token_hash, struct store_token *out,
		     struct err *e);
int store_token_get(struct store *st, int64_t id, struct store_token *out, struct err *e);
/* Tokens of user_id (0: every user's), newest first. */
typedef int (*store_token_cb)(const struct store_token *t, void *arg);
int store_token_iter(struct store *st, int64_t user_id, store_token_cb cb, void *arg,
		     struct err *e);
int store_token_revoke(struct store *st, int64_t id, struct err *e);
int store_token_touch(struct store *st, int64_t id, int64_t now, struct err *e);

/* Sessions. find: BASE_E_NOTFOUND when no row has token_hash (expiry is
 * the caller's decision). delete_*: *count rows removed (count may be NULL). */
int store_session_insert(struct store *st, const struct store_session *s, int64_t *id,
			 struct err *e);
int store_session_find(struct store *st, const char *token_hash, struct store_session *out,
		       struct err *e);
int store_session_touch(struct store *st, int64_t id, int64_t now, struct err *e);
int store_session_delete(struct store *st, const char *token_hash, struct err *e);
int store_session_delete_user(struct store *st, int64_t user_id, size_t *count, struct err *e);
/* Remove sessions past expires_at or idle since before idle_before. */
int store_session_delete_expired(struct store *st, int64_t now, int64_t idle_before, size_t *count,
				 struct err *e);

/* Audit log. head: the last entry's id and hash (id 0 and NULL-free empty
 * hash when the log is empty). insert: the caller chose id = head + 1. */
int store_audit_head(struct store *st, int64_t *id, char hash[STORE_HASH_HEX + 1], struct err *e);
int store_audit_insert(struct store *st, const struct store_audit *a, struct err *e);
/* Entries in id order (or newest first), filtered. Returns the callback's
 * non-zero value when it stopped the walk. */
int store_audit_iter(struct store *st, const struct store_audit_filter *f, store_audit_cb cb,
		     void *arg, struct err *e);

#endif
