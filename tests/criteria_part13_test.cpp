#include <gtest/gtest.h>

#include <map>

#include "scan_support.hpp"

// End-to-end scans for criteria C1.1, C1.2, C1.4, C1.5, C3.1, C3.3 and C3.4
// on the exports that tests/data/criteria/part13/make_exports.py builds, and
// on the sample export. Each case lists a register value as written beside
// the verdict it must get.

namespace {

using namespace iqts::test;

const std::string exports = IQTS_SOURCE_DIR "/tests/data/criteria/part13/";
const std::string inspection = " --inspection-date 2027-03-08";

// Scans `path` once per test program and returns its JSON report.
Poco::JSON::Object::Ptr report_of(const std::string& path) {
    static std::map<std::string, Poco::JSON::Object::Ptr> reports;
    auto& report = reports[path];
    if (!report) {
        const auto run = run_scanner("scan " + shell_quote(path) + " --format json" + inspection);
        if (run.status != 0 && run.status != 1) {
            ADD_FAILURE() << "scan of " << path << " exited with " << run.status << ": " << run.err;
            return nullptr;
        }
        report = parse_report(run.out);
    }
    return report;
}

std::string text_of(const Poco::JSON::Object::Ptr& entry, const std::string& key) {
    return entry ? entry->getValue<std::string>(key) : "(none)";
}

// Returns the status of the first finding about `subject`, or "(none)".
std::string verdict(const std::string& path, const std::string& id, const std::string& subject) {
    const auto report = report_of(path);
    return report ? text_of(finding(criterion(report, id), subject), "status") : "(no report)";
}

std::string message(const std::string& path, const std::string& id, const std::string& subject) {
    const auto report = report_of(path);
    return report ? text_of(finding(criterion(report, id), subject), "message") : "(no report)";
}

std::string criterion_status(const std::string& path, const std::string& id) {
    const auto report = report_of(path);
    return report ? text_of(criterion(report, id), "status") : "(no report)";
}

// Returns the locations of a finding's evidence, joined by spaces.
std::string locations(const std::string& path, const std::string& id, const std::string& subject) {
    const auto report = report_of(path);
    const auto entry = report ? finding(criterion(report, id), subject) : nullptr;
    if (!entry) return "(none)";
    std::string joined;
    const auto evidence = entry->getArray("evidence");
    for (std::size_t i = 0; i < evidence->size(); ++i) {
        joined += (joined.empty() ? "" : " ") + evidence->getObject(static_cast<unsigned>(i))->getValue<std::string>("location");
    }
    return joined;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Case {
    const char* subject;
    const char* input;
    const char* expected;
};

const std::string entry = exports + "entry";

TEST(GcseEquivalent, GradesInRegister) {
    const Case cases[] = {
        {"E01", "GCSE Mathematics grade 5", "pass"},
        {"E02", "IGCSE Mathematics grade C", "pass"},
        {"E03", "O level Mathematics B", "pass"},
        {"E04", "Tawjihi Mathematics 85% (UK ENIC statement: pass at GCSE standard)", "pass"},
        {"E05", "Provider equivalency test passed", "pass"},
        {"E14", "4 (a number cell)", "pass"},
        {"E06", "GCSE Mathematics grade 3", "fail"},
        {"E07", "IGCSE Mathematics grade D", "fail"},
        {"E15", "fail", "fail"},
        {"E08", "Baccalauréat Mathématiques 12/20", "review"},
        {"E16", "UK ENIC statement of comparability (no grade)", "review"},
        {"E09", "(empty)", "missing"},
    };
    for (const auto& item : cases) {
        EXPECT_EQ(verdict(entry, "C1.1", item.subject), item.expected) << item.subject << ": " << item.input;
    }
}

TEST(GcseEquivalent, ScienceForAgesThreeToEleven) {
    const Case cases[] = {
        {"E10", "Primary (3-11), science GCSE Biology grade 4", "pass"},
        {"E11", "3 to 11, no science", "missing"},
        {"E12", "ages 3–11, science GCSE Chemistry grade E", "fail"},
        {"E13", "Secondary 11-19, no science", "pass"},
    };
    for (const auto& item : cases) {
        EXPECT_EQ(verdict(entry, "C1.1", item.subject), item.expected) << item.subject << ": " << item.input;
    }
}

TEST(GcseEquivalent, MinimumGradeFromRules) {
    const TempDir rules;
    write_file(rules / "stricter.yaml", "settings:\n  gcse.min_grade:\n    value: 5\n    source: test\n");
    const auto run = run_scanner("scan " + shell_quote(entry) + " --format json --rules " +
                                 shell_quote(rules.path().string()) + inspection);
    ASSERT_EQ(run.status, 1) << run.err;
    const auto report = parse_report(run.out);
    const Case cases[] = {
        {"E01", "GCSE Mathematics grade 5", "pass"},
        {"E03", "O level Mathematics B", "pass"},
        {"E02", "IGCSE Mathematics grade C", "review"},
        {"E14", "4 (a number cell)", "fail"},
    };
    for (const auto& item : cases) {
        EXPECT_EQ(text_of(finding(criterion(report, "C1.1"), item.subject), "status"), item.expected)
            << item.subject << ": " << item.input;
    }
}

TEST(GcseEquivalent, FailNamesCell) {
    EXPECT_EQ(locations(entry, "C1.1", "E06"), "Trainees!C7");
    EXPECT_TRUE(contains(message(entry, "C1.1", "E06"), "below GCSE grade 4"));
}

TEST(Degree, DegreesInRegister) {
    const Case cases[] = {
        {"E01", "BA (Hons) History", "pass"},
        {"E02", "BSc Mathematics", "pass"},
        {"E03", "BEd Primary Education", "pass"},
        {"E04", "Licenciatura en Física (UK ENIC: comparable to UK Bachelor's degree)", "pass"},
        {"E05", "MSc Physics", "pass"},
        {"E06", "Diploma in Education", "review"},
        {"E07", "Degree equivalent (provider assessment)", "review"},
        {"E08", "Higher National Diploma", "review"},
        {"E10", "Licence ès Lettres", "review"},
        {"E11", "None", "fail"},
        {"E09", "(empty)", "missing"},
    };
    for (const auto& item : cases) {
        EXPECT_EQ(verdict(entry, "C1.2", item.subject), item.expected) << item.subject << ": " << item.input;
    }
}

TEST(Suitability, SelectionAndSafeguarding) {
    const Case cases[] = {
        {"E01", "interview dated, ICPC dated", "pass"},
        {"E02", "interview dated, Police certificate dated", "pass"},
        {"E03", "interview dated, DBS enhanced, no date", "pass"},
        {"E04", "interview dated, Cleared dated", "pass"},
        {"E05", "interview dated, only a check date", "pass"},
        {"E06", "interview dated, ICPC pending", "fail"},
        {"E07", "interview dated, Police certificate not received", "fail"},
        {"E08", "interview dated, Outstanding", "fail"},
        {"E11", "interview Pending, ICPC dated", "fail"},
        {"E12", "interview dated, Character reference", "review"},
        {"E13", "interview dated, DBS with a caution disclosed", "review"},
        {"E09", "no interview, ICPC dated", "missing"},
        {"E10", "interview dated, no check", "missing"},
    };
    for (const auto& item : cases) {
        EXPECT_EQ(verdict(entry, "C1.4", item.subject), item.expected) << item.subject << ": " << item.input;
    }
}

TEST(Suitability, SelectionPolicyFound) {
    EXPECT_EQ(verdict(entry, "C1.4", "selection policy"), "pass");
    EXPECT_EQ(verdict(entry, "C1.4", ""), "review");
}

TEST(Recruitment, DecisionTimes) {
    const Case cases[] = {
        {"E01", "2026-01-05 to 2026-01-25, 20 days", "pass"},
        {"E02", "2026-01-05 to 2026-02-16, 42 days", "pass"},
        {"E03", "2026-01-05 to 2026-02-17, 43 days", "fail"},
        {"E04", "text 05/01/2026 to text 2026-03-30, 84 days", "fail"},
        {"E06", "2026-01-05 to 'awaiting decision'", "review"},
        {"E07", "2026-03-02 to 2026-02-20, decision first", "review"},
        {"E05", "2026-01-05, no decision date", "missing"},
    };
    for (const auto& item : cases) {
        EXPECT_EQ(verdict(entry, "C1.5", item.subject), item.expected) << item.subject << ": " << item.input;
    }
}

TEST(Recruitment, LateDecisionNamesCellsAndDays) {
    EXPECT_EQ(locations(entry, "C1.5", "E03"), "Trainees!I4 Trainees!J4");
    EXPECT_TRUE(contains(message(entry, "C1.5", "E03"), "43 days"));
}

TEST(Recruitment, DocumentsFound) {
    EXPECT_EQ(verdict(entry, "C1.5", "course information"), "pass");
    EXPECT_EQ(verdict(entry, "C1.5", "complaints procedure"), "pass");
    EXPECT_EQ(verdict(entry, "C1.5", ""), "review");
}

const std::string bare = exports + "bare";

TEST(BareExport, EveryCriterionMissing) {
    for (const std::string id : {"C1.1", "C1.2", "C1.4", "C1.5", "C3.1", "C3.3", "C3.4"}) {
        EXPECT_EQ(criterion_status(bare, id), "missing") << id;
    }
}

TEST(BareExport, MissingColumnsAreNamed) {
    EXPECT_TRUE(contains(message(bare, "C1.1", ""), "'GCSE maths equivalent' column"));
    EXPECT_TRUE(contains(message(bare, "C1.2", ""), "'Degree' column"));
    EXPECT_TRUE(contains(message(bare, "C1.4", ""), "'Interview date'"));
}

TEST(BareExport, MissingDocumentsAreNamed) {
    EXPECT_EQ(verdict(bare, "C1.4", "selection policy"), "missing");
    EXPECT_EQ(verdict(bare, "C1.5", "course information"), "missing");
    EXPECT_EQ(verdict(bare, "C1.5", "complaints procedure"), "missing");
    EXPECT_EQ(verdict(bare, "C3.1", "organogram"), "missing");
    EXPECT_EQ(verdict(bare, "C3.3", "data protection"), "missing");
    EXPECT_EQ(verdict(bare, "C3.3", "safeguarding"), "missing");
    EXPECT_EQ(verdict(bare, "C3.3", "local legislation"), "missing");
    EXPECT_EQ(verdict(bare, "C3.4", "quality assurance statement"), "missing");
    EXPECT_EQ(verdict(bare, "C3.4", "moderation records"), "missing");
}

const std::string management = exports + "management";

TEST(Management, OrganogramNeedsJudgement) {
    EXPECT_EQ(verdict(management, "C3.1", "organogram"), "pass");
    EXPECT_EQ(verdict(management, "C3.1", ""), "review");
    EXPECT_EQ(criterion_status(management, "C3.1"), "review");
}

TEST(Legislation, PoliciesFound) {
    EXPECT_EQ(verdict(management, "C3.3", "data protection"), "pass");
    EXPECT_EQ(verdict(management, "C3.3", "safeguarding"), "pass");
    EXPECT_EQ(verdict(management, "C3.3", ""), "review");
}

TEST(Legislation, CountryWithoutLawNeedsReview) {
    EXPECT_EQ(verdict(management, "C3.3", "local legislation"), "review");
    EXPECT_TRUE(contains(message(management, "C3.3", "local legislation"), "Kenya"));
    EXPECT_FALSE(contains(message(management, "C3.3", "local legislation"), "Chile"));
}

TEST(QualityAssurance, RecentStatementPasses) {
    EXPECT_EQ(verdict(management, "C3.4", "quality assurance statement"), "pass");
    EXPECT_TRUE(contains(message(management, "C3.4", "quality assurance statement"), "2026-10-12"));
}

TEST(QualityAssurance, OldModerationTableNeedsReview) {
    EXPECT_EQ(verdict(management, "C3.4", "moderation records"), "review");
    EXPECT_TRUE(contains(message(management, "C3.4", "moderation records"), "2025-01-12"));
    EXPECT_EQ(locations(management, "C3.4", "moderation records"), "AP1!C1");
}

const std::string unreadable = exports + "unreadable";

TEST(UnreadableExport, ScannedOrganogramNeedsReview) {
    EXPECT_EQ(verdict(unreadable, "C3.1", "organogram"), "review");
    EXPECT_TRUE(contains(message(unreadable, "C3.1", "organogram"), "Organogram.pdf"));
}

TEST(UnreadableExport, ScannedPolicyNeedsReview) {
    EXPECT_EQ(verdict(unreadable, "C3.3", "data protection"), "review");
    EXPECT_EQ(verdict(unreadable, "C3.3", "safeguarding"), "missing");
    EXPECT_EQ(verdict(unreadable, "C3.3", "local legislation"), "pass");
}

TEST(UnreadableExport, OldStatementNeedsReview) {
    EXPECT_EQ(verdict(unreadable, "C3.4", "quality assurance statement"), "review");
    EXPECT_TRUE(contains(message(unreadable, "C3.4", "quality assurance statement"), "2025-03-03"));
}

TEST(UnreadableExport, ModerationMentionNeedsReview) {
    EXPECT_EQ(verdict(unreadable, "C3.4", "moderation records"), "review");
    EXPECT_TRUE(contains(message(unreadable, "C3.4", "moderation records"), "Quality assurance statement.txt"));
}

const std::string sample = IQTS_SOURCE_DIR "/fixtures/sample-export";

TEST(SampleExportCriteria, EntryCriteriaPass) {
    for (const std::string id : {"C1.1", "C1.2"}) {
        EXPECT_EQ(criterion_status(sample, id), "pass") << id;
    }
    for (const std::string id : {"C1.1", "C1.2", "C1.4", "C1.5"}) {
        for (const std::string subject : {"T001", "T002", "T003", "T004", "T005", "T006", "T007", "T008"}) {
            EXPECT_EQ(verdict(sample, id, subject), "pass") << id << " " << subject;
        }
    }
}

TEST(SampleExportCriteria, DocumentsFound) {
    EXPECT_EQ(verdict(sample, "C1.4", "selection policy"), "pass");
    EXPECT_EQ(verdict(sample, "C1.5", "course information"), "pass");
    EXPECT_EQ(verdict(sample, "C1.5", "complaints procedure"), "pass");
    EXPECT_EQ(verdict(sample, "C3.1", "organogram"), "pass");
    EXPECT_EQ(verdict(sample, "C3.3", "data protection"), "pass");
    EXPECT_EQ(verdict(sample, "C3.3", "safeguarding"), "pass");
    EXPECT_EQ(verdict(sample, "C3.3", "local legislation"), "pass");
    EXPECT_EQ(verdict(sample, "C3.4", "quality assurance statement"), "pass");
    EXPECT_EQ(verdict(sample, "C3.4", "moderation records"), "pass");
}

TEST(SampleExportCriteria, JudgementsGoToPerson) {
    for (const std::string id : {"C1.4", "C1.5", "C3.1", "C3.3", "C3.4"}) {
        EXPECT_EQ(criterion_status(sample, id), "review") << id;
    }
}

}  // namespace
