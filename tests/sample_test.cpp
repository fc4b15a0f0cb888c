// Specification of `iqts-scan sample`: the Annex B counts, the spread over
// strata, reproducibility by seed and the group-meeting cap.

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "iqts/host/rule_pack.hpp"
#include "iqts/host/sample.hpp"
#include "scan_support.hpp"

namespace iqts::host {
namespace {

using iqts::test::parse_report;
using iqts::test::run_scanner;
using iqts::test::shell_quote;

Fact text_fact(const std::string& text) { return Fact{Cell{CellType::text, text, 0, false}, Evidence{}}; }

// A cohort of `trainees` trainees over four schools, two phases and three
// subjects, with one mentor for every two trainees.
Cohort make_cohort(int trainees) {
    static const char* schools[] = {"School A", "School B", "School C", "School D"};
    static const char* phases[] = {"Primary 3-11", "Secondary 11-19"};
    static const char* subjects[] = {"Mathematics", "English", "Science"};
    Cohort cohort;
    for (int i = 0; i < trainees; ++i) {
        Person person;
        person.id = "T" + std::to_string(1000 + i);
        person.name = "Trainee " + std::to_string(i);
        person.fields["placement_school"] = {text_fact(schools[i % 4])};
        person.fields["age_phase"] = {text_fact(phases[i % 2])};
        person.fields["subject"] = {text_fact(subjects[i % 3])};
        cohort.trainees.push_back(person);
    }
    for (int i = 0; i < (trainees + 1) / 2; ++i) {
        Person mentor;
        mentor.name = "Mentor " + std::to_string(i);
        mentor.fields["school"] = {text_fact(schools[i % 4])};
        cohort.mentors.push_back(mentor);
    }
    return cohort;
}

SamplingRules builtin_sampling() { return read_sampling_rules(LoadedRulePack({builtin_rules_folder()})); }

std::vector<std::string> ids(const std::vector<SampledPerson>& people) {
    std::vector<std::string> result;
    for (const auto& person : people) result.push_back(person.id + person.name);
    return result;
}

struct BandCase {
    int cohort;
    std::size_t trainees;
    std::size_t mentors;
    std::size_t other;
};

class AnnexB : public ::testing::TestWithParam<BandCase> {};

TEST_P(AnnexB, CountsMatchBand) {
    const auto expected = GetParam();
    const auto sample = draw_sample(make_cohort(expected.cohort), builtin_sampling(), 42);
    EXPECT_EQ(sample.trainees.size(), expected.trainees);
    EXPECT_EQ(sample.mentors.size(), expected.mentors);
    EXPECT_EQ(sample.other.size(), expected.other);
    EXPECT_TRUE(sample.shortfalls.empty());
}

INSTANTIATE_TEST_SUITE_P(CohortSizes, AnnexB,
                         ::testing::Values(BandCase{12, 4, 2, 1}, BandCase{50, 6, 4, 2}, BandCase{51, 8, 4, 3},
                                           BandCase{200, 18, 9, 8}, BandCase{250, 20, 10, 9}),
                         [](const auto& info) { return "Cohort" + std::to_string(info.param.cohort); });

TEST(Sample, SpreadsOverSchools) {
    const auto sample = draw_sample(make_cohort(12), builtin_sampling(), 3);
    std::set<std::string> schools;
    for (const auto& person : sample.trainees) schools.insert(person.school);
    EXPECT_EQ(schools.size(), 4u);  // 4 trainees from 4 schools
}

TEST(Sample, SameSeedSameSample) {
    const auto cohort = make_cohort(120);
    const auto first = draw_sample(cohort, builtin_sampling(), 2027);
    const auto second = draw_sample(cohort, builtin_sampling(), 2027);
    EXPECT_EQ(ids(first.trainees), ids(second.trainees));
    EXPECT_EQ(ids(first.mentors), ids(second.mentors));
    EXPECT_EQ(ids(first.other), ids(second.other));
}

TEST(Sample, OtherSeedOtherSample) {
    const auto cohort = make_cohort(120);
    const auto first = draw_sample(cohort, builtin_sampling(), 1);
    const auto second = draw_sample(cohort, builtin_sampling(), 2);
    EXPECT_NE(ids(first.trainees), ids(second.trainees));
}

TEST(Sample, OtherStaffAreNotSampledMentors) {
    const auto sample = draw_sample(make_cohort(60), builtin_sampling(), 9);
    std::set<std::string> mentors;
    for (const auto& person : sample.mentors) mentors.insert(person.name);
    for (const auto& person : sample.other) EXPECT_EQ(mentors.count(person.name), 0u) << person.name;
}

int group_meetings(const Sample& sample) {
    int count = 0;
    for (const auto& person : sample.trainees) count += person.group_meeting ? 1 : 0;
    return count;
}

TEST(GroupMeetings, CappedAtFortyPercent) {
    const auto sample = draw_sample(make_cohort(51), builtin_sampling(), 5);
    EXPECT_EQ(group_meetings(sample), 3);  // floor(0.4 x 8)
}

TEST(GroupMeetings, CappedForLargestBand) {
    const auto sample = draw_sample(make_cohort(250), builtin_sampling(), 5);
    EXPECT_EQ(group_meetings(sample), 8);  // floor(0.4 x 20)
}

TEST(GroupMeetings, NoneUpToFifty) {
    const auto sample = draw_sample(make_cohort(50), builtin_sampling(), 5);
    EXPECT_EQ(group_meetings(sample), 0);
}

TEST(Sample, ShortfallWhenTooFewMentors) {
    auto cohort = make_cohort(12);
    cohort.mentors.resize(2);
    const auto sample = draw_sample(cohort, builtin_sampling(), 1);
    EXPECT_EQ(sample.other.size(), 0u);
    ASSERT_EQ(sample.shortfalls.size(), 1u);
    EXPECT_NE(sample.shortfalls[0].find("other school staff"), std::string::npos);
}

TEST(BoundedDraw, FixedSequence) {
    std::mt19937 engine;  // default seed 5489; its first output is 3499211612
    EXPECT_EQ(bounded_draw(engine, 10), 2u);
}

TEST(BoundedDraw, StaysBelowBound) {
    std::mt19937 engine(77);
    for (int i = 0; i < 1000; ++i) EXPECT_LT(bounded_draw(engine, 7), 7u);
}

TEST(SampleCommand, SampleExportJson) {
    const auto run = run_scanner("sample " + shell_quote(IQTS_SOURCE_DIR "/fixtures/sample-export") +
                                 " --seed 7 --format json");
    ASSERT_EQ(run.status, 0) << run.err;
    const auto report = parse_report(run.out);
    const auto cohort_size = report->getValue<int>("cohort_size");
    EXPECT_GT(cohort_size, 0);
    EXPECT_LE(cohort_size, 25);
    EXPECT_EQ(report->getArray("trainees")->size(), 4u);
    EXPECT_EQ(report->getArray("mentors")->size(), 2u);
    EXPECT_EQ(report->getValue<int>("seed"), 7);
}

TEST(SampleCommand, SameSeedSameOutput) {
    const auto arguments = "sample " + shell_quote(IQTS_SOURCE_DIR "/fixtures/sample-export") + " --seed 11 --format csv";
    const auto first = run_scanner(arguments);
    const auto second = run_scanner(arguments);
    ASSERT_EQ(first.status, 0) << first.err;
    EXPECT_EQ(first.out, second.out);
    EXPECT_EQ(first.out.rfind("role,id,name,school,phase,subject,group_meeting\r\n", 0), 0u);
}

TEST(SampleCommand, UnknownFormatRejected) {
    const auto run = run_scanner("sample " + shell_quote(IQTS_SOURCE_DIR "/fixtures/sample-export") + " --format pdf");
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("unknown --format 'pdf'"), std::string::npos);
}

}  // namespace
}  // namespace iqts::host
