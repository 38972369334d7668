/* cli: `shuzhi pii scan|mask|unmask` (text from FILE or stdin). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "privacy/privacy.h"

static int usage_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "shuzhi pii %s: %s\n运行 shuzhi --help 查看用法。\n", cmd, msg);
	return 2;
}

/* Read all of stdin, refusing more than max bytes. */
static int read_stdin(size_t max, char **data, size_t *len, struct err *e)
{
	struct buf b;
	char chunk[65536];
	size_t n;

	buf_init(&b, max);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (buf_add(&b, chunk, n) != 0) {
			buf_free(&b);
			return err_set(e, BASE_E_LIMIT, "标准输入：文本超过 %zu MB 上限",
				       max / (1024 * 1024));
		}
	}
	if (ferror(stdin)) {
		buf_free(&b);
		return err_set(e, BASE_E_IO, "标准输入：读取失败（%s）", strerror(errno));
	}
	*data = buf_detach(&b, len);
	return 0;
}

/* Read FILE (or stdin when NULL) and validate it as text. */
static int load_text(const char *path, char **data, size_t *len, struct ustr *u, struct err *e)
{
	int rc;

	ustr_init(u);
	*data = NULL;
	if (path != NULL)
		rc = base_read_file(path, PRIVACY_INPUT_MAX, data, len, e);
	else
		rc = read_stdin(PRIVACY_INPUT_MAX, data, len, e);
	if (rc == 0)
		rc = privacy_text_load(*data, *len, path ? path : "标准输入", u, e);
	return rc;
}

struct pii_opts {
	bool json;
	const char *file;
	const char *map;
};

static int parse_opts(const char *cmd, int argc, char **argv, struct pii_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if (strcmp(argv[i], "--map") == 0) {
			if (i + 1 >= argc)
				return usage_error(cmd, "--map 缺少文件名");
			o->map = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return usage_error(cmd, "未知选项");
		} else if (o->file == NULL) {
			o->file = argv[i];
		} else {
			return usage_error(cmd, "多余的参数");
		}
	}
	return 0;
}

static int fail_input(const struct err *e)
{
	fprintf(stderr, "shuzhi: %s\n", e->msg);
	return base_err_exit_code(e->code);
}

static int cmd_scan(int argc, char **argv)
{
	struct privacy_spans spans = {0};
	struct pii_opts o;
	struct err e = {0};
	struct ustr u;
	char *data = NULL;
	size_t len = 0;
	int rc;

	rc = parse_opts("scan", argc, argv, &o);
	if (rc != 0)
		return rc;
	rc = load_text(o.file, &data, &len, &u, &e);
	if (rc != 0) {
		free(data);
		ustr_free(&u);
		return fail_input(&e);
	}
	privacy_pii_scan(u.p, u.len, &spans);
	if (o.json) {
		fputs("{\"spans\":[", stdout);
		for (size_t i = 0; i < spans.n; i++)
			printf("%s{\"start\":%zu,\"end\":%zu,\"type\":\"%s\"}", i ? "," : "",
			       spans.v[i].start, spans.v[i].end,
			       privacy_pii_type_key(spans.v[i].type));
		fputs("]}\n", stdout);
	} else {
		for (size_t i = 0; i < spans.n; i++) {
			char *v = ustr_to_utf8(&u, spans.v[i].start, spans.v[i].end);

			printf("%zu-%zu\t%s\t%s\n", spans.v[i].start, spans.v[i].end,
			       privacy_pii_type_label(spans.v[i].type), v);
			free(v);
		}
		if (spans.n == 0)
			puts("未发现个人信息。");
	}
	privacy_spans_free(&spans);
	ustr_free(&u);
	free(data);
	return 0;
}

static int cmd_mask(int argc, char **argv)
{
	struct privacy_map map = {0};
	struct pii_opts o;
	struct err e = {0};
	struct ustr u;
	char *data = NULL;
	char *masked = NULL;
	size_t len = 0;
	int rc;

	rc = parse_opts("mask", argc, argv, &o);
	if (rc != 0)
		return rc;
	rc = load_text(o.file, &data, &len, &u, &e);
	ustr_free(&u);
	if (rc == 0)
		rc = privacy_mask(data, len, &map, &masked, &e);
	if (rc != 0) {
		free(data);
		return fail_input(&e);
	}
	if (o.json) {
		json_t *arr = json_array();
		json_t *obj;

		for (size_t i = 0; i < map.n; i++)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:s}", "placeholder",
							     map.v[i].placeholder, "value",
							     map.v[i].value, "type",
							     privacy_pii_type_key(map.v[i].type)));
		obj = json_pack("{s:s,s:o}", "masked", masked, "map", arr);
		json_dumpf(obj, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(obj);
	} else {
		fputs(masked, stdout);
		if (len > 0 && data[len - 1] != '\n')
			fputc('\n', stdout);
	}
	free(masked);
	free(data);
	privacy_map_free(&map);
	return 0;
}

/* The "map" array written by `pii mask --json`. */
static int load_map(const char *path, struct privacy_map *map, struct err *e)
{
	json_error_t je;
	json_t *root;
	json_t *arr;
	json_t *it;
	size_t i;
	char *data = NULL;
	size_t len = 0;
	int rc;

	rc = base_read_file(path, PRIVACY_INPUT_MAX, &data, &len, e);
	if (rc != 0)
		return rc;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	free(data);
	if (root == NULL)
		return err_set(e, BASE_E_FORMAT, "%s：不是有效的 JSON（第 %d 行：%s）", path,
			       je.line, je.text);
	arr = json_is_array(root) ? root : json_object_get(root, "map");
	if (!json_is_array(arr)) {
		json_decref(root);
		return err_set(e, BASE_E_FORMAT, "%s：缺少 map 数组", path);
	}
	json_array_foreach(arr, i, it)
	{
		const char *ph = json_string_value(json_object_get(it, "placeholder"));
		const char *val = json_string_value(json_object_get(it, "value"));
		const char *type = json_string_value(json_object_get(it, "type"));
		int t = -1;

		for (int k = 0; type != NULL && k < PRIVACY_PII_NTYPES; k++) {
			if (strcmp(type, privacy_pii_type_key(k)) == 0)
				t = k;
		}
		if (ph == NULL || val == NULL || t < 0) {
			json_decref(root);
			return err_set(e, BASE_E_FORMAT, "%s：map 第 %zu 项缺少字段", path, i + 1);
		}
		map->v = xgrow(map->v, &map->cap, map->n + 1, sizeof(*map->v));
		map->v[map->n].placeholder = xstrdup(ph);
		map->v[map->n].value = xstrdup(val);
		map->v[map->n].type = t;
		map->n++;
	}
	json_decref(root);
	return 0;
}

static int cmd_unmask(int argc, char **argv)
{
	struct privacy_map map = {0};
	struct pii_opts o;
	struct err e = {0};
	struct ustr u;
	char *data = NULL;
	char *out;
	size_t len = 0;
	int rc;

	rc = parse_opts("unmask", argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.map == NULL)
		return usage_error("unmask", "需要 --map 映射文件（pii mask --json 的输出）");
	rc = load_map(o.map, &map, &e);
	if (rc == 0)
		rc = load_text(o.file, &data, &len, &u, &e);
	ustr_free(&u);
	if (rc != 0) {
		free(data);
		privacy_map_free(&map);
		return fail_input(&e);
	}
	out = privacy_unmask(data, len, &map);
	fputs(out, stdout);
	free(out);
	free(data);
	privacy_map_free(&map);
	return 0;
}

int cli_pii(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("", "缺少子命令（scan、mask 或 unmask）");
	if (strcmp(argv[1], "scan") == 0)
		return cmd_scan(argc - 1, argv + 1);
	if (strcmp(argv[1], "mask") == 0)
		return cmd_mask(argc - 1, argv + 1);
	if (strcmp(argv[1], "unmask") == 0)
		return cmd_unmask(argc - 1, argv + 1);
	return usage_error(argv[1], "未知子命令");
}
