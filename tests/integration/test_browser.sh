#!/usr/bin/env bash
# The pages in a real browser: start shuzhi serve like test_server.sh (temp
# database, users made with the CLI, free loopback port) and run
# tests/browser/ui.test.mjs (playwright-core driving headless Debian Chromium).
# Installs nothing: scripts/install-deps.sh brings chromium, node and
# tests/browser/node_modules. Screenshots: tests/artifacts/browser-*.png.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
LOG=$TMP/serve.log
add_user() { printf '%s\n' "$PW" | "$BIN" user add "$1" --role "$2" >/dev/null; }
check cli-users bash -c "$(declare -f add_user); BIN='$BIN' PW='$PW'; add_user admin admin && add_user staff1 staff && add_user guard guardian"

# A public knowledge base for the portal: two laws, as an office would load them.
mkdir -p "$TMP/kb/行政法"
cp "$SHARED/corpus/laws/行政法/行政处罚法(2021-01-22).md" "$SHARED/corpus/laws/行政法/行政许可法"*.md "$TMP/kb/行政法/" 2>/dev/null
check kb-public "$BIN" kb add 政策法规 "$TMP/kb" --visibility public

start_server "$LOG" --login-burst 30 || exit 1

rm -f tests/artifacts/browser-*.png
run_browser tests/browser/ui.test.mjs

check audit-chain-intact-after "$BIN" audit verify --db "$SHUZHI_DB"
kill -TERM "$SERVER"
wait "$SERVER"
check server-clean-exit test $? -eq 0
