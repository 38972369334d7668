/* base: allocation, errors, buffers, files, logging. See base.h. */
#include "base/base.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int log_level = LOG_WARN;

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL || e->code != 0)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

void err_clear(struct err *e)
{
	e->code = 0;
	e->msg[0] = '\0';
}

const char *base_err_name(int code)
{
	switch (code) {
	case BASE_OK:
		return "成功";
	case BASE_E_IO:
		return "无法读写文件";
	case BASE_E_FORMAT:
		return "格式错误";
	case BASE_E_LIMIT:
		return "超出大小限制";
	case BASE_E_UNSAFE:
		return "不安全的内容";
	case BASE_E_USAGE:
		return "用法错误";
	case BASE_E_NOTFOUND:
		return "不存在";
	case BASE_E_CONFLICT:
		return "冲突";
	case BASE_E_AUTH:
		return "认证失败";
	case BASE_E_LOCKED:
		return "账号已锁定";
	case BASE_E_BUSY:
		return "资源忙";
	default:
		return "内部错误";
	}
}

int base_err_exit_code(int code)
{
	if (code == BASE_OK)
		return 0;
	if (code == BASE_E_INTERNAL)
		return 3;
	return 2;
}

static void oom(size_t n)
{
	fprintf(stderr, "shuzhi: 内存不足（申请 %zu 字节）\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap;

	if (need <= c)
		return p;
	if (c < 8)
		c = 8;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			oom(SIZE_MAX);
		c *= 2;
	}
	*cap = c;
	return xrealloc(p, c * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	size_t need;

	if (len > b->max || b->len > b->max - len)
		return BASE_E_LIMIT;
	need = b->len + len + 1;
	if (need > b->cap) {
		size_t c = b->cap ? b->cap : 64;

		while (c < need)
			c *= 2;
		b->p = xrealloc(b->p, c);
		b->cap = c;
	}
	if (len > 0)
		memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	int n;
	int rc;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return BASE_E_INTERNAL;
	if ((size_t)n < sizeof(small))
		return buf_add(b, small, (size_t)n);
	{
		char *big = xmalloc((size_t)n + 1);

		vsnprintf(big, (size_t)n + 1, fmt, ap);
		rc = buf_add(b, big, (size_t)n);
		free(big);
	}
	return rc;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->p;

	if (p == NULL)
		p = xcalloc(1, 1);
	if (len != NULL)
		*len = b->len;
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

int base_read_file(const char *path, size_t max, char **data, size_t *len, struct err *e)
{
	struct stat st;
	char *p;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, BASE_E_IO, "%s: 无法打开文件（%s）", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, BASE_E_IO, "%s: 不是普通文件", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return err_set(e, BASE_E_LIMIT, "%s: 文件过大（%lld 字节，上限 %zu 字节）", path,
			       (long long)st.st_size, max);
	}
	p = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, p + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(p);
			close(fd);
			return err_set(e, BASE_E_IO, "%s: 读取失败", path);
		}
		got += (size_t)n;
	}
	close(fd);
	p[got] = '\0';
	*data = p;
	*len = got;
	return 0;
}

int base_write_file_atomic(const char *path, const void *data, size_t len, struct err *e)
{
	size_t plen = strlen(path);
	char *tmp = xmalloc(plen + 32);
	const char *p = data;
	size_t off = 0;
	int fd;

	snprintf(tmp, plen + 32, "%s.tmp%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err_set(e, BASE_E_IO, "%s: 无法写入（%s）", path, strerror(errno));
		free(tmp);
		return BASE_E_IO;
	}
	while (off < len) {
		ssize_t n = write(fd, p + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out_unlink;
		off += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto out_unlink;
	}
	if (rename(tmp, path) != 0) {
		fd = -1;
		goto out_unlink;
	}
	free(tmp);
	return 0;
out_unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return err_set(e, BASE_E_IO, "%s: 写入失败（%s）", path, strerror(errno));
}

void base_log_set_level(int level)
{
	log_level = level;
}

void base_log(int level, const char *fmt, ...)
{
	static const char *names[] = {"错误", "警告", "信息", "调试"};
	va_list ap;

	if (level > log_level)
		return;
	fprintf(stderr, "shuzhi[%s] ", names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t base_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void base_tz_pin(void)
{
	if (getenv("TZ") == NULL)
		setenv("TZ", ":/etc/localtime", 0);
	tzset();
}

void base_process_setup(void)
{
	base_tz_pin();
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
}

int base_remove_tmpdir(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char path[4096];

	if (dp == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			unlink(path);
	}
	closedir(dp);
	return rmdir(dir);
}
