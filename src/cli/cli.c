/* cli: usage text shared by the subcommands. */
#include "cli/cli.h"

void cli_usage(FILE *out)
{
	fputs(
	    "数智 Shuzhi " CLI_VERSION " — 政务数智员工平台\n"
	    "\n"
	    "用法：\n"
	    "  shuzhi gongwen check FILE... [--format text|json] [--profile NAME|FILE.json]\n"
	    "      按 GB/T 9704-2012 检查公文（.docx 或 UTF-8 .txt）。\n"
	    "      退出码：0 无错误，1 有错误级问题，2 文件无法读取或用法错误。\n"
	    "  shuzhi gongwen fix IN.docx -o OUT.docx [--dry-run] [--profile NAME] "
	    "[--no-comments]\n"
	    "      自动修正可机械修正的问题，其余问题以批注写入 OUT；不会改动 IN。\n"
	    "  shuzhi user add 用户名 --role admin|guardian|staff|auditor [--dept 部门] "
	    "[--display 显示名称]\n"
	    "  shuzhi user passwd|disable|enable 用户名    shuzhi user list [--json]\n"
	    "      管理用户；密码从终端（不回显）或标准输入读取，从不经命令行参数传递。\n"
	    "  shuzhi dept add 名称 [--parent 上级部门]    shuzhi dept list [--json]\n"
	    "  shuzhi audit verify [--json]\n"
	    "      校验哈希链审计日志。退出码：0 完整，1 断裂（指出第一个断点），2 无法读取。\n"
	    "  shuzhi audit list [--json] [--user 用户] [--action 操作] [--limit N]\n"
	    "  shuzhi serve [--config 文件] [--listen 地址:端口] [--behind-tls] [--print-routes]\n"
	    "               [--print-config] [--login-burst N] [--request-timeout-s N] …\n"
	    "      启动网页与 HTTP API（默认 127.0.0.1:8080）；SIGTERM/SIGINT 平稳停止。\n"
	    "      设置：选项 > 环境变量 SHUZHI_* > 配置文件 > 默认值（见 docs/OPERATIONS.md）。\n"
	    "      以上命令均接受 --db 路径（默认 $SHUZHI_DB 或 ./shuzhi.db）。\n"
	    "  shuzhi slides 输入文件 -o 输出.pptx [--template 政务红|科技蓝|简约] "
	    "[--outline-only]\n"
	    "      由文本（.txt/.md/.docx，或以“% 标题:”开头的大纲文件）生成可编辑的 .pptx；\n"
	    "      --outline-only 只打印提取的大纲（可编辑后再作为输入）。\n"
	    "  shuzhi --version\n",
	    out);
}
