#!/usr/bin/env bash
# The server's enterprise report (.docx) with the model (issue 9), against
# the stand-in model server: GET /api/enterprises/{id}/report.docx waits
# for the model on the event loop (the server keeps answering other
# requests meanwhile) and puts its prose under 五、分析 labelled as model
# prose (X-Shuzhi-Analysis: model); what the stand-in received has no
# legal representative or address; the call leaves a model_usage row with
# the user's department. A model error, the total time passed, the user's
# daily quota spent and the stand-in stopped each give the deterministic
# analysis with the note 模型不可用：…；本节分析改由规则生成 (rules_fallback).
# A server without a model writes the rules analysis (rules).
# A digital employee's report is a task (scenario enterprise.report,
# 企业分析报告): running while the model writes, then a draft for the
# guardian; no export before approval; the approved task exports the .docx
# with the guardian's text and the approval line; a model error drafts the
# rules analysis with model_note; no access grant: 403.
# The stand-in's model name is "@FILE": each request reads its mode from it.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
set_dir="$SHARED/corpus/enterprises-dev"
export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
CURL=(curl -s --noproxy '*' --max-time 30)
JSON=(-H 'Content-Type: application/json')
start_standin || { fail standin-start; exit 1; }
trap 'kill $STANDIN_PID 2>/dev/null; [ -n "${SERVER:-}" ] && kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT

# the first 20 enterprises and their rows
ent_subset "$set_dir" "$TMP/set" 20
"$BIN" enterprise import "$TMP/set" --quiet --as-of 2025-06-30 >/dev/null 2>"$TMP/imp.err"
check entrep_srv_import [ $? = 0 ]
"$BIN" dept add 商务局 >/dev/null
printf '%s\n' "$PW" | "$BIN" user add boss --role admin --dept 商务局 >/dev/null
printf '%s\n' "$PW" | "$BIN" user add boss2 --role admin --dept 商务局 >/dev/null
printf '%s\n' "$PW" | "$BIN" user add guard --role guardian --dept 商务局 >/dev/null
printf '%s\n' "$PW" | "$BIN" user add staff1 --role staff --dept 商务局 >/dev/null
DEPT=$(sqlite3 "$SHUZHI_DB" "SELECT id FROM departments WHERE name='商务局'")
# the enterprise with the most warnings and its legal representative
read -r EID LEGAL < <(python3 - "$SHUZHI_DB" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
rows = con.execute("SELECT e.id, e.canon, (SELECT COUNT(*) FROM ent_warning w WHERE w.uscc = e.uscc)"
                   " FROM ent_enterprise e ORDER BY e.ord").fetchall()
best = max(rows, key=lambda r: r[2])
f = best[1].split("\x1f")
print(best[0], (f[10] if len(f) > 10 else "") or "-")
EOF
)
MODE=$TMP/mode
mode() { printf '%s\n' "$1" >"$MODE"; }
printf '总体判断：替身模型写的企业分析。\n风险与信用：替身模型认为需关注。\n' >"$TMP/reply.txt"
printf '{"model":{"base_url":"%s/v1","model":"@%s","retries":0,"retry_base_ms":10,"idle_timeout_s":60,"daily_tokens":1000000},"task_model_timeout_s":2}\n' \
	"$SURL" "$MODE" >"$TMP/cfg.json"
start_server "$TMP/serve.log" --config "$TMP/cfg.json" || exit 1
URL=http://127.0.0.1:$PORT
login() {
	"${CURL[@]}" -c "$2" "${JSON[@]}" -d "{\"username\":\"$1\",\"password\":\"$PW\"}" "$URL/api/login" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
}
A_CSRF=$(login boss "$TMP/a.jar")
B_CSRF=$(login boss2 "$TMP/b.jar")
G_CSRF=$(login guard "$TMP/g.jar")
S_CSRF=$(login staff1 "$TMP/s.jar")
AS=(-b "$TMP/a.jar" -H "X-CSRF-Token: $A_CSRF")
BS=(-b "$TMP/b.jar" -H "X-CSRF-Token: $B_CSRF")
GS=(-b "$TMP/g.jar" -H "X-CSRF-Token: $G_CSRF")
SS=(-b "$TMP/s.jar" -H "X-CSRF-Token: $S_CSRF")
docx_text() { unzip -p "$1" word/document.xml | sed 's/<[^>]*>//g'; }
# report NAME [curl args]: the report of $EID into $TMP/NAME.docx, its
# headers in $TMP/NAME.h, its text in $TMP/NAME.txt; prints the status
report() {
	local n=$1
	shift
	"${CURL[@]}" -D "$TMP/$n.h" -o "$TMP/$n.docx" -w '%{http_code}' "$@" "$URL/api/enterprises/$EID/report.docx?as_of=2025-06-30"
	docx_text "$TMP/$n.docx" >"$TMP/$n.txt" 2>/dev/null
}
analysis() { sed -n 's/^X-Shuzhi-Analysis: *\([a-z_]*\).*/\1/Ip' "$TMP/$1.h"; }

# ---- the model writes the analysis; the loop stays free meanwhile ----
mode "chat:tokens=6:delay=150:reply=$TMP/reply.txt:record=$TMP/sent.jsonl"
report m "${AS[@]}" >"$TMP/m.st" &
RP=$!
sleep 0.5
st=$("${CURL[@]}" -o "$TMP/h.json" -w '%{http_code}' "$URL/healthz")
check entrep_srv_loop_free_while_model_writes sh -c "[ '$st' = 200 ] && kill -0 $RP 2>/dev/null"
wait $RP
check entrep_srv_model_200 [ "$(cat "$TMP/m.st")" = 200 ]
check entrep_srv_model_header [ "$(analysis m)" = model ]
check entrep_srv_model_prose sh -c "grep -q '替身模型写的企业分析' '$TMP/m.txt' && grep -q '由大模型依据上文数据撰写' '$TMP/m.txt'"
check entrep_srv_model_keeps_facts sh -c "grep -q '创新型中小企业评价' '$TMP/m.txt' && grep -q '评级' '$TMP/m.txt'"
check entrep_srv_prompt_sent_once [ "$(wc -l <"$TMP/sent.jsonl")" = 1 ]
check entrep_srv_prompt_has_figures grep -q 'scorecard' "$TMP/sent.jsonl"
check entrep_srv_prompt_no_legal_rep sh -c "[ '$LEGAL' = - ] || ! grep -qF '$LEGAL' '$TMP/sent.jsonl'"
check entrep_srv_prompt_no_reasoning_in_doc sh -c "! grep -q 'think' '$TMP/m.txt'"
check entrep_srv_usage_row test "$(sqlite3 "$SHUZHI_DB" "SELECT COUNT(*) FROM model_usage u JOIN users s ON s.id = u.user_id WHERE s.username = 'boss' AND u.status = 'done' AND u.department_id = $DEPT AND IFNULL(u.employee_id, 0) = 0")" = 1
check entrep_srv_audited test "$(sqlite3 "$SHUZHI_DB" "SELECT COUNT(*) FROM audit_log WHERE action = 'enterprise.report'")" -ge 1

# ---- a model error ----
mode "err-500"
st=$(report e "${AS[@]}")
check entrep_srv_error_falls_back sh -c "[ '$st' = 200 ] && [ \"\$(sed -n 's/^X-Shuzhi-Analysis: *\([a-z_]*\).*/\1/Ip' '$TMP/e.h')\" = rules_fallback ] && grep -q '模型不可用' '$TMP/e.txt' && grep -q '改由规则生成' '$TMP/e.txt' && ! grep -q '替身' '$TMP/e.txt' && grep -q '综合判断' '$TMP/e.txt'"
check entrep_srv_error_usage_row test "$(sqlite3 "$SHUZHI_DB" "SELECT COUNT(*) FROM model_usage WHERE status = 'error'")" = 1

# ---- the total time passes (2 s) ----
mode "hang"
st=$(report t "${AS[@]}")
check entrep_srv_timeout_falls_back sh -c "[ '$st' = 200 ] && grep -q '2 秒内未完成' '$TMP/t.txt' && grep -q '综合判断' '$TMP/t.txt'"
check entrep_srv_timeout_usage_aborted test "$(sqlite3 "$SHUZHI_DB" "SELECT COUNT(*) FROM model_usage WHERE status = 'aborted'")" = 1

# ---- the user's daily quota spent: no call ----
mode "chat:reply=$TMP/reply.txt:record=$TMP/sent.jsonl"
BOSS2=$(sqlite3 "$SHUZHI_DB" "SELECT id FROM users WHERE username = 'boss2'")
sqlite3 "$SHUZHI_DB" "INSERT INTO model_usage (ts, user_id, provider, model, status, prompt_tokens) VALUES ($(date +%s)000, $BOSS2, 'x', 'x', 'done', 2000000)"
st=$(report q "${BS[@]}")
check entrep_srv_quota_falls_back sh -c "[ '$st' = 200 ] && grep -q '模型不可用' '$TMP/q.txt' && grep -q '上限' '$TMP/q.txt' && ! grep -q '替身' '$TMP/q.txt'"
check entrep_srv_quota_no_call [ "$(wc -l <"$TMP/sent.jsonl")" = 1 ]
# the other user still gets the model
st=$(report m2 "${AS[@]}")
check entrep_srv_other_user_model sh -c "[ '$st' = 200 ] && grep -q '替身模型写的企业分析' '$TMP/m2.txt'"

# ---- a digital employee's report: a task the guardian reviews ----
# req NAME WANT COND [curl args]: status WANT and the Python condition on j
req() {
	local name=$1 want=$2 cond=$3 status
	shift 3
	status=$("${CURL[@]}" -o "$TMP/body" -w '%{http_code}' "$@")
	if [ "$status" != "$want" ]; then fail "$name" "status $status, want $want: $(head -c 300 "$TMP/body")"; return; fi
	if [ -n "$cond" ] && ! python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($cond) else 1)" "$TMP/body" 2>/dev/null; then
		fail "$name" "body: $(head -c 600 "$TMP/body")"; return
	fi
	ok "$name"
}
val() { python3 -c "import json,sys; j=json.load(open('$TMP/body')); print($1)"; }
wait_task() { # ID: until not running; the task in $TMP/body
	for _ in $(seq 1 150); do
		"${CURL[@]}" "${AS[@]}" -o "$TMP/body" "$URL/api/tasks/$1"
		grep -q '"state":"running"' "$TMP/body" || return 0
		sleep 0.2
	done
	return 1
}
req entrep_task_catalog 200 'any(s["id"]=="enterprise.report" and s["name"]=="企业分析报告" for s in j["scenarios"])' "${AS[@]}" "$URL/api/scenarios"
req entrep_task_emp_create 201 '' "${AS[@]}" "${JSON[@]}" -d "{\"name\":\"招商分析员\",\"guardian\":\"guard\",\"department_id\":$DEPT,\"scenarios\":[\"enterprise.report\"]}" "$URL/api/employees"
EMP=$(val 'j["id"]')
req entrep_task_acceptance_passes 200 'j["acceptance"]["passed"]' "${AS[@]}" "${JSON[@]}" -d '{}' "$URL/api/employees/$EMP/submit"
req entrep_task_emp_approve 200 '' "${GS[@]}" "${JSON[@]}" -d '{}' "$URL/api/employees/$EMP/approve"
USCC=$(sqlite3 "$SHUZHI_DB" "SELECT uscc FROM ent_enterprise WHERE id = $EID")
mode "chat:tokens=4:delay=100:reply=$TMP/reply.txt:record=$TMP/sent.jsonl"
req entrep_task_running 201 'j["state"]=="running"' "${AS[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enterprise.report\",\"inputs\":{\"uscc\":\"$USCC\",\"as_of\":\"2025-06-30\"}}" "$URL/api/tasks"
T1=$(val 'j["id"]')
check entrep_task_drafted wait_task "$T1"
check entrep_task_model_draft python3 -c '
import json,sys; t=json.load(open(sys.argv[1]))["task"]
assert t["state"]=="draft", t["state"]
assert "替身模型写的企业分析" in t["result"]["text"] and t["result"]["path"]=="model", t["result"]["text"]
assert t["result"]["profile"]["uscc"]==sys.argv[2]' "$TMP/body" "$USCC"
check entrep_task_usage_for_employee test "$(sqlite3 "$SHUZHI_DB" "SELECT COUNT(*) FROM model_usage WHERE employee_id = $EMP AND status = 'done' AND department_id = $DEPT")" = 1
req entrep_task_provenance_model 200 '[e["detail"]["outcome"] for e in j["events"] if e["kind"]=="model"]==["model"]' "${GS[@]}" "$URL/api/tasks/$T1/provenance"
req entrep_task_export_before_review_409 409 '' "${AS[@]}" "$URL/api/tasks/$T1/export?format=docx"
req entrep_task_requester_cannot_approve 403 '' "${AS[@]}" "${JSON[@]}" -d '{"decision":"approve"}' "$URL/api/tasks/$T1/decide"
req entrep_task_guardian_edits 200 '' "${GS[@]}" "${JSON[@]}" -d '{"text":"总体判断：监护人改定的分析。"}' "$URL/api/tasks/$T1/edit"
req entrep_task_guardian_approves 200 '' "${GS[@]}" "${JSON[@]}" -d '{"decision":"approve"}' "$URL/api/tasks/$T1/decide"
st=$("${CURL[@]}" "${AS[@]}" -o "$TMP/t1.docx" -w '%{http_code}' "$URL/api/tasks/$T1/export?format=docx")
docx_text "$TMP/t1.docx" >"$TMP/t1.txt" 2>/dev/null
check entrep_task_export_docx sh -c "[ '$st' = 200 ] && grep -q '监护人改定的分析' '$TMP/t1.txt' && grep -q '审核通过' '$TMP/t1.txt' && grep -q '创新型中小企业评价' '$TMP/t1.txt' && grep -q '由大模型依据上文数据撰写' '$TMP/t1.txt' && ! grep -q '替身模型写的企业分析' '$TMP/t1.txt'"
check entrep_task_export_docx_valid sh -c "/usr/bin/python3 tests/tools/validate_ooxml.py --xsd '$SHARED/ooxml-xsd' '$TMP/t1.docx' >/dev/null"
mode "err-500"
req entrep_task_error_running 201 '' "${AS[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enterprise.report\",\"inputs\":{\"uscc\":\"$USCC\"}}" "$URL/api/tasks"
T2=$(val 'j["id"]')
check entrep_task_error_drafted wait_task "$T2"
check entrep_task_error_fallback python3 -c '
import json,sys; t=json.load(open(sys.argv[1]))["task"]
assert t["state"]=="draft" and "模型不可用" in t["result"]["model_note"] and "综合判断" in t["result"]["text"] and "替身" not in t["result"]["text"], t' "$TMP/body"
req entrep_task_not_granted_403 403 '' "${SS[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enterprise.report\",\"inputs\":{\"uscc\":\"$USCC\"}}" "$URL/api/tasks"
req entrep_task_bad_code_400 400 '' "${AS[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enterprise.report\",\"inputs\":{\"uscc\":\"123\"}}" "$URL/api/tasks"
req entrep_task_unknown_code_404 404 '' "${AS[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enterprise.report\",\"inputs\":{\"uscc\":\"91000000000000000X\"}}" "$URL/api/tasks"
check entrep_task_two_tasks_stored sh -c "[ \"\$(sqlite3 '$SHUZHI_DB' \"SELECT COUNT(*) FROM tasks WHERE scenario = 'enterprise.report'\")\" = 2 ]"

# ---- the model server down ----
kill $STANDIN_PID 2>/dev/null
wait $STANDIN_PID 2>/dev/null
st=$(report d "${AS[@]}")
check entrep_srv_outage_falls_back sh -c "[ '$st' = 200 ] && grep -q '模型不可用' '$TMP/d.txt' && grep -q '综合判断' '$TMP/d.txt'"
check entrep_srv_outage_docx_valid /usr/bin/python3 tests/tools/validate_ooxml.py --xsd "$SHARED/ooxml-xsd" "$TMP/d.docx" >/dev/null
kill $SERVER
wait $SERVER 2>/dev/null
check entrep_srv_no_sanitizer_report sh -c "! grep -q 'Sanitizer' '$TMP/serve.log'"

# ---- no model configured ----
start_server "$TMP/serve2.log" || exit 1
URL=http://127.0.0.1:$PORT
A_CSRF=$(login boss "$TMP/a.jar")
AS=(-b "$TMP/a.jar" -H "X-CSRF-Token: $A_CSRF")
st=$(report r "${AS[@]}")
req entrep_task_no_model_draft 201 'j["state"]=="draft"' "${AS[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enterprise.report\",\"inputs\":{\"uscc\":\"$USCC\"}}" "$URL/api/tasks"
T3=$(val 'j["id"]')
req entrep_task_no_model_rules 200 'j["task"]["result"]["analysis"]=="rules" and "综合判断" in j["task"]["text"] and "model_note" not in j["task"]["result"]' "${AS[@]}" "$URL/api/tasks/$T3"
check entrep_srv_no_model_rules sh -c "[ '$st' = 200 ] && [ \"\$(sed -n 's/^X-Shuzhi-Analysis: *\([a-z_]*\).*/\1/Ip' '$TMP/r.h')\" = rules ] && grep -q '由规则生成，未使用大模型' '$TMP/r.txt'"
kill $SERVER
wait $SERVER 2>/dev/null
SERVER=
