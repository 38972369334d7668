#!/usr/bin/env bash
# Task files in a real browser (tests/browser/tasks.test.mjs): users made
# with the CLI, a live 执法文书 employee made over the API, then the staff
# member uploads a 询问笔录 in the task form and the guardian approves and
# exports it.
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
start_server "$LOG" --login-burst 30 || exit 1
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
EMP=$(api admin POST /api/employees '{"name":"执法文书助理","guardian":"guard","scenarios":["enforce-notice","enforce-decision"]}' |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
api admin POST "/api/employees/$EMP/submit" '{}' >/dev/null
api guard POST "/api/employees/$EMP/approve" '{}' >"$TMP/approve.json"
check employee-live grep -q '"ok"' "$TMP/approve.json"
cp tests/data/transcripts/h02.txt "$TMP/询问笔录.txt"
export SHUZHI_TRANSCRIPT=$TMP/询问笔录.txt
run_browser tests/browser/tasks.test.mjs
kill -TERM "$SERVER"
wait "$SERVER"
check server-clean-exit test $? -eq 0
