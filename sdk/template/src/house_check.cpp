// An inspectorate's house check: the export holds a safeguarding policy
// whose latest date is within `house.safeguarding_review_months` calendar
// months before the inspection. The patterns and the period come from the
// rule pack (rules/house.yaml), so a rules folder can change them without a
// rebuild.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"
#include "iqts/values.hpp"

namespace {

using iqts::Finding;
using iqts::Status;
namespace evidence = iqts::evidence;

constexpr const char* policy_key = "house.safeguarding_policy";
constexpr const char* months_key = "house.safeguarding_review_months";
constexpr const char* subject = "safeguarding policy review";

// Returns every date a document carries, in its text and in its table cells.
std::vector<long> dates_of(const iqts::Document& document) {
    auto dates = evidence::dates_in(document.text());
    for (const auto& table : document.tables) {
        for (const auto& row : table.rows) {
            for (const auto& cell : row) {
                if (const auto date = evidence::date_of(cell)) dates.push_back(*date);
            }
        }
    }
    return dates;
}

// Returns the day number of the inspection date, or of today when the scan
// was given none; nothing when the given date is not YYYY-MM-DD.
std::optional<long> reference_day(const iqts::CheckContext& context) {
    if (context.inspection_date.empty()) {
        const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
        return static_cast<long>(today.time_since_epoch().count());
    }
    const auto dates = evidence::dates_in(context.inspection_date);
    if (dates.empty()) return std::nullopt;
    return dates.front();
}

class SafeguardingReviewCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C3.3"; }
    std::string name() const override { return "house-safeguarding-review"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        // The helper returns missing, or review when the policy cannot be
        // read, so this check only goes on with a readable policy.
        auto finding = evidence::document_finding(context, policy_key, "safeguarding policy");
        finding.subject = subject;
        if (finding.status != Status::pass) return {finding};

        const auto months = context.rules.number(months_key);
        const auto reference = reference_day(context);
        if (!months || !reference) {
            return {Finding{Status::error, subject,
                            !months ? std::string("the rule pack has no number for ") + months_key +
                                          "; give the rules folder of this plugin with --rules"
                                    : "the inspection date '" + context.inspection_date +
                                          "' is not a date; write YYYY-MM-DD",
                            finding.evidence}};
        }

        // The latest date on or before the reference day is taken as the
        // last review; a later date (the next review) does not count.
        std::optional<long> latest;
        for (const auto* document : evidence::find_documents(context, policy_key).readable) {
            for (const auto date : dates_of(*document)) {
                if (date <= *reference && (!latest || date > *latest)) latest = date;
            }
        }

        const auto window = iqts::format_number(*months) + " months before " + evidence::iso_date(*reference);
        if (!latest) {
            finding.status = Status::review;
            finding.message += "; it carries no review date; a person must check when it was last reviewed";
        } else if (*latest < evidence::months_before(*reference, static_cast<int>(*months))) {
            finding.status = Status::fail;
            finding.message += "; last reviewed " + evidence::iso_date(*latest) + ", earlier than " + window +
                               "; review the policy and write the review date on it";
        } else {
            finding.message += "; last reviewed " + evidence::iso_date(*latest) + ", within " + window;
        }
        return {finding};
    }
};

}  // namespace

IQTS_PLUGIN("house-checks", "0.1.0") {
    registry.add(std::make_unique<SafeguardingReviewCheck>());
}
