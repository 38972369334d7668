#!/usr/bin/env bash
# OOXML validity of `shuzhi gongwen fix` output: every XML part of OUT validates against
# the ISO/IEC 29500 transitional schemas in $SHARED/ooxml-xsd (xmllint, after Markup
# Compatibility processing) and the package is structurally sound (content types,
# relationships, r:id references, comments wiring). See tests/tools/README.md.
#
# What "valid" means here, explicitly: the clean corpus documents are written by
# python-docx, whose default template has <w:zoom w:val="bestFit"/> in settings.xml
# without the w:percent attribute that the transitional schema requires. That error is
# outside our control, so each OUT is validated with its input as baseline: a schema
# error that the same part already had in IN (same message) is reported as inherited and
# tolerated; every other schema error, in any part (changed or not), fails. Package
# checks have no baseline. ooxml_clean_inputs_known_issue pins that the zoom attribute is
# the ONLY problem of the inputs, and ooxml_inherited_only_zoom that nothing else is
# being tolerated.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
dev="$SHARED/corpus/gongwen-dev"
PY=/usr/bin/python3
validate() { "$PY" tests/tools/validate_ooxml.py --xsd "$SHARED/ooxml-xsd" "$@"; }

# --- 1. the clean inputs: only the python-docx zoom issue ---------------------------
validate "$dev/clean/b01-direct.docx" "$dev/clean/b01-styled.docx" \
	"$dev/clean/b10-direct.docx" "$dev/clean/b17-styled.docx" >"$TMP/clean.log" 2>&1
rc=$?
check ooxml_clean_inputs_known_issue "$PY" - "$TMP/clean.log" "$rc" <<'PY'
import sys
log = open(sys.argv[1]).read().splitlines()
assert sys.argv[2] == "1", "validator exit %s" % sys.argv[2]
fails = [l for l in log if l.startswith("  FAIL")]
details = [l for l in log if l.startswith("       ")]
assert fails and all(l.startswith("  FAIL word/settings.xml ") for l in fails), fails
assert details and all("w:zoom" in l and "w:percent" in l for l in details), details
PY
[ -s "$TMP/clean.log" ] && sed 's/^/# /' "$TMP/clean.log" | grep -v '^#   ok' | head -20

# --- 2. the validator itself: a generated package, then broken copies of it ---------
"$PY" tests/tools/make_fullpage.py "$TMP/base.docx" --paras 3
"$PY" - "$TMP/base.docx" "$TMP" <<'PY'
# Each variant: name -> (document.xml rewrite, extra parts, dropped parts, rels rewrite)
import sys, zipfile
src, tmp = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(src)
parts = {n: z.read(n) for n in z.namelist()}
doc = parts["word/document.xml"].decode()
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
W14 = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
root = '<w:document '
RUN = '<w:r><w:t>x</w:t></w:r>'
def variant(name, d=None, add=None, drop=(), rels=None, ct=None):
    p = dict(parts)
    if d is not None:
        p["word/document.xml"] = d.encode()
    if rels is not None:
        p["word/_rels/document.xml.rels"] = rels(p["word/_rels/document.xml.rels"].decode()).encode()
    if ct is not None:
        p["[Content_Types].xml"] = ct(p["[Content_Types].xml"].decode()).encode()
    for n in drop:
        del p[n]
    p.update(add or {})
    with zipfile.ZipFile("%s/%s.docx" % (tmp, name), "w", zipfile.ZIP_DEFLATED) as o:
        for n, v in p.items():
            o.writestr(n, v)
first_ppr = doc.index("<w:pPr>")
# schema errors
variant("bad-order", doc[:first_ppr + 7] + '<w:jc w:val="center"/>' + doc[first_ppr + 7:].replace('<w:jc w:val="center"/>', "", 1))
variant("base", doc)
variant("bad-element", doc.replace("<w:body>", "<w:body><w:p><w:bogus/></w:p>", 1))
variant("bad-attr-unqualified", doc.replace("<w:body>", '<w:body><w:p><w:commentRangeStart id="0"/></w:p>', 1))
# markup compatibility
ign = doc.replace(root, root + MC + W14 + 'mc:Ignorable="w14" ', 1)
variant("mc-ignorable-ok", ign.replace("<w:body><w:p>", '<w:body><w:p w14:paraId="1A2B3C4D"><w14:foo/>', 1))
variant("mc-not-ignorable", doc.replace(root, root + MC + W14, 1).replace("<w:body><w:p>", '<w:body><w:p w14:paraId="1A2B3C4D">', 1))
alt = '<w:p><mc:AlternateContent><mc:Choice Requires="w14"><w14:foo/></mc:Choice><mc:Fallback>%s</mc:Fallback></mc:AlternateContent></w:p>'
variant("mc-alternate-ok", ign.replace("<w:body>", "<w:body>" + alt % RUN, 1))
variant("mc-alternate-bad-fallback", ign.replace("<w:body>", "<w:body>" + alt % "<w:bogus/>", 1))
variant("mc-mustunderstand", ign.replace('mc:Ignorable="w14" ', 'mc:Ignorable="w14" mc:MustUnderstand="w14" ', 1))
# package structure
variant("pkg-dangling-rel", rels=lambda r: r.replace("</Relationships>",
    '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer9.xml"/></Relationships>'))
variant("pkg-no-content-type", add={"word/extra.bin": b"x"})
variant("pkg-missing-part", drop=["word/footer2.xml"])
variant("pkg-bad-rid", d=doc.replace('r:id="rId5"', 'r:id="rId42"'))
cm = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
      '<w:comment w:id="0" w:author="t"><w:p>%s</w:p></w:comment></w:comments>' % RUN)
cdoc = doc.replace("</w:p>", '<w:commentRangeStart w:id="0"/>' + RUN + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>', 1)
ct_comments = lambda c: c.replace("</Types>", '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>')
rel_comments = lambda r: r.replace("</Relationships>", '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>')
variant("comments-ok", d=cdoc, add={"word/comments.xml": cm.encode()}, ct=ct_comments, rels=rel_comments)
variant("comments-no-rel", d=cdoc, add={"word/comments.xml": cm.encode()}, ct=ct_comments)
variant("comments-no-ct", d=cdoc, add={"word/comments.xml": cm.encode()}, rels=rel_comments)
variant("comments-dangling-ref", d=cdoc.replace('w:commentReference w:id="0"', 'w:commentReference w:id="7"'),
        add={"word/comments.xml": cm.encode()}, ct=ct_comments, rels=rel_comments)
open(tmp + "/not-a-zip.docx", "w").write("hello")
PY
good="base mc-ignorable-ok mc-alternate-ok comments-ok"
bad="bad-order bad-element bad-attr-unqualified mc-not-ignorable mc-alternate-bad-fallback
	mc-mustunderstand pkg-dangling-rel pkg-no-content-type pkg-missing-part pkg-bad-rid
	comments-no-rel comments-no-ct comments-dangling-ref not-a-zip"
args=()
for v in $good $bad; do args+=("$TMP/$v.docx"); done
validate -q "${args[@]}" >"$TMP/self.log" 2>&1
check ooxml_validator_exit_1_on_invalid test $? = 1
for v in $good; do check "ooxml_validator_accepts_$v" grep -qx "$TMP/$v.docx: valid" "$TMP/self.log"; done
for v in $bad; do check "ooxml_validator_rejects_$v" grep -qx "$TMP/$v.docx: INVALID" "$TMP/self.log"; done
check ooxml_validator_names_element grep -q \
	"/w:document/w:body/w:p\[1\]/w:pPr/w:[a-zA-Z]*: Element 'w:[a-zA-Z]*': This element is not expected" "$TMP/self.log"
validate -q "$TMP/base.docx" >/dev/null 2>&1
check ooxml_validator_exit_0_on_valid test $? = 0
# baseline: the input's zoom error is tolerated in a rewritten settings.xml, a new one is not
"$PY" - "$dev/clean/b01-direct.docx" "$TMP" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for name, old, new in (("baseline-rewritten", "<w:evenAndOddHeaders/>", "<w:evenAndOddHeaders />"),
                       ("baseline-new-error", "<w:evenAndOddHeaders/>", "<w:evenAndOddHeaders/><w:bogus/>")):
    with zipfile.ZipFile("%s/%s.docx" % (sys.argv[2], name), "w", zipfile.ZIP_DEFLATED) as o:
        for n in z.namelist():
            d = z.read(n)
            if n == "word/settings.xml":
                assert old.encode() in d
                d = d.replace(old.encode(), new.encode())
            o.writestr(n, d)
PY
validate -q --pair "$TMP/baseline-rewritten.docx" "$dev/clean/b01-direct.docx" \
	--pair "$TMP/baseline-new-error.docx" "$dev/clean/b01-direct.docx" >"$TMP/baseline.log" 2>&1
check ooxml_validator_baseline_tolerates_inherited grep -qx "$TMP/baseline-rewritten.docx: valid" "$TMP/baseline.log"
check ooxml_validator_baseline_rejects_new grep -qx "$TMP/baseline-new-error.docx: INVALID" "$TMP/baseline.log"

# --- 3. fixer output ---------------------------------------------------------------
# page setup: 0002 0011 0012 0013 0016 0025 0028; footers (PGNO): 0012 0014;
# comments (fix=suggest/manual): 0009 0028 (NUM-003 yy-month), 0031 (SIGN-001 short-year),
# 0098 (HEAD-007 short-year 文号); styled and direct flavours mixed.
docs="0001 0002 0004 0006 0009 0011 0012 0013 0014 0016 0020 0023 0025 0028 0031 0098"
with_comments="0009 0028 0031 0098"
pairs=()
for n in $docs; do
	in="$dev/docs/gwd-$n.docx"
	out="$TMP/out-$n.docx"
	"$BIN" gongwen fix "$in" -o "$out" >"$TMP/fix-$n.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || [ ! -s "$out" ]; then
		fail "ooxml_fix_gwd-$n" "exit $rc"
		sed 's/^/# /' "$TMP/fix-$n.log" | tail -5
		continue
	fi
	pairs+=(--pair "$out" "$in")
done
validate "${pairs[@]}" >"$TMP/out.log" 2>&1
echo "# validator exit $?"
for n in $docs; do
	[ -s "$TMP/out-$n.docx" ] || continue
	if grep -qx "$TMP/out-$n.docx: valid" "$TMP/out.log"; then
		ok "ooxml_valid_gwd-$n"
	else
		fail "ooxml_valid_gwd-$n"
		# print this file's section of the report
		awk -v f="$TMP/out-$n.docx" 'index($0, f ": ") == 1 { on = 1; print "# " $0; next }
			/^\// { on = 0 } on && !/^  ok / && !/inherited:/ { print "# " $0 }' "$TMP/out.log" | head -40
	fi
done
check ooxml_inherited_only_zoom "$PY" - "$TMP/out.log" <<'PY'
import sys
inh = [l for l in open(sys.argv[1]) if "inherited:" in l]
bad = [l for l in inh if "w:zoom" not in l]
assert not bad, bad
PY

# comments: part present, wired into document.xml.rels and [Content_Types].xml, referenced
for n in $with_comments; do
	[ -s "$TMP/out-$n.docx" ] || continue
	check "ooxml_comments_wired_gwd-$n" "$PY" - "$TMP/out-$n.docx" "$dev/docs/gwd-$n.docx" <<'PY'
import posixpath, re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
missing = set(zipfile.ZipFile(sys.argv[2]).namelist()) - set(names)
assert not missing, "parts dropped by fix: %s" % missing
rels = z.read("word/_rels/document.xml.rels").decode()
ct = z.read("[Content_Types].xml").decode()
doc = z.read("word/document.xml").decode()
T = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
targets = [re.search(r'Target="([^"]+)"', r).group(1)
           for r in re.findall(r'<Relationship\b[^>]*>', rels) if 'Type="%s"' % T in r]
assert len(targets) == 1, "comments relationships in document.xml.rels: %s" % targets
part = posixpath.normpath(posixpath.join("word", targets[0]))
assert part in names, "comments relationship targets missing part %s" % part
assert re.search(r'<Override PartName="/%s" ContentType="%s"/>' % (re.escape(part), re.escape(CT)), ct), \
    "no comments Override for /%s in [Content_Types].xml" % part
assert "commentReference" in doc, "document.xml has no w:commentReference"
assert "<w:comment " in z.read(part).decode(), "comments part has no w:comment"
PY
done
