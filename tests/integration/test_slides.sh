#!/usr/bin/env bash
# `shuzhi slides`: outline and extraction from text, native .pptx that validates against
# the ISO 29500 schemas (tests/tools/validate_ooxml.py, including the chart parts and the
# embedded workbooks), a:latin + a:ea + explicit sz on every run, no autofit, speaker
# notes; LibreOffice renders every deck with one page per slide and no word outside its
# text box or the slide (tests/tools/slides_bounds.py), and the bounds check fails on a
# deck whose font was enlarged behind the measurer's back (so it can fail).
# Fixtures: tests/data/slides/ (all-layouts.outline: every layout; overflow.outline:
# every layout over capacity; long-report.txt: a 2,000-character work report, also
# turned into .md and .docx here). One LibreOffice run renders three decks and the
# control (~20-40 s on the shared 2-core machine); the .md/.docx decks are schema-checked only.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
PY=/usr/bin/python3
D=tests/data/slides
ART=tests/artifacts
mkdir -p "$ART"
validate() { "$PY" tests/tools/validate_ooxml.py --xsd "$SHARED/ooxml-xsd" "$@"; }

# --- 1. usage and hostile input: exit 2 with a Chinese reason ------------------------
expect2() { # NAME GREP ARGS...: exit 2 and stderr matches GREP
	local name=$1 want=$2
	shift 2
	"$BIN" slides "$@" >"$TMP/out.txt" 2>"$TMP/err.txt"
	local rc=$?
	if [ $rc -eq 2 ] && grep -q -- "$want" "$TMP/err.txt"; then ok "$name"; else
		fail "$name" "exit $rc: $(head -c 300 "$TMP/err.txt")"
	fi
}
expect2 slides_missing_input "无法\|不存在\|打开" "$TMP/nope.txt" -o "$TMP/x.pptx"
expect2 slides_no_output "缺少 -o" "$D/all-layouts.outline"
expect2 slides_unknown_template "未知模板" "$D/all-layouts.outline" -o "$TMP/x.pptx" --template 花哨
printf '%% 标题: 测试\n## 页\n- \xff\xfe 坏字节\n' >"$TMP/bad-utf8.outline"
expect2 slides_outline_invalid_utf8 "第 3 行：不是有效的 UTF-8" "$TMP/bad-utf8.outline" -o "$TMP/x.pptx"
printf '正文\xc3\x28\n' >"$TMP/bad.txt"
expect2 slides_text_invalid_utf8 "不是有效的 UTF-8" "$TMP/bad.txt" -o "$TMP/x.pptx"
printf '%% 标题: 测试\n## 页\n```chart bar\n类别,值\n甲,12\n' >"$TMP/trunc.outline"
expect2 slides_outline_truncated_chart "第 3 行：图表块缺少结束" "$TMP/trunc.outline" -o "$TMP/x.pptx"
printf '%% 标题: 测试\n## 页\n@layout fancy\n' >"$TMP/layout.outline"
expect2 slides_outline_unknown_layout "第 3 行：未知版式" "$TMP/layout.outline" -o "$TMP/x.pptx"
"$PY" -c 'import sys; sys.stdout.write("% 标题: 长\n## 页\n- " + "长" * 3000 + "\n")' >"$TMP/long-line.outline"
expect2 slides_outline_huge_line "第 3 行：行过长" "$TMP/long-line.outline" -o "$TMP/x.pptx"
"$PY" -c 'import sys; sys.stdout.write("% 标题: 多\n" + "## 页\n- 点\n" * 400)' >"$TMP/many.outline"
expect2 slides_outline_too_many_slides "幻灯片过多" "$TMP/many.outline" -o "$TMP/x.pptx"
printf '%% 标题: 图\n## 页\n![照片](../../etc/passwd)\n' >"$TMP/escape.outline"
expect2 slides_image_path_escape "不含“..”" "$TMP/escape.outline" -o "$TMP/x.pptx"
head -c 300 /dev/urandom >"$TMP/random.docx"
expect2 slides_docx_not_a_zip "random.docx" "$TMP/random.docx" -o "$TMP/x.pptx"
check slides_no_output_left_behind test ! -e "$TMP/x.pptx"

# --- 2. inputs: .md and .docx versions of the long report ------------------------------
"$PY" - "$D/long-report.txt" "$TMP/long-report.md" "$TMP/long-report.docx" <<'PY'
import re, sys, docx
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
md, d = [], docx.Document()
for i, l in enumerate(lines):
    if not l.strip():
        continue
    if i == 0:
        md.append("# " + l); d.add_heading(l, 0)
    elif re.match(r"^[一二三四五六七八九十]+、", l):
        md.append("## " + l); d.add_heading(l, 1)
    else:
        m = re.match(r"^（[一二三四五六七八九十]+）([^。]*)。(.*)$", l)
        if m:
            md.append("### " + m.group(1)); d.add_heading(m.group(1), 2)
            md.append(m.group(2)); d.add_paragraph(m.group(2))
        else:
            md.append(l); d.add_paragraph(l)
    md.append("")
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(md))
d.save(sys.argv[3])
PY

# --- 3. decks --------------------------------------------------------------------------
decks="all-layouts overflow report-txt report-md report-docx"
gen() { # NAME INPUT TEMPLATE
	"$BIN" slides "$2" -o "$TMP/$1.pptx" --template "$3" >"$TMP/$1.log" 2>&1
	local rc=$?
	if [ $rc -eq 0 ] && [ -s "$TMP/$1.pptx" ]; then ok "slides_generate_$1"; else
		fail "slides_generate_$1" "exit $rc: $(head -c 300 "$TMP/$1.log")"
	fi
}
gen all-layouts "$D/all-layouts.outline" 政务红
gen overflow "$D/overflow.outline" keji
gen report-txt "$D/long-report.txt" 简约
gen report-md "$TMP/long-report.md" 科技蓝
gen report-docx "$TMP/long-report.docx" zhengwu

# outline-only: prints the outline; printing it again gives the same text
"$BIN" slides "$D/long-report.txt" --outline-only >"$TMP/o1.outline" 2>"$TMP/o1.err"
check slides_outline_only_prints_outline grep -q '^## ' "$TMP/o1.outline"
"$BIN" slides "$TMP/o1.outline" --outline-only >"$TMP/o2.outline" 2>>"$TMP/o1.err"
check slides_outline_roundtrip cmp -s "$TMP/o1.outline" "$TMP/o2.outline"
check slides_docx_headings_become_sections sh -c "$BIN slides '$TMP/long-report.docx' --outline-only |
	grep -q '^# 一、2025年工作回顾'"
check slides_extract_numbers_to_chart_or_table sh -c "grep -q '^\`\`\`chart\|^| 指标 |' '$TMP/o1.outline'"
check slides_extract_dates_to_timeline sh -c "grep -q '^- 2026年3月：' '$TMP/o1.outline'"

args=()
for n in $decks; do [ -s "$TMP/$n.pptx" ] && args+=("$TMP/$n.pptx"); done
validate -q "${args[@]}" >"$TMP/valid.log" 2>&1
for n in $decks; do
	[ -s "$TMP/$n.pptx" ] || continue
	if grep -qx "$TMP/$n.pptx: valid" "$TMP/valid.log"; then ok "slides_xsd_valid_$n"; else
		fail "slides_xsd_valid_$n"
		grep -A20 "^$TMP/$n.pptx" "$TMP/valid.log" | grep -v '^  ok' | head -20 | sed 's/^/# /'
	fi
done

# the embedded workbooks of the charts validate too
"$PY" - "$TMP/all-layouts.pptx" "$TMP/overflow.pptx" "$TMP" <<'PY' >"$TMP/xlsx.list"
import sys, zipfile
for p in sys.argv[1:3]:
    z = zipfile.ZipFile(p)
    for n in z.namelist():
        if n.endswith(".xlsx"):
            out = "%s/%s-%s" % (sys.argv[3], p.rsplit("/", 1)[1], n.rsplit("/", 1)[1])
            open(out, "wb").write(z.read(n))
            print(out)
PY
mapfile -t xl <"$TMP/xlsx.list"
check slides_charts_embed_workbooks test "${#xl[@]}" -ge 5
validate -q "${xl[@]}" >"$TMP/xlsx.log" 2>&1
check slides_embedded_xlsx_valid test $? = 0

# fonts, sizes, no autofit, notes, templates
for n in $decks; do
	[ -s "$TMP/$n.pptx" ] || continue
	check "slides_runs_have_ea_latin_sz_$n" "$PY" - "$TMP/$n.pptx" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
runs = 0
for n in z.namelist():
    if not re.match(r"ppt/(slides/slide|notesSlides/notesSlide)\d+\.xml$", n):
        continue
    x = z.read(n).decode()
    assert "normAutofit" not in x and "spAutoFit" not in x, n + ": autofit"
    for r in re.findall(r"<a:r>(.*?)</a:r>", x):
        runs += 1
        rpr = re.match(r"<a:rPr ([^>]*)>(.*?)</a:rPr>", r)
        assert rpr, "%s: run without a:rPr: %s" % (n, r[:80])
        assert re.search(r'\bsz="\d+"', rpr.group(1)), "%s: run without sz" % n
        assert '<a:latin typeface="' in rpr.group(2) and '<a:ea typeface="' in rpr.group(2), \
            "%s: run without a:latin/a:ea: %s" % (n, r[:120])
        assert 'lang="' in rpr.group(1)
assert runs > 20, runs
PY
done
check slides_notes_written "$PY" - "$TMP/all-layouts.pptx" "$TMP/report-txt.pptx" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
notes = [n for n in z.namelist() if n.startswith("ppt/notesSlides/notesSlide")]
assert len(notes) == 1, notes
assert "重点说明“秒批”改革。" in z.read(notes[0]).decode()
assert "ppt/notesMasters/notesMaster1.xml" in z.namelist()
z = zipfile.ZipFile(sys.argv[2])
assert len([n for n in z.namelist() if n.startswith("ppt/notesSlides/notesSlide")]) >= 5
PY
check slides_templates_differ "$PY" - "$TMP/all-layouts.pptx" "$TMP/overflow.pptx" "$TMP/report-txt.pptx" <<'PY'
import re, sys, zipfile
seen = set()
for p in sys.argv[1:]:
    z = zipfile.ZipFile(p)
    layouts = sorted(re.search(r'<p:cSld name="([^"]+)"', z.read(n).decode()).group(1)
                     for n in z.namelist() if re.match(r"ppt/slideLayouts/slideLayout\d+\.xml$", n))
    assert layouts == sorted("title agenda section bullets two_column table chart image_text timeline closing".split()), layouts
    theme = z.read("ppt/theme/theme1.xml").decode()
    assert '<a:ea typeface="' in theme and 'script="Hans"' in theme
    seen.add(re.search(r'<a:accent1><a:srgbClr val="(\w+)"', theme).group(1))
assert len(seen) == 3, seen
PY
check slides_layouts_used "$PY" - "$TMP/all-layouts.pptx" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
used = set()
for n in z.namelist():
    if re.match(r"ppt/slides/_rels/slide\d+\.xml\.rels$", n):
        used.add(re.search(r"slideLayout(\d+)\.xml", z.read(n).decode()).group(1))
assert len(used) == 10, sorted(used)
x = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("ppt/slides/slide"))
assert "<a:tbl>" in x and "<c:chart " in x and "<p:pic>" in x
PY

# --- 4. LibreOffice: page count and nothing outside its box ------------------------------
for tool in soffice pdftotext pdfinfo; do
	if ! command -v "$tool" >/dev/null; then
		fail "slides_render_tool_$tool" "not installed"
		exit 0
	fi
done
# negative control: the all-layouts deck with one bullets slide's text at 60 pt
"$PY" - "$TMP/all-layouts.pptx" "$TMP/tampered.pptx" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as o:
    for n in z.namelist():
        d = z.read(n)
        if n == "ppt/slides/slide4.xml":
            d = re.sub(rb'sz="(1[4-9]|2[0-4])00"', b'sz="6000"', d)
            d = re.sub(rb'spcPts val="\d+"', b'spcPts val="7800"', d)
        o.writestr(n, d)
PY
mkdir -p "$TMP/pdf"
files=()
rendered="all-layouts overflow report-txt"
for n in $rendered tampered; do [ -s "$TMP/$n.pptx" ] && files+=("$TMP/$n.pptx"); done
start=$(date +%s)
timeout 240 soffice --headless --norestore -env:UserInstallation=file://"$TMP/lo" \
	--convert-to pdf --outdir "$TMP/pdf" "${files[@]}" >"$TMP/soffice.log" 2>&1
echo "# soffice exit $?, $(($(date +%s) - start)) s for ${#files[@]} decks"
for n in $rendered; do
	pdf="$TMP/pdf/$n.pdf"
	if [ ! -s "$pdf" ]; then
		fail "slides_render_pdf_$n" "$(tail -3 "$TMP/soffice.log")"
		continue
	fi
	"$PY" tests/tools/slides_bounds.py "$TMP/$n.pptx" "$pdf" >"$TMP/bounds-$n.log" 2>&1
	if [ $? -eq 0 ]; then ok "slides_render_in_bounds_$n"; else
		fail "slides_render_in_bounds_$n"
		head -15 "$TMP/bounds-$n.log" | sed 's/^/# /'
	fi
	tail -1 "$TMP/bounds-$n.log" | sed 's/^/# /'
	cp "$TMP/$n.pptx" "$pdf" "$ART/" 2>/dev/null
done
check slides_render_long_deck_splits sh -c "[ \$(pdfinfo '$TMP/pdf/overflow.pdf' | awk '/^Pages:/{print \$2}') -ge 30 ]"
if [ -s "$TMP/pdf/tampered.pdf" ]; then
	"$PY" tests/tools/slides_bounds.py "$TMP/tampered.pptx" "$TMP/pdf/tampered.pdf" >"$TMP/bounds-t.log" 2>&1
	trc=$?
	check slides_bounds_check_catches_overflow sh -c "[ $trc -eq 1 ] && grep -q '^slide 4: .*outside' '$TMP/bounds-t.log'"
else
	fail slides_bounds_check_catches_overflow "no PDF"
fi
