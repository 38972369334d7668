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
