#!/usr/bin/env bash
# shuzhi kb / shuzhi search through the CLI, sanitizer build: every format
# (.md .txt .html .docx, and .pdf written by LibreOffice), the JSON contract of `search --json`, citation
# lookup, re-ingest, removal, and hostile files (invalid UTF-8, oversize,
# deeply nested HTML, corrupt .docx, truncated / fake / text-less .pdf): each is skipped with a message naming
# it, exit 2, and the good files are still searchable.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
db="$TMP/kb.db"
src="$TMP/src"
mkdir -p "$src/行政法"
cat >"$src/行政法/示例处罚法(2021-01-22).md" <<'MD'
# 中华人民共和国示例处罚法

2021年1月22日 第十三届全国人民代表大会常务委员会第二十五次会议修订

<!-- INFO END -->

## 第五章 听证程序

第六十四条 当事人要求听证的，应当在行政机关告知后五日内提出。

第六十五条 听证结束后，行政机关应当根据听证笔录作出决定。
MD
printf '关于开展示例检查的通知\n示办发〔2024〕3号\n各单位：请于十日内报送自查报告。\n' >"$src/通知.txt"
printf '<html><head><title>示例网页办法</title></head><body><h2>第一章 总则</h2><p>第一条 网页条文用于检验 HTML 导入。</p></body></html>' >"$src/办法.html"
cp tests/data/samples/sample-notice.docx "$src/样例公文.docx"

"$BIN" kb add 示例库 "$src" --db "$db" 2>"$TMP/err"
rc=$?
check kb_add_exit_0 test "$rc" = 0
check kb_add_progress_on_stderr grep -q '4 个文件' "$TMP/err"
"$BIN" kb list --json --db "$db" >"$TMP/list.json"
check kb_list_counts python3 -c "
import json,sys; k=json.load(open('$TMP/list.json'))
sys.exit(not (len(k)==1 and k[0]['name']=='示例库' and k[0]['documents']==4 and k[0]['chunks']>=5))"

"$BIN" search --db "$db" --json --limit 5 "要求听证要在几天内提出" >"$TMP/s.json"
check search_json_contract python3 -c "
import json,sys; o=json.load(open('$TMP/s.json'))
assert set(o)=={'results','answerable'} and isinstance(o['answerable'],bool)
r=o['results']; assert r and all(set(x)=={'file','article','title','snippet','score'} for x in r)
assert r[0]['file']=='行政法/示例处罚法(2021-01-22).md' and r[0]['article']=='第六十四条', r[0]
assert r[0]['title']=='中华人民共和国示例处罚法' and '听证' in r[0]['snippet']
assert all(isinstance(x['score'],(int,float)) for x in r)
assert [x['score'] for x in r]==sorted((x['score'] for x in r), reverse=True)"
"$BIN" search --db "$db" --json "《示例处罚法》第六十五条" >"$TMP/c.json"
check search_citation python3 -c "
import json; r=json.load(open('$TMP/c.json'))['results']; assert r[0]['article']=='第六十五条', r"
"$BIN" search --db "$db" --json "示办发〔2024〕3号" >"$TMP/d.json"
check search_doc_number python3 -c "
import json; r=json.load(open('$TMP/d.json'))['results']; assert r[0]['file']=='通知.txt', r"
"$BIN" search --db "$db" --json --kb 示例库 "网页条文" >"$TMP/h.json"
check search_html python3 -c "
import json; r=json.load(open('$TMP/h.json'))['results']; assert r[0]['file']=='办法.html' and r[0]['article']=='第一条', r"

# PDF: LibreOffice writes a Chinese law as PDF; pdftotext reads it back in
# a limited child process, articles and their text survive line wrapping.
pdfdir="$TMP/pdf"
mkdir -p "$pdfdir"
{
	echo "中华人民共和国示例安全法"
	echo "第一章 总则"
	echo "第一条 为了加强示例安全工作，防止和减少示例安全事故，保障人民群众生命和财产安全，促进经济社会持续健康发展，根据宪法，制定本法。"
	echo "第二条 在中华人民共和国领域内从事示例经营活动的单位的安全工作，适用本法；有关法律、行政法规对消防安全和道路交通安全另有规定的，适用其规定。"
	echo "第三条 示例安全工作坚持中国共产党的领导，坚持以人为本，坚持人民至上、生命至上，把保护人民生命安全摆在首位。"
} >"$pdfdir/示例安全法.txt"
HOME="$TMP" timeout 120 soffice --headless --norestore -env:UserInstallation=file://"$TMP/lo" \
	--convert-to pdf --outdir "$pdfdir" "$pdfdir/示例安全法.txt" >"$TMP/soffice.log" 2>&1
rm -f "$pdfdir/示例安全法.txt"
check pdf_written_by_libreoffice test -s "$pdfdir/示例安全法.pdf"
"$BIN" kb add 文档库 "$pdfdir" --db "$db" 2>"$TMP/err"
check kb_add_pdf_exit_0 test $? = 0
"$BIN" search --db "$db" --json --kb 文档库 "《示例安全法》第二条" >"$TMP/p.json"
check search_pdf_article python3 -c "
import json; r=json.load(open('$TMP/p.json'))['results']
assert r and r[0]['file']=='示例安全法.pdf' and r[0]['article']=='第二条', r"
"$BIN" search --db "$db" --json --kb 文档库 "消防安全和道路交通安全另有规定" >"$TMP/p2.json"
check search_pdf_text python3 -c "
import json; r=json.load(open('$TMP/p2.json'))['results']
assert r and r[0]['article']=='第二条', r"

# Re-ingest: change one file, delete another.
printf '关于开展示例检查的通知\n全新内容：请于二十日内报送。\n' >"$src/通知.txt"
rm "$src/办法.html"
"$BIN" kb reindex 示例库 --db "$db" 2>"$TMP/err"
check kb_reindex_stats grep -q '更新 1，未变 2，删除 1' "$TMP/err"
"$BIN" search --db "$db" --json "网页条文" >"$TMP/h2.json"
check kb_reindex_removed python3 -c "
import json; r=json.load(open('$TMP/h2.json'))['results']; assert all(x['file']!='办法.html' for x in r), r"

# Hostile files next to a good one.
bad="$TMP/bad"
mkdir -p "$bad"
printf '第一条 正常\xff\xfe文本\n' >"$bad/badutf8.md"
python3 -c "print('第一条 ' + '长' * (6 << 20))" >"$bad/huge.txt"
python3 -c "print('<div>' * 200000 + '第一条 嵌套' + '</div>' * 200000)" >"$bad/deep.html"
head -c 3000 tests/data/samples/sample-notice.docx >"$bad/truncated.docx"
printf 'PK\003\004garbage' >"$bad/notzip.docx"
printf '# 好文件\n\n第一条 这是一份正常的文件。\n' >"$bad/good.md"
head -c 600 "$pdfdir/示例安全法.pdf" >"$bad/truncated.pdf"
printf '<html>不是 PDF</html>' >"$bad/fake.pdf"
python3 - "$bad/scan.pdf" <<'PY'
import sys
objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
out = bytearray(b"%PDF-1.4\n"); offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out)); out += b"%d 0 obj " % i + o + b" endobj\n"
x = len(out)
out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offs)
out += b"trailer << /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % x
open(sys.argv[1], "wb").write(out)
PY
"$BIN" kb add 坏库 "$bad" --db "$db" --quiet 2>"$TMP/err"
rc=$?
check kb_hostile_exit_2 test "$rc" = 2
for f in badutf8.md huge.txt truncated.docx notzip.docx truncated.pdf fake.pdf scan.pdf; do
	check "kb_hostile_named_$f" grep -q "$f" "$TMP/err"
done
check kb_hostile_pdf_reasons sh -c "grep -q '不是 PDF' '$TMP/err' && grep -q '扫描件' '$TMP/err' && grep -q '无法打开 PDF' '$TMP/err'"
check kb_hostile_no_sanitizer_report sh -c "! grep -q 'Sanitizer\|runtime error' '$TMP/err'"
"$BIN" search --db "$db" --json --kb 坏库 "正常的文件" >"$TMP/g.json"
check kb_hostile_good_file_indexed python3 -c "
import json; r=json.load(open('$TMP/g.json'))['results']; assert r and r[0]['file']=='good.md', r"

# Usage errors: exit 2 with a Chinese message.
"$BIN" kb add 示例库 "$TMP/no-such-dir" --db "$db" 2>"$TMP/err"
check kb_missing_path_exit_2 test $? = 2
"$BIN" search --db "$db" --kb 不存在 "听证" 2>"$TMP/err"
check search_unknown_kb_exit_2 test $? = 2
check search_unknown_kb_message grep -q '不存在' "$TMP/err"
"$BIN" search --db "$db" --limit 0 "听证" 2>/dev/null
check search_bad_limit_exit_2 test $? = 2
"$BIN" search --db "$db" "$(python3 -c "print('长' * 2000)")" 2>"$TMP/err"
check search_long_query_exit_2 test $? = 2
"$BIN" audit list --json --db "$db" >"$TMP/audit.json"
check kb_audited python3 -c "
import json; a=[x['action'] for x in json.load(open('$TMP/audit.json'))]
assert 'kb.add' in a and 'kb.reindex' in a, a"
"$BIN" kb rm 坏库 --db "$db" 2>/dev/null
check kb_rm python3 -c "
import subprocess,json
k=json.loads(subprocess.run(['$BIN','kb','list','--json','--db','$db'],capture_output=True).stdout)
assert sorted(x['name'] for x in k)==sorted(['示例库','文档库']), k"
