#!/usr/bin/python3
"""Build the small exports that tests/criteria_part2_test.cpp scans for
criteria C2.1 to C2.7.

training/    one trainee per case for C2.2 to C2.5 and C2.7, a complete
             curriculum map written in several id styles, an assessment
             framework with a dated schedule, a mentor training curriculum,
             and a weekly ITAP log inside a nested zip
gaps/        registers without the training columns, a curriculum map that
             misses statements and names an unknown one, moderation records
             whose "Outcome" and "Standards" columns are not award records
unreadable/  a curriculum map, an assessment framework and an ITAP log that
             are truncated, so they cannot be read

Run with Debian's Python (python3-openpyxl, python3-docx):
    /usr/bin/python3 tests/data/criteria/part2/make_exports.py
"""

import datetime
import io
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl

HERE = Path(__file__).resolve().parent
FIXED = datetime.datetime(2027, 2, 10, 12, 0, 0)

SECTIONS = {1: 8, 2: 10, 3: 12, 4: 9, 5: 8, 6: 7, 7: 9, 8: 9}


def workbook(sheets):
    """Returns xlsx bytes with one sheet per (title, rows) pair."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([None if value == "" else value for value in row])
    book.properties.created = FIXED
    book.properties.modified = FIXED
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def document(title, paragraphs, tables=()):
    """Returns docx bytes with a title, paragraphs and tables (lists of rows)."""
    word = docx.Document()
    word.core_properties.title = title
    word.core_properties.created = FIXED
    word.core_properties.modified = FIXED
    word.add_heading(title, level=0)
    for text in paragraphs:
        word.add_paragraph(text)
    for rows in tables:
        table = word.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def zipped(name, data):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo(name, FIXED.timetuple()[:6]), data)
    return buffer.getvalue()


def write(folder, name, data):
    path = HERE / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# Trainee register of the training export: one row per case. Columns:
# id, age phase, placement school, in-school mentor, days in school,
# award status, standards met.
TRAINEES = [
    # C2.3 age phases
    ("A01", "3 to 11", "", "", "", "", ""),           # pass
    ("A02", "3\u201311", "", "", "", "", ""),         # pass: en dash
    ("A03", "ages 7-14", "", "", "", "", ""),         # pass
    ("A04", "Primary (3-11)", "", "", "", "", ""),    # pass
    ("A05", "Secondary 11-19", "", "", "", "", ""),   # pass
    ("A06", "5-11", "", "", "", "", ""),              # fail: not an iQTS phase
    ("A07", "KS2", "", "", "", "", ""),               # review: local phase name
    ("A08", "", "", "", "", "", ""),                  # missing
    # C2.4 days in school
    ("P01", "", "", "", 120, "", ""),                 # pass
    ("P02", "", "", "", "120 days", "", ""),          # pass
    ("P03", "", "", "", "121", "", ""),               # pass: number stored as text
    ("P04", "", "", "", 119, "", ""),                 # fail
    ("P05", "", "", "", "one hundred", "", ""),       # review: not a number
    # C2.5 mentors
    ("M01", "", "Alder Primary School", "Ada Mentor", "", "", ""),    # pass
    ("M02", "", "Birch Academy", "Ada Mentor", "", "", ""),           # fail: mentor at another school
    ("M03", "", "Alder Primary School", "Zed Unknown", "", "", ""),   # review: not in the mentor list
    ("M04", "", "Alder Primary School", "", "", "", ""),              # fail: no mentor
    ("M05", "", "Birch Academy", "BEN  mentor", "", "", ""),          # pass: same name after normalising
    # C2.7 awards
    ("W01", "", "", "", "", "Awarded", "Yes"),              # pass
    ("W02", "", "", "", "", "Awarded", "Partly"),           # fail
    ("W03", "", "", "", "", "Recommended", "TS1-TS8 met"),  # pass
    ("W04", "", "", "", "", "Awarded", ""),                 # missing
    ("W05", "", "", "", "", "Pending", ""),                 # pass: not awarded
    ("W06", "", "", "", "", "Awarded", "No"),               # fail
]

# ITAP per trainee in the placement log: days, planned hours a week, expert hours a week.
PLACEMENT_ITAP = [
    ("I01", 20, 25, 5),       # pass
    ("I02", 18, 25, 5),       # fail: days
    ("I03", 20, 24, 5),       # fail: planned hours
    ("I04", 20, 25, 4.5),     # fail: expert hours
]

# ITAP per week in the weekly log: trainee, planned hours, expert hours per logged week.
WEEKLY_ITAP = [
    ("I05", [(25, 5), (26, 5), (25, 6), (25, 5)]),    # pass: 4 weeks = 20 days
    ("I06", [(25, 5), (25, 5), (25, 5)]),             # fail: 3 weeks = 15 days
    ("I07", [(25, 5), (20, 5), (25, 5), (25, 5)]),    # fail: one week below 25 hours
]


def map_rows():
    """Every statement id once, written in the styles providers use."""
    rows = [("ITTECF statement", "Session", "Session date")]
    styles = ["{}", "LT-{}", "S{}", "ITTECF {}"]
    for section, count in SECTIONS.items():
        if section == 2:
            rows.append(("2.1, 2.3; 2.4-2.6", "Session 04", "2026-10-02"))
            rows.append(("2.2 and 2.7\u20132.10", "Session 05", "2026-10-09"))
            continue
        for number in range(1, count + 1):
            ident = f"{section}.{number}"
            rows.append((styles[number % len(styles)].format(ident), f"Session {section:02}", "2026-11-06"))
    rows.append(("9.4", "Session 30", "2027-03-05"))   # not an ITTECF statement
    return rows


def training():
    folder = "training"
    shutil.rmtree(HERE / folder, ignore_errors=True)
    header = ("Trainee ID", "Name", "Age phase", "Placement school", "In-school mentor", "Days in school",
              "Award status", "Standards met")
    rows = [header] + [(t[0], f"Trainee {t[0]}") + t[1:] for t in TRAINEES]
    rows += [(i[0], f"Trainee {i[0]}", "", "", "", "", "", "") for i in PLACEMENT_ITAP + WEEKLY_ITAP]
    write(folder, "Trainee register.xlsx", workbook([("Trainees", rows)]))

    write(folder, "Mentor list.xlsx", workbook([("Mentors", [
        ("Mentor name", "School", "Mentor training completed", "Training hours"),
        ("Ada Mentor", "Alder Primary School", datetime.date(2026, 8, 26), 20),   # pass
        ("Ben Mentor", "Birch Academy", None, 12),                                  # pass: hours only
        ("Cy Mentor", "Birch Academy", None, None),                                  # missing
    ])]))

    placement = [("Trainee ID", "ITAP days", "ITAP planned hours per week", "ITAP expert hours per week")]
    placement += list(PLACEMENT_ITAP)
    write(folder, "Placement log.xlsx", workbook([("Placements", placement)]))

    weekly = [("Trainee ID", "Week commencing", "ITAP focus", "Planned and supported hours", "Expert support hours")]
    for trainee, weeks in WEEKLY_ITAP:
        for index, (planned, expert) in enumerate(weeks):
            weekly.append((trainee, datetime.date(2026, 10, 12) + datetime.timedelta(weeks=index),
                           "Managing behaviour", planned, expert))
    inner = zipped("ITAP log.xlsx", workbook([("ITAP log", weekly)]))   # read as ITAP logs.zip!/ITAP log.xlsx
    write(folder, "ITAP logs.zip", inner)

    write(folder, "Curriculum map.xlsx", workbook([("Map", [("Curriculum map 2026-27",)] + map_rows())]))
    write(folder, "Assessment framework.docx", document(
        "Assessment and progression framework",
        ["Trainees are assessed against the Teachers' Standards at three assessment points."],
        [[["Assessment point", "Date", "Standards"],
          ["AP1", "11/12/2026", "TS1-TS8"],
          ["AP2", "26 March 2027", "TS1-TS8"],
          ["AP3", "2027-06-25", "TS1-TS8"]]]))
    write(folder, "Mentor training curriculum.docx", document(
        "Mentor training curriculum", ["Session 1: the mentor's role. Session 2: giving feedback."]))


def bare_register(folder, trainee):
    """Writes a trainee register with no training columns."""
    write(folder, "Trainee register.xlsx", workbook([("Trainees", [
        ("Trainee ID", "Name", "Placement school"),
        (trainee, f"Trainee {trainee}", "Alder Primary School"),
    ])]))


def gaps():
    folder = "gaps"
    shutil.rmtree(HERE / folder, ignore_errors=True)
    bare_register(folder, "G01")
    # Moderation records are not award records: "Outcome" and "Standards" mean the moderation.
    write(folder, "Moderation records.xlsx", workbook([("Moderation", [
        ("Date", "Trainee ID", "Assessment point", "Standards", "Moderator", "Outcome"),
        (datetime.date(2026, 12, 15), "G01", "AP1", "TS1-TS8", "Moderator One", "Judgement agreed"),
    ])]))
    rows = [["ITTECF ref", "Session"]]
    for section, count in SECTIONS.items():
        for number in range(1, count + 1):
            ident = f"{section}.{number}"
            if ident not in ("3.5", "6.7"):
                rows.append([ident, f"Session {section:02}"])
    rows.append(["9.4", "Session 30"])
    write(folder, "Curriculum map.docx", document("Curriculum map", ["Statements by session."], [rows]))


def unreadable():
    folder = "unreadable"
    shutil.rmtree(HERE / folder, ignore_errors=True)
    bare_register(folder, "U01")
    # Each file keeps the zip signature but loses its second half.
    for name, data in [
        ("Curriculum map.xlsx", workbook([("Map", map_rows())])),
        ("Assessment framework.docx", document("Assessment framework", ["Assessment points."])),
        ("ITAP log.xlsx", workbook([("ITAP log", [("Trainee ID", "Week commencing", "Planned and supported hours"),
                                                  ("U01", datetime.date(2026, 10, 12), 25)])])),
    ]:
        write(folder, name, data[: len(data) // 2])


if __name__ == "__main__":
    training()
    gaps()
    unreadable()
