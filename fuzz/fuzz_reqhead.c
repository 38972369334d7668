/*
 * libFuzzer target: request heads as the connection filter reads them
 * (server/reqhead.c). server_reqhead_end() on the input fed whole must
 * agree with the input fed byte range by byte range (the filter searches
 * incrementally); an accepted head has a method of capitals, a path that
 * starts with '/', and its rewrite parses again with Content-Length 0 and
 * no Expect.
 */
#include <stdlib.h>
#include <string.h>

#include "server/server_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	const char *p = (const char *)d;
	size_t whole = server_reqhead_end(p, n, 0), step = n > 0 ? (d[0] % 7) + 1 : 1, inc = 0;
	struct server_reqhead h, h2;
	struct buf out;

	for (size_t have = 0; have < n && inc == 0;) {
		size_t next = have + step < n ? have + step : n;

		inc = server_reqhead_end(p, next, have);
		have = next;
	}
	if (inc != whole)
		abort();
	if (whole == 0 || server_reqhead_parse(p, whole, &h) != 0)
		return 0;
	if (h.method[0] < 'A' || h.method[0] > 'Z' || h.path[0] != '/')
		abort();
	buf_init(&out, 4 * n + 256);
	if (server_reqhead_rewrite(p, whole, "0123456789abcdef0123456789abcdef", &out) == 0) {
		if (server_reqhead_end(out.p, out.len, 0) != out.len ||
		    server_reqhead_parse(out.p, out.len, &h2) != 0 || h2.content_length != 0 ||
		    h2.expect_continue || strcmp(h2.method, h.method) != 0 ||
		    strcmp(h2.path, h.path) != 0)
			abort();
	}
	buf_free(&out);
	return 0;
}
