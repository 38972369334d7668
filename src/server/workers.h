/*
 * server/workers: a small pool of threads for CPU work (argon2id password
 * checks and hashes today; reindexing and document checks can follow), so
 * the event loop keeps serving other requests meanwhile.
 *
 * server_workers_submit(w, fn, done, arg): fn(arg) runs on a worker
 * thread, then done(arg) on the loop thread, in the order jobs finish.
 * fn must touch nothing of the loop (the store, evhttp, libevent, the
 * request): it reads and writes arg only. done may do anything a handler
 * does. The result reaches the loop through a pipe the loop watches.
 *
 * A request handler uses server_work_submit() (server_internal.h), which
 * also keeps the request open until done replies.
 */
#ifndef SHUZHI_SERVER_WORKERS_H
#define SHUZHI_SERVER_WORKERS_H

#include "base/base.h"

struct event_base;
struct server_workers;

#define SERVER_WORKERS_DEFAULT 2
#define SERVER_WORKERS_MAX     32

typedef void (*server_work_fn)(void *arg);

/* n threads (0: SERVER_WORKERS_DEFAULT) whose results come back on base. */
struct server_workers *server_workers_new(struct event_base *base, int n, struct err *e);
/* Queue a job: 0, or -1 when the pool is stopping (neither fn nor done runs). */
int server_workers_submit(struct server_workers *w, server_work_fn fn, server_work_fn done,
			  void *arg);
/* Jobs queued or running now. */
size_t server_workers_pending(struct server_workers *w);
/* Stop: every job already submitted still runs and its done is called
 * (here, on the caller's thread), then the threads are joined. */
void server_workers_free(struct server_workers *w);

#endif
