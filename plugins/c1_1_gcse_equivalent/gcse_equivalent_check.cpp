// C1.1 GCSE standard equivalent: every trainee has mathematics at a
// standard equivalent to GCSE grade 4, and trainees for ages 3 to 11 also a
// science. The grades accepted and the grades below live in the rule pack.

#include <memory>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"

namespace {

using iqts::Finding;
using iqts::Status;

// The verdict on one subject's record, before it joins the trainee's finding.
struct Verdict {
    Status status = Status::missing;
    std::string message;
};

class GcseEquivalentCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C1.1"; }
    std::string name() const override { return "gcse-equivalent"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        if (auto gap = iqts::evidence::register_gap(context.cohort, "gcse_maths", "GCSE maths equivalent")) return {*gap};
        std::vector<Finding> findings;
        for (const auto& trainee : context.cohort.trainees) findings.push_back(assess(trainee, context));
        return findings;
    }

private:
    Finding assess(const iqts::Person& trainee, const iqts::CheckContext& context) const {
        Finding finding;
        finding.subject = iqts::evidence::subject_of(trainee);

        const auto* maths = trainee.first("gcse_maths");
        auto verdict = judge("maths", maths, context);
        if (maths) finding.evidence.push_back(maths->evidence);

        // Ages 3 to 11 also need a science at the same standard.
        const auto* phase = trainee.first("age_phase");
        if (phase && context.rules.matches_any("entry.age_phase_3_11", phase->value.text)) {
            const auto* science = trainee.first("gcse_science");
            const auto science_verdict = judge("science (needed for ages 3 to 11)", science, context);
            if (science) finding.evidence.push_back(science->evidence);
            verdict.status = iqts::worst(verdict.status, science_verdict.status);
            verdict.message += "; " + science_verdict.message;
        } else if (!phase) {
            verdict.message += "; no age phase recorded, so the science requirement for ages 3 to 11 was not checked";
        }

        finding.status = verdict.status;
        finding.message = verdict.message;
        if (finding.evidence.empty()) {
            if (const auto* row = trainee.first("register_row")) finding.evidence.push_back(row->evidence);
        }
        return finding;
    }

    // Judges one record: a grade the rule pack accepts passes, a grade below
    // fails, and a record that matches both or neither goes to a person.
    static Verdict judge(const std::string& subject, const iqts::Fact* fact, const iqts::CheckContext& context) {
        if (!fact) return {Status::missing, "no " + subject + " grade or equivalence recorded"};
        const auto& text = fact->value.text;
        const auto where = " at " + fact->evidence.location;
        const bool accepted = context.rules.matches_any("gcse.accepted", text);
        const bool below = context.rules.matches_any("gcse.below", text);

        if (accepted && !below) return {Status::pass, subject + " '" + text + "' is at grade 4 or equivalent"};
        if (below && !accepted) {
            return {Status::fail, subject + " '" + text + "'" + where + " is below GCSE grade 4 or equivalent"};
        }
        if (accepted && below) {
            return {Status::review, subject + " '" + text + "'" + where +
                                        " records both a grade 4 equivalent and a lower grade; a person must check "
                                        "the certificate"};
        }
        return {Status::review, subject + " '" + text + "'" + where +
                                    " is not a recognised grade 4 equivalent; a person must check the certificate "
                                    "and any UK ENIC statement of comparability"};
    }
};

}  // namespace

IQTS_PLUGIN("gcse-equivalent", "0.1.0") {
    registry.add(std::make_unique<GcseEquivalentCheck>());
}
