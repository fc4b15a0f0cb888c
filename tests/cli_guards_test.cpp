#include <gtest/gtest.h>

#include "scan_support.hpp"

// Command-line values the scanner rejects before it reads anything, and
// register values the entry checks must not pass.

namespace {

using namespace iqts::test;

const std::string sample = IQTS_SOURCE_DIR "/fixtures/sample-export";

TEST(CliGuards, NegativeJobsRejected) {
    const auto run = run_scanner("scan " + shell_quote(sample) + " --jobs -1");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("--jobs -1"), std::string::npos) << run.err;
}

TEST(CliGuards, WaiverFolderRejected) {
    const TempDir folder;
    const auto run = run_scanner("scan " + shell_quote(sample) + " --waivers " + shell_quote(folder.path().string()));
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("is a folder"), std::string::npos) << run.err;
}

TEST(CliGuards, OutputInsideExportRejected) {
    const TempDir folder;
    const auto export_folder = folder / "export";
    std::filesystem::copy(sample, export_folder, std::filesystem::copy_options::recursive);
    const auto before = tree_fingerprint(export_folder);
    const auto run = run_scanner("scan " + shell_quote(export_folder.string()) + " --format json --output " +
                                 shell_quote((export_folder / "report.json").string()));
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("inside the export"), std::string::npos) << run.err;
    EXPECT_EQ(tree_fingerprint(export_folder), before);
}

TEST(CliGuards, SameOutputTwiceRejected) {
    const TempDir folder;
    const auto output = shell_quote((folder / "report").string());
    const auto run = run_scanner("scan " + shell_quote(sample) + " -f json -o " + output + " -f html -o " + output);
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("given twice"), std::string::npos) << run.err;
}

// Scans a one-register export written as CSV and returns its JSON report.
Poco::JSON::Object::Ptr scan_register(const std::string& csv) {
    const TempDir folder;
    write_file(folder / "Trainee register.csv", csv);
    const auto run = run_scanner("scan " + shell_quote(folder.path().string()) +
                                 " --no-cache --format json --inspection-date 2027-03-08");
    EXPECT_EQ(run.status, 1) << run.err;
    return parse_report(run.out);
}

std::string status_of(const Poco::JSON::Object::Ptr& report, const std::string& id, const std::string& subject) {
    const auto entry = finding(criterion(report, id), subject);
    return entry ? entry->getValue<std::string>("status") : "(none)";
}

struct Case {
    const char* subject;
    const char* input;
    const char* expected;
};

TEST(EntryValues, ImpossibleIeltsNeedsReview) {
    const auto report = scan_register(
        "Trainee ID,Name,IELTS overall\n"
        "T1,Ana Diaz,-7\n"
        "T2,Ben Cole,65\n"
        "T3,Chen Li,9.5\n"
        "T4,Dara Khan,6.49999\n"
        "T5,Eve Moss,7\n"
        "T6,Finn Roe,6\n");
    const Case cases[] = {
        {"T1", "-7", "review"}, {"T2", "65", "review"}, {"T3", "9.5", "review"},
        {"T4", "6.49999", "review"}, {"T5", "7", "pass"}, {"T6", "6", "fail"},
    };
    for (const auto& item : cases) {
        EXPECT_EQ(status_of(report, "C1.3", item.subject), item.expected) << item.subject << ": " << item.input;
    }
}

TEST(EntryValues, SafeguardingNoOrFutureNotPassed) {
    const auto report = scan_register(
        "Trainee ID,Name,Interview date,Safeguarding check\n"
        "T1,Ana Diaz,2026-02-01,\"No, dated 2026-06-18\"\n"
        "T2,Ben Cole,2026-02-01,Expired\n"
        "T3,Chen Li,2026-02-01,N\n"
        "T4,Dara Khan,2026-02-01,ICPC 2027-06-01\n"
        "T5,Eve Moss,2026-02-01,ICPC 2026-06-01\n");
    const Case cases[] = {
        {"T1", "No, dated 2026-06-18", "fail"}, {"T2", "Expired", "fail"}, {"T3", "N", "fail"},
        {"T4", "ICPC dated after the inspection", "review"}, {"T5", "ICPC 2026-06-01", "pass"},
    };
    for (const auto& item : cases) {
        EXPECT_EQ(status_of(report, "C1.4", item.subject), item.expected) << item.subject << ": " << item.input;
    }
}

}  // namespace

namespace {

using namespace iqts::test;

TEST(ExportFiles, EmptyFileIsUnreadable) {
    const TempDir folder;
    write_file(folder / "Data protection policy.docx", "");
    const auto run = run_scanner("scan " + shell_quote(folder.path().string()) + " --no-cache --format json");
    ASSERT_EQ(run.status, 1) << run.err;
    const auto report = parse_report(run.out);
    const auto files = report->getArray("files");
    ASSERT_EQ(files->size(), 1u);
    EXPECT_EQ(files->getObject(0)->getValue<std::string>("status"), "unreadable");
    EXPECT_EQ(files->getObject(0)->getValue<std::string>("reason"), "empty file (0 bytes); upload or save it again");
}

TEST(PluginCopies, SecondCopyIsRejected) {
    const TempDir folder;
    const std::string builtin = IQTS_PLUGIN_DIR "/c1_3_english_language.so";
    std::filesystem::copy_file(builtin, folder / "copy.so");
    const auto run = run_scanner("scan " + shell_quote(sample) + " --format json --plugins " +
                                 shell_quote(folder.path().string()));
    ASSERT_EQ(run.status, 1) << run.err;
    const auto report = parse_report(run.out);
    const auto english = criterion(report, "C1.3");
    ASSERT_TRUE(english);
    EXPECT_EQ(english->getArray("checks")->size(), 1u);
    EXPECT_NE(run.err.find("is already loaded"), std::string::npos) << run.err;
}

}  // namespace

namespace {

using namespace iqts::test;

TEST(CliGuards, FullStandardOutputExitsTwo) {
    const TempDir folder;
    const auto err = folder / "err";
    const int status = run_command(shell_quote(IQTS_SCAN_EXECUTABLE) + " scan " + shell_quote(sample) +
                                               " --no-cache --quiet --format json > /dev/full 2> " +
                                               shell_quote(err.string()));
    EXPECT_EQ(status, 2);
    const auto message = read_file(err);
    EXPECT_NE(message.find("cannot write the report to standard output: No space left"), std::string::npos)
        << message;
}

TEST(CliGuards, VerboseWithQuietRejected) {
    const auto run = run_scanner("scan -v -q " + shell_quote(sample));
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("--verbose and --quiet"), std::string::npos) << run.err;
}

TEST(CliGuards, NegativeSeedRejected) {
    const auto run = run_scanner("sample " + shell_quote(sample) + " --seed -1");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("--seed '-1' is not a seed"), std::string::npos) << run.err;
    EXPECT_EQ(run.out.find("4294967295"), std::string::npos) << run.out;
}

TEST(CliGuards, NonNumericSeedRejected) {
    const auto run = run_scanner("sample " + shell_quote(sample) + " --seed 12x");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("--seed '12x' is not a seed"), std::string::npos) << run.err;
}

TEST(CliGuards, WeekendInspectionWarned) {
    const auto run = run_scanner("scan " + shell_quote(sample) + " --no-cache --inspection-date 2027-03-06");
    EXPECT_EQ(run.status, 1) << run.err;
    EXPECT_NE(run.err.find("2027-03-06 is a Saturday"), std::string::npos) << run.err;
}

TEST(CliGuards, InspectionInYearOneRejected) {
    const auto scan = run_scanner("scan " + shell_quote(sample) + " --no-cache --inspection-date 0001-01-01");
    const auto plan = run_scanner("timeline --inspection-date 2207-03-08");

    EXPECT_EQ(scan.status, 2);
    EXPECT_NE(scan.err.find("--inspection-date 0001-01-01 is not in the years 2000 to 2099"), std::string::npos)
        << scan.err;
    EXPECT_EQ(plan.status, 2);
    EXPECT_NE(plan.err.find("--inspection-date 2207-03-08 is not in the years 2000 to 2099"), std::string::npos)
        << plan.err;
}

TEST(CliGuards, WeekdayInspectionNotWarned) {
    const auto run = run_scanner("scan " + shell_quote(sample) + " --no-cache --inspection-date 2027-03-08");
    EXPECT_EQ(run.err.find("working day"), std::string::npos) << run.err;
}

TEST(CliGuards, TimelineWeekendWarned) {
    const auto run = run_scanner("timeline --inspection-date 2027-03-07");
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.err.find("2027-03-07 is a Sunday"), std::string::npos) << run.err;
}

TEST(ExportFiles, EmptyFolderRejected) {
    const TempDir folder;
    const auto run = run_scanner("scan " + shell_quote(folder.path().string()) + " --no-cache");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("no files found in the export"), std::string::npos) << run.err;
    EXPECT_TRUE(run.out.empty()) << run.out;
}

TEST(ExportFiles, EmptyZipRejected) {
    const TempDir folder;
    write_file(folder / "note.txt", "x");
    ASSERT_EQ(run_command("cd " + shell_quote(folder.path().string()) +
                          " && zip -q export.zip note.txt && zip -q -d export.zip note.txt"),
              0);
    const auto run = run_scanner("scan " + shell_quote((folder / "export.zip").string()) + " --no-cache");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("(the archive holds no files)"), std::string::npos) << run.err;
}

TEST(ExportFiles, CountsAgreeForZip) {
    const TempDir folder;
    ASSERT_EQ(run_command("cd " + shell_quote(IQTS_SOURCE_DIR "/fixtures") + " && zip -qr " +
                          shell_quote((folder / "export.zip").string()) + " sample-export"),
              0);
    const auto json_path = (folder / "report.json").string();
    const auto run = run_scanner("scan " + shell_quote((folder / "export.zip").string()) + " --no-cache -f json -o " +
                                 shell_quote(json_path) + " -f text");
    ASSERT_EQ(run.status, 1) << run.err;
    const auto exported = parse_report(read_file(json_path))->getObject("export");
    const int files = exported->getValue<int>("files");
    const int read = exported->getValue<int>("read");
    const int archives = exported->getValue<int>("archives");
    const int unreadable = exported->getValue<int>("unreadable");
    EXPECT_EQ(files, read + archives + unreadable);
    EXPECT_EQ(archives, 2);
    const auto counts = std::to_string(files) + " files (" + std::to_string(read) + " read, " +
                        std::to_string(archives) + " archives, " + std::to_string(unreadable) + " unreadable)";
    EXPECT_NE(run.out.substr(0, run.out.find('\n')).find(counts), std::string::npos) << run.out.substr(0, 200);
    EXPECT_NE(run.err.find("iqts-scan: " + counts + ", "), std::string::npos) << run.err;
}

TEST(ExportFiles, EncryptedZipEntrySaysPassword) {
    const TempDir folder;
    write_file(folder / "src/Safeguarding policy.txt", "Safeguarding policy");
    ASSERT_EQ(run_command("cd " + shell_quote((folder / "src").string()) +
                          " && zip -q -P secret ../export.zip 'Safeguarding policy.txt'"),
              0);
    const auto run = run_scanner("scan " + shell_quote((folder / "export.zip").string()) + " --no-cache -f json");
    ASSERT_EQ(run.status, 1) << run.err;
    const auto files = parse_report(run.out)->getArray("files");
    ASSERT_EQ(files->size(), 2u);
    const auto reason = files->getObject(1)->getValue<std::string>("reason");
    EXPECT_NE(reason.find("password-protected (encrypted)"), std::string::npos) << reason;
    EXPECT_NE(reason.find("without a password"), std::string::npos) << reason;
}

TEST(EntryValues, IeltsWithoutScoreSaysNoScore) {
    const auto report = scan_register(
        "Trainee ID,Name,English test,English score\n"
        "T1,Ana Diaz,IELTS Academic,\n"
        "T2,Ben Cole,IELTS Academic,7\n");
    const auto entry = finding(criterion(report, "C1.3"), "T1");
    ASSERT_TRUE(entry);
    const auto message = entry->getValue<std::string>("message");
    EXPECT_EQ(entry->getValue<std::string>("status"), "review");
    EXPECT_NE(message.find("no IELTS score is recorded"), std::string::npos) << message;
    EXPECT_EQ(message.find("is not a score"), std::string::npos) << message;
    EXPECT_EQ(status_of(report, "C1.3", "T2"), "pass");
}

TEST(EntryValues, NoConcernsIsNotAConcern) {
    const auto report = scan_register(
        "Trainee ID,Name,Interview date,Safeguarding check\n"
        "T1,Ana Diaz,2026-02-01,\"ICPC 2026-06-01, no concerns\"\n"
        "T2,Ben Cole,2026-02-01,\"ICPC 2026-06-01; No concerns raised\"\n"
        "T3,Chen Li,2026-02-01,\"ICPC 2026-06-01, concern about a reference\"\n"
        "T4,Dara Khan,2026-02-01,\"ICPC 2026-06-01, no concerns, caution 2019\"\n");
    const Case cases[] = {
        {"T1", "ICPC, no concerns", "pass"},
        {"T2", "ICPC; No concerns raised", "pass"},
        {"T3", "ICPC, concern about a reference", "review"},
        {"T4", "ICPC, no concerns, caution 2019", "review"},
    };
    for (const auto& item : cases) {
        EXPECT_EQ(status_of(report, "C1.4", item.subject), item.expected) << item.subject << ": " << item.input;
    }
}

TEST(EntryValues, PlainNoConcernsNotCalledConcern) {
    const auto report = scan_register(
        "Trainee ID,Name,Interview date,Safeguarding check\n"
        "T1,Ana Diaz,2026-02-01,No concerns\n");
    const auto entry = finding(criterion(report, "C1.4"), "T1");
    ASSERT_TRUE(entry);
    const auto message = entry->getValue<std::string>("message");
    EXPECT_EQ(message.find("records a concern"), std::string::npos) << message;
}

// Writes `yaml` as the only rule file of a folder and validates that folder.
ScanRun validate_rules(const TempDir& folder, const std::string& yaml) {
    write_file(folder / "rules/house.yaml", yaml);
    return run_scanner("rules validate " + shell_quote((folder / "rules").string()));
}

TEST(RulesValidate, CriterionOfRejectedRuleReported) {
    const TempDir folder;
    const auto run = validate_rules(folder,
                                    "checks:\n"
                                    "  - id: both-wrong\n"
                                    "    criterion: C9.9\n"
                                    "    severity: fail\n"
                                    "    message: no policy\n"
                                    "    remediation: add one\n"
                                    "    text: {any: ['(unclosed']}\n");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("invalid RE2 pattern"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("unknown criterion 'C9.9' in rule both-wrong"), std::string::npos) << run.err;
}

// Validates a register pin that puts the IELTS score in `column`.
ScanRun validate_ielts_column(const TempDir& folder, const std::string& column) {
    return validate_rules(folder, "registers:\n"
                                  "  - file: \"Trainee register.xlsx\"\n"
                                  "    columns: {ielts_overall: " + column + "}\n");
}

TEST(RulesValidate, ColumnPastXfdRejected) {
    const TempDir folder;
    const auto run = validate_ielts_column(folder, "XFE");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("column XFE of ielts_overall is past XFD"), std::string::npos) << run.err;
}

TEST(RulesValidate, ColumnXfdAccepted) {
    const TempDir folder;
    const auto run = validate_ielts_column(folder, "XFD");
    EXPECT_EQ(run.status, 0) << run.err;
}

TEST(RulesValidate, FileNamesItsFolder) {
    const TempDir folder;
    write_file(folder / "rules/house.yaml", "settings: {}\n");
    const auto run = run_scanner("rules validate " + shell_quote((folder / "rules/house.yaml").string()));
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("is a file"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("folder not found"), std::string::npos) << run.err;
}

}  // namespace
