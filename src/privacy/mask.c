/*
 * privacy/mask: reversible placeholders for the PII found by the scanner,
 * and their restoration in (possibly streamed) model answers. See privacy.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "privacy/pii_internal.h"

/* Placeholders are short: 〔 + label (at most 4 CJK) + number + 〕. */
#define PLACEHOLDER_MAX	  64
#define NUMBER_DIGITS_MAX 6

static const char *const opens[] = {"〔", "[", "【", "［"};
static const char *const closes[] = {"〕", "]", "】", "］"};

void privacy_map_free(struct privacy_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].placeholder);
		free(m->v[i].value);
	}
	free(m->v);
	memset(m, 0, sizeof(*m));
}

static void placeholder_text(int type, size_t number, char *out, size_t cap)
{
	snprintf(out, cap, "〔%s%zu〕", privacy_pii_type_label(type), number);
}

/* The placeholder for (type, value): reused when the value was seen, else
 * the next number of that type that does not already occur in the text. */
static const char *placeholder_for(struct privacy_map *m, int type, const char *value,
				   const char *text)
{
	char ph[PLACEHOLDER_MAX];
	size_t number = 1;
	struct privacy_map_entry *ent;

	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].type == type && strcmp(m->v[i].value, value) == 0)
			return m->v[i].placeholder;
		if (m->v[i].type == type)
			number++;
	}
	for (;; number++) {
		placeholder_text(type, number, ph, sizeof(ph));
		if (strstr(text, ph) == NULL)
			break;
	}
	m->v = xgrow(m->v, &m->cap, m->n + 1, sizeof(*m->v));
	ent = &m->v[m->n++];
	ent->placeholder = xstrdup(ph);
	ent->value = xstrdup(value);
	ent->type = type;
	return ent->placeholder;
}

int privacy_mask(const char *s, size_t len, struct privacy_map *map, char **masked, struct err *e)
{
	struct privacy_spans spans = {0};
	struct ustr u;
	struct buf out;
	char *text;
	size_t at = 0;
	int rc;

	*masked = NULL;
	rc = privacy_text_load(s, len, "输入文本", &u, e);
	if (rc != 0) {
		ustr_free(&u);
		return rc;
	}
	text = xstrndup(s, len);
	privacy_pii_scan(u.p, u.len, &spans);
	/* Placeholders are shorter than 4x their value plus a constant. */
	buf_init(&out, 4 * len + 64 * spans.n + 16);
	for (size_t i = 0; i < spans.n; i++) {
		const struct privacy_span *sp = &spans.v[i];
		char *value = ustr_to_utf8(&u, sp->start, sp->end);

		text_buf_add_ucs(&out, u.p + at, sp->start - at);
		buf_adds(&out, placeholder_for(map, sp->type, value, text));
		free(value);
		at = sp->end;
	}
	if (u.len > at)
		text_buf_add_ucs(&out, u.p + at, u.len - at);
	*masked = buf_detach(&out, NULL);
	free(text);
	privacy_spans_free(&spans);
	ustr_free(&u);
	return 0;
}

/* Does s[i..len) start with one of list (returns its length), or is it a
 * proper prefix of one (returns -1, more bytes are needed)? 0: neither. */
static long match_one_of(const char *s, size_t len, size_t i, const char *const *list, size_t count,
			 size_t *which)
{
	bool partial = false;

	for (size_t k = 0; k < count; k++) {
		size_t l = strlen(list[k]);
		size_t have = len - i;

		if (have >= l && memcmp(s + i, list[k], l) == 0) {
			*which = k;
			return (long)l;
		}
		if (have < l && memcmp(s + i, list[k], have) == 0)
			partial = true;
	}
	return partial ? -1 : 0;
}

/* Parse a placeholder at s[i]: 1 (and end, type, number) when complete,
 * -1 when s ends inside what may still become one, 0 when it is not one. */
static int parse_placeholder(const char *s, size_t len, size_t i, size_t *end, int *type,
			     size_t *number)
{
	const char *labels[PRIVACY_PII_NTYPES];
	size_t which = 0;
	size_t p = i;
	size_t digits = 0;
	long l;

	l = match_one_of(s, len, p, opens, ARRAY_LEN(opens), &which);
	if (l <= 0)
		return (int)l;
	p += (size_t)l;
	if (p == len)
		return -1;
	for (int t = 0; t < PRIVACY_PII_NTYPES; t++)
		labels[t] = privacy_pii_type_label(t);
	l = match_one_of(s, len, p, labels, PRIVACY_PII_NTYPES, &which);
	if (l <= 0)
		return (int)l;
	*type = (int)which;
	p += (size_t)l;
	*number = 0;
	while (p < len && s[p] >= '0' && s[p] <= '9' && digits < NUMBER_DIGITS_MAX) {
		*number = *number * 10 + (size_t)(s[p] - '0');
		p++;
		digits++;
	}
	if (p == len)
		return -1;
	if (digits == 0 || (s[p] >= '0' && s[p] <= '9'))
		return 0;
	l = match_one_of(s, len, p, closes, ARRAY_LEN(closes), &which);
	if (l <= 0)
		return (int)l;
	*end = p + (size_t)l;
	return 1;
}

static const struct privacy_map_entry *lookup(const struct privacy_map *m, int type, size_t number)
{
	char ph[PLACEHOLDER_MAX];

	placeholder_text(type, number, ph, sizeof(ph));
	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].type == type && strcmp(m->v[i].placeholder, ph) == 0)
			return &m->v[i];
	}
	return NULL;
}

/* Restore placeholders in s[0..len) into out. With final false, stop at a
 * possible placeholder cut off by the end of s; returns the bytes consumed. */
static size_t unmask_into(const char *s, size_t len, const struct privacy_map *map, bool final,
			  struct buf *out, int *rc)
{
	size_t i = 0;
	size_t lit = 0; /* start of pending literal bytes */

	*rc = 0;
	while (i < len) {
		size_t end = 0;
		size_t number = 0;
		int type = 0;
		int r;
		const struct privacy_map_entry *ent;

		if (s[i] != '[' && (unsigned char)s[i] != 0xE3 && (unsigned char)s[i] != 0xEF) {
			i++;
			continue;
		}
		r = parse_placeholder(s, len, i, &end, &type, &number);
		if (r < 0 && !final)
			break;
		ent = r == 1 ? lookup(map, type, number) : NULL;
		if (ent == NULL) {
			i++;
			continue;
		}
		if (*rc == 0)
			*rc = buf_add(out, s + lit, i - lit);
		if (*rc == 0)
			*rc = buf_adds(out, ent->value);
		i = end;
		lit = end;
	}
	if (*rc == 0)
		*rc = buf_add(out, s + lit, i - lit);
	return i;
}

char *privacy_unmask(const char *s, size_t len, const struct privacy_map *map)
{
	struct buf out;
	int rc;

	/* Values are at most PRIVACY_INPUT_MAX; the answer grows by them only. */
	buf_init(&out, (size_t)-1 / 2);
	unmask_into(s, len, map, true, &out, &rc);
	return buf_detach(&out, NULL);
}

void privacy_unmasker_init(struct privacy_unmasker *u, const struct privacy_map *map)
{
	u->map = map;
	buf_init(&u->pending, (size_t)-1 / 2);
}

int privacy_unmasker_feed(struct privacy_unmasker *u, const char *chunk, size_t len,
			  struct buf *out)
{
	size_t used;
	int rc;

	rc = buf_add(&u->pending, chunk, len);
	if (rc != 0)
		return rc;
	used = unmask_into(u->pending.p, u->pending.len, u->map, false, out, &rc);
	if (rc != 0)
		return rc;
	/* What is left is a proper prefix of a placeholder: a few bytes. */
	if (used > 0) {
		memmove(u->pending.p, u->pending.p + used, u->pending.len - used);
		u->pending.len -= used;
		u->pending.p[u->pending.len] = '\0';
	}
	return 0;
}

int privacy_unmasker_finish(struct privacy_unmasker *u, struct buf *out)
{
	int rc;

	unmask_into(u->pending.p, u->pending.len, u->map, true, out, &rc);
	buf_reset(&u->pending);
	return rc;
}

void privacy_unmasker_free(struct privacy_unmasker *u)
{
	buf_free(&u->pending);
}
