#!/usr/bin/python3
"""Writes the compliance grids the grid tests read: a Word table, a workbook and a CSV file.

Each grid links to files of the export tree that tests/grid_test.cpp builds in
code, under "sample-export/iQTS inspection – March 2027/". Run from any folder;
the files land beside this script.
"""
import datetime
import pathlib

import docx
import openpyxl
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

HERE = pathlib.Path(__file__).resolve().parent
FIXED_TIME = datetime.datetime(2027, 1, 25, 9, 0, 0)
PART1 = "Part 1 – Entry"
PART2 = "Part 2 – Training"
PART3 = "Part 3 – Management and QA"
SHAREPOINT = "https://contoso.sharepoint.com/sites/ITT/Shared%20Documents"


def add_hyperlink(paragraph, text, target):
    """Append a run of `text` that links to `target`, as Word writes it."""
    relationship = paragraph.part.relate_to(target, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)


def drop_unused_parts(document):
    """Drop the parts python-docx's template carries that the grid does not
    use (styles with effects, thumbnail), so the file stays small."""
    for owner in (document.part, document.part.package):
        for relationship_id, relationship in list(owner.rels.items()):
            if relationship.reltype.endswith(("/stylesWithEffects", "/thumbnail")):
                del owner.rels[relationship_id]


def word_grid():
    """A Word table: ids written several ways, a heading-only row, blank and
    vertically merged criterion cells, a section row, and hyperlinks on cells."""
    document = docx.Document()
    document.core_properties.title = "iQTS criteria compliance grid"
    document.core_properties.created = FIXED_TIME
    document.core_properties.modified = FIXED_TIME
    document.core_properties.author = "iqts-scan tests"
    document.add_heading("iQTS criteria compliance grid", level=1)
    document.add_paragraph("Evidence for the inspection from 8 March 2027.")

    rows = [
        ("Criterion", "Evidence title", "Link"),
        ("C 1.1", "Selection policy", ("Selection policy.docx",
                                       "../Part%201%20%E2%80%93%20Entry/Selection%20policy.docx")),
        ("", "Trainee register", f"../{PART1}/Trainee register.xlsx"),
        ("Degree criteria", "Trainee register (degrees)", f"..\\{PART1}\\Trainee register.xlsx"),
        ("1.3", "Course information", ("entry requirements",
                                       f"{SHAREPOINT}/Part%201%20%E2%80%93%20Entry/Course%20information.docx")),
        ("Criterion 1.4", "Safeguarding policy", ""),
        ("Part 2: training criteria", "", ""),
        ("c2.5 Mentoring", "Mentor handbook", ("Mentor handbook", "../Part 2 – Training/Mentor handbook.docx")),
        ("C3.4", "Quality assurance statement", f"../{PART3}/Quality assurance statement.docx"),
        ("", "Moderation records", f"../{PART3}/Moderation records v2.xlsx"),
    ]
    table = document.add_table(rows=len(rows), cols=3)
    table.style = document.styles["Table Grid"]
    for row_cells, values in zip(table.rows, rows):
        for cell, value in zip(row_cells.cells, values):
            if isinstance(value, tuple):
                add_hyperlink(cell.paragraphs[0], *value)
            else:
                cell.text = value

    section = table.rows[6].cells[0].merge(table.rows[6].cells[2])
    section.paragraphs[0].runs[0].font.highlight_color = WD_COLOR_INDEX.GRAY_25
    table.rows[8].cells[0].merge(table.rows[9].cells[0])
    drop_unused_parts(document)
    document.save(HERE / "Compliance grid.docx")


def excel_grid():
    """A workbook grid in the layout most providers use: web, drive and
    relative links, a merged criterion cell, an empty criterion and a link to
    a file's old name."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Compliance grid"
    sheet["A1"] = "iQTS criteria compliance grid"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "Links open the evidence in the shared space."
    sheet.append(["Part", "Criterion", "Heading", "Evidence", "Link", "Owner"])
    rows = [
        (1, "C1.1", "GCSE standard equivalent", "Trainee register",
         f"{SHAREPOINT}/iQTS%20export/Part%201%20%E2%80%93%20Entry/Trainee%20register.xlsx"),
        (1, "C1.2", "Degree criteria", "Trainee register (degrees)",
         "https://contoso.sharepoint.com/:x:/r/sites/ITT/Shared%20Documents/Part%201%20%E2%80%93%20Entry/"
         "Trainee%20register.xlsx?d=w12ab&csf=1&web=1"),
        (1, "C1.3", "English language proficiency", "Course information",
         f"{SHAREPOINT}/Forms/AllItems.aspx?id=%2Fsites%2FITT%2FShared%20Documents%2FPart%201%20%E2%80%93%20Entry"
         "%2FCourse%20information.docx&parent=%2Fsites%2FITT%2FShared%20Documents"),
        (1, "C1.4", "Suitability and safeguarding", "Safeguarding policy",
         "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUv/view?usp=sharing"),
        (1, "C1.5", "iQTS recruitment practices", "Complaints procedure",
         "../Part%201%20%E2%80%93%20Entry/Complaints%20procedure.pdf"),
        (None, None, None, "Selection policy", f"..\\{PART1}\\Selection policy.docx"),
        (2, "C2.1", "Programme structure", "Programme handbook",
         "file:///C:/Users/helen/OneDrive%20-%20Provider/iQTS/Part%202%20%E2%80%93%20Training/"
         "Programme%20handbook.docx"),
        (2, "C2.2", "Intensive training and practice", "ITAP logs",
         "https://contoso-my.sharepoint.com/personal/helen_contoso_com/Documents/iQTS/"
         "Part%202%20%E2%80%93%20Training/ITAP%20logs.zip"),
        (2, "C2.4", "School placements", "Placement log", None),
        (2, "C2.5", "Mentoring", "Mentor handbook", f"./../{PART2}/Mentor handbook.docx"),
        (2, "C2.6", "Assessment", "Assessment and progression framework",
         f"../{PART2}/Assessment and progression framework.docx"),
        (2, "C2.7", "Awarding iQTS", None, None),
        (3, "C3.2", "Partnerships and structures", "Partnership agreements", f"../{PART3}/Partnership agreements/"),
        (3, "C3.4", "Quality assurance", "QA calendar", "https://docs.google.com/document/d/1XyZaBcDeF/edit"),
    ]
    for row in rows:
        sheet.append(list(row) + ["Dr Helen Ashworth"])
    sheet.merge_cells("A8:A9")
    sheet.merge_cells("B8:B9")
    sheet.merge_cells("C8:C9")
    # A hyperlink on the title cell with an empty link column.
    sheet["D12"].hyperlink = f"../{PART2}/Placement log.xlsx"
    sheet["D12"].style = "Hyperlink"
    workbook.properties.title = "iQTS criteria compliance grid"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "iqts-scan tests"
    workbook.save(HERE / "Compliance grid.xlsx")


def csv_grid():
    """A CSV grid with headings in place of ids and paths from the export root."""
    lines = [
        "Criterion,Evidence,Link",
        "C3.1 – Management,Organogram,sample-export/Part 3 – Management and QA/Organogram.pdf",
        "Partnerships & structures,Palm Crescent agreement,"
        "\"../Part 3 – Management and QA/Partnership agreements/Palm Crescent British School partnership agreement.docx\"",
        "Legislation,Data protection policy,",
        ",Safeguarding policy,../Part 3 – Management and QA/Safeguarding policy.docx",
    ]
    (HERE / "iQTS criteria grid.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def main():
    word_grid()
    excel_grid()
    csv_grid()


if __name__ == "__main__":
    main()
