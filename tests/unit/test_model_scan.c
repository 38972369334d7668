/* model/scan: the chunk scanner gives the same events as the jansson path
 * (escapes, surrogate pairs, unknown members, usage, Ollama lines), takes
 * the ordinary chunks itself and leaves the unusual ones to jansson. */
#include <stdio.h>
#include <string.h>

#include "model/model.h"
#include "model/scan.h"
#include "test.h"

/* Every event as a line: type, text (or usage counts, or finish). */
static int rec_cb(const struct model_event *ev, void *arg)
{
	struct buf *b = arg;

	buf_addf(b, "%d:", (int)ev->type);
	if (ev->type == MODEL_EV_USAGE)
		buf_addf(b, "%lld/%lld/%lld/%lld", (long long)ev->usage.prompt_tokens,
			 (long long)ev->usage.completion_tokens,
			 (long long)ev->usage.reasoning_tokens,
			 (long long)ev->usage.cache_hit_tokens);
	else if (ev->type == MODEL_EV_DONE)
		buf_adds(b, ev->finish);
	else
		buf_add(b, ev->text, ev->len);
	buf_addc(b, '\n');
	return 0;
}

struct run {
	struct buf rec;
	int rc;
	size_t scanned, parsed;
};

static void run_body(const struct model_provider *p, const char *body, bool json_only,
		     struct run *r)
{
	struct model_decoder d;
	struct err e = {0};

	buf_init(&r->rec, 1 << 20);
	buf_adds(&r->rec, "");
	model_decoder_init(&d, p, rec_cb, &r->rec);
	d.json_only = json_only;
	r->rc = model_decoder_feed(&d, body, strlen(body), &e);
	if (r->rc == 0)
		r->rc = model_decoder_finish(&d, &e);
	buf_addf(&r->rec, "rc %d %s", r->rc, e.msg);
	r->scanned = d.scanned;
	r->parsed = d.parsed;
	model_decoder_free(&d);
}

/* body decoded both ways: the same events; returns how many chunks the
 * scanner took, the record (of the jansson run) in out. */
static size_t same_both_ways(const struct model_provider *p, const char *body, char *out,
			     size_t cap)
{
	struct run a, b;
	size_t scanned;

	run_body(p, body, true, &a);
	run_body(p, body, false, &b);
	ASSERT_EQ(a.scanned, 0);
	if (strcmp(a.rec.p, b.rec.p) != 0)
		TEST_FAIL_AT("scanner differs from jansson:\n%s\n---\n%s", a.rec.p, b.rec.p);
	snprintf(out, cap, "%s", a.rec.p);
	scanned = b.scanned;
	buf_free(&a.rec);
	buf_free(&b.rec);
	return scanned;
}

static void sse(char *out, size_t cap, const char *chunk)
{
	snprintf(out, cap, "data: %s\n\ndata: [DONE]\n\n", chunk);
}

TEST(model_scan_escapes_and_surrogates)
{
	struct model_provider p;
	char body[1024], rec[2048];

	model_provider_defaults(&p);
	sse(body, sizeof(body),
	    "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\\\"b\\\\c\\/d\\ne\\tf\\u00e9"
	    "\\u4f60\\ud83d\\ude00\\r\\b\\f\"}}]}");
	ASSERT_EQ(same_both_ways(&p, body, rec, sizeof(rec)), 1);
	ASSERT_STR_EQ(rec, "1:a\"b\\c/d\ne\tfé你😀\r\b\f\n3:\nrc 0 ");
	/* Raw UTF-8 (3 and 4 bytes) next to escapes. */
	sse(body, sizeof(body),
	    "{\"choices\":[{\"delta\":{\"reasoning_content\":\"想\\u0041😀\",\"content\":\"好\"},"
	    "\"finish_reason\":\"st\\u006fp\"}]}");
	ASSERT_EQ(same_both_ways(&p, body, rec, sizeof(rec)), 1);
	ASSERT_STR_EQ(rec, "0:想A😀\n1:好\n3:stop\nrc 0 ");
}

TEST(model_scan_unknown_members_and_usage)
{
	struct model_provider p;
	char body[2048], rec[2048];

	model_provider_defaults(&p);
	sse(body, sizeof(body),
	    "{ \"id\" : \"x\", \"nested\":{\"a\":[1,-2,0,{\"b\":[true,false,null,\"\\u0041\"]}],"
	    "\"c\":{}},\"choices\":[{\"logprobs\":null,\"delta\":{\"role\":\"assistant\","
	    "\"content\":\"你好\",\"tool_calls\":[]},\"finish_reason\":null,\"index\":0}],"
	    "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":7,\"prompt_cache_hit_tokens\":3,"
	    "\"completion_tokens_details\":{\"reasoning_tokens\":4},\"total_tokens\":-1} }\r\n");
	ASSERT_EQ(same_both_ways(&p, body, rec, sizeof(rec)), 1);
	ASSERT_STR_EQ(rec, "1:你好\n2:9/7/4/3\n3:\nrc 0 ");
	/* Counts that are not positive integers read as 0; usage null: none. */
	sse(body, sizeof(body),
	    "{\"choices\":[],\"usage\":{\"prompt_tokens\":\"9\",\"completion_tokens\":-3,"
	    "\"prompt_cache_hit_tokens\":null}}");
	ASSERT_EQ(same_both_ways(&p, body, rec, sizeof(rec)), 1);
	ASSERT_STR_EQ(rec, "2:0/0/0/0\n3:\nrc 0 ");
	sse(body, sizeof(body), "{\"choices\":[{\"delta\":{\"content\":\"\"}}],\"usage\":null}");
	ASSERT_EQ(same_both_ways(&p, body, rec, sizeof(rec)), 1);
	ASSERT_STR_EQ(rec, "3:\nrc 0 ");
	/* A choice with another index, a delta that is not an object. */
	sse(body, sizeof(body), "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"不\"}}]}");
	ASSERT_EQ(same_both_ways(&p, body, rec, sizeof(rec)), 1);
	ASSERT_STR_EQ(rec, "3:\nrc 0 ");
	sse(body, sizeof(body),
	    "{\"choices\":[{\"delta\":null,\"message\":{\"content\":\"整\"},"
	    "\"finish_reason\":\"length\"}]}");
	ASSERT_EQ(same_both_ways(&p, body, rec, sizeof(rec)), 1);
	ASSERT_STR_EQ(rec, "1:整\n3:length\nrc 0 ");
}

TEST(model_scan_reasoning_fields)
{
	struct model_provider p;
	char body[1024], rec[1024];
	static const char chunk[] = "{\"choices\":[{\"delta\":{\"reasoning\":\"R\",\"thinking\":"
				    "\"T\",\"content\":\"C\"}}]}";

	model_provider_defaults(&p);
	sse(body, sizeof(body), chunk);
	ASSERT_EQ(same_both_ways(&p, body, rec, sizeof(rec)), 1);
	ASSERT_STR_EQ(rec, "0:R\n1:C\n3:\nrc 0 ");
	snprintf(p.reasoning_field, sizeof(p.reasoning_field), "thinking");
	ASSERT_EQ(same_both_ways(&p, body, rec, sizeof(rec)), 1);
	ASSERT_STR_EQ(rec, "0:T\n1:C\n3:\nrc 0 ");
	/* A field the scanner does not track: jansson throughout. */
	snprintf(p.reasoning_field, sizeof(p.reasoning_field), "thought");
	ASSERT_EQ(same_both_ways(&p, body, rec, sizeof(rec)), 0);
	ASSERT_STR_EQ(rec, "1:C\n3:\nrc 0 ");
}

TEST(model_scan_ollama_lines)
{
	struct model_provider p;
	char rec[1024];
	static const char body[] =
	    "{\"model\":\"r1\",\"created_at\":\"2025-01-01T00:00:00Z\",\"message\":{\"role\":"
	    "\"assistant\",\"content\":\"\",\"thinking\":\"嗯\\n\"},\"done\":false}\n"
	    "{\"model\":\"r1\",\"message\":{\"role\":\"assistant\",\"content\":\"答\\u6848\"},"
	    "\"done\":true,\"done_reason\":\"stop\",\"total_duration\":123,"
	    "\"prompt_eval_count\":5,\"eval_count\":3}\n";

	model_provider_defaults(&p);
	p.kind = MODEL_KIND_OLLAMA;
	ASSERT_EQ(same_both_ways(&p, body, rec, sizeof(rec)), 2);
	ASSERT_STR_EQ(rec, "0:嗯\n\n1:答案\n2:5/3/0/0\n3:stop\nrc 0 ");
}

/* Unusual or invalid chunks go to jansson, which gives the same events or
 * the same error as before. */
TEST(model_scan_leaves_the_unusual_to_jansson)
{
	static const char *const chunks[] = {
	    "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}", /* duplicate */
	    "{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"delta\":{\"content\":\"b\"}}]}",
	    "{\"choices\":[],\"usage\":{\"prompt_tokens\":1.5}}",	  /* real */
	    "{\"choices\":[],\"x\":1e400}",				  /* overflow */
	    "{\"choices\":[],\"x\":123456789012345678901234}",		  /* big int */
	    "{\"choices\":[{\"delta\":{\"cont\\u0065nt\":\"k\"}}]}",	  /* escaped key */
	    "{\"choices\":[{\"delta\":{\"content\":\"a\\u0000b\"}}]}",	  /* NUL */
	    "{\"choices\":[{\"delta\":{\"content\":\"\\ud800x\"}}]}",	  /* lone high */
	    "{\"choices\":[{\"delta\":{\"content\":\"\\udc00\"}}]}",	  /* lone low */
	    "{\"choices\":[{\"delta\":{\"content\":\"\xed\xa0\x80\"}}]}", /* UTF-8 surrogate */
	    "{\"choices\":[{\"delta\":{\"content\":\"\xc0\xaf\"}}]}",	  /* overlong */
	    "{\"choices\":[{\"delta\":{\"content\":\"a\tb\"}}]}",	  /* raw control */
	    "{\"choices\":[{\"delta\":{\"content\":\"\\x\"}}]}",	  /* bad escape */
	    "{\"choices\":null}",
	    "{\"choices\":{}}",
	    "{\"choices\":[7]}",
	    "{\"choices\":[{\"index\":\"0\",\"delta\":{\"content\":\"i\"}}]}",
	    "{\"error\":{\"message\":\"overloaded\"}}",
	    "{\"choices\":[]} x",
	    "{\"choices\":[],}",
	    "{\"choices\":[01]}",
	    "[1]",
	    "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
	    "]]}",
	};
	struct model_provider p;
	char body[1024], rec[2048];

	model_provider_defaults(&p);
	for (size_t i = 0; i < ARRAY_LEN(chunks); i++) {
		sse(body, sizeof(body), chunks[i]);
		if (same_both_ways(&p, body, rec, sizeof(rec)) != 0)
			TEST_FAIL_AT("chunk %zu taken by the scanner: %s", i, chunks[i]);
	}
	/* And through the scanner's own entry point. */
	for (size_t i = 0; i < ARRAY_LEN(chunks); i++) {
		struct model_scan sc;

		ASSERT(!model_scan_chunk(MODEL_KIND_OPENAI, chunks[i], strlen(chunks[i]), &sc));
	}
	/* Truncated anywhere: never taken. */
	{
		static const char ok[] =
		    "{\"choices\":[{\"delta\":{\"content\":\"\\ud83d\\ude00好\"}}],\"u\":[1,{}]}";
		struct model_scan sc;

		ASSERT(model_scan_chunk(MODEL_KIND_OPENAI, ok, strlen(ok), &sc));
		for (size_t n = 0; n < strlen(ok); n++)
			ASSERT(!model_scan_chunk(MODEL_KIND_OPENAI, ok, n, &sc));
	}
}

/* Strings are skimmed eight bytes at a time: a quote, backslash, control
 * character or non-ASCII byte at every offset of a block (and across block
 * edges) is still seen, the same way as jansson sees it. */
TEST(model_scan_string_blocks)
{
	static const char *const marks[] = {"\\\"", "\\\\", "\\n",  "\\u00e9",	"你",	"😀",
					    "\x01", "\x1f", "\xff", "\xe4\xbd", "\x7f", "~"};
	struct model_provider p;
	char content[128], chunk[256], body[512], rec[1024], want[160];

	model_provider_defaults(&p);
	for (size_t m = 0; m < ARRAY_LEN(marks); m++)
		for (int k = 0; k <= 20; k++) {
			int n = 0;
			size_t taken;

			for (int i = 0; i < k; i++)
				content[n++] = (char)('a' + i % 26);
			n += snprintf(content + n, sizeof(content) - (size_t)n, "%s", marks[m]);
			for (int i = 0; i < 19 - k % 7; i++)
				content[n++] = (char)('A' + i % 26);
			content[n] = '\0';
			snprintf(chunk, sizeof(chunk),
				 "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%s\"}}]}",
				 content);
			sse(body, sizeof(body), chunk);
			taken = same_both_ways(&p, body, rec, sizeof(rec));
			if (m < 6 || m >= 10) { /* valid JSON text: the scanner takes it */
				ASSERT_EQ(taken, 1);
				ASSERT(strncmp(rec, "1:", 2) == 0);
			} else {
				ASSERT(strstr(rec, "rc 0") == NULL);
			}
			if (m >= 10) { /* no escapes: the text comes through as it is */
				snprintf(want, sizeof(want), "1:%s\n", content);
				if (strncmp(rec, want, strlen(want)) != 0)
					TEST_FAIL_AT("mark %zu at %d: %s", m, k, rec);
			}
		}
}
