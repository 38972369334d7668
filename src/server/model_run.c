/*
 * server/model_run: one run of model prose on the event loop (model_run.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "server/model_run.h"
#include "server/server_internal.h"
#include "store/model_store.h"
#include "text/text.h"

void server_mrun_init(struct server_mrun *m, struct server_req *r, size_t max_answer)
{
	m->st = server_store(r);
	m->gw = server_gateway(r);
	m->user_id = r->user.id;
	m->dept_id = r->user.department_id;
	m->timeout_s = server_task_model_timeout_s(r);
	snprintf(m->actor, sizeof(m->actor), "%s", r->actor);
	m->max_answer = max_answer;
	buf_init(&m->answer, max_answer + 1);
	buf_init(&m->reasoning, STORE_MODEL_REASONING_MAX + 1);
}

/* The call's model_usage row (tokens, timings, reasoning). */
static void mr_usage_row(struct server_mrun *m, const char *status)
{
	struct store_model_usage u = {0};
	struct work_ctx ctx = {m->st, m->actor, NULL, NULL};
	const struct model_provider *p = model_gateway_provider(m->gw);

	u.user_id = m->user_id;
	u.department_id = m->dept_id;
	u.employee_id = m->emp_id;
	u.provider = p->name;
	u.model = p->model;
	u.status = status;
	server_usage_add(&ctx, &u, &m->usage, m->start_ns, m->first_ns, &m->reasoning, m->label);
}

static void mr_call_end(struct server_mrun *m, const char *status, const char *why)
{
	mr_usage_row(m, strcmp(status, "done") == 0    ? "done"
			: strcmp(status, "error") == 0 ? "error"
						       : "aborted");
	if (m->cbs.call_end != NULL)
		m->cbs.call_end(m, status, why);
}

bool server_mrun_cancel(struct server_mrun *m, const char *status, const char *why)
{
	if (m->ticket == NULL)
		return false;
	model_ticket_cancel(m->ticket);
	m->ticket = NULL;
	mr_call_end(m, status, why);
	return true;
}

static void mr_on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct server_mrun *m = arg;
	char why[160];

	(void)fd;
	(void)what;
	snprintf(why, sizeof(why), "模型在 %lld 秒内未完成", m->timeout_s);
	server_mrun_cancel(m, "timeout", why);
	m->cbs.fallback(m, why);
}

void server_mrun_arm(struct server_mrun *m, struct server_req *r)
{
	struct timeval tv = {(time_t)m->timeout_s, 0};

	if (m->deadline == NULL)
		m->deadline = evtimer_new(server_event_base(r), mr_on_deadline, m);
	evtimer_add(m->deadline, &tv);
}

static void mr_on_queued(size_t position, void *arg)
{
	(void)position;
	(void)arg;
}

static int mr_on_event(const struct model_event *ev, void *arg)
{
	struct server_mrun *m = arg;

	switch (ev->type) {
	case MODEL_EV_REASONING:
		if (m->first_ns == 0)
			m->first_ns = base_now_ns();
		if (m->reasoning.len + ev->len < STORE_MODEL_REASONING_MAX)
			buf_add(&m->reasoning, ev->text, ev->len);
		break;
	case MODEL_EV_DELTA:
		if (m->first_ns == 0)
			m->first_ns = base_now_ns();
		if (m->answer.len + ev->len > m->max_answer) {
			m->too_long = true;
			return 1; /* stops the stream: on_end reports it */
		}
		buf_add(&m->answer, ev->text, ev->len);
		break;
	case MODEL_EV_USAGE:
		m->usage = ev->usage;
		break;
	case MODEL_EV_DONE:
		snprintf(m->finish, sizeof(m->finish), "%s", ev->finish);
		break;
	case MODEL_EV_ERROR:
		break;
	}
	return 0;
}

static void mr_on_end(int rc, const struct err *e, bool started, void *arg)
{
	struct server_mrun *m = arg;
	char why[400];

	(void)started;
	m->ticket = NULL;
	why[0] = '\0';
	if (m->too_long)
		snprintf(why, sizeof(why), "模型回答超过 %zu 字节", m->max_answer);
	else if (rc != 0)
		snprintf(why, sizeof(why), "%.300s", e && e->msg[0] ? e->msg : "模型调用失败");
	else if (strcmp(m->finish, "length") == 0 ||
		 strcmp(m->finish, "insufficient_system_resource") == 0)
		snprintf(why, sizeof(why), "模型回答被截断（%s）", m->finish);
	else if (m->empty_why != NULL &&
		 (m->answer.len == 0 || !text_utf8_valid(m->answer.p, m->answer.len, NULL)))
		snprintf(why, sizeof(why), "%s", m->empty_why);
	if (why[0] != '\0') {
		mr_call_end(m, "error", why);
		m->cbs.fallback(m, why);
		return;
	}
	mr_call_end(m, "done", NULL);
	m->cbs.done(m, privacy_unmask(m->answer.p ? m->answer.p : "", m->answer.len, &m->map));
}

int server_mrun_submit(struct server_mrun *m, const char *sys, const char *user, size_t user_len,
		       struct err *e)
{
	const struct model_provider *p = model_gateway_provider(m->gw);
	struct model_ticket_cbs cbs = {mr_on_queued, mr_on_event, mr_on_end, m};
	char *masked = NULL, *body;
	int rc;

	privacy_map_free(&m->map);
	memset(&m->map, 0, sizeof(m->map));
	rc = privacy_mask(user, user_len, &m->map, &masked, e);
	if (rc != 0)
		return rc;
	{
		struct model_msg msgs[] = {{"system", sys}, {"user", masked}};

		body = model_request_body(p, msgs, 2, true);
	}
	m->prompt_bytes = strlen(masked) + strlen(sys);
	free(masked);
	buf_reset(&m->answer);
	buf_reset(&m->reasoning);
	memset(&m->usage, 0, sizeof(m->usage));
	m->finish[0] = '\0';
	m->too_long = false;
	m->first_ns = 0;
	m->start_ns = base_now_ns();
	rc = model_gateway_submit(m->gw, m->dept_id, body, &cbs, &m->ticket, e);
	if (rc != 0)
		m->ticket = NULL;
	free(body);
	return rc;
}

json_t *server_mrun_call_json(const struct server_mrun *m, const char *instruction,
			      const char *status, const char *why)
{
	json_t *c = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s%}", "instruction", instruction,
			      "status", status, "prompt_bytes", (json_int_t)m->prompt_bytes,
			      "masked_values", (json_int_t)m->map.n, "prompt_tokens",
			      (json_int_t)m->usage.prompt_tokens, "completion_tokens",
			      (json_int_t)m->usage.completion_tokens, "reasoning_tokens",
			      (json_int_t)m->usage.reasoning_tokens, "duration_ms",
			      (json_int_t)((base_now_ns() - m->start_ns) / 1000000), "reasoning",
			      m->reasoning.p ? m->reasoning.p : "", m->reasoning.len);

	if (why != NULL)
		json_object_set_new(c, "error", json_string(why));
	if (m->finish[0] != '\0')
		json_object_set_new(c, "finish_reason", json_string(m->finish));
	return c;
}

static struct server_mrun *mr_braked;

void server_mrun_brakeable(struct server_mrun *m)
{
	m->next = mr_braked;
	mr_braked = m;
	m->braked = true;
}

size_t server_mrun_abort(struct store *st, int64_t emp_id, const char *why, const char *actor)
{
	size_t n = 0;
	struct server_mrun *m = mr_braked, *next;

	for (; m != NULL; m = next) {
		next = m->next;
		if (m->st != st || m->emp_id != emp_id)
			continue;
		/* the abort is the braking guardian's act, not the requester's */
		snprintf(m->actor, sizeof(m->actor), "%s", actor);
		server_mrun_cancel(m, "aborted", why);
		m->cbs.aborted(m, why); /* frees m */
		n++;
	}
	return n;
}

void server_mrun_free(struct server_mrun *m)
{
	for (struct server_mrun **pp = &mr_braked; m->braked && *pp != NULL; pp = &(*pp)->next) {
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	}
	m->braked = false;
	if (m->ticket != NULL)
		model_ticket_cancel(m->ticket);
	m->ticket = NULL;
	if (m->deadline != NULL)
		event_free(m->deadline);
	m->deadline = NULL;
	privacy_map_free(&m->map);
	buf_free(&m->answer);
	buf_free(&m->reasoning);
}
