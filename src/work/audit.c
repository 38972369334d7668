/* work/audit: append to and verify the hash chain (format in audit.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "work/audit.h"

#define AUDIT_TAG "shuzhi-audit-v1"

static void audit_field(crypto_generichash_state *h, const char *p, size_t len)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "%zu:", len);

	crypto_generichash_update(h, (const unsigned char *)head, (size_t)n);
	crypto_generichash_update(h, (const unsigned char *)p, len);
	crypto_generichash_update(h, (const unsigned char *)",", 1);
}

static void audit_field_i64(crypto_generichash_state *h, int64_t v)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%" PRId64, v);

	audit_field(h, num, (size_t)n);
}

int work_audit_hash(const char *prev_hex, const struct store_audit *a, char out[STORE_HASH_HEX + 1],
		    struct err *e)
{
	unsigned char prev[32];
	unsigned char digest[32];
	crypto_generichash_state h;
	size_t got = 0;

	if (strlen(prev_hex) != STORE_HASH_HEX ||
	    sodium_hex2bin(prev, sizeof(prev), prev_hex, STORE_HASH_HEX, NULL, &got, NULL) != 0 ||
	    got != sizeof(prev))
		return err_set(e, BASE_E_FORMAT, "上一条审计记录的哈希格式错误");
	crypto_generichash_init(&h, NULL, 0, sizeof(digest));
	crypto_generichash_update(&h, prev, sizeof(prev));
	audit_field(&h, AUDIT_TAG, strlen(AUDIT_TAG));
	audit_field_i64(&h, a->id);
	audit_field_i64(&h, a->ts);
	audit_field(&h, a->actor, strlen(a->actor));
	audit_field(&h, a->action, strlen(a->action));
	audit_field(&h, a->target, strlen(a->target));
	audit_field(&h, a->detail, strlen(a->detail));
	crypto_generichash_final(&h, digest, sizeof(digest));
	sodium_bin2hex(out, STORE_HASH_HEX + 1, digest, sizeof(digest));
	return 0;
}

static int audit_check_field(const char *what, const char *v, struct err *e)
{
	if (v == NULL || v[0] == '\0')
		return err_set(e, BASE_E_USAGE, "审计记录缺少%s", what);
	if (strlen(v) > STORE_AUDIT_FIELD_MAX)
		return err_set(e, BASE_E_LIMIT, "审计记录的%s过长", what);
	return 0;
}

int work_audit_append_tx(const struct work_ctx *ctx, const char *action, const char *target,
			 const json_t *detail, struct err *e)
{
	struct store_audit a = {0};
	char prev[STORE_HASH_HEX + 1];
	char *canon = NULL;
	int rc;

	if (detail != NULL && !json_is_object(detail))
		return err_set(e, BASE_E_USAGE, "审计详情必须是 JSON 对象");
	if (audit_check_field("操作者", ctx->actor, e) != 0 ||
	    audit_check_field("操作", action, e) != 0 || audit_check_field("对象", target, e) != 0)
		return e->code;
	if (detail != NULL)
		canon = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	else
		canon = xstrdup("{}");
	if (canon == NULL)
		return err_set(e, BASE_E_INTERNAL, "审计详情无法序列化");
	if (strlen(canon) > STORE_AUDIT_DETAIL_MAX) {
		rc = err_set(e, BASE_E_LIMIT, "审计详情过长（上限 %d 字节）",
			     STORE_AUDIT_DETAIL_MAX);
		goto out_free_canon;
	}
	rc = store_audit_head(ctx->st, &a.id, prev, e);
	if (rc != 0)
		goto out_free_canon;
	if (a.id == 0)
		memcpy(prev, WORK_AUDIT_GENESIS, sizeof(prev));
	a.id++;
	a.ts = work_now(ctx);
	a.actor = ctx->actor;
	a.action = action;
	a.target = target;
	a.detail = canon;
	memcpy(a.prev_hash, prev, sizeof(prev));
	rc = work_audit_hash(prev, &a, a.hash, e);
	if (rc != 0)
		goto out_free_canon;
	rc = store_audit_insert(ctx->st, &a, e);

out_free_canon:
	free(canon);
	return rc;
}

int work_audit_append(const struct work_ctx *ctx, const char *action, const char *target,
		      const json_t *detail, struct err *e)
{
	int rc = store_tx_begin(ctx->st, e);

	if (rc != 0)
		return rc;
	rc = work_audit_append_tx(ctx, action, target, detail, e);
	if (rc != 0) {
		store_tx_rollback(ctx->st);
		return rc;
	}
	return store_tx_commit(ctx->st, e);
}

struct verify_state {
	struct work_audit_report *r;
	char prev[STORE_HASH_HEX + 1];
	struct err *e;
};

static int verify_break(struct verify_state *vs, const struct store_audit *a, int reason)
{
	struct work_audit_report *r = vs->r;

	r->broken_id = a->id;
	r->reason = reason;
	switch (reason) {
	case WORK_AUDIT_GAP:
		if (a->id > r->expected_id + 1)
			snprintf(r->message, sizeof(r->message),
				 "第 %" PRId64 " 条之前缺少第 %" PRId64 "–%" PRId64
				 " 条（记录被删除）",
				 a->id, r->expected_id, a->id - 1);
		else if (a->id == r->expected_id + 1)
			snprintf(r->message, sizeof(r->message),
				 "第 %" PRId64 " 条之前缺少第 %" PRId64 " 条（记录被删除）", a->id,
				 r->expected_id);
		else
			snprintf(r->message, sizeof(r->message),
				 "第 %" PRId64 " 条的编号不连续（应为 %" PRId64 "）", a->id,
				 r->expected_id);
		break;
	case WORK_AUDIT_RELINK:
		snprintf(r->message, sizeof(r->message),
			 "第 %" PRId64 " 条的前一哈希与上一条不符（记录被删除或顺序被调换）",
			 a->id);
		break;
	default:
		snprintf(r->message, sizeof(r->message),
			 "第 %" PRId64 " 条的内容与其哈希不符（记录被修改）", a->id);
		break;
	}
	return 1;
}

static int verify_one(const struct store_audit *a, void *arg)
{
	struct verify_state *vs = arg;
	struct work_audit_report *r = vs->r;
	char want[STORE_HASH_HEX + 1];
	struct err he = {0};

	r->entries++;
	if (a->id != r->expected_id)
		return verify_break(vs, a, WORK_AUDIT_GAP);
	if (strcmp(a->prev_hash, vs->prev) != 0)
		return verify_break(vs, a, WORK_AUDIT_RELINK);
	if (work_audit_hash(vs->prev, a, want, &he) != 0 || strcmp(want, a->hash) != 0)
		return verify_break(vs, a, WORK_AUDIT_EDITED);
	memcpy(vs->prev, a->hash, sizeof(vs->prev));
	r->head_id = a->id;
	memcpy(r->head_hash, a->hash, sizeof(r->head_hash));
	r->expected_id++;
	return 0;
}

int work_audit_verify(struct store *st, struct work_audit_report *r, struct err *e)
{
	struct verify_state vs = {.r = r, .e = e};
	int rc;

	memset(r, 0, sizeof(*r));
	r->expected_id = 1;
	memcpy(vs.prev, WORK_AUDIT_GENESIS, sizeof(vs.prev));
	memcpy(r->head_hash, WORK_AUDIT_GENESIS, sizeof(r->head_hash));
	rc = store_audit_iter(st, NULL, verify_one, &vs, e);
	if (rc < 0)
		return rc;
	if (r->reason == WORK_AUDIT_INTACT)
		snprintf(r->message, sizeof(r->message), "审计链完整（%" PRId64 " 条）",
			 r->entries);
	return 0;
}

const char *work_audit_reason_key(int reason)
{
	switch (reason) {
	case WORK_AUDIT_INTACT:
		return "intact";
	case WORK_AUDIT_GAP:
		return "gap";
	case WORK_AUDIT_RELINK:
		return "relinked";
	default:
		return "edited";
	}
}
