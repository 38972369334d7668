/*
 * server/api_taskfiles: files attached to tasks (a 询问笔录 as .txt or .docx).
 *
 * Design: the file is uploaded first (POST /api/task-files, the raw bytes)
 * and kept in the database (table task_files: the original as a blob of at
 * most 4 MB, the text read from it, its BLAKE2b-256 digest); the reply is
 * its id. The task is then created with {"files": {"FIELD": id}}: the text
 * fills that form field, and the file is attached to the new task in the
 * same transaction — once, never changed afterwards, so a task's inputs are
 * fixed from the moment it runs.
 *
 * Who reads a file: before it is attached, only its uploader (and admins);
 * once attached, the task's requester, the employee's guardian and deputy
 * and admins get the original; auditors get the text with personal data
 * masked (text/plain, X-Shuzhi-Masked: 1); anyone else a 404.
 *
 * A file that cannot be read — a ".docx" that is not a ZIP package, a ZIP
 * that unpacks past the limits (zip bomb), a text file that is not UTF-8,
 * no text at all — is refused with 422 and nothing is stored.
 *
 * The employee's configuration applies to its tasks here too: once the
 * model tokens spent for the employee today reach its daily_tokens, its
 * tasks are drafted without the model, saying so (server/task_model.c);
 * the sources of a draft are retrieved only from the
 * knowledge bases the employee may read (config "kbs"; none configured:
 * nothing is searched), and its model profile is recorded with the result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract/extract.h"
#include "kb/kb.h"
#include "privacy/privacy.h"
#include "server/server_internal.h"
#include "store/employee_store.h"
#include "store/taskfile_store.h"
#include "text/text.h"
#include "work/employees.h"

static bool tf_ext(const char *name, const char *ext)
{
	const char *dot = strrchr(name, '.');

	return dot != NULL && strcasecmp(dot, ext) == 0;
}

/* Only spaces, tabs and newlines (ASCII or the ideographic space)? */
static bool tf_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++;
		} else if (i + 3 <= n && memcmp(s + i, "　", 3) == 0) {
			i += 3;
		} else {
			return false;
		}
	}
	return true;
}

static size_t tf_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Read the upload's text, or reply (422/413/500) and return NULL. */
static char *tf_read(struct server_req *r, const char *name, const char *data, size_t len)
{
	bool zip = len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
	bool docx = tf_ext(name, ".docx");
	struct err e = {0};
	char *text = NULL;
	size_t tlen = 0, bad = 0;
	char msg[300];

	if (docx && !zip) {
		snprintf(msg, sizeof(msg), "%s：不是有效的 .docx 文件（不是 ZIP 包）", name);
		server_reply_error(r, 422, "bad_document", msg);
		return NULL;
	}
	if (!docx && zip) {
		snprintf(msg, sizeof(msg), "%s：内容是 ZIP 包而不是文本，请以 .docx 上传", name);
		server_reply_error(r, 422, "bad_document", msg);
		return NULL;
	}
	if (extract_read_text(data, len, name, &text, &tlen, &e) != 0) {
		if (e.code == BASE_E_IO || e.code == BASE_E_INTERNAL)
			server_reply_err(r, &e);
		else
			server_reply_error(r, 422, "bad_document", e.msg);
		free(text);
		return NULL;
	}
	if (!text_utf8_valid(text, tlen, &bad) || memchr(text, '\0', tlen) != NULL) {
		snprintf(msg, sizeof(msg), "%s：不是有效的 UTF-8 文本（第 %zu 字节起）", name, bad);
		server_reply_error(r, 422, "bad_document", msg);
		free(text);
		return NULL;
	}
	if (tf_blank(text, tlen)) {
		snprintf(msg, sizeof(msg), "%s：文件中没有文字", name);
		server_reply_error(r, 422, "bad_document", msg);
		free(text);
		return NULL;
	}
	return text;
}

void server_api_task_files_add(struct server_req *r)
{
	const char *name = server_upload_name(r);
	const char *path;
	char *data = NULL, *text;
	size_t len = 0;
	int64_t size = 0, id = 0;
	struct err e = {0};
	json_t *row = NULL;

	if (name == NULL) {
		server_reply_error(r, 400, "bad_request",
				   "请在 X-File-Name 中给出文件名（.txt 或 .docx）");
		return;
	}
	if (!tf_ext(name, ".txt") && !tf_ext(name, ".docx")) {
		server_reply_error(r, 415, "unsupported_media_type",
				   "任务附件只能是 .txt 或 .docx 文件");
		return;
	}
	path = server_upload(r, &size);
	if (path == NULL)
		return;
	if ((size_t)size > STORE_TASKFILE_MAX) {
		server_reply_error(r, 413, "too_large", "任务附件过大（上限 4 MB）");
		return;
	}
	if (base_read_file(path, STORE_TASKFILE_MAX, &data, &len, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	text = tf_read(r, name, data, len);
	if (text == NULL) {
		free(data);
		return;
	}
	if (work_task_file_add(&r->ctx, &r->user, name, data, len, text, &id, &e) != 0 ||
	    store_taskfile_get(server_store(r), id, &row, &e) != 0) {
		free(text);
		free(data);
		server_reply_err(r, &e);
		return;
	}
	free(text);
	free(data);
	server_reply_json(
	    r, 201,
	    json_pack("{s:I,s:O,s:O,s:O,s:I}", "id", (json_int_t)id, "name",
		      json_object_get(row, "name"), "size", json_object_get(row, "size"), "digest",
		      json_object_get(row, "digest"), "chars",
		      (json_int_t)tf_chars(json_string_value(json_object_get(row, "text")))));
	json_decref(row);
}

/* attachment; filename="task-file-ID.EXT"; filename*=UTF-8''NAME */
static void tf_disposition(struct server_req *r, int64_t id, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *dot = strrchr(name, '.');
	struct buf b;

	buf_init(&b, 4096);
	buf_addf(&b, "attachment; filename=\"task-file-%lld%s\"; filename*=UTF-8''", (long long)id,
		 dot && tf_ext(name, ".docx") ? ".docx" : ".txt");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_') {
			buf_addc(&b, (char)*p);
		} else {
			buf_addc(&b, '%');
			buf_addc(&b, hex[*p >> 4]);
			buf_addc(&b, hex[*p & 15]);
		}
	}
	server_add_header(r, "Content-Disposition", b.p);
	buf_free(&b);
}

void server_api_task_file_get(struct server_req *r)
{
	json_t *f = NULL, *task = NULL;
	struct err e = {0};
	int64_t task_id;
	bool originals, masked = false;

	if (store_taskfile_get(server_store(r), r->id, &f, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	task_id = json_integer_value(json_object_get(f, "task_id"));
	originals = json_integer_value(json_object_get(f, "owner_id")) == r->user.id ||
		    strcmp(r->user.role, "admin") == 0;
	if (task_id > 0 && store_task_get(server_store(r), task_id, &task, &e) == 0) {
		originals =
		    originals ||
		    json_integer_value(json_object_get(task, "requester_id")) == r->user.id ||
		    work_emp_guards(task, r->user.id);
		masked = !originals && strcmp(r->user.role, "auditor") == 0;
	}
	json_decref(task);
	if (!originals && !masked) {
		json_decref(f);
		server_reply_error(r, 404, "not_found", "附件不存在");
		return;
	}
	if (masked) {
		const char *text = json_string_value(json_object_get(f, "text"));
		struct privacy_map map = {0};
		char *out = NULL;

		if (privacy_mask(text, strlen(text), &map, &out, &e) != 0) {
			privacy_map_free(&map);
			json_decref(f);
			server_reply_err(r, &e);
			return;
		}
		server_add_header(r, "X-Shuzhi-Masked", "1");
		server_reply_raw(r, 200, "text/plain; charset=utf-8", out, strlen(out));
		free(out);
		privacy_map_free(&map);
	} else {
		const char *name = json_string_value(json_object_get(f, "name"));
		char *data = NULL;
		size_t len = 0;

		if (store_taskfile_data(server_store(r), r->id, &data, &len, &e) != 0) {
			json_decref(f);
			server_reply_err(r, &e);
			return;
		}
		tf_disposition(r, r->id, name);
		server_reply_raw(r, 200,
				 tf_ext(name, ".docx")
				     ? "application/"
				       "vnd.openxmlformats-officedocument.wordprocessingml.document"
				     : "text/plain; charset=utf-8",
				 data, len);
		free(data);
	}
	json_decref(f);
}

int server_task_files_resolve(struct server_req *r, const json_t *entry, json_t *body,
			      json_t **attach)
{
	json_t *files = json_object_get(body, "files");
	json_t *inputs = json_object_get(body, "inputs");
	const char *field;
	json_t *v;
	char msg[300];

	*attach = NULL;
	if (files == NULL || json_is_null(files))
		return 0;
	if (!json_is_object(files)) {
		server_reply_error(r, 400, "bad_request", "files 应为 {字段名: 附件编号}");
		return -1;
	}
	if (inputs == NULL || json_is_null(inputs)) {
		inputs = json_object();
		json_object_set_new(body, "inputs", inputs);
	}
	if (!json_is_object(inputs)) {
		server_reply_error(r, 400, "bad_request", "任务输入必须是 JSON 对象");
		return -1;
	}
	*attach = json_array();
	json_object_foreach(files, field, v)
	{
		bool takes_file = false;
		json_t *f = NULL;
		struct err e = {0};
		size_t i;
		json_t *ff;

		json_array_foreach(json_object_get(entry, "form"), i, ff)
		{
			const char *n = json_string_value(json_object_get(ff, "name"));

			if (n != NULL && strcmp(n, field) == 0 &&
			    json_is_string(json_object_get(ff, "file")))
				takes_file = true;
		}
		if (!takes_file) {
			snprintf(msg, sizeof(msg), "该场景的字段“%.100s”不接受文件", field);
			server_reply_error(r, 400, "bad_request", msg);
			goto fail;
		}
		if (!json_is_integer(v) ||
		    store_taskfile_get(server_store(r), json_integer_value(v), &f, &e) != 0 ||
		    json_integer_value(json_object_get(f, "owner_id")) != r->user.id) {
			json_decref(f);
			server_reply_error(r, 404, "not_found", "附件不存在");
			goto fail;
		}
		if (json_integer_value(json_object_get(f, "task_id")) > 0) {
			snprintf(msg, sizeof(msg), "附件 #%lld 已用于任务 #%lld，请重新上传",
				 (long long)json_integer_value(v),
				 (long long)json_integer_value(json_object_get(f, "task_id")));
			json_decref(f);
			server_reply_error(r, 409, "conflict", msg);
			goto fail;
		}
		json_object_set(inputs, field, json_object_get(f, "text"));
		json_array_append_new(*attach, json_pack("{s:O,s:s}", "id", v, "field", field));
		json_decref(f);
	}
	return 0;
fail:
	json_decref(*attach);
	*attach = NULL;
	return -1;
}

/* ---- the employee's configuration applied to its tasks ---- */

/* At most max code points of s, cut at a character boundary. */
static void tf_add_head(struct buf *b, const char *s, size_t max)
{
	size_t n = 0, i = 0;

	while (s[i] != '\0' && n < max) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		n++;
	}
	buf_add(b, s, i);
}

/* What the sources are searched with: the facts a 执法文书 extraction found,
 * else the head of the draft. */
static void tf_query(const json_t *result, struct buf *q)
{
	json_t *facts = json_object_get(json_object_get(result, "extract"), "violation_facts");
	size_t i;
	json_t *v;

	json_array_foreach(facts, i, v)
	{
		if (json_is_string(v) && q->len < 300) {
			tf_add_head(q, json_string_value(v), 60);
			buf_addc(q, ' ');
		}
	}
	if (q->len == 0 && json_is_string(json_object_get(result, "text")))
		tf_add_head(q, json_string_value(json_object_get(result, "text")), 60);
}

void server_task_enrich(struct server_req *r, int64_t emp_id, json_t *result)
{
	json_t *emp = NULL, *cfg, *kbs, *sources, *retrieval;
	const char **names = NULL;
	struct kb_results res = {0};
	struct err e = {0};
	struct buf q;
	size_t n = 0, i;
	json_t *v;

	if (store_emp_get(server_store(r), emp_id, &emp, &e) != 0)
		return;
	cfg = json_object_get(emp, "config");
	/* The model profile is recorded (the calls go to the configured model,
	 * server/task_model.c). */
	json_object_set(result, "model_profile",
			json_is_string(json_object_get(cfg, "model")) &&
				json_string_length(json_object_get(cfg, "model")) > 0
			    ? json_object_get(cfg, "model")
			    : json_null());
	kbs = json_object_get(cfg, "kbs");
	retrieval = json_pack("{s:O}", "kbs", json_is_array(kbs) ? kbs : json_array());
	json_object_set_new(result, "retrieval", retrieval);
	if (json_array_size(kbs) == 0) { /* no knowledge base: nothing is searched */
		json_decref(emp);
		return;
	}
	names = xcalloc(json_array_size(kbs), sizeof(*names));
	json_array_foreach(kbs, i, v)
	{
		if (json_is_string(v))
			names[n++] = json_string_value(v);
	}
	buf_init(&q, 4096);
	tf_query(result, &q);
	json_object_set_new(retrieval, "query", json_stringn(q.p ? q.p : "", q.len));
	if (n > 0 && q.len > 0 && kb_search(server_store(r), q.p, names, n, 5, &res, &e) == 0) {
		sources = json_array();
		for (i = 0; i < res.n; i++) {
			const struct kb_passage *p = &res.p[i];

			json_array_append_new(
			    sources, json_pack("{s:s,s:s?,s:s?,s:s?,s:s?,s:f}", "title",
					       p->title ? p->title : "", "article", p->article,
					       "heading", p->heading, "file", p->file, "snippet",
					       p->snippet, "score", p->score));
		}
		json_object_set_new(result, "sources", sources);
		kb_results_free(&res);
	} else if (e.msg[0] != '\0') {
		json_object_set_new(retrieval, "error", json_string(e.msg));
	}
	buf_free(&q);
	free(names);
	json_decref(emp);
}
