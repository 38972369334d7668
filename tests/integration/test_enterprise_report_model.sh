#!/usr/bin/env bash
# The enterprise report's written analysis from a model (issue 9):
# `shuzhi enterprise report --config` against the stand-in model server
# puts the model's text under 五、分析 labelled as model prose; a model
# error or a refused connection keeps the deterministic analysis with the
# reason; no config says rules. (What goes to the model: the unit test
# enterprise_analysis_prompt_leaves_out_people; the CLI masks it with
# privacy_mask() like the scenario prose.)
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
set_dir="$SHARED/corpus/enterprises-dev"
start_standin || { fail standin-start; exit 1; }
trap 'kill $STANDIN_PID 2>/dev/null; rm -rf "$TMP"' EXIT
# a small subset: the first 20 enterprises and their rows
ent_subset "$set_dir" "$TMP/set" 20
db=$TMP/e.db
"$BIN" enterprise import "$TMP/set" --db "$db" --quiet --as-of 2025-06-30 >/dev/null 2>"$TMP/imp.err"
check ent_report_import [ $? = 0 ]
code=$("$BIN" enterprise export --db "$db" --json --as-of 2025-06-30 |
	python3 -c 'import json,sys; print(max(json.load(sys.stdin)["enterprises"], key=lambda e: len(e["flags"]))["uscc"])')
printf '总体判断：替身模型写的分析。\n风险与信用：替身模型认为需关注。\n' >"$TMP/reply.txt"
cfg() { printf '{"model":{"base_url":"%s/v1","model":"%s","retries":0,"retry_base_ms":10}}\n' "$SURL" "$2" >"$1"; }
docx_text() { unzip -p "$1" word/document.xml | sed 's/<[^>]*>//g'; }
cfg "$TMP/ok.json" "chat:tokens=5:reply=$TMP/reply.txt"
"$BIN" enterprise report "$code" --db "$db" --as-of 2025-06-30 -o "$TMP/m.docx" --config "$TMP/ok.json" --json >"$TMP/m.json" 2>"$TMP/m.err"
rc=$?
docx_text "$TMP/m.docx" >"$TMP/m.txt"
check ent_report_model_prose sh -c "[ $rc = 0 ] && grep -q '\"analysis\": *\"model\"' '$TMP/m.json' && grep -q '替身模型写的分析' '$TMP/m.txt' && grep -q '由大模型依据上文数据撰写' '$TMP/m.txt'"
check ent_report_model_keeps_facts grep -q '评级' "$TMP/m.txt"
cfg "$TMP/err.json" "err-500"
"$BIN" enterprise report "$code" --db "$db" --as-of 2025-06-30 -o "$TMP/e.docx" --config "$TMP/err.json" --json >"$TMP/e.json" 2>"$TMP/e.err"
rc=$?
docx_text "$TMP/e.docx" >"$TMP/e.txt"
check ent_report_model_error_falls_back sh -c "[ $rc = 0 ] && grep -q 'rules_fallback' '$TMP/e.json' && grep -q '模型调用失败' '$TMP/e.txt' && ! grep -q '替身' '$TMP/e.txt' && grep -q '创新能力' '$TMP/e.txt'"
printf '{"model":{"base_url":"http://127.0.0.1:9/v1","model":"x","retries":0,"connect_timeout_ms":500}}\n' >"$TMP/down.json"
"$BIN" enterprise report "$code" --db "$db" --as-of 2025-06-30 -o "$TMP/d.docx" --config "$TMP/down.json" 2>"$TMP/d.err"
check ent_report_model_down_says_so sh -c "[ -s '$TMP/d.docx' ] && grep -q '模型调用失败' '$TMP/d.err'"
env -u SHUZHI_CONFIG "$BIN" enterprise report "$code" --db "$db" --as-of 2025-06-30 -o "$TMP/r.docx" 2>"$TMP/r.err"
docx_text "$TMP/r.docx" >"$TMP/r.txt"
check ent_report_no_config_rules sh -c "grep -q '未使用大模型' '$TMP/r.err' && grep -q '由规则生成，未使用大模型' '$TMP/r.txt'"
printf '{"model":{"base_url":"ftp://x","model":"m"}}\n' >"$TMP/bad.json"
check_status ent_report_bad_model_config_exit2 2 "$BIN" enterprise report "$code" --db "$db" -o "$TMP/b.docx" --config "$TMP/bad.json"
