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
