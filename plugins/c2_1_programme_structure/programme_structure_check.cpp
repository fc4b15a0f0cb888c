// C2.1 Programme structure: the curriculum map references every ITTECF
// statement id in the rule pack's `ittecf_statements` table. Ids it names
// that the table lacks, and the sequencing and local adaptation of the
// curriculum, go to a person.

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "iqts/check_support.hpp"
#include "iqts/plugin.hpp"
#include "iqts/values.hpp"

namespace {

using iqts::Finding;
using iqts::Status;
namespace evidence = iqts::evidence;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads "S.N" at `position`: section and number, and moves past it.
std::optional<std::pair<int, int>> statement_at(const std::string& text, std::size_t& position) {
    auto cursor = position;
    int section = 0;
    int number = 0;
    while (cursor < text.size() && is_digit(text[cursor]) && cursor - position < 2) section = section * 10 + (text[cursor++] - '0');
    if (cursor == position || cursor + 1 >= text.size() || text[cursor] != '.' || !is_digit(text[cursor + 1])) {
        return std::nullopt;
    }
    const auto start = ++cursor;
    while (cursor < text.size() && is_digit(text[cursor]) && cursor - start < 2) number = number * 10 + (text[cursor++] - '0');
    const bool more_digits = cursor + 1 < text.size() && text[cursor] == '.' && is_digit(text[cursor + 1]);
    if ((cursor < text.size() && is_digit(text[cursor])) || more_digits) return std::nullopt;   // a date or version
    position = cursor;
    return std::make_pair(section, number);
}

std::string id_of(int section, int number) { return std::to_string(section) + "." + std::to_string(number); }

// Returns the statement ids written in a cell: "1.1", "LT-1.1", "S1.1",
// "ITTECF 1.1", several per cell, and ranges such as "2.4-2.6", "2.4–2.6"
// or "2.4 to 2.6" within one section.
std::vector<std::string> statement_ids(const std::string& text) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!is_digit(text[i]) || (i > 0 && (is_digit(text[i - 1]) || text[i - 1] == '.'))) continue;
        auto cursor = i;
        const auto first = statement_at(text, cursor);
        if (!first) continue;
        ids.push_back(id_of(first->first, first->second));

        // A range: a dash, an en or em dash, or "to", then the last id.
        auto next = cursor;
        while (next < text.size() && text[next] == ' ') ++next;
        if (text.compare(next, 1, "-") == 0) next += 1;
        else if (text.compare(next, 3, "\xE2\x80\x93") == 0 || text.compare(next, 3, "\xE2\x80\x94") == 0) next += 3;
        else if (text.compare(next, 2, "to") == 0) next += 2;
        else next = std::string::npos;
        if (next != std::string::npos) {
            while (next < text.size() && text[next] == ' ') ++next;
            const auto last = statement_at(text, next);
            if (last && last->first == first->first && last->second > first->second) {
                for (int n = first->second + 1; n <= last->second; ++n) ids.push_back(id_of(first->first, n));
                cursor = next;
            }
        }
        i = cursor - 1;
    }
    return ids;
}

// The ids a curriculum map names, each with the first place it is named.
struct MapReading {
    std::map<std::string, iqts::Evidence> ids;
    std::vector<iqts::Evidence> maps;
};

bool is_register(const iqts::Document& document, const iqts::Table& table, const iqts::Cohort& cohort) {
    for (const auto& found : cohort.registers) {
        if (found.path == document.path && found.table == table.name) return true;
    }
    return false;
}

// Reads every table with a statement column, in documents named as a
// curriculum map and, for a table whose header names the ITTECF, anywhere.
void read_tables(const iqts::Document& document, bool named, const iqts::CheckContext& context, MapReading& reading) {
    for (const auto& table : document.tables) {
        if (is_register(document, table, context.cohort)) continue;
        const auto rows = std::min<std::size_t>(table.rows.size(), 15);
        for (std::size_t row = 0; row < rows; ++row) {
            // A title row (one filled cell) is not a header row, even when it names the ITTECF.
            const auto filled = std::count_if(table.rows[row].begin(), table.rows[row].end(),
                                              [](const iqts::Cell& cell) { return !cell.text.empty(); });
            if (filled < 2) continue;
            std::size_t column = 0;
            bool found = false;
            for (; column < table.rows[row].size() && !found; ++column) {
                const auto& header = table.rows[row][column].text;
                found = table.rows[row][column].type == iqts::CellType::text &&
                        (context.rules.matches_any("curriculum_map.framework_header", header) ||
                         (named && context.rules.matches_any("curriculum_map.statement_header", header)));
            }
            if (!found) continue;
            --column;

            // The column counts as a map only when it names at least one id.
            std::vector<std::pair<std::string, iqts::Evidence>> named_ids;
            for (auto below = row + 1; below < table.rows.size(); ++below) {
                if (column >= table.rows[below].size()) continue;
                for (const auto& id : statement_ids(table.rows[below][column].text)) {
                    named_ids.emplace_back(id, iqts::Evidence{document.path, table.location(below, column)});
                }
            }
            if (named_ids.empty()) continue;
            reading.maps.push_back({document.path, table.location(row, column)});
            for (const auto& [id, place] : named_ids) reading.ids.emplace(id, place);
            break;
        }
    }
}

class ProgrammeStructureCheck : public iqts::Check {
public:
    std::string criterion() const override { return "C2.1"; }
    std::string name() const override { return "programme-structure"; }

    std::vector<Finding> run(const iqts::CheckContext& context) const override {
        std::vector<Finding> findings;
        const auto search = evidence::find_documents(context, "curriculum_map.documents");
        MapReading reading;
        for (const auto& document : context.index.documents()) {
            const bool named = std::find(search.readable.begin(), search.readable.end(), &document) != search.readable.end();
            read_tables(document, named, context, reading);
        }
        // A map written as text, such as a PDF, gives its ids from the text.
        for (const auto* document : search.readable) {
            if (!reading.maps.empty()) break;
            for (const auto& block : document->blocks) {
                for (const auto& id : statement_ids(block.text)) reading.ids.emplace(id, iqts::Evidence{document->path, block.location});
            }
            if (!reading.ids.empty()) reading.maps.push_back({document->path, ""});
        }

        if (reading.maps.empty()) {
            findings.push_back(no_map(search));
        } else {
            coverage(reading, context, findings);
        }
        findings.push_back({Status::review, "",
                            "a person must judge whether the curriculum is sequenced on an evidence base and adapted to "
                            "each trainee's local context",
                            reading.maps});
        return findings;
    }

private:
    static Finding no_map(const evidence::DocumentSearch& search) {
        Finding finding{Status::missing, "", "", {}};
        for (const auto* record : search.unreadable) finding.evidence.push_back({record->path, ""});
        for (const auto* document : search.without_text) finding.evidence.push_back({document->path, ""});
        for (const auto* document : search.readable) finding.evidence.push_back({document->path, ""});
        if (!search.unreadable.empty() || !search.without_text.empty()) {
            finding.status = Status::review;
            finding.message = "the curriculum map " + evidence::file_name(finding.evidence.front().path) +
                              " cannot be read" + (search.unreadable.empty() ? "" : " (" + search.unreadable.front()->reason + ")") +
                              "; a person must check that it covers every ITTECF statement";
        } else if (!search.readable.empty()) {
            finding.status = Status::review;
            finding.message = "the curriculum map " + evidence::file_name(finding.evidence.front().path) +
                              " names no ITTECF statement ids; a person must check its coverage, or add a column "
                              "'ITTECF statement' with ids such as 1.1";
        } else {
            finding.message = "no curriculum map linked to the ITTECF found: add a table with an 'ITTECF statement' "
                              "column that names each statement id, such as 1.1";
        }
        return finding;
    }

    static void coverage(const MapReading& reading, const iqts::CheckContext& context, std::vector<Finding>& findings) {
        std::set<std::string> known;
        std::map<std::string, std::pair<int, int>> sections;   // section -> covered, total
        std::string uncovered;
        for (const auto& row : context.rules.table("ittecf_statements")) {
            const auto id = row.count("id") ? row.at("id") : "";
            if (id.empty()) continue;
            known.insert(id);
            auto& section = sections[id.substr(0, id.find('.'))];
            ++section.second;
            if (reading.ids.count(id)) ++section.first;
            else uncovered += (uncovered.empty() ? "" : ", ") + id;
        }
        std::string per_section;
        for (const auto& [section, counts] : sections) {
            per_section += (per_section.empty() ? "" : ", ") + ("section " + section + " ") + std::to_string(counts.first) +
                           "/" + std::to_string(counts.second) + " (" +
                           std::to_string(counts.second ? counts.first * 100 / counts.second : 0) + "%)";
        }
        if (known.empty()) {
            findings.push_back({Status::error, "", "the rule pack has no 'ittecf_statements' table to check the map against", reading.maps});
        } else if (uncovered.empty()) {
            findings.push_back({Status::pass, "", "the curriculum map covers all " + std::to_string(known.size()) +
                                                      " ITTECF statements: " + per_section, reading.maps});
        } else {
            findings.push_back({Status::fail, "", "the curriculum map does not cover ITTECF statements " + uncovered +
                                                      "; coverage " + per_section, reading.maps});
        }
        for (const auto& [id, place] : reading.ids) {
            if (known.empty() || known.count(id)) continue;
            findings.push_back({Status::review, id,
                                "the curriculum map names statement " + id + ", which is not in the ITTECF list of the "
                                "rule pack: a typing error or another framework version",
                                {place}});
        }
    }
};

}  // namespace

IQTS_PLUGIN("programme-structure", "0.1.0") {
    registry.add(std::make_unique<ProgrammeStructureCheck>());
}
