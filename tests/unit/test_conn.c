/* Unit tests: the client address behind trusted proxies (server/conn.c)
 * and request heads as the connection filter reads them (reqhead.c). */
#include <string.h>

#include "server/server_internal.h"
#include "test.h"

static void cip(const struct server_config *c, const char *peer, const char *xff, char *out)
{
	server_client_ip(c, peer, xff, out, 48);
}

TEST(conn_xff_only_from_trusted_proxies)
{
	struct server_config c;
	struct err e = {0};
	char ip[48];

	server_config_defaults(&c);
	cip(&c, "10.0.0.9", "1.2.3.4", ip);
	ASSERT_STR_EQ(ip, "10.0.0.9"); /* no proxies trusted: spoofing ignored */
	ASSERT_EQ(server_config_set(&c, "trusted_proxies", " 10.0.0.9, ::1 ", "t", &e), 0);
	ASSERT_STR_EQ(c.trusted_proxies, "10.0.0.9,::1");
	cip(&c, "10.0.0.8", "1.2.3.4", ip);
	ASSERT_STR_EQ(ip, "10.0.0.8"); /* untrusted peer */
	cip(&c, "10.0.0.9", "1.2.3.4", ip);
	ASSERT_STR_EQ(ip, "1.2.3.4");
	/* the last hop that is not a proxy, not the client's own claim */
	cip(&c, "10.0.0.9", "6.6.6.6, 1.2.3.4", ip);
	ASSERT_STR_EQ(ip, "1.2.3.4");
	cip(&c, "10.0.0.9", "6.6.6.6, 1.2.3.4, ::1", ip);
	ASSERT_STR_EQ(ip, "1.2.3.4");
	cip(&c, "::1", "1.2.3.4,10.0.0.9", ip);
	ASSERT_STR_EQ(ip, "1.2.3.4");
	/* garbage stops the walk at the last good hop */
	cip(&c, "10.0.0.9", "1.2.3.4, <script>", ip);
	ASSERT_STR_EQ(ip, "10.0.0.9");
	cip(&c, "10.0.0.9", "", ip);
	ASSERT_STR_EQ(ip, "10.0.0.9");
	cip(&c, "10.0.0.9", NULL, ip);
	ASSERT_STR_EQ(ip, "10.0.0.9");
	ASSERT(server_config_set(&c, "trusted_proxies", "10.0.0.0/8", "t", &e) != 0);
	ASSERT(strstr(e.msg, "trusted_proxies") != NULL);
}

TEST(conn_config_json_round_trip)
{
	struct server_config c, d;
	struct err e = {0};
	char *s;

	server_config_defaults(&c);
	ASSERT_EQ(server_config_set(&c, "trusted_proxies", "127.0.0.1,::1", "t", &e), 0);
	ASSERT_EQ(server_config_set(&c, "max_conns_per_ip", "7", "t", &e), 0);
	s = server_config_json(&c);
	server_config_defaults(&d);
	ASSERT_EQ(server_config_load_json(&d, s, strlen(s), "x", &e), 0);
	free(s);
	ASSERT_STR_EQ(d.trusted_proxies, "127.0.0.1,::1");
	ASSERT_EQ(d.max_conns_per_ip, 7);
	ASSERT(server_config_set(&c, "max_conns_per_ip", "0", "t", &e) != 0);
}

static int rh_parse(const char *s, struct server_reqhead *r)
{
	return server_reqhead_parse(s, strlen(s), r);
}

TEST(conn_reqhead_parse_and_rewrite)
{
	const char *h = "POST /api/gongwen/check?a=1 HTTP/1.1\r\nHost: x\r\ncontent-length: 42\r\n"
			"Expect: 100-continue\r\nX-Shuzhi-Spool: forged\r\n  folded\r\n\r\nBODY";
	size_t end = server_reqhead_end(h, strlen(h), 0);
	struct server_reqhead r;
	struct buf out;

	ASSERT_EQ(end, strlen(h) - 4);
	ASSERT_EQ(server_reqhead_parse(h, end, &r), 0);
	ASSERT_STR_EQ(r.method, "POST");
	ASSERT_STR_EQ(r.path, "/api/gongwen/check");
	ASSERT_EQ(r.content_length, 42);
	ASSERT(r.expect_continue && !r.chunked);
	buf_init(&out, 4096);
	ASSERT_EQ(server_reqhead_rewrite(h, end, "tok", &out), 0);
	ASSERT(strstr(out.p, "forged") == NULL && strstr(out.p, "folded") == NULL);
	ASSERT(strstr(out.p, "Content-Length: 0\r\nX-Shuzhi-Spool: tok\r\n\r\n") != NULL);
	ASSERT(strstr(out.p, "42") == NULL && strstr(out.p, "Host: x\r\n") != NULL);
	buf_free(&out);
	/* incomplete, malformed, hostile */
	ASSERT_EQ(server_reqhead_end("GET / HTTP/1.1\r\nHost: x\r\n", 25, 0), 0);
	ASSERT_EQ(rh_parse("GET / HTTP/1.1\r\n\r\n", &r), 0);
	ASSERT_EQ(rh_parse("get / HTTP/1.1\r\n\r\n", &r), -1);
	ASSERT_EQ(rh_parse("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", &r),
		  -1);
	ASSERT_EQ(rh_parse("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", &r), -1);
	ASSERT_EQ(rh_parse("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", &r),
		  -1);
	ASSERT_EQ(rh_parse("POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n", &r), 0);
	ASSERT(r.chunked);
}
