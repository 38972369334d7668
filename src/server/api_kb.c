/*
 * server/api_kb: knowledge bases over HTTP — list, create, upload documents
 * (through the same ingest as `shuzhi kb add`: chunking, metadata,
 * de-duplication and re-ingest updates are identical), list documents with
 * their metadata, remove a document, reindex, delete.
 *
 * Who may do what (object checks here, role checks in the route table):
 *  - see a kb: admin and auditor every kb; others the public and internal
 *    ones and the department kbs of their own department (others: 404);
 *  - create: admin (any department or none), guardian (their own
 *    department only);
 *  - upload: admin; guardian and staff into kbs of their own department;
 *  - remove a document, reindex, delete: admin; guardian of the kb's
 *    department. A kb without a department is the admin's.
 * Uploaded files are kept under "<database>.kb/<kb id>-<created>/" (one folder root
 * of the kb), so reindex re-reads them like any folder given to the CLI.
 * Every change is audited (kb.create, kb.upload, kb.doc.delete,
 * kb.reindex, kb.delete) with the ingest counts, which the reply also
 * carries. Uploads and reindexing run as jobs on the worker pool with
 * their progress (api_kb_jobs.c); removing a document or a kb while a job
 * of that kb is queued or running gets 409.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kb/kb.h"
#include "server/api_kb.h"
#include "server/server_internal.h"
#include "store/kb_store.h"
#include "text/text.h"
#include "work/audit.h"

#define KB_DOCS_MAX 5000 /* documents per page of the list */

static bool role_is(const struct server_req *r, const char *role)
{
	return strcmp(r->user.role, role) == 0;
}

static bool kb_may_see(const struct server_req *r, const struct kb_row *k)
{
	if (role_is(r, "admin") || role_is(r, "auditor"))
		return true;
	if (strcmp(k->visibility, "department") != 0)
		return true;
	return k->dept > 0 && k->dept == r->user.department_id;
}

static bool kb_may_manage(const struct server_req *r, const struct kb_row *k)
{
	if (role_is(r, "admin"))
		return true;
	return role_is(r, "guardian") && k->dept > 0 && k->dept == r->user.department_id;
}

static bool kb_may_upload(const struct server_req *r, const struct kb_row *k)
{
	return kb_may_manage(r, k) ||
	       (role_is(r, "staff") && k->dept > 0 && k->dept == r->user.department_id);
}

static void kb_row_fill(struct kb_row *o, const struct kb_store_kb *kb)
{
	o->id = kb->id;
	snprintf(o->name, sizeof(o->name), "%s", kb->name);
	snprintf(o->visibility, sizeof(o->visibility), "%s", kb->visibility);
	o->dept = kb->department_id;
	o->created_at = kb->created_at;
	o->docs = kb->docs;
	o->chunks = kb->chunks;
	o->found = true;
}

struct kb_find {
	int64_t id;
	struct kb_row *out;
};

static int kb_find_cb(const struct kb_store_kb *kb, void *arg)
{
	struct kb_find *f = arg;

	if (kb->id == f->id)
		kb_row_fill(f->out, kb);
	return 0;
}

/* The kb with this id that r may see, or a 404 reply and false. */
static bool kb_load(struct server_req *r, int64_t id, struct kb_row *out)
{
	struct kb_find f = {id, out};
	struct err e = {0};

	memset(out, 0, sizeof(*out));
	if (kb_store_kb_iter(server_store(r), kb_find_cb, &f, &e) != 0) {
		server_reply_err(r, &e);
		return false;
	}
	if (!out->found || !kb_may_see(r, out)) {
		server_reply_error(r, 404, "not_found", "没有这个知识库");
		return false;
	}
	return true;
}

/* "<database>.kb/<id>-<created>" into out (the creation time keeps a
 * reused id from finding an old folder); with mk, the folders are created
 * (0700). */
static int kb_dir(struct server_req *r, const struct kb_row *k, bool mk, char *out, size_t cap)
{
	const char *db = server_db_path(r);
	char top[PATH_MAX];

	if (strncmp(db, "sqlite:", 7) == 0)
		db += 7;
	if ((size_t)snprintf(top, sizeof(top), "%s.kb", db) >= sizeof(top) ||
	    (size_t)snprintf(out, cap, "%s/%lld-%lld", top, (long long)k->id,
			     (long long)k->created_at) >= cap)
		return -1;
	if (!mk)
		return 0;
	if (mkdir(top, 0700) != 0 && errno != EEXIST)
		return -1;
	if (mkdir(out, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static json_t *kb_stats_json(const struct kb_ingest_stats *s)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "files", (json_int_t)s->files,
			 "added", (json_int_t)s->added, "updated", (json_int_t)s->updated,
			 "unchanged", (json_int_t)s->unchanged, "removed", (json_int_t)s->removed,
			 "duplicates", (json_int_t)s->duplicates, "failed", (json_int_t)s->failed,
			 "chunks", (json_int_t)s->chunks);
}

/* Audit an action on kb k; detail (stolen) gets the kb id. */
static int kb_audit(struct server_req *r, const char *action, const struct kb_row *k,
		    json_t *detail, struct err *e)
{
	int rc;

	json_object_set_new(detail, "kb_id", json_integer(k->id));
	rc = work_audit_append(&r->ctx, action, k->name, detail, e);
	json_decref(detail);
	return rc;
}

/* ---- list ---- */

struct kb_list {
	struct server_req *r;
	json_t *arr;
};

static json_t *kb_json(struct server_req *r, const struct kb_row *k)
{
	return json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:b,s:b}", "id", (json_int_t)k->id, "name",
			 k->name, "visibility", k->visibility, "department_id", (json_int_t)k->dept,
			 "created_at", (json_int_t)k->created_at, "docs", (json_int_t)k->docs,
			 "chunks", (json_int_t)k->chunks, "can_manage", kb_may_manage(r, k),
			 "can_upload", kb_may_upload(r, k));
}

static int kb_list_cb(const struct kb_store_kb *kb, void *arg)
{
	struct kb_list *l = arg;
	struct kb_row k;

	memset(&k, 0, sizeof(k));
	kb_row_fill(&k, kb);
	if (kb_may_see(l->r, &k))
		json_array_append_new(l->arr, kb_json(l->r, &k));
	return 0;
}

void server_api_kb_list(struct server_req *r)
{
	struct kb_list l = {r, json_array()};
	struct err e = {0};

	if (kb_store_kb_iter(server_store(r), kb_list_cb, &l, &e) != 0) {
		json_decref(l.arr);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(
	    r, 200,
	    json_pack("{s:o,s:b,s:I}", "kbs", l.arr, "can_create",
		      role_is(r, "admin") || (role_is(r, "guardian") && r->user.department_id > 0),
		      "department_id", (json_int_t)r->user.department_id));
}

/* ---- create ---- */

void server_api_kb_create(struct server_req *r)
{
	json_t *body = server_body_json(r);
	const char *name, *vis;
	json_t *dj;
	int64_t dept, id = 0;
	struct kb_store_kb k;
	struct store_dept d;
	struct err e = {0};
	json_t *detail;
	size_t n;

	if (body == NULL)
		return;
	name = json_string_value(json_object_get(body, "name"));
	vis = json_string_value(json_object_get(body, "visibility"));
	dj = json_object_get(body, "department_id");
	dept = json_is_integer(dj) ? (int64_t)json_integer_value(dj) : 0;
	if (vis == NULL)
		vis = "internal";
	n = name ? strlen(name) : 0;
	if (n == 0 || n > KB_NAME_MAX || !text_utf8_valid(name, n, NULL) ||
	    strpbrk(name, "\n\r\t/\\") != NULL) {
		server_reply_error(r, 400, "bad_request",
				   "知识库名称须为 1–96 字节的文本，不含换行、制表符和斜杠");
		goto out;
	}
	if (strcmp(vis, "public") != 0 && strcmp(vis, "internal") != 0 &&
	    strcmp(vis, "department") != 0) {
		server_reply_error(
		    r, 400, "bad_request",
		    "可见范围须为 public（公开）、internal（内部）或 department（本部门）");
		goto out;
	}
	if (role_is(r, "guardian")) {
		if (r->user.department_id <= 0) {
			server_reply_error(r, 403, "forbidden", "您不属于任何部门，不能新建知识库");
			goto out;
		}
		if (dept == 0)
			dept = r->user.department_id;
		if (dept != r->user.department_id) {
			server_reply_error(r, 403, "forbidden", "监护人只能为本部门新建知识库");
			goto out;
		}
	}
	if (dept == 0 && strcmp(vis, "department") == 0) {
		server_reply_error(r, 400, "bad_request", "本部门可见的知识库须指定所属部门");
		goto out;
	}
	if (dept != 0 && store_dept_get(server_store(r), dept, &d, &e) != 0) {
		server_reply_err(r, &e);
		goto out;
	}
	memset(&k, 0, sizeof(k));
	k.name = name;
	k.visibility = vis;
	k.department_id = dept;
	k.created_at = work_now(&r->ctx);
	detail = json_pack("{s:s,s:I}", "visibility", vis, "department_id", (json_int_t)dept);
	if (store_tx_begin(server_store(r), &e) != 0) {
		json_decref(detail);
		server_reply_err(r, &e);
		goto out;
	}
	if (kb_store_kb_create(server_store(r), &k, &id, &e) != 0 ||
	    (json_object_set_new(detail, "kb_id", json_integer(id)),
	     work_audit_append_tx(&r->ctx, "kb.create", name, detail, &e)) != 0 ||
	    store_tx_commit(server_store(r), &e) != 0) {
		store_tx_rollback(server_store(r));
		json_decref(detail);
		server_reply_err(r, &e);
		goto out;
	}
	json_decref(detail);
	server_reply_json(r, 201,
			  json_pack("{s:I,s:s,s:s,s:I}", "id", (json_int_t)id, "name", name,
				    "visibility", vis, "department_id", (json_int_t)dept));
out:
	json_decref(body);
}

/* ---- documents ---- */

struct kb_docs {
	struct server_req *r;
	json_t *arr;
	char dir[PATH_MAX]; /* the upload folder (real path), "" when none */
	long offset, limit, total;
	int rc;
	struct err e;
};

static int kb_docs_cb(const struct kb_store_doc *d, void *arg)
{
	struct kb_docs *l = arg;
	int64_t chunks = 0;

	l->total++;
	if (l->total <= l->offset || (long)json_array_size(l->arr) >= l->limit)
		return 0;
	if (kb_store_doc_chunks(server_store(l->r), d->id, &chunks, &l->e) != 0)
		return l->rc = l->e.code;
	json_array_append_new(l->arr,
			      json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:b}", "id",
					(json_int_t)d->id, "file", d->relpath, "title", d->title,
					"doc_number", d->doc_number, "issuer", d->issuer, "date",
					d->date, "validity", d->validity, "category", d->category,
					"size", (json_int_t)d->size, "chunks", (json_int_t)chunks,
					"duplicate_of", (json_int_t)d->dup_of, "uploaded",
					l->dir[0] != '\0' && strcmp(d->root, l->dir) == 0));
	return 0;
}

static long query_long(struct server_req *r, const char *name, long dflt, long lo, long hi,
		       bool *ok)
{
	const char *s = server_query(r, name);
	char *end = NULL;
	long v;

	*ok = true;
	if (s == NULL)
		return dflt;
	v = strtol(s, &end, 10);
	if (*end != '\0' || end == s || v < lo || v > hi)
		*ok = false;
	return v;
}

void server_api_kb_docs(struct server_req *r)
{
	struct kb_row k;
	struct kb_docs l;
	char dir[PATH_MAX];
	bool ok1, ok2;

	if (!kb_load(r, r->id, &k))
		return;
	memset(&l, 0, sizeof(l));
	l.r = r;
	l.offset = query_long(r, "offset", 0, 0, 10000000, &ok1);
	l.limit = query_long(r, "limit", 500, 1, KB_DOCS_MAX, &ok2);
	if (!ok1 || !ok2) {
		server_reply_error(r, 400, "bad_request",
				   "offset 或 limit 无效（limit 为 1–5000）");
		return;
	}
	if (kb_dir(r, &k, false, dir, sizeof(dir)) != 0 || realpath(dir, l.dir) == NULL)
		l.dir[0] = '\0';
	l.arr = json_array();
	if (kb_store_doc_iter(server_store(r), k.id, NULL, kb_docs_cb, &l, &l.e) != 0) {
		json_decref(l.arr);
		server_reply_err(r, &l.e);
		return;
	}
	server_reply_json(r, 200,
			  json_pack("{s:o,s:I,s:o}", "docs", l.arr, "total", (json_int_t)l.total,
				    "kb", kb_json(r, &k)));
}

/* ---- upload ---- */

static void kb_reply_ingest(struct server_req *r, int status, const struct kb_row *k,
			    const char *file, const struct kb_ingest_stats *s)
{
	server_reply_json(r, status,
			  json_pack("{s:I,s:s,s:s?,s:o}", "kb_id", (json_int_t)k->id, "kb", k->name,
				    "file", file, "stats", kb_stats_json(s)));
}

static int kb_ingest_dir(struct server_req *r, const struct kb_row *k, const char *dir,
			 struct kb_ingest_stats *s, struct err *e)
{
	const char *paths[1] = {dir};
	struct kb_ingest_opts o = {.now = work_now(&r->ctx)};

	return kb_add(server_store(r), k->name, paths, 1, &o, s, e);
}

/* ---- remove a document ---- */

struct kb_doc_ref {
	int64_t kb_id;
	char root[PATH_MAX];
	char rel[PATH_MAX];
	char title[512];
};

static int kb_doc_ref_cb(const struct kb_store_doc *d, void *arg)
{
	struct kb_doc_ref *o = arg;

	o->kb_id = d->kb_id;
	snprintf(o->root, sizeof(o->root), "%s", d->root);
	snprintf(o->rel, sizeof(o->rel), "%s", d->relpath);
	snprintf(o->title, sizeof(o->title), "%s", d->title);
	return 0;
}

void server_api_kb_doc_delete(struct server_req *r)
{
	struct kb_doc_ref d;
	struct kb_ingest_stats s;
	struct kb_row k;
	struct err e = {0};
	char dir[PATH_MAX], real[PATH_MAX], file[PATH_MAX * 2];

	memset(&d, 0, sizeof(d));
	if (kb_store_doc_get(server_store(r), r->id, kb_doc_ref_cb, &d, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	if (!kb_load(r, d.kb_id, &k))
		return;
	if (!kb_may_manage(r, &k)) {
		server_reply_error(r, 403, "forbidden",
				   "只有管理员或本部门的监护人可以删除知识库中的文档");
		return;
	}
	if (server_kb_job_active(k.id)) {
		server_reply_error(r, 409, "conflict", KB_JOB_BUSY_MSG);
		return;
	}
	if (kb_dir(r, &k, false, dir, sizeof(dir)) != 0 || realpath(dir, real) == NULL ||
	    strcmp(real, d.root) != 0) {
		server_reply_error(
		    r, 409, "conflict",
		    "该文档由命令行从服务器目录导入：请在服务器上删除文件后重建索引");
		return;
	}
	snprintf(file, sizeof(file), "%s/%s", real, d.rel);
	if (unlink(file) != 0 && errno != ENOENT) {
		server_reply_error(r, 500, "internal", "无法删除文档文件");
		return;
	}
	if (kb_ingest_dir(r, &k, real, &s, &e) != 0 ||
	    kb_audit(r, "kb.doc.delete", &k,
		     json_pack("{s:I,s:s,s:s,s:o}", "doc_id", (json_int_t)r->id, "file", d.rel,
			       "title", d.title, "stats", kb_stats_json(&s)),
		     &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	kb_reply_ingest(r, 200, &k, d.rel, &s);
}

/* ---- delete (uploads and reindexing: api_kb_jobs.c) ---- */

void server_api_kb_delete(struct server_req *r)
{
	struct kb_row k;
	struct err e = {0};
	char dir[PATH_MAX];

	if (!kb_load(r, r->id, &k))
		return;
	if (!kb_may_manage(r, &k)) {
		server_reply_error(r, 403, "forbidden", "只有管理员或本部门的监护人可以删除知识库");
		return;
	}
	if (server_kb_job_active(k.id)) {
		server_reply_error(r, 409, "conflict", KB_JOB_BUSY_MSG);
		return;
	}
	if (kb_remove(server_store(r), k.name, &e) != 0 ||
	    kb_audit(
		r, "kb.delete", &k,
		json_pack("{s:I,s:I}", "docs", (json_int_t)k.docs, "chunks", (json_int_t)k.chunks),
		&e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	if (kb_dir(r, &k, false, dir, sizeof(dir)) == 0 && access(dir, F_OK) == 0 &&
	    base_remove_tmpdir(dir) != 0)
		base_log(LOG_WARN, "kb: 知识库 %lld 的文件目录未能删除", (long long)k.id);
	server_reply_json(r, 200, json_pack("{s:b,s:I}", "ok", 1, "id", (json_int_t)k.id));
}

/* ---- shared with api_kb_jobs.c (api_kb.h) ---- */

bool server_kb_load(struct server_req *r, int64_t id, struct kb_row *out)
{
	return kb_load(r, id, out);
}

bool server_kb_may_manage(const struct server_req *r, const struct kb_row *k)
{
	return kb_may_manage(r, k);
}

bool server_kb_may_upload(const struct server_req *r, const struct kb_row *k)
{
	return kb_may_upload(r, k);
}

int server_kb_dir(struct server_req *r, const struct kb_row *k, bool mk, char *out, size_t cap)
{
	return kb_dir(r, k, mk, out, cap);
}

json_t *server_kb_stats_json(const struct kb_ingest_stats *s)
{
	return kb_stats_json(s);
}
