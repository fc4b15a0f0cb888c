// C1.5 iQTS recruitment practices: course information and a complaints
// procedure exist, every application recorded in the registers got a
// decision within `recruitment.max_decision_days`, and a person checks that
// the course information is accurate and current.

#include <memory>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"
#include "iqts/values.hpp"

namespace {

using iqts::Finding;
using iqts::Status;
namespace evidence = iqts::evidence;

constexpr const char* max_days_key = "recruitment.max_decision_days";

class RecruitmentCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C1.5"; }
    std::string name() const override { return "recruitment"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        std::vector<Finding> findings;
        auto information = evidence::document_finding(context, "recruitment.course_information", "course information");
        Finding accuracy{Status::review, "",
                         "a person must check that the course information is accurate and current, and that "
                         "recruitment is quality assured",
                         information.evidence};
        findings.push_back(std::move(information));
        findings.push_back(evidence::document_finding(context, "recruitment.complaints", "complaints procedure"));
        findings.push_back(std::move(accuracy));

        const auto& cohort = context.cohort;
        if (cohort.trainees.empty()) {
            findings.push_back(*evidence::register_gap(cohort, "application_date", "Application date"));
            return findings;
        }
        if (!evidence::any_register_has(cohort, "application_date") ||
            !evidence::any_register_has(cohort, "decision_date")) {
            findings.push_back({Status::missing, "",
                                "no register has both an 'Application date' and a 'Decision date' column; add them "
                                "so that response times to applications can be checked",
                                {}});
            return findings;
        }
        const auto max_days = context.rules.number(max_days_key);
        if (!max_days) {
            findings.push_back({Status::error, "",
                                std::string("the rule pack has no number for ") + max_days_key +
                                    "; add it to thresholds.yaml in calendar days",
                                {}});
            return findings;
        }
        for (const auto& trainee : cohort.trainees) findings.push_back(assess(trainee, *max_days));
        return findings;
    }

private:
    static Finding assess(const iqts::Person& trainee, double max_days) {
        Finding finding;
        finding.subject = evidence::subject_of(trainee);
        const auto* applied = trainee.first("application_date");
        const auto* decided = trainee.first("decision_date");
        if (applied) finding.evidence.push_back(applied->evidence);
        if (decided) finding.evidence.push_back(decided->evidence);

        if (!applied || !decided) {
            finding.status = Status::missing;
            finding.message = !applied && !decided ? "no application date or decision date recorded"
                              : !applied          ? "no application date recorded"
                                                  : "no decision date recorded";
            if (const auto* row = trainee.first("register_row"); row && finding.evidence.empty()) {
                finding.evidence.push_back(row->evidence);
            }
            return finding;
        }
        const auto start = evidence::date_of(applied->value);
        const auto end = evidence::date_of(decided->value);
        if (!start || !end) {
            const auto* unreadable = start ? decided : applied;
            finding.status = Status::review;
            finding.message = "'" + unreadable->value.text + "' at " + unreadable->evidence.location +
                              " is not a date; write it as a date such as 2026-02-09";
            return finding;
        }

        const auto days = *end - *start;
        const auto cells = " (" + applied->evidence.location + " to " + decided->evidence.location + ")";
        if (days < 0) {
            finding.status = Status::review;
            finding.message = "the decision date " + evidence::iso_date(*end) + " is before the application date " +
                              evidence::iso_date(*start) + cells + "; correct one of them";
        } else if (static_cast<double>(days) > max_days) {
            finding.status = Status::fail;
            finding.message = "decision " + std::to_string(days) + " days after the application" + cells +
                              ", more than the maximum of " + iqts::format_number(max_days) + " days";
        } else {
            finding.status = Status::pass;
            finding.message = "decision " + std::to_string(days) + " days after the application (maximum " +
                              iqts::format_number(max_days) + ")";
        }
        return finding;
    }
};

}  // namespace

IQTS_PLUGIN("recruitment", "0.1.0") {
    registry.add(std::make_unique<RecruitmentCheck>());
}
