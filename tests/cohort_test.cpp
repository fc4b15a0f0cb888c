#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "iqts/host/cohort_builder.hpp"
#include "iqts/host/evidence_index.hpp"
#include "iqts/host/extract.hpp"
#include "iqts/values.hpp"

namespace {

using iqts::host::BuiltIndex;
using iqts::host::LoadedRulePack;

const std::string registers = IQTS_SOURCE_DIR "/tests/data/registers/";

void add_workbook(BuiltIndex& index, const std::string& name) {
    std::ifstream in(registers + name, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    auto extraction = iqts::host::extract(iqts::host::FileKind::xlsx, name, bytes.str(), {});
    ASSERT_EQ(extraction.status, iqts::FileStatus::read) << name << ": " << extraction.reason;
    index.add_document(std::move(extraction.document));
}

iqts::Cohort cohort_of(const std::vector<std::string>& names) {
    BuiltIndex index;
    for (const auto& name : names) add_workbook(index, name);
    index.finish();
    const LoadedRulePack rules({IQTS_SOURCE_DIR "/rules"});
    return iqts::host::build_cohort(index, rules);
}

const iqts::Person* trainee(const iqts::Cohort& cohort, const std::string& id) {
    for (const auto& person : cohort.trainees) {
        if (person.id == id) return &person;
    }
    return nullptr;
}

TEST(CohortBuilder, HeaderBelowTitleRows) {
    const auto cohort = cohort_of({"register-title-rows.xlsx"});
    ASSERT_EQ(cohort.trainees.size(), 3u);
    const auto* carlos = trainee(cohort, "T002");
    ASSERT_NE(carlos, nullptr);
    EXPECT_EQ(carlos->name, "Carlos Ruiz");
    const auto* ielts = carlos->first("ielts_overall");
    ASSERT_NE(ielts, nullptr);
    EXPECT_EQ(ielts->value.number, 6.0);
    EXPECT_EQ(ielts->evidence.location, "Trainees!E5");
}

TEST(CohortBuilder, TrailingEmptyRowsAddNoTrainee) {
    const auto cohort = cohort_of({"register-title-rows.xlsx"});
    EXPECT_EQ(trainee(cohort, ""), nullptr);
}

TEST(CohortBuilder, BlankCellGivesNoFact) {
    const auto cohort = cohort_of({"register-title-rows.xlsx"});
    const auto* mei = trainee(cohort, "T003");
    ASSERT_NE(mei, nullptr);
    EXPECT_EQ(mei->first("ielts_overall"), nullptr);
}

TEST(CohortBuilder, SecondHeaderWordingIsRecognised) {
    const auto cohort = cohort_of({"register-second-wording.xlsx"});
    ASSERT_EQ(cohort.trainees.size(), 3u);
    const auto* priya = trainee(cohort, "C-101");
    ASSERT_NE(priya, nullptr);
    ASSERT_NE(priya->first("placement_school"), nullptr);
    EXPECT_EQ(priya->first("placement_school")->value.text, "Dubai Heights School");
    ASSERT_NE(priya->first("english_evidence"), nullptr);
    EXPECT_EQ(priya->first("english_evidence")->evidence.location, "Cohort!E5");
    ASSERT_NE(priya->first("days_in_school"), nullptr);
    EXPECT_EQ(iqts::number_in(priya->first("days_in_school")->value), 120.0);
    ASSERT_NE(priya->first("mentor_name"), nullptr);
    EXPECT_EQ(priya->first("mentor_name")->value.text, "Omar Haddad");
}

TEST(CohortBuilder, TextNumberWithDecimalComma) {
    const auto cohort = cohort_of({"register-second-wording.xlsx"});
    const auto* priya = trainee(cohort, "C-101");
    ASSERT_NE(priya, nullptr);
    EXPECT_EQ(iqts::standalone_number_in(priya->first("english_evidence")->value.text), 6.5);
}

TEST(CohortBuilder, JoinsFilesByTraineeId) {
    const auto cohort = cohort_of({"register-title-rows.xlsx", "placement-log.xlsx"});
    EXPECT_EQ(cohort.trainees.size(), 3u);
    const auto* amina = trainee(cohort, "T001");
    ASSERT_NE(amina, nullptr);
    ASSERT_NE(amina->first("days_in_school"), nullptr);
    EXPECT_EQ(amina->first("days_in_school")->value.number, 124.0);
    EXPECT_EQ(amina->first("days_in_school")->evidence.path, "placement-log.xlsx");
}

TEST(CohortBuilder, DisagreementIsReviewNamingBothPlaces) {
    const auto cohort = cohort_of({"register-title-rows.xlsx", "placement-log.xlsx"});
    ASSERT_EQ(cohort.disagreements.size(), 1u);
    EXPECT_EQ(cohort.disagreements.front().field, "placement_school");
    const auto& problem = cohort.disagreements.front().finding;
    EXPECT_EQ(problem.status, iqts::Status::review);
    EXPECT_EQ(problem.subject, "T002");
    ASSERT_EQ(problem.evidence.size(), 2u);
    const std::set<std::string> places{problem.evidence[0].location, problem.evidence[1].location};
    EXPECT_EQ(places, (std::set<std::string>{"Trainees!C5", "Placements!B3"}));
}

TEST(CohortBuilder, MentorListGivesMentorsWithSchools) {
    const auto cohort = cohort_of({"mentor-list.xlsx"});
    ASSERT_EQ(cohort.mentors.size(), 2u);
    EXPECT_EQ(cohort.mentors[1].name, "Lucía Martín");
    ASSERT_NE(cohort.mentors[1].first("mentor_school"), nullptr);
    EXPECT_EQ(cohort.mentors[1].first("mentor_school")->value.text, "Colegio San José");
    ASSERT_NE(cohort.mentors[1].first("mentor_training_date"), nullptr);
    EXPECT_EQ(cohort.mentors[1].first("mentor_training_date")->value.type, iqts::CellType::date);
    EXPECT_TRUE(cohort.trainees.empty());
}

TEST(CohortBuilder, SchoolsAreDistinctPlacementSchools) {
    const auto cohort = cohort_of({"register-title-rows.xlsx"});
    ASSERT_EQ(cohort.schools.size(), 2u);
    EXPECT_EQ(cohort.schools[0].name, "Greenfield Academy Lagos");
    EXPECT_EQ(cohort.schools[1].name, "Colegio San José");
}

}  // namespace
