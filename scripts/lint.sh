#!/usr/bin/env bash
# make lint: formatting (clang-format) and the house's banned calls.
set -u
cd "$(dirname "$0")/.."
rc=0
files=$(find src tests/unit fuzz bench -name '*.[ch]' 2>/dev/null)
if ! clang-format --dry-run -Werror $files 2>/tmp/shuzhi-lint.$$; then
	head -40 /tmp/shuzhi-lint.$$
	echo "lint: clang-format 不一致（运行 make format）"
	rc=1
fi
rm -f /tmp/shuzhi-lint.$$
if grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol)\s*\(' $files | grep -v 'snprintf\|vsnprintf'; then
	echo "lint: 使用了禁用函数（STYLE.md）"
	rc=1
fi
[ $rc -eq 0 ] && echo "lint: ok"
exit $rc
