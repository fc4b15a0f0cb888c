#!/usr/bin/env python3
"""Write a synthetic iQTS provider export of N trainees for the benchmark.

The export has the layout of fixtures/sample-export, with Part 1, 2 and 3
folders of programme documents, partnership agreements and the compliance
grid. Its registers cover every trainee: the trainee register, the
placement log with its school list, the intensive training (ITAP) log and
the mentor list. Each trainee has evidence folders of Word documents,
workbooks and PDFs of several pages, some with embedded photographs.

Each kind of per-trainee document is written once as a template by
python-docx or openpyxl, and each trainee's copy replaces placeholders in
the template's XML parts, which is much faster than building every file
with the office libraries. PDFs are written per trainee by reportlab with
invariant output. The same --trainees and --seed give the same bytes.

Outputs, in --out:
  export/                         the export folder
  export.zip                      the same tree under the root folder export/
  split/export-001.zip, -002.zip  the same tree split in two, as a Google
                                  Drive download of a large folder arrives
  changed/PATH                    a changed copy of one evidence file, for a
                                  rescan after one file changed
  changed.txt                     the export-relative PATH of that file

Run: /usr/bin/python3 bench/make_export.py --trainees 200 --out bench/out/n200
"""

import argparse
import datetime
import importlib.util
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
import zipfile
from xml.sax.saxutils import escape

DEBIAN_PYTHON = "/usr/bin/python3"
REQUIRED_MODULES = ("docx", "openpyxl", "reportlab", "PIL")

missing = [name for name in REQUIRED_MODULES if importlib.util.find_spec(name) is None]
if missing:
    # A pyenv or virtualenv interpreter first on PATH hides Debian's modules.
    if os.path.exists(DEBIAN_PYTHON) and os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON):
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON] + sys.argv)
    sys.exit(f"make_export.py: Python modules not found: {', '.join(missing)}. Install python3-docx, "
             f"python3-openpyxl, python3-reportlab and python3-pil (ci/setup does) and run with {DEBIAN_PYTHON}.")

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))

from docx.shared import Cm  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from generator.cohort import (  # noqa: E402
    ASSESSMENT_FILE, COURSE_MATERIALS, D, FILE_MTIME, INSPECTION_FOLDER, PART1, PART2, PART3, PROVIDER,
    REGISTER_COLUMNS, REGISTER_HEADER_ROW, REGISTER_PATH, REGISTER_SHEET,
)
from generator.containers import fixed_zip_info  # noqa: E402
from generator.documents import (  # noqa: E402
    agreement_document, assessment_framework, course_information, course_session, data_protection_policy,
    mentor_handbook, new_document, organogram, placement_handbook, programme_handbook,
    quality_assurance_statement, safeguarding_policy, save_docx, selection_policy,
)
from generator.workbooks import (  # noqa: E402
    compliance_grid, curriculum_map, new_workbook, save_xlsx, write_header, write_table,
)

# reportlab takes the creation date of the PDFs it writes from this variable.
os.environ["SOURCE_DATE_EPOCH"] = str(FILE_MTIME)

AGREEMENTS = PART3 + "/Partnership agreements"
TRAINEE_FILES = PART2 + "/Trainee evidence"
ENTRY_FILES = PART1 + "/Entry records"

COUNTRIES = [
    # country, cities, first names, last names
    ("United Arab Emirates", ["Dubai", "Abu Dhabi", "Sharjah"],
     ["Aisha", "Omar", "Fatima", "Khalid", "Mariam", "Yousef", "Layla", "Hamdan"],
     ["Al Mansoori", "Khalil", "Haddad", "Al Suwaidi", "Nasser", "Al Marzouqi"]),
    ("Nigeria", ["Lagos", "Abuja", "Port Harcourt"],
     ["Daniel", "Chinedu", "Ngozi", "Tunde", "Folake", "Emeka", "Amaka", "Segun"],
     ["Okafor", "Eze", "Adeyemi", "Bakare", "Okonkwo", "Balogun"]),
    ("Spain", ["Madrid", "Barcelona", "Valencia"],
     ["Lucía", "Javier", "Elena", "Pablo", "Carmen", "Diego", "Marta", "Álvaro"],
     ["Fernández García", "Moreno Ruiz", "Vidal Pardo", "López Martín", "Sánchez Gil", "Navarro Ortega"]),
    ("Malaysia", ["Kuala Lumpur", "Penang", "Johor Bahru"],
     ["Nur Aisyah", "Tan Mei", "Lim Wei", "Ahmad", "Kavitha", "Siti", "Raj", "Wong"],
     ["Rahman", "Ling", "Ismail", "Raman", "Abdullah", "Chong"]),
    ("Thailand", ["Bangkok", "Chiang Mai", "Phuket"],
     ["Kittipong", "Natthaya", "Ananya", "Somchai", "Pimchanok", "Thanawat", "Siriporn", "Chaiwat"],
     ["Wongsawat", "Srisuk", "Chaisiri", "Saetang", "Boonmee", "Rattanakorn"]),
]
PHASES = [("Primary 3-11", "Primary (general)"), ("Middle 7-14", "English"), ("Secondary 11-19", "Mathematics"),
          ("Secondary 11-19", "Biology"), ("Secondary 11-19", "Physics"), ("Secondary 11-19", "Computing")]
ENGLISH_TESTS = [("IELTS Academic", [6.5, 7.0, 7.5, 8.0], "IELTS Test Report Form checked at interview"),
                 ("TOEFL iBT", [88, 95, 102], "ETS score report verified online"),
                 ("Cambridge C1 Advanced", [176, 180, 185], "Cambridge English statement of results checked")]
TRAINEES_PER_SCHOOL = 8
TRAINEES_PER_MENTOR = 3
ITAP_WEEKS = [(D(2026, 10, 12), "Managing behaviour", "7.1-7.9"), (D(2026, 10, 19), "Managing behaviour", "7.1-7.9"),
              (D(2027, 2, 1), "Adaptive teaching", "5.1-5.8"), (D(2027, 2, 8), "Adaptive teaching", "5.1-5.8")]
OBSERVATION_FOCUS = [
    "questioning to check understanding", "modelling a worked example", "managing transitions between tasks",
    "adapting the task for pupils with special educational needs", "using retrieval practice at the start",
    "giving precise feedback in the lesson", "setting high expectations for behaviour",
    "using subject vocabulary accurately", "planning a sequence of lessons", "assessing prior knowledge",
]


def build_cohort(count, rng):
    """Return the schools, mentors and trainees of a provider with `count` trainees."""
    schools = []
    school_count = max(1, (count + TRAINEES_PER_SCHOOL - 1) // TRAINEES_PER_SCHOOL)
    for index in range(school_count):
        country, cities, firsts, lasts = COUNTRIES[index % len(COUNTRIES)]
        city = cities[(index // len(COUNTRIES)) % len(cities)]
        number = index + 1
        schools.append({
            "name": f"{city} International School {number}", "city": city, "country": country,
            "address": f"{10 + number} Harbour Road, {city}, {country}",
            "contact": f"{rng.choice(firsts)} {rng.choice(lasts)} (school training coordinator)",
            "email": f"training{number}@school{number}.example",
            "headteacher": f"{rng.choice(firsts)} {rng.choice(lasts)}",
            "closures": "2026-12-18 to 2027-01-04; 2027-03-29 to 2027-04-09",
            "agreement": "docx", "firsts": firsts, "lasts": lasts,
        })
    mentors = []
    trainees = []
    for index in range(count):
        school = schools[index // TRAINEES_PER_SCHOOL]
        if index % TRAINEES_PER_MENTOR == 0:
            mentors.append({"name": f"{rng.choice(school['firsts'])} {rng.choice(school['lasts'])} M{len(mentors) + 1}",
                            "school": school["name"], "completed": D(2026, 8, 20) + datetime.timedelta(days=rng.randrange(10)),
                            "initial": rng.choice([20, 22, 24]), "refresher": 6, "trainees": []})
        mentor = mentors[-1]
        phase, subject = rng.choice(PHASES)
        test, scores, evidence = rng.choice(ENGLISH_TESTS)
        applied = D(2026, 1, 12) + datetime.timedelta(days=rng.randrange(90))
        trainee_id = f"T{index + 1:04d}"
        trainee = {
            "id": trainee_id, "name": f"{rng.choice(school['firsts'])} {rng.choice(school['lasts'])}",
            "country": school["country"], "phase": phase, "subject": subject, "school": school["name"],
            "mentor": mentor["name"], "applied": applied, "interview": applied + datetime.timedelta(days=14),
            "decision": applied + datetime.timedelta(days=20),
            "degree": f"BA (Hons) {subject}, University of {school['city']} (UK ENIC: comparable to UK Bachelor's degree)",
            "maths": "IGCSE Mathematics grade B", "science": "IGCSE Biology grade B",
            "test": test, "score": rng.choice(scores), "test_date": applied - datetime.timedelta(days=60),
            "english_evidence": evidence, "safeguarding": "ICPC",
            "safeguarding_date": D(2026, 5, 1) + datetime.timedelta(days=rng.randrange(60)),
            "days": 120 + rng.randrange(10), "planned": rng.choice([25.0, 25.5, 26.0, 27.0]),
            "expert": rng.choice([5.0, 5.5, 6.0]),
        }
        trainee["folder"] = f"{trainee_id} {trainee['name']}"
        mentor["trainees"].append(trainee_id)
        trainees.append(trainee)
    return schools, mentors, trainees


# ---------------------------------------------------------------------------
# Photographs: a few distinct JPEGs, drawn once, embedded in many files.

def write_photographs(folder, rng, count=4):
    """Write `count` JPEG photographs of classroom work and return their paths."""
    paths = []
    for index in range(count):
        width, height = 1000 + 80 * index, 750 + 60 * index
        image = Image.new("RGB", (width, height), (236 - 8 * index, 230, 214))
        draw = ImageDraw.Draw(image)
        for _ in range(500):
            x, y = rng.randrange(width), rng.randrange(height)
            colour = (rng.randrange(40, 200), rng.randrange(40, 200), rng.randrange(40, 200))
            draw.ellipse((x, y, x + rng.randrange(8, 60), y + rng.randrange(8, 60)), outline=colour, width=3)
        for line in range(0, height, 38):
            draw.line((60, line, width - 60, line + rng.randrange(-3, 4)), fill=(90, 110, 160), width=2)
        # Sensor noise keeps the JPEG near the size of a phone photograph.
        noise = Image.frombytes("L", (width, height), rng.randbytes(width * height)).convert("RGB")
        image = Image.blend(image, noise, 0.18).filter(ImageFilter.SMOOTH)
        path = os.path.join(folder, f"photo{index}.jpg")
        image.save(path, "JPEG", quality=80)
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------
# Templates: each written once by the office library, filled in per trainee.

PLACEHOLDERS = ["TRAINEE_ID", "TRAINEE_NAME", "SCHOOL", "MENTOR", "SUBJECT", "PHASE", "FOCUS", "DATE", "SCORE"]


def placeholder(key):
    return f"@@{key}@@"


def docx_template(path, title, sections, photo=None):
    document = new_document()
    document.add_heading(title, 0)
    document.add_paragraph(f"Trainee: {placeholder('TRAINEE_NAME')} ({placeholder('TRAINEE_ID')})")
    document.add_paragraph(f"Placement school: {placeholder('SCHOOL')}. Mentor: {placeholder('MENTOR')}.")
    document.add_paragraph(f"Subject and phase: {placeholder('SUBJECT')}, {placeholder('PHASE')}. "
                           f"Date: {placeholder('DATE')}.")
    for heading, paragraphs in sections:
        document.add_heading(heading, 1)
        for text in paragraphs:
            document.add_paragraph(text)
    if photo:
        document.add_paragraph("Photograph of the pupils' work from the lesson:")
        document.add_picture(photo, width=Cm(14))
    save_docx(document, path, title, D(2026, 11, 2), author="iQTS programme office")


def xlsx_template(path, title, sheet_name, headers, rows):
    workbook, sheet = new_workbook(sheet_name)
    write_header(sheet, 1, headers)
    write_table(sheet, 2, rows)
    save_xlsx(workbook, path, title, D(2026, 11, 2), author="iQTS programme office")


class Template:
    """The parts of an OOXML package, with the parts that hold placeholders marked."""

    def __init__(self, path):
        with zipfile.ZipFile(path) as archive:
            self.parts = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
        self.filled = {name for name, data in self.parts if name.endswith(".xml") and b"@@" in data}

    def write(self, path, values):
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in self.parts:
                if name in self.filled:
                    text = data.decode("utf-8")
                    for key, value in values.items():
                        text = text.replace(placeholder(key), escape(str(value)))
                    data = text.encode("utf-8")
                # Photographs are already compressed, so they are stored as they are.
                method = zipfile.ZIP_STORED if name.endswith((".jpeg", ".jpg", ".png")) else zipfile.ZIP_DEFLATED
                archive.writestr(fixed_zip_info(name), data, compress_type=method)


def observation_sections(rng, paragraphs):
    sentences = [
        "The trainee planned the lesson from the scheme of work and shared clear objectives with the class.",
        "Pupils settled quickly and the trainee used names to direct questions around the room.",
        "The explanation built on the previous lesson and checked prior knowledge with a short quiz.",
        "Some pupils finished early; an extension task would have kept them working on the objective.",
        "The mentor and trainee agreed two targets for the next observation, recorded below.",
        "Behaviour routines were applied consistently and the trainee praised effort precisely.",
        "The plenary asked pupils to explain the key idea in their own words before leaving.",
    ]
    text = [" ".join(rng.choice(sentences) for _ in range(5)) for _ in range(paragraphs)]
    return [("Strengths", text[: paragraphs // 2]), ("Areas for development", text[paragraphs // 2:]),
            ("Targets", [f"Target: {placeholder('FOCUS')}. Review at the next weekly mentor meeting."])]


def write_templates(folder, rng, photos):
    """Write every template once and return them by name."""
    paths = {}
    paths["observation"] = os.path.join(folder, "observation.docx")
    docx_template(paths["observation"], "Lesson observation record", observation_sections(rng, 8), photos[0])
    paths["review"] = os.path.join(folder, "review.docx")
    docx_template(paths["review"], "Termly progress review", observation_sections(rng, 14))
    paths["reflection"] = os.path.join(folder, "reflection.docx")
    docx_template(paths["reflection"], "ITAP reflective journal", observation_sections(rng, 10), photos[1])
    paths["interview"] = os.path.join(folder, "interview.docx")
    docx_template(paths["interview"], "Selection interview record", [
        ("Interview", [f"English language: {placeholder('SCORE')}. Safeguarding check requested.",
                       "The panel asked about subject knowledge, a short teaching task and suitability."]),
        ("Decision", ["Offer made, subject to the safeguarding check and the qualification checks."]),
    ])

    paths["hours"] = os.path.join(folder, "hours.xlsx")
    xlsx_template(paths["hours"], "Weekly training hours", "Hours",
                  ["Trainee ID", "Week commencing", "Days in school", "Centre-based hours", "Mentor meeting"],
                  [(placeholder("TRAINEE_ID"), D(2026, 9, 7) + datetime.timedelta(weeks=week), 5,
                    rng.choice([3.0, 3.5, 4.0]), "Yes") for week in range(36)])
    paths["targets"] = os.path.join(folder, "targets.xlsx")
    xlsx_template(paths["targets"], "Teachers' Standards tracker", "Standards",
                  ["Trainee ID", "Standard", "Evidence", "Judgement", "Mentor"],
                  [(placeholder("TRAINEE_ID"), f"TS{standard}", f"{placeholder('FOCUS')} (observation {standard})",
                    rng.choice(["Working towards", "Meeting", "Exceeding"]), placeholder("MENTOR"))
                   for standard in range(1, 9)])
    paths["lessons"] = os.path.join(folder, "lessons.xlsx")
    xlsx_template(paths["lessons"], "Lesson log", "Lessons",
                  ["Date", "Class", "Subject", "Lesson focus", "Observed"],
                  [(D(2026, 9, 14) + datetime.timedelta(days=2 * lesson), f"Year {7 + lesson % 5}",
                    placeholder("SUBJECT"), rng.choice(OBSERVATION_FOCUS), "Yes" if lesson % 6 == 0 else "No")
                   for lesson in range(80)])
    return {name: Template(path) for name, path in paths.items()}


# ---------------------------------------------------------------------------
# PDFs, written per trainee by reportlab.

def write_pdf(path, title, trainee, rng, pages, photos):
    """Write a PDF of `pages` text pages; every photo gets a page of its own."""
    document = canvas.Canvas(path, pagesize=A4, invariant=1)
    document.setTitle(title)
    document.setAuthor("iQTS programme office")
    width, height = A4
    for page in range(pages):
        document.setFont("Helvetica-Bold", 14)
        document.drawString(2 * cm, height - 2 * cm, f"{title} – page {page + 1}")
        document.setFont("Helvetica", 10)
        document.drawString(2 * cm, height - 2.8 * cm,
                            f"{trainee['name']} ({trainee['id']}), {trainee['school']}, mentor {trainee['mentor']}")
        y = height - 3.8 * cm
        while y > 2.5 * cm:
            document.drawString(2 * cm, y, f"{trainee['id']}: {rng.choice(OBSERVATION_FOCUS)}; evidence seen by the "
                                           f"mentor and discussed at the weekly meeting.")
            y -= 0.55 * cm
        document.showPage()
    for photo in photos:
        document.setFont("Helvetica", 10)
        document.drawString(2 * cm, height - 2 * cm, f"Evidence photograph for {trainee['id']}")
        document.drawImage(photo, 2 * cm, 6 * cm, width=width - 4 * cm, height=height - 10 * cm,
                           preserveAspectRatio=True)
        document.showPage()
    document.save()


# ---------------------------------------------------------------------------
# Registers.

def trainee_register(path, trainees):
    workbook, sheet = new_workbook(REGISTER_SHEET)
    sheet["A1"] = "Trainee register 2026-27"
    sheet["A2"] = "Confidential: personal data. Exported from the admissions system on 2026-09-15."
    write_header(sheet, REGISTER_HEADER_ROW, [header for header, _ in REGISTER_COLUMNS])
    write_table(sheet, REGISTER_HEADER_ROW + 1, [[t[key] for _, key in REGISTER_COLUMNS] for t in trainees])
    save_xlsx(workbook, path, "Trainee register 2026-27", D(2026, 9, 15), author="Admissions office")


def placement_log(path, trainees, schools):
    workbook, sheet = new_workbook("Placements")
    write_header(sheet, 1, ["Trainee ID", "Placement school", "Start date", "End date", "Days in school",
                            "ITAP days", "ITAP planned hours per week", "ITAP expert hours per week",
                            "Second school experience"])
    write_table(sheet, 2, [(t["id"], t["school"], D(2026, 9, 7), D(2027, 6, 25), t["days"], 20, t["planned"],
                            t["expert"], "5 days, 2027-05-10 to 2027-05-14") for t in trainees])
    school_sheet = workbook.create_sheet("Schools")
    write_header(school_sheet, 1, ["School", "City", "Country", "Address", "School contact", "Contact email",
                                   "Headteacher", "Closure dates 2026-27"])
    write_table(school_sheet, 2, [(s["name"], s["city"], s["country"], s["address"], s["contact"], s["email"],
                                   s["headteacher"], s["closures"]) for s in schools])
    save_xlsx(workbook, path, "Placement log 2026-27", D(2026, 9, 1), author="Placement office")


def mentor_list(path, mentors):
    workbook, sheet = new_workbook("Mentors")
    write_header(sheet, 1, ["Mentor name", "School", "Role", "Mentor training completed", "Initial training hours",
                            "Refresher hours 2026-27", "Trainees mentored"])
    write_table(sheet, 2, [(m["name"], m["school"], "General mentor", m["completed"], m["initial"], m["refresher"],
                            ", ".join(m["trainees"])) for m in mentors])
    save_xlsx(workbook, path, "Mentor list 2026-27", D(2026, 8, 31), author="Lead mentor")


def itap_log(path, trainees):
    workbook, sheet = new_workbook("ITAP log")
    write_header(sheet, 1, ["Trainee ID", "Week commencing", "ITAP focus", "ITTECF statements",
                            "Planned and supported hours", "Expert support hours", "Expert", "Expert role"])
    write_table(sheet, 2, [(t["id"], monday, focus, statements, t["planned"], t["expert"], "Dr Rachel Okoye",
                            "Lead mentor") for t in trainees for monday, focus, statements in ITAP_WEEKS])
    save_xlsx(workbook, path, "ITAP log 2026-27", D(2026, 10, 12), author="Lead mentor")


def itap_logs_zip(path, inner):
    with open(inner, "rb") as handle:
        data = handle.read()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(fixed_zip_info("ITAP log.xlsx"), data, compress_type=zipfile.ZIP_DEFLATED)


# ---------------------------------------------------------------------------
# The export.

class Export:
    def __init__(self, root):
        self.root = root

    def path(self, relative):
        path = os.path.join(self.root, *relative.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return path


def programme_documents(export, schools):
    selection_policy(export.path(PART1 + "/Selection policy.docx"))
    course_information(export.path(PART1 + "/Course information.docx"))
    programme_handbook(export.path(PART2 + "/Programme handbook.docx"))
    mentor_handbook(export.path(PART2 + "/Mentor handbook.docx"))
    placement_handbook(export.path(PART2 + "/Placement handbook.docx"))
    assessment_framework(export.path(ASSESSMENT_FILE))
    curriculum_map(export.path(PART2 + "/Curriculum map.xlsx"))
    for number, title, statements in [(1, "High expectations", "1.1-1.3"), (2, "How pupils learn", "2.1-2.3"),
                                      (3, "Subject and curriculum", "3.1-3.4"), (4, "Classroom practice", "4.1-4.3")]:
        course_session(export.path(f"{COURSE_MATERIALS}/Session {number:02d} – {title}.docx"), number, title,
                       statements)
    quality_assurance_statement(export.path(PART3 + "/Quality assurance statement.docx"))
    data_protection_policy(export.path(PART3 + "/Data protection policy.docx"))
    safeguarding_policy(export.path(PART3 + "/Safeguarding policy.docx"))
    organogram(export.path(PART3 + "/Organogram.pdf"))
    for school in schools:
        save_docx(agreement_document(school), export.path(f"{AGREEMENTS}/{school['name']} partnership agreement.docx"),
                  f"iQTS partnership agreement – {school['name']}", D(2026, 8, 20), author="Placement office")
    for name, folder in [("Complaints procedure", PART1), ("Trainee timetable", PART2)]:
        document = canvas.Canvas(export.path(f"{folder}/{name}.pdf"), pagesize=A4, invariant=1)
        document.setTitle(name)
        for page in range(3):
            document.setFont("Helvetica", 11)
            for line in range(40):
                document.drawString(2 * cm, A4[1] - (2 + 0.6 * line) * cm,
                                    f"{PROVIDER}: {name}, page {page + 1}, paragraph {line + 1}.")
            document.showPage()
        document.save()


def trainee_evidence(export, trainee, templates, photos, seed):
    """Write the evidence files of one trainee and return their export-relative paths.

    Each trainee has a random generator of its own, so the bytes do not
    depend on which worker process writes which trainee.
    """
    rng = random.Random(f"{seed}:{trainee['id']}")
    values = {"TRAINEE_ID": trainee["id"], "TRAINEE_NAME": trainee["name"], "SCHOOL": trainee["school"],
              "MENTOR": trainee["mentor"], "SUBJECT": trainee["subject"], "PHASE": trainee["phase"],
              "FOCUS": rng.choice(OBSERVATION_FOCUS), "DATE": (D(2026, 10, 5) + datetime.timedelta(
                  days=rng.randrange(120))).isoformat(), "SCORE": f"{trainee['test']} {trainee['score']}"}
    entry = f"{ENTRY_FILES}/{trainee['folder']}"
    training = f"{TRAINEE_FILES}/{trainee['folder']}"
    written = []

    def fill(name, relative):
        templates[name].write(export.path(relative), values)
        written.append(relative)

    fill("interview", f"{entry}/Interview record.docx")
    fill("observation", f"{training}/Lesson observation 1.docx")
    fill("observation", f"{training}/Lesson observation 2.docx")
    fill("review", f"{training}/Progress review.docx")
    fill("reflection", f"{training}/ITAP reflective journal.docx")
    fill("hours", f"{training}/Weekly hours.xlsx")
    fill("targets", f"{training}/Standards tracker.xlsx")
    fill("lessons", f"{training}/Lesson log.xlsx")

    pdfs = [(f"{entry}/English test certificate.pdf", "English language test result", 1, []),
            (f"{entry}/Safeguarding check.pdf", "International child protection certificate", 2, []),
            (f"{training}/Teaching practice file.pdf", "Teaching practice file", 6, [rng.choice(photos)]),
            (f"{training}/Mentor meeting notes.pdf", "Weekly mentor meeting notes", 4, []),
            (f"{training}/Pupil work samples.pdf", "Pupil work samples", 1, rng.sample(photos, 2))]
    for relative, title, pages, pictures in pdfs:
        write_pdf(export.path(relative), title, trainee, rng, pages, pictures)
        written.append(relative)
    return written


def export_files(root):
    """Return every file of the export as sorted export-relative paths."""
    entries = []
    for folder, directories, files in os.walk(root):
        directories.sort()
        for name in files:
            entries.append(os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/"))
    return sorted(entries)


def write_zip(path, root, root_name, relatives):
    # Level 1 keeps writing fast; most members (Office files, PDFs with
    # photographs) are compressed already, so higher levels gain little.
    with zipfile.ZipFile(path, "w", compresslevel=1) as archive:
        for relative in relatives:
            with open(os.path.join(root, relative), "rb") as handle:
                data = handle.read()
            archive.writestr(fixed_zip_info(f"{root_name}/{relative}"), data, compress_type=zipfile.ZIP_DEFLATED)
    os.utime(path, (FILE_MTIME, FILE_MTIME))


def write_split_zips(folder, root, root_name, relatives):
    """Split the export in two parts of about equal size, each file whole in one part."""
    total = sum(os.path.getsize(os.path.join(root, relative)) for relative in relatives)
    first, second, size = [], [], 0
    for relative in relatives:
        (first if size < total / 2 else second).append(relative)
        size += os.path.getsize(os.path.join(root, relative))
    os.makedirs(folder, exist_ok=True)
    write_zip(os.path.join(folder, "export-001.zip"), root, root_name, first)
    write_zip(os.path.join(folder, "export-002.zip"), root, root_name, second)


# State that the worker processes inherit when they are forked.
WORKER_STATE = {}


def write_trainee(trainee):
    state = WORKER_STATE
    return trainee_evidence(state["export"], trainee, state["templates"], state["photos"], state["seed"])


def write_changed_copy(out, export, relative, templates, trainee):
    """Write a copy of one evidence docx with a different focus, for the rescan benchmark."""
    target = os.path.join(out, "changed", *relative.split("/"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    values = {key: trainee.get(key.lower(), "") for key in PLACEHOLDERS}
    values.update(TRAINEE_ID=trainee["id"], TRAINEE_NAME=trainee["name"], SCHOOL=trainee["school"],
                  MENTOR=trainee["mentor"], FOCUS="changed after the first scan", DATE="2027-02-09")
    templates["observation"].write(target, values)
    with open(os.path.join(out, "changed.txt"), "w", encoding="utf-8") as handle:
        handle.write(relative + "\n")


def main():
    parser = argparse.ArgumentParser(description="Write a synthetic iQTS provider export for the benchmark.")
    parser.add_argument("--trainees", type=int, default=200, help="number of trainees (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="seed of every random choice (default 1)")
    parser.add_argument("--out", required=True, help="output folder; replaced when it exists")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="worker processes (default: 2, or 1 on one core)")
    arguments = parser.parse_args()
    if arguments.trainees < 1:
        parser.error(f"--trainees {arguments.trainees}: give at least 1")

    started = time.monotonic()
    out = os.path.abspath(arguments.out)
    if os.path.exists(out):
        shutil.rmtree(out)
    root = os.path.join(out, "export")
    os.makedirs(root)
    export = Export(root)
    rng = random.Random(arguments.seed)
    schools, mentors, trainees = build_cohort(arguments.trainees, rng)

    with tempfile.TemporaryDirectory(prefix="iqts-bench-") as workdir:
        photos = write_photographs(workdir, rng)
        # reportlab names an embedded image after its file name. The work
        # folder becomes the working folder and the photographs are named
        # relative to it, so the PDFs do not depend on the temporary path.
        os.chdir(workdir)
        photos = [os.path.basename(photo) for photo in photos]
        templates = write_templates(workdir, rng, photos)
        programme_documents(export, schools)
        trainee_register(export.path(REGISTER_PATH), trainees)
        placement_log(export.path(PART2 + "/Placement log.xlsx"), trainees, schools)
        mentor_list(export.path(PART2 + "/Mentor list.xlsx"), mentors)
        itap_inner = os.path.join(workdir, "ITAP log.xlsx")
        itap_log(itap_inner, trainees)
        itap_logs_zip(export.path(PART2 + "/ITAP logs.zip"), itap_inner)
        WORKER_STATE.update(export=export, templates=templates, photos=photos, seed=arguments.seed)
        with multiprocessing.get_context("fork").Pool(max(1, arguments.jobs)) as pool:
            written = pool.map(write_trainee, trainees, chunksize=4)
        changed = next(relative for relative in written[0] if relative.endswith("Lesson observation 2.docx"))
        write_changed_copy(out, export, changed, templates, trainees[0])
        compliance_grid(export.path(INSPECTION_FOLDER + "/Compliance grid.xlsx"), root)
        os.chdir(out)

    relatives = export_files(root)
    for relative in relatives:
        os.utime(os.path.join(root, relative), (FILE_MTIME, FILE_MTIME))
    generated = time.monotonic()
    # The split zips are written in a second process beside the whole zip.
    split = multiprocessing.get_context("fork").Process(
        target=write_split_zips, args=(os.path.join(out, "split"), root, "export", relatives))
    split.start()
    write_zip(os.path.join(out, "export.zip"), root, "export", relatives)
    split.join()
    if split.exitcode != 0:
        sys.exit(f"make_export.py: writing the split zips failed (exit {split.exitcode})")
    size = sum(os.path.getsize(os.path.join(root, relative)) for relative in relatives)
    print(f"make_export.py: {arguments.trainees} trainees, {len(relatives)} files, {size / 1048576:.0f} MiB "
          f"in {out} (files {generated - started:.0f} s, zips {time.monotonic() - generated:.0f} s)")


if __name__ == "__main__":
    main()
