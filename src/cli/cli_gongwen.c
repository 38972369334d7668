/* cli: `shuzhi gongwen check|fix`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "doc/xml.h"
#include "gongwen/gongwen.h"
#include "text/regex.h"

static void usage_error(const char *msg)
{
	fprintf(stderr, "shuzhi gongwen: %s\n", msg);
	fprintf(stderr, "运行 shuzhi --help 查看用法。\n");
}

static int cmd_check(int argc, char **argv)
{
	const char *format = "text";
	const char *profile_name = NULL;
	const char **files = xcalloc((size_t)argc, sizeof(char *));
	size_t nfiles = 0;
	struct gw_profile prof;
	struct err e = {0};
	int worst = 0;
	bool dom = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dom") == 0) {
			dom = true;
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			format = argv[++i];
		} else if (strncmp(argv[i], "--format=", 9) == 0) {
			format = argv[i] + 9;
		} else if (strcmp(argv[i], "--json") == 0) {
			format = "json";
		} else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
			profile_name = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			usage_error("未知选项");
			free(files);
			return 2;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (nfiles == 0 || (strcmp(format, "json") != 0 && strcmp(format, "text") != 0)) {
		usage_error(nfiles == 0 ? "缺少要检查的文件" : "--format 只能是 text 或 json");
		free(files);
		return 2;
	}
	if (gw_profile_resolve(profile_name, &prof, &e) != 0) {
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		free(files);
		return 2;
	}
	for (size_t k = 0; k < nfiles; k++) {
		struct gw_doc doc;
		struct gw_findings f;
		struct buf out;

		err_clear(&e);
		/* checking reads the parts with doc/xmlfast; --dom keeps the libxml2
		 * DOM (the reference the fast reader is compared with) */
		if ((dom ? gw_doc_open(files[k], &prof, &doc, &e)
			 : gw_doc_open_check(files[k], &prof, &doc, &e)) != 0) {
			fprintf(stderr, "shuzhi: %s\n", e.msg);
			worst = 2;
			continue;
		}
		gw_findings_init(&f);
		gw_check(&doc, &f);
		buf_init(&out, (size_t)1 << 30);
		if (strcmp(format, "json") == 0)
			gw_report_json(&doc, &f, &out);
		else
			gw_report_text(&doc, &f, &out);
		fwrite(out.p, 1, out.len, stdout);
		buf_free(&out);
		if (gw_has_errors(&f) && worst < 1)
			worst = 1;
		gw_findings_free(&f);
		gw_doc_free(&doc);
	}
	free(files);
	return worst;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa;
	struct stat sb;

	if (strcmp(a, b) == 0)
		return true;
	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int cmd_fix(int argc, char **argv)
{
	const char *in = NULL;
	const char *outp = NULL;
	const char *profile_name = NULL;
	bool dry = false;
	bool comments = true;
	struct gw_profile prof;
	struct gw_doc doc;
	struct gw_fix_report rep;
	struct err e = {0};
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			outp = argv[++i];
		else if (strcmp(argv[i], "--dry-run") == 0)
			dry = true;
		else if (strcmp(argv[i], "--no-comments") == 0)
			comments = false;
		else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
			profile_name = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			usage_error("未知选项");
			return 2;
		} else if (in == NULL)
			in = argv[i];
		else {
			usage_error("只能指定一个输入文件");
			return 2;
		}
	}
	if (in == NULL || (outp == NULL && !dry)) {
		usage_error("用法：shuzhi gongwen fix IN.docx -o OUT.docx [--dry-run]");
		return 2;
	}
	if (outp != NULL && same_file(in, outp)) {
		usage_error("输出文件不能覆盖输入文件");
		return 2;
	}
	if (gw_profile_resolve(profile_name, &prof, &e) != 0) {
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		return 2;
	}
	if (gw_doc_open(in, &prof, &doc, &e) != 0) {
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		return 2;
	}
	memset(&rep, 0, sizeof(rep));
	buf_init(&rep.log, (size_t)1 << 28);
	gw_fix(&doc, comments && !dry, &rep, &e);
	if (dry) {
		printf("%s：将进行 %zu 项修改（未写入文件）\n", in, rep.applied);
		fwrite(rep.log.p ? rep.log.p : "", 1, rep.log.len, stdout);
		rc = 0;
	} else {
		rc = gw_doc_save(&doc, outp, &e);
		if (rc != 0) {
			fprintf(stderr, "shuzhi: %s\n", e.msg);
			rc = 2;
		} else {
			fprintf(stderr, "已写入 %s：自动修正 %zu 项，批注 %zu 条\n", outp,
				rep.applied, rep.commented);
		}
	}
	buf_free(&rep.log);
	gw_doc_free(&doc);
	return rc;
}

int cli_gongwen(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		usage_error("缺少子命令（check 或 fix）");
		return 2;
	}
	doc_xml_init();
	if (strcmp(argv[1], "check") == 0)
		rc = cmd_check(argc - 1, argv + 1);
	else if (strcmp(argv[1], "fix") == 0)
		rc = cmd_fix(argc - 1, argv + 1);
	else {
		usage_error("未知子命令（应为 check 或 fix）");
		rc = 2;
	}
	text_re_cleanup();
	doc_xml_cleanup();
	return rc;
}
