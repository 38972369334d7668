/* model/gateway: a bounded queue in front of one model endpoint, with a
 * maximum of concurrent streams, priority for public-facing traffic up to
 * its share and fair picking across groups (departments). Everything runs
 * on the loop thread. */
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
	struct model_provider p; /* the record the call started with */
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
	int64_t *scratch; /* groups of the waiting, for model_sched_pick */
	size_t scratch_cap;
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
	t->p = gw->p;
	t->call = model_call_start(gw->client, &t->p, t->body, &cbs);
	model_client_run_now(gw->client); /* t->call is set: callbacks may come */
}

size_t model_sched_pick(const int64_t *groups, size_t n, size_t (*running)(int64_t, void *),
			void *arg, size_t max_streams, int public_share)
{
	size_t cap = (max_streams * (size_t)public_share + 99) / 100;
	size_t best = 0, best_running = 0;

	if (public_share > 0 && running(MODEL_GROUP_PUBLIC, arg) < cap)
		for (size_t i = 0; i < n; i++)
			if (groups[i] == MODEL_GROUP_PUBLIC)
				return i;
	for (size_t i = 0; i < n; i++) {
		size_t r = running(groups[i], arg);

		if (i == 0 || r < best_running) {
			best = i;
			best_running = r;
			if (r == 0)
				break; /* the earliest of an idle group */
		}
	}
	return best;
}

static size_t gw_running_of(int64_t group, void *arg)
{
	return gw_group(arg, group)->running;
}

/* Start what fits, then tell the waiting their positions. */
static void gw_on_pump(evutil_socket_t fd, short what, void *arg)
{
	struct model_gateway *gw = arg;
	size_t pos = 0;

	(void)fd;
	(void)what;
	while (gw->nrunning < (size_t)gw->p.max_streams && gw->waiting != NULL) {
		struct model_ticket *best = gw->waiting;
		size_t n = 0, pick;

		gw->scratch =
		    xgrow(gw->scratch, &gw->scratch_cap, gw->nwaiting, sizeof(*gw->scratch));
		for (struct model_ticket *t = gw->waiting; t != NULL; t = t->next)
			gw->scratch[n++] = t->group;
		pick = model_sched_pick(gw->scratch, n, gw_running_of, gw,
					(size_t)gw->p.max_streams, gw->p.public_share);
		for (size_t i = 0; i < pick; i++)
			best = best->next;
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

void model_gateway_pump_now(struct model_gateway *gw)
{
	event_del(gw->pump); /* an activation pending would find nothing to do */
	gw_on_pump(-1, 0, gw);
}

struct model_gateway *model_gateway_new(struct event_base *base, const struct model_provider *p)
{
	struct model_gateway *gw = xcalloc(1, sizeof(*gw));

	gw->p = *p;
	gw->client = model_client_new(base);
	model_client_keep_conns(gw->client, gw->p.max_streams);
	gw->pump = event_new(base, -1, 0, gw_on_pump, gw);
	return gw;
}

const struct model_provider *model_gateway_provider(const struct model_gateway *gw)
{
	return &gw->p;
}

void model_gateway_set_provider(struct model_gateway *gw, const struct model_provider *p)
{
	gw->p = *p;
	model_client_keep_conns(gw->client, p->max_streams);
	gw_schedule(gw);
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
	free(gw->scratch);
	free(gw);
}
