#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include "iqts/check.hpp"
#include "iqts/finding.hpp"

namespace iqts::host {

// The condition every data row of a register must meet in a `register` rule.
// Exactly one of the four forms is set.
struct RowCondition {
    std::optional<double> number_min;
    std::optional<double> number_max;
    bool is_number = false;
    std::string date_after;    // YYYY-MM-DD, exclusive; empty for no bound
    std::string date_before;   // YYYY-MM-DD, exclusive; empty for no bound
    bool is_date = false;
    std::vector<std::string> allowed;   // normalised: see normalise_text
    bool is_in = false;
    bool not_empty = false;
};

enum class RuleKind { document_exists, text, register_rows, date_freshness };

// One rule of the `checks:` section of a rule file.
struct RuleCheckDefinition {
    std::string id;
    std::string criterion;
    Status severity = Status::fail;   // the status of a finding when the rule is not met
    std::string message;
    std::string remediation;
    RuleKind kind = RuleKind::document_exists;

    // document_exists: RE2 patterns; any match satisfies the rule.
    std::vector<std::string> titles;
    std::vector<std::string> file_names;
    std::vector<std::string> paths;

    // text: RE2 patterns searched in the text and table cells of the documents
    // whose path or title matches `in_documents` (every document when empty).
    std::vector<std::string> any;
    std::vector<std::string> all;
    std::vector<std::string> none;
    std::string in_documents;

    // register: header synonyms, normalised.
    std::vector<std::string> headers;
    std::vector<std::string> subject_headers;
    RowCondition where;

    // date_freshness, with in_documents.
    int max_age_days = 0;

    std::string source;               // FILE:LINE:COLUMN of the rule
    std::string criterion_position;   // FILE:LINE:COLUMN of its criterion value
};

// Formats "FILE:LINE:COLUMN" for a node of a rule or waiver file.
std::string position_of(const std::string& path, const YAML::Mark& mark);

// Formats "FILE:LINE:COLUMN: error: MESSAGE" for a node of a rule or waiver file.
std::string error_at(const std::string& path, const YAML::Mark& mark, const std::string& message);

// Returns the options every rule-pack pattern is compiled with: case
// insensitive, quiet, and up to 64 MiB of RE2 memory.
RE2::Options pattern_options();

// Returns `pattern` compiled case-insensitively, from a process-wide map so
// that each pattern is compiled once. Check ok() before matching.
std::shared_ptr<const re2::RE2> compiled_pattern(const std::string& pattern);

// Returns whether RE2 `pattern` matches anywhere in `text`, ignoring case.
// An invalid pattern matches nothing.
bool pattern_matches(const std::string& pattern, const std::string& text);

// Returns RE2's error for `pattern` compiled as pattern_matches compiles it,
// or an empty string when it compiles. Nothing is cached, so checking a
// large pattern that no check will match leaves no memory behind.
std::string pattern_error(const std::string& pattern);

// Returns the candidate nearest to `word` by edit distance, or an empty
// string when none is within a third of the word's length (at least 2 edits).
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

// Reads one rule of a `checks:` list. Appends every error found to `errors`
// and returns nothing when there is one. The criterion id is not checked here,
// because a later file may declare it.
std::optional<RuleCheckDefinition> read_rule_check(const std::string& path, const YAML::Node& node,
                                                   std::vector<std::string>& errors);

// A declarative rule run as a check: its name is the rule id.
class RuleCheck : public Check {
public:
    explicit RuleCheck(RuleCheckDefinition definition) : definition_(std::move(definition)) {}

    std::string criterion() const override { return definition_.criterion; }
    std::string name() const override { return definition_.id; }
    std::vector<Finding> run(const CheckContext& context) const override;

private:
    RuleCheckDefinition definition_;
};

}  // namespace iqts::host
