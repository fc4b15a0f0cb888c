#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "iqts/host/report.hpp"
#include "iqts/host/rule_checks.hpp"
#include "iqts/rules.hpp"

namespace iqts::host {

// How a register column is recognised: its canonical field, whose value it
// holds (trainee, mentor or either) and the header wordings that mean it.
struct FieldSynonyms {
    std::string field;
    std::string subject;
    std::vector<std::string> synonyms;   // normalised: see normalise_header
};

// A register whose columns a provider names in a rules file because the
// header synonyms miss them (the `registers:` section). `file` is a glob on
// the file name, or on the whole path when it contains a '/'; `table` names the
// sheet (empty: every table of the file); `header_row` is the sheet's 1-based
// row of headers (0: found as usual); `columns` maps a canonical field to its
// header as written or to a column letter ("F").
struct RegisterPin {
    std::string file;
    std::string table;
    int header_row = 0;
    std::map<std::string, std::string> columns;
    std::string position;   // "FILE:LINE:COLUMN" of the entry, for messages
};

// Rule files that could not be loaded: every error, each as
// "FILE:LINE:COLUMN: error: what; write instead ...", one a line in what().
class RuleError : public std::runtime_error {
public:
    explicit RuleError(const std::string& message) : std::runtime_error(message), errors_{message} {}
    explicit RuleError(const std::vector<std::string>& errors);

    const std::vector<std::string>& errors() const { return errors_; }

private:
    std::vector<std::string> errors_;
};

// The rule pack in force: every *.yaml file of the built-in rules folder,
// overlaid in order by each folder given with --rules. A later folder
// replaces a setting, a table, a pattern list, a field or a criterion of the
// same name and adds new ones.
class LoadedRulePack : public RulePack {
public:
    // Loads the folders in order. Throws RuleError naming the file, line and
    // column of every error found.
    explicit LoadedRulePack(const std::vector<std::string>& folders);

    std::optional<Setting> setting(const std::string& key) const override;
    std::optional<double> number(const std::string& key) const override;
    std::vector<RuleRow> table(const std::string& name) const override;
    std::vector<std::string> patterns(const std::string& key) const override;
    bool matches(const std::string& pattern, const std::string& text) const override;

    const std::vector<CriterionDefinition>& criteria() const { return criteria_; }
    const std::vector<FieldSynonyms>& fields() const { return fields_; }
    const std::map<std::string, Setting>& settings() const { return settings_; }
    const std::vector<std::string>& sources() const { return sources_; }
    const std::vector<RuleCheckDefinition>& checks() const { return checks_; }
    const std::vector<RegisterPin>& registers() const { return registers_; }

private:
    void load_file(const std::string& path);
    void load_section(const std::string& path, const YAML::Node& key, const YAML::Node& body);
    void check_criteria_of_rules();
    void keep_criterion_of_rejected_rule(const std::string& path, const YAML::Node& node);

    std::vector<std::string> errors_;
    std::vector<RuleCheckDefinition> checks_;
    // Rules rejected for other errors, kept so that an unknown criterion in
    // them is reported too.
    std::vector<RuleCheckDefinition> rejected_checks_;

    std::vector<CriterionDefinition> criteria_;
    std::vector<FieldSynonyms> fields_;
    std::vector<RegisterPin> registers_;
    std::map<std::string, Setting> settings_;
    std::map<std::string, std::vector<RuleRow>> tables_;
    std::map<std::string, std::vector<std::string>> patterns_;
    std::vector<std::string> sources_;
};

// Lower-cases a header or name and removes punctuation, so that
// "In-school mentor:" and "in school mentor" compare equal.
std::string normalise_header(const std::string& text);

// Returns the built-in rules folder: beside the executable in the build and
// install trees, falling back to the source tree.
std::string builtin_rules_folder();

// Returns whether version `have` ("0.1.0") is at least `need` ("0.1"),
// comparing dot-separated numbers. Throws std::invalid_argument when `need`
// is not such a version.
bool version_at_least(const std::string& have, const std::string& need);

}  // namespace iqts::host
