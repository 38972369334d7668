/* Unit tests: the worker pool (server/workers.c): jobs run off the loop's
 * thread, their done callbacks on it; freeing the pool finishes every job
 * already submitted; the loop keeps running while a job is busy. */
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

#include <event2/event.h>

#include "server/workers.h"
#include "test.h"

struct wjob {
	pthread_t loop;	   /* the loop's thread */
	pthread_t ran_on;  /* where fn ran */
	bool done_on_loop; /* done() ran on the loop's thread */
	int in, out;	   /* fn: out = in * in */
	int *ndone;	   /* counted by done() */
	int want;	   /* loopbreak when *ndone reaches it */
	struct event_base *base;
	volatile int *gate; /* fn waits until *gate is set (NULL: no wait) */
};

static void wjob_fn(void *arg)
{
	struct wjob *j = arg;

	while (j->gate != NULL && !__atomic_load_n(j->gate, __ATOMIC_ACQUIRE))
		usleep(1000);
	j->ran_on = pthread_self();
	j->out = j->in * j->in;
}

static void wjob_done(void *arg)
{
	struct wjob *j = arg;

	j->done_on_loop = pthread_equal(pthread_self(), j->loop);
	if (++*j->ndone == j->want && j->base != NULL)
		event_base_loopbreak(j->base);
}

TEST(workers_jobs_off_loop_results_on_loop)
{
	struct event_base *base = event_base_new();
	struct err e = {0};
	struct server_workers *w = server_workers_new(base, 2, &e);
	struct wjob jobs[40];
	int ndone = 0;

	ASSERT(w != NULL);
	for (int i = 0; i < 40; i++) {
		jobs[i] = (struct wjob){
		    .loop = pthread_self(), .in = i, .ndone = &ndone, .want = 40, .base = base};
		ASSERT_EQ(server_workers_submit(w, wjob_fn, wjob_done, &jobs[i]), 0);
	}
	event_base_dispatch(base);
	ASSERT_EQ(ndone, 40);
	ASSERT_EQ(server_workers_pending(w), 0);
	for (int i = 0; i < 40; i++) {
		ASSERT_EQ(jobs[i].out, i * i);
		ASSERT(!pthread_equal(jobs[i].ran_on, pthread_self()));
		ASSERT(jobs[i].done_on_loop);
	}
	server_workers_free(w);
	event_base_free(base);
}

static void wtimer(evutil_socket_t fd, short what, void *arg)
{
	int *ticks = arg;

	(void)fd;
	(void)what;
	++*ticks;
}

/* A job that cannot finish until the loop has run other work: the loop is
 * not blocked by it. */
static void wopen_gate(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	__atomic_store_n((volatile int *)arg, 1, __ATOMIC_RELEASE);
}

TEST(workers_busy_job_does_not_block_loop)
{
	struct event_base *base = event_base_new();
	struct err e = {0};
	struct server_workers *w = server_workers_new(base, 1, &e);
	volatile int gate = 0;
	int ndone = 0, ticks = 0;
	struct wjob j = {.loop = pthread_self(),
			 .in = 7,
			 .ndone = &ndone,
			 .want = 1,
			 .base = base,
			 .gate = &gate};
	struct timeval now = {0, 0};
	struct event *tick = evtimer_new(base, wtimer, &ticks);

	ASSERT(w != NULL);
	ASSERT_EQ(server_workers_submit(w, wjob_fn, wjob_done, &j), 0);
	/* the loop runs a timer, then opens the gate the job waits for */
	evtimer_add(tick, &now);
	event_base_once(base, -1, EV_TIMEOUT, wopen_gate, (void *)&gate, &now);
	event_base_dispatch(base);
	ASSERT_EQ(ndone, 1);
	ASSERT_EQ(ticks, 1);
	ASSERT_EQ(j.out, 49);
	event_free(tick);
	server_workers_free(w);
	event_base_free(base);
}

TEST(workers_free_finishes_submitted_jobs)
{
	struct event_base *base = event_base_new();
	struct err e = {0};
	struct server_workers *w = server_workers_new(base, 0, &e); /* default size */
	struct wjob jobs[10];
	int ndone = 0;

	ASSERT(w != NULL);
	for (int i = 0; i < 10; i++) {
		jobs[i] =
		    (struct wjob){.loop = pthread_self(), .in = i + 1, .ndone = &ndone, .want = -1};
		ASSERT_EQ(server_workers_submit(w, wjob_fn, wjob_done, &jobs[i]), 0);
	}
	server_workers_free(w); /* the loop never ran */
	ASSERT_EQ(ndone, 10);
	for (int i = 0; i < 10; i++) {
		ASSERT_EQ(jobs[i].out, (i + 1) * (i + 1));
		ASSERT(jobs[i].done_on_loop);
	}
	event_base_free(base);
}
