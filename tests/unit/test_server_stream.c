/* server/http: framing of a streamed reply's chunks written in one piece
 * (server_stream_frame, the per-token path of POST /api/chat). */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "server/server_internal.h"
#include "test.h"

TEST(server_stream_frame_chunked)
{
	struct server_stream_out o = {.out = NULL, .under = NULL, .fd = -1, .chunked = true};
	char dst[64], big[600];
	size_t n;

	n = server_stream_frame(&o, dst, sizeof(dst), "hello", 5);
	ASSERT_EQ(n, 10);
	ASSERT(memcmp(dst, "5\r\nhello\r\n", 10) == 0);
	/* Sizes are hexadecimal, no leading zeros. */
	memset(big, 'x', sizeof(big));
	{
		char out[700];

		n = server_stream_frame(&o, out, sizeof(out), big, 0x1ab);
		ASSERT_EQ(n, 5 + 0x1ab + 2);
		ASSERT(memcmp(out, "1ab\r\n", 5) == 0);
		ASSERT(memcmp(out + 5 + 0x1ab, "\r\n", 2) == 0);
		n = server_stream_frame(&o, out, sizeof(out), big, 16);
		ASSERT(memcmp(out, "10\r\n", 4) == 0);
		ASSERT_EQ(n, 4 + 16 + 2);
	}
	/* Too small for the framing: nothing. */
	ASSERT_EQ(server_stream_frame(&o, dst, 9, "hello", 5), 0);
	ASSERT_EQ(server_stream_frame(&o, dst, 10, "hello", 5), 10);
}

/* The body may already lie in the destination (built after room for the
 * size line, as chat_send_text does). */
TEST(server_stream_frame_in_place)
{
	struct server_stream_out o = {.out = NULL, .under = NULL, .fd = -1, .chunked = true};
	char buf[64];
	size_t n;

	memcpy(buf + 20, "event: delta\n\n", 14);
	n = server_stream_frame(&o, buf, sizeof(buf), buf + 20, 14);
	ASSERT_EQ(n, 3 + 14 + 2);
	ASSERT(memcmp(buf, "e\r\nevent: delta\n\n\r\n", n) == 0);
}

/* HTTP/1.0 client: no chunks, the bytes as they are. */
TEST(server_stream_frame_not_chunked)
{
	struct server_stream_out o = {.out = NULL, .under = NULL, .fd = -1, .chunked = false};
	char dst[8];

	ASSERT_EQ(server_stream_frame(&o, dst, sizeof(dst), "abc", 3), 3);
	ASSERT(memcmp(dst, "abc", 3) == 0);
	ASSERT_EQ(server_stream_frame(&o, dst, 2, "abc", 3), 0);
}

/* server_stream_write: straight to the socket while nothing is queued;
 * once the socket is full, the rest and everything after it queue behind
 * in order, and nothing jumps the queue. */
TEST(server_stream_write_order)
{
	int sv[2], small = 4096;
	struct evbuffer *out = evbuffer_new(), *under = evbuffer_new();
	struct server_stream_out o = {.out = out, .under = under, .fd = -1, .chunked = true};
	struct buf sent, got;
	char piece[100], rd[65536];
	size_t k;
	ssize_t n;

	ASSERT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	fcntl(sv[1], F_SETFL, fcntl(sv[1], F_GETFL) | O_NONBLOCK);
	o.fd = sv[0];
	buf_init(&sent, 1 << 20);
	buf_init(&got, 1 << 20);
	/* Nothing queued: the bytes are on the socket at once. */
	server_stream_write(&o, "first;", 6);
	buf_add(&sent, "first;", 6);
	ASSERT_EQ(evbuffer_get_length(out), 0);
	n = read(sv[1], rd, sizeof(rd));
	ASSERT_EQ(n, 6);
	buf_add(&got, rd, (size_t)n);
	/* Bytes queued below (the filter's own reply): they go first. */
	evbuffer_add(under, "x", 1);
	server_stream_write(&o, "held;", 5);
	ASSERT_EQ(evbuffer_get_length(out), 5);
	evbuffer_drain(under, 1);
	evbuffer_drain(out, 5);
	/* Fill the socket: what does not fit, and all after it, queue. */
	for (k = 0; k < 4000; k++) {
		int len = snprintf(piece, sizeof(piece), "piece %zu of the answer;", k);

		server_stream_write(&o, piece, (size_t)len);
		buf_add(&sent, piece, (size_t)len);
	}
	ASSERT(evbuffer_get_length(out) > 0);
	while ((n = read(sv[1], rd, sizeof(rd))) > 0)
		buf_add(&got, rd, (size_t)n);
	ASSERT(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
	/* The socket is empty again, but the queue is not: no overtaking. */
	server_stream_write(&o, "last;", 5);
	buf_add(&sent, "last;", 5);
	ASSERT_EQ(read(sv[1], rd, sizeof(rd)), -1);
	k = evbuffer_get_length(out);
	buf_add(&got, (const char *)evbuffer_pullup(out, -1), k);
	ASSERT_EQ(got.len, sent.len);
	ASSERT(memcmp(got.p, sent.p, sent.len) == 0);
	buf_free(&sent);
	buf_free(&got);
	evbuffer_free(out);
	evbuffer_free(under);
	close(sv[0]);
	close(sv[1]);
}
