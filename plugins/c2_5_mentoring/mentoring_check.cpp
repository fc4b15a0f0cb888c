// C2.5 Mentoring: every trainee has an in-school mentor who works at the
// trainee's own placement school, every mentor has a training record, and
// the provider has a mentor training curriculum.

#include <memory>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"
#include "iqts/values.hpp"

namespace {

using iqts::Finding;
using iqts::Person;
using iqts::Status;
namespace evidence = iqts::evidence;

bool same(const std::string& a, const std::string& b) {
    const auto left = iqts::normalise_text(a);
    return !left.empty() && left == iqts::normalise_text(b);
}

const Person* mentor_named(const std::string& name, const iqts::Cohort& cohort) {
    for (const auto& mentor : cohort.mentors) {
        if (same(mentor.name, name)) return &mentor;
    }
    return nullptr;
}

// Returns the names in a mentor cell: the whole cell when the mentor list
// has it, otherwise its parts split at ";", "/", "&", "," and " and ".
std::vector<std::string> names_in(const std::string& cell, const iqts::Cohort& cohort) {
    if (mentor_named(cell, cohort)) return {cell};
    std::vector<std::string> names;
    std::string current;
    for (std::size_t i = 0; i <= cell.size(); ++i) {
        const bool end = i == cell.size();
        const bool separator = !end && (cell[i] == ';' || cell[i] == '/' || cell[i] == '&' || cell[i] == ',' || cell[i] == '\n');
        const bool word_and = !end && cell.compare(i, 5, " and ") == 0;
        if (end || separator || word_and) {
            if (!iqts::normalise_text(current).empty()) names.push_back(current);
            current.clear();
            if (word_and) i += 4;
        } else {
            current += cell[i];
        }
    }
    return names;
}

class MentoringCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C2.5"; }
    std::string name() const override { return "mentoring"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        std::vector<Finding> findings;
        const auto& cohort = context.cohort;
        if (const auto gap = evidence::register_gap(cohort, "mentor_name", "In-school mentor")) {
            findings.push_back(*gap);
        } else {
            for (const auto& trainee : cohort.trainees) findings.push_back(assess(trainee, cohort));
        }
        if (cohort.mentors.empty()) {
            findings.push_back({Status::missing, "",
                                "no mentor list found: add a table with 'Mentor name', 'School' and 'Mentor training "
                                "completed' columns",
                                {}});
        }
        for (const auto& mentor : cohort.mentors) findings.push_back(training(mentor));
        findings.push_back(evidence::document_finding(context, "mentoring.training_curriculum", "mentor training curriculum"));
        return findings;
    }

private:
    static Finding assess(const Person& trainee, const iqts::Cohort& cohort) {
        Finding finding{Status::fail, evidence::subject_of(trainee), "", {}};
        const auto* named = trainee.first("mentor_name");
        if (!named) {
            finding.message = "no in-school mentor recorded; an in-school mentor in the trainee's placement school is mandatory";
            if (const auto* row = trainee.first("register_row")) finding.evidence.push_back(row->evidence);
            return finding;
        }
        finding.evidence.push_back(named->evidence);
        const auto* school = trainee.first("placement_school");
        if (!school) {
            finding.status = Status::missing;
            finding.message = "no placement school recorded, so the in-school mentor's school cannot be compared with it";
            return finding;
        }
        finding.evidence.push_back(school->evidence);

        // One mentor at the trainee's own school is enough; otherwise the worst case is reported.
        Finding other = finding;
        other.status = Status::pass;
        const auto consider = [&](Status status, const std::string& message, const iqts::Fact* cell) {
            if (!other.message.empty() && status <= other.status) return;
            other.status = status;
            other.message = message;
            if (cell) other.evidence.push_back(cell->evidence);
        };
        for (const auto& name : names_in(named->value.text, cohort)) {
            const auto* mentor = mentor_named(name, cohort);
            const auto* mentor_school = mentor ? mentor->first("mentor_school") : nullptr;
            if (mentor_school && same(mentor_school->value.text, school->value.text)) {
                finding.status = Status::pass;
                finding.message = "in-school mentor " + name + " works at the placement school " + school->value.text;
                finding.evidence.push_back(mentor_school->evidence);
                return finding;
            }
            if (!mentor) {
                consider(Status::review, "mentor " + name + " is not in any mentor list; a person must confirm that "
                         "they work at " + school->value.text, nullptr);
            } else if (!mentor_school) {
                consider(Status::review, "the mentor list gives no school for " + name + "; a person must confirm "
                         "that they work at " + school->value.text, mentor->first("register_row"));
            } else {
                consider(Status::fail, "mentor " + name + " works at " + mentor_school->value.text + " (" +
                         mentor_school->evidence.location + "), not at the trainee's placement school " +
                         school->value.text + " (" + school->evidence.location + ")", mentor_school);
            }
        }
        if (other.message.empty()) consider(Status::review, "the mentor cell '" + named->value.text + "' names no mentor", nullptr);
        return other;
    }

    static Finding training(const Person& mentor) {
        Finding finding{Status::missing, mentor.name, "", {}};
        const auto* date = mentor.first("mentor_training_date");
        const auto* hours = mentor.first("mentor_training_hours");
        if (date || hours) {
            finding.status = Status::pass;
            finding.message = "mentor training recorded:";
            if (date) finding.message += " completed " + date->value.text;
            if (hours) finding.message += std::string(date ? "," : "") + " " + hours->value.text + " hours";
            if (date) finding.evidence.push_back(date->evidence);
            if (hours) finding.evidence.push_back(hours->evidence);
            return finding;
        }
        finding.message = "no mentor training recorded; fill in 'Mentor training completed' or 'Training hours' in the mentor list";
        if (const auto* row = mentor.first("register_row")) finding.evidence.push_back(row->evidence);
        return finding;
    }
};

}  // namespace

IQTS_PLUGIN("mentoring", "0.1.0") {
    registry.add(std::make_unique<MentoringCheck>());
}
