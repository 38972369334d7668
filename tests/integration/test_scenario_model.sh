#!/usr/bin/env bash
# Scenario prose from a model (shuzhi scenario run --config) against the
# stand-in model server: the model's text becomes the 公文 正文 and passes
# the checks; a model error or a refused connection keeps the template text
# with the reason; --no-model and no config use the template path and say so.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

start_standin || { fail standin-start; exit 1; }
trap 'kill $STANDIN_PID 2>/dev/null; rm -rf "$TMP"' EXIT
python3 -c 'import json; d=json.load(open("scenarios/公文处理/gongwen-baogao.json")); json.dump(d["samples"][0]["input"], open("'"$TMP"'/in.json","w"), ensure_ascii=False)'
cfg() { printf '{"model":{"base_url":"%s/v1","model":"%s","retries":0,"retry_base_ms":10}}\n' "$SURL" "$2" >"$1"; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2"; }

cfg "$TMP/ok.json" "chat:tokens=4"
"$BIN" scenario run gongwen-baogao --input "$TMP/in.json" -o "$TMP/m.txt" --config "$TMP/ok.json" --json >"$TMP/m.json" 2>"$TMP/m.err"
rc=$?
check scenario-model-prose bash -c "[ $rc = 0 ] && [ '$(field "$TMP/m.json" prose)' = model ] && grep -q '替身' '$TMP/m.txt'"
# the 公文 text rules still apply to the model's 正文 (closing formula of a 报告)
check scenario-model-prose-closing grep -q '特此报告。' "$TMP/m.txt"
check scenario-model-gongwen-clean bash -c "'$BIN' gongwen check '$TMP/m.txt' --format json | python3 -c 'import json,sys; sys.exit(any(f[\"severity\"]==\"error\" for f in json.load(sys.stdin)[\"findings\"]))'"

cfg "$TMP/err.json" "err-500"
"$BIN" scenario run gongwen-baogao --input "$TMP/in.json" -o "$TMP/e.txt" --config "$TMP/err.json" --json >"$TMP/e.json" 2>"$TMP/e.err"
rc=$?
check scenario-model-error-falls-back bash -c "[ $rc = 0 ] && [ '$(field "$TMP/e.json" prose)' = template_fallback ] && [ -n '$(field "$TMP/e.json" prose_note)' ] && grep -q '特此报告。' '$TMP/e.txt' && ! grep -q '替身' '$TMP/e.txt'"

printf '{"model":{"base_url":"http://127.0.0.1:9/v1","model":"x","retries":0,"connect_timeout_ms":500}}\n' >"$TMP/down.json"
out=$("$BIN" scenario run gongwen-baogao --input "$TMP/in.json" -o "$TMP/d.txt" --config "$TMP/down.json" 2>&1)
check scenario-model-down-says-so bash -c "[ -s '$TMP/d.txt' ] && grep -q '正文按模板生成' <<<'$out'"

out=$(SHUZHI_CONFIG=$TMP/ok.json "$BIN" scenario run gongwen-baogao --input "$TMP/in.json" -o "$TMP/n.txt" --no-model 2>&1)
check scenario-no-model-flag bash -c "! grep -q '替身' '$TMP/n.txt' && cmp -s '$TMP/n.txt' '$TMP/e.txt'"
out=$(env -u SHUZHI_CONFIG "$BIN" scenario run gongwen-baogao --input "$TMP/in.json" -o "$TMP/t.txt" 2>&1)
check scenario-no-config-says-template grep -q '未配置模型：正文按模板生成' <<<"$out"
printf '{"model":{"base_url":"ftp://x","model":"m"}}\n' >"$TMP/bad.json"
check_status scenario-bad-model-config-exit2 2 "$BIN" scenario run gongwen-baogao --input "$TMP/in.json" -o "$TMP/b.txt" --config "$TMP/bad.json"
