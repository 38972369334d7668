#!/usr/bin/env bash
# 知识库 and the portal's streamed answer in a real browser
# (tests/browser/kb.test.mjs): the admin creates a kb, uploads a document
# and sees it listed; the portal shows results at once and the stand-in
# model's answer streaming in, a citation opens its article; then, with the
# stand-in stopped, the labelled extractive answer.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
printf '%s\n' "$PW" | "$BIN" user add admin --role admin >/dev/null
STANDIN=${SHUZHI_STANDIN:-build/standin}
[ -x "$STANDIN" ] || make -s build/standin >/dev/null
"$STANDIN" >"$TMP/standin.out" 2>&1 &
STANDIN_PID=$!
for _ in $(seq 1 50); do
	SP=$(awk '/listening on/{print $4}' "$TMP/standin.out")
	[ -n "$SP" ] && break
	sleep 0.1
done
trap 'kill $STANDIN_PID ${SERVER:-} 2>/dev/null; rm -rf "$TMP"' EXIT
# a slow answer (300 ms a token): the page must show the results before it ends
printf '{"model":{"base_url":"http://127.0.0.1:%s/v1","model":"cite:tokens=9:delay=300","retries":1,"retry_base_ms":10}}\n' "$SP" >"$TMP/serve.json"
start_server "$TMP/serve.log" --config "$TMP/serve.json" --login-burst 30 || exit 1
cat >"$TMP/办事指南.md" <<'MD'
# 企业开办一网通办服务指南

政办发〔2024〕17号

第一条 企业开办实行一网通办，申请人通过政务服务平台一次提交营业执照、公章刻制、涉税事项和社保登记材料。

第二条 企业开办全流程办理时限不超过一个工作日，材料齐全的当场办结。
MD
export KB_DOC=$TMP/办事指南.md
KB_PHASE=main run_browser tests/browser/kb.test.mjs
kill $STANDIN_PID
wait $STANDIN_PID 2>/dev/null
KB_PHASE=outage run_browser tests/browser/kb.test.mjs
check audit-chain-intact-after "$BIN" audit verify --db "$SHUZHI_DB"
kill -TERM "$SERVER"
wait "$SERVER"
check server-clean-exit test $? -eq 0
SERVER=
