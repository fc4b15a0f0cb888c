#!/usr/bin/python3
"""Makes the small Office files the extractor tests read.

The workbooks come from openpyxl, the Word document from python-docx, and
the rest from LibreOffice headless, which converts a flat OpenDocument text
written here into .odt and .docx and the register workbook into .ods.
Run it from any folder; it writes beside itself. Needs the Debian packages
python3-openpyxl, python3-docx and libreoffice-writer-nogui/calc-nogui.
"""

import datetime
import io
import pathlib
import shutil
import subprocess
import tempfile
import zipfile

import docx
import docx.opc.constants
import docx.oxml
import docx.oxml.ns
import openpyxl
import openpyxl.utils.datetime

HERE = pathlib.Path(__file__).resolve().parent
# Fixed properties make the outputs identical from run to run, apart from
# the zip timestamps.
CREATED = datetime.datetime(2024, 9, 2, 8, 30, 0)
MODIFIED = datetime.datetime(2024, 9, 3, 16, 45, 0)


def make_register():
    """A trainee register: a merged title row above the header, dates,
    numbers, a boolean, a formula and a hidden sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Trainees"
    sheet["A1"] = "Trainee register 2024/25"
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append(["Trainee ID", "Name", "Start date", "IELTS overall", "DBS checked"])
    rows = [
        ("T001", "Ada Example", datetime.date(2024, 9, 2), 7.5, True),
        ("T002", "Ben Sample", datetime.date(2024, 9, 9), 6.0, False),
    ]
    for row in rows:
        sheet.append(list(row))
    for cell in sheet["C"][3:]:
        cell.number_format = "dd/mm/yyyy"
    sheet["F4"] = "=D4+D5"

    hidden = book.create_sheet("Lookups")
    hidden["A1"] = "Routes"
    hidden["A2"] = "Primary"
    hidden.sheet_state = "hidden"

    book.properties.title = "Trainee register"
    book.properties.created = CREATED
    book.properties.modified = MODIFIED
    book.save(HERE / "register.xlsx")


def make_1904_workbook():
    """A workbook in the 1904 date system, as older Mac Excel wrote."""
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "Dates"
    sheet["A1"] = datetime.datetime(2021, 1, 1)
    sheet["A1"].number_format = "yyyy-mm-dd"
    sheet["A2"] = datetime.datetime(2024, 2, 29, 14, 30, 0)
    sheet["A2"].number_format = "dd/mm/yyyy hh:mm"
    sheet["B1"] = 15
    book.save(HERE / "dates_1904.xlsx")


def make_streamed_copy():
    """Rewrites register.xlsx as a zip written to a pipe, so every entry has
    a data descriptor (sizes after the data), as streaming zip writers do."""

    class Pipe(io.RawIOBase):
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, chunk):
            self.data += chunk
            return len(chunk)

    pipe = Pipe()
    with zipfile.ZipFile(HERE / "register.xlsx") as source, zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            with target.open(name, "w") as entry:
                entry.write(source.read(name))
    (HERE / "register_streamed.xlsx").write_bytes(bytes(pipe.data))


def add_hyperlink(paragraph, text, url):
    """Appends a w:hyperlink run, which python-docx has no call for."""
    relationship_id = paragraph.part.relate_to(url, docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = docx.oxml.OxmlElement("w:hyperlink")
    hyperlink.set(docx.oxml.ns.qn("r:id"), relationship_id)
    run = docx.oxml.OxmlElement("w:r")
    text_element = docx.oxml.OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)


def make_word_document():
    """A placement report with a header, a footer, a hyperlink and a table
    with a merged cell."""
    document = docx.Document()
    document.core_properties.title = "Placement report"
    document.core_properties.created = CREATED
    document.core_properties.modified = MODIFIED
    section = document.sections[0]
    section.header.paragraphs[0].text = "Northfield Teacher Training"
    section.footer.paragraphs[0].text = "Confidential"

    document.add_heading("Placement report", level=1)
    document.add_paragraph("Trainee T001 completed two placements.")
    linked = document.add_paragraph("Policy: ")
    add_hyperlink(linked, "safeguarding policy", "https://example.org/safeguarding")

    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "School"
    table.cell(0, 1).text = "Weeks"
    table.cell(0, 2).text = "Phase"
    table.cell(1, 0).text = "Oak Primary"
    table.cell(1, 1).text = "12"
    table.cell(1, 2).text = "Primary"
    merged = table.cell(1, 2).merge(table.cell(2, 2))
    merged.text = "Primary"
    table.cell(2, 0).text = "Elm Primary"
    table.cell(2, 1).text = "8"
    document.add_paragraph("End of report.")
    document.save(HERE / "report.docx")


FLAT_TEXT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta>
  <dc:title>Mentor handbook</dc:title>
  <meta:creation-date>2024-09-02T08:30:00</meta:creation-date>
  <dc:date>2024-09-03T16:45:00</dc:date>
 </office:meta>
 <office:styles>
  <style:style style:name="Standard" style:family="paragraph"/>
  <style:style style:name="Hidden" style:family="paragraph" style:parent-style-name="Standard">
   <style:text-properties text:display="none"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="pm1"/>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header><text:p>Mentor handbook header</text:p></style:header>
   <style:footer><text:p>Mentor handbook footer</text:p></style:footer>
  </style:master-page>
 </office:master-styles>
 <office:body>
  <office:text>
   <text:h text:outline-level="1">Mentor handbook</text:h>
   <text:p>Mentors meet trainees weekly.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>At least one hour.</text:p></text:note-body></text:note></text:p>
   <text:p>See the <text:a xlink:type="simple" xlink:href="https://example.org/mentoring">mentoring guide</text:a> online.</text:p>
   <text:p text:style-name="Hidden">Draft wording not for release</text:p>
   <text:p><draw:frame draw:name="Box" text:anchor-type="paragraph" svg:width="6cm" svg:height="2cm"><draw:text-box><text:p>Training days: 3</text:p></draw:text-box></draw:frame>Paragraph after the box.</text:p>
   <table:table table:name="Mentors">
    <table:table-column table:number-columns-repeated="3"/>
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>Mentor</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>School</text:p></table:table-cell>
     <table:table-cell office:value-type="string"><text:p>Trained</text:p></table:table-cell>
    </table:table-row>
    <table:table-row>
     <table:table-cell office:value-type="string"><text:p>M. Jones</text:p></table:table-cell>
     <table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>Oak Primary and Elm Primary</text:p></table:table-cell>
     <table:covered-table-cell/>
    </table:table-row>
   </table:table>
   <text:p>Last paragraph.</text:p>
  </office:text>
 </office:body>
</office:document>
"""


def convert(source, target_format, output_name):
    """Converts `source` with LibreOffice headless and names the result."""
    with tempfile.TemporaryDirectory() as work:
        profile = pathlib.Path(work) / "profile"
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target_format,
             "--outdir", work, str(source)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)
        produced = pathlib.Path(work) / (source.stem + "." + target_format.split(":")[0])
        shutil.copyfile(produced, HERE / output_name)


def make_libreoffice_files():
    with tempfile.TemporaryDirectory() as work:
        source = pathlib.Path(work) / "handbook.fodt"
        source.write_text(FLAT_TEXT, encoding="utf-8")
        convert(source, "odt", "handbook.odt")
        convert(source, "docx:MS Word 2007 XML", "handbook.docx")
    convert(HERE / "register.xlsx", "ods", "register.ods")


def main():
    make_register()
    make_streamed_copy()
    make_1904_workbook()
    make_word_document()
    make_libreoffice_files()
    for path in sorted(HERE.iterdir()):
        if path.suffix != ".py":
            print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
