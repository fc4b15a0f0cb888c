#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>

#include "iqts/host/report_formats.hpp"

namespace {

namespace fs = std::filesystem;
using iqts::FileRecord;
using iqts::FileStatus;
using iqts::Finding;
using iqts::Status;
using iqts::host::CriterionResult;
using iqts::host::GridRow;
using iqts::host::Report;

using Row = std::vector<std::string>;
using Sheets = std::map<std::string, std::vector<Row>>;

const std::string kRegister = "Colegio export/Part 1/Trainee register.xlsx";
const std::string kCertificates = "Colegio export/Part 1/IELTS certificates.pdf";
const std::string kGridEvidence = "Colegio export/Part 1/Grid evidence.docx";
const std::string kArchived = "Colegio San José.zip!/Part 1/Trainee register.xlsx";
const std::string kTruncationMark = " … [truncated]";
const std::size_t kLongMessageLength = 40000;




// A report with a criterion of every status, text that looks like formulas,
// a finding with two evidence items and grid rows that are linked, inside an
// archive, broken and for an unknown criterion. `export_folder` is the
// folder export "Colegio export" on disk.
Report sample_report(const fs::path& export_folder) {
    Report report;
    report.tool_version = "0.1.0";
    report.export_paths = {export_folder.string()};

    report.criteria = {
        CriterionResult{{"C1.1", 1, "Entry requirements", ""}, Status::pass,
                  {{Status::pass, "T001", "GCSE English grade 5", {{kGridEvidence, "Trainees!E4"}}}}, {}},
        CriterionResult{{"C1.3", 1, "English language proficiency", ""}, Status::fail,
                  {{Status::fail, "T006", "=SUM(A1)", {{kRegister, "Trainees!M10"}, {kCertificates, "page 2"}}},
                   {Status::pass, "T001", "IELTS overall 7.0", {{kRegister, "Trainees!M4"}}}}, {}},
        CriterionResult{{"C2.2", 2, "Placements in two schools", ""}, Status::missing,
                  {{Status::missing, "Colegio San José", "no placement record names this school", {}}}, {}},
        CriterionResult{{"C2.4", 2, "Mentor training", ""}, Status::review,
                  {{Status::review, "+44 mentor", "-1 hours recorded", {}},
                   {Status::review, "@mentor", std::string(kLongMessageLength, 'a'), {}}}, {}},
        CriterionResult{{"C3.1", 3, "Quality assurance", ""}, Status::waived,
                  {{Status::waived, "", "annual review waived until 2025-09-01", {}}}, {}},
        CriterionResult{{"SAFEGUARDING", 0, "Safeguarding policy", ""}, Status::error,
                  {{Status::error, "_x0041_", "the check stopped after 30 seconds", {}}}, {}},
    };

    report.grid.path = "Colegio export/Compliance grid.xlsx";
    report.grid.rows = {
        GridRow{"C1.1", "Entry policy", "Part 1/Grid evidence.docx", "resolved", kGridEvidence, {}, "Grid!D3", ""},
        GridRow{"C1.3", "Trainee register", "Part 1/Trainee register.xlsx", "resolved", kArchived, {}, "Grid!D5", ""},
        GridRow{"c1.3", "English tests", "Part 1/English tests.docx", "broken", "",
                {"Colegio export/Part 1/English test results.docx"}, "Grid!D6", ""},
        GridRow{"C9.9", "Unknown evidence", "Part 9/other.docx", "broken", "", {}, "Grid!D40", ""},
    };

    report.files = {
        FileRecord{kRegister, "xlsx", FileStatus::read, "", 0, ""},
        FileRecord{"Colegio export/~$lock.docx", "unknown", FileStatus::skipped, "Office lock file", 0, ""},
        FileRecord{"Colegio export/Part 2/Mentor curriculum.pdf", "pdf", FileStatus::unreadable, "encrypted PDF", 0, ""},
        FileRecord{"Colegio export/Part 3/big.zip", "zip", FileStatus::review, "exceeds the nesting depth of 4", 0, ""},
    };
    return report;
}

// Creates the folder export on disk with the one file the grid links to.
fs::path make_export(const fs::path& root) {
    const fs::path folder = root / "Colegio export";
    fs::create_directories(folder / "Part 1");
    std::ofstream(folder / "Part 1" / "Grid evidence.docx") << "placeholder";
    return folder;
}

struct Run {
    int exit_code = -1;
    std::string output;
};

Run run(const std::string& command, const std::vector<std::string>& arguments, const Poco::Process::Env& env = {}) {
    Poco::Pipe output_pipe;
    Poco::ProcessHandle handle =
        Poco::Process::launch(command, arguments, std::string(), nullptr, &output_pipe, &output_pipe, env);
    Poco::PipeInputStream output_stream(output_pipe);
    Run result;
    result.output.assign(std::istreambuf_iterator<char>(output_stream), std::istreambuf_iterator<char>());
    result.exit_code = handle.wait();
    return result;
}

// Converts every sheet of `workbook` to CSV with LibreOffice, which writes
// WORKBOOK-SHEET.csv per sheet (checked with LibreOffice 7.4), and reads the
// CSV files back with Python's csv module. The private profile and HOME keep
// concurrent runs apart.
Sheets read_back_with_libreoffice(const fs::path& workbook, const fs::path& scratch) {
    const fs::path out = scratch / "csv";
    const fs::path home = scratch / "home";
    fs::create_directories(out);
    fs::create_directories(home);

    const Run converted = run("timeout", {"300", "soffice", "-env:UserInstallation=file://" + (scratch / "profile").string(),
                                          "--headless", "--convert-to",
                                          "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                                          "--outdir", out.string(), workbook.string()},
                              {{"HOME", home.string()}});
    if (converted.exit_code != 0) {
        throw std::runtime_error("soffice failed with status " + std::to_string(converted.exit_code) + ": " +
                                 converted.output);
    }

    const std::string reader =
        "import csv, json, pathlib, sys\n"
        "stem = pathlib.Path(sys.argv[2]).stem + '-'\n"
        "sheets = {}\n"
        "for path in sorted(pathlib.Path(sys.argv[1]).glob('*.csv')):\n"
        "    with open(path, newline='', encoding='utf-8') as f:\n"
        "        sheets[path.stem[len(stem):]] = list(csv.reader(f))\n"
        "print(json.dumps(sheets))\n";
    const Run parsed = run("/usr/bin/python3", {"-c", reader, out.string(), workbook.string()});
    if (parsed.exit_code != 0) {
        throw std::runtime_error("reading the CSV files failed: " + parsed.output);
    }

    Sheets sheets;
    Poco::JSON::Parser parser;
    const auto root = parser.parse(parsed.output).extract<Poco::JSON::Object::Ptr>();
    for (const std::string& name : root->getNames()) {
        const auto rows = root->getArray(name);
        for (std::size_t r = 0; r < rows->size(); ++r) {
            const auto cells = rows->getArray(static_cast<unsigned>(r));
            Row row;
            for (std::size_t c = 0; c < cells->size(); ++c) {
                row.push_back(cells->getElement<std::string>(static_cast<unsigned>(c)));
            }
            sheets[name].push_back(row);
        }
    }
    return sheets;
}

// Returns every entry of the zip `path` by name, read with libarchive.
std::map<std::string, std::string> zip_entries(const fs::path& path) {
    std::map<std::string, std::string> entries;
    archive* reader = archive_read_new();
    archive_read_support_format_zip(reader);
    if (archive_read_open_filename(reader, path.c_str(), 1 << 16) != ARCHIVE_OK) {
        const std::string reason = archive_error_string(reader);
        archive_read_free(reader);
        throw std::runtime_error("cannot open " + path.string() + ": " + reason);
    }
    archive_entry* entry = nullptr;
    while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
        std::string content;
        char buffer[1 << 14];
        la_ssize_t read = 0;
        while ((read = archive_read_data(reader, buffer, sizeof buffer)) > 0) {
            content.append(buffer, static_cast<std::size_t>(read));
        }
        entries[archive_entry_pathname(entry)] = content;
    }
    archive_read_free(reader);
    return entries;
}

pugi::xml_document parse_xml(const std::string& text) {
    pugi::xml_document document;
    const pugi::xml_parse_result result = document.load_string(text.c_str());
    if (!result) {
        throw std::runtime_error(std::string("invalid XML: ") + result.description());
    }
    return document;
}

// The workbook of the sample report, written afresh for each test.
class XlsxReport : public ::testing::Test {
protected:
    void SetUp() override {
        scratch_.createDirectories();
        root_ = scratch_.path();
        export_folder_ = make_export(root_);
        fs::create_directories(root_ / "out");
        workbook_ = root_ / "out" / "grid.xlsx";
        iqts::host::write_xlsx(sample_report(export_folder_), workbook_.string());
        entries_ = zip_entries(workbook_);
    }

    // Returns the fill and font colours of cell `reference` in `sheet_xml`,
    // as ARGB hex from xl/styles.xml.
    std::pair<std::string, std::string> cell_colours(const std::string& sheet_xml, const std::string& reference) {
        const auto sheet = parse_xml(entries_.at(sheet_xml));
        const auto styles = parse_xml(entries_.at("xl/styles.xml"));
        const auto cell = sheet.select_node(("//c[@r='" + reference + "']").c_str()).node();
        const int style = cell.attribute("s").as_int();
        const auto xf = styles.select_nodes("/styleSheet/cellXfs/xf")[style].node();
        const auto fill = styles.select_nodes("/styleSheet/fills/fill")[xf.attribute("fillId").as_int()].node();
        const auto font = styles.select_nodes("/styleSheet/fonts/font")[xf.attribute("fontId").as_int()].node();
        return {fill.select_node("patternFill/fgColor").node().attribute("rgb").value(),
                font.select_node("color").node().attribute("rgb").value()};
    }

    // Removed with everything in it when the test ends.
    Poco::TemporaryFile scratch_;
    fs::path root_;
    fs::path export_folder_;
    fs::path workbook_;
    std::map<std::string, std::string> entries_;
};

// LibreOffice opening the file is the check that it is a valid workbook,
// so every cell read back is checked in this one test and the conversion
// (about 30 seconds) runs once.
TEST_F(XlsxReport, SheetsReadBackByLibreOffice) {
    const Sheets sheets = read_back_with_libreoffice(workbook_, root_);
    ASSERT_EQ(sheets.size(), 3u);

    const std::vector<Row>& grid = sheets.at("Compliance grid");
    ASSERT_EQ(grid.size(), 9u);
    EXPECT_EQ(grid[0], (Row{"Part", "Criterion", "Heading", "Status", "Findings", "Evidence", "Evidence path", "Link",
                            "Closest files"}));
    EXPECT_EQ(grid[1], (Row{"1", "C1.1", "Entry requirements", "pass", "0", "Entry policy", kGridEvidence, "resolved", ""}));
    EXPECT_EQ(grid[2], (Row{"1", "C1.3", "English language proficiency", "fail", "1", "Trainee register", kArchived,
                            "resolved", ""}));
    EXPECT_EQ(grid[3], (Row{"1", "C1.3", "English language proficiency", "fail", "1", "English tests",
                            "Part 1/English tests.docx", "broken", "Colegio export/Part 1/English test results.docx"}));
    EXPECT_EQ(grid[4], (Row{"2", "C2.2", "Placements in two schools", "missing", "1", "", "", "", ""}));
    EXPECT_EQ(grid[5], (Row{"2", "C2.4", "Mentor training", "review", "2", "", "", "", ""}));
    EXPECT_EQ(grid[6], (Row{"3", "C3.1", "Quality assurance", "waived", "1", "", "", "", ""}));
    EXPECT_EQ(grid[7], (Row{"other", "SAFEGUARDING", "Safeguarding policy", "error", "1", "", "", "", ""}));
    EXPECT_EQ(grid[8], (Row{"", "C9.9", "", "", "", "Unknown evidence", "Part 9/other.docx", "broken", ""}));

    const std::vector<Row>& findings = sheets.at("Findings");
    const std::string truncated = std::string(32767 - 14, 'a') + kTruncationMark;
    ASSERT_EQ(findings.size(), 10u);
    EXPECT_EQ(findings[0], (Row{"Criterion", "Status", "Subject", "Message", "Evidence path", "Location"}));
    EXPECT_EQ(findings[1], (Row{"C1.1", "pass", "T001", "GCSE English grade 5", kGridEvidence, "Trainees!E4"}));
    EXPECT_EQ(findings[2], (Row{"C1.3", "fail", "T006", "=SUM(A1)", kRegister, "Trainees!M10"}));
    EXPECT_EQ(findings[3], (Row{"C1.3", "fail", "T006", "=SUM(A1)", kCertificates, "page 2"}));
    EXPECT_EQ(findings[4], (Row{"C1.3", "pass", "T001", "IELTS overall 7.0", kRegister, "Trainees!M4"}));
    EXPECT_EQ(findings[5],
              (Row{"C2.2", "missing", "Colegio San José", "no placement record names this school", "", ""}));
    EXPECT_EQ(findings[6], (Row{"C2.4", "review", "+44 mentor", "-1 hours recorded", "", ""}));
    EXPECT_EQ(findings[7], (Row{"C2.4", "review", "@mentor", truncated, "", ""}));
    EXPECT_EQ(findings[8], (Row{"C3.1", "waived", "", "annual review waived until 2025-09-01", "", ""}));
    EXPECT_EQ(findings[9], (Row{"SAFEGUARDING", "error", "_x0041_", "the check stopped after 30 seconds", "", ""}));

    const std::vector<Row>& files = sheets.at("Files");
    ASSERT_EQ(files.size(), 4u);
    EXPECT_EQ(files[0], (Row{"Path", "Kind", "Status", "Reason"}));
    EXPECT_EQ(files[1], (Row{"Colegio export/Part 2/Mentor curriculum.pdf", "pdf", "unreadable", "encrypted PDF"}));
    EXPECT_EQ(files[2], (Row{"Colegio export/Part 3/big.zip", "zip", "review", "exceeds the nesting depth of 4"}));
    EXPECT_EQ(files[3], (Row{"Colegio export/~$lock.docx", "unknown", "skipped", "Office lock file"}));
}

TEST_F(XlsxReport, NoCellHoldsAFormula) {
    for (const auto& [name, content] : entries_) {
        if (name.starts_with("xl/worksheets/sheet")) {
            EXPECT_TRUE(parse_xml(content).select_nodes("//f").empty()) << name;
        }
    }
}

TEST_F(XlsxReport, FormulaTextIsASharedString) {
    const auto strings = parse_xml(entries_.at("xl/sharedStrings.xml"));
    EXPECT_TRUE(strings.select_node("//si/t[text()='=SUM(A1)']")) << "=SUM(A1) is not stored as text";
}

TEST_F(XlsxReport, StatusCellsCarryTheirColours) {
    const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
        {"D2", "FFC6EFCE", "FF006100"},   // pass: green
        {"D3", "FFFFC7CE", "FF9C0006"},   // fail: red
        {"D5", "FFF8CBAD", "FF833C0B"},   // missing: orange
        {"D6", "FFFFEB9C", "FF7F4F00"},   // review: yellow
        {"D7", "FFD9E1F2", "FF1F3864"},   // waived: grey-blue
        {"D8", "FF9C0006", "FFFFFFFF"},   // error: dark red, white text
    };
    for (const auto& [cell, fill, font] : cases) {
        const auto [actual_fill, actual_font] = cell_colours("xl/worksheets/sheet1.xml", cell);
        EXPECT_EQ(actual_fill, fill) << cell;
        EXPECT_EQ(actual_font, font) << cell;
    }
}

TEST_F(XlsxReport, FolderEvidenceLinksRelativeToWorkbook) {
    const auto sheet = parse_xml(entries_.at("xl/worksheets/sheet1.xml"));
    const auto relations = parse_xml(entries_.at("xl/worksheets/_rels/sheet1.xml.rels"));
    const auto link = sheet.select_node("//hyperlink[@ref='F2']").node();
    const std::string id = link.attribute("r:id").value();
    const auto target = relations.select_node(("//Relationship[@Id='" + id + "']").c_str()).node();
    EXPECT_EQ(std::string(target.attribute("Target").value()), "..\\Colegio%20export\\Part%201\\Grid%20evidence.docx");
    EXPECT_EQ(std::string(target.attribute("TargetMode").value()), "External");
}

TEST_F(XlsxReport, FindingEvidenceLinksToFile) {
    const auto sheet = parse_xml(entries_.at("xl/worksheets/sheet2.xml"));
    const auto relations = parse_xml(entries_.at("xl/worksheets/_rels/sheet2.xml.rels"));
    const std::string id = sheet.select_node("//hyperlink[@ref='E2']").node().attribute("r:id").value();
    const auto target = relations.select_node(("//Relationship[@Id='" + id + "']").c_str()).node();
    EXPECT_EQ(std::string(target.attribute("Target").value()), "..\\Colegio%20export\\Part%201\\Grid%20evidence.docx");
}

TEST_F(XlsxReport, ArchiveEvidenceIsNotALink) {
    const auto sheet = parse_xml(entries_.at("xl/worksheets/sheet1.xml"));
    EXPECT_FALSE(sheet.select_node("//hyperlink[@ref='F3']"));
}

TEST_F(XlsxReport, HeaderFrozenAndFiltered) {
    const auto sheet = parse_xml(entries_.at("xl/worksheets/sheet1.xml"));
    EXPECT_EQ(std::string(sheet.select_node("//sheetView/pane").node().attribute("state").value()), "frozen");
    EXPECT_EQ(std::string(sheet.select_node("//autoFilter").node().attribute("ref").value()), "A1:I9");
}

TEST_F(XlsxReport, PropertiesHoldTitleAndNoPerson) {
    const auto core = parse_xml(entries_.at("docProps/core.xml"));
    EXPECT_EQ(std::string(core.select_node("//dc:title").node().child_value()), "iQTS compliance grid – scan report");
    EXPECT_EQ(std::string(core.select_node("//dc:creator").node().child_value()), "");
    EXPECT_EQ(std::string(core.select_node("//cp:lastModifiedBy").node().child_value()), "");
}

TEST_F(XlsxReport, LeavesNoTemporaryFile) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(workbook_.parent_path())) {
        names.push_back(entry.path().filename().string());
    }
    EXPECT_EQ(names, std::vector<std::string>{"grid.xlsx"});
}

TEST_F(XlsxReport, ReplacesExistingFile) {
    std::ofstream(workbook_, std::ios::trunc) << "old report";
    iqts::host::write_xlsx(sample_report(export_folder_), workbook_.string());
    EXPECT_EQ(zip_entries(workbook_).count("xl/workbook.xml"), 1u);
}

TEST(XlsxReportErrors, MissingFolderNamesThePath) {
    Poco::TemporaryFile scratch;
    scratch.createDirectories();
    const fs::path root = scratch.path();
    const std::string path = (root / "no such folder" / "grid.xlsx").string();
    try {
        iqts::host::write_xlsx(Report{}, path);
        FAIL() << "no exception for " << path;
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
    }
}

TEST(EvidenceFileOnDisk, FindsFileOfFolderExport) {
    Poco::TemporaryFile scratch;
    scratch.createDirectories();
    const fs::path root = scratch.path();
    Report report;
    report.export_paths = {make_export(root).string() + "/"};
    const auto found = iqts::host::evidence_file_on_disk(report, kGridEvidence);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(*found, root / "Colegio export" / "Part 1" / "Grid evidence.docx");
}

TEST(EvidenceFileOnDisk, RejectsArchiveAndEscapingPaths) {
    Poco::TemporaryFile scratch;
    scratch.createDirectories();
    const fs::path root = scratch.path();
    Report report;
    report.export_paths = {make_export(root).string()};
    EXPECT_FALSE(iqts::host::evidence_file_on_disk(report, "Colegio export/Part 1/x.zip!/Grid evidence.docx"));
    EXPECT_FALSE(iqts::host::evidence_file_on_disk(report, "Colegio export/../Colegio export/Part 1/Grid evidence.docx"));
    EXPECT_FALSE(iqts::host::evidence_file_on_disk(report, "Colegio export/Part 1/absent.docx"));
    EXPECT_FALSE(iqts::host::evidence_file_on_disk(report, "Other export/Part 1/Grid evidence.docx"));
}

TEST(PercentEncodePath, KeepsUnreservedAndSlash) {
    EXPECT_EQ(iqts::host::percent_encode_path("Part 1/a#b:c é.docx"), "Part%201/a%23b%3Ac%20%C3%A9.docx");
}

}  // namespace
