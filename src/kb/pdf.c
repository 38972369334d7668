/*
 * kb/pdf: .pdf to the text the chunker reads, through Debian's pdftotext
 * (poppler-utils) in a child process. PDF is a large attack surface; the
 * parser runs outside our address space with limits on CPU time, memory
 * and output size, no open descriptors of ours, stdin from /dev/null and a
 * wall-clock deadline. Its text is then cleaned here: page breaks and
 * lines that are only a page number ("— 3 —", "第 3 页 共 9 页", "3/9")
 * are dropped, everything else is kept line by line for the law-aware
 * chunker (kb/parse).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kb/kb.h"
#include "text/text.h"

#define PDF_CPU_SECONDS	 30
#define PDF_WALL_SECONDS 60
#define PDF_MEMORY	 (1024L << 20)

static const char *pdftotext_path(void)
{
	const char *p = getenv("SHUZHI_PDFTOTEXT");

	return p != NULL && p[0] == '/' ? p : "/usr/bin/pdftotext";
}

/* Code points of a line without its white space, halfwidth-folded into cp
 * (NULL: count only); max + 1 when there are more than max; 0 for invalid
 * UTF-8. */
static size_t line_cps(const char *p, size_t n, uint32_t *cp, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t m = text_utf8_decode(p + i, n - i, &c);

		if (m == 0)
			return 0;
		i += m;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0x3000 ||
		    c == 0xA0)
			continue;
		if (k == max)
			return max + 1;
		if (cp != NULL)
			cp[k] = text_halfwidth(c);
		k++;
	}
	return k;
}

static bool is_dash(uint32_t c)
{
	return c == '-' || c == 0x2010 || c == 0x2012 || c == 0x2013 || c == 0x2014 ||
	       c == 0x2015 || c == 0x2212 || c == 0x2500;
}

/* Digits from *i; false when there are none. */
static bool digits(const uint32_t *cp, size_t n, size_t *i)
{
	size_t s = *i;

	while (*i < n && cp[*i] >= '0' && cp[*i] <= '9')
		(*i)++;
	return *i > s;
}

/* A line that is only a page number: "- 3 -", "— 3 —", "3/9", "3 / 9",
 * "第3页", "第 3 页 共 9 页", "共9页 第3页". White space is ignored. A bare
 * "3" is kept: it may as well be a table cell. */
bool kb_pdf_page_number_line(const char *p, size_t n)
{
	uint32_t cp[24];
	size_t k = line_cps(p, n, cp, 20);
	size_t i = 0;
	size_t lead;

	if (k == 0 || k > 20)
		return false;
	while (i < k && is_dash(cp[i]))
		i++;
	lead = i;
	if (i < k && (cp[i] == 0x7B2C || cp[i] == 0x5171)) { /* 第 / 共 */
		for (int part = 0; part < 2 && i < k; part++) {
			if (cp[i] != 0x7B2C && cp[i] != 0x5171)
				return false;
			i++;
			if (!digits(cp, k, &i) || i >= k || cp[i] != 0x9875) /* 页 */
				return false;
			i++;
			if (i < k && (cp[i] == ',' || cp[i] == 0x3001))
				i++;
		}
		return i == k;
	}
	if (!digits(cp, k, &i))
		return false;
	if (lead == 0) { /* "3/9" */
		if (i >= k || cp[i] != '/')
			return false;
		i++;
		return digits(cp, k, &i) && i == k;
	}
	if (i >= k || !is_dash(cp[i]))
		return false;
	while (i < k && is_dash(cp[i]))
		i++;
	return i == k;
}

struct pline {
	const char *p;
	size_t len;
	size_t cps; /* code points without white space */
};

static bool is_numeral(uint32_t c)
{
	return (c >= '0' && c <= '9') || text_cn_digit(c) >= 0 || c == 0x5341 || c == 0x767E ||
	       c == 0x5343; /* 十 百 千 */
}

/* Whether a line opens a unit of its own: 第X条/章/节/编, （一）, 一、, 1.,
 * a Markdown heading, a list mark. Such a line is never joined to the one
 * before it. */
static bool opens_unit(const char *p, size_t n)
{
	uint32_t cp[8];
	size_t k = line_cps(p, n, cp, 6);
	size_t i = 0;

	if (k == 0)
		return true;
	if (k > 6)
		k = 6;
	if (cp[0] == '#' || cp[0] == 0x2022 || cp[0] == 0x25CF || cp[0] == 0x25A0)
		return true;
	if (cp[0] == 0x7B2C) { /* 第 */
		for (i = 1; i < k && is_numeral(cp[i]); i++)
			;
		return i > 1 && i < k &&
		       (cp[i] == 0x6761 || cp[i] == 0x7AE0 || cp[i] == 0x8282 || cp[i] == 0x7F16);
	}
	if (cp[0] == 0xFF08 || cp[0] == '(') {
		for (i = 1; i < k && is_numeral(cp[i]); i++)
			;
		return i > 1 && i < k && (cp[i] == 0xFF09 || cp[i] == ')');
	}
	for (i = 0; i < k && is_numeral(cp[i]); i++)
		;
	return i > 0 && i < k && (cp[i] == 0x3001 || cp[i] == '.' || cp[i] == 0xFF0E);
}

/* Whether a line ends a sentence or a clause the next line cannot continue. */
static bool ends_sentence(const char *p, size_t n)
{
	static const uint32_t ends[] = {0x3002, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F,
					0x300D, 0x300F, 0x201D, 0xFF09, ';',
					':',	'!',	'?',	')',	'.'};
	uint32_t last = 0;

	for (size_t i = 0; i < n;) {
		uint32_t c;
		size_t m = text_utf8_decode(p + i, n - i, &c);

		if (m == 0)
			break;
		i += m;
		if (c != ' ' && c != '\t' && c != 0x3000)
			last = c;
	}
	for (size_t i = 0; i < ARRAY_LEN(ends); i++) {
		if (last == ends[i])
			return true;
	}
	return false;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a;
	size_t y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* The width of a full line: the 90th percentile of the lengths of lines of
 * at least 10 code points; 0 (never join) with fewer than 5 such lines. */
static size_t full_width(const struct pline *l, size_t n)
{
	size_t *len = xcalloc(n ? n : 1, sizeof(*len));
	size_t k = 0;
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		if (l[i].cps >= 10)
			len[k++] = l[i].cps;
	}
	if (k >= 5) {
		qsort(len, k, sizeof(*len), cmp_size);
		w = len[k * 9 / 10];
	}
	free(len);
	return w;
}

/* A line with its control characters (form feeds, NUL …) as spaces. */
static int add_line(struct buf *out, const char *p, size_t len)
{
	int rc = 0;

	for (size_t i = 0; i < len && rc == 0; i++) {
		unsigned char c = (unsigned char)p[i];

		rc = buf_addc(out, c < 0x20 && c != '\t' ? ' ' : (char)c);
	}
	return rc;
}

int kb_pdf_clean(const char *in, size_t n, char **text, size_t *tlen, struct err *e)
{
	struct pline *l = NULL;
	size_t nl_count = 0;
	size_t cap = 0;
	size_t width;
	size_t total = 0;
	struct buf out;

	*text = NULL;
	*tlen = 0;
	if (n > KB_FILE_MAX)
		return err_set(e, BASE_E_LIMIT, "PDF 文本超过 %u MB", KB_FILE_MAX >> 20);
	if (!text_utf8_valid(in, n, NULL))
		return err_set(e, BASE_E_FORMAT, "PDF 文字含无效的 UTF-8 编码");
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(in + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (in + i)) : n - i;
		const char *p = in + i;

		i += len + (nl != NULL);
		while (len > 0 && p[0] == '\f') {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == '\f'))
			len--;
		if (kb_pdf_page_number_line(p, len))
			continue;
		l = xgrow(l, &cap, nl_count + 1, sizeof(*l));
		l[nl_count].p = p;
		l[nl_count].len = len;
		l[nl_count].cps = line_cps(p, len, NULL, SIZE_MAX - 1);
		total += l[nl_count].cps;
		nl_count++;
	}
	if (total == 0) {
		free(l);
		return err_set(e, BASE_E_FORMAT,
			       "PDF 中没有可提取的文字（可能是扫描件，请先做文字识别）");
	}
	width = full_width(l, nl_count);
	buf_init(&out, KB_FILE_MAX);
	for (size_t i = 0; i < nl_count; i++) {
		bool join = width > 0 && i + 1 < nl_count && l[i].cps + 2 >= width &&
			    l[i + 1].cps > 0 && !ends_sentence(l[i].p, l[i].len) &&
			    !opens_unit(l[i + 1].p, l[i + 1].len);
		size_t len = l[i].len;

		/* A wrapped line continues on the next one without a break. */
		while (join && len > 0 && l[i].p[len - 1] == ' ')
			len--;
		if (add_line(&out, l[i].p, len) != 0 || (!join && buf_addc(&out, '\n') != 0)) {
			buf_free(&out);
			free(l);
			return err_set(e, BASE_E_LIMIT, "PDF 文本超过 %u MB", KB_FILE_MAX >> 20);
		}
	}
	free(l);
	*text = buf_detach(&out, tlen);
	return 0;
}

/* In the child: limits, descriptors, exec. Only async-signal-safe calls. */
static void child_exec(const char *exe, const char *path, int out_fd)
{
	struct rlimit cpu = {PDF_CPU_SECONDS, PDF_CPU_SECONDS + 1};
	struct rlimit mem = {PDF_MEMORY, PDF_MEMORY};
	struct rlimit fsz = {0, 0};
	char *argv[] = {(char *)"pdftotext", (char *)"-q",
			(char *)"-enc",	     (char *)"UTF-8",
			(char *)"-nopgbrk",  (char *)"-eol",
			(char *)"unix",	     (char *)path,
			(char *)"-",	     NULL};
	char *envp[] = {(char *)"PATH=/usr/bin:/bin", (char *)"LANG=C.UTF-8", NULL};
	int null_fd = open("/dev/null", O_RDWR);

	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(null_fd, 2) < 0)
		_exit(126);
	if (close_range(3, ~0U, 0) != 0) {
		for (int fd = 3; fd < 4096; fd++)
			close(fd);
	}
	if (setrlimit(RLIMIT_CPU, &cpu) != 0 || setrlimit(RLIMIT_AS, &mem) != 0 ||
	    setrlimit(RLIMIT_FSIZE, &fsz) != 0)
		_exit(126);
	execve(exe, argv, envp);
	_exit(127);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read the child's output until EOF, the size cap or the deadline.
 * Returns 0, BASE_E_LIMIT (too much text) or -1 (timeout / read error). */
static int read_child(int fd, struct buf *out)
{
	double deadline = now_s() + PDF_WALL_SECONDS;
	char chunk[65536];

	for (;;) {
		struct pollfd pfd = {fd, POLLIN, 0};
		double left = deadline - now_s();
		ssize_t got;
		int pr;

		if (left <= 0)
			return -1;
		pr = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return -1;
		got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			return 0;
		if (out->len + (size_t)got > KB_FILE_MAX || buf_add(out, chunk, (size_t)got) != 0)
			return BASE_E_LIMIT;
	}
}

int kb_pdf_to_text(const char *path, char **text, size_t *tlen, struct err *e)
{
	const char *exe = pdftotext_path();
	struct buf out;
	int fds[2];
	int status = 0;
	pid_t pid;
	int rr;
	char head[5] = {0};
	int hf;

	*text = NULL;
	*tlen = 0;
	hf = open(path, O_RDONLY | O_CLOEXEC);
	if (hf < 0)
		return err_set(e, BASE_E_IO, "无法读取（%s）", strerror(errno));
	rr = (int)read(hf, head, sizeof(head));
	close(hf);
	if (rr != (int)sizeof(head) || memcmp(head, "%PDF-", 5) != 0)
		return err_set(e, BASE_E_FORMAT, "不是 PDF 文件");
	if (access(exe, X_OK) != 0)
		return err_set(e, BASE_E_INTERNAL,
			       "未安装 pdftotext（Debian 软件包 poppler-utils），无法读取 PDF");
	if (pipe2(fds, O_CLOEXEC) != 0)
		return err_set(e, BASE_E_INTERNAL, "无法启动 PDF 解析（%s）", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return err_set(e, BASE_E_INTERNAL, "无法启动 PDF 解析（%s）", strerror(errno));
	}
	if (pid == 0)
		child_exec(exe, path, fds[1]);
	close(fds[1]);
	buf_init(&out, KB_FILE_MAX + 65536);
	rr = read_child(fds[0], &out);
	close(fds[0]);
	if (rr != 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rr == BASE_E_LIMIT) {
		buf_free(&out);
		return err_set(e, BASE_E_LIMIT, "PDF 文本超过 %u MB", KB_FILE_MAX >> 20);
	}
	if (rr != 0) {
		buf_free(&out);
		return err_set(e, BASE_E_LIMIT, "PDF 解析超时（%d 秒）", PDF_WALL_SECONDS);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

		buf_free(&out);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)
			return err_set(e, BASE_E_LIMIT, "PDF 解析超过 %d 秒 CPU 时间",
				       PDF_CPU_SECONDS);
		if (code == 3)
			return err_set(e, BASE_E_FORMAT, "PDF 设有权限保护，不允许提取文字");
		if (code == 1)
			return err_set(e, BASE_E_FORMAT,
				       "无法打开 PDF（文件损坏、被截断或已加密）");
		if (code == 126 || code == 127)
			return err_set(e, BASE_E_INTERNAL, "无法运行 pdftotext（%s）", exe);
		return err_set(e, BASE_E_FORMAT, "PDF 解析失败（%s）",
			       WIFSIGNALED(status) ? "解析程序异常退出" : "解析程序报错");
	}
	rr = kb_pdf_clean(out.p ? out.p : "", out.len, text, tlen, e);
	buf_free(&out);
	return rr;
}
