/*
 * server/model_run: one run of model prose on the event loop, shared by a
 * task's prose parts (task_model.c) and the enterprise report's analysis
 * (api_entreport.c): one call at a time through the gateway (queued by
 * department), the user message masked with privacy_mask before it leaves
 * and the answer unmasked, reasoning kept aside (only in the usage row and
 * the caller's provenance, never in the text), a usage row per call, and
 * the run's total time (task_model_timeout_s) on a deadline timer.
 *
 * A call ends in one of three ways, each told to the owner through the
 * callbacks below after the call's model_usage row is written:
 *  - done: call_end(m, "done", NULL), then done(m, text) with the answer
 *    unmasked;
 *  - failed (an error, a cut or stalled stream, an answer over max_answer
 *    bytes, one cut by the model's limit, or — with empty_why set — an
 *    empty or invalid answer): call_end(m, "error", why), then
 *    fallback(m, why);
 *  - withdrawn by the owner (server_mrun_cancel: the brake, a client gone)
 *    or by the deadline ("timeout"; fallback(m, "模型在 N 秒内未完成")
 *    follows, also when no call was in flight): its row says aborted.
 * done and fallback may free the owner (and m with it).
 */
#ifndef SHUZHI_SERVER_MODEL_RUN_H
#define SHUZHI_SERVER_MODEL_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "model/model.h"
#include "privacy/privacy.h"
#include "store/store.h"

struct server_req;
struct server_mrun;

struct server_mrun_cbs {
	/* the call in flight ended with status done, error, timeout or
	 * aborted (why NULL when done); NULL: not told */
	void (*call_end)(struct server_mrun *m, const char *status, const char *why);
	/* the call's answer, unmasked (the owner frees text) */
	void (*done)(struct server_mrun *m, char *text);
	/* no usable answer: the owner writes its deterministic text */
	void (*fallback)(struct server_mrun *m, const char *why);
	/* the guardian's brake stopped the run (server_mrun_abort): the call
	 * in flight is withdrawn; the owner ends the run */
	void (*aborted)(struct server_mrun *m, const char *why);
};

struct server_mrun {
	/* set by server_mrun_init (the owner may change them before a call) */
	struct store *st;
	struct model_gateway *gw;
	int64_t user_id, dept_id, emp_id;
	long long timeout_s;
	char actor[STORE_NAME_MAX + 16];
	char label[48];	   /* names the run in the log */
	size_t max_answer; /* bytes of answer text at most */
	/* non-NULL: an empty or invalid UTF-8 answer fails with this reason */
	const char *empty_why;
	struct server_mrun_cbs cbs;
	void *owner;
	struct server_mrun *next; /* the runs the brake may stop */
	bool braked;		  /* in that list */
	/* the call in flight (or the last one) */
	struct model_ticket *ticket;
	struct event *deadline;
	size_t prompt_bytes;
	struct privacy_map map;
	struct buf answer, reasoning;
	struct model_usage usage;
	char finish[32];
	bool too_long;
	uint64_t start_ns, first_ns;
};

/* The run of r's user (department, actor, store, gateway, total time)
 * with answers up to max_answer bytes. */
void server_mrun_init(struct server_mrun *m, struct server_req *r, size_t max_answer);
/* Start the deadline: timeout_s from now on r's loop. */
void server_mrun_arm(struct server_mrun *m, struct server_req *r);
/* Send sys and user (masked first) as a fresh call: 0, or the reason the
 * call could not be queued (a masking error, the queue full). */
int server_mrun_submit(struct server_mrun *m, const char *sys, const char *user, size_t user_len,
		       struct err *e);
/* Withdraw the call in flight, if any (its queue place freed or its
 * stream stopped): its row aborted, call_end(m, status, why). False when
 * none was in flight. */
bool server_mrun_cancel(struct server_mrun *m, const char *status, const char *why);
/* The call's entry in a task's "model" provenance: instruction, status,
 * the prompt's size and masked values, tokens, time, reasoning, why. */
json_t *server_mrun_call_json(const struct server_mrun *m, const char *instruction,
			      const char *status, const char *why);
/* The brake may stop this run (it does some employee's work). */
void server_mrun_brakeable(struct server_mrun *m);
/* The brake (pause or retire of an employee): every brakeable run of
 * emp_id on st has its call withdrawn (row aborted, actor now the braking
 * guardian) and its aborted callback called. How many. */
size_t server_mrun_abort(struct store *st, int64_t emp_id, const char *why, const char *actor);
/* Free what the run holds (a call still in flight is cancelled with no
 * row); m itself is the owner's. */
void server_mrun_free(struct server_mrun *m);

#endif
