// C1.2 Degree criteria: every trainee holds a first degree from a UK or
// non-UK higher education institution, or an equivalent qualification,
// which a person must judge.

#include <memory>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"

namespace {

using iqts::Finding;
using iqts::Status;

class DegreeCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C1.2"; }
    std::string name() const override { return "degree"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        if (auto gap = iqts::evidence::register_gap(context.cohort, "degree", "Degree")) return {*gap};
        std::vector<Finding> findings;
        for (const auto& trainee : context.cohort.trainees) findings.push_back(assess(trainee, context));
        return findings;
    }

private:
    // Judges the degree entry. The order matters: a UK ENIC comparison to a
    // bachelor's degree settles it, and wording such as "equivalent" or
    // "diploma" goes to a person even when it also names a degree.
    static Finding assess(const iqts::Person& trainee, const iqts::CheckContext& context) {
        Finding finding;
        finding.subject = iqts::evidence::subject_of(trainee);
        const auto* degree = trainee.first("degree");
        if (!degree) {
            finding.status = Status::missing;
            finding.message = "no first degree or equivalent qualification recorded";
            if (const auto* row = trainee.first("register_row")) finding.evidence.push_back(row->evidence);
            return finding;
        }
        finding.evidence.push_back(degree->evidence);
        const auto& text = degree->value.text;
        const auto& rules = context.rules;

        if (rules.matches_any("degree.absent", text)) {
            finding.status = Status::fail;
            finding.message = "the register records no degree ('" + text + "') at " + degree->evidence.location;
        } else if (rules.matches_any("degree.enic_comparable", text)) {
            finding.status = Status::pass;
            finding.message = "'" + text + "' is comparable to a UK bachelor's degree (UK ENIC)";
        } else if (rules.matches_any("degree.needs_judgement", text)) {
            finding.status = Status::review;
            finding.message = "'" + text + "' at " + degree->evidence.location +
                              " is not plainly a first degree; a person must judge whether it is an equivalent "
                              "qualification, for example from a UK ENIC statement";
        } else if (rules.matches_any("degree.accepted", text)) {
            finding.status = Status::pass;
            finding.message = "'" + text + "' is a first degree or higher";
        } else {
            finding.status = Status::review;
            finding.message = "'" + text + "' at " + degree->evidence.location +
                              " is not a recognised degree; a person must check the certificate or a UK ENIC "
                              "statement";
        }
        return finding;
    }
};

}  // namespace

IQTS_PLUGIN("degree", "0.1.0") {
    registry.add(std::make_unique<DegreeCheck>());
}
