/* base/side: see side.h. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/side.h"

static pthread_mutex_t side_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t side_wake = PTHREAD_COND_INITIALIZER; /* a job for the helper */
static pthread_cond_t side_done = PTHREAD_COND_INITIALIZER; /* a job finished */
/* written under side_mu; read without it by the helper's look */
static struct base_side_job *_Atomic side_pending;
static bool side_sleeping; /* the helper waits on side_wake */
static bool side_busy;	   /* pending or running */
static bool side_running;  /* the helper thread exists */
static int side_mode;	   /* 0 unknown, 1 on, -1 off */
static bool side_forks;	   /* side_after_fork registered */
static atomic_ulong side_count;
static atomic_ulong side_taken_back;

/* A fork's child has no helper thread: it starts its own when it needs one. */
static void side_after_fork(void)
{
	pthread_mutex_init(&side_mu, NULL);
	pthread_cond_init(&side_wake, NULL);
	pthread_cond_init(&side_done, NULL);
	side_pending = NULL;
	side_busy = false;
	side_sleeping = false;
	side_running = false;
}

static inline void side_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* After a job the helper looks for the next one for some 100-200 us before
 * it sleeps: a check hands over its jobs within a millisecond, and waking a
 * sleeping thread costs tens of microseconds on a VM. */
#define SIDE_LOOK 8000

static void *side_main(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&side_mu);
	for (;;) {
		struct base_side_job *j;

		while (side_pending == NULL) {
			side_sleeping = true;
			pthread_cond_wait(&side_wake, &side_mu);
			side_sleeping = false;
		}
		j = side_pending;
		side_pending = NULL;
		pthread_mutex_unlock(&side_mu);
		j->fn(j->arg);
		pthread_mutex_lock(&side_mu);
		atomic_store_explicit(&j->done, true, memory_order_release);
		side_busy = false;
		pthread_cond_broadcast(&side_done);
		pthread_mutex_unlock(&side_mu);
		for (int i = 0; i < SIDE_LOOK &&
				atomic_load_explicit(&side_pending, memory_order_relaxed) == NULL;
		     i++)
			side_pause();
		pthread_mutex_lock(&side_mu);
	}
	return NULL;
}

/* Called with side_mu held: side_mode decided (1 or -1). */
static void side_decide(void)
{
	if (side_mode == 0) {
		const char *t = getenv("SHUZHI_THREADS");

		side_mode = sysconf(_SC_NPROCESSORS_ONLN) > 1 && (t == NULL || strcmp(t, "1") != 0)
				? 1
				: -1;
		if (side_mode == 1 && !side_forks)
			side_forks = pthread_atfork(NULL, NULL, side_after_fork) == 0;
		if (!side_forks)
			side_mode = -1; /* a child could wait for a helper it lacks */
	}
}

/* Called with side_mu held. */
static bool side_usable(void)
{
	side_decide();
	if (side_mode != 1)
		return false;
	if (!side_running) {
		pthread_attr_t a;
		pthread_t t;

		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		side_running = pthread_create(&t, &a, side_main, NULL) == 0;
		pthread_attr_destroy(&a);
		if (!side_running) {
			side_mode = -1; /* run everything inline from now on */
			return false;
		}
	}
	return true;
}

void base_side_start(struct base_side_job *j, void (*fn)(void *), void *arg)
{
	j->fn = fn;
	j->arg = arg;
	j->handed = false;
	atomic_init(&j->done, false);
	pthread_mutex_lock(&side_mu);
	if (!side_busy && side_usable()) {
		side_busy = true;
		side_pending = j;
		j->handed = true;
		atomic_fetch_add_explicit(&side_count, 1, memory_order_relaxed);
		if (side_sleeping) /* else it is looking, or busy until the look */
			pthread_cond_signal(&side_wake);
	}
	pthread_mutex_unlock(&side_mu);
}

void base_side_finish(struct base_side_job *j)
{
	if (!j->handed) {
		j->fn(j->arg);
		return;
	}
	/* not taken yet (the helper's CPU busy elsewhere): take it back, so a
	 * job never waits longer than running it here would take */
	pthread_mutex_lock(&side_mu);
	if (side_pending == j) {
		side_pending = NULL;
		side_busy = false;
		pthread_mutex_unlock(&side_mu);
		atomic_fetch_add_explicit(&side_taken_back, 1, memory_order_relaxed);
		j->fn(j->arg);
		return;
	}
	pthread_mutex_unlock(&side_mu);
	/* the job usually ends while the caller does its own part, else soon:
	 * a look of some 50-100 us before sleeping (a wake-up from the
	 * condition variable costs tens of microseconds on a VM) */
	for (int i = 0; i < 4000; i++) {
		if (atomic_load_explicit(&j->done, memory_order_acquire))
			return;
		side_pause();
	}
	pthread_mutex_lock(&side_mu);
	while (!atomic_load_explicit(&j->done, memory_order_acquire))
		pthread_cond_wait(&side_done, &side_mu);
	pthread_mutex_unlock(&side_mu);
}

void base_side_enable(bool on)
{
	pthread_mutex_lock(&side_mu);
	side_mode = 0;
	if (!on)
		side_mode = -1;
	pthread_mutex_unlock(&side_mu);
}

bool base_side_on(void)
{
	bool on;

	pthread_mutex_lock(&side_mu);
	side_decide();
	on = side_mode == 1;
	pthread_mutex_unlock(&side_mu);
	return on;
}

unsigned long base_side_handed(void)
{
	return atomic_load_explicit(&side_count, memory_order_relaxed);
}

unsigned long base_side_taken_back(void)
{
	return atomic_load_explicit(&side_taken_back, memory_order_relaxed);
}
