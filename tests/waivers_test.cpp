#include <gtest/gtest.h>

#include <string>

#include "iqts/host/waivers.hpp"
#include "scan_support.hpp"

namespace {

using namespace iqts::test;
using iqts::Finding;
using iqts::Status;
using iqts::host::CriterionResult;
using iqts::host::Waiver;

const std::string sample_export = IQTS_SOURCE_DIR "/fixtures/sample-export";
const std::string good_rules = IQTS_SOURCE_DIR "/tests/data/rules/good";
const std::string waiver_folder = IQTS_SOURCE_DIR "/tests/data/rules/waivers";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Scans the sample export with the house rules and valid.yaml at 2027-03-15,
// writing JSON to a file and text to stdout.
class WaiverScan : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        folder = new TempDir();
        const auto json_path = (*folder / "report.json").string();
        run = new ScanRun(run_scanner("scan " + shell_quote(sample_export) + " --rules " + shell_quote(good_rules) +
                                      " --waivers " + shell_quote(waiver_folder + "/valid.yaml") +
                                      " --inspection-date 2027-03-15 --format json --output " +
                                      shell_quote(json_path) + " --format text"));
        json = new std::string(read_file(json_path));
        report = parse_report(*json);
    }
    static void TearDownTestSuite() {
        delete run;
        delete json;
        delete folder;
        report = nullptr;
    }

    static TempDir* folder;
    static ScanRun* run;
    static std::string* json;
    static Poco::JSON::Object::Ptr report;
};

TempDir* WaiverScan::folder = nullptr;
ScanRun* WaiverScan::run = nullptr;
std::string* WaiverScan::json = nullptr;
Poco::JSON::Object::Ptr WaiverScan::report;

TEST_F(WaiverScan, ScanRuns) {
    EXPECT_NE(run->status, 2) << run->err;
}

TEST_F(WaiverScan, MatchingFindingIsWaived) {
    const auto entry = finding(criterion(report, "X-HOUSE-3"), "T006");
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->getValue<std::string>("status"), "waived");
}

TEST_F(WaiverScan, WaivedMessageNamesWaiver) {
    const auto entry = finding(criterion(report, "X-HOUSE-3"), "T006");
    ASSERT_TRUE(entry);
    EXPECT_TRUE(contains(entry->getValue<std::string>("message"),
                         "(waived until 2027-06-30: IELTS retest booked for April, approved by Programme director)"));
}

TEST_F(WaiverScan, CriterionStatusIsRecomputed) {
    EXPECT_EQ(criterion(report, "X-HOUSE-3")->getValue<std::string>("status"), "waived");
}

TEST_F(WaiverScan, ExpiredWaiverLeavesFindingAlone) {
    EXPECT_EQ(criterion(report, "X-HOUSE-4")->getValue<std::string>("status"), "review");
}

TEST_F(WaiverScan, ExpiredWaiverIsReported) {
    const auto findings = criterion(report, "X-HOUSE-4")->getArray("findings");
    bool reported = false;
    for (std::size_t i = 0; i < findings->size(); ++i) {
        const auto entry = findings->getObject(static_cast<unsigned>(i));
        reported = reported || (entry->getValue<std::string>("status") == "review" &&
                                entry->getValue<std::string>("message") ==
                                    "waiver for criterion X-HOUSE-4 expired on 2027-01-31; renew it or fix the finding");
    }
    EXPECT_TRUE(reported);
}

TEST_F(WaiverScan, TextReportShowsWaiver) {
    EXPECT_TRUE(contains(run->out, "waived until 2027-06-30")) << run->out;
}

TEST_F(WaiverScan, TextReportShowsExpiry) {
    EXPECT_TRUE(contains(run->out, "expired on 2027-01-31")) << run->out;
}

TEST_F(WaiverScan, JsonMatchesSchema) {
    EXPECT_EQ(run_command("/usr/bin/python3 " + shell_quote(IQTS_SOURCE_DIR "/tests/validate_json.py") + " " +
                          shell_quote(IQTS_SOURCE_DIR "/schemas/report.schema.json") + " " +
                          shell_quote((*folder / "report.json").string())),
              0);
}

TEST(WaiverFile, MissingFieldStopsScan) {
    const auto path = waiver_folder + "/missing-field.yaml";
    const auto run = run_scanner("scan " + shell_quote(sample_export) + " --waivers " + shell_quote(path));
    EXPECT_EQ(run.status, 2);
    EXPECT_TRUE(contains(run.err, path + ":1:3: error: waiver has no `justification`; add `justification: ...`"))
        << run.err;
}

TEST(WaiverFile, UnknownCriterionSuggestsNearest) {
    const TempDir folder;
    write_file(folder / "w.yaml", "- criterion: C13\n  justification: j\n  expires: 2027-01-01\n  approved_by: a\n");
    try {
        iqts::host::load_waivers((folder / "w.yaml").string(), {"C1.3", "C2.1"});
        FAIL() << "no error";
    } catch (const iqts::host::WaiverError& error) {
        EXPECT_TRUE(contains(error.what(), "w.yaml:1:14: error: unknown criterion 'C13'; did you mean C1.3?"))
            << error.what();
    }
}

TEST(WaiverFile, InvalidDateIsRejected) {
    const TempDir folder;
    write_file(folder / "w.yaml", "- criterion: C1.3\n  justification: j\n  expires: 30/06/2027\n  approved_by: a\n");
    EXPECT_THROW(iqts::host::load_waivers((folder / "w.yaml").string(), {"C1.3"}), iqts::host::WaiverError);
}

CriterionResult result_with(std::vector<Finding> findings) {
    CriterionResult result;
    result.criterion.id = "C1.3";
    result.findings = std::move(findings);
    result.status = Status::fail;
    return result;
}

TEST(ApplyWaivers, OtherSubjectStaysFailed) {
    std::vector<CriterionResult> results{result_with({Finding{Status::fail, "T002", "low score", {}}})};
    iqts::host::apply_waivers(results, {Waiver{"C1.3", "T006", "retest", "2027-06-30", "director", ""}},
                              "2027-03-15");
    EXPECT_EQ(results[0].findings[0].status, Status::fail);
}

TEST(ApplyWaivers, WaiverWithoutSubjectCoversCriterion) {
    std::vector<CriterionResult> results{result_with({Finding{Status::missing, "", "no policy", {}}})};
    iqts::host::apply_waivers(results, {Waiver{"C1.3", "", "drafting", "2027-06-30", "director", ""}}, "2027-03-15");
    EXPECT_EQ(results[0].status, Status::waived);
}

TEST(ApplyWaivers, PassStaysPass) {
    std::vector<CriterionResult> results{result_with({Finding{Status::pass, "T001", "fine", {}}})};
    iqts::host::apply_waivers(results, {Waiver{"C1.3", "", "drafting", "2027-06-30", "director", ""}}, "2027-03-15");
    EXPECT_EQ(results[0].findings[0].status, Status::pass);
}

TEST(ApplyWaivers, WaiverAppliesOnExpiryDay) {
    std::vector<CriterionResult> results{result_with({Finding{Status::fail, "T006", "low score", {}}})};
    iqts::host::apply_waivers(results, {Waiver{"C1.3", "T006", "retest", "2027-03-15", "director", ""}},
                              "2027-03-15");
    EXPECT_EQ(results[0].status, Status::waived);
}

TEST(ApplyWaivers, ExpiredWaiverAddsReview) {
    std::vector<CriterionResult> results{result_with({Finding{Status::fail, "T006", "low score", {}}})};
    iqts::host::apply_waivers(results, {Waiver{"C1.3", "T006", "retest", "2027-03-14", "director", ""}},
                              "2027-03-15");
    ASSERT_EQ(results[0].findings.size(), 2u);
    EXPECT_EQ(results[0].findings[1].message, "waiver for T006 expired on 2027-03-14; renew it or fix the finding");
}

TEST(ApplyWaivers, ExpiredWaiverKeepsFailure) {
    std::vector<CriterionResult> results{result_with({Finding{Status::fail, "T006", "low score", {}}})};
    iqts::host::apply_waivers(results, {Waiver{"C1.3", "T006", "retest", "2027-03-14", "director", ""}},
                              "2027-03-15");
    EXPECT_EQ(results[0].status, Status::fail);
}

}  // namespace
