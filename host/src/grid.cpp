// Finding and reading the compliance grid. Link resolution and the folder
// convention live in grid_paths.cpp.

#include "iqts/host/grid.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "grid_detail.hpp"
#include "iqts/host/evidence_index.hpp"

namespace iqts::host {
namespace {

using grid_detail::file_stem;
using grid_detail::normalise_words;
using grid_detail::split_words;

constexpr std::size_t none = static_cast<std::size_t>(-1);

// Shape detection looks at this corner of each table only, so a large
// register costs little. The chosen grid is then read in full.
constexpr std::size_t scan_rows = 400;
constexpr std::size_t scan_columns = 30;

// The header row must sit among the first rows, as in a register.
constexpr std::size_t header_search_rows = 15;

// A heading cut short names a criterion only with at least this many words
// or characters, so "School" alone names none.
constexpr std::size_t min_prefix_words = 2;
constexpr std::size_t min_prefix_length = 7;

// Recognises criterion ids and headings against the closed set of criteria.
class CriterionMatcher {
public:
    explicit CriterionMatcher(const std::vector<CriterionDefinition>& criteria) {
        for (const auto& criterion : criteria) {
            ids_.insert(criterion.id);
            headings_.push_back({split_words(normalise_words(criterion.title)), criterion.id});
            const auto& words = headings_.back().words;
            if (!words.empty() && !has_letter(words.front())) headings_without_letters_ = true;
        }
    }

    std::string match(const std::string& cell) const {
        static const RE2 id_pattern(R"((?is)\s*(?:criteri(?:on|a)\s*)?c?\s*([1-3])\s*\.\s*([0-9]{1,2})(.*))");
        std::string part;
        std::string number;
        std::string rest;
        // Most cells are dates, numbers and names: an id needs a full stop,
        // and a heading starts with a word that has a letter.
        const bool may_be_id = cell.find('.') != std::string::npos;
        if (!may_be_id && !headings_without_letters_ && !has_letter(cell)) return {};
        if (may_be_id && RE2::FullMatch(cell, id_pattern, &part, &number, &rest)) {
            const bool longer_number = !rest.empty() && (std::isdigit(static_cast<unsigned char>(rest[0])) ||
                                                         (rest[0] == '.' && rest.size() > 1 &&
                                                          std::isdigit(static_cast<unsigned char>(rest[1]))));
            const std::string id = "C" + part + "." + number;
            if (!longer_number && ids_.count(id) > 0) return id;
            return {};
        }
        return match_heading(split_words(normalise_words(cell)));
    }

private:
    struct Heading {
        std::vector<std::string> words;
        std::string id;
    };

    std::string match_heading(std::vector<std::string> words) const {
        if (!words.empty() && (words.front() == "criterion" || words.front() == "criteria")) words.erase(words.begin());
        if (words.empty()) return {};
        for (const auto& heading : headings_) {
            if (heading.words == words) return heading.id;
        }

        std::size_t length = words.size() - 1;
        for (const auto& word : words) length += word.size();
        if (words.size() < min_prefix_words && length < min_prefix_length) return {};
        std::string found;
        for (const auto& heading : headings_) {
            if (heading.words.size() > words.size() && std::equal(words.begin(), words.end(), heading.words.begin())) {
                if (!found.empty()) return {};
                found = heading.id;
            }
        }
        return found;
    }

    // Returns whether `text` has an ASCII letter or a byte of a non-ASCII character.
    static bool has_letter(const std::string& text) {
        return std::any_of(text.begin(), text.end(), [](char c) {
            const auto byte = static_cast<unsigned char>(c);
            return byte >= 0x80 || std::isalpha(byte);
        });
    }

    std::set<std::string> ids_;
    std::vector<Heading> headings_;
    bool headings_without_letters_ = false;
};

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

const std::string& cell_text(const Table& table, std::size_t row, std::size_t column) {
    static const std::string empty;
    if (column == none || row >= table.rows.size() || column >= table.rows[row].size()) return empty;
    return table.rows[row][column].text;
}

bool looks_like_link(const std::string& text) {
    static const RE2 extension(R"((?i).*\.(docx?|xlsx?|xlsm|pptx?|pdf|csv|odt|ods|odp|txt|md|html?|zip|7z|tar|gz|png|jpe?g)\s*)");
    return text.find("://") != std::string::npos || text.find('/') != std::string::npos ||
           text.find('\\') != std::string::npos || RE2::FullMatch(text, extension);
}

bool has_letters(const std::string& text) {
    return std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isalpha(c) || c >= 0x80; });
}

enum class HeaderRole { none, link, title };

HeaderRole header_role(const std::string& cell) {
    static const std::set<std::string> link_words = {"link", "links", "url", "hyperlink", "path", "location", "address"};
    static const std::set<std::string> title_words = {"evidence", "title", "document", "documents", "item", "file"};
    const auto words = split_words(normalise_words(cell));
    if (std::any_of(words.begin(), words.end(), [](const auto& w) { return link_words.count(w) > 0; })) {
        return HeaderRole::link;
    }
    if (std::any_of(words.begin(), words.end(), [](const auto& w) { return title_words.count(w) > 0; })) {
        return HeaderRole::title;
    }
    return HeaderRole::none;
}

// Where a grid's columns are: from its header row, or from its cells.
struct Layout {
    std::size_t criterion = none;
    std::size_t heading = none;     // a column of headings beside the ids
    std::size_t title = none;
    std::size_t link = none;
    std::size_t first_row = 0;      // the first row below the header
    std::size_t distinct = 0;       // distinct criteria in the criterion column
};

// Finds the criterion column (most distinct criteria, leftmost on a tie)
// and a second column of headings.
void find_criterion_columns(const Table& table, const CriterionMatcher& matcher, Layout& layout,
                            std::size_t& first_criterion_row) {
    std::vector<std::set<std::string>> found(scan_columns);
    first_criterion_row = none;
    for (std::size_t row = 0; row < std::min(table.rows.size(), scan_rows); ++row) {
        for (std::size_t column = 0; column < std::min(table.rows[row].size(), scan_columns); ++column) {
            const auto id = matcher.match(table.rows[row][column].text);
            if (id.empty()) continue;
            found[column].insert(id);
            first_criterion_row = std::min(first_criterion_row, row);
        }
    }
    for (std::size_t column = 0; column < scan_columns; ++column) {
        if (found[column].size() > layout.distinct) {
            layout.distinct = found[column].size();
            layout.criterion = column;
        }
    }
    std::size_t heading_distinct = 1;
    for (std::size_t column = 0; column < scan_columns; ++column) {
        if (column != layout.criterion && found[column].size() > heading_distinct) {
            heading_distinct = found[column].size();
            layout.heading = column;
        }
    }
}

bool is_criterion_column(const Layout& layout, std::size_t column) {
    return column == layout.criterion || column == layout.heading;
}

// Picks the title and link columns from the last header row above the
// first criterion row.
void read_header(const Table& table, Layout& layout, std::size_t first_criterion_row) {
    const std::size_t end = std::min({first_criterion_row, header_search_rows, table.rows.size()});
    for (std::size_t row = end; row-- > 0;) {
        std::size_t title = none;
        std::size_t link = none;
        for (std::size_t column = 0; column < table.rows[row].size(); ++column) {
            if (is_criterion_column(layout, column)) continue;
            const auto role = header_role(table.rows[row][column].text);
            if (role == HeaderRole::link && link == none) link = column;
            if (role == HeaderRole::title && title == none) title = column;
        }
        if (title != none || link != none) {
            layout.title = title;
            layout.link = link;
            layout.first_row = row + 1;
            return;
        }
    }
    layout.first_row = first_criterion_row;
}

// Fills the title and link columns the header did not name, from the cells
// below it: the link column holds the most link-like cells, the title
// column the most distinct other texts (leftmost on a tie). Distinct texts,
// because a status column (Green, Amber, Red) is as full as the titles.
void infer_columns(const Table& table, Layout& layout) {
    std::vector<std::size_t> links(scan_columns);
    std::vector<std::set<std::string>> distinct_texts(scan_columns);
    for (std::size_t row = layout.first_row; row < std::min(table.rows.size(), scan_rows); ++row) {
        for (std::size_t column = 0; column < std::min(table.rows[row].size(), scan_columns); ++column) {
            const auto& text = table.rows[row][column].text;
            if (looks_like_link(text)) {
                ++links[column];
            } else if (has_letters(text)) {
                distinct_texts[column].insert(text);
            }
        }
    }
    std::vector<std::size_t> texts(scan_columns);
    for (std::size_t column = 0; column < scan_columns; ++column) texts[column] = distinct_texts[column].size();

    const auto best = [&](const std::vector<std::size_t>& counts, std::size_t taken) {
        std::size_t chosen = none;
        std::size_t most = 0;
        for (std::size_t column = 0; column < scan_columns; ++column) {
            if (is_criterion_column(layout, column) || column == taken) continue;
            if (counts[column] > most) {
                most = counts[column];
                chosen = column;
            }
        }
        return chosen;
    };

    // A header "Evidence (title and link)" names one column for both.
    if (layout.title == none && layout.link != none && links[layout.link] * 2 < texts[layout.link]) {
        layout.title = layout.link;
    }
    if (layout.link == none) layout.link = best(links, layout.title);
    if (layout.title == none) layout.title = best(texts, layout.link);
}

int name_score(const Document& document, const Table& table) {
    const std::string names = normalise_words(document.title) + " / " + normalise_words(file_name(document.path)) +
                              " / " + normalise_words(table.name);
    if (names.find("compliance grid") != std::string::npos || names.find("criteria grid") != std::string::npos) {
        return 100;
    }
    if (names.find("iqts criteria") != std::string::npos) return 60;
    if (names.find("grid") != std::string::npos) return 30;
    if (names.find("compliance") != std::string::npos) return 20;
    return 0;
}

struct Candidate {
    const Document* document = nullptr;
    const Table* table = nullptr;
    Layout layout;
    int score = 0;
};

// Returns every table that looks like a grid: at least 3 distinct criteria
// in one column, or 1 in a document named like a grid.
std::vector<Candidate> find_candidates(const EvidenceIndex& index, const CriterionMatcher& matcher) {
    std::vector<Candidate> candidates;
    for (const auto& document : index.documents()) {
        for (const auto& table : document.tables) {
            Layout layout;
            std::size_t first_criterion_row = none;
            find_criterion_columns(table, matcher, layout, first_criterion_row);
            const int named = name_score(document, table);
            if (layout.distinct < 3 && (layout.distinct == 0 || named == 0)) continue;

            read_header(table, layout, first_criterion_row);
            infer_columns(table, layout);
            int score = named + 10 * static_cast<int>(layout.distinct);
            if (layout.link != none || !document.links.empty()) score += 20;
            if (layout.title != none) score += 10;
            candidates.push_back({&document, &table, layout, score});
        }
    }
    return candidates;
}

// Returns the tables of the best-scoring candidate's document that look
// like a grid, in document order, since a Word grid may hold one table per
// Part. Returns nothing when no table looks like a grid.
std::vector<Candidate> find_grid(const EvidenceIndex& index, const CriterionMatcher& matcher) {
    const auto candidates = find_candidates(index, matcher);
    const Document* best = nullptr;
    int best_score = 0;
    for (const auto& candidate : candidates) {
        if (candidate.score > best_score) {
            best_score = candidate.score;
            best = candidate.document;
        }
    }
    std::vector<Candidate> tables;
    for (const auto& candidate : candidates) {
        if (candidate.document == best) tables.push_back(candidate);
    }
    return tables;
}

// A link found on a cell: its target and the cell it sits on.
struct PlacedLink {
    std::size_t column = 0;
    std::string target;
    std::string text;
};

// Returns the column of `row` whose text holds `text`, trying `preferred`
// first, or `none`.
std::size_t column_holding(const Table& table, std::size_t row, const std::string& text, std::size_t preferred) {
    if (cell_text(table, row, preferred).find(text) != std::string::npos) return preferred;
    for (std::size_t column = 0; column < table.rows[row].size(); ++column) {
        if (table.rows[row][column].text.find(text) != std::string::npos) return column;
    }
    return none;
}

// Places the document's hyperlinks on the table's rows. A worksheet names
// the cell ("Grid!E4"). A Word table names only the table, so each link goes
// to the first row at or below the previous link's row with a cell holding
// the link's text, the link column first.
std::map<std::size_t, std::vector<PlacedLink>> place_links(const Document& document, const Table& table,
                                                          std::size_t link_column) {
    std::map<std::size_t, std::vector<PlacedLink>> placed;
    std::size_t next_row = 0;
    for (const auto& link : document.links) {
        if (table.is_sheet) {
            for (std::size_t row = 0; row < table.rows.size(); ++row) {
                for (std::size_t column = 0; column < table.rows[row].size(); ++column) {
                    if (table.location(row, column) == link.location) {
                        placed[row].push_back({column, link.target, link.text});
                    }
                }
            }
            continue;
        }

        const std::string text = trimmed(link.text);
        if (link.location != table.name || text.empty()) continue;
        for (std::size_t row = next_row; row < table.rows.size(); ++row) {
            const std::size_t column = column_holding(table, row, text, link_column);
            if (column == none) continue;
            placed[row].push_back({column, link.target, link.text});
            next_row = row;
            break;
        }
    }
    return placed;
}

// One evidence row as written, before its link is resolved.
struct WrittenRow {
    std::string criterion;
    std::string title;
    std::string link;
    std::string location;
};

std::vector<WrittenRow> read_rows(const Candidate& grid, const CriterionMatcher& matcher) {
    const Table& table = *grid.table;
    const Layout& layout = grid.layout;
    const auto links = place_links(*grid.document, table, layout.link);

    std::vector<WrittenRow> rows;
    std::string current;
    for (std::size_t row = layout.first_row; row < table.rows.size(); ++row) {
        // An empty criterion cell continues the criterion above (merged or
        // blank cells). Other text that names no criterion ends it.
        const std::string criterion_cell = trimmed(cell_text(table, row, layout.criterion));
        std::string id = matcher.match(criterion_cell);
        if (id.empty()) id = matcher.match(cell_text(table, row, layout.heading));
        if (!id.empty()) {
            current = id;
        } else if (!criterion_cell.empty()) {
            current.clear();
        }
        if (current.empty()) continue;

        std::string title = trimmed(cell_text(table, row, layout.title));
        std::string link_text = trimmed(cell_text(table, row, layout.link));
        if (layout.title == layout.link) {
            if (looks_like_link(title)) {
                title.clear();
            } else {
                link_text.clear();
            }
        }

        const auto placed = links.find(row);
        if (placed != links.end()) {
            for (const auto& link : placed->second) {
                const std::string link_title = placed->second.size() > 1 && !trimmed(link.text).empty() ? trimmed(link.text) : title;
                rows.push_back({current, link_title.empty() ? trimmed(link.text) : link_title, link.target,
                                table.location(row, link.column)});
            }
            continue;
        }
        if (!link_text.empty()) {
            rows.push_back({current, title, link_text, table.location(row, layout.link)});
        } else if (!title.empty()) {
            rows.push_back({current, title, "", table.location(row, layout.title)});
        }
    }
    return rows;
}

// The export's paths that a link may name: every file record that is not
// skipped, and every document.
std::vector<std::string> export_paths(const EvidenceIndex& index) {
    std::vector<std::string> paths;
    std::set<std::string> seen;
    for (const auto& file : index.files()) {
        if (file.status != FileStatus::skipped && seen.insert(file.path).second) paths.push_back(file.path);
    }
    for (const auto& document : index.documents()) {
        if (seen.insert(document.path).second) paths.push_back(document.path);
    }
    return paths;
}

// Returns the path of the first document whose title property, or file with
// a name (without extension), equals `title` once normalised.
// The documents and files of the export by normalised title and file
// name, for rows that give a title and no link. A document's own title
// property comes first, then file names; among equals, the first wins.
class TitleIndex {
public:
    TitleIndex(const EvidenceIndex& index, const std::string& grid_path, const std::vector<std::string>& paths) {
        for (const auto& document : index.documents()) {
            if (document.path != grid_path) by_title_.emplace(normalise_words(document.title), document.path);
        }
        for (const auto& path : paths) by_name_.emplace(normalise_words(file_stem(file_name(path))), path);
    }

    std::string find(const std::string& title) const {
        const std::string normalised = normalise_words(title);
        if (normalised.empty()) return {};
        if (const auto found = by_title_.find(normalised); found != by_title_.end()) return found->second;
        if (const auto found = by_name_.find(normalised); found != by_name_.end()) return found->second;
        return {};
    }

private:
    std::unordered_map<std::string, std::string> by_title_;
    std::unordered_map<std::string, std::string> by_name_;
};

void add_candidates(std::vector<std::string>& candidates, const std::vector<std::string>& more) {
    for (const auto& path : more) {
        if (candidates.size() >= 3) return;
        if (std::find(candidates.begin(), candidates.end(), path) == candidates.end()) candidates.push_back(path);
    }
}

// Resolves one written row: its link when it has one, otherwise its title.
// Returns the row and, when it is broken, the reason.
std::pair<GridRow, std::string> resolve_row(const TitleIndex& titles, const LinkResolver& links,
                                            const std::string& grid_path, const std::vector<std::string>& paths,
                                            const WrittenRow& written) {
    GridRow row{written.criterion, written.title, written.link, "broken", "", {}, written.location};
    std::string reason;
    const std::string by_title = titles.find(written.title);
    if (!written.link.empty()) {
        const auto resolution = links.resolve(written.link, grid_path);
        if (resolution.resolved) {
            row.status = "resolved";
            row.resolved_path = resolution.path;
            return {row, reason};
        }
        reason = resolution.reason;
        if (!by_title.empty()) row.candidates.push_back(by_title);
        add_candidates(row.candidates, closest_paths(written.link, paths));
        add_candidates(row.candidates, closest_paths(written.title, paths));
        return {row, reason};
    }
    if (!by_title.empty()) {
        row.status = "resolved";
        row.resolved_path = by_title;
        return {row, reason};
    }
    reason = "the row gives no link, and no document's title or file name matches the evidence title";
    add_candidates(row.candidates, closest_paths(written.title, paths));
    return {row, reason};
}

}  // namespace

std::string criterion_in_cell(const std::string& cell, const std::vector<CriterionDefinition>& criteria) {
    return CriterionMatcher(criteria).match(cell);
}

GridReading read_grid(const EvidenceIndex& index, const std::vector<CriterionDefinition>& criteria) {
    GridReading reading;
    const CriterionMatcher matcher(criteria);
    const auto tables = find_grid(index, matcher);
    if (!tables.empty()) {
        reading.grid.path = tables.front().document->path;
        const auto paths = export_paths(index);
        std::vector<std::string> others;
        for (const auto& path : paths) {
            if (path != reading.grid.path) others.push_back(path);
        }

        const TitleIndex titles(index, reading.grid.path, others);
        const LinkResolver links(others);
        for (const auto& table : tables) {
            for (const auto& written : read_rows(table, matcher)) {
                auto [row, reason] = resolve_row(titles, links, reading.grid.path, others, written);
                reading.grid.rows.push_back(std::move(row));
                reading.reasons.push_back(std::move(reason));
            }
        }
    }

    for (const auto& criterion : criteria) {
        const bool listed = std::any_of(reading.grid.rows.begin(), reading.grid.rows.end(),
                                        [&](const GridRow& row) { return row.criterion == criterion.id; });
        if (!listed) reading.empty_criteria.push_back(criterion.id);
    }
    return reading;
}

}  // namespace iqts::host
