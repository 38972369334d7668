/* cli: `shuzhi serve` — parse the options, print the route table or run
 * the HTTP server (src/server/). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_db.h"
#include "server/server.h"

/* "ADDR:PORT", "[V6]:PORT" or ":PORT" into addr (cap bytes) and port;
 * port 0 becomes -1 (any free port, see struct server_config). */
static int serve_parse_listen(const char *s, char *addr, size_t cap, int *port)
{
	const char *colon = strrchr(s, ':');
	const char *a = s;
	size_t alen;
	char *end = NULL;
	long p;

	if (colon == NULL)
		return -1;
	alen = (size_t)(colon - s);
	if (alen >= 2 && s[0] == '[' && s[alen - 1] == ']') {
		a = s + 1;
		alen -= 2;
	}
	if (alen == 0) {
		a = SERVER_DEFAULT_ADDR;
		alen = strlen(a);
	}
	if (alen >= cap)
		return -1;
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || end == colon + 1 || *end != '\0' || p < 0 || p > 65535)
		return -1;
	*port = p == 0 ? -1 : (int)p;
	return 0;
}

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

int cli_serve(int argc, char **argv)
{
	struct server_config cfg = {0};
	char addr[256] = SERVER_DEFAULT_ADDR;
	const char *db = NULL;
	const char *v;
	struct err e = {0};

	cfg.port = SERVER_DEFAULT_PORT;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--print-routes") == 0) {
			serve_print_routes();
			return 0;
		} else if (strcmp(argv[i], "--behind-tls") == 0) {
			cfg.behind_tls = true;
		} else if (cli_db_opt(argc, argv, &i, "--listen", &v)) {
			if (v == NULL ||
			    serve_parse_listen(v, addr, sizeof(addr), &cfg.port) != 0) {
				fprintf(stderr, "shuzhi serve: --listen 需要 地址:端口，例如 "
						"127.0.0.1:8080\n");
				return 2;
			}
		} else if (cli_db_opt(argc, argv, &i, "--login-burst", &v)) {
			char *end = NULL;
			long n = v ? strtol(v, &end, 10) : 0;

			if (v == NULL || *end != '\0' || n < 1 || n > 1000) {
				fprintf(stderr, "shuzhi serve: --login-burst 需要 1–1000\n");
				return 2;
			}
			cfg.login_burst = (int)n;
		} else if (cli_db_opt(argc, argv, &i, "--db", &v)) {
			if (v == NULL) {
				fprintf(stderr, "shuzhi serve: --db 需要路径\n");
				return 2;
			}
			db = v;
		} else {
			fprintf(stderr, "shuzhi serve: 未知选项“%s”\n", argv[i]);
			return 2;
		}
	}
	cfg.addr = addr;
	cfg.db_path = cli_db_path(db);
	cfg.on_listen = serve_on_listen;
	if (server_run(&cfg, &e) != 0) {
		fprintf(stderr, "shuzhi serve: %s: %s\n", cfg.db_path, e.msg);
		return base_err_exit_code(e.code);
	}
	fprintf(stderr, "shuzhi serve: 已停止\n");
	return 0;
}
