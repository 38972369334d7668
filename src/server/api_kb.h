/*
 * server/api_kb: what the knowledge-base handlers (api_kb.c) share with
 * the knowledge-base jobs (api_kb_jobs.c): the kb row a request may see,
 * the rights over it, the folder of its uploads, the ingest counts as JSON.
 * Only src/server/ includes this.
 */
#ifndef SHUZHI_SERVER_API_KB_H
#define SHUZHI_SERVER_API_KB_H

#include "kb/kb.h"
#include "server/server_internal.h"

/* The reply while a kb's job is queued or running. */
#define KB_JOB_BUSY_MSG "该知识库有正在进行的入库或重建索引任务，请等任务完成后再试"

struct kb_row {
	int64_t id;
	char name[KB_NAME_MAX + 1];
	char visibility[16];
	int64_t dept;
	int64_t created_at;
	int64_t docs;
	int64_t chunks;
	bool found;
};

/* The kb with this id that r may see, or a 404 reply and false. */
bool server_kb_load(struct server_req *r, int64_t id, struct kb_row *out);
/* Admin; guardian of the kb's department. */
bool server_kb_may_manage(const struct server_req *r, const struct kb_row *k);
/* server_kb_may_manage, or staff of the kb's department. */
bool server_kb_may_upload(const struct server_req *r, const struct kb_row *k);
/* The kb's upload folder "<database>.kb/<id>-<created>" (mk: created). */
int server_kb_dir(struct server_req *r, const struct kb_row *k, bool mk, char *out, size_t cap);
json_t *server_kb_stats_json(const struct kb_ingest_stats *s);

#endif
