#!/usr/bin/env bash
# Task files in a real browser (tests/browser/tasks.test.mjs): users made
# with the CLI, a live 执法文书 employee made over the API, then the staff
# member uploads a 询问笔录 in the task form and the guardian approves and
# exports it; the guardian also sees a task drafted by the stand-in model
# and one still 生成中.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
LOG=$TMP/serve.log
CURL=(curl -s --noproxy '*' --max-time 30)
for u in "admin admin" "guard guardian" "staff1 staff"; do
	set -- $u
	printf '%s\n' "$PW" | "$BIN" user add "$1" --role "$2" >/dev/null || fail "user-add-$1"
done
# The stand-in model; its mode is read from $MODE at each request.
start_standin || { fail standin-start; exit 1; }
trap 'kill $STANDIN_PID 2>/dev/null; [ -n "${SERVER:-}" ] && kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
MODE=$TMP/mode
printf '{"model":{"base_url":"%s/v1","model":"@%s","retries":0}}\n' "$SURL" "$MODE" >"$TMP/cfg.json"
start_server "$LOG" --config "$TMP/cfg.json" --login-burst 30 || exit 1
URL=http://127.0.0.1:$PORT
# api USER METHOD PATH [JSON]: prints the reply body
api() {
	local csrf
	csrf=$("${CURL[@]}" -c "$TMP/$1.jar" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$PW\"}" "$URL/api/login" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
	"${CURL[@]}" -b "$TMP/$1.jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
		-X "$2" ${4:+-d "$4"} "$URL$3"
}
EMP=$(api admin POST /api/employees '{"name":"执法文书助理","guardian":"guard","scenarios":["enforce-notice","enforce-decision","gongwen-baogao"]}' |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
api admin POST "/api/employees/$EMP/submit" '{}' >/dev/null
api guard POST "/api/employees/$EMP/approve" '{}' >"$TMP/approve.json"
check employee-live grep -q '"ok"' "$TMP/approve.json"
cp tests/data/transcripts/h02.txt "$TMP/询问笔录.txt"
export SHUZHI_TRANSCRIPT=$TMP/询问笔录.txt
# A 报告 written by the model (drafted before the browser starts) and one
# left waiting (the stand-in never answers).
printf '全市安全生产形势总体平稳，替身模型撰写此段。\n' >"$TMP/reply.txt"
printf 'deepseek:tokens=3:reply=%s\n' "$TMP/reply.txt" >"$MODE"
TASK_JSON=$(python3 -c 'import json,sys; print(json.dumps({"employee_id": int(sys.argv[1]), "scenario": "gongwen-baogao", "inputs": json.load(open("scenarios/公文处理/gongwen-baogao.json"))["samples"][0]["input"]}, ensure_ascii=False))' "$EMP")
export SHUZHI_MODEL_TASK=$(api staff1 POST /api/tasks "$TASK_JSON" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for _ in $(seq 1 100); do
	api staff1 GET "/api/tasks/$SHUZHI_MODEL_TASK" | grep -q '"state":"draft"' && break
	sleep 0.3
done
printf 'hang\n' >"$MODE"
export SHUZHI_RUNNING_TASK=$(api staff1 POST /api/tasks "$TASK_JSON" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
run_browser tests/browser/tasks.test.mjs
kill -TERM "$SERVER"
wait "$SERVER"
check server-clean-exit test $? -eq 0
