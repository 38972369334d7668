#!/usr/bin/env bash
# make run's script end to end on a temporary database and port: the CLI
# demonstration runs, the server starts, the demo data goes in through the
# API (employees with a guardian, finished tasks), and Ctrl-C stops it.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SHUZHI_DEMO_DB=$TMP/demo.db SHUZHI_DEMO_PORT=$PORT bash scripts/demo.sh "$BIN" >"$TMP/demo.out" 2>&1 &
DEMO=$!
# The demo ingests laws and imports enterprises (sanitizer build): wait for
# it as long as it runs, up to 10 minutes.
for _ in $(seq 1 6000); do
	grep -q '演示数据：' "$TMP/demo.out" && break
	kill -0 "$DEMO" 2>/dev/null || break
	sleep 0.1
done
check demo-cli-part grep -q '复查修正后的文件' "$TMP/demo.out"
check demo-seeded grep -q '演示数据：2 名数智员工' "$TMP/demo.out"
check demo-db-has-employees bash -c "[ \"\$(sqlite3 '$TMP/demo.db' \"SELECT count(*) FROM employees WHERE state='active'\")\" = 2 ]"
check demo-db-has-finished-tasks bash -c "[ \"\$(sqlite3 '$TMP/demo.db' \"SELECT count(*) FROM tasks WHERE state='approved'\")\" = 2 ]"
if [ -d "$SHARED/corpus/laws/行政法" ] && [ "$(cd "$SHARED" && pwd)" = "$(cd ../shared 2>/dev/null && pwd)" ]; then
	check demo-db-has-public-kb bash -c "[ \"\$(sqlite3 '$TMP/demo.db' \"SELECT count(*) FROM kb_doc\")\" -gt 100 ]"
	check demo-db-has-enterprises bash -c "[ \"\$(sqlite3 '$TMP/demo.db' \"SELECT count(*) FROM ent_enterprise\")\" -gt 100 ]"
fi
check demo-serves curl -sf --noproxy '*' -o /dev/null "http://127.0.0.1:$PORT/healthz"
kill -TERM "$DEMO" # (SIGINT is ignored by background jobs of a script)
wait "$DEMO"
check demo-stops-cleanly bash -c "! curl -sf --noproxy '*' -o /dev/null 'http://127.0.0.1:$PORT/healthz'"
