/*
 * server/reqhead: the framing facts of one HTTP/1.x request head that the
 * connection filter (conn.c) needs before evhttp sees the request —
 * method, path, Content-Length, Transfer-Encoding, Expect — and the head
 * rewritten for a body that went to a spool file. Outside input: bounded
 * by the caller (max_header_bytes); anything unclear is reported as
 * malformed and the caller leaves the connection to evhttp.
 */
#include <string.h>
#include <strings.h>

#include "server/server_internal.h"

size_t server_reqhead_end(const char *p, size_t n, size_t from)
{
	/* A line is bytes up to '\n' (a '\r' before it is dropped, as evhttp
	 * reads lines); the head ends after the first empty line that
	 * follows the request line. */
	size_t i = from > 3 ? from - 3 : 0;

	/* rewind to the start of the line holding i */
	while (i > 0 && p[i - 1] != '\n')
		i--;
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t len;

		if (nl == NULL)
			return 0;
		len = (size_t)(nl - (p + i));
		if ((len == 0 || (len == 1 && p[i] == '\r')) && i > 0)
			return (size_t)(nl - p) + 1;
		i = (size_t)(nl - p) + 1;
	}
	return 0;
}

/* The next line of [p, end): its start and length without the EOL; the
 * position after it. */
static const char *rh_line(const char *p, const char *end, size_t *len)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (nl == NULL)
		return NULL;
	*len = (size_t)(nl - p);
	if (*len > 0 && p[*len - 1] == '\r')
		(*len)--;
	return nl + 1;
}

static bool rh_name_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len > n && line[n] == ':' && strncasecmp(line, name, n) == 0;
}

/* The value of a header line: leading and trailing blanks dropped. */
static void rh_value(const char *line, size_t len, size_t name_len, const char **v, size_t *vlen)
{
	const char *s = line + name_len + 1;
	const char *e = line + len;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*v = s;
	*vlen = (size_t)(e - s);
}

int server_reqhead_parse(const char *p, size_t n, struct server_reqhead *h)
{
	const char *end = p + n, *next, *sp1, *sp2, *q;
	size_t len, plen;

	memset(h, 0, sizeof(*h));
	h->content_length = -1;
	next = rh_line(p, end, &len);
	if (next == NULL || len == 0)
		return -1;
	sp1 = memchr(p, ' ', len);
	if (sp1 == NULL || sp1 == p || (size_t)(sp1 - p) >= sizeof(h->method))
		return -1;
	sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - p));
	if (sp2 == NULL || sp2 == sp1 + 1 || (size_t)(p + len - (sp2 + 1)) != 8 ||
	    strncmp(sp2 + 1, "HTTP/1.", 7) != 0)
		return -1;
	for (const char *m = p; m < sp1; m++)
		if (*m < 'A' || *m > 'Z')
			return -1;
	memcpy(h->method, p, (size_t)(sp1 - p));
	q = memchr(sp1 + 1, '?', (size_t)(sp2 - (sp1 + 1)));
	plen = (size_t)((q ? q : sp2) - (sp1 + 1));
	if (plen == 0 || plen >= sizeof(h->path) || sp1[1] != '/')
		return -1;
	memcpy(h->path, sp1 + 1, plen);
	if (memchr(h->path, '\0', plen) != NULL)
		return -1;
	h->minor = sp2[8] - '0';
	for (p = next; p < end; p = next) {
		const char *v;
		size_t vlen;

		next = rh_line(p, end, &len);
		if (next == NULL)
			return -1;
		if (len == 0)
			return 0;
		if (p[0] == ' ' || p[0] == '\t') /* folded: only in headers we ignore */
			continue;
		if (rh_name_is(p, len, "Content-Length")) {
			long long cl = 0;

			rh_value(p, len, strlen("Content-Length"), &v, &vlen);
			if (vlen == 0 || vlen > 18 || h->content_length >= 0)
				return -1; /* empty, absurd or repeated */
			for (size_t i = 0; i < vlen; i++) {
				if (v[i] < '0' || v[i] > '9')
					return -1;
				cl = cl * 10 + (v[i] - '0');
			}
			h->content_length = cl;
		} else if (rh_name_is(p, len, "Transfer-Encoding")) {
			h->chunked = true;
		} else if (rh_name_is(p, len, "Expect")) {
			rh_value(p, len, strlen("Expect"), &v, &vlen);
			if (vlen == 12 && strncasecmp(v, "100-continue", 12) == 0)
				h->expect_continue = true;
		}
	}
	return -1; /* no empty line */
}

int server_reqhead_rewrite(const char *p, size_t n, const char *token, struct buf *out)
{
	const char *end = p + n, *next;
	size_t len;
	bool dropping = false;

	next = rh_line(p, end, &len);
	if (next == NULL)
		return -1;
	buf_add(out, p, len);
	buf_adds(out, "\r\n");
	for (p = next; p < end; p = next) {
		next = rh_line(p, end, &len);
		if (next == NULL || len == 0)
			break;
		if (p[0] == ' ' || p[0] == '\t') {
			if (!dropping) {
				buf_add(out, p, len);
				buf_adds(out, "\r\n");
			}
			continue;
		}
		dropping = rh_name_is(p, len, "Content-Length") || rh_name_is(p, len, "Expect") ||
			   rh_name_is(p, len, SERVER_SPOOL_HEADER);
		if (!dropping) {
			buf_add(out, p, len);
			buf_adds(out, "\r\n");
		}
	}
	return buf_addf(out, "Content-Length: 0\r\n%s: %s\r\n\r\n", SERVER_SPOOL_HEADER, token);
}
