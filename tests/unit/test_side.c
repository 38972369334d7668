/* base/side: every job runs exactly once, on the helper or on its caller,
 * and base_side_finish() returns only after it has run. */
#include <pthread.h>
#include <sys/wait.h>
#include <stdatomic.h>
#include <unistd.h>

#include "base/side.h"
#include "test.h"

struct count_job {
	atomic_int runs;
	int value; /* written by the job, read after finish */
	pthread_t ran_on;
};

static void count_run(void *arg)
{
	struct count_job *c = arg;

	usleep(200); /* long enough for the caller to get to finish first */
	c->value = 42;
	c->ran_on = pthread_self();
	atomic_fetch_add(&c->runs, 1);
}

/* Finished at once: the helper runs it, or the caller takes it back before
 * the helper starts it; either way once. */
TEST(side_job_runs_once_and_finish_waits)
{
	unsigned long before = base_side_handed();
	unsigned long back = base_side_taken_back();
	int here = 0;

	for (int i = 0; i < 50; i++) {
		struct count_job c = {0};
		struct base_side_job j;

		base_side_start(&j, count_run, &c);
		base_side_finish(&j);
		ASSERT_EQ(atomic_load(&c.runs), 1);
		ASSERT_EQ(c.value, 42);
		if (!j.handed)
			ASSERT(pthread_equal(c.ran_on, pthread_self()));
		here += pthread_equal(c.ran_on, pthread_self()) != 0;
	}
	/* an idle helper takes every job when there is a second CPU */
	if (base_side_on()) {
		ASSERT_EQ(base_side_handed() - before, 50);
		ASSERT_EQ((unsigned long)here, base_side_taken_back() - back);
	}
}

/* Finished later: the helper has run it, on its own thread. */
TEST(side_job_runs_on_the_helper)
{
	struct count_job c = {0};
	struct base_side_job j;

	base_side_start(&j, count_run, &c);
	/* until the helper has run it (at most 10 s, on a busy machine) */
	for (int i = 0; i < 1000 && j.handed && !atomic_load(&j.done); i++)
		usleep(10000);
	base_side_finish(&j);
	ASSERT_EQ(atomic_load(&c.runs), 1);
	ASSERT_EQ(c.value, 42);
	if (base_side_on()) {
		ASSERT(j.handed);
		ASSERT(!pthread_equal(c.ran_on, pthread_self()));
	}
}

TEST(side_disabled_runs_on_the_caller)
{
	unsigned long before = base_side_handed();
	struct count_job c = {0};
	struct base_side_job j;

	base_side_enable(false);
	base_side_start(&j, count_run, &c);
	ASSERT(!j.handed);
	ASSERT_EQ(atomic_load(&c.runs), 0); /* not before finish */
	base_side_finish(&j);
	ASSERT_EQ(atomic_load(&c.runs), 1);
	ASSERT(pthread_equal(c.ran_on, pthread_self()));
	ASSERT_EQ(base_side_handed(), before);
	base_side_enable(true);
}

/* Callers on several threads at once: one job at a time goes to the helper,
 * the others run on their callers; none is lost or run twice. */
#define CALLERS 4
#define JOBS	200

static void *caller(void *arg)
{
	struct count_job *c = arg;

	for (int i = 0; i < JOBS; i++) {
		struct base_side_job j;

		base_side_start(&j, count_run, &c[i]);
		base_side_finish(&j);
		if (atomic_load(&c[i].runs) != 1 || c[i].value != 42)
			return (void *)1;
	}
	return NULL;
}

TEST(side_concurrent_callers_each_job_once)
{
	static struct count_job c[CALLERS][JOBS];
	pthread_t t[CALLERS];
	unsigned long before = base_side_handed();

	for (int k = 0; k < CALLERS; k++)
		ASSERT_EQ(pthread_create(&t[k], NULL, caller, c[k]), 0);
	for (int k = 0; k < CALLERS; k++) {
		void *rv;

		ASSERT_EQ(pthread_join(t[k], &rv), 0);
		ASSERT(rv == NULL);
	}
	for (int k = 0; k < CALLERS; k++) {
		for (int i = 0; i < JOBS; i++)
			ASSERT_EQ(atomic_load(&c[k][i].runs), 1);
	}
	ASSERT(base_side_handed() - before <= CALLERS * JOBS);
}

/* A fork's child gets its own helper: a job there still runs. */
TEST(side_works_after_fork)
{
	struct count_job c = {0};
	struct base_side_job j;
	pid_t pid;
	int status = 0;

	base_side_start(&j, count_run, &c); /* the parent's helper exists */
	base_side_finish(&j);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		struct count_job d = {0};

		base_side_start(&j, count_run, &d);
		base_side_finish(&j);
		_exit(atomic_load(&d.runs) == 1 && d.value == 42 ? 0 : 3);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
}
