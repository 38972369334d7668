#!/usr/bin/env bash
# 系统设置 in a real browser (tests/browser/settings.test.mjs): sources and
# defaults, 测试连接 against the stand-in model (passes), a Chinese error for
# an out-of-range value, a confirmed save applied live, the diagnosis of a
# wrong endpoint, a staff user refused; then with the stand-in stopped, the
# diagnosis of the outage.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
printf '%s\n' "$PW" | "$BIN" user add admin --role admin >/dev/null
printf '%s\n' "$PW" | "$BIN" user add bob --role staff >/dev/null
start_standin || { fail standin-start; exit 1; }
trap 'kill $STANDIN_PID ${SERVER:-} 2>/dev/null; rm -rf "$TMP"' EXIT
printf '{"model":{"base_url":"%s/v1","model":"deepseek","retries":0}}\n' "$SURL" >"$TMP/serve.json"
start_server "$TMP/serve.log" --config "$TMP/serve.json" --login-burst 30 || exit 1
SET_PHASE=main run_browser tests/browser/settings.test.mjs
check browser-key-not-logged bash -c "! grep -q sk-browser-secret '$TMP/serve.log'"
kill $STANDIN_PID
wait $STANDIN_PID 2>/dev/null
SET_PHASE=outage run_browser tests/browser/settings.test.mjs
