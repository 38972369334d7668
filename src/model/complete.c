/* model: one chat call run to the end on a private event loop (the CLI's
 * scenario drafting; the server streams through the gateway instead). */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "model/model.h"

struct complete_run {
	struct event_base *base;
	struct buf *answer;
	struct buf *reasoning;
	struct model_usage *usage;
	int rc;
	struct err e;
};

static int complete_on_event(const struct model_event *ev, void *arg)
{
	struct complete_run *r = arg;

	switch (ev->type) {
	case MODEL_EV_DELTA:
		if (buf_add(r->answer, ev->text, ev->len) != 0)
			return BASE_E_LIMIT;
		break;
	case MODEL_EV_REASONING:
		if (r->reasoning != NULL)
			(void)buf_add(r->reasoning, ev->text,
				      ev->len); /* kept only while it fits */
		break;
	case MODEL_EV_USAGE:
		if (r->usage != NULL)
			*r->usage = ev->usage;
		break;
	default:
		break;
	}
	return 0;
}

static void complete_on_end(int rc, const struct err *e, bool started, void *arg)
{
	struct complete_run *r = arg;

	(void)started;
	r->rc = rc;
	if (rc != 0)
		r->e = *e;
	event_base_loopbreak(r->base);
}

int model_complete(const struct model_provider *p, const struct model_msg *msgs, size_t n,
		   struct buf *answer, struct buf *reasoning, struct model_usage *usage,
		   struct err *e)
{
	struct complete_run r = {.answer = answer, .reasoning = reasoning, .usage = usage};
	struct model_call_cbs cbs = {complete_on_event, complete_on_end, &r};
	struct model_client *c;
	char *body;

	r.base = event_base_new();
	if (r.base == NULL)
		return err_set(e, BASE_E_INTERNAL, "无法创建事件循环");
	c = model_client_new(r.base);
	body = model_request_body(p, msgs, n, true);
	r.rc = BASE_E_INTERNAL;
	err_set(&r.e, BASE_E_INTERNAL, "模型调用未完成");
	if (model_call_start(c, p, body, &cbs) != NULL)
		event_base_dispatch(r.base);
	free(body);
	model_client_free(c);
	event_base_free(r.base);
	if (r.rc != 0) {
		*e = r.e;
		return r.rc;
	}
	return 0;
}
