/*
 * cli: the `shuzhi` subcommands. Each returns the process exit code:
 * 0 success, 1 findings / failed check, 2 bad usage or unreadable input.
 */
#ifndef SHUZHI_CLI_H
#define SHUZHI_CLI_H

#include <stdio.h>

#define CLI_VERSION "0.1.0"

void cli_usage(FILE *out);
int cli_gongwen(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_dept(int argc, char **argv);
int cli_audit(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_slides(int argc, char **argv);

#endif
