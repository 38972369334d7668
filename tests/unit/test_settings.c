/* server/settings: the database layer over the configuration — pinned keys,
 * the same range checks as the config file, the model merged field by
 * field, audit entries with the API key as ***, a stale row ignored. */
#include <stdlib.h>

#include "db_fixture.h"
#include "server/settings.h"
#include "store/settings_store.h"
#include "test.h"

static json_t *changes(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	ASSERT(v != NULL);
	return v;
}

static const json_t *view_item(json_t *view, const char *key)
{
	json_t *list = json_object_get(view, "settings");

	for (size_t i = 0; i < json_array_size(list); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(list, i), "key")),
			   key) == 0)
			return json_array_get(list, i);
	TEST_FAIL_AT("no item %s", key);
	return NULL;
}

static int audit_cb(const struct store_audit *a, void *arg)
{
	char **detail = arg;

	free(*detail);
	*detail = strdup(a->detail);
	return 0;
}

static int count_cb(const char *key, const char *value, int64_t at, const char *by, void *arg)
{
	(void)key;
	(void)value;
	(void)at;
	(void)by;
	++*(int *)arg;
	return 0;
}

static struct server_config *base_config(void)
{
	struct server_config *c = calloc(1, sizeof(*c));
	struct err e = {0};
	const char *file = "{\"portal_per_minute\":5,"
			   "\"model\":{\"base_url\":\"http://127.0.0.1:9/v1\",\"model\":\"m\"}}";

	server_config_defaults(c);
	ASSERT_EQ(server_config_load_json(c, file, strlen(file), "t.json", &e), 0);
	ASSERT_EQ(server_config_set(c, "login_burst", "7", "环境变量 SHUZHI_LOGIN_BURST", &e), 0);
	return c;
}

TEST(settings_update_audits_and_composes)
{
	struct db_fixture f;
	struct server_config *base = base_config();
	struct server_config *out = calloc(1, sizeof(*out));
	struct server_config *again = calloc(1, sizeof(*again));
	json_t *ch = changes("{\"portal_burst\":3,\"model.max_streams\":2,"
			     "\"model.api_key\":\"sk-unit-secret\"}");
	struct err e = {0};
	size_t n = 0;
	char *audit_detail = NULL;

	db_fixture_open(&f);
	ASSERT_EQ(server_settings_update(&f.ctx, base, base, ch, out, &n, &e), 0);
	ASSERT_EQ(n, 3);
	ASSERT_EQ(out->portal_burst, 3);
	ASSERT_EQ(out->portal_per_minute, 5); /* the file's value stays */
	ASSERT_CONTAINS(out->model, "\"max_streams\":2");
	ASSERT_CONTAINS(out->model, "\"base_url\":\"http://127.0.0.1:9/v1\"");
	ASSERT_CONTAINS(out->model, "sk-unit-secret"); /* the live record has the key */
	/* the same result from the rows alone (a restart) */
	ASSERT_EQ(server_settings_compose(base, f.st, again, &e), 0);
	ASSERT_STR_EQ(again->model, out->model);
	ASSERT_EQ(again->portal_burst, 3);
	{
		/* one audit entry: old and new values, the key redacted */
		struct store_audit_filter flt = {.action = "settings.update"};

		ASSERT_EQ(store_audit_iter(f.st, &flt, audit_cb, &audit_detail, &e), 0);
		ASSERT(audit_detail != NULL);
		ASSERT_CONTAINS(audit_detail, "\"key\":\"portal_burst\",\"new\":3,\"old\":30");
		ASSERT_CONTAINS(audit_detail, "\"key\":\"model.max_streams\",\"new\":2,\"old\":16");
		ASSERT_CONTAINS(audit_detail,
				"\"key\":\"model.api_key\",\"new\":\"***\",\"old\":\"\"");
		ASSERT(strstr(audit_detail, "sk-unit") == NULL);
	}
	{
		json_t *view = server_settings_view(base, out, f.st, &e);
		char *text = json_dumps(view, 0);

		ASSERT(view != NULL);
		ASSERT(strstr(text, "sk-unit-secret") == NULL);
		ASSERT(json_is_true(json_object_get(view_item(view, "model.api_key"), "set")));
		ASSERT_STR_EQ(
		    json_string_value(json_object_get(view_item(view, "portal_burst"), "source")),
		    "db");
		ASSERT_STR_EQ(json_string_value(
				  json_object_get(view_item(view, "portal_per_minute"), "source")),
			      "file");
		ASSERT_STR_EQ(
		    json_string_value(json_object_get(view_item(view, "login_burst"), "source")),
		    "env");
		ASSERT_STR_EQ(
		    json_string_value(json_object_get(view_item(view, "session_idle_s"), "source")),
		    "default");
		ASSERT_EQ(json_integer_value(
			      json_object_get(view_item(view, "model.max_streams"), "value")),
			  2);
		free(text);
		json_decref(view);
	}
	free(audit_detail);
	json_decref(ch);
	free(base);
	free(out);
	free(again);
	db_fixture_close(&f);
}

TEST(settings_refused_changes_write_nothing)
{
	struct db_fixture f;
	struct server_config *base = base_config();
	struct server_config *out = calloc(1, sizeof(*out));
	static const char *const bad[][2] = {
	    {"{\"portal_burst\":0}", "1–100000"},
	    {"{\"portal_burst\":\"3\"}", "须为整数"},
	    {"{\"login_burst\":3}", "环境变量或命令行"},
	    {"{\"max_body_bytes\":4096}", "未知的设置项"},
	    {"{\"model.max_streams\":0}", "1–10000"},
	    {"{\"model.kind\":\"grpc\"}", "ollama"},
	    {"{\"model.json_mode\":1}", "true 或 false"},
	    {"{\"session_idle_s\":7200,\"session_max_s\":3600}", "不能大于"},
	    {"{\"kb_embed_wait_ms\":10}", "50–60000"},
	    {"{\"kb_embed_wait_ms\":1.5}", "须为整数"},
	    {"{\"kb_embed_retry_s\":-1}", "0–86400"},
	    {"{\"kb_vector_memory_mb\":0}", "1–1048576"},
	    {"{\"kb_vector_memory_mb\":\"256\"}", "须为整数"},
	};
	int rows = 0;

	db_fixture_open(&f);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		json_t *ch = changes(bad[i][0]);
		struct err e = {0};
		size_t n = 9;

		ASSERT_EQ(server_settings_update(&f.ctx, base, base, ch, out, &n, &e),
			  BASE_E_USAGE);
		ASSERT_CONTAINS(e.msg, bad[i][1]);
		ASSERT_EQ(n, 0);
		json_decref(ch);
	}
	{
		struct err e = {0};

		ASSERT_EQ(store_settings_iter(f.st, count_cb, &rows, &e), 0);
		ASSERT_EQ(rows, 0);
	}
	free(base);
	free(out);
	db_fixture_close(&f);
}

TEST(settings_stale_row_keeps_configuration)
{
	struct db_fixture f;
	struct server_config *base = base_config();
	struct server_config *out = calloc(1, sizeof(*out));
	struct err e = {0};

	db_fixture_open(&f);
	ASSERT_EQ(store_setting_put(f.st, "portal_burst", "0", 1, "test", &e), 0);
	ASSERT_EQ(server_settings_compose(base, f.st, out, &e), BASE_E_USAGE);
	ASSERT_EQ(out->portal_burst, base->portal_burst);
	ASSERT_STR_EQ(out->model, base->model);
	free(base);
	free(out);
	db_fixture_close(&f);
}

/* The hybrid-search constants are settings: defaults 1 s, 30 s, 256 MB;
 * a change is applied, audited and shown. */
TEST(settings_kb_hybrid_keys)
{
	struct db_fixture f;
	struct server_config *base = base_config();
	struct server_config *out = calloc(1, sizeof(*out));
	json_t *ch = changes("{\"kb_embed_wait_ms\":250,\"kb_embed_retry_s\":0,"
			     "\"kb_vector_memory_mb\":8}");
	struct err e = {0};
	size_t n = 0;
	json_t *view;

	db_fixture_open(&f);
	ASSERT_EQ(base->kb_embed_wait_ms, 1000);
	ASSERT_EQ(base->kb_embed_retry_s, 30);
	ASSERT_EQ(base->kb_vector_memory_mb, 256);
	ASSERT_EQ(server_settings_update(&f.ctx, base, base, ch, out, &n, &e), 0);
	ASSERT_EQ(n, 3);
	ASSERT_EQ(out->kb_embed_wait_ms, 250);
	ASSERT_EQ(out->kb_embed_retry_s, 0);
	ASSERT_EQ(out->kb_vector_memory_mb, 8);
	view = server_settings_view(base, out, f.st, &e);
	ASSERT(view != NULL);
	{
		const json_t *it = view_item(view, "kb_embed_wait_ms");

		ASSERT_STR_EQ(json_string_value(json_object_get(it, "section")), "kb");
		ASSERT_EQ(json_integer_value(json_object_get(it, "value")), 250);
		ASSERT_EQ(json_integer_value(json_object_get(it, "default")), 1000);
		ASSERT_EQ(json_integer_value(json_object_get(it, "min")), 50);
		ASSERT_EQ(json_integer_value(
			      json_object_get(view_item(view, "kb_embed_retry_s"), "default")),
			  30);
		ASSERT_EQ(json_integer_value(
			      json_object_get(view_item(view, "kb_vector_memory_mb"), "default")),
			  256);
	}
	json_decref(view);
	json_decref(ch);
	free(base);
	free(out);
	db_fixture_close(&f);
}
