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
mkdir -p "$TMP/set"
python3 - "$set_dir" "$TMP/set" <<'EOF'
import os, sys
src, dst = sys.argv[1:]
rows = open(os.path.join(src, "enterprises.csv"), encoding="utf-8").read().splitlines()
keep, out = set(), [rows[0]]
for line in rows[1:]:
    code = line.split(",")[0].strip().upper()
    if len(code) == 18 and len(keep) < 20:
        keep.add(code); out.append(line)
open(os.path.join(dst, "enterprises.csv"), "w", encoding="utf-8").write("\n".join(out) + "\n")
for f in os.listdir(src):
    if f.endswith(".csv") and f != "enterprises.csv":
        lines = open(os.path.join(src, f), encoding="utf-8").read().splitlines()
        sel = [lines[0]] + [l for l in lines[1:] if l.split(",")[0].strip().upper() in keep]
        open(os.path.join(dst, f), "w", encoding="utf-8").write("\n".join(sel) + "\n")
EOF
"$BIN" enterprise import "$TMP/set" --quiet --as-of 2025-06-30 >/dev/null 2>"$TMP/imp.err"
check entrep_srv_import [ $? = 0 ]
"$BIN" dept add 商务局 >/dev/null
printf '%s\n' "$PW" | "$BIN" user add boss --role admin --dept 商务局 >/dev/null
printf '%s\n' "$PW" | "$BIN" user add boss2 --role admin --dept 商务局 >/dev/null
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
AS=(-b "$TMP/a.jar" -H "X-CSRF-Token: $A_CSRF")
BS=(-b "$TMP/b.jar" -H "X-CSRF-Token: $B_CSRF")
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
check entrep_srv_no_model_rules sh -c "[ '$st' = 200 ] && [ \"\$(sed -n 's/^X-Shuzhi-Analysis: *\([a-z_]*\).*/\1/Ip' '$TMP/r.h')\" = rules ] && grep -q '由规则生成，未使用大模型' '$TMP/r.txt'"
kill $SERVER
wait $SERVER 2>/dev/null
SERVER=
