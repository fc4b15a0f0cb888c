// C2.7 Awarding iQTS: the provider awards iQTS only to trainees who meet
// every Teachers' Standard, so every trainee recorded as awarded (or
// recommended for the award) has all standards recorded as met.

#include <memory>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"

namespace {

using iqts::Finding;
using iqts::Status;
namespace evidence = iqts::evidence;

class AwardingCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C2.7"; }
    std::string name() const override { return "awarding"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        if (context.cohort.trainees.empty() || !evidence::any_register_has(context.cohort, "award_status")) {
            return {{Status::review, "",
                     "no award records: no register has an 'Award status' column, so no trainee is recorded as "
                     "awarded iQTS yet; after the examination board, record each trainee's award and whether all "
                     "Teachers' Standards are met, and a person checks the board's decisions",
                     {}}};
        }
        std::vector<Finding> findings;
        for (const auto& trainee : context.cohort.trainees) findings.push_back(assess(trainee, context.rules));
        return findings;
    }

private:
    static Finding assess(const iqts::Person& trainee, const iqts::RulePack& rules) {
        Finding finding{Status::review, evidence::subject_of(trainee), "", {}};
        const auto* award = trainee.first("award_status");
        if (!award) {
            finding.message = "no award status recorded; write whether iQTS was awarded";
            if (const auto* row = trainee.first("register_row")) finding.evidence.push_back(row->evidence);
            return finding;
        }
        finding.evidence.push_back(award->evidence);
        const auto& status = award->value.text;
        if (rules.matches_any("award.not_awarded", status)) {
            finding.status = Status::pass;
            finding.message = "iQTS not awarded ('" + status + "'), so no standards need to be recorded as met";
            return finding;
        }
        if (!rules.matches_any("award.awarded", status)) {
            finding.message = "award status '" + status + "' is neither awarded nor not awarded; a person must read it";
            return finding;
        }

        const auto* standards = trainee.first("standards_met");
        if (!standards) {
            finding.status = Status::missing;
            finding.message = "iQTS '" + status + "' with no record that all Teachers' Standards are met; add a "
                              "'Standards met' column";
            return finding;
        }
        finding.evidence.push_back(standards->evidence);
        const auto& met = standards->value.text;
        if (rules.matches_any("award.standards_not_met", met)) {
            finding.status = Status::fail;
            finding.message = "iQTS '" + status + "' at " + award->evidence.location + " although standards met is '" +
                              met + "' at " + standards->evidence.location + "; iQTS is awarded only when every "
                              "Teachers' Standard is met";
        } else if (rules.matches_any("award.standards_met", met)) {
            finding.status = Status::pass;
            finding.message = "iQTS '" + status + "' with all Teachers' Standards met ('" + met + "')";
        } else {
            finding.message = "standards met '" + met + "' does not say whether all Teachers' Standards are met; a "
                              "person must read it";
        }
        return finding;
    }
};

}  // namespace

IQTS_PLUGIN("awarding", "0.1.0") {
    registry.add(std::make_unique<AwardingCheck>());
}
