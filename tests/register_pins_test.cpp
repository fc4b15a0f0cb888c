#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "iqts/host/cohort_builder.hpp"
#include "iqts/host/evidence_index.hpp"
#include "iqts/host/extract.hpp"
#include "scan_support.hpp"

// Registers whose headers the synonyms miss: the cohort builder reports them
// with the headers it found, and a rules file's `registers:` section pins
// their columns. The workbook comes from tests/data/registers/make_registers.py.

namespace {

using iqts::host::BuiltIndex;
using iqts::host::LoadedRulePack;
using namespace iqts::test;

const std::string registers = IQTS_SOURCE_DIR "/tests/data/registers/";
const std::string tracker = "cohort-tracker-unusual-headers.xlsx";

iqts::Cohort cohort_with_rules(const std::vector<std::string>& rule_folders) {
    std::ifstream in(registers + tracker, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    auto extraction = iqts::host::extract(iqts::host::FileKind::xlsx, "Part 1/" + tracker, bytes.str(), {});
    BuiltIndex index;
    index.add_document(std::move(extraction.document));
    index.finish();
    std::vector<std::string> folders{IQTS_SOURCE_DIR "/rules"};
    folders.insert(folders.end(), rule_folders.begin(), rule_folders.end());
    const LoadedRulePack rules(folders);
    return iqts::host::build_cohort(index, rules);
}

// Writes `yaml` as the one rules file of a fresh folder.
TempDir rules_folder(const std::string& yaml) {
    TempDir folder;
    write_file(folder / "registers.yaml", yaml);
    return folder;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(UnrecognisedRegister, ReportedAsReview) {
    const auto cohort = cohort_with_rules({});
    EXPECT_TRUE(cohort.trainees.empty());
    ASSERT_EQ(cohort.problems.size(), 1u);
    EXPECT_EQ(cohort.problems[0].status, iqts::Status::review);
}

TEST(UnrecognisedRegister, MessageNamesHeadersFound) {
    const auto cohort = cohort_with_rules({});
    ASSERT_EQ(cohort.problems.size(), 1u);
    EXPECT_TRUE(contains(cohort.problems[0].message, "'Cand.', 'Nm', 'Sch.', 'Eng band'"))
        << cohort.problems[0].message;
}

TEST(UnrecognisedRegister, MessageNamesConfigKey) {
    const auto cohort = cohort_with_rules({});
    ASSERT_EQ(cohort.problems.size(), 1u);
    EXPECT_TRUE(contains(cohort.problems[0].message, "`registers:`")) << cohort.problems[0].message;
    EXPECT_TRUE(contains(cohort.problems[0].message, "file: \"" + tracker + "\"")) << cohort.problems[0].message;
}

TEST(UnrecognisedRegister, EvidenceIsHeaderRow) {
    const auto cohort = cohort_with_rules({});
    ASSERT_EQ(cohort.problems.size(), 1u);
    ASSERT_EQ(cohort.problems[0].evidence.size(), 1u);
    EXPECT_EQ(cohort.problems[0].evidence[0].path, "Part 1/" + tracker);
    EXPECT_EQ(cohort.problems[0].evidence[0].location, "2026 intake!A2");
}

TEST(RegisterPin, ColumnsByHeaderAndLetter) {
    const auto rules = rules_folder(
        "registers:\n"
        "  - file: \"cohort-tracker-*.xlsx\"\n"
        "    columns:\n"
        "      trainee_id: \"Cand.\"\n"
        "      trainee_name: Nm\n"
        "      placement_school: \"sch\"\n"
        "      ielts_overall: D\n");
    const auto cohort = cohort_with_rules({rules.path().string()});
    EXPECT_TRUE(cohort.problems.empty());
    ASSERT_EQ(cohort.trainees.size(), 2u);
    const auto& ravi = cohort.trainees[1];
    EXPECT_EQ(ravi.id, "T102");
    EXPECT_EQ(ravi.name, "Ravi Menon");
    ASSERT_NE(ravi.first("ielts_overall"), nullptr);
    EXPECT_EQ(ravi.first("ielts_overall")->value.number, 6.0);
    EXPECT_EQ(ravi.first("ielts_overall")->evidence.location, "2026 intake!D4");
    ASSERT_NE(ravi.first("placement_school"), nullptr);
    EXPECT_EQ(ravi.first("placement_school")->value.text, "Sakura International School");
}

TEST(RegisterPin, ExplicitHeaderRow) {
    const auto rules = rules_folder(
        "registers:\n"
        "  - file: \"Part 1/cohort-tracker-unusual-headers.xlsx\"\n"
        "    table: \"2026 intake\"\n"
        "    header_row: 2\n"
        "    columns: {trainee_id: A, trainee_name: B}\n");
    const auto cohort = cohort_with_rules({rules.path().string()});
    EXPECT_TRUE(cohort.problems.empty());
    EXPECT_EQ(cohort.trainees.size(), 2u);
}

TEST(RegisterPin, MissingHeaderIsErrorWithHeadersFound) {
    const auto rules = rules_folder(
        "registers:\n"
        "  - file: \"cohort-tracker-*.xlsx\"\n"
        "    columns: {trainee_id: \"Candidate number\"}\n");
    const auto cohort = cohort_with_rules({rules.path().string()});
    ASSERT_EQ(cohort.problems.size(), 1u);
    EXPECT_EQ(cohort.problems[0].status, iqts::Status::error);
    EXPECT_TRUE(contains(cohort.problems[0].message, "'Candidate number'")) << cohort.problems[0].message;
    EXPECT_TRUE(contains(cohort.problems[0].message, "'Cand.', 'Nm'")) << cohort.problems[0].message;
    EXPECT_TRUE(contains(cohort.problems[0].message, "registers.yaml:2:5")) << cohort.problems[0].message;
}

TEST(RegisterPin, MatchingNoFileIsReported) {
    const auto rules = rules_folder(
        "registers:\n"
        "  - file: \"Trainee data.xlsx\"\n"
        "    columns: {trainee_id: A}\n");
    const auto cohort = cohort_with_rules({rules.path().string()});
    ASSERT_EQ(cohort.problems.size(), 2u);
    EXPECT_TRUE(contains(cohort.problems[1].message, "matches no table")) << cohort.problems[1].message;
}

TEST(RegisterPin, UnknownFieldSuggestsName) {
    const auto rules = rules_folder(
        "registers:\n"
        "  - file: \"x.xlsx\"\n"
        "    columns: {ielts_overal: C}\n");
    try {
        const LoadedRulePack pack({IQTS_SOURCE_DIR "/rules", rules.path().string()});
        FAIL() << "an unknown field was accepted";
    } catch (const iqts::host::RuleError& error) {
        EXPECT_TRUE(contains(error.what(), "registers.yaml:3:15")) << error.what();
        EXPECT_TRUE(contains(error.what(), "did you mean ielts_overall?")) << error.what();
    }
}

TEST(RegisterPin, ReportListsRegistersAndProblems) {
    TempDir export_folder;
    std::filesystem::copy_file(registers + tracker, export_folder / tracker);
    std::filesystem::copy_file(registers + "register-title-rows.xlsx", export_folder / "Trainee register.xlsx");
    const auto run = run_scanner("scan " + shell_quote(export_folder.path().string()) + " --format json");
    ASSERT_EQ(run.status, 1) << run.err;
    const auto report = parse_report(run.out);
    const auto found = report->getObject("registers");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->getArray("read")->size(), 1u);
    EXPECT_EQ(found->getArray("problems")->size(), 1u);
}

}  // namespace
