// C1.4 Suitability: every trainee has been through the provider's
// selection process (an interview or selection record) and has a cleared
// safeguarding check such as an ICPC, a police certificate or a DBS check.
// The programme needs a selection policy, and a person judges its rigour.

#include <algorithm>
#include <chrono>
#include <memory>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"

namespace {

using iqts::Finding;
using iqts::Status;
namespace evidence = iqts::evidence;

// The verdict on one part of a trainee's record (selection or safeguarding).
struct Part {
    Status status = Status::missing;
    std::string message;
};

class SuitabilityCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C1.4"; }
    std::string name() const override { return "suitability"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        std::vector<Finding> findings;
        const auto& cohort = context.cohort;
        const bool selection_column =
            evidence::any_register_has(cohort, "interview_date") || evidence::any_register_has(cohort, "selection_record");
        const bool safeguarding_column = evidence::any_register_has(cohort, "safeguarding_check") ||
                                         evidence::any_register_has(cohort, "safeguarding_date");

        if (cohort.trainees.empty()) {
            findings.push_back(*evidence::register_gap(cohort, "interview_date", "Interview date"));
        }
        if (!cohort.trainees.empty() && !selection_column) {
            findings.push_back({Status::missing, "",
                                "no register has an 'Interview date' or 'Selection record' column; add one that "
                                "records each trainee's selection interview",
                                {}});
        }
        if (!cohort.trainees.empty() && !safeguarding_column) {
            findings.push_back({Status::missing, "",
                                "no register has a 'Safeguarding check' column; add one that records each trainee's "
                                "ICPC, police certificate or DBS check and its date",
                                {}});
        }
        if (selection_column || safeguarding_column) {
            for (const auto& trainee : cohort.trainees) {
                findings.push_back(assess(trainee, selection_column, safeguarding_column, context));
            }
        }

        auto policy = evidence::document_finding(context, "suitability.selection_policy", "selection policy");
        Finding rigour{Status::review, "",
                       "a person must judge whether the selection process is rigorous and the safeguarding checks "
                       "are adequate for each trainee's country",
                       policy.evidence};
        findings.push_back(std::move(policy));
        findings.push_back(std::move(rigour));
        return findings;
    }

private:
    Finding assess(const iqts::Person& trainee, bool selection_column, bool safeguarding_column,
                   const iqts::CheckContext& context) const {
        Finding finding;
        finding.subject = evidence::subject_of(trainee);
        std::vector<Part> parts;

        if (selection_column) {
            const auto* selection = trainee.first("interview_date");
            if (!selection) selection = trainee.first("selection_record");
            parts.push_back(judge_selection(selection, context));
            if (selection) finding.evidence.push_back(selection->evidence);
        }
        if (safeguarding_column) {
            const auto* check = trainee.first("safeguarding_check");
            const auto* date = trainee.first("safeguarding_date");
            parts.push_back(judge_safeguarding(check, date, context));
            if (check) finding.evidence.push_back(check->evidence);
            if (date) finding.evidence.push_back(date->evidence);
        }

        finding.status = Status::pass;
        for (const auto& part : parts) {
            finding.status = iqts::worst(finding.status, part.status);
            finding.message += (finding.message.empty() ? "" : "; ") + part.message;
        }
        if (finding.evidence.empty()) {
            if (const auto* row = trainee.first("register_row")) finding.evidence.push_back(row->evidence);
        }
        return finding;
    }

    static Part judge_selection(const iqts::Fact* selection, const iqts::CheckContext& context) {
        if (!selection) return {Status::missing, "no interview or selection record"};
        const auto& text = selection->value.text;
        if (context.rules.matches_any("suitability.outstanding", text)) {
            return {Status::fail, "selection not completed ('" + text + "' at " + selection->evidence.location + ")"};
        }
        return {Status::pass, "selection recorded (" + text + ")"};
    }

    // Returns the inspection date as a day number, or today when none is given.
    static long reference_day(const iqts::CheckContext& context) {
        const auto inspection = evidence::dates_in(context.inspection_date);
        if (!inspection.empty()) return inspection.front();
        const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
        return static_cast<long>(now.time_since_epoch().count());
    }

    // Returns whether a clause of `text` matches suitability.concern, leaving
    // out clauses such as "no concerns raised" that suitability.no_concern
    // matches. Clauses are separated by ',', ';' or '.'.
    // NOTE: the built-in pattern must cover a whole clause, so "ICPC 2026-06-01
    // no concerns", with no comma before "no", still goes to a person.
    static bool records_concern(const std::string& text, const iqts::RulePack& rules) {
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto end = std::min(text.find_first_of(",;.", start), text.size());
            const auto clause = text.substr(start, end - start);
            const bool negated = rules.matches_any("suitability.no_concern", clause);
            if (!negated && rules.matches_any("suitability.concern", clause)) return true;
            start = end + 1;
        }
        return false;
    }

    // An outstanding check fails even when it names the check ("DBS
    // pending"); a check with a concern goes to a person.
    static Part judge_safeguarding(const iqts::Fact* check, const iqts::Fact* date, const iqts::CheckContext& context) {
        if (!check && !date) return {Status::missing, "no safeguarding check recorded"};
        const auto& rules = context.rules;
        const auto text = (check ? check->value.text : std::string()) + (check && date ? " " : "") +
                          (date ? date->value.text : std::string());
        const auto where = (check ? check->evidence : date->evidence).location;

        if (rules.matches_any("suitability.outstanding", text)) {
            return {Status::fail, "safeguarding check not cleared ('" + text + "' at " + where + ")"};
        }
        if (records_concern(text, rules)) {
            return {Status::review, "safeguarding check '" + text + "' at " + where +
                                        " records a concern; a person must judge suitability"};
        }
        const auto dated = date ? evidence::date_of(date->value) : evidence::date_of(check->value);
        const bool cleared = check && rules.matches_any("suitability.cleared", check->value.text);
        if (dated && *dated > reference_day(context)) {
            return {Status::review, "safeguarding check '" + text + "' at " + where + " is dated " +
                                        evidence::iso_date(*dated) +
                                        ", after the inspection date (or today); a person must check it was done"};
        }
        if (cleared || dated) {
            const auto name = check && !evidence::date_of(check->value) ? check->value.text : "safeguarding check";
            return {Status::pass, name + (dated ? ", dated " + evidence::iso_date(*dated) : ", no date recorded")};
        }
        return {Status::review, "safeguarding entry '" + text + "' at " + where +
                                    " is not a recognised check; a person must check it"};
    }
};

}  // namespace

IQTS_PLUGIN("suitability", "0.1.0") {
    registry.add(std::make_unique<SuitabilityCheck>());
}
