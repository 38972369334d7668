/* model_sched_pick: public-facing traffic first up to its share, then the
 * fair order across departments (fewest running, earliest among equals). */
#include "model/model.h"
#include "test.h"

#define P MODEL_GROUP_PUBLIC

struct sim {
	int64_t waiting[32];
	size_t nwaiting;
	int64_t run_group[32];
	size_t nrun;
};

static size_t sim_running(int64_t group, void *arg)
{
	const struct sim *s = arg;
	size_t n = 0;

	for (size_t i = 0; i < s->nrun; i++)
		n += s->run_group[i] == group;
	return n;
}

/* Start requests until max_streams run; the groups in start order into out. */
static size_t sim_fill(struct sim *s, size_t max_streams, int share, int64_t *out)
{
	size_t started = 0;

	while (s->nrun < max_streams && s->nwaiting > 0) {
		size_t i =
		    model_sched_pick(s->waiting, s->nwaiting, sim_running, s, max_streams, share);

		ASSERT(i < s->nwaiting);
		out[started++] = s->waiting[i];
		s->run_group[s->nrun++] = s->waiting[i];
		memmove(&s->waiting[i], &s->waiting[i + 1],
			(s->nwaiting - i - 1) * sizeof(s->waiting[0]));
		s->nwaiting--;
	}
	return started;
}

static void sim_end(struct sim *s, int64_t group)
{
	for (size_t i = 0; i < s->nrun; i++)
		if (s->run_group[i] == group) {
			s->run_group[i] = s->run_group[--s->nrun];
			return;
		}
	TEST_FAIL_AT("no running stream of group %lld", (long long)group);
}

static void sim_init(struct sim *s, const int64_t *groups, size_t n)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->waiting, groups, n * sizeof(groups[0]));
	s->nwaiting = n;
}

TEST(model_sched_public_first_within_share)
{
	/* Two departments queued before three visitors; 4 streams, share 50%:
	 * two visitors go first, then the departments take their turns. */
	const int64_t q[] = {7, 7, 8, P, P, P};
	int64_t order[8];
	struct sim s;

	sim_init(&s, q, 6);
	ASSERT_EQ(sim_fill(&s, 4, 50, order), 4);
	ASSERT_EQ(order[0], P);
	ASSERT_EQ(order[1], P);
	ASSERT_EQ(order[2], 7);
	ASSERT_EQ(order[3], 8); /* fairness: 8 idle, 7 already runs one */
	/* A visitor's stream ends: the third visitor takes the slot. */
	sim_end(&s, P);
	ASSERT_EQ(sim_fill(&s, 4, 50, order), 1);
	ASSERT_EQ(order[0], P);
	/* A department's ends: the share is used up (2 of ceil(4*50%)=2), so the
	 * remaining 7 comes next. */
	sim_end(&s, 8);
	ASSERT_EQ(sim_fill(&s, 4, 50, order), 1);
	ASSERT_EQ(order[0], 7);
}

TEST(model_sched_public_past_share_is_fair)
{
	/* Share used up: public traffic is one more group, fewest running first. */
	const int64_t q[] = {P, P, 3, 3};
	int64_t order[8];
	struct sim s;

	sim_init(&s, q, 4);
	s.run_group[s.nrun++] = P; /* one visitor already streaming */
	/* share 25% of 4 = 1: used up. Group 3 runs none, P runs one. */
	ASSERT_EQ(sim_fill(&s, 3, 25, order), 2);
	ASSERT_EQ(order[0], 3);
	ASSERT_EQ(order[1], P); /* both at one running: the earliest, a visitor */
}

TEST(model_sched_share_zero_no_priority)
{
	const int64_t q[] = {5, 6, P};
	int64_t order[8];
	struct sim s;

	sim_init(&s, q, 3);
	ASSERT_EQ(sim_fill(&s, 3, 0, order), 3);
	ASSERT_EQ(order[0], 5);
	ASSERT_EQ(order[1], 6);
	ASSERT_EQ(order[2], P);
}

TEST(model_sched_department_fairness_kept)
{
	/* One department floods the queue; another's single request still goes
	 * second, and the public request first (share 100%). */
	const int64_t q[] = {1, 1, 1, 1, 2, P};
	int64_t order[8];
	struct sim s;

	sim_init(&s, q, 6);
	ASSERT_EQ(sim_fill(&s, 3, 100, order), 3);
	ASSERT_EQ(order[0], P);
	ASSERT_EQ(order[1], 1);
	ASSERT_EQ(order[2], 2);
}
