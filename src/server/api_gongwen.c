/* server: 公文 checking over HTTP — the uploaded .docx or .txt is checked
 * against GB/T 9704-2012 (the national profile) exactly as
 * `shuzhi gongwen check --format json` does; the reply is that JSON with
 * "file" set to the uploaded name. Nothing is stored. */
#include <stdlib.h>
#include <string.h>

#include "gongwen/gongwen.h"
#include "server/server_internal.h"

/* e->msg names the spool file; the client only knows its own name. */
static void gongwen_err_rename(struct err *e, const char *spool, const char *name)
{
	char *at = strstr(e->msg, spool);
	char tail[sizeof(e->msg)];

	if (at == NULL)
		return;
	snprintf(tail, sizeof(tail), "%s", at + strlen(spool));
	snprintf(at, sizeof(e->msg) - (size_t)(at - e->msg), "%s%s", name, tail);
}

void server_api_gongwen_check(struct server_req *r)
{
	const char *name = server_upload_name(r);
	struct gw_profile prof;
	struct gw_doc doc;
	struct gw_findings f;
	struct err e = {0};
	struct buf out;
	const char *path;
	int64_t size = 0;
	const char *dot;

	if (name == NULL) {
		server_reply_error(r, 400, "bad_request",
				   "请在 X-File-Name 中给出文件名（.docx 或 .txt）");
		return;
	}
	dot = strrchr(name, '.');
	if (dot == NULL || (strcasecmp(dot, ".docx") != 0 && strcasecmp(dot, ".txt") != 0)) {
		server_reply_error(r, 415, "unsupported_media_type", "只能校对 .docx 或 .txt 文件");
		return;
	}
	path = server_upload(r, &size);
	if (path == NULL)
		return;
	gw_profile_national(&prof);
	if (gw_doc_open(path, &prof, &doc, &e) != 0) {
		gongwen_err_rename(&e, path, name);
		if (e.code == BASE_E_IO || e.code == BASE_E_INTERNAL)
			server_reply_err(r, &e);
		else
			server_reply_error(r, 422, "bad_document", e.msg);
		return;
	}
	doc.file = name;
	gw_findings_init(&f);
	gw_check(&doc, &f);
	buf_init(&out, (size_t)64 << 20);
	gw_report_json(&doc, &f, &out);
	server_reply_raw(r, 200, "application/json; charset=utf-8", out.p, out.len);
	buf_free(&out);
	gw_findings_free(&f);
	gw_doc_free(&doc);
}
