// C2.4 School placements: each trainee spends at least
// `placement.min_school_days` days training in schools, counted across all
// placements. The criteria say programmes "typically" have 120 days, so
// whether the time is enough stays a person's judgement.

#include <map>
#include <memory>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"
#include "iqts/values.hpp"

namespace {

using iqts::Finding;
using iqts::Status;
namespace evidence = iqts::evidence;

// The days a trainee spent in school according to one register: the sum
// over that register's rows, since a trainee with two placements has two rows.
struct RegisterDays {
    double days = 0;
    std::vector<iqts::Evidence> cells;
};

// Returns the table part of a location: "Placements!E4" gives "Placements",
// "table 2, row 3, column 5" gives "table 2".
std::string table_of(const std::string& location) {
    const auto bang = location.rfind('!');
    if (bang != std::string::npos) return location.substr(0, bang);
    return location.substr(0, location.find(", row"));
}

class SchoolPlacementCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C2.4"; }
    std::string name() const override { return "school-placements"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        std::vector<Finding> findings;
        if (const auto gap = evidence::register_gap(context.cohort, "days_in_school", "Days in school")) {
            findings.push_back(*gap);
        } else {
            for (const auto& trainee : context.cohort.trainees) findings.push_back(assess(trainee, context));
        }
        findings.push_back({Status::review, "",
                            "the criteria expect typically at least " +
                                iqts::format_number(context.rules.number("placement.min_school_days").value_or(120)) +
                                " days in schools; a person must judge whether each trainee's time in school is "
                                "enough to show they meet all the Teachers' Standards",
                            {}});
        return findings;
    }

private:
    static Finding assess(const iqts::Person& trainee, const iqts::CheckContext& context) {
        const auto minimum = context.rules.number("placement.min_school_days").value_or(120);
        Finding finding{Status::missing, evidence::subject_of(trainee), "", {}};
        const auto found = trainee.fields.find("days_in_school");
        if (found == trainee.fields.end() || found->second.empty()) {
            finding.message = "no days in school recorded; fill in the 'Days in school' column";
            if (const auto* row = trainee.first("register_row")) finding.evidence.push_back(row->evidence);
            return finding;
        }

        std::map<std::string, RegisterDays> by_register;
        for (const auto& fact : found->second) {
            const auto value = iqts::number_in(fact.value);
            if (!value) {
                finding.status = Status::review;
                finding.message = "days in school '" + fact.value.text + "' at " + fact.evidence.location +
                                  " is not a number; write the number of days, e.g. 120";
                finding.evidence = {fact.evidence};
                return finding;
            }
            auto& entry = by_register[fact.evidence.path + "|" + table_of(fact.evidence.location)];
            entry.days += *value;
            entry.cells.push_back(fact.evidence);
        }

        // Registers that repeat the total agree; the largest total counts.
        const RegisterDays* best = &by_register.begin()->second;
        for (const auto& [key, entry] : by_register) {
            if (entry.days > best->days) best = &entry;
        }
        finding.evidence = best->cells;
        const auto days = iqts::format_number(best->days);
        if (best->days >= minimum) {
            finding.status = Status::pass;
            finding.message = days + " days in school (minimum " + iqts::format_number(minimum) + ")";
        } else {
            finding.status = Status::fail;
            finding.message = days + " days in school at " + best->cells.front().location + " is below " +
                              iqts::format_number(minimum);
        }
        return finding;
    }
};

}  // namespace

IQTS_PLUGIN("school-placements", "0.1.0") {
    registry.add(std::make_unique<SchoolPlacementCheck>());
}
