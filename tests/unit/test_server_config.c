/* Unit tests: the `shuzhi serve` config loader (src/server/config.c). */
#include "test.h"

#include <unistd.h>

#include "server/server.h"

static int load(struct server_config *c, const char *json, struct err *e)
{
	server_config_defaults(c);
	return server_config_load_json(c, json, strlen(json), "t.json", e);
}

TEST(server_config_good_file)
{
	struct server_config c;
	struct err e = {0};

	ASSERT_EQ(load(&c,
		       "{\"listen\":\"0.0.0.0:9090\",\"db\":\"/var/lib/shuzhi/s.db\","
		       "\"behind_tls\":true,\"login_burst\":20,\"max_body_bytes\":2097152,"
		       "\"max_header_bytes\":32768,\"request_timeout_s\":60,"
		       "\"session_idle_s\":600,\"session_max_s\":3600}",
		       &e),
		  0);
	ASSERT_STR_EQ(c.addr, "0.0.0.0");
	ASSERT_EQ(c.port, 9090);
	ASSERT_STR_EQ(c.db_path, "/var/lib/shuzhi/s.db");
	ASSERT(c.behind_tls);
	ASSERT_EQ(c.login_burst, 20);
	ASSERT_EQ(c.max_body_bytes, 2097152);
	ASSERT_EQ(c.max_header_bytes, 32768);
	ASSERT_EQ(c.request_timeout_s, 60);
	ASSERT_EQ(c.session_idle_s, 600);
	ASSERT_EQ(c.session_max_s, 3600);
	ASSERT_EQ(server_config_check(&c, &e), 0);
}

TEST(server_config_partial_keeps_defaults_and_round_trips)
{
	struct server_config c, d;
	struct err e = {0};
	char *s;

	ASSERT_EQ(load(&c, "{\"listen\":\"[::1]:0\"}", &e), 0);
	ASSERT_STR_EQ(c.addr, "::1");
	ASSERT_EQ(c.port, -1);
	ASSERT_EQ(c.login_burst, SERVER_LOGIN_BURST);
	ASSERT_EQ(c.request_timeout_s, SERVER_TIMEOUT_S);
	s = server_config_json(&c);
	ASSERT(strstr(s, "\"[::1]:0\"") != NULL);
	ASSERT_EQ(load(&d, s, &e), 0);
	ASSERT_STR_EQ(d.addr, "::1");
	ASSERT_EQ(d.port, -1);
	free(s);
}

TEST(server_config_unknown_key)
{
	struct server_config c;
	struct err e = {0};

	ASSERT_EQ(load(&c, "{\"listen\":\":0\",\"listne\":\":1\"}", &e), BASE_E_USAGE);
	ASSERT(strstr(e.msg, "t.json") != NULL);
	ASSERT(strstr(e.msg, "未知的配置项“listne”") != NULL);
}

TEST(server_config_wrong_type)
{
	struct server_config c;
	struct err e = {0};

	ASSERT_EQ(load(&c, "{\"login_burst\":\"20\"}", &e), BASE_E_USAGE);
	ASSERT(strstr(e.msg, "“login_burst”须为整数") != NULL);
	err_clear(&e);
	ASSERT_EQ(load(&c, "{\"login_burst\":2.5}", &e), BASE_E_USAGE);
	err_clear(&e);
	ASSERT_EQ(load(&c, "{\"behind_tls\":1}", &e), BASE_E_USAGE);
	ASSERT(strstr(e.msg, "behind_tls") != NULL);
	err_clear(&e);
	ASSERT_EQ(load(&c, "{\"db\":null}", &e), BASE_E_USAGE);
	err_clear(&e);
	ASSERT_EQ(load(&c, "{\"db\":\"a\\u0000b\"}", &e), BASE_E_FORMAT); /* NUL refused */
	err_clear(&e);
	ASSERT_EQ(load(&c, "[1]", &e), BASE_E_FORMAT);
	err_clear(&e);
	ASSERT_EQ(load(&c, "{\"listen\":\"localhost\"}", &e), BASE_E_USAGE);
	ASSERT(strstr(e.msg, "listen") != NULL);
}

TEST(server_config_out_of_range)
{
	struct server_config c;
	struct err e = {0};

	ASSERT_EQ(load(&c, "{\"login_burst\":0}", &e), BASE_E_USAGE);
	ASSERT(strstr(e.msg, "1–1000") != NULL);
	err_clear(&e);
	ASSERT_EQ(load(&c, "{\"request_timeout_s\":99999999999999}", &e), BASE_E_USAGE);
	err_clear(&e);
	ASSERT_EQ(load(&c, "{\"listen\":\"127.0.0.1:65536\"}", &e), BASE_E_USAGE);
	err_clear(&e);
	ASSERT_EQ(load(&c, "{\"session_idle_s\":7200,\"session_max_s\":3600}", &e), 0);
	ASSERT_EQ(server_config_check(&c, &e), BASE_E_USAGE);
	ASSERT(strstr(e.msg, "session_idle_s") != NULL);
}

TEST(server_config_bad_json_and_utf8)
{
	struct server_config c;
	struct err e = {0};
	const char bad_utf8[] = "{\"db\":\"\xff\xfe.db\"}";

	ASSERT_EQ(load(&c, "{\"listen\":", &e), BASE_E_FORMAT);
	ASSERT(strstr(e.msg, "不是有效的 JSON") != NULL);
	err_clear(&e);
	ASSERT_EQ(load(&c, bad_utf8, &e), BASE_E_FORMAT);
	err_clear(&e);
	ASSERT_EQ(load(&c, "{\"login_burst\":5,\"login_burst\":6}", &e), BASE_E_FORMAT);
}

TEST(server_config_oversize_file)
{
	char path[] = "/tmp/shuzhi-cfg-XXXXXX";
	int fd = mkstemp(path);
	struct server_config c;
	struct err e = {0};
	char *big = xmalloc(SERVER_CONFIG_MAX + 100);

	ASSERT(fd >= 0);
	memset(big, ' ', SERVER_CONFIG_MAX + 100);
	big[0] = '{';
	big[SERVER_CONFIG_MAX + 99] = '}';
	ASSERT_EQ(write(fd, big, SERVER_CONFIG_MAX + 100), SERVER_CONFIG_MAX + 100);
	close(fd);
	server_config_defaults(&c);
	ASSERT_EQ(server_config_load_file(&c, path, &e), BASE_E_LIMIT);
	err_clear(&e);
	ASSERT_EQ(server_config_load_file(&c, "/nonexistent/shuzhi.json", &e), BASE_E_IO);
	unlink(path);
	free(big);
}

TEST(server_config_env_and_flags_override)
{
	struct server_config c;
	struct err e = {0};
	char *s;

	ASSERT_EQ(load(&c, "{\"login_burst\":5,\"db\":\"file.db\",\"behind_tls\":true}", &e), 0);
	setenv("SHUZHI_LOGIN_BURST", "7", 1);
	setenv("SHUZHI_BEHIND_TLS", "off", 1);
	setenv("SHUZHI_DB", "", 1); /* empty: ignored */
	ASSERT_EQ(server_config_apply_env(&c, &e), 0);
	ASSERT_EQ(c.login_burst, 7);
	ASSERT(!c.behind_tls);
	ASSERT_STR_EQ(c.db_path, "file.db");
	ASSERT_EQ(server_config_set(&c, "login_burst", "9", "选项 --login-burst", &e), 0);
	ASSERT_EQ(c.login_burst, 9);
	setenv("SHUZHI_REQUEST_TIMEOUT_S", "30s", 1);
	ASSERT_EQ(server_config_apply_env(&c, &e), BASE_E_USAGE);
	ASSERT(strstr(e.msg, "SHUZHI_REQUEST_TIMEOUT_S") != NULL);
	err_clear(&e);
	ASSERT_EQ(server_config_set(&c, "db", "postgres://u:hunter2@db/shuzhi", "x", &e), 0);
	s = server_config_json(&c);
	ASSERT(strstr(s, "hunter2") == NULL);
	ASSERT(strstr(s, "postgres://u:***@db/shuzhi") != NULL);
	free(s);
}

TEST(server_config_model_object)
{
	struct server_config c;
	struct err e = {0};
	char *js;

	ASSERT_EQ(load(&c,
		       "{\"model\":{\"base_url\":\"http://10.0.0.5:8000/v1\",\"model\":"
		       "\"deepseek-r1\",\"api_key\":\"sk-hidden-42\",\"max_streams\":8}}",
		       &e),
		  0);
	ASSERT_CONTAINS(c.model, "deepseek-r1");
	js = server_config_json(&c);
	ASSERT_CONTAINS(js, "\"max_streams\": 8");
	ASSERT(strstr(js, "sk-hidden-42") == NULL);
	free(js);
	/* Checked when loaded, with the key named. */
	ASSERT_EQ(
	    load(&c, "{\"model\":{\"base_url\":\"http://x\",\"model\":\"m\",\"kind\":\"x\"}}", &e),
	    BASE_E_USAGE);
	ASSERT_CONTAINS(e.msg, "model.kind");
	err_clear(&e);
	ASSERT_EQ(load(&c, "{\"model\":\"http://x\"}", &e), BASE_E_USAGE);
	err_clear(&e);
	/* null: no model. */
	ASSERT_EQ(load(&c, "{\"model\":null}", &e), 0);
	ASSERT_STR_EQ(c.model, "");
}
