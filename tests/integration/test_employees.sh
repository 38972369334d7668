#!/usr/bin/env bash
# Digital employees over HTTP: create an employee with a guardian, run its
# 上岗考核, take it live, run a task (公文格式校对 on a real text), review
# it as the guardian (edit, approve), export, provenance, the brake, the
# object-level permissions and the metrics.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
LOG=$TMP/serve.log
CURL=(curl -s --noproxy '*' --max-time 30)
for u in "admin admin" "guard guardian" "guard2 guardian" "staff1 staff" "staff2 staff" "aud auditor"; do
	set -- $u
	printf '%s\n' "$PW" | "$BIN" user add "$1" --role "$2" >/dev/null || fail "user-add-$1"
done
start_server "$LOG" --login-burst 30 || exit 1
URL=http://127.0.0.1:$PORT
JSON=(-H 'Content-Type: application/json')

# as USER: sets H (curl args with cookie, JSON and CSRF) for that user
declare -A JAR CSRF
for u in admin guard guard2 staff1 staff2 aud; do
	CSRF[$u]=$("${CURL[@]}" -c "$TMP/$u.jar" "${JSON[@]}" -d "{\"username\":\"$u\",\"password\":\"$PW\"}" "$URL/api/login" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
done
as() { H=(-b "$TMP/$1.jar" "${JSON[@]}" -H "X-CSRF-Token: ${CSRF[$1]}"); }
# req NAME WANT COND CURL_ARGS...
req() {
	local name=$1 want=$2 cond=$3 status
	shift 3
	status=$("${CURL[@]}" -o "$TMP/body" -w '%{http_code}' "$@")
	if [ "$status" != "$want" ]; then fail "$name" "status $status, want $want: $(head -c 300 "$TMP/body")"; return; fi
	if [ -n "$cond" ] && ! python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($cond) else 1)" "$TMP/body" 2>/dev/null; then
		fail "$name" "body: $(head -c 400 "$TMP/body")"; return
	fi
	ok "$name"
}
val() { python3 -c "import json,sys; j=json.load(open('$TMP/body')); print($1)"; }

as admin
req scenario-catalog 200 'any(s["id"]=="gongwen.check" and s["samples"] for s in j["scenarios"])' "${H[@]}" "$URL/api/scenarios"
req employee-needs-guardian 400 '"监护人" in j["error"]["message"]' "${H[@]}" -d '{"name":"公文校对员"}' "$URL/api/employees"
req employee-guardian-role 400 '"监护人角色" in j["error"]["message"]' "${H[@]}" -d '{"name":"公文校对员","guardian":"staff1"}' "$URL/api/employees"
req employee-create 201 'j["id"]>0' "${H[@]}" -d '{"name":"公文校对员","guardian":"guard","deputy":"guard2","description":"按国标校对公文格式","scenarios":["gongwen.check"],"minutes_saved":25}' "$URL/api/employees"
EMP=$(val 'j["id"]')
as staff1
req staff-cannot-create-employee 403 '' "${H[@]}" -d '{"name":"x","guardian":"guard"}' "$URL/api/employees"
req staff-task-on-draft-employee-409 409 '"草稿" in j["error"]["message"]' "${H[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"gongwen.check\",\"inputs\":{\"text\":\"x\"}}" "$URL/api/tasks"
as guard
req guardian-cannot-approve-draft 409 '"草稿" in j["error"]["message"]' "${H[@]}" -d '{}' "$URL/api/employees/$EMP/approve"
as admin
req acceptance-run 200 'j["acceptance"]["passed"] is True and len(j["acceptance"]["results"])==2 and all(c["ok"] for r in j["acceptance"]["results"] for c in r["checks"])' "${H[@]}" -d '{}' "$URL/api/employees/$EMP/submit"
req admin-cannot-approve 403 '' "${H[@]}" -d '{}' "$URL/api/employees/$EMP/approve"
as guard2
req deputy-can-see-pending 200 'j["employee"]["state"]=="pending" and j["employee"]["acceptance"]["passed"] and j["employee"]["mine"]' "${H[@]}" "$URL/api/employees/$EMP"
as guard
req guardian-approves 200 '' "${H[@]}" -d '{}' "$URL/api/employees/$EMP/approve"
req employee-active 200 'j["employee"]["state"]=="active" and j["employee"]["state_zh"]=="在岗"' "${H[@]}" "$URL/api/employees/$EMP"

# A task: staff1 asks for 公文格式校对 of a text with errors.
TEXT='关于做好2025年防汛工作的通知\n各区人民政府:\n为切实做好防汛工作,现通知如下.\n1、提高思想认识\n2025年5月6日'
as staff1
req task-unknown-scenario 400 '' "${H[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"no.such\",\"inputs\":{}}" "$URL/api/tasks"
req task-run 201 'j["state"]=="draft"' "${H[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"gongwen.check\",\"inputs\":{\"text\":\"$TEXT\"}}" "$URL/api/tasks"
TASK=$(val 'j["id"]')
req task-draft-has-findings 200 'j["task"]["state"]=="draft" and "GW-PUNC-001" in j["task"]["text"] and j["task"]["result"]["validators"][0]["ok"] is False and not j["task"]["can_review"]' "${H[@]}" "$URL/api/tasks/$TASK"
req task-empty-input-refused 400 '"公文全文" in j["error"]["message"]' "${H[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"gongwen.check\",\"inputs\":{\"text\":\"\"}}" "$URL/api/tasks"
req staff-cannot-decide 403 '' "${H[@]}" -d '{"decision":"approve"}' "$URL/api/tasks/$TASK/decide"
req staff-cannot-export-unapproved 409 '' "${H[@]}" "$URL/api/tasks/$TASK/export"
as staff2
req other-staff-cannot-see-task 404 '' "${H[@]}" "$URL/api/tasks/$TASK"
req other-staff-list-excludes 200 'all(t["id"]!='"$TASK"' for t in j["tasks"])' "${H[@]}" "$URL/api/tasks"
as guard
req guardian-queue 200 'j["scope"]=="queue" and any(t["id"]=='"$TASK"' and t["state"]=="draft" for t in j["tasks"])' "${H[@]}" "$URL/api/tasks?scope=queue&state=draft"
req guardian-notified 200 'any(n["task_id"]=='"$TASK"' and "等待您审核" in n["message"] for n in j["notifications"])' "${H[@]}" "$URL/api/notifications"
req guardian-sees-task 200 'j["task"]["can_review"] is True' "${H[@]}" "$URL/api/tasks/$TASK"
EDITED=$(val 'json.dumps(j["task"]["text"] + "\n监护人补充：请起草人按上述问题修改。")')
req guardian-edits 200 '' "${H[@]}" -d "{\"text\":$EDITED}" "$URL/api/tasks/$TASK/edit"
req guardian-reject-needs-reason 400 '' "${H[@]}" -d '{"decision":"reject"}' "$URL/api/tasks/$TASK/decide"
req guardian-approves-task 200 '' "${H[@]}" -d '{"decision":"approve"}' "$URL/api/tasks/$TASK/decide"
req approved-twice-409 409 '' "${H[@]}" -d '{"decision":"approve"}' "$URL/api/tasks/$TASK/decide"
as guard2
req other-guardian-not-reviewer 200 'j["task"]["state"]=="approved"' "${H[@]}" "$URL/api/tasks/$TASK"
as staff1
req staff-notified-of-decision 200 'any(n["task_id"]=='"$TASK"' and "通过" in n["message"] for n in j["notifications"])' "${H[@]}" "$URL/api/notifications"
"${CURL[@]}" "${H[@]}" -D "$TMP/exp.h" -o "$TMP/export.txt" "$URL/api/tasks/$TASK/export"
check export-records-approver bash -c "grep -q '监护人 guard' '$TMP/export.txt' && grep -q '监护人补充' '$TMP/export.txt' && grep -qi 'content-disposition: attachment' '$TMP/exp.h'"
"${CURL[@]}" "${H[@]}" -o "$TMP/export.docx" "$URL/api/tasks/$TASK/export?format=docx"
check export-docx-valid bash -c "/usr/bin/python3 tests/tools/validate_ooxml.py --xsd '$SHARED/ooxml-xsd' '$TMP/export.docx' >/dev/null"
check export-docx-approver bash -c "unzip -p '$TMP/export.docx' word/document.xml | grep -q '监护人 guard'"
req export-bad-format-400 400 '' "${H[@]}" "$URL/api/tasks/$TASK/export?format=pdf"
req provenance-timeline 200 'j["intact"] is True and [e["kind"] for e in j["events"]]==["create","draft","edit","approve","export","export"] and all(e["anchored"] for e in j["events"]) and any(l["op"]=="+" for l in j["events"][2]["detail"]["diff"])' "${H[@]}" "$URL/api/tasks/$TASK/provenance"
as aud
req auditor-reads-provenance 200 'j["intact"] is True' "${H[@]}" "$URL/api/tasks/$TASK/provenance"
as staff1
req task-with-personal-data 201 '' "${H[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"gongwen.check\",\"inputs\":{\"text\":\"关于张三同志的情况报告\\n联系电话：13812345678\"}}" "$URL/api/tasks"
PTASK=$(val 'j["id"]')
req requester-sees-originals 200 '"13812345678" in j["task"]["inputs"]["text"] and "inputs_masked" not in j["task"]' "${H[@]}" "$URL/api/tasks/$PTASK"
as aud
req auditor-sees-masked-inputs 200 '"13812345678" not in json.dumps(j["task"]["inputs"], ensure_ascii=False) and j["task"]["inputs_masked"]' "${H[@]}" "$URL/api/tasks/$PTASK"
req auditor-provenance-masked 200 '"13812345678" not in json.dumps(j["events"][0]["detail"]["inputs"], ensure_ascii=False) and j["intact"]' "${H[@]}" "$URL/api/tasks/$PTASK/provenance"
req auditor-cannot-run-task 403 '' "${H[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"gongwen.check\",\"inputs\":{\"text\":\"x\"}}" "$URL/api/tasks"
req metrics 200 'j["by_employee"][0]["name"]=="公文校对员" and j["by_employee"][0]["approved"]==1 and j["by_employee"][0]["acceptance_rate"]==1.0 and abs(j["by_employee"][0]["hours_saved"]-25/60)<1e-6 and j["guardians"][0]["name"]=="guard"' "${H[@]}" "$URL/api/metrics"
"${CURL[@]}" "${H[@]}" -o "$TMP/metrics.csv" "$URL/api/metrics.csv"
check metrics-csv bash -c "grep -q '^数智员工,公文校对员,2,1,1,0,0,0,1.000' <(sed '1s/^\xEF\xBB\xBF//' '$TMP/metrics.csv')"
as staff1
req staff-no-metrics 403 '' "${H[@]}" "$URL/api/metrics"

# A library scenario (scenarios/…): its samples are the 上岗考核, and a task
# runs its template path; the 公文 draft comes back with the validators.
as admin
req lib-employee-create 201 '' "${H[@]}" -d '{"name":"公文起草员","guardian":"guard","scenarios":["gongwen-tongzhi","gongwen-qingshi"]}' "$URL/api/employees"
LEMP=$(val 'j["id"]')
req lib-acceptance 200 'j["acceptance"]["passed"] and {r["scenario"] for r in j["acceptance"]["results"]}=={"gongwen-tongzhi","gongwen-qingshi"}' "${H[@]}" -d '{}' "$URL/api/employees/$LEMP/submit"
as guard
req lib-approve 200 '' "${H[@]}" -d '{}' "$URL/api/employees/$LEMP/approve"
SAMPLE=$(python3 -c 'import json; print(json.dumps(json.load(open("scenarios/公文处理/gongwen-tongzhi.json"))["samples"][0]["input"], ensure_ascii=False))')
as staff1
req lib-task-run 201 'j["state"]=="draft"' "${H[@]}" -d "{\"employee_id\":$LEMP,\"scenario\":\"gongwen-tongzhi\",\"inputs\":$SAMPLE}" "$URL/api/tasks"
LTASK=$(val 'j["id"]')
req lib-task-draft 200 '"特此通知" in j["task"]["text"] and j["task"]["result"]["kind"]=="docx" and j["task"]["result"]["validators"][0]["ok"]' "${H[@]}" "$URL/api/tasks/$LTASK"
req lib-task-bad-input 400 '"输入不符合要求" in j["error"]["message"] or "发文字号" in j["error"]["message"]' "${H[@]}" -d "{\"employee_id\":$LEMP,\"scenario\":\"gongwen-tongzhi\",\"inputs\":{\"doc_no\":\"x\"}}" "$URL/api/tasks"

# 执法文书 from a transcript: extraction + draft, blanks left for the officer.
as admin
req enf-employee-create 201 '' "${H[@]}" -d '{"name":"执法文书助理","guardian":"guard","scenarios":["enforce-notice","enforce-decision"]}' "$URL/api/employees"
EEMP=$(val 'j["id"]')
req enf-acceptance 200 'j["acceptance"]["passed"] and len(j["acceptance"]["results"])==2' "${H[@]}" -d '{}' "$URL/api/employees/$EEMP/submit"
as guard
req enf-approve 200 '' "${H[@]}" -d '{}' "$URL/api/employees/$EEMP/approve"
TRANSCRIPT=$(python3 -c 'import json; print(json.dumps(open("tests/data/transcripts/h01.txt", encoding="utf-8").read(), ensure_ascii=False))')
as staff1
req enf-task 201 'j["state"]=="draft"' "${H[@]}" -d "{\"employee_id\":$EEMP,\"scenario\":\"enforce-notice\",\"inputs\":{\"transcript\":$TRANSCRIPT}}" "$URL/api/tasks"
ETASK=$(val 'j["id"]')
req enf-draft 200 '"成都锦程餐饮管理有限公司" in j["task"]["text"] and "〔待填写" in j["task"]["text"] and "陈述" in j["task"]["text"] and j["task"]["result"]["extract"]["party"]["uscc"]=="91510107MANJWHY462"' "${H[@]}" "$URL/api/tasks/$ETASK"
req enf-empty-transcript-400 400 '"笔录" in j["error"]["message"]' "${H[@]}" -d "{\"employee_id\":$EEMP,\"scenario\":\"enforce-notice\",\"inputs\":{\"transcript\":\"\"}}" "$URL/api/tasks"

# Versions: a change sends an active employee back to 待上岗.
as admin
req employee-update-new-version 200 '' "${H[@]}" -d '{"description":"按国标校对公文格式，并给出修改建议"}' "$URL/api/employees/$EMP"
req employee-back-to-pending 200 'j["employee"]["state"]=="pending" and j["employee"]["version"]==2 and len(j["employee"]["versions"])==2' "${H[@]}" "$URL/api/employees/$EMP"
req resubmit 200 'j["acceptance"]["passed"]' "${H[@]}" -d '{}' "$URL/api/employees/$EMP/submit"
as guard
req reapprove 200 '' "${H[@]}" -d '{}' "$URL/api/employees/$EMP/approve"
# The brake.
req pause-needs-reason 400 '' "${H[@]}" -d '{}' "$URL/api/employees/$EMP/pause"
req guardian-brakes 200 'j["ok"]' "${H[@]}" -d '{"reason":"校对结果需复核"}' "$URL/api/employees/$EMP/pause"
as staff1
req paused-refuses-tasks 409 '"暂停" in j["error"]["message"]' "${H[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"gongwen.check\",\"inputs\":{\"text\":\"x\"}}" "$URL/api/tasks"
as admin
req audit-has-lifecycle 200 '{"employee.create","employee.submit","employee.approve","employee.update","employee.pause","task.create","task.draft","task.edit","task.approve","task.export"} <= {a["action"] for a in j["entries"]}' "${H[@]}" "$URL/api/audit?limit=500"
req audit-chain-intact 200 'j["intact"] is True' "${H[@]}" "$URL/api/audit/verify"
kill -TERM "$SERVER"
wait "$SERVER"
check server-clean-exit test $? -eq 0
