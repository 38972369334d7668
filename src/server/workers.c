/* server/workers: the worker pool (see workers.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "server/workers.h"

struct workers_job {
	server_work_fn fn, done;
	void *arg;
	struct workers_job *next;
};

struct workers_queue {
	struct workers_job *head, *tail;
};

struct server_workers {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct workers_queue todo; /* waiting for a thread */
	struct workers_queue done; /* fn ran: done() waits for the loop */
	size_t pending;		   /* submitted, done() not yet called */
	bool stopping;
	int nthreads;
	pthread_t *threads;
	int pipe[2]; /* a worker writes a byte when it finished a job */
	struct event *ev;
};

static void workers_push(struct workers_queue *q, struct workers_job *j)
{
	j->next = NULL;
	if (q->tail != NULL)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
}

static struct workers_job *workers_pop(struct workers_queue *q)
{
	struct workers_job *j = q->head;

	if (j != NULL) {
		q->head = j->next;
		if (q->head == NULL)
			q->tail = NULL;
	}
	return j;
}

static void *workers_main(void *arg)
{
	struct server_workers *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct workers_job *j;
		ssize_t n;

		while (w->todo.head == NULL && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		j = workers_pop(&w->todo);
		if (j == NULL) /* stopping and nothing left */
			break;
		pthread_mutex_unlock(&w->mu);
		j->fn(j->arg);
		pthread_mutex_lock(&w->mu);
		workers_push(&w->done, j);
		/* the pipe is non-blocking: when full, the loop has wakeups enough */
		do
			n = write(w->pipe[1], "", 1);
		while (n < 0 && errno == EINTR);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Run done() of every finished job, on the calling (loop) thread. */
static void workers_reap(struct server_workers *w)
{
	struct workers_job *list;

	pthread_mutex_lock(&w->mu);
	list = w->done.head;
	w->done.head = w->done.tail = NULL;
	pthread_mutex_unlock(&w->mu);
	while (list != NULL) {
		struct workers_job *j = list;

		list = j->next;
		pthread_mutex_lock(&w->mu);
		w->pending--;
		pthread_mutex_unlock(&w->mu);
		if (j->done != NULL)
			j->done(j->arg);
		free(j);
	}
}

static void workers_on_pipe(evutil_socket_t fd, short what, void *arg)
{
	char sink[256];

	(void)what;
	while (read(fd, sink, sizeof(sink)) > 0)
		;
	workers_reap(arg);
}

static int workers_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
		       fcntl(fd, F_SETFD, FD_CLOEXEC) != 0
		   ? -1
		   : 0;
}

struct server_workers *server_workers_new(struct event_base *base, int n, struct err *e)
{
	struct server_workers *w = xcalloc(1, sizeof(*w));
	sigset_t all, old;
	int rc = 0;

	if (n <= 0)
		n = SERVER_WORKERS_DEFAULT;
	if (n > SERVER_WORKERS_MAX)
		n = SERVER_WORKERS_MAX;
	w->pipe[0] = w->pipe[1] = -1;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pipe(w->pipe) != 0 || workers_nonblock(w->pipe[0]) != 0 ||
	    workers_nonblock(w->pipe[1]) != 0 ||
	    (w->ev = event_new(base, w->pipe[0], EV_READ | EV_PERSIST, workers_on_pipe, w)) ==
		NULL ||
	    event_add(w->ev, NULL) != 0) {
		err_set(e, BASE_E_INTERNAL, "无法创建工作线程池：%s", strerror(errno));
		server_workers_free(w);
		return NULL;
	}
	w->threads = xcalloc((size_t)n, sizeof(*w->threads));
	/* signals (SIGTERM, SIGINT) stay with the loop's thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (; w->nthreads < n; w->nthreads++) {
		rc = pthread_create(&w->threads[w->nthreads], NULL, workers_main, w);
		if (rc != 0)
			break;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (w->nthreads == 0) {
		err_set(e, BASE_E_INTERNAL, "无法创建工作线程：%s", strerror(rc));
		server_workers_free(w);
		return NULL;
	}
	if (w->nthreads < n)
		base_log(LOG_WARN, "server: %d of %d worker threads started", w->nthreads, n);
	return w;
}

int server_workers_submit(struct server_workers *w, server_work_fn fn, server_work_fn done,
			  void *arg)
{
	struct workers_job *j;

	if (w == NULL)
		return -1;
	j = xcalloc(1, sizeof(*j));
	j->fn = fn;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		free(j);
		return -1;
	}
	workers_push(&w->todo, j);
	w->pending++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

size_t server_workers_pending(struct server_workers *w)
{
	size_t n;

	if (w == NULL)
		return 0;
	pthread_mutex_lock(&w->mu);
	n = w->pending;
	pthread_mutex_unlock(&w->mu);
	return n;
}

void server_workers_free(struct server_workers *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	workers_reap(w); /* the threads ran every queued job before they ended */
	if (w->ev != NULL)
		event_free(w->ev);
	if (w->pipe[0] >= 0)
		close(w->pipe[0]);
	if (w->pipe[1] >= 0)
		close(w->pipe[1]);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->threads);
	free(w);
}
