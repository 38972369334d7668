#!/usr/bin/env bash
# 执法文书: `shuzhi extract transcript` scored by the corpus scorer (gate: field
# accuracy >= 0.95 on transcripts-dev, no model), the two held-out transcripts of
# tests/data/transcripts (written for this repository, never used to tune the rules;
# gate 0.90), .docx input, hostile input (exit 2 + Chinese message), and
# `shuzhi enforce draft|validate`: OOXML-valid drafts that LibreOffice opens, no
# `gongwen check` error except GW-BODY-001 (法定文种: 执法文书 are not 公文 文种 under
# the 条例, GB/T 9704 layout still applies), and the validator's cross-check of the
# decision against the notice.
#
# Uses the release binary for the scorer runs (30 runs under ASan would take most of
# the minute); everything else runs the ASan binary.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
REL=${SHUZHI_REL_BIN:-build/shuzhi}
dev="$SHARED/corpus/transcripts-dev"
score="$SHARED/corpus/tools/score_transcripts.py"
PY=/usr/bin/python3

# --- 1. scorer gates ------------------------------------------------------------------
"$PY" "$score" --gold "$dev" --cmd "$REL extract transcript {file} --json" >"$TMP/dev.log" 2>&1
tail -1 "$TMP/dev.log" | sed 's/^/# dev: /'
check transcripts_dev_field_accuracy_ge_0.95 "$PY" - "$TMP/dev.log" <<'PY'
import re, sys
last = open(sys.argv[1]).read().strip().splitlines()[-1]
m = re.search(r"field_accuracy=([0-9.]+)", last)
assert m and float(m.group(1)) >= 0.95, last
PY
"$PY" "$score" --gold tests/data/transcripts --cmd "$REL extract transcript {file} --json" \
	>"$TMP/held.log" 2>&1
tail -1 "$TMP/held.log" | sed 's/^/# held-out: /'
check transcripts_heldout_field_accuracy_ge_0.90 "$PY" - "$TMP/held.log" <<'PY'
import re, sys
last = open(sys.argv[1]).read().strip().splitlines()[-1]
m = re.search(r"field_accuracy=([0-9.]+)", last)
assert m and float(m.group(1)) >= 0.90, last
PY

# --- 2. .docx input gives the same extraction as the text ----------------------------
"$PY" - "$dev/dev02.txt" "$TMP/dev02.docx" <<'PY'
import sys, zipfile
from xml.sax.saxutils import escape
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
body = "".join('<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % escape(l) for l in lines)
z = zipfile.ZipFile(sys.argv[2], "w")
z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document %s><w:body>%s</w:body></w:document>' % (W, body))
z.close()
PY
"$BIN" extract transcript "$dev/dev02.txt" --json >"$TMP/txt.json" 2>"$TMP/err1"
"$BIN" extract transcript "$TMP/dev02.docx" --json >"$TMP/docx.json" 2>"$TMP/err2"
check docx_input_same_as_text cmp -s "$TMP/txt.json" "$TMP/docx.json"
check docx_input_has_party grep -q '"uscc": "92320213MACTXMLH8N"' "$TMP/docx.json"

# --- 3. hostile input -----------------------------------------------------------------
printf '\xff\xfe\xfd问：答：' >"$TMP/bad.txt"
head -c 200 "$TMP/dev02.docx" >"$TMP/trunc.docx"
head -c 5000000 /dev/zero | tr '\0' 'a' >"$TMP/huge.txt"
for f in bad.txt trunc.docx huge.txt missing.txt; do
	"$BIN" extract transcript "$TMP/$f" --json >"$TMP/out" 2>"$TMP/err"
	rc=$?
	check "hostile_${f}_exit_2" test "$rc" -eq 2
	check "hostile_${f}_chinese_message" grep -qP '[\x{4e00}-\x{9fff}]' "$TMP/err"
	check "hostile_${f}_no_stdout" test ! -s "$TMP/out"
done

# --- 4. drafts ------------------------------------------------------------------------
"$BIN" extract transcript "$dev/dev06.txt" --json >"$TMP/dev06.json"
for k in notice decision order report; do
	"$BIN" enforce draft "$k" --from "$TMP/dev06.json" -o "$TMP/$k.docx"
	check "draft_${k}_docx" test -s "$TMP/$k.docx"
	"$BIN" enforce draft "$k" --from "$dev/dev03.txt" -o "$TMP/$k.txt"
	check "draft_${k}_from_transcript_text" grep -q '赣州市惠万佳商贸有限公司' "$TMP/$k.txt"
	# nothing invented: no fine figure, the 文号 / 条款 blanks are there and highlighted
	check "draft_${k}_no_invented_fine" bash -c "! grep -qE '罚款人民币[0-9]' '$TMP/$k.txt'"
	check "draft_${k}_highlighted_blanks" bash -c \
		"unzip -p '$TMP/$k.docx' word/document.xml | grep -q 'w:highlight w:val=\"yellow\"/></w:rPr><w:t xml:space=\"preserve\">〔待填写'"
done
"$PY" tests/tools/validate_ooxml.py --xsd "$SHARED/ooxml-xsd" "$TMP"/notice.docx \
	"$TMP"/decision.docx "$TMP"/order.docx "$TMP"/report.docx >"$TMP/ooxml.log" 2>&1
check drafts_ooxml_valid test $? -eq 0
for k in notice decision order report; do
	"$BIN" gongwen check "$TMP/$k.docx" --json >"$TMP/gw-$k.json"
	check "draft_${k}_gongwen_no_layout_errors" "$PY" - "$TMP/gw-$k.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
fs = d.get("findings", d) if isinstance(d, dict) else d
errs = [f["rule"] for f in fs if f.get("severity") == "error" and f["rule"] != "GW-BODY-001"]
assert not errs, errs
PY
done
if command -v soffice >/dev/null; then
	mkdir -p "$TMP/pdf"
	HOME="$TMP" timeout 120 soffice --headless --convert-to pdf --outdir "$TMP/pdf" \
		"$TMP"/notice.docx "$TMP"/decision.docx "$TMP"/order.docx "$TMP"/report.docx \
		>"$TMP/soffice.log" 2>&1
	for k in notice decision order report; do
		check "draft_${k}_opens_in_libreoffice" test -s "$TMP/pdf/$k.pdf"
	done
else
	echo "# soffice not installed: LibreOffice check skipped"
fi

# --- 5. validator ---------------------------------------------------------------------
"$BIN" enforce validate "$TMP/decision.docx" --json >"$TMP/v.json"
check validate_draft_exit_1_blanks test $? -eq 1
check validate_draft_only_blanks "$PY" -c "
import json,sys; d=json.load(open('$TMP/v.json'))
assert d['kind']=='行政处罚决定书' and d['findings'] and all(f['severity']=='blank' for f in d['findings']), d"
# the officer fills the blanks; the decision's fine exceeds the notice's
sed -e 's/〔待填写：拟处罚种类和幅度[^〕]*〕/罚款人民币5000元/' -e 's/〔待填写：[^〕]*〕/某项/g' \
	"$TMP/notice.txt" >"$TMP/notice-filled.txt"
sed -e 's/罚款人民币〔待填写：罚款数额〕元（大写：〔待填写：罚款数额大写〕）/罚款人民币8000元（大写：捌仟元整）/' \
	-e 's/〔待填写：[^〕]*〕/某项/g' "$TMP/decision.txt" >"$TMP/decision-filled.txt"
"$BIN" enforce validate "$TMP/notice-filled.txt" >"$TMP/vn.log"
check validate_filled_notice_clean test $? -eq 0
"$BIN" enforce validate "$TMP/decision-filled.txt" --notice "$TMP/notice-filled.txt" >"$TMP/vd.log"
check validate_decision_exceeds_notice_exit_1 test $? -eq 1
check validate_decision_exceeds_notice_named grep -q '超过告知书' "$TMP/vd.log"
sed -i 's/六个月内/三个月内/' "$TMP/decision-filled.txt"
"$BIN" enforce validate "$TMP/decision-filled.txt" >"$TMP/vd2.log"
check validate_three_month_litigation_flagged grep -q '行政诉讼期限' "$TMP/vd2.log"
"$BIN" enforce validate "$TMP/bad.txt" >/dev/null 2>"$TMP/err"
check validate_bad_utf8_exit_2 test $? -eq 2
