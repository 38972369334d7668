/* Issue 9 follow-ups: the built-in scenario 企业分析报告 (run/runner.c) —
 * the analysis of the profile the server puts into the inputs, refused
 * without one, its 上岗考核 sample passing. */
#include <jansson.h>
#include <string.h>

#include "enterprise/enterprise.h"
#include "run/runner.h"
#include "test.h"

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
