/* server: settings of `shuzhi serve` from defaults, a JSON config file, the
 * environment and the command line (see server.h, docs/OPERATIONS.md). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/embed.h"
#include "model/model.h"
#include "server/server.h"
#include "server/workers.h"

enum cfg_kind { CFG_LISTEN, CFG_DB, CFG_BOOL, CFG_INT, CFG_MODEL, CFG_EMBEDDING, CFG_ADDRS };

enum cfg_id {
	K_LISTEN,
	K_DB,
	K_BEHIND_TLS,
	K_LOGIN_BURST,
	K_PORTAL_BURST,
	K_PORTAL_PER_MIN,
	K_MAX_BODY,
	K_MAX_UPLOAD,
	K_MAX_HEADER,
	K_TIMEOUT,
	K_SESSION_IDLE,
	K_SESSION_MAX,
	K_MODEL,
	K_EMBEDDING,
	K_TASK_FILE_AGE,
	K_TASK_MODEL_TIMEOUT,
	K_MAX_CONNS_PER_IP,
	K_TRUSTED_PROXIES,
	K_WORKERS,
	K_KB_EMBED_WAIT,
	K_KB_EMBED_DOWN,
	K_KB_VEC_MEM
};

struct cfg_key {
	enum cfg_id id;
	const char *key;
	const char *env;
	enum cfg_kind kind;
	long long min, max;
};

/* One row per setting; the order is the order of --print-config. */
static const struct cfg_key cfg_keys[] = {
    {K_LISTEN, "listen", "SHUZHI_LISTEN", CFG_LISTEN, 0, 0},
    {K_DB, "db", "SHUZHI_DB", CFG_DB, 0, 0},
    {K_BEHIND_TLS, "behind_tls", "SHUZHI_BEHIND_TLS", CFG_BOOL, 0, 1},
    {K_LOGIN_BURST, "login_burst", "SHUZHI_LOGIN_BURST", CFG_INT, 1, 1000},
    {K_PORTAL_BURST, "portal_burst", "SHUZHI_PORTAL_BURST", CFG_INT, 1, 100000},
    {K_PORTAL_PER_MIN, "portal_per_minute", "SHUZHI_PORTAL_PER_MINUTE", CFG_INT, 1, 60000},
    {K_MAX_BODY, "max_body_bytes", "SHUZHI_MAX_BODY_BYTES", CFG_INT, 1024, 64LL * 1024 * 1024},
    {K_MAX_UPLOAD, "max_upload_bytes", "SHUZHI_MAX_UPLOAD_BYTES", CFG_INT, 1024,
     4LL * 1024 * 1024 * 1024},
    {K_MAX_HEADER, "max_header_bytes", "SHUZHI_MAX_HEADER_BYTES", CFG_INT, 1024, 1024 * 1024},
    {K_TIMEOUT, "request_timeout_s", "SHUZHI_REQUEST_TIMEOUT_S", CFG_INT, 1, 3600},
    {K_SESSION_IDLE, "session_idle_s", "SHUZHI_SESSION_IDLE_S", CFG_INT, 60, 86400},
    {K_SESSION_MAX, "session_max_s", "SHUZHI_SESSION_MAX_S", CFG_INT, 60, 30LL * 86400},
    {K_MODEL, "model", "SHUZHI_MODEL", CFG_MODEL, 0, 0},
    {K_EMBEDDING, "embedding", "SHUZHI_EMBEDDING", CFG_EMBEDDING, 0, 0},
    {K_TASK_FILE_AGE, "task_file_max_age_s", "SHUZHI_TASK_FILE_MAX_AGE_S", CFG_INT, 1,
     365LL * 86400},
    {K_TASK_MODEL_TIMEOUT, "task_model_timeout_s", "SHUZHI_TASK_MODEL_TIMEOUT_S", CFG_INT, 1, 3600},
    {K_MAX_CONNS_PER_IP, "max_conns_per_ip", "SHUZHI_MAX_CONNS_PER_IP", CFG_INT, 1, 100000},
    {K_TRUSTED_PROXIES, "trusted_proxies", "SHUZHI_TRUSTED_PROXIES", CFG_ADDRS, 0, 0},
    {K_WORKERS, "workers", "SHUZHI_WORKERS", CFG_INT, 1, SERVER_WORKERS_MAX},
    {K_KB_EMBED_WAIT, "kb_embed_wait_ms", "SHUZHI_KB_EMBED_WAIT_MS", CFG_INT, 50, 60000},
    {K_KB_EMBED_DOWN, "kb_embed_retry_s", "SHUZHI_KB_EMBED_RETRY_S", CFG_INT, 0, 86400},
    {K_KB_VEC_MEM, "kb_vector_memory_mb", "SHUZHI_KB_VECTOR_MEMORY_MB", CFG_INT, 1, 1 << 20},
};

static const struct cfg_key *cfg_find(const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(cfg_keys); i++)
		if (strcmp(cfg_keys[i].key, key) == 0)
			return &cfg_keys[i];
	return NULL;
}

void server_config_defaults(struct server_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->addr, sizeof(c->addr), "%s", SERVER_DEFAULT_ADDR);
	c->port = SERVER_DEFAULT_PORT;
	snprintf(c->db_path, sizeof(c->db_path), "%s", SERVER_DEFAULT_DB);
	c->login_burst = SERVER_LOGIN_BURST;
	c->portal_burst = SERVER_PORTAL_BURST;
	c->portal_per_minute = SERVER_PORTAL_PER_MINUTE;
	c->max_body_bytes = SERVER_MAX_BODY;
	c->max_upload_bytes = SERVER_MAX_UPLOAD;
	c->max_header_bytes = SERVER_MAX_HEADERS;
	c->request_timeout_s = SERVER_TIMEOUT_S;
	c->session_idle_s = SERVER_SESSION_IDLE_S;
	c->session_max_s = SERVER_SESSION_MAX_S;
	c->task_file_max_age_s = SERVER_TASK_FILE_MAX_AGE_S;
	c->task_model_timeout_s = SERVER_TASK_MODEL_TIMEOUT_S;
	c->max_conns_per_ip = SERVER_MAX_CONNS_PER_IP;
	c->workers = SERVER_WORKERS_DEFAULT;
	c->kb_embed_wait_ms = SERVER_KB_EMBED_WAIT_MS;
	c->kb_embed_retry_s = SERVER_KB_EMBED_RETRY_S;
	c->kb_vector_memory_mb = SERVER_KB_VECTOR_MEMORY_MB;
}

bool server_config_has_key(const char *key)
{
	return cfg_find(key) != NULL;
}

int server_parse_listen(const char *s, char *addr, size_t cap, int *port)
{
	const char *colon = strrchr(s, ':');
	const char *a = s;
	size_t alen;
	char *end = NULL;
	long p;

	if (colon == NULL)
		return -1;
	alen = (size_t)(colon - s);
	if (alen >= 2 && s[0] == '[' && s[alen - 1] == ']') {
		a = s + 1;
		alen -= 2;
	}
	if (alen == 0) {
		a = SERVER_DEFAULT_ADDR;
		alen = strlen(a);
	}
	if (alen >= cap)
		return -1;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || end == colon + 1 || *end != '\0' || p < 0 || p > 65535)
		return -1;
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	*port = p == 0 ? -1 : (int)p;
	return 0;
}

static int cfg_set_int(struct server_config *c, const struct cfg_key *k, long long v,
		       const char *src, struct err *e)
{
	if (v < k->min || v > k->max)
		return err_set(e, BASE_E_USAGE, "%s：“%s”须在 %lld–%lld 之间（现为 %lld）", src,
			       k->key, k->min, k->max, v);
	switch (k->id) {
	case K_LOGIN_BURST:
		c->login_burst = (int)v;
		break;
	case K_PORTAL_BURST:
		c->portal_burst = (int)v;
		break;
	case K_PORTAL_PER_MIN:
		c->portal_per_minute = (int)v;
		break;
	case K_MAX_BODY:
		c->max_body_bytes = v;
		break;
	case K_MAX_UPLOAD:
		c->max_upload_bytes = v;
		break;
	case K_MAX_HEADER:
		c->max_header_bytes = v;
		break;
	case K_TIMEOUT:
		c->request_timeout_s = v;
		break;
	case K_SESSION_IDLE:
		c->session_idle_s = v;
		break;
	case K_SESSION_MAX:
		c->session_max_s = v;
		break;
	case K_TASK_FILE_AGE:
		c->task_file_max_age_s = v;
		break;
	case K_TASK_MODEL_TIMEOUT:
		c->task_model_timeout_s = v;
		break;
	case K_MAX_CONNS_PER_IP:
		c->max_conns_per_ip = (int)v;
		break;
	case K_WORKERS:
		c->workers = (int)v;
		break;
	case K_KB_EMBED_WAIT:
		c->kb_embed_wait_ms = v;
		break;
	case K_KB_EMBED_DOWN:
		c->kb_embed_retry_s = v;
		break;
	case K_KB_VEC_MEM:
		c->kb_vector_memory_mb = v;
		break;
	default:
		return err_set(e, BASE_E_INTERNAL, "配置项 %s 不是整数", k->key);
	}
	return 0;
}

/* The model object: checked by model/ now, kept as compact JSON text. */
static int cfg_set_model(struct server_config *c, const char *s, const char *src, struct err *e)
{
	struct model_provider p;

	if (s[0] == '\0') {
		c->model[0] = '\0';
		return 0;
	}
	if (strlen(s) >= sizeof(c->model))
		return err_set(e, BASE_E_USAGE, "%s：“model”设置过长（上限 %zu 字节）", src,
			       sizeof(c->model) - 1);
	if (model_provider_parse(&p, s, strlen(s), src, e) != 0)
		return e->code;
	snprintf(c->model, sizeof(c->model), "%s", s);
	return 0;
}

/* The embedding provider (model/embed.h), kept like the model. */
static int cfg_set_embedding(struct server_config *c, const char *s, const char *src, struct err *e)
{
	struct model_embedder m;

	if (s[0] == '\0') {
		c->embedding[0] = '\0';
		return 0;
	}
	if (strlen(s) >= sizeof(c->embedding))
		return err_set(e, BASE_E_USAGE, "%s：“embedding”设置过长（上限 %zu 字节）", src,
			       sizeof(c->embedding) - 1);
	if (model_embedder_parse(&m, s, strlen(s), src, e) != 0)
		return e->code;
	snprintf(c->embedding, sizeof(c->embedding), "%s", s);
	return 0;
}

/* "10.0.0.1, ::1" → "10.0.0.1,::1": each an IPv4 or IPv6 address. */
static int cfg_set_addrs(struct server_config *c, const char *s, const char *src, struct err *e)
{
	struct buf out;
	const char *p = s;

	buf_init(&out, sizeof(c->trusted_proxies) - 1);
	while (*p != '\0') {
		const char *q = strchr(p, ',');
		size_t n = q ? (size_t)(q - p) : strlen(p);
		char one[64];
		unsigned char bin[16];

		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0) {
			if (n >= sizeof(one))
				goto bad;
			memcpy(one, p, n);
			one[n] = '\0';
			if (inet_pton(AF_INET, one, bin) != 1 && inet_pton(AF_INET6, one, bin) != 1)
				goto bad;
			if ((out.len > 0 && buf_addc(&out, ',') != 0) || buf_adds(&out, one) != 0) {
				buf_free(&out);
				return err_set(e, BASE_E_USAGE, "%s：“trusted_proxies”过长", src);
			}
		}
		p = q ? q + 1 : p + n;
		if (q == NULL)
			break;
	}
	snprintf(c->trusted_proxies, sizeof(c->trusted_proxies), "%s", out.p ? out.p : "");
	buf_free(&out);
	return 0;
bad:
	buf_free(&out);
	return err_set(
	    e, BASE_E_USAGE,
	    "%s：“trusted_proxies”须为 IP 地址列表（逗号分隔，例如 10.0.0.1,::1），现为“%s”", src,
	    s);
}

static int cfg_set_str(struct server_config *c, const struct cfg_key *k, const char *s,
		       const char *src, struct err *e)
{
	if (k->kind == CFG_ADDRS)
		return cfg_set_addrs(c, s, src, e);
	if (k->kind == CFG_MODEL)
		return cfg_set_model(c, s, src, e);
	if (k->kind == CFG_EMBEDDING)
		return cfg_set_embedding(c, s, src, e);
	if (k->kind == CFG_LISTEN) {
		if (server_parse_listen(s, c->addr, sizeof(c->addr), &c->port) != 0)
			return err_set(
			    e, BASE_E_USAGE,
			    "%s：“listen”须为 地址:端口，例如 127.0.0.1:8080（现为“%s”）", src, s);
		return 0;
	}
	if (s[0] == '\0')
		return err_set(e, BASE_E_USAGE, "%s：“db”不能为空", src);
	if (strlen(s) >= sizeof(c->db_path))
		return err_set(e, BASE_E_USAGE, "%s：“db”路径过长（上限 %zu 字节）", src,
			       sizeof(c->db_path) - 1);
	snprintf(c->db_path, sizeof(c->db_path), "%s", s);
	return 0;
}

static int cfg_set_text(struct server_config *c, const char *key, const char *text, const char *src,
			struct err *e)
{
	const struct cfg_key *k = cfg_find(key);
	char *end = NULL;
	long long v;

	if (k == NULL)
		return err_set(e, BASE_E_USAGE, "%s：未知的配置项“%s”", src, key);
	if (k->kind == CFG_LISTEN || k->kind == CFG_DB || k->kind == CFG_MODEL ||
	    k->kind == CFG_EMBEDDING || k->kind == CFG_ADDRS)
		return cfg_set_str(c, k, text, src, e);
	if (k->kind == CFG_BOOL) {
		if (strcmp(text, "1") == 0 || strcmp(text, "true") == 0 ||
		    strcmp(text, "yes") == 0 || strcmp(text, "on") == 0)
			c->behind_tls = true;
		else if (strcmp(text, "0") == 0 || strcmp(text, "false") == 0 ||
			 strcmp(text, "no") == 0 || strcmp(text, "off") == 0)
			c->behind_tls = false;
		else
			return err_set(
			    e, BASE_E_USAGE,
			    "%s：“%s”须为 true/false（或 1/0、yes/no、on/off），现为“%s”", src,
			    k->key, text);
		return 0;
	}
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0')
		return err_set(e, BASE_E_USAGE, "%s：“%s”须为整数（现为“%s”）", src, k->key, text);
	return cfg_set_int(c, k, v, src, e);
}

int server_config_set(struct server_config *c, const char *key, const char *text, const char *src,
		      struct err *e)
{
	int rc = cfg_set_text(c, key, text, src, e);

	if (rc == 0)
		c->pinned |= 1ull << cfg_find(key)->id;
	return rc;
}

int server_config_set_runtime(struct server_config *c, const char *key, const char *text,
			      const char *src, struct err *e)
{
	return cfg_set_text(c, key, text, src, e);
}

char server_config_source(const struct server_config *c, const char *key)
{
	const struct cfg_key *k = cfg_find(key);

	if (k == NULL)
		return 0;
	if (c->pinned & (1ull << k->id))
		return 'p';
	return (c->from_file & (1ull << k->id)) ? 'f' : 'd';
}

bool server_config_int(const struct server_config *c, const char *key, long long *v, long long *min,
		       long long *max)
{
	const struct cfg_key *k = cfg_find(key);

	if (k == NULL || k->kind != CFG_INT)
		return false;
	*min = k->min;
	*max = k->max;
	switch (k->id) {
	case K_LOGIN_BURST:
		*v = c->login_burst;
		break;
	case K_PORTAL_BURST:
		*v = c->portal_burst;
		break;
	case K_PORTAL_PER_MIN:
		*v = c->portal_per_minute;
		break;
	case K_MAX_BODY:
		*v = c->max_body_bytes;
		break;
	case K_MAX_UPLOAD:
		*v = c->max_upload_bytes;
		break;
	case K_MAX_HEADER:
		*v = c->max_header_bytes;
		break;
	case K_TIMEOUT:
		*v = c->request_timeout_s;
		break;
	case K_SESSION_IDLE:
		*v = c->session_idle_s;
		break;
	case K_SESSION_MAX:
		*v = c->session_max_s;
		break;
	case K_KB_EMBED_WAIT:
		*v = c->kb_embed_wait_ms;
		break;
	case K_KB_EMBED_DOWN:
		*v = c->kb_embed_retry_s;
		break;
	case K_KB_VEC_MEM:
		*v = c->kb_vector_memory_mb;
		break;
	default:
		return false;
	}
	return true;
}

int server_config_load_json(struct server_config *c, const char *data, size_t len, const char *name,
			    struct err *e)
{
	json_error_t jerr;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *key;
	json_t *val;
	char src[600];
	int rc = 0;

	snprintf(src, sizeof(src), "配置文件 %s", name);
	if (root == NULL)
		return err_set(e, BASE_E_FORMAT,
			       "%s：不是有效的 JSON（UTF-8）：第 %d 行第 %d 列：%s", src, jerr.line,
			       jerr.column, jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return err_set(e, BASE_E_FORMAT, "%s：顶层须为 JSON 对象 {…}", src);
	}
	json_object_foreach(root, key, val)
	{
		const struct cfg_key *k = cfg_find(key);

		if (k == NULL) {
			rc = err_set(e, BASE_E_USAGE, "%s：未知的配置项“%s”", src, key);
			break;
		}
		if (k->kind == CFG_BOOL) {
			if (!json_is_boolean(val)) {
				rc = err_set(e, BASE_E_USAGE, "%s：“%s”须为 true 或 false", src,
					     key);
				break;
			}
			c->behind_tls = json_is_true(val);
		} else if (k->kind == CFG_INT) {
			if (!json_is_integer(val)) {
				rc = err_set(e, BASE_E_USAGE, "%s：“%s”须为整数", src, key);
				break;
			}
			rc = cfg_set_int(c, k, (long long)json_integer_value(val), src, e);
		} else if (k->kind == CFG_MODEL || k->kind == CFG_EMBEDDING) {
			char *text = json_is_object(val) ? json_dumps(val, JSON_COMPACT) : NULL;

			if (text == NULL && !json_is_null(val)) {
				rc = err_set(e, BASE_E_USAGE, "%s：“%s”须为 JSON 对象", src, key);
				break;
			}
			rc = cfg_set_str(c, k, text ? text : "", src, e);
			free(text);
		} else if (k->kind == CFG_ADDRS && json_is_array(val)) {
			struct buf list;
			size_t i;
			json_t *it;

			buf_init(&list, 64 * 1024);
			json_array_foreach(val, i, it)
			{
				if (!json_is_string(it)) {
					rc = err_set(e, BASE_E_USAGE, "%s：“%s”须为字符串数组", src,
						     key);
					break;
				}
				if (i > 0)
					buf_addc(&list, ',');
				buf_adds(&list, json_string_value(it));
			}
			if (rc == 0)
				rc = cfg_set_addrs(c, list.p ? list.p : "", src, e);
			buf_free(&list);
		} else {
			if (!json_is_string(val) ||
			    strlen(json_string_value(val)) != json_string_length(val)) {
				rc = err_set(e, BASE_E_USAGE, "%s：“%s”须为字符串", src, key);
				break;
			}
			rc = cfg_set_str(c, k, json_string_value(val), src, e);
		}
		if (rc != 0)
			break;
		c->from_file |= 1ull << k->id;
	}
	json_decref(root);
	return rc;
}

int server_config_load_file(struct server_config *c, const char *path, struct err *e)
{
	char *data = NULL;
	size_t len = 0;
	int rc = base_read_file(path, SERVER_CONFIG_MAX, &data, &len, e);

	if (rc != 0)
		return rc;
	rc = server_config_load_json(c, data, len, path, e);
	free(data);
	return rc;
}

int server_config_apply_env(struct server_config *c, struct err *e)
{
	for (size_t i = 0; i < ARRAY_LEN(cfg_keys); i++) {
		const char *v = getenv(cfg_keys[i].env);
		char src[64];
		int rc;

		if (v == NULL || v[0] == '\0')
			continue;
		snprintf(src, sizeof(src), "环境变量 %s", cfg_keys[i].env);
		rc = server_config_set(c, cfg_keys[i].key, v, src, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int server_config_check(const struct server_config *c, struct err *e)
{
	if (c->session_idle_s > c->session_max_s)
		return err_set(e, BASE_E_USAGE,
			       "session_idle_s（%lld）不能大于 session_max_s（%lld）",
			       c->session_idle_s, c->session_max_s);
	return 0;
}

/* A database URL's password ("scheme://user:secret@host/…") as "***". */
static void cfg_redact_db(const char *db, char *out, size_t cap)
{
	const char *scheme = strstr(db, "://");
	const char *at, *colon, *slash;

	snprintf(out, cap, "%s", db);
	if (scheme == NULL)
		return;
	slash = strchr(scheme + 3, '/');
	at = strchr(scheme + 3, '@');
	if (at == NULL || (slash != NULL && at > slash))
		return;
	colon = memchr(scheme + 3, ':', (size_t)(at - (scheme + 3)));
	if (colon == NULL)
		return;
	snprintf(out, cap, "%.*s***%s", (int)(colon + 1 - db), db, at);
}

char *server_config_json(const struct server_config *c)
{
	json_t *o = json_object();
	char listen[300], db[sizeof(c->db_path) + 8];
	char *s;

	if (strchr(c->addr, ':') != NULL)
		snprintf(listen, sizeof(listen), "[%s]:%d", c->addr, c->port < 0 ? 0 : c->port);
	else
		snprintf(listen, sizeof(listen), "%s:%d", c->addr, c->port < 0 ? 0 : c->port);
	cfg_redact_db(c->db_path, db, sizeof(db));
	json_object_set_new(o, "listen", json_string(listen));
	json_object_set_new(o, "db", json_string(db));
	json_object_set_new(o, "behind_tls", json_boolean(c->behind_tls));
	json_object_set_new(o, "login_burst", json_integer(c->login_burst));
	json_object_set_new(o, "portal_burst", json_integer(c->portal_burst));
	json_object_set_new(o, "portal_per_minute", json_integer(c->portal_per_minute));
	json_object_set_new(o, "max_body_bytes", json_integer(c->max_body_bytes));
	json_object_set_new(o, "max_upload_bytes", json_integer(c->max_upload_bytes));
	json_object_set_new(o, "max_header_bytes", json_integer(c->max_header_bytes));
	json_object_set_new(o, "request_timeout_s", json_integer(c->request_timeout_s));
	json_object_set_new(o, "session_idle_s", json_integer(c->session_idle_s));
	json_object_set_new(o, "session_max_s", json_integer(c->session_max_s));
	json_object_set_new(o, "task_file_max_age_s", json_integer(c->task_file_max_age_s));
	json_object_set_new(o, "task_model_timeout_s", json_integer(c->task_model_timeout_s));
	json_object_set_new(o, "max_conns_per_ip", json_integer(c->max_conns_per_ip));
	json_object_set_new(o, "kb_embed_wait_ms", json_integer(c->kb_embed_wait_ms));
	json_object_set_new(o, "kb_embed_retry_s", json_integer(c->kb_embed_retry_s));
	json_object_set_new(o, "kb_vector_memory_mb", json_integer(c->kb_vector_memory_mb));
	{
		json_t *a = json_array();
		const char *p = c->trusted_proxies;

		while (*p != '\0') {
			const char *q = strchr(p, ',');
			size_t n = q ? (size_t)(q - p) : strlen(p);

			json_array_append_new(a, json_stringn(p, n));
			p += n + (q ? 1 : 0);
		}
		json_object_set_new(o, "trusted_proxies", a);
	}
	json_object_set_new(o, "workers", json_integer(c->workers));
	if (c->model[0] != '\0') {
		struct model_provider p;
		struct err e = {0};

		if (model_provider_parse(&p, c->model, strlen(c->model), "model", &e) == 0) {
			char *m = model_provider_json(&p); /* api_key as *** */

			json_object_set_new(o, "model", json_loads(m, 0, NULL));
			free(m);
		}
	}
	if (c->embedding[0] != '\0') {
		struct model_embedder m;
		struct err e = {0};

		if (model_embedder_parse(&m, c->embedding, strlen(c->embedding), "embedding", &e) ==
		    0)
			json_object_set_new(o, "embedding",
					    json_pack("{s:s,s:s,s:s,s:s,s:i,s:i}", "kind",
						      model_kind_name(m.p.kind), "base_url",
						      m.p.base_url, "model", m.p.model, "api_key",
						      m.p.api_key[0] ? "***" : "", "batch", m.batch,
						      "timeout_s", m.timeout_s));
	}
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (s == NULL) {
		fprintf(stderr, "shuzhi: out of memory\n");
		abort();
	}
	return s;
}
