// C3.4 Quality assurance: the export holds a quality assurance statement
// and moderation records, dated within `quality.evidence_max_age_months`
// of the inspection when they carry dates, and a person judges the rigour
// of the monitoring and its impact on training and assessment.

#include <algorithm>
#include <memory>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"
#include "iqts/values.hpp"

namespace {

using iqts::Finding;
using iqts::Status;
namespace evidence = iqts::evidence;

constexpr const char* max_age_key = "quality.evidence_max_age_months";
constexpr std::size_t header_rows = 15;

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

const iqts::Document* document_at(const iqts::CheckContext& context, const std::string& path) {
    for (const auto& document : context.index.documents()) {
        if (document.path == path) return &document;
    }
    return nullptr;
}

class QualityAssuranceCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C3.4"; }
    std::string name() const override { return "quality-assurance"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        std::vector<Finding> findings;
        auto statement = evidence::document_finding(context, "quality.statement", "quality assurance statement");
        auto moderation = evidence::document_finding(context, "quality.moderation", "moderation records");
        if (moderation.status != Status::pass) moderation_tables(context, moderation);

        for (auto* finding : {&statement, &moderation}) {
            if (finding->status == Status::pass && !context.inspection_date.empty()) {
                check_currency(context, *finding, findings);
            }
        }
        Finding rigour{Status::review, "",
                       "a person must judge whether monitoring, evaluation and moderation are rigorous and shown to "
                       "improve training and assessment",
                       statement.evidence};
        rigour.evidence.insert(rigour.evidence.end(), moderation.evidence.begin(), moderation.evidence.end());
        findings.insert(findings.begin(), {std::move(statement), std::move(moderation), std::move(rigour)});
        return findings;
    }

private:
    // Passes `finding` when a table has a header cell matching the
    // moderation patterns, such as "Moderator" or "Moderated by".
    static void moderation_tables(const iqts::CheckContext& context, Finding& finding) {
        std::vector<iqts::Evidence> tables;
        std::string header;
        for (const auto& document : context.index.documents()) {
            for (const auto& table : document.tables) {
                bool found = false;
                for (std::size_t row = 0; row < std::min(table.rows.size(), header_rows) && !found; ++row) {
                    for (std::size_t column = 0; column < table.rows[row].size() && !found; ++column) {
                        const auto& cell = table.rows[row][column];
                        if (cell.type != iqts::CellType::text) continue;
                        if (!context.rules.matches_any("quality.moderation", cell.text)) continue;
                        tables.push_back({document.path, table.location(row, column)});
                        if (header.empty()) header = cell.text;
                        found = true;
                    }
                }
            }
        }
        if (tables.empty()) return;
        finding.status = Status::pass;
        finding.message = "moderation records found: a table in " + evidence::file_name(tables.front().path) +
                          " has a '" + header + "' column at " + tables.front().location;
        finding.evidence = tables;
    }

    // Sends a dated item to a person when none of its dates falls within the
    // months before the inspection that the rule pack allows.
    static void check_currency(const iqts::CheckContext& context, Finding& finding, std::vector<Finding>& problems) {
        const auto inspection = evidence::dates_in(context.inspection_date);
        const auto months = context.rules.number(max_age_key);
        if (inspection.empty() || !months) {
            problems.push_back({Status::error, "",
                                std::string("cannot check how recent the quality assurance evidence is: ") +
                                    (inspection.empty() ? "the inspection date '" + context.inspection_date +
                                                              "' is not a date; write YYYY-MM-DD"
                                                        : std::string("the rule pack has no number for ") +
                                                              max_age_key),
                                {}});
            return;
        }
        const auto day = inspection.front();
        const auto earliest = evidence::months_before(day, static_cast<int>(*months));
        std::vector<long> dates;
        for (const auto& item : finding.evidence) {
            if (const auto* document = document_at(context, item.path)) {
                const auto found = dates_of(*document);
                dates.insert(dates.end(), found.begin(), found.end());
            }
        }
        if (dates.empty()) return;

        std::optional<long> latest;
        for (const auto date : dates) {
            if (date <= day && (!latest || date > *latest)) latest = date;
        }
        const auto window = iqts::format_number(*months) + " months before the inspection on " +
                            evidence::iso_date(day);
        if (latest && *latest >= earliest) {
            finding.message += "; latest date " + evidence::iso_date(*latest) + ", within the " + window;
            return;
        }
        finding.status = Status::review;
        finding.message += latest ? "; its latest date, " + evidence::iso_date(*latest) + ", is older than the " +
                                        window + "; a person must check that it is current"
                                  : "; all its dates are after the inspection on " + evidence::iso_date(day) +
                                        "; a person must check that it is current";
    }
};

}  // namespace

IQTS_PLUGIN("quality-assurance", "0.1.0") {
    registry.add(std::make_unique<QualityAssuranceCheck>());
}
