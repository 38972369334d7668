/* cli: usage text shared by the subcommands. */
#include "cli/cli.h"

void cli_usage(FILE *out)
{
	fputs("数智 Shuzhi " CLI_VERSION " — 政务数智员工平台\n"
	      "\n"
	      "用法：\n"
	      "  shuzhi gongwen check FILE... [--format text|json] [--profile NAME|FILE.json]\n"
	      "      按 GB/T 9704-2012 检查公文（.docx 或 UTF-8 .txt）。\n"
	      "      退出码：0 无错误，1 有错误级问题，2 文件无法读取或用法错误。\n"
	      "  shuzhi gongwen fix IN.docx -o OUT.docx [--dry-run] [--profile NAME] "
	      "[--no-comments]\n"
	      "      自动修正可机械修正的问题，其余问题以批注写入 OUT；不会改动 IN。\n"
	      "  shuzhi --version\n",
	      out);
}
