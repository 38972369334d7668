/* model/think: <think>…</think> separation for engines that put the chain
 * of thought into the answer text (spec/stack.md §1.3). A state machine
 * with a tag-match counter: the bytes of a partially matched tag are the
 * tag's own, so nothing is buffered and a tag split across any chunks is
 * still recognised. White space before the answer is dropped. */
#include <string.h>

#include "model/model.h"

enum {
	TS_START,      /* auto: nothing but white space yet; "<think>" may come */
	TS_OPEN_START, /* open: the template opened the tag; a literal one may repeat it */
	TS_THINK,      /* inside reasoning, looking for </think> */
	TS_AFTER,      /* just after </think>: white space dropped */
	TS_CONTENT,    /* answer text; a stray </think> is dropped */
	TS_PLAIN       /* mode off: tags are text */
};

#define THINK_OPEN	"<think>"
#define THINK_CLOSE	"</think>"
#define THINK_OPEN_LEN	(sizeof(THINK_OPEN) - 1)
#define THINK_CLOSE_LEN (sizeof(THINK_CLOSE) - 1)

void model_think_init(struct model_think_split *t, enum model_think mode)
{
	memset(t, 0, sizeof(*t));
	t->mode = mode;
	if (mode == MODEL_THINK_OFF)
		t->state = TS_PLAIN;
	else if (mode == MODEL_THINK_OPEN)
		t->state = TS_OPEN_START;
	else
		t->state = TS_START;
}

static int think_emit(enum model_ev_type type, const char *s, size_t n, model_event_cb cb,
		      void *arg)
{
	struct model_event ev = {0};

	if (n == 0)
		return 0;
	ev.type = type;
	ev.text = s;
	ev.len = n;
	return cb(&ev, arg);
}

static bool think_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static enum model_ev_type think_type(int state)
{
	return state == TS_THINK || state == TS_OPEN_START ? MODEL_EV_REASONING : MODEL_EV_DELTA;
}

/* The leading states: white space skipped, THINK_OPEN matched; *consumed
 * false when c must be looked at again in the next state. */
static int think_lead(struct model_think_split *t, char c, bool *consumed, model_event_cb cb,
		      void *arg)
{
	int next = t->state == TS_START ? TS_CONTENT : TS_THINK;
	size_t matched;

	*consumed = true;
	if (t->matched == 0 && think_space(c))
		return 0;
	if (c == THINK_OPEN[t->matched]) {
		if (++t->matched == THINK_OPEN_LEN) {
			t->matched = 0;
			t->state = TS_THINK;
		}
		return 0;
	}
	/* Not an opening tag: what matched is text of the part that follows,
	 * looked at again there ("<" may start "</think>"). */
	matched = t->matched;
	t->matched = 0;
	t->state = next;
	*consumed = false;
	return matched > 0 ? model_think_feed(t, THINK_OPEN, matched, cb, arg) : 0;
}

int model_think_feed(struct model_think_split *t, const char *s, size_t n, model_event_cb cb,
		     void *arg)
{
	size_t run = 0; /* start of the text not yet emitted */
	size_t i = 0;
	int rc = 0;

	if (t->state == TS_PLAIN)
		return think_emit(MODEL_EV_DELTA, s, n, cb, arg);
	while (i < n && rc == 0) {
		char c = s[i];
		bool consumed;

		switch (t->state) {
		case TS_START:
		case TS_OPEN_START:
			rc = think_lead(t, c, &consumed, cb, arg);
			if (consumed)
				i++;
			run = i;
			break;
		case TS_AFTER:
			if (think_space(c)) {
				i++;
				run = i;
			} else {
				t->state = TS_CONTENT;
			}
			break;
		default: /* TS_THINK, TS_CONTENT */
			if (c == THINK_CLOSE[t->matched]) {
				if (t->matched == 0)
					rc = think_emit(think_type(t->state), s + run, i - run, cb,
							arg);
				i++;
				run = i;
				if (++t->matched == THINK_CLOSE_LEN) {
					t->matched = 0;
					t->state = TS_AFTER;
				}
			} else if (t->matched > 0) {
				/* A false start: its bytes are text; c is looked at
				 * again (it may start the tag). */
				rc = think_emit(think_type(t->state), THINK_CLOSE, t->matched, cb,
						arg);
				t->matched = 0;
				run = i;
			} else {
				i++;
			}
			break;
		}
	}
	if (rc == 0 && t->matched == 0 && (t->state == TS_THINK || t->state == TS_CONTENT))
		rc = think_emit(think_type(t->state), s + run, n - run, cb, arg);
	return rc;
}

int model_think_finish(struct model_think_split *t, model_event_cb cb, void *arg)
{
	int rc = 0;

	if (t->matched > 0) {
		if (t->state == TS_THINK || t->state == TS_CONTENT)
			rc = think_emit(think_type(t->state), THINK_CLOSE, t->matched, cb, arg);
		else if (t->state == TS_START)
			rc = think_emit(MODEL_EV_DELTA, THINK_OPEN, t->matched, cb, arg);
		else if (t->state == TS_OPEN_START)
			rc = think_emit(MODEL_EV_REASONING, THINK_OPEN, t->matched, cb, arg);
	}
	t->matched = 0;
	return rc;
}
