/*
 * work/tokens: API tokens for scripts.
 *
 * A token is "szt_" followed by 64 lowercase hex digits (32 random bytes).
 * The store keeps only hex(BLAKE2b-256(the 32 bytes)), so the secret is shown
 * once, at creation, and a stolen database holds no usable token. A token
 * acts as its user with the user's role; it is refused once revoked, past
 * its expiry, or when the user is disabled. Requests that carry a token
 * instead of the session cookie need no CSRF token: a browser never attaches
 * an Authorization header on its own, so there is no ambient authority to
 * forge. Creating and revoking tokens are audited (token.create,
 * token.revoke); the secret never reaches the audit log or any log.
 */
#ifndef SHUZHI_WORK_TOKENS_H
#define SHUZHI_WORK_TOKENS_H

#include "work/work.h"

#define WORK_TOKEN_PREFIX   "szt_"
#define WORK_TOKEN_LEN	    (4 + 64) /* prefix + hex, without the NUL */
#define WORK_TOKEN_NAME_MAX 64	     /* characters */
#define WORK_TOKEN_DAYS_MAX 3650     /* ten years */

/* "active", "expired" or "revoked" at time now (Unix ms). */
const char *work_token_state(const struct store_token *t, int64_t now);

/* hex(BLAKE2b-256(raw)): how session cookies and tokens are stored. */
void work_secret_hash(const unsigned char raw[32], char out[STORE_HASH_HEX + 1]);

/*
 * Create a token named name for user_id, valid for days (0: no expiry).
 * On success secret holds the token (NUL-terminated) and *id its row id;
 * the caller shows it once and wipes it.
 */
int work_token_create(const struct work_ctx *ctx, int64_t user_id, const char *name, int days,
		      char secret[WORK_TOKEN_LEN + 1], int64_t *id, struct err *e);
/*
 * Revoke token id. owner_id > 0 limits it to that user's tokens (others are
 * BASE_E_NOTFOUND, so ids of other users' tokens are not disclosed).
 */
int work_token_revoke(const struct work_ctx *ctx, int64_t id, int64_t owner_id, struct err *e);
/*
 * The user a presented token acts as. BASE_E_AUTH for anything unusable
 * (malformed, unknown, revoked, expired, user disabled) with one message;
 * last_used_at is refreshed at most once a minute.
 */
int work_token_authenticate(const struct work_ctx *ctx, const char *secret, struct store_user *user,
			    struct store_token *token, struct err *e);

#endif
