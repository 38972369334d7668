/* server/http: framing of a streamed reply's chunks written in one piece
 * (server_stream_frame, the per-token path of POST /api/chat). */
#include "server/server_internal.h"
#include "test.h"

TEST(server_stream_frame_chunked)
{
	struct server_stream_out o = {NULL, true};
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
	struct server_stream_out o = {NULL, true};
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
	struct server_stream_out o = {NULL, false};
	char dst[8];

	ASSERT_EQ(server_stream_frame(&o, dst, sizeof(dst), "abc", 3), 3);
	ASSERT(memcmp(dst, "abc", 3) == 0);
	ASSERT_EQ(server_stream_frame(&o, dst, 2, "abc", 3), 0);
}
