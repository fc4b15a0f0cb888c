#pragma once

// Helpers for checks: telling whether the registers carry a field, finding a
// required document by its name (so that an unreadable file is never called
// missing), and reading dates from register cells and document text.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "iqts/check.hpp"

namespace iqts::evidence {

inline bool any_register_has(const Cohort& cohort, const std::string& field) {
    for (const auto& found : cohort.registers) {
        if (found.columns.count(field)) return true;
    }
    return false;
}

// Returns the finding that stops a trainee check when no trainee register
// was found, or none carries `field`: missing, naming the column to add.
inline std::optional<Finding> register_gap(const Cohort& cohort, const std::string& field,
                                           const std::string& column) {
    if (cohort.trainees.empty()) {
        return Finding{Status::missing, "",
                       "no trainee register found: no spreadsheet has a header row with a trainee id or name and "
                       "the column '" + column + "'",
                       {}};
    }
    if (any_register_has(cohort, field)) return std::nullopt;
    return Finding{Status::missing, "", "no register has a '" + column + "' column; add one to the trainee register",
                   {}};
}

inline std::string subject_of(const Person& trainee) { return trainee.id.empty() ? trainee.name : trainee.id; }

inline std::string file_name(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Returns whether the file name, the title property or the opening block
// (usually the heading) of `document` matches a pattern under `key`.
inline bool names_document(const Document& document, const std::string& key, const RulePack& rules) {
    const auto pattern = rules.alternation(key);
    if (pattern.empty()) return false;
    const auto opening = document.blocks.empty() ? std::string() : document.blocks.front().text;
    return rules.matches(pattern, file_name(document.path)) || rules.matches(pattern, document.title) ||
           rules.matches(pattern, opening);
}

// The documents named as one evidence item, split by whether they could be read.
struct DocumentSearch {
    std::vector<const Document*> readable;
    std::vector<const Document*> without_text;     // extracted, but no text and no table (an image-only file)
    std::vector<const FileRecord*> unreadable;     // could not be extracted at all
};

inline DocumentSearch find_documents(const CheckContext& context, const std::string& key) {
    DocumentSearch search;
    for (const auto& document : context.index.documents()) {
        if (!names_document(document, key, context.rules)) continue;
        if (document.blocks.empty() && document.tables.empty()) {
            search.without_text.push_back(&document);
        } else {
            search.readable.push_back(&document);
        }
    }
    for (const auto& pattern : context.rules.patterns(key)) {
        for (const auto* record : context.index.unreadable(pattern)) {
            const bool named = context.rules.matches(pattern, file_name(record->path));
            bool seen = false;
            for (const auto* known : search.unreadable) seen = seen || known == record;
            if (named && !seen) search.unreadable.push_back(record);
        }
    }
    return search;
}

// Judges whether the export contains the evidence item `item` ("selection
// policy"), named by the patterns under `key`. A readable document named so
// passes. The finding is review when the only candidates cannot be read, or
// when no document is named so but one mentions it, and missing otherwise.
// Its subject is `item`.
inline Finding document_finding(const CheckContext& context, const std::string& key, const std::string& item) {
    Finding finding;
    finding.subject = item;
    const auto search = find_documents(context, key);

    if (!search.readable.empty()) {
        finding.status = Status::pass;
        finding.message = item + " found: " + file_name(search.readable.front()->path);
        for (const auto* document : search.readable) finding.evidence.push_back({document->path, ""});
        return finding;
    }
    if (!search.without_text.empty() || !search.unreadable.empty()) {
        finding.status = Status::review;
        if (!search.unreadable.empty()) {
            const auto* record = search.unreadable.front();
            finding.message = "the " + item + " " + file_name(record->path) + " cannot be read (" + record->reason +
                              "); a person must read it";
        } else {
            finding.message = "the " + item + " " + file_name(search.without_text.front()->path) +
                              " has no text (an image-only file); a person must read it";
        }
        for (const auto* record : search.unreadable) finding.evidence.push_back({record->path, ""});
        for (const auto* document : search.without_text) finding.evidence.push_back({document->path, ""});
        return finding;
    }

    // One search for all the key's patterns finds the mentions of each, in
    // order. The mention reported is the first of the first pattern that has
    // one, as a search per pattern would give.
    const auto joined = context.rules.alternation(key);
    const auto mentions = joined.empty() ? std::vector<TextMatch>{} : context.index.find_text(joined);
    for (const auto& pattern : context.rules.patterns(key)) {
        const TextMatch* first = nullptr;
        for (const auto& candidate : mentions) {
            if (context.rules.matches(pattern, candidate.text)) {
                first = &candidate;
                break;
            }
        }
        if (!first) continue;
        const auto& mention = *first;
        finding.status = Status::review;
        finding.message = "no document is named as the " + item + ", but " + file_name(mention.document->path) +
                          " mentions it at " + mention.location + "; a person must check that it serves as the " +
                          item;
        finding.evidence.push_back({mention.document->path, mention.location});
        return finding;
    }

    finding.status = Status::missing;
    finding.message = "no " + item + " found: no file name, title or heading matches the rule patterns '" + key +
                      "'; add the " + item + " to the export";
    return finding;
}

// Returns the day number (days since 1970-01-01) of a calendar date, or
// nothing when the date does not exist (31 February).
inline std::optional<long> day_number(int year, unsigned month, unsigned day) {
    const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                           std::chrono::day{day}};
    if (!date.ok()) return std::nullopt;
    return static_cast<long>(std::chrono::sys_days{date}.time_since_epoch().count());
}

// Returns the day number `months` calendar months before `day`; the 29th to
// 31st fall back to the last day of a shorter month.
inline long months_before(long day, int months) {
    const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
    auto shifted = std::chrono::year_month{date.year(), date.month()} - std::chrono::months{months};
    const auto last = std::chrono::year_month_day_last{shifted.year(), std::chrono::month_day_last{shifted.month()}};
    const auto day_of_month = date.day() > last.day() ? last.day() : date.day();
    return static_cast<long>(
        std::chrono::sys_days{std::chrono::year_month_day{shifted.year(), shifted.month(), day_of_month}}
            .time_since_epoch()
            .count());
}

inline std::string iso_date(long day) {
    const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{day}}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return text;
}

namespace detail {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Reads a run of digits at `position`, at most `max_digits` long.
inline std::optional<int> digits_at(const std::string& text, std::size_t& position, std::size_t max_digits) {
    std::size_t end = position;
    while (end < text.size() && is_digit(text[end]) && end - position < max_digits) ++end;
    if (end == position || (end < text.size() && is_digit(text[end]))) return std::nullopt;
    const int value = std::stoi(text.substr(position, end - position));
    position = end;
    return value;
}

inline std::optional<unsigned> month_named(const std::string& word) {
    static const char* const names[] = {"january", "february", "march",     "april",   "may",      "june",
                                        "july",    "august",   "september", "october", "november", "december"};
    std::string lower;
    for (const char c : word) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (unsigned month = 0; month < 12; ++month) {
        const std::string name = names[month];
        if (lower == name || (lower.size() == 3 && name.compare(0, 3, lower) == 0) ||
            (lower == "sept" && month == 8)) {
            return month + 1;
        }
    }
    return std::nullopt;
}

// Reads a date that starts at `position`: 2026-09-15, 15/09/2026 (day
// first, as UK registers write it), 15.09.2026, or 15 September 2026.
inline std::optional<long> date_at(const std::string& text, std::size_t position) {
    auto cursor = position;
    const auto first = digits_at(text, cursor, 4);
    if (!first) return std::nullopt;
    const auto first_length = cursor - position;

    if (first_length == 4 && cursor < text.size() && text[cursor] == '-') {
        ++cursor;
        const auto month = digits_at(text, cursor, 2);
        if (!month || cursor >= text.size() || text[cursor] != '-') return std::nullopt;
        ++cursor;
        const auto day = digits_at(text, cursor, 2);
        if (!day) return std::nullopt;
        return day_number(*first, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
    }
    if (first_length > 2 || cursor >= text.size()) return std::nullopt;

    const char separator = text[cursor];
    if (separator == '/' || separator == '.') {
        ++cursor;
        const auto month = digits_at(text, cursor, 2);
        if (!month || cursor >= text.size() || text[cursor] != separator) return std::nullopt;
        ++cursor;
        const auto start = cursor;
        const auto year = digits_at(text, cursor, 4);
        if (!year || cursor - start != 4) return std::nullopt;
        return day_number(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*first));
    }

    // 15 September 2026, 1st March 2027
    if (cursor + 1 < text.size() && is_letter(text[cursor]) && is_letter(text[cursor + 1]) &&
        (cursor + 2 >= text.size() || text[cursor + 2] == ' ')) {
        cursor += 2;   // an ordinal suffix such as "st" or "th"
    }
    if (cursor >= text.size() || text[cursor] != ' ') return std::nullopt;
    ++cursor;
    const auto word_start = cursor;
    while (cursor < text.size() && is_letter(text[cursor])) ++cursor;
    const auto month = month_named(text.substr(word_start, cursor - word_start));
    if (!month || cursor >= text.size() || text[cursor] != ' ') return std::nullopt;
    ++cursor;
    const auto start = cursor;
    const auto year = digits_at(text, cursor, 4);
    if (!year || cursor - start != 4) return std::nullopt;
    return day_number(*year, *month, static_cast<unsigned>(*first));
}

}  // namespace detail

// Returns the day number of every date written in `text`.
inline std::vector<long> dates_in(const std::string& text) {
    std::vector<long> dates;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool starts_word = i == 0 || !(detail::is_digit(text[i - 1]) || detail::is_letter(text[i - 1]));
        if (!starts_word || !detail::is_digit(text[i])) continue;
        if (const auto date = detail::date_at(text, i)) dates.push_back(*date);
    }
    return dates;
}

// Returns the day number of a register cell: a date cell, or the first date
// written in a text cell.
inline std::optional<long> date_of(const Cell& cell) {
    if (cell.type == CellType::date) return static_cast<long>(std::floor(cell.number));
    if (cell.type != CellType::text) return std::nullopt;
    const auto dates = dates_in(cell.text);
    if (dates.empty()) return std::nullopt;
    return dates.front();
}

}  // namespace iqts::evidence
