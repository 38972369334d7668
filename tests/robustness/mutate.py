#!/usr/bin/python3
"""Write oracle-equivalent variants of a .docx (or .txt) that simulate other
word processors, for differential testing of `shuzhi gongwen check/fix`.

Every variant is meant to keep what tools/oracle.py sees unchanged: the same
top-level body paragraphs (count, order, text), the same effective East-Asian
font / size / bold / colour of every text run, the same alignment and
first-line geometry, page setup and footer page-number pattern.  diff.py
verifies this for every (file, variant) and excludes a variant whose oracle
findings differ from the original's.

  mutate.py --list
  mutate.py IN.docx OUT.docx --variant split-runs[+rename-styles+...] [--seed N]
  mutate.py IN.docx OUTDIR --all            (OUTDIR/<stem>.<variant>.docx)
  mutate.py IN.docx OUTDIR --variant lo-roundtrip   (needs soffice)

Variants can be chained with "+", applied left to right.  Only python3
stdlib + lxml are used (LibreOffice for lo-roundtrip).
"""
import copy
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
import zlib

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_NS = "http://www.w3.org/XML/1998/namespace"
REL_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
CT_THEME = "application/vnd.openxmlformats-officedocument.theme+xml"

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SET = os.environ.get("GONGWEN_DEV_SET", "/work/shared/corpus/gongwen-dev")


def w(tag):
    return "{%s}%s" % (W, tag)


def wa(el, name, default=None):
    return el.get(w(name), default)


XML_SPACE = "{%s}space" % XML_NS
TEXT_TAGS = {w("t"), w("delText"), w("instrText"), w("delInstrText"), "{%s}t" % A}
# run children that splitting may redistribute (anything else: run is left alone)
SPLITTABLE = {w("rPr"), w("t"), w("tab"), w("br"), w("cr")}

FANGSONG_NAMES = {"仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312"}
HEI_NAMES = {"黑体", "SimHei"}


# ---------------------------------------------------------------------------
# package access
class Package:
    """A .docx held in memory: raw members + parsed XML parts on demand."""

    def __init__(self, path):
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.order = [i.filename for i in z.infolist()]
            self.raw = {n: z.read(n) for n in self.order}
        self.trees = {}
        # per-part serialisation options set by xml-* variants
        self.ser = {"standalone": "yes", "crlf": False, "bom": False, "decl": True,
                    "prefix": None, "default_ns": False, "attr_reverse": False}
        self.zip_stored = False
        self.zip_stream = False
        self.utf16 = set()
        self.zip_dirs = False
        self.zip_reverse = False
        rels = self.xml("_rels/.rels")
        self.main = "word/document.xml"
        for r in rels:
            if r.get("Type", "").endswith("/officeDocument"):
                self.main = r.get("Target").lstrip("/")

    # -- parts
    def names(self):
        return list(self.order)

    def has(self, name):
        return name in self.raw or name in self.trees

    def xml(self, name):
        if name not in self.trees:
            self.trees[name] = etree.fromstring(self.raw[name])
        return self.trees[name]

    def set_xml(self, name, root):
        self.trees[name] = root
        if name not in self.order:
            self.order.append(name)

    def rename(self, old, new):
        if old in self.trees:
            self.trees[new] = self.trees.pop(old)
        if old in self.raw:
            self.raw[new] = self.raw.pop(old)
        self.order[self.order.index(old)] = new

    def rels_name(self, part):
        d, b = os.path.split(part)
        return (d + "/" if d else "") + "_rels/" + b + ".rels"

    def rels(self, part):
        """[(Relationship element, resolved target part name or None)]"""
        rn = self.rels_name(part)
        if not self.has(rn):
            return []
        base = os.path.dirname(part)
        out = []
        for r in self.xml(rn):
            tgt = r.get("Target")
            if r.get("TargetMode") == "External" or tgt is None:
                out.append((r, None))
                continue
            if tgt.startswith("/"):
                p = tgt[1:]
            else:
                p = os.path.normpath(os.path.join(base, tgt)).replace("\\", "/")
            out.append((r, p))
        return out

    def part_by_type(self, suffix):
        return [p for r, p in self.rels(self.main) if r.get("Type", "").endswith(suffix) and p]

    def styles_part(self):
        s = self.part_by_type("/styles")
        return s[0] if s and self.has(s[0]) else None

    def theme_part(self):
        s = self.part_by_type("/theme")
        return s[0] if s and self.has(s[0]) else None

    def story_parts(self):
        """main document + headers + footers (parts holding w:p content)."""
        out = [self.main]
        out += [p for p in self.part_by_type("/footer") if self.has(p)]
        out += [p for p in self.part_by_type("/header") if self.has(p)]
        return out

    def footer_parts(self):
        return [p for p in self.part_by_type("/footer") if self.has(p)]

    def wml_parts(self):
        """every XML part in the WordprocessingML namespace (for id renames)."""
        out = []
        for n in self.order:
            if not n.endswith(".xml") or n.startswith("customXml/") or n.startswith("docProps/"):
                continue
            try:
                root = self.xml(n)
            except etree.XMLSyntaxError:
                continue
            if root.nsmap.get(root.prefix) == W or W in root.nsmap.values():
                out.append(n)
        return out

    def body(self):
        return self.xml(self.main).find(w("body"))

    def body_paras(self):
        return self.body().findall(w("p"))

    # -- output
    def serialize(self, name, root):
        s = self.ser
        data = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
        txt = data.decode("utf-8")
        is_wml = W in (root.nsmap or {}).values()
        if s["attr_reverse"]:
            pass  # already applied on the tree
        if is_wml and s["prefix"]:
            txt = _rename_prefix(txt, "w", s["prefix"])
        if is_wml and s["default_ns"]:
            txt = _default_ns(txt, "w")
        if s["crlf"]:
            txt = txt.replace("\n", "\r\n")
        decl = ""
        if s["decl"]:
            decl = '<?xml version="1.0" encoding="UTF-8" standalone="%s"?>' % s["standalone"]
            decl += "\r\n" if s["crlf"] else "\n"
        if name in self.utf16:
            decl = decl.replace('encoding="UTF-8"', 'encoding="UTF-16"')
            return b"\xff\xfe" + (decl + txt).encode("utf-16-le")
        out = (decl + txt).encode("utf-8")
        if s["bom"]:
            out = b"\xef\xbb\xbf" + out
        return out

    def save(self, path):
        order = list(self.order)
        if self.zip_reverse:
            order.reverse()
        comp = zipfile.ZIP_STORED if self.zip_stored else zipfile.ZIP_DEFLATED
        if self.zip_stream:
            with open(path, "wb") as f:
                with zipfile.ZipFile(_NoSeek(f), "w", comp) as z:
                    for n in order:
                        data = self.serialize(n, self.trees[n]) if n in self.trees else self.raw[n]
                        zi = zipfile.ZipInfo(n, date_time=(2025, 3, 1, 9, 0, 0))
                        zi.compress_type = comp
                        with z.open(zi, "w") as out:
                            out.write(data)
            return
        with zipfile.ZipFile(path, "w", comp) as z:
            dirs_done = set()
            for n in order:
                if self.zip_dirs:
                    parts = n.split("/")[:-1]
                    for k in range(1, len(parts) + 1):
                        d = "/".join(parts[:k]) + "/"
                        if d not in dirs_done:
                            dirs_done.add(d)
                            z.writestr(zipfile.ZipInfo(d), b"")
                if n in self.trees:
                    data = self.serialize(n, self.trees[n])
                else:
                    data = self.raw[n]
                z.writestr(n, data)


class _NoSeek:
    """a write-only, non-seekable file: zipfile then writes data descriptors."""

    def __init__(self, f):
        self.f = f
        self.n = 0

    def write(self, b):
        self.n += len(b)
        return self.f.write(b)

    def tell(self):
        return self.n

    def flush(self):
        self.f.flush()

    def seek(self, *a):
        raise OSError("not seekable")

    def seekable(self):
        return False


def _rename_prefix(txt, old, new):
    """Rename namespace prefix `old` to `new` inside tags only."""
    pat = re.compile(r"(?<=[<\s/])%s:(?=[A-Za-z_])" % re.escape(old))

    def fix(m):
        t = m.group(0)
        if t.startswith("<?") or t.startswith("<!"):
            return t
        t = t.replace("xmlns:%s=" % old, "xmlns:%s=" % new)
        return pat.sub(new + ":", t)

    return re.sub(r"<[^>]+>", fix, txt)


def _default_ns(txt, prefix):
    """Make the namespace bound to `prefix` the default namespace for
    elements (attributes keep the prefix, which stays declared)."""
    m = re.search(r'xmlns:%s="([^"]+)"' % re.escape(prefix), txt)
    if not m:
        return txt
    uri = m.group(1)
    if re.search(r"<[A-Za-z_][\w.-]*[\s>/]", txt):
        return txt  # unprefixed elements exist already: leave it
    first = True

    def fix(mm):
        nonlocal first
        t = mm.group(0)
        if t.startswith("<?") or t.startswith("<!"):
            return t
        t = re.sub(r"^<(/?)%s:" % re.escape(prefix), r"<\1", t)
        if first and not t.startswith("</"):
            first = False
            t = re.sub(r"^(<[\w.-]+)", r'\1 xmlns="%s"' % uri, t, count=1)
        return t

    return re.sub(r"<[^>]+>", fix, txt)


def new_rng(path, variant, seed=0):
    return random.Random(zlib.crc32(("%s|%s|%d" % (os.path.basename(path), variant, seed)).encode()))


def in_deleted(el, stop=None):
    a = el.getparent()
    while a is not None and a is not stop:
        if a.tag in (w("del"), w("moveFrom")):
            return True
        a = a.getparent()
    return False


def set_text(t, s):
    t.text = s
    if s != s.strip(" \t\n\r"):
        t.set(XML_SPACE, "preserve")


def mk(tag, attrs=None, children=()):
    e = etree.Element(w(tag))
    for k, v in (attrs or {}).items():
        e.set(w(k) if ":" not in k and not k.startswith("{") else k, v)
    for c in children:
        e.append(c)
    return e


# ---------------------------------------------------------------------------
# run splitting
def _run_atoms(r):
    """-> (rPr or None, [('t', ch) | ('el', element)]) or None when the run
    holds something other than text/tab/break."""
    rpr = None
    atoms = []
    for c in r:
        if not isinstance(c.tag, str):
            continue
        if c.tag not in SPLITTABLE:
            return None
        if c.tag == w("rPr"):
            rpr = c
        elif c.tag == w("t"):
            atoms += [("t", ch) for ch in (c.text or "")]
        else:
            atoms.append(("el", c))
    return rpr, atoms


def _build_run(r, rpr, atoms, split_t_rng=None):
    nr = etree.Element(r.tag, attrib=dict(r.attrib))
    if rpr is not None:
        nr.append(copy.deepcopy(rpr))
    buf = []

    def flush():
        if not buf:
            return
        s = "".join(buf)
        buf.clear()
        pieces = [s]
        if split_t_rng is not None and len(s) > 1:
            pieces = []
            i = 0
            while i < len(s):
                k = split_t_rng.randint(1, 3)
                pieces.append(s[i:i + k])
                i += k
        for piece in pieces:
            t = etree.SubElement(nr, w("t"))
            set_text(t, piece)
            if split_t_rng is not None:
                t.set(XML_SPACE, "preserve")

    for kind, x in atoms:
        if kind == "t":
            buf.append(x)
        else:
            flush()
            nr.append(copy.deepcopy(x))
    flush()
    return nr


def v_split_runs(pkg, rng, max_chunk=3, parts=None):
    """every text run split into runs of 1-3 characters (same rPr), body and footers."""
    for part in parts or pkg.story_parts():
        root = pkg.xml(part)
        for r in list(root.iter(w("r"))):
            if in_deleted(r):
                continue
            got = _run_atoms(r)
            if got is None:
                continue
            rpr, atoms = got
            if len(atoms) <= 1:
                continue
            chunks = []
            i = 0
            while i < len(atoms):
                k = rng.randint(1, max_chunk) if max_chunk > 1 else 1
                chunks.append(atoms[i:i + k])
                i += k
            parent = r.getparent()
            idx = parent.index(r)
            tail = r.tail
            parent.remove(r)
            for j, ch in enumerate(chunks):
                parent.insert(idx + j, _build_run(r, rpr, ch))
            if tail:
                parent[idx + len(chunks) - 1].tail = tail


def v_split_chars(pkg, rng):
    """every text run split into one-character runs."""
    v_split_runs(pkg, rng, max_chunk=1)


def v_split_t(pkg, rng):
    """one run, several w:t elements (1-3 characters each)."""
    for part in pkg.story_parts():
        root = pkg.xml(part)
        for r in list(root.iter(w("r"))):
            if in_deleted(r):
                continue
            got = _run_atoms(r)
            if got is None:
                continue
            rpr, atoms = got
            nr = _build_run(r, rpr, atoms, split_t_rng=rng)
            nr.tail = r.tail
            r.getparent().replace(r, nr)


# ---------------------------------------------------------------------------
# styles
STYLE_REF_TAGS = {"pStyle", "rStyle", "tblStyle", "basedOn", "next", "link", "numStyleLink",
                  "styleLink"}


def _rename_style_refs(pkg, mapping):
    for part in pkg.wml_parts():
        root = pkg.xml(part)
        for el in root.iter():
            if not isinstance(el.tag, str) or not el.tag.startswith("{%s}" % W):
                continue
            local = el.tag.split("}")[1]
            if local in STYLE_REF_TAGS:
                v = el.get(w("val"))
                if v in mapping:
                    el.set(w("val"), mapping[v])
            elif local == "style":
                v = el.get(w("styleId"))
                if v in mapping:
                    el.set(w("styleId"), mapping[v])


def v_rename_styles(pkg, rng):
    """WPS-like ids: default paragraph style -> "1", others numeric/"aN";
    custom style names -> "样式N"."""
    sp = pkg.styles_part()
    if sp is None:
        return
    root = pkg.xml(sp)
    mapping = {}
    n = 0
    for st in root.findall(w("style")):
        sid = st.get(w("styleId"))
        if sid is None:
            continue
        n += 1
        if st.get(w("type")) == "paragraph" and st.get(w("default")) in ("1", "true", "on"):
            mapping[sid] = "1"
        elif st.get(w("type")) == "paragraph":
            mapping[sid] = str(10 + n)
        else:
            mapping[sid] = "a%d" % n
        if st.get(w("customStyle")) in ("1", "true", "on"):
            nm = st.find(w("name"))
            if nm is not None:
                nm.set(w("val"), "样式%d" % n)
    _rename_style_refs(pkg, mapping)


def _styles_root(pkg):
    sp = pkg.styles_part()
    if sp is None:
        raise ValueError("no styles part")
    return pkg.xml(sp)


def _default_pstyle(sroot):
    for st in sroot.findall(w("style")):
        if st.get(w("type")) == "paragraph" and st.get(w("default")) in ("1", "true", "on"):
            return st.get(w("styleId"))
    return None


def _ser(el):
    return etree.tostring(el, encoding="unicode") if el is not None else ""


def v_char_style(pkg, rng):
    """direct run formatting -> a new character style per distinct rPr; the
    run keeps only <w:rStyle>."""
    sroot = _styles_root(pkg)
    made = {}
    for r in pkg.xml(pkg.main).iter(w("r")):
        rpr = r.find(w("rPr"))
        if rpr is None or len(rpr) == 0:
            continue
        old = rpr.find(w("rStyle"))
        base = old.get(w("val")) if old is not None else None
        props = [c for c in rpr if c.tag != w("rStyle") and c.tag != w("rPrChange")]
        key = (base, "".join(_ser(c) for c in props))
        if key not in made:
            sid = "RunFmt%d" % (len(made) + 1)
            st = etree.SubElement(sroot, w("style"))
            st.set(w("type"), "character")
            st.set(w("customStyle"), "1")
            st.set(w("styleId"), sid)
            etree.SubElement(st, w("name")).set(w("val"), "文字格式%d" % (len(made) + 1))
            if base:
                etree.SubElement(st, w("basedOn")).set(w("val"), base)
            srpr = etree.SubElement(st, w("rPr"))
            for c in props:
                srpr.append(copy.deepcopy(c))
            made[key] = sid
        for c in list(rpr):
            if c.tag != w("rPrChange"):
                rpr.remove(c)
        rs = etree.Element(w("rStyle"))
        rs.set(w("val"), made[key])
        rpr.insert(0, rs)


PPR_KEEP_DIRECT = {w("pStyle"), w("rPr"), w("sectPr"), w("pPrChange"), w("numPr")}


def v_para_style(pkg, rng):
    """direct paragraph formatting (and the run formatting when all runs of
    the paragraph agree) -> a new paragraph style basedOn the old one."""
    sroot = _styles_root(pkg)
    dflt = _default_pstyle(sroot)
    made = {}
    for p in pkg.body_paras():
        ppr = p.find(w("pPr"))
        ps = ppr.find(w("pStyle")) if ppr is not None else None
        base = ps.get(w("val")) if ps is not None else dflt
        moved_p = [c for c in ppr if c.tag not in PPR_KEEP_DIRECT] if ppr is not None else []
        runs = list(p.iter(w("r")))
        rprs = [r.find(w("rPr")) for r in runs]
        moved_r = []
        if runs and all(x is not None for x in rprs) and len({_ser(x) for x in rprs}) == 1 \
                and rprs[0].find(w("rStyle")) is None and rprs[0].find(w("rPrChange")) is None:
            moved_r = list(rprs[0])
        if not moved_p and not moved_r:
            continue
        key = (base, "".join(_ser(c) for c in moved_p), "".join(_ser(c) for c in moved_r))
        if key not in made:
            sid = "ParaFmt%d" % (len(made) + 1)
            st = etree.SubElement(sroot, w("style"))
            st.set(w("type"), "paragraph")
            st.set(w("customStyle"), "1")
            st.set(w("styleId"), sid)
            etree.SubElement(st, w("name")).set(w("val"), "段落格式%d" % (len(made) + 1))
            if base:
                etree.SubElement(st, w("basedOn")).set(w("val"), base)
            etree.SubElement(st, w("qFormat"))
            if moved_p:
                sppr = etree.SubElement(st, w("pPr"))
                for c in moved_p:
                    sppr.append(copy.deepcopy(c))
            if moved_r:
                srpr = etree.SubElement(st, w("rPr"))
                for c in moved_r:
                    srpr.append(copy.deepcopy(c))
            made[key] = sid
        if ppr is None:
            ppr = etree.Element(w("pPr"))
            p.insert(0, ppr)
        for c in moved_p:
            ppr.remove(c)
        if ps is None:
            ps = etree.Element(w("pStyle"))
            ppr.insert(0, ps)
        ps.set(w("val"), made[key])
        if moved_r:
            for x in rprs:
                x.getparent().remove(x)


def _oracle():
    sys.path.insert(0, os.path.join(DEFAULT_SET, "tools"))
    import oracle  # noqa: E402
    return oracle


def _oracle_view(pkg):
    """An oracle.Docx built from the in-memory trees (styles/theme only)."""
    oracle = _oracle()
    dx = oracle.Docx.__new__(oracle.Docx)
    dx.styles, dx.default_pstyle, dx.dd_rpr, dx.dd_ppr, dx.theme = {}, None, None, None, {}
    sp, tp = pkg.styles_part(), pkg.theme_part()
    if sp:
        dx._load_styles(pkg.xml(sp))
    if tp:
        dx._load_theme(pkg.xml(tp))
    return oracle, dx


def v_minimize_direct(pkg, rng):
    """drop every direct run/paragraph property that the style chain already
    supplies (as Word does when 'clear formatting' matches the style)."""
    oracle, dx = _oracle_view(pkg)
    for p in pkg.body_paras():
        for r in p.iter(w("r")):
            rpr = r.find(w("rPr"))
            if rpr is None:
                continue
            for c in list(rpr):
                if c.tag not in (w("rFonts"), w("sz"), w("szCs"), w("b"), w("bCs"), w("color"), w("kern"),
                                 w("lang")):
                    continue
                before = dx.run_props(p, r)
                idx = rpr.index(c)
                rpr.remove(c)
                if dx.run_props(p, r) != before:
                    rpr.insert(idx, c)
            if len(rpr) == 0:
                r.remove(rpr)
        ppr = p.find(w("pPr"))
        if ppr is None:
            continue
        for c in list(ppr):
            if c.tag not in (w("ind"), w("jc"), w("spacing")):
                continue
            before = (dx.para_props(p)["jc"], oracle.first_line_geometry(dx, p))
            idx = ppr.index(c)
            ppr.remove(c)
            if (dx.para_props(p)["jc"], oracle.first_line_geometry(dx, p)) != before:
                ppr.insert(idx, c)


RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
             "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
             "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
             "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"]
PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
             "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
             "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]
SECT_ORDER = ["headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
              "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
              "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"]


def ensure_child(parent, local, order):
    """the w:<local> child of parent, created at its schema position."""
    c = parent.find(w(local))
    if c is not None:
        return c
    c = etree.Element(w(local))
    want = order.index(local)
    for k, x in enumerate(parent):
        if isinstance(x.tag, str) and x.tag.startswith("{%s}" % W):
            loc = x.tag.split("}")[1]
            if loc in order and order.index(loc) > want:
                parent.insert(k, c)
                return c
    parent.append(c)
    return c


def ensure_rpr(r):
    rpr = r.find(w("rPr"))
    if rpr is None:
        rpr = etree.Element(w("rPr"))
        r.insert(0, rpr)
    return rpr


def ensure_ppr(p):
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        p.insert(0, ppr)
    return ppr


def v_hoist_defaults(pkg, rng):
    """WPS-like: every body run/paragraph property is pinned, then the most
    common 正文 formatting (eastAsia font, size, first-line indent, jc) moves
    into docDefaults and the default paragraph style, and direct formatting
    that merely repeats the inherited value is dropped."""
    import collections
    oracle, dx = _oracle_view(pkg)
    sroot = _styles_root(pkg)
    paras = pkg.body_paras()
    eas, szs, geo, jcs = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
    # 1. pin the effective values
    pinned = []
    for p in paras:
        for r in p.iter(w("r")):
            if in_deleted(r, p):
                continue
            pr = dx.run_props(p, r)
            pinned.append((r, pr))
        left, first, right = oracle.first_line_geometry(dx, p)
        jc = dx.para_props(p)["jc"] or "left"
        pinned.append((p, (left, first, right, jc)))
        if oracle.para_text(p).strip():
            geo[(left, first, right)] += 1
            jcs[jc] += 1
    if any(isinstance(v, dict) and v["ea"] is None for _, v in pinned):
        return  # "no font at all" cannot be pinned
    for el, v in pinned:
        if isinstance(v, dict):
            rpr = ensure_rpr(el)
            rf = ensure_child(rpr, "rFonts", RPR_ORDER)
            for a in ("eastAsiaTheme",):
                rf.attrib.pop(w(a), None)
            rf.set(w("eastAsia"), v["ea"])
            if v["sz"] is not None:
                ensure_child(rpr, "sz", RPR_ORDER).set(w("val"), str(v["sz"]))
            ensure_child(rpr, "b", RPR_ORDER).set(w("val"), "1" if v["b"] else "0")
            if v["color"] is not None:
                ensure_child(rpr, "color", RPR_ORDER).set(w("val"), v["color"])
            if v["ea"] and v["sz"]:
                eas[v["ea"]] += 1
                szs[v["sz"]] += 1
        else:
            left, first, right, jc = v
            ppr = ensure_ppr(el)
            ind = ensure_child(ppr, "ind", PPR_ORDER)
            ind.attrib.clear()
            ind.set(w("left"), str(left))
            ind.set(w("right"), str(right))
            if first < 0:
                ind.set(w("hanging"), str(-first))
            else:
                ind.set(w("firstLine"), str(first))
            ensure_child(ppr, "jc", PPR_ORDER).set(w("val"), jc)
    # 2. hoist into docDefaults / the default paragraph style
    if not eas:
        return
    dd = sroot.find(w("docDefaults"))
    if dd is None:
        dd = etree.Element(w("docDefaults"))
        sroot.insert(0, dd)
    rpd = dd.find(w("rPrDefault"))
    if rpd is None:
        rpd = etree.SubElement(dd, w("rPrDefault"))
    rpr = ensure_child(rpd, "rPr", ["rPr"])
    rf = ensure_child(rpr, "rFonts", RPR_ORDER)
    rf.attrib.pop(w("eastAsiaTheme"), None)
    rf.set(w("eastAsia"), eas.most_common(1)[0][0])
    ensure_child(rpr, "sz", RPR_ORDER).set(w("val"), str(szs.most_common(1)[0][0]))
    dflt = _default_pstyle(sroot)
    st = None
    for x in sroot.findall(w("style")):
        if x.get(w("styleId")) == dflt:
            st = x
    if st is None:
        st = etree.SubElement(sroot, w("style"))
        st.set(w("type"), "paragraph")
        st.set(w("default"), "1")
        st.set(w("styleId"), "Normal")
        etree.SubElement(st, w("name")).set(w("val"), "Normal")
    sppr = st.find(w("pPr"))
    if sppr is None:
        sppr = etree.Element(w("pPr"))
        rprs = st.find(w("rPr"))
        if rprs is not None:
            rprs.addprevious(sppr)
        else:
            st.append(sppr)
    left, first, right = geo.most_common(1)[0][0]
    ind = ensure_child(sppr, "ind", PPR_ORDER)
    ind.attrib.clear()
    if first > 0 and first * 100 % 320 == 0:
        ind.set(w("firstLineChars"), str(first * 100 // 320))
    ind.set(w("firstLine" if first >= 0 else "hanging"), str(abs(first)))
    if left:
        ind.set(w("left"), str(left))
    if right:
        ind.set(w("right"), str(right))
    ensure_child(sppr, "jc", PPR_ORDER).set(w("val"), jcs.most_common(1)[0][0])
    # 3. drop what is now inherited
    v_minimize_direct(pkg, rng)


# ---------------------------------------------------------------------------
# indents
def _all_ind(pkg):
    for part in [pkg.main, pkg.styles_part()]:
        if part:
            yield from pkg.xml(part).iter(w("ind"))


def _exact_chars(v):
    v = int(float(v))
    return v * 100 // 320 if v > 0 and (v * 100) % 320 == 0 else None


def v_indent_chars(pkg, rng):
    """twips -> *Chars where exact (firstLine="640" -> firstLineChars="200")."""
    for ind in _all_ind(pkg):
        for tw, ch in (("firstLine", "firstLineChars"), ("hanging", "hangingChars"),
                       ("left", "leftChars"), ("start", "startChars"), ("right", "rightChars")):
            v = ind.get(w(tw))
            if v is None:
                continue
            c = _exact_chars(v)
            if c is None:
                continue
            if ch == "startChars":
                continue  # the oracle knows leftChars only
            ind.set(w(ch), str(c))
            del ind.attrib[w(tw)]


def v_indent_twips(pkg, rng):
    """*Chars -> twips (firstLineChars="200" -> firstLine="640")."""
    for ind in _all_ind(pkg):
        for tw, ch in (("firstLine", "firstLineChars"), ("hanging", "hangingChars"),
                       ("left", "leftChars"), ("right", "rightChars")):
            v = ind.get(w(ch))
            if v is None:
                continue
            c = int(float(v))
            if c != 0:
                ind.set(w(tw), str(c * 320 // 100))
            elif w(tw) not in ind.attrib:
                ind.set(w(tw), "0")
            del ind.attrib[w(ch)]
    # keep hanging-vs-firstLine exclusive as Word writes it
    for ind in _all_ind(pkg):
        if ind.get(w("hanging")) not in (None, "0") and w("firstLine") in ind.attrib:
            del ind.attrib[w("firstLine")]


def v_indent_hanging0(pkg, rng):
    """firstLine="0" -> hanging="0" (what the second word processor writes)."""
    for ind in _all_ind(pkg):
        if ind.get(w("firstLine")) in ("0",) and w("hanging") not in ind.attrib:
            del ind.attrib[w("firstLine")]
            ind.set(w("hanging"), "0")
            if ind.get(w("firstLineChars")) in ("0",):
                del ind.attrib[w("firstLineChars")]
                ind.set(w("hangingChars"), "0")


def v_indent_start(pkg, rng):
    """left/right -> start/end; zero *Chars companions added."""
    for ind in _all_ind(pkg):
        if w("left") in ind.attrib:
            v = ind.attrib.pop(w("left"))
            ind.set(w("start"), v)
            if w("leftChars") not in ind.attrib:
                ind.set(w("leftChars"), "0")
        if w("right") in ind.attrib:
            v = ind.attrib.pop(w("right"))
            ind.set(w("end"), v)
            if w("rightChars") not in ind.attrib:
                ind.set(w("rightChars"), "0")
        if w("firstLine") in ind.attrib and w("firstLineChars") not in ind.attrib:
            ind.set(w("firstLineChars"), "0")


def v_jc_start(pkg, rng):
    """w:jc left/right -> start/end (document, styles, footers)."""
    for part in [pkg.main, pkg.styles_part()] + pkg.footer_parts():
        if not part:
            continue
        for jc in pkg.xml(part).iter(w("jc")):
            if jc.getparent().tag != w("pPr"):
                continue
            v = jc.get(w("val"))
            if v in ("left", "right"):
                jc.set(w("val"), {"left": "start", "right": "end"}[v])


# ---------------------------------------------------------------------------
# theme fonts
THEME_XML = """<a:theme xmlns:a="%s" name="Office"><a:themeElements>
<a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="1F497D"/></a:dk2><a:lt2><a:srgbClr val="EEECE1"/></a:lt2><a:accent1><a:srgbClr val="4F81BD"/></a:accent1><a:accent2><a:srgbClr val="C0504D"/></a:accent2><a:accent3><a:srgbClr val="9BBB59"/></a:accent3><a:accent4><a:srgbClr val="8064A2"/></a:accent4><a:accent5><a:srgbClr val="4BACC6"/></a:accent5><a:accent6><a:srgbClr val="F79646"/></a:accent6><a:hlink><a:srgbClr val="0000FF"/></a:hlink><a:folHlink><a:srgbClr val="800080"/></a:folHlink></a:clrScheme>
<a:fontScheme name="Office"><a:majorFont><a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont><a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont></a:fontScheme>
<a:fmtScheme name="Office"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst><a:lnStyleLst><a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme>
</a:themeElements></a:theme>""" % A


def _ensure_theme(pkg):
    tp = pkg.theme_part()
    if tp:
        return tp
    tp = "word/theme/theme1.xml"
    while pkg.has(tp):
        tp = tp.replace(".xml", "x.xml")
    pkg.set_xml(tp, etree.fromstring(THEME_XML))
    rn = pkg.rels_name(pkg.main)
    rels = pkg.xml(rn)
    ids = {r.get("Id") for r in rels}
    k = 100
    while "rId%d" % k in ids:
        k += 1
    rel = etree.SubElement(rels, "{%s}Relationship" % PR)
    rel.set("Id", "rId%d" % k)
    rel.set("Type", REL_THEME)
    rel.set("Target", os.path.relpath(tp, os.path.dirname(pkg.main)).replace("\\", "/"))
    ct = pkg.xml("[Content_Types].xml")
    o = etree.SubElement(ct, "{%s}Override" % CT)
    o.set("PartName", "/" + tp)
    o.set("ContentType", CT_THEME)
    return tp


def _set_theme_font(pkg, kind, name, via_hans=False):
    root = pkg.xml(_ensure_theme(pkg))
    fe = root.find(".//{%s}%sFont" % (A, kind))
    if fe is None:
        fs = root.find(".//{%s}fontScheme" % A)
        fe = etree.SubElement(fs, "{%s}%sFont" % (A, kind))
        etree.SubElement(fe, "{%s}latin" % A).set("typeface", "Calibri")
    ea = fe.find("{%s}ea" % A)
    if ea is None:
        ea = etree.Element("{%s}ea" % A)
        lat = fe.find("{%s}latin" % A)
        fe.insert(fe.index(lat) + 1 if lat is not None else 0, ea)
    hans = [f for f in fe.findall("{%s}font" % A) if f.get("script") == "Hans"]
    if via_hans:
        ea.set("typeface", "")
        if not hans:
            f = etree.SubElement(fe, "{%s}font" % A)
            f.set("script", "Hans")
            hans = [f]
        hans[0].set("typeface", name)
    else:
        ea.set("typeface", name)
        for f in hans:  # keep the fallback consistent (not needed by the oracle)
            f.set("typeface", name)


def _themeify(pkg, keep_wrong=None, via_hans=False):
    """eastAsia="仿宋_GB2312" -> eastAsiaTheme="minorEastAsia" and
    eastAsia="黑体" -> eastAsiaTheme="majorEastAsia" in document + styles."""
    parts = [pkg.main] + ([pkg.styles_part()] if pkg.styles_part() else [])
    minor = major = None
    # choose one concrete name per theme slot (first seen)
    for part in parts:
        for rf in pkg.xml(part).iter(w("rFonts")):
            v = rf.get(w("eastAsia"))
            if rf.get(w("eastAsiaTheme")):
                continue
            if v in FANGSONG_NAMES and minor is None:
                minor = v
            elif v in HEI_NAMES and major is None:
                major = v
    for part in parts:
        for rf in pkg.xml(part).iter(w("rFonts")):
            v = rf.get(w("eastAsia"))
            if rf.get(w("eastAsiaTheme")):
                continue
            th = "minorEastAsia" if (v == minor and minor) else "majorEastAsia" if (v == major and major) else None
            if th is None:
                continue
            rf.set(w("eastAsiaTheme"), th)
            if keep_wrong:
                rf.set(w("eastAsia"), keep_wrong)
            else:
                del rf.attrib[w("eastAsia")]
    if minor:
        _set_theme_font(pkg, "minor", minor, via_hans)
    if major:
        _set_theme_font(pkg, "major", major, via_hans)


def v_theme_fonts(pkg, rng):
    """eastAsia 仿宋/黑体 -> eastAsiaTheme minorEastAsia/majorEastAsia, theme a:ea patched."""
    _themeify(pkg)


def v_theme_fonts_override(pkg, rng):
    """theme attribute present AND a contradicting explicit eastAsia (宋体):
    the theme wins (ECMA-376 and the oracle)."""
    _themeify(pkg, keep_wrong="宋体")


def v_theme_fonts_hans(pkg, rng):
    """theme a:ea empty, the font given by <a:font script="Hans">."""
    _themeify(pkg, via_hans=True)


# ---------------------------------------------------------------------------
# wrappers, tracked changes, noise
def _text_runs(p):
    return [r for r in p if r.tag == w("r") and _run_atoms(r) is not None
            and any(c.tag == w("t") for c in r)]


def _wrap(p, rng, make):
    runs = [c for c in p if c.tag == w("r")]
    if not runs:
        return
    a = rng.randrange(len(runs))
    b = rng.randrange(a, len(runs))
    first = runs[a]
    seq = runs[a:b + 1]
    # only wrap a contiguous sibling range
    idx = p.index(first)
    sib = list(p)[idx:idx + len(seq)]
    if sib != seq:
        seq = [first]
    wrapper = make()
    p.insert(idx, wrapper)
    for r in seq:
        wrapper.append(r)


_ids = [1000]


def _next_id():
    _ids[0] += 1
    return str(_ids[0])


def v_wrap_hyperlink(pkg, rng):
    """a random contiguous range of runs of every paragraph inside w:hyperlink."""
    for p in pkg.body_paras():
        _wrap(p, rng, lambda: mk("hyperlink", {"anchor": "_Toc%d" % rng.randrange(10 ** 8), "history": "1"}))


def v_wrap_smarttag(pkg, rng):
    """runs inside w:smartTag (chsdate) with smartTagPr."""
    def make():
        st = mk("smartTag", {"uri": "urn:schemas-microsoft-com:office:smarttags", "element": "chsdate"})
        pr = etree.SubElement(st, w("smartTagPr"))
        for k, v in (("IsROCDate", "False"), ("IsLunarDate", "False"), ("Day", "6"), ("Month", "3"),
                     ("Year", "2025")):
            a = etree.SubElement(pr, w("attr"))
            a.set(w("name"), k)
            a.set(w("val"), v)
        return st
    for p in pkg.body_paras():
        _wrap(p, rng, make)


def v_wrap_ins(pkg, rng):
    """runs inside a tracked insertion w:ins."""
    for p in pkg.body_paras():
        _wrap(p, rng, lambda: mk("ins", {"id": _next_id(), "author": "审校", "date": "2025-03-01T09:00:00Z"}))


def v_wrap_sdt(pkg, rng):
    """the runs of every paragraph inside an inline w:sdt content control."""
    def make():
        sdt = mk("sdt")
        pr = etree.SubElement(sdt, w("sdtPr"))
        etree.SubElement(pr, w("id")).set(w("val"), _next_id())
        etree.SubElement(pr, w("text"))
        c = etree.SubElement(sdt, w("sdtContent"))
        return sdt

    for p in pkg.body_paras():
        runs = [c for c in p if c.tag == w("r")]
        if not runs:
            continue
        sdt = make()
        p.insert(p.index(runs[0]), sdt)
        content = sdt.find(w("sdtContent"))
        for r in runs:
            if r.getparent() is p and list(p).index(r) == list(p).index(sdt) + 1:
                content.append(r)


WRONG_RPR = ('<w:rPr xmlns:w="%s"><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="宋体" w:cs="Arial"/>'
             '<w:b/><w:color w:val="FF0000"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>') % W


def _del_run(text, use_t):
    r = mk("r")
    r.append(etree.fromstring(WRONG_RPR))
    t = etree.SubElement(r, w("t" if use_t else "delText"))
    set_text(t, text)
    t.set(XML_SPACE, "preserve")
    d = mk("del", {"id": _next_id(), "author": "审校", "date": "2025-03-01T09:00:00Z"})
    d.append(r)
    return d


def _add_del(pkg, rng, use_t):
    for p in pkg.body_paras():
        if not [c for c in p if c.tag == w("r")]:
            continue
        ppr = p.find(w("pPr"))
        p.insert(0 if ppr is None else 1, _del_run("　　附件：", use_t))
        p.append(_del_run("：、等25年03月,", use_t))
        runs = [c for c in p if c.tag == w("r")]
        if len(runs) >= 2:
            k = rng.randrange(1, len(runs))
            p.insert(p.index(runs[k]), _del_run("。。(试行)", use_t))


def v_add_del(pkg, rng):
    """tracked deletions (w:del/w:r/w:delText, wrong font) at start, middle, end."""
    _add_del(pkg, rng, use_t=False)


def v_add_del_t(pkg, rng):
    """like add-del but the deleted run holds w:t (some writers do)."""
    _add_del(pkg, rng, use_t=True)


def v_noise(pkg, rng):
    """bookmarks (body and inline), proofErr, permStart/End, empty runs with
    wrong fonts, empty w:t, lastRenderedPageBreak, w:rsid attributes."""
    body = pkg.body()
    paras = body.findall(w("p"))
    for i, p in enumerate(paras):
        bid = _next_id()
        children = [c for c in p if c.tag == w("r")]
        p.set(w("rsidR"), "00%06X" % rng.randrange(16 ** 6))
        p.set(w("rsidRDefault"), "00%06X" % rng.randrange(16 ** 6))
        if i % 3 == 0:
            bs = mk("bookmarkStart", {"id": bid, "name": "_GoBack" if i == 0 else "bm%d" % i})
            be = mk("bookmarkEnd", {"id": bid})
            body.insert(body.index(p), bs)
            body.insert(body.index(p) + 1, be)
        if not children:
            # empty paragraph: an empty run with a wrong font
            er = mk("r")
            er.append(etree.fromstring(WRONG_RPR))
            p.append(er)
            continue
        for r in children:
            r.set(w("rsidRPr"), "00%06X" % rng.randrange(16 ** 6))
        first = children[0]
        idx = p.index(first)
        p.insert(idx, mk("proofErr", {"type": "gramStart"}))
        p.insert(idx, mk("bookmarkStart", {"id": bid + "1", "name": "x%d" % i}))
        p.insert(idx, mk("permStart", {"id": bid + "2", "edGrp": "everyone"}))
        last = children[-1]
        idx = p.index(last) + 1
        p.insert(idx, mk("proofErr", {"type": "gramEnd"}))
        p.insert(idx, mk("bookmarkEnd", {"id": bid + "1"}))
        p.insert(idx, mk("permEnd", {"id": bid + "2"}))
        # empty runs between runs
        er = mk("r")
        er.append(etree.fromstring(WRONG_RPR))
        p.insert(p.index(first), er)
        p.insert(p.index(last) + 1, mk("r"))
        et = mk("r")
        et.append(mk("t"))
        p.insert(p.index(last) + 1, et)
        # lastRenderedPageBreak at the start of a run
        if rng.random() < 0.5:
            first.insert(1 if first.find(w("rPr")) is not None else 0, mk("lastRenderedPageBreak"))


def v_para_mark_rpr(pkg, rng):
    """paragraph-mark run properties (pPr/rPr) set to a wrong font/size/bold:
    they format the pilcrow only, never text."""
    for p in pkg.body_paras():
        ppr = p.find(w("pPr"))
        if ppr is None:
            ppr = mk("pPr")
            p.insert(0, ppr)
        old = ppr.find(w("rPr"))
        if old is not None:
            ppr.remove(old)
        new = etree.fromstring(WRONG_RPR)
        sect = ppr.find(w("sectPr"))
        if sect is not None:
            ppr.insert(ppr.index(sect), new)
        else:
            ppr.append(new)


def v_explicit_off(pkg, rng):
    """explicit off toggles (<w:b w:val="0"/>, <w:i w:val="false"/>) on
    every run without bold; <w:b/> -> <w:b w:val="true"/>."""
    order = ["rStyle", "rFonts", "b", "bCs", "i", "iCs"]
    oracle, dx = _oracle_view(pkg)
    para_of = {}
    for p in pkg.body_paras():
        for r in p.iter(w("r")):
            para_of[r] = p
    for r in pkg.xml(pkg.main).iter(w("r")):
        if r in para_of and dx.run_props(para_of[r], r)["b"]:
            continue  # bold inherited from a style: an explicit off would change it
        rpr = r.find(w("rPr"))
        if rpr is None:
            rpr = mk("rPr")
            r.insert(0, rpr)
        b = rpr.find(w("b"))
        if b is not None:
            if b.get(w("val")) is None:
                b.set(w("val"), "true")
            continue
        pos = 0
        for k, c in enumerate(rpr):
            if c.tag.split("}")[1] in order[:2]:
                pos = k + 1
        rpr.insert(pos, mk("i", {"val": "false"}))
        rpr.insert(pos, mk("bCs", {"val": "off"}))
        rpr.insert(pos, mk("b", {"val": "0"}))


def _roles(pkg):
    oracle = _oracle()
    paras = pkg.body_paras()
    texts = [oracle.para_text(p) for p in paras]
    role, info = oracle.detect_roles(texts)
    return paras, texts, role


def v_body_fields(pkg, rng):
    """text of the 成文日期 / 发文字号 / title paragraphs as the *result* of
    complex fields (CREATEDATE, DOCPROPERTY, HYPERLINK); instrText is not text."""
    paras, texts, role = _roles(pkg)
    instr = {"date": ' CREATEDATE \\@ "yyyy年M月d日" ', "docno": " DOCPROPERTY  文号  \\* MERGEFORMAT ",
             "title": ' HYPERLINK \\l "_Toc1" ', "sig": " AUTHOR ", "p": ' HYPERLINK "http://www.example.gov.cn" '}
    done_p = 0
    for p, r in zip(paras, role):
        if r not in instr:
            continue
        if r == "p":
            if done_p >= 2:
                continue
            done_p += 1
        runs = [c for c in p if c.tag == w("r")]
        if not runs:
            continue
        a = rng.randrange(len(runs))
        seq = runs[a:]
        rpr = seq[0].find(w("rPr"))
        idx = p.index(seq[0])
        for k, x in enumerate([_fld_run(rpr, "begin"), _fld_run(rpr, "instr", instr[r]), _fld_run(rpr, "separate")]):
            p.insert(idx + k, x)
        p.insert(p.index(seq[-1]) + 1, _fld_run(rpr, "end"))


PNG_1x1 = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c63f8cf00000301010018dd8db40000000049454e44ae426082")
NS_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
NS_PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
NS_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def v_seal_image(pkg, rng):
    """an anchored picture (印章) in the 署名/日期 paragraph and a drawn red
    line shape (no text) in the 发文字号 paragraph."""
    paras, texts, role = _roles(pkg)
    k = 1
    while pkg.has("word/media/seal%d.png" % k):
        k += 1
    media = "word/media/seal%d.png" % k
    pkg.raw[media] = PNG_1x1
    pkg.order.append(media)
    ct = pkg.xml("[Content_Types].xml")
    if not any(d.get("Extension", "").lower() == "png" for d in ct.findall("{%s}Default" % CT)):
        d = etree.Element("{%s}Default" % CT)
        d.set("Extension", "png")
        d.set("ContentType", "image/png")
        ct.insert(0, d)
    rels = pkg.xml(pkg.rels_name(pkg.main))
    ids = {r.get("Id") for r in rels}
    n = 300
    while "rId%d" % n in ids:
        n += 1
    rel = etree.SubElement(rels, "{%s}Relationship" % PR)
    rel.set("Id", "rId%d" % n)
    rel.set("Type", REL_IMAGE)
    rel.set("Target", os.path.relpath(media, os.path.dirname(pkg.main)))
    pic = ('<w:r xmlns:w="{W}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:pic="{PIC}" xmlns:r="{R}"><w:rPr><w:noProof/></w:rPr>'
           '<w:drawing><wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="251659264" '
           'behindDoc="1" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
           '<wp:positionH relativeFrom="column"><wp:posOffset>3000000</wp:posOffset></wp:positionH>'
           '<wp:positionV relativeFrom="paragraph"><wp:posOffset>-800000</wp:posOffset></wp:positionV>'
           '<wp:extent cx="1440000" cy="1440000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
           '<wp:docPr id="{ID}" name="印章 {ID}"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData '
           'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="{ID}" '
           'name="seal.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{RID}"/><a:stretch><a:fillRect/>'
           '</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1440000" cy="1440000"/></a:xfrm>'
           '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
           '</wp:anchor></w:drawing></w:r>').format(W=W, WP=NS_WP, A=A, PIC=NS_PIC, R=R, ID=_next_id(), RID="rId%d" % n)
    line = ('<w:r xmlns:w="{W}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:wps="{WPS}" xmlns:mc="{MC}"><w:rPr><w:noProof/></w:rPr>'
            '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="114300" '
            'distR="114300" simplePos="0" relativeHeight="251660288" behindDoc="0" locked="0" layoutInCell="1" '
            'allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset>'
            '</wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>400000</wp:posOffset></wp:positionV>'
            '<wp:extent cx="5615940" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
            '<wp:docPr id="{ID}" name="分隔线 {ID}"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData '
            'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvCnPr/><wps:spPr>'
            '<a:xfrm><a:off x="0" y="0"/><a:ext cx="5615940" cy="0"/></a:xfrm><a:prstGeom prst="line"><a:avLst/>'
            '</a:prstGeom><a:ln w="19050"><a:solidFill><a:srgbClr val="FF0000"/></a:solidFill></a:ln></wps:spPr>'
            '<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
            '<mc:Fallback><w:pict/></mc:Fallback></mc:AlternateContent></w:r>').format(
        W=W, WP=NS_WP, A=A, WPS=NS_WPS, MC=NS_MC, ID=_next_id())
    for p, r in zip(paras, role):
        if r in ("sig", "date"):
            p.append(etree.fromstring(pic))
            break
    for p, r in zip(paras, role):
        if r == "docno":
            runs = [c for c in p if c.tag == w("r")]
            (runs[0].addprevious if runs else p.append)(etree.fromstring(line))
            break


def v_body_table(pkg, rng):
    """a data table between body paragraphs (the oracle, like python-docx,
    ignores paragraphs inside tables; their text must not leak into findings)."""
    paras, texts, role = _roles(pkg)
    body_idx = [i for i, r in enumerate(role) if r == "p"]
    if not body_idx:
        return
    anchor = paras[body_idx[len(body_idx) // 2]]
    cells = [["序号", "项目名称", "时间", "备注"], ["1", "示例项目,一期", "2025-2026年", "需求调研、等"],
             ["2", "（二）附件：", "25年3月", "15～30%"]]
    rows = "".join("<w:tr>" + "".join(
        '<w:tc><w:tcPr><w:tcW w:w="2211" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr>'
        '<w:rFonts w:eastAsia="宋体"/><w:b/><w:sz w:val="24"/></w:rPr><w:t>%s</w:t></w:r></w:p></w:tc>' % c for c in row)
        + "</w:tr>" for row in cells)
    tbl = etree.fromstring('<w:tbl xmlns:w="%s"><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
                           '<w:jc w:val="center"/><w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>%s</w:tblGrid>%s</w:tbl>'
                           % (W, '<w:gridCol w:w="2211"/>' * 4, rows))
    anchor.addnext(tbl)


def v_page_break(pkg, rng):
    """a page break run in the last empty paragraph before the 版记 and
    w:pageBreakBefore on the first 版记 line (text of blank paragraphs only
    gains a line break, which the oracle treats as blank)."""
    paras, texts, role = _roles(pkg)
    tail = [i for i, r in enumerate(role) if r in ("cc", "print")]
    if not tail:
        return
    t0 = tail[0]
    blanks = [i for i in range(t0) if role[i] == "blank"]
    if blanks:
        p = paras[blanks[-1]]
        r = mk("r")
        r.append(mk("br", {"type": "page"}))
        p.append(r)
    ppr = ensure_ppr(paras[t0])
    ensure_child(ppr, "pageBreakBefore", PPR_ORDER)


REL_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
CT_NUMBERING = "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"


def _add_numbering(pkg, levels_xml):
    """a new abstractNum/num in the numbering part (created if missing); returns numId."""
    parts = pkg.part_by_type("/numbering")
    if parts and pkg.has(parts[0]):
        root = pkg.xml(parts[0])
    else:
        root = etree.fromstring('<w:numbering xmlns:w="%s"/>' % W)
        _add_part(pkg, "word/numbering%d.xml", root, REL_NUMBERING, CT_NUMBERING)
    aids = [int(x.get(w("abstractNumId"))) for x in root.findall(w("abstractNum"))]
    nids = [int(x.get(w("numId"))) for x in root.findall(w("num"))]
    aid, nid = max(aids + [0]) + 1, max(nids + [0]) + 1
    an = etree.fromstring('<w:abstractNum xmlns:w="%s" w:abstractNumId="%d"><w:multiLevelType w:val="singleLevel"/>%s'
                          '</w:abstractNum>' % (W, aid, levels_xml))
    nums = root.findall(w("num"))
    if nums:
        nums[0].addprevious(an)
    else:
        root.append(an)
    num = etree.fromstring('<w:num xmlns:w="%s" w:numId="%d"><w:abstractNumId w:val="%d"/></w:num>' % (W, nid, aid))
    root.append(num)
    return nid


def _attach_num(p, nid, ilvl=0):
    ppr = ensure_ppr(p)
    old = ppr.find(w("numPr"))
    if old is not None:
        ppr.remove(old)
    np_ = ensure_child(ppr, "numPr", PPR_ORDER)
    etree.SubElement(np_, w("ilvl")).set(w("val"), str(ilvl))
    etree.SubElement(np_, w("numId")).set(w("val"), str(nid))


def v_numbering_none(pkg, rng):
    """headings and body paragraphs attached to a list whose level draws
    nothing (numFmt none, empty lvlText, no indents) and others to numId 0."""
    nid = _add_numbering(pkg, '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="none"/><w:suff w:val="nothing"/>'
                              '<w:lvlText w:val=""/><w:lvlJc w:val="left"/></w:lvl>')
    paras, texts, role = _roles(pkg)
    for p, r in zip(paras, role):
        if r in ("h1", "h2", "h3", "h4") or (r == "p" and rng.random() < 0.5):
            _attach_num(p, nid)
        elif r in ("to", "sig", "date", "att"):
            _attach_num(p, 0)


def v_numbering_probe(pkg, rng):
    """NOT Word-equivalent (a probe of an oracle limitation): 正文 paragraphs
    get a real bullet list whose level has w:ind left=720 hanging=360 while
    the paragraph itself only sets firstLine.  Word (and ECMA-376) then
    indent the paragraph by 720; the oracle ignores numbering."""
    nid = _add_numbering(pkg, '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
                              '<w:lvlText w:val="\u00b7"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="720" '
                              'w:hanging="360"/></w:pPr></w:lvl>')
    paras, texts, role = _roles(pkg)
    for p, r in zip(paras, role):
        if r == "p":
            _attach_num(p, nid)


# ---------------------------------------------------------------------------
# footers / fields
FIELD_INSTR = " PAGE   \\* MERGEFORMAT "


def _fld_run(rpr, kind, text=None):
    r = mk("r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    if kind in ("begin", "separate", "end"):
        r.append(mk("fldChar", {"fldCharType": kind}))
    elif kind == "instr":
        it = etree.SubElement(r, w("instrText"))
        it.text = text
        it.set(XML_SPACE, "preserve")
    else:
        t = etree.SubElement(r, w("t"))
        set_text(t, text)
    return r


def v_field_complex(pkg, rng, split_instr=False):
    """w:fldSimple -> begin/instrText/separate/result/end runs."""
    for part in pkg.footer_parts():
        root = pkg.xml(part)
        for fs in list(root.iter(w("fldSimple"))):
            instr = fs.get(w("instr")) or ""
            inner = fs.find(w("r"))
            rpr = inner.find(w("rPr")) if inner is not None else None
            result = "".join(t.text or "" for t in fs.iter(w("t"))) or "1"
            seq = [_fld_run(rpr, "begin")]
            if split_instr and len(instr.strip()) > 2:
                ins = instr.strip()
                seq += [_fld_run(rpr, "instr", " " + ins[:2]), _fld_run(rpr, "instr", ins[2:] + " "),
                        _fld_run(rpr, "instr", "\\* MERGEFORMAT ")]
            else:
                seq.append(_fld_run(rpr, "instr", instr if "MERGEFORMAT" in instr else instr.rstrip() + "   \\* MERGEFORMAT "))
            seq += [_fld_run(rpr, "separate"), _fld_run(rpr, "text", result), _fld_run(rpr, "end")]
            parent = fs.getparent()
            idx = parent.index(fs)
            parent.remove(fs)
            for k, r in enumerate(seq):
                parent.insert(idx + k, r)
        if split_instr:
            for it in list(root.iter(w("instrText"))):
                r = it.getparent()
                s = it.text or ""
                if len(s.strip()) > 2 and r.getparent() is not None and len([c for c in r if c.tag == w("instrText")]) == 1:
                    rpr = r.find(w("rPr"))
                    a, b = s[:3], s[3:]
                    it.text = a
                    nr = _fld_run(rpr, "instr", b)
                    r.addnext(nr)


def v_field_split_instr(pkg, rng):
    """complex PAGE fields with the instruction split over several instrText runs."""
    v_field_complex(pkg, rng, split_instr=True)


def v_field_simple(pkg, rng):
    """complex PAGE fields (begin ... end, not nested) -> w:fldSimple."""
    for part in pkg.footer_parts():
        root = pkg.xml(part)
        for p in list(root.iter(w("p"))):
            kids = list(p)
            i = 0
            while i < len(kids):
                k = kids[i]
                fc = k.find(w("fldChar")) if k.tag == w("r") else None
                if fc is None or fc.get(w("fldCharType")) != "begin":
                    i += 1
                    continue
                # find the matching end among following sibling runs
                depth = 0
                j = i
                instr = ""
                result_runs = []
                state = "instr"
                ok = True
                while j < len(kids):
                    x = kids[j]
                    if x.tag != w("r"):
                        ok = False
                        break
                    f = x.find(w("fldChar"))
                    if f is not None:
                        t = f.get(w("fldCharType"))
                        if t == "begin":
                            depth += 1
                            if depth > 1:
                                ok = False
                                break
                        elif t == "separate":
                            state = "result"
                        elif t == "end":
                            depth -= 1
                            if depth == 0:
                                break
                    else:
                        for it in x.findall(w("instrText")):
                            instr += it.text or ""
                        if state == "result" and x.find(w("t")) is not None:
                            result_runs.append(x)
                    j += 1
                if not ok or j >= len(kids):
                    i += 1
                    continue
                fs = mk("fldSimple", {"instr": instr})
                for rr in result_runs:
                    fs.append(copy.deepcopy(rr))
                if not result_runs:
                    fs.append(_fld_run(kids[i].find(w("rPr")), "text", "1"))
                for x in kids[i:j + 1]:
                    if x is kids[i]:
                        p.replace(x, fs)
                    else:
                        p.remove(x)
                kids = list(p)
                i = kids.index(fs) + 1


def v_footer_sdt(pkg, rng):
    """footer paragraphs inside a docPartObj content control (Word's
    'Page Numbers (Bottom of Page)' building block)."""
    for part in pkg.footer_parts():
        root = pkg.xml(part)
        paras = [p for p in root if p.tag == w("p")]
        if not paras:
            continue
        sdt = mk("sdt")
        pr = etree.SubElement(sdt, w("sdtPr"))
        etree.SubElement(pr, w("id")).set(w("val"), _next_id())
        dpo = etree.SubElement(pr, w("docPartObj"))
        etree.SubElement(dpo, w("docPartGallery")).set(w("val"), "Page Numbers (Bottom of Page)")
        etree.SubElement(dpo, w("docPartUnique"))
        content = etree.SubElement(sdt, w("sdtContent"))
        root.insert(root.index(paras[0]), sdt)
        for p in paras:
            content.append(p)
        root.append(mk("p"))  # Word keeps a trailing empty paragraph


def _add_part(pkg, name_tmpl, root, rel_type, ctype):
    """add an XML part related from the main part; returns (part, rId)."""
    k = 1
    while pkg.has(name_tmpl % k):
        k += 1
    part = name_tmpl % k
    pkg.set_xml(part, root)
    rels = pkg.xml(pkg.rels_name(pkg.main))
    ids = {r.get("Id") for r in rels}
    n = 200
    while "rId%d" % n in ids:
        n += 1
    rel = etree.SubElement(rels, "{%s}Relationship" % PR)
    rel.set("Id", "rId%d" % n)
    rel.set("Type", rel_type)
    rel.set("Target", os.path.relpath(part, os.path.dirname(pkg.main)).replace("\\", "/"))
    ct = pkg.xml("[Content_Types].xml")
    o = etree.SubElement(ct, "{%s}Override" % CT)
    o.set("PartName", "/" + part)
    o.set("ContentType", ctype)
    return part, "rId%d" % n


REL_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
REL_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
CT_FOOTER = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
CT_HEADER = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
RID = "{%s}id" % R


def v_multi_section(pkg, rng):
    """a continuous section break in the middle of the body: the first
    section repeats the page setup and uses copies of the footers."""
    body = pkg.body()
    final = body.find(w("sectPr"))
    paras = body.findall(w("p"))
    if final is None or len(paras) < 3:
        return
    rel_of = {r.get("Id"): p for r, p in pkg.rels(pkg.main)}
    new = copy.deepcopy(final)
    for fr in new.findall(w("footerReference")) + new.findall(w("headerReference")):
        old = rel_of.get(fr.get(RID))
        if not old or not pkg.has(old):
            continue
        is_f = fr.tag == w("footerReference")
        part, rid = _add_part(pkg, "word/sect1" + ("footer" if is_f else "header") + "%d.xml",
                              copy.deepcopy(pkg.xml(old)), REL_FOOTER if is_f else REL_HEADER,
                              CT_FOOTER if is_f else CT_HEADER)
        fr.set(RID, rid)
    ensure_child(new, "type", SECT_ORDER).set(w("val"), "continuous")
    p = paras[len(paras) // 2]
    ppr = ensure_ppr(p)
    old = ppr.find(w("sectPr"))
    if old is not None:
        ppr.remove(old)
    after = ppr.find(w("pPrChange"))
    if after is not None:
        after.addprevious(new)
    else:
        ppr.append(new)


def _sects(pkg):
    return list(pkg.body().iter(w("sectPr")))


def v_header_pageno(pkg, rng):
    """a header with a "第 N 页" PAGE field (the oracle checks footers only)."""
    hdr = etree.fromstring(
        '<w:hdr xmlns:w="%s"><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t xml:space="preserve">第 </w:t></w:r>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        '<w:r><w:t xml:space="preserve"> 页</w:t></w:r></w:p></w:hdr>' % W)
    part, rid = _add_part(pkg, "word/header%d.xml", hdr, REL_HEADER, CT_HEADER)
    for s in _sects(pkg):
        for old in s.findall(w("headerReference")):
            if old.get(w("type"), "default") == "default":
                s.remove(old)
        hr = etree.Element(w("headerReference"))
        hr.set(w("type"), "default")
        hr.set(RID, rid)
        s.insert(0, hr)


def v_first_page_footer(pkg, rng):
    """w:titlePg + an empty first-page footer (no PAGE field)."""
    ftr = etree.fromstring('<w:ftr xmlns:w="%s"><w:p><w:pPr><w:jc w:val="right"/></w:pPr></w:p></w:ftr>' % W)
    part, rid = _add_part(pkg, "word/footer%d.xml", ftr, REL_FOOTER, CT_FOOTER)
    for s in _sects(pkg):
        for old in s.findall(w("footerReference")):
            if old.get(w("type")) == "first":
                s.remove(old)
        fr = etree.Element(w("footerReference"))
        fr.set(w("type"), "first")
        fr.set(RID, rid)
        refs = s.findall(w("footerReference")) + s.findall(w("headerReference"))
        if refs:
            refs[-1].addnext(fr)
        else:
            s.insert(0, fr)
        ensure_child(s, "titlePg", SECT_ORDER)


def v_footer_table(pkg, rng):
    """footer paragraphs inside a one-cell table (template style)."""
    for part in pkg.footer_parts():
        root = pkg.xml(part)
        paras = [p for p in root if p.tag == w("p")]
        if not paras:
            continue
        tbl = etree.fromstring(
            '<w:tbl xmlns:w="%s"><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblLook w:val="04A0"/></w:tblPr>'
            '<w:tblGrid><w:gridCol w:w="8845"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="8845" w:type="dxa"/>'
            '</w:tcPr></w:tc></w:tr></w:tbl>' % W)
        tc = tbl.find(".//" + w("tc"))
        root.insert(root.index(paras[0]), tbl)
        for p in paras:
            tc.append(p)
        root.append(mk("p"))


# ---------------------------------------------------------------------------
# XML syntax / package layout
def v_xml_attr_order(pkg, rng):
    """attribute order reversed on every element of every XML part."""
    for n in pkg.names():
        if not (n.endswith(".xml") or n.endswith(".rels")):
            continue
        try:
            root = pkg.xml(n)
        except etree.XMLSyntaxError:
            continue
        for el in root.iter():
            if not isinstance(el.tag, str) or len(el.attrib) < 2:
                continue
            items = list(el.attrib.items())
            el.attrib.clear()
            for k, v in reversed(items):
                el.set(k, v)


def _touch_all(pkg):
    for n in pkg.names():
        if n.endswith(".xml") or n.endswith(".rels"):
            try:
                pkg.xml(n)
            except etree.XMLSyntaxError:
                pass


def v_xml_ns_prefix(pkg, rng):
    """w: -> ns0: in every WordprocessingML part."""
    _touch_all(pkg)
    pkg.ser["prefix"] = "ns0"


def v_xml_ns_default(pkg, rng):
    """WordprocessingML as the default namespace of elements."""
    _touch_all(pkg)
    pkg.ser["default_ns"] = True


def v_xml_space(pkg, rng):
    """xml:space="preserve" only on w:t whose text needs it."""
    for part in pkg.story_parts():
        root = pkg.xml(part)
        for t in root.iter(w("t")):
            s = t.text or ""
            if s == s.strip(" \t\r\n") and XML_SPACE in t.attrib:
                del t.attrib[XML_SPACE]


def _indent(el, level, nl):
    if el.tag in TEXT_TAGS or not isinstance(el.tag, str):
        return
    kids = list(el)
    if not kids or (el.text and el.text.strip()):
        return
    if any(k.tail and k.tail.strip() for k in kids):
        return
    el.text = nl + "  " * (level + 1)
    for k in kids:
        k.tail = nl + "  " * (level + 1)
        _indent(k, level + 1, nl)
    kids[-1].tail = nl + "  " * level


def v_xml_crlf(pkg, rng):
    """pretty-printed XML with CRLF line ends, standalone="no"."""
    _touch_all(pkg)
    for n in pkg.trees:
        _indent(pkg.trees[n], 0, "\n")
    pkg.ser["crlf"] = True
    pkg.ser["standalone"] = "no"


def v_xml_bom(pkg, rng):
    """UTF-8 byte order mark + standalone="no" on every XML part."""
    _touch_all(pkg)
    pkg.ser["bom"] = True
    pkg.ser["standalone"] = "no"


def v_xml_nodecl(pkg, rng):
    """XML parts without an XML declaration."""
    _touch_all(pkg)
    pkg.ser["decl"] = False


def v_xml_utf16(pkg, rng):
    """main document part encoded as UTF-16LE with BOM (allowed by OPC)."""
    pkg.xml(pkg.main)
    pkg.utf16 = {pkg.main}


def v_zip_stream(pkg, rng):
    """written by a streaming writer: data descriptors (flag bit 3), sizes
    only after the data."""
    pkg.zip_stream = True


def v_rels_odd_targets(pkg, rng):
    """relationship targets written as ./x.xml and ../word/x.xml."""
    base = os.path.dirname(pkg.main)
    for k, (r, p) in enumerate(pkg.rels(pkg.main)):
        if p is None:
            continue
        rel = os.path.relpath(p, base).replace("\\", "/")
        r.set("Target", ("./" + rel) if k % 2 == 0 else ("../" + base + "/" + rel if base else rel))


def v_zip_layout(pkg, rng):
    """stored (uncompressed) members, reversed order, explicit directories."""
    pkg.zip_stored = True
    pkg.zip_dirs = True
    pkg.zip_reverse = True


def v_part_rename(pkg, rng):
    """main part word/document.xml -> word/main.xml, footers renamed,
    absolute relationship targets."""
    old_main = pkg.main
    new_main = "word/main.xml"
    old_rels = pkg.rels_name(old_main)
    footers = pkg.footer_parts()
    # relationships of the main part: rename footers, absolute targets
    rels = pkg.xml(old_rels)
    for r in rels:
        if r.get("TargetMode") == "External":
            continue
        tgt = r.get("Target")
        p = tgt[1:] if tgt.startswith("/") else os.path.normpath(
            os.path.join(os.path.dirname(old_main), tgt)).replace("\\", "/")
        if p in footers:
            np_ = os.path.dirname(p) + "/pageFooter%s" % os.path.basename(p)
            if pkg.has(pkg.rels_name(p)):
                pkg.rename(pkg.rels_name(p), pkg.rels_name(np_))
            pkg.rename(p, np_)
            _ct_rename(pkg, p, np_)
            p = np_
        r.set("Target", "/" + p)
    pkg.rename(old_main, new_main)
    pkg.rename(old_rels, pkg.rels_name(new_main))
    _ct_rename(pkg, old_main, new_main)
    for r in pkg.xml("_rels/.rels"):
        if r.get("Type", "").endswith("/officeDocument"):
            r.set("Target", "/" + new_main)
    pkg.main = new_main


def _ct_rename(pkg, old, new):
    ct = pkg.xml("[Content_Types].xml")
    for o in ct.findall("{%s}Override" % CT):
        if o.get("PartName", "").lstrip("/").lower() == old.lower():
            o.set("PartName", "/" + new)


# ---------------------------------------------------------------------------
VARIANTS = {
    "split-runs": v_split_runs,
    "split-chars": v_split_chars,
    "split-t": v_split_t,
    "rename-styles": v_rename_styles,
    "char-style": v_char_style,
    "para-style": v_para_style,
    "minimize-direct": v_minimize_direct,
    "hoist-defaults": v_hoist_defaults,
    "indent-chars": v_indent_chars,
    "indent-twips": v_indent_twips,
    "indent-hanging0": v_indent_hanging0,
    "indent-start": v_indent_start,
    "jc-start": v_jc_start,
    "theme-fonts": v_theme_fonts,
    "theme-fonts-override": v_theme_fonts_override,
    "theme-fonts-hans": v_theme_fonts_hans,
    "wrap-hyperlink": v_wrap_hyperlink,
    "wrap-smarttag": v_wrap_smarttag,
    "wrap-ins": v_wrap_ins,
    "wrap-sdt": v_wrap_sdt,
    "add-del": v_add_del,
    "add-del-t": v_add_del_t,
    "noise": v_noise,
    "para-mark-rpr": v_para_mark_rpr,
    "explicit-off": v_explicit_off,
    "field-complex": v_field_complex,
    "field-split-instr": v_field_split_instr,
    "field-simple": v_field_simple,
    "footer-sdt": v_footer_sdt,
    "numbering-none": v_numbering_none,
    "body-fields": v_body_fields,
    "seal-image": v_seal_image,
    "body-table": v_body_table,
    "page-break": v_page_break,
    "footer-table": v_footer_table,
    "multi-section": v_multi_section,
    "header-pageno": v_header_pageno,
    "first-page-footer": v_first_page_footer,
    "xml-attr-order": v_xml_attr_order,
    "xml-ns-prefix": v_xml_ns_prefix,
    "xml-ns-default": v_xml_ns_default,
    "xml-space": v_xml_space,
    "xml-crlf": v_xml_crlf,
    "xml-bom": v_xml_bom,
    "xml-nodecl": v_xml_nodecl,
    "zip-layout": v_zip_layout,
    "zip-stream": v_zip_stream,
    "xml-utf16": v_xml_utf16,
    "rels-odd-targets": v_rels_odd_targets,
    "part-rename": v_part_rename,
}
# composites: a "second word processor" applies many of these at once
COMPOSITES = {
    "wps-like": "hoist-defaults+rename-styles+para-style+split-runs+indent-hanging0+indent-chars+"
                "theme-fonts+jc-start+noise+xml-attr-order+field-complex",
    "word-like": "char-style+split-t+wrap-ins+add-del+wrap-smarttag+field-split-instr+footer-sdt+"
                 "para-mark-rpr+explicit-off+indent-start+body-fields+seal-image+page-break+multi-section+"
                 "first-page-footer+xml-ns-prefix+xml-crlf",
    "hostile": "split-chars+theme-fonts-override+wrap-hyperlink+add-del-t+indent-twips+part-rename+"
               "xml-ns-default+xml-bom+zip-layout",
}
# probes: variants that deliberately leave oracle equivalence (run with --variants)
PROBES = {"numbering-probe": v_numbering_probe}
TXT_VARIANTS = ("txt-crlf", "txt-lf", "txt-bom", "txt-no-final-newline")
LO_VARIANT = "lo-roundtrip"
DOCX_VARIANTS = list(VARIANTS) + list(COMPOSITES)


def expand(variant):
    out = []
    for v in variant.split("+"):
        if v in COMPOSITES:
            out += expand(COMPOSITES[v])
        elif v in VARIANTS or v in PROBES:
            out.append(v)
        else:
            raise KeyError("unknown variant %r (see --list)" % v)
    return out


def mutate_docx(src, variant, dst, seed=0):
    pkg = Package(src)
    for v in expand(variant):
        (VARIANTS.get(v) or PROBES[v])(pkg, new_rng(src, v, seed))
    pkg.save(dst)
    return dst


def mutate_txt(src, variant, dst):
    data = open(src, "rb").read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.decode("utf-8").split("\n")
    final_nl = lines and lines[-1] == ""
    if final_nl:
        lines.pop()
    lines = [x[:-1] if x.endswith("\r") else x for x in lines]
    nl = "\r\n" if variant == "txt-crlf" else "\n"
    s = nl.join(lines)
    if variant != "txt-no-final-newline":
        s += nl
    out = s.encode("utf-8")
    if variant == "txt-bom":
        out = b"\xef\xbb\xbf" + out
    with open(dst, "wb") as f:
        f.write(out)
    return dst


LO_VARIANTS = {
    # name: list of conversion steps (target extension, LibreOffice filter)
    "lo-roundtrip": [("docx", "MS Word 2007 XML")],
    "lo-ooxml": [("docx", "Office Open XML Text")],
    "lo-via-odt": [("odt", "writer8"), ("docx", "MS Word 2007 XML")],
}


def lo_convert(srcs, outdir, variant="lo-roundtrip", timeout=1800):
    """Run srcs through the LibreOffice steps of `variant`; {src: dst or None}."""
    cur = {s: s for s in srcs}
    tmp = tempfile.mkdtemp(prefix="lo-steps-")
    try:
        steps = LO_VARIANTS[variant]
        for k, (ext, filt) in enumerate(steps):
            last = k == len(steps) - 1
            od = outdir if last else os.path.join(tmp, "step%d" % k)
            got = lo_roundtrip([v for v in cur.values() if v], od, "%s:%s" % (ext, filt), ext, timeout)
            cur = {s: (got.get(v) if v else None) for s, v in cur.items()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return cur


def lo_roundtrip(srcs, outdir, convert_to="docx:MS Word 2007 XML", ext="docx", timeout=1800):
    """Convert files through LibreOffice (docx -> docx). Returns {src: dst or None}."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RuntimeError("soffice not installed (apt-get install libreoffice-writer)")
    os.makedirs(outdir, exist_ok=True)
    prof = tempfile.mkdtemp(prefix="lo-profile-")
    res = {}
    try:
        # one soffice process per batch; inputs with equal basenames would collide
        batches = [[]]
        seen = set()
        for s in srcs:
            b = os.path.basename(s)
            if b in seen:
                batches.append([])
                seen = set()
            seen.add(b)
            batches[-1].append(s)
        for batch in batches:
            if not batch:
                continue
            try:
                subprocess.run([soffice, "-env:UserInstallation=file://" + prof, "--headless", "--norestore",
                                "--convert-to", convert_to, "--outdir", outdir] + batch,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
            for s in batch:
                d = os.path.join(outdir, os.path.splitext(os.path.basename(s))[0] + "." + ext)
                res[s] = d if os.path.exists(d) else None
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    return res


def mutate(src, variant, dst, seed=0):
    if variant in TXT_VARIANTS:
        return mutate_txt(src, variant, dst)
    if variant in LO_VARIANTS:
        tmp = tempfile.mkdtemp(prefix="lo-out-")
        try:
            got = lo_convert([src], tmp, variant)[src]
            if got is None:
                raise RuntimeError("LibreOffice conversion failed for %s" % src)
            shutil.move(got, dst)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return dst
    return mutate_docx(src, variant, dst, seed)


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", nargs="?")
    ap.add_argument("dst", nargs="?")
    ap.add_argument("--variant", "-v", action="append", default=[])
    ap.add_argument("--all", action="store_true", help="every docx variant (not lo-roundtrip) into DST dir")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args(argv)
    if a.list:
        for k, f in VARIANTS.items():
            print("%-22s %s" % (k, (f.__doc__ or "").strip().split("\n")[0]))
        for k, v in COMPOSITES.items():
            print("%-22s = %s" % (k, v))
        for k, f in PROBES.items():
            print("%-22s PROBE (not equivalent): %s" % (k, (f.__doc__ or "").strip().split("\n")[0]))
        for k, steps in LO_VARIANTS.items():
            print("%-22s LibreOffice: %s" % (k, " -> ".join("%s (%s)" % st for st in steps)))
        for k in TXT_VARIANTS:
            print("%-22s (.txt)" % k)
        return 0
    if not a.src or not a.dst:
        ap.error("SRC and DST needed")
    vs = DOCX_VARIANTS if a.all else a.variant
    if not vs:
        ap.error("--variant or --all")
    if len(vs) == 1 and not a.all and os.path.splitext(a.dst)[1].lower() in (".docx", ".txt"):
        mutate(a.src, vs[0], a.dst, a.seed)
        print(a.dst)
        return 0
    os.makedirs(a.dst, exist_ok=True)
    stem, ext = os.path.splitext(os.path.basename(a.src))
    for v in vs:
        d = os.path.join(a.dst, "%s.%s%s" % (stem, v.replace("+", "_"), ext))
        mutate(a.src, v, d, a.seed)
        print(d)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
