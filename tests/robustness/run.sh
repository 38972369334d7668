#!/usr/bin/env bash
# Differential robustness harness (see tests/robustness/README.md).
#   tests/robustness/run.sh            full run: every dev-set file x every variant,
#                                      LibreOffice round trips of 40 files (~30-60 min)
#   tests/robustness/run.sh --quick    ~12 .docx + 3 .txt, no LibreOffice (< 3 min idle)
# Extra arguments go to diff.py (e.g. --variants split-runs,theme-fonts --show-xml).
# Report: stdout and tests/robustness/out/report{,-quick}.{txt,json}; exit 1 on any
# disagreement, fix-rate drop, damage or crash on a valid (oracle-equivalent) variant.
set -uo pipefail
cd "$(dirname "$0")/../.."
SHARED=${SHUZHI_SHARED:-../shared}
SET=${GONGWEN_DEV_SET:-$SHARED/corpus/gongwen-dev}
[ -d "$SET" ] || SET=/work/shared/corpus/gongwen-dev
BIN=${SHUZHI_BIN:-build/shuzhi}
if [ ! -x "$BIN" ]; then
	make "$BIN" >/dev/null || { echo "robustness: cannot build $BIN" >&2; exit 2; }
fi
mkdir -p tests/robustness/out
tag=report
for a in "$@"; do [ "$a" = "--quick" ] && tag=report-quick; done
GONGWEN_DEV_SET=$SET /usr/bin/python3 tests/robustness/diff.py --set "$SET" --bin "$BIN" \
	--jobs "${JOBS:-2}" --json "tests/robustness/out/$tag.json" "$@" |
	tee "tests/robustness/out/$tag.txt"
rc=${PIPESTATUS[0]}
exit "$rc"
