// C2.2 Intensive training and practice (ITAP): every trainee has at least
// `itap.min_days` ITAP days, and in each ITAP week at least
// `itap.min_planned_hours_per_week` planned and supported hours, of which
// `itap.min_expert_hours_per_week` are expert support. The programme names
// the curriculum areas that ITAP focuses on.

#include <algorithm>
#include <map>
#include <memory>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"
#include "iqts/values.hpp"

namespace {

using iqts::Evidence;
using iqts::Fact;
using iqts::Finding;
using iqts::Status;
namespace evidence = iqts::evidence;

// One row of a weekly ITAP log.
struct Week {
    const Fact* planned = nullptr;
    const Fact* expert = nullptr;
    const Fact* days = nullptr;
    Evidence row;
};

// Returns whether `fact` comes from a weekly ITAP log: a register with a week column.
bool from_weekly_log(const Fact& fact, const iqts::Cohort& cohort) {
    return std::any_of(cohort.registers.begin(), cohort.registers.end(), [&](const iqts::Register& found) {
        return found.path == fact.evidence.path && found.columns.count("itap_week") &&
               fact.evidence.location.rfind(found.table, 0) == 0;
    });
}

// Returns the row part of a location: "ITAP log!E7" gives "ITAP log!7",
// "table 1, row 3, column 2" gives "table 1, row 3".
std::string row_of(const std::string& location) {
    const auto column = location.find(", column");
    if (column != std::string::npos) return location.substr(0, column);
    const auto bang = location.rfind('!');
    std::string row = location.substr(0, bang == std::string::npos ? 0 : bang + 1);
    for (auto i = bang == std::string::npos ? 0 : bang + 1; i < location.size(); ++i) {
        if (location[i] >= '0' && location[i] <= '9') row += location[i];
    }
    return row;
}

class ItapCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C2.2"; }
    std::string name() const override { return "intensive-training-and-practice"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        std::vector<Finding> findings;
        const auto& cohort = context.cohort;
        const bool any_column = evidence::any_register_has(cohort, "itap_days") ||
                                evidence::any_register_has(cohort, "itap_planned_hours") ||
                                evidence::any_register_has(cohort, "itap_expert_hours") ||
                                evidence::any_register_has(cohort, "itap_week");
        if (cohort.trainees.empty()) {
            findings.push_back(*evidence::register_gap(cohort, "itap_days", "ITAP days"));
        } else if (!any_column) {
            findings.push_back(no_itap_register(context));
        } else {
            for (const auto& trainee : cohort.trainees) findings.push_back(assess(trainee, context));
        }
        findings.push_back(focus_areas(context));
        return findings;
    }

private:
    static Finding no_itap_register(const iqts::CheckContext& context) {
        for (const auto& pattern : context.rules.patterns("itap.log_documents")) {
            const auto records = context.index.unreadable(pattern);
            if (records.empty()) continue;
            return {Status::review, "",
                    "the ITAP log " + evidence::file_name(records.front()->path) + " cannot be read (" +
                        records.front()->reason + "); a person must check each trainee's ITAP days and hours",
                    {{records.front()->path, ""}}};
        }
        return {Status::missing, "",
                "no register records ITAP: add 'ITAP days', 'ITAP planned hours per week' and 'ITAP expert hours per "
                "week' columns to the placement log, or a weekly ITAP log with 'Week commencing', 'Planned and "
                "supported hours' and 'Expert support hours' columns",
                {}};
    }

    Finding assess(const iqts::Person& trainee, const iqts::CheckContext& context) const {
        const auto& rules = context.rules;
        const auto min_days = rules.number("itap.min_days").value_or(20);
        const auto min_planned = rules.number("itap.min_planned_hours_per_week").value_or(25);
        const auto min_expert = rules.number("itap.min_expert_hours_per_week").value_or(5);

        // Split the facts into weekly log rows and per-trainee values.
        std::map<std::string, Week> weeks;
        std::map<std::string, const Fact*> totals;
        for (const auto* field : {"itap_week", "itap_planned_hours", "itap_expert_hours", "itap_days", "itap_week_days"}) {
            const auto found = trainee.fields.find(field);
            if (found == trainee.fields.end()) continue;
            for (const auto& fact : found->second) {
                const std::string name = field;
                if (!from_weekly_log(fact, context.cohort)) {
                    if (!totals.count(name)) totals[name] = &fact;
                    continue;
                }
                auto& week = weeks[fact.evidence.path + "|" + row_of(fact.evidence.location)];
                if (week.row.path.empty()) week.row = fact.evidence;
                if (name == "itap_planned_hours") week.planned = &fact;
                if (name == "itap_expert_hours") week.expert = &fact;
                if (name == "itap_days" || name == "itap_week_days") week.days = &fact;
            }
        }

        Finding finding{Status::pass, evidence::subject_of(trainee), "", {}};
        std::vector<std::string> failures;
        std::vector<std::string> gaps;
        const auto note = [&](std::vector<std::string>& list, const std::string& text, const Evidence& place) {
            list.push_back(text);
            if (!place.path.empty()) finding.evidence.push_back(place);
        };

        // Days: the trainee's ITAP days value, else the logged weeks.
        double days = 0;
        Evidence days_place;
        if (const auto total = totals.find("itap_days"); total != totals.end()) {
            days_place = total->second->evidence;
            const auto value = iqts::number_in(total->second->value);
            if (!value) note(gaps, "ITAP days '" + total->second->value.text + "' is not a number of days", days_place);
            days = value.value_or(0);
        } else if (!weeks.empty()) {
            const auto per_week = rules.number("itap.days_per_logged_week").value_or(5);
            for (const auto& [key, week] : weeks) days += week.days ? iqts::number_in(week.days->value).value_or(0) : per_week;
            days_place = weeks.begin()->second.row;
        } else {
            note(gaps, "no ITAP days recorded", trainee.first("register_row") ? trainee.first("register_row")->evidence : Evidence{});
        }
        if (days > 0 && days < min_days) {
            note(failures, iqts::format_number(days) + " ITAP days is below " + iqts::format_number(min_days), days_place);
        }

        // Hours: every logged week, else the trainee's hours per week.
        std::vector<std::pair<const Fact*, std::string>> hours;
        if (!weeks.empty()) {
            for (const auto& [key, week] : weeks) {
                if (!week.planned) note(gaps, "no planned and supported hours in the ITAP week at " + week.row.location, week.row);
                if (!week.expert) note(gaps, "no expert support hours in the ITAP week at " + week.row.location, week.row);
                if (week.planned) hours.emplace_back(week.planned, "planned");
                if (week.expert) hours.emplace_back(week.expert, "expert");
            }
        } else {
            for (const auto* field : {"itap_planned_hours", "itap_expert_hours"}) {
                const auto total = totals.find(field);
                if (total != totals.end()) hours.emplace_back(total->second, field == std::string("itap_planned_hours") ? "planned" : "expert");
                else note(gaps, std::string("no ITAP ") + (field == std::string("itap_planned_hours") ? "planned and supported" : "expert support") +
                                    " hours per week recorded", days_place);
            }
        }
        for (const auto& [fact, kind] : hours) {
            const auto minimum = kind == "planned" ? min_planned : min_expert;
            const auto label = kind == "planned" ? "planned and supported hours" : "expert support hours";
            const auto value = iqts::number_in(fact->value);
            if (!value) note(gaps, std::string(label) + " '" + fact->value.text + "' at " + fact->evidence.location + " is not a number", fact->evidence);
            else if (*value < minimum) {
                note(failures, iqts::format_number(*value) + " " + label + " a week at " + fact->evidence.location +
                                   " is below " + iqts::format_number(minimum), fact->evidence);
            }
        }

        const auto join = [](const std::vector<std::string>& list) {
            std::string text;
            for (const auto& item : list) text += (text.empty() ? "" : "; ") + item;
            return text;
        };
        if (!failures.empty()) {
            finding.status = Status::fail;
            finding.message = join(failures);
        } else if (!gaps.empty()) {
            finding.status = Status::missing;
            finding.message = join(gaps);
        } else {
            finding.message = iqts::format_number(days) + " ITAP days (minimum " + iqts::format_number(min_days) +
                              "), with at least " + iqts::format_number(min_planned) + " planned and supported and " +
                              iqts::format_number(min_expert) + " expert support hours " +
                              (weeks.empty() ? "a week" : "in each of " + std::to_string(weeks.size()) + " logged weeks");
            finding.evidence.push_back(days_place);
        }
        return finding;
    }

    static Finding focus_areas(const iqts::CheckContext& context) {
        Finding finding{Status::missing, "ITAP focus areas", "", {}};
        std::vector<std::string> areas;
        for (const auto& trainee : context.cohort.trainees) {
            const auto found = trainee.fields.find("itap_focus");
            if (found == trainee.fields.end()) continue;
            for (const auto& fact : found->second) {
                if (std::find(areas.begin(), areas.end(), fact.value.text) != areas.end()) continue;
                areas.push_back(fact.value.text);
                finding.evidence.push_back(fact.evidence);
            }
        }
        if (!areas.empty()) {
            finding.status = Status::pass;
            finding.message = "ITAP focus areas named: ";
            for (std::size_t i = 0; i < areas.size(); ++i) finding.message += (i ? ", " : "") + areas[i];
            return finding;
        }
        for (const auto& pattern : context.rules.patterns("itap.focus_statement")) {
            const auto matches = context.index.find_text(pattern);
            if (matches.empty()) continue;
            finding.status = Status::pass;
            finding.message = "ITAP focus areas named in " + evidence::file_name(matches.front().document->path);
            finding.evidence.push_back({matches.front().document->path, matches.front().location});
            return finding;
        }
        finding.message = "no ITAP focus areas named: add an 'ITAP focus' column to the ITAP log, or name the "
                          "curriculum areas that ITAP focuses on in the programme handbook";
        return finding;
    }
};

}  // namespace

IQTS_PLUGIN("intensive-training-and-practice", "0.1.0") {
    registry.add(std::make_unique<ItapCheck>());
}
