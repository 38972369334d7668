/* Unit-test runner: forks each registered test with a timeout.
 * Usage: unit-tests [FILTER]   (runs tests whose name contains FILTER)
 * Last line: "N passed, N failed". */
#include "test.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

struct test_case {
	const char *name;
	const char *file;
	test_fn fn;
};

static struct test_case tests[1024];
static size_t ntests;

void test_register(const char *name, const char *file, test_fn fn)
{
	if (ntests >= sizeof(tests) / sizeof(tests[0])) {
		fprintf(stderr, "too many tests\n");
		exit(2);
	}
	tests[ntests].name = name;
	tests[ntests].file = file;
	tests[ntests].fn = fn;
	ntests++;
}

const char *test_data_dir(void)
{
	const char *d = getenv("SHUZHI_TEST_DATA");

	return d ? d : "tests/data";
}

const char *test_shared_dir(void)
{
	const char *d = getenv("SHUZHI_SHARED");

	return d ? d : "../shared";
}

long test_each_dev_docx(void (*fn)(const char *path, void *arg), void *arg)
{
	char dir[512];
	DIR *d;
	struct dirent *de;
	long n = 0;

	snprintf(dir, sizeof(dir), "%s/corpus/gongwen-dev/docs", test_shared_dir());
	d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "  skipped: %s not found\n", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char path[1024];
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 5, ".docx") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		fn(path, arg);
		n++;
	}
	closedir(d);
	return n;
}

static int run_one(const struct test_case *t, unsigned timeout)
{
	pid_t pid = fork();
	int status = 0;

	if (pid < 0) {
		perror("fork");
		return 0;
	}
	if (pid == 0) {
		alarm(timeout);
		t->fn();
		exit(0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 1;
	if (WIFSIGNALED(status))
		fprintf(stderr, "  killed by signal %d%s\n", WTERMSIG(status),
			WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	return 0;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned timeout = 120;
	int passed = 0;
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < ntests; i++) {
		const struct test_case *t = &tests[i];
		int ok;

		if (filter != NULL && strstr(t->name, filter) == NULL)
			continue;
		fflush(stdout);
		fflush(stderr);
		ok = run_one(t, timeout);
		printf("%s %s (%s)\n", ok ? "ok  " : "FAIL", t->name, t->file);
		if (ok)
			passed++;
		else
			failed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
