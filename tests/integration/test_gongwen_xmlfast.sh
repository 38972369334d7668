#!/usr/bin/env bash
# `gongwen check` reads documents with doc/xmlfast; `check --dom` with the
# libxml2 DOM (the reference). Findings, messages and exit status must be the
# same on the dev set, its clean originals and hand-made hostile variants
# (DOCTYPE/entities, truncated XML, invalid UTF-8, deep nesting, a huge
# attribute, a comment: the fast reader declines those and the DOM path
# answers). Sanitizer build; two processes over ~230 files.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
set_dir="$SHARED/corpus/gongwen-dev"
if [ ! -d "$set_dir" ]; then
	fail gongwen_xmlfast "missing $set_dir"
	exit 1
fi
# hostile variants of a clean document's word/document.xml
/usr/bin/python3 - "$set_dir/clean/b01-direct.docx" "$TMP" <<'PY'
import re, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
zin = zipfile.ZipFile(src)
doc = zin.read("word/document.xml").decode("utf-8")
body = doc.index("<w:body>") + len("<w:body>")
para = '<w:p><w:r><w:t>%s</w:t></w:r></w:p>'
variants = {
    "doctype": doc.replace("?>", '?><!DOCTYPE w:document [<!ENTITY x "lol">]>', 1).replace(
        "<w:body>", "<w:body>" + para % "&x;", 1),
    "truncated": doc[: len(doc) * 2 // 3],
    "badutf8": doc[:body] + para % "\udcff" + doc[body:],
    "deep": doc[:body] + "<w:sdt><w:sdtContent>" * 300 + para % "深" + "</w:sdtContent></w:sdt>" * 300 + doc[body:],
    "hugeattr": doc.replace("<w:body>", '<w:body><w:p w:rsidR="' + "A" * 200000 + '"/>', 1),
    "comment": doc[:body] + "<!-- 注释 -->" + para % "这是一段（测试）文字,有半角逗号。" + doc[body:],
    "attrtab": doc.replace("<w:body>", '<w:body><w:p><w:pPr><w:jc w:val="cen\tter"/></w:pPr>'
                           + '<w:r><w:t>标题</w:t></w:r></w:p>', 1),
}
for name, text in variants.items():
    data = text.encode("utf-8", "surrogateescape")
    with zipfile.ZipFile("%s/hostile-%s.docx" % (out, name), "w", zipfile.ZIP_DEFLATED) as z:
        for name_ in zin.namelist():  # names, not ZipInfo: writestr would move their offsets
            z.writestr(name_, data if name_ == "word/document.xml" else zin.read(name_))
PY
nh=$(find "$TMP" -name 'hostile-*.docx' | wc -l)
check xmlfast_hostile_variants_made test "$nh" = 7
mapfile -t files < <(find "$set_dir/docs" "$set_dir/clean" "$TMP" -name '*.docx' | LC_ALL=C sort)
"$BIN" gongwen check "${files[@]}" --format json >"$TMP/fast.out" 2>"$TMP/fast.err"
fast_rc=$?
"$BIN" gongwen check --dom "${files[@]}" --format json >"$TMP/dom.out" 2>"$TMP/dom.err"
dom_rc=$?
check xmlfast_files_checked test "${#files[@]}" -ge 190
check xmlfast_same_exit_status test "$fast_rc" = "$dom_rc"
if cmp -s "$TMP/fast.out" "$TMP/dom.out"; then
	ok xmlfast_same_findings
else
	fail xmlfast_same_findings "$(diff "$TMP/dom.out" "$TMP/fast.out" | head -5)"
fi
if cmp -s "$TMP/fast.err" "$TMP/dom.err"; then
	ok xmlfast_same_messages
else
	fail xmlfast_same_messages "$(diff "$TMP/dom.err" "$TMP/fast.err" | head -5)"
fi
# the refused variants are refused with their reason, exit 2
for v in doctype truncated badutf8; do
	check_status "xmlfast_refuses_$v" 2 "$BIN" gongwen check "$TMP/hostile-$v.docx"
done
check xmlfast_doctype_reason grep -q "hostile-doctype.docx.*DTD" "$TMP/fast.err"
# the comment variant is checked (DOM path) and its half-width comma found
check xmlfast_comment_variant_checked grep -q 'hostile-comment.docx' "$TMP/fast.out"
