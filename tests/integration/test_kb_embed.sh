#!/usr/bin/env bash
# Embeddings end to end with the stand-in model server (build/standin, whose
# vectors are hashed character bigrams, NOT a semantic model): `kb add
# --config` stores one vector per chunk, `search --config` reports
# "mode":"hybrid" and returns results, another model re-embeds, the Ollama
# endpoint works too, and an embedding outage is a note on stderr with the
# keyword results (exit 0), never an error. A failed ingest-time embedding
# leaves keyword search complete (exit 1 with the reason).
# Speed: the release binary (SHUZHI_REL_BIN) on a subset of the laws
# (社会法 and 民法典, 40 files); the sanitizer build on two small files.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
REL=${SHUZHI_REL_BIN:-build/shuzhi}
laws="$SHARED/corpus/laws"
if [ ! -d "$laws" ] || [ ! -x "$REL" ]; then
	fail kb_embed_setup "missing $laws or $REL"
	exit 1
fi
if ! start_standin; then
	fail kb_embed_standin "the stand-in did not start"
	exit 1
fi
trap 'kill $STANDIN_PID 2>/dev/null; rm -rf "$TMP"' EXIT

cfg() { # cfg FILE KIND BASE_URL MODEL
	printf '{"listen":"127.0.0.1:0","embedding":{"kind":"%s","base_url":"%s","model":"%s","batch":32,"retries":1,"retry_base_ms":10,"timeout_s":10}}\n' \
		"$2" "$3" "$4" >"$1"
}
cfg "$TMP/e.json" openai "$SURL/v1" hash-bigram
cfg "$TMP/ollama.json" ollama "$SURL" hash-bigram
cfg "$TMP/other.json" openai "$SURL/v1" "hash-bigram:dim=64"
cfg "$TMP/err.json" openai "$SURL/v1" err-500
cfg "$TMP/bad.json" openai "$SURL/v1" malformed
# a port nobody listens on: bind and close one
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
cfg "$TMP/down.json" openai "http://127.0.0.1:$dead/v1" hash-bigram
echo '{"listen":"127.0.0.1:0"}' >"$TMP/none.json"

mkdir -p "$TMP/subset"
cp -r "$laws/社会法" "$laws/民法典" "$TMP/subset/"
db="$TMP/laws.db"

# ---- ingest with vectors ----
"$REL" kb add laws "$TMP/subset" --db "$db" --config "$TMP/e.json" 2>"$TMP/add.err"
check_rc=$?
check kb_embed_add_exit0 test "$check_rc" = 0
chunks=$(sed -n 's/.*写入 \([0-9]*\) 个分块.*/\1/p' "$TMP/add.err")
vecs=$(sed -n 's/.*：向量化 \([0-9]*\) 个分块（模型 hash-bigram）.*/\1/p' "$TMP/add.err")
check kb_embed_add_one_vector_per_chunk test -n "$chunks" -a "${vecs:-x}" = "$chunks"
check kb_embed_add_progress grep -q '^shuzhi kb: 向量化 [0-9]*/[0-9]* 个分块' "$TMP/add.err"
check kb_embed_add_file_progress grep -q '个文件，[0-9]* 个分块$' "$TMP/add.err"

# ---- the runs (checked together below: one python3 start) ----
q='劳动者在试用期内被解除劳动合同怎么办'
"$REL" search --db "$db" --config "$TMP/e.json" --json --limit 5 "$q" >"$TMP/h.json" 2>"$TMP/h.err"
check kb_embed_search_exit0 test $? = 0
check kb_embed_search_no_note test ! -s "$TMP/h.err"
# Plain search: no "mode"; a config without "embedding" is keyword search.
"$REL" search --db "$db" --json --limit 5 "$q" >"$TMP/p.json"
"$REL" search --db "$db" --config "$TMP/none.json" --json --limit 5 "$q" >"$TMP/n.json"
i=0
for qq in "$q" "工伤认定需要哪些材料" "用人单位拖欠工资" "继承遗产的顺序"; do
	"$REL" search --db "$db" --json --limit 5 "$qq" >"$TMP/cmp$i.bm25.json"
	"$REL" search --db "$db" --config "$TMP/e.json" --json --limit 5 "$qq" >"$TMP/cmp$i.hyb.json"
	i=$((i + 1))
done
"$REL" search --db "$db" --config "$TMP/e.json" --json --limit 3 "劳动合同法第十九条" >"$TMP/c.json"
# Ollama's /api/embed: same model name, same vectors, nothing to redo.
"$REL" search --db "$db" --config "$TMP/ollama.json" --json --limit 5 "$q" >"$TMP/o.json" 2>/dev/null

# ---- outage: keyword results with a note, exit 0 ----
"$REL" search --db "$db" --config "$TMP/down.json" --json --limit 5 "$q" >"$TMP/d.json" 2>"$TMP/d.err"
check kb_embed_down_exit0 test $? = 0
check kb_embed_down_note grep -q '向量服务不可用.*本次仅用关键词检索' "$TMP/d.err"
"$REL" search --db "$db" --config "$TMP/err.json" --json --limit 5 "$q" >"$TMP/x.json" 2>"$TMP/x.err"
check kb_embed_500_note grep -q '500' "$TMP/x.err"

# ---- another model: every chunk re-embedded ----
"$REL" kb reindex laws --db "$db" --config "$TMP/other.json" 2>"$TMP/re.err"
check kb_embed_reindex_exit0 test $? = 0
revecs=$(sed -n 's/.*：向量化 \([0-9]*\) 个分块（模型 hash-bigram:dim=64）.*/\1/p' "$TMP/re.err")
check kb_embed_reembed_all test "${revecs:-x}" = "$chunks"
"$REL" search --db "$db" --config "$TMP/other.json" --json --limit 5 "$q" >"$TMP/r.json" 2>/dev/null
"$REL" kb reindex laws --db "$db" --config "$TMP/other.json" 2>"$TMP/re2.err"
check kb_embed_reindex_nothing_to_do grep -q '向量化 0 个分块' "$TMP/re2.err"

# ---- faults at ingest: keyword index complete, exit 1 with the reason ----
db2="$TMP/f.db"
"$REL" kb add f "$TMP/subset/民法典" --db "$db2" --config "$TMP/bad.json" 2>"$TMP/f.err"
check kb_embed_malformed_exit1 test $? = 1
check kb_embed_malformed_reason grep -q '向量化未完成.*JSON' "$TMP/f.err"
"$REL" search --db "$db2" --config "$TMP/bad.json" --json --limit 3 "继承" >"$TMP/f.json" 2>"$TMP/f2.err"
check kb_embed_after_fault_note grep -q '还没有向量' "$TMP/f2.err"

# ---- bad configuration: exit 2 with the key named ----
echo '{"embedding":{"base_url":"http://x","model":"m","dims":3}}' >"$TMP/badkey.json"
"$REL" search --db "$db" --config "$TMP/badkey.json" --json "$q" >/dev/null 2>"$TMP/bk.err"
check kb_embed_bad_config_exit2 test $? = 2
check kb_embed_bad_config_named grep -q 'embedding.dims' "$TMP/bk.err"

# ---- the sanitizer build on two small files ----
mkdir -p "$TMP/small"
printf '# 示例法\n\n第一条 当事人要求听证的，应当在五日内提出。\n\n第二条 海洋资源的开发利用应当依法进行。\n' >"$TMP/small/示例法.md"
printf '# 另一法\n\n第一条 对决定不服的，可以申请行政复议。\n' >"$TMP/small/另一法.md"
"$BIN" kb add s "$TMP/small" --db "$TMP/s.db" --config "$TMP/ollama.json" 2>"$TMP/s.err"
check kb_embed_asan_add test $? = 0
"$BIN" search --db "$TMP/s.db" --config "$TMP/ollama.json" --json "海洋资源开发" >"$TMP/s.json" 2>>"$TMP/s.err"
"$BIN" search --db "$TMP/s.db" --config "$TMP/down.json" --json "海洋资源开发" >/dev/null 2>>"$TMP/s.err"
check kb_embed_asan_clean test -z "$(grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error' "$TMP/s.err")"

# ---- the JSON checks ----
python3 - "$TMP" <<'PY'
import json, os, sys
t = sys.argv[1]
def j(name):
    with open(os.path.join(t, name)) as f:
        return json.load(f)
def files(d):
    return [(r["file"], r["article"]) for r in d["results"]]
def c_hybrid():
    d = j("h.json")
    assert d["mode"] == "hybrid" and len(d["results"]) == 5 and isinstance(d["answerable"], bool)
    assert all(set(r) == {"file", "article", "title", "snippet", "score"} for r in d["results"])
def c_plain():
    d = j("p.json")
    assert "mode" not in d and d["results"]
def c_none():
    n = j("n.json")
    assert n["mode"] == "bm25" and n["results"] == j("p.json")["results"]
def c_change():
    # the vectors take part: some ranking differs from keyword-only
    assert any(files(j("cmp%d.bm25.json" % i)) != files(j("cmp%d.hyb.json" % i)) for i in range(4))
def c_cite():
    d = j("c.json")
    r = d["results"][0]
    assert d["mode"] == "hybrid" and r["article"] == "第十九条" and "劳动合同法" in r["file"], r
def c_ollama():
    o = j("o.json")
    assert o["mode"] == "hybrid" and files(o) == files(j("h.json"))
def c_down():
    d = j("d.json")
    assert d["mode"] == "bm25" and d["results"] == j("p.json")["results"]
def c_500():
    assert j("x.json")["mode"] == "bm25"
def c_reembedded():
    assert j("r.json")["mode"] == "hybrid"
def c_after_fault():
    d = j("f.json")
    assert d["mode"] == "bm25" and d["results"]
def c_asan():
    d = j("s.json")
    assert d["mode"] == "hybrid" and d["results"][0]["article"] == "第二条"
for name, fn in [("search_mode_hybrid", c_hybrid), ("plain_has_no_mode", c_plain),
                 ("no_embedding_is_bm25", c_none), ("vectors_change_ranking", c_change),
                 ("citation_on_top", c_cite), ("ollama_hybrid", c_ollama),
                 ("down_is_bm25", c_down), ("500_is_bm25", c_500),
                 ("reembedded_hybrid", c_reembedded), ("after_fault_bm25", c_after_fault),
                 ("asan_search", c_asan)]:
    try:
        fn()
        print("ok kb_embed_" + name)
    except Exception as ex:
        print("FAIL kb_embed_%s: %r" % (name, ex))
PY
