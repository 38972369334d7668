/* shuzhi: argument dispatch only. */
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "cli/cli.h"

int main(int argc, char **argv)
{
	base_process_setup();
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		cli_usage(stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("shuzhi %s\n", CLI_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "gongwen") == 0)
		return cli_gongwen(argc - 1, argv + 1);
	if (strcmp(argv[1], "user") == 0)
		return cli_user(argc - 1, argv + 1);
	if (strcmp(argv[1], "dept") == 0)
		return cli_dept(argc - 1, argv + 1);
	if (strcmp(argv[1], "audit") == 0)
		return cli_audit(argc - 1, argv + 1);
	if (strcmp(argv[1], "token") == 0)
		return cli_token(argc - 1, argv + 1);
	if (strcmp(argv[1], "scenario") == 0)
		return cli_scenario(argc - 1, argv + 1);
	if (strcmp(argv[1], "kb") == 0 || strcmp(argv[1], "search") == 0)
		return argv[1][0] == 'k' ? cli_kb(argc - 1, argv + 1)
					 : cli_search(argc - 1, argv + 1);
	if (strcmp(argv[1], "serve") == 0)
		return cli_serve(argc - 1, argv + 1);
	if (strcmp(argv[1], "pii") == 0)
		return cli_pii(argc - 1, argv + 1);
	if (strcmp(argv[1], "words") == 0)
		return cli_words(argc - 1, argv + 1);
	if (strcmp(argv[1], "chat") == 0)
		return cli_chat(argc - 1, argv + 1);
	if (strcmp(argv[1], "model") == 0)
		return cli_model(argc - 1, argv + 1);
	if (strcmp(argv[1], "extract") == 0)
		return cli_extract(argc - 1, argv + 1);
	if (strcmp(argv[1], "enforce") == 0)
		return cli_enforce(argc - 1, argv + 1);
	if (strcmp(argv[1], "enterprise") == 0)
		return cli_enterprise(argc - 1, argv + 1);
	if (strcmp(argv[1], "slides") == 0)
		return cli_slides(argc - 1, argv + 1);
	fprintf(stderr, "shuzhi: 未知命令“%s”（运行 shuzhi --help 查看用法）\n", argv[1]);
	return 2;
}
