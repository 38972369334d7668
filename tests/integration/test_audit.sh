#!/usr/bin/env bash
# Users, departments and the hash-chained audit log through the CLI; then
# tamper with the database file behind the program's back (edit a row,
# delete a row, swap two rows) and expect `audit verify` to exit 1 naming
# the first broken row each time.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'

# expect_verify NAME EXIT PATTERN [DB]: exit code and a line of the report
expect_verify() {
	local name=$1 want=$2 pattern=$3 db=${4:-$SHUZHI_DB} out rc
	out=$("$BIN" audit verify --db "$db" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && printf '%s\n' "$out" | grep -q -- "$pattern"; then
		ok "$name"
	else
		fail "$name" "exit $rc: $out"
	fi
}

# Build a log of 6 entries: 2 departments, 2 users, a password change, a disable.
setup() {
	"$BIN" dept add 市政府 >/dev/null &&
		"$BIN" dept add 办公室 --parent 市政府 >/dev/null &&
		printf '%s\n' "$PW" | "$BIN" user add zhangsan --role admin --dept 办公室 >/dev/null &&
		printf '%s\n' "$PW" | "$BIN" user add 李四 --role staff --display 李四 >/dev/null &&
		printf '%s\n' "Xin-mima-2025" | "$BIN" user passwd 李四 >/dev/null &&
		"$BIN" user disable 李四 >/dev/null
}

check cli-setup setup
n=$("$BIN" audit list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
check audit-six-entries test "$n" = 6
check audit-actor-is-os-user bash -c "'$BIN' audit list --json --user '${USER:-$(id -un)}' | grep -q '\"actor\": \"cli:'"
check audit-filter-action bash -c "[ \$('$BIN' audit list --action user.add | wc -l) -eq 2 ]"
check audit-no-password bash -c "! grep -qa -- '$PW' '$SHUZHI_DB' && ! '$BIN' audit list --json | grep -q -- '$PW'"
check user-list-json bash -c "'$BIN' user list --json | python3 -c 'import json,sys; u=json.load(sys.stdin); assert [x[\"username\"] for x in u]==[\"zhangsan\",\"李四\"] and u[1][\"disabled\"]'"
check user-dup-refused bash -c "printf '%s\n' '$PW' | '$BIN' user add zhangsan --role staff 2>&1 | grep -q 已存在"
# expect_fail NAME EXIT PATTERN COMMAND: exit code and message on stderr
expect_fail() {
	local name=$1 want=$2 pattern=$3 out rc
	out=$(bash -c "$4" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq "$want" ] && printf '%s\n' "$out" | grep -q -- "$pattern"; then
		ok "$name"
	else
		fail "$name" "exit $rc: $out"
	fi
}
expect_fail user-weak-password 2 '密码太短' "printf 'abc\n' | '$BIN' user add wangwu --role staff"
expect_fail user-one-class-password 2 '密码太简单' "printf 'abcdefghijkl\n' | '$BIN' user add wangwu --role staff"
expect_fail user-bad-role 2 '角色无效' "printf '%s\n' '$PW' | '$BIN' user add wangwu --role boss"
expect_fail user-bad-name 2 '用户名只能包含' "printf '%s\n' '$PW' | '$BIN' user add 'a b' --role staff"
expect_fail user-unknown-dept 2 '部门“财政局”不存在' "printf '%s\n' '$PW' | '$BIN' user add wangwu --role staff --dept 财政局"
expect_fail user-passwd-unknown 2 '用户不存在' "printf '%s\n' '$PW' | '$BIN' user passwd nobody"
expect_fail dept-unknown-parent 2 '不存在' "'$BIN' dept add 科室 --parent 不存在"
expect_fail dept-duplicate 2 '已有同名部门' "'$BIN' dept add 办公室 --parent 市政府"
check app-cannot-edit-log bash -c "sqlite3 '$SHUZHI_DB' \"UPDATE audit_log SET actor='x' WHERE id=1\" 2>&1 | grep -q append-only"
expect_verify verify-intact 0 '完整：共 6 条'
check verify-json-intact bash -c "'$BIN' audit verify --json | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r[\"intact\"] and r[\"entries\"]==6 and r[\"broken\"] is None'"

# Each tampering works on a fresh copy; the triggers that make the table
# append-only for the program are dropped first, as an attacker with the
# file would do.
tamper() {
	local db=$TMP/$1.db
	cp "$SHUZHI_DB" "$db"
	sqlite3 "$db" "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; $2" ||
		return 1
	echo "$db"
}

db=$(tamper edit "UPDATE audit_log SET detail = replace(detail, 'staff', 'admin') WHERE id = 4")
expect_verify tamper-edit-detail 1 '第一个断点是第 4 条（edited）' "$db"
db=$(tamper actor "UPDATE audit_log SET actor = 'cli:nobody' WHERE id = 2")
expect_verify tamper-edit-actor 1 '第 2 条（edited）' "$db"
db=$(tamper delete "DELETE FROM audit_log WHERE id = 3")
expect_verify tamper-delete-row 1 '第一个断点是第 4 条（gap）.*缺少第 3 条' "$db"
db=$(tamper first "DELETE FROM audit_log WHERE id = 1")
expect_verify tamper-delete-first 1 '第 2 条（gap）' "$db"
db=$(tamper swap "UPDATE audit_log SET id = -1 WHERE id = 2; UPDATE audit_log SET id = 2 WHERE id = 5;
	UPDATE audit_log SET id = 5 WHERE id = -1")
expect_verify tamper-swap-rows 1 '第一个断点是第 2 条（relinked）' "$db"
db=$(tamper rehash "UPDATE audit_log SET hash = '$(printf 'f%.0s' {1..64})' WHERE id = 5")
expect_verify tamper-edit-hash 1 '第 5 条（edited）' "$db"
check verify-json-broken bash -c "'$BIN' audit verify --json --db '$db' | python3 -c 'import json,sys; r=json.load(sys.stdin); assert not r[\"intact\"] and r[\"broken\"][\"id\"]==5 and r[\"broken\"][\"reason\"]==\"edited\"'"

# Unreadable: missing file, not a database, a database of something else.
expect_verify verify-missing-db 2 '不存在' "$TMP/none.db"
echo 'not a database' >"$TMP/junk.db"
expect_verify verify-not-a-db 2 '不是数据库' "$TMP/junk.db"
sqlite3 "$TMP/other.db" 'CREATE TABLE t(x)'
expect_verify verify-foreign-db 2 '不是数智数据库' "$TMP/other.db"
check verify-does-not-create test ! -e "$TMP/none.db"
