/*
 * server/api_settings: 系统设置 — GET/PUT /api/settings (runtime settings,
 * settings.h) and POST /api/model/test, the endpoint diagnosis of
 * model/diagnose.c (the same as `shuzhi model test`) run on the event loop:
 * the reply is held open (200, application/json) until the diagnosis ends
 * and the diagnosis is cancelled when the client goes away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "model/model.h"
#include "server/server_internal.h"
#include "server/settings.h"

void server_api_settings_get(struct server_req *r)
{
	struct err e = {0};
	json_t *v =
	    server_settings_view(server_config_base(r), server_config_live(r), server_store(r), &e);

	if (v == NULL) {
		server_reply_err(r, &e);
		return;
	}
	server_reply_json(r, 200, v);
}

/* body {"settings": {…}} → its object (borrowed), or NULL after replying. */
static json_t *settings_changes(struct server_req *r, json_t *body)
{
	json_t *c = json_object_get(body, "settings");

	if (!json_is_object(c)) {
		server_reply_error(r, 400, "bad_request",
				   "请求须为 {\"settings\": {设置项: 值}}（值为 null "
				   "表示恢复为配置文件或默认值）");
		return NULL;
	}
	return c;
}

void server_api_settings_put(struct server_req *r)
{
	json_t *body = server_body_json(r);
	json_t *changes, *view;
	struct server_config *next;
	struct err e = {0};
	size_t changed = 0;

	if (body == NULL)
		return;
	changes = settings_changes(r, body);
	if (changes == NULL) {
		json_decref(body);
		return;
	}
	next = xcalloc(1, sizeof(*next));
	if (server_settings_update(&r->ctx, server_config_base(r), server_config_live(r), changes,
				   next, &changed, &e) != 0 ||
	    (changed > 0 && server_config_apply(r, next, &e) != 0)) {
		server_reply_err(r, &e);
		goto out;
	}
	view =
	    server_settings_view(server_config_base(r), server_config_live(r), server_store(r), &e);
	if (view == NULL) {
		server_reply_err(r, &e);
		goto out;
	}
	json_object_set_new(view, "changed", json_integer((json_int_t)changed));
	server_reply_json(r, 200, view);
out:
	memset(next, 0, sizeof(*next)); /* may hold the API key */
	free(next);
	json_decref(body);
}

/* ---- POST /api/model/test ---- */

struct model_test {
	struct evhttp_request *req;
	struct evhttp_connection *con;
	struct server *srv;
	struct model_diag *diag;
};

static void model_test_on_result(const struct model_diag_result *res, void *arg)
{
	struct model_test *t = arg;
	char *text = model_diag_json(res);
	struct evbuffer *out = evbuffer_new();

	evbuffer_add(out, text, strlen(text));
	free(text);
	evhttp_connection_set_closecb(t->con, NULL, NULL);
	evhttp_send_reply_chunk(t->req, out);
	evhttp_send_reply_end(t->req);
	evbuffer_free(out);
	free(t);
}

static void model_test_on_close(struct evhttp_connection *con, void *arg)
{
	struct model_test *t = arg;

	(void)con;
	model_diag_cancel(t->diag);
	evhttp_send_reply_end(t->req);
	server_stream_abandoned(t->srv);
	free(t);
}

void server_api_model_test(struct server_req *r)
{
	json_t *body = NULL, *changes, *empty = json_object();
	struct server_config *cand = xcalloc(1, sizeof(*cand));
	struct model_provider p;
	struct model_test *t;
	struct err e = {0};

	if (evbuffer_get_length(evhttp_request_get_input_buffer(r->ev)) > 0) {
		body = server_body_json(r);
		if (body == NULL)
			goto out;
		changes = json_object_get(body, "settings") ? settings_changes(r, body) : empty;
		if (changes == NULL)
			goto out;
	} else {
		changes = empty;
	}
	if (server_settings_preview(server_config_base(r), server_store(r), changes, cand, &e) !=
	    0) {
		server_reply_err(r, &e);
		goto out;
	}
	if (cand->model[0] == '\0') {
		server_reply_error(r, 400, "no_model",
				   "未配置模型服务：请先填写“服务地址”和“模型名称”");
		goto out;
	}
	if (model_provider_parse(&p, cand->model, strlen(cand->model), "设置", &e) != 0) {
		server_reply_err(r, &e);
		goto out;
	}
	t = xcalloc(1, sizeof(*t));
	t->srv = r->srv;
	t->diag = model_diag_start(server_event_base(r), &p, model_test_on_result, t);
	memset(&p, 0, sizeof(p));
	t->req = server_reply_stream_start(r, "application/json");
	t->con = evhttp_request_get_connection(t->req);
	evhttp_connection_set_closecb(t->con, model_test_on_close, t);
out:
	memset(cand, 0, sizeof(*cand));
	free(cand);
	json_decref(body);
	json_decref(empty);
}
