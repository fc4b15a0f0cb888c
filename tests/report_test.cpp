#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>

#include "iqts/host/report.hpp"

namespace {

using iqts::Evidence;
using iqts::FileRecord;
using iqts::FileStatus;
using iqts::Finding;
using iqts::Status;
using iqts::host::CriterionResult;
using iqts::host::Report;
using Poco::JSON::Array;
using Poco::JSON::Object;

const std::string kSchema = IQTS_SOURCE_DIR "/schemas/report.schema.json";
const std::string kValidator = IQTS_SOURCE_DIR "/tests/validate_json.py";

CriterionResult criterion(std::string id, int part, std::string title, Status status, std::vector<Finding> findings) {
    CriterionResult result;
    result.criterion.id = std::move(id);
    result.criterion.part = part;
    result.criterion.title = std::move(title);
    result.status = status;
    result.findings = std::move(findings);
    return result;
}

FileRecord file(std::string path, std::string kind, FileStatus status, std::string reason = "") {
    FileRecord record;
    record.path = std::move(path);
    record.kind = std::move(kind);
    record.status = status;
    record.reason = std::move(reason);
    record.size = 2048;
    record.modified = "2025-03-01T09:30:00Z";
    return record;
}

// A report with every status, non-ASCII names and one file of each file status.
Report sample_report() {
    Report report;
    report.tool_version = "0.1.0";
    report.export_paths = {"/exports/Colegio San José.zip"};

    const std::string registry = "Colegio San José.zip!/Part 1/Trainee register.xlsx";
    CriterionResult english = criterion("C1.3", 1, "English language proficiency", Status::fail, {
        {Status::fail, "T006", "IELTS overall 6.0 is below 6.5", {{registry, "Trainees!M10"}}},
        {Status::pass, "T001", "IELTS overall 7.0", {{registry, "Trainees!M4"}}},
        {Status::pass, "T002", "IELTS overall 7.5", {{registry, "Trainees!M5"}}},
    });
    english.checks = {"english-proficiency"};

    CriterionResult placements = criterion("C2.2", 2, "Placements in two schools", Status::missing, {
        {Status::missing, "Colegio San José", "no placement record names this school", {}},
    });
    CriterionResult mentors = criterion("C2.4", 2, "Mentor training", Status::review, {
        {Status::review, "", "Mentor curriculum.pdf could not be read: encrypted PDF",
         {{"Colegio San José.zip!/Part 2/Mentor curriculum.pdf", ""}}},
    });
    CriterionResult quality = criterion("C3.1", 3, "Quality assurance", Status::waived, {
        {Status::waived, "", "annual review waived until 2025-09-01", {}},
    });
    CriterionResult custom = criterion("SAFEGUARDING", 0, "Safeguarding policy", Status::error, {
        {Status::error, "", "the check stopped after 30 seconds", {}},
    });
    report.criteria = {english, placements, mentors, quality, custom};

    report.evidence = {
        {"mentor training curriculum", Status::pass, {"Colegio San José.zip!/Part 2/Mentor curriculum.pdf"}},
        {"course timetable", Status::missing, {}},
    };

    report.grid.path = "Colegio San José.zip!/Compliance grid.xlsx";
    report.grid.rows = {
        {"C1.3", "English language proficiency", "Part 1/Trainee register.xlsx", "resolved",
         "Colegio San José.zip!/Part 1/Trainee register.xlsx", {}, "Grid!D5", ""},
        {"C2.2", "Placements", "Part 2/Placements.xlsx", "broken", "",
         {"Colegio San José.zip!/Part 2/Placement list.xlsx"}, "Grid!D9", ""},
    };

    report.files = {
        file(registry, "xlsx", FileStatus::read),
        file("Colegio San José.zip!/Part 2/Mentor curriculum.pdf", "pdf", FileStatus::unreadable, "encrypted PDF"),
        file("Colegio San José.zip!/Part 3/big.zip", "zip", FileStatus::review, "exceeds the nesting depth of 4"),
        file("Colegio San José.zip!/Thumbs.db", "unknown", FileStatus::skipped, "not an evidence document"),
    };
    report.settings = {{"english.ielts_overall_min", {"6.5", "band", "iQTS criteria, entry requirements"}}};
    report.plugins = {{"/usr/lib/iqts-scan/plugins/libenglish.so", "english", "1.0", {"C1.3"}, "loaded", ""}};
    return report;
}

std::string json_of(const Report& report) {
    std::ostringstream out;
    iqts::host::write_json(report, out);
    return out.str();
}

Object::Ptr parsed_json_of(const Report& report) {
    Poco::JSON::Parser parser;
    return parser.parse(json_of(report)).extract<Object::Ptr>();
}

std::string text_of(const Report& report, bool colour) {
    std::ostringstream out;
    iqts::host::write_text(report, out, colour);
    return out.str();
}

struct ValidatorRun {
    int exit_code = -1;
    std::string output;
};

// Writes `json` to a temporary file and validates it against the report schema.
ValidatorRun validate(const std::string& json) {
    Poco::TemporaryFile document;
    std::ofstream(document.path(), std::ios::binary) << json;

    Poco::Pipe output_pipe;
    Poco::ProcessHandle handle =
        Poco::Process::launch("python3", {kValidator, kSchema, document.path()}, nullptr, &output_pipe, &output_pipe);
    Poco::PipeInputStream output_stream(output_pipe);

    ValidatorRun run;
    run.output.assign(std::istreambuf_iterator<char>(output_stream), std::istreambuf_iterator<char>());
    run.exit_code = handle.wait();
    return run;
}

std::string stringify(const Object::Ptr& root) {
    std::ostringstream out;
    root->stringify(out, 2);
    return out.str();
}

// ---- exit status -----------------------------------------------------------

struct ExitCase {
    std::vector<Status> statuses;
    int expected;
};

TEST(ReportExitStatus, FollowsWorstCriterionStatus) {
    const std::vector<ExitCase> cases = {
        {{}, 0},
        {{Status::pass}, 0},
        {{Status::pass, Status::waived}, 0},
        {{Status::pass, Status::review}, 0},
        {{Status::pass, Status::missing}, 1},
        {{Status::pass, Status::fail}, 1},
        {{Status::error}, 1},
        {{Status::review, Status::waived, Status::fail}, 1},
    };
    for (const ExitCase& test_case : cases) {
        Report report;
        for (Status status : test_case.statuses) {
            report.criteria.push_back(criterion("C1.1", 1, "Title", status, {}));
        }
        std::string label;
        for (Status status : test_case.statuses) {
            label += std::string(iqts::to_string(status)) + " ";
        }
        SCOPED_TRACE("criteria: " + label);
        EXPECT_EQ(report.exit_status(), test_case.expected);
    }
}

TEST(ReportUnreadableCount, CountsOnlyUnreadableFiles) {
    EXPECT_EQ(sample_report().unreadable_count(), 1);
}

// ---- JSON ------------------------------------------------------------------

TEST(ReportJson, WritesToolAndSchemaVersion) {
    const Object::Ptr root = parsed_json_of(sample_report());
    EXPECT_EQ(root->getValue<int>("schema_version"), 1);
    EXPECT_EQ(root->getObject("tool")->getValue<std::string>("name"), "iqts-scan");
    EXPECT_EQ(root->getObject("tool")->getValue<std::string>("version"), "0.1.0");
}

TEST(ReportJson, ExportCountsLeaveSkippedFilesOut) {
    const Object::Ptr exported = parsed_json_of(sample_report())->getObject("export");
    EXPECT_EQ(exported->getArray("paths")->getElement<std::string>(0), "/exports/Colegio San José.zip");
    EXPECT_EQ(exported->getValue<int>("files"), 3);
    EXPECT_EQ(exported->getValue<int>("unreadable"), 1);
    EXPECT_EQ(exported->getValue<int>("skipped"), 1);
}

TEST(ReportJson, SummaryHasWorstStatusAndCounts) {
    const Object::Ptr summary = parsed_json_of(sample_report())->getObject("summary");
    const Object::Ptr counts = summary->getObject("counts");
    EXPECT_EQ(summary->getValue<std::string>("status"), "error");
    EXPECT_EQ(counts->getValue<int>("pass"), 0);
    EXPECT_EQ(counts->getValue<int>("fail"), 1);
    EXPECT_EQ(counts->getValue<int>("missing"), 1);
    EXPECT_EQ(counts->getValue<int>("review"), 1);
    EXPECT_EQ(counts->getValue<int>("error"), 1);
    EXPECT_EQ(counts->getValue<int>("waived"), 1);
}

TEST(ReportJson, CriterionCarriesFindingsAndEvidence) {
    const Object::Ptr english = parsed_json_of(sample_report())->getArray("criteria")->getObject(0);
    const Object::Ptr finding = english->getArray("findings")->getObject(0);
    const Object::Ptr evidence = finding->getArray("evidence")->getObject(0);
    EXPECT_EQ(english->getValue<std::string>("id"), "C1.3");
    EXPECT_EQ(english->getValue<int>("part"), 1);
    EXPECT_EQ(english->getValue<std::string>("status"), "fail");
    EXPECT_EQ(english->getArray("checks")->getElement<std::string>(0), "english-proficiency");
    EXPECT_EQ(english->getArray("findings")->size(), 3u);
    EXPECT_EQ(finding->getValue<std::string>("subject"), "T006");
    EXPECT_EQ(finding->getValue<std::string>("message"), "IELTS overall 6.0 is below 6.5");
    EXPECT_EQ(evidence->getValue<std::string>("path"), "Colegio San José.zip!/Part 1/Trainee register.xlsx");
    EXPECT_EQ(evidence->getValue<std::string>("location"), "Trainees!M10");
}

TEST(ReportJson, NonAsciiSubjectRoundTrips) {
    const Object::Ptr placements = parsed_json_of(sample_report())->getArray("criteria")->getObject(1);
    EXPECT_EQ(placements->getArray("findings")->getObject(0)->getValue<std::string>("subject"), "Colegio San José");
}

TEST(ReportJson, NonAsciiWrittenAsUtf8NotEscaped) {
    const std::string json = json_of(sample_report());
    EXPECT_NE(json.find("Colegio San José"), std::string::npos);
    EXPECT_EQ(json.find("\\u00e9"), std::string::npos);
}

TEST(ReportJson, KeysFollowSchemaOrder) {
    const std::string json = json_of(sample_report());
    const std::vector<std::string> keys = {"schema_version", "tool", "export", "summary", "criteria",
                                           "evidence", "grid", "files", "settings", "plugins"};
    std::size_t previous = 0;
    for (const std::string& key : keys) {
        const std::size_t position = json.find("\n  \"" + key + "\": ");
        SCOPED_TRACE(key);
        ASSERT_NE(position, std::string::npos);
        EXPECT_GT(position, previous);
        previous = position;
    }
}

TEST(ReportJson, IndentsByTwoSpaces) {
    EXPECT_EQ(json_of(sample_report()).rfind("{\n  \"schema_version\": 1,\n", 0), 0u);
}

TEST(ReportJson, GridPathIsNullWhenNoGridFound) {
    Report report = sample_report();
    report.grid = {};
    EXPECT_TRUE(parsed_json_of(report)->getObject("grid")->isNull("path"));
}

TEST(ReportJson, BrokenGridRowHasNullResolvedPath) {
    const Object::Ptr row = parsed_json_of(sample_report())->getObject("grid")->getArray("rows")->getObject(1);
    EXPECT_EQ(row->getValue<std::string>("status"), "broken");
    EXPECT_TRUE(row->isNull("resolved_path"));
    EXPECT_EQ(row->getArray("candidates")->getElement<std::string>(0),
              "Colegio San José.zip!/Part 2/Placement list.xlsx");
}

TEST(ReportJson, FileRecordsKeepStatusAndReason) {
    const Object::Ptr unreadable = parsed_json_of(sample_report())->getArray("files")->getObject(1);
    EXPECT_EQ(unreadable->getValue<std::string>("status"), "unreadable");
    EXPECT_EQ(unreadable->getValue<std::string>("reason"), "encrypted PDF");
    EXPECT_EQ(unreadable->getValue<long long>("size"), 2048);
}

struct Utf8Case {
    std::string input;
    std::string expected;
};

TEST(ReportJson, InvalidUtf8IsReplacedByteByByte) {
    const std::vector<Utf8Case> cases = {
        {"legacy/Jos\xe9.docx", "legacy/Jos\xef\xbf\xbd.docx"},              // Latin-1 é
        {"a\xff\xfe" "b", "a\xef\xbf\xbd\xef\xbf\xbd" "b"},                 // bytes never valid in UTF-8
        {"end\xc3", "end\xef\xbf\xbd"},                                      // sequence cut short
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                            // overlong '/'
        {"José \xf0\x9f\x98\x80", "José \xf0\x9f\x98\x80"},                   // valid, kept
    };
    for (const Utf8Case& test_case : cases) {
        Report report = sample_report();
        report.files[0].path = test_case.input;
        const Object::Ptr first_file = parsed_json_of(report)->getArray("files")->getObject(0);
        SCOPED_TRACE(test_case.input);
        EXPECT_EQ(first_file->getValue<std::string>("path"), test_case.expected);
    }
}

// ---- schema ----------------------------------------------------------------

TEST(ReportSchema, SampleReportIsValid) {
    const ValidatorRun run = validate(json_of(sample_report()));
    EXPECT_EQ(run.exit_code, 0) << run.output;
}

TEST(ReportSchema, EmptyReportIsValid) {
    const ValidatorRun run = validate(json_of(Report{}));
    EXPECT_EQ(run.exit_code, 0) << run.output;
}

TEST(ReportSchema, MissingCriteriaIsInvalid) {
    Object::Ptr root = parsed_json_of(sample_report());
    root->remove("criteria");
    const ValidatorRun run = validate(stringify(root));
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("'criteria' is a required property"), std::string::npos) << run.output;
}

TEST(ReportSchema, UnknownFindingStatusIsInvalid) {
    Object::Ptr root = parsed_json_of(sample_report());
    root->getArray("criteria")->getObject(0)->getArray("findings")->getObject(0)->set("status", "failed");
    const ValidatorRun run = validate(stringify(root));
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("/criteria/0/findings/0/status"), std::string::npos) << run.output;
}

TEST(ReportSchema, LowerCaseCriterionIdIsInvalid) {
    Report report = sample_report();
    report.criteria[0].criterion.id = "c1.3";
    const ValidatorRun run = validate(json_of(report));
    EXPECT_EQ(run.exit_code, 1) << run.output;
}

TEST(ReportSchema, UnknownKeyIsInvalid) {
    Object::Ptr root = parsed_json_of(sample_report());
    root->getObject("tool")->set("build", "debug");
    const ValidatorRun run = validate(stringify(root));
    EXPECT_EQ(run.exit_code, 1) << run.output;
}

TEST(ReportSchema, TruncatedJsonIsInvalid) {
    const std::string json = json_of(sample_report());
    const ValidatorRun run = validate(json.substr(0, json.size() / 2));
    EXPECT_EQ(run.exit_code, 1) << run.output;
}

// ---- text ------------------------------------------------------------------

TEST(ReportText, GroupsCriteriaByPartInOrder) {
    const std::string text = text_of(sample_report(), false);
    const std::size_t part1 = text.find("Part 1 – Entry\n");
    const std::size_t part2 = text.find("Part 2 – Training\n");
    const std::size_t part3 = text.find("Part 3 – Management and quality assurance\n");
    const std::size_t other = text.find("Other checks\n");
    ASSERT_NE(part1, std::string::npos);
    ASSERT_NE(part2, std::string::npos);
    ASSERT_NE(part3, std::string::npos);
    ASSERT_NE(other, std::string::npos);
    EXPECT_LT(part1, part2);
    EXPECT_LT(part2, part3);
    EXPECT_LT(part3, other);
    EXPECT_GT(text.find("SAFEGUARDING"), other);
}

TEST(ReportText, CriterionLineHasStatusIdTitleAndCount) {
    const std::string text = text_of(sample_report(), false);
    EXPECT_NE(text.find("  FAIL     C1.3  English language proficiency (1 of 3 findings not passing)\n"),
              std::string::npos)
        << text;
}

TEST(ReportText, NonPassFindingShowsSubjectMessageAndEvidence) {
    const std::string text = text_of(sample_report(), false);
    EXPECT_NE(text.find("fail     T006: IELTS overall 6.0 is below 6.5\n"), std::string::npos) << text;
    EXPECT_NE(text.find("at Colegio San José.zip!/Part 1/Trainee register.xlsx (Trainees!M10)\n"), std::string::npos)
        << text;
}

TEST(ReportText, PassFindingsAreCountedNotListed) {
    const std::string text = text_of(sample_report(), false);
    EXPECT_NE(text.find("2 findings pass\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("T001"), std::string::npos) << text;
}

TEST(ReportText, EvidenceSectionShowsPresentAndMissing) {
    const std::string text = text_of(sample_report(), false);
    EXPECT_NE(text.find("Evidence expected three weeks before the event\n"), std::string::npos);
    EXPECT_NE(text.find("present  mentor training curriculum\n"), std::string::npos) << text;
    EXPECT_NE(text.find("missing  course timetable\n"), std::string::npos) << text;
}

TEST(ReportText, GridSectionListsBrokenLinkWithCandidates) {
    const std::string text = text_of(sample_report(), false);
    EXPECT_NE(text.find("link: Part 2/Placements.xlsx (Grid!D9)\n"), std::string::npos) << text;
    EXPECT_NE(text.find("closest: Colegio San José.zip!/Part 2/Placement list.xlsx\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("link: Part 1/Trainee register.xlsx"), std::string::npos) << text;
}

TEST(ReportText, UnreadableFileListedWithReason) {
    const std::string text = text_of(sample_report(), false);
    EXPECT_NE(text.find("Unreadable files (1)\n  Colegio San José.zip!/Part 2/Mentor curriculum.pdf: encrypted PDF\n"),
              std::string::npos)
        << text;
}

TEST(ReportText, FewSkippedFilesAreListed) {
    const std::string text = text_of(sample_report(), false);
    EXPECT_NE(text.find("Skipped files (1)\n  Colegio San José.zip!/Thumbs.db"), std::string::npos) << text;
}

TEST(ReportText, ManySkippedFilesAreOnlyCounted) {
    Report report = sample_report();
    for (int i = 0; i < 12; ++i) {
        report.files.push_back(file("export/skipped-" + std::to_string(i) + ".tmp", "unknown", FileStatus::skipped));
    }
    const std::string text = text_of(report, false);
    EXPECT_NE(text.find("Skipped files: 13 "), std::string::npos) << text;
    EXPECT_EQ(text.find("skipped-3.tmp"), std::string::npos) << text;
}

TEST(ReportText, ClosingSummaryGivesCountsAndExitMeaning) {
    const std::string text = text_of(sample_report(), false);
    EXPECT_NE(text.find("Summary: 5 criteria: 0 pass, 1 fail, 1 missing, 1 review, 1 error, 1 waived\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("Exit status 1: "), std::string::npos) << text;
}

TEST(ReportText, NoAnsiEscapesWithoutColour) {
    EXPECT_EQ(text_of(sample_report(), false).find('\x1b'), std::string::npos);
}

TEST(ReportText, AnsiEscapesWithColour) {
    const std::string text = text_of(sample_report(), true);
    EXPECT_NE(text.find("\x1b[31mFAIL\x1b[0m"), std::string::npos) << text;
    EXPECT_NE(text.find("\x1b[33mMISSING\x1b[0m"), std::string::npos) << text;
}

TEST(ReportText, ControlCharactersFromExportAreBlanked) {
    Report report = sample_report();
    report.criteria[0].findings[0].subject = "T006\x1b[2J";
    const std::string text = text_of(report, false);
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_NE(text.find("T006 [2J: IELTS"), std::string::npos) << text;
}

}  // namespace
