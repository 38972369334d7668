/*
 * server: enterprise profiles over HTTP (issue 9) — search, profile (every
 * view audited), report .docx, warnings feed, 招商 screening with CSV and
 * .xlsx export, 产业链 nodes, and the access grant.
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
	if (store_tx_begin(server_store(r), &e) == 0) {
		json_t *d = json_pack("{s:O}", "roles", clean);

		if (store_ent_setting_set(server_store(r), "access", text, work_now(&r->ctx),
					  r->actor, &e) == 0 &&
		    work_audit_append_tx(&r->ctx, "enterprise.access", "enterprise", d, &e) == 0)
			store_tx_commit(server_store(r), &e);
		else
			store_tx_rollback(server_store(r));
		json_decref(d);
	}
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
	if (store_tx_begin(server_store(r), &e) == 0) {
		json_t *d = json_pack("{s:I}", "nodes", (json_int_t)json_object_size(chains));

		if (store_ent_setting_set(server_store(r), "chains", text, work_now(&r->ctx),
					  r->actor, &e) == 0 &&
		    work_audit_append_tx(&r->ctx, "enterprise.chains", "enterprise", d, &e) == 0)
			store_tx_commit(server_store(r), &e);
		else
			store_tx_rollback(server_store(r));
		json_decref(d);
	}
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

static void reply_rules(struct server_req *r, const struct ent_rules *rs)
{
	json_t *diff = ent_rules_diff_json(rs);
	bool all_default = json_object_size(diff) == 0;

	server_reply_json(
	    r, 200,
	    json_pack("{s:o,s:o,s:b,s:s}", "rules", ent_rules_json(rs), "changes", diff,
		      "all_default", all_default, "note",
		      "默认值即企业数据说明（README R6）的规则；修改后导出、画像、预警和"
		      "筛选剔除均按当前配置计算，预警动态按导入时的配置记录"));
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
	reply_rules(r, &rs);
}

/* PUT {"rules": {rule: {enabled, level, threshold}}} replaces the whole
 * configuration (rules not named: default); {"reset": true} or
 * {"rules": {}} restores the defaults. Audited with the differences. */
void server_api_ent_rules_set(struct server_req *r)
{
	json_t *body = server_body_json(r);
	struct ent_rules rs, old;
	struct err e = {0};
	json_t *diff, *d;
	char *text;

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
	diff = ent_rules_diff_json(&rs);
	text = json_dumps(diff, JSON_COMPACT | JSON_SORT_KEYS);
	d = json_pack("{s:O,s:o,s:b}", "rules", diff, "previous", ent_rules_diff_json(&old),
		      "reset", json_object_size(diff) == 0);
	if (store_tx_begin(server_store(r), &e) == 0) {
		if (store_ent_setting_set(server_store(r), "rules", text, work_now(&r->ctx),
					  r->actor, &e) == 0 &&
		    work_audit_append_tx(&r->ctx, "enterprise.rules", "enterprise", d, &e) == 0)
			store_tx_commit(server_store(r), &e);
		else
			store_tx_rollback(server_store(r));
	}
	json_decref(d);
	json_decref(diff);
	free(text);
	if (e.code != 0) {
		server_reply_err(r, &e);
		return;
	}
	reply_rules(r, &rs);
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

static void reply_file(struct server_req *r, const char *path, const char *type,
		       const char *filename)
{
	struct err e = {0};
	char *data = NULL;
	size_t len = 0;
	char disp[256];

	if (base_read_file(path, (size_t)256 << 20, &data, &len, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
	server_add_header(r, "Content-Disposition", disp);
	server_reply_raw(r, 200, type, data, len);
	free(data);
}

void server_api_ent_report(struct server_req *r)
{
	json_t *p = profile_audited(r, "enterprise.report");
	const char *tmp = getenv("TMPDIR");
	char dir[512], path[600], fname[64];
	struct err e = {0};
	char *a;

	if (p == NULL)
		return;
	snprintf(dir, sizeof(dir), "%s/shuzhi-entrep-XXXXXX",
		 tmp != NULL && tmp[0] == '/' && strlen(tmp) < 400 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		json_decref(p);
		err_set(&e, BASE_E_IO, "无法创建临时目录");
		server_reply_err(r, &e);
		return;
	}
	snprintf(path, sizeof(path), "%s/report.docx", dir);
	a = ent_profile_analysis(p);
	if (ent_report_docx(p, a, path, &e) != 0) {
		server_reply_err(r, &e);
	} else {
		snprintf(fname, sizeof(fname), "enterprise-%s.docx",
			 json_string_value(json_object_get(p, "uscc")));
		reply_file(
		    r, path,
		    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		    fname);
	}
	free(a);
	json_decref(p);
	unlink(path);
	rmdir(dir);
}

/* ---- warnings feed ---- */

void server_api_ent_warnings(struct server_req *r)
{
	const char *level = server_query(r, "level");
	const char *imp = server_query(r, "import");
	struct err e = {0};
	char *buf = NULL, *stats = NULL;
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
	} else if (store_ent_last_import(server_store(r), &id, &stats, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	free(stats);
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
	out = json_pack("{s:I,s:O,s:o,s:I,s:I,s:o}", "import", (json_int_t)id, "previous",
			json_object_get(feed, "previous") ? json_object_get(feed, "previous")
							  : json_null(),
			"items", items, "new", (json_int_t)added, "cleared", (json_int_t)cleared,
			"rules", ent_rules_json(&rules));
	json_decref(feed);
	server_reply_json(r, 200, out);
}

/* ---- screening ---- */

struct screen_out {
	int format; /* 0 json, 1 csv, 2 xlsx */
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

static int screen_cb(void *arg, size_t rank, int64_t id, const char *const *cells, size_t n)
{
	struct screen_out *so = arg;
	/* numeric columns: rank, credit_score, cxzx_score, revenue, growth, insured */
	static const bool numeric[ENT_SCREEN_COLS] = {true,  false, false, false, false,
						      false, true,  true,  false, false,
						      true,  true,  true,  false, false};

	if (so->format == 0) {
		json_t *o;
		static const char *const keys[ENT_SCREEN_COLS] = {
		    "rank",	   "uscc",	   "name",	    "industry_code",  "region_code",
		    "grade",	   "credit_score", "cxzx_score",    "cxzx_pass",      "zjtx_base",
		    "revenue_wan", "growth_pct",   "insured_count", "certifications", "flags"};

		if (rank == 0)
			return 0;
		o = json_pack("{s:I}", "id", (json_int_t)id);
		for (size_t k = 0; k < n && k < ENT_SCREEN_COLS; k++) {
			if (numeric[k])
				json_object_set_new(o, keys[k],
						    cells[k][0] ? json_real(strtod(cells[k], NULL))
								: json_null());
			else
				json_object_set_new(o, keys[k], json_string(cells[k]));
		}
		json_array_append_new(so->rows, o);
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

void server_api_ent_screen(struct server_req *r)
{
	json_t *body = server_body_json(r);
	struct ent_screen_opts so = {0};
	struct screen_out out = {0};
	struct err e = {0};
	char *industry = NULL, *region = NULL, *chain_codes = NULL;
	const char *fmt, *s;
	bool bad = false, set;
	int64_t v, as_of;
	size_t matched = 0;
	char msg[256] = "";
	int rc;

	if (body == NULL)
		return;
	if (!ent_allowed(r)) {
		json_decref(body);
		return;
	}
	so.min_capital = so.min_revenue = so.min_headcount = -1;
	so.min_growth_bp = INT64_MIN;
	so.limit = 200;
	fmt = json_string_value(json_object_get(body, "format"));
	if (fmt == NULL || strcmp(fmt, "json") == 0)
		out.format = 0;
	else if (strcmp(fmt, "csv") == 0)
		out.format = 1;
	else if (strcmp(fmt, "xlsx") == 0)
		out.format = 2;
	else
		snprintf(msg, sizeof(msg), "format 应为 json、csv 或 xlsx");
	as_of = req_as_of(r, json_string_value(json_object_get(body, "as_of")));
	if (as_of < 0) {
		json_decref(body);
		return;
	}
	industry = list_filter(body, "industry", industry_prefix_ok, &bad);
	if (bad && msg[0] == '\0')
		snprintf(msg, sizeof(msg),
			 "industry 应为 GB/T 4754 代码前缀（C、C39、C397、C3973）");
	region = list_filter(body, "region", region_ok, &bad);
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
			chain_codes = buf_detach(&b, NULL);
		}
		json_decref(chains);
	}
	so.industry = chain_codes != NULL ? chain_codes : industry;
	so.region = region;
	if (!num_filter(body, "min_capital", &v, &set))
		snprintf(msg, sizeof(msg), "min_capital 应为数字（万元）");
	else if (set)
		so.min_capital = v;
	if (!num_filter(body, "min_revenue", &v, &set))
		snprintf(msg, sizeof(msg), "min_revenue 应为数字（万元）");
	else if (set)
		so.min_revenue = v;
	if (!num_filter(body, "min_headcount", &v, &set))
		snprintf(msg, sizeof(msg), "min_headcount 应为数字");
	else if (set)
		so.min_headcount = (v + ENT_SCALE - 1) / ENT_SCALE;
	if (!num_filter(body, "min_growth", &v, &set))
		snprintf(msg, sizeof(msg), "min_growth 应为数字（百分比）");
	else if (set)
		so.min_growth_bp = v / (ENT_SCALE / 100);
	so.cxzx_pass = json_is_true(json_object_get(body, "cxzx_pass"));
	so.zjtx_base = json_is_true(json_object_get(body, "zjtx"));
	so.knockout_red = json_is_true(json_object_get(body, "no_red"));
	s = json_string_value(json_object_get(body, "min_grade"));
	if (s != NULL && s[0] != '\0') {
		if (strlen(s) != 1 || strchr("ABCD", s[0]) == NULL)
			snprintf(msg, sizeof(msg), "min_grade 应为 A、B、C 或 D");
		else
			so.min_grade = s[0];
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
					so.certs |= 1u << kind;
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
			so.sort = k;
	}
	{
		json_t *lim = json_object_get(body, "limit");

		if (json_is_integer(lim) && json_integer_value(lim) >= 0 &&
		    json_integer_value(lim) <= 100000)
			so.limit = (size_t)json_integer_value(lim);
		else if (lim != NULL && !json_is_null(lim))
			snprintf(msg, sizeof(msg), "limit 应为 0–100000 的整数（0：全部）");
	}
	if (msg[0] != '\0') {
		json_decref(body);
		free(industry);
		free(region);
		free(chain_codes);
		server_reply_error(r, 400, "bad_request", msg);
		return;
	}
	out.rows = json_array();
	buf_init(&out.csv, (size_t)128 << 20);
	if (out.format == 2)
		out.x = doc_xlsx_new("招商筛选");
	rc = ent_screen_rows(server_store(r), as_of, &so, screen_cb, &out, &matched, &e);
	if (rc == 0 && out.format != 0) {
		json_t *d = json_pack("{s:s,s:I,s:O}", "format", out.format == 1 ? "csv" : "xlsx",
				      "matched", (json_int_t)matched, "filters", body);

		rc = work_audit_append(&r->ctx, "enterprise.screen.export", "enterprise", d, &e);
		json_decref(d);
	}
	json_decref(body);
	free(industry);
	free(region);
	free(chain_codes);
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
