#include "iqts/host/rule_checks.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

#include <re2/re2.h>

#include "iqts/check_support.hpp"
#include "iqts/host/rule_pack.hpp"
#include "iqts/values.hpp"

namespace iqts::host {
namespace {

const std::vector<std::string> rule_keys{"id",       "criterion", "severity", "message",       "remediation",
                                         "document_exists", "text", "register", "date_freshness"};
const std::vector<std::string> kind_keys{"document_exists", "text", "register", "date_freshness"};

}  // namespace

RE2::Options pattern_options() {
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    // A key's patterns are matched as one alternation, so a pattern may contain
    // several that each fit RE2's default 8 MiB. RE2 takes memory as a
    // pattern needs it, up to this bound.
    options.set_max_mem(int64_t{64} << 20);
    return options;
}

std::shared_ptr<const RE2> compiled_pattern(const std::string& pattern) {
    // Checks match the same few hundred patterns against every cell and
    // paragraph, and compiling dominates a match, so each is compiled once.
    // The bound keeps a check that builds patterns from data from growing
    // the map without limit.
    constexpr std::size_t max_patterns = 4096;
    static std::mutex mutex;
    static std::unordered_map<std::string, std::shared_ptr<const RE2>> compiled;
    const std::lock_guard lock(mutex);
    if (const auto found = compiled.find(pattern); found != compiled.end()) return found->second;
    if (compiled.size() >= max_patterns) compiled.clear();
    auto fresh = std::make_shared<const RE2>(pattern, pattern_options());
    compiled.emplace(pattern, fresh);
    return fresh;
}

bool pattern_matches(const std::string& pattern, const std::string& text) {
    const auto compiled = compiled_pattern(pattern);
    return compiled->ok() && RE2::PartialMatch(text, *compiled);
}

std::string pattern_error(const std::string& pattern) {
    const RE2 compiled(pattern, pattern_options());
    return compiled.ok() ? std::string() : compiled.error();
}

namespace {

std::string joined(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
    return text;
}

// Reads the nodes of one rule and collects its errors instead of stopping at
// the first, so that one run of `rules validate` reports them all.
class RuleReader {
public:
    RuleReader(const std::string& path, std::vector<std::string>& errors) : path_(path), errors_(errors) {}

    void error(const YAML::Node& node, const std::string& message) {
        errors_.push_back(error_at(path_, node.Mark(), message));
        failed_ = true;
    }

    bool failed() const { return failed_; }

    // Reports every key of `map` outside `allowed`, suggesting the nearest.
    void reject_unknown_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& where) {
        for (const auto& item : map) {
            const auto key = item.first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            const auto suggestion = closest_match(key, allowed);
            error(item.first, "unknown key `" + key + "` in " + where + "; " +
                                  (suggestion.empty() ? "write one of " + joined(allowed)
                                                      : "did you mean `" + suggestion + "`?"));
        }
    }

    std::string text(const YAML::Node& node, const std::string& what) {
        if (!node.IsScalar()) {
            error(node, what + " must be a single value; write it as `key: value`");
            return "";
        }
        return node.Scalar();
    }

    std::string required_text(const YAML::Node& map, const std::string& key, const std::string& where) {
        const auto node = map[key];
        if (!node) {
            error(map, where + " has no `" + key + "`; add `" + key + ": ...`");
            return "";
        }
        const auto value = text(node, "`" + key + "`");
        if (value.empty() && node.IsScalar()) error(node, "`" + key + "` is empty; write a value");
        return value;
    }

    // Reads a list of values, or one value as a list of one.
    std::vector<std::string> list(const YAML::Node& node, const std::string& what) {
        std::vector<std::string> values;
        if (node.IsScalar()) {
            values.push_back(node.Scalar());
        } else if (node.IsSequence()) {
            for (const auto& item : node) values.push_back(text(item, "an item of " + what));
        } else {
            error(node, what + " must be a list; write `[first, second]`");
        }
        return values;
    }

    std::vector<std::string> patterns(const YAML::Node& node, const std::string& what) {
        std::vector<std::string> values;
        if (node.IsScalar()) {
            check_pattern(node);
            values.push_back(node.Scalar());
            return values;
        }
        if (!node.IsSequence()) {
            error(node, what + " must be a list of RE2 patterns; write `['first', 'second']`");
            return values;
        }
        for (const auto& item : node) {
            if (!item.IsScalar()) {
                error(item, "an item of " + what + " must be one RE2 pattern; write it in quotes");
                continue;
            }
            check_pattern(item);
            values.push_back(item.Scalar());
        }
        return values;
    }

    void check_pattern(const YAML::Node& node) {
        const RE2 compiled(node.Scalar(), pattern_options());
        if (!compiled.ok()) {
            error(node, "invalid RE2 pattern '" + node.Scalar() + "': " + compiled.error() +
                            "; write a valid RE2 pattern, with a backslash before a literal ( [ . * + ?");
        }
    }

    std::optional<double> number(const YAML::Node& node, const std::string& what) {
        const auto value = text(node, what);
        try {
            std::size_t used = 0;
            const double parsed = std::stod(value, &used);
            if (used == value.size()) return parsed;
        } catch (const std::exception&) {
        }
        if (node.IsScalar()) error(node, what + " '" + value + "' is not a number; write e.g. 6.5");
        return std::nullopt;
    }

    std::string date(const YAML::Node& node, const std::string& what) {
        const auto value = text(node, what);
        std::size_t end = 0;
        if (value.size() != 10 || value[4] != '-' || value[7] != '-' || !evidence::detail::date_at(value, end)) {
            if (node.IsScalar()) error(node, what + " '" + value + "' is not a date; write it as YYYY-MM-DD");
            return "";
        }
        return value;
    }

private:
    const std::string& path_;
    std::vector<std::string>& errors_;
    bool failed_ = false;
};

void read_document_exists(RuleReader& reader, const YAML::Node& body, RuleCheckDefinition& rule) {
    if (!body.IsMap()) {
        reader.error(body, "document_exists must be a map; write `document_exists: {title: ['pattern']}`");
        return;
    }
    reader.reject_unknown_keys(body, {"title", "file_name", "path"}, "document_exists");
    if (body["title"]) rule.titles = reader.patterns(body["title"], "title");
    if (body["file_name"]) rule.file_names = reader.patterns(body["file_name"], "file_name");
    if (body["path"]) rule.paths = reader.patterns(body["path"], "path");
    if (rule.titles.empty() && rule.file_names.empty() && rule.paths.empty()) {
        reader.error(body, "document_exists names no document; add `title:`, `file_name:` or `path:` patterns");
    }
}

void read_text(RuleReader& reader, const YAML::Node& body, RuleCheckDefinition& rule) {
    if (!body.IsMap()) {
        reader.error(body, "text must be a map; write `text: {any: ['pattern']}`");
        return;
    }
    reader.reject_unknown_keys(body, {"any", "all", "none", "in_documents"}, "text");
    if (body["any"]) rule.any = reader.patterns(body["any"], "any");
    if (body["all"]) rule.all = reader.patterns(body["all"], "all");
    if (body["none"]) rule.none = reader.patterns(body["none"], "none");
    if (body["in_documents"]) {
        rule.in_documents = reader.text(body["in_documents"], "in_documents");
        reader.check_pattern(body["in_documents"]);
    }
    if (rule.any.empty() && rule.all.empty() && rule.none.empty()) {
        reader.error(body, "text has no patterns; add `any:`, `all:` or `none:` with a list of RE2 patterns");
    }
}

void read_where(RuleReader& reader, const YAML::Node& where, RowCondition& condition) {
    if (!where.IsMap() || where.size() != 1) {
        reader.error(where, "where must hold exactly one condition; write `number: {min: 6.5}`, "
                            "`date: {after: 2026-01-01}`, `in: [yes, no]` or `not_empty: true`");
        return;
    }
    reader.reject_unknown_keys(where, {"number", "date", "in", "not_empty"}, "where");
    if (const auto number = where["number"]) {
        condition.is_number = true;
        if (!number.IsMap()) {
            reader.error(number, "number must be a map; write `number: {min: 6.5, max: 9}`");
            return;
        }
        reader.reject_unknown_keys(number, {"min", "max"}, "number");
        if (number["min"]) condition.number_min = reader.number(number["min"], "min");
        if (number["max"]) condition.number_max = reader.number(number["max"], "max");
        if (!number["min"] && !number["max"]) reader.error(number, "number has no bound; add `min:` or `max:`");
    } else if (const auto date = where["date"]) {
        condition.is_date = true;
        if (!date.IsMap()) {
            reader.error(date, "date must be a map; write `date: {after: 2026-01-01}`");
            return;
        }
        reader.reject_unknown_keys(date, {"after", "before"}, "date");
        if (date["after"]) condition.date_after = reader.date(date["after"], "after");
        if (date["before"]) condition.date_before = reader.date(date["before"], "before");
        if (!date["after"] && !date["before"]) reader.error(date, "date has no bound; add `after:` or `before:`");
    } else if (const auto in = where["in"]) {
        condition.is_in = true;
        for (const auto& value : reader.list(in, "in")) condition.allowed.push_back(normalise_text(value));
        if (condition.allowed.empty()) reader.error(in, "in lists no value; write `in: [first, second]`");
    } else if (const auto not_empty = where["not_empty"]) {
        if (reader.text(not_empty, "not_empty") != "true") {
            reader.error(not_empty, "not_empty can only be true; write `not_empty: true`");
        }
        condition.not_empty = true;
    }
}

void read_register(RuleReader& reader, const YAML::Node& body, RuleCheckDefinition& rule) {
    if (!body.IsMap()) {
        reader.error(body, "register must be a map; write `register: {headers: [...], where: {...}}`");
        return;
    }
    reader.reject_unknown_keys(body, {"headers", "subject_column", "where"}, "register");
    if (!body["headers"]) {
        reader.error(body, "register has no `headers`; add `headers: [column name, other name]`");
    } else {
        for (const auto& header : reader.list(body["headers"], "headers")) rule.headers.push_back(normalise_header(header));
    }
    if (body["subject_column"]) {
        for (const auto& header : reader.list(body["subject_column"], "subject_column")) {
            rule.subject_headers.push_back(normalise_header(header));
        }
    }
    if (!body["where"]) {
        reader.error(body, "register has no `where`; add `where: {not_empty: true}` or another condition");
    } else {
        read_where(reader, body["where"], rule.where);
    }
}

void read_date_freshness(RuleReader& reader, const YAML::Node& body, RuleCheckDefinition& rule) {
    if (!body.IsMap()) {
        reader.error(body, "date_freshness must be a map; write `date_freshness: {in_documents: 'policy', "
                           "max_age_days: 365}`");
        return;
    }
    reader.reject_unknown_keys(body, {"in_documents", "max_age_days"}, "date_freshness");
    rule.in_documents = reader.required_text(body, "in_documents", "date_freshness");
    if (body["in_documents"] && body["in_documents"].IsScalar()) reader.check_pattern(body["in_documents"]);
    if (!body["max_age_days"]) {
        reader.error(body, "date_freshness has no `max_age_days`; add `max_age_days: 365`");
        return;
    }
    const auto days = reader.number(body["max_age_days"], "max_age_days");
    if (days && (*days < 0 || *days != static_cast<int>(*days))) {
        reader.error(body["max_age_days"], "max_age_days must be a whole number of days, 0 or more; write e.g. 365");
    } else if (days) {
        rule.max_age_days = static_cast<int>(*days);
    }
}

// Returns every text of a document: its blocks and its table cells, each with
// its location.
std::vector<std::pair<std::string, std::string>> texts_of(const Document& document) {
    std::vector<std::pair<std::string, std::string>> texts;
    for (const auto& block : document.blocks) texts.emplace_back(block.text, block.location);
    for (const auto& table : document.tables) {
        for (std::size_t row = 0; row < table.rows.size(); ++row) {
            for (std::size_t column = 0; column < table.rows[row].size(); ++column) {
                const auto& cell = table.rows[row][column];
                if (!cell.text.empty()) texts.emplace_back(cell.text, table.location(row, column));
            }
        }
    }
    return texts;
}

std::vector<const Document*> documents_in_scope(const EvidenceIndex& index, const std::string& pattern) {
    std::vector<const Document*> documents;
    for (const auto& document : index.documents()) {
        if (pattern.empty() || pattern_matches(pattern, document.path) || pattern_matches(pattern, document.title)) {
            documents.push_back(&document);
        }
    }
    return documents;
}

long reference_day(const CheckContext& context) {
    if (!context.inspection_date.empty()) {
        if (const auto day = evidence::detail::date_at(context.inspection_date, 0)) return *day;
    }
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    return static_cast<long>(today.time_since_epoch().count());
}

class RuleEvaluation {
public:
    RuleEvaluation(const RuleCheckDefinition& rule, const CheckContext& context) : rule_(rule), context_(context) {}

    Finding unmet(const std::string& detail, std::vector<Evidence> evidence = {}, std::string subject = {}) const {
        auto message = rule_.message + " — " + rule_.remediation;
        if (!detail.empty()) message += " (" + detail + ")";
        return Finding{rule_.severity, std::move(subject), std::move(message), std::move(evidence)};
    }

    Finding met(const std::string& detail, std::vector<Evidence> evidence = {}) const {
        return Finding{Status::pass, "", "rule " + rule_.id + " is met: " + detail, std::move(evidence)};
    }

    std::vector<Finding> document_exists() const {
        std::vector<Evidence> found;
        for (const auto& document : context_.index.documents()) {
            if (names(document.path, document.title)) found.push_back({document.path, ""});
        }
        if (!found.empty()) return {met("found " + file_name_of(found.front().path), found)};

        std::vector<Evidence> unreadable;
        std::string reason;
        for (const auto* record : context_.index.unreadable("")) {
            if (!names(record->path, "")) continue;
            unreadable.push_back({record->path, ""});
            if (reason.empty()) reason = record->reason;
        }
        if (!unreadable.empty()) {
            return {Finding{Status::review, "",
                            rule_.message + ": a matching file could not be read (" + reason +
                                "); open it and check it by hand",
                            unreadable}};
        }
        return {unmet("no document matches")};
    }

    std::vector<Finding> text() const {
        const auto documents = documents_in_scope(context_.index, rule_.in_documents);
        if (documents.empty()) return {unmet("no document matches '" + rule_.in_documents + "'")};

        std::vector<Finding> findings;
        if (!rule_.any.empty()) {
            std::vector<Evidence> hits;
            for (const auto& pattern : rule_.any) {
                for (const auto& hit : occurrences(documents, pattern)) hits.push_back(hit);
            }
            if (hits.empty()) findings.push_back(unmet("none of the `any` patterns occurs"));
        }
        if (!rule_.all.empty()) {
            const bool some_document_has_all = std::any_of(documents.begin(), documents.end(), [&](const Document* doc) {
                return std::all_of(rule_.all.begin(), rule_.all.end(),
                                   [&](const std::string& pattern) { return !occurrences({doc}, pattern).empty(); });
            });
            if (!some_document_has_all) findings.push_back(unmet("no document contains every `all` pattern"));
        }
        for (const auto& pattern : rule_.none) {
            for (auto& hit : occurrences(documents, pattern)) {
                findings.push_back(unmet("forbidden text '" + pattern + "' occurs", {std::move(hit)}));
            }
        }
        if (findings.empty()) {
            const auto count = documents.size();
            findings.push_back(met("the text conditions hold in " + std::to_string(count) +
                                   (count == 1 ? " document" : " documents")));
        }
        return findings;
    }

    std::vector<Finding> register_rows() const {
        std::vector<Finding> findings;
        std::size_t tables = 0;
        std::size_t rows_checked = 0;
        for (const auto& document : context_.index.documents()) {
            for (const auto& table : document.tables) {
                const auto header = header_row(table);
                if (!header) continue;
                ++tables;
                const auto [row_index, column, subject_column] = *header;
                for (std::size_t row = row_index + 1; row < table.rows.size(); ++row) {
                    const auto& cells = table.rows[row];
                    const bool blank = std::all_of(cells.begin(), cells.end(),
                                                   [](const Cell& cell) { return cell.text.empty(); });
                    if (blank) continue;
                    ++rows_checked;
                    const Cell empty_cell;
                    const auto& cell = column < cells.size() ? cells[column] : empty_cell;
                    if (meets(cell)) continue;
                    std::string subject = table.location(row, column);
                    if (subject_column && *subject_column < cells.size() && !cells[*subject_column].text.empty()) {
                        subject = cells[*subject_column].text;
                    }
                    const auto value = cell.text.empty() ? std::string("empty") : "'" + cell.text + "'";
                    findings.push_back(unmet("value " + value, {{document.path, table.location(row, column)}}, subject));
                }
            }
        }
        if (tables == 0) return {unmet("no table has a column named '" + joined(rule_.headers) + "'")};
        if (findings.empty()) {
            findings.push_back(met(std::to_string(rows_checked) + " rows in " + std::to_string(tables) +
                                   " tables meet the condition"));
        }
        return findings;
    }

    std::vector<Finding> date_freshness() const {
        const auto documents = documents_in_scope(context_.index, rule_.in_documents);
        if (documents.empty()) return {unmet("no document matches '" + rule_.in_documents + "'")};
        const long reference = reference_day(context_);
        std::vector<Finding> findings;
        for (const auto* document : documents) {
            std::optional<long> latest;
            for (const auto& day : dates_of(*document)) {
                if (day <= reference && (!latest || day > *latest)) latest = day;
            }
            const std::vector<Evidence> evidence{{document->path, ""}};
            if (!latest) {
                findings.push_back(unmet("no date in " + file_name_of(document->path), evidence));
            } else if (reference - *latest > rule_.max_age_days) {
                findings.push_back(unmet("latest date " + evidence::iso_date(*latest) + " is " +
                                             std::to_string(reference - *latest) + " days old, more than " +
                                             std::to_string(rule_.max_age_days),
                                         evidence));
            } else {
                findings.push_back(met(file_name_of(document->path) + " is dated " + evidence::iso_date(*latest),
                                       evidence));
            }
        }
        return findings;
    }

private:
    static std::string file_name_of(const std::string& path) { return evidence::file_name(path); }

    bool names(const std::string& path, const std::string& title) const {
        const auto name = file_name_of(path);
        const auto any_of = [](const std::vector<std::string>& patterns, const std::string& value) {
            return std::any_of(patterns.begin(), patterns.end(),
                               [&](const std::string& pattern) { return pattern_matches(pattern, value); });
        };
        return any_of(rule_.titles, title) || any_of(rule_.titles, name) || any_of(rule_.file_names, name) ||
               any_of(rule_.paths, path);
    }

    static std::vector<Evidence> occurrences(const std::vector<const Document*>& documents, const std::string& pattern) {
        std::vector<Evidence> hits;
        for (const auto* document : documents) {
            for (const auto& [text, location] : texts_of(*document)) {
                if (pattern_matches(pattern, text)) hits.push_back({document->path, location});
            }
        }
        return hits;
    }

    static std::vector<long> dates_of(const Document& document) {
        std::vector<long> days;
        for (const auto& block : document.blocks) {
            for (const auto day : evidence::dates_in(block.text)) days.push_back(day);
        }
        for (const auto& table : document.tables) {
            for (const auto& row : table.rows) {
                for (const auto& cell : row) {
                    if (const auto day = evidence::date_of(cell)) days.push_back(*day);
                }
            }
        }
        return days;
    }

    struct HeaderRow {
        std::size_t row;
        std::size_t column;
        std::optional<std::size_t> subject_column;
    };

    // Finds the header row of a register among the first 15 rows: the row
    // holding a cell that names the tested column.
    std::optional<HeaderRow> header_row(const Table& table) const {
        const auto limit = std::min<std::size_t>(table.rows.size(), 15);
        for (std::size_t row = 0; row < limit; ++row) {
            const auto column = column_named(table.rows[row], rule_.headers);
            if (!column) continue;
            return HeaderRow{row, *column, column_named(table.rows[row], rule_.subject_headers)};
        }
        return std::nullopt;
    }

    static std::optional<std::size_t> column_named(const std::vector<Cell>& cells, const std::vector<std::string>& names) {
        for (const auto& name : names) {
            for (std::size_t column = 0; column < cells.size(); ++column) {
                if (normalise_header(cells[column].text) == name) return column;
            }
        }
        return std::nullopt;
    }

    bool meets(const Cell& cell) const {
        const auto& where = rule_.where;
        if (where.is_number) {
            const auto value = number_in(cell);
            if (!value) return false;
            return (!where.number_min || *value >= *where.number_min) && (!where.number_max || *value <= *where.number_max);
        }
        if (where.is_date) {
            const auto day = evidence::date_of(cell);
            if (!day) return false;
            const auto bound = [](const std::string& text) { return *evidence::detail::date_at(text, 0); };
            return (where.date_after.empty() || *day > bound(where.date_after)) &&
                   (where.date_before.empty() || *day < bound(where.date_before));
        }
        if (where.is_in) {
            return std::find(where.allowed.begin(), where.allowed.end(), normalise_text(cell.text)) != where.allowed.end();
        }
        return !normalise_text(cell.text).empty();
    }

    const RuleCheckDefinition& rule_;
    const CheckContext& context_;
};

}  // namespace

std::string position_of(const std::string& path, const YAML::Mark& mark) {
    if (mark.is_null()) return path;
    return path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string error_at(const std::string& path, const YAML::Mark& mark, const std::string& message) {
    return position_of(path, mark) + ": error: " + message;
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
    const auto distance = [](const std::string& a, const std::string& b) {
        std::vector<std::size_t> previous(b.size() + 1);
        std::vector<std::size_t> current(b.size() + 1);
        for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
        for (std::size_t i = 1; i <= a.size(); ++i) {
            current[0] = i;
            for (std::size_t j = 1; j <= b.size(); ++j) {
                const auto substitution = previous[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
                current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
            }
            std::swap(previous, current);
        }
        return previous[b.size()];
    };
    const auto allowed = std::max<std::size_t>(2, word.size() / 3);
    std::string best;
    std::size_t best_distance = allowed + 1;
    for (const auto& candidate : candidates) {
        const auto d = distance(word, candidate);
        if (d < best_distance) {
            best = candidate;
            best_distance = d;
        }
    }
    return best;
}

std::optional<RuleCheckDefinition> read_rule_check(const std::string& path, const YAML::Node& node,
                                                   std::vector<std::string>& errors) {
    RuleReader reader(path, errors);
    if (!node.IsMap()) {
        reader.error(node, "a rule is a map; write `- id: ...` followed by criterion, severity, message, "
                           "remediation and one kind");
        return std::nullopt;
    }
    RuleCheckDefinition rule;
    rule.source = position_of(path, node.Mark());
    reader.reject_unknown_keys(node, rule_keys, "a rule");

    rule.id = reader.required_text(node, "id", "the rule");
    const auto where = rule.id.empty() ? std::string("the rule") : "rule " + rule.id;
    rule.criterion = reader.required_text(node, "criterion", where);
    if (node["criterion"]) {
        rule.criterion_position = position_of(path, node["criterion"].Mark());
    }
    const auto severity = reader.required_text(node, "severity", where);
    if (severity == "fail") {
        rule.severity = Status::fail;
    } else if (severity == "missing") {
        rule.severity = Status::missing;
    } else if (severity == "review") {
        rule.severity = Status::review;
    } else if (!severity.empty()) {
        const auto suggestion = closest_match(severity, {"fail", "missing", "review"});
        reader.error(node["severity"], "unknown severity '" + severity + "'; " +
                                           (suggestion.empty() ? "write fail, missing or review"
                                                               : "did you mean `" + suggestion + "`?"));
    }
    rule.message = reader.required_text(node, "message", where);
    rule.remediation = reader.required_text(node, "remediation", where);

    std::vector<std::string> kinds;
    for (const auto& kind : kind_keys) {
        if (node[kind]) kinds.push_back(kind);
    }
    if (kinds.empty()) {
        reader.error(node, where + " has no kind; add one of document_exists, text, register, date_freshness");
    } else if (kinds.size() > 1) {
        reader.error(node[kinds[1]], where + " has two kinds, " + kinds[0] + " and " + kinds[1] +
                                         "; keep one and move the other into a rule of its own");
    } else if (kinds[0] == "document_exists") {
        rule.kind = RuleKind::document_exists;
        read_document_exists(reader, node["document_exists"], rule);
    } else if (kinds[0] == "text") {
        rule.kind = RuleKind::text;
        read_text(reader, node["text"], rule);
    } else if (kinds[0] == "register") {
        rule.kind = RuleKind::register_rows;
        read_register(reader, node["register"], rule);
    } else {
        rule.kind = RuleKind::date_freshness;
        read_date_freshness(reader, node["date_freshness"], rule);
    }
    if (reader.failed()) return std::nullopt;
    return rule;
}

std::vector<Finding> RuleCheck::run(const CheckContext& context) const {
    const RuleEvaluation evaluation(definition_, context);
    switch (definition_.kind) {
        case RuleKind::document_exists: return evaluation.document_exists();
        case RuleKind::text: return evaluation.text();
        case RuleKind::register_rows: return evaluation.register_rows();
        case RuleKind::date_freshness: return evaluation.date_freshness();
    }
    return {};
}

}  // namespace iqts::host
