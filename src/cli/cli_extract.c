/* cli: `shuzhi extract transcript FILE [--json]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "extract/extract.h"
#include "text/regex.h"

static void print_text(json_t *o)
{
	json_t *p = json_object_get(o, "party");
	json_t *iv = json_object_get(o, "interviewee");
	const char *k;
	json_t *v;

	printf("笔录类型：%s\n", json_string_value(json_object_get(o, "record_type")) ?: "");
	json_object_foreach(p, k, v)
	{
		printf("当事人.%s：%s\n", k, json_is_string(v) ? json_string_value(v) : "（无）");
	}
	json_object_foreach(iv, k, v)
	{
		printf("被询问人.%s：%s\n", k, json_is_string(v) ? json_string_value(v) : "（无）");
	}
	printf("询问/检查日期：%s\n",
	       json_string_value(json_object_get(o, "inspection_date")) ?: "（无）");
	printf("违法行为发生日期：%s\n",
	       json_string_value(json_object_get(o, "incident_date")) ?: "（无）");
	printf("地点：%s\n", json_string_value(json_object_get(o, "place")) ?: "（无）");
	printf("证据：%zu 项；数量：%zu 项；金额：%zu 项；承认违法事实：%s\n",
	       json_array_size(json_object_get(o, "evidence")),
	       json_array_size(json_object_get(o, "quantities")),
	       json_array_size(json_object_get(o, "amounts")),
	       json_is_true(json_object_get(o, "admissions")) ? "是" : "否");
}

int cli_extract(int argc, char **argv)
{
	const char *file = NULL;
	bool json = false;
	json_t *o = NULL;
	struct err e = {0};
	int rc;

	if (argc < 2 || strcmp(argv[1], "transcript") != 0) {
		fprintf(stderr, "shuzhi extract: 用法：shuzhi extract transcript FILE [--json]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "shuzhi extract: 未知选项“%s”\n", argv[i]);
			return 2;
		} else if (file == NULL)
			file = argv[i];
		else {
			fprintf(stderr, "shuzhi extract: 只能给一个文件\n");
			return 2;
		}
	}
	if (file == NULL) {
		fprintf(stderr, "shuzhi extract: 缺少笔录文件（.txt 或 .docx）\n");
		return 2;
	}
	rc = extract_transcript_file(file, &o, &e);
	if (rc != 0) {
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		text_re_cleanup();
		return 2;
	}
	if (json) {
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", s ? s : "{}");
		free(s);
	} else {
		print_text(o);
	}
	json_decref(o);
	text_re_cleanup();
	return 0;
}
