#include <gtest/gtest.h>

#include <map>

#include "scan_support.hpp"

// End-to-end scans for criteria C2.1 to C2.7 on the exports that
// tests/data/criteria/part2/make_exports.py builds, and on the sample
// export. Each case lists a register value as written beside the verdict
// it must get.

namespace {

using namespace iqts::test;

const std::string exports = IQTS_SOURCE_DIR "/tests/data/criteria/part2/";
const std::string training = exports + "training";
const std::string gaps = exports + "gaps";
const std::string unreadable = exports + "unreadable";
const std::string sample = IQTS_SOURCE_DIR "/fixtures/sample-export";

// Scans `path` once per test program and returns its JSON report.
Poco::JSON::Object::Ptr report_of(const std::string& path) {
    static std::map<std::string, Poco::JSON::Object::Ptr> reports;
    auto& report = reports[path];
    if (!report) {
        const auto run = run_scanner("scan " + shell_quote(path) + " --format json --inspection-date 2027-03-08");
        if (run.status != 0 && run.status != 1) {
            ADD_FAILURE() << "scan of " << path << " exited with " << run.status << ": " << run.err;
            return nullptr;
        }
        report = parse_report(run.out);
    }
    return report;
}

std::string field_of(const std::string& path, const std::string& id, const std::string& subject, const std::string& key) {
    const auto report = report_of(path);
    const auto entry = report ? finding(criterion(report, id), subject) : nullptr;
    return entry ? entry->getValue<std::string>(key) : "(none)";
}

std::string verdict(const std::string& path, const std::string& id, const std::string& subject) {
    return field_of(path, id, subject, "status");
}

std::string message(const std::string& path, const std::string& id, const std::string& subject) {
    return field_of(path, id, subject, "message");
}

std::string criterion_status(const std::string& path, const std::string& id) {
    const auto report = report_of(path);
    const auto entry = report ? criterion(report, id) : nullptr;
    return entry ? entry->getValue<std::string>("status") : "(none)";
}

// Returns the statuses of every finding about `subject`, joined by spaces.
std::string verdicts(const std::string& path, const std::string& id, const std::string& subject) {
    const auto report = report_of(path);
    const auto entry = report ? criterion(report, id) : nullptr;
    if (!entry) return "(none)";
    std::string joined;
    const auto findings = entry->getArray("findings");
    for (std::size_t i = 0; i < findings->size(); ++i) {
        const auto item = findings->getObject(static_cast<unsigned>(i));
        if (item->getValue<std::string>("subject") != subject) continue;
        joined += (joined.empty() ? "" : " ") + item->getValue<std::string>("status");
    }
    return joined;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Case {
    const char* subject;
    const char* input;
    const char* expected;
};

TEST(ProgrammeStructure, CompleteMapInMixedIdStyles) {
    // "LT-1.1", "S1.2", "ITTECF 1.3", "2.1, 2.3; 2.4-2.6" and "2.7–2.10" cover all 72 ids.
    EXPECT_EQ(verdict(training, "C2.1", ""), "pass");
    EXPECT_TRUE(contains(message(training, "C2.1", ""), "all 72 ITTECF statements"));
    EXPECT_EQ(verdict(training, "C2.1", "9.4"), "review");
}

TEST(ProgrammeStructure, GapsListedWithSectionCoverage) {
    // The Word-table map lacks 3.5 and 6.7 and names 9.4.
    EXPECT_EQ(verdict(gaps, "C2.1", ""), "fail");
    EXPECT_TRUE(contains(message(gaps, "C2.1", ""), "3.5, 6.7"));
    EXPECT_TRUE(contains(message(gaps, "C2.1", ""), "section 3 11/12 (91%)"));
    EXPECT_EQ(verdict(gaps, "C2.1", "9.4"), "review");
    EXPECT_EQ(verdicts(gaps, "C2.1", ""), "fail review");
}

TEST(ProgrammeStructure, UnreadableMapIsReview) {
    EXPECT_EQ(verdicts(unreadable, "C2.1", ""), "review review");
    EXPECT_TRUE(contains(message(unreadable, "C2.1", ""), "cannot be read"));
}

TEST(Itap, DaysAndHoursPerTrainee) {
    const Case cases[] = {
        {"I01", "placement log: 20 days, 25 planned, 5 expert", "pass"},
        {"I02", "placement log: 18 days", "fail"},
        {"I03", "placement log: 24 planned hours a week", "fail"},
        {"I04", "placement log: 4.5 expert hours a week", "fail"},
        {"I05", "weekly log in ITAP logs.zip: 4 weeks of at least 25 and 5 hours", "pass"},
        {"I06", "weekly log: 3 weeks, so 15 days", "fail"},
        {"I07", "weekly log: one week of 20 planned hours", "fail"},
        {"A01", "no ITAP entry", "missing"},
    };
    for (const auto& c : cases) EXPECT_EQ(verdict(training, "C2.2", c.subject), c.expected) << c.subject << ": " << c.input;
    EXPECT_TRUE(contains(message(training, "C2.2", "I06"), "15 ITAP days is below 20"));
    EXPECT_TRUE(contains(message(training, "C2.2", "I07"), "ITAP log!D10"));
}

TEST(Itap, FocusAreas) {
    EXPECT_EQ(verdict(training, "C2.2", "ITAP focus areas"), "pass");
    EXPECT_EQ(verdict(gaps, "C2.2", "ITAP focus areas"), "missing");
}

TEST(Itap, NoItapRegister) {
    EXPECT_EQ(verdict(gaps, "C2.2", ""), "missing");
    EXPECT_EQ(verdict(unreadable, "C2.2", ""), "review");
}

TEST(AgeRanges, PhasesAsWritten) {
    const Case cases[] = {
        {"A01", "3 to 11", "pass"},         {"A02", "3\u201311", "pass"},       {"A03", "ages 7-14", "pass"},
        {"A04", "Primary (3-11)", "pass"},  {"A05", "Secondary 11-19", "pass"}, {"A06", "5-11", "fail"},
        {"A07", "KS2", "review"},           {"A08", "(empty)", "missing"},
    };
    for (const auto& c : cases) EXPECT_EQ(verdict(training, "C2.3", c.subject), c.expected) << c.subject << ": " << c.input;
    EXPECT_TRUE(contains(message(training, "C2.3", "A07"), "age_phase_names"));
}

TEST(AgeRanges, NoColumn) { EXPECT_EQ(verdict(gaps, "C2.3", ""), "missing"); }

TEST(SchoolPlacements, DaysInSchool) {
    const Case cases[] = {
        {"P01", "120", "pass"},         {"P02", "120 days", "pass"},       {"P03", "\"121\" as text", "pass"},
        {"P04", "119", "fail"},         {"P05", "one hundred", "review"},  {"A01", "(empty)", "missing"},
    };
    for (const auto& c : cases) EXPECT_EQ(verdict(training, "C2.4", c.subject), c.expected) << c.subject << ": " << c.input;
    EXPECT_TRUE(contains(message(training, "C2.4", "P04"), "Trainees!F13"));
}

TEST(SchoolPlacements, SufficiencyNeedsPerson) {
    EXPECT_EQ(verdict(training, "C2.4", ""), "review");
    EXPECT_EQ(verdicts(gaps, "C2.4", ""), "missing review");
}

TEST(Mentoring, MentorAtPlacementSchool) {
    const Case cases[] = {
        {"M01", "Ada Mentor, both at Alder Primary School", "pass"},
        {"M02", "Ada Mentor (Alder Primary School) for a trainee at Birch Academy", "fail"},
        {"M03", "Zed Unknown, in no mentor list", "review"},
        {"M04", "(no mentor)", "fail"},
        {"M05", "BEN  mentor, the mentor list's Ben Mentor at Birch Academy", "pass"},
    };
    for (const auto& c : cases) EXPECT_EQ(verdict(training, "C2.5", c.subject), c.expected) << c.subject << ": " << c.input;
    EXPECT_TRUE(contains(message(training, "C2.5", "M02"), "Mentors!B2"));
    EXPECT_TRUE(contains(message(training, "C2.5", "M02"), "Trainees!D16"));
}

TEST(Mentoring, TrainingRecordPerMentor) {
    const Case cases[] = {
        {"Ada Mentor", "completed 2026-08-26, 20 hours", "pass"},
        {"Ben Mentor", "12 hours, no date", "pass"},
        {"Cy Mentor", "(nothing)", "missing"},
    };
    for (const auto& c : cases) EXPECT_EQ(verdict(training, "C2.5", c.subject), c.expected) << c.subject << ": " << c.input;
}

TEST(Mentoring, TrainingCurriculum) {
    EXPECT_EQ(verdict(training, "C2.5", "mentor training curriculum"), "pass");
    EXPECT_EQ(verdict(gaps, "C2.5", "mentor training curriculum"), "missing");
}

TEST(Assessment, FrameworkAndSchedule) {
    EXPECT_EQ(verdict(training, "C2.6", "assessment and progression framework"), "pass");
    EXPECT_EQ(verdict(training, "C2.6", "assessment schedule"), "pass");
    EXPECT_EQ(verdict(training, "C2.6", ""), "review");
    // Moderation records list assessment points per trainee; they are not a schedule.
    EXPECT_EQ(verdict(gaps, "C2.6", "assessment and progression framework"), "missing");
    EXPECT_EQ(verdict(gaps, "C2.6", "assessment schedule"), "missing");
    EXPECT_EQ(verdict(unreadable, "C2.6", "assessment and progression framework"), "review");
    EXPECT_EQ(verdict(unreadable, "C2.6", "assessment schedule"), "review");
}

TEST(Awarding, AwardedTraineesMeetAllStandards) {
    const Case cases[] = {
        {"W01", "Awarded / Yes", "pass"},
        {"W02", "Awarded / Partly", "fail"},
        {"W03", "Recommended / TS1-TS8 met", "pass"},
        {"W04", "Awarded / (empty)", "missing"},
        {"W05", "Pending", "pass"},
        {"W06", "Awarded / No", "fail"},
    };
    for (const auto& c : cases) EXPECT_EQ(verdict(training, "C2.7", c.subject), c.expected) << c.subject << ": " << c.input;
}

TEST(Awarding, ModerationOutcomesAreNotAwards) {
    // Moderation records.xlsx has "Outcome" and "Standards" columns.
    EXPECT_EQ(verdicts(gaps, "C2.7", ""), "review");
    EXPECT_EQ(verdict(gaps, "C2.7", "G01"), "(none)");
}

TEST(SampleExport, TrainingCriteria) {
    EXPECT_EQ(verdict(sample, "C2.1", ""), "pass");
    EXPECT_EQ(criterion_status(sample, "C2.2"), "pass");
    EXPECT_EQ(verdict(sample, "C2.2", "ITAP focus areas"), "pass");
    EXPECT_EQ(criterion_status(sample, "C2.3"), "pass");
    EXPECT_EQ(criterion_status(sample, "C2.4"), "review");
    EXPECT_EQ(verdict(sample, "C2.5", "T004"), "pass");
    EXPECT_EQ(verdict(sample, "C2.5", "mentor training curriculum"), "missing");
    EXPECT_EQ(verdict(sample, "C2.6", "assessment schedule"), "pass");
    EXPECT_EQ(verdicts(sample, "C2.7", ""), "review");
}

}  // namespace
