#!/usr/bin/python3
"""Writes the register workbooks the cohort tests read, with openpyxl.

Two header sets word the same columns differently, as two providers would.
Run from any folder; the files land beside this script.
"""
import datetime
import pathlib

import openpyxl

HERE = pathlib.Path(__file__).resolve().parent
FIXED_TIME = datetime.datetime(2026, 9, 1, 9, 0, 0)


def save(workbook, name):
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "iqts-scan tests"
    workbook.save(HERE / name)


def register_with_title_rows():
    """Header in row 3 below a merged title and a note; numbers as numbers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Trainees"
    sheet["A1"] = "Trainee register 2026-27"
    sheet.merge_cells("A1:E1")
    sheet["A2"] = "Confidential: for the inspection team only"
    sheet.append(["Trainee ID", "Name", "Placement school", "In-school mentor", "IELTS overall"])
    sheet.append(["T001", "Amina Yusuf", "Greenfield Academy Lagos", "Grace Okafor", 7.0])
    sheet.append(["T002", "Carlos Ruiz", "Colegio San José", "Lucía Martín", 6.0])
    sheet.append(["T003", "Mei Lin Tan", "Greenfield Academy Lagos", "Grace Okafor", None])
    sheet.append([None, None, None, None, None])
    save(workbook, "register-title-rows.xlsx")


def register_second_wording():
    """Other header wordings, a header in row 4 and numbers written as text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Cohort"
    sheet["A1"] = "iQTS cohort September 2026"
    sheet["A2"] = "Updated weekly by the programme administrator"
    sheet.append([])
    sheet.append(["Candidate number", "Full name", "School placement", "School mentor",
                  "English language evidence", "Days on placement"])
    sheet.append(["C-101", "Priya Nair", "Dubai Heights School", "Omar Haddad", "IELTS 6,5", "120 days"])
    sheet.append(["C-102", "Jonas Weber", "Dubai Heights School", "Omar Haddad", "TOEFL iBT 95", "96"])
    sheet.append(["C-103", "Sofia Rossi", "Riverside International", "Anna Bell", "Degree taught in English", "130"])
    save(workbook, "register-second-wording.xlsx")


def register_unusual_headers():
    """A cohort tracker whose abbreviated headers no synonym matches."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "2026 intake"
    sheet["A1"] = "Cohort tracker"
    sheet.append(["Cand.", "Nm", "Sch.", "Eng band"])
    sheet.append(["T101", "Hana Sato", "Sakura International School", 7.5])
    sheet.append(["T102", "Ravi Menon", "Sakura International School", 6.0])
    save(workbook, "cohort-tracker-unusual-headers.xlsx")


def placement_log():
    """A second file about the T-numbered trainees, disagreeing on one school."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Placements"
    sheet.append(["Trainee ref", "Placement school", "Days in school"])
    sheet.append(["T001", "Greenfield Academy Lagos", 124])
    sheet.append(["T002", "Colegio Santa Ana", 118])
    save(workbook, "placement-log.xlsx")


def mentor_list():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Mentors"
    sheet.append(["Mentor name", "School", "Role", "Mentor training completed"])
    sheet.append(["Grace Okafor", "Greenfield Academy Lagos", "General mentor", datetime.date(2026, 7, 10)])
    sheet.append(["Lucía Martín", "Colegio San José", "Lead mentor", datetime.date(2026, 6, 30)])
    save(workbook, "mentor-list.xlsx")


if __name__ == "__main__":
    register_with_title_rows()
    register_second_wording()
    register_unusual_headers()
    placement_log()
    mentor_list()
