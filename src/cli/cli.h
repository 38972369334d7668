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
int cli_token(int argc, char **argv);
int cli_pii(int argc, char **argv);
int cli_words(int argc, char **argv);
int cli_chat(int argc, char **argv);
struct model_provider;
/* The model of --config FILE or $SHUZHI_CONFIG for command cmd; 2 with a
 * message on stderr when none is configured or it does not load. */
int cli_model_provider(const char *cmd, const char *config, struct model_provider *p);
int cli_model(int argc, char **argv);
int cli_extract(int argc, char **argv);
int cli_enforce(int argc, char **argv);
int cli_scenario(int argc, char **argv);
/* Validate every scenario definition (start-up of serve): 0 when all load or
 * the directory does not exist; otherwise prints the problems, returns 2. */
int cli_scenario_startup_check(void);
int cli_enterprise(int argc, char **argv);
int cli_kb(int argc, char **argv);
int cli_search(int argc, char **argv);
int cli_slides(int argc, char **argv);

#endif
