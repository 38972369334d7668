/* cli: `shuzhi serve` — parse the options, print the route table or run
 * the HTTP server (src/server/). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "server/server.h"

static void serve_print_routes(void)
{
	size_t n;
	const struct server_route *rt = server_routes(&n);
	char roles[96];

	for (size_t i = 0; i < n; i++) {
		server_roles_format(rt[i].roles, roles, sizeof(roles));
		printf("%s %s %s %s\n", rt[i].method, rt[i].pattern, roles[0] ? roles : "-",
		       rt[i].summary);
	}
}

static void serve_on_listen(const char *addr, int port, void *arg)
{
	(void)arg;
	fprintf(stderr, "shuzhi serve: 正在监听 http://%s:%d/\n", addr, port);
}

/* --name VALUE / --name=VALUE for a key of the config file ("--login-burst"
 * for login_burst); --behind-tls alone means true. Returns 1 when argv[*i]
 * is such an option (and sets it), 0 when not, 2 on a bad value. */
static int serve_setting_opt(struct server_config *cfg, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	const char *eq = strchr(arg, '=');
	char key[64], src[80];
	const char *val;
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	struct err e = {0};

	if (strncmp(arg, "--", 2) != 0 || n - 2 >= sizeof(key) || n <= 2)
		return 0;
	memcpy(key, arg + 2, n - 2);
	key[n - 2] = '\0';
	for (char *p = key; *p; p++) {
		if (*p == '_')
			return 0; /* flags are spelt with '-' */
		if (*p == '-')
			*p = '_';
	}
	if (!server_config_has_key(key))
		return 0;
	snprintf(src, sizeof(src), "选项 --%.*s", (int)(n - 2), arg + 2);
	if (eq != NULL) {
		val = eq + 1;
	} else if (strcmp(key, "behind_tls") == 0) {
		val = "true";
	} else if (*i + 1 < argc) {
		val = argv[++*i];
	} else {
		fprintf(stderr, "shuzhi serve: %s 需要一个值\n", src);
		return 2;
	}
	if (server_config_set(cfg, key, val, src, &e) != 0) {
		fprintf(stderr, "shuzhi serve: %s\n", e.msg);
		return 2;
	}
	return 1;
}

int cli_serve(int argc, char **argv)
{
	struct server_config cfg;
	const char *config_file = NULL;
	bool print_config = false;
	struct err e = {0};

	server_config_defaults(&cfg);
	/* Layers: defaults < config file < environment < command line. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--print-routes") == 0) {
			serve_print_routes();
			return 0;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config_file = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			config_file = argv[i] + 9;
		} else if (strcmp(argv[i], "--config") == 0) {
			fprintf(stderr, "shuzhi serve: --config 需要文件路径\n");
			return 2;
		}
	}
	if ((config_file != NULL && server_config_load_file(&cfg, config_file, &e) != 0) ||
	    server_config_apply_env(&cfg, &e) != 0) {
		fprintf(stderr, "shuzhi serve: %s\n", e.msg);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		int rc;

		if (strcmp(argv[i], "--print-config") == 0) {
			print_config = true;
			continue;
		}
		if (strcmp(argv[i], "--config") == 0) {
			i++;
			continue;
		}
		if (strncmp(argv[i], "--config=", 9) == 0)
			continue;
		rc = serve_setting_opt(&cfg, argc, argv, &i);
		if (rc == 2)
			return 2;
		if (rc == 0) {
			fprintf(stderr, "shuzhi serve: 未知选项“%s”\n", argv[i]);
			return 2;
		}
	}
	if (server_config_check(&cfg, &e) != 0) {
		fprintf(stderr, "shuzhi serve: %s\n", e.msg);
		return 2;
	}
	if (print_config) {
		char *s = server_config_json(&cfg);

		printf("%s\n", s);
		free(s);
		return 0;
	}
	if (cli_scenario_startup_check() != 0)
		return 2;
	cfg.on_listen = serve_on_listen;
	if (server_run(&cfg, &e) != 0) {
		fprintf(stderr, "shuzhi serve: %s: %s\n", cfg.db_path, e.msg);
		return base_err_exit_code(e.code);
	}
	fprintf(stderr, "shuzhi serve: 已停止\n");
	return 0;
}
