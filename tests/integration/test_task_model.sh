#!/usr/bin/env bash
# Task drafts written by the model on the server (issue 5), against the
# stand-in model server: the task is 生成中 while the model writes, then
# the draft holds the model's text with the personal data restored, while
# what the stand-in received had it masked; reasoning is in the provenance
# (guardian) and model_usage, never in the draft; the model, its parameters
# and the department group are in the provenance. The employee's quota
# spent, a model error, the total time passed and the stand-in stopped
# each give the deterministic draft with the note 模型不可用，已使用规则生成.
# The guardian's brake aborts the call in flight. Unattached task files
# older than task_file_max_age_s are removed (at start and on the timer),
# attached ones and recent ones kept.
# The stand-in's model name is "@FILE": each request reads its mode from
# FILE, so one server is switched between behaviours.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
LOG=$TMP/serve.log
CURL=(curl -s --noproxy '*' --max-time 30)
JSON=(-H 'Content-Type: application/json')
"$BIN" dept add 应急管理局 >/dev/null || fail dept-add
for u in "admin admin" "guard guardian" "staff1 staff" "aud auditor"; do
	set -- $u
	printf '%s\n' "$PW" | "$BIN" user add "$1" --role "$2" --dept 应急管理局 >/dev/null || fail "user-add-$1"
done
DEPT=$(sqlite3 "$SHUZHI_DB" "SELECT id FROM departments WHERE name='应急管理局'")
start_standin || { fail standin-start; exit 1; }
trap 'kill $STANDIN_PID 2>/dev/null; [ -n "${SERVER:-}" ] && kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
MODE=$TMP/mode
mode() { printf '%s\n' "$1" >"$MODE"; }
# config FILE TIMEOUT_S FILE_AGE_S
config() {
	printf '{"model":{"base_url":"%s/v1","model":"@%s","retries":0,"retry_base_ms":10,"idle_timeout_s":60,"max_tokens":2000},"task_model_timeout_s":%s,"task_file_max_age_s":%s}\n' \
		"$SURL" "$MODE" "$2" "$3" >"$1"
}
declare -A CSRF
login() {
	for u in admin guard staff1 aud; do
		CSRF[$u]=$("${CURL[@]}" -c "$TMP/$u.jar" "${JSON[@]}" -d "{\"username\":\"$u\",\"password\":\"$PW\"}" "$URL/api/login" |
			python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
	done
}
as() { H=(-b "$TMP/$1.jar" -H "X-CSRF-Token: ${CSRF[$1]}"); }
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
stat() { "${CURL[@]}" "$SURL/stats" | sed -n 's/.*"'"$1"'":\([0-9]*\).*/\1/p'; }
# wait_task ID: until the task is no longer running (at most 60 s); the
# task (as staff1) is left in $TMP/body
wait_task() {
	as staff1
	for _ in $(seq 1 300); do
		"${CURL[@]}" "${H[@]}" -o "$TMP/body" "$URL/api/tasks/$1"
		grep -q '"state":"running"' "$TMP/body" || return 0
		sleep 0.2
	done
	return 1
}
upload() { "${CURL[@]}" "${H[@]}" -H "X-File-Name: $(basename "$1")" --data-binary "@$1" "$URL/api/task-files" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }

config "$TMP/cfg.json" 120 86400
start_server "$LOG" --config "$TMP/cfg.json" --login-burst 50 || exit 1
URL=http://127.0.0.1:$PORT
login

# Employees in 应急管理局: one without a quota, one with a tiny one.
as admin
for spec in "报告助理:0" "额度助理:10"; do
	req "emp-create-${spec%%:*}" 201 '' "${H[@]}" "${JSON[@]}" -d "{\"name\":\"${spec%%:*}\",\"guardian\":\"guard\",\"department_id\":$DEPT,\"scenarios\":[\"gongwen-baogao\",\"enforce-notice\"],\"daily_tokens\":${spec##*:}}" "$URL/api/employees"
	id=$(val 'j["id"]')
	req "emp-submit-${spec%%:*}" 200 'j["acceptance"]["passed"]' "${H[@]}" "${JSON[@]}" -d '{}' "$URL/api/employees/$id/submit"
	as guard
	req "emp-approve-${spec%%:*}" 200 '' "${H[@]}" "${JSON[@]}" -d '{}' "$URL/api/employees/$id/approve"
	as admin
	EMPS+=("$id")
done
EMP=${EMPS[0]}
EMPQ=${EMPS[1]}

# Task files for the clean-up below: A never attached, B attached, both
# dated two days back; C never attached, recent.
as staff1
printf '现场检查笔录：仓库消防通道堆放杂物。\n' >"$TMP/a.txt"
cp tests/data/transcripts/h02.txt "$TMP/b.txt"
FA=$(upload "$TMP/a.txt")
FB=$(upload "$TMP/b.txt")
req task-with-file 201 'j["state"]=="draft"' "${H[@]}" "${JSON[@]}" -d "{\"employee_id\":$EMP,\"scenario\":\"enforce-notice\",\"files\":{\"transcript\":$FB}}" "$URL/api/tasks"
OLD=$((($(date +%s) - 2 * 86400) * 1000))
sqlite3 "$SHUZHI_DB" "UPDATE task_files SET created_at = $OLD WHERE id IN ($FA, $FB)"
FC=$(upload "$TMP/a.txt")

# Inputs with personal data: a name after 联系人 and a mobile number.
python3 - "$TMP/in.json" <<'PY'
import json, sys
d = json.load(open("scenarios/公文处理/gongwen-baogao.json"))["samples"][0]["input"]
d["points"] += "\n四、联系方式\n联系人：王建国，电话13912345678。"
json.dump(d, open(sys.argv[1], "w"), ensure_ascii=False)
PY
task_body() { python3 -c 'import json,sys; print(json.dumps({"employee_id": int(sys.argv[1]), "scenario": "gongwen-baogao", "inputs": json.load(open(sys.argv[2]))}, ensure_ascii=False))' "$1" "$TMP/in.json"; }
task_body "$EMP" >"$TMP/task.json"
task_body "$EMPQ" >"$TMP/taskq.json"
printf '全市安全生产形势总体平稳，替身模型撰写此段。\n联系人〔姓名1〕，电话〔手机1〕。\n' >"$TMP/reply.txt"

# ---- the model writes the draft ----
mode "deepseek:tokens=5:delay=150:reply=$TMP/reply.txt:record=$TMP/sent.jsonl"
as staff1
req model-task-running 201 'j["state"]=="running"' "${H[@]}" "${JSON[@]}" -d "@$TMP/task.json" "$URL/api/tasks"
T1=$(val 'j["id"]')
req model-task-shows-generating 200 'j["task"]["state"] in ("running","draft") and (j["task"]["state"]!="running" or j["task"]["state_zh"]=="生成中")' "${H[@]}" "$URL/api/tasks/$T1"
check model-task-drafted wait_task "$T1"
check model-text-in-draft python3 -c '
import json,sys
t=json.load(open(sys.argv[1]))["task"]
assert t["state"]=="draft", t["state"]
assert "替身模型撰写此段" in t["text"], t["text"]
assert t["result"]["path"]=="model" and "model_note" not in t["result"]
' "$TMP/body"
check model-pii-restored-in-draft python3 -c '
import json,sys
t=json.load(open(sys.argv[1]))["task"]
assert "13912345678" in t["text"] and "王建国" in t["text"] and "〔手机1〕" not in t["text"], t["text"]
' "$TMP/body"
check model-pii-masked-upstream python3 -c '
import json,sys
lines=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(lines)==1, len(lines)
sent=json.dumps(lines[0], ensure_ascii=False)
assert "13912345678" not in sent and "王建国" not in sent, "PII left the building"
assert "〔手机1〕" in sent and "〔姓名1〕" in sent
assert lines[0]["messages"][0]["role"]=="system" and "特此报告" in lines[0]["messages"][0]["content"]
' "$TMP/sent.jsonl"
check model-reasoning-not-in-draft python3 -c '
import json,sys
t=json.load(open(sys.argv[1]))["task"]
s=json.dumps(t, ensure_ascii=False)
assert "礼貌回答" not in s and "reasoning" not in t["result"], s[:300]
' "$TMP/body"
as guard
req model-provenance-guardian 200 'j["intact"]' "${H[@]}" "$URL/api/tasks/$T1/provenance"
check model-provenance-records-model python3 -c '
import json,sys
j=json.load(open(sys.argv[1]))
assert [e["kind"] for e in j["events"]]==["create","model","draft"], [e["kind"] for e in j["events"]]
d=j["events"][1]["detail"]
assert d["outcome"]=="model" and d["model"].startswith("@"), d
assert d["parameters"]["max_tokens"]==2000 and d["parameters"]["task_timeout_s"]==120, d["parameters"]
assert d["department_group"]==int(sys.argv[2]), d["department_group"]
c=d["calls"][0]
assert c["status"]=="done" and c["completion_tokens"]>0 and c["masked_values"]>=2, c
assert c["reasoning"]=="用户问候，礼貌回答", c["reasoning"]
assert "礼貌回答" not in json.dumps(j["events"][2]["detail"], ensure_ascii=False)
' "$TMP/body" "$DEPT"
as staff1
req model-provenance-staff-no-reasoning 200 'j["events"][1]["detail"]["calls"][0]["reasoning"] is None' "${H[@]}" "$URL/api/tasks/$T1/provenance"
check model-usage-row-for-employee test "$(sqlite3 "$SHUZHI_DB" "SELECT COUNT(*) FROM model_usage WHERE employee_id = $EMP AND status = 'done' AND reasoning = '用户问候，礼貌回答' AND department_id = $DEPT")" = 1

# ---- the employee's daily quota: the first task spends it ----
mode "deepseek:tokens=5:reply=$TMP/reply.txt:record=$TMP/sentq.jsonl"
req quota-first-task 201 'j["state"]=="running"' "${H[@]}" "${JSON[@]}" -d "@$TMP/taskq.json" "$URL/api/tasks"
TQ=$(val 'j["id"]')
wait_task "$TQ"
check quota-first-drafted-by-model python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["task"]["result"]["path"]=="model"' "$TMP/body"
req quota-spent-draft-at-once 201 'j["state"]=="draft"' "${H[@]}" "${JSON[@]}" -d "@$TMP/taskq.json" "$URL/api/tasks"
TQ2=$(val 'j["id"]')
req quota-spent-note 200 '"模型不可用，已使用规则生成" in j["task"]["result"]["model_note"] and "额度" in j["task"]["result"]["model_note"] and "替身模型" not in j["task"]["text"] and "特此报告" in j["task"]["text"] and j["task"]["result"]["path"]=="deterministic"' "${H[@]}" "$URL/api/tasks/$TQ2"
check quota-spent-no-model-call test "$(wc -l <"$TMP/sentq.jsonl")" = 1

# ---- a model error ----
mode "err-500"
req error-task 201 '' "${H[@]}" "${JSON[@]}" -d "@$TMP/task.json" "$URL/api/tasks"
TE=$(val 'j["id"]')
check error-task-drafted wait_task "$TE"
check error-falls-back python3 -c '
import json,sys
t=json.load(open(sys.argv[1]))["task"]
assert t["state"]=="draft" and t["result"]["path"]=="deterministic", t["result"].get("path")
assert t["result"]["model_note"].startswith("模型不可用，已使用规则生成"), t["result"]
assert "替身模型" not in t["text"] and "特此报告" in t["text"]
' "$TMP/body"
as guard
req error-provenance 200 '(lambda d: d["outcome"]=="fallback" and d["calls"][0]["status"]=="error" and d["calls"][0]["error"])([e for e in j["events"] if e["kind"]=="model"][0]["detail"])' "${H[@]}" "$URL/api/tasks/$TE/provenance"

# ---- the brake aborts the call in flight ----
mode "deepseek:tokens=400:delay=200"
ABORTED=$(stat aborted)
as staff1
req brake-task-running 201 'j["state"]=="running"' "${H[@]}" "${JSON[@]}" -d "@$TMP/task.json" "$URL/api/tasks"
TB=$(val 'j["id"]')
for _ in $(seq 1 100); do [ "$(stat active)" -ge 1 ] && break; sleep 0.1; done
check brake-stream-open test "$(stat active)" -ge 1
req brake-generating-zh 200 'j["task"]["state_zh"]=="生成中"' "${H[@]}" "$URL/api/tasks/$TB"
as guard
req brake-pause 200 'j["cancelled_tasks"]==1' "${H[@]}" "${JSON[@]}" -d '{"reason":"输出需核查"}' "$URL/api/employees/$EMP/pause"
for _ in $(seq 1 100); do [ "$(stat aborted)" -gt "$ABORTED" ] && break; sleep 0.1; done
check brake-upstream-aborted test "$(stat aborted)" -gt "$ABORTED"
req brake-task-cancelled 200 'j["task"]["state"]=="cancelled" and "替身模型" not in (j["task"]["text"] or "")' "${H[@]}" "$URL/api/tasks/$TB"
req brake-provenance 200 '(lambda d: d["outcome"]=="aborted" and d["calls"][0]["status"]=="aborted" and "暂停" in d["note"])([e for e in j["events"] if e["kind"]=="model"][0]["detail"])' "${H[@]}" "$URL/api/tasks/$TB/provenance"
req brake-provenance-by-guardian 200 '[e for e in j["events"] if e["kind"]=="model"][0]["actor"]=="user:guard"' "${H[@]}" "$URL/api/tasks/$TB/provenance"
check brake-usage-aborted test "$(sqlite3 "$SHUZHI_DB" "SELECT COUNT(*) FROM model_usage WHERE employee_id = $EMP AND status = 'aborted'")" = 1
req brake-resume 200 '' "${H[@]}" "${JSON[@]}" -d '{}' "$URL/api/employees/$EMP/resume"

# ---- restart: total time 2 s, files older than an hour removed ----
kill -TERM "$SERVER"
wait "$SERVER"
check server-clean-exit test $? -eq 0
config "$TMP/cfg2.json" 2 3600
start_server "$LOG.2" --config "$TMP/cfg2.json" --login-burst 50 || exit 1
URL=http://127.0.0.1:$PORT
login
as staff1
req gc-old-unattached-removed 404 '' "${H[@]}" "$URL/api/task-files/$FA"
req gc-attached-kept 200 '' "${H[@]}" -o /dev/null "$URL/api/task-files/$FB"
"${CURL[@]}" "${H[@]}" -o "$TMP/c.txt" "$URL/api/task-files/$FC"
check gc-recent-kept cmp "$TMP/c.txt" "$TMP/a.txt"
as admin
req gc-audited 200 'any(a["action"]=="task_file.expire" and a["detail"]["count"]==1 for a in j["entries"])' "${H[@]}" "$URL/api/audit?limit=500"

mode "hang"
as staff1
req timeout-task 201 'j["state"]=="running"' "${H[@]}" "${JSON[@]}" -d "@$TMP/task.json" "$URL/api/tasks"
TT=$(val 'j["id"]')
check timeout-task-drafted wait_task "$TT"
req timeout-note 200 '"模型不可用，已使用规则生成" in j["task"]["result"]["model_note"] and "2 秒" in j["task"]["result"]["model_note"] and "特此报告" in j["task"]["text"]' "${H[@]}" "$URL/api/tasks/$TT"

# ---- the stand-in stopped ----
kill "$STANDIN_PID"
wait "$STANDIN_PID" 2>/dev/null
mode "deepseek"
req down-task 201 '' "${H[@]}" "${JSON[@]}" -d "@$TMP/task.json" "$URL/api/tasks"
TD=$(val 'j["id"]')
check down-task-drafted wait_task "$TD"
req down-note 200 'j["task"]["state"]=="draft" and j["task"]["result"]["model_note"].startswith("模型不可用，已使用规则生成") and "特此报告" in j["task"]["text"]' "${H[@]}" "$URL/api/tasks/$TD"
as guard
req down-guardian-can-approve 200 '' "${H[@]}" "${JSON[@]}" -d '{"decision":"approve"}' "$URL/api/tasks/$TD/decide"

kill -TERM "$SERVER"
wait "$SERVER"
check server-clean-exit-2 test $? -eq 0
