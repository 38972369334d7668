/*
 * server/api_kb_jobs: uploading into and reindexing knowledge bases as jobs
 * on the worker pool (workers.h), so the event loop keeps answering other
 * requests while documents are parsed (pdftotext, .docx, large HTML) and
 * written.
 *
 *  - A job runs on a worker thread with its own store connection (SQLite
 *    in WAL mode: the loop's connection keeps reading meanwhile) and does
 *    an upload in one transaction (kb_add): a failure or a cancel rolls
 *    back and the kb stays as it was. A reindex commits file by file
 *    (kb_ingest_opts.commit_each_file), so that the loop's own writes
 *    (logins, sessions, audit) wait at most for one file, never for the
 *    whole job; a failure or a stop rolls back the file being read and a
 *    later reindex reads the rest.
 *  - Jobs run one at a time, in the order they came (they all write the
 *    same database, which has one writer); the others wait "queued".
 *  - After each file the worker records its progress in the job: files
 *    done of the files found so far, chunks written.
 *  - With an embedding model in the live configuration (as kb_hybrid.c
 *    finds it, parsed on the loop when the job is made), the worker then
 *    computes the kb's missing chunk vectors (kb_embed_missing_step, on
 *    its own connection, a commit per 512 vectors), progress "向量 N/M".
 *    The text stays indexed whatever happens there: an endpoint down or
 *    wrong, or a server stop (the request in flight is cancelled), ends
 *    the job done with a Chinese note that vectors are missing (the search
 *    uses BM25 alone until a later job computes them).
 *  - When the job ends, back on the loop: the audit entry (kb.upload,
 *    kb.reindex with the counts and the job id) and, for a request still
 *    waiting, its reply.
 *  - POST /api/kb/{id}/reindex replies 202 {job} at once; a second reindex
 *    of the same kb while one is queued or running gets 409. An upload of
 *    a PDF, of more than KB_JOB_SYNC_MAX bytes, or with ?async=1, replies
 *    202 {job} at once; a smaller one waits for its job and replies as
 *    before (201 added, 200 replaced, 413/422 refused with the reason).
 *  - GET /api/kb/jobs/{id}: state (queued/running/done/failed), progress,
 *    the counts when done, the Chinese reason when failed. Seen by the user
 *    who started it, those who manage the kb and auditors, provided they may
 *    see the kb (others: 404). GET /api/kb/{id}/jobs: those jobs of a kb.
 *  - Server stop: the running job is cancelled (the ingest stops after its
 *    current file and rolls back; a PDF being read ends within its own
 *    time limit), queued jobs fail with "服务正在停止".
 *  - Every job is also a row of kb_job (store/kbjob_store.h, migration 18):
 *    written when it is queued, started and finished (by the loop; the
 *    progress of a running job is in memory only), so GET answers after a
 *    restart; the last KBJOB_STORE_KEEP finished jobs of a kb are kept. A
 *    job cut short by a stop is "interrupted" (已中断) with the reason, and
 *    rows still queued or running when the server starts (a crash) are
 *    marked so then (server_kb_jobs_start, one audit entry). In memory,
 *    the last KB_JOBS_KEEP finished jobs.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "doc/xml.h"
#include "kb/kb.h"
#include "model/embed.h"
#include "server/api_kb.h"
#include "server/server_internal.h"
#include "store/kbjob_store.h"
#include "work/audit.h"

#define KB_JOB_SYNC_MAX (1 << 20) /* bytes: larger uploads reply 202 at once */
#define KB_JOBS_KEEP	64	  /* finished jobs remembered */

enum kb_job_state { KB_JOB_QUEUED, KB_JOB_RUNNING, KB_JOB_DONE, KB_JOB_FAILED, KB_JOB_INTERRUPTED };

static const char *const kb_job_state_name[] = {"queued", "running", "done", "failed",
						"interrupted"};
static const char *const kb_job_state_text[] = {"排队中", "进行中", "已完成", "失败", "已中断"};

#define KB_JOB_GONE "没有这个任务"
#define KB_JOB_CRASH                                                                               \
	"服务在任务完成前退出（停止或崩溃），任务已中断；已提交的部分保留，请重新上传或重建索引"

struct kb_job {
	int64_t id;
	bool reindex; /* else an upload */
	struct kb_row kb;
	char file[256]; /* upload: the file's name */
	int64_t size;
	int64_t user_id;
	char actor[STORE_NAME_MAX + 8];
	char db[PATH_MAX]; /* the database setting: the worker's own connection */
	char dir[PATH_MAX], staged[PATH_MAX], dest[PATH_MAX], bak[PATH_MAX];
	int64_t now; /* the request's time, for the ingest */
	int64_t created_at;
	struct store *loop_st; /* the loop's store, for the audit */
	struct server_req *r;  /* a request waiting for the reply, or NULL */
	bool finished;	       /* kb_job_finish ran */
	char error[sizeof(((struct err *)0)->msg)];
	int status; /* the HTTP status a waiting request gets */
	/* shared between the worker and the loop, under mu */
	pthread_mutex_t mu;
	enum kb_job_state state;
	size_t files_done, files_total, chunks;
	int64_t started_at, finished_at;
	bool vectors;				   /* computing the vectors (after the text) */
	size_t vec_done, vec_total;		   /* vectors written of those missing */
	char note[sizeof(((struct err *)0)->msg)]; /* done, but: why no vectors */
	atomic_bool cancel;
	/* written by the worker, read on the loop after it ends */
	int rc;
	bool check_failed; /* the uploaded file itself was refused */
	bool had_old;
	bool embed;		 /* an embedding model was configured … */
	bool embed_bad;		 /* … but its configuration is invalid */
	struct model_embedder m; /* parsed on the loop when the job was made */
	struct err e;
	struct kb_ingest_stats stats;
	struct kb_job *next;
};

static struct {
	struct kb_job *head, *tail; /* every job kept, oldest first */
	struct kb_job *running;
	struct server_workers *workers;
	int64_t last_stage; /* names of staged files */
	bool stopping;
} kb_jobs;

static int64_t kb_job_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool kb_job_role(const struct server_req *r, const char *role)
{
	return strcmp(r->user.role, role) == 0;
}

/* ---- the worker side ---- */

static int kb_job_step(void *arg, const struct kb_ingest_stats *s, size_t total)
{
	struct kb_job *j = arg;

	pthread_mutex_lock(&j->mu);
	j->files_done = s->files;
	j->files_total = total;
	j->chunks = s->chunks;
	pthread_mutex_unlock(&j->mu);
	return atomic_load(&j->cancel) ? -1 : 0;
}

/* The checked file replaces any earlier one of that name in the kb's
 * folder, then the folder is ingested; on failure the folder is put back. */
static int kb_job_upload(struct kb_job *j, struct store *st, const struct kb_ingest_opts *o)
{
	const char *paths[1] = {j->dir};
	int rc;

	j->had_old = access(j->dest, F_OK) == 0;
	if (j->had_old && rename(j->dest, j->bak) != 0)
		return err_set(&j->e, BASE_E_IO, "无法保存上传的文件（%s）", strerror(errno));
	if (rename(j->staged, j->dest) != 0) {
		rc = err_set(&j->e, BASE_E_IO, "无法保存上传的文件（%s）", strerror(errno));
		if (j->had_old)
			rename(j->bak, j->dest);
		return rc;
	}
	rc = kb_add(st, j->kb.name, paths, 1, o, &j->stats, &j->e);
	if (rc != 0) {
		/* the previous version back: the stored data stays as it was */
		if (j->had_old)
			rename(j->bak, j->dest);
		else
			unlink(j->dest);
		return rc;
	}
	if (j->had_old)
		unlink(j->bak);
	return 0;
}

static int kb_job_vec_step(void *arg, size_t done, size_t total)
{
	struct kb_job *j = arg;

	pthread_mutex_lock(&j->mu);
	j->vectors = true;
	j->vec_done = done;
	j->vec_total = total;
	pthread_mutex_unlock(&j->mu);
	return atomic_load(&j->cancel) ? -1 : 0;
}

/* After the text: the vectors the kb is missing, with the embedding model
 * of the live configuration. The text stays indexed whatever happens here;
 * a failure only leaves a note (search falls back to keywords). */
static void kb_job_vectors(struct kb_job *j, struct store *st)
{
	struct err e = {0};
	size_t done = 0;
	int rc;

	if (j->embed_bad) {
		snprintf(j->note, sizeof(j->note),
			 "向量模型配置无效，未计算向量；检索暂时只用关键词（BM25）");
		return;
	}
	rc = kb_embed_missing_step(st, j->kb.name, &j->m, kb_job_vec_step, j, &done, &e);
	pthread_mutex_lock(&j->mu);
	if (rc == 0)
		j->vec_done = j->vec_total;
	else if (atomic_load(&j->cancel))
		snprintf(j->note, sizeof(j->note),
			 "服务正在停止，向量未算完（%zu/%zu）；文本已入库，检索暂时只用关键词"
			 "（BM25），下次重建索引时补算",
			 j->vec_done, j->vec_total);
	else
		snprintf(j->note, sizeof(j->note),
			 "文本已入库，但向量未能计算（向量服务不可用或出错，已算 %zu/%zu）；"
			 "检索暂时只用关键词（BM25），向量服务恢复后重建索引即可补算",
			 j->vec_done, j->vec_total);
	pthread_mutex_unlock(&j->mu);
	if (rc != 0 && !atomic_load(&j->cancel))
		base_log(LOG_WARN, "kb: 任务 %lld（知识库 %lld）的向量未能计算：%s",
			 (long long)j->id, (long long)j->kb.id, e.msg);
}

static void kb_job_run(void *arg)
{
	struct kb_job *j = arg;
	struct kb_ingest_opts o = {.now = j->now, .step = kb_job_step, .step_arg = j};
	char *text = NULL;
	struct store *st = NULL;

	pthread_mutex_lock(&j->mu);
	j->state = KB_JOB_RUNNING;
	j->started_at = kb_job_clock();
	pthread_mutex_unlock(&j->mu);
	if (atomic_load(&j->cancel)) {
		j->rc = err_set(&j->e, BASE_E_BUSY, "已取消");
		return;
	}
	/* Read and parsed first: a bad file changes nothing. */
	if (!j->reindex && kb_check_file_text(j->staged, j->file, &text, &o.pre_tlen, &j->e) != 0) {
		j->rc = j->e.code;
		j->check_failed = true;
		return;
	}
	/* the ingest takes the checked text: a PDF is converted once */
	o.pre_text = text;
	o.pre_path = j->dest;
	/* A reindex commits file by file so that the loop's own writes
	 * (logins, sessions, audit) never wait out the whole job; an upload
	 * is one file and stays one transaction. */
	o.commit_each_file = j->reindex;
	j->rc = store_open(j->db, 0, &st, &j->e);
	if (j->rc == 0 && j->reindex)
		j->rc = kb_reindex(st, j->kb.name, &o, &j->stats, &j->e);
	else if (j->rc == 0)
		j->rc = kb_job_upload(j, st, &o);
	free(text);
	text = NULL;
	if (j->rc == 0 && j->embed)
		kb_job_vectors(j, st);
	store_close(st);
}

/* ---- the loop side ---- */

/* "文件 3/10，分块 120" or "向量 N/M" (under j->mu; static buffer, loop only). */
static const char *kb_job_progress_text(const struct kb_job *j)
{
	static char t[128];

	if (j->vectors && j->state == KB_JOB_RUNNING)
		snprintf(t, sizeof(t), "向量 %zu/%zu", j->vec_done, j->vec_total);
	else if (j->files_total > 0)
		snprintf(t, sizeof(t), "文件 %zu/%zu，分块 %zu", j->files_done, j->files_total,
			 j->chunks);
	else
		snprintf(t, sizeof(t), "文件 %zu，分块 %zu", j->files_done, j->chunks);
	return t;
}

static json_t *kb_job_json(struct kb_job *j)
{
	json_t *o;

	pthread_mutex_lock(&j->mu);
	o = json_pack(
	    "{s:I,s:s,s:I,s:s,s:s?,s:s,s:s,s:{s:I,s:I,s:I},s:I,s:I,s:I}", "id", (json_int_t)j->id,
	    "kind", j->reindex ? "reindex" : "upload", "kb_id", (json_int_t)j->kb.id, "kb",
	    j->kb.name, "file", j->reindex ? NULL : j->file, "state", kb_job_state_name[j->state],
	    "state_text", kb_job_state_text[j->state], "progress", "files_done",
	    (json_int_t)j->files_done, "files_total", (json_int_t)j->files_total, "chunks",
	    (json_int_t)j->chunks, "created_at", (json_int_t)j->created_at, "started_at",
	    (json_int_t)j->started_at, "finished_at", (json_int_t)j->finished_at);
	if (j->embed)
		json_object_set_new(json_object_get(o, "progress"), "vectors",
				    json_pack("{s:I,s:I}", "done", (json_int_t)j->vec_done, "total",
					      (json_int_t)j->vec_total));
	json_object_set_new(o, "progress_text", json_string(kb_job_progress_text(j)));
	if (j->note[0] != '\0')
		json_object_set_new(o, "note", json_string(j->note));
	if (j->state == KB_JOB_DONE)
		json_object_set_new(o, "stats", server_kb_stats_json(&j->stats));
	if (j->state == KB_JOB_FAILED || j->state == KB_JOB_INTERRUPTED)
		json_object_set_new(o, "error", json_string(j->error));
	pthread_mutex_unlock(&j->mu);
	return o;
}

static void kb_jobs_next(void);

/* The job's row as it is now (errors logged: the job itself goes on). */
static void kb_job_save(struct kb_job *j)
{
	json_t *o = kb_job_json(j);
	char *s = json_dumps(o, JSON_COMPACT);
	struct err e = {0};

	if (kbjob_store_update(j->loop_st, j->id, kb_job_state_name[j->state], s, &e) != 0)
		base_log(LOG_ERROR, "kb: 任务 %lld 的记录未能更新：%s", (long long)j->id, e.msg);
	free(s);
	json_decref(o);
}

/* The reason a failed job shows, and the status a waiting request gets. */
static void kb_job_reason(struct kb_job *j)
{
	const struct err *e = &j->e;
	/* what is kept: an upload is one transaction, a reindex commits file by
	 * file (the vectors come after and never fail the job) */
	const char *kept =
	    j->reindex ? "已读完的文件已保存，其余文件在下次重建索引时读取" : "知识库未改变";

	if (e->code == BASE_E_BUSY && atomic_load(&j->cancel)) {
		j->status = 503;
		snprintf(j->error, sizeof(j->error), "服务正在停止，任务已取消；%s", kept);
	} else if (j->check_failed && e->code == BASE_E_LIMIT) {
		j->status = 413;
		snprintf(j->error, sizeof(j->error), "%s", e->msg);
	} else if (j->check_failed && e->code != BASE_E_IO && e->code != BASE_E_INTERNAL) {
		j->status = 422;
		snprintf(j->error, sizeof(j->error), "%s", e->msg);
	} else if (e->code == BASE_E_BUSY || e->code == BASE_E_CONFLICT ||
		   e->code == BASE_E_NOTFOUND) {
		j->status = e->code == BASE_E_BUSY ? 503 : e->code == BASE_E_CONFLICT ? 409 : 404;
		snprintf(j->error, sizeof(j->error), "%s", e->msg[0] ? e->msg : "任务失败");
	} else {
		/* details (paths, library messages) go to the log only */
		base_log(LOG_ERROR, "kb: 任务 %lld（知识库 %lld）失败：%s", (long long)j->id,
			 (long long)j->kb.id, e->msg);
		j->status = 500;
		if (j->check_failed && e->code == BASE_E_INTERNAL && e->msg[0])
			snprintf(j->error, sizeof(j->error), "%s", e->msg);
		else
			snprintf(j->error, sizeof(j->error),
				 "入库失败：服务器内部错误（详见服务器日志）；%s", kept);
	}
}

/* The end of a job, on the loop: audit, state, the waiting request. */
static void kb_job_finish(struct kb_job *j)
{
	struct work_ctx ctx = {j->loop_st, j->actor, NULL, NULL};
	json_t *detail;
	struct err e = {0};
	struct server_req *r = j->r;

	if (j->rc == 0) {
		detail = j->reindex ? json_pack("{s:o}", "stats", server_kb_stats_json(&j->stats))
				    : json_pack("{s:s,s:I,s:o}", "file", j->file, "size",
						(json_int_t)j->size, "stats",
						server_kb_stats_json(&j->stats));
		json_object_set_new(detail, "kb_id", json_integer(j->kb.id));
		json_object_set_new(detail, "job_id", json_integer(j->id));
		if (j->embed)
			json_object_set_new(detail, "vectors",
					    json_pack("{s:I,s:I}", "done", (json_int_t)j->vec_done,
						      "total", (json_int_t)j->vec_total));
		if (j->note[0] != '\0')
			json_object_set_new(detail, "note", json_string(j->note));
		if (work_audit_append(&ctx, j->reindex ? "kb.reindex" : "kb.upload", j->kb.name,
				      detail, &e) != 0)
			base_log(LOG_ERROR, "kb: 任务 %lld 的审计记录未能写入：%s",
				 (long long)j->id, e.msg);
		json_decref(detail);
	} else {
		kb_job_reason(j);
	}
	if (j->staged[0] != '\0')
		unlink(j->staged); /* moved into place, or refused */
	pthread_mutex_lock(&j->mu);
	j->state = j->rc == 0		     ? KB_JOB_DONE
		   : atomic_load(&j->cancel) ? KB_JOB_INTERRUPTED
					     : KB_JOB_FAILED;
	if (j->rc == 0) {
		j->files_done = j->files_total = j->stats.files;
		j->chunks = j->stats.chunks;
	}
	j->finished_at = kb_job_clock();
	pthread_mutex_unlock(&j->mu);
	j->finished = true;
	kb_job_save(j);
	j->r = NULL;
	if (r == NULL)
		return;
	if (j->rc == 0)
		server_reply_json(
		    r, j->had_old ? 200 : 201,
		    json_pack("{s:I,s:s,s:s,s:o,s:I,s:s*}", "kb_id", (json_int_t)j->kb.id, "kb",
			      j->kb.name, "file", j->file, "stats", server_kb_stats_json(&j->stats),
			      "job_id", (json_int_t)j->id, "note", j->note[0] ? j->note : NULL));
	else
		server_reply_error(r, j->status,
				   j->status == 413   ? "too_large"
				   : j->status == 422 ? "bad_document"
				   : j->status == 409 ? "conflict"
				   : j->status == 404 ? "not_found"
				   : j->status == 503 ? "busy"
						      : "internal",
				   j->error);
	server_req_end(r);
}

/* Forget the oldest finished jobs beyond KB_JOBS_KEEP. */
static void kb_jobs_prune(void)
{
	size_t finished = 0;
	struct kb_job **pp;

	for (struct kb_job *j = kb_jobs.head; j != NULL; j = j->next)
		finished += j->finished;
	for (pp = &kb_jobs.head; *pp != NULL && finished > KB_JOBS_KEEP;) {
		struct kb_job *j = *pp;

		if (!j->finished) {
			pp = &j->next;
			continue;
		}
		*pp = j->next;
		finished--;
		pthread_mutex_destroy(&j->mu);
		free(j);
	}
	kb_jobs.tail = NULL;
	for (struct kb_job *j = kb_jobs.head; j != NULL; j = j->next)
		kb_jobs.tail = j;
}

static void kb_job_done(void *arg)
{
	struct kb_job *j = arg;

	if (kb_jobs.running == j)
		kb_jobs.running = NULL;
	kb_job_finish(j);
	kb_jobs_prune();
	kb_jobs_next();
}

/* Start the oldest queued job when none runs. */
static void kb_jobs_next(void)
{
	struct kb_job *j;

	if (kb_jobs.running != NULL || kb_jobs.stopping)
		return;
	for (j = kb_jobs.head; j != NULL && j->finished; j = j->next)
		;
	if (j == NULL)
		return;
	doc_xml_init(); /* libxml2 set up here, on the loop, before a worker parses */
	kb_jobs.running = j;
	/* recorded running before the worker can hold the write lock */
	j->state = KB_JOB_RUNNING;
	kb_job_save(j);
	if (server_workers_submit(kb_jobs.workers, kb_job_run, kb_job_done, j) != 0) {
		kb_jobs.running = NULL;
		j->rc = err_set(&j->e, BASE_E_BUSY, "服务正在停止");
		kb_job_finish(j);
	}
}

/* The embedding model of the live configuration (as kb_hybrid.c finds
 * it), parsed here on the loop for the worker. */
static void kb_job_embedder(struct server_req *r, struct kb_job *j)
{
	const char *emb = server_config_live(r)->embedding;
	struct err e = {0};

	if (emb[0] == '\0')
		return;
	j->embed = true;
	if (model_embedder_parse(&j->m, emb, strlen(emb), "embedding", &e) != 0) {
		j->embed_bad = true;
		base_log(LOG_WARN, "kb: %s", e.msg);
		return;
	}
	/* libcurl's global set-up happens here, on the loop, not on a worker */
	model_client_free(model_client_new(server_event_base(r)));
}

static struct kb_job *kb_job_new(struct server_req *r, const struct kb_row *k, bool reindex)
{
	struct kb_job *j = xcalloc(1, sizeof(*j));

	j->reindex = reindex;
	j->kb = *k;
	j->user_id = r->user.id;
	snprintf(j->actor, sizeof(j->actor), "%s", r->actor);
	snprintf(j->db, sizeof(j->db), "%s", server_db_path(r));
	j->now = work_now(&r->ctx);
	j->created_at = j->now;
	j->loop_st = server_store(r);
	pthread_mutex_init(&j->mu, NULL);
	atomic_init(&j->cancel, false);
	j->state = KB_JOB_QUEUED;
	kb_jobs.workers = server_workers_of(r);
	kb_job_embedder(r, j);
	return j;
}

/* Record the job (its id comes from the table) and queue it. */
static int kb_job_queue(struct kb_job *j, struct err *e)
{
	json_t *o = kb_job_json(j);
	char *s = json_dumps(o, JSON_COMPACT);
	int rc = kbjob_store_insert(j->loop_st, j->kb.id, j->user_id, j->created_at, s, &j->id, e);
	struct err pe = {0};

	free(s);
	json_decref(o);
	if (rc != 0)
		return rc;
	if (kbjob_store_prune(j->loop_st, j->kb.id, &pe) != 0)
		base_log(LOG_WARN, "kb: 旧的任务记录未能清理：%s", pe.msg);
	j->next = NULL;
	if (kb_jobs.tail != NULL)
		kb_jobs.tail->next = j;
	else
		kb_jobs.head = j;
	kb_jobs.tail = j;
	kb_jobs_next();
	return 0;
}

static void kb_job_drop(struct kb_job *j)
{
	pthread_mutex_destroy(&j->mu);
	free(j);
}

bool server_kb_job_active(int64_t kb_id)
{
	for (struct kb_job *j = kb_jobs.head; j != NULL; j = j->next) {
		if (!j->finished && j->kb.id == kb_id)
			return true;
	}
	return false;
}

static bool kb_reindex_active(int64_t kb_id)
{
	for (struct kb_job *j = kb_jobs.head; j != NULL; j = j->next) {
		if (!j->finished && j->reindex && j->kb.id == kb_id)
			return true;
	}
	return false;
}

/* ---- handlers ---- */

void server_api_kb_reindex(struct server_req *r)
{
	struct kb_row k;
	struct kb_job *j;
	struct err e = {0};

	if (!server_kb_load(r, r->id, &k))
		return;
	if (!server_kb_may_manage(r, &k)) {
		server_reply_error(r, 403, "forbidden", "只有管理员或本部门的监护人可以重建索引");
		return;
	}
	if (kb_reindex_active(k.id)) {
		server_reply_error(r, 409, "conflict",
				   "该知识库正在重建索引，请等当前任务完成后再试");
		return;
	}
	j = kb_job_new(r, &k, true);
	if (kb_job_queue(j, &e) != 0) {
		kb_job_drop(j);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 202, json_pack("{s:o}", "job", kb_job_json(j)));
}

/* The spool file to "<dir>/.job-<id>" (walks skip dot files): a rename, or
 * a copy when the spool is on another file system. */
static int kb_job_stage(const char *spool, const char *staged, struct err *e)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (rename(spool, staged) == 0)
		return 0;
	if (errno != EXDEV)
		return err_set(e, BASE_E_IO, "无法保存上传的文件（%s）", strerror(errno));
	rc = base_read_file(spool, KB_FILE_MAX, &data, &len, e);
	if (rc == 0)
		rc = base_write_file_atomic(staged, data, len, e);
	free(data);
	return rc;
}

static bool kb_job_async(struct server_req *r, const char *name, int64_t size)
{
	const char *a = server_query(r, "async");
	const char *dot = strrchr(name, '.');

	return (a != NULL && strcmp(a, "1") == 0) || size > KB_JOB_SYNC_MAX ||
	       (dot != NULL && strcasecmp(dot, ".pdf") == 0);
}

void server_api_kb_upload(struct server_req *r)
{
	const char *name = server_upload_name(r);
	struct kb_row k;
	struct err e = {0};
	struct kb_job *j;
	char dir[PATH_MAX];
	const char *path;
	int64_t size = 0;

	if (name == NULL) {
		server_reply_error(r, 400, "bad_request",
				   "请在 X-File-Name 中给出文件名（" KB_TYPES "）");
		return;
	}
	if (!kb_supported_name(name)) {
		server_reply_error(
		    r, 415, "unsupported_media_type",
		    "只能上传 .md、.txt、.docx、.html、.pdf 文件（文件名不能以 . 或 _ 开头）");
		return;
	}
	if (!server_kb_load(r, r->id, &k))
		return;
	if (!server_kb_may_upload(r, &k)) {
		server_reply_error(r, 403, "forbidden", "只能向本部门的知识库上传文档");
		return;
	}
	path = server_upload(r, &size);
	if (path == NULL)
		return;
	j = kb_job_new(r, &k, false);
	snprintf(j->file, sizeof(j->file), "%s", name);
	j->size = size;
	if (server_kb_dir(r, &k, true, dir, sizeof(dir)) != 0 ||
	    (size_t)snprintf(j->dir, sizeof(j->dir), "%s", dir) >= sizeof(j->dir) ||
	    (size_t)snprintf(j->dest, sizeof(j->dest), "%s/%s", dir, name) >= sizeof(j->dest) ||
	    (size_t)snprintf(j->bak, sizeof(j->bak), "%s/.%s.bak", dir, name) >= sizeof(j->bak) ||
	    (size_t)snprintf(j->staged, sizeof(j->staged), "%s/.job-%lld", dir,
			     (long long)++kb_jobs.last_stage) >= sizeof(j->staged)) {
		kb_job_drop(j);
		server_reply_error(r, 500, "internal", "无法保存上传的文件");
		return;
	}
	if (kb_job_stage(path, j->staged, &e) != 0) {
		unlink(j->staged);
		kb_job_drop(j);
		if (e.code == BASE_E_LIMIT)
			server_reply_error(r, 413, "too_large", e.msg);
		else
			server_reply_err(r, &e);
		return;
	}
	if (kb_job_queue(j, &e) != 0) {
		unlink(j->staged);
		kb_job_drop(j);
		server_reply_err(r, &e);
		return;
	}
	if (kb_job_async(r, name, size) || j->finished) {
		server_reply_json(r, 202, json_pack("{s:o}", "job", kb_job_json(j)));
		return;
	}
	j->r = r; /* kb_job_finish replies */
	server_req_defer(r);
}

/* Whether r may follow a job user_id started (after server_kb_load of its kb). */
static bool kb_job_may_see(struct server_req *r, int64_t user_id, const struct kb_row *k)
{
	return user_id == r->user.id || server_kb_may_manage(r, k) || kb_job_role(r, "auditor");
}

static struct kb_job *kb_job_find(int64_t id)
{
	struct kb_job *j;

	for (j = kb_jobs.head; j != NULL && j->id != id; j = j->next)
		;
	return j;
}

/* A stored row: the live job when this server runs it, else the JSON the
 * row holds (its id from the column). */
struct kb_job_row {
	int64_t kb_id, user_id;
	json_t *job;
};

static json_t *kb_job_row_json(const struct kbjob_store_row *row)
{
	struct kb_job *j = kb_job_find(row->id);
	json_t *o;

	if (j != NULL)
		return kb_job_json(j);
	o = json_loads(row->job, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		o = json_pack("{s:s,s:s}", "state", row->state, "error", "任务记录已损坏");
	}
	json_object_set_new(o, "id", json_integer(row->id));
	json_object_set_new(o, "kb_id", json_integer(row->kb_id));
	return o;
}

static int kb_job_get_cb(const struct kbjob_store_row *row, void *arg)
{
	struct kb_job_row *out = arg;

	out->kb_id = row->kb_id;
	out->user_id = row->user_id;
	out->job = kb_job_row_json(row);
	return 0;
}

void server_api_kb_job_get(struct server_req *r)
{
	struct kb_job_row row = {0, 0, NULL};
	struct kb_job *j = kb_job_find(r->id);
	struct kb_row k;
	struct err e = {0};

	if (j != NULL) {
		row.kb_id = j->kb.id;
		row.user_id = j->user_id;
		row.job = kb_job_json(j);
	} else if (kbjob_store_get(server_store(r), r->id, kb_job_get_cb, &row, &e) != 0) {
		if (e.code == BASE_E_NOTFOUND)
			server_reply_error(r, 404, "not_found", KB_JOB_GONE);
		else
			server_reply_err(r, &e);
		return;
	}
	/* a kb r may not see answers 404 too */
	if (!server_kb_load(r, row.kb_id, &k)) {
		json_decref(row.job);
		return;
	}
	if (!kb_job_may_see(r, row.user_id, &k)) {
		json_decref(row.job);
		server_reply_error(r, 404, "not_found", KB_JOB_GONE);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:o}", "job", row.job));
}

struct kb_job_list {
	struct server_req *r;
	const struct kb_row *k;
	json_t *arr;
};

static int kb_job_list_cb(const struct kbjob_store_row *row, void *arg)
{
	struct kb_job_list *l = arg;

	if (kb_job_may_see(l->r, row->user_id, l->k))
		json_array_append_new(l->arr, kb_job_row_json(row));
	return 0;
}

void server_api_kb_jobs_list(struct server_req *r)
{
	struct kb_row k;
	struct kb_job_list l = {r, &k, NULL};
	struct err e = {0};

	if (!server_kb_load(r, r->id, &k))
		return;
	l.arr = json_array();
	if (kbjob_store_list(server_store(r), k.id, kb_job_list_cb, &l, &e) != 0) {
		json_decref(l.arr);
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, json_pack("{s:o}", "jobs", l.arr));
}

/* ---- start ---- */

void server_kb_jobs_start(struct store *st)
{
	struct work_ctx ctx = {st, "system:kb-jobs", NULL, NULL};
	int64_t *ids = NULL;
	size_t n = 0;
	struct err e = {0};
	json_t *detail, *arr;

	if (store_tx_begin(st, &e) != 0 ||
	    kbjob_store_interrupt(st, KB_JOB_CRASH, &ids, &n, &e) != 0)
		goto fail;
	if (n == 0) {
		store_tx_rollback(st);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_integer(ids[i]));
	detail = json_pack("{s:o,s:s}", "jobs", arr, "reason", KB_JOB_CRASH);
	if (work_audit_append_tx(&ctx, "kb.jobs_interrupted", "kb_job", detail, &e) != 0 ||
	    store_tx_commit(st, &e) != 0) {
		json_decref(detail);
		goto fail;
	}
	json_decref(detail);
	base_log(LOG_WARN, "kb: %zu 个知识库任务在上次停止时未完成，已标为已中断", n);
	free(ids);
	return;
fail:
	store_tx_rollback(st);
	free(ids);
	base_log(LOG_ERROR, "kb: 未完成的知识库任务未能标为已中断：%s", e.msg);
}

/* ---- stop ---- */

void server_kb_jobs_stop(void)
{
	kb_jobs.stopping = true;
	if (kb_jobs.running != NULL)
		atomic_store(&kb_jobs.running->cancel, true);
	for (struct kb_job *j = kb_jobs.head; j != NULL; j = j->next) {
		if (j->finished || j == kb_jobs.running)
			continue;
		atomic_store(&j->cancel, true);
		j->rc = err_set(&j->e, BASE_E_BUSY, "已取消");
		kb_job_finish(j);
	}
}

void server_kb_jobs_free(void)
{
	while (kb_jobs.head != NULL) {
		struct kb_job *j = kb_jobs.head;

		kb_jobs.head = j->next;
		if (j->staged[0] != '\0' && !j->finished)
			unlink(j->staged);
		pthread_mutex_destroy(&j->mu);
		free(j);
	}
	memset(&kb_jobs, 0, sizeof(kb_jobs));
}
