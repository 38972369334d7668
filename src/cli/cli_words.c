/* cli: `shuzhi words` (stub, replaced below). */
#include "cli/cli.h"
int cli_words(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 2;
}
