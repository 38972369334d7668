/* server: 公文 checking over HTTP — the uploaded .docx or .txt is checked
 * against GB/T 9704-2012 (the national profile) exactly as
 * `shuzhi gongwen check --format json` does; the reply is that JSON with
 * "file" set to the uploaded name; and fixed as `shuzhi gongwen fix` does,
 * the fixed document coming back as a download. Nothing is stored. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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

/* The uploaded document, opened under the national profile (prof must
 * outlive doc). Returns its client-side name, or NULL after replying. */
static const char *gongwen_open(struct server_req *r, struct gw_profile *prof, struct gw_doc *doc)
{
	const char *name = server_upload_name(r);
	struct err e = {0};
	const char *path, *dot;
	int64_t size = 0;

	if (name == NULL) {
		server_reply_error(r, 400, "bad_request",
				   "请在 X-File-Name 中给出文件名（.docx 或 .txt）");
		return NULL;
	}
	dot = strrchr(name, '.');
	if (dot == NULL || (strcasecmp(dot, ".docx") != 0 && strcasecmp(dot, ".txt") != 0)) {
		server_reply_error(r, 415, "unsupported_media_type", "只能校对 .docx 或 .txt 文件");
		return NULL;
	}
	path = server_upload(r, &size);
	if (path == NULL)
		return NULL;
	gw_profile_national(prof);
	if (gw_doc_open(path, prof, doc, &e) != 0) {
		gongwen_err_rename(&e, path, name);
		if (e.code == BASE_E_IO || e.code == BASE_E_INTERNAL)
			server_reply_err(r, &e);
		else
			server_reply_error(r, 422, "bad_document", e.msg);
		return NULL;
	}
	doc->file = name;
	return name;
}

void server_api_gongwen_check(struct server_req *r)
{
	struct gw_profile prof;
	struct gw_doc doc;
	struct gw_findings f;
	struct buf out;

	if (gongwen_open(r, &prof, &doc) == NULL)
		return;
	gw_findings_init(&f);
	gw_check(&doc, &f);
	buf_init(&out, (size_t)64 << 20);
	gw_report_json(&doc, &f, &out);
	server_reply_raw(r, 200, "application/json; charset=utf-8", out.p, out.len);
	buf_free(&out);
	gw_findings_free(&f);
	gw_doc_free(&doc);
}

/* The fixed document as a download: auto-fixes applied, the rest as Word
 * comments (.docx); X-Shuzhi-Fixed / X-Shuzhi-Commented count them. */
void server_api_gongwen_fix(struct server_req *r)
{
	struct gw_profile prof;
	struct gw_doc doc;
	struct gw_fix_report rep;
	struct err e = {0};
	const char *name = gongwen_open(r, &prof, &doc);
	const char *dir = getenv("TMPDIR");
	char out[4096], outname[300], disp[1200], num[32];
	const char *dot;
	char *data = NULL;
	size_t len = 0;
	int fd;

	if (name == NULL)
		return;
	dot = strrchr(name, '.');
	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	snprintf(out, sizeof(out), "%s/shuzhi-fixed-XXXXXX%s", dir, doc.is_docx ? ".docx" : ".txt");
	memset(&rep, 0, sizeof(rep));
	buf_init(&rep.log, (size_t)1 << 24);
	fd = mkstemps(out, doc.is_docx ? 5 : 4);
	if (fd < 0 || close(fd) != 0 || gw_fix(&doc, true, &rep, &e) != 0 ||
	    gw_doc_save(&doc, out, &e) != 0 ||
	    base_read_file(out, 64u << 20, &data, &len, &e) != 0) {
		if (fd >= 0)
			unlink(out);
		buf_free(&rep.log);
		gw_doc_free(&doc);
		if (e.code == 0)
			err_set(&e, BASE_E_IO, "无法写入修正后的文件");
		server_reply_err(r, &e);
		return;
	}
	unlink(out);
	snprintf(outname, sizeof(outname), "%.*s（已修正）%s", (int)(dot - name), name, dot);
	server_content_disposition(outname, disp, sizeof(disp));
	server_add_header(r, "Content-Disposition", disp);
	snprintf(num, sizeof(num), "%zu", rep.applied);
	server_add_header(r, "X-Shuzhi-Fixed", num);
	snprintf(num, sizeof(num), "%zu", rep.commented);
	server_add_header(r, "X-Shuzhi-Commented", num);
	server_reply_raw(r, 200,
			 doc.is_docx ? "application/"
				       "vnd.openxmlformats-officedocument.wordprocessingml.document"
				     : "text/plain; charset=utf-8",
			 data, len);
	free(data);
	buf_free(&rep.log);
	gw_doc_free(&doc);
}
