#!/usr/bin/env bash
# The pages in a real browser: start shuzhi serve like test_server.sh (temp
# database, users made with the CLI, free loopback port) and run
# tests/browser/ui.test.mjs (playwright-core driving headless Debian Chromium).
# Installs nothing: scripts/install-deps.sh brings chromium, node and
# tests/browser/node_modules. Screenshots: tests/artifacts/browser-*.png.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

if [ ! -x /usr/bin/chromium ]; then
	fail browser-prereqs "/usr/bin/chromium missing (Debian package chromium; run scripts/install-deps.sh)"
	exit 1
fi
if ! command -v node >/dev/null; then
	fail browser-prereqs "node missing (run scripts/install-deps.sh)"
	exit 1
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
	fail browser-prereqs "tests/browser/node_modules missing (run scripts/install-deps.sh, or npm ci --prefix tests/browser)"
	exit 1
fi

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

mkdir -p tests/artifacts
rm -f tests/artifacts/browser-*.png
SHUZHI_URL=http://127.0.0.1:$PORT SHUZHI_PW=$PW SHUZHI_ARTIFACTS=tests/artifacts \
	SHUZHI_PROFILE=$TMP/chromium-profile NO_PROXY='*' no_proxy='*' \
	timeout 90 node tests/browser/ui.test.mjs >"$TMP/ui.out" 2>&1
rc=$?
cat "$TMP/ui.out"
if [ $rc -eq 124 ]; then
	fail browser-timeout "ui.test.mjs ran over 90 s"
elif [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$TMP/ui.out"; then
	fail browser-run "node exited $rc: $(grep -m1 -E 'Error|error' "$TMP/ui.out")"
fi

check audit-chain-intact-after "$BIN" audit verify --db "$SHUZHI_DB"
kill -TERM "$SERVER"
wait "$SERVER"
check server-clean-exit test $? -eq 0
