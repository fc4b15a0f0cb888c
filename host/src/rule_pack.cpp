#include "iqts/host/rule_pack.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include "iqts/host/rule_checks.hpp"
#include "iqts/values.hpp"

namespace iqts::host {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, const YAML::Node& node, const std::string& message) {
    throw RuleError(error_at(path, node.Mark(), message));
}

std::string joined_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += (text.empty() ? "" : "\n") + line;
    return text;
}

std::vector<std::string> version_numbers(const std::string& version) {
    std::vector<std::string> parts;
    std::string part;
    for (const char c : version + ".") {
        if (c == '.') {
            if (part.empty()) throw std::invalid_argument("'" + version + "' is not a version");
            parts.push_back(part);
            part.clear();
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            part += c;
        } else {
            throw std::invalid_argument("'" + version + "' is not a version");
        }
    }
    return parts;
}

// A custom criterion id: C-style ("C4.1") or an X- house id ("X-HOUSE-1").
bool is_criterion_id(const std::string& id) {
    static const RE2 pattern(R"(C\d+\.\d+|X(-[A-Za-z0-9]+)+)");
    return RE2::FullMatch(id, pattern);
}

std::string scalar(const std::string& path, const YAML::Node& node, const std::string& what) {
    if (!node.IsScalar()) fail(path, node, what + " must be a single value");
    return node.as<std::string>();
}

Setting read_setting(const std::string& path, const std::string& key, const YAML::Node& node) {
    Setting setting;
    if (node.IsScalar()) {
        setting.value = node.as<std::string>();
        return setting;
    }
    if (!node.IsMap() || !node["value"]) {
        fail(path, node, "setting '" + key + "' needs a value: write `value: 6.5` with `unit:` and `source:` beside it");
    }
    setting.value = scalar(path, node["value"], "value of " + key);
    if (node["unit"]) setting.unit = scalar(path, node["unit"], "unit of " + key);
    if (node["source"]) setting.source = scalar(path, node["source"], "source of " + key);
    return setting;
}

CriterionDefinition read_criterion(const std::string& path, const YAML::Node& node) {
    if (!node.IsMap()) fail(path, node, "a criterion is a map with id, part, title and statement");
    CriterionDefinition criterion;
    for (const char* key : {"id", "part", "title"}) {
        if (!node[key]) fail(path, node, std::string("criterion has no '") + key + "'");
    }
    criterion.id = scalar(path, node["id"], "criterion id");
    if (!is_criterion_id(criterion.id)) {
        fail(path, node["id"], "criterion id '" + criterion.id + "' is neither C-style nor a house id; "
                               "write e.g. C4.1 or X-HOUSE-1");
    }
    try {
        criterion.part = node["part"].as<int>();
    } catch (const YAML::Exception&) {
        fail(path, node["part"], "part of " + criterion.id + " must be a whole number (1, 2 or 3)");
    }
    criterion.title = scalar(path, node["title"], "criterion title");
    if (node["statement"]) criterion.statement = scalar(path, node["statement"], "criterion statement");
    return criterion;
}

// Returns whether `column` is a column letter of one to three capitals, as the
// cohort builder reads it, that lies past XFD (column 16384). Longer words in
// capitals are header names ("IELTS").
// NOTE: so a pin such as ZZZZZZ is taken as a header name and reported as
// unused only when a scan finds no such header.
bool past_last_column(const std::string& column) {
    constexpr int last_column = 16384;   // XFD, the last column of Excel 2007 and later
    if (column.empty() || column.size() > 3) return false;
    int number = 0;
    for (const char letter : column) {
        if (letter < 'A' || letter > 'Z') return false;
        number = number * 26 + (letter - 'A' + 1);
    }
    return number > last_column;
}

RegisterPin read_register_pin(const std::string& path, const YAML::Node& node,
                              const std::vector<FieldSynonyms>& fields) {
    if (!node.IsMap() || !node["file"] || !node["columns"]) {
        fail(path, node, "a register entry needs `file:` (a file name or glob) and `columns:` "
                         "(field: header as written, or a column letter)");
    }
    RegisterPin pin;
    pin.position = position_of(path, node.Mark());
    pin.file = scalar(path, node["file"], "file of a register");
    if (node["table"]) pin.table = scalar(path, node["table"], "table of a register");
    if (node["header_row"]) {
        try {
            pin.header_row = node["header_row"].as<int>();
        } catch (const YAML::Exception&) {
            pin.header_row = 0;
        }
        if (pin.header_row < 1) {
            fail(path, node["header_row"], "header_row is the sheet's row number of the headers, e.g. 3");
        }
    }
    if (!node["columns"].IsMap()) {
        fail(path, node["columns"], "columns must be a map of field: header, e.g. `ielts_overall: \"Eng. band\"`");
    }
    std::vector<std::string> known;
    for (const auto& field : fields) known.push_back(field.field);
    for (const auto& item : node["columns"]) {
        const auto field = item.first.as<std::string>();
        if (std::find(known.begin(), known.end(), field) == known.end()) {
            const auto suggestion = closest_match(field, known);
            fail(path, item.first, "unknown field '" + field + "'; " +
                                       (suggestion.empty() ? "use a field of header-synonyms.yaml"
                                                           : "did you mean " + suggestion + "?"));
        }
        const auto column = scalar(path, item.second, "column of " + field);
        if (past_last_column(column)) {
            fail(path, item.second, "column " + column + " of " + field + " is past XFD, the last column of a "
                                    "spreadsheet; write a column letter from A to XFD or the header as written");
        }
        pin.columns[field] = column;
    }
    return pin;
}

}  // namespace

std::string normalise_header(const std::string& text) { return normalise_text(text); }

RuleError::RuleError(const std::vector<std::string>& errors)
    : std::runtime_error(joined_lines(errors)), errors_(errors) {}

bool version_at_least(const std::string& have, const std::string& need) {
    const auto have_parts = version_numbers(have);
    const auto need_parts = version_numbers(need);
    for (std::size_t i = 0; i < std::max(have_parts.size(), need_parts.size()); ++i) {
        const long have_number = i < have_parts.size() ? std::stol(have_parts[i]) : 0;
        const long need_number = i < need_parts.size() ? std::stol(need_parts[i]) : 0;
        if (have_number != need_number) return have_number > need_number;
    }
    return true;
}

std::string builtin_rules_folder() {
    std::error_code error;
    const auto executable = fs::read_symlink("/proc/self/exe", error);
    if (!error) {
        const auto candidate = executable.parent_path().parent_path() / "share" / "iqts-scan" / "rules";
        if (fs::is_directory(candidate / ".", error)) return candidate.string();
    }
    return IQTS_SOURCE_RULES_DIR;
}

LoadedRulePack::LoadedRulePack(const std::vector<std::string>& folders) {
    for (const auto& folder : folders) {
        std::error_code error;
        if (!fs::is_directory(folder, error)) {
            throw RuleError(folder + ": rules folder not found; give a folder of .yaml rule files");
        }
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(folder)) {
            const auto extension = entry.path().extension().string();
            if (entry.is_regular_file() && (extension == ".yaml" || extension == ".yml")) {
                files.push_back(entry.path());
            }
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) load_file(file.string());
    }
    check_criteria_of_rules();
    if (!errors_.empty()) throw RuleError(errors_);
}

void LoadedRulePack::keep_criterion_of_rejected_rule(const std::string& path, const YAML::Node& node) {
    if (!node.IsMap() || !node["criterion"] || !node["criterion"].IsScalar()) return;
    RuleCheckDefinition rule;
    rule.id = node["id"] && node["id"].IsScalar() ? node["id"].Scalar() : std::string("(no id)");
    rule.criterion = node["criterion"].Scalar();
    rule.criterion_position = position_of(path, node["criterion"].Mark());
    rejected_checks_.push_back(std::move(rule));
}

void LoadedRulePack::check_criteria_of_rules() {
    std::vector<std::string> known;
    for (const auto& criterion : criteria_) known.push_back(criterion.id);
    std::vector<const RuleCheckDefinition*> rules;
    for (const auto& rule : checks_) rules.push_back(&rule);
    for (const auto& rule : rejected_checks_) rules.push_back(&rule);
    for (const RuleCheckDefinition* rule_pointer : rules) {
        const RuleCheckDefinition& rule = *rule_pointer;
        if (std::find(known.begin(), known.end(), rule.criterion) != known.end()) continue;
        const auto suggestion = closest_match(rule.criterion, known);
        errors_.push_back(rule.criterion_position + ": error: unknown criterion '" + rule.criterion + "' in rule " +
                          rule.id + "; " +
                          (suggestion.empty() ? "declare it under `criteria:` or use one of C1.1 to C3.4"
                                              : "did you mean " + suggestion + "?"));
    }
}

void LoadedRulePack::load_file(const std::string& path) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::ParserException& exception) {
        errors_.push_back(error_at(path, exception.mark, "invalid YAML: " + exception.msg +
                                                             "; fix the indentation or quoting at this place"));
        return;
    } catch (const YAML::BadFile&) {
        errors_.push_back(path + ": error: cannot be read; check that the file exists and is readable");
        return;
    }
    if (root.IsNull()) return;
    if (!root.IsMap()) {
        errors_.push_back(error_at(path, root.Mark(), "a rule file is a map; write sections such as "
                                                      "`criteria:`, `settings:` or `checks:`"));
        return;
    }
    sources_.push_back(path);

    // `requires` comes first, because a file for a newer scanner may use
    // sections this one does not know.
    if (const auto required_version = root["requires"]) {
        const auto need = required_version.IsScalar() ? required_version.Scalar() : std::string();
        try {
            if (!version_at_least(IQTS_VERSION, need)) {
                errors_.push_back(error_at(path, required_version.Mark(),
                                           "this file requires iqts-scan " + need + " or newer, but this is " +
                                               IQTS_VERSION + "; upgrade iqts-scan to load it"));
                return;
            }
        } catch (const std::invalid_argument&) {
            errors_.push_back(error_at(path, required_version.Mark(), "requires '" + need +
                                                                  "' is not a version; write it in quotes, e.g. "
                                                                  "requires: \"0.1\""));
        }
    }

    for (const auto& section : root) {
        try {
            load_section(path, section.first, section.second);
        } catch (const RuleError& error) {
            errors_.push_back(error.what());
        } catch (const YAML::Exception& error) {
            errors_.push_back(error_at(path, error.mark, std::string("invalid value: ") + error.msg +
                                                             "; write the value this section expects"));
        }
    }
}

void LoadedRulePack::load_section(const std::string& path, const YAML::Node& key, const YAML::Node& body) {
    const auto name = key.Scalar();
    if (name == "requires") {
        return;
    } else if (name == "checks") {
        if (!body.IsSequence()) fail(path, body, "checks must be a list; write each rule as `- id: ...`");
        for (const auto& node : body) {
            auto rule = read_rule_check(path, node, errors_);
            if (!rule) {
                keep_criterion_of_rejected_rule(path, node);
                continue;
            }
            const auto existing = std::find_if(checks_.begin(), checks_.end(),
                                               [&](const auto& c) { return c.id == rule->id; });
            if (existing != checks_.end()) {
                *existing = std::move(*rule);
            } else {
                checks_.push_back(std::move(*rule));
            }
        }
    } else if (name == "criteria") {
        if (!body.IsSequence()) fail(path, body, "criteria must be a list");
        for (const auto& node : body) {
            CriterionDefinition criterion;
            try {
                criterion = read_criterion(path, node);
            } catch (const RuleError& error) {
                errors_.push_back(error.what());
                continue;
            }
            const auto existing = std::find_if(criteria_.begin(), criteria_.end(),
                                               [&](const auto& c) { return c.id == criterion.id; });
            if (existing != criteria_.end()) {
                *existing = std::move(criterion);
            } else {
                criteria_.push_back(std::move(criterion));
            }
        }
    } else if (name == "settings") {
        if (!body.IsMap()) fail(path, body, "settings must be a map of key: {value, unit, source}");
        for (const auto& item : body) {
            const auto key = item.first.as<std::string>();
            settings_[key] = read_setting(path, key, item.second);
        }
    } else if (name == "tables") {
        if (!body.IsMap()) fail(path, body, "tables must be a map of name: list of rows");
        for (const auto& item : body) {
            const auto table_name = item.first.as<std::string>();
            if (!item.second.IsSequence()) fail(path, item.second, "table '" + table_name + "' must be a list of rows");
            std::vector<RuleRow> rows;
            for (const auto& row_node : item.second) {
                if (!row_node.IsMap()) fail(path, row_node, "a row of table '" + table_name + "' must be a map");
                RuleRow row;
                for (const auto& cell : row_node) {
                    row[cell.first.as<std::string>()] = scalar(path, cell.second, "a cell of table " + table_name);
                }
                rows.push_back(std::move(row));
            }
            tables_[table_name] = std::move(rows);
        }
    } else if (name == "patterns") {
        if (!body.IsMap()) fail(path, body, "patterns must be a map of key: list of RE2 patterns");
        for (const auto& item : body) {
            const auto key = item.first.as<std::string>();
            if (!item.second.IsSequence()) fail(path, item.second, "patterns '" + key + "' must be a list");
            std::vector<std::string> list;
            for (const auto& pattern_node : item.second) {
                const auto pattern = scalar(path, pattern_node, "a pattern");
                const RE2 compiled(pattern, RE2::Quiet);
                if (!compiled.ok()) {
                    fail(path, pattern_node, "invalid RE2 pattern '" + pattern + "': " + compiled.error());
                }
                list.push_back(pattern);
            }
            patterns_[key] = std::move(list);
            // Checks match a key's patterns as one alternation (RulePack::matches_any).
            const auto joined = alternation(key);
            if (const auto error = joined.empty() ? std::string() : pattern_error(joined); !error.empty()) {
                fail(path, item.second, "the patterns under '" + key + "' cannot be compiled together: " + error +
                                            "; split them under two keys, which plugins match separately");
            }
        }
    } else if (name == "fields") {
        if (!body.IsMap()) fail(path, body, "fields must be a map of field: {subject, synonyms}");
        for (const auto& item : body) {
            FieldSynonyms field;
            field.field = item.first.as<std::string>();
            const auto& node = item.second;
            if (!node.IsMap() || !node["synonyms"] || !node["synonyms"].IsSequence()) {
                fail(path, node, "field '" + field.field + "' needs `synonyms: [header, other header]`");
            }
            field.subject = node["subject"] ? scalar(path, node["subject"], "subject") : "trainee";
            if (field.subject != "trainee" && field.subject != "mentor" && field.subject != "either") {
                fail(path, node["subject"], "subject of '" + field.field + "' must be trainee, mentor or either");
            }
            for (const auto& synonym : node["synonyms"]) {
                field.synonyms.push_back(normalise_header(scalar(path, synonym, "a synonym")));
            }
            const auto existing = std::find_if(fields_.begin(), fields_.end(),
                                               [&](const auto& f) { return f.field == field.field; });
            if (existing != fields_.end()) {
                *existing = std::move(field);
            } else {
                fields_.push_back(std::move(field));
            }
        }
    } else if (name == "registers") {
        if (!body.IsSequence()) fail(path, body, "registers must be a list; write each register as `- file: ...`");
        for (const auto& node : body) {
            try {
                registers_.push_back(read_register_pin(path, node, fields_));
            } catch (const RuleError& error) {
                errors_.push_back(error.what());
            }
        }
    } else {
        fail(path, key,
             "unknown section '" + name + "'; write one of criteria, settings, tables, patterns, fields, "
             "registers, checks, requires");
    }
}

std::optional<Setting> LoadedRulePack::setting(const std::string& key) const {
    const auto found = settings_.find(key);
    if (found == settings_.end()) return std::nullopt;
    return found->second;
}

std::optional<double> LoadedRulePack::number(const std::string& key) const {
    const auto found = settings_.find(key);
    if (found == settings_.end()) return std::nullopt;
    try {
        std::size_t used = 0;
        const double value = std::stod(found->second.value, &used);
        if (used != found->second.value.size()) return std::nullopt;
        return value;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::vector<RuleRow> LoadedRulePack::table(const std::string& name) const {
    const auto found = tables_.find(name);
    return found == tables_.end() ? std::vector<RuleRow>{} : found->second;
}

std::vector<std::string> LoadedRulePack::patterns(const std::string& key) const {
    const auto found = patterns_.find(key);
    return found == patterns_.end() ? std::vector<std::string>{} : found->second;
}

bool LoadedRulePack::matches(const std::string& pattern, const std::string& text) const {
    return pattern_matches(pattern, text);
}

}  // namespace iqts::host
