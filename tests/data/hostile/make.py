#!/usr/bin/env python3
"""Generate hostile (and a few valid) ZIP/OOXML and XML fixtures.

Usage: make.py OUTDIR [NAME...]   write all fixtures, or only the named ones
       make.py --list              print the fixture names, one per line
       make.py --seeds DIR         write the fuzz seed corpora DIR/zip, DIR/xml

Only the Python standard library is used, so no binary has to be committed:
tests/unit/test_zip_xml.c and the fuzz seed corpora call this script.
The ZIP files are built by hand (struct) rather than with zipfile, because
the hostile ones need headers that zipfile refuses to write: lying sizes,
the encryption bit without encryption, duplicate names, unsupported
methods. Every fixture is deterministic (fixed DOS time, fixed content).

The file over the 50 MB limit is not made here: the unit test creates it
sparse with ftruncate() so it costs no disk space.
"""
import os
import struct
import sys
import zlib

DOS_TIME = 0
DOS_DATE = (0 << 9) | (1 << 5) | 2  # 1980-01-02, as doc_zip_writer uses
FLAG_ENCRYPTED = 1 << 0
FLAG_DESCRIPTOR = 1 << 3
FLAG_UTF8 = 1 << 11
METHOD_STORE = 0
METHOD_DEFLATE = 8
METHOD_BZIP2 = 12
MB = 1 << 20

# --- minimal .docx (OPC package) ------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    "</Types>"
)

ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)

DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:document xmlns:w="{W_NS}"><w:body>'
    '<w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
    "<w:r><w:t>示政发〔2025〕6号</w:t></w:r></w:p>"
    '<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>'
    "<w:r><w:rPr><w:b/></w:rPr><w:t>关于印发《示范管理办法》的通知</w:t></w:r></w:p>"
    '<w:p><w:r><w:t xml:space="preserve">各有关单位：</w:t></w:r></w:p>'
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
    "</w:body></w:document>"
)

STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:styles xmlns:w="{W_NS}">'
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/>'
    '<w:sz w:val="32"/></w:rPr></w:rPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
    '<w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/>'
    '<w:basedOn w:val="Normal"/><w:rPr><w:sz w:val="44"/></w:rPr></w:style>'
    "</w:styles>"
)

# --- hostile XML -----------------------------------------------------------

XXE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&xxe;</w:t>'
    "</w:r></w:p></w:body></w:document>"
)

DTD_EXTERNAL = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE root SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
    "<root>&ent;</root>"
)


def billion_laughs_body():
    lines = ['<!DOCTYPE lolz [', ' <!ENTITY lol0 "lol">']
    for i in range(1, 10):
        refs = "".join(f"&lol{i - 1};" for _ in range(10))
        lines.append(f' <!ENTITY lol{i} "{refs}">')
    lines.append("]>")
    lines.append("<lolz>&lol9;</lolz>")
    return "\n".join(lines) + "\n"


BILLION_LAUGHS = '<?xml version="1.0" encoding="UTF-8"?>\n' + billion_laughs_body()


def utf7_billion_laughs():
    """The DOCTYPE written in UTF-7, so a raw byte scan for "<!DOCTYPE"
    does not see it; libxml2 decodes it via iconv after the declaration."""
    body = billion_laughs_body()
    enc = {"<": "+ADw-", ">": "+AD4-", "!": "+ACE-", "&": "+ACY-", '"': "+ACI-"}
    text = "".join(enc.get(c, c) for c in body)
    assert text.encode("ascii").decode("utf-7") == body
    return ('<?xml version="1.0" encoding="UTF-7"?>\n' + text).encode("ascii")


def utf16le_nobom(text):
    """UTF-16LE without a byte order mark: libxml2 detects it from "<\\0?\\0"."""
    return text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le")


def utf16_bom(text):
    return b"\xff\xfe" + utf16le_nobom(text)


INVALID_UTF8_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    + f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode()
    + b"\xe5\x85 \xc0\xaf \xed\xa0\x80 \xff"  # truncated, overlong, surrogate, 0xFF
    + b"</w:t></w:r></w:p></w:body></w:document>"
)

NOT_WELLFORMED_XML = f'<w:document xmlns:w="{W_NS}"><w:body><w:p></w:body>'.encode()

# --- ZIP writer -------------------------------------------------------------


class Entry:
    """One ZIP entry. data is the payload as stored (compressed already);
    crc/usize default to those of content, so a test can make them lie."""

    def __init__(self, name, content=b"", method=METHOD_DEFLATE, flags=None, level=6,
                 usize=None, crc=None, payload=None):
        if isinstance(name, str):
            name = name.encode("utf-8")
        if isinstance(content, str):
            content = content.encode("utf-8")
        self.name = name
        self.method = method
        self.flags = FLAG_UTF8 if flags is None else flags
        if payload is not None:
            self.data = payload
        elif method == METHOD_DEFLATE:
            c = zlib.compressobj(level, zlib.DEFLATED, -15)
            self.data = c.compress(content) + c.flush()
        else:
            self.data = content
        self.crc = zlib.crc32(content) if crc is None else crc
        self.usize = len(content) if usize is None else usize


def zip_bytes(entries, comment=b"", descriptor=False):
    """descriptor: write sizes and CRC after the data (general purpose bit 3)
    with zeros in the local header, as streaming writers do."""
    out = bytearray()
    central = bytearray()
    for e in entries:
        offset = len(out)
        if descriptor:
            e.flags |= FLAG_DESCRIPTOR
            out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.flags, e.method, DOS_TIME,
                               DOS_DATE, 0, 0, 0, len(e.name), 0)
            out += e.name + e.data
            out += struct.pack("<IIII", 0x08074B50, e.crc, len(e.data), e.usize)
        else:
            out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.flags, e.method, DOS_TIME,
                               DOS_DATE, e.crc, len(e.data), e.usize, len(e.name), 0)
            out += e.name + e.data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, e.flags, e.method,
                               DOS_TIME, DOS_DATE, e.crc, len(e.data), e.usize, len(e.name),
                               0, 0, 0, 0, 0, offset)
        central += e.name
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central),
                       len(out), len(comment))
    return bytes(out + central + eocd + comment)


def zipfile_zip64():
    """The same package written by Python's zipfile with ZIP64 extra fields,
    so the seeds also cover a second writer and the ZIP64 code paths."""
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in DOCX_PARTS:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 2, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w", force_zip64=True) as f:
                f.write(text.encode("utf-8"))
    return buf.getvalue()


DOCX_PARTS = [
    ("[Content_Types].xml", CONTENT_TYPES),
    ("_rels/.rels", ROOT_RELS),
    ("word/_rels/document.xml.rels", DOC_RELS),
    ("word/document.xml", DOCUMENT),
    ("word/styles.xml", STYLES),
]


def docx_entries(document=DOCUMENT, method=METHOD_DEFLATE):
    return [Entry(name, document if name == "word/document.xml" else text, method=method)
            for name, text in DOCX_PARTS]


def docx(document=DOCUMENT, extra=()):
    return zip_bytes(docx_entries(document) + list(extra))


def zeros_entry(name, size, usize=None, crc=None):
    """size bytes of zeros, deflated in ~50 ms for 200 MB: after a full flush
    the compressor starts afresh, so every 1 MB of zeros becomes the same
    ~1 KB block (ratio ~1000:1, as zlib -9 would give) and is repeated."""
    chunk = bytes(MB)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    whole, rest = divmod(size, MB)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = block * whole + c.compress(chunk[:rest]) + c.flush()
    real_crc = 0
    for _ in range(whole):
        real_crc = zlib.crc32(chunk, real_crc)
    real_crc = zlib.crc32(chunk[:rest], real_crc)
    return Entry(name, payload=payload, usize=size if usize is None else usize,
                 crc=real_crc if crc is None else crc)


def lying_bomb():
    """Declares 4 KiB (under every limit and under the 1 MB ratio threshold),
    but its deflate stream inflates to 64 MB. CRC is that of the declared
    4 KiB of zeros, so only a reader that stops at the declared size and
    notices the extra output can tell."""
    declared = 4096
    e = zeros_entry("word/document.xml", 64 * MB, usize=declared,
                    crc=zlib.crc32(bytes(declared)))
    return zip_bytes(docx_entries()[:3] + [e])


def small_ratio_bomb():
    """2 MB of zeros in ~2 KB: over the 1 MB ratio threshold, under 32 MB."""
    return zip_bytes([zeros_entry("word/document.xml", 2 * MB)])


def encrypted():
    ents = docx_entries()
    ents[3].flags |= FLAG_ENCRYPTED
    return zip_bytes(ents)


def bad_crc():
    ents = docx_entries()
    ents[3].crc ^= 0x5A5A5A5A
    return zip_bytes(ents)


def bzip2_method():
    import bz2
    ents = docx_entries()
    doc = DOCUMENT.encode()
    ents[3] = Entry("word/document.xml", payload=bz2.compress(doc), method=METHOD_BZIP2,
                    usize=len(doc), crc=zlib.crc32(doc))
    return zip_bytes(ents)


def many_entries(n):
    return zip_bytes([Entry(f"word/media/p{i}.xml", "<a/>", method=METHOD_STORE)
                      for i in range(n)])


def truncated():
    data = docx()
    return data[: len(data) // 2]


def missing_eocd():
    data = docx()
    return data[:-10]


FIXTURES = {
    # valid
    "valid.docx": docx,
    "valid_stored.docx": lambda: zip_bytes(docx_entries(method=METHOD_STORE)),
    "valid_descriptor.docx": lambda: zip_bytes(docx_entries(), descriptor=True),
    "valid_comment.docx": lambda: zip_bytes(docx_entries(), comment="公文 PK\x05\x06".encode()),
    "valid_zip64.docx": zipfile_zip64,
    "document.xml": lambda: DOCUMENT.encode(),
    "styles.xml": lambda: STYLES.encode(),
    "content_types.xml": lambda: CONTENT_TYPES.encode(),
    "rels.xml": lambda: ROOT_RELS.encode(),
    # zip bombs
    "bomb_200mb.zip": lambda: zip_bytes([zeros_entry("word/document.xml", 200 * MB)]),
    "bomb_ratio_30mb.zip": lambda: zip_bytes([zeros_entry("word/document.xml", 30 * MB)]),
    "bomb_ratio_2mb.zip": small_ratio_bomb,
    "bomb_lying.zip": lying_bomb,
    # hostile names
    "traversal.zip": lambda: docx(extra=[Entry("../evil.xml", "<a/>")]),
    "traversal_nested.zip": lambda: docx(extra=[Entry("word/../../evil.xml", "<a/>")]),
    "traversal_backslash.zip": lambda: docx(extra=[Entry("..\\evil.xml", "<a/>")]),
    "absolute.zip": lambda: docx(extra=[Entry("/etc/passwd", "root")]),
    # the error message quotes the name cut at 80 bytes: mid-character here
    "traversal_long_utf8.zip": lambda: docx(extra=[Entry("../" + "a" * 76 + "公文.xml", "<a/>")]),
    "control_char.zip": lambda: docx(extra=[Entry("word/a\x01b.xml", "<a/>")]),
    "dup_exact.zip": lambda: docx(extra=[Entry("word/document.xml", "<a/>")]),
    "dup_case.zip": lambda: docx(extra=[Entry("Word/Document.XML", "<a/>")]),
    "badutf8_name.zip": lambda: docx(extra=[Entry(b"word/\xff\xfe\xc0\xaf.xml", "<a/>")]),
    "badutf8_name_cp437.zip": lambda: docx(
        extra=[Entry(b"word/\xff\xfe\xc0\xaf.xml", "<a/>", flags=0)]),
    # other refusals
    "encrypted.zip": encrypted,
    "bzip2.zip": bzip2_method,
    "bad_crc.zip": bad_crc,
    "many_entries.zip": lambda: many_entries(40),
    # broken containers
    "truncated.zip": truncated,
    "missing_eocd.zip": missing_eocd,
    "notzip.zip": lambda: b"This is a plain text file, not a ZIP archive.\n" * 4,
    "pk_junk.zip": lambda: b"PK\x03\x04" + bytes(range(256)) * 2,
    "empty.zip": lambda: b"",
    # hostile parts inside an otherwise valid package
    "dtd_xxe.docx": lambda: docx(document=XXE),
    "dtd_billion_laughs.docx": lambda: docx(document=BILLION_LAUGHS),
    "badutf8_xml.docx": lambda: docx(document=INVALID_UTF8_XML),
    # raw XML
    "xml_xxe.xml": lambda: XXE.encode(),
    "xml_dtd_external.xml": lambda: DTD_EXTERNAL.encode(),
    "xml_billion_laughs.xml": lambda: BILLION_LAUGHS.encode(),
    "xml_utf7_billion_laughs.xml": utf7_billion_laughs,
    "xml_utf16le_nobom_xxe.xml": lambda: utf16le_nobom(XXE),
    "xml_utf16le_nobom_valid.xml": lambda: utf16le_nobom(DOCUMENT),
    "xml_utf16_bom.xml": lambda: utf16_bom(DOCUMENT),
    "xml_invalid_utf8.xml": lambda: INVALID_UTF8_XML,
    # libxml2 2.9 serializes this namespace URI unescaped: xmlns="x<y"
    "xml_namespace_lt.xml": lambda: f'<w:document xmlns:w="{W_NS}&lt;"/>'.encode(),
    "xml_not_wellformed.xml": lambda: NOT_WELLFORMED_XML,
    "xml_empty.xml": lambda: b"",
}


# Too large for the fuzzers' -max_len; the unit tests still use it.
NOT_A_SEED = {"bomb_200mb.zip"}


def write_seeds(root):
    """fuzz/seeds/zip gets every package, fuzz/seeds/xml every XML file
    plus the parts of the valid package."""
    written = set()
    for sub in ("zip", "xml"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    for name, make in FIXTURES.items():
        if name in NOT_A_SEED:
            continue
        sub = "xml" if name.endswith(".xml") else "zip"
        data = make()
        written.add(data)
        with open(os.path.join(root, sub, name), "wb") as f:
            f.write(data)
    for name, text in DOCX_PARTS:
        data = text.encode("utf-8")
        if data in written:
            continue
        flat = "part_" + name.replace("/", "_").replace("[", "").replace("]", "")
        with open(os.path.join(root, "xml", flat), "wb") as f:
            f.write(data)


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(FIXTURES))
        return 0
    if len(argv) == 3 and argv[1] == "--seeds":
        write_seeds(argv[2])
        return 0
    if len(argv) < 2 or argv[1].startswith("-"):
        sys.stderr.write(__doc__)
        return 2
    outdir = argv[1]
    names = argv[2:] or list(FIXTURES)
    unknown = [n for n in names if n not in FIXTURES]
    if unknown:
        sys.stderr.write(f"make.py: unknown fixture(s): {' '.join(unknown)}\n")
        return 2
    os.makedirs(outdir, exist_ok=True)
    for name in names:
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(FIXTURES[name]())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
