#!/usr/bin/env bash
# The portal's search mode in a real browser (tests/browser/kb_hybrid.test.mjs):
# with the stand-in embedding endpoint up, a document uploaded on the 知识库
# page gets its vectors from the server's job and the portal labels its
# results 语义＋关键词检索; the settings page shows the 知识库检索 settings;
# with the stand-in stopped the label is 仅关键词检索 and an upload still
# succeeds with the note that vectors are missing.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

export SHUZHI_DB=$TMP/shuzhi.db
PW='Chunjie-2024!'
printf '%s\n' "$PW" | "$BIN" user add admin --role admin >/dev/null
if ! start_standin; then
	fail browser_kb_hybrid_standin "the stand-in did not start"
	exit 1
fi
trap 'kill $STANDIN_PID ${SERVER:-} 2>/dev/null; rm -rf "$TMP"' EXIT
printf '{"embedding":{"kind":"openai","base_url":"%s/v1","model":"hash-bigram","batch":16,"retries":0,"timeout_s":10}}\n' \
	"$SURL" >"$TMP/serve.json"
start_server "$TMP/serve.log" --config "$TMP/serve.json" --login-burst 30 || exit 1
cat >"$TMP/电动自行车登记办法.md" <<'MD'
# 电动自行车登记办法

第一条 电动自行车实行登记制度，所有人应当自购买之日起十五日内申请登记上牌。

第二条 申请登记应当提交身份证明、购车发票和产品合格证。
MD
cat >"$TMP/噗噗备案规定.md" <<'MD'
# 噗噗备案规定

第一条 噗噗应当备案。
MD
export HY_DOC=$TMP/电动自行车登记办法.md HY_DOC2=$TMP/噗噗备案规定.md
HY_PHASE=up run_browser tests/browser/kb_hybrid.test.mjs
check browser_kb_hybrid_vectors_stored test "$(sqlite3 "$SHUZHI_DB" 'SELECT count(*) FROM kb_vec')" -gt 0
kill "$STANDIN_PID"
wait "$STANDIN_PID" 2>/dev/null
HY_PHASE=down run_browser tests/browser/kb_hybrid.test.mjs
check browser_kb_hybrid_audit_chain "$BIN" audit verify --db "$SHUZHI_DB"
kill -TERM "$SERVER"
wait "$SERVER"
check browser_kb_hybrid_server_clean_exit test $? -eq 0
SERVER=
