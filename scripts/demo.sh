#!/usr/bin/env bash
# make run (until the server exists): a short demonstration of the CLI on a
# sample 公文 — check it, fix it into build/demo/, check the fixed copy.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/shuzhi}
sample=tests/data/samples/sample-notice.docx
mkdir -p build/demo
echo "== 1. 检查示例公文：$sample"
"$BIN" gongwen check "$sample" || true
echo
echo "== 2. 自动修正（预演，不写文件）"
"$BIN" gongwen fix "$sample" --dry-run
echo
echo "== 3. 写出修正后的文件 build/demo/sample-fixed.docx（原文件不变）"
"$BIN" gongwen fix "$sample" -o build/demo/sample-fixed.docx
echo
echo "== 4. 复查修正后的文件"
"$BIN" gongwen check build/demo/sample-fixed.docx || true
echo
echo "演示完成。JSON 输出：$BIN gongwen check FILE --format json"
