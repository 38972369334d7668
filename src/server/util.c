/* server: routing, policy, status mapping, escaping, rate limit, assets —
 * the pure parts, unit-tested without a socket (see server.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "server/server.h"
#include "server/server_internal.h"
#include "store/model_store.h"

static const struct {
	const char *name;
	unsigned bit;
} util_roles[] = {
    {"public", SERVER_ROLE_PUBLIC},	{"admin", SERVER_ROLE_ADMIN},
    {"guardian", SERVER_ROLE_GUARDIAN}, {"staff", SERVER_ROLE_STAFF},
    {"auditor", SERVER_ROLE_AUDITOR},
};

unsigned server_role_bit(const char *role)
{
	if (role == NULL)
		return SERVER_ROLE_PUBLIC;
	for (size_t i = 1; i < ARRAY_LEN(util_roles); i++) {
		if (strcmp(role, util_roles[i].name) == 0)
			return util_roles[i].bit;
	}
	return 0;
}

void server_roles_format(unsigned roles, char *out, size_t cap)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(util_roles); i++) {
		int n;

		if (!(roles & util_roles[i].bit))
			continue;
		n = snprintf(out + o, cap - o, "%s%s", o ? "," : "", util_roles[i].name);
		if (n < 0 || (size_t)n >= cap - o)
			return;
		o += (size_t)n;
	}
}

/* Match one pattern; {id} takes a positive decimal of at most 18 digits. */
static bool util_pattern_match(const char *pat, const char *path, int64_t *id)
{
	if (pat[0] == '/' && pat[1] == '*' && pat[2] == '\0')
		return strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0 &&
		       strcmp(path, "/healthz") != 0;
	while (*pat != '\0') {
		if (*pat == '{' && strncmp(pat, "{id}", 4) == 0) {
			int64_t v = 0;
			int digits = 0;

			while (*path >= '0' && *path <= '9' && digits < 18) {
				v = v * 10 + (*path - '0');
				path++;
				digits++;
			}
			if (digits == 0 || (*path >= '0' && *path <= '9') || v <= 0)
				return false;
			*id = v;
			pat += 4;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	return *path == '\0';
}

int server_route_find(const char *method, const char *path, const struct server_route **out,
		      int64_t *id)
{
	size_t n;
	const struct server_route *rt = server_routes(&n);
	bool path_known = false;

	*out = NULL;
	*id = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t v = 0;

		if (!util_pattern_match(rt[i].pattern, path, &v))
			continue;
		path_known = true;
		if (strcmp(rt[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(rt[i].method, "GET") == 0)) {
			*out = &rt[i];
			*id = v;
			return 0;
		}
	}
	return path_known ? SERVER_E_METHOD : BASE_E_NOTFOUND;
}

int server_policy(const struct server_route *route, const char *role)
{
	unsigned bit;

	if (route->roles & SERVER_ROLE_PUBLIC)
		return 0;
	if (role == NULL)
		return 401;
	bit = server_role_bit(role);
	if (bit == 0 || bit == SERVER_ROLE_PUBLIC || !(route->roles & bit))
		return 403;
	return 0;
}

bool server_method_changes_state(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	       strcmp(method, "OPTIONS") != 0;
}

static const struct {
	int code;
	int status;
	const char *key;
} util_errors[] = {
    {BASE_E_FORMAT, 400, "bad_request"}, {BASE_E_USAGE, 400, "bad_request"},
    {BASE_E_UNSAFE, 400, "bad_request"}, {BASE_E_AUTH, 401, "unauthorized"},
    {BASE_E_NOTFOUND, 404, "not_found"}, {BASE_E_CONFLICT, 409, "conflict"},
    {BASE_E_LIMIT, 413, "too_large"},	 {BASE_E_LOCKED, 429, "locked"},
    {BASE_E_BUSY, 503, "busy"},
};

int server_http_status(int code)
{
	for (size_t i = 0; i < ARRAY_LEN(util_errors); i++) {
		if (util_errors[i].code == code)
			return util_errors[i].status;
	}
	return 500;
}

const char *server_error_key(int code)
{
	for (size_t i = 0; i < ARRAY_LEN(util_errors); i++) {
		if (util_errors[i].code == code)
			return util_errors[i].key;
	}
	return "internal";
}

int server_html_escape(struct buf *b, const char *s)
{
	int rc = 0;

	for (; *s != '\0' && rc == 0; s++) {
		switch (*s) {
		case '&':
			rc = buf_adds(b, "&amp;");
			break;
		case '<':
			rc = buf_adds(b, "&lt;");
			break;
		case '>':
			rc = buf_adds(b, "&gt;");
			break;
		case '"':
			rc = buf_adds(b, "&quot;");
			break;
		case '\'':
			rc = buf_adds(b, "&#39;");
			break;
		default:
			rc = buf_addc(b, *s);
		}
	}
	return rc;
}

int server_csv_field(struct buf *b, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool defuse = strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0';
	int rc = 0;

	if (quote || defuse)
		rc = buf_addc(b, '"');
	if (rc == 0 && defuse)
		rc = buf_addc(b, '\'');
	for (; *s != '\0' && rc == 0; s++)
		rc = *s == '"' ? buf_adds(b, "\"\"") : buf_addc(b, *s);
	if (rc == 0 && (quote || defuse))
		rc = buf_addc(b, '"');
	return rc;
}

void server_content_disposition(const char *name, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0, k;
	int w;

	w = snprintf(out, cap, "attachment; filename=\"");
	n = w > 0 ? (size_t)w : 0;
	for (k = 0; name[k] != '\0' && n + 40 < cap / 2; k++) {
		unsigned char c = (unsigned char)name[k];

		out[n++] = (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') ? '_' : (char)c;
	}
	n += (size_t)snprintf(out + n, cap - n, "\"; filename*=UTF-8''");
	for (k = 0; name[k] != '\0' && n + 4 < cap; k++) {
		unsigned char c = (unsigned char)name[k];

		if (isalnum(c) || strchr("!#$&+-.^_`|~", c) != NULL)
			out[n++] = (char)c;
		else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n < cap ? n : cap - 1] = '\0';
}

void server_log_path(const char *uri, char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)uri; *p && *p != '?' && *p != '#';
	     p++) {
		if (*p > 0x20 && *p < 0x7f && *p != '"' && *p != '\\') {
			if (o + 1 >= cap)
				break;
			out[o++] = (char)*p;
		} else {
			if (o + 3 >= cap)
				break;
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
}

/* ---- login rate limit ---- */

struct util_bucket {
	char key[48]; /* an IPv6 address in text fits in 46 bytes */
	double tokens;
	int64_t updated;
};

struct server_ratelimit {
	struct util_bucket *slots;
	size_t n;
	int burst;
	int64_t refill_ms;
};

struct server_ratelimit *server_ratelimit_new(size_t slots, int burst, int64_t refill_ms)
{
	struct server_ratelimit *rl = xcalloc(1, sizeof(*rl));

	rl->slots = xcalloc(slots, sizeof(*rl->slots));
	rl->n = slots;
	rl->burst = burst;
	rl->refill_ms = refill_ms;
	return rl;
}

void server_ratelimit_set(struct server_ratelimit *rl, int burst, int64_t refill_ms)
{
	rl->burst = burst;
	rl->refill_ms = refill_ms;
	for (size_t i = 0; i < rl->n; i++)
		if (rl->slots[i].tokens > burst)
			rl->slots[i].tokens = burst;
}

void server_ratelimit_free(struct server_ratelimit *rl)
{
	if (rl == NULL)
		return;
	free(rl->slots);
	free(rl);
}

bool server_ratelimit_take(struct server_ratelimit *rl, const char *key, int64_t now_ms,
			   int64_t *retry_ms)
{
	struct util_bucket *b = NULL;
	struct util_bucket *oldest = &rl->slots[0];

	for (size_t i = 0; i < rl->n; i++) {
		struct util_bucket *s = &rl->slots[i];

		if (s->key[0] != '\0' && strcmp(s->key, key) == 0) {
			b = s;
			break;
		}
		if (s->updated < oldest->updated)
			oldest = s;
	}
	if (b == NULL) {
		/* A full table forgets the least recently seen address: at worst
		 * that address gets a fresh burst, never a lock-out of others. */
		b = oldest;
		snprintf(b->key, sizeof(b->key), "%s", key);
		b->tokens = rl->burst;
		b->updated = now_ms;
	}
	if (now_ms > b->updated) {
		b->tokens += (double)(now_ms - b->updated) / (double)rl->refill_ms;
		if (b->tokens > rl->burst)
			b->tokens = rl->burst;
	}
	b->updated = now_ms;
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		*retry_ms = 0;
		return true;
	}
	*retry_ms = (int64_t)((1.0 - b->tokens) * (double)rl->refill_ms) + 1;
	return false;
}

/* ---- embedded assets ---- */

const struct server_asset *server_asset_find(const char *path)
{
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	for (size_t i = 0; i < server_assets_count; i++) {
		if (strcmp(server_assets[i].path, path) == 0)
			return &server_assets[i];
	}
	return NULL;
}

const char *server_content_type(const char *path)
{
	static const struct {
		const char *ext;
		const char *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".json", "application/json"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	    {".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot != NULL && i < ARRAY_LEN(types); i++) {
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

void server_usage_fill(struct store_model_usage *u, const struct model_usage *mu, uint64_t start_ns,
		       uint64_t first_ns)
{
	u->prompt_tokens = mu->prompt_tokens;
	u->completion_tokens = mu->completion_tokens;
	u->reasoning_tokens = mu->reasoning_tokens;
	u->first_token_ms = first_ns ? (int64_t)((first_ns - start_ns) / 1000000) : 0;
	u->duration_ms = (int64_t)((base_now_ns() - start_ns) / 1000000);
}

void server_usage_add(const struct work_ctx *ctx, struct store_model_usage *u,
		      const struct model_usage *mu, uint64_t start_ns, uint64_t first_ns,
		      struct buf *reasoning, const char *label)
{
	struct err e = {0};
	int64_t id;

	buf_addc(reasoning, '\0');
	reasoning->len--;
	u->ts = work_now(ctx);
	server_usage_fill(u, mu, start_ns, first_ns);
	u->reasoning = reasoning->p != NULL ? reasoning->p : "";
	if (store_model_usage_add(ctx->st, u, &id, &e) != 0)
		base_log(LOG_ERROR, "%s: 用量记录失败：%s", label, e.msg);
}
