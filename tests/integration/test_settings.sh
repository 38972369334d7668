#!/usr/bin/env bash
# 系统设置 API: GET/PUT /api/settings and POST /api/model/test on the real
# server with two stand-in model servers: roles (anonymous 401, staff 403,
# auditor reads), CSRF, validation (400, Chinese message naming the item),
# pinned keys (environment), the audit entry with old/new values and the
# API key as ***, the key never returned or logged, live effect without a
# restart (a lower portal_burst gives 429; a new model endpoint gets the
# next chat), precedence after a restart (database over config file), and
# the connection diagnosis (ok, refused, 401, 404 model name).
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

CURL=(curl -s --noproxy '*' --max-time 20)
JSON=(-H 'Content-Type: application/json')
start_standin || { fail standin-start; exit 1; }
A_PID=$STANDIN_PID A_URL=$SURL
mv "$TMP/standin.out" "$TMP/standin-a.out"
start_standin || { fail standin-start-b; kill $A_PID; exit 1; }
B_PID=$STANDIN_PID B_URL=$SURL
trap 'kill $A_PID $B_PID 2>/dev/null; [ -n "${SERVER:-}" ] && kill $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
served() { "${CURL[@]}" "$1/stats" | sed -n 's/.*"served": *\([0-9]*\).*/\1/p'; }

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
for u in root:admin bob:staff audi:auditor; do
	printf '%s\n' "$PW" | "$BIN" user add "${u%%:*}" --role "${u##*:}" >/dev/null
done
login() { # USER → CSRF token; cookie jar $TMP/USER.jar
	"${CURL[@]}" -c "$TMP/$1.jar" "${JSON[@]}" -d "{\"username\":\"$1\",\"password\":\"$PW\"}" \
		"http://127.0.0.1:$PORT/api/login" | sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p'
}
# put USER CSRF BODY → status; reply in $TMP/put.out
put() {
	"${CURL[@]}" -o "$TMP/put.out" -w '%{http_code}' -X PUT -b "$TMP/$1.jar" -H "X-CSRF-Token: $2" \
		"${JSON[@]}" -d "$3" "http://127.0.0.1:$PORT/api/settings"
}
# flat FILE: the settings view as "KEY PROP JSON" lines in FILE.flat (one
# python start per reply: this machine is shared); field KEY PROP < FILE
flat() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for s in d["settings"]:
    for k, v in s.items(): print(s["key"], k, json.dumps(v, ensure_ascii=False))' "$1" >"$1.flat"; }
field() { awk -v k="$1" -v p="$2" '$1==k && $2==p {sub(/^[^ ]+ [^ ]+ /, ""); print}'; }

# The config file sets portal_per_minute and a model on stand-in A; the
# environment pins login_burst.
printf '{"portal_per_minute":1,"model":{"base_url":"%s/v1","model":"deepseek","retries":0}}\n' "$A_URL" >"$TMP/serve.json"
SHUZHI_LOGIN_BURST=50 start_server "$TMP/serve.log" --config "$TMP/serve.json" || exit 1
U=http://127.0.0.1:$PORT
ROOT=$(login root)
BOB=$(login bob)
AUDI=$(login audi)

# ---- roles and CSRF ----
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$U/api/settings")
check anonymous-401 test "$code" = 401
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -b "$TMP/bob.jar" "$U/api/settings")
check staff-get-403 test "$code" = 403
check staff-put-403 test "$(put bob "$BOB" '{"settings":{"portal_burst":5}}')" = 403
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' -X POST -b "$TMP/bob.jar" -H "X-CSRF-Token: $BOB" "$U/api/model/test")
check staff-model-test-403 test "$code" = 403
"${CURL[@]}" -b "$TMP/audi.jar" "$U/api/settings" >"$TMP/audi.json"
flat "$TMP/audi.json"
check auditor-reads test "$(field portal_burst value <"$TMP/audi.json.flat")" = 30
check auditor-put-403 test "$(put audi "$AUDI" '{"settings":{"portal_burst":5}}')" = 403
check csrf-403 test "$(put root wrong-token '{"settings":{"portal_burst":5}}')" = 403

# ---- sources ----
"${CURL[@]}" -b "$TMP/root.jar" "$U/api/settings" >"$TMP/s0.json"
flat "$TMP/s0.json"
check source-default test "$(field portal_burst source <"$TMP/s0.json.flat")" = '"default"'
check source-file test "$(field portal_per_minute source <"$TMP/s0.json.flat")" = '"file"'
check source-file-model test "$(field model.base_url source <"$TMP/s0.json.flat")" = '"file"'
check source-env-pinned bash -c "[ '$(field login_burst source <"$TMP/s0.json.flat")' = '\"env\"' ] && [ '$(field login_burst editable <"$TMP/s0.json.flat")' = false ]"
check default-shown test "$(field session_idle_s default <"$TMP/s0.json.flat")" = 1800

# ---- validation: 400, Chinese, nothing written ----
v400() { # NAME BODY WANT_TEXT
	local code
	code=$(put root "$ROOT" "$2")
	if [ "$code" = 400 ] && grep -q "$3" "$TMP/put.out"; then ok "$1"; else fail "$1" "$code $(cat "$TMP/put.out")"; fi
}
v400 invalid-out-of-range '{"settings":{"portal_burst":0}}' '须在 1–100000 之间'
v400 invalid-type '{"settings":{"portal_burst":"many"}}' '须为整数'
v400 invalid-unknown-key '{"settings":{"listen":"0.0.0.0:80"}}' '未知的设置项'
v400 invalid-pinned '{"settings":{"login_burst":3}}' '环境变量或命令行'
v400 invalid-across-keys '{"settings":{"session_idle_s":86400,"session_max_s":3600}}' '不能大于'
v400 invalid-model-url '{"settings":{"model.base_url":"ftp://x"}}' 'http://'
v400 invalid-model-range '{"settings":{"model.max_streams":0}}' '1–10000'
v400 invalid-shape '{"portal_burst":3}' '请求须为'
check invalid-nothing-written test "$(sqlite3 "$SHUZHI_DB" 'SELECT count(*) FROM settings')" = 0

# ---- a change: audited, key redacted, live ----
code=$(put root "$ROOT" '{"settings":{"portal_burst":2,"model.api_key":"sk-top-secret-1","model.public_share":25}}')
check put-200 test "$code" = 200
flat "$TMP/put.out"
check put-changed-3 grep -q '"changed":3' "$TMP/put.out"
check put-source-db test "$(field portal_burst source <"$TMP/put.out.flat")" = '"db"'
check key-write-only bash -c "! grep -q sk-top-secret '$TMP/put.out' && [ '$(field model.api_key set <"$TMP/put.out.flat")' = true ]"
"${CURL[@]}" -b "$TMP/root.jar" "$U/api/audit?action=settings.update" >"$TMP/audit.json"
python3 - "$TMP/audit.json" >"$TMP/audit.check" 2>&1 <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["entries"]
assert len(e) == 1, e
ch = {c["key"]: c for c in e[0]["detail"]["changes"]}
assert e[0]["actor"] == "user:root", e[0]
assert ch["portal_burst"]["old"] == 30 and ch["portal_burst"]["new"] == 2, ch
assert ch["model.public_share"]["old"] == 50 and ch["model.public_share"]["new"] == 25, ch
assert ch["model.api_key"]["new"] == "***" and ch["model.api_key"]["old"] == "", ch
print("ok")
PY
check audit-old-new-redacted grep -qx ok "$TMP/audit.check" || cat "$TMP/audit.check"
check key-not-in-audit-or-log bash -c "! grep -q sk-top-secret '$TMP/audit.json' '$TMP/serve.log'"
check audit-chain-intact bash -c "\"$BIN\" audit verify >/dev/null"
check put-unchanged-0 bash -c "[ $(put root "$ROOT" '{"settings":{"portal_burst":2}}') = 200 ] && grep -q '\"changed\":0' '$TMP/put.out'"

# portal_burst 2 (refill 1/min from the file): the third search is refused
codes=""
for _ in 1 2 3; do
	codes="$codes $("${CURL[@]}" -o /dev/null -w '%{http_code}' "$U/api/portal/search?q=%E8%A1%A5%E8%B4%B4")"
done
check live-portal-burst-429 test "$codes" = " 200 200 429"

# the model endpoint moves to stand-in B: the next chat goes there
chat() { "${CURL[@]}" -N -b "$TMP/bob.jar" -H "X-CSRF-Token: $BOB" "${JSON[@]}" -d '{"message":"你好"}' "$U/api/chat"; }
a0=$(served "$A_URL") b0=$(served "$B_URL")
chat >"$TMP/chat1"
check chat-on-a bash -c "grep -q '^event: done' '$TMP/chat1' && [ $(served "$A_URL") -gt $a0 ]"
check live-model-endpoint test "$(put root "$ROOT" "{\"settings\":{\"model.base_url\":\"$B_URL/v1\"}}")" = 200
a1=$(served "$A_URL")
chat >"$TMP/chat2"
check live-chat-on-b bash -c "grep -q '^event: done' '$TMP/chat2' && [ $(served "$B_URL") -gt $b0 ] && [ $(served "$A_URL") = $a1 ]"

# ---- POST /api/model/test ----
mt() { # BODY → reply in $TMP/mt.out
	"${CURL[@]}" -o "$TMP/mt.out" -w '%{http_code}' -X POST -b "$TMP/root.jar" -H "X-CSRF-Token: $ROOT" \
		"${JSON[@]}" -d "$1" "$U/api/model/test"
}
# step NAME: "STATE CAUSE" of a diagnosis step (the reply keeps its key order)
step() { sed -n 's/.*"step":"'"$1"'","title":"[^"]*","state":"\([a-z]*\)","ok":[a-z]*,"cause":"\([a-z_]*\)".*/\1 \2/p' "$TMP/mt.out"; }
code=$(mt '{}')
check model-test-ok bash -c "[ $code = 200 ] && grep -q '\"ok\":true' '$TMP/mt.out' && [ '$(step chat)' = 'ok ' ] && [ '$(step reasoning)' = 'ok ' ]"
code=$(mt '{"settings":{"model.base_url":"http://127.0.0.1:1/v1"}}')
check model-test-refused bash -c "[ $code = 200 ] && [ '$(step reach)' = 'failed refused' ] && grep -q '连接被拒绝' '$TMP/mt.out' && [ '$(step chat)' = 'skipped ' ]"
mt '{"settings":{"model.model":"err-401"}}' >/dev/null
check model-test-401 bash -c "[ '$(step chat)' = 'failed auth' ] && grep -q 'API 密钥' '$TMP/mt.out'"
mt '{"settings":{"model.model":"err-404"}}' >/dev/null
check model-test-404 bash -c "[ '$(step chat)' = 'failed not_found' ] && grep -q '模型名称' '$TMP/mt.out'"
mt '{"settings":{"model.base_url":"http://no-such-host.invalid/v1"}}' >/dev/null
check model-test-dns bash -c "[ '$(step reach)' = 'failed dns' ] && grep -q '主机名' '$TMP/mt.out'"
check model-test-unsaved-not-written test "$(sqlite3 "$SHUZHI_DB" "SELECT value FROM settings WHERE key='model.base_url'")" = "\"$B_URL/v1\""
check model-test-key-not-leaked bash -c "! grep -q sk-top-secret '$TMP/mt.out' '$TMP/serve.log'"

# ---- after a restart: the database over the config file ----
kill $SERVER
wait $SERVER 2>/dev/null
start_server "$TMP/serve2.log" --config "$TMP/serve.json" || exit 1
U=http://127.0.0.1:$PORT
ROOT=$(login root)
"${CURL[@]}" -b "$TMP/root.jar" "$U/api/settings" >"$TMP/s2.json"
flat "$TMP/s2.json"
check restart-db-over-file bash -c "[ '$(field model.base_url value <"$TMP/s2.json.flat")' = '\"$B_URL/v1\"' ] && [ '$(field portal_burst value <"$TMP/s2.json.flat")' = 2 ]"
# null drops the row: back to the config file
code=$(put root "$ROOT" '{"settings":{"model.base_url":null}}')
flat "$TMP/put.out"
check reset-to-file bash -c "[ $code = 200 ] && [ '$(field model.base_url source <"$TMP/put.out.flat")' = '\"file\"' ] && [ '$(field model.base_url value <"$TMP/put.out.flat")' = '\"$A_URL/v1\"' ]"
kill $SERVER
wait $SERVER 2>/dev/null
SERVER=
