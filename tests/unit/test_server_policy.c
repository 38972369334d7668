/* server: route table, policy, status mapping, escaping, rate limit, assets. */
#include "server/server.h"
#include "test.h"

#define A  SERVER_ROLE_ADMIN
#define AU SERVER_ROLE_AUDITOR
#define U  SERVER_ROLE_ANY_USER
#define P  SERVER_ROLE_PUBLIC

/* The reviewed policy of every route. A route added to the table without a
 * line here fails server_every_route_has_reviewed_policy: adding a route
 * means deciding, here, who may call it. */
static const struct {
	const char *method;
	const char *pattern;
	unsigned roles;
} expected[] = {
    {"GET", "/healthz", P},
    {"POST", "/api/login", P},
    {"POST", "/api/logout", U},
    {"GET", "/api/me", U},
    {"GET", "/api/departments", U},
    {"POST", "/api/departments", A},
    {"GET", "/api/users", A},
    {"POST", "/api/users", A},
    {"POST", "/api/users/{id}/disable", A},
    {"GET", "/api/audit", A | AU},
    {"GET", "/api/audit.csv", A | AU},
    {"GET", "/api/audit/verify", A | AU},
    {"GET", "/api/tokens", U},
    {"POST", "/api/tokens", U},
    {"POST", "/api/tokens/{id}/revoke", U},
    {"GET", "/api/scenarios", U},
    {"POST", "/api/gongwen/check", A | SERVER_ROLE_GUARDIAN | SERVER_ROLE_STAFF},
    {"POST", "/api/gongwen/fix", A | SERVER_ROLE_GUARDIAN | SERVER_ROLE_STAFF},
    {"GET", "/api/employees", U},
    {"POST", "/api/employees", A},
    {"GET", "/api/employees/{id}", U},
    {"POST", "/api/employees/{id}", A},
    {"POST", "/api/employees/{id}/submit", A | SERVER_ROLE_GUARDIAN},
    {"POST", "/api/employees/{id}/approve", SERVER_ROLE_GUARDIAN},
    {"POST", "/api/employees/{id}/pause", A | SERVER_ROLE_GUARDIAN},
    {"POST", "/api/employees/{id}/resume", SERVER_ROLE_GUARDIAN},
    {"POST", "/api/employees/{id}/retire", A},
    {"GET", "/api/tasks", U},
    {"POST", "/api/tasks", A | SERVER_ROLE_GUARDIAN | SERVER_ROLE_STAFF},
    {"GET", "/api/tasks/{id}", U},
    {"POST", "/api/tasks/{id}/edit", SERVER_ROLE_GUARDIAN},
    {"POST", "/api/tasks/{id}/decide", SERVER_ROLE_GUARDIAN},
    {"GET", "/api/tasks/{id}/export", U},
    {"GET", "/api/tasks/{id}/provenance", U},
    {"POST", "/api/task-files", A | SERVER_ROLE_GUARDIAN | SERVER_ROLE_STAFF},
    {"GET", "/api/task-files/{id}", U},
    {"GET", "/api/notifications", U},
    {"POST", "/api/notifications/{id}/read", U},
    {"GET", "/api/metrics", A | SERVER_ROLE_GUARDIAN | AU},
    {"GET", "/api/metrics.csv", A | SERVER_ROLE_GUARDIAN | AU},
    {"POST", "/api/chat", U}, /* every logged-in user may ask the model */
    {"GET", "/api/portal/search", P},
    {"GET", "/api/enterprise/access", A},
    {"POST", "/api/enterprise/access", A},
    {"GET", "/api/enterprise/chains", U},
    {"POST", "/api/enterprise/chains", A},
    {"GET", "/api/enterprise/rules", U},
    {"PUT", "/api/enterprise/rules", A},
    {"GET", "/api/enterprise/lists", U},
    {"POST", "/api/enterprise/lists", U},
    {"GET", "/api/enterprise/lists/{id}", U},
    {"GET", "/api/enterprise/lists/{id}/export", U},
    {"POST", "/api/enterprise/lists/{id}/refresh", U},
    {"DELETE", "/api/enterprise/lists/{id}", U},
    {"GET", "/api/enterprises", U},
    {"GET", "/api/enterprises/{id}", U},
    {"GET", "/api/enterprises/{id}/report.docx", U},
    {"GET", "/api/enterprise/warnings", U},
    {"POST", "/api/enterprise/screen", U},
    /* slides: the drafting roles; auditors only read */
    {"POST", "/api/slides/outline", A | SERVER_ROLE_GUARDIAN | SERVER_ROLE_STAFF},
    {"POST", "/api/slides/outline-text", A | SERVER_ROLE_GUARDIAN | SERVER_ROLE_STAFF},
    {"POST", "/api/slides/preview", A | SERVER_ROLE_GUARDIAN | SERVER_ROLE_STAFF},
    {"POST", "/api/slides/render", A | SERVER_ROLE_GUARDIAN | SERVER_ROLE_STAFF},
    {"GET", "/api/slides/templates", A | SERVER_ROLE_GUARDIAN | SERVER_ROLE_STAFF},
    {"GET", "/api/portal/answer", P}, /* same rate limit as the search */
    {"GET", "/api/kb", U},	      /* the handler shows only visible kbs */
    {"POST", "/api/kb", A | SERVER_ROLE_GUARDIAN},
    {"GET", "/api/kb/{id}/docs", U},
    {"POST", "/api/kb/{id}/upload", A | SERVER_ROLE_GUARDIAN | SERVER_ROLE_STAFF},
    {"POST", "/api/kb/{id}/reindex", A | SERVER_ROLE_GUARDIAN},
    {"GET", "/api/kb/{id}/jobs", U}, /* the handler shows the jobs the user may follow */
    {"GET", "/api/kb/jobs/{id}", U}, /* starter, kb managers, auditors; else 404 */
    {"POST", "/api/kb/{id}/delete", A | SERVER_ROLE_GUARDIAN},
    {"POST", "/api/kb/docs/{id}/delete", A | SERVER_ROLE_GUARDIAN},
    {"GET", "/api/settings", A | AU}, /* auditors read; the API key never shown */
    {"PUT", "/api/settings", A},
    {"POST", "/api/model/test", A},
    {"GET", "/*", P},
};

TEST(server_every_route_has_reviewed_policy)
{
	size_t n;
	const struct server_route *rt = server_routes(&n);

	ASSERT_EQ(n, ARRAY_LEN(expected));
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		ASSERT(rt[i].handler != NULL);
		ASSERT(rt[i].summary != NULL && rt[i].summary[0] != '\0');
		if (rt[i].roles == 0 || (rt[i].roles & ~(unsigned)SERVER_ROLE_ALL) != 0)
			TEST_FAIL_AT("%s %s declares no valid roles", rt[i].method, rt[i].pattern);
		for (size_t j = 0; j < ARRAY_LEN(expected); j++) {
			if (strcmp(rt[i].method, expected[j].method) == 0 &&
			    strcmp(rt[i].pattern, expected[j].pattern) == 0) {
				found = true;
				if (rt[i].roles != expected[j].roles)
					TEST_FAIL_AT("%s %s: roles %#x, reviewed %#x", rt[i].method,
						     rt[i].pattern, rt[i].roles, expected[j].roles);
			}
		}
		if (!found)
			TEST_FAIL_AT("%s %s has no reviewed policy in this test", rt[i].method,
				     rt[i].pattern);
	}
}

/* Every route × every role: the dispatcher's decision follows the mask. */
TEST(server_policy_all_routes_all_roles)
{
	static const char *const roles[] = {NULL, "admin", "guardian", "staff", "auditor"};
	size_t n;
	const struct server_route *rt = server_routes(&n);

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < ARRAY_LEN(roles); j++) {
			int got = server_policy(&rt[i], roles[j]);
			int want;

			if (rt[i].roles & SERVER_ROLE_PUBLIC)
				want = 0;
			else if (roles[j] == NULL)
				want = 401;
			else
				want = (rt[i].roles & server_role_bit(roles[j])) ? 0 : 403;
			if (got != want)
				TEST_FAIL_AT("%s %s as %s: %d, want %d", rt[i].method,
					     rt[i].pattern, roles[j] ? roles[j] : "anonymous", got,
					     want);
		}
	}
	/* Unknown roles (a tampered row) are refused, not treated as public. */
	ASSERT_EQ(server_policy(&rt[3], "root"), 403);
}

TEST(server_route_find_matches)
{
	const struct server_route *r;
	int64_t id;

	ASSERT_EQ(server_route_find("POST", "/api/users/42/disable", &r, &id), 0);
	ASSERT_STR_EQ(r->pattern, "/api/users/{id}/disable");
	ASSERT_EQ(id, 42);
	ASSERT_EQ(server_route_find("GET", "/api/users/42/disable", &r, &id), SERVER_E_METHOD);
	ASSERT_EQ(server_route_find("POST", "/api/users/0/disable", &r, &id), BASE_E_NOTFOUND);
	ASSERT_EQ(server_route_find("POST", "/api/users/4x/disable", &r, &id), BASE_E_NOTFOUND);
	ASSERT_EQ(server_route_find("POST", "/api/users/1234567890123456789/disable", &r, &id),
		  BASE_E_NOTFOUND);
	ASSERT_EQ(server_route_find("GET", "/api/nothing", &r, &id), BASE_E_NOTFOUND);
	ASSERT_EQ(server_route_find("DELETE", "/api/me", &r, &id), SERVER_E_METHOD);
	ASSERT_EQ(server_route_find("HEAD", "/api/me", &r, &id), 0);
	ASSERT_STR_EQ(r->pattern, "/api/me");
	ASSERT_EQ(server_route_find("GET", "/", &r, &id), 0);
	ASSERT_STR_EQ(r->pattern, "/*");
	ASSERT_EQ(server_route_find("GET", "/audit.html", &r, &id), 0);
	ASSERT_STR_EQ(r->pattern, "/*");
	/* The static catch-all never shadows the API. */
	ASSERT_EQ(server_route_find("GET", "/api/secret", &r, &id), BASE_E_NOTFOUND);
	ASSERT(server_method_changes_state("POST") && server_method_changes_state("DELETE"));
	ASSERT(!server_method_changes_state("GET") && !server_method_changes_state("HEAD"));
}

TEST(server_error_status_mapping)
{
	ASSERT_EQ(server_http_status(BASE_E_AUTH), 401);
	ASSERT_EQ(server_http_status(BASE_E_NOTFOUND), 404);
	ASSERT_EQ(server_http_status(BASE_E_CONFLICT), 409);
	ASSERT_EQ(server_http_status(BASE_E_LOCKED), 429);
	ASSERT_EQ(server_http_status(BASE_E_LIMIT), 413);
	ASSERT_EQ(server_http_status(BASE_E_FORMAT), 400);
	ASSERT_EQ(server_http_status(BASE_E_USAGE), 400);
	ASSERT_EQ(server_http_status(BASE_E_BUSY), 503);
	ASSERT_EQ(server_http_status(BASE_E_IO), 500);
	ASSERT_EQ(server_http_status(BASE_E_INTERNAL), 500);
	ASSERT_STR_EQ(server_error_key(BASE_E_LOCKED), "locked");
	ASSERT_STR_EQ(server_error_key(BASE_E_IO), "internal");
}

TEST(server_content_disposition_encodes)
{
	char out[256];

	server_content_disposition("通知 a\"b.docx", out, sizeof(out));
	ASSERT_STR_EQ(out, "attachment; filename=\"______ a_b.docx\"; "
			   "filename*=UTF-8''%E9%80%9A%E7%9F%A5%20a%22b.docx");
	server_content_disposition("x\r\nSet-Cookie: y", out, sizeof(out));
	ASSERT(strchr(out, '\r') == NULL && strchr(out, '\n') == NULL);
	/* a long name is cut, never overflows, stays terminated */
	server_content_disposition(
	    "长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长", out, 64);
	ASSERT(strlen(out) < 64);
}

TEST(server_escaping)
{
	struct buf b;
	char out[64];

	buf_init(&b, 1024);
	ASSERT_EQ(server_html_escape(&b, "<script>alert('x') & \"y\"</script>"), 0);
	ASSERT_STR_EQ(b.p, "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
	buf_reset(&b);
	ASSERT_EQ(server_csv_field(&b, "办公室"), 0);
	ASSERT_STR_EQ(b.p, "办公室");
	buf_reset(&b);
	ASSERT_EQ(server_csv_field(&b, "a,\"b\"\nc"), 0);
	ASSERT_STR_EQ(b.p, "\"a,\"\"b\"\"\nc\"");
	buf_reset(&b);
	ASSERT_EQ(server_csv_field(&b, "=HYPERLINK(\"http://x\")"), 0);
	ASSERT_STR_EQ(b.p, "\"'=HYPERLINK(\"\"http://x\"\")\"");
	buf_reset(&b);
	ASSERT_EQ(server_csv_field(&b, ""), 0);
	ASSERT_STR_EQ(b.p, "");
	buf_free(&b);
	server_log_path("/api/audit?user=a&token=secret", out, sizeof(out));
	ASSERT_STR_EQ(out, "/api/audit");
	server_log_path("/a b\n\"x\xe4", out, sizeof(out));
	ASSERT_STR_EQ(out, "/a%20b%0A%22x%E4");
	server_log_path("/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", out,
			16);
	ASSERT_EQ(strlen(out), 15);
}

TEST(server_login_rate_limit)
{
	struct server_ratelimit *rl = server_ratelimit_new(4, 3, 1000);
	int64_t retry = 0;

	for (int i = 0; i < 3; i++)
		ASSERT(server_ratelimit_take(rl, "10.0.0.1", 1000, &retry));
	ASSERT(!server_ratelimit_take(rl, "10.0.0.1", 1000, &retry));
	ASSERT(retry > 0 && retry <= 1001);
	/* Another address is not affected. */
	ASSERT(server_ratelimit_take(rl, "10.0.0.2", 1000, &retry));
	/* One token back after the refill interval, not more. */
	ASSERT(server_ratelimit_take(rl, "10.0.0.1", 2000, &retry));
	ASSERT(!server_ratelimit_take(rl, "10.0.0.1", 2000, &retry));
	/* A full table evicts the least recently seen address only. */
	ASSERT(server_ratelimit_take(rl, "10.0.0.3", 2001, &retry));
	ASSERT(server_ratelimit_take(rl, "10.0.0.4", 2002, &retry));
	ASSERT(server_ratelimit_take(rl, "10.0.0.5", 2003, &retry));
	ASSERT(!server_ratelimit_take(rl, "10.0.0.1", 2004, &retry));
	server_ratelimit_free(rl);
}

TEST(server_assets_embedded)
{
	const struct server_asset *a = server_asset_find("/");

	ASSERT(a != NULL);
	ASSERT_STR_EQ(a->path, "/index.html");
	ASSERT_CONTAINS((const char *)a->data, "登录");
	ASSERT(server_asset_find("/dashboard.html") != NULL);
	ASSERT(server_asset_find("/app.js") != NULL);
	ASSERT(server_asset_find("/../Makefile") == NULL);
	ASSERT(server_asset_find("/nope.html") == NULL);
	ASSERT_STR_EQ(server_content_type("/x.html"), "text/html; charset=utf-8");
	ASSERT_STR_EQ(server_content_type("/app.js"), "text/javascript; charset=utf-8");
	ASSERT_STR_EQ(server_content_type("/app.css"), "text/css; charset=utf-8");
	ASSERT_STR_EQ(server_content_type("/x"), "application/octet-stream");
}
