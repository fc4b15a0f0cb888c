// C2.3 Age ranges: every trainee is prepared to teach one of the three iQTS
// age phases, 3 to 11, 7 to 14 or 11 to 19, however the register writes it.

#include <memory>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"

namespace {

using iqts::Finding;
using iqts::Status;
namespace evidence = iqts::evidence;

// The three phases and the rule-pack pattern list that recognises each.
const std::pair<const char*, const char*> phases[] = {
    {"3-11", "age_phase.3_11"}, {"7-14", "age_phase.7_14"}, {"11-19", "age_phase.11_19"}};

class AgeRangeCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C2.3"; }
    std::string name() const override { return "age-ranges"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        if (const auto gap = evidence::register_gap(context.cohort, "age_phase", "Age phase")) return {*gap};
        std::vector<Finding> findings;
        for (const auto& trainee : context.cohort.trainees) findings.push_back(assess(trainee, context));
        return findings;
    }

private:
    static Finding assess(const iqts::Person& trainee, const iqts::CheckContext& context) {
        Finding finding{Status::missing, evidence::subject_of(trainee), "", {}};
        const auto* fact = trainee.first("age_phase");
        if (!fact) {
            finding.message = "no age phase recorded; write 3-11, 7-14 or 11-19 in the 'Age phase' column";
            if (const auto* row = trainee.first("register_row")) finding.evidence.push_back(row->evidence);
            return finding;
        }
        finding.evidence.push_back(fact->evidence);
        const auto& text = fact->value.text;

        std::vector<std::string> named;
        for (const auto& [phase, key] : phases) {
            if (context.rules.matches_any(key, text)) named.push_back(phase);
        }
        // A local phase name that the rule pack maps, such as "KS2" to 3-11.
        if (named.empty()) {
            for (const auto& row : context.rules.table("age_phase_names")) {
                const auto pattern = row.find("pattern");
                const auto phase = row.find("phase");
                if (pattern != row.end() && phase != row.end() && context.rules.matches(pattern->second, text)) {
                    named.push_back(phase->second);
                    break;
                }
            }
        }

        if (named.size() == 1) {
            finding.status = Status::pass;
            finding.message = "age phase " + named.front() + " ('" + text + "')";
        } else if (named.size() > 1) {
            finding.status = Status::review;
            finding.message = "'" + text + "' names more than one age phase; a trainee is prepared for one of 3-11, "
                              "7-14 or 11-19, so a person must confirm which";
        } else if (context.rules.matches_any("age_phase.other_range", text)) {
            finding.status = Status::fail;
            finding.message = "age range '" + text + "' is not one of the iQTS age phases 3-11, 7-14 or 11-19";
        } else {
            finding.status = Status::review;
            finding.message = "'" + text + "' gives no age range; if it is a local phase name, map it to 3-11, 7-14 "
                              "or 11-19 with a row of the 'age_phase_names' table in a rules folder given with --rules";
        }
        return finding;
    }
};

}  // namespace

IQTS_PLUGIN("age-ranges", "0.1.0") {
    registry.add(std::make_unique<AgeRangeCheck>());
}
