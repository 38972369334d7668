#!/usr/bin/env bash
# Privacy: the PII scorer gate (issue 4: strict precision >= 0.97, recall
# >= 0.95 on pii-dev), the same figures on each half of the set (odd / even
# records, a stand-in for unseen data), hostile input for `pii scan`, the
# mask -> unmask round trip through the CLI, and `words` for admins.
# Uses the sanitizer build (60 short processes, ~15 s on 2 cores).
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
data="$SHARED/corpus/pii-dev.jsonl"
scorer="$SHARED/corpus/tools/score_pii.py"
if [ ! -f "$data" ] || [ ! -f "$scorer" ]; then
	fail pii_corpus "missing $data or $scorer"
	exit 1
fi
mkdir -p tests/artifacts
ge() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a+0 >= b+0)}'; }
figures() { # LOG -> "precision recall"
	tail -1 "$1" | sed -E 's/precision=([0-9.]+) recall=([0-9.]+) .*/\1 \2/'
}

/usr/bin/python3 "$scorer" --data "$data" --cmd "$BIN pii scan --json" --jobs 2 \
	--save-pred "$TMP/pred.jsonl" -v >tests/artifacts/pii-score.txt 2>&1
tail -1 tests/artifacts/pii-score.txt
read -r p r < <(figures tests/artifacts/pii-score.txt)
check pii_precision_ge_0.97 ge "${p:-0}" 0.97
check pii_recall_ge_0.95 ge "${r:-0}" 0.95
if grep -q 'FAILED' tests/artifacts/pii-score.txt; then
	fail pii_no_failed_records "$(grep -m3 FAILED tests/artifacts/pii-score.txt)"
else
	ok pii_no_failed_records
fi
if grep -q 'look-alikes flagged as PII: 0/' tests/artifacts/pii-score.txt; then
	ok pii_no_lookalikes_flagged
else
	fail pii_no_lookalikes_flagged "$(grep look-alikes tests/artifacts/pii-score.txt)"
fi
for half in odd even; do
	awk -v h=$half 'NF { n++; if ((h == "odd") == (n % 2 == 1)) print }' "$data" >"$TMP/$half.jsonl"
	/usr/bin/python3 "$scorer" --data "$TMP/$half.jsonl" --pred "$TMP/pred.jsonl" \
		>"tests/artifacts/pii-score-$half.txt" 2>&1
	read -r p r < <(figures "tests/artifacts/pii-score-$half.txt")
	echo "$half half: precision=$p recall=$r"
	check "pii_${half}_half_precision_ge_0.97" ge "${p:-0}" 0.97
	check "pii_${half}_half_recall_ge_0.95" ge "${r:-0}" 0.95
done

# Hostile input: exit 2 and a Chinese message, never a crash.
printf 'ab\xff\xfe' >"$TMP/bad.txt"
"$BIN" pii scan --json <"$TMP/bad.txt" >"$TMP/out" 2>"$TMP/err"
check pii_invalid_utf8_exit_2 test $? = 2
check pii_invalid_utf8_message grep -q 'UTF-8' "$TMP/err"
head -c $((10 * 1024 * 1024 + 1)) /dev/zero | tr '\0' '1' >"$TMP/big.txt"
"$BIN" pii scan --json <"$TMP/big.txt" >/dev/null 2>"$TMP/err"
check pii_over_10mb_exit_2 test $? = 2
check pii_over_10mb_message grep -q '10 MB' "$TMP/err"
"$BIN" pii scan --json "$TMP/big.txt" >/dev/null 2>"$TMP/err"
check pii_file_over_10mb_exit_2 test $? = 2
printf 'a\0b' | "$BIN" pii scan --json >/dev/null 2>&1
check pii_nul_exit_2 test $? = 2
"$BIN" pii scan --bogus </dev/null >/dev/null 2>&1
check pii_bad_option_exit_2 test $? = 2
out=$(printf '' | "$BIN" pii scan --json)
check pii_empty_input test "$out" = '{"spans":[]}'
# One long line of digits and separators (worst case for the number rules).
head -c 2000000 /dev/urandom | tr -dc '0-9 -' | head -c 1000000 >"$TMP/digits.txt"
"$BIN" pii scan --json "$TMP/digits.txt" >/dev/null 2>&1
check pii_long_digit_run_ok test $? = 0

# Masking through the CLI: nothing personal left, and unmask restores it.
text='申请人：张三丰，身份证号44030419900307123X，手机13812345678，住址：广东省深圳市南山区粤海街道科技园路1号。'
printf '%s' "$text" | "$BIN" pii mask --json >"$TMP/mask.json"
masked=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["masked"], end="")' "$TMP/mask.json")
case $masked in
*张三丰* | *13812345678* | *44030419900307123X* | *科技园路*) fail pii_mask_hides_values "$masked" ;;
*) ok pii_mask_hides_values ;;
esac
back=$(printf '%s' "$masked" | "$BIN" pii unmask --map "$TMP/mask.json")
check pii_unmask_round_trip test "$back" = "$text"
"$BIN" pii unmask </dev/null >/dev/null 2>&1
check pii_unmask_needs_map test $? = 2

# Sensitive words for admins.
export SHUZHI_DB="$TMP/words.db"
check words_add "$BIN" words add 赌博 博彩 --category 违法 --list 通用
printf '# 注释\n代开发票\t广告\nFUCK,辱骂\n赌博,违法\n\n' >"$TMP/words.txt"
"$BIN" words import "$TMP/words.txt" --list 通用 >"$TMP/out" 2>&1
check words_import grep -q '新增 2 个，已存在 1 个' "$TMP/out"
n=$("$BIN" words list --json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["words"]))')
check words_list_count test "$n" = 4
printf '想去赌' >"$TMP/a"
printf '博，还要代开发票，ＦＵＣＫ\n' >"$TMP/b"
cat "$TMP/a" "$TMP/b" | "$BIN" words check --record --place chat:1 --json >"$TMP/hits.json"
check words_check_exit_1_on_hits test $? = 1
hits=$("$BIN" words hits --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(h["word"] for h in json.load(sys.stdin)["hits"])))')
check words_hits_recorded test "$hits" = "FUCK 代开发票 赌博"
check words_rm "$BIN" words rm 赌博 --list 通用
"$BIN" words rm 赌博 --list 通用 >/dev/null 2>&1
check words_rm_missing_exit_2 test $? = 2
printf '坏\xff词\n' >"$TMP/badwords.txt"
"$BIN" words import "$TMP/badwords.txt" >/dev/null 2>"$TMP/err"
check words_import_invalid_utf8_exit_2 test $? = 2
check words_audit_intact "$BIN" audit verify
