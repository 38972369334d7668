#!/usr/bin/env bash
# A client that goes away while its enterprise report (.docx) waits in the
# model gateway's queue (issue 9): the server notices the closed connection
# without writing to it, withdraws the queued call (its queue slot freed,
# nothing sent to the model, a model_usage row with status aborted) and
# writes no report. The gateway allows one stream and one waiting call
# (max_streams 1, max_queue 1): report A runs slowly on the stand-in,
# report B waits behind it and its client gives up after 2 s (curl
# --max-time 2), then report C asks while A still runs. Before the fix B
# kept the only queue place until the model reached it, so C got the rules
# analysis with 模型排队已满; now C waits for the slot and gets the model's
# prose, and the stand-in received A and C only. The server stays healthy.
# The same withdrawal for a digital employee's report task: the guardian's
# brake (pause) while its call is in flight cancels the task with the call
# aborted in its provenance and usage row.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
set_dir="$SHARED/corpus/enterprises-dev"
export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 60)
JSON=(-H 'Content-Type: application/json')
start_standin || { fail standin-start; exit 1; }
trap 'kill $STANDIN_PID 2>/dev/null; [ -n "${SERVER:-}" ] && kill $SERVER 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT

# the first 3 enterprises and their rows
ent_subset "$set_dir" "$TMP/set" 3
"$BIN" enterprise import "$TMP/set" --quiet --as-of 2025-06-30 >/dev/null 2>"$TMP/imp.err"
check entrep_gone_import [ $? = 0 ]
"$BIN" dept add 商务局 >/dev/null
printf '%s\n' "$PW" | "$BIN" user add boss --role admin --dept 商务局 >/dev/null
printf '%s\n' "$PW" | "$BIN" user add guard --role guardian --dept 商务局 >/dev/null
EID=$(sqlite3 "$SHUZHI_DB" "SELECT id FROM ent_enterprise ORDER BY ord LIMIT 1")
MODE=$TMP/mode
mode() { printf '%s\n' "$1" >"$MODE"; }
printf '总体判断：替身模型写的企业分析。\n风险与信用：替身模型认为需关注。\n' >"$TMP/reply.txt"
printf '{"model":{"base_url":"%s/v1","model":"@%s","retries":0,"retry_base_ms":10,"idle_timeout_s":60,"daily_tokens":1000000,"max_streams":1,"max_queue":1},"task_model_timeout_s":120}\n' \
	"$SURL" "$MODE" >"$TMP/cfg.json"
start_server "$TMP/serve.log" --config "$TMP/cfg.json" || exit 1
URL=http://127.0.0.1:$PORT
login() {
	"${CURL[@]}" -c "$2" "${JSON[@]}" -d "{\"username\":\"$1\",\"password\":\"$PW\"}" "$URL/api/login" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
}
CSRF=$(login boss "$TMP/a.jar")
AS=(-b "$TMP/a.jar" -H "X-CSRF-Token: $CSRF")
G_CSRF=$(login guard "$TMP/g.jar")
GS=(-b "$TMP/g.jar" -H "X-CSRF-Token: $G_CSRF")
# post NAME URL JSON [curl args]: the reply in $TMP/NAME.json, prints the status
post() {
	local n=$1 u=$2 d=$3
	shift 3
	"${CURL[@]}" "$@" "${JSON[@]}" -o "$TMP/$n.json" -w '%{http_code}' -d "$d" "$URL$u"
}
jq1() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$TMP/$1.json"; }
docx_text() { unzip -p "$1" word/document.xml | sed 's/<[^>]*>//g'; }
REPORT="$URL/api/enterprises/$EID/report.docx?as_of=2025-06-30"
analysis() { sed -n 's/^X-Shuzhi-Analysis: *\([a-z_]*\).*/\1/Ip' "$TMP/$1.h"; }
usage() { sqlite3 "$SHUZHI_DB" "SELECT COUNT(*) FROM model_usage WHERE status = '$1'"; }
sent() { if [ -f "$TMP/sent.jsonl" ]; then wc -l <"$TMP/sent.jsonl"; else echo 0; fi; }

# ---- A holds the only stream (40 tokens, 250 ms apart) ----
mode "chat:tokens=40:delay=250:reply=$TMP/reply.txt:record=$TMP/sent.jsonl"
"${CURL[@]}" "${AS[@]}" -D "$TMP/a.h" -o "$TMP/a.docx" -w '%{http_code}' "$REPORT" >"$TMP/a.st" &
AP=$!
for _ in $(seq 1 100); do [ "$(sent)" -ge 1 ] && break; sleep 0.1; done
check entrep_gone_a_streams [ "$(sent)" = 1 ]

# ---- B waits in the queue; its client gives up after 2 s ----
"${CURL[@]}" "${AS[@]}" --max-time 2 -o /dev/null "$REPORT"
check entrep_gone_b_client_gave_up [ $? = 28 ]
# the server notices the closed connection and withdraws the queued call
for _ in $(seq 1 50); do [ "$(usage aborted)" -ge 1 ] && break; sleep 0.1; done
check entrep_gone_b_usage_aborted [ "$(usage aborted)" = 1 ]
check entrep_gone_a_still_running kill -0 $AP
st=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$URL/healthz")
check entrep_gone_healthy [ "$st" = 200 ]

# ---- C takes the freed queue place and gets the model's prose ----
mode "chat:tokens=4:delay=20:reply=$TMP/reply.txt:record=$TMP/sent.jsonl"
st=$("${CURL[@]}" "${AS[@]}" -D "$TMP/c.h" -o "$TMP/c.docx" -w '%{http_code}' "$REPORT")
docx_text "$TMP/c.docx" >"$TMP/c.txt" 2>/dev/null
check entrep_gone_c_200 [ "$st" = 200 ]
check entrep_gone_c_queued_not_refused sh -c "! grep -q '排队已满' '$TMP/c.txt'"
check entrep_gone_c_model [ "$(analysis c)" = model ]
wait $AP
check entrep_gone_a_model sh -c "[ \"\$(cat '$TMP/a.st')\" = 200 ] && [ \"\$(sed -n 's/^X-Shuzhi-Analysis: *\([a-z_]*\).*/\1/Ip' '$TMP/a.h')\" = model ]"
# B never reached the model: the stand-in got A and C; B's row stays the
# only aborted one and no report was written for it
check entrep_gone_b_never_sent [ "$(sent)" = 2 ]
check entrep_gone_b_logged_gone grep -q "GET /api/enterprises/$EID/report.docx 499 " "$TMP/serve.log"
check entrep_gone_usage_rows sh -c "[ \"\$(sqlite3 '$SHUZHI_DB' \"SELECT COUNT(*) FROM model_usage\")\" = 3 ] && [ \"\$(sqlite3 '$SHUZHI_DB' \"SELECT COUNT(*) FROM model_usage WHERE status = 'done'\")\" = 2 ]"

# ---- the brake withdraws an employee's report task's call ----
DEPT=$(sqlite3 "$SHUZHI_DB" "SELECT id FROM departments WHERE name='商务局'")
USCC=$(sqlite3 "$SHUZHI_DB" "SELECT uscc FROM ent_enterprise WHERE id = $EID")
check entrep_gone_emp_create [ "$(post emp /api/employees "{\"name\":\"招商分析员\",\"guardian\":\"guard\",\"department_id\":$DEPT,\"scenarios\":[\"enterprise.report\"]}" "${AS[@]}")" = 201 ]
EMP=$(jq1 emp 'j["id"]')
check entrep_gone_emp_submit [ "$(post sub "/api/employees/$EMP/submit" '{}' "${AS[@]}")" = 200 ]
check entrep_gone_emp_approve [ "$(post apr "/api/employees/$EMP/approve" '{}' "${GS[@]}")" = 200 ]
mode "hang"
check entrep_gone_task_running [ "$(post task /api/tasks "{\"employee_id\":$EMP,\"scenario\":\"enterprise.report\",\"inputs\":{\"uscc\":\"$USCC\"}}" "${AS[@]}")" = 201 ]
T=$(jq1 task 'j["id"]')
check entrep_gone_task_state [ "$(jq1 task 'j["state"]')" = running ]
check entrep_gone_brake_pause [ "$(post pause "/api/employees/$EMP/pause" '{"reason":"输出需核查"}' "${GS[@]}")" = 200 ]
check entrep_gone_brake_cancelled [ "$(jq1 pause 'j["cancelled_tasks"]')" = 1 ]
"${CURL[@]}" "${GS[@]}" -o "$TMP/prov.json" "$URL/api/tasks/$T/provenance"
check entrep_gone_brake_provenance [ "$(jq1 prov '(lambda d: d["outcome"]=="fallback" and d["calls"][0]["status"]=="aborted" and "暂停" in d["calls"][0]["error"])([e for e in j["events"] if e["kind"]=="model"][0]["detail"])')" = True ]
check entrep_gone_brake_usage_aborted test "$(sqlite3 "$SHUZHI_DB" "SELECT COUNT(*) FROM model_usage WHERE status = 'aborted' AND employee_id = $EMP")" = 1
st=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$URL/healthz")
check entrep_gone_healthy_after [ "$st" = 200 ]
kill $SERVER
wait $SERVER 2>/dev/null
SERVER=
check entrep_gone_no_leak sh -c "! grep -q 'ERROR: LeakSanitizer\|ERROR: AddressSanitizer' '$TMP/serve.log'"
