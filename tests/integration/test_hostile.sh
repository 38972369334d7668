#!/usr/bin/env bash
# Hostile input through the CLI: every case exits 2 with one clear message on
# stderr naming the file and the reason, writes no output, stays within
# 100 MB RSS (release build, measured by /usr/bin/time) and a few seconds of CPU.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
REL=${SHUZHI_REL_BIN:-build/shuzhi}
fx="$TMP/fx"
mkdir -p "$fx"
/usr/bin/python3 tests/data/hostile/make.py "$fx" >/dev/null
# the zip fixtures are presented as .docx, the XML ones inside valid packages
for f in "$fx"/*.zip; do mv "$f" "${f%.zip}.docx"; done
truncate -s 200M "$fx/huge_200mb.docx"
: >"$fx/zero.docx"
: >"$fx/zero.txt"
printf '\xef\xbb\xbf示例\xff\xfe正文\n' >"$fx/badutf8.txt"
printf 'a\0b\n' >"$fx/nul.txt"
head -c 1600000 /dev/urandom | base64 -w 0 >"$fx/hugeline.txt"
python3 -c "print('x' * (17 << 20))" >"$fx/huge_17mb.txt"

hostile="bomb_200mb bomb_ratio_30mb bomb_ratio_2mb bomb_lying traversal traversal_nested
traversal_backslash absolute control_char dup_exact dup_case encrypted bzip2 bad_crc
many_entries truncated missing_eocd notzip pk_junk empty dtd_xxe dtd_billion_laughs
badutf8_xml huge_200mb zero"
for name in $hostile; do
	f="$fx/$name.docx"
	/usr/bin/time -f '%M %U %S' -o "$TMP/time" "$REL" gongwen check "$f" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	read -r rss_kb usr sys < <(tail -1 "$TMP/time")
	secs=$(awk -v u="$usr" -v s="$sys" 'BEGIN{print u + s}') # CPU, not wall: a busy machine must not fail it
	lines=$(wc -l <"$TMP/err")
	if [ "$rc" = 2 ] && [ "$lines" = 1 ] && grep -q "$name.docx" "$TMP/err" &&
		[ ! -s "$TMP/out" ] && [ "$rss_kb" -lt 102400 ] &&
		awk -v s="$secs" 'BEGIN{exit !(s < 5)}'; then
		ok "hostile_$name"
	else
		fail "hostile_$name" "rc=$rc lines=$lines rss=${rss_kb}KB t=${secs}s: $(head -c 300 "$TMP/err")"
	fi
	# the sanitizer build must agree (no leak, no UB) and fix must write nothing
	"$BIN" gongwen fix "$f" -o "$TMP/o.docx" >/dev/null 2>"$TMP/err2"
	rc2=$?
	if [ "$rc2" = 2 ] && [ ! -e "$TMP/o.docx" ] && ! grep -q 'Sanitizer' "$TMP/err2"; then
		ok "hostile_fix_$name"
	else
		fail "hostile_fix_$name" "rc=$rc2 $(head -c 300 "$TMP/err2")"
	fi
done
for name in zero badutf8 nul hugeline huge_17mb; do
	f="$fx/$name.txt"
	"$BIN" gongwen check "$f" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q "$name.txt" "$TMP/err"; then
		ok "hostile_txt_$name"
	else
		fail "hostile_txt_$name" "rc=$rc $(head -c 300 "$TMP/err")"
	fi
done
# valid packages from the same generator still check fine
for name in valid valid_stored valid_descriptor valid_comment valid_zip64; do
	"$BIN" gongwen check "$fx/$name.docx" --format json >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -le 1 ] && grep -q '"findings"' "$TMP/out"; then
		ok "valid_package_$name"
	else
		fail "valid_package_$name" "rc=$rc $(head -c 300 "$TMP/err")"
	fi
done
