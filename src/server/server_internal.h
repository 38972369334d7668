/*
 * server internals: the per-request context handlers receive, and the reply
 * helpers every handler uses. Only src/server/ includes this.
 *
 * A handler answers exactly once through server_reply_json(),
 * server_reply_error*() or server_reply_raw(); the helpers write the
 * access-log line.
 */
#ifndef SHUZHI_SERVER_INTERNAL_H
#define SHUZHI_SERVER_INTERNAL_H

#include <jansson.h>

#include "server/server.h"
#include "server/workers.h"
#include "store/store.h"
#include "work/work.h"

/* Event loop priorities (http.c http_base_new): client connections, the
 * default, bulk (model/client.c puts a running stream's socket there);
 * the loop looks for new events after SERVER_BULK_BATCH bulk callbacks. */
#define SERVER_PRIO_CONN  0
#define SERVER_NPRIO	  3
#define SERVER_BULK_BATCH 4

struct evhttp_request;
struct event_base;
struct model_gateway;
struct model_provider;
struct server;

struct server_req {
	struct server *srv;
	struct evhttp_request *ev;
	const char *method;
	char path[512]; /* decoded-free raw path, no query */
	int64_t id;	/* the {id} segment, 0 when none */
	uint64_t start_ns;
	char ip[48];
	/* Session (logged_in false: anonymous). */
	bool logged_in;
	bool via_token; /* authenticated by an API token, not a session cookie */
	struct store_user user;
	struct store_session session;
	char actor[STORE_NAME_MAX + 8]; /* "user:NAME" or "web:IP" */
	struct work_ctx ctx;		/* st, actor for work/ calls */
	void *query;			/* parsed query string (struct evkeyvalq), on first use */
	const struct server_route *route;
	char *upload_path; /* server_upload()'s spool file, removed at the end */
	char upload_name[256];
	char *spool_path; /* the body the connection filter streamed to disk (conn.c) */
	int64_t spool_size;
	char peer[48]; /* the TCP peer (ip is the client behind a trusted proxy) */
	bool replied;
	bool deferred; /* waiting for server_work_submit()'s job */
	bool gone;     /* … and the client went away meanwhile */
	/* while deferred: polls the socket for a client gone (see
	 * server_req_defer), and whom to tell */
	struct event *watch;
	void (*on_gone)(struct server_req *r, void *arg);
	void *on_gone_arg;
};

/*
 * CPU work off the loop (workers.h): fn(arg) runs on a worker thread, then
 * done(arg) on the loop. r stays valid after the handler returns: done
 * replies with the usual helpers (a reply to a client that went away is
 * only logged) and then calls server_req_end(r), which frees r. fn must
 * not touch r. -1 after replying 503 when the pool is stopping (done is
 * then not called; the handler still owns arg).
 */
int server_work_submit(struct server_req *r, server_work_fn fn, server_work_fn done, void *arg);
void server_req_end(struct server_req *r);
/* Answer r later from the loop (a model call on the gateway): r stays
 * valid after the handler returns; reply with the usual helpers, then
 * server_req_end(r). r->gone turns true when the client goes away: evhttp
 * reads nothing while a request is handled, so the socket is peeked every
 * SERVER_GONE_POLL_MS for the client's close (or reset) until the reply
 * starts; a closed one is closed on our side too. */
#define SERVER_GONE_POLL_MS 250
void server_req_defer(struct server_req *r);
/* While r is deferred: fn(r, arg) runs on the loop (from the loop, never
 * inside another call) once r->gone turns true, instead of waiting for
 * the work to end. fn owns r then: it ends it with server_req_end(r) and
 * may reply nothing (a reply would only be logged). NULL fn: no call. */
void server_req_on_gone(struct server_req *r, void (*fn)(struct server_req *r, void *arg),
			void *arg);
/* The worker pool of r's server. */
struct server_workers *server_workers_of(struct server_req *r);

struct store *server_store(struct server_req *r);
bool server_behind_tls(struct server_req *r);
/* Session lifetimes of the running configuration, in ms. */
int64_t server_session_idle_ms(struct server_req *r);
int64_t server_session_max_ms(struct server_req *r);
bool server_login_allowed(struct server_req *r, int64_t *retry_ms);
bool server_portal_allowed(struct server_req *r, int64_t *retry_ms);
/* The database setting (a path, or "sqlite:PATH"); may hold a URL with a
 * password: never log or send it. */
const char *server_db_path(struct server_req *r);
/* The loop, and the model gateway (NULL when no model is configured). */
struct event_base *server_event_base(struct server_req *r);
struct model_gateway *server_gateway(struct server_req *r);
/* Take the request over for a streamed reply: status 200 and type sent
 * now (access-logged), chunks follow with evhttp_send_reply_chunk() and
 * evhttp_send_reply_end(). r itself is gone when the handler returns. */
struct evhttp_request *server_reply_stream_start(struct server_req *r, const char *type);
/* Where a streamed reply's chunks can also go in one piece each: the
 * connection's output and whether evhttp frames the reply in chunks
 * (HTTP/1.1; not for an HTTP/1.0 client). server_stream_write() adds
 * bytes already framed, e.g. by server_stream_frame(). */
struct server_stream_out {
	struct evbuffer *out;	/* what evhttp writes to (the connection filter's) */
	struct evbuffer *under; /* the socket bufferevent's output below it */
	int fd;			/* the socket, -1 when unknown */
	bool chunked;
};
void server_stream_out_init(struct evhttp_request *req, struct server_stream_out *o);
/* Frame p[0..n) (n > 0) for o in dst (cap bytes, at least n + 20):
 * the chunk's size line and closing CRLF when chunked. Returns the framed
 * length, 0 when it does not fit. */
size_t server_stream_frame(const struct server_stream_out *o, char *dst, size_t cap, const char *p,
			   size_t n);
/* Add framed bytes to o's connection: with nothing queued before them they
 * go straight to the socket, now (a token does not wait for the loop's
 * next turn); what the kernel does not take is queued as usual. */
void server_stream_write(const struct server_stream_out *o, const char *p, size_t n);
/* A streamed reply whose client went away (evhttp does not complete it):
 * no longer counted as in flight. */
void server_stream_abandoned(struct server *srv);

/* Reply with a JSON value (stolen) and status. */
void server_reply_json(struct server_req *r, int status, json_t *body);
/* Reply {"error":{"code":key,"message":msg}}. */
void server_reply_error(struct server_req *r, int status, const char *key, const char *msg);
/* Map e->code to status and key; internal and I/O details are logged, not sent. */
void server_reply_err(struct server_req *r, const struct err *e);
/* Reply with bytes and a content type; extra headers may be set before. */
void server_reply_raw(struct server_req *r, int status, const char *type, const void *data,
		      size_t len);
void server_add_header(struct server_req *r, const char *name, const char *value);
const char *server_header(struct server_req *r, const char *name);
/* The request's JSON object body: NULL after replying 400/413/415. */
json_t *server_body_json(struct server_req *r);
/*
 * Upload routes (SERVER_ROUTE_UPLOAD): the request body is the file's raw
 * bytes (any Content-Type), its name in the X-File-Name header as
 * percent-encoded UTF-8 (encodeURIComponent). server_upload() saves the
 * body as a private (0600) file in the spool directory ($TMPDIR or /tmp)
 * and returns its path, removed when the request ends (copy or rename it
 * to keep it); it ends in the name's extension (".docx") when that is
 * short and alphanumeric. *size gets its length. NULL after replying 400 (empty) or
 * 413 (over max_upload_bytes) or 500.
 * server_upload_name(): the file's base name from X-File-Name, checked
 * (valid UTF-8, no control characters, at most 255 bytes), or NULL.
 */
const char *server_upload(struct server_req *r, int64_t *size);
const char *server_upload_name(struct server_req *r);
/* A query parameter (decoded), or NULL. Valid until the reply. */
const char *server_query(struct server_req *r, const char *name);

/*
 * Request heads as the connection filter reads them (reqhead.c, fuzzed).
 * server_reqhead_end(): the length of the head (through its empty line)
 * in p[0..n), 0 while incomplete; from is how much was searched before.
 * server_reqhead_parse(): 0, or -1 when malformed (the caller then leaves
 * the connection to evhttp). server_reqhead_rewrite(): the head with
 * Content-Length, Expect and SERVER_SPOOL_HEADER removed and
 * "Content-Length: 0" and SERVER_SPOOL_HEADER: token added.
 */
#define SERVER_SPOOL_HEADER "X-Shuzhi-Spool"
struct server_reqhead {
	char method[8];
	char path[512];		  /* raw, without the query */
	int minor;		  /* HTTP/1.minor */
	long long content_length; /* -1: none */
	bool chunked;		  /* any Transfer-Encoding */
	bool expect_continue;
};
size_t server_reqhead_end(const char *p, size_t n, size_t from);
int server_reqhead_parse(const char *p, size_t n, struct server_reqhead *h);
int server_reqhead_rewrite(const char *p, size_t n, const char *token, struct buf *out);

/*
 * Connections (conn.c): every accepted connection runs through a filter
 * bufferevent (evhttp_set_bevcb) that counts connections per client IP
 * (max_conns_per_ip; trusted proxies exempt), answers a body over its
 * route's limit with the JSON 413 before evhttp reads it, and writes the
 * bodies of SERVER_ROUTE_UPLOAD routes to a spool file as they arrive;
 * evhttp then sees the head with an empty body and a spool token.
 */
struct server_conns;
struct bufferevent;
struct server_conns *server_conns_new(struct event_base *base, const struct server_config *cfg);
void server_conns_free(struct server_conns *c);
struct bufferevent *server_conns_bevcb(struct event_base *base, void *arg);
/* The spool file of r's body, if the filter made one for it: the path
 * (the caller owns and removes it) and size; false otherwise. */
bool server_conns_take_spool(struct server_conns *c, struct server_req *r, char **path,
			     int64_t *size);
/* Whether ip (text) is one of cfg->trusted_proxies. */
bool server_proxy_trusted(const struct server_config *cfg, const char *ip);
/* The client address of a request from peer with X-Forwarded-For xff
 * (NULL: none): the last hop that is not a trusted proxy, when peer is
 * trusted; peer otherwise. */
void server_client_ip(const struct server_config *cfg, const char *peer, const char *xff, char *out,
		      size_t cap);

/* Sessions (auth.c). */
void server_auth_load(struct server_req *r); /* from the cookie, if any */
void server_auth_login(struct server_req *r);
void server_auth_logout(struct server_req *r);
void server_auth_me(struct server_req *r);
/* json for a user as the API shows it (no hash, no counters). */
json_t *server_user_json(struct server_req *r, const struct store_user *u);

/* Handlers (api.c). */
void server_api_healthz(struct server_req *r);
void server_api_depts_list(struct server_req *r);
void server_api_depts_add(struct server_req *r);
void server_api_users_list(struct server_req *r);
void server_api_users_add(struct server_req *r);
void server_api_users_disable(struct server_req *r);
void server_api_audit_list(struct server_req *r);
void server_api_audit_csv(struct server_req *r);
void server_api_audit_verify(struct server_req *r);
void server_api_tokens_list(struct server_req *r);
void server_api_tokens_add(struct server_req *r);
void server_api_tokens_revoke(struct server_req *r);
void server_api_scenarios(struct server_req *r);
void server_api_gongwen_check(struct server_req *r);
void server_api_gongwen_fix(struct server_req *r);
void server_api_employees_list(struct server_req *r);
void server_api_employees_add(struct server_req *r);
void server_api_employee_get(struct server_req *r);
void server_api_employee_update(struct server_req *r);
void server_api_employee_submit(struct server_req *r);
void server_api_employee_approve(struct server_req *r);
void server_api_employee_pause(struct server_req *r);
void server_api_employee_resume(struct server_req *r);
void server_api_employee_retire(struct server_req *r);
void server_api_tasks_list(struct server_req *r);
void server_api_tasks_add(struct server_req *r);
void server_api_task_get(struct server_req *r);
void server_api_task_edit(struct server_req *r);
void server_api_task_decide(struct server_req *r);
void server_api_task_export(struct server_req *r);
void server_api_task_provenance(struct server_req *r);
void server_api_task_files_add(struct server_req *r); /* api_taskfiles.c */
void server_api_task_file_get(struct server_req *r);
/* Task creation with files (body {"files": {FIELD: id}}): each file must
 * be the user's own unattached upload for a field of entry's form that takes
 * a file; its text is put into body's inputs. *attach gets [{id, field}] for
 * work_task_start_files (NULL without files). -1 after replying. */
int server_task_files_resolve(struct server_req *r, const json_t *entry, json_t *body,
			      json_t **attach);
/* task_model.c: a task's draft written with the model on the loop (see
 * there). Whether the model is used for scenario (configured, prompts). */
bool server_task_model_wanted(struct server_req *r, const char *scenario);
/* Whether the model tokens spent today for employee emp_id reach its
 * daily_tokens (or the user's reach the model's daily_tokens); why gets a
 * Chinese sentence. */
bool server_task_quota_spent(struct server_req *r, int64_t emp_id, char *why, size_t cap);
/* Start the model calls of running task task_id; fallback (stolen) is its
 * deterministic result, drafted with the reason when the model fails.
 * false when that happened at once (the task is a draft already). */
bool server_task_model_start(struct server_req *r, int64_t task_id, int64_t emp_id,
			     const char *scenario, const json_t *inputs, json_t *fallback);
/* The brake: abort the model calls of employee emp_id's tasks (why goes
 * into their provenance, recorded as done by actor, who braked); the
 * number of tasks. */
size_t server_task_model_abort(struct store *st, int64_t emp_id, const char *why,
			       const char *actor);
/* Remove unattached task files older than max_age_s on a timer of base. */
void server_task_files_gc_start(struct event_base *base, struct store *st, long long max_age_s);
/* Shutdown, after the gateway is freed: the timer and any run left. */
void server_task_model_stop(void);
/* The task_model_timeout_s setting. */
long long server_task_model_timeout_s(struct server_req *r);
/* Record the employee's model profile in result and put the passages of
 * its own knowledge bases that match the draft into result "sources". */
void server_task_enrich(struct server_req *r, int64_t emp_id, json_t *result);
void server_api_notifications(struct server_req *r);
void server_api_notification_read(struct server_req *r);
void server_api_metrics(struct server_req *r);
void server_api_metrics_csv(struct server_req *r);
void server_api_portal_search(struct server_req *r);
void server_api_portal_answer(struct server_req *r); /* api_portal.c: SSE */
/*
 * Hybrid knowledge-base search on the loop (kb_hybrid.c). With an
 * "embedding" provider configured, server_kb_hybrid_run embeds q (waiting
 * at most the kb_embed_wait_ms setting; r deferred meanwhile) and calls fn(r,
 * q, k) with k->qv set (rank with kb_search_hybrid) or NULL with mode
 * "bm25" and a Chinese note (endpoint down or slow: no further call for
 * kb_embed_retry_s); without one, fn runs at once with k->mode
 * NULL (keyword search, nothing to report). fn answers r. After the
 * search, server_kb_hybrid_result(k, hybrid) sets mode "hybrid" or the
 * note saying why not.
 */
struct kb_qvec;
struct server_kbq {
	const struct kb_qvec *qv; /* NULL: keyword search */
	const char *mode;	  /* "hybrid" | "bm25"; NULL: no embedding model */
	const char *note;	  /* why not hybrid (Chinese), "" */
};
typedef void (*server_kbq_fn)(struct server_req *r, const char *q, struct server_kbq *k);
void server_kb_hybrid_run(struct server_req *r, const char *q, server_kbq_fn fn);
void server_kb_hybrid_result(struct server_kbq *k, bool hybrid);
/* Shutdown, after the loop: waiting requests get keyword results. */
void server_kb_hybrid_stop(void);
/* Knowledge bases (api_kb.c). */
void server_api_kb_list(struct server_req *r);
void server_api_kb_create(struct server_req *r);
void server_api_kb_docs(struct server_req *r);
void server_api_kb_upload(struct server_req *r);
void server_api_kb_reindex(struct server_req *r);
void server_api_kb_delete(struct server_req *r);
void server_api_kb_doc_delete(struct server_req *r);
/* Knowledge-base jobs (api_kb_jobs.c): uploads and reindexing on the
 * worker pool, one at a time, with progress; see there. */
void server_api_kb_job_get(struct server_req *r);
void server_api_kb_jobs_list(struct server_req *r);
/* Whether kb kb_id has a job queued or running (its documents are about
 * to change: removing a document or the kb waits). */
bool server_kb_job_active(int64_t kb_id);
/* Server stop: cancel the running job (it rolls back at its next file),
 * fail the queued ones; after the pool is gone, free every job. */
void server_kb_jobs_stop(void);
void server_kb_jobs_free(void);
/* Server start: jobs a previous server left queued or running are marked
 * interrupted (已中断, with the reason) and audited. */
void server_kb_jobs_start(struct store *st);
void server_static(struct server_req *r);
/* Enterprise profiles (api_enterprise.c). */
void server_api_ent_access_get(struct server_req *r);
void server_api_ent_access_set(struct server_req *r);
void server_api_ent_chains_get(struct server_req *r);
void server_api_ent_chains_set(struct server_req *r);
void server_api_ent_rules_get(struct server_req *r);
void server_api_ent_rules_set(struct server_req *r);
void server_api_ent_lists(struct server_req *r);
void server_api_ent_list_save(struct server_req *r);
void server_api_ent_list_get(struct server_req *r);
void server_api_ent_list_export(struct server_req *r);
void server_api_ent_list_delete(struct server_req *r);
void server_api_ent_list_refresh(struct server_req *r);
void server_api_ent_search(struct server_req *r);
void server_api_ent_profile(struct server_req *r);
void server_api_ent_report(struct server_req *r);
/* api_entreport.c: reply with the report .docx of profile (stolen); its
 * analysis written by the model (the request deferred until it answers)
 * when one is configured, the deterministic one otherwise or on failure. */
void server_ent_report_reply(struct server_req *r, json_t *profile);
/* For a 企业分析报告 task (inputs {uscc, as_of}): the enterprise's profile
 * after the access check, audited as enterprise.report; NULL after
 * replying (api_enterprise.c). */
json_t *server_ent_task_profile(struct server_req *r, const json_t *inputs);
/* POST /api/tasks for scenario RUN_ENT_REPORT (body stolen, entry the
 * catalog entry): the task of employee_id with the analysis by the model
 * on the loop when one is configured (state running until then), the
 * rules' otherwise; a draft for the guardian's review like every task. */
void server_ent_report_task(struct server_req *r, json_t *body, const json_t *entry);
/* The .docx of an approved 企业分析报告 task: the profile kept in its
 * result, its reviewed text as the analysis, the approval line in the note. */
int server_ent_task_docx(const json_t *task, const char *approval, char **data, size_t *len,
			 struct err *e);
void server_api_ent_warnings(struct server_req *r);
void server_api_ent_screen(struct server_req *r);
void server_api_chat(struct server_req *r); /* api_chat.c */
/* The user's daily model quota (p->daily_tokens): false after replying 429. */
bool server_model_quota_ok(struct server_req *r, const struct model_provider *p);
/* api_slides.c */
void server_api_slides_outline(struct server_req *r);
void server_api_slides_outline_text(struct server_req *r);
void server_api_slides_preview(struct server_req *r);
void server_api_slides_render(struct server_req *r);
void server_api_slides_templates(struct server_req *r);
/* Write the usage rows still pending (before the store closes). */
void server_api_chat_flush(void);
/* Shutdown: from now on usage rows are written on the loop (the worker
 * pool is about to go). */
void server_api_chat_detach(void);
/* Runtime settings (api_settings.c, settings.h): the configuration the
 * server started with, the live one (with the database rows), and making a
 * new live configuration take effect (rate limits, model gateway). */
const struct server_config *server_config_base(struct server_req *r);
const struct server_config *server_config_live(struct server_req *r);
int server_config_apply(struct server_req *r, const struct server_config *next, struct err *e);
void server_api_settings_get(struct server_req *r);
void server_api_settings_put(struct server_req *r);
void server_api_model_test(struct server_req *r); /* the diagnosis, async */

struct model_usage;
struct store_model_usage;
/* The token and timing fields of a model_usage row for a call that started
 * at start_ns, gave its first token at first_ns (0: none) and ends now. */
void server_usage_fill(struct store_model_usage *u, const struct model_usage *mu, uint64_t start_ns,
		       uint64_t first_ns);
/* Store u (the caller sets who, provider, model and status) with the time
 * now (ctx's clock), its tokens and timings (server_usage_fill) and the
 * call's reasoning, which is kept only here; a failure is logged under
 * label. */
struct work_ctx;
struct buf;
void server_usage_add(const struct work_ctx *ctx, struct store_model_usage *u,
		      const struct model_usage *mu, uint64_t start_ns, uint64_t first_ns,
		      struct buf *reasoning, const char *label);

#endif
