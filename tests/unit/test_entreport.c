/* Issue 9 follow-ups: the built-in scenario 企业分析报告 (run/runner.c) —
 * the analysis of the profile the server puts into the inputs, refused
 * without one, its 上岗考核 sample passing; the store side of refreshing a
 * saved screening list (membership replaced, date and count updated). */
#include <jansson.h>
#include <string.h>

#include "db_fixture.h"
#include "enterprise/enterprise.h"
#include "run/runner.h"
#include "store/enterprise_store.h"
#include "test.h"
#include "work/users.h"

static json_t *sample_profile(void)
{
	json_t *entry = run_describe(RUN_ENT_REPORT);
	json_t *p;

	if (entry == NULL)
		return NULL;
	p = json_deep_copy(json_object_get(
	    json_object_get(json_array_get(json_object_get(entry, "samples"), 0), "input"),
	    "profile"));
	json_decref(entry);
	return p;
}

TEST(entreport_scenario_in_catalog_with_form)
{
	json_t *entry = run_describe(RUN_ENT_REPORT);

	ASSERT(entry != NULL);
	ASSERT_STR_EQ(json_string_value(json_object_get(entry, "name")), "企业分析报告");
	ASSERT_STR_EQ(json_string_value(json_object_get(
			  json_array_get(json_object_get(entry, "form"), 0), "name")),
		      "uscc");
	ASSERT(!run_has_prose(RUN_ENT_REPORT)); /* the model part is the server's */
	json_decref(entry);
}

TEST(entreport_scenario_writes_the_profile_analysis)
{
	json_t *p = sample_profile(), *in, *res = NULL;
	struct err e = {0};
	char *want;

	ASSERT(p != NULL);
	/* a changed profile changes the text: the analysis follows the data */
	json_object_set_new(p, "name", json_string("测试变更企业"));
	in = json_pack("{s:s,s:O}", "uscc", "91440300MA5EXAMPL0", "profile", p);
	ASSERT_EQ(run_scenario(RUN_ENT_REPORT, in, &res, &e), 0);
	want = ent_profile_analysis(p);
	ASSERT_STR_EQ(json_string_value(json_object_get(res, "text")), want);
	ASSERT(strstr(want, "测试变更企业") != NULL);
	ASSERT_STR_EQ(json_string_value(json_object_get(res, "kind")), "enterprise_report");
	ASSERT_STR_EQ(json_string_value(json_object_get(res, "analysis_note")), ENT_NOTE_RULES);
	ASSERT(json_equal(json_object_get(res, "profile"), p));
	free(want);
	json_decref(res);
	json_decref(in);
	json_decref(p);
}

TEST(entreport_scenario_needs_the_servers_profile)
{
	json_t *in = json_pack("{s:s}", "uscc", "91440300MA5EXAMPL0"), *res = NULL;
	struct err e = {0};

	ASSERT_EQ(run_scenario(RUN_ENT_REPORT, in, &res, &e), BASE_E_USAGE);
	ASSERT(strstr(e.msg, "企业画像") != NULL);
	json_decref(in);
	in = json_pack("{s:{}}", "profile");
	memset(&e, 0, sizeof(e));
	ASSERT_EQ(run_scenario(RUN_ENT_REPORT, in, &res, &e), BASE_E_USAGE);
	ASSERT(strstr(e.msg, "统一社会信用代码") != NULL);
	json_decref(in);
}

TEST(entreport_scenario_acceptance_passes)
{
	json_t *ids = json_pack("[s]", RUN_ENT_REPORT);
	json_t *acc = run_acceptance(ids);

	ASSERT(json_is_true(json_object_get(acc, "passed")));
	ASSERT_EQ(json_array_size(json_object_get(acc, "results")), 1);
	json_decref(acc);
	json_decref(ids);
}

static int list_cb(const struct store_ent_list *l, void *arg)
{
	json_t **o = arg;

	*o = json_pack("{s:s,s:I}", "as_of", l->as_of, "matched", (json_int_t)l->matched);
	return 0;
}

static int item_cb(int64_t rank, const char *uscc, const char *cells, int64_t ent_id, void *arg)
{
	(void)cells;
	(void)ent_id;
	json_array_append_new(arg, json_pack("{s:I,s:s}", "rank", (json_int_t)rank, "uscc", uscc));
	return 0;
}

TEST(entreport_list_refresh_replaces_membership)
{
	struct db_fixture f;
	struct work_user_new nu = {"zs", NULL, "staff", NULL};
	struct store_ent_list l = {0};
	struct err e = {0};
	int64_t uid, id;
	json_t *o = NULL, *items = json_array();

	db_fixture_open(&f);
	ASSERT_EQ(work_user_add(&f.ctx, &nu, "Chunjie-2024!", 13, &uid, &e), 0);
	l.name = "名单";
	l.owner_id = uid;
	l.filter = "{}";
	l.as_of = "2025-06-30";
	l.matched = 2;
	l.created_at = 1;
	ASSERT_EQ(store_ent_list_add(f.st, &l, &id, &e), 0);
	ASSERT_EQ(store_ent_list_item_add(f.st, id, 0, "", "[]", &e), 0);
	ASSERT_EQ(store_ent_list_item_add(f.st, id, 1, "A", "[]", &e), 0);
	ASSERT_EQ(store_ent_list_item_add(f.st, id, 2, "B", "[]", &e), 0);
	ASSERT_EQ(store_tx_begin(f.st, &e), 0);
	ASSERT_EQ(store_ent_list_items_clear(f.st, id, &e), 0);
	ASSERT_EQ(store_ent_list_item_add(f.st, id, 0, "", "[]", &e), 0);
	ASSERT_EQ(store_ent_list_item_add(f.st, id, 1, "C", "[]", &e), 0);
	ASSERT_EQ(store_ent_list_refreshed(f.st, id, "2025-07-31", 1, &e), 0);
	ASSERT_EQ(store_tx_commit(f.st, &e), 0);
	ASSERT_EQ(store_ent_list_get(f.st, id, list_cb, &o, &e), 0);
	ASSERT(o != NULL);
	ASSERT_STR_EQ(json_string_value(json_object_get(o, "as_of")), "2025-07-31");
	ASSERT_EQ(json_integer_value(json_object_get(o, "matched")), 1);
	ASSERT_EQ(store_ent_list_items(f.st, id, item_cb, items, &e), 0);
	ASSERT_EQ(json_array_size(items), 2);
	ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(items, 1), "uscc")), "C");
	json_decref(o);
	json_decref(items);
	db_fixture_close(&f);
}
