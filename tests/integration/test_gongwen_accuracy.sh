#!/usr/bin/env bash
# Regression gate (issue: recall/precision/fix >= 0.98, damage 0) on the
# development set with its own scorer, using the sanitizer build.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
set_dir="$SHARED/corpus/gongwen-dev"
if [ ! -d "$set_dir" ]; then
	fail gongwen_accuracy "missing $set_dir"
	exit 1
fi
/usr/bin/python3 "$set_dir/tools/score.py" --set "$set_dir" --bin "$BIN" --jobs 2 --timeout 120 \
	--json tests/artifacts/gongwen-score.json >tests/artifacts/gongwen-score.txt 2>&1
last=$(tail -1 tests/artifacts/gongwen-score.txt)
echo "$last"
read -r recall precision fixr damage < <(echo "$last" |
	sed -E 's/recall=([0-9.]+) precision=([0-9.]+) fix=([0-9.]+) damage=([0-9]+)/\1 \2 \3 \4/')
ge() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a+0 >= b+0)}'; }
check gongwen_recall_ge_0.98 ge "${recall:-0}" 0.98
check gongwen_precision_ge_0.98 ge "${precision:-0}" 0.98
check gongwen_fix_ge_0.98 ge "${fixr:-0}" 0.98
check gongwen_damage_0 test "${damage:-1}" = 0
if grep -q '^PROBLEMS' tests/artifacts/gongwen-score.txt; then
	fail gongwen_no_crashes "$(grep -A3 '^PROBLEMS' tests/artifacts/gongwen-score.txt | head -4)"
else
	ok gongwen_no_crashes
fi
