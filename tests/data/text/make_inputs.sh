#!/usr/bin/env bash
# Regenerates the PDF, CSV, HTML and plain-text inputs of
# extract_text_formats_test.cpp in this folder. Needs python3-docx,
# python3-reportlab, LibreOffice (soffice), poppler-utils (pdftoppm), qpdf
# and glibc iconv. The names and figures are invented.
set -euo pipefail
cd "$(dirname "$0")"
# Debian's own interpreter, which imports the python3-* packages.
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A two-page Word file with a title property, printed to PDF by LibreOffice.
"$python" - "$work/placement_report.docx" <<'EOF'
import sys
from docx import Document
from docx.enum.text import WD_BREAK
document = Document()
document.core_properties.title = "Placement report"
document.add_paragraph("Placement report for the autumn term.")
document.add_paragraph("The mentor observed twelve lessons at Harbour View School.")
document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
document.add_paragraph("Second page: the trainee met every standard.")
document.save(sys.argv[1])
EOF
soffice -env:UserInstallation="file://$work/profile" --headless --convert-to pdf \
    --outdir "$work" "$work/placement_report.docx" >/dev/null
cp "$work/placement_report.pdf" placement_report.pdf

# The same file saved in the legacy binary Word format (an OLE container).
soffice -env:UserInstallation="file://$work/profile" --headless --convert-to doc \
    --outdir "$work" "$work/placement_report.docx" >/dev/null
cp "$work/placement_report.doc" placement_report.doc

# The same report as a picture only: page 1 rendered to PNG and placed in a PDF.
pdftoppm -r 50 -png -f 1 -l 1 placement_report.pdf "$work/page"
"$python" - "$work"/page-1.png scanned_report.pdf <<'EOF'
import sys
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
page = canvas.Canvas(sys.argv[2], pagesize=A4)
page.drawImage(sys.argv[1], 0, 0, width=A4[0], height=A4[1])
page.save()
EOF

# Real words with unusual capitals, which must not look like a garbled text layer.
"$python" - product_names.pdf <<'EOF'
import sys
from reportlab.pdfgen import canvas
page = canvas.Canvas(sys.argv[1], invariant=1)
page.drawString(72, 720, "iQTS evidence: PowerPoint slides, PDFs and YouTube links.")
page.drawString(72, 700, "McDonald uploaded the eLearning record from an iPhone.")
page.save()
EOF

# Encrypted copies: one needs a password to open, one only restricts editing.
qpdf --encrypt user-secret owner-secret 256 -- placement_report.pdf locked_report.pdf
qpdf --encrypt "" owner-secret 256 -- placement_report.pdf restricted_report.pdf

# One register in several encodings and delimiters.
register='Trainee,Surname,IELTS,Mentor
T001,Brontë,6.5,Zoë Price
T002,O'"'"'Neill,7,£ paid'
printf '\xEF\xBB\xBF%s\n' "$register" > register_utf8_bom.csv
{ printf '\xFF\xFE'; printf '%s\r\n' "$register" | iconv -f UTF-8 -t UTF-16LE; } > register_utf16le_bom.csv
{ printf '\xFE\xFF'; printf '%s\r\n' "$register" | iconv -f UTF-8 -t UTF-16BE; } > register_utf16be_bom.csv
printf '%s\r\n' "$register" | iconv -f UTF-8 -t UTF-16LE > register_utf16le.csv
printf '%s\r\n' "$register" | iconv -f UTF-8 -t WINDOWS-1252 > register_windows1252.csv
printf '%s\n' "$register" | tr ',' ';' > register_semicolon.csv
printf '%s\n' "$register" | tr ',' '\t' > register_tab.csv

# Quoted fields holding the delimiter, a doubled quote and line breaks.
cat > quoted_fields.csv <<'EOF'
Trainee,Comment,Hours
T001,"Observed ""outstanding"" lesson, Year 5",12
T002,"First line

Third line",-3
EOF

# Plain text and Markdown: paragraphs separated by blank lines.
printf 'Mentor meeting notes\nWeek 3\n\nTrainee planned a phonics lesson.\n\n\nNext review in May.\n' > notes.txt
printf 'Mentor meeting notes\r\nWeek 3\r\n\r\nCafé visit planned.\r\n' | iconv -f UTF-8 -t UTF-16LE > notes_utf16le.txt
printf 'Mentor meeting notes\nWeek 3\n\nCafé visit planned.\n' | iconv -f UTF-8 -t WINDOWS-1252 > notes_windows1252.txt
printf '# Induction\n\nSafeguarding training on *1 September*.\n' > induction.md

# HTML: title, entities, a script and a style, a link and a table.
cat > handbook.html <<'EOF'
<!DOCTYPE html>
<html>
<head>
<title>Trainee handbook</title>
<style>p.hidden-rule { color: red; }</style>
<script>var trackingCode = 1;</script>
</head>
<body>
<h1>Trainee   handbook</h1>
<p>Tom &amp; Jerry School: 4 &lt; 5 &mdash; café&nbsp;rules.</p>
<p>Read the <a href="https://example.org/policy">safeguarding policy</a> first.<br>Then sign it.</p>
<table>
<tr><th>Week</th><th>Hours</th></tr>
<tr><td>1</td><td>12 <b>taught</b></td></tr>
</table>
<div>Closing note</div>
</body>
</html>
EOF
printf '<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head><body><p>Caf\xe9 \x80 5</p></body></html>\n' > menu_windows1252.html
