#include <gtest/gtest.h>

#include "scan_support.hpp"

// End-to-end scans of the bundled sample export through the iqts-scan
// executable, as a folder and as a zip, with the real built-in plugins.

namespace {

using namespace iqts::test;

const std::string fixtures = IQTS_SOURCE_DIR "/fixtures/";

class SampleExport : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        const auto run = run_scanner("scan " + shell_quote(fixtures + GetParam()) + " --format json");
        ASSERT_EQ(run.status, 1) << run.err;
        report_ = parse_report(run.out);
    }

    Poco::JSON::Object::Ptr report_;
};

TEST_P(SampleExport, IeltsBelowMinimumFails) {
    const auto english = criterion(report_, "C1.3");
    ASSERT_TRUE(english);
    EXPECT_EQ(english->getValue<std::string>("status"), "fail");
    const auto t006 = finding(english, "T006");
    ASSERT_TRUE(t006);
    EXPECT_EQ(t006->getValue<std::string>("status"), "fail");
    const auto evidence = t006->getArray("evidence")->getObject(0);
    EXPECT_TRUE(ends_with(evidence->getValue<std::string>("path"), "Part 1 – Entry/Trainee register.xlsx"));
    EXPECT_EQ(evidence->getValue<std::string>("location"), "Trainees!O9");
}

TEST_P(SampleExport, EquivalentTestsPass) {
    const auto english = criterion(report_, "C1.3");
    ASSERT_TRUE(english);
    for (const std::string subject : {"T001", "T002", "T003", "T004", "T007", "T008"}) {
        const auto entry = finding(english, subject);
        ASSERT_TRUE(entry) << subject;
        EXPECT_EQ(entry->getValue<std::string>("status"), "pass") << subject;
    }
}

TEST_P(SampleExport, EducationInEnglishNeedsReview) {
    const auto t005 = finding(criterion(report_, "C1.3"), "T005");
    ASSERT_TRUE(t005);
    EXPECT_EQ(t005->getValue<std::string>("status"), "review");
}

TEST_P(SampleExport, SchoolWithoutAgreementIsMissing) {
    const auto partnerships = criterion(report_, "C3.2");
    ASSERT_TRUE(partnerships);
    EXPECT_EQ(partnerships->getValue<std::string>("status"), "missing");
    const auto school = finding(partnerships, "Damansara Hills International School");
    ASSERT_TRUE(school);
    EXPECT_EQ(school->getValue<std::string>("status"), "missing");
    EXPECT_EQ(school->getArray("evidence")->getObject(0)->getValue<std::string>("location"), "Trainees!F7");
}

TEST_P(SampleExport, ScannedAgreementNeedsReview) {
    const auto school = finding(criterion(report_, "C3.2"), "Lekki Heights International School");
    ASSERT_TRUE(school);
    EXPECT_EQ(school->getValue<std::string>("status"), "review");
    EXPECT_NE(school->getValue<std::string>("message").find("no text layer"), std::string::npos);
}

TEST_P(SampleExport, SignedAgreementsPass) {
    const auto school = finding(criterion(report_, "C3.2"), "Colegio San José");
    ASSERT_TRUE(school);
    EXPECT_EQ(school->getValue<std::string>("status"), "pass");
}

TEST_P(SampleExport, SkippedFilesAreListedWithReasons) {
    const auto files = report_->getArray("files");
    int skipped = 0;
    for (std::size_t i = 0; i < files->size(); ++i) {
        const auto entry = files->getObject(static_cast<unsigned>(i));
        if (entry->getValue<std::string>("status") != "skipped") continue;
        ++skipped;
        EXPECT_FALSE(entry->getValue<std::string>("reason").empty());
    }
    EXPECT_EQ(skipped, 3);
}

TEST_P(SampleExport, ReportMatchesSchema) {
    const TempDir folder;
    const auto report_path = (folder / "report.json").string();
    const auto run = run_scanner("scan " + shell_quote(fixtures + GetParam()) + " --format json --output " +
                                 shell_quote(report_path));
    ASSERT_EQ(run.status, 1) << run.err;
    EXPECT_EQ(run_command("/usr/bin/python3 " + shell_quote(IQTS_SOURCE_DIR "/tests/validate_json.py") + " " +
                          shell_quote(IQTS_SOURCE_DIR "/schemas/report.schema.json") + " " + shell_quote(report_path)),
              0);
}

INSTANTIATE_TEST_SUITE_P(FolderAndZip, SampleExport, ::testing::Values("sample-export", "sample-export.zip"),
                         [](const auto& info) { return info.index == 0 ? std::string("Folder") : std::string("Zip"); });

TEST(ScanCommand, MissingExportExitsTwo) {
    const auto run = run_scanner("scan /nonexistent/iqts-export.zip");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("/nonexistent/iqts-export.zip"), std::string::npos) << run.err;
}

TEST(ScanCommand, NoExportExitsTwo) {
    const auto run = run_scanner("scan");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("no export given"), std::string::npos) << run.err;
}

TEST(ScanCommand, BadInspectionDateExitsTwo) {
    const auto run = run_scanner("scan " + shell_quote(fixtures + "sample-export") + " --inspection-date 15/03/2027");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("YYYY-MM-DD"), std::string::npos) << run.err;
}

TEST(ScanCommand, ExportIsUnchanged) {
    const auto before = iqts::test::tree_fingerprint(fixtures + "sample-export");
    const auto zip_before = read_file(fixtures + "sample-export.zip");
    run_scanner("scan " + shell_quote(fixtures + "sample-export") + " " + shell_quote(fixtures + "sample-export.zip"));
    EXPECT_EQ(iqts::test::tree_fingerprint(fixtures + "sample-export"), before);
    EXPECT_EQ(read_file(fixtures + "sample-export.zip"), zip_before);
}

TEST(ScanCommand, TextReportGroupsByPart) {
    const auto run = run_scanner("scan " + shell_quote(fixtures + "sample-export"));
    EXPECT_EQ(run.status, 1) << run.err;
    EXPECT_NE(run.out.find("Part 1"), std::string::npos);
    EXPECT_NE(run.out.find("T006"), std::string::npos);
    EXPECT_EQ(run.out.find("\x1b["), std::string::npos) << "colour on a pipe";
}

}  // namespace
