#!/usr/bin/python3
"""Validate a .docx or .pptx package against the ISO/IEC 29500 transitional schemas.

    /usr/bin/python3 tests/tools/validate_ooxml.py [options] FILE.docx...

For every file:

1. Package structure (ISO 29500-2, OPC): ZIP part names are valid (no duplicates
   case-insensitively, no "..", no backslashes, no leading "/"), entries are stored or
   deflated, [Content_Types].xml and _rels/.rels exist, every part has a content type
   (Default by extension or Override), no Override names a missing part, every
   relationship part belongs to an existing source part, every internal relationship
   target exists, relationship ids are unique, every r:id/r:embed/... attribute in a part
   names a relationship of that part, _rels/.rels has exactly one officeDocument
   relationship, XML parts are well-formed UTF-8/16 without a DTD.
2. WordprocessingML consistency checks that schemas cannot express: a comments part has
   the comments content type and is the target of a comments relationship from the main
   document; every w:commentReference / w:commentRangeStart / w:commentRangeEnd id in
   the main document exists in the comments part and every comment is referenced.
3. Schema validation with `xmllint --noout --nonet --schema` of every XML part that has
   a schema (chosen by content type; the root element must be the one the content type
   implies), after Markup Compatibility processing (ECMA-376 Part 3) as done by a
   consumer that understands exactly the namespaces of the ISO transitional schemas:
   elements/attributes of non-understood namespaces listed in mc:Ignorable are removed
   (mc:ProcessContent elements are unwrapped), mc:AlternateContent is replaced by the
   first mc:Choice whose Requires namespaces are all understood, else by mc:Fallback,
   else dropped, and the mc:* control attributes are removed; a non-understood
   namespace in mc:MustUnderstand is an error. Parts without a schema are listed as
   skipped.

The schemas are copied to a temporary directory; opc-coreProperties.xsd is patched to
import local stand-ins for the Dublin Core schemas (the original points at
dublincore.org, which --nonet forbids) and xml.xsd.

Options:
  --xsd DIR            schema directory (default: $OOXML_XSD, $SHUZHI_SHARED/ooxml-xsd,
                       ../shared/ooxml-xsd relative to the repository)
  --baseline IN.docx   the input the file was made from: schema errors that the same
                       part already had in IN.docx (same message, location ignored)
                       are reported as "inherited" and do not fail the file. Use this to
                       judge what a tool changed when its input is not itself valid.
  --pair FILE BASE     like --baseline, per file (repeatable; FILE... and --pair mix)
  --only PART          validate only these parts against schemas (repeatable); the
                       package checks always run
  -q                   print only failures and the summary line per file

Exit status: 0 all valid, 1 some file invalid, 2 usage or tool error.
"""
import argparse
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

from lxml import etree

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
XMLNS = "http://www.w3.org/XML/1998/namespace"
RT_OFFICE_DOC = R + "/officeDocument"
RT_COMMENTS = R + "/comments"

WML_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
PML_CT = "application/vnd.openxmlformats-officedocument.presentationml."
SML_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml."
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
# content type -> (schema key, expected root {ns}local)
CONTENT_TYPES = {
    WML_CT + "document.main+xml": ("wml", "{%s}document" % W),
    WML_CT + "template.main+xml": ("wml", "{%s}document" % W),
    WML_CT + "document.macroEnabled.main+xml": ("wml", "{%s}document" % W),
    WML_CT + "styles+xml": ("wml", "{%s}styles" % W),
    WML_CT + "settings+xml": ("wml", "{%s}settings" % W),
    WML_CT + "webSettings+xml": ("wml", "{%s}webSettings" % W),
    WML_CT + "fontTable+xml": ("wml", "{%s}fonts" % W),
    WML_CT + "numbering+xml": ("wml", "{%s}numbering" % W),
    WML_CT + "footnotes+xml": ("wml", "{%s}footnotes" % W),
    WML_CT + "endnotes+xml": ("wml", "{%s}endnotes" % W),
    WML_CT + "comments+xml": ("wml", "{%s}comments" % W),
    WML_CT + "header+xml": ("wml", "{%s}hdr" % W),
    WML_CT + "footer+xml": ("wml", "{%s}ftr" % W),
    WML_CT + "glossary+xml": ("wml", "{%s}glossaryDocument" % W),
    "application/vnd.openxmlformats-officedocument.theme+xml":
        ("dml", "{http://schemas.openxmlformats.org/drawingml/2006/main}theme"),
    "application/vnd.openxmlformats-package.core-properties+xml":
        ("core", "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}coreProperties"),
    "application/vnd.openxmlformats-officedocument.extended-properties+xml":
        ("app", "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Properties"),
    "application/vnd.openxmlformats-officedocument.custom-properties+xml":
        ("custom", "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}Properties"),
    "application/vnd.openxmlformats-officedocument.customXmlProperties+xml":
        ("customxml", "{http://schemas.openxmlformats.org/officeDocument/2006/customXml}datastoreItem"),
    "application/vnd.openxmlformats-package.relationships+xml":
        ("rels", "{%s}Relationships" % PR),
    # PresentationML (.pptx) and DrawingML charts
    PML_CT + "presentation.main+xml": ("pml", "{%s}presentation" % P),
    PML_CT + "slide+xml": ("pml", "{%s}sld" % P),
    PML_CT + "slideLayout+xml": ("pml", "{%s}sldLayout" % P),
    PML_CT + "slideMaster+xml": ("pml", "{%s}sldMaster" % P),
    PML_CT + "notesMaster+xml": ("pml", "{%s}notesMaster" % P),
    PML_CT + "notesSlide+xml": ("pml", "{%s}notes" % P),
    PML_CT + "presProps+xml": ("pml", "{%s}presentationPr" % P),
    PML_CT + "viewProps+xml": ("pml", "{%s}viewPr" % P),
    PML_CT + "tableStyles+xml": ("dml", "{http://schemas.openxmlformats.org/drawingml/2006/main}tblStyleLst"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":
        ("sml", "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}workbook"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml":
        ("sml", "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}worksheet"),
    "application/vnd.openxmlformats-officedocument.drawingml.chart+xml":
        ("chart", "{http://schemas.openxmlformats.org/drawingml/2006/chart}chartSpace"),
}
# plain application/xml parts (custom XML data) are validated when their root is known
ROOT_SCHEMAS = {
    "{http://schemas.openxmlformats.org/officeDocument/2006/bibliography}Sources": "bib",
}
SCHEMA_FILES = {  # key -> list of schema files imported by the wrapper
    "wml": ["wml.xsd", "vml-main.xsd"],
    "dml": ["dml-main.xsd"],
    "pml": ["pml.xsd"],
    "chart": ["dml-chart.xsd"],
    "sml": ["sml.xsd"],
    "core": ["opc-coreProperties.xsd"],
    "app": ["shared-documentPropertiesExtended.xsd"],
    "custom": ["shared-documentPropertiesCustom.xsd"],
    "customxml": ["shared-customXmlDataProperties.xsd"],
    "bib": ["shared-bibliography.xsd"],
    "rels": ["opc-relationships.xsd"],
    "ct": ["opc-contentTypes.xsd"],
}

# Local stand-ins for http://dublincore.org/schemas/xmls/qdc/2003/04/02/{dc,dcterms}.xsd,
# keeping the structure of the originals that matters here: dc elements of type
# SimpleLiteral (text + optional xml:lang) in substitution group dc:any, dcterms
# created/modified substituting dc:date, and the W3CDTF encoding used with xsi:type.
DC_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="http://purl.org/dc/elements/1.1/"
  targetNamespace="http://purl.org/dc/elements/1.1/" elementFormDefault="qualified">
  <xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>
  <xs:complexType name="SimpleLiteral">
    <xs:complexContent mixed="true">
      <xs:restriction base="xs:anyType">
        <xs:sequence>
          <xs:any processContents="lax" minOccurs="0" maxOccurs="0"/>
        </xs:sequence>
        <xs:attribute ref="xml:lang" use="optional"/>
      </xs:restriction>
    </xs:complexContent>
  </xs:complexType>
  <xs:element name="any" type="SimpleLiteral" abstract="true"/>
%s
</xs:schema>
""" % "\n".join('  <xs:element name="%s" substitutionGroup="any"/>' % n for n in (
    "title", "creator", "subject", "description", "publisher", "contributor", "date",
    "type", "format", "identifier", "source", "language", "relation", "coverage", "rights"))
DCTERMS_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns="http://purl.org/dc/terms/" targetNamespace="http://purl.org/dc/terms/"
  elementFormDefault="qualified">
  <xs:import namespace="http://purl.org/dc/elements/1.1/" schemaLocation="dc.xsd"/>
  <xs:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>
  <xs:element name="created" substitutionGroup="dc:date"/>
  <xs:element name="modified" substitutionGroup="dc:date"/>
  <xs:complexType name="W3CDTF">
    <xs:simpleContent>
      <xs:restriction base="dc:SimpleLiteral">
        <xs:simpleType>
          <xs:union memberTypes="xs:gYear xs:gYearMonth xs:date xs:dateTime"/>
        </xs:simpleType>
        <xs:attribute ref="xml:lang" use="prohibited"/>
      </xs:restriction>
    </xs:simpleContent>
  </xs:complexType>
</xs:schema>
"""


def die(msg):
    print("validate_ooxml: " + msg, file=sys.stderr)
    sys.exit(2)


def default_xsd_dir():
    if os.environ.get("OOXML_XSD"):
        return os.environ["OOXML_XSD"]
    if os.environ.get("SHUZHI_SHARED"):
        return os.path.join(os.environ["SHUZHI_SHARED"], "ooxml-xsd")
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "ooxml-xsd"))


class SchemaSet:
    """A patched private copy of the schema directory plus one wrapper per key."""

    def __init__(self, src, work):
        self.dir = os.path.join(work, "xsd")
        shutil.copytree(src, self.dir)
        for f in os.listdir(self.dir):
            os.chmod(os.path.join(self.dir, f), 0o644)
        core = os.path.join(self.dir, "opc-coreProperties.xsd")
        text = open(core, encoding="utf-8").read()
        text = re.sub(r'schemaLocation="https?://[^"]*/dc\.xsd"', 'schemaLocation="dc.xsd"', text)
        text = re.sub(r'schemaLocation="https?://[^"]*/dcterms\.xsd"',
                      'schemaLocation="dcterms.xsd"', text)
        text = text.replace('namespace="http://www.w3.org/XML/1998/namespace"/>',
                            'namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="xml.xsd"/>')
        open(core, "w", encoding="utf-8").write(text)
        open(os.path.join(self.dir, "dc.xsd"), "w").write(DC_XSD)
        open(os.path.join(self.dir, "dcterms.xsd"), "w").write(DCTERMS_XSD)
        # remote references left anywhere would be a bug of this script
        for f in os.listdir(self.dir):
            if re.search(r'schemaLocation="https?:', open(os.path.join(self.dir, f), encoding="utf-8").read()):
                die("remote schemaLocation left in " + f)
        self.wrappers = {}
        self.understood = {MC, XMLNS}
        for f in os.listdir(self.dir):
            if f.endswith(".xsd"):
                m = re.search(r'targetNamespace="([^"]+)"', open(os.path.join(self.dir, f), encoding="utf-8").read())
                if m:
                    self.understood.add(m.group(1))
        for key, files in SCHEMA_FILES.items():
            if len(files) == 1:
                self.wrappers[key] = os.path.join(self.dir, files[0])
                continue
            imports = []
            for f in files:
                ns = re.search(r'targetNamespace="([^"]+)"', open(os.path.join(self.dir, f), encoding="utf-8").read()).group(1)
                imports.append('  <xsd:import namespace="%s" schemaLocation="%s"/>' % (ns, f))
            path = os.path.join(self.dir, "wrapper-%s.xsd" % key)
            open(path, "w").write('<?xml version="1.0"?>\n<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n'
                                  + "\n".join(imports) + "\n</xsd:schema>\n")
            self.wrappers[key] = path


# ---------------------------------------------------------------- Markup Compatibility

class MCError(Exception):
    pass


def _prefixes_to_ns(el, value, what):
    out = set()
    for p in (value or "").split():
        ns = el.nsmap.get(p)
        if ns is None:
            raise MCError("%s names undeclared prefix %r" % (what, p))
        out.add(ns)
    return out


def _qnames(el, value):
    out = set()
    for q in (value or "").split():
        if ":" not in q:
            raise MCError("mc:ProcessContent entry %r is not a qualified name" % q)
        p, local = q.split(":", 1)
        ns = el.nsmap.get(p)
        if ns is None:
            raise MCError("mc:ProcessContent names undeclared prefix %r" % p)
        out.add((ns, local))
    return out


def _remove_keep_tail(el):
    parent = el.getparent()
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _replace_with_children(el, children):
    parent = el.getparent()
    idx = parent.index(el)
    tail = el.tail
    for i, c in enumerate(children):
        parent.insert(idx + i, c)
    el.tail = None
    _remove_keep_tail(el)
    if tail:
        # the tail goes after the last inserted child (or stays with the previous node)
        if children:
            children[-1].tail = (children[-1].tail or "") + tail
        else:
            prev = parent[idx - 1] if idx > 0 else None
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail


def mc_process(root, understood, notes):
    """In-place MCE processing of an element tree; returns the root."""

    def ctx_of(el, ign, pc):
        ign = set(ign)
        pc = set(pc)
        v = el.get("{%s}Ignorable" % MC)
        if v is not None:
            ign |= _prefixes_to_ns(el, v, "mc:Ignorable")
        v = el.get("{%s}ProcessContent" % MC)
        if v is not None:
            pc |= _qnames(el, v)
        v = el.get("{%s}MustUnderstand" % MC)
        if v is not None:
            for ns in _prefixes_to_ns(el, v, "mc:MustUnderstand"):
                if ns not in understood:
                    raise MCError("mc:MustUnderstand names non-understood namespace %s" % ns)
        ign -= understood
        return ign, pc

    def ns_of(tag):
        return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""

    def walk(el, ign, pc):
        ign, pc = ctx_of(el, ign, pc)
        for a in list(el.attrib):
            ans = ns_of(a)
            if ans == MC or (ans in ign):
                del el.attrib[a]
        i = 0
        while i < len(el):
            c = el[i]
            if not isinstance(c.tag, str):  # comments, PIs
                i += 1
                continue
            cns = ns_of(c.tag)
            if c.tag == "{%s}AlternateContent" % MC:
                chosen = None
                for alt in c:
                    if alt.tag == "{%s}Choice" % MC:
                        req = alt.get("Requires")
                        if req is None:
                            raise MCError("mc:Choice without Requires")
                        if _prefixes_to_ns(alt, req, "mc:Choice/@Requires") <= understood:
                            chosen = alt
                            break
                    elif alt.tag == "{%s}Fallback" % MC:
                        chosen = alt
                        break
                    elif isinstance(alt.tag, str):
                        raise MCError("unexpected %s in mc:AlternateContent" % alt.tag)
                notes.add("mc:AlternateContent resolved to %s" % (
                    "nothing" if chosen is None else etree.QName(chosen).localname))
                kids = [k for k in chosen] if chosen is not None else []
                # namespace context of the chosen branch: declarations stay valid because
                # lxml re-declares namespaces on serialisation
                _replace_with_children(c, kids)
                continue  # re-examine position i (now the first inserted child)
            if cns == MC:
                raise MCError("unexpected mc element %s" % c.tag)
            if cns in ign:
                if (cns, etree.QName(c).localname) in pc or (cns, "*") in pc:
                    notes.add("mc:ProcessContent unwrapped {%s}" % cns)
                    _replace_with_children(c, [k for k in c])
                else:
                    notes.add("ignorable namespace removed: %s" % cns)
                    _remove_keep_tail(c)
                continue
            walk(c, ign, pc)
            i += 1

    walk(root, set(), set())
    return root


# ---------------------------------------------------------------- package checks

def part_rels_name(part):
    d, b = posixpath.split(part)
    return posixpath.join(d, "_rels", b + ".rels")


def rels_source(relsname):
    d, b = posixpath.split(relsname)
    if posixpath.basename(d) != "_rels" or not b.endswith(".rels"):
        return None
    return posixpath.join(posixpath.dirname(d), b[:-5])


def parse_xml(data):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False, remove_blank_text=False)
    tree = etree.fromstring(data, parser)
    doc = tree.getroottree()
    if doc.docinfo.doctype:
        raise etree.XMLSyntaxError("DTD not allowed in OPC parts", None, 0, 0)
    return tree


def check_file(path, schemas, work, baseline=None, only=None, quiet=False):
    errors = []      # package/consistency errors (strings)
    lines = []       # per-part result lines
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        return {"path": path, "lines": [], "errors": ["not a ZIP package: %s" % e], "todo": {},
                "base_todo": {}, "notes": {}, "baseline": None, "base_parts": {}, "parts": {}, "quiet": quiet}
    names = [i.filename for i in z.infolist()]
    seen = {}
    for info in z.infolist():
        n = info.filename
        if n.endswith("/"):
            continue  # directory entries are tolerated
        low = n.lower()
        if low in seen:
            errors.append("duplicate part name (case-insensitive): %s / %s" % (seen[low], n))
        seen[low] = n
        if n.startswith("/") or "\\" in n or any(s in ("", ".", "..") for s in n.split("/")):
            errors.append("invalid part name %r" % n)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            errors.append("%s: compression method %d (OPC allows stored/deflated)" % (n, info.compress_type))
        if info.flag_bits & 0x1:
            errors.append("%s: encrypted ZIP entry" % n)
    parts = {}
    for n in names:
        if not n.endswith("/"):
            try:
                parts[n] = z.read(n)
            except Exception as e:  # CRC errors and the like
                errors.append("%s: cannot read: %s" % (n, e))
    base_parts = {}
    if baseline:
        bz = zipfile.ZipFile(baseline)
        base_parts = {i.filename: bz.read(i.filename) for i in bz.infolist() if not i.filename.endswith("/")}

    # content types
    ctypes = {}
    if "[Content_Types].xml" not in parts:
        errors.append("[Content_Types].xml missing")
    else:
        try:
            t = parse_xml(parts["[Content_Types].xml"])
            defaults = {}
            overrides = {}
            for e in t:
                if e.tag == "{%s}Default" % CT:
                    ext = (e.get("Extension") or "").lower()
                    if ext in defaults:
                        errors.append("[Content_Types].xml: duplicate Default for %r" % ext)
                    defaults[ext] = e.get("ContentType")
                elif e.tag == "{%s}Override" % CT:
                    pn = e.get("PartName") or ""
                    if not pn.startswith("/"):
                        errors.append("[Content_Types].xml: Override PartName %r not absolute" % pn)
                    key = pn.lstrip("/").lower()
                    if key in overrides:
                        errors.append("[Content_Types].xml: duplicate Override for %r" % pn)
                    overrides[key] = e.get("ContentType")
                    if key not in seen:
                        errors.append("[Content_Types].xml: Override for missing part %s" % pn)
            for n in parts:
                if n == "[Content_Types].xml":
                    continue
                ct = overrides.get(n.lower())
                if ct is None:
                    base = posixpath.basename(n)
                    ext = base.rsplit(".", 1)[1].lower() if "." in base else ""
                    ct = defaults.get(ext)
                if ct is None:
                    errors.append("%s: no content type (no Override, no Default for its extension)" % n)
                ctypes[n] = ct
        except etree.XMLSyntaxError as e:
            errors.append("[Content_Types].xml: not well-formed: %s" % e)

    # relationships
    rels = {}  # source part ('' = package) -> {Id: (Type, target part or None, external)}
    for n in parts:
        if not n.endswith(".rels"):
            continue
        src = rels_source(n)
        if src is None:
            errors.append("%s: relationship part outside a _rels folder" % n)
            continue
        if src and src not in parts:
            errors.append("%s: relationship part of missing source part %s" % (n, src))
        try:
            t = parse_xml(parts[n])
        except etree.XMLSyntaxError as e:
            errors.append("%s: not well-formed: %s" % (n, e))
            continue
        table = {}
        for r in t:
            if r.tag != "{%s}Relationship" % PR:
                continue
            rid, typ, tgt, mode = r.get("Id"), r.get("Type"), r.get("Target"), r.get("TargetMode")
            if rid in table:
                errors.append("%s: duplicate relationship Id %s" % (n, rid))
            if mode == "External":
                table[rid] = (typ, None, True)
                continue
            if tgt is None:
                continue  # the schema reports it
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", tgt):
                errors.append("%s: %s internal target is an absolute URI %r" % (n, rid, tgt))
                continue
            tpath = tgt.split("#", 1)[0]
            if tpath.startswith("/"):
                full = posixpath.normpath(tpath.lstrip("/"))
            else:
                full = posixpath.normpath(posixpath.join(posixpath.dirname(src), tpath))
            if full not in parts and full.lower() in seen:
                full = seen[full.lower()]
            if full not in parts:
                errors.append("%s: %s (%s) targets missing part %s" % (n, rid, (typ or "").rsplit("/", 1)[-1], full))
            table[rid] = (typ, full, False)
        rels[src] = table
    if "_rels/.rels" not in parts:
        errors.append("_rels/.rels missing")
    main = None
    offdoc = [v for v in rels.get("", {}).values() if v[0] == RT_OFFICE_DOC]
    if len(offdoc) != 1:
        errors.append("_rels/.rels: %d officeDocument relationships (need exactly 1)" % len(offdoc))
    elif offdoc[0][1] in parts:
        main = offdoc[0][1]
        if ctypes.get(main) and not ctypes[main].startswith((WML_CT, PML_CT, SML_CT)):
            errors.append("main part %s has content type %s" % (main, ctypes[main]))

    # XML parts: well-formedness, r:* references, MC processing, schema selection
    todo = {}  # schema key -> list of (part, tmpfile)
    trees = {}
    notes = {}
    for idx, (n, data) in enumerate(parts.items()):
        ct = ctypes.get(n)
        is_xml = n == "[Content_Types].xml" or (ct and (ct.endswith("+xml") or ct in ("application/xml", "text/xml")))
        if not is_xml:
            lines.append("  skip %s (%s, not XML)" % (n, ct))
            continue
        try:
            root = parse_xml(data)
        except etree.XMLSyntaxError as e:
            errors.append("%s: not well-formed XML: %s" % (n, e))
            continue
        trees[n] = root
        # r:id-style references must name a relationship of this part
        table = rels.get(n, {})
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for a, v in el.attrib.items():
                if a.startswith("{%s}" % R) and v and v not in table:
                    errors.append("%s: %s/@r:%s=%r names no relationship in %s" % (
                        n, etree.QName(el).localname, a.split("}")[1], v, part_rels_name(n)))
        if n == "[Content_Types].xml":
            key, want = "ct", "{%s}Types" % CT
        elif ct in CONTENT_TYPES:
            key, want = CONTENT_TYPES[ct]
        elif root.tag in ROOT_SCHEMAS:
            key, want = ROOT_SCHEMAS[root.tag], root.tag
        else:
            lines.append("  skip %s (%s: no schema in the ISO transitional set)" % (n, ct))
            continue
        if root.tag != want:
            errors.append("%s: root element %s does not match content type %s (want %s)" % (n, root.tag, ct, want))
            continue
        if only and n not in only:
            lines.append("  skip %s (not selected)" % n)
            continue
        nn = set()
        try:
            root = mc_process(etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True)),
                              schemas.understood, nn)
        except MCError as e:
            errors.append("%s: markup compatibility: %s" % (n, e))
            continue
        notes[n] = nn
        tmp = os.path.join(work, "p%03d_%s" % (idx, re.sub(r"[^A-Za-z0-9_.-]", "_", n)))
        etree.ElementTree(root).write(tmp, encoding="UTF-8", xml_declaration=True, pretty_print=True)
        todo.setdefault(key, []).append((n, tmp))

    # WordprocessingML comments consistency
    if main in trees:
        errors.extend(check_comments(main, trees, rels, ctypes))
    # baseline versions of the parts to validate, when they differ from the file's part
    base_todo = {}
    if baseline:
        for key, items in todo.items():
            for n, tmp in items:
                if n in base_parts and base_parts[n] != parts[n]:
                    try:
                        broot = mc_process(parse_xml(base_parts[n]), schemas.understood, set())
                    except (MCError, etree.XMLSyntaxError):
                        continue
                    btmp = tmp + ".baseline.xml"
                    etree.ElementTree(broot).write(btmp, encoding="UTF-8", xml_declaration=True, pretty_print=True)
                    base_todo.setdefault(key, []).append((n, btmp))
    return {"path": path, "lines": lines, "errors": errors, "todo": todo, "base_todo": base_todo,
            "notes": notes, "baseline": baseline, "base_parts": base_parts, "parts": parts, "quiet": quiet}


def report(job, results):
    """Print the result of one file given {tmpfile: (ok, [(line, msg)])}; returns validity."""
    lines, errors, notes = job["lines"], job["errors"], job["notes"]
    base_errs = {}
    for key, items in job["base_todo"].items():
        for n, btmp in items:
            base_errs[n] = {norm(describe(btmp, e)) for e in results[btmp][1]}
    schema_fail = {}
    for key, items in job["todo"].items():
        for n, tmp in items:
            ok, errs = results[tmp]
            errs = [describe(tmp, e) for e in errs]
            if not ok and not errs:
                errs = ["xmllint reported failure without a message"]
            inherited = []
            if errs and job["baseline"] and n in job["base_parts"]:
                if job["base_parts"][n] == job["parts"][n]:
                    inherited, errs = errs, []  # byte-identical to the baseline part
                elif n in base_errs:
                    inherited = [e for e in errs if norm(e) in base_errs[n]]
                    errs = [e for e in errs if norm(e) not in base_errs[n]]
            note = ("; " + ", ".join(sorted(notes[n]))) if notes.get(n) else ""
            if errs:
                schema_fail[n] = errs
                lines.append("  FAIL %s (%s)%s" % (n, key, note))
                for e in errs[:20]:
                    lines.append("       " + e)
                if len(errs) > 20:
                    lines.append("       ... %d more" % (len(errs) - 20))
            elif inherited:
                lines.append("  ok   %s (%s): %d schema error(s) inherited from the baseline input%s"
                             % (n, key, len(inherited), note))
                for e in inherited[:5]:
                    lines.append("       inherited: " + e)
            else:
                lines.append("  ok   %s (%s)%s" % (n, key, note))
    good = not errors and not schema_fail
    print("%s: %s" % (job["path"], "valid" if good else "INVALID"))
    for l in lines:
        if job["quiet"] and not (l.startswith("  FAIL") or (l.startswith("       ") and "inherited:" not in l)):
            continue
        print(l)
    for e in errors:
        print("  FAIL package: " + e)
    return good


def check_comments(main, trees, rels, ctypes):
    errors = []
    comment_parts = [n for n, ct in ctypes.items() if ct == WML_CT + "comments+xml"]
    named = [n for n in trees if re.search(r"(^|/)comments\d*\.xml$", n) and n not in comment_parts]
    for n in named:
        if trees[n].tag == "{%s}comments" % W:
            errors.append("%s: w:comments part without the comments content type (%s)" % (n, ctypes.get(n)))
    main_rels = rels.get(main, {})
    targets = [v[1] for v in main_rels.values() if v[0] == RT_COMMENTS]
    for n in comment_parts:
        if n not in targets:
            errors.append("%s: comments part is not the target of a comments relationship from %s" % (n, main))
    if len(targets) > 1:
        errors.append("%s: %d comments relationships (at most 1)" % (main, len(targets)))
    for t in targets:
        if t in ctypes and ctypes[t] != WML_CT + "comments+xml":
            errors.append("%s: comments relationship target has content type %s" % (t, ctypes[t]))
    defined = set()
    for t in targets:
        if t in trees:
            for c in trees[t].iter("{%s}comment" % W):
                cid = c.get("{%s}id" % W)
                if cid is None:
                    errors.append("%s: w:comment without w:id%s" % (
                        t, " (has an unqualified id=%r)" % c.get("id") if c.get("id") is not None else ""))
                    continue
                if cid in defined:
                    errors.append("%s: duplicate w:comment id %s" % (t, cid))
                defined.add(cid)
    used = {}
    for tag in ("commentReference", "commentRangeStart", "commentRangeEnd"):
        for e in trees[main].iter("{%s}%s" % (W, tag)):
            if e.get("{%s}id" % W) is None:
                errors.append("%s: w:%s without w:id%s" % (
                    main, tag, " (has an unqualified id=%r)" % e.get("id") if e.get("id") is not None else ""))
                continue
            cid = e.get("{%s}id" % W)
            if tag in used.get(cid, set()):
                errors.append("%s: w:%s w:id=%s occurs more than once" % (main, tag, cid))
            used.setdefault(cid, set()).add(tag)
    for cid, tags in sorted(used.items(), key=lambda x: str(x[0])):
        if cid not in defined:
            errors.append("%s: w:%s w:id=%s has no w:comment" % (main, "/".join(sorted(tags)), cid))
        if "commentReference" not in tags:
            errors.append("%s: comment id %s has a range but no w:commentReference" % (main, cid))
        if ("commentRangeStart" in tags) != ("commentRangeEnd" in tags):
            errors.append("%s: comment id %s has an unbalanced comment range" % (main, cid))
    for cid in sorted(defined - set(used), key=str):
        errors.append("w:comment id %s is never referenced from %s" % (cid, main))
    return errors


def run_xmllint(schema, files):
    out = {f: [True, []] for f in files}
    p = subprocess.run(["xmllint", "--noout", "--nonet", "--schema", schema] + files,
                       capture_output=True, text=True)
    for line in p.stderr.splitlines():
        m = re.match(r"^(.*?):(\d+): .*?Schemas validity error : (.*)$", line)
        if m and m.group(1) in out:
            out[m.group(1)][1].append((int(m.group(2)), m.group(3)))
            out[m.group(1)][0] = False
            continue
        m = re.match(r"^(.*) fails to validate$", line)
        if m and m.group(1) in out:
            out[m.group(1)][0] = False
            continue
        m = re.match(r"^(.*) validates$", line)
        if m and m.group(1) in out:
            continue
        if re.search(r"(failed to compile|WXS schema .* failed|Schemas parser error)", line):
            die("schema %s does not compile: %s" % (schema, line))
        if line.strip():
            # unexpected diagnostics (e.g. parser errors) fail the file they name
            for f in out:
                if line.startswith(f + ":"):
                    out[f][0] = False
                    out[f][1].append((0, line[len(f) + 1:].strip()))
                    break
    if p.returncode not in (0, 3):
        bad = [f for f in files if out[f][0]]
        if p.returncode != 0 and bad and not any(not v[0] for v in out.values()):
            die("xmllint exit %d: %s" % (p.returncode, p.stderr[-2000:]))
    return {f: (v[0], v[1]) for f, v in out.items()}


_path_cache = {}


def describe(tmp, err):
    """'line: message' -> 'XPath-ish location: message' using the pretty-printed temp file."""
    line, msg = err
    if tmp not in _path_cache:
        root = etree.parse(tmp).getroot()
        m = {}
        for el in root.iter():
            if isinstance(el.tag, str) and el.sourceline not in m:
                m[el.sourceline] = el
        _path_cache[tmp] = (root.getroottree(), m)
    tree, m = _path_cache[tmp]
    el = m.get(line)
    msg = msg.replace("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}", "w:")
    msg = msg.replace("{http://schemas.openxmlformats.org/drawingml/2006/main}", "a:")
    if el is None:
        return "line %d: %s" % (line, msg)
    return "%s: %s" % (short_path(tree, el), msg)


PREFIXES = {W: "w", R: "r", "http://schemas.openxmlformats.org/drawingml/2006/main": "a"}


def short_path(tree, el):
    parts = []
    while el is not None:
        q = etree.QName(el)
        pfx = PREFIXES.get(q.namespace) or el.prefix or ""
        name = (pfx + ":" if pfx else "") + q.localname
        parent = el.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == el.tag]
            if len(same) > 1:
                name += "[%d]" % (same.index(el) + 1)
        parts.append(name)
        el = parent
    return "/" + "/".join(reversed(parts))


def norm(e):
    """An error without its location ("line N: " or "/w:a/w:b[2]: "): element paths
    shift when a tool inserts paragraphs, the message names element and attribute."""
    return e.split(": ", 1)[1] if ": " in e else e


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--xsd", default=default_xsd_dir())
    ap.add_argument("--baseline")
    ap.add_argument("--pair", nargs=2, action="append", metavar=("FILE", "BASELINE"),
                    help="validate FILE with BASELINE as its baseline (repeatable)")
    ap.add_argument("--only", action="append")
    ap.add_argument("-q", action="store_true")
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.xsd, "wml.xsd")):
        print("validate_ooxml: no wml.xsd in %s (use --xsd)" % a.xsd, file=sys.stderr)
        return 2
    if shutil.which("xmllint") is None:
        print("validate_ooxml: xmllint not found", file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="validate-ooxml.")
    try:
        schemas = SchemaSet(a.xsd, work)
        pairs = [(f, a.baseline) for f in a.files] + [tuple(p) for p in (a.pair or [])]
        if not pairs:
            ap.error("no file to validate")
        jobs = []
        for f, base in pairs:
            fw = tempfile.mkdtemp(dir=work)
            jobs.append(check_file(f, schemas, fw, base, set(a.only) if a.only else None, a.q))
        # one xmllint run per schema over all files (compiling wml.xsd dominates the cost)
        results = {}
        for key in SCHEMA_FILES:
            files = [t for j in jobs for tk in ("todo", "base_todo") for _, t in j[tk].get(key, [])]
            for i in range(0, len(files), 200):
                results.update(run_xmllint(schemas.wrappers[key], files[i:i + 200]))
        allgood = True
        for j in jobs:
            if not report(j, results):
                allgood = False
        return 0 if allgood else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
