/*
 * server/api_portal: the enterprise-service Q&A portal (Wuxi's layout): the
 * answer on top, the original passages below. Public: anonymous visitors
 * search the public knowledge bases only, rate-limited per address; logged-in
 * staff also search the internal ones and those of their department.
 *
 * Without a model the answer is extractive (kb_extractive_answer: the best
 * sentences of the passages, each with its [n] citation) and says so; a
 * citizen never gets an error page for a question, only an honest "没有找到".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"
#include "server/server_internal.h"
#include "store/kb_store.h"
#include "text/text.h"

#define PORTAL_PAGE	 10
#define PORTAL_POOL	 50  /* passages ranked before filtering and paging */
#define PORTAL_ANSWER_CP 300 /* code points of the extractive answer */
#define PORTAL_MAX_KBS	 64

struct portal_kbs {
	struct server_req *r;
	char *names[PORTAL_MAX_KBS];
	size_t n;
};

static int portal_kb_cb(const struct kb_store_kb *kb, void *arg)
{
	struct portal_kbs *k = arg;
	struct server_req *r = k->r;
	bool ok = strcmp(kb->visibility, "public") == 0 ||
		  (r->logged_in && strcmp(kb->visibility, "internal") == 0) ||
		  (r->logged_in && strcmp(kb->visibility, "department") == 0 &&
		   kb->department_id > 0 && kb->department_id == r->user.department_id);

	if (ok && k->n < PORTAL_MAX_KBS)
		k->names[k->n++] = xstrdup(kb->name);
	return 0;
}

static json_t *portal_passage(const struct kb_passage *p, size_t n)
{
	json_t *spans = json_array();

	for (size_t i = 0; i < p->nspans; i++)
		json_array_append_new(spans, json_pack("[I,I]", (json_int_t)p->spans[i].start,
						       (json_int_t)p->spans[i].len));
	return json_pack("{s:I,s:s,s:s?,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:f,s:b}", "n", (json_int_t)n,
			 "file", p->file, "article", p->article, "title", p->title, "heading",
			 p->heading ? p->heading : "", "validity", p->validity ? p->validity : "",
			 "category", p->category ? p->category : "", "snippet", p->snippet, "text",
			 p->text ? p->text : "", "spans", spans, "score", p->score, "exact",
			 p->exact);
}

static bool portal_keep(const struct kb_passage *p, const char *validity, const char *category)
{
	if (validity != NULL && validity[0] != '\0' &&
	    strcmp(p->validity ? p->validity : "", validity) != 0)
		return false;
	if (category != NULL && category[0] != '\0' &&
	    strcmp(p->category ? p->category : "", category) != 0)
		return false;
	return true;
}

void server_api_portal_search(struct server_req *r)
{
	const char *q = server_query(r, "q");
	const char *page_s = server_query(r, "page");
	const char *validity = server_query(r, "validity");
	const char *category = server_query(r, "category");
	struct portal_kbs kbs = {.r = r};
	struct kb_results res = {0};
	struct kb_results kept = {0};
	struct err e = {0};
	json_t *results, *categories;
	char *answer = NULL;
	int64_t retry = 0;
	long page = 1;
	char *end = NULL;

	if (!server_portal_allowed(r, &retry)) {
		server_reply_error(r, 429, "rate_limited", "查询过于频繁，请稍后再试");
		return;
	}
	if (q == NULL || q[0] == '\0') {
		server_reply_error(r, 400, "bad_request", "请输入要查询的问题");
		return;
	}
	if (strlen(q) > KB_QUERY_MAX || !text_utf8_valid(q, strlen(q), NULL)) {
		server_reply_error(r, 400, "bad_request",
				   "问题过长或含有无效字符（上限 1024 字节）");
		return;
	}
	if (page_s != NULL) {
		page = strtol(page_s, &end, 10);
		if (*end != '\0' || page < 1 || page > PORTAL_POOL / PORTAL_PAGE) {
			server_reply_error(r, 400, "bad_request", "页码无效");
			return;
		}
	}
	if (kb_store_kb_iter(server_store(r), portal_kb_cb, &kbs, &e) != 0) {
		server_reply_err(r, &e);
		return;
	}
	if (kbs.n == 0) {
		server_reply_json(r, 200,
				  json_pack("{s:{s:s,s:s},s:[],s:[],s:b,s:i,s:i}", "answer", "kind",
					    "none", "text", "暂无可检索的知识库。", "results",
					    "categories", "answerable", 0, "page", 1, "total", 0));
		return;
	}
	if (kb_search(server_store(r), q, (const char *const *)kbs.names, kbs.n, PORTAL_POOL, &res,
		      &e) != 0) {
		for (size_t i = 0; i < kbs.n; i++)
			free(kbs.names[i]);
		server_reply_err(r, &e);
		return;
	}
	/* Filters narrow the list; the answer cites the same numbering. */
	kept.p = xcalloc(res.n + 1, sizeof(*kept.p));
	categories = json_array();
	for (size_t i = 0; i < res.n; i++) {
		const char *c = res.p[i].category ? res.p[i].category : "";
		bool seen = false;
		size_t k;
		json_t *v;

		json_array_foreach(categories, k, v) seen =
		    seen || strcmp(json_string_value(v), c) == 0;
		if (!seen && c[0] != '\0')
			json_array_append_new(categories, json_string(c));
		if (portal_keep(&res.p[i], validity, category))
			kept.p[kept.n++] = res.p[i];
	}
	kept.answerable = res.answerable && kept.n > 0;
	results = json_array();
	for (size_t i = (size_t)(page - 1) * PORTAL_PAGE;
	     i < kept.n && i < (size_t)page * PORTAL_PAGE; i++)
		json_array_append_new(results, portal_passage(&kept.p[i], i + 1));
	if (kept.n > 0) {
		struct kb_results top = {kept.p, kept.n < 5 ? kept.n : 5, kept.answerable};

		answer = kb_extractive_answer(q, &top, PORTAL_ANSWER_CP);
	}
	server_reply_json(
	    r, 200,
	    json_pack(
		"{s:{s:s,s:s,s:s},s:o,s:o,s:b,s:I,s:I,s:b}", "answer", "kind",
		kept.n > 0 ? "extractive" : "none", "text",
		answer && answer[0] ? answer : "没有找到与问题直接相关的条文，请换一种说法再试。",
		"note",
		kept.n > 0 ? "摘录式回答：未使用模型，由下方检索到的原文摘录组成，请以原文为准。"
			   : "",
		"results", results, "categories", categories, "answerable", kept.answerable, "page",
		(json_int_t)page, "total", (json_int_t)kept.n, "logged_in", r->logged_in));
	free(answer);
	free(kept.p); /* the passages belong to res */
	kb_results_free(&res);
	for (size_t i = 0; i < kbs.n; i++)
		free(kbs.names[i]);
}
