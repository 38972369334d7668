#!/usr/bin/env bash
# make run: a short demonstration of the CLI on a sample 公文 — check it, fix
# it into build/demo/, check the fixed copy — then a demo database
# build/demo/shuzhi.db (made once: an admin, two departments, a guardian, two
# staff) and `shuzhi serve` on 127.0.0.1:8080 in the foreground (Ctrl-C stops).
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
echo "公文演示完成。JSON 输出：$BIN gongwen check FILE --format json"
echo

DB=${SHUZHI_DEMO_DB:-build/demo/shuzhi.db}
PORT=${SHUZHI_DEMO_PORT:-8080}
ADMIN_PW='Shuzhi-Admin-2025'
USER_PW='Shuzhi-Demo-2025'
SEED=0
if [ ! -e "$DB" ]; then
	SEED=1
	echo "== 5. 创建演示数据库 $DB"
	"$BIN" dept add 办公室 --db "$DB" >/dev/null
	"$BIN" dept add 政务服务中心 --db "$DB" >/dev/null
	printf '%s\n' "$ADMIN_PW" | "$BIN" user add admin --role admin --display 系统管理员 --dept 办公室 --db "$DB" >/dev/null
	printf '%s\n' "$USER_PW" | "$BIN" user add jianhu --role guardian --display 王监护 --dept 办公室 --db "$DB" >/dev/null
	printf '%s\n' "$USER_PW" | "$BIN" user add zhangsan --role staff --display 张三 --dept 政务服务中心 --db "$DB" >/dev/null
	printf '%s\n' "$USER_PW" | "$BIN" user add lisi --role staff --display 李四 --dept 政务服务中心 --db "$DB" >/dev/null
	# Real data when the shared corpus sits beside the repository (../shared):
	# a public knowledge base of laws for 政策问答 and a city's enterprise export
	# for 企业画像. Without it those pages start empty and say so.
	LAWS=../shared/corpus/laws
	if [ -d "$LAWS/行政法" ]; then
		"$BIN" kb add 政策法规 "$LAWS/行政法" "$LAWS/社会法" "$LAWS/民法典" --visibility public --db "$DB" --quiet &&
			echo "   知识库“政策法规”（公开）：行政法、社会法、民法典"
	else
		echo "   （未找到 $LAWS：知识库为空，可用 shuzhi kb add 导入）"
	fi
	ENT=../shared/corpus/enterprises-dev
	if [ -f "$ENT/enterprises.csv" ]; then
		"$BIN" enterprise import "$ENT" --db "$DB" >/dev/null 2>&1 &&
			echo "   企业数据：已导入 $ENT"
	else
		echo "   （未找到 $ENT：企业画像为空，可用 shuzhi enterprise import 导入）"
	fi
fi
echo "== 演示账号（数据库 $DB）"
echo "   管理员  admin     密码 $ADMIN_PW"
echo "   监护人  jianhu    密码 $USER_PW"
echo "   工作人员 zhangsan / lisi  密码 $USER_PW"
echo
echo "== 6. 启动服务：在浏览器中打开 http://127.0.0.1:$PORT/ （Ctrl-C 停止）"
"$BIN" serve --listen 127.0.0.1:$PORT --db "$DB" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER' INT TERM
if [ "$SEED" = 1 ]; then
	# Employees and tasks go in through the real API, as a person would.
	for _ in $(seq 1 50); do
		curl -s --noproxy '*' -o /dev/null http://127.0.0.1:$PORT/healthz && break
		sleep 0.1
	done
	python3 scripts/demo-seed.py http://127.0.0.1:$PORT "$ADMIN_PW" "$USER_PW" || echo "（演示数据未能全部写入）"
fi
wait $SERVER
