#include "iqts/host/evidence_index.hpp"

#include <algorithm>
#include <memory>

#include <re2/re2.h>

#include "iqts/host/rule_checks.hpp"
#include "iqts/host/rule_pack.hpp"

namespace iqts::host {
namespace {

// Compiles `pattern` as RulePack::matches does, so that a key's joined
// patterns (RulePack::alternation) work here too. Returns null when invalid.
std::shared_ptr<const RE2> compile(std::string_view pattern) {
    auto compiled = compiled_pattern(std::string(pattern));
    return compiled->ok() ? std::move(compiled) : nullptr;
}

// How many rows from the top of a table a header row may sit, below titles and notes.
constexpr std::size_t header_search_rows = 15;

}  // namespace

std::string file_name(const std::string& virtual_path) {
    const auto slash = virtual_path.find_last_of('/');
    return slash == std::string::npos ? virtual_path : virtual_path.substr(slash + 1);
}

void BuiltIndex::add_document(Document document) { documents_.push_back(std::move(document)); }

void BuiltIndex::add_file(FileRecord record) { files_.push_back(std::move(record)); }

void BuiltIndex::finish() {
    std::stable_sort(documents_.begin(), documents_.end(),
                     [](const Document& a, const Document& b) { return a.path < b.path; });
    std::stable_sort(files_.begin(), files_.end(),
                     [](const FileRecord& a, const FileRecord& b) { return a.path < b.path; });
}

std::vector<const Document*> BuiltIndex::find_by_path(std::string_view pattern) const {
    std::vector<const Document*> found;
    const auto compiled = compile(pattern);
    if (!compiled) return found;
    for (const auto& document : documents_) {
        if (RE2::PartialMatch(document.path, *compiled)) found.push_back(&document);
    }
    return found;
}

std::vector<const Document*> BuiltIndex::find_by_title(std::string_view pattern) const {
    std::vector<const Document*> found;
    const auto compiled = compile(pattern);
    if (!compiled) return found;
    for (const auto& document : documents_) {
        if (RE2::PartialMatch(document.title, *compiled) || RE2::PartialMatch(file_name(document.path), *compiled)) {
            found.push_back(&document);
        }
    }
    return found;
}

std::vector<TextMatch> BuiltIndex::find_text(std::string_view pattern) const {
    std::vector<TextMatch> found;
    const auto compiled = compile(pattern);
    if (!compiled) return found;
    for (const auto& document : documents_) {
        for (const auto& block : document.blocks) {
            if (RE2::PartialMatch(block.text, *compiled)) found.push_back({&document, block.location, block.text});
        }
        for (const auto& table : document.tables) {
            for (std::size_t row = 0; row < table.rows.size(); ++row) {
                for (std::size_t column = 0; column < table.rows[row].size(); ++column) {
                    const auto& text = table.rows[row][column].text;
                    if (!text.empty() && RE2::PartialMatch(text, *compiled)) {
                        found.push_back({&document, table.location(row, column), text});
                    }
                }
            }
        }
    }
    return found;
}

std::vector<const FileRecord*> BuiltIndex::unreadable(std::string_view pattern) const {
    std::vector<const FileRecord*> found;
    const auto compiled = compile(pattern);
    if (!compiled) return found;
    for (const auto& record : files_) {
        const bool not_read = record.status == FileStatus::unreadable || record.status == FileStatus::review;
        if (not_read && RE2::PartialMatch(record.path, *compiled)) found.push_back(&record);
    }
    return found;
}

std::vector<TableMatch> BuiltIndex::find_tables(const std::vector<std::string>& headers) const {
    std::vector<std::string> wanted;
    for (const auto& header : headers) wanted.push_back(normalise_header(header));

    std::vector<TableMatch> found;
    for (const auto& document : documents_) {
        for (const auto& table : document.tables) {
            const auto rows = std::min(table.rows.size(), header_search_rows);
            for (std::size_t row = 0; row < rows; ++row) {
                std::vector<std::string> present;
                for (const auto& cell : table.rows[row]) present.push_back(normalise_header(cell.text));
                const bool all = std::all_of(wanted.begin(), wanted.end(), [&](const std::string& name) {
                    return std::find(present.begin(), present.end(), name) != present.end();
                });
                if (all) {
                    found.push_back({&document, &table, row});
                    break;
                }
            }
        }
    }
    return found;
}

}  // namespace iqts::host
