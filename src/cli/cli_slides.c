/* cli: `shuzhi slides INPUT -o OUT.pptx [--template NAME] [--outline-only]`. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "doc/xml.h"
#include "slides/slides.h"

static void usage_error(const char *msg)
{
	fprintf(stderr, "shuzhi slides: %s\n", msg);
	fprintf(stderr, "用法：shuzhi slides 输入文件 -o 输出.pptx [--template 政务红|科技蓝|简约] "
			"[--outline-only]\n");
}

static bool has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), k = strlen(ext);

	return n > k && strcasecmp(path + n - k, ext) == 0;
}

/* An outline file: extension .outline, or text whose first non-blank line
 * is a "%" setting or a "#"/"##" heading followed somewhere by "## ". */
static bool looks_like_outline(const char *path, const char *data, size_t len)
{
	size_t i = 0;

	if (has_ext(path, ".outline"))
		return true;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'))
		i++;
	return i < len && data[i] == '%';
}

static const char *kind_of(const char *path)
{
	if (has_ext(path, ".docx"))
		return "docx";
	if (has_ext(path, ".md") || has_ext(path, ".markdown"))
		return "md";
	return "txt";
}

int cli_slides(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *tname = NULL;
	bool outline_only = false;
	const struct slides_template *t;
	struct err e = {0};
	char *data = NULL, *pptx = NULL;
	size_t len = 0, plen = 0, nslides = 0;
	struct buf outline;
	struct slides_outline *o = NULL;
	struct slides_render_opts opts = {0};
	char dir[PATH_MAX];
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--template") == 0 && i + 1 < argc) {
			tname = argv[++i];
		} else if (strcmp(argv[i], "--outline-only") == 0) {
			outline_only = true;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			usage_error("未知选项");
			return 2;
		} else if (in == NULL) {
			in = argv[i];
		} else {
			usage_error("只能有一个输入文件");
			return 2;
		}
	}
	if (in == NULL || (out == NULL && !outline_only)) {
		usage_error(in == NULL ? "缺少输入文件" : "缺少 -o 输出文件");
		return 2;
	}
	t = slides_template_find(tname);
	if (t == NULL) {
		usage_error("未知模板（可用：政务红 zhengwu、科技蓝 keji、简约 jianyue）");
		return 2;
	}
	if (base_read_file(in, SLIDES_MAX_SOURCE, &data, &len, &e) != 0) {
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		return 2;
	}
	doc_xml_init();
	buf_init(&outline, (size_t)8 << 20);
	if (looks_like_outline(in, data, len)) {
		buf_add(&outline, data, len);
	} else if (slides_extract(data, len, kind_of(in), in, &outline, &e) != 0) {
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		rc = 2;
		goto out;
	}
	if (slides_outline_parse(outline.p, outline.len, &o, &e) != 0) {
		fprintf(stderr, "shuzhi: %s: %s\n", in, e.msg);
		rc = 2;
		goto out;
	}
	if (outline_only) {
		struct buf w;

		buf_init(&w, (size_t)8 << 20);
		slides_outline_write(o, &w);
		fwrite(w.p, 1, w.len, stdout);
		buf_free(&w);
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s", in);
	opts.image_dir = dirname(dir);
	opts.nslides_out = &nslides;
	if (slides_render(o, t, &opts, &pptx, &plen, &e) != 0) {
		fprintf(stderr, "shuzhi: %s: %s\n", in, e.msg);
		rc = 2;
		goto out;
	}
	if (base_write_file_atomic(out, pptx, plen, &e) != 0) {
		fprintf(stderr, "shuzhi: %s\n", e.msg);
		rc = 2;
		goto out;
	}
	fprintf(stderr, "已生成 %s：%zu 页，模板 %s\n", out, nslides, slides_template_label(t));
out:
	free(pptx);
	slides_outline_free(o);
	buf_free(&outline);
	free(data);
	return rc;
}
