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

# With a model (the stand-in, replying the text of a file the test writes).
STANDIN=${SHUZHI_STANDIN:-build/standin}
[ -x "$STANDIN" ] || make -s build/standin >/dev/null
"$STANDIN" >"$TMP/standin.out" 2>&1 &
STANDIN_PID=$!
trap 'kill $STANDIN_PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 50); do
	SP=$(awk '/listening on/{print $4}' "$TMP/standin.out")
	[ -n "$SP" ] && break
	sleep 0.1
done
check slides-browser-standin-start test -n "$SP"
: >"$TMP/reply.txt"
printf '{"model":{"base_url":"http://127.0.0.1:%s/v1","model":"deepseek:delay=150:tokens=8:reply=%s","retries":0}}\n' \
	"$SP" "$TMP/reply.txt" >"$TMP/model.json"
start_server "$TMP/serve-model.log" --config "$TMP/model.json" || exit 1
export SLIDES_MODEL_REPLY=$TMP/reply.txt
run_browser tests/browser/slides.test.mjs
kill -TERM "$SERVER"
wait "$SERVER"
check slides-browser-model-server-clean-exit test $? -eq 0
