/*
 * server: enterprise profiles over HTTP (issue 9) — search, profile (every
 * view audited), report .docx, warnings feed, 招商 screening with CSV and
 * .xlsx export, saved screening lists, 产业链 nodes, the risk-warning rules
 * (README defaults, admin changes audited) and the access grant.
 *
 * Access: enterprise data is readable only by the roles the admin grants
 * (setting "access", a JSON array of role names). The default is admin
 * only — least privilege: a guardian or staff member sees enterprise data
 * once the admin grants the role. Admin always has access (it manages the
 * grant). Routes are declared for any user; every handler checks the
 * grant first and answers 403 with a Chinese message otherwise.
 *
 * 产业链 nodes: setting "chains", a JSON object {node: [GB/T 4754 code
 * prefixes]}, replaced as a whole by the admin (audited); screening takes
 * "chain": node name as an industry filter.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "doc/xlsx_write.h"
#include "enterprise/ent_field.h"
#include "enterprise/enterprise.h"
#include "server/server_internal.h"
#include "store/enterprise_store.h"
#include "text/text.h"
#include "work/audit.h"

#define ENT_Q_MAX      200 /* bytes of a search query */
#define ENT_PAGE_MAX   100
#define ENT_FEED_MAX   2000
#define ENT_CHAINS_MAX 200 /* nodes */
#define ENT_CODES_MAX  200 /* codes per node */

static const char *const roles_all[] = {"admin", "guardian", "staff", "auditor"};

/* The granted roles as a JSON array (new reference). */
static json_t *access_roles(struct server_req *r, struct err *e)
{
	char *v = NULL;
	json_t *a = NULL;

	if (store_ent_setting_get(server_store(r), "access", &v, e) != 0)
		return NULL;
	if (v != NULL)
		a = json_loads(v, 0, NULL);
	free(v);
	if (!json_is_array(a)) {
		json_decref(a);
		a = json_pack("[s]", "admin");
	}
	return a;
}

/* True when the caller may read enterprise data; else replies 403 (or the
 * store error) and returns false. */
static bool ent_allowed(struct server_req *r)
{
	struct err e = {0};
	json_t *a;
	size_t i;
	json_t *v;
	bool ok = false;
	char msg[256];

	if (strcmp(r->user.role, "admin") == 0)
		return true;
	a = access_roles(r, &e);
	if (a == NULL) {
		server_reply_err(r, &e);
		return false;
	}
	json_array_foreach(a, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), r->user.role) == 0)
			ok = true;
	}
	json_decref(a);
	if (!ok) {
		snprintf(msg, sizeof(msg),
			 "企业数据仅对管理员授权的角色开放，您的角色（%s）未获授权；请联系管理员。",
			 r->user.role);
		server_reply_error(r, 403, "forbidden", msg);
	}
	return ok;
}

static int64_t today(void)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	return (int64_t)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* ?as_of= (YYYY-MM-DD), else the as-of date of the last import, else
 * today; -1 after replying 400. */
static int64_t req_as_of(struct server_req *r, const char *given)
{
	const char *q = given != NULL ? given : server_query(r, "as_of");
	struct err e = {0};
	char *v = NULL;
	int64_t d;

	if (q != NULL && q[0] != '\0') {
		d = ent_parse_as_of(q);
		if (d < 0)
			server_reply_error(r, 400, "bad_request",
					   "as_of 应为 YYYY-MM-DD 格式的真实日期");
		return d;
	}
	if (store_ent_setting_get(server_store(r), "last_as_of", &v, &e) == 0 && v != NULL) {
		d = ent_parse_as_of(v);
		free(v);
		if (d > 0)
			return d;
	}
	return today();
}

/* ---- access ---- */

void server_api_ent_access_get(struct server_req *r)
{
	struct err e = {0};
	json_t *a = access_roles(r, &e);
	json_t *all = json_array();

	if (a == NULL) {
		json_decref(all);
		server_reply_err(r, &e);
		return;
	}
	for (size_t k = 0; k < ARRAY_LEN(roles_all); k++)
		json_array_append_new(all, json_string(roles_all[k]));
	server_reply_json(
	    r, 200,
	    json_pack("{s:o,s:o,s:s}", "roles", a, "all_roles", all, "default",
		      "默认只有管理员可查看企业数据；授权后相应角色可检索、查看画像与筛选"));
}

/* One enterprise setting written with its audit entry in one transaction;
 * detail (consumed) is the audit entry's detail. e says why when it fails. */
static void ent_setting_save(struct server_req *r, const char *key, const char *text,
			     const char *action, json_t *detail, struct err *e)
{
	if (store_tx_begin(server_store(r), e) == 0) {
		if (store_ent_setting_set(server_store(r), key, text, work_now(&r->ctx), r->actor,
					  e) == 0 &&
		    work_audit_append_tx(&r->ctx, action, "enterprise", detail, e) == 0)
			store_tx_commit(server_store(r), e);
		else
			store_tx_rollback(server_store(r));
	}
	json_decref(detail);
}
void server_api_ent_access_set(struct server_req *r)
{
	json_t *body = server_body_json(r);
	json_t *roles, *clean, *v;
	struct err e = {0};
	char *text;
	size_t i;

	if (body == NULL)
		return;
	roles = json_object_get(body, "roles");
	if (!json_is_array(roles) || json_array_size(roles) > ARRAY_LEN(roles_all)) {
		json_decref(body);
		server_reply_error(r, 400, "bad_request", "roles 应为角色名数组");
		return;
	}
	clean = json_pack("[s]", "admin");
	json_array_foreach(roles, i, v)
	{
		bool known = false;

		for (size_t k = 0; k < ARRAY_LEN(roles_all); k++)
			known |=
			    json_is_string(v) && strcmp(json_string_value(v), roles_all[k]) == 0;
		if (!known) {
			json_decref(clean);
			json_decref(body);
			server_reply_error(
			    r, 400, "bad_request",
			    "未知角色：只能授权 guardian、staff、auditor（管理员始终可见）");
			return;
		}
		if (strcmp(json_string_value(v), "admin") != 0)
			json_array_append(clean, v);
	}
	json_decref(body);
	text = json_dumps(clean, JSON_COMPACT);
	ent_setting_save(r, "access", text, "enterprise.access", json_pack("{s:O}", "roles", clean),
			 &e);
	free(text);
	if (e.code != 0) {
		json_decref(clean);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:o}", "roles", clean));
}

/* ---- 产业链 nodes ---- */

static json_t *chains_get(struct server_req *r, struct err *e)
{
	char *v = NULL;
	json_t *o = NULL;

	if (store_ent_setting_get(server_store(r), "chains", &v, e) != 0)
		return NULL;
	if (v != NULL)
		o = json_loads(v, 0, NULL);
	free(v);
	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	return o;
}

void server_api_ent_chains_get(struct server_req *r)
{
	struct err e = {0};
	json_t *o;

	if (!ent_allowed(r))
		return;
	o = chains_get(r, &e);
	if (o == NULL) {
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:o}", "chains", o));
}

/* A GB/T 4754 prefix: an optional 门类 letter and up to 4 digits. */
static bool industry_prefix_ok(const char *s)
{
	size_t i = 0, digits = 0;

	if ((s[0] >= 'A' && s[0] <= 'T') || (s[0] >= 'a' && s[0] <= 't'))
		i = 1;
	for (; s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	return s[i] == '\0' && digits <= 4 && (i > 0);
}

void server_api_ent_chains_set(struct server_req *r)
{
	json_t *body = server_body_json(r);
	json_t *chains, *codes, *v;
	const char *node;
	struct err e = {0};
	char msg[256];
	char *text;
	size_t i;

	if (body == NULL)
		return;
	chains = json_object_get(body, "chains");
	if (!json_is_object(chains) || json_object_size(chains) > ENT_CHAINS_MAX) {
		json_decref(body);
		server_reply_error(
		    r, 400, "bad_request",
		    "chains 应为对象：{\"节点名\": [\"C3973\", \"I65\"]}，至多 200 个节点");
		return;
	}
	json_object_foreach(chains, node, codes)
	{
		bool ok = json_is_array(codes) && json_array_size(codes) > 0 &&
			  json_array_size(codes) <= ENT_CODES_MAX && strlen(node) > 0 &&
			  strlen(node) <= 100;

		json_array_foreach(codes, i, v) ok =
		    ok && json_is_string(v) && industry_prefix_ok(json_string_value(v));
		if (!ok) {
			snprintf(msg, sizeof(msg),
				 "产业链节点“%.100s”的代码应为 GB/T 4754 "
				 "门类/大类/中类/小类代码（如 C、C39、"
				 "C397、C3973）",
				 node);
			json_decref(body);
			server_reply_error(r, 400, "bad_request", msg);
			return;
		}
	}
	text = json_dumps(chains, JSON_COMPACT | JSON_SORT_KEYS);
	ent_setting_save(r, "chains", text, "enterprise.chains",
			 json_pack("{s:I}", "nodes", (json_int_t)json_object_size(chains)), &e);
	free(text);
	if (e.code != 0) {
		json_decref(body);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:O}", "chains", chains));
	json_decref(body);
}

/* ---- risk-warning rules ---- */

/* re: the re-evaluation a change made (NULL for GET) */
static void reply_rules(struct server_req *r, const struct ent_rules *rs,
			const struct ent_reeval *re)
{
	json_t *diff = ent_rules_diff_json(rs);
	bool all_default = json_object_size(diff) == 0;
	json_t *out =
	    json_pack("{s:o,s:o,s:b,s:s}", "rules", ent_rules_json(rs), "changes", diff,
		      "all_default", all_default, "note",
		      "默认值即企业数据说明（README R6）的规则；修改后导出、画像、预警和"
		      "筛选剔除均按当前配置计算；保存规则即按新规则重新评估全部企业的预警，"
		      "预警动态列出这次调整新增和解除的预警");

	if (re != NULL)
		json_object_set_new(out, "reevaluated",
				    re->snapshot > 0
					? json_pack("{s:I,s:I,s:I,s:I,s:f}", "snapshot",
						    (json_int_t)re->snapshot, "warnings",
						    (json_int_t)re->warnings, "new",
						    (json_int_t)re->added, "cleared",
						    (json_int_t)re->cleared, "ms", re->ms)
					: json_null());
	server_reply_json(r, 200, out);
}

void server_api_ent_rules_get(struct server_req *r)
{
	struct ent_rules rs;
	struct err e = {0};

	if (!ent_allowed(r))
		return;
	if (ent_rules_load(server_store(r), &rs, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	reply_rules(r, &rs, NULL);
}

/* A rule change runs on the worker pool: re-evaluating every enterprise's
 * warnings takes seconds on 100,000 of them, and the loop keeps answering
 * meanwhile. One at a time (409 for a second while one runs). */
struct rules_job {
	struct server_req *r;
	char db[PATH_MAX]; /* the worker's own store connection */
	char *actor;
	int64_t now;
	struct ent_rules rs;
	json_t *diff, *detail;
	char *text;
	struct ent_reeval re;
	struct err e;
};

static bool ent_rules_running;

static void rules_job_free(struct rules_job *j)
{
	json_decref(j->detail);
	json_decref(j->diff);
	free(j->text);
	free(j->actor);
	free(j);
}

/* The rules, the warnings re-evaluated under them (a snapshot the feed
 * attributes to this change) and the audit entry: one transaction on the
 * worker's own connection. */
static void rules_job_run(void *arg)
{
	struct rules_job *j = arg;
	struct store *st = NULL;
	struct work_ctx ctx = {NULL, j->actor, NULL, NULL};

	if (store_open(j->db, 0, &st, &j->e) != 0)
		return;
	ctx.st = st;
	if (store_tx_begin(st, &j->e) == 0) {
		if (store_ent_setting_set(st, "rules", j->text, j->now, j->actor, &j->e) == 0 &&
		    ent_warnings_reevaluate(st, j->actor, j->now, &j->re, &j->e) == 0) {
			json_object_set_new(j->detail, "reevaluated",
					    json_pack("{s:I,s:I,s:I,s:I,s:I}", "snapshot",
						      (json_int_t)j->re.snapshot, "warnings",
						      (json_int_t)j->re.warnings, "new",
						      (json_int_t)j->re.added, "cleared",
						      (json_int_t)j->re.cleared, "ms",
						      (json_int_t)j->re.ms));
			if (work_audit_append_tx(&ctx, "enterprise.rules", "enterprise", j->detail,
						 &j->e) == 0)
				store_tx_commit(st, &j->e);
			else
				store_tx_rollback(st);
		} else {
			store_tx_rollback(st);
		}
	}
	store_close(st);
}

static void rules_job_done(void *arg)
{
	struct rules_job *j = arg;
	struct server_req *r = j->r;

	ent_rules_running = false;
	if (j->e.code != 0)
		server_reply_err(r, &j->e);
	else
		reply_rules(r, &j->rs, &j->re);
	rules_job_free(j);
	server_req_end(r);
}

/* PUT {"rules": {rule: {enabled, level, threshold}}} replaces the whole
 * configuration (rules not named: default); {"reset": true} or
 * {"rules": {}} restores the defaults. Audited with the differences;
 * the reply comes when the warnings are re-evaluated (rules_job_run). */
void server_api_ent_rules_set(struct server_req *r)
{
	json_t *body;
	struct ent_rules rs, old;
	struct rules_job *j;
	struct err e = {0};

	/* before the body is read: a second change waits for the first */
	if (ent_rules_running) {
		server_reply_error(r, 409, "busy", "预警规则正在重新评估，请稍后再试");
		return;
	}
	body = server_body_json(r);
	if (body == NULL)
		return;
	if (json_is_true(json_object_get(body, "reset")) && json_object_size(body) == 1) {
		ent_rules_default(&rs);
	} else if (json_object_get(body, "rules") == NULL) {
		json_decref(body);
		server_reply_error(r, 400, "bad_request",
				   "请求应为 {\"rules\": {…}} 或 {\"reset\": true}");
		return;
	} else if (ent_rules_from_json(body, &rs, &e) != 0) {
		json_decref(body);
		server_reply_error(r, 400, "bad_request", e.msg);
		return;
	}
	json_decref(body);
	if (ent_rules_load(server_store(r), &old, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	j = xcalloc(1, sizeof(*j));
	j->r = r;
	snprintf(j->db, sizeof(j->db), "%s", server_db_path(r));
	j->actor = xstrdup(r->actor);
	j->now = work_now(&r->ctx);
	j->rs = rs;
	j->diff = ent_rules_diff_json(&rs);
	j->text = json_dumps(j->diff, JSON_COMPACT | JSON_SORT_KEYS);
	j->detail = json_pack("{s:O,s:o,s:b}", "rules", j->diff, "previous",
			      ent_rules_diff_json(&old), "reset", json_object_size(j->diff) == 0);
	if (server_work_submit(r, rules_job_run, rules_job_done, j) != 0) {
		rules_job_free(j);
		return;
	}
	ent_rules_running = true;
}

/* ---- search ---- */

static int search_cb(const struct store_ent_row *row, void *arg)
{
	const char *fields[16];
	size_t flen[16];
	const char *p = row->canon;
	size_t n = 0;

	/* enterprises.csv canonical fields: uscc, name, type, status, …,
	 * industry_code (6), …, region_code (8) */
	while (n < 16) {
		const char *end = strchr(p, '\x1f');

		fields[n] = p;
		flen[n] = end != NULL ? (size_t)(end - p) : strlen(p);
		n++;
		if (end == NULL)
			break;
		p = end + 1;
	}
	for (size_t k = n; k < 16; k++) {
		fields[k] = "";
		flen[k] = 0;
	}
	json_array_append_new(
	    arg, json_pack("{s:I,s:s,s:s#,s:s#,s:s#,s:s#}", "id", (json_int_t)row->id, "uscc",
			   row->uscc, "name", fields[1], flen[1], "status", fields[3], flen[3],
			   "industry_code", fields[6], flen[6], "region_code", fields[8], flen[8]));
	return 0;
}

static long query_long(struct server_req *r, const char *name, long dflt, long lo, long hi,
		       bool *bad)
{
	const char *s = server_query(r, name);
	char *end;
	long v;

	if (s == NULL || s[0] == '\0')
		return dflt;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi) {
		*bad = true;
		return dflt;
	}
	return v;
}

void server_api_ent_search(struct server_req *r)
{
	const char *q = server_query(r, "q");
	char code[ENT_Q_MAX + 1], name[ENT_Q_MAX + 1];
	size_t n = 0, m = 0;
	bool bad = false;
	long page, per;
	int64_t total = 0;
	struct err e = {0};
	json_t *list;

	if (!ent_allowed(r))
		return;
	if (q == NULL)
		q = "";
	if (strlen(q) > ENT_Q_MAX) {
		server_reply_error(r, 400, "bad_request", "检索词过长（至多 200 字节）");
		return;
	}
	if (!text_utf8_valid(q, strlen(q), NULL)) {
		server_reply_error(r, 400, "bad_request", "检索词不是有效的 UTF-8");
		return;
	}
	page = query_long(r, "page", 1, 1, 1000000, &bad);
	per = query_long(r, "per_page", 20, 1, ENT_PAGE_MAX, &bad);
	if (bad) {
		server_reply_error(r, 400, "bad_request", "page 应为正整数，per_page 为 1–100");
		return;
	}
	/* code: the query without blanks and '-', upper-cased; name: trimmed */
	for (const char *p = q; *p != '\0'; p++) {
		if (*p == ' ' || *p == '-' || *p == '\t')
			continue;
		code[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	}
	code[n] = '\0';
	while (*q == ' ')
		q++;
	m = strlen(q);
	while (m > 0 && q[m - 1] == ' ')
		m--;
	memcpy(name, q, m);
	name[m] = '\0';
	list = json_array();
	if (store_ent_search(server_store(r), code, name, (page - 1) * per, per, search_cb, list,
			     &total, &e) != 0) {
		json_decref(list);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200,
			  json_pack("{s:o,s:I,s:i,s:i}", "enterprises", list, "total",
				    (json_int_t)total, "page", (int)page, "per_page", (int)per));
}

/* ---- profile and report ---- */

/* The profile of {id} with the view audited (action: enterprise.view or
 * enterprise.report); NULL after replying. */
static json_t *profile_audited(struct server_req *r, const char *action)
{
	struct err e = {0};
	json_t *p = NULL, *d;
	int64_t as_of;

	if (!ent_allowed(r))
		return NULL;
	as_of = req_as_of(r, NULL);
	if (as_of < 0)
		return NULL;
	if (ent_profile(server_store(r), r->id, NULL, as_of, &p, &e) != 0) {
		if (e.code == BASE_E_NOTFOUND)
			server_reply_error(r, 404, "not_found", "没有这家企业");
		else
			server_reply_err(r, &e);
		return NULL;
	}
	d = json_pack("{s:I,s:s,s:s}", "enterprise_id", (json_int_t)r->id, "name",
		      json_string_value(json_object_get(p, "name")), "as_of",
		      json_string_value(json_object_get(p, "as_of")));
	if (work_audit_append(&r->ctx, action, json_string_value(json_object_get(p, "uscc")), d,
			      &e) != 0) {
		json_decref(d);
		json_decref(p);
		server_reply_err(r, &e);
		return NULL;
	}
	json_decref(d);
	return p;
}

json_t *server_ent_task_profile(struct server_req *r, const json_t *inputs)
{
	const char *u = json_string_value(json_object_get(inputs, "uscc"));
	const char *d = json_string_value(json_object_get(inputs, "as_of"));
	struct err e = {0};
	json_t *p = NULL, *a;
	char code[32];
	size_t n = 0;
	int64_t as_of;

	if (!ent_allowed(r))
		return NULL;
	for (const char *q = u != NULL ? u : ""; *q != '\0'; q++) {
		if (*q == ' ' || *q == '-')
			continue;
		if (n + 1 >= sizeof(code)) {
			n = 0;
			break;
		}
		code[n++] = (char)(*q >= 'a' && *q <= 'z' ? *q - 'a' + 'A' : *q);
	}
	code[n] = '\0';
	if (n != 18) {
		server_reply_error(r, 400, "bad_request", "请填写 18 位统一社会信用代码");
		return NULL;
	}
	as_of = req_as_of(r, d != NULL ? d : "");
	if (as_of < 0)
		return NULL;
	if (ent_profile(server_store(r), 0, code, as_of, &p, &e) != 0) {
		if (e.code == BASE_E_NOTFOUND)
			server_reply_error(r, 404, "not_found", "没有这家企业");
		else
			server_reply_err(r, &e);
		return NULL;
	}
	a = json_pack("{s:O,s:s,s:s,s:s}", "enterprise_id", json_object_get(p, "id"), "name",
		      json_string_value(json_object_get(p, "name")), "as_of",
		      json_string_value(json_object_get(p, "as_of")), "by", "task");
	if (work_audit_append(&r->ctx, "enterprise.report", code, a, &e) != 0) {
		json_decref(a);
		json_decref(p);
		server_reply_err(r, &e);
		return NULL;
	}
	json_decref(a);
	return p;
}

void server_api_ent_profile(struct server_req *r)
{
	json_t *p = profile_audited(r, "enterprise.view");

	if (p == NULL)
		return;
	{
		char *a = ent_profile_analysis(p);

		json_object_set_new(p, "analysis", json_string(a));
		free(a);
	}
	json_object_set_new(p, "analysis_source", json_string("rules"));
	server_reply_json(r, 200, p);
}

void server_api_ent_report(struct server_req *r)
{
	json_t *p = profile_audited(r, "enterprise.report");

	if (p != NULL)
		server_ent_report_reply(r, p); /* api_entreport.c: with the model when configured */
}

/* ---- warnings feed ---- */

void server_api_ent_warnings(struct server_req *r)
{
	const char *level = server_query(r, "level");
	const char *imp = server_query(r, "import");
	struct err e = {0};
	char *buf = NULL;
	size_t len = 0;
	long added = 0, cleared = 0;
	int64_t id = 0;
	FILE *f;
	json_t *feed, *items, *out, *v;
	struct ent_rules rules;
	size_t i;
	int rc;

	if (!ent_allowed(r))
		return;
	if (ent_rules_load(server_store(r), &rules, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	if (level != NULL && level[0] != '\0' && strcmp(level, "red") != 0 &&
	    strcmp(level, "orange") != 0 && strcmp(level, "yellow") != 0) {
		server_reply_error(r, 400, "bad_request", "level 应为 red、orange 或 yellow");
		return;
	}
	if (imp != NULL && imp[0] != '\0') {
		char *end;

		id = strtoll(imp, &end, 10);
		if (*end != '\0' || id <= 0) {
			server_reply_error(r, 400, "bad_request", "import 应为正整数");
			return;
		}
	} else if (store_ent_last_snapshot(server_store(r), &id, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	if (id == 0) {
		server_reply_json(r, 200,
				  json_pack("{s:I,s:[],s:i,s:i,s:o}", "import", (json_int_t)0,
					    "items", "new", 0, "cleared", 0, "rules",
					    ent_rules_json(&rules)));
		return;
	}
	f = open_memstream(&buf, &len);
	if (f == NULL) {
		err_set(&e, BASE_E_INTERNAL, "内存不足");
		server_reply_err(r, &e);
		return;
	}
	rc = ent_warnings_feed(server_store(r), id, true, f, &added, &cleared, &e);
	fclose(f);
	if (rc != 0) {
		free(buf);
		server_reply_err(r, &e);
		return;
	}
	feed = json_loadb(buf, len, 0, NULL);
	free(buf);
	items = json_array();
	json_array_foreach(json_object_get(feed, "changes"), i, v)
	{
		const char *lv = json_string_value(json_object_get(v, "level"));

		if (level != NULL && level[0] != '\0' && (lv == NULL || strcmp(lv, level) != 0))
			continue;
		if (json_array_size(items) >= ENT_FEED_MAX)
			break;
		json_array_append(items, v);
	}
	/* names and ids for the list */
	json_array_foreach(items, i, v)
	{
		json_t *one = json_array();
		const char *uscc = json_string_value(json_object_get(v, "uscc"));

		if (uscc != NULL &&
		    store_ent_get(server_store(r), 0, uscc, search_cb, one, &e) == 0 &&
		    json_array_size(one) == 1) {
			json_object_set(v, "id", json_object_get(json_array_get(one, 0), "id"));
			json_object_set(v, "name", json_object_get(json_array_get(one, 0), "name"));
		}
		{
			const char *rule = json_string_value(json_object_get(v, "rule"));

			for (size_t k = 0; rule != NULL && ent_rule_id(k) != NULL; k++) {
				char name[160], thr[400];

				if (strcmp(ent_rule_id(k), rule) != 0)
					continue;
				ent_rule_text(&rules, k, name, sizeof(name), thr, sizeof(thr));
				json_object_set_new(v, "rule_name", json_string(name));
				json_object_set_new(v, "threshold", json_string(thr));
			}
		}
		json_decref(one);
	}
	out = json_pack(
	    "{s:I,s:O,s:o,s:I,s:I,s:o,s:O,s:O,s:O}", "import", (json_int_t)id, "previous",
	    json_object_get(feed, "previous") ? json_object_get(feed, "previous") : json_null(),
	    "items", items, "new", (json_int_t)added, "cleared", (json_int_t)cleared, "rules",
	    ent_rules_json(&rules), "kind", json_object_get(feed, "kind"), "by",
	    json_object_get(feed, "by"), "at", json_object_get(feed, "at"));
	json_decref(feed);
	server_reply_json(r, 200, out);
}

/* ---- screening ---- */

struct screen_out {
	int format; /* 0 json, 1 csv, 2 xlsx, 3 cells (a list being saved) */
	json_t *rows;
	struct buf csv;
	struct doc_xlsx *x;
};

static void csv_cell(struct buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

/* numeric columns: rank, credit_score, cxzx_score, revenue, growth, insured */
static const bool numeric[ENT_SCREEN_COLS] = {true,  false, false, false, false, false, true, true,
					      false, false, true,  true,  true,	 false, false};

static json_t *screen_row_json(int64_t id, const char *const *cells, size_t n)
{
	static const char *const keys[ENT_SCREEN_COLS] = {
	    "rank",	   "uscc",	   "name",	    "industry_code",  "region_code",
	    "grade",	   "credit_score", "cxzx_score",    "cxzx_pass",      "zjtx_base",
	    "revenue_wan", "growth_pct",   "insured_count", "certifications", "flags"};
	json_t *o = json_pack("{s:I}", "id", (json_int_t)id);

	for (size_t k = 0; k < n && k < ENT_SCREEN_COLS; k++) {
		if (numeric[k])
			json_object_set_new(o, keys[k],
					    cells[k][0] ? json_real(strtod(cells[k], NULL))
							: json_null());
		else
			json_object_set_new(o, keys[k], json_string(cells[k]));
	}
	return o;
}

static int screen_cb(void *arg, size_t rank, int64_t id, const char *const *cells, size_t n)
{
	struct screen_out *so = arg;

	if (so->format == 0) {
		if (rank == 0)
			return 0;
		json_array_append_new(so->rows, screen_row_json(id, cells, n));
		return 0;
	}
	if (so->format == 3) { /* saving a list: every row's cells, header first */
		json_t *a = json_array();

		for (size_t k = 0; k < n; k++)
			json_array_append_new(a, json_string(cells[k]));
		json_array_append_new(so->rows, a);
		return 0;
	}
	if (so->format == 1) {
		for (size_t k = 0; k < n; k++) {
			if (k > 0)
				buf_addc(&so->csv, ',');
			csv_cell(&so->csv, cells[k]);
		}
		return buf_addc(&so->csv, '\n');
	}
	doc_xlsx_row(so->x);
	for (size_t k = 0; k < n; k++) {
		if (rank > 0 && k < ENT_SCREEN_COLS && numeric[k])
			doc_xlsx_num_text(so->x, cells[k]);
		else
			doc_xlsx_str(so->x, cells[k]);
	}
	return 0;
}

/* A decimal filter value (number or numeric string) as fixed point; false
 * when present but not a number. */
static bool num_filter(json_t *body, const char *key, int64_t *out, bool *set)
{
	json_t *v = json_object_get(body, key);
	char tmp[64], buf[ENT_CANON_MAX];
	const char *c;
	size_t n;

	*set = false;
	if (v == NULL || json_is_null(v))
		return true;
	if (json_is_number(v))
		snprintf(tmp, sizeof(tmp), "%.6f", json_number_value(v));
	else if (json_is_string(v) && json_string_length(v) < sizeof(tmp))
		snprintf(tmp, sizeof(tmp), "%s", json_string_value(v));
	else
		return false;
	if (tmp[0] == '\0')
		return true;
	if (ent_field_parse(ENT_T_NUM, tmp, strlen(tmp), out, buf, &c, &n) != 0 || n == 0 ||
	    *out == ENT_UNKNOWN)
		return false;
	*set = true;
	return true;
}

/* A comma list of prefixes from a string or an array of strings, each
 * checked with ok(); NULL when absent; sets *bad on a bad value. */
static char *list_filter(json_t *body, const char *key, bool (*ok)(const char *), bool *bad)
{
	json_t *v = json_object_get(body, key);
	struct buf b;
	size_t i;
	json_t *x;

	if (v == NULL || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0))
		return NULL;
	buf_init(&b, 8192);
	if (json_is_string(v)) {
		char *s = xstrdup(json_string_value(v));
		char *save = NULL;

		for (char *t = strtok_r(s, ", ", &save); t != NULL;
		     t = strtok_r(NULL, ", ", &save)) {
			if (!ok(t))
				*bad = true;
			if (b.len > 0)
				buf_addc(&b, ',');
			buf_adds(&b, t);
		}
		free(s);
	} else if (json_is_array(v) && json_array_size(v) <= 500) {
		json_array_foreach(v, i, x)
		{
			if (!json_is_string(x) || !ok(json_string_value(x))) {
				*bad = true;
				break;
			}
			if (b.len > 0)
				buf_addc(&b, ',');
			buf_adds(&b, json_string_value(x));
		}
	} else {
		*bad = true;
	}
	if (b.len == 0 && !*bad)
		*bad = true;
	return buf_detach(&b, NULL);
}

static bool region_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 6)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

struct screen_req {
	struct ent_screen_opts so;
	int64_t as_of;
	int format; /* 0 json, 1 csv, 2 xlsx */
	char *industry, *region, *chain_codes;
};

static void screen_req_free(struct screen_req *q)
{
	free(q->industry);
	free(q->region);
	free(q->chain_codes);
}

/* The screening filters of body into q; 0, or 1 after replying (400).
 * Free q with screen_req_free() either way. */
static int screen_parse(struct server_req *r, json_t *body, struct screen_req *q)
{
	struct err e = {0};
	const char *fmt, *s;
	bool bad = false, set;
	int64_t v;
	char msg[256] = "";

	memset(q, 0, sizeof(*q));
	q->so.min_capital = q->so.min_revenue = q->so.min_headcount = -1;
	q->so.min_growth_bp = INT64_MIN;
	q->so.limit = 200;
	fmt = json_string_value(json_object_get(body, "format"));
	if (fmt == NULL || strcmp(fmt, "json") == 0)
		q->format = 0;
	else if (strcmp(fmt, "csv") == 0)
		q->format = 1;
	else if (strcmp(fmt, "xlsx") == 0)
		q->format = 2;
	else
		snprintf(msg, sizeof(msg), "format 应为 json、csv 或 xlsx");
	q->as_of = req_as_of(r, json_string_value(json_object_get(body, "as_of")));
	if (q->as_of < 0)
		return 1;
	q->industry = list_filter(body, "industry", industry_prefix_ok, &bad);
	if (bad && msg[0] == '\0')
		snprintf(msg, sizeof(msg),
			 "industry 应为 GB/T 4754 代码前缀（C、C39、C397、C3973）");
	q->region = list_filter(body, "region", region_ok, &bad);
	if (bad && msg[0] == '\0')
		snprintf(msg, sizeof(msg), "region 应为 GB/T 2260 代码前缀（如 44、4403、440304）");
	s = json_string_value(json_object_get(body, "chain"));
	if (s != NULL && s[0] != '\0' && msg[0] == '\0') {
		json_t *chains = chains_get(r, &e);
		json_t *codes = json_object_get(chains, s);
		size_t i;
		json_t *x;
		struct buf b;

		if (!json_is_array(codes)) {
			snprintf(msg, sizeof(msg), "没有产业链节点“%.100s”", s);
		} else {
			buf_init(&b, 65536);
			json_array_foreach(codes, i, x)
			{
				if (b.len > 0)
					buf_addc(&b, ',');
				buf_adds(&b, json_string_value(x));
			}
			/* with an industry filter too: the node's codes replace it only
			 * when none was given (both: the node's codes win) */
			q->chain_codes = buf_detach(&b, NULL);
		}
		json_decref(chains);
	}
	q->so.industry = q->chain_codes != NULL ? q->chain_codes : q->industry;
	q->so.region = q->region;
	if (!num_filter(body, "min_capital", &v, &set))
		snprintf(msg, sizeof(msg), "min_capital 应为数字（万元）");
	else if (set)
		q->so.min_capital = v;
	if (!num_filter(body, "min_revenue", &v, &set))
		snprintf(msg, sizeof(msg), "min_revenue 应为数字（万元）");
	else if (set)
		q->so.min_revenue = v;
	if (!num_filter(body, "min_headcount", &v, &set))
		snprintf(msg, sizeof(msg), "min_headcount 应为数字");
	else if (set)
		q->so.min_headcount = (v + ENT_SCALE - 1) / ENT_SCALE;
	if (!num_filter(body, "min_growth", &v, &set))
		snprintf(msg, sizeof(msg), "min_growth 应为数字（百分比）");
	else if (set)
		q->so.min_growth_bp = v / (ENT_SCALE / 100);
	q->so.cxzx_pass = json_is_true(json_object_get(body, "cxzx_pass"));
	q->so.zjtx_base = json_is_true(json_object_get(body, "zjtx"));
	q->so.knockout_red = json_is_true(json_object_get(body, "no_red"));
	s = json_string_value(json_object_get(body, "min_grade"));
	if (s != NULL && s[0] != '\0') {
		if (strlen(s) != 1 || strchr("ABCD", s[0]) == NULL)
			snprintf(msg, sizeof(msg), "min_grade 应为 A、B、C 或 D");
		else
			q->so.min_grade = s[0];
	}
	{
		json_t *certs = json_object_get(body, "certs");
		size_t i;
		json_t *x;

		if (json_is_array(certs) && json_array_size(certs) <= 8) {
			json_array_foreach(certs, i, x)
			{
				int64_t kind;
				char buf[ENT_CANON_MAX];
				const char *c;
				size_t n;

				if (!json_is_string(x) ||
				    ent_field_parse(ENT_T_CERTKIND, json_string_value(x),
						    json_string_length(x), &kind, buf, &c,
						    &n) != 0 ||
				    kind == ENT_UNKNOWN)
					snprintf(msg, sizeof(msg),
						 "certs 应为 高新技术企业、专精特新、小巨人 或 "
						 "科技型中小企业");
				else
					q->so.certs |= 1u << kind;
			}
		} else if (certs != NULL && !json_is_null(certs)) {
			snprintf(msg, sizeof(msg), "certs 应为资质名称数组");
		}
	}
	s = json_string_value(json_object_get(body, "sort"));
	if (s != NULL && s[0] != '\0') {
		static const char *const names[] = {"credit", "cxzx", "revenue", "growth",
						    "headcount"};
		int k;

		for (k = 0; k < 5 && strcmp(s, names[k]) != 0; k++)
			;
		if (k == 5)
			snprintf(msg, sizeof(msg),
				 "sort 应为 credit、cxzx、revenue、growth 或 headcount");
		else
			q->so.sort = k;
	}
	{
		json_t *lim = json_object_get(body, "limit");

		if (json_is_integer(lim) && json_integer_value(lim) >= 0 &&
		    json_integer_value(lim) <= 100000)
			q->so.limit = (size_t)json_integer_value(lim);
		else if (lim != NULL && !json_is_null(lim))
			snprintf(msg, sizeof(msg), "limit 应为 0–100000 的整数（0：全部）");
	}
	if (msg[0] != '\0') {
		server_reply_error(r, 400, "bad_request", msg);
		return 1;
	}
	return 0;
}

void server_api_ent_screen(struct server_req *r)
{
	json_t *body = server_body_json(r);
	struct screen_req q;
	struct screen_out out = {0};
	struct err e = {0};
	size_t matched = 0;
	int64_t as_of;
	int rc;

	if (body == NULL)
		return;
	if (!ent_allowed(r)) {
		json_decref(body);
		return;
	}
	if (screen_parse(r, body, &q) != 0) {
		screen_req_free(&q);
		json_decref(body);
		return;
	}
	as_of = q.as_of;
	out.format = q.format;
	out.rows = json_array();
	buf_init(&out.csv, (size_t)128 << 20);
	if (out.format == 2)
		out.x = doc_xlsx_new("招商筛选");
	rc = ent_screen_rows(server_store(r), as_of, &q.so, screen_cb, &out, &matched, &e);
	if (rc == 0 && out.format != 0) {
		json_t *d = json_pack("{s:s,s:I,s:O}", "format", out.format == 1 ? "csv" : "xlsx",
				      "matched", (json_int_t)matched, "filters", body);

		rc = work_audit_append(&r->ctx, "enterprise.screen.export", "enterprise", d, &e);
		json_decref(d);
	}
	json_decref(body);
	screen_req_free(&q);
	if (rc != 0) {
		server_reply_err(r, &e);
	} else if (out.format == 0) {
		char date[16];

		snprintf(date, sizeof(date), "%04d-%02d-%02d", (int)(as_of / 10000),
			 (int)(as_of / 100 % 100), (int)(as_of % 100));
		server_reply_json(r, 200,
				  json_pack("{s:O,s:I,s:s,s:s}", "results", out.rows, "matched",
					    (json_int_t)matched, "as_of", date, "note",
					    "预警与评级按默认阈值计算（见企业数据说明 README）"));
	} else if (out.format == 1) {
		server_add_header(r, "Content-Disposition",
				  "attachment; filename=\"enterprise-screen.csv\"");
		server_reply_raw(r, 200, "text/csv; charset=utf-8", out.csv.p, out.csv.len);
	} else {
		char *data = NULL;
		size_t len = 0;

		if (doc_xlsx_bytes(out.x, &data, &len, &e) != 0) {
			server_reply_err(r, &e);
		} else {
			server_add_header(r, "Content-Disposition",
					  "attachment; filename=\"enterprise-screen.xlsx\"");
			server_reply_raw(r, 200,
					 "application/vnd.openxmlformats-officedocument."
					 "spreadsheetml.sheet",
					 data, len);
		}
		free(data);
	}
	json_decref(out.rows);
	buf_free(&out.csv);
	doc_xlsx_free(out.x);
}

/* ---- saved screening lists ----
 *
 * A list keeps the screening request, its as-of date and the ranked rows
 * as they were when saved (rank 0: the header). Visible to its owner, to
 * the owner's department when shared, and to the admin; only the owner or
 * the admin deletes it. Saving, exporting and deleting are audited. */

#define ENT_LIST_ITEMS_MAX 10000

struct list_meta {
	json_t *o;
	int64_t owner_id, department_id;
	bool shared;
};

static int list_meta_cb(const struct store_ent_list *l, void *arg)
{
	struct list_meta *m = arg;
	char date[32];
	time_t t = (time_t)(l->created_at / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M", &tm);
	m->owner_id = l->owner_id;
	m->department_id = l->department_id;
	m->shared = l->shared;
	m->o = json_pack("{s:I,s:s,s:s,s:b,s:s,s:I,s:I,s:s}", "id", (json_int_t)l->id, "name",
			 l->name, "owner", l->owner, "shared", l->shared, "as_of", l->as_of,
			 "matched", (json_int_t)l->matched, "created_at", (json_int_t)l->created_at,
			 "created", date);
	json_object_set_new(m->o, "filter", json_loads(l->filter, 0, NULL));
	return 0;
}

static int list_all_cb(const struct store_ent_list *l, void *arg)
{
	struct list_meta m = {0};

	list_meta_cb(l, &m);
	json_object_del(m.o, "filter");
	json_array_append_new(arg, m.o);
	return 0;
}

static bool list_visible(struct server_req *r, const struct list_meta *m)
{
	return strcmp(r->user.role, "admin") == 0 || m->owner_id == r->user.id ||
	       (m->shared && m->department_id > 0 && m->department_id == r->user.department_id);
}

/* The list {id} when the caller may see it; NULL after replying 404. */
static json_t *list_open(struct server_req *r, struct list_meta *m)
{
	struct err e = {0};

	memset(m, 0, sizeof(*m));
	if (store_ent_list_get(server_store(r), r->id, list_meta_cb, m, &e) != 0) {
		server_reply_err(r, &e);
		return NULL;
	}
	if (m->o != NULL && !list_visible(r, m)) {
		json_decref(m->o);
		m->o = NULL;
	}
	if (m->o == NULL)
		server_reply_error(r, 404, "not_found", "没有这份名单，或您无权查看");
	return m->o;
}

void server_api_ent_lists(struct server_req *r)
{
	struct err e = {0};
	json_t *a;

	if (!ent_allowed(r))
		return;
	a = json_array();
	if (store_ent_list_iter(server_store(r), r->user.id, r->user.department_id,
				strcmp(r->user.role, "admin") == 0, list_all_cb, a, &e) != 0) {
		json_decref(a);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:o}", "lists", a));
}

void server_api_ent_list_save(struct server_req *r)
{
	json_t *body = server_body_json(r);
	json_t *filter, *rows = NULL, *d, *row;
	struct screen_req q;
	struct screen_out out = {0};
	struct store_ent_list l = {0};
	struct err e = {0};
	const char *name;
	char date[16], *ftext = NULL;
	size_t matched = 0, i, nchars = 0, saved = 0;
	int64_t id = 0;
	int rc;

	if (body == NULL)
		return;
	if (!ent_allowed(r)) {
		json_decref(body);
		return;
	}
	name = json_string_value(json_object_get(body, "name"));
	filter = json_object_get(body, "filter");
	if (name != NULL) {
		for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
			nchars += (*p & 0xC0) != 0x80;
	}
	if (name == NULL || name[0] == '\0' || !text_utf8_valid(name, strlen(name), NULL) ||
	    nchars > 100 || !json_is_object(filter) ||
	    (json_object_get(body, "shared") != NULL &&
	     !json_is_boolean(json_object_get(body, "shared")))) {
		json_decref(body);
		server_reply_error(r, 400, "bad_request",
				   "请求应为 {\"name\": 名称（1–100 字）, \"filter\": {筛选条件}, "
				   "\"shared\": true/false}");
		return;
	}
	json_object_del(filter, "format");
	if (screen_parse(r, filter, &q) != 0) {
		screen_req_free(&q);
		json_decref(body);
		return;
	}
	if (q.so.limit == 0 || q.so.limit > ENT_LIST_ITEMS_MAX)
		q.so.limit = ENT_LIST_ITEMS_MAX;
	out.format = 3;
	out.rows = rows = json_array();
	rc = ent_screen_rows(server_store(r), q.as_of, &q.so, screen_cb, &out, &matched, &e);
	screen_req_free(&q);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", (int)(q.as_of / 10000),
		 (int)(q.as_of / 100 % 100), (int)(q.as_of % 100));
	ftext = json_dumps(filter, JSON_COMPACT | JSON_SORT_KEYS);
	l.name = name;
	l.owner_id = r->user.id;
	l.department_id = r->user.department_id;
	l.shared = json_is_true(json_object_get(body, "shared"));
	l.filter = ftext;
	l.as_of = date;
	l.matched = (int64_t)matched;
	l.created_at = work_now(&r->ctx);
	if (rc == 0 && store_tx_begin(server_store(r), &e) == 0) {
		rc = store_ent_list_add(server_store(r), &l, &id, &e);
		json_array_foreach(rows, i, row)
		{
			char *cells;

			if (rc != 0)
				break;
			cells = json_dumps(row, JSON_COMPACT);
			rc = store_ent_list_item_add(
			    server_store(r), id, (int64_t)i,
			    i == 0 ? "" : json_string_value(json_array_get(row, 1)), cells, &e);
			free(cells);
		}
		if (rc == 0) {
			d = json_pack("{s:I,s:s,s:b,s:I,s:I,s:O}", "list_id", (json_int_t)id,
				      "name", name, "shared", l.shared, "matched",
				      (json_int_t)matched, "saved",
				      (json_int_t)(json_array_size(rows) - 1), "filter", filter);
			rc = work_audit_append_tx(&r->ctx, "enterprise.list.save", "enterprise", d,
						  &e);
			json_decref(d);
		}
		if (rc == 0)
			rc = store_tx_commit(server_store(r), &e);
		else
			store_tx_rollback(server_store(r));
	}
	free(ftext);
	saved = json_array_size(rows) > 0 ? json_array_size(rows) - 1 : 0;
	json_decref(rows);
	json_decref(body);
	if (rc != 0 || e.code != 0) {
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 201,
			  json_pack("{s:I,s:I,s:I,s:s}", "id", (json_int_t)id, "matched",
				    (json_int_t)matched, "saved", (json_int_t)saved, "as_of",
				    date));
}

struct items {
	int format; /* 0 json, 1 csv, 2 xlsx */
	json_t *rows;
	struct buf csv;
	struct doc_xlsx *x;
	size_t n;
};

static int items_cb(int64_t rank, const char *uscc, const char *cells, int64_t ent_id, void *arg)
{
	struct items *it = arg;
	json_t *a = json_loads(cells, 0, NULL);
	const char *c[ENT_SCREEN_COLS];
	size_t n = 0;

	(void)uscc;
	if (!json_is_array(a)) {
		json_decref(a);
		return 0;
	}
	for (; n < ENT_SCREEN_COLS && n < json_array_size(a); n++) {
		c[n] = json_string_value(json_array_get(a, n));
		if (c[n] == NULL)
			c[n] = "";
	}
	if (rank > 0)
		it->n++;
	if (it->format == 0) {
		if (rank > 0)
			json_array_append_new(it->rows, screen_row_json(ent_id, c, n));
	} else if (it->format == 1) {
		for (size_t k = 0; k < n; k++) {
			if (k > 0)
				buf_addc(&it->csv, ',');
			csv_cell(&it->csv, c[k]);
		}
		buf_addc(&it->csv, '\n');
	} else {
		doc_xlsx_row(it->x);
		for (size_t k = 0; k < n; k++) {
			if (rank > 0 && numeric[k])
				doc_xlsx_num_text(it->x, c[k]);
			else
				doc_xlsx_str(it->x, c[k]);
		}
	}
	json_decref(a);
	return 0;
}

void server_api_ent_list_get(struct server_req *r)
{
	struct list_meta m;
	struct items it = {0};
	struct err e = {0};
	json_t *o;

	if (!ent_allowed(r))
		return;
	o = list_open(r, &m);
	if (o == NULL)
		return;
	it.rows = json_array();
	if (store_ent_list_items(server_store(r), r->id, items_cb, &it, &e) != 0) {
		json_decref(it.rows);
		json_decref(o);
		server_reply_err(r, &e);
		return;
	}
	json_object_set_new(o, "results", it.rows);
	json_object_set_new(o, "note",
			    json_string("名单保存的是保存时的筛选结果；重新筛选可按当前数据与规则"
					"更新"));
	server_reply_json(r, 200, o);
}

void server_api_ent_list_export(struct server_req *r)
{
	const char *fmt = server_query(r, "format");
	struct list_meta m;
	struct items it = {0};
	struct err e = {0};
	char disp[128];
	json_t *o, *d;
	int rc;

	if (!ent_allowed(r))
		return;
	if (fmt == NULL || fmt[0] == '\0' || strcmp(fmt, "csv") == 0)
		it.format = 1;
	else if (strcmp(fmt, "xlsx") == 0)
		it.format = 2;
	else {
		server_reply_error(r, 400, "bad_request", "format 应为 csv 或 xlsx");
		return;
	}
	o = list_open(r, &m);
	if (o == NULL)
		return;
	buf_init(&it.csv, (size_t)128 << 20);
	if (it.format == 2)
		it.x = doc_xlsx_new("招商名单");
	rc = store_ent_list_items(server_store(r), r->id, items_cb, &it, &e);
	if (rc == 0) {
		d = json_pack("{s:I,s:O,s:s,s:I}", "list_id", (json_int_t)r->id, "name",
			      json_object_get(o, "name"), "format", it.format == 1 ? "csv" : "xlsx",
			      "rows", (json_int_t)it.n);
		rc = work_audit_append(&r->ctx, "enterprise.list.export", "enterprise", d, &e);
		json_decref(d);
	}
	json_decref(o);
	if (rc != 0) {
		server_reply_err(r, &e);
	} else if (it.format == 1) {
		snprintf(disp, sizeof(disp), "attachment; filename=\"enterprise-list-%lld.csv\"",
			 (long long)r->id);
		server_add_header(r, "Content-Disposition", disp);
		server_reply_raw(r, 200, "text/csv; charset=utf-8", it.csv.p, it.csv.len);
	} else {
		char *data = NULL;
		size_t len = 0;

		if (doc_xlsx_bytes(it.x, &data, &len, &e) != 0) {
			server_reply_err(r, &e);
		} else {
			snprintf(disp, sizeof(disp),
				 "attachment; filename=\"enterprise-list-%lld.xlsx\"",
				 (long long)r->id);
			server_add_header(r, "Content-Disposition", disp);
			server_reply_raw(r, 200,
					 "application/vnd.openxmlformats-officedocument."
					 "spreadsheetml.sheet",
					 data, len);
		}
		free(data);
	}
	buf_free(&it.csv);
	doc_xlsx_free(it.x);
}

void server_api_ent_list_delete(struct server_req *r)
{
	struct list_meta m;
	struct err e = {0};
	json_t *o, *d;

	if (!ent_allowed(r))
		return;
	o = list_open(r, &m);
	if (o == NULL)
		return;
	if (m.owner_id != r->user.id && strcmp(r->user.role, "admin") != 0) {
		json_decref(o);
		server_reply_error(r, 403, "forbidden", "只有名单的创建者或管理员可以删除");
		return;
	}
	d = json_pack("{s:I,s:O,s:O}", "list_id", (json_int_t)r->id, "name",
		      json_object_get(o, "name"), "owner", json_object_get(o, "owner"));
	if (store_tx_begin(server_store(r), &e) == 0) {
		if (store_ent_list_delete(server_store(r), r->id, &e) == 0 &&
		    work_audit_append_tx(&r->ctx, "enterprise.list.delete", "enterprise", d, &e) ==
			0)
			store_tx_commit(server_store(r), &e);
		else
			store_tx_rollback(server_store(r));
	}
	json_decref(d);
	json_decref(o);
	if (e.code != 0) {
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:b}", "deleted", 1));
}

/* ---- refreshing a saved list ----
 *
 * POST /api/enterprise/lists/{id}/refresh {"save": bool, "as_of": date}:
 * the saved filter re-run now (current data and rules; as of the given
 * date, else the current default — the saved date is not reused), compared
 * with the saved membership by 统一社会信用代码: "added" (now matching, not
 * saved), "removed" (saved, no longer matching), "kept". With "save" the
 * owner (or the admin) replaces the saved rows with the new ones. Audited
 * (enterprise.list.refresh) either way. */

struct refresh {
	json_t *now;   /* uscc -> {id, rank, cells} of the new run */
	json_t *order; /* the new rows' cells in rank order, header first */
	json_t *saved; /* uscc -> row json of the saved membership */
};

static int refresh_cb(void *arg, size_t rank, int64_t id, const char *const *cells, size_t n)
{
	struct refresh *rf = arg;
	json_t *a = json_array();

	for (size_t k = 0; k < n; k++)
		json_array_append_new(a, json_string(cells[k]));
	json_array_append(rf->order, a);
	if (rank > 0)
		json_object_set_new(rf->now, cells[1],
				    json_pack("{s:I,s:o}", "id", (json_int_t)id, "cells", a));
	else
		json_decref(a);
	return 0;
}

static int refresh_saved_cb(int64_t rank, const char *uscc, const char *cells, int64_t ent_id,
			    void *arg)
{
	struct refresh *rf = arg;
	json_t *a = json_loads(cells, 0, NULL);
	const char *c[ENT_SCREEN_COLS];
	size_t n = 0;

	if (rank > 0 && json_is_array(a)) {
		for (; n < ENT_SCREEN_COLS && n < json_array_size(a); n++) {
			c[n] = json_string_value(json_array_get(a, n));
			if (c[n] == NULL)
				c[n] = "";
		}
		json_object_set_new(rf->saved, uscc, screen_row_json(ent_id, c, n));
	}
	json_decref(a);
	return 0;
}

void server_api_ent_list_refresh(struct server_req *r)
{
	json_t *body = server_body_json(r);
	struct refresh rf = {0};
	struct screen_req q;
	struct list_meta m;
	struct err e = {0};
	json_t *o = NULL, *filter, *added, *removed, *d, *v;
	const char *key, *as_of_s;
	size_t matched = 0, kept = 0, i;
	bool save;
	char date[16];
	int rc;

	if (body == NULL)
		return;
	if (!ent_allowed(r) || (o = list_open(r, &m)) == NULL) {
		json_decref(body);
		return;
	}
	save = json_is_true(json_object_get(body, "save"));
	as_of_s = json_string_value(json_object_get(body, "as_of"));
	if ((json_object_get(body, "save") != NULL &&
	     !json_is_boolean(json_object_get(body, "save"))) ||
	    (json_object_get(body, "as_of") != NULL && as_of_s == NULL)) {
		json_decref(o);
		json_decref(body);
		server_reply_error(r, 400, "bad_request",
				   "请求应为 {\"save\": true/false, \"as_of\": \"YYYY-MM-DD\"}");
		return;
	}
	if (save && m.owner_id != r->user.id && strcmp(r->user.role, "admin") != 0) {
		json_decref(o);
		json_decref(body);
		server_reply_error(r, 403, "forbidden", "只有名单的创建者或管理员可以更新名单");
		return;
	}
	filter = json_deep_copy(json_object_get(o, "filter"));
	if (!json_is_object(filter)) {
		json_decref(filter);
		filter = json_object();
	}
	json_object_del(filter, "format");
	json_object_del(filter, "as_of");
	if (as_of_s != NULL)
		json_object_set_new(filter, "as_of", json_string(as_of_s));
	json_decref(body);
	if (screen_parse(r, filter, &q) != 0) { /* e.g. a 产业链 node removed since */
		screen_req_free(&q);
		json_decref(filter);
		json_decref(o);
		return;
	}
	json_decref(filter);
	if (q.so.limit == 0 || q.so.limit > ENT_LIST_ITEMS_MAX)
		q.so.limit = ENT_LIST_ITEMS_MAX;
	rf.now = json_object();
	rf.order = json_array();
	rf.saved = json_object();
	rc = ent_screen_rows(server_store(r), q.as_of, &q.so, refresh_cb, &rf, &matched, &e);
	screen_req_free(&q);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", (int)(q.as_of / 10000),
		 (int)(q.as_of / 100 % 100), (int)(q.as_of % 100));
	if (rc == 0)
		rc = store_ent_list_items(server_store(r), r->id, refresh_saved_cb, &rf, &e);
	added = json_array();
	removed = json_array();
	/* added in the new rank order, removed in the saved rank order */
	json_array_foreach(rf.order, i, v)
	{
		json_t *row;
		const char *c[ENT_SCREEN_COLS];
		size_t n = 0;

		if (i == 0)
			continue;
		key = json_string_value(json_array_get(v, 1));
		if (key == NULL)
			continue;
		if (json_object_get(rf.saved, key) != NULL) {
			kept++;
			continue;
		}
		row = json_object_get(rf.now, key);
		for (; n < ENT_SCREEN_COLS && n < json_array_size(v); n++)
			c[n] = json_string_value(json_array_get(v, n));
		json_array_append_new(
		    added, screen_row_json(json_integer_value(json_object_get(row, "id")), c, n));
	}
	json_object_foreach(rf.saved, key, v)
	{
		if (json_object_get(rf.now, key) == NULL)
			json_array_append(removed, v);
	}
	d = json_pack("{s:I,s:O,s:s,s:s,s:I,s:I,s:I,s:I,s:b}", "list_id", (json_int_t)r->id, "name",
		      json_object_get(o, "name"), "as_of", date, "saved_as_of",
		      json_string_value(json_object_get(o, "as_of")), "matched",
		      (json_int_t)matched, "added", (json_int_t)json_array_size(added), "removed",
		      (json_int_t)json_array_size(removed), "kept", (json_int_t)kept, "save", save);
	if (rc == 0 && store_tx_begin(server_store(r), &e) == 0) {
		if (save) {
			rc = store_ent_list_items_clear(server_store(r), r->id, &e);
			json_array_foreach(rf.order, i, v)
			{
				char *cells;

				if (rc != 0)
					break;
				cells = json_dumps(v, JSON_COMPACT);
				rc = store_ent_list_item_add(
				    server_store(r), r->id, (int64_t)i,
				    i == 0 ? "" : json_string_value(json_array_get(v, 1)), cells,
				    &e);
				free(cells);
			}
			if (rc == 0)
				rc = store_ent_list_refreshed(server_store(r), r->id, date,
							      (int64_t)matched, &e);
		}
		if (rc == 0)
			rc = work_audit_append_tx(&r->ctx, "enterprise.list.refresh", "enterprise",
						  d, &e);
		if (rc == 0)
			rc = store_tx_commit(server_store(r), &e);
		else
			store_tx_rollback(server_store(r));
	}
	json_decref(d);
	json_decref(rf.now);
	json_decref(rf.order);
	json_decref(rf.saved);
	if (rc != 0 || e.code != 0) {
		json_decref(added);
		json_decref(removed);
		json_decref(o);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200,
			  json_pack("{s:I,s:O,s:s,s:O,s:I,s:I,s:o,s:o,s:b}", "list_id",
				    (json_int_t)r->id, "name", json_object_get(o, "name"), "as_of",
				    date, "saved_as_of", json_object_get(o, "as_of"), "matched",
				    (json_int_t)matched, "kept", (json_int_t)kept, "added", added,
				    "removed", removed, "saved", save));
	json_decref(o);
}
