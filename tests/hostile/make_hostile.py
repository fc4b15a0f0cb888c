#!/usr/bin/python3
"""Builds hostile inputs for iqts-scan into a folder.

Usage: make_hostile.py OUTPUT_FOLDER            (the small inputs, as one export)
       make_hostile.py --long-line FILE MIB     (one CSV line of MIB MiB)

Each input is made at test time from a genuine file (python-docx,
openpyxl, reportlab, qpdf, zipfile, tarfile) and then damaged on purpose.
"""

import io
import os
import struct
import subprocess
import sys
import tarfile
import zipfile

import docx
import openpyxl
from reportlab.pdfgen import canvas


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    """Returns a zip holding (name, bytes) entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def replace_all(data, old, new):
    """Replaces `old` with `new` (same length) in every header of a zip."""
    assert len(old) == len(new) and data.count(old) >= 2
    return data.replace(old, new)


def set_zip_flag(data, bit, on):
    """Sets or clears a general purpose flag bit in every local and central header."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.find(signature)
        while position >= 0:
            (flags,) = struct.unpack_from("<H", data, position + offset)
            flags = flags | (1 << bit) if on else flags & ~(1 << bit)
            struct.pack_into("<H", data, position + offset, flags)
            position = data.find(signature, position + 4)
    return bytes(data)


def docx_bytes(text):
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = "Trainee"
    sheet["A2"] = "Placement"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_package(package, replacements, drop=()):
    """Returns the OOXML package with parts replaced or dropped."""
    source = zipfile.ZipFile(io.BytesIO(package))
    entries = []
    for info in source.infolist():
        if info.filename in drop:
            continue
        entries.append((info.filename, replacements.get(info.filename, source.read(info.filename))))
    return zip_bytes(entries)


def pdf_bytes(text):
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


WORD_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def word_body(prolog, text):
    return (prolog + '<w:document ' + WORD_NS + '><w:body><w:p><w:r><w:t>' + text +
            '</w:t></w:r></w:p></w:body></w:document>').encode()


def looping_pdf():
    """A PDF whose page tree node lists itself as its own kid."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def nested_zip(depth):
    data = zip_bytes([("innermost.txt", b"the bottom of the nesting\n")])
    for level in range(depth, 0, -1):
        data = zip_bytes([("level%d.zip" % level, data)])
    return data


def write(folder, name, data):
    path = os.path.join(folder, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)


def build(folder):
    os.makedirs(folder, exist_ok=True)

    # Archives
    write(folder, "bomb.zip", zip_bytes([("zeros.txt", b"\0" * (64 << 20))]))
    write(folder, "nested.zip", nested_zip(8))
    write(folder, "zip-of-bombs.zip", zip_bytes([("inner%d.zip" % i, zip_bytes([("zeros.txt", b"0" * (8 << 20))]))
                                                 for i in range(3)], zipfile.ZIP_STORED))
    write(folder, "traversal.zip", zip_bytes([
        ("../../x.txt", b"parent escape\n"),
        ("/etc/x.txt", b"absolute path\n"),
        ("C:\\x.txt", b"drive letter\n"),
        ("a/../../../z.txt", b"parent escape inside the name\n"),
    ]))
    write(folder, "nul-name.zip", replace_all(zip_bytes([("nulXname.txt", b"name with a NUL byte\n")]),
                                              b"nulXname", b"nul\0name"))
    write(folder, "duplicates.zip", duplicate_zip())
    valid = zip_bytes([("a.txt", b"alpha\n" * 200), ("b.txt", b"beta\n" * 200)])
    second = valid.find(b"PK\x03\x04", 4)
    write(folder, "truncated.zip", valid[: second + 40])  # ends inside the data of b.txt
    central = valid.find(b"PK\x01\x02")
    write(folder, "corrupt-directory.zip", valid[:central] + b"\xff" * (len(valid) - central - 22) + valid[-22:])
    write(folder, "encrypted.zip", set_zip_flag(zip_bytes([("secret.txt", b"locked text\n")]), 0, True))
    write(folder, "names.zip", odd_names_zip())
    write(folder, "bad-utf8-flagged.zip", set_zip_flag(
        replace_all(zip_bytes([("flagged-CC.txt", b"invalid utf-8\n")]), b"flagged-CC", b"flagged-\xc3\x28"), 11, True))
    write(folder, "links.zip", symlink_zip())
    write(folder, "links.tar", links_tar())

    # Office
    write(folder, "dtd.docx", rewrite_package(docx_bytes("dtd"), {
        "word/document.xml": word_body('<?xml version="1.0"?><!DOCTYPE w:document [<!ELEMENT a ANY>]>', "dtd")}))
    laughs = "".join('<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">' % ((i,) + (i - 1,) * 10)
                     for i in range(1, 10))
    write(folder, "billion-laughs.docx", rewrite_package(docx_bytes("laughs"), {
        "word/document.xml": word_body('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "lol">' + laughs +
                                       ']>', "&l9;")}))
    write(folder, "external-entity.docx", rewrite_package(docx_bytes("entity"), {
        "word/document.xml": word_body('<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM '
                                       '"file:///etc/passwd">]>', "&x;")}))
    write(folder, "missing-parts.docx", rewrite_package(docx_bytes("missing"), {},
                                                        drop=("word/document.xml",)))
    write(folder, "deep.docx", rewrite_package(docx_bytes("deep"), {
        "word/document.xml": ('<w:document ' + WORD_NS + '><w:body>' + "<w:sdt><w:sdtContent>" * 5000 +
                              "</w:sdtContent></w:sdt>" * 5000 + '</w:body></w:document>').encode()}))
    workbook = xlsx_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(workbook)).read("xl/worksheets/sheet1.xml").decode()
    write(folder, "shared-string-past-end.xlsx", rewrite_package(workbook, {
        "xl/worksheets/sheet1.xml": sheet.replace(
        '<c r="A2" t="inlineStr"><is><t>Placement</t></is></c>', '<c r="A2" t="s"><v>99999999</v></c>').encode()}))
    billion = sheet.replace('<dimension ref="A1:A2"/>', '<dimension ref="A1:XFD1000000000"/>')
    billion = billion.replace('<row r="2"', '<row r="1000000000"').replace('r="A2"', 'r="A1000000000"')
    write(folder, "billion-rows.xlsx", rewrite_package(workbook, {"xl/worksheets/sheet1.xml": billion.encode()}))

    # PDF
    pdf = pdf_bytes("A readable page")
    write(folder, "truncated.pdf", pdf[: len(pdf) // 3])
    write(folder, "plain.pdf", pdf)
    subprocess.run(["qpdf", "--encrypt", "user-secret", "owner-secret", "256", "--",
                    os.path.join(folder, "plain.pdf"), os.path.join(folder, "encrypted.pdf")], check=True)
    os.remove(os.path.join(folder, "plain.pdf"))
    write(folder, "page-tree-loop.pdf", looping_pdf())

    # Text
    write(folder, "nul-bytes.txt", b"Mentor meeting\0\0\0 notes\0 with NUL bytes\n")
    write(folder, "utf16-no-bom.txt", "Mentor meeting notes in UTF-16\n".encode("utf-16-le"))


def duplicate_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("same.txt", b"first copy\n")
        with_warning = zipfile.ZipInfo("same.txt")
        archive.writestr(with_warning, b"second copy\n")
    return buffer.getvalue()


def odd_names_zip():
    # zipfile decodes names without the UTF-8 flag as CP437, so the raw bytes
    # are written by patching placeholder names of the same length.
    data = zip_bytes([("cp437-AAAA.txt", b"cp437\n"), ("sjis-BBBB.txt", b"shift-jis\n"),
                      ("bad-utf8-CC.txt", b"invalid utf-8\n")])
    data = replace_all(data, b"cp437-AAAA", b"cp437-\x82\x8a\x94\x81")      # e-acute, e-grave, o-umlaut, u-umlaut
    data = replace_all(data, b"sjis-BBBB", b"sjis-\x93\xfa\x96\x7b")        # "Japan" in Shift-JIS
    data = replace_all(data, b"bad-utf8-CC", b"bad-utf8-\xc3\x28")          # a lead byte without its follower
    return data


def symlink_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("passwd-link")
        link.create_system = 3
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, b"/etc/passwd")
        archive.writestr("ordinary.txt", b"an ordinary file\n")
    return buffer.getvalue()


def links_tar():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        body = b"an ordinary file\n"
        ordinary = tarfile.TarInfo("ordinary.txt")
        ordinary.size = len(body)
        archive.addfile(ordinary, io.BytesIO(body))
        for name, kind, target in (("symlink-out", tarfile.SYMTYPE, "/etc/passwd"),
                                   ("hardlink-out", tarfile.LNKTYPE, "/etc/passwd"),
                                   ("hardlink-in", tarfile.LNKTYPE, "ordinary.txt")):
            link = tarfile.TarInfo(name)
            link.type = kind
            link.linkname = target
            archive.addfile(link)
    return buffer.getvalue()


def long_line(path, mib):
    chunk = b"evidence" * (128 << 10)  # 1 MiB without a separator or line break
    with open(path, "wb") as out:
        for _ in range(mib):
            out.write(chunk)
        out.write(b"\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--long-line":
        long_line(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 2:
        build(sys.argv[1])
    else:
        sys.exit(__doc__)
