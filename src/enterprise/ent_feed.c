/* enterprise/feed: new and cleared risk warnings between two imports. */
#include <stdlib.h>
#include <string.h>

#include "enterprise/ent_internal.h"
#include "store/enterprise_store.h"

struct feed {
	struct ent_map *seen; /* "uscc rule" of the other import -> 1 */
	struct buf key;
	FILE *out;
	bool json;
	bool first;
	const char *change; /* "new" | "cleared" */
	long count;
	int pass; /* 0: collect, 1: compare */
};

static const char *level_zh(const char *level)
{
	return strcmp(level, "red") == 0 ? "红色" : strcmp(level, "orange") == 0 ? "橙色" : "黄色";
}

static void json_plain(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static int feed_cb(const struct store_ent_warning *w, void *arg)
{
	struct feed *f = arg;
	bool found;

	buf_reset(&f->key);
	buf_adds(&f->key, w->uscc);
	buf_addc(&f->key, ' ');
	buf_adds(&f->key, w->rule);
	if (f->pass == 0) {
		ent_map_put(f->seen, f->key.p, f->key.len, 1, &found);
		return 0;
	}
	if (ent_map_get(f->seen, f->key.p, f->key.len) != NULL)
		return 0;
	f->count++;
	if (f->json) {
		fputs(f->first ? "\n  " : ",\n  ", f->out);
		fprintf(f->out, "{\"change\": \"%s\", \"uscc\": ", f->change);
		json_plain(f->out, w->uscc);
		fprintf(f->out, ", \"level\": \"%s\", \"rule\": \"%s\", \"evidence\": ", w->level,
			w->rule);
		json_plain(f->out, w->evidence);
		fputc('}', f->out);
	} else {
		fprintf(f->out, "%s\t%s\t%s\t%s\t%s\n",
			strcmp(f->change, "new") == 0 ? "新增" : "解除", level_zh(w->level),
			w->rule, w->uscc, w->evidence);
	}
	f->first = false;
	return 0;
}

/* Print the warnings of `from` that are not in `other`. */
static int diff(struct store *st, int64_t from, int64_t other, struct feed *f, struct err *e)
{
	int rc;

	ent_map_free(f->seen);
	f->seen = ent_map_new();
	f->pass = 0;
	rc = other > 0 ? store_ent_iter_warnings(st, other, feed_cb, f, e) : 0;
	f->pass = 1;
	if (rc == 0)
		rc = store_ent_iter_warnings(st, from, feed_cb, f, e);
	return rc;
}

int ent_warnings_feed(struct store *st, int64_t import_id, bool json, FILE *out, long *added,
		      long *cleared, struct err *e)
{
	struct feed f = {0};
	int64_t prev;
	int rc;

	*added = *cleared = 0;
	rc = store_ent_previous_import(st, import_id, &prev, e);
	if (rc != 0)
		return rc;
	buf_init(&f.key, 1 << 16);
	f.out = out;
	f.json = json;
	f.first = true;
	if (json)
		fprintf(out, "{\"import\": %lld, \"previous\": %lld, \"changes\": [",
			(long long)import_id, (long long)prev);
	f.change = "new";
	rc = diff(st, import_id, prev, &f, e);
	*added = f.count;
	f.count = 0;
	f.change = "cleared";
	if (rc == 0 && prev > 0)
		rc = diff(st, prev, import_id, &f, e);
	*cleared = f.count;
	if (json)
		fputs("\n]}\n", out);
	ent_map_free(f.seen);
	buf_free(&f.key);
	return rc;
}
