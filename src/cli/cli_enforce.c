/* cli: `shuzhi enforce draft|validate`. */
#include <stdio.h>

#include "cli/cli.h"

int cli_enforce(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "shuzhi enforce: 尚未实现\n");
	return 2;
}
