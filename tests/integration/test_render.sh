#!/usr/bin/env bash
# Render test: `shuzhi gongwen fix` output converted to PDF with LibreOffice has the
# national page grid (A4, exactly 22 lines of text on page 1 inside the 版心, line pitch
# 28.95 pt) and loses no character. See tests/tools/README.md.
#
# Fixtures (tests/tools/make_fullpage.py: title, 主送, 14 body paragraphs of 3号 仿宋,
# 署名, 日期, footers "— N —"; ≈2.5 pages; exact line spacing everywhere, 孤行控制 off):
#   pagesetup    Letter, 2.54 cm margins; exact 579 twips       -> GW-PAGE-001..004
#   linespacing  Letter, 2.54 cm margins; body exact 620 twips  -> GW-PAGE-001..004, -006
#                (the title keeps 579: the GW-PAGE-006 fix sets body roles only)
#   reference    the same text generated directly with the national geometry
#   control      the unfixed linespacing input: Letter, 20 lines of 31 pt on page 1
# All four are converted by one LibreOffice run. The reference pins what LibreOffice
# makes of a correct document, the control proves that the counter sees a wrong grid.
# PDFs, PNGs of page 1 and the row listings go to tests/artifacts/render-*.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
PY=/usr/bin/python3
ART=tests/artifacts
mkdir -p "$ART"

for tool in soffice pdftotext pdfinfo pdftoppm; do
	if ! command -v "$tool" >/dev/null; then
		fail "render_tool_$tool" "not installed"
		exit 0
	fi
done

broken="--paper letter --margins 1440,1440,1440,1440"
"$PY" tests/tools/make_fullpage.py "$TMP/pagesetup.docx" $broken --line 579 --text "$TMP/expected.txt"
"$PY" tests/tools/make_fullpage.py "$TMP/linespacing.docx" $broken --line 620 --title-line 579
"$PY" tests/tools/make_fullpage.py "$TMP/reference.docx"
cp "$TMP/linespacing.docx" "$TMP/control.docx"

# what the fixer says it changes, then the fix itself
"$BIN" gongwen fix "$TMP/pagesetup.docx" --dry-run -o "$TMP/dry.docx" >"$TMP/dry-pagesetup.log" 2>&1
"$BIN" gongwen fix "$TMP/linespacing.docx" --dry-run -o "$TMP/dry.docx" >"$TMP/dry-linespacing.log" 2>&1
check render_fix_plans_page_setup sh -c "grep -q GW-PAGE-001 '$TMP/dry-pagesetup.log' &&
	grep -q GW-PAGE-002 '$TMP/dry-pagesetup.log' && grep -q GW-PAGE-003 '$TMP/dry-pagesetup.log'"
check render_fix_plans_line_spacing grep -q GW-PAGE-006 "$TMP/dry-linespacing.log"
for f in pagesetup linespacing; do
	"$BIN" gongwen fix "$TMP/$f.docx" -o "$TMP/$f-fixed.docx" >"$TMP/fix-$f.log" 2>&1
	check "render_fix_$f" test -s "$TMP/$f-fixed.docx"
done
# the fixer changes no text: all w:t of document.xml, in order, are those of its input
same_docx_text() {
	"$PY" - "$1" "$2" <<'PY'
import re, sys, zipfile
def text(p):
    x = zipfile.ZipFile(p).read("word/document.xml").decode()
    return "".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", x))
a, b = text(sys.argv[1]), text(sys.argv[2])
assert a == b and a, "document text changed by fix"
PY
}
check render_docx_text_unchanged_pagesetup same_docx_text "$TMP/pagesetup.docx" "$TMP/pagesetup-fixed.docx"
check render_docx_text_unchanged_linespacing same_docx_text "$TMP/linespacing.docx" "$TMP/linespacing-fixed.docx"

# one LibreOffice start for all documents; private profile under $TMP
mkdir -p "$TMP/pdf"
start=$(date +%s)
timeout 180 soffice --headless --norestore -env:UserInstallation=file://"$TMP/lo" \
	--convert-to pdf --outdir "$TMP/pdf" "$TMP/pagesetup-fixed.docx" \
	"$TMP/linespacing-fixed.docx" "$TMP/reference.docx" "$TMP/control.docx" \
	>"$TMP/soffice.log" 2>&1
echo "# soffice exit $?, $(($(date +%s) - start)) s"
for f in pagesetup-fixed linespacing-fixed reference control; do
	if ! check "render_pdf_$f" test -s "$TMP/pdf/$f.pdf"; then
		sed 's/^/# /' "$TMP/soffice.log" | tail -5
	fi
done

# every page A4 = 595.28 x 841.89 pt (LibreOffice writes 595.30 for 11906 twips)
a4() {
	local n
	n=$(pdfinfo "$1" | awk '/^Pages:/ { print $2 }')
	[ -n "$n" ] && pdfinfo -f 1 -l "$n" "$1" | awk '
		/^Page +[0-9]+ size:/ { pages++; w = $4; h = $6
			if (w < 594.78 || w > 595.78 || h < 841.39 || h > 842.39) { print "# not A4: " $0; bad++ } }
		END { exit !(pages > 0 && !bad) }'
}
# grid PDF ROWS PITCH_LO PITCH_HI [count_lines options]: page 1 has ROWS text rows inside
# the type area, consecutive same-size rows PITCH_LO..HI pt apart, and outside it only the
# footer "— 1 —"
grid() {
	local pdf=$1 rows=$2 lo=$3 hi=$4
	shift 4
	"$PY" tests/tools/count_lines.py "$pdf" "$@" --json >"$pdf.json" || return 1
	"$PY" - "$pdf.json" "$rows" "$lo" "$hi" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
rows, lo, hi = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print("# page 1: %d rows in the type area, pitch %s..%s pt, outside: %s" % (
    r["rows"], r["pitch_min"], r["pitch_max"], [o["text"] for o in r["other"]]))
assert r["rows"] == rows, "rows %d != %d" % (r["rows"], rows)
assert lo <= r["pitch_min"] and r["pitch_max"] <= hi, "pitch %s..%s" % (r["pitch_min"], r["pitch_max"])
assert [re.sub(r"\s", "", o["text"]) for o in r["other"]] == ["—1—"], r["other"]
PY
}
# pdf_text PDF: all text without whitespace and without the "— N —" page numbers
pdf_text() {
	pdftotext -layout "$1" - | "$PY" -c '
import re, sys
t = re.sub(r"(?m)^\s*—\s*\d+\s*—\s*$", "", sys.stdin.read())
sys.stdout.write(re.sub(r"\s+", "", t))'
}
# same_text PDF REF_PDF: identical text; also says what differs from the input text
same_text() {
	pdf_text "$1" >"$1.txt" && pdf_text "$2" >"$2.txt" || return 1
	"$PY" - "$1.txt" "$2.txt" "$TMP/expected.txt" <<'PY'
import collections, re, sys
got, ref = open(sys.argv[1]).read(), open(sys.argv[2]).read()
want = re.sub(r"\s+", "", open(sys.argv[3], encoding="utf-8").read())
if ref != want:
    lost = collections.Counter(want) - collections.Counter(ref)
    extra = collections.Counter(ref) - collections.Counter(want)
    print("# note: LibreOffice's text of the reference differs from the input: lost %s, extra %s"
          % (dict(lost), dict(extra)))
if got != ref:
    i = next((k for k in range(min(len(got), len(ref))) if got[k] != ref[k]), min(len(got), len(ref)))
    print("# text differs from the reference at char %d: %r / %r" % (i, got[i-10:i+20], ref[i-10:i+20]))
    sys.exit(1)
# and nothing of the input is missing beyond what the reference rendering misses too
assert not (collections.Counter(want) - collections.Counter(got)) - (collections.Counter(want) - collections.Counter(ref))
PY
}

ref="$TMP/pdf/reference.pdf"
if [ -s "$ref" ]; then
	check render_a4_reference a4 "$ref"
	check render_22_lines_reference grid "$ref" 22 28.8 29.1
fi
for f in pagesetup-fixed linespacing-fixed; do
	pdf="$TMP/pdf/$f.pdf"
	[ -s "$pdf" ] || continue
	check "render_a4_$f" a4 "$pdf"
	# 22 rows on page 1 inside 版心 (top 2098, bottom 1984 twips), pitch 28.95 pt (579 twips)
	check "render_22_lines_$f" grid "$pdf" 22 28.8 29.1
	[ -s "$ref" ] && check "render_text_preserved_$f" same_text "$pdf" "$ref"
done

# control: the unfixed input is Letter with 20 rows of 31 pt, so the checks above fail on it
pdf="$TMP/pdf/control.pdf"
if [ -s "$pdf" ]; then
	check render_control_not_a4 sh -c "! pdfinfo '$pdf' | grep -q '595.[0-9]* x 841.[0-9]*'"
	check render_control_20_lines grid "$pdf" 20 30.8 31.2 --top 1440 --bottom 1440
	check render_control_fails_22 sh -c "! $PY tests/tools/count_lines.py '$pdf' --top 1440 --bottom 1440 | grep -q ' rows=22 '"
fi

# artifacts for people to look at
for f in pagesetup-fixed linespacing-fixed reference control; do
	[ -s "$TMP/pdf/$f.pdf" ] || continue
	cp "$TMP/pdf/$f.pdf" "$ART/render-$f.pdf"
	pdftoppm -r 50 -png -f 1 -l 1 -singlefile "$TMP/pdf/$f.pdf" "$ART/render-$f"
	"$PY" tests/tools/count_lines.py "$TMP/pdf/$f.pdf" $([ $f = control ] && echo --top 1440 --bottom 1440) \
		>"$ART/render-$f.lines.txt"
done
check render_artifacts test -s "$ART/render-pagesetup-fixed.png" -a -s "$ART/render-linespacing-fixed.png"
