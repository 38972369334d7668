/* enterprise/feed: new and cleared risk warnings between two snapshots
 * (an import, or a change of the risk rules re-evaluated at once). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enterprise/ent_internal.h"
#include "store/enterprise_store.h"

struct feed {
	struct ent_map *seen; /* "uscc rule level" of the other snapshot -> 1 */
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
	buf_addc(&f->key, ' ');
	buf_adds(&f->key, w->level); /* a rule raised to red is a new (red) warning */
	if (f->pass == 0) {
		ent_map_put(f->seen, f->key.p, f->key.len, 1, &found);
		return 0;
	}
	if (ent_map_get(f->seen, f->key.p, f->key.len) != NULL)
		return 0;
	f->count++;
	if (f->out == NULL) /* counting only */
		return 0;
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
	if (json && out != NULL) {
		struct store_ent_snapshot sn;

		rc = store_ent_snapshot_get(st, import_id, &sn, e);
		if (rc != 0) {
			buf_free(&f.key);
			return rc;
		}
		fprintf(out, "{\"import\": %lld, \"previous\": %lld, \"kind\": \"%s\", \"by\": ",
			(long long)import_id, (long long)prev, sn.kind);
		json_plain(out, sn.actor);
		fprintf(out, ", \"at\": %lld, \"changes\": [", (long long)sn.at);
		store_ent_snapshot_free(&sn);
	}
	f.change = "new";
	rc = diff(st, import_id, prev, &f, e);
	*added = f.count;
	f.count = 0;
	f.change = "cleared";
	if (rc == 0 && prev > 0)
		rc = diff(st, prev, import_id, &f, e);
	*cleared = f.count;
	if (json && out != NULL)
		fputs("\n]}\n", out);
	ent_map_free(f.seen);
	buf_free(&f.key);
	return rc;
}

static int64_t today_of(int64_t now_ms)
{
	time_t t = (time_t)(now_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	return (int64_t)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int ent_warnings_reevaluate(struct store *st, const char *actor, int64_t now_ms,
			    struct ent_reeval *res, struct err *e)
{
	struct store_ent_writer *w = NULL;
	char *v = NULL, *stats;
	json_t *j;
	uint64_t t0 = base_now_ns();
	int rc;

	memset(res, 0, sizeof(*res));
	rc = store_ent_last_snapshot(st, &res->previous, e);
	if (rc != 0 || res->previous == 0)
		return rc; /* nothing imported: no warnings to re-evaluate */
	rc = store_ent_setting_get(st, "last_as_of", &v, e);
	if (rc != 0)
		return rc;
	res->as_of = v != NULL ? ent_parse_as_of(v) : -1;
	free(v);
	if (res->as_of <= 0)
		res->as_of = today_of(now_ms);
	rc = store_ent_snapshot_add(st, actor, "{}", now_ms, &res->snapshot, e);
	if (rc == 0)
		rc = store_ent_writer_open(st, &w, e);
	if (rc == 0)
		rc = ent_snapshot_flags(st, w, res->snapshot, res->as_of, &res->warnings, e);
	store_ent_writer_close(w);
	if (rc == 0)
		rc = ent_warnings_feed(st, res->snapshot, false, NULL, &res->added, &res->cleared,
				       e);
	if (rc != 0)
		return rc;
	j = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I}", "kind", "rules", "by",
		      actor != NULL ? actor : "", "as_of", (json_int_t)res->as_of, "warnings",
		      (json_int_t)res->warnings, "new", (json_int_t)res->added, "cleared",
		      (json_int_t)res->cleared);
	stats = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	rc = store_ent_snapshot_set_stats(st, res->snapshot, stats, e);
	free(stats);
	res->ms = (double)(base_now_ns() - t0) / 1e6;
	return rc;
}
