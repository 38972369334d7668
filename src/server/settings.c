/* server/settings: runtime settings from the database over the config
 * file (see settings.h for the layers and the rules). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "server/settings.h"
#include "store/settings_store.h"
#include "work/audit.h"

#define SET_SRC "设置"

/* type: 'i' integer, 'b' boolean, 's' text, 'e' one of choices, 'k' secret. */
struct set_key {
	const char *key;
	const char *section; /* model, queue, portal, login */
	const char *label;
	char type;
	const char *choices;
};

/* The allow-list: only these keys may be changed at runtime. */
static const struct set_key set_keys[] = {
    {"model.kind", "model", "协议类型", 'e', "openai,ollama"},
    {"model.name", "model", "服务名称", 's', NULL},
    {"model.base_url", "model", "服务地址", 's', NULL},
    {"model.model", "model", "模型名称", 's', NULL},
    {"model.api_key", "model", "API 密钥", 'k', NULL},
    {"model.reasoning_field", "model", "推理内容字段", 's', NULL},
    {"model.think_tags", "model", "think 标签处理", 'e', "auto,open,off"},
    {"model.json_mode", "model", "支持 JSON 模式", 'b', NULL},
    {"model.tools", "model", "支持工具调用", 'b', NULL},
    {"model.max_tokens", "model", "最大输出词元（0 为服务默认）", 'i', NULL},
    {"model.max_streams", "queue", "每个模型端点最大并发流", 'i', NULL},
    {"model.max_queue", "queue", "排队长度", 'i', NULL},
    {"model.daily_tokens", "queue", "每人每日词元额度（0 为不限）", 'i', NULL},
    {"model.public_share", "queue", "公众访问优先份额（%）", 'i', NULL},
    {"portal_burst", "portal", "门户每个 IP 突发请求数", 'i', NULL},
    {"portal_per_minute", "portal", "门户每个 IP 每分钟请求数", 'i', NULL},
    {"login_burst", "login", "每个 IP 连续登录尝试次数", 'i', NULL},
    {"session_idle_s", "login", "会话空闲超时（秒）", 'i', NULL},
    {"session_max_s", "login", "会话最长时间（秒）", 'i', NULL},
    {"kb_embed_wait_ms", "kb", "检索等待问题向量的时间（毫秒）", 'i', NULL},
    {"kb_embed_retry_s", "kb", "向量服务失败后暂停调用（秒）", 'i', NULL},
    {"kb_vector_memory_mb", "kb", "内存中向量副本上限（MB）", 'i', NULL},
};

static const struct set_key *set_find(const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(set_keys); i++)
		if (strcmp(set_keys[i].key, key) == 0)
			return &set_keys[i];
	return NULL;
}

static bool set_is_model(const struct set_key *k)
{
	return strncmp(k->key, "model.", 6) == 0;
}

static bool set_pinned(const struct server_config *base, const struct set_key *k)
{
	return server_config_source(base, set_is_model(k) ? "model" : k->key) == 'p';
}

/* ---- database rows as {key: value} ---- */

struct set_rows {
	json_t *values; /* key → JSON value */
	json_t *meta;	/* key → {updated_at, updated_by} */
};

static int set_row_cb(const char *key, const char *value, int64_t at, const char *by, void *arg)
{
	struct set_rows *r = arg;
	json_t *v = json_loads(value, JSON_DECODE_ANY, NULL);

	if (v == NULL || set_find(key) == NULL) {
		base_log(LOG_WARN, "settings: 忽略数据库中无效的设置行 %s", key);
		json_decref(v);
		return 0;
	}
	json_object_set_new(r->values, key, v);
	json_object_set_new(r->meta, key,
			    json_pack("{s:I,s:s}", "updated_at", (json_int_t)at, "updated_by", by));
	return 0;
}

static int set_rows_load(struct store *st, struct set_rows *r, struct err *e)
{
	r->values = json_object();
	r->meta = json_object();
	return store_settings_iter(st, set_row_cb, r, e);
}

static void set_rows_free(struct set_rows *r)
{
	json_decref(r->values);
	json_decref(r->meta);
}

/* ---- composing ---- */

static json_t *set_model_object(const struct server_config *c)
{
	json_t *m = c->model[0] ? json_loads(c->model, 0, NULL) : NULL;

	return json_is_object(m) ? m : (json_decref(m), json_object());
}

static int set_compose_rows(const struct server_config *base, const json_t *rows,
			    struct server_config *out, struct err *e)
{
	json_t *m = NULL;
	int rc = 0;

	*out = *base;
	for (size_t i = 0; i < ARRAY_LEN(set_keys) && rc == 0; i++) {
		const struct set_key *k = &set_keys[i];
		json_t *v = json_object_get(rows, k->key);
		char text[32];

		if (v == NULL || set_pinned(base, k))
			continue;
		if (set_is_model(k)) {
			if (m == NULL)
				m = set_model_object(base);
			if (k->type == 'k' && json_string_length(v) == 0)
				json_object_del(m, k->key + 6);
			else
				json_object_set(m, k->key + 6, v);
			continue;
		}
		if (!json_is_integer(v)) {
			rc = err_set(e, BASE_E_USAGE, "%s：“%s”须为整数", SET_SRC, k->label);
			break;
		}
		snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
		rc = server_config_set_runtime(out, k->key, text, SET_SRC, e);
	}
	if (rc == 0 && m != NULL) {
		char *text = json_object_size(m) ? json_dumps(m, JSON_COMPACT) : NULL;

		rc = server_config_set_runtime(out, "model", text ? text : "", SET_SRC, e);
		if (text != NULL) {
			memset(text, 0, strlen(text)); /* may hold the API key */
			free(text);
		}
	}
	json_decref(m);
	if (rc == 0)
		rc = server_config_check(out, e);
	return rc;
}

int server_settings_compose(const struct server_config *base, struct store *st,
			    struct server_config *out, struct err *e)
{
	struct set_rows rows;
	int rc = set_rows_load(st, &rows, e);

	if (rc == 0)
		rc = set_compose_rows(base, rows.values, out, e);
	if (rc != 0)
		*out = *base;
	set_rows_free(&rows);
	return rc;
}

/* ---- values as the API shows them ---- */

/* The "model" object of c as model/ prints it (API key as "***"), with
 * defaults when no model is configured. */
static json_t *set_model_view(const struct server_config *c)
{
	struct model_provider p;
	struct err e = {0};
	char *s;
	json_t *o;

	if (c->model[0] == '\0' ||
	    model_provider_parse(&p, c->model, strlen(c->model), "", &e) != 0)
		model_provider_defaults(&p);
	s = model_provider_json(&p);
	o = json_loads(s, 0, NULL);
	free(s);
	return o;
}

/* The effective value of k in c (new reference); the API key as "***"/"". */
static json_t *set_value(const struct server_config *c, json_t *model_view, const struct set_key *k)
{
	long long v, lo, hi;

	if (set_is_model(k))
		return json_incref(json_object_get(model_view, k->key + 6));
	if (server_config_int(c, k->key, &v, &lo, &hi))
		return json_integer(v);
	return json_null();
}

json_t *server_settings_view(const struct server_config *base, const struct server_config *live,
			     struct store *st, struct err *e)
{
	struct server_config defs;
	struct set_rows rows;
	json_t *list = json_array();
	json_t *mlive = set_model_view(live);
	json_t *mbase = set_model_object(base);
	json_t *mdef;
	struct model_provider pd;
	char *s;

	if (set_rows_load(st, &rows, e) != 0) {
		set_rows_free(&rows);
		json_decref(list);
		json_decref(mlive);
		json_decref(mbase);
		return NULL;
	}
	server_config_defaults(&defs);
	model_provider_defaults(&pd);
	s = model_provider_json(&pd);
	mdef = json_loads(s, 0, NULL);
	free(s);
	for (size_t i = 0; i < ARRAY_LEN(set_keys); i++) {
		const struct set_key *k = &set_keys[i];
		json_t *o = json_pack("{s:s,s:s,s:s}", "key", k->key, "section", k->section,
				      "label", k->label);
		const char *type = k->type == 'i'   ? "int"
				   : k->type == 'b' ? "bool"
				   : k->type == 'e' ? "enum"
				   : k->type == 'k' ? "secret"
						    : "text";
		const char *source;
		json_t *meta = json_object_get(rows.meta, k->key);
		long long v, lo = 0, hi = 0;

		json_object_set_new(o, "type", json_string(type));
		if (set_pinned(base, k))
			source = "env";
		else if (json_object_get(rows.values, k->key) != NULL)
			source = "db";
		else if (set_is_model(k) ? json_object_get(mbase, k->key + 6) != NULL
					 : server_config_source(base, k->key) == 'f')
			source = "file";
		else
			source = "default";
		json_object_set_new(o, "source", json_string(source));
		json_object_set_new(o, "editable", json_boolean(!set_pinned(base, k)));
		if (k->type == 'k') {
			/* write-only: whether it is set, never the value */
			json_t *ak = json_object_get(mlive, "api_key");

			json_object_set_new(o, "set", json_boolean(json_string_length(ak) > 0));
			json_object_set_new(o, "value", json_null());
			json_object_set_new(o, "default", json_string(""));
		} else {
			json_object_set_new(o, "value", set_value(live, mlive, k));
			json_object_set_new(o, "default", set_value(&defs, mdef, k));
		}
		if (k->type == 'i') {
			if (set_is_model(k))
				model_provider_key(k->key + 6, &lo, &hi);
			else
				server_config_int(live, k->key, &v, &lo, &hi);
			json_object_set_new(o, "min", json_integer(lo));
			json_object_set_new(o, "max", json_integer(hi));
		}
		if (k->choices != NULL)
			json_object_set_new(o, "choices", json_string(k->choices));
		if (meta != NULL)
			json_object_update(o, meta);
		json_array_append_new(list, o);
	}
	set_rows_free(&rows);
	json_decref(mbase);
	json_decref(mdef);
	json_decref(mlive);
	return json_pack("{s:o,s:b}", "settings", list, "model_configured", live->model[0] != '\0');
}

/* ---- changes ---- */

/* Check one change's key and type; v NULL or null drops the row. */
static int set_check(const struct server_config *base, const char *key, const json_t *v,
		     struct err *e)
{
	const struct set_key *k = set_find(key);
	bool ok;

	if (k == NULL)
		return err_set(e, BASE_E_USAGE, "未知的设置项“%.64s”（只能修改系统设置页列出的项）",
			       key);
	if (set_pinned(base, k))
		return err_set(e, BASE_E_USAGE,
			       "“%s”由环境变量或命令行设定，不能在此修改（请修改部署配置）",
			       k->label);
	if (v == NULL || json_is_null(v))
		return 0;
	switch (k->type) {
	case 'i':
		ok = json_is_integer(v);
		break;
	case 'b':
		ok = json_is_boolean(v);
		break;
	default:
		ok = json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v);
		break;
	}
	if (!ok)
		return err_set(e, BASE_E_USAGE, "“%s”须为%s", k->label,
			       k->type == 'i'	? "整数"
			       : k->type == 'b' ? "true 或 false"
						: "文本");
	if (json_is_string(v) && json_string_length(v) > 2048)
		return err_set(e, BASE_E_USAGE, "“%s”过长（上限 2048 字节）", k->label);
	return 0;
}

/* rows with changes applied (new reference), or NULL with e set. */
static json_t *set_apply_changes(const struct server_config *base, const json_t *rows,
				 const json_t *changes, struct err *e)
{
	json_t *out = json_deep_copy(rows);
	const char *key;
	json_t *v;

	if (!json_is_object(changes)) {
		json_decref(out);
		err_set(e, BASE_E_USAGE, "请求须为 {\"settings\": {设置项: 值}}");
		return NULL;
	}
	json_object_foreach((json_t *)changes, key, v)
	{
		if (set_check(base, key, v, e) != 0) {
			json_decref(out);
			return NULL;
		}
		if (json_is_null(v))
			json_object_del(out, key);
		else
			json_object_set(out, key, v);
	}
	return out;
}

int server_settings_preview(const struct server_config *base, struct store *st,
			    const json_t *changes, struct server_config *out, struct err *e)
{
	struct set_rows rows;
	json_t *next;
	int rc = set_rows_load(st, &rows, e);

	if (rc != 0) {
		set_rows_free(&rows);
		return rc;
	}
	next = set_apply_changes(base, rows.values, changes, e);
	rc = next ? set_compose_rows(base, next, out, e) : BASE_E_USAGE;
	json_decref(next);
	set_rows_free(&rows);
	return rc;
}

static json_t *set_audit_value(const struct set_key *k, json_t *v)
{
	if (k->type == 'k') {
		bool set = json_string_length(v) > 0;

		json_decref(v);
		return json_string(set ? "***" : "");
	}
	return v;
}

int server_settings_update(const struct work_ctx *ctx, const struct server_config *base,
			   const struct server_config *live, const json_t *changes,
			   struct server_config *out, size_t *changed, struct err *e)
{
	struct set_rows rows;
	json_t *next = NULL, *list = NULL, *mold = NULL, *mnew = NULL;
	const char *key;
	json_t *v;
	int rc;

	*changed = 0;
	rc = set_rows_load(ctx->st, &rows, e);
	if (rc == 0) {
		next = set_apply_changes(base, rows.values, changes, e);
		rc = next ? set_compose_rows(base, next, out, e) : BASE_E_USAGE;
	}
	if (rc != 0)
		goto out;
	mold = set_model_view(live);
	mnew = set_model_view(out);
	list = json_array();
	json_object_foreach((json_t *)changes, key, v)
	{
		const struct set_key *k = set_find(key);
		json_t *was = json_object_get(rows.values, key);
		json_t *ov, *nv;

		if ((was == NULL && json_is_null(v)) || (was != NULL && json_equal(was, v)))
			continue; /* the row stays as it is */
		ov = set_audit_value(k, set_value(live, mold, k));
		nv = set_audit_value(k, set_value(out, mnew, k));
		if (k->type == 'k' && !json_is_null(v))
			json_string_set(nv, "***"); /* a new key, even the same one */
		json_array_append_new(list,
				      json_pack("{s:s,s:o,s:o,s:s}", "key", key, "old", ov, "new",
						nv, "row", json_is_null(v) ? "removed" : "set"));
	}
	if (json_array_size(list) == 0)
		goto out;
	rc = store_tx_begin(ctx->st, e);
	if (rc != 0)
		goto out;
	json_object_foreach((json_t *)changes, key, v)
	{
		if (json_is_null(v)) {
			rc = store_setting_delete(ctx->st, key, e);
		} else {
			char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

			rc = store_setting_put(ctx->st, key, text, work_now(ctx), ctx->actor, e);
			if (text != NULL) {
				memset(text, 0, strlen(text));
				free(text);
			}
		}
		if (rc != 0)
			break;
	}
	if (rc == 0) {
		json_t *detail = json_pack("{s:O}", "changes", list);

		rc = work_audit_append_tx(ctx, "settings.update", "settings", detail, e);
		json_decref(detail);
	}
	if (rc == 0)
		rc = store_tx_commit(ctx->st, e);
	if (rc != 0)
		store_tx_rollback(ctx->st);
	else
		*changed = json_array_size(list);
out:
	json_decref(list);
	json_decref(mold);
	json_decref(mnew);
	json_decref(next);
	set_rows_free(&rows);
	return rc;
}
