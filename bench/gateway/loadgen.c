/*
 * bench/gateway/loadgen: N concurrent streamed chat requests on one libevent
 * loop, for bench/gateway/run.sh. The stand-in model in "stamp" mode sends
 * each answer token as "<CLOCK_MONOTONIC ns>;", so the time from the model
 * sending a token to the client receiving it is measured per token, over
 * the gateway or directly, with the same code.
 *
 *   loadgen HOST PORT PATH N BODY [COOKIE CSRF]
 *
 * Prints one JSON object: streams, ok, errors, first-token and per-token
 * latency percentiles (ms), wall time.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

struct lg_conn {
	struct bufferevent *bev;
	uint64_t sent_ns;
	uint64_t first_ns;
	int tokens;
	bool done;
	bool failed;
};

static struct {
	struct event_base *base;
	struct sockaddr_in addr;
	const char *host, *path, *body, *cookie, *csrf;
	int n, started, finished, ok, errors;
	struct lg_conn *conns;
	double *first_ms;
	double *fwd_ms;	  /* request sent -> the model got it */
	double *model_ms; /* the model got it -> sent the first token */
	double *relay_ms; /* the first token's stamp -> received */
	size_t nfirst;
	double *tok_ms;
	size_t ntok, tok_cap;
	struct event *ramp;
	uint64_t t0;
	double ramp_ms; /* LG_RAMP_MS: open the N connections over this long */
	FILE *dump;	/* LG_DUMP: per stream "sent fwd model relay" (ms) */
} lg;

static uint64_t lg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void lg_finish(struct lg_conn *c, bool ok)
{
	if (c->done)
		return;
	c->done = true;
	if (ok && c->tokens > 0)
		lg.ok++;
	else
		lg.errors++;
	bufferevent_free(c->bev);
	c->bev = NULL;
	if (++lg.finished == lg.n)
		event_base_loopexit(lg.base, NULL);
}

/* Scan complete lines for stamps ("…":"123456;") and the end markers. */
static void lg_on_read(struct bufferevent *bev, void *arg)
{
	struct lg_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint64_t now = lg_now();

	for (;;) {
		size_t len;
		char *line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);
		char *p;

		if (line == NULL)
			break;
		if (strncmp(line, "HTTP/1.1 ", 9) == 0 && strncmp(line + 9, "200", 3) != 0)
			c->failed = true;
		for (p = line; (p = strstr(p, "\":\"")) != NULL;) {
			char *end = NULL;
			unsigned long long stamp;

			p += 3;
			stamp = strtoull(p, &end, 10);
			if (end == p || *end != ';' || stamp == 0)
				continue;
			if (c->first_ns == 0) {
				/* "r<ns>;" after the first stamp: when the model got
				 * the request */
				unsigned long long arrived =
				    end[1] == 'r' ? strtoull(end + 2, NULL, 10) : 0;

				c->first_ns = now;
				lg.fwd_ms[lg.nfirst] =
				    ((double)(arrived ? arrived : stamp) - (double)c->sent_ns) /
				    1e6;
				lg.model_ms[lg.nfirst] =
				    arrived ? ((double)stamp - (double)arrived) / 1e6 : 0;
				lg.relay_ms[lg.nfirst] = (double)(now - stamp) / 1e6;
				if (lg.dump != NULL)
					fprintf(lg.dump, "%.3f %.3f %.3f %.3f\n",
						(double)(c->sent_ns - lg.t0) / 1e6,
						lg.fwd_ms[lg.nfirst], lg.model_ms[lg.nfirst],
						lg.relay_ms[lg.nfirst]);
				lg.first_ms[lg.nfirst++] = (double)(now - c->sent_ns) / 1e6;
			}
			if (lg.ntok == lg.tok_cap) {
				lg.tok_cap = lg.tok_cap ? lg.tok_cap * 2 : 65536;
				lg.tok_ms = realloc(lg.tok_ms, lg.tok_cap * sizeof(double));
			}
			lg.tok_ms[lg.ntok++] = (double)(now - stamp) / 1e6;
			c->tokens++;
		}
		if (strstr(line, "[DONE]") != NULL || strncmp(line, "event: done", 11) == 0) {
			free(line);
			lg_finish(c, !c->failed);
			return;
		}
		if (strncmp(line, "event: error", 12) == 0)
			c->failed = true;
		free(line);
	}
}

static void lg_on_event(struct bufferevent *bev, short what, void *arg)
{
	struct lg_conn *c = arg;
	struct evbuffer *out;
	int one = 1;

	if (what & BEV_EVENT_CONNECTED) {
		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		out = bufferevent_get_output(bev);
		evbuffer_add_printf(
		    out,
		    "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n",
		    lg.path, lg.host, strlen(lg.body));
		if (lg.cookie != NULL)
			evbuffer_add_printf(out, "Cookie: %s\r\nX-CSRF-Token: %s\r\n", lg.cookie,
					    lg.csrf);
		evbuffer_add_printf(out, "\r\n%s", lg.body);
		c->sent_ns = lg_now();
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		lg_finish(c, false);
}

/* Open connections in batches (a listen backlog of 128 would otherwise
 * drop SYNs and add a 1 s retransmit to both sides): 25 every 5 ms, or
 * with LG_RAMP_MS set, spread evenly over that many milliseconds (checked
 * every millisecond). */
static void lg_open(void)
{
	struct lg_conn *c = &lg.conns[lg.started++];

	c->bev = bufferevent_socket_new(lg.base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, lg_on_read, NULL, lg_on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&lg.addr, sizeof(lg.addr)) != 0)
		lg_finish(c, false);
}

static void lg_on_ramp(evutil_socket_t fd, short what, void *arg)
{
	struct timeval tv = {0, lg.ramp_ms > 0 ? 1000 : 5000};

	(void)fd;
	(void)what;
	(void)arg;
	if (lg.ramp_ms > 0) {
		double due = (double)(lg_now() - lg.t0) / 1e6 * lg.n / lg.ramp_ms + 1;

		while (lg.started < lg.n && lg.started < due)
			lg_open();
	} else {
		for (int k = 0; k < 25 && lg.started < lg.n; k++)
			lg_open();
	}
	if (lg.started < lg.n)
		evtimer_add(lg.ramp, &tv);
}

static int lg_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double lg_pct(double *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return -1;
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i];
}

int main(int argc, char **argv)
{
	struct timeval tv = {0, 0};

	if (argc != 6 && argc != 8) {
		fprintf(stderr, "usage: loadgen HOST PORT PATH N BODY [COOKIE CSRF]\n");
		return 2;
	}
	lg.host = argv[1];
	lg.path = argv[3];
	lg.n = (int)strtol(argv[4], NULL, 10);
	lg.body = argv[5];
	if (argc == 8) {
		lg.cookie = argv[6];
		lg.csrf = argv[7];
	}
	if (lg.n < 1 || inet_pton(AF_INET, lg.host, &lg.addr.sin_addr) != 1) {
		fprintf(stderr, "loadgen: bad arguments\n");
		return 2;
	}
	lg.addr.sin_family = AF_INET;
	lg.addr.sin_port = htons((uint16_t)strtol(argv[2], NULL, 10));
	lg.conns = calloc((size_t)lg.n, sizeof(*lg.conns));
	lg.first_ms = calloc((size_t)lg.n, sizeof(double));
	lg.fwd_ms = calloc((size_t)lg.n, sizeof(double));
	lg.model_ms = calloc((size_t)lg.n, sizeof(double));
	lg.relay_ms = calloc((size_t)lg.n, sizeof(double));
	if (getenv("LG_RAMP_MS") != NULL)
		lg.ramp_ms = strtod(getenv("LG_RAMP_MS"), NULL);
	if (getenv("LG_DUMP") != NULL)
		lg.dump = fopen(getenv("LG_DUMP"), "w");
	lg.base = event_base_new();
	lg.ramp = evtimer_new(lg.base, lg_on_ramp, NULL);
	lg.t0 = lg_now();
	evtimer_add(lg.ramp, &tv);
	event_base_dispatch(lg.base);
	qsort(lg.first_ms, lg.nfirst, sizeof(double), lg_cmp);
	qsort(lg.tok_ms, lg.ntok, sizeof(double), lg_cmp);
	qsort(lg.fwd_ms, lg.nfirst, sizeof(double), lg_cmp);
	qsort(lg.model_ms, lg.nfirst, sizeof(double), lg_cmp);
	qsort(lg.relay_ms, lg.nfirst, sizeof(double), lg_cmp);
	if (lg.dump != NULL)
		fclose(lg.dump);
	printf("{\"streams\":%d,\"ok\":%d,\"errors\":%d,\"tokens\":%zu,"
	       "\"first_p50_ms\":%.3f,\"first_p99_ms\":%.3f,\"first_max_ms\":%.3f,"
	       "\"fwd_p50_ms\":%.3f,\"fwd_p99_ms\":%.3f,\"model1_p50_ms\":%.3f,"
	       "\"model1_p99_ms\":%.3f,\"relay1_p50_ms\":%.3f,"
	       "\"relay1_p99_ms\":%.3f,"
	       "\"token_p50_ms\":%.3f,\"token_p99_ms\":%.3f,\"wall_s\":%.2f}\n",
	       lg.n, lg.ok, lg.errors, lg.ntok, lg_pct(lg.first_ms, lg.nfirst, 0.5),
	       lg_pct(lg.first_ms, lg.nfirst, 0.99), lg_pct(lg.first_ms, lg.nfirst, 1.0),
	       lg_pct(lg.fwd_ms, lg.nfirst, 0.5), lg_pct(lg.fwd_ms, lg.nfirst, 0.99),
	       lg_pct(lg.model_ms, lg.nfirst, 0.5), lg_pct(lg.model_ms, lg.nfirst, 0.99),
	       lg_pct(lg.relay_ms, lg.nfirst, 0.5), lg_pct(lg.relay_ms, lg.nfirst, 0.99),
	       lg_pct(lg.tok_ms, lg.ntok, 0.5), lg_pct(lg.tok_ms, lg.ntok, 0.99),
	       (double)(lg_now() - lg.t0) / 1e9);
	event_free(lg.ramp);
	event_base_free(lg.base);
	free(lg.conns);
	free(lg.first_ms);
	free(lg.fwd_ms);
	free(lg.model_ms);
	free(lg.relay_ms);
	free(lg.tok_ms);
	return lg.errors > 0 ? 1 : 0;
}
