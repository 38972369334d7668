/* cli: database path, actor, options and password input (see cli_db.h). */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli_db.h"

const char *cli_db_path(const char *opt)
{
	const char *env = getenv("SHUZHI_DB");

	if (opt != NULL && opt[0] != '\0')
		return opt;
	if (env != NULL && env[0] != '\0')
		return env;
	return CLI_DB_DEFAULT;
}

int cli_db_open(const char *path, int flags, struct store **st)
{
	struct err e = {0};

	if (store_open(path, flags, st, &e) != 0) {
		fprintf(stderr, "shuzhi: %s: %s\n", path, e.msg);
		return base_err_exit_code(e.code);
	}
	return 0;
}

void cli_db_actor(char *out, size_t cap)
{
	const char *name = getenv("USER");
	struct passwd *pw;

	if (name == NULL || name[0] == '\0') {
		pw = getpwuid(geteuid());
		name = pw ? pw->pw_name : NULL;
	}
	if (name != NULL && name[0] != '\0')
		snprintf(out, cap, "cli:%.64s", name);
	else
		snprintf(out, cap, "cli:uid%u", (unsigned)geteuid());
}

bool cli_db_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);

	if (strcmp(argv[*i], name) == 0) {
		*val = *i + 1 < argc ? argv[++*i] : NULL;
		return true;
	}
	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
		*val = argv[*i] + n + 1;
		return true;
	}
	return false;
}

/* One line from f into buf; 0, or -1 at EOF / when it does not fit. */
static int cli_db_line(FILE *f, char *buf, size_t cap, size_t *len)
{
	size_t n;

	if (fgets(buf, (int)cap, f) == NULL)
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(f))
		return -1; /* longer than the buffer */
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	*len = n;
	return 0;
}

static int cli_db_tty_line(const char *prompt, char *buf, size_t cap, size_t *len)
{
	struct termios old, quiet;
	int rc;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
		return -1;
	rc = cli_db_line(stdin, buf, cap, len);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	return rc;
}

int cli_db_read_password(const char *prompt, bool confirm, char *buf, size_t cap, size_t *len)
{
	char again[1100];
	size_t len2 = 0;

	if (!isatty(STDIN_FILENO)) {
		if (cli_db_line(stdin, buf, cap, len) != 0) {
			fprintf(stderr, "shuzhi: 无法从标准输入读取密码（为空或超过 %zu 字节）\n",
				cap - 2);
			return 2;
		}
		return 0;
	}
	if (cli_db_tty_line(prompt, buf, cap, len) != 0) {
		fprintf(stderr, "shuzhi: 无法读取密码\n");
		return 2;
	}
	if (!confirm)
		return 0;
	if (cli_db_tty_line("再次输入密码：", again, sizeof(again), &len2) != 0 || len2 != *len ||
	    memcmp(again, buf, len2) != 0) {
		sodium_memzero(again, sizeof(again));
		fprintf(stderr, "shuzhi: 两次输入的密码不一致\n");
		return 2;
	}
	sodium_memzero(again, sizeof(again));
	return 0;
}

void cli_db_time(long long ms, char *out, size_t cap)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, cap, "%lld", ms);
}
