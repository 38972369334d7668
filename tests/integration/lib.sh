# Helpers for integration tests: ok/fail lines counted by tests/run-all.sh.
BIN=${SHUZHI_BIN:-build/asan/shuzhi}
SHARED=${SHUZHI_SHARED:-../shared}
TMP=$(mktemp -d /tmp/shuzhi-it.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
ok() { echo "ok $1"; }
fail() { echo "FAIL $1${2:+: $2}"; }
# check NAME COMMAND...: ok when the command succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}
# check_status NAME WANT COMMAND...: ok when the command exits with WANT
check_status() {
	local name=$1 want=$2 got
	shift 2
	"$@" >/dev/null 2>&1
	got=$?
	if [ "$got" = "$want" ]; then ok "$name"; else fail "$name" "exit $got, want $want"; fi
}

# start_server LOG [serve options...]: run "$BIN serve" on a free loopback
# port with its log in LOG; sets SERVER (pid) and PORT and prints the
# server-start line; returns 1 when the server did not come up.
start_server() {
	local log=$1
	shift
	"$BIN" serve --listen 127.0.0.1:0 "$@" 2>"$log" &
	SERVER=$!
	PORT=
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's|.*正在监听 http://127.0.0.1:\([0-9][0-9]*\)/$|\1|p' "$log")
		[ -n "$PORT" ] && break
		sleep 0.1
	done
	if [ -z "$PORT" ]; then
		fail server-start "$(cat "$log")"
		kill "$SERVER" 2>/dev/null
		return 1
	fi
	ok server-start
}

# run_browser FILE.mjs: run one browser test (tests/browser/lib.mjs) against
# the server at $PORT with a fresh Chromium profile; its ok/FAIL lines go to
# stdout. Needs chromium, node and tests/browser/node_modules
# (scripts/install-deps.sh).
run_browser() {
	local file=$1 out=$TMP/browser-$(basename "$1" .mjs).out rc
	if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null ||
		[ ! -d tests/browser/node_modules/playwright-core ]; then
		fail browser-prereqs "chromium, node or tests/browser/node_modules missing (run scripts/install-deps.sh)"
		return 1
	fi
	mkdir -p tests/artifacts
	SHUZHI_URL=http://127.0.0.1:$PORT SHUZHI_PW=${PW:-} SHUZHI_ARTIFACTS=tests/artifacts \
		SHUZHI_PROFILE=$(mktemp -d "$TMP/chromium.XXXXXX") NO_PROXY='*' no_proxy='*' \
		timeout 120 node "$file" >"$out" 2>&1
	rc=$?
	cat "$out"
	if [ $rc -eq 124 ]; then
		fail "browser-timeout-$(basename "$file" .mjs)" "$file ran over 120 s"
	elif [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
		fail "browser-run-$(basename "$file" .mjs)" "node exited $rc: $(grep -m1 -E 'Error|error' "$out")"
	fi
}

# start_standin: run the stand-in model server (build/standin) on a free
# port; sets STANDIN_PID and SURL (http://127.0.0.1:PORT); returns 1 when it
# did not come up. The caller kills $STANDIN_PID.
start_standin() {
	local bin=${SHUZHI_STANDIN:-build/standin} port=
	[ -x "$bin" ] || make -s build/standin >/dev/null
	"$bin" >"$TMP/standin.out" 2>&1 &
	STANDIN_PID=$!
	for _ in $(seq 1 50); do
		port=$(awk '/listening on/{print $4}' "$TMP/standin.out")
		[ -n "$port" ] && break
		sleep 0.1
	done
	SURL=http://127.0.0.1:$port
	[ -n "$port" ]
}

# ent_subset SRC DST N: the first N enterprises of an export in SRC (with
# valid-length codes) and their rows of every other file, written to DST.
ent_subset() {
	mkdir -p "$2"
	python3 - "$1" "$2" "$3" <<'PY'
import os, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = open(os.path.join(src, "enterprises.csv"), encoding="utf-8").read().splitlines()
keep, out = set(), [rows[0]]
for line in rows[1:]:
    code = line.split(",")[0].strip().upper()
    if len(code) == 18 and len(keep) < n:
        keep.add(code); out.append(line)
open(os.path.join(dst, "enterprises.csv"), "w", encoding="utf-8").write("\n".join(out) + "\n")
for f in os.listdir(src):
    if f.endswith(".csv") and f != "enterprises.csv":
        lines = open(os.path.join(src, f), encoding="utf-8").read().splitlines()
        sel = [lines[0]] + [l for l in lines[1:] if l.split(",")[0].strip().upper() in keep]
        open(os.path.join(dst, f), "w", encoding="utf-8").write("\n".join(sel) + "\n")
PY
}
