#!/usr/bin/env bash
# shuzhi serve settings: a config file, SHUZHI_* environment overrides and
# flags (flags > env > file > defaults), checked with --print-config; then a
# real start from a config file on port 0.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
unset SHUZHI_DB SHUZHI_LISTEN SHUZHI_BEHIND_TLS SHUZHI_LOGIN_BURST SHUZHI_REQUEST_TIMEOUT_S

CFG=$TMP/shuzhi.json
cat >"$CFG" <<JSON
{"listen": "127.0.0.1:0", "db": "$TMP/cfg.db", "login_burst": 5, "request_timeout_s": 12}
JSON
# get JSON KEY: one value of --print-config output
get() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(str(v).lower() if isinstance(v,bool) else v)' "$1" "$2"; }

"$BIN" serve --print-config >"$TMP/p0" && [ "$(get "$TMP/p0" listen)" = 127.0.0.1:8080 ] &&
	[ "$(get "$TMP/p0" login_burst)" = 10 ] && ok config-defaults || fail config-defaults "$(cat "$TMP/p0")"
"$BIN" serve --config "$CFG" --print-config >"$TMP/p1" && [ "$(get "$TMP/p1" login_burst)" = 5 ] &&
	[ "$(get "$TMP/p1" request_timeout_s)" = 12 ] && [ "$(get "$TMP/p1" db)" = "$TMP/cfg.db" ] &&
	ok config-file || fail config-file "$(cat "$TMP/p1")"
SHUZHI_LOGIN_BURST=7 SHUZHI_BEHIND_TLS=true "$BIN" serve --config "$CFG" --print-config >"$TMP/p2" &&
	[ "$(get "$TMP/p2" login_burst)" = 7 ] && [ "$(get "$TMP/p2" behind_tls)" = true ] &&
	[ "$(get "$TMP/p2" request_timeout_s)" = 12 ] && ok config-env-over-file || fail config-env-over-file "$(cat "$TMP/p2")"
SHUZHI_LOGIN_BURST=7 SHUZHI_DB=$TMP/env.db "$BIN" serve --config "$CFG" --login-burst 9 --request-timeout-s=3 --print-config >"$TMP/p3" &&
	[ "$(get "$TMP/p3" login_burst)" = 9 ] && [ "$(get "$TMP/p3" request_timeout_s)" = 3 ] &&
	[ "$(get "$TMP/p3" db)" = "$TMP/env.db" ] && ok config-flag-over-env || fail config-flag-over-env "$(cat "$TMP/p3")"
"$BIN" serve --config "$TMP/p3" --print-config | cmp -s - "$TMP/p3" && ok config-print-round-trips || fail config-print-round-trips

echo '{"listen":":0","login_brust":3}' >"$TMP/bad.json"
out=$("$BIN" serve --config "$TMP/bad.json" --print-config 2>&1)
[ $? -eq 2 ] && [[ $out == *bad.json* ]] && [[ $out == *login_brust* ]] && ok config-unknown-key || fail config-unknown-key "$out"
out=$(SHUZHI_LOGIN_BURST=abc "$BIN" serve --print-config 2>&1)
[ $? -eq 2 ] && [[ $out == *SHUZHI_LOGIN_BURST* ]] && ok config-bad-env || fail config-bad-env "$out"
out=$(SHUZHI_PORTAL_PER_MINUTE=0 "$BIN" serve --print-config 2>&1)
[ $? -eq 2 ] && [[ $out == *portal_per_minute* ]] && ok config-portal-rate-range || fail config-portal-rate-range "$out"
[ "$(get "$TMP/p0" portal_burst)" = 30 ] && [ "$(get "$TMP/p0" portal_per_minute)" = 60 ] &&
	ok config-portal-defaults || fail config-portal-defaults "$(cat "$TMP/p0")"

LOG=$TMP/serve.log
"$BIN" serve --config "$CFG" 2>"$LOG" &
SERVER=$!
PORT=
for _ in $(seq 1 100); do
	PORT=$(sed -n 's|.*正在监听 http://127.0.0.1:\([0-9][0-9]*\)/$|\1|p' "$LOG")
	[ -n "$PORT" ] && break
	sleep 0.1
done
if [ -n "$PORT" ] && curl -s --noproxy '*' --max-time 10 "http://127.0.0.1:$PORT/healthz" | grep -q '"ok"' &&
	[ -f "$TMP/cfg.db" ]; then
	ok config-serve-starts
else
	fail config-serve-starts "$(cat "$LOG")"
fi
kill -TERM "$SERVER" 2>/dev/null
wait "$SERVER"
rc=$?
[ $rc -eq 0 ] && ok config-serve-stops || fail config-serve-stops "exit $rc: $(tail -5 "$LOG")"
