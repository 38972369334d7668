#!/usr/bin/env bash
# 公文校对 page in headless Chromium (tests/browser/gongwen.test.mjs): upload,
# findings, the errors filter, the fixed copy downloaded and re-checked here.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
printf '%s\n' "$PW" | "$BIN" user add staff1 --role staff >/dev/null
DOCX=$SHARED/corpus/gongwen-dev/docs/gwd-0001.docx
want=$("$BIN" gongwen check "$DOCX" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
printf 'PK\003\004broken' >"$TMP/broken.docx"
start_server "$TMP/serve.log" || exit 1
SHUZHI_DOCX=$DOCX SHUZHI_BAD=$TMP/broken.docx SHUZHI_WANT_FINDINGS=$want SHUZHI_FIXED_OUT=$TMP/fixed.docx \
	run_browser tests/browser/gongwen.test.mjs
errors() { "$BIN" gongwen check "$1" --format json | python3 -c 'import json,sys; print(sum(f["severity"]=="error" for f in json.load(sys.stdin)["findings"]))'; }
check gongwen-downloaded-copy-has-fewer-errors bash -c "[ -s '$TMP/fixed.docx' ] && [ $(errors "$DOCX") -gt \$('$BIN' gongwen check '$TMP/fixed.docx' --format json | python3 -c 'import json,sys; print(sum(f[\"severity\"]==\"error\" for f in json.load(sys.stdin)[\"findings\"]))') ]"
kill "$SERVER"
wait "$SERVER" 2>/dev/null
