/* cli: `shuzhi enforce draft|validate`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "enforce/enforce.h"
#include "extract/extract.h"
#include "text/regex.h"

static int usage(const char *msg)
{
	fprintf(stderr, "shuzhi enforce: %s\n", msg);
	fprintf(
	    stderr,
	    "用法：shuzhi enforce draft KIND --from EXTRACT.json|TRANSCRIPT... -o "
	    "OUT.docx|OUT.txt|DIR "
	    "[--timing]\n"
	    "      shuzhi enforce validate DRAFT.docx|DRAFT.txt [--notice NOTICE] [--json]\n"
	    "KIND：notice（行政处罚告知书）、decision（行政处罚决定书）、order（责令改正通知书）、"
	    "report（案件调查终结报告）\n");
	return 2;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && strcmp(s + n - k, suf) == 0;
}

/* EXTRACT.json (an object with "party") or a transcript (.txt/.docx). */
static int load_extract(const char *path, json_t **out, struct err *e)
{
	if (ends_with(path, ".json")) {
		json_error_t je;
		json_t *o = json_load_file(path, 0, &je);
		if (o == NULL || !json_is_object(o)) {
			json_decref(o);
			return err_set(e, BASE_E_FORMAT,
				       "%s：不是有效的提取结果 JSON（第 %d 行：%s）", path, je.line,
				       je.text);
		}
		*out = o;
		return 0;
	}
	return extract_transcript_file(path, out, e);
}

static int draft_one(enum enforce_kind kind, const char *from, const char *outp, struct err *e)
{
	json_t *x = NULL;
	int rc;

	if (load_extract(from, &x, e) != 0)
		return 2;
	if (ends_with(outp, ".txt") || strcmp(outp, "-") == 0) {
		struct buf b;
		buf_init(&b, (size_t)64 << 20);
		rc = enforce_draft_text(kind, x, &b, e);
		if (rc == 0) {
			if (strcmp(outp, "-") == 0)
				fwrite(b.p, 1, b.len, stdout);
			else
				rc = base_write_file_atomic(outp, b.p, b.len, e);
		}
		buf_free(&b);
	} else {
		char *docx = NULL;
		size_t len = 0;
		rc = enforce_draft(kind, x, &docx, &len, e);
		if (rc == 0)
			rc = base_write_file_atomic(outp, docx, len, e);
		free(docx);
	}
	json_decref(x);
	return rc != 0 ? 2 : 0;
}

static int cmd_draft(int argc, char **argv)
{
	enum enforce_kind kind;
	const char **from = xcalloc((size_t)argc, sizeof(char *));
	const char *outp = NULL;
	size_t nfrom = 0;
	bool timing = false;
	int worst = 0;

	if (argc < 2 || !enforce_kind_parse(argv[1], &kind)) {
		free(from);
		return usage("未知或缺少文书种类");
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			from[nfrom++] = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			outp = argv[++i];
		else if (strcmp(argv[i], "--timing") == 0)
			timing = true;
		else {
			free(from);
			return usage("未知选项");
		}
	}
	if (nfrom == 0 || outp == NULL) {
		free(from);
		return usage("缺少 --from 或 -o");
	}
	for (size_t k = 0; k < nfrom; k++) {
		struct err e = {0};
		char path[4096];
		const char *target = outp;
		uint64_t t0 = base_now_ns();
		int rc;

		if (nfrom > 1) { /* several inputs: -o is a directory */
			const char *b = strrchr(from[k], '/');
			const char *dot;
			b = b ? b + 1 : from[k];
			dot = strrchr(b, '.');
			snprintf(path, sizeof(path), "%s/%.*s-%s.docx", outp,
				 (int)(dot ? (size_t)(dot - b) : strlen(b)), b, argv[1]);
			target = path;
		}
		rc = draft_one(kind, from[k], target, &e);
		if (rc != 0) {
			fprintf(stderr, "shuzhi: %s\n", e.msg);
			worst = 2;
		} else if (timing) {
			fprintf(stderr, "计时 %s %.3f ms\n", from[k],
				(double)(base_now_ns() - t0) / 1e6);
		}
	}
	free(from);
	text_re_cleanup();
	return worst;
}

static int cmd_validate(int argc, char **argv)
{
	const char *file = NULL, *notice = NULL;
	bool json = false;
	char *text = NULL, *ntext = NULL;
	size_t len = 0, nlen = 0;
	struct err e = {0};
	struct enforce_report r;
	size_t problems;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--notice") == 0 && i + 1 < argc)
			notice = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (argv[i][0] == '-')
			return usage("未知选项");
		else if (file == NULL)
			file = argv[i];
		else
			return usage("只能校验一个文书");
	}
	if (file == NULL)
		return usage("缺少要校验的文书");
	if (enforce_read_text(file, &text, &len, &e) != 0 ||
	    (notice != NULL && enforce_read_text(notice, &ntext, &nlen, &e) != 0)) {
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		free(text);
		return 2;
	}
	enforce_validate_text(text, len, ntext, nlen, &r);
	problems = enforce_report_problems(&r);
	if (json) {
		json_t *o = enforce_report_json(&r);
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", s);
		free(s);
		json_decref(o);
	} else {
		printf("%s：%s\n", file, r.kind_known ? enforce_kind_title(r.kind) : "未知文书");
		for (size_t i = 0; i < r.n; i++) {
			const char *sev = strcmp(r.f[i].severity, "error") == 0	  ? "错误"
					  : strcmp(r.f[i].severity, "blank") == 0 ? "待填写"
										  : "提示";
			printf("  [%s] %s：%s\n", sev, r.f[i].element, r.f[i].message);
		}
		printf("共 %zu 项需处理，%zu 项提示\n", problems, r.n - problems);
	}
	enforce_report_free(&r);
	free(text);
	free(ntext);
	text_re_cleanup();
	return problems > 0 ? 1 : 0;
}

int cli_enforce(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "draft") == 0)
		return cmd_draft(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "validate") == 0)
		return cmd_validate(argc - 1, argv + 1);
	return usage("子命令只能是 draft 或 validate");
}
