/*
 * cli: helpers shared by the commands that use the database (user, dept,
 * audit): where the database is, who is acting, option parsing, reading a
 * password without echo.
 */
#ifndef SHUZHI_CLI_DB_H
#define SHUZHI_CLI_DB_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

#define CLI_DB_DEFAULT "shuzhi.db"

/* --db PATH, else $SHUZHI_DB, else ./shuzhi.db. */
const char *cli_db_path(const char *opt);
/* Open the database (flags: STORE_OPEN_*); on failure prints
 * "shuzhi: PATH: reason" and returns the exit code (2 or 3), else 0. */
int cli_db_open(const char *path, int flags, struct store **st);
/* "cli:" + the OS user name ($USER, else the passwd entry, else the uid). */
void cli_db_actor(char *out, size_t cap);
/* Match "--name VALUE" or "--name=VALUE" at argv[*i]; advances *i past the
 * value. Returns true on a match (a missing value sets *val to NULL). */
bool cli_db_opt(int argc, char **argv, int *i, const char *name, const char **val);
/*
 * Read a password: from the terminal with echo off (asked twice when
 * confirm), or one line from stdin when stdin is not a terminal. Never from
 * argv. buf holds cap bytes; the trailing newline is removed. Returns 0 or
 * prints the reason and returns 2.
 */
int cli_db_read_password(const char *prompt, bool confirm, char *buf, size_t cap, size_t *len);
/* Local time of a Unix-ms timestamp as "YYYY-MM-DD HH:MM:SS". */
void cli_db_time(long long ms, char *out, size_t cap);

#endif
