#!/usr/bin/env bash
# The 演示文稿 page in headless Chromium (tests/browser/slides.test.mjs): paste,
# outline, edit, live preview count, error line, template, .pptx download.
# No model configured: the model button must be disabled with its hint.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
printf '%s\n' "$PW" | "$BIN" user add staff1 --role staff >/dev/null
start_server "$TMP/serve.log" || exit 1
export SLIDES_MATERIAL=tests/data/slides/long-report.txt
run_browser tests/browser/slides.test.mjs
kill -TERM "$SERVER"
wait "$SERVER"
check slides-browser-server-clean-exit test $? -eq 0
check slides-browser-no-sanitizer-report bash -c "! grep -q 'Sanitizer\|runtime error' '$TMP/serve.log'"
