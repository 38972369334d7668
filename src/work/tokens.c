/* work/tokens: API tokens (see tokens.h). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "text/text.h"
#include "work/audit.h"
#include "work/tokens.h"

#define TOKENS_TOUCH_MS (60 * 1000)

const char *work_token_state(const struct store_token *t, int64_t now)
{
	if (t->revoked)
		return "revoked";
	return t->expires_at > 0 && now >= t->expires_at ? "expired" : "active";
}

void work_secret_hash(const unsigned char raw[32], char out[STORE_HASH_HEX + 1])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), raw, 32, NULL, 0);
	sodium_bin2hex(out, STORE_HASH_HEX + 1, h, sizeof(h));
}

static int tokens_check_name(const char *name, struct err *e)
{
	size_t len = name ? strlen(name) : 0;
	size_t chars = 0;

	if (len == 0)
		return err_set(e, BASE_E_USAGE, "令牌名称不能为空");
	if (!text_utf8_valid(name, len, NULL))
		return err_set(e, BASE_E_FORMAT, "令牌名称不是有效的 UTF-8");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f)
			return err_set(e, BASE_E_USAGE, "令牌名称不能含控制字符");
		if ((c & 0xc0) != 0x80)
			chars++;
	}
	if (chars > WORK_TOKEN_NAME_MAX || len > STORE_NAME_MAX)
		return err_set(e, BASE_E_USAGE, "令牌名称不能超过 %d 个字符", WORK_TOKEN_NAME_MAX);
	return 0;
}

int work_token_create(const struct work_ctx *ctx, int64_t user_id, const char *name, int days,
		      char secret[WORK_TOKEN_LEN + 1], int64_t *id, struct err *e)
{
	struct store_token t = {0};
	struct store_user u;
	unsigned char raw[32];
	char target[32];
	json_t *detail;
	int rc;

	rc = tokens_check_name(name, e);
	if (rc != 0)
		return rc;
	if (days < 0 || days > WORK_TOKEN_DAYS_MAX)
		return err_set(e, BASE_E_USAGE, "有效期须在 0（不过期）到 %d 天之间",
			       WORK_TOKEN_DAYS_MAX);
	randombytes_buf(raw, sizeof(raw));
	memcpy(secret, WORK_TOKEN_PREFIX, 4);
	sodium_bin2hex(secret + 4, 65, raw, sizeof(raw));
	work_secret_hash(raw, t.token_hash);
	sodium_memzero(raw, sizeof(raw));
	t.user_id = user_id;
	snprintf(t.name, sizeof(t.name), "%s", name);
	t.created_at = work_now(ctx);
	t.expires_at = days > 0 ? t.created_at + (int64_t)days * 86400 * 1000 : 0;

	rc = store_tx_begin(ctx->st, e);
	if (rc != 0)
		goto out_wipe;
	rc = store_user_get_id(ctx->st, user_id, &u, e);
	if (rc == 0 && u.disabled)
		rc = err_set(e, BASE_E_CONFLICT, "用户已停用，不能创建令牌");
	if (rc == 0)
		rc = store_token_insert(ctx->st, &t, id, e);
	if (rc == 0) {
		snprintf(target, sizeof(target), "token:%lld", (long long)*id);
		detail = json_pack("{s:s,s:s,s:I}", "user", u.username, "name", t.name,
				   "expires_at", (json_int_t)t.expires_at);
		rc = work_audit_append_tx(ctx, "token.create", target, detail, e);
		json_decref(detail);
	}
	if (rc != 0) {
		store_tx_rollback(ctx->st);
		goto out_wipe;
	}
	rc = store_tx_commit(ctx->st, e);
	if (rc == 0)
		return 0;
out_wipe:
	sodium_memzero(secret, WORK_TOKEN_LEN + 1);
	return rc;
}

int work_token_revoke(const struct work_ctx *ctx, int64_t id, int64_t owner_id, struct err *e)
{
	struct store_token t;
	struct store_user u;
	char target[32];
	json_t *detail;
	int rc;

	rc = store_tx_begin(ctx->st, e);
	if (rc != 0)
		return rc;
	rc = store_token_get(ctx->st, id, &t, e);
	if (rc == 0 && owner_id > 0 && t.user_id != owner_id)
		rc = err_set(e, BASE_E_NOTFOUND, "令牌不存在");
	if (rc == 0 && t.revoked)
		rc = err_set(e, BASE_E_CONFLICT, "令牌已撤销");
	if (rc == 0)
		rc = store_user_get_id(ctx->st, t.user_id, &u, e);
	if (rc == 0)
		rc = store_token_revoke(ctx->st, id, e);
	if (rc == 0) {
		snprintf(target, sizeof(target), "token:%lld", (long long)id);
		detail = json_pack("{s:s,s:s}", "user", u.username, "name", t.name);
		rc = work_audit_append_tx(ctx, "token.revoke", target, detail, e);
		json_decref(detail);
	}
	if (rc != 0) {
		store_tx_rollback(ctx->st);
		return rc;
	}
	return store_tx_commit(ctx->st, e);
}

int work_token_authenticate(const struct work_ctx *ctx, const char *secret, struct store_user *user,
			    struct store_token *token, struct err *e)
{
	unsigned char raw[32];
	char hash[STORE_HASH_HEX + 1];
	size_t bin_len = 0;
	struct err ignored = {0};
	int64_t now = work_now(ctx);
	const char *bad = "API 令牌无效、已过期或已撤销";

	if (secret == NULL || strlen(secret) != WORK_TOKEN_LEN ||
	    strncmp(secret, WORK_TOKEN_PREFIX, 4) != 0 ||
	    strspn(secret + 4, "0123456789abcdef") != 64 ||
	    sodium_hex2bin(raw, sizeof(raw), secret + 4, 64, NULL, &bin_len, NULL) != 0 ||
	    bin_len != sizeof(raw))
		return err_set(e, BASE_E_AUTH, "%s", bad);
	work_secret_hash(raw, hash);
	sodium_memzero(raw, sizeof(raw));
	if (store_token_find(ctx->st, hash, token, &ignored) != 0 ||
	    strcmp(work_token_state(token, now), "active") != 0 ||
	    store_user_get_id(ctx->st, token->user_id, user, &ignored) != 0 || user->disabled)
		return err_set(e, BASE_E_AUTH, "%s", bad);
	if (now - token->last_used_at >= TOKENS_TOUCH_MS &&
	    store_token_touch(ctx->st, token->id, now, &ignored) == 0)
		token->last_used_at = now;
	return 0;
}
