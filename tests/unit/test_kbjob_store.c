/* store/kbjob: the server's kb jobs kept across restarts (migration 18):
 * insert, update, get, the bounded history per kb, the interrupt at start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_fixture.h"
#include "store/kb_store.h"
#include "store/kbjob_store.h"
#include "test.h"

static int64_t kbjob_kb(struct db_fixture *f, const char *name)
{
	struct kb_store_kb kb = {0, name, "public", 0, 1, 0, 0};
	struct err e = {0};
	int64_t id = 0;

	ASSERT_EQ(kb_store_kb_create(f->st, &kb, &id, &e), 0);
	return id;
}

struct kbjob_seen {
	size_t n;
	int64_t first, last;
	char state[16];
	char job[256];
};

static int kbjob_seen_cb(const struct kbjob_store_row *r, void *arg)
{
	struct kbjob_seen *s = arg;

	if (s->n++ == 0)
		s->first = r->id;
	s->last = r->id;
	snprintf(s->state, sizeof(s->state), "%s", r->state);
	snprintf(s->job, sizeof(s->job), "%s", r->job);
	return 0;
}

TEST(kbjob_store_history_bounded_per_kb)
{
	struct db_fixture f;
	struct err e = {0};
	int64_t a, b, id = 0, first = 0, running = 0;
	struct kbjob_seen s = {0};

	db_fixture_open(&f);
	a = kbjob_kb(&f, "甲");
	b = kbjob_kb(&f, "乙");
	for (int i = 0; i < KBJOB_STORE_KEEP + 10; i++) {
		ASSERT_EQ(kbjob_store_insert(f.st, a, 7, i, "{\"state\":\"queued\"}", &id, &e), 0);
		if (i == 0)
			first = id;
		if (i == 3) {
			running = id; /* an old job still running is never pruned */
			ASSERT_EQ(kbjob_store_update(f.st, id, "running", "{}", &e), 0);
		} else {
			ASSERT_EQ(kbjob_store_update(f.st, id, "done", "{\"state\":\"done\"}", &e),
				  0);
		}
		ASSERT_EQ(kbjob_store_prune(f.st, a, &e), 0);
	}
	ASSERT_EQ(kbjob_store_insert(f.st, b, 7, 1, "{}", &id, &e), 0);
	ASSERT_EQ(kbjob_store_list(f.st, a, kbjob_seen_cb, &s, &e), 0);
	ASSERT_EQ(s.n, KBJOB_STORE_KEEP + 1);
	ASSERT_EQ(s.first, running);
	ASSERT(s.last < id);
	memset(&s, 0, sizeof(s));
	ASSERT_EQ(kbjob_store_get(f.st, first, kbjob_seen_cb, &s, &e), BASE_E_NOTFOUND);
	ASSERT_EQ(kbjob_store_get(f.st, running, kbjob_seen_cb, &s, &e), 0);
	ASSERT_STR_EQ(s.state, "running");
	/* a refused state writes nothing */
	ASSERT(kbjob_store_update(f.st, running, "lost", "{}", &e) != 0);
	db_fixture_close(&f);
}

TEST(kbjob_store_interrupt_marks_unfinished)
{
	struct db_fixture f;
	struct err e = {0};
	int64_t kb, q = 0, r = 0, d = 0, *ids = NULL;
	size_t n = 9;
	struct kbjob_seen s = {0};

	db_fixture_open(&f);
	kb = kbjob_kb(&f, "甲");
	ASSERT_EQ(kbjob_store_insert(f.st, kb, 1, 1, "{\"state\":\"queued\"}", &q, &e), 0);
	ASSERT_EQ(kbjob_store_insert(f.st, kb, 1, 2, "not json", &r, &e), 0);
	ASSERT_EQ(kbjob_store_update(f.st, r, "running", "not json", &e), 0);
	ASSERT_EQ(kbjob_store_insert(f.st, kb, 1, 3, "{\"state\":\"done\"}", &d, &e), 0);
	ASSERT_EQ(kbjob_store_update(f.st, d, "done", "{\"state\":\"done\"}", &e), 0);
	ASSERT_EQ(kbjob_store_interrupt(f.st, "进程退出", &ids, &n, &e), 0);
	ASSERT_EQ(n, 2);
	ASSERT_EQ(ids[0], q);
	ASSERT_EQ(ids[1], r);
	free(ids);
	ASSERT_EQ(kbjob_store_get(f.st, r, kbjob_seen_cb, &s, &e), 0);
	ASSERT_STR_EQ(s.state, "interrupted");
	ASSERT_CONTAINS(s.job, "\"state\":\"interrupted\"");
	ASSERT_CONTAINS(s.job, "进程退出");
	memset(&s, 0, sizeof(s));
	ASSERT_EQ(kbjob_store_get(f.st, d, kbjob_seen_cb, &s, &e), 0);
	ASSERT_STR_EQ(s.state, "done");
	/* nothing left to mark */
	ASSERT_EQ(kbjob_store_interrupt(f.st, "进程退出", &ids, &n, &e), 0);
	ASSERT_EQ(n, 0);
	free(ids);
	/* the kb's rows go with it */
	ASSERT_EQ(kb_store_kb_delete(f.st, kb, &e), 0);
	ASSERT_EQ(kbjob_store_get(f.st, q, kbjob_seen_cb, &s, &e), BASE_E_NOTFOUND);
	db_fixture_close(&f);
}
