#include <gtest/gtest.h>

#include <string>

#include "iqts/host/rule_checks.hpp"
#include "iqts/host/rule_pack.hpp"
#include "scan_support.hpp"

namespace {

using namespace iqts::test;

const std::string sample_export = IQTS_SOURCE_DIR "/fixtures/sample-export";
const std::string good_rules = IQTS_SOURCE_DIR "/tests/data/rules/good";
const std::string broken_rules = IQTS_SOURCE_DIR "/tests/data/rules/broken";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Scans the sample export once with the house rules, judged at 2027-03-15.
class HouseRules : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        run = new ScanRun(run_scanner("scan " + shell_quote(sample_export) + " --rules " + shell_quote(good_rules) +
                                      " --inspection-date 2027-03-15 --format json"));
        report = parse_report(run->out);
    }
    static void TearDownTestSuite() {
        delete run;
        run = nullptr;
        report = nullptr;
    }

    static std::string status_of(const std::string& id) {
        const auto entry = criterion(report, id);
        return entry ? entry->getValue<std::string>("status") : "absent";
    }

    static ScanRun* run;
    static Poco::JSON::Object::Ptr report;
};

ScanRun* HouseRules::run = nullptr;
Poco::JSON::Object::Ptr HouseRules::report;

TEST_F(HouseRules, ScanRuns) {
    EXPECT_NE(run->status, 2) << run->err;
}

TEST_F(HouseRules, DocumentExistsPasses) {
    EXPECT_EQ(status_of("X-HOUSE-1"), "pass");
}

TEST_F(HouseRules, TextRulePasses) {
    EXPECT_EQ(status_of("X-HOUSE-2"), "pass");
}

TEST_F(HouseRules, CheckIsNamedByRuleId) {
    const auto checks = criterion(report, "X-HOUSE-3")->getArray("checks");
    ASSERT_EQ(checks->size(), 1u);
    EXPECT_EQ(checks->getElement<std::string>(0), "house-english-score");
}

TEST_F(HouseRules, RegisterRowBelowMinimumFails) {
    const auto row = finding(criterion(report, "X-HOUSE-3"), "T006");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->getValue<std::string>("status"), "fail");
    EXPECT_TRUE(contains(row->getValue<std::string>("message"),
                         "the English test score is below 6.5 or not recorded — record a score of 6.5 or more"));
}

TEST_F(HouseRules, RegisterFindingPointsAtCell) {
    const auto row = finding(criterion(report, "X-HOUSE-3"), "T006");
    ASSERT_TRUE(row);
    const auto evidence = row->getArray("evidence");
    ASSERT_EQ(evidence->size(), 1u);
    EXPECT_EQ(evidence->getObject(0)->getValue<std::string>("location"), "Trainees!O9");
    EXPECT_TRUE(ends_with(evidence->getObject(0)->getValue<std::string>("path"), "Trainee register.xlsx"));
}

TEST_F(HouseRules, RegisterEmptyCellFails) {
    const auto row = finding(criterion(report, "X-HOUSE-3"), "T005");
    ASSERT_TRUE(row);
    EXPECT_EQ(row->getValue<std::string>("status"), "fail");
}

TEST_F(HouseRules, RegisterRowMeetingRuleHasNoFinding) {
    EXPECT_FALSE(finding(criterion(report, "X-HOUSE-3"), "T001"));
}

TEST_F(HouseRules, RegisterCriterionFails) {
    EXPECT_EQ(status_of("X-HOUSE-3"), "fail");
}

TEST_F(HouseRules, StaleDocumentGetsRuleSeverity) {
    EXPECT_EQ(status_of("X-HOUSE-4"), "review");
}

TEST_F(HouseRules, StaleDocumentNamesItsAge) {
    const auto entry = finding(criterion(report, "X-HOUSE-4"), "");
    ASSERT_TRUE(entry);
    EXPECT_TRUE(contains(entry->getValue<std::string>("message"), "latest date 2026-11-30 is 105 days old"))
        << entry->getValue<std::string>("message");
}

TEST(RulesValidate, GoodFolderIsValid) {
    const auto run = run_scanner("rules validate " + shell_quote(good_rules));
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_TRUE(contains(run.out, "valid: ")) << run.out;
    EXPECT_TRUE(contains(run.out, "4 declarative checks")) << run.out;
}

class BrokenRules : public ::testing::Test {
protected:
    static void SetUpTestSuite() { run = new ScanRun(run_scanner("rules validate " + shell_quote(broken_rules))); }
    static void TearDownTestSuite() {
        delete run;
        run = nullptr;
    }
    static bool reports(const std::string& error) { return contains(run->err, broken_rules + "/" + error); }

    static ScanRun* run;
};

ScanRun* BrokenRules::run = nullptr;

TEST_F(BrokenRules, ExitsWithTwo) {
    EXPECT_EQ(run->status, 2);
}

TEST_F(BrokenRules, UnknownCriterionSuggestsNearest) {
    EXPECT_TRUE(reports("broken.yaml:8:16: error: unknown criterion 'C1.33' in rule typo-criterion; "
                        "did you mean C1.3?"))
        << run->err;
}

TEST_F(BrokenRules, UnknownKeySuggestsNearest) {
    EXPECT_TRUE(reports("broken.yaml:16:5: error: unknown key `mesage` in a rule; did you mean `message`?"))
        << run->err;
}

TEST_F(BrokenRules, InvalidPatternNamesRe2Error) {
    EXPECT_TRUE(reports("broken.yaml:24:18: error: invalid RE2 pattern '(unclosed': missing ): (unclosed"))
        << run->err;
}

TEST_F(BrokenRules, MissingKeyIsNamed) {
    EXPECT_TRUE(reports("broken.yaml:25:5: error: rule no-remediation has no `remediation`; "
                        "add `remediation: ...`"))
        << run->err;
}

TEST_F(BrokenRules, NewerRequiredVersionAsksForUpgrade) {
    EXPECT_TRUE(reports("newer.yaml:1:11: error: this file requires iqts-scan 9.0 or newer, but this is " IQTS_VERSION
                        "; upgrade iqts-scan to load it"))
        << run->err;
}

TEST_F(BrokenRules, ErrorsAreCounted) {
    EXPECT_TRUE(contains(run->err, "6 errors in " + broken_rules)) << run->err;
}

// The forms of the `text` and `register` kinds that the house rules above do
// not use, each under its own criterion, scanned on the sample export. In its
// trainee register T005 has no English test score, "Degree taught in English"
// as its English test and a safeguarding check dated 2026-05-22; every other
// row is complete and dated later.
class RuleForms : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        folder = new TempDir;
        write_file(*folder / "forms.yaml", R"(requires: "0.1"
criteria:
  - {id: X-FORM-1, part: 3, title: All phrases in the safeguarding policy}
  - {id: X-FORM-2, part: 3, title: A phrase missing from the safeguarding policy}
  - {id: X-FORM-3, part: 3, title: A forbidden phrase in the safeguarding policy}
  - {id: X-FORM-4, part: 1, title: Safeguarding check after a date}
  - {id: X-FORM-5, part: 1, title: English test from a list}
  - {id: X-FORM-6, part: 1, title: English test score recorded}
checks:
  - id: form-all-present
    criterion: X-FORM-1
    severity: fail
    message: a phrase is missing
    remediation: add it
    text: {all: ['designated safeguarding lead', 'safeguarding'], in_documents: 'safeguarding policy'}
  - id: form-all-absent
    criterion: X-FORM-2
    severity: fail
    message: a phrase is missing
    remediation: add it
    text: {all: ['designated safeguarding lead', 'xyzzy plugh'], in_documents: 'safeguarding policy'}
  - id: form-none-present
    criterion: X-FORM-3
    severity: review
    message: a forbidden phrase occurs
    remediation: remove it
    text: {none: ['designated safeguarding lead'], in_documents: 'safeguarding policy'}
  - id: form-date-after
    criterion: X-FORM-4
    severity: fail
    message: the safeguarding check is too early
    remediation: repeat the check
    register:
      headers: [Safeguarding check date]
      subject_column: [Trainee ID]
      where: {date: {after: 2026-05-25}}
  - id: form-in-list
    criterion: X-FORM-5
    severity: fail
    message: the English test is not an accepted test
    remediation: record an accepted test
    register:
      headers: [English test]
      subject_column: [Trainee ID]
      where: {in: [IELTS Academic, TOEFL iBT, Cambridge C1 Advanced]}
  - id: form-not-empty
    criterion: X-FORM-6
    severity: missing
    message: the English test score is not recorded
    remediation: record it
    register:
      headers: [English test score]
      subject_column: [Trainee ID]
      where: {not_empty: true}
)");
        run = new ScanRun(run_scanner("scan " + shell_quote(sample_export) + " --rules " +
                                      shell_quote(folder->path().string()) +
                                      " --inspection-date 2027-03-15 --format json"));
        report = parse_report(run->out);
    }
    static void TearDownTestSuite() {
        delete run;
        delete folder;
        run = nullptr;
        folder = nullptr;
        report = nullptr;
    }

    static std::string status_of(const std::string& id) {
        const auto entry = criterion(report, id);
        return entry ? entry->getValue<std::string>("status") : "absent";
    }
    static std::string row_status(const std::string& id, const std::string& trainee) {
        const auto entry = finding(criterion(report, id), trainee);
        return entry ? entry->getValue<std::string>("status") : "no finding";
    }

    static TempDir* folder;
    static ScanRun* run;
    static Poco::JSON::Object::Ptr report;
};

TempDir* RuleForms::folder = nullptr;
ScanRun* RuleForms::run = nullptr;
Poco::JSON::Object::Ptr RuleForms::report;

TEST_F(RuleForms, ScanRuns) {
    EXPECT_NE(run->status, 2) << run->err;
}

TEST_F(RuleForms, TextAllPresentPasses) {
    EXPECT_EQ(status_of("X-FORM-1"), "pass");
}

TEST_F(RuleForms, TextAllWithOneAbsentFails) {
    EXPECT_EQ(status_of("X-FORM-2"), "fail");
}

TEST_F(RuleForms, TextNonePresentGetsSeverity) {
    EXPECT_EQ(status_of("X-FORM-3"), "review");
}

TEST_F(RuleForms, TextNoneFindingPointsAtOccurrence) {
    const auto findings = criterion(report, "X-FORM-3")->getArray("findings");
    ASSERT_GE(findings->size(), 1u);
    const auto evidence = findings->getObject(0)->getArray("evidence");
    ASSERT_EQ(evidence->size(), 1u);
    EXPECT_TRUE(ends_with(evidence->getObject(0)->getValue<std::string>("path"), "Safeguarding policy.docx"));
}

TEST_F(RuleForms, RegisterDateBeforeBoundFails) {
    EXPECT_EQ(row_status("X-FORM-4", "T005"), "fail");
}

TEST_F(RuleForms, RegisterDateAfterBoundHasNoFinding) {
    EXPECT_EQ(row_status("X-FORM-4", "T001"), "no finding");
}

TEST_F(RuleForms, RegisterValueOutsideListFails) {
    EXPECT_EQ(row_status("X-FORM-5", "T005"), "fail");
}

TEST_F(RuleForms, RegisterValueInListHasNoFinding) {
    EXPECT_EQ(row_status("X-FORM-5", "T004"), "no finding");
}

TEST_F(RuleForms, RegisterEmptyCellIsMissing) {
    EXPECT_EQ(row_status("X-FORM-6", "T005"), "missing");
}

TEST_F(RuleForms, RegisterFilledCellHasNoFinding) {
    EXPECT_EQ(row_status("X-FORM-6", "T002"), "no finding");
}

TEST(ScanRules, InvalidFolderStopsScan) {
    const auto run = run_scanner("scan " + shell_quote(sample_export) + " --rules " + shell_quote(broken_rules));
    EXPECT_EQ(run.status, 2);
    EXPECT_TRUE(contains(run.err, broken_rules + "/broken.yaml:16:5: error: unknown key `mesage`")) << run.err;
}

TEST(ClosestMatch, FindsOneEditAway) {
    EXPECT_EQ(iqts::host::closest_match("mesage", {"id", "message", "remediation"}), "message");
}

TEST(ClosestMatch, IgnoresDistantWords) {
    EXPECT_EQ(iqts::host::closest_match("colour", {"id", "message", "remediation"}), "");
}

TEST(VersionAtLeast, OlderRequirementIsMet) {
    EXPECT_TRUE(iqts::host::version_at_least("0.1.0", "0.1"));
}

TEST(VersionAtLeast, NewerRequirementIsNotMet) {
    EXPECT_FALSE(iqts::host::version_at_least("0.1.0", "0.2"));
}

TEST(VersionAtLeast, ComparesNumbersNotText) {
    EXPECT_TRUE(iqts::host::version_at_least("0.10.0", "0.9"));
}

TEST(VersionAtLeast, RejectsText) {
    EXPECT_THROW(iqts::host::version_at_least("0.1.0", "latest"), std::invalid_argument);
}

}  // namespace
