#!/usr/bin/env bash
# shuzhi serve end to end: start the real server on a free loopback port with
# a temporary database (users made with the CLI), talk to it with curl, and
# check every route in the table (--print-routes) against every role.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
LOG=$TMP/serve.log
CURL=(curl -s --noproxy '*' --max-time 20)

add_user() { printf '%s\n' "$PW" | "$BIN" user add "$1" --role "$2" >/dev/null; }
check cli-users bash -c "$(declare -f add_user); BIN='$BIN' PW='$PW'; add_user admin admin && add_user guard guardian && add_user staff1 staff && add_user aud auditor"

# --login-burst: this test logs in ~20 times from one address.
start_server "$LOG" --login-burst 30 --portal-per-minute 1 || exit 1
URL=http://127.0.0.1:$PORT

# req NAME WANT_STATUS JQ_PY CURL_ARGS...: status and (optionally) a Python
# expression over the JSON body `j` that must be true.
req() {
	local name=$1 want=$2 cond=$3 out status
	shift 3
	out=$("${CURL[@]}" -o "$TMP/body" -w '%{http_code}' "$@")
	status=$out
	if [ "$status" != "$want" ]; then
		fail "$name" "status $status, want $want: $(head -c 300 "$TMP/body")"
		return
	fi
	if [ -n "$cond" ] && ! python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($cond) else 1)" "$TMP/body" 2>/dev/null; then
		fail "$name" "body: $(head -c 300 "$TMP/body")"
		return
	fi
	ok "$name"
}
JSON=(-H 'Content-Type: application/json')

# login USER JAR: log in, print the CSRF token
login() {
	"${CURL[@]}" -c "$2" "${JSON[@]}" -d "{\"username\":\"$1\",\"password\":\"$PW\"}" "$URL/api/login" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
}

req healthz 200 'j["status"]=="ok"' "$URL/healthz"
req login-wrong-password 401 'j["error"]["code"]=="unauthorized" and "用户名或密码错误" in j["error"]["message"]' \
	"${JSON[@]}" -d '{"username":"admin","password":"Wrong-pass-99"}' "$URL/api/login"
req login-unknown-user-same-answer 401 '"用户名或密码错误" in j["error"]["message"]' \
	"${JSON[@]}" -d '{"username":"nobody","password":"Wrong-pass-99"}' "$URL/api/login"
req login-right 200 'j["user"]["role"]=="admin" and len(j["csrf"])==64' \
	-c "$TMP/admin.jar" -D "$TMP/login.h" "${JSON[@]}" -d "{\"username\":\"admin\",\"password\":\"$PW\"}" "$URL/api/login"
check cookie-flags grep -qiE '^set-cookie: sz_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict; Max-Age=[0-9]+' "$TMP/login.h"
check cookie-not-secure-without-tls bash -c "! grep -qi 'secure' <(grep -i set-cookie '$TMP/login.h')"
check cookie-secret-not-stored bash -c "tok=\$(awk '\$6==\"sz_session\"{print \$7}' '$TMP/admin.jar'); [ -n \"\$tok\" ] && ! sqlite3 '$SHUZHI_DB' 'SELECT token_hash FROM sessions' | grep -q \"\$tok\""
ADMIN_CSRF=$(login admin "$TMP/admin.jar")
A=(-b "$TMP/admin.jar")
req me 200 'j["user"]["username"]=="admin" and j["csrf"]=="'"$ADMIN_CSRF"'"' "${A[@]}" "$URL/api/me"
req anonymous-me-401 401 'j["error"]["code"]=="unauthenticated"' "$URL/api/me"
req anonymous-users-401 401 '' "$URL/api/users"
req bogus-cookie-401 401 '' -b "sz_session=$(printf '0%.0s' $(seq 64))" "$URL/api/me"
req csrf-missing-403 403 'j["error"]["code"]=="csrf"' "${A[@]}" "${JSON[@]}" -d '{"name":"财政局"}' "$URL/api/departments"
req csrf-wrong-403 403 'j["error"]["code"]=="csrf"' "${A[@]}" "${JSON[@]}" -H "X-CSRF-Token: ${ADMIN_CSRF/a/b}x" -d '{"name":"财政局"}' "$URL/api/departments"
AH=("${A[@]}" "${JSON[@]}" -H "X-CSRF-Token: $ADMIN_CSRF")
req dept-add 201 'j["id"]>0' "${AH[@]}" -d '{"name":"市政府"}' "$URL/api/departments"
req dept-add-child 201 '' "${AH[@]}" -d '{"name":"办公室","parent":"市政府"}' "$URL/api/departments"
req dept-duplicate-409 409 'j["error"]["code"]=="conflict"' "${AH[@]}" -d '{"name":"市政府"}' "$URL/api/departments"
req dept-list 200 '[d["name"] for d in j["departments"]]==["市政府","办公室"]' "${A[@]}" "$URL/api/departments"
req user-add 201 'j["id"]>0' "${AH[@]}" -d "{\"username\":\"wangwu\",\"display_name\":\"<b>王五</b>\",\"role\":\"staff\",\"department_id\":2,\"password\":\"$PW\"}" "$URL/api/users"
req user-add-weak-password-400 400 '"密码" in j["error"]["message"]' "${AH[@]}" -d '{"username":"zhaoliu","role":"staff","password":"abc"}' "$URL/api/users"
req user-list 200 'any(u["username"]=="wangwu" and u["department"]=="办公室" and u["display_name"]=="<b>王五</b>" and "password_hash" not in u for u in j["users"])' "${A[@]}" "$URL/api/users"
req audit-has-web-changes 200 '{"dept.add","user.add","user.login","user.login_failed"} <= {a["action"] for a in j["entries"]} and any(a["actor"]=="user:admin" and a["action"]=="user.add" for a in j["entries"])' "${A[@]}" "$URL/api/audit"
req audit-filter 200 'j["entries"] and all(a["action"]=="dept.add" for a in j["entries"])' "${A[@]}" "$URL/api/audit?action=dept.add&user=admin&since=2000-01-01"
req audit-bad-date-400 400 'j["error"]["code"]=="bad_request"' "${A[@]}" "$URL/api/audit?since=yesterday"
req audit-verify 200 'j["intact"] is True and j["entries"]>=8' "${A[@]}" "$URL/api/audit/verify"
"${CURL[@]}" "${A[@]}" -D "$TMP/csv.h" -o "$TMP/audit.csv" "$URL/api/audit.csv"
check audit-csv bash -c "grep -qi '^content-type: text/csv' '$TMP/csv.h' && head -1 '$TMP/audit.csv' | grep -q 'id,时间,操作者' && grep -q 'dept.add,dept:1' '$TMP/audit.csv'"
head -c 1100000 /dev/zero | tr '\0' 'a' >"$TMP/big"
req oversize-body-413 413 '' "${AH[@]}" --data-binary @"$TMP/big" "$URL/api/departments"
req malformed-json-400 400 'j["error"]["code"]=="bad_json"' "${AH[@]}" -d '{"name": ' "$URL/api/departments"
req not-json-415 415 '' "${A[@]}" -H "X-CSRF-Token: $ADMIN_CSRF" -d 'name=x' "$URL/api/departments"
req unknown-api-404 404 'j["error"]["code"]=="not_found"' "${A[@]}" "$URL/api/nothing"
req wrong-method-405 405 'j["error"]["code"]=="method_not_allowed"' "${A[@]}" -X DELETE "$URL/api/me"
"${CURL[@]}" -D "$TMP/index.h" -o "$TMP/index.html" "$URL/"
check static-index bash -c "grep -qi '^content-type: text/html; charset=utf-8' '$TMP/index.h' && grep -qi '^cache-control: no-cache' '$TMP/index.h' && grep -qi '^content-security-policy:' '$TMP/index.h' && grep -q '登录' '$TMP/index.html'"
check static-js-type bash -c "'${CURL[0]}' -s --noproxy '*' -D - -o /dev/null '$URL/app.js' | grep -qi '^content-type: text/javascript'"
req static-missing-404 404 '' "$URL/nope.html"
check errors-leak-nothing bash -c "! grep -qiE 'sqlite|select |/tmp/|\\.c:' '$TMP/body'"

# The public portal: no login; no public knowledge base yet is an honest
# answer, not an error; bad input is a 400; a burst from one address is 429.
req portal-anonymous-no-kb 200 'j["answer"]["kind"]=="none" and j["results"]==[]' "$URL/api/portal/search?q=%E5%90%AC%E8%AF%81"
req portal-empty-query-400 400 '"问题" in j["error"]["message"]' "$URL/api/portal/search?q="
req portal-bad-page-400 400 '' "$URL/api/portal/search?q=x&page=99"
for _ in $(seq 1 40); do "${CURL[@]}" -o /dev/null "$URL/api/portal/search?q=x"; done
req portal-rate-limited-429 429 'j["error"]["code"]=="rate_limited"' "$URL/api/portal/search?q=x"

# Staff: logged in, but no admin routes.
STAFF_CSRF=$(login staff1 "$TMP/staff.jar")
req staff-users-403 403 'j["error"]["code"]=="forbidden"' -b "$TMP/staff.jar" "$URL/api/users"
req staff-dept-add-403 403 '' -b "$TMP/staff.jar" "${JSON[@]}" -H "X-CSRF-Token: $STAFF_CSRF" -d '{"name":"x"}' "$URL/api/departments"
req staff-audit-403 403 '' -b "$TMP/staff.jar" "$URL/api/audit"
req staff-departments-read 200 '' -b "$TMP/staff.jar" "$URL/api/departments"

# API tokens: made with a session, shown once, stored hashed; a token acts
# as its user without CSRF, cannot manage tokens, and dies when revoked.
SH=(-b "$TMP/staff.jar" "${JSON[@]}" -H "X-CSRF-Token: $STAFF_CSRF")
req token-create 201 'j["token"].startswith("szt_") and len(j["token"])==68' "${SH[@]}" -d '{"name":"统计脚本","days":30}' "$URL/api/tokens"
STAFF_TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$TMP/body")
STAFF_TOKEN_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/body")
req token-bad-days-400 400 '' "${SH[@]}" -d '{"name":"x","days":99999}' "$URL/api/tokens"
req token-empty-name-400 400 '' "${SH[@]}" -d '{"name":""}' "$URL/api/tokens"
req token-bearer-me 200 'j["user"]["username"]=="staff1"' -H "Authorization: Bearer $STAFF_TOKEN" "$URL/api/me"
req token-bearer-keeps-role-403 403 'j["error"]["code"]=="forbidden"' -H "Authorization: Bearer $STAFF_TOKEN" "$URL/api/users"
req token-cannot-manage-tokens 403 '"令牌" in j["error"]["message"]' -H "Authorization: Bearer $STAFF_TOKEN" "${JSON[@]}" -d '{"name":"y"}' "$URL/api/tokens"
req token-malformed-401 401 '' -H "Authorization: Bearer szt_123" "$URL/api/me"
req token-list-own 200 '[t["name"] for t in j["tokens"]]==["统计脚本"] and j["tokens"][0]["state"]=="active" and "token_hash" not in j["tokens"][0]' -b "$TMP/staff.jar" "$URL/api/tokens"
req admin-token-create 201 '' "${AH[@]}" -d '{"name":"运维","days":0}' "$URL/api/tokens"
ADMIN_TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$TMP/body")
ADMIN_TOKEN_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/body")
req token-post-without-csrf 201 'j["id"]>0' -H "Authorization: Bearer $ADMIN_TOKEN" "${JSON[@]}" -d '{"name":"令牌建的部门"}' "$URL/api/departments"
req token-cookie-still-needs-csrf 403 'j["error"]["code"]=="csrf"' "${A[@]}" "${JSON[@]}" -d '{"name":"无令牌"}' "$URL/api/departments"
req token-staff-cannot-revoke-others 404 '' "${SH[@]}" -d '{}' "$URL/api/tokens/$ADMIN_TOKEN_ID/revoke"
req token-admin-lists-all 200 '{"统计脚本","运维"} <= {t["name"] for t in j["tokens"]}' "${A[@]}" "$URL/api/tokens"
check token-secret-not-stored bash -c "! sqlite3 '$SHUZHI_DB' 'SELECT * FROM api_tokens; SELECT detail FROM audit_log' | grep -q '${STAFF_TOKEN#szt_}'"
check token-secret-not-logged bash -c "! grep -q '${STAFF_TOKEN#szt_}' '$LOG'"
req token-revoke 200 '' "${SH[@]}" -d '{}' "$URL/api/tokens/$STAFF_TOKEN_ID/revoke"
req token-revoked-401 401 '' -H "Authorization: Bearer $STAFF_TOKEN" "$URL/api/me"
req token-revoke-twice-409 409 '' "${SH[@]}" -d '{}' "$URL/api/tokens/$STAFF_TOKEN_ID/revoke"
req token-audited 200 '{"token.create","token.revoke"} <= {a["action"] for a in j["entries"]}' "${A[@]}" "$URL/api/audit"
CLI_TOKEN=$("$BIN" token add staff1 命令行脚本 --days 7 2>/dev/null)
check cli-token-add bash -c "[[ '$CLI_TOKEN' == szt_* ]] && '${CURL[0]}' -s --noproxy '*' -H 'Authorization: Bearer $CLI_TOKEN' '$URL/api/me' | grep -q staff1"
check cli-token-list bash -c "'$BIN' token list staff1 --json | python3 -c 'import json,sys; j=json.load(sys.stdin); assert {t[\"name\"] for t in j[\"tokens\"]}=={\"统计脚本\",\"命令行脚本\"}'"
CLI_TOKEN_ID=$("$BIN" token list staff1 --json | python3 -c 'import json,sys; print([t["id"] for t in json.load(sys.stdin)["tokens"] if t["name"]=="命令行脚本"][0])')
check cli-token-revoke bash -c "'$BIN' token revoke $CLI_TOKEN_ID >/dev/null && [ \"\$('${CURL[0]}' -s --noproxy '*' -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $CLI_TOKEN' '$URL/api/me')\" = 401 ]"
check_status cli-token-unknown-user 2 "$BIN" token add nobody x
check_status cli-token-bad-days 2 "$BIN" token add staff1 x --days -3

# Every route in the table × every role: allowed (anything but 401/403),
# 401 anonymous, 403 logged in without the role.
GUARD_CSRF=$(login guard "$TMP/guardian.jar")
AUD_CSRF=$(login aud "$TMP/auditor.jar")
declare -A CSRF_OF=([admin]=$ADMIN_CSRF [staff]=$STAFF_CSRF [guardian]=$GUARD_CSRF [auditor]=$AUD_CSRF)
cp "$TMP/admin.jar" "$TMP/admin.keep"
"$BIN" serve --print-routes >"$TMP/routes"
check print-routes-nonempty test "$(wc -l <"$TMP/routes")" -ge 13
check api-doc-lists-every-route python3 scripts/api-doc.py "$BIN" --check
matrix_bad=""
while read -r method pattern roles _; do
	path=${pattern//\{id\}/999999}
	[ "$path" = "/*" ] && path=/index.html
	for role in anonymous admin guardian staff auditor; do
		# enterprise data: an object-level grant (default admin only) answers 403
		# to roles the admin has not granted; test_enterprise_api.sh tests it
		[[ "$pattern" == /api/enterprise* && "$role" != anonymous && "$role" != admin ]] && continue
		args=(-X "$method")
		if [ "$role" != anonymous ]; then
			jar=$TMP/$role.jar
			if [ "$pattern" = /api/logout ]; then # a throwaway session
				csrf=$(login "$(case $role in admin) echo admin ;; guardian) echo guard ;; staff) echo staff1 ;; auditor) echo aud ;; esac)" "$TMP/tmp.jar")
				jar=$TMP/tmp.jar
			else
				csrf=${CSRF_OF[$role]}
			fi
			args+=(-b "$jar" -H "X-CSRF-Token: $csrf")
		fi
		[ "$method" != GET ] && args+=("${JSON[@]}" -d '{}')
		status=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "${args[@]}" "$URL$path")
		if [[ ",$roles," == *,public,* ]]; then
			[[ "$status" == 401 || "$status" == 403 ]] && matrix_bad+=" $method $pattern $role→$status;"
		elif [ "$role" = anonymous ]; then
			[ "$status" = 401 ] || matrix_bad+=" $method $pattern $role→$status(want 401);"
		elif [[ ",$roles," == *,$role,* ]]; then
			[[ "$status" == 401 || "$status" == 403 ]] && matrix_bad+=" $method $pattern $role→$status;"
		else
			[ "$status" = 403 ] || matrix_bad+=" $method $pattern $role→$status(want 403);"
		fi
	done
done <"$TMP/routes"
if [ -z "$matrix_bad" ]; then ok routes-x-roles-matrix; else fail routes-x-roles-matrix "$matrix_bad"; fi

# Disable a user: their session ends at once; admin cannot disable itself.
STAFF_ID=$("${CURL[@]}" "${A[@]}" "$URL/api/users" | python3 -c 'import json,sys; print([u["id"] for u in json.load(sys.stdin)["users"] if u["username"]=="staff1"][0])')
req user-disable 200 'j["sessions_ended"]>=1' "${AH[@]}" -X POST "$URL/api/users/$STAFF_ID/disable"
req disabled-session-401 401 '' -b "$TMP/staff.jar" "$URL/api/me"
req disable-self-409 409 '' "${AH[@]}" -X POST "$URL/api/users/1/disable"
req disable-unknown-404 404 '' "${AH[@]}" -X POST "$URL/api/users/999999/disable"
req logout 200 '' "${AH[@]}" -X POST "$URL/api/logout"
req after-logout-401 401 '' "${A[@]}" "$URL/api/me"

# Lockout through the web: 5 failures lock the account (429), all audited.
for _ in 1 2 3 4; do "${CURL[@]}" -o /dev/null "${JSON[@]}" -d '{"username":"guard","password":"Wrong-pass-99"}' "$URL/api/login"; done
req lockout-429 429 'j["error"]["code"]=="locked"' "${JSON[@]}" -d '{"username":"guard","password":"Wrong-pass-99"}' "$URL/api/login"
# Per-IP rate limit: within the burst of 30 the limiter answers 429 with
# Retry-After (wrong logins are cheap to spend: unknown user names).
limited=0
for _ in $(seq 1 30); do
	s=$("${CURL[@]}" -D "$TMP/rl.h" -o "$TMP/body" -w '%{http_code}' "${JSON[@]}" -d '{"username":"x","password":"y"}' "$URL/api/login")
	if [ "$s" = 429 ]; then limited=1; break; fi
done
check login-rate-limit-429 bash -c "[ $limited = 1 ] && grep -q rate_limited '$TMP/body' && grep -qi '^retry-after: [0-9]' '$TMP/rl.h'"

check access-log-lines bash -c "grep -qE '127.0.0.1 GET /api/audit 200 [0-9.]+ms admin$' '$LOG' && ! grep -q 'since=' '$LOG'"
check audit-chain-intact-after "$BIN" audit verify --db "$SHUZHI_DB"

kill -TERM "$SERVER"
wait "$SERVER"
rc=$?
check sigterm-clean-exit test "$rc" -eq 0
check sigterm-logged grep -q '已停止' "$LOG"
