/* model/gateway: a bounded queue in front of one model endpoint, with a
 * maximum of concurrent streams and fair picking across groups
 * (departments). Everything runs on the loop thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "model/model.h"

struct gw_group {
	int64_t id;
	size_t running;
};

struct model_ticket {
	struct model_gateway *gw;
	struct model_ticket_cbs cbs;
	int64_t group;
	char *body;
	struct model_call *call; /* NULL while waiting */
	size_t position;	 /* last position reported */
	uint64_t seq;
	struct model_ticket *next, *prev; /* waiting list, or running list */
};

struct model_gateway {
	struct model_provider p;
	struct model_client *client;
	struct event *pump;
	struct model_ticket *waiting, *waiting_tail;
	struct model_ticket *running;
	size_t nwaiting, nrunning;
	struct gw_group *groups;
	size_t ngroups, groups_cap;
	uint64_t seq;
};

static struct gw_group *gw_group(struct model_gateway *gw, int64_t id)
{
	for (size_t i = 0; i < gw->ngroups; i++)
		if (gw->groups[i].id == id)
			return &gw->groups[i];
	gw->groups = xgrow(gw->groups, &gw->groups_cap, gw->ngroups + 1, sizeof(*gw->groups));
	gw->groups[gw->ngroups].id = id;
	gw->groups[gw->ngroups].running = 0;
	return &gw->groups[gw->ngroups++];
}

static void gw_unlink_waiting(struct model_gateway *gw, struct model_ticket *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		gw->waiting = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		gw->waiting_tail = t->prev;
	t->next = t->prev = NULL;
	gw->nwaiting--;
}

static void gw_unlink_running(struct model_gateway *gw, struct model_ticket *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		gw->running = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->next = t->prev = NULL;
	gw->nrunning--;
	gw_group(gw, t->group)->running--;
}

static void gw_schedule(struct model_gateway *gw)
{
	event_active(gw->pump, EV_TIMEOUT, 0);
}

static void gw_ticket_free(struct model_ticket *t)
{
	free(t->body);
	free(t);
}

static int gw_on_event(const struct model_event *ev, void *arg)
{
	struct model_ticket *t = arg;

	return t->cbs.on_event(ev, t->cbs.arg);
}

static void gw_on_end(int rc, const struct err *e, bool started, void *arg)
{
	struct model_ticket *t = arg;
	struct model_gateway *gw = t->gw;

	gw_unlink_running(gw, t);
	t->cbs.on_end(rc, e, started, t->cbs.arg);
	gw_ticket_free(t);
	gw_schedule(gw);
}

static void gw_start(struct model_gateway *gw, struct model_ticket *t)
{
	struct model_call_cbs cbs = {gw_on_event, gw_on_end, t};

	t->next = gw->running;
	t->prev = NULL;
	if (gw->running)
		gw->running->prev = t;
	gw->running = t;
	gw->nrunning++;
	gw_group(gw, t->group)->running++;
	t->call = model_call_start(gw->client, &gw->p, t->body, &cbs);
}

/* Start what fits, then tell the waiting their positions. */
static void gw_on_pump(evutil_socket_t fd, short what, void *arg)
{
	struct model_gateway *gw = arg;
	size_t pos = 0;

	(void)fd;
	(void)what;
	while (gw->nrunning < (size_t)gw->p.max_streams && gw->waiting != NULL) {
		struct model_ticket *best = NULL;
		size_t best_running = 0;

		for (struct model_ticket *t = gw->waiting; t != NULL; t = t->next) {
			size_t r = gw_group(gw, t->group)->running;

			if (best == NULL || r < best_running) {
				best = t;
				best_running = r;
				if (r == 0)
					break; /* the earliest of an idle group */
			}
		}
		gw_unlink_waiting(gw, best);
		gw_start(gw, best);
	}
	for (struct model_ticket *t = gw->waiting; t != NULL; t = t->next) {
		if (t->position != ++pos) {
			t->position = pos;
			t->cbs.on_queued(pos, t->cbs.arg);
		}
	}
}

struct model_gateway *model_gateway_new(struct event_base *base, const struct model_provider *p)
{
	struct model_gateway *gw = xcalloc(1, sizeof(*gw));

	gw->p = *p;
	gw->client = model_client_new(base);
	gw->pump = event_new(base, -1, 0, gw_on_pump, gw);
	return gw;
}

const struct model_provider *model_gateway_provider(const struct model_gateway *gw)
{
	return &gw->p;
}

void model_gateway_stats(const struct model_gateway *gw, size_t *running, size_t *waiting)
{
	*running = gw->nrunning;
	*waiting = gw->nwaiting;
}

int model_gateway_submit(struct model_gateway *gw, int64_t group, const char *body,
			 const struct model_ticket_cbs *cbs, struct model_ticket **out,
			 struct err *e)
{
	struct model_ticket *t;

	*out = NULL;
	if (gw->nrunning + gw->nwaiting >= (size_t)gw->p.max_streams + (size_t)gw->p.max_queue)
		return err_set(e, BASE_E_BUSY, "模型排队已满（%d 路进行中，%d 人等待），请稍后再试",
			       gw->p.max_streams, gw->p.max_queue);
	t = xcalloc(1, sizeof(*t));
	t->gw = gw;
	t->cbs = *cbs;
	t->group = group;
	t->body = xstrdup(body);
	t->seq = ++gw->seq;
	t->prev = gw->waiting_tail;
	if (gw->waiting_tail)
		gw->waiting_tail->next = t;
	else
		gw->waiting = t;
	gw->waiting_tail = t;
	gw->nwaiting++;
	*out = t;
	gw_schedule(gw);
	return 0;
}

void model_ticket_cancel(struct model_ticket *t)
{
	struct model_gateway *gw = t->gw;

	if (t->call != NULL) {
		model_call_cancel(t->call);
		gw_unlink_running(gw, t);
	} else {
		gw_unlink_waiting(gw, t);
	}
	gw_ticket_free(t);
	gw_schedule(gw);
}

void model_gateway_free(struct model_gateway *gw)
{
	struct err e = {0};

	if (gw == NULL)
		return;
	err_set(&e, BASE_E_BUSY, "服务正在停止");
	while (gw->waiting != NULL) {
		struct model_ticket *t = gw->waiting;

		gw_unlink_waiting(gw, t);
		t->cbs.on_end(e.code, &e, false, t->cbs.arg);
		gw_ticket_free(t);
	}
	while (gw->running != NULL) {
		struct model_ticket *t = gw->running;

		model_call_cancel(t->call);
		gw_unlink_running(gw, t);
		t->cbs.on_end(e.code, &e, true, t->cbs.arg);
		gw_ticket_free(t);
	}
	model_client_free(gw->client);
	event_free(gw->pump);
	free(gw->groups);
	free(gw);
}
