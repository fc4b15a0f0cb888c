#!/usr/bin/python3
"""Build the small exports that tests/criteria_part13_test.cpp scans for
criteria C1.1, C1.2, C1.4, C1.5, C3.1, C3.3 and C3.4.

Run with Debian's Python (python3-docx, python3-openpyxl, python3-pil):

    /usr/bin/python3 tests/data/criteria/part13/make_exports.py

Each export is a folder beside this script. The trainee register of
`entry/` has one trainee per case; the test file lists each trainee's
input again beside the verdict it expects.
"""

import datetime
import pathlib
import shutil

import docx
import openpyxl
from PIL import Image, ImageDraw

HERE = pathlib.Path(__file__).resolve().parent
FIXED_TIME = datetime.datetime(2027, 2, 1, 9, 0)
D = datetime.date

ENTRY_HEADERS = ["Trainee ID", "Age phase", "GCSE maths equivalent", "GCSE science equivalent", "Degree",
                 "Interview date", "Safeguarding check", "Safeguarding check date", "Application date",
                 "Decision date"]

# One row per trainee: the values under ENTRY_HEADERS. None leaves the cell empty.
ENTRY_ROWS = [
    ["E01", "Secondary 11-19", "GCSE Mathematics grade 5", None, "BA (Hons) History",
     D(2026, 2, 1), "ICPC", D(2026, 5, 1), D(2026, 1, 5), D(2026, 1, 25)],
    ["E02", "Secondary 11-19", "IGCSE Mathematics grade C", None, "BSc Mathematics",
     D(2026, 2, 1), "Police certificate", D(2026, 5, 1), D(2026, 1, 5), D(2026, 2, 16)],
    ["E03", "Secondary 11-19", "O level Mathematics B", None, "BEd Primary Education",
     D(2026, 2, 1), "DBS enhanced", None, D(2026, 1, 5), D(2026, 2, 17)],
    ["E04", "Secondary 11-19", "Tawjihi Mathematics 85% (UK ENIC statement: pass at GCSE standard)", None,
     "Licenciatura en Física (UK ENIC: comparable to UK Bachelor's degree)",
     D(2026, 2, 1), "Cleared", D(2026, 5, 1), "05/01/2026", "2026-03-30"],
    ["E05", "Secondary 11-19", "Provider equivalency test passed", None, "MSc Physics",
     D(2026, 2, 1), None, D(2026, 5, 1), D(2026, 1, 5), None],
    ["E06", "Secondary 11-19", "GCSE Mathematics grade 3", None, "Diploma in Education",
     D(2026, 2, 1), "ICPC pending", None, D(2026, 1, 5), "awaiting decision"],
    ["E07", "Secondary 11-19", "IGCSE Mathematics grade D", None, "Degree equivalent (provider assessment)",
     D(2026, 2, 1), "Police certificate not received", None, D(2026, 3, 2), D(2026, 2, 20)],
    ["E08", "Secondary 11-19", "Baccalauréat Mathématiques 12/20", None, "Higher National Diploma",
     D(2026, 2, 1), "Outstanding", None, D(2026, 1, 5), D(2026, 1, 20)],
    ["E09", "Secondary 11-19", None, None, None,
     None, "ICPC", D(2026, 5, 1), D(2026, 1, 5), D(2026, 1, 20)],
    ["E10", "Primary (3-11)", "GCSE Mathematics grade 6", "GCSE Biology grade 4", "Licence ès Lettres",
     D(2026, 2, 1), None, None, D(2026, 1, 5), D(2026, 1, 20)],
    ["E11", "3 to 11", "GCSE Mathematics grade 6", None, "None",
     "Pending", "ICPC", D(2026, 5, 1), D(2026, 1, 5), D(2026, 1, 20)],
    ["E12", "ages 3\u201311", "GCSE Mathematics grade 6", "GCSE Chemistry grade E", "BA English",
     D(2026, 2, 1), "Character reference", None, D(2026, 1, 5), D(2026, 1, 20)],
    ["E13", "Secondary 11-19", "GCSE Mathematics grade 6", None, "BA English",
     D(2026, 2, 1), "DBS with a caution disclosed", D(2026, 5, 1), D(2026, 1, 5), D(2026, 1, 20)],
    ["E14", "Secondary 11-19", 4, None, "BA English",
     D(2026, 2, 1), "ICPC", D(2026, 5, 1), D(2026, 1, 5), D(2026, 1, 20)],
    ["E15", "Secondary 11-19", "fail", None, "BA English",
     D(2026, 2, 1), "ICPC", D(2026, 5, 1), D(2026, 1, 5), D(2026, 1, 20)],
    ["E16", "Secondary 11-19", "UK ENIC statement of comparability", None, "BA English",
     D(2026, 2, 1), "ICPC", D(2026, 5, 1), D(2026, 1, 5), D(2026, 1, 20)],
]


def fix_document(document, title):
    properties = document.core_properties
    properties.title = title
    properties.author = "iqts-scan tests"
    properties.created = FIXED_TIME
    properties.modified = FIXED_TIME
    properties.last_modified_by = "iqts-scan tests"
    properties.revision = 1


def write_document(path, title, paragraphs, heading=None):
    document = docx.Document()
    document.add_heading(heading or title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    fix_document(document, title)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)


def write_text(path, lines):
    """Write a plain-text or Markdown document, one paragraph a line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")


def write_sheet(path, sheet, headers, rows):
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(headers)
    for row in rows:
        worksheet.append(row)
    for row in worksheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, (datetime.date, datetime.datetime)):
                cell.number_format = "dd/mm/yyyy"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "iqts-scan tests"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def write_image_pdf(path, text):
    """Write a one-page PDF that holds only an image, as a scanner makes it."""
    image = Image.new("L", (620, 877), 255)
    ImageDraw.Draw(image).text((60, 60), text, fill=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PDF", resolution=75.0, creationDate=FIXED_TIME.timetuple(), modDate=FIXED_TIME.timetuple())


def make_entry(root):
    write_sheet(root / "Trainee register.xlsx", "Trainees", ENTRY_HEADERS, ENTRY_ROWS)
    write_document(root / "Recruitment and selection policy.docx", "Recruitment and selection policy",
                   ["Every applicant is interviewed and holds an ICPC before starting in school."])
    write_document(root / "Course information.docx", "iQTS course information",
                   ["Entry requirements: GCSE grade 4 in mathematics, a first degree and IELTS 6.5."])
    write_text(root / "Complaints procedure.txt",
               ["Complaints procedure", "Stage 1: raise the concern with the programme office."])


def make_bare(root):
    write_sheet(root / "Trainees.xlsx", "Trainees", ["Trainee ID", "Name", "Subject"],
                [["B01", "Trainee One", "Mathematics"], ["B02", "Trainee Two", "Physics"]])


def make_management(root):
    write_sheet(root / "Trainees.xlsx", "Trainees", ["Trainee ID", "Country"],
                [["M01", "Spain"], ["M02", "Chile"], ["M03", "Kenya"]])
    write_document(root / "Organogram.docx", "iQTS team organogram",
                   ["Director of iQTS (programme lead): Dr A. Example.", "Quality assurance lead: B. Example."])
    write_document(root / "Data protection policy.docx", "Data protection policy",
                   ["We process personal data under the UK GDPR and the Data Protection Act 2018."])
    write_text(root / "Safeguarding and child protection policy.md",
               ["# Safeguarding and child protection policy", "The designated safeguarding lead reviews every check."])
    write_text(root / "Local context note.txt",
               ["Local legislation", "Spain: Ley Orgánica 8/2021 on the protection of children.",
                "Chile: Law 21.057 on interviews with children."])
    write_document(root / "Quality assurance statement.docx", "Quality assurance statement",
                   ["Approved by the programme board on 12 October 2026.",
                    "The QA lead samples assessment judgements each term."])
    write_sheet(root / "AP1 tracker.xlsx", "AP1", ["Trainee ID", "Date", "Moderated by", "Outcome"],
                [["M01", D(2025, 1, 10), "External examiner", "Agreed"],
                 ["M02", D(2025, 1, 12), "External examiner", "Agreed"]])


def make_unreadable(root):
    write_image_pdf(root / "Organogram.pdf", "iQTS team organogram (scanned)")
    write_image_pdf(root / "Data protection policy.pdf", "Data protection policy (scanned)")
    write_text(root / "Quality assurance statement.txt",
               ["Quality assurance statement", "Approved by the programme board on 3 March 2025.",
                "Moderation of assessment judgements takes place each term."])
    write_text(root / "Programme handbook.md",
               ["# Programme handbook", "Trainees follow the local laws of the country where they train."])


def main():
    for name, make in [("entry", make_entry), ("bare", make_bare), ("management", make_management),
                       ("unreadable", make_unreadable)]:
        root = HERE / name
        shutil.rmtree(root, ignore_errors=True)
        make(root)


if __name__ == "__main__":
    main()
