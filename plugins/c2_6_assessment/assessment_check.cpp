// C2.6 Assessment: the provider has an assessment and progression framework
// and an assessment schedule that dates its assessment points. Whether the
// framework is aligned to the sequenced curriculum is a person's judgement.

#include <algorithm>
#include <memory>
#include <optional>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"

namespace {

using iqts::Finding;
using iqts::Status;
namespace evidence = iqts::evidence;

bool has_date(const iqts::Cell& cell) { return evidence::date_of(cell).has_value(); }

// A table that lists dated assessment points: the header cell and the number of dated rows.
struct Schedule {
    const iqts::Document* document = nullptr;
    std::string location;
    std::size_t dated_rows = 0;
};

// Returns the first table with an assessment-point header and a dated row
// below it. Tables with a trainee column are assessment records, not a schedule.
std::optional<Schedule> schedule_table(const iqts::Document& document, const iqts::RulePack& rules) {
    for (const auto& table : document.tables) {
        const auto rows = std::min<std::size_t>(table.rows.size(), 15);
        for (std::size_t row = 0; row < rows; ++row) {
            std::optional<std::size_t> header;
            bool records = false;
            for (std::size_t column = 0; column < table.rows[row].size(); ++column) {
                const auto& cell = table.rows[row][column];
                if (cell.type != iqts::CellType::text) continue;
                if (!header && rules.matches_any("assessment.schedule_header", cell.text)) header = column;
                records = records || rules.matches_any("assessment.record_header", cell.text);
            }
            if (!header || records) continue;
            Schedule schedule{&document, table.location(row, *header), 0};
            for (auto below = row + 1; below < table.rows.size(); ++below) {
                const auto& cells = table.rows[below];
                if (std::any_of(cells.begin(), cells.end(), has_date)) ++schedule.dated_rows;
            }
            if (schedule.dated_rows > 0) return schedule;
        }
    }
    return std::nullopt;
}

class AssessmentCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C2.6"; }
    std::string name() const override { return "assessment"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        std::vector<Finding> findings;
        auto framework = evidence::document_finding(context, "assessment.framework_documents",
                                                    "assessment and progression framework");
        findings.push_back(framework);
        findings.push_back(schedule(context));
        findings.push_back({Status::review, "",
                            "a person must judge whether the assessment and progression framework is aligned to the "
                            "sequenced curriculum and assesses every Teachers' Standard accurately",
                            framework.evidence});
        return findings;
    }

private:
    static Finding schedule(const iqts::CheckContext& context) {
        Finding finding{Status::missing, "assessment schedule", "", {}};
        for (const auto& document : context.index.documents()) {
            const auto found = schedule_table(document, context.rules);
            if (!found) continue;
            finding.status = Status::pass;
            finding.message = "assessment schedule with " + std::to_string(found->dated_rows) + " dated assessment points in " +
                              evidence::file_name(document.path);
            finding.evidence.push_back({document.path, found->location});
            return finding;
        }

        const auto search = evidence::find_documents(context, "assessment.schedule_documents");
        for (const auto* document : search.readable) {
            if (evidence::dates_in(document->text()).empty()) continue;
            finding.status = Status::pass;
            finding.message = "dated assessment schedule: " + evidence::file_name(document->path);
            finding.evidence.push_back({document->path, ""});
            return finding;
        }
        if (!search.unreadable.empty() || !search.without_text.empty()) {
            const auto path = search.unreadable.empty() ? search.without_text.front()->path : search.unreadable.front()->path;
            finding.status = Status::review;
            finding.message = "the assessment schedule " + evidence::file_name(path) +
                              " cannot be read; a person must check that it dates each assessment point";
            finding.evidence.push_back({path, ""});
            return finding;
        }
        if (!search.readable.empty()) {
            finding.message = "the assessment schedule " + evidence::file_name(search.readable.front()->path) +
                              " gives no dates; add the date of each assessment point";
            finding.evidence.push_back({search.readable.front()->path, ""});
            return finding;
        }
        const auto framework = evidence::find_documents(context, "assessment.framework_documents");
        if (!framework.unreadable.empty() || !framework.without_text.empty()) {
            const auto path = framework.unreadable.empty() ? framework.without_text.front()->path
                                                           : framework.unreadable.front()->path;
            finding.status = Status::review;
            finding.message = "no readable assessment schedule; the assessment framework " + evidence::file_name(path) +
                              " cannot be read and may hold it, so a person must check that it dates each assessment point";
            finding.evidence.push_back({path, ""});
            return finding;
        }
        finding.message = "no assessment schedule found: add a table of assessment points with their dates, for "
                          "example in the assessment and progression framework";
        return finding;
    }
};

}  // namespace

IQTS_PLUGIN("assessment", "0.1.0") {
    registry.add(std::make_unique<AssessmentCheck>());
}
