#include "iqts/host/rule_pack.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include "iqts/values.hpp"

namespace iqts::host {
namespace {

namespace fs = std::filesystem;

std::string position(const std::string& path, const YAML::Mark& mark) {
    if (mark.is_null()) return path;
    return path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

[[noreturn]] void fail(const std::string& path, const YAML::Node& node, const std::string& message) {
    throw RuleError(position(path, node.Mark()) + ": " + message);
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
    try {
        criterion.part = node["part"].as<int>();
    } catch (const YAML::Exception&) {
        fail(path, node["part"], "part of " + criterion.id + " must be a whole number (1, 2 or 3)");
    }
    criterion.title = scalar(path, node["title"], "criterion title");
    if (node["statement"]) criterion.statement = scalar(path, node["statement"], "criterion statement");
    return criterion;
}

}  // namespace

std::string normalise_header(const std::string& text) { return normalise_text(text); }

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
}

void LoadedRulePack::load_file(const std::string& path) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::ParserException& exception) {
        throw RuleError(position(path, exception.mark) + ": invalid YAML: " + exception.msg);
    } catch (const YAML::BadFile&) {
        throw RuleError(path + ": cannot be read");
    }
    if (root.IsNull()) return;
    if (!root.IsMap()) fail(path, root, "a rule file is a map with criteria, settings, tables, patterns or fields");
    sources_.push_back(path);

    for (const auto& section : root) {
        const auto name = section.first.as<std::string>();
        const auto& body = section.second;
        if (name == "criteria") {
            if (!body.IsSequence()) fail(path, body, "criteria must be a list");
            for (const auto& node : body) {
                auto criterion = read_criterion(path, node);
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
        } else {
            fail(path, section.first,
                 "unknown section '" + name + "'; write one of criteria, settings, tables, patterns, fields");
        }
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
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    const RE2 compiled(pattern, options);
    return compiled.ok() && RE2::PartialMatch(text, compiled);
}

}  // namespace iqts::host
